import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';

import type { CrmSchema } from '@/contracts/crm-schema';
import type { SchemaChange } from '@/contracts/drift';
import { mappingConfigSchema, type MappingConfig } from '@/contracts/mapping-config';
import { resources } from '@/locales';

import { changeKey } from './review';
import { changeNames, changeText, decidedText, decisionLabel, reviewProgress, trayDecisions } from './tray';

const schema: CrmSchema = {
  account: { id: 'acc', domain: 'demo.amocrm.ru', name: 'Demo' },
  pipelines: [{ id: '10', name: 'Продажи', sort: 1, isMain: true, isArchive: false, statuses: [] }],
  customFields: [],
  filterParameters: [],
  fetchedAt: '2026-12-01T10:00:00.000Z',
};

function config(containers: Array<{ id: string; name: string; statusIds: string[] }>): MappingConfig {
  return mappingConfigSchema.parse({
    schemaVersion: 2,
    connector: 'amocrm',
    pipelines: [{ pipelineId: '10', containers: containers.map((container) => ({ ...container, marker: null })) }],
  });
}

const added: SchemaChange = { kind: 'status_added', pipelineId: '10', statusId: '4', name: 'Договор', suggestedContainerId: 'work' };
const removed: SchemaChange = { kind: 'status_removed', pipelineId: '10', statusId: '3', name: null, containerId: 'work' };
const recoloured: SchemaChange = { kind: 'status_recoloured', pipelineId: '10', statusId: '2', name: 'Счёт', from: '#fff', to: '#000' };
const before = config([{ id: 'work', name: 'В работе', statusIds: ['2', '3'] }]);

describe('reviewProgress', () => {
  it('counts the changes that need a decision, news apart, against the draft', () => {
    const start = reviewProgress([added, removed, recoloured], before, new Set(), schema);
    expect(start).toMatchObject({ total: 2, decided: 0, pending: 2, pendingHere: 2 });
    expect(start.items.map((item) => [item.key, item.news, item.decided])).toEqual([
      ['status_added:10:4', false, false],
      ['status_removed:10:3', false, false],
      ['status_recoloured:10:2', true, false],
    ]);
    const placed = config([{ id: 'work', name: 'В работе', statusIds: ['2', '3', '4'] }]);
    expect(reviewProgress([added, removed, recoloured], placed, new Set(), schema)).toMatchObject({ total: 2, decided: 1, pending: 1 });
    // News is put away by its "OK", and never counts towards the decisions.
    const seen = reviewProgress([added, removed, recoloured], placed, new Set([changeKey(recoloured)]), schema);
    expect(seen).toMatchObject({ total: 2, decided: 1, pending: 1 });
    expect(seen.items[2]?.decided).toBe(true);
  });

  it('a field only the filter or a formula still uses is pending, but not in the Mapping step', () => {
    const gone: SchemaChange = { kind: 'field_removed', fieldId: '300', name: 'Город', usedIn: ['otherFields', 'filter'] };
    const both = mappingConfigSchema.parse({
      schemaVersion: 2,
      connector: 'amocrm',
      customFields: { otherFields: ['300'] },
      filter: { match: 'all', conditions: [{ field: 'cf:300', action: 'include', operator: 'equals', value: 'Москва' }] },
    });
    expect(reviewProgress([gone], both, new Set(), schema)).toMatchObject({ pending: 1, pendingHere: 1 });
    const filterOnly = { ...both, customFields: { otherFields: [] } };
    expect(reviewProgress([gone], filterOnly, new Set(), schema)).toMatchObject({ pending: 1, pendingHere: 0 });
  });
});

describe('what the tray says', () => {
  const t = { en: i18next.createInstance(), ru: i18next.createInstance() };
  beforeAll(async () => {
    await t.en.init({ lng: 'en', resources: { en: resources.en }, interpolation: { escapeValue: false } });
    await t.ru.init({ lng: 'ru', resources: { ru: resources.ru }, interpolation: { escapeValue: false } });
  });
  const changes = { pipelineNames: {} };

  it('names the pipeline, the status (or its id when the CRM no longer names it) and the container', () => {
    const names = changeNames('amoCRM', changes, schema, before, t.en.t);
    expect(changeText(added, names, t.en.t)).toBe('New status «Договор» in «Продажи» is in no container.');
    expect(changeText(removed, names, t.en.t)).toBe('Status «status 3» no longer exists in «Продажи»; it is still in «В работе».');
    const ru = changeNames('amoCRM', changes, schema, before, t.ru.t);
    expect(changeText(removed, ru, t.ru.t)).toBe('Статуса «статус 3» больше нет в воронке «Продажи»; он остаётся в контейнере «В работе».');
    expect(changeText({ kind: 'pipeline_removed', pipelineId: '99', name: null }, names, t.en.t)).toBe('Pipeline «pipeline 99» no longer exists in amoCRM.');
    expect(changeText({ kind: 'field_removed', fieldId: '5', name: 'Город', usedIn: ['otherFields', 'filter'] }, names, t.en.t)).toBe(
      'Field «Город» no longer exists in amoCRM; it is used in Other fields, the filter.',
    );
  });

  it('labels each decision with what it acts on, and offers the board for a new status', () => {
    const names = changeNames('amoCRM', { pipelineNames: { '10': 'Sales' } }, schema, before, t.en.t);
    const [place, show] = trayDecisions(added);
    expect(place && decisionLabel(place, added, names, t.en.t)).toBe('Put «Договор» in «В работе»');
    expect(show && decisionLabel(show, added, names, t.en.t)).toBe('Show «Sales» on the board');
    expect(trayDecisions({ ...added, suggestedContainerId: null })).toEqual([{ type: 'open_pipeline', pipelineId: '10' }]);
    const [takeOut] = trayDecisions(removed);
    expect(decidedText(added, config([{ id: 'work', name: 'В работе', statusIds: ['4'] }]), t.ru.t)).toBe('Решено: в контейнере «В работе»');
    expect(decidedText(removed, before, t.en.t)).toBe('Decided');
    expect(takeOut && decisionLabel(takeOut, removed, names, t.ru.t)).toBe('Убрать «статус 3» из контейнера «В работе»');
  });
});
