import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import demoFixture from '../../fixtures/bitrix24-demo.json';
import smallFixture from '../../fixtures/bitrix24-small.json';

import {
  BITRIX24_SANDBOX_CLIENT_ID,
  buildSandboxPortal,
  createSandboxBitrix24,
  demoPortal,
  MAX_DEAL_USER_FIELDS,
  SandboxPortalFixtureError,
  type PortalFixtureInput,
  type SandboxPortal,
} from './index';
import { bitrix24SandboxHandlers } from './msw';
import { loadSandboxPortalFile } from './portal-file';
import { tokenRequest, type TokenBody } from './test-helpers';

/** The portal fixture: the demo portal's own invariants, the seeded generator, and validation messages. */

const semanticOf = (portal: SandboxPortal, categoryId: number | null, stageId: string) => {
  const entityId = categoryId === null ? 'STATUS' : categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`;
  const status = portal.statuses.find((entry) => entry.entityId === entityId && entry.statusId === stageId);
  return status ? (status.semantics ?? 'P') : undefined;
};

describe('the demo portal', () => {
  const portal = demoPortal();
  const { fixture } = portal;

  it('is Russian, with 3 deal pipelines (default "Общая" id 0), one of them with two failure stages', () => {
    expect(fixture.portal).toMatchObject({ language: 'ru', currency: 'RUB', utcOffset: '+03:00' });
    expect(fixture.dealPipelines.map((pipeline) => [pipeline.id, pipeline.name])).toEqual([
      [0, 'Общая'],
      [3, 'Повторные продажи'],
      [7, 'Тендеры'],
    ]);
    const general = fixture.dealPipelines[0]!.stages;
    expect(general.filter((stage) => stage.semantics === 'F').map((stage) => stage.name)).toEqual(['Сделка провалена', 'Анализ причины провала']);
    for (const pipeline of [...fixture.dealPipelines.map((entry) => entry.stages), fixture.leadStages]) {
      expect(pipeline.filter((stage) => stage.semantics === 'S')).toHaveLength(1);
      expect(pipeline.every((stage) => /^#[0-9A-F]{6}$/i.test(stage.color))).toBe(true);
    }
  });

  it('has a LANDING-like string field, numeric, money and enumeration fields, and UTM values on deals', () => {
    const byName = new Map(portal.userFields.map((field) => [field.fieldName, field]));
    expect(byName.get('UF_CRM_LANDING')).toMatchObject({ type: 'string', labels: { ru: 'Посадочная страница' } });
    const types = portal.userFields.map((field) => field.type);
    expect(types).toEqual(expect.arrayContaining(['double', 'integer', 'money', 'enumeration']));
    expect(portal.userFields.some((field) => field.type === 'enumeration' && field.multiple)).toBe(true);
    for (const utm of ['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM'] as const) {
      expect(portal.deals.filter((deal) => deal.utm[utm] !== null).length, utm).toBeGreaterThan(20);
    }
    expect(portal.deals.filter((deal) => deal.values.UF_CRM_LANDING !== undefined).length).toBeGreaterThan(portal.deals.length / 2);
  });

  it('has a few hundred deals in every pipeline, won, lost and open, and leads, some converted to deals', () => {
    expect(portal.deals.length).toBeGreaterThanOrEqual(300);
    for (const pipeline of fixture.dealPipelines) {
      const mine = portal.deals.filter((deal) => deal.categoryId === pipeline.id);
      expect(new Set(mine.map((deal) => deal.semantic)), pipeline.name).toEqual(new Set(['P', 'S', 'F']));
    }
    expect(portal.deals.filter((deal) => deal.stageId === 'APOLOGY').length).toBeGreaterThan(3);
    expect(portal.leads.length).toBeGreaterThan(100);
    const converted = new Map(portal.leads.filter((lead) => lead.statusId === 'CONVERTED').map((lead) => [lead.id, lead]));
    const fromLeads = portal.deals.filter((deal) => deal.leadId !== null);
    expect(fromLeads.length).toBeGreaterThan(10);
    for (const deal of fromLeads) {
      const lead = converted.get(deal.leadId!);
      expect(lead, `deal ${deal.id}`).toBeDefined();
      expect(deal.createdAt).toBeGreaterThanOrEqual(lead!.movedAt);
    }
  });

  it('gives every deal a history that starts at its creation and ends at its current stage', () => {
    const byOwner = new Map<number, SandboxPortal['history']>();
    for (const row of portal.history.filter((entry) => entry.entityTypeId === 2)) byOwner.set(row.ownerId, [...(byOwner.get(row.ownerId) ?? []), row]);
    let pipelineChanges = 0;
    for (const deal of portal.deals) {
      const rows = byOwner.get(deal.id) ?? [];
      const last = rows[rows.length - 1]!;
      expect(rows.length, `deal ${deal.id}`).toBeGreaterThan(0);
      expect(rows[0]).toMatchObject({ typeId: 1, createdAt: deal.createdAt });
      expect(last).toMatchObject({ stageId: deal.stageId, categoryId: deal.categoryId, createdAt: deal.movedAt, semantic: deal.semantic });
      expect(deal.modifiedAt).toBeGreaterThanOrEqual(deal.movedAt);
      expect(deal.closed).toBe(deal.semantic !== 'P');
      expect(semanticOf(portal, deal.categoryId, deal.stageId)).toBe(deal.semantic);
      rows.forEach((row, index) => {
        expect(semanticOf(portal, row.categoryId, row.stageId), `deal ${deal.id} row ${row.id}`).toBe(row.semantic);
        if (index === 0) return;
        const previous = rows[index - 1]!;
        expect(row.createdAt).toBeGreaterThanOrEqual(previous.createdAt);
        const expected = row.categoryId !== previous.categoryId ? 5 : row.semantic === 'P' ? 2 : 3;
        expect(row.typeId, `deal ${deal.id} row ${row.id}`).toBe(expected);
        if (expected === 5) pipelineChanges += 1;
      });
      // Nothing moves after a deal closed, but a failure may be analysed (a second failure stage).
      const closedAt = rows.findIndex((row) => row.semantic !== 'P');
      if (closedAt !== -1) expect(rows.slice(closedAt).every((row) => row.semantic === rows[closedAt]!.semantic)).toBe(true);
    }
    expect(pipelineChanges).toBeGreaterThan(3);
  });

  it('gives every lead a history ending at its current stage, and numbers the history in time order', () => {
    for (const lead of portal.leads) {
      const rows = portal.history.filter((row) => row.entityTypeId === 1 && row.ownerId === lead.id);
      expect(rows[0]).toMatchObject({ typeId: 1, createdAt: lead.createdAt, categoryId: null });
      expect(rows[rows.length - 1]).toMatchObject({ stageId: lead.statusId, createdAt: lead.movedAt });
    }
    expect(portal.history.map((row) => row.id)).toEqual(portal.history.map((_, index) => index + 1));
    const times = portal.history.map((row) => row.createdAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((time) => time % 1000 === 0)).toBe(true);
  });
});

describe('the generator', () => {
  const fixture = (seed: number): PortalFixtureInput => ({
    ...(smallFixture as PortalFixtureInput),
    generate: { seed, deals: 60, leads: 20, from: '2025-01-01', to: '2025-03-31', firstDealId: 100 },
  });

  it('yields the same portal from the same seed, another from another', () => {
    const one = buildSandboxPortal(fixture(7));
    expect(buildSandboxPortal(fixture(7))).toEqual(one);
    expect(buildSandboxPortal(fixture(8)).deals).not.toEqual(one.deals);
    expect(one.deals).toHaveLength(62);
    expect(one.leads).toHaveLength(20);
    const from = Date.parse('2025-01-01T00:00:00+05:00');
    const to = Date.parse('2025-03-31T23:59:59+05:00');
    expect(one.deals.filter((deal) => deal.id >= 100).every((deal) => deal.createdAt >= from && deal.modifiedAt <= to)).toBe(true);
  });
});

describe('fixture validation', () => {
  const broken = (change: (fixture: PortalFixtureInput) => void): PortalFixtureInput => {
    const copy = structuredClone(demoFixture) as unknown as PortalFixtureInput;
    change(copy);
    return copy;
  };
  const problems = (input: unknown): string => {
    try {
      buildSandboxPortal(input);
    } catch (error) {
      expect(error).toBeInstanceOf(SandboxPortalFixtureError);
      return (error as Error).message;
    }
    throw new Error('the fixture was accepted');
  };

  it.each<[string, (fixture: PortalFixtureInput) => void, string]>([
    ['no default pipeline', (f) => void (f.dealPipelines[0]!.id = 1), 'dealPipelines: the default pipeline (id 0) is missing'],
    ['two success stages', (f) => void (f.dealPipelines[0]!.stages[7]!.semantics = 'S'), 'dealPipelines.0.stages: pipeline 0 needs exactly one success (S) stage, found 2'],
    ['no failure stage', (f) => (f.dealPipelines[1]!.stages = f.dealPipelines[1]!.stages.filter((stage) => stage.semantics !== 'F')), 'dealPipelines.1.stages: pipeline 3 needs at least one failure (F) stage'],
    ['a stage without its prefix', (f) => void (f.dealPipelines[2]!.stages[0]!.statusId = 'NEW'), 'dealPipelines.2.stages.0.statusId: stage ids of pipeline 7 start with "C7:" (got "NEW")'],
    ['a prefix in the default pipeline', (f) => void (f.dealPipelines[0]!.stages[0]!.statusId = 'C1:NEW'), 'dealPipelines.0.stages.0.statusId: pipeline 0 stage ids have no C{id}: prefix (got "C1:NEW")'],
    ['success before a stage in progress', (f) => void (f.dealPipelines[0]!.stages[6]!.sort = 5), 'in pipeline 0 the success stage must sort after every in-progress stage and before the failure stages'],
    ['a duplicate stage', (f) => void (f.dealPipelines[0]!.stages[1]!.statusId = 'NEW'), 'dealPipelines.0.stages.1.statusId: duplicate stage NEW'],
    ['a bad colour', (f) => void (f.dealPipelines[0]!.stages[1]!.color = 'blue'), 'dealPipelines.0.stages.1.color: must be a hex colour like #39A8EF'],
    ['a bad member id', (f) => void (f.portal.memberId = 'portal-1'), 'portal.memberId: must be 32 lowercase hex digits'],
    ['a bad field name', (f) => void (f.dealFields![0]!.fieldName = 'LANDING'), 'dealFields.0.fieldName: must be UF_CRM_ followed by'],
    ['an enumeration without items', (f) => void delete f.dealFields![4]!.items, 'dealFields.4.items: enumeration fields need items'],
    ['a generated unknown field', (f) => void (f.generate!.fields = { UF_CRM_NOPE: { fill: 1 } }), 'generate.fields.UF_CRM_NOPE: unknown field (a UTM_* field or one of dealFields)'],
    ['a deal in an unknown stage', (f) => void (f.deals![0]!.stageId = 'C7:WON'), 'deals.0.stageId: stage C7:WON is not in pipeline 0'],
    ['a history not starting at creation', (f) => void (f.deals![0]!.history![0]!.at = '2025-02-05T00:00:00+03:00'), 'deals.0.history.0.at: the first position is the creation: its at must equal createdAt'],
    ['a history going back in time', (f) => void (f.deals![0]!.movedAt = '2025-02-19T00:00:00+03:00'), 'deals.0.movedAt: positions must not go back in time'],
    ['an unknown enumeration item', (f) => void (f.deals![0]!.values = { UF_CRM_1716203560: 'Платиновый' }), 'deals.0.values.UF_CRM_1716203560: no item "Платиновый" in UF_CRM_1716203560'],
    ['an unknown lead', (f) => void (f.deals![0]!.leadId = 999), 'deals.0.leadId: unknown lead 999'],
    ['a datetime without offset', (f) => void (f.deals![0]!.createdAt = '2025-02-04 11:20'), 'deals.0.createdAt: must be an ISO datetime with an offset'],
  ])('names the problem: %s', (_name, change, message) => {
    const text = problems(broken(change));
    expect(text.startsWith('Invalid sandbox Bitrix24 portal fixture:\n')).toBe(true);
    expect(text).toContain(message);
  });

  it('lists every problem at once, and caps user fields at 1016', () => {
    const text = problems(broken((f) => {
      f.portal.memberId = 'x';
      f.dealPipelines[0]!.stages[0]!.color = 'red';
    }));
    expect(text.split('\n').filter((line) => line.startsWith('  '))).toHaveLength(2);
    const many = broken((f) => {
      f.dealFields = Array.from({ length: MAX_DEAL_USER_FIELDS + 1 }, (_, index) => ({ fieldName: `UF_CRM_F${index}`, type: 'string' as const, label: `Поле ${index}` }));
      delete f.generate;
      f.deals = [];
    });
    expect(problems(many)).toMatch(/dealFields: .*1016/);
    expect(problems({})).toMatch(/portal: /);
  });

  it('reads fixture files, naming a file it cannot read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'b24-fixture-'));
    try {
      const file = path.join(dir, 'portal.json');
      fs.writeFileSync(file, JSON.stringify(smallFixture));
      expect(loadSandboxPortalFile(file).fixture.portal.title).toBe('Студия «Клён»');
      fs.writeFileSync(file, '{ not json');
      expect(() => loadSandboxPortalFile(file)).toThrow(`Cannot read the sandbox Bitrix24 portal fixture ${file}:`);
      expect(() => loadSandboxPortalFile(path.join(dir, 'missing.json'))).toThrow(/Cannot read the sandbox Bitrix24 portal fixture .*missing\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MSW handlers', () => {
  const sandbox = createSandboxBitrix24({ portal: buildSandboxPortal(smallFixture) });
  const other = 'http://127.0.0.1:9789';
  const server = setupServer(...bitrix24SandboxHandlers(sandbox), ...bitrix24SandboxHandlers(sandbox, other));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('serve the same sandbox to any fetch, on its default origin or another one', async () => {
    const page = await fetch(`http://127.0.0.1:8789/oauth/authorize/?client_id=${BITRIX24_SANDBOX_CLIENT_ID}&state=s`);
    expect(await page.text()).toContain('Студия «Клён»');
    const decided = await fetch(`${other}/oauth/authorize/`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: BITRIX24_SANDBOX_CLIENT_ID, decision: 'allow' }),
      redirect: 'manual',
    });
    const callback = new URL(decided.headers.get('Location')!);
    expect(callback.searchParams.get('domain')).toBe('127.0.0.1:9789');
    const tokens = (await (await tokenRequest({ fetch: (request) => fetch(request) }, { grant_type: 'authorization_code', code: callback.searchParams.get('code')! }, other)).json()) as TokenBody;
    expect(tokens.client_endpoint).toBe(`${other}/rest/`);
    const deals = (await (await fetch(`${tokens.client_endpoint}crm.deal.list?auth=${tokens.access_token}&select[]=ID`)).json()) as { result: unknown[]; total: number };
    expect(deals).toMatchObject({ result: [{ ID: '11' }, { ID: '12' }], total: 2 });
  });
});
