import { describe, expect, it } from 'vitest';

import type { CrmCustomField, CrmPipeline, CrmSchema, CrmStatus } from './crm-schema';
import { filterParameters } from './crm-schema';
import { diffSchema, fieldUses, needsDecision, schemaChangesSchema, suggestContainer, summarizeChanges, type SchemaChange } from './drift';
import { mappingConfigSchema, type MappingConfig, type MappingConfigInput } from './mapping-config';

// ---- fixtures --------------------------------------------------------------------------------

const status = (id: string, name: string, sort: number, extra: Partial<CrmStatus> = {}): CrmStatus => ({
  id,
  name,
  sort,
  color: '#99ccff',
  kind: id === '142' ? 'won' : id === '143' ? 'lost' : 'regular',
  ...extra,
});

const field = (id: string, name: string, extra: Partial<CrmCustomField> = {}): CrmCustomField => ({
  id,
  name,
  code: null,
  type: 'text',
  enums: null,
  isNumeric: false,
  isTracking: false,
  ...extra,
});

const SALES: CrmPipeline = {
  id: '10',
  name: 'Продажи',
  sort: 1,
  isMain: true,
  isArchive: false,
  statuses: [
    status('1', 'Новая', 10),
    status('2', 'Переговоры', 20),
    status('3', 'Счёт', 30),
    status('142', 'Успешно', 10000),
    status('143', 'Не реализовано', 11000),
  ],
};

const FIELDS = [field('100', 'Сайт', { code: 'LANDING' }), field('200', 'Себестоимость', { type: 'numeric', isNumeric: true }), field('300', 'Город')];

function schema(pipelines: CrmPipeline[] = [SALES], customFields: CrmCustomField[] = FIELDS): CrmSchema {
  return {
    account: { id: 'acc', domain: 'demo.amocrm.ru', name: 'Demo' },
    pipelines,
    customFields,
    filterParameters: filterParameters(customFields),
    fetchedAt: '2026-12-01T10:00:00.000Z',
  };
}

function config(overrides: Partial<MappingConfigInput> = {}): MappingConfig {
  return mappingConfigSchema.parse({
    schemaVersion: 2,
    connector: 'amocrm',
    account: { id: 'acc', domain: 'demo.amocrm.ru', name: 'Demo' },
    filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: 'site-1' }] },
    pipelines: [
      {
        pipelineId: '10',
        containers: [
          { id: 'new', name: 'Новая', statusIds: ['1'], marker: null },
          { id: 'work', name: 'В работе', statusIds: ['2', '3'], marker: null },
          { id: 'won', name: 'Успешно', statusIds: ['142'], marker: 'completed' },
          { id: 'lost', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
        ],
      },
    ],
    customFields: { otherFields: ['300'] },
    calculatedFields: [{ id: 'c1', name: 'Маржа', expression: '{price} - {cf:200}' }],
    ...overrides,
  });
}

const withStatuses = (statuses: CrmStatus[], extra: Partial<CrmPipeline> = {}): CrmPipeline => ({ ...SALES, statuses, ...extra });
const kinds = (changes: SchemaChange[]) => changes.map((change) => change.kind);

// ---- tests -----------------------------------------------------------------------------------

describe('diffSchema', () => {
  it('finds nothing when the CRM is as it was', () => {
    expect(diffSchema(config(), schema(), schema())).toEqual([]);
    expect(diffSchema(config(), null, schema())).toEqual([]);
  });

  it('a new status is unmapped now, with the container of its neighbours suggested', () => {
    const current = schema([withStatuses([...SALES.statuses.slice(0, 2), status('4', 'Договор', 25), ...SALES.statuses.slice(2)])]);
    expect(diffSchema(config(), schema(), current)).toEqual([
      { kind: 'status_added', pipelineId: '10', statusId: '4', name: 'Договор', suggestedContainerId: 'work' },
    ]);
  });

  it('a removed status still in a container is reported with its old name and its container', () => {
    const current = schema([withStatuses(SALES.statuses.filter((s) => s.id !== '3'))]);
    expect(diffSchema(config(), schema(), current)).toEqual([
      { kind: 'status_removed', pipelineId: '10', statusId: '3', name: 'Счёт', containerId: 'work' },
    ]);
    // Without a baseline the change is still seen, only the name is unknown.
    expect(diffSchema(config(), null, current)).toEqual([
      { kind: 'status_removed', pipelineId: '10', statusId: '3', name: null, containerId: 'work' },
    ]);
  });

  it('a renamed status offers the new name to the container named after it, and only to that one', () => {
    const renamed = (id: string, to: string) => schema([withStatuses(SALES.statuses.map((s) => (s.id === id ? { ...s, name: to } : s)))]);
    expect(diffSchema(config(), schema(), renamed('1', 'Первичный контакт'))).toEqual([
      { kind: 'status_renamed', pipelineId: '10', statusId: '1', from: 'Новая', to: 'Первичный контакт', containerId: 'new' },
    ]);
    // "В работе" is not named after "Переговоры": nothing to rename.
    expect(diffSchema(config(), schema(), renamed('2', 'Встреча'))).toEqual([
      { kind: 'status_renamed', pipelineId: '10', statusId: '2', from: 'Переговоры', to: 'Встреча', containerId: null },
    ]);
  });

  it('recoloured and reordered statuses are news, not decisions', () => {
    const [a, b, c, won, lost] = SALES.statuses as [CrmStatus, CrmStatus, CrmStatus, CrmStatus, CrmStatus];
    const current = schema([withStatuses([b, a, { ...c, color: '#FFCC00' }, won, lost])]);
    const changes = diffSchema(config(), schema(), current);
    expect(changes).toEqual([
      { kind: 'status_recoloured', pipelineId: '10', statusId: '3', name: 'Счёт', from: '#99ccff', to: '#FFCC00' },
      { kind: 'statuses_reordered', pipelineId: '10' },
    ]);
    expect(changes.some(needsDecision)).toBe(false);
    // A colour that only changed case is the same colour; a new status alone is no reordering.
    const sameColour = schema([withStatuses([a, b, { ...c, color: '#99CCFF' }, status('9', 'Ещё', 35), won, lost])]);
    expect(kinds(diffSchema(config(), schema(), sameColour))).toEqual(['status_added']);
  });

  it('pipelines added, archived and removed', () => {
    const extra: CrmPipeline = { ...SALES, id: '20', name: 'Партнёры', isMain: false, statuses: [status('21', 'Новая', 10)] };
    expect(diffSchema(config(), schema(), schema([SALES, extra]))).toEqual([{ kind: 'pipeline_added', pipelineId: '20', name: 'Партнёры' }]);
    // An archived pipeline nobody maps is no news.
    expect(diffSchema(config(), schema(), schema([SALES, { ...extra, isArchive: true }]))).toEqual([]);
    expect(diffSchema(config(), schema(), schema([withStatuses(SALES.statuses, { isArchive: true })]))).toEqual([
      { kind: 'pipeline_archived', pipelineId: '10', name: 'Продажи' },
    ]);
    expect(diffSchema(config(), schema(), schema([extra]))).toEqual([
      { kind: 'pipeline_added', pipelineId: '20', name: 'Партнёры' },
      { kind: 'pipeline_removed', pipelineId: '10', name: 'Продажи' },
    ]);
  });

  it('a removed field is reported where the configuration uses it; an unused one is not', () => {
    const without = (...ids: string[]) => schema([SALES], FIELDS.filter((f) => !ids.includes(f.id)));
    expect(diffSchema(config(), schema(), without('100', '200', '300'))).toEqual([
      { kind: 'field_removed', fieldId: '300', name: 'Город', usedIn: ['otherFields'] },
      { kind: 'field_removed', fieldId: '200', name: 'Себестоимость', usedIn: ['formula'] },
      { kind: 'field_removed', fieldId: '100', name: 'Сайт', usedIn: ['filter'] },
    ]);
    expect(diffSchema(config({ customFields: { otherFields: [] } }), schema(), without('300'))).toEqual([]);
  });

  it('a retyped field: any type change of a used field, and a formula field that is no longer a number even without a baseline', () => {
    const retyped = schema([SALES], FIELDS.map((f) => (f.id === '200' ? { ...f, type: 'text', isNumeric: false } : f)));
    expect(diffSchema(config(), schema(), retyped)).toEqual([
      { kind: 'field_retyped', fieldId: '200', name: 'Себестоимость', from: 'numeric', to: 'text', usedIn: ['formula'] },
    ]);
    expect(kinds(diffSchema(config(), null, retyped))).toEqual(['field_retyped']);
    const city = schema([SALES], FIELDS.map((f) => (f.id === '300' ? { ...f, type: 'select' } : f)));
    expect(diffSchema(config(), schema(), city)).toEqual([{ kind: 'field_retyped', fieldId: '300', name: 'Город', from: 'text', to: 'select', usedIn: ['otherFields'] }]);
    expect(diffSchema(config(), schema(), city).some(needsDecision)).toBe(false);
    expect(diffSchema(config(), schema(), retyped).every(needsDecision)).toBe(true);
  });

  it('what it finds is a valid API document', () => {
    const current = schema([withStatuses([status('4', 'Договор', 25), ...SALES.statuses.slice(1)])], []);
    const changes = diffSchema(config(), schema(), current);
    expect(changes.length).toBeGreaterThan(3);
    expect(schemaChangesSchema.parse(changes)).toEqual(changes);
  });
});

describe('suggestContainer', () => {
  const mapping = config().pipelines[0]!;
  const pipeline = (ids: string[]) => withStatuses(ids.map((id, i) => SALES.statuses.find((s) => s.id === id) ?? status(id, `S${id}`, i)));

  it('the neighbours’ container when they share one', () => {
    expect(suggestContainer(mapping, pipeline(['1', '2', 'x', '3', '142', '143']), 'x')).toBe('work');
  });

  it('else the previous status’s container, else the next’s, skipping other new statuses', () => {
    expect(suggestContainer(mapping, pipeline(['1', 'x', '2', '3', '142', '143']), 'x')).toBe('new');
    expect(suggestContainer(mapping, pipeline(['x', 'y', '1', '2', '3', '142', '143']), 'x')).toBe('new');
    expect(suggestContainer(mapping, pipeline(['1', 'y', 'x', '2']), 'x')).toBe('new');
  });

  it('null when no neighbour is in a container, or the status is not in the pipeline', () => {
    expect(suggestContainer({ pipelineId: '10', containers: [] }, pipeline(['1', 'x']), 'x')).toBeNull();
    expect(suggestContainer(mapping, pipeline(['1', '2']), 'zzz')).toBeNull();
  });
});

describe('fieldUses and summarizeChanges', () => {
  it('names every use of a field, by code and by cf: key in the filter', () => {
    const uses = fieldUses(
      config({ filter: { match: 'any', conditions: [{ field: 'cf:300', action: 'exclude', operator: 'is_empty', value: '' }] } }),
      FIELDS,
    );
    expect(Object.fromEntries([...uses].map(([id, set]) => [id, [...set].sort()]))).toEqual({ '200': ['formula'], '300': ['filter', 'otherFields'] });
  });

  it('counts each kind per pipeline, the fields apart', () => {
    const changes: SchemaChange[] = [
      { kind: 'status_added', pipelineId: '10', statusId: '4', name: 'A', suggestedContainerId: null },
      { kind: 'status_added', pipelineId: '10', statusId: '5', name: 'B', suggestedContainerId: null },
      { kind: 'status_removed', pipelineId: '10', statusId: '3', name: null, containerId: 'work' },
      { kind: 'field_removed', fieldId: '300', name: 'Город', usedIn: ['otherFields'] },
    ];
    expect(summarizeChanges(changes)).toEqual([
      { pipelineId: '10', counts: { status_added: 2, status_removed: 1 } },
      { pipelineId: null, counts: { field_removed: 1 } },
    ]);
  });
});
