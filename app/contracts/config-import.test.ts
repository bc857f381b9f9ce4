import { describe, expect, it } from 'vitest';

import { matchImportedConfig, nameKey, readImportFile } from './config-import';
import { configExportSchema, EXPORT_FORMAT, exportFileName, exportNames, IMPORT_MAX_BYTES, type ExportNames } from './config-transfer';
import type { CrmCustomField, CrmPipeline, CrmSchema, CrmStatus } from './crm-schema';
import { filterParameters } from './crm-schema';
import { mappingConfigSchema, type MappingConfig, type MappingConfigInput } from './mapping-config';

const status = (id: string, name: string, kind: CrmStatus['kind'] = 'regular'): CrmStatus => ({ id, name, sort: 0, color: '#cccccc', kind });
const pipeline = (id: string, name: string, statuses: CrmStatus[]): CrmPipeline => ({ id, name, sort: 0, isMain: false, isArchive: false, statuses });
const field = (id: string, name: string, extra: Partial<CrmCustomField> = {}): CrmCustomField => ({
  id,
  name,
  code: null,
  type: 'numeric',
  enums: null,
  isNumeric: true,
  isTracking: false,
  ...extra,
});

function schemaOf(accountId: string, pipelines: CrmPipeline[], customFields: CrmCustomField[]): CrmSchema {
  return {
    account: { id: accountId, domain: `a${accountId}.amocrm.ru`, name: `Account ${accountId}` },
    pipelines,
    customFields,
    filterParameters: filterParameters(customFields),
    fetchedAt: '2026-12-01T10:00:00.000Z',
  };
}

/** The account the file was exported from. */
const SOURCE = schemaOf(
  '1',
  [
    pipeline('10', 'Продажи', [status('101', 'Новая заявка'), status('102', 'Переговоры'), status('142', 'Успешно', 'won'), status('143', 'Отказ', 'lost')]),
    pipeline('20', 'Опт', [status('201', 'Заявка'), status('142', 'Успешно', 'won'), status('143', 'Отказ', 'lost')]),
  ],
  [
    field('501', 'Себестоимость'),
    field('502', 'LANDING', { code: 'LANDING', type: 'text', isNumeric: false }),
    field('503', 'Тип клиента', { type: 'select', isNumeric: false }),
    field('504', 'Скидка'),
  ],
);

const SOURCE_CONFIG: MappingConfigInput = {
  schemaVersion: 2,
  connector: 'amocrm',
  account: SOURCE.account,
  filter: {
    match: 'any',
    conditions: [
      { field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' },
      { field: 'cf:503', action: 'exclude', operator: 'equals', value: 'VIP' },
    ],
  },
  pipelines: [
    {
      pipelineId: '10',
      containers: [
        { id: 'c1', name: 'В работе', statusIds: ['101', '102'], marker: null },
        { id: 'c2', name: 'Успешно', statusIds: ['142'], marker: 'completed' },
        { id: 'c3', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
      ],
    },
    { pipelineId: '20', containers: [{ id: 'd1', name: 'Заявка', statusIds: ['201'], marker: null }, { id: 'd2', name: 'Продано', statusIds: ['142'], marker: 'completed' }] },
  ],
  customFields: { otherFields: ['501', '503'] },
  calculatedFields: [
    { id: 'k1', name: 'Маржа', expression: '{price} - {cf:501}' },
    { id: 'k2', name: 'Со скидкой', expression: '{price} * (1 - {cf:504} / 100)' },
  ],
};

const sourceConfig = (): MappingConfig => mappingConfigSchema.parse(SOURCE_CONFIG);
const sourceNames = (): ExportNames => exportNames(sourceConfig(), SOURCE);

describe('exportNames and the file', () => {
  it('carries the names of the mapped pipelines (every status, with its meaning) and of every field the configuration uses', () => {
    const names = sourceNames();
    // The statuses the containers hold (the source's 3 statuses of «Опт» include 143, which no container holds).
    expect(names.pipelines.map((p) => [p.id, p.name, p.statuses.length])).toEqual([
      ['10', 'Продажи', 4],
      ['20', 'Опт', 2],
    ]);
    expect(names.pipelines[0]!.statuses[2]).toEqual({ id: '142', name: 'Успешно', kind: 'won' });
    // 501 and 503 (Other fields), 502 (LANDING, the filter's code), 503 (cf:503), 504 (a formula).
    expect(names.customFields.map((f) => f.id)).toEqual(['501', '502', '503', '504']);
    expect(names.customFields[1]).toEqual({ id: '502', name: 'LANDING', code: 'LANDING' });
  });

  it('names the file after the connector, the account and the day', () => {
    expect(exportFileName('amocrm', { domain: 'demo.amocrm.ru' }, new Date('2026-12-03T23:59:00Z'))).toBe('hub-connect-amocrm-demo-2026-12-03.json');
    expect(exportFileName('bitrix24', { domain: 'My Portal!.bitrix24.ru' }, new Date('2026-01-05T00:00:00Z'))).toBe('hub-connect-bitrix24-my-portal-2026-01-05.json');
    expect(exportFileName('amocrm', null, new Date('2026-12-03T10:00:00Z'))).toBe('hub-connect-amocrm-account-2026-12-03.json');
    expect(exportFileName('amocrm', { domain: 'пример.amocrm.ru' }, new Date('2026-12-03T10:00:00Z'))).toBe('hub-connect-amocrm-account-2026-12-03.json');
  });

  it('a configuration at amoCRM’s limits, names of typical length, exports within the import bound', () => {
    const statuses = Array.from({ length: 100 }, (_, i) => status(String(10_000_000 + i), `Согласование договора ${i}`));
    const pipelines = Array.from({ length: 50 }, (_, p) => pipeline(String(9_000_000 + p), `Воронка продаж ${p}`, statuses.map((s) => ({ ...s, id: `${p}${s.id}` }))));
    const fields = Array.from({ length: 2000 }, (_, i) => field(String(20_000_000 + i), `Источник обращения ${i}`, { code: `FIELD_${i}` }));
    const schema = schemaOf('9', pipelines, fields);
    const config = mappingConfigSchema.parse({
      schemaVersion: 2,
      connector: 'amocrm',
      account: schema.account,
      pipelines: pipelines.map((p) => ({
        pipelineId: p.id,
        containers: p.statuses.map((s, i) => ({ id: `container-${i}`, name: s.name, statusIds: [s.id], marker: null })),
      })),
      customFields: { otherFields: fields.map((f) => f.id) },
    });
    const exported = configExportSchema.parse({ format: EXPORT_FORMAT, exportedAt: '2026-12-03T10:00:00.000Z', config, names: exportNames(config, schema) });
    const size = (value: unknown, indent?: number) => new TextEncoder().encode(JSON.stringify(value, null, indent)).length;
    expect(exported.names.pipelines[0]!.statuses).toHaveLength(100);
    // The configuration itself still fits the API's 1 MB body limit (a PUT …/config saves it).
    expect(size(config)).toBeLessThan(1024 * 1024);
    // The exported file, indented to be read: about 2.2 MB, half the bound.
    const file = size(exported, 2);
    expect(file).toBeGreaterThan(1024 * 1024);
    expect(file).toBeLessThan(IMPORT_MAX_BYTES * 0.6);
  });
});

describe('readImportFile', () => {
  const file = (overrides: Record<string, unknown> = {}) => ({
    format: EXPORT_FORMAT,
    exportedAt: '2026-12-03T10:00:00.000Z',
    config: sourceConfig(),
    names: sourceNames(),
    ...overrides,
  });

  it('reads an export and a bare configuration document', () => {
    const exported = readImportFile(file(), 'amocrm');
    expect(exported).toMatchObject({ ok: true, schemaVersion: 2, exportedAt: '2026-12-03T10:00:00.000Z' });
    expect(exported.ok && exported.names?.pipelines).toHaveLength(2);
    const bare = readImportFile(sourceConfig(), 'amocrm');
    expect(bare).toMatchObject({ ok: true, names: null, exportedAt: null });
  });

  it('upgrades schema version 1 (numeric ids, subdomain)', () => {
    const v1 = {
      schemaVersion: 1,
      connector: 'amocrm',
      account: { id: 31234567, subdomain: 'demo', name: 'Demo' },
      pipelines: [{ pipelineId: 10, containers: [{ id: 'c1', name: 'Won', statusIds: [142], marker: 'completed' }] }],
      customFields: { otherFields: [501] },
    };
    const read = readImportFile({ format: EXPORT_FORMAT, exportedAt: '2026-12-03T10:00:00.000Z', config: v1, names: {} }, 'amocrm');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.schemaVersion).toBe(1);
    expect(read.config.schemaVersion).toBe(2);
    expect(read.config.pipelines[0]!.containers[0]!.statusIds).toEqual(['142']);
    expect(read.config.account).toEqual({ id: '31234567', domain: 'demo.amocrm.ru', name: 'Demo' });
  });

  it('refuses another CRM’s configuration by name, a newer schema version, and what is not a configuration', () => {
    const bitrix = readImportFile(file({ config: { ...sourceConfig(), connector: 'bitrix24' } }), 'amocrm');
    expect(bitrix).toMatchObject({ ok: false, code: 'wrong_crm', sourceConnector: 'bitrix24' });
    expect(readImportFile(file({ config: { ...sourceConfig(), schemaVersion: 3 } }), 'amocrm')).toMatchObject({ ok: false, code: 'unsupported_schema_version' });
    for (const document of [null, 42, 'text', [], {}, { format: 'something-else', config: sourceConfig() }, { hello: 'world' }]) {
      expect(readImportFile(document, 'amocrm')).toMatchObject({ ok: false, code: 'not_a_configuration' });
    }
  });

  it('lists what is invalid with pointers into the file', () => {
    const broken = sourceConfig();
    const read = readImportFile(
      file({
        config: { ...broken, pipelines: [{ pipelineId: '10', containers: [{ id: 'c1', name: '', statusIds: ['101'], marker: 'gold' }] }] },
        names: { pipelines: 'nope' },
      }),
      'amocrm',
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.code).toBe('validation_failed');
    const pointers = read.errors!.map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/config/pipelines/0/containers/0/name', '/config/pipelines/0/containers/0/marker', '/names/pipelines']));
  });
});

describe('matchImportedConfig', () => {
  it('into the same account: everything fits by id, nothing changes but the account', () => {
    const result = matchImportedConfig(sourceConfig(), sourceNames(), SOURCE);
    expect(result.misfits).toEqual([]);
    expect(result.config).toEqual(sourceConfig());
    expect(result.matched).toEqual({ pipelines: 2, containers: 5, statuses: 6, otherFields: 2, filterConditions: 2, calculatedFields: 2, byName: 0 });
  });

  it('into another account: pipelines, statuses and fields found by name (case and spaces aside), formulas and filters rewritten', () => {
    const other = schemaOf(
      '2',
      [
        pipeline('77', ' продажи ', [status('771', 'НОВАЯ  заявка'), status('772', 'Переговоры'), status('142', 'Успешно', 'won'), status('143', 'Отказ', 'lost')]),
        pipeline('88', 'ОПТ', [status('881', 'Заявка'), status('882', 'Продано!', 'won'), status('883', 'Нет', 'lost')]),
      ],
      [
        field('901', 'себестоимость'),
        field('902', 'Лендинг', { code: 'LANDING', type: 'text', isNumeric: false }),
        field('903', 'Тип клиента', { type: 'select', isNumeric: false }),
        field('904', 'Скидка'),
      ],
    );
    const result = matchImportedConfig(sourceConfig(), sourceNames(), other);
    expect(result.misfits).toEqual([]);
    expect(result.config.account).toEqual(other.account);
    expect(result.config.pipelines.map((p) => [p.pipelineId, p.containers.map((c) => c.statusIds)])).toEqual([
      ['77', [['771', '772'], ['142'], ['143']]],
      // 142 «Успешно» is «Продано!» here: the won status by meaning.
      ['88', [['881'], ['882']]],
    ]);
    expect(result.config.pipelines[1]!.containers[1]).toMatchObject({ id: 'd2', name: 'Продано', marker: 'completed' });
    expect(result.config.customFields.otherFields).toEqual(['901', '903']);
    // LANDING by its code; cf:503 by the name «Тип клиента».
    expect(result.config.filter).toEqual({
      match: 'any',
      conditions: [
        { field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' },
        { field: 'cf:903', action: 'exclude', operator: 'equals', value: 'VIP' },
      ],
    });
    expect(result.config.calculatedFields.map((f) => f.expression)).toEqual(['{price} - {cf:901}', '{price} * (1 - {cf:904} / 100)']);
    expect(result.matched).toMatchObject({ pipelines: 2, statuses: 6, otherFields: 2, filterConditions: 2, calculatedFields: 2 });
    // Not by id: 2 pipelines, 4 statuses (771, 772, 881 by name, 882 by meaning), 2 other fields, cf:503, 2 formulas.
    expect(result.matched.byName).toBe(2 + 4 + 2 + 1 + 2);
  });

  it('lists what does not fit and drops it: a pipeline, a status, an emptied container with its marker, fields, a filter condition, a formula', () => {
    const poorer = schemaOf(
      '3',
      [pipeline('10', 'Продажи', [status('101', 'Новая заявка'), status('142', 'Успешно', 'won'), status('143', 'Отказ', 'lost'), status('144', 'Ещё один отказ', 'lost')])],
      [field('501', 'Себестоимость')],
    );
    const names = sourceNames();
    // One more lost status here: 143 still matches by id; the kind alone would be ambiguous.
    const result = matchImportedConfig(sourceConfig(), names, poorer);
    expect(result.misfits).toEqual([
      { kind: 'status_not_found', pipelineId: '10', pipelineName: 'Продажи', statusId: '102', name: 'Переговоры', containerName: 'В работе' },
      { kind: 'pipeline_not_found', pipelineId: '20', name: 'Опт' },
      { kind: 'field_not_found', fieldId: '503', name: 'Тип клиента' },
      { kind: 'filter_field_not_found', field: 'LANDING', name: 'LANDING' },
      { kind: 'filter_field_not_found', field: 'cf:503', name: 'Тип клиента' },
      { kind: 'formula_field_not_found', calculatedFieldName: 'Со скидкой', fieldId: '504', name: 'Скидка' },
    ]);
    expect(result.config.pipelines).toEqual([
      {
        pipelineId: '10',
        containers: [
          { id: 'c1', name: 'В работе', statusIds: ['101'], marker: null },
          { id: 'c2', name: 'Успешно', statusIds: ['142'], marker: 'completed' },
          { id: 'c3', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
        ],
      },
    ]);
    expect(result.config.customFields.otherFields).toEqual(['501']);
    expect(result.config.filter.conditions).toEqual([]);
    expect(result.config.calculatedFields.map((f) => f.name)).toEqual(['Маржа']);
    expect(mappingConfigSchema.safeParse(result.config).success).toBe(true);

    // A container that loses every status goes, its marker with it.
    const noWon = schemaOf('4', [pipeline('10', 'Продажи', [status('101', 'Новая заявка'), status('102', 'Переговоры'), status('143', 'Отказ', 'lost')])], []);
    const dropped = matchImportedConfig(sourceConfig(), names, noWon);
    expect(dropped.misfits).toContainEqual({ kind: 'container_dropped', pipelineId: '10', pipelineName: 'Продажи', containerName: 'Успешно', marker: 'completed' });
    expect(dropped.config.pipelines[0]!.containers.map((c) => c.id)).toEqual(['c1', 'c3']);
  });

  it('by id before by name: a status here is given once, to the file’s status of its id', () => {
    // Here 102 is named «Новая заявка», the name of the file's 101; 101 does not exist.
    const swapped = schemaOf('5', [pipeline('10', 'Продажи', [status('102', 'Новая заявка'), status('142', 'Успешно', 'won'), status('143', 'Отказ', 'lost')])], []);
    const result = matchImportedConfig(sourceConfig(), sourceNames(), swapped);
    expect(result.config.pipelines[0]!.containers[0]!.statusIds).toEqual(['102']);
    expect(result.misfits).toContainEqual(expect.objectContaining({ kind: 'status_not_found', statusId: '101', name: 'Новая заявка' }));
  });

  it('a bare configuration (no names) matches by id only, and says what it could not name', () => {
    const renamed = schemaOf('6', [pipeline('77', 'Продажи', [status('101', 'Новая заявка'), status('142', 'Успешно', 'won'), status('143', 'Отказ', 'lost')])], [field('501', 'Себестоимость')]);
    const result = matchImportedConfig(sourceConfig(), null, renamed);
    expect(result.misfits).toContainEqual({ kind: 'pipeline_not_found', pipelineId: '10', name: null });
    expect(result.misfits).toContainEqual({ kind: 'field_not_found', fieldId: '503', name: null });
    expect(result.config.pipelines).toEqual([]);
    expect(result.config.customFields.otherFields).toEqual(['501']);
  });

  it('compares names without case and whitespace runs', () => {
    expect(nameKey('  Новая   Заявка ')).toBe(nameKey('новая заявка'));
    expect(nameKey('Новая заявка')).not.toBe(nameKey('Новая заявка 2'));
  });
});
