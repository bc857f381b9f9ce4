import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';

import type { CrmSchema } from '@/contracts/crm-schema';
import type { SchemaChange } from '@/contracts/drift';
import { mappingConfigSchema, type MappingConfig } from '@/contracts/mapping-config';
import { resources } from '@/locales';

import { canAcknowledge, changeKey, decisionsFor, isDecided, summarySentence } from './review';

const schema: CrmSchema = {
  account: { id: 'acc', domain: 'demo.amocrm.ru', name: 'Demo' },
  pipelines: [],
  customFields: [{ id: '200', name: 'Себестоимость', code: null, type: 'numeric', enums: null, isNumeric: true, isTracking: false }],
  filterParameters: [],
  fetchedAt: '2026-12-01T10:00:00.000Z',
};

function config(containers: Array<{ id: string; name: string; statusIds: string[] }>, extra: object = {}): MappingConfig {
  return mappingConfigSchema.parse({
    schemaVersion: 2,
    connector: 'amocrm',
    account: { id: 'acc', domain: 'demo.amocrm.ru', name: 'Demo' },
    pipelines: [{ pipelineId: '10', containers: containers.map((container) => ({ ...container, marker: null })) }],
    ...extra,
  });
}

const added: SchemaChange = { kind: 'status_added', pipelineId: '10', statusId: '4', name: 'Договор', suggestedContainerId: 'work' };
const removed: SchemaChange = { kind: 'status_removed', pipelineId: '10', statusId: '3', name: 'Счёт', containerId: 'work' };
const renamed: SchemaChange = { kind: 'status_renamed', pipelineId: '10', statusId: '1', from: 'Новая', to: 'Первичный', containerId: 'new' };
const fieldGone: SchemaChange = { kind: 'field_removed', fieldId: '300', name: 'Город', usedIn: ['otherFields', 'filter'] };

describe('isDecided', () => {
  const before = config([
    { id: 'new', name: 'Новая', statusIds: ['1'] },
    { id: 'work', name: 'В работе', statusIds: ['2', '3'] },
  ]);

  it('a new status is decided once a container holds it; a removed one once none does', () => {
    expect(isDecided(added, before, new Set(), schema)).toBe(false);
    expect(isDecided(added, config([{ id: 'work', name: 'В работе', statusIds: ['2', '3', '4'] }]), new Set(), schema)).toBe(true);
    expect(isDecided(removed, before, new Set(), schema)).toBe(false);
    expect(isDecided(removed, config([{ id: 'work', name: 'В работе', statusIds: ['2'] }]), new Set(), schema)).toBe(true);
  });

  it('a rename is decided by renaming the container, or by keeping its name', () => {
    expect(isDecided(renamed, before, new Set(), schema)).toBe(false);
    expect(isDecided(renamed, config([{ id: 'new', name: 'Первичный', statusIds: ['1'] }]), new Set(), schema)).toBe(true);
    expect(isDecided(renamed, before, new Set([changeKey(renamed)]), schema)).toBe(true);
    expect(canAcknowledge(renamed)).toBe(true);
    expect(canAcknowledge(added)).toBe(false);
  });

  it('a removed field is decided when nothing uses it any more', () => {
    const using = config([], { customFields: { otherFields: ['300'] } });
    expect(isDecided(fieldGone, using, new Set(), schema)).toBe(false);
    expect(isDecided(fieldGone, config([]), new Set(), schema)).toBe(true);
  });

  it('a retyped field needs a decision only while a formula uses it', () => {
    const inFormula: SchemaChange = { kind: 'field_retyped', fieldId: '200', name: 'Себестоимость', from: 'numeric', to: 'text', usedIn: ['formula'] };
    const withFormula = config([], { calculatedFields: [{ id: 'c1', name: 'Маржа', expression: '{price} - {cf:200}' }] });
    expect(isDecided(inFormula, withFormula, new Set(), schema)).toBe(false);
    expect(isDecided(inFormula, config([]), new Set(), schema)).toBe(true);
    const inOtherFields: SchemaChange = { ...inFormula, usedIn: ['otherFields'] };
    expect(isDecided(inOtherFields, config([], { customFields: { otherFields: ['200'] } }), new Set(), schema)).toBe(true);
  });

  it('a pipeline added is decided when mapped, one removed when its mapping is gone', () => {
    const newPipeline: SchemaChange = { kind: 'pipeline_added', pipelineId: '10', name: 'Партнёры' };
    expect(isDecided(newPipeline, config([{ id: 'a', name: 'A', statusIds: [] }]), new Set(), schema)).toBe(false);
    expect(isDecided(newPipeline, before, new Set(), schema)).toBe(true);
    const gone: SchemaChange = { kind: 'pipeline_removed', pipelineId: '10', name: 'Продажи' };
    expect(isDecided(gone, before, new Set(), schema)).toBe(false);
    expect(isDecided(gone, mappingConfigSchema.parse({ schemaVersion: 2, connector: 'amocrm' }), new Set(), schema)).toBe(true);
  });
});

describe('decisionsFor', () => {
  it('offers the suggested container, taking a status out, the new name, and where a field is used', () => {
    expect(decisionsFor(added)).toEqual([{ type: 'place', pipelineId: '10', statusId: '4', containerId: 'work' }]);
    expect(decisionsFor({ ...added, suggestedContainerId: null })).toEqual([]);
    expect(decisionsFor(removed)).toEqual([{ type: 'take_out', pipelineId: '10', statusId: '3' }]);
    expect(decisionsFor(renamed)).toEqual([{ type: 'rename_container', pipelineId: '10', containerId: 'new', name: 'Первичный' }]);
    expect(decisionsFor(fieldGone)).toEqual([
      { type: 'drop_field', fieldId: '300' },
      { type: 'open_step', step: 'filter' },
    ]);
  });
});

describe('summarySentence', () => {
  const t = { en: i18next.createInstance(), ru: i18next.createInstance() };
  beforeAll(async () => {
    await t.en.init({ lng: 'en', resources: { en: resources.en }, interpolation: { escapeValue: false } });
    await t.ru.init({ lng: 'ru', resources: { ru: resources.ru }, interpolation: { escapeValue: false } });
  });
  const names = (id: string) => (id === '10' ? 'Продажи' : null);
  const changes: SchemaChange[] = [
    added,
    { ...added, statusId: '5', name: 'Ещё' },
    removed,
    { kind: 'pipeline_removed', pipelineId: '30', name: 'Старая' },
    fieldGone,
  ];

  it('says what changed, pipeline by pipeline, the fields last, in both languages', () => {
    expect(summarySentence(changes, 'amoCRM', names, t.en.t)).toBe(
      'Changed in amoCRM: 2 new statuses, 1 removed in «Продажи»; pipeline «Старая» removed; 1 field removed.',
    );
    expect(summarySentence(changes, 'amoCRM', names, t.ru.t)).toBe(
      'Изменения в amoCRM: 2 новых статуса, 1 удалён в воронке «Продажи»; воронка «Старая» удалена; удалено 1 поле.',
    );
  });

  it('is null when nothing changed', () => {
    expect(summarySentence([], 'amoCRM', names, t.en.t)).toBeNull();
  });
});
