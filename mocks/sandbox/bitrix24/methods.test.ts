import { beforeAll, describe, expect, it } from 'vitest';

import { formatDateTime } from './context';
import { demoPortal, type SandboxDeal } from './index';
import { connected, type B24Answer } from './test-helpers';

/** Every REST method the adapter calls, against the demo portal: shapes, paging, filters, errors. */

type Row = Record<string, unknown>;
type Connection = Awaited<ReturnType<typeof connected>>;

let api: Connection;
beforeAll(async () => {
  api = await connected();
});

const portal = demoPortal();
const deals = portal.deals;
const ids = (rows: Row[]) => rows.map((row) => Number(row.ID));
const dealIds = (predicate: (deal: SandboxDeal) => boolean) => deals.filter(predicate).map((deal) => deal.id);

/** Every page of a list method, following `next`. */
async function allPages(method: string, params: Record<string, unknown>): Promise<{ pages: Array<B24Answer<Row[]>['body']>; rows: Row[] }> {
  const pages: Array<B24Answer<Row[]>['body']> = [];
  let start: number | undefined = 0;
  while (start !== undefined) {
    const { status, body }: B24Answer<Row[]> = await api.call<Row[]>(method, { ...params, start });
    expect(status).toBe(200);
    pages.push(body);
    start = body.next;
  }
  return { pages, rows: pages.flatMap((page) => page.result) };
}

describe('the envelope', () => {
  it('wraps results in result and time; unknown methods are 404 ERROR_METHOD_NOT_FOUND', async () => {
    const { status, body } = await api.call('profile');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['result', 'time']);
    expect(body.time).toEqual({
      start: api.clock.at / 1000,
      finish: api.clock.at / 1000,
      duration: 0,
      processing: 0,
      date_start: formatDateTime(api.clock.at, '+03:00'),
      date_finish: formatDateTime(api.clock.at, '+03:00'),
      operating: 0,
    });
    expect(body.time?.date_start).toBe('2025-11-01T12:00:00+03:00');
    expect(await api.call('crm.deal.nothing')).toEqual({ status: 404, body: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' } });
    // Method names are case-insensitive and may end in .json.
    expect((await api.call('CRM.Category.List.json', { entityTypeId: 2 })).status).toBe(200);
  });
});

describe('who the token belongs to', () => {
  it('profile is the user who authorized; app.info the local application and the plan', async () => {
    expect((await api.call('profile')).body.result).toEqual({
      ID: '1',
      ADMIN: true,
      NAME: 'Анна',
      LAST_NAME: 'Смирнова',
      PERSONAL_GENDER: '',
      TIME_ZONE: '',
    });
    expect((await api.call('app.info')).body.result).toEqual({
      ID: 17,
      CODE: api.sandbox.integration.clientId,
      VERSION: 1,
      STATUS: 'L',
      INSTALLED: true,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID: 'ru',
      LICENSE: 'ru_pro100',
      LICENSE_TYPE: 'pro100',
      LICENSE_FAMILY: 'pro',
    });
  });
});

describe('crm.category.list', () => {
  it('lists deal pipelines in result.categories, camelCase, the default one id 0 with isDefault Y', async () => {
    const { body } = await api.call<{ categories: Row[] }>('crm.category.list', { entityTypeId: 2 });
    expect(body.total).toBe(3);
    expect(body.next).toBeUndefined();
    expect(body.result.categories).toEqual([
      { id: 0, name: 'Общая', sort: 100, entityTypeId: 2, isDefault: 'Y' },
      { id: 3, name: 'Повторные продажи', sort: 200, entityTypeId: 2, isDefault: 'N', originId: '', originatorId: '' },
      { id: 7, name: 'Тендеры', sort: 300, entityTypeId: 2, isDefault: 'N', originId: '', originatorId: '' },
    ]);
    // In a query string the type is a string.
    expect((await api.call<{ categories: Row[] }>('crm.category.list', 'entityTypeId=2')).body.result.categories).toHaveLength(3);
  });

  it('refuses leads (no pipelines) and unknown types', async () => {
    expect(await api.call('crm.category.list', { entityTypeId: 1 })).toEqual({
      status: 400,
      body: { error: 'ENTITY_TYPE_NOT_SUPPORTED', error_description: 'Entity type `Lead` is not supported' },
    });
    expect(await api.call('crm.category.list', { entityTypeId: 1234 })).toEqual({
      status: 400,
      body: { error: 'NOT_FOUND', error_description: 'Smart process not found' },
    });
  });
});

describe('crm.status.list', () => {
  const stages = async (entityId: string, order: Row = { SORT: 'ASC' }) =>
    (await api.call<Row[]>('crm.status.list', { filter: { ENTITY_ID: entityId }, order })).body;

  it('lists the default pipeline’s stages in SORT order with string fields, colours and semantics', async () => {
    const body = await stages('DEAL_STAGE');
    expect(body.total).toBe(9);
    expect(body.result.map((stage) => stage.NAME)).toEqual([
      'Новая заявка',
      'Подготовка документов',
      'Презентация',
      'Счёт на предоплату',
      'В работе',
      'Финальный счёт',
      'Сделка успешна',
      'Сделка провалена',
      'Анализ причины провала',
    ]);
    const [first] = body.result;
    expect(first).toEqual({
      ID: expect.stringMatching(/^\d+$/),
      ENTITY_ID: 'DEAL_STAGE',
      STATUS_ID: 'NEW',
      NAME: 'Новая заявка',
      NAME_INIT: 'Новая заявка',
      SORT: '10',
      SYSTEM: 'Y',
      CATEGORY_ID: null,
      COLOR: '#39A8EF',
      SEMANTICS: null,
      EXTRA: { SEMANTICS: 'process', COLOR: '#39A8EF' },
    });
    expect(body.result.slice(-3).map((stage) => [stage.STATUS_ID, stage.SEMANTICS, (stage.EXTRA as Row).SEMANTICS, stage.SYSTEM, stage.NAME_INIT])).toEqual([
      ['WON', 'S', 'success', 'Y', 'Сделка успешна'],
      ['LOSE', 'F', 'failure', 'Y', 'Сделка провалена'],
      ['APOLOGY', 'F', 'apology', 'N', ''],
    ]);
  });

  it('prefixes the other pipelines’ stages with C{id}: and gives each pipeline exactly one S stage', async () => {
    const tenders = await stages('DEAL_STAGE_7');
    expect(tenders.result.every((stage) => String(stage.STATUS_ID).startsWith('C7:') && stage.CATEGORY_ID === '7')).toBe(true);
    expect(tenders.result.map((stage) => stage.STATUS_ID)).toEqual(['C7:NEW', 'C7:PREPARATION', 'C7:UC_4F1Q2A', 'C7:UC_7K2M9B', 'C7:WON', 'C7:LOSE', 'C7:UC_9QX3DZ']);
    for (const entityId of ['DEAL_STAGE', 'DEAL_STAGE_3', 'DEAL_STAGE_7', 'STATUS']) {
      const { result } = await stages(entityId);
      expect(result.filter((stage) => stage.SEMANTICS === 'S'), entityId).toHaveLength(1);
      expect(result.filter((stage) => stage.SEMANTICS === 'F').length, entityId).toBeGreaterThanOrEqual(1);
    }
    expect((await stages('DEAL_STAGE_3', { SORT: 'DESC' })).result.map((stage) => stage.STATUS_ID)).toEqual(['C3:LOSE', 'C3:WON', 'C3:EXECUTING', 'C3:PREPARATION', 'C3:NEW']);
  });

  it('lists the lead pipeline (STATUS) and, without a filter, every directory', async () => {
    expect((await stages('STATUS')).result.map((stage) => [stage.STATUS_ID, stage.SEMANTICS])).toEqual([
      ['NEW', null],
      ['IN_PROCESS', null],
      ['UC_K2Q8ZP', null],
      ['PROCESSED', null],
      ['CONVERTED', 'S'],
      ['JUNK', 'F'],
    ]);
    const all = (await api.call<Row[]>('crm.status.list')).body;
    expect(new Set(all.result.map((entry) => entry.ENTITY_ID))).toEqual(new Set(['SOURCE', 'DEAL_TYPE', 'STATUS', 'DEAL_STAGE', 'DEAL_STAGE_3', 'DEAL_STAGE_7']));
    expect(all.result.find((entry) => entry.ENTITY_ID === 'SOURCE')).not.toHaveProperty('EXTRA');
    expect(await api.call('crm.status.list', { filter: 'DEAL_STAGE' })).toEqual({
      status: 400,
      body: { error: 'Invalid parameters.', error_description: 'Incorrect parameters passed.' },
    });
  });
});

describe('deal fields', () => {
  it('crm.deal.fields describes standard fields (UTM_* included) and UF_CRM_* fields with labels and items', async () => {
    const fields = (await api.call<Record<string, Row>>('crm.deal.fields')).body.result;
    expect(fields.OPPORTUNITY).toEqual({ type: 'double', isRequired: false, isReadOnly: false, isImmutable: false, isMultiple: false, isDynamic: false, title: 'Сумма' });
    expect(fields.STAGE_ID).toMatchObject({ type: 'crm_status', statusType: 'DEAL_STAGE', isDynamic: false });
    expect(fields.CATEGORY_ID).toMatchObject({ type: 'crm_category', isImmutable: true });
    for (const utm of ['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM']) expect(fields[utm]).toMatchObject({ type: 'string', isDynamic: false });
    expect(fields.UF_CRM_LANDING).toEqual({
      type: 'string',
      isRequired: false,
      isReadOnly: false,
      isImmutable: false,
      isMultiple: false,
      isDynamic: true,
      title: 'UF_CRM_LANDING',
      listLabel: 'Посадочная страница',
      formLabel: 'Посадочная страница',
      filterLabel: 'Посадочная страница',
      settings: { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '' },
    });
    expect(fields.UF_CRM_1716203560).toMatchObject({
      type: 'enumeration',
      items: [
        { ID: '45', VALUE: 'Новый' },
        { ID: '47', VALUE: 'Постоянный' },
        { ID: '49', VALUE: 'VIP' },
      ],
    });
    expect(fields.UF_CRM_1716203611).toMatchObject({ type: 'enumeration', isMultiple: true });
    const types = Object.values(fields).filter((field) => field.isDynamic).map((field) => field.type);
    expect(types).toEqual(expect.arrayContaining(['string', 'double', 'integer', 'money', 'enumeration', 'url']));
    expect(Object.keys(fields).filter((key) => key.startsWith('UF_CRM_'))).toHaveLength(8);
  });

  it('crm.deal.userfield.list gives labels only with filter.LANG, in that language (null when missing)', async () => {
    const plain = (await api.call<Row[]>('crm.deal.userfield.list')).body;
    expect(plain.total).toBe(8);
    expect(plain.result[0]).not.toHaveProperty('EDIT_FORM_LABEL');
    expect(plain.result[0]).toMatchObject({ ID: '201', ENTITY_ID: 'CRM_DEAL', FIELD_NAME: 'UF_CRM_LANDING', USER_TYPE_ID: 'string', SORT: '100', MULTIPLE: 'N', MANDATORY: 'N' });

    const english = (await api.call<Row[]>('crm.deal.userfield.list', { filter: { LANG: 'en' } })).body.result;
    const byName = new Map(english.map((field) => [field.FIELD_NAME, field]));
    expect(byName.get('UF_CRM_LANDING')).toMatchObject({ EDIT_FORM_LABEL: 'Landing page', LIST_COLUMN_LABEL: 'Landing page', LIST_FILTER_LABEL: 'Landing page', ERROR_MESSAGE: null, HELP_MESSAGE: null });
    expect(byName.get('UF_CRM_YM_CID')).toMatchObject({ EDIT_FORM_LABEL: null, LIST_COLUMN_LABEL: null });
    const russian = (await api.call<Row[]>('crm.deal.userfield.list', { filter: { LANG: 'ru' } })).body.result;
    expect(russian.find((field) => field.FIELD_NAME === 'UF_CRM_YM_CID')?.LIST_COLUMN_LABEL).toBe('CID Яндекс.Метрики');

    const enums = (await api.call<Row[]>('crm.deal.userfield.list', { filter: { USER_TYPE_ID: 'enumeration' }, order: { ID: 'DESC' } })).body;
    expect(enums.result.map((field) => field.FIELD_NAME)).toEqual(['UF_CRM_1716203611', 'UF_CRM_1716203560']);
    expect((enums.result[1]!.LIST as Row[])[0]).toEqual({ ID: '45', SORT: '10', VALUE: 'Новый', DEF: 'Y', XML_ID: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});

describe('crm.deal.list', () => {
  it('pages 50 at a time with next and total until every deal was seen once', async () => {
    const { pages, rows } = await allPages('crm.deal.list', { select: ['ID'] });
    expect(deals.length).toBeGreaterThanOrEqual(300);
    expect(pages.map((page) => page.result.length)).toEqual([...Array<number>(Math.floor(deals.length / 50)).fill(50), deals.length % 50]);
    expect(pages.map((page) => page.next)).toEqual([...pages.slice(1).map((_, index) => (index + 1) * 50), undefined]);
    expect(new Set(pages.map((page) => page.total))).toEqual(new Set([deals.length]));
    expect(ids(rows)).toEqual(deals.map((deal) => deal.id));
    // Exactly 100 matches: two full pages, the second without next.
    const hundred = deals[99]!.id;
    const exact = await allPages('crm.deal.list', { select: ['ID'], filter: { '<=ID': hundred } });
    expect(exact.pages.map((page) => [page.result.length, page.next, page.total])).toEqual([
      [50, 50, 100],
      [50, undefined, 100],
    ]);
  });

  it('writes values as Bitrix24 does: strings, datetimes with the offset, money as amount|currency', async () => {
    const { body } = await api.call<Row[]>('crm.deal.list', { filter: { ID: 1 }, select: ['*', 'UF_*', 'UF_CRM_1716203611'] });
    expect(body.total).toBe(1);
    expect(body.result[0]).toMatchObject({
      ID: '1',
      TITLE: 'Внедрение CRM — ООО «Пример»',
      TYPE_ID: 'COMPLEX',
      CATEGORY_ID: '0',
      STAGE_ID: 'WON',
      STAGE_SEMANTIC_ID: 'S',
      OPPORTUNITY: '146000.00',
      CURRENCY_ID: 'RUB',
      CLOSED: 'Y',
      LEAD_ID: '1',
      ASSIGNED_BY_ID: '3',
      DATE_CREATE: '2025-02-04T11:20:00+03:00',
      MOVED_TIME: '2025-03-03T17:45:00+03:00',
      DATE_MODIFY: '2025-03-04T09:10:00+03:00',
      BEGINDATE: '2025-02-04T00:00:00+03:00',
      CLOSEDATE: '2025-03-03T00:00:00+03:00',
      UTM_SOURCE: 'yandex',
      UTM_MEDIUM: 'cpc',
      UTM_CAMPAIGN: 'crm_promo',
      UTM_CONTENT: null,
      UTM_TERM: null,
      UF_CRM_LANDING: 'site-42',
      UF_CRM_1716203411: '27.5',
      UF_CRM_1716203455: '12',
      UF_CRM_1716203502: '68000|RUB',
      UF_CRM_1716203560: '49',
      UF_CRM_1716203611: ['51', '57'],
      UF_CRM_YM_CID: null,
    });
    expect(body.result[0]).not.toHaveProperty('CONTACT_IDS');
  });

  it('selects * and UF_* by default (multiple fields only by name), or just the fields named', async () => {
    const [full] = (await api.call<Row[]>('crm.deal.list', { filter: { ID: 1 } })).body.result;
    expect(full).toHaveProperty('UTM_SOURCE');
    expect(full).toHaveProperty('UF_CRM_LANDING');
    expect(full).not.toHaveProperty('UF_CRM_1716203611');
    const [some] = (await api.call<Row[]>('crm.deal.list', { filter: { ID: 1 }, select: ['TITLE', 'UTM_SOURCE', 'UF_CRM_1716203611', 'NO_SUCH_FIELD'] })).body.result;
    expect(some).toEqual({ ID: '1', TITLE: 'Внедрение CRM — ООО «Пример»', UTM_SOURCE: 'yandex', UF_CRM_1716203611: ['51', '57'] });
    const [standard] = (await api.call<Row[]>('crm.deal.list', { filter: { ID: 3 }, select: ['*'] })).body.result;
    expect(Object.keys(standard!).some((key) => key.startsWith('UF_'))).toBe(false);
  });

  it('takes upper- and lower-case parameter names, in a JSON body or a bracket query string', async () => {
    const lower = (await api.call<Row[]>('crm.deal.list', { select: ['ID'], filter: { '>ID': 300, CATEGORY_ID: 7 }, order: { ID: 'DESC' } })).body;
    const upper = (await api.call<Row[]>('crm.deal.list', { SELECT: ['ID'], FILTER: { '>ID': '300', CATEGORY_ID: '7' }, ORDER: { ID: 'DESC' } })).body;
    const query = (await api.call<Row[]>('crm.deal.list', 'select[]=ID&filter[%3EID]=300&filter[CATEGORY_ID]=7&order[ID]=DESC')).body;
    const expected = dealIds((deal) => deal.id > 300 && deal.categoryId === 7).reverse();
    expect(expected.length).toBeGreaterThan(3);
    expect(ids(lower.result)).toEqual(expected);
    expect(ids(upper.result)).toEqual(expected);
    expect(ids(query.result)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, (deal: SandboxDeal) => boolean]>([
    ['>=', { '>=ID': 300 }, (deal) => deal.id >= 300],
    ['>', { '>ID': 300 }, (deal) => deal.id > 300],
    ['<=', { '<=ID': 110 }, (deal) => deal.id <= 110],
    ['<', { '<ID': 110 }, (deal) => deal.id < 110],
    ['@', { '@ID': [1, 3, 105, 99999] }, (deal) => [1, 3, 105].includes(deal.id)],
    ['!@', { '!@CATEGORY_ID': [0, 3] }, (deal) => deal.categoryId === 7],
    ['=', { '=CATEGORY_ID': 3 }, (deal) => deal.categoryId === 3],
    ['none', { CATEGORY_ID: '3' }, (deal) => deal.categoryId === 3],
    ['!=', { '!=CATEGORY_ID': 0 }, (deal) => deal.categoryId !== 0],
    ['!', { '!CATEGORY_ID': 0 }, (deal) => deal.categoryId !== 0],
    ['@ on STAGE_ID', { '@STAGE_ID': ['WON', 'C3:WON', 'C7:WON'] }, (deal) => deal.semantic === 'S'],
    ['= on STAGE_ID', { STAGE_ID: 'C7:UC_9QX3DZ' }, (deal) => deal.stageId === 'C7:UC_9QX3DZ'],
    ['!@ on STAGE_ID', { CATEGORY_ID: 0, '!@STAGE_ID': ['WON', 'LOSE', 'APOLOGY'] }, (deal) => deal.categoryId === 0 && deal.semantic === 'P'],
    ['a date', { '>=DATE_CREATE': '2025-10-01' }, (deal) => deal.createdAt >= Date.parse('2025-10-01T00:00:00+03:00')],
    ['a datetime with an offset', { '<DATE_CREATE': '2025-02-01T12:00:00+03:00' }, (deal) => deal.createdAt < Date.parse('2025-02-01T12:00:00+03:00')],
    ['a range', { '>DATE_MODIFY': '2025-06-01', '<=DATE_MODIFY': '2025-06-30T23:59:59+03:00' }, (deal) => deal.modifiedAt > Date.parse('2025-06-01T00:00:00+03:00') && deal.modifiedAt <= Date.parse('2025-06-30T23:59:59+03:00')],
    ['LIKE', { '%TITLE': 'кедр' }, (deal) => deal.title.toLowerCase().includes('кедр')],
    ['a user field', { UF_CRM_LANDING: 'site-42' }, (deal) => deal.values.UF_CRM_LANDING === 'site-42'],
    ['a multiple field', { UF_CRM_1716203611: 53 }, (deal) => ([] as unknown[]).concat(deal.values.UF_CRM_1716203611 ?? []).includes(53)],
    ['an unknown field (ignored)', { CATEGORY_ID: 3, NO_SUCH_FIELD: 'x' }, (deal) => deal.categoryId === 3],
  ])('filters with %s', async (_name, filter, predicate) => {
    const expected = dealIds(predicate);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(deals.length);
    const { rows } = await allPages('crm.deal.list', { select: ['ID'], filter });
    expect(ids(rows)).toEqual(expected);
  });

  it('LIKE does not work on STAGE_ID', async () => {
    expect((await api.call<Row[]>('crm.deal.list', { filter: { '%STAGE_ID': 'C7' } })).body).toMatchObject({ result: [], total: 0 });
  });

  it('orders by any field, both directions', async () => {
    const { rows } = await allPages('crm.deal.list', { select: ['ID', 'DATE_CREATE'], order: { DATE_CREATE: 'DESC' } });
    const times = rows.map((row) => Date.parse(String(row.DATE_CREATE)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const byAmount = (await api.call<Row[]>('crm.deal.list', { select: ['OPPORTUNITY'], order: { OPPORTUNITY: 'asc' } })).body.result;
    const amounts = byAmount.map((row) => Number(row.OPPORTUNITY));
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    expect(amounts[0]).toBe(Math.min(...deals.map((deal) => deal.opportunity)));
  });

  it('with start=-1 skips the count: 50 rows, total 0, no next; walking on with >ID reaches every deal', async () => {
    const seen: number[] = [];
    let last = 0;
    for (;;) {
      const { body } = await api.call<Row[]>('crm.deal.list', { select: ['ID'], order: { ID: 'ASC' }, filter: { '>ID': last }, start: -1 });
      expect(body.total).toBe(0);
      expect(body.next).toBeUndefined();
      seen.push(...ids(body.result));
      if (body.result.length < 50) break;
      last = seen[seen.length - 1]!;
    }
    expect(seen).toEqual(deals.map((deal) => deal.id));
  });

  it('answers 400 with an empty error for a filter or order that is not an object', async () => {
    expect(await api.call('crm.deal.list', { filter: 'ID=1' })).toEqual({ status: 400, body: { error: '', error_description: "Parameter 'filter' must be array." } });
    expect(await api.call('crm.deal.list', { order: 'ID' })).toEqual({ status: 400, body: { error: '', error_description: "Parameter 'order' must be array." } });
    expect((await api.call('crm.deal.list', { filter: { '>DATE_CREATE': 'yesterday' } })).body).toEqual({ error: '', error_description: 'Failed to get list. General error.' });
  });
});

describe('crm.lead.list', () => {
  it('lists leads with STATUS_ID and STATUS_SEMANTIC_ID, paged like deals', async () => {
    const { pages, rows } = await allPages('crm.lead.list', { select: ['ID', 'STATUS_ID', 'STATUS_SEMANTIC_ID', 'UTM_SOURCE'] });
    expect(rows).toHaveLength(portal.leads.length);
    expect(pages[0]!.total).toBe(portal.leads.length);
    expect(rows[0]).toEqual({ ID: '1', STATUS_ID: 'CONVERTED', STATUS_SEMANTIC_ID: 'S', UTM_SOURCE: 'yandex' });
    const junk = (await api.call<Row[]>('crm.lead.list', { filter: { STATUS_ID: 'JUNK' }, select: ['ID'] })).body;
    expect(junk.total).toBe(portal.leads.filter((lead) => lead.statusId === 'JUNK').length);
  });
});

describe('crm.stagehistory.list', () => {
  const history = (params: Record<string, unknown>) => api.call<{ items: Row[] }>('crm.stagehistory.list', params);

  it('lists a deal’s moves in result.items with integer fields, ending at its current stage', async () => {
    const { body } = await history({ entityTypeId: 2, order: { ID: 'ASC' }, filter: { OWNER_ID: 1 } });
    expect(body.total).toBe(6);
    expect(body.result.items[0]).toEqual({ ID: expect.any(Number), TYPE_ID: 1, OWNER_ID: 1, CREATED_TIME: '2025-02-04T11:20:00+03:00', CATEGORY_ID: 0, STAGE_SEMANTIC_ID: 'P', STAGE_ID: 'NEW' });
    expect(body.result.items.map((row) => [row.TYPE_ID, row.STAGE_ID])).toEqual([
      [1, 'NEW'],
      [2, 'PREPARATION'],
      [2, 'UC_3N9X1K'],
      [2, 'PREPAYMENT_INVOICE'],
      [2, 'EXECUTING'],
      [3, 'WON'],
    ]);
    const moved = (await history({ entityTypeId: 2, filter: { OWNER_ID: 2 }, select: ['TYPE_ID', 'CATEGORY_ID', 'STAGE_ID'] })).body.result.items;
    expect(moved).toEqual([
      { TYPE_ID: 1, CATEGORY_ID: 0, STAGE_ID: 'NEW' },
      { TYPE_ID: 2, CATEGORY_ID: 0, STAGE_ID: 'PREPARATION' },
      { TYPE_ID: 5, CATEGORY_ID: 7, STAGE_ID: 'C7:PREPARATION' },
      { TYPE_ID: 2, CATEGORY_ID: 7, STAGE_ID: 'C7:UC_4F1Q2A' },
      { TYPE_ID: 2, CATEGORY_ID: 7, STAGE_ID: 'C7:UC_7K2M9B' },
      { TYPE_ID: 3, CATEGORY_ID: 7, STAGE_ID: 'C7:LOSE' },
    ]);
  });

  it('lists lead moves with STATUS_ID and no CATEGORY_ID', async () => {
    const items = (await history({ entityTypeId: 1, filter: { OWNER_ID: 1 } })).body.result.items;
    expect(items.map((row) => [row.TYPE_ID, row.STATUS_ID, row.STATUS_SEMANTIC_ID])).toEqual([
      [1, 'NEW', 'P'],
      [2, 'IN_PROCESS', 'P'],
      [3, 'CONVERTED', 'S'],
    ]);
    expect(items[0]).not.toHaveProperty('CATEGORY_ID');
    expect(items[0]).not.toHaveProperty('STAGE_ID');
  });

  it('pages 50 at a time and walks incrementally with >ID or >=CREATED_TIME', async () => {
    const all = portal.history.filter((row) => row.entityTypeId === 2);
    const first = (await history({ entityTypeId: 2, order: { ID: 'ASC' }, filter: { '>ID': 0 } })).body;
    expect(first).toMatchObject({ total: all.length, next: 50 });
    expect(first.result.items).toHaveLength(50);
    const last = (await history({ entityTypeId: 2, order: { ID: 'ASC' }, start: Math.floor(all.length / 50) * 50 })).body;
    expect(last.next).toBeUndefined();
    expect(last.result.items).toHaveLength(all.length % 50);
    const since = Date.parse('2025-10-15T00:00:00+03:00');
    const recent = (await history({ entityTypeId: 2, filter: { '>=CREATED_TIME': '2025-10-15T00:00:00+03:00' }, select: ['ID'] })).body;
    expect(recent.total).toBe(all.filter((row) => row.createdAt >= since).length);
    const noCount = (await history({ entityTypeId: 2, filter: { '>ID': 100 }, start: -1 })).body;
    expect(noCount).toMatchObject({ total: 0 });
    expect(noCount.result.items[0]).toMatchObject({ ID: all.find((row) => row.id > 100)!.id });
  });

  it('keeps an allow-list for filter and order: anything else is 400 INVALID_ARG_VALUE', async () => {
    const refused = (description: string) => ({ status: 400, body: { error: 'INVALID_ARG_VALUE', error_description: description } });
    expect(await history({ entityTypeId: 2, filter: { TITLE: 'x' } })).toEqual(refused("Invalid filter: field 'TITLE' is not allowed in filter"));
    expect(await history({ entityTypeId: 1, filter: { STAGE_ID: 'NEW' } })).toEqual(refused("Invalid filter: field 'STAGE_ID' is not allowed in filter"));
    expect(await history({ entityTypeId: 2, filter: { '>ID': 'abc' } })).toEqual(refused("Invalid filter: field 'ID' has invalid value"));
    expect(await history({ entityTypeId: 2, filter: { '>=CREATED_TIME': 'soon' } })).toEqual(refused("Invalid filter: field 'CREATED_TIME' has invalid value"));
    expect(await history({ entityTypeId: 2, order: { TITLE: 'ASC' } })).toEqual(refused("Invalid order: field 'TITLE' is not allowed in order"));
    expect(await history({ entityTypeId: 2, order: { ID: 'UP' } })).toEqual(refused("Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'ID'"));
    const allowed = await history({ entityTypeId: 2, filter: { '@STAGE_ID': ['WON', 'C7:WON'], '!CATEGORY_ID': 3, '>=TYPE_ID': 3 }, order: { CREATED_TIME: 'DESC' } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.result.items.every((row) => ['WON', 'C7:WON'].includes(String(row.STAGE_ID)))).toBe(true);
  });

  it('refuses types without a stage history; invoices are supported and empty', async () => {
    expect(await history({ entityTypeId: 3 })).toEqual({ status: 400, body: { error: 'ENTITY_TYPE_NOT_SUPPORTED', error_description: 'Entity type CONTACT is not supported' } });
    expect((await history({})).body.error).toBe('ENTITY_TYPE_NOT_SUPPORTED');
    expect((await history({ entityTypeId: 31 })).body).toMatchObject({ result: { items: [] }, total: 0 });
  });
});
