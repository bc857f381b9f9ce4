import { describe, expect, it } from 'vitest';

import { bracketQuery } from './adapter';
import {
  batchResultSchema,
  dealRowSchema,
  errorOf,
  filterDateTime,
  NEUTRAL_STATUS_COLOR,
  statusesSchema,
  toCustomFields,
  toLead,
  toStatusChanges,
  toStatuses,
  unixSeconds,
} from './normalize';

/** The shapes the sandbox does not produce (its fixtures are valid): defensive parsing. */

describe('stages', () => {
  it('keeps hex colours only, and reads kinds from SEMANTICS, else EXTRA.SEMANTICS', () => {
    const statuses = toStatuses(
      statusesSchema.parse([
        { STATUS_ID: 'B', NAME: 'B', SORT: '20', COLOR: 'red', SEMANTICS: null },
        { STATUS_ID: 'A', NAME: 'A', SORT: '10', COLOR: '#fff;background:url(x)', SEMANTICS: 'F' },
        { STATUS_ID: 'C', NAME: 'C', SORT: 30, SEMANTICS: '', EXTRA: { SEMANTICS: 'success' } },
        { STATUS_ID: 'D', NAME: 'D', SORT: '40', COLOR: '#FF5752', EXTRA: { SEMANTICS: 'apology' } },
        { STATUS_ID: 'E', NAME: 'E', SORT: '50', COLOR: '#abc', SEMANTICS: 'S' },
        { STATUS_ID: 'bad id!', NAME: 'X', SORT: '60' },
      ]),
    );
    expect(statuses.map((status) => [status.id, status.sort, status.color, status.kind])).toEqual([
      ['A', 10, NEUTRAL_STATUS_COLOR, 'lost'],
      ['B', 20, NEUTRAL_STATUS_COLOR, 'regular'],
      ['C', 30, NEUTRAL_STATUS_COLOR, 'won'],
      ['D', 40, '#FF5752', 'lost'],
      ['E', 50, '#abc', 'won'],
    ]);
  });
});

describe('custom fields', () => {
  it('falls back from the language label to listLabel, then to the code; enums from items, else LIST', () => {
    const fields = toCustomFields(
      {
        TITLE: { type: 'string', isDynamic: false, title: 'Название' },
        UF_CRM_B: { type: 'integer', isDynamic: true, title: 'UF_CRM_B', listLabel: 'Из списка' },
        UF_CRM_A: { type: 'enumeration', isDynamic: true, title: 'UF_CRM_A', listLabel: 'A', items: [{ ID: 5, VALUE: 'Пять' }] },
        UF_CRM_C: { type: 'enumeration', isDynamic: true, title: 'UF_CRM_C', listLabel: '  ' },
        UF_CRM_D: { type: 'money', isDynamic: true, title: 'UF_CRM_D' },
        UTM_TERM: { type: 'string', isDynamic: false, title: 'Условие поиска кампании' },
      },
      [
        { FIELD_NAME: 'UF_CRM_A', LIST_COLUMN_LABEL: 'Поле А' },
        { FIELD_NAME: 'UF_CRM_C', LIST_COLUMN_LABEL: null, EDIT_FORM_LABEL: '', LIST: [{ ID: 2, VALUE: 'два', SORT: 20 }, { ID: 1, VALUE: 'один', SORT: 10 }] },
        { FIELD_NAME: 'UF_CRM_B', LIST_COLUMN_LABEL: null },
      ],
    );
    expect(fields.map((field) => [field.id, field.name, field.isNumeric, field.isTracking, field.enums])).toEqual([
      ['UF_CRM_A', 'Поле А', false, false, [{ id: '5', value: 'Пять' }]],
      [
        'UF_CRM_C',
        'UF_CRM_C',
        false,
        false,
        [
          { id: '1', value: 'один' },
          { id: '2', value: 'два' },
        ],
      ],
      ['UF_CRM_B', 'Из списка', true, false, null],
      ['UF_CRM_D', 'UF_CRM_D', true, false, null],
      ['UTM_TERM', 'utm_term', false, true, null],
    ]);
  });
});

describe('deals', () => {
  it('maps strings to numbers and seconds, keeps money amounts, leaves empty values out', () => {
    const lead = toLead(
      dealRowSchema.parse({
        ID: '37',
        TITLE: null,
        CATEGORY_ID: null,
        STAGE_ID: 'NEW',
        OPPORTUNITY: '',
        DATE_CREATE: '2024-09-02T18:37:18+02:00',
        DATE_MODIFY: '',
        CLOSEDATE: '2024-09-10T00:00:00+02:00',
        UTM_SOURCE: 'google',
        UTM_MEDIUM: null,
        UF_CRM_M: ['100.50|EUR', '7|USD'],
        UF_CRM_E: [],
        UF_CRM_F: false,
        UF_CRM_N: '',
        OTHER: 'x',
      }),
    );
    expect(lead).toEqual({
      id: '37',
      name: '',
      price: null,
      pipelineId: '0',
      statusId: 'NEW',
      createdAt: Date.parse('2024-09-02T16:37:18Z') / 1000,
      updatedAt: Date.parse('2024-09-02T16:37:18Z') / 1000,
      closedAt: Date.parse('2024-09-09T22:00:00Z') / 1000,
      customFields: [
        { fieldId: 'UTM_SOURCE', code: 'UTM_SOURCE', type: 'string', values: ['google'] },
        { fieldId: 'UF_CRM_M', code: 'UF_CRM_M', type: 'money', values: ['100.50', '7'] },
        { fieldId: 'UF_CRM_F', code: 'UF_CRM_F', type: 'string', values: [false] },
      ],
    });
    expect(dealRowSchema.safeParse({ ID: '1', STAGE_ID: 'NEW', DATE_CREATE: 'yesterday' }).success).toBe(false);
  });

  it('writes filter datetimes as Bitrix24 does, and reads its datetimes', () => {
    expect(filterDateTime(Date.UTC(2025, 2, 4, 7, 15, 0) / 1000)).toBe('2025-03-04T07:15:00+00:00');
    expect(unixSeconds('2025-03-04T10:15:00+03:00')).toBe(Date.UTC(2025, 2, 4, 7, 15, 0) / 1000);
    expect(unixSeconds('')).toBeNull();
    expect(unixSeconds('not a date')).toBeNull();
  });
});

describe('stage history', () => {
  it('orders rows by ID and links each to the same deal’s previous row in the page', () => {
    const changes = toStatusChanges([
      { ID: 3, TYPE_ID: 5, OWNER_ID: 1, CREATED_TIME: 30, CATEGORY_ID: 7, STAGE_ID: 'C7:NEW' },
      { ID: 1, TYPE_ID: 1, OWNER_ID: 1, CREATED_TIME: 10, CATEGORY_ID: 0, STAGE_ID: 'NEW' },
      { ID: 2, TYPE_ID: 2, OWNER_ID: 2, CREATED_TIME: 20, CATEGORY_ID: 0, STAGE_ID: 'WON' },
    ]);
    expect(changes.map((change) => [change.id, change.before, change.after])).toEqual([
      ['1', null, { pipelineId: '0', statusId: 'NEW' }],
      ['2', null, { pipelineId: '0', statusId: 'WON' }],
      ['3', { pipelineId: '0', statusId: 'NEW' }, { pipelineId: '7', statusId: 'C7:NEW' }],
    ]);
  });
});

describe('envelopes', () => {
  it('reads error codes whatever their type, and batch parts written as PHP arrays', () => {
    expect(errorOf({ error: 'expired_token', error_description: 'The access token provided has expired.' })).toEqual({
      code: 'expired_token',
      description: 'The access token provided has expired.',
    });
    expect(errorOf({ error: 0, error_description: 'SHIPMENT_DOCUMENT entity is not supported' })).toEqual({
      code: '',
      description: 'SHIPMENT_DOCUMENT entity is not supported',
    });
    expect(errorOf({ result: [] })).toBeNull();
    expect(batchResultSchema.parse({ result: [['a'], ['b']], result_error: [], result_total: { 0: 3 }, result_next: [] })).toEqual({
      result: { 0: ['a'], 1: ['b'] },
      result_error: {},
      result_total: { 0: 3 },
      result_next: {},
    });
  });

  it('writes batch commands in PHP bracket notation', () => {
    const query = bracketQuery({ entityTypeId: 2, filter: { '>=CREATED_TIME': '2025-01-01T00:00:00+00:00', '@OWNER_ID': ['1', '2'] }, order: { ID: 'ASC' }, start: 50 });
    expect([...new URLSearchParams(query)]).toEqual([
      ['entityTypeId', '2'],
      ['filter[>=CREATED_TIME]', '2025-01-01T00:00:00+00:00'],
      ['filter[@OWNER_ID][0]', '1'],
      ['filter[@OWNER_ID][1]', '2'],
      ['order[ID]', 'ASC'],
      ['start', '50'],
    ]);
  });
});
