import { describe, expect, it } from 'vitest';

import type { CrmPipeline, CrmStatus } from '@/contracts/crm-schema';
import { LIMITS, mappingConfigSchema, type PipelineMapping } from '@/contracts/mapping-config';

import { applyMappingTo, applyMappingToMany, matchStatuses, normalizeStatusName } from './apply-to';
import { container, sequentialIds, status } from './test-data';

function pipeline(id: string, statuses: CrmStatus[]): CrmPipeline {
  return { id, name: `Pipeline ${id}`, sort: 1, isMain: false, isArchive: false, statuses };
}

/** amoCRM's shape: its own regular statuses, the unsorted one, and 142/143 (ids repeat in every pipeline). */
const SOURCE = pipeline('1', [
  status('s-in', 'Неразобранное', 'unsorted', 1),
  status('s-1', 'Первичный контакт', 'regular', 10),
  status('s-2', 'Переговоры', 'regular', 20),
  status('s-3', 'Принимают решение', 'regular', 30),
  status('142', 'Успешно реализовано', 'won', 10000),
  status('143', 'Закрыто и не реализовано', 'lost', 11000),
]);

const SOURCE_BOARD: PipelineMapping = {
  pipelineId: '1',
  containers: [
    container('a', ['s-in', 's-1'], { name: 'Лиды' }),
    container('b', ['s-2', 's-3'], { name: 'В работе' }),
    container('c', ['142'], { name: 'Продажа', marker: 'completed' }),
    container('d', ['143'], { name: 'Отказ', marker: 'refusal' }),
  ],
};

const source = { pipeline: SOURCE, board: SOURCE_BOARD };

describe('normalizeStatusName', () => {
  it('ignores case, surrounding and repeated spaces', () => {
    expect(normalizeStatusName('  Первичный\u00a0  КОНТАКТ ')).toBe('первичный контакт');
    expect(normalizeStatusName('Negotiation')).not.toBe(normalizeStatusName('Negotiations'));
  });
});

describe('matchStatuses', () => {
  it('matches statuses by name, whatever the case and spacing', () => {
    const target = pipeline('2', [status('t-1', ' первичный  контакт', 'regular', 10), status('t-2', 'ПЕРЕГОВОРЫ', 'regular', 20)]);
    const matches = matchStatuses(SOURCE, ['s-1', 's-2', 's-3'], target);
    expect(matches.get('s-1')).toMatchObject({ target: { id: 't-1' }, by: 'name', sameName: 1 });
    expect(matches.get('s-2')).toMatchObject({ target: { id: 't-2' }, by: 'name' });
    expect(matches.has('s-3')).toBe(false);
  });

  it('matches the system statuses by meaning when their names differ (renamed 142/143, Bitrix24 C1:WON)', () => {
    const target = pipeline('2', [
      status('C1:NEW', 'Входящие', 'unsorted', 1),
      status('C1:WON', 'Сделка успешна', 'won', 60),
      status('C1:LOSE', 'Сделка провалена', 'lost', 70),
    ]);
    const matches = matchStatuses(SOURCE, ['s-in', '142', '143'], target);
    expect(matches.get('s-in')).toMatchObject({ target: { id: 'C1:NEW' }, by: 'meaning' });
    expect(matches.get('142')).toMatchObject({ target: { id: 'C1:WON' }, by: 'meaning' });
    expect(matches.get('143')).toMatchObject({ target: { id: 'C1:LOSE' }, by: 'meaning' });
  });

  it('never matches a regular status by meaning, nor across kinds by name', () => {
    const target = pipeline('2', [status('t-1', 'Something else', 'regular', 1), status('t-2', 'Переговоры', 'won', 2)]);
    const matches = matchStatuses(SOURCE, ['s-2'], target);
    expect(matches.size).toBe(0);
  });

  it('prefers a name match among several lost statuses, then pairs the rest by meaning in CRM order', () => {
    const from = pipeline('1', [status('LOSE', 'Deal failed', 'lost', 70), status('APOLOGY', 'Failure analysis', 'lost', 80)]);
    const to = pipeline('2', [status('C2:X', 'Other failure', 'lost', 70), status('C2:LOSE', 'deal failed', 'lost', 80), status('C2:Y', 'Third', 'lost', 90)]);
    const matches = matchStatuses(from, ['LOSE', 'APOLOGY'], to);
    expect(matches.get('LOSE')).toMatchObject({ target: { id: 'C2:LOSE' }, by: 'name' });
    expect(matches.get('APOLOGY')).toMatchObject({ target: { id: 'C2:X' }, by: 'meaning' });
  });

  it('takes statuses with a repeated name in the target in CRM order, each once, and says there were several', () => {
    const target = pipeline('2', [status('t-1', 'Переговоры', 'regular', 10), status('t-2', 'переговоры', 'regular', 20)]);
    const twice = pipeline('1', [status('s-2', 'Переговоры', 'regular', 20), status('s-9', 'Переговоры ', 'regular', 30)]);
    const matches = matchStatuses(twice, ['s-2', 's-9'], target);
    expect(matches.get('s-2')).toMatchObject({ target: { id: 't-1' }, sameName: 2 });
    expect(matches.get('s-9')).toMatchObject({ target: { id: 't-2' }, sameName: 2 });
    const once = matchStatuses(SOURCE, ['s-2'], target);
    expect([...once.values()].map((match) => match.target.id)).toEqual(['t-1']);
  });
});

describe('applyMappingTo', () => {
  const TARGET = pipeline('2', [
    status('t-in', 'Неразобранное', 'unsorted', 1),
    status('t-1', 'Первичный контакт', 'regular', 10),
    status('t-new', 'Замер', 'regular', 15),
    status('t-2', 'переговоры', 'regular', 20),
    status('142', 'Оплачено', 'won', 10000),
    status('143', 'Закрыто и не реализовано', 'lost', 11000),
  ]);

  it('keeps the containers’ names, order and markers, with the target’s statuses and fresh ids', () => {
    const result = applyMappingTo(source, { pipeline: TARGET, board: null }, sequentialIds('new'));
    expect(result.board).toEqual({
      pipelineId: '2',
      containers: [
        { id: 'new-1', name: 'Лиды', statusIds: ['t-in', 't-1'], marker: null },
        { id: 'new-2', name: 'В работе', statusIds: ['t-2'], marker: null },
        { id: 'new-3', name: 'Продажа', statusIds: ['142'], marker: 'completed' },
        { id: 'new-4', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
      ],
    });
    expect(result.unmatched).toEqual([{ statusId: 's-3', name: 'Принимают решение', stale: false }]);
    expect(result.containers[1]?.unmatched.map((item) => item.statusId)).toEqual(['s-3']);
    expect(result.containers[2]?.matches[0]).toMatchObject({ by: 'meaning', target: { name: 'Оплачено' } });
    expect(result.unmappedTarget.map((item) => item.id)).toEqual(['t-new']);
    expect(result.replaced).toBeNull();
    expect(result.skipped).toEqual([]);
    // What it makes passes the contract.
    expect(mappingConfigSchema.safeParse(configWith([SOURCE_BOARD, result.board])).error).toBeUndefined();
  });

  it('skips a container none of whose statuses matched unless it carries a marker (created empty then)', () => {
    const bare = pipeline('3', [status('x-1', 'Совсем другое', 'regular', 1)]);
    const result = applyMappingTo(source, { pipeline: bare, board: null }, sequentialIds());
    expect(result.board.containers.map((item) => [item.name, item.statusIds, item.marker])).toEqual([
      ['Продажа', [], 'completed'],
      ['Отказ', [], 'refusal'],
    ]);
    expect(result.skipped.map((item) => item.name)).toEqual(['Лиды', 'В работе']);
    expect(result.skipped[0]?.unmatched.map((item) => item.statusId)).toEqual(['s-in', 's-1']);
    expect(result.unmatched).toHaveLength(6);
    expect(result.unmappedTarget.map((item) => item.id)).toEqual(['x-1']);
  });

  it('replaces the target’s existing mapping and says what it had', () => {
    const existing: PipelineMapping = { pipelineId: '2', containers: [container('old', ['t-1', 't-new'], { name: 'Всё', marker: 'completed' })] };
    const result = applyMappingTo(source, { pipeline: TARGET, board: existing }, sequentialIds());
    expect(result.replaced).toEqual(existing.containers);
    expect(result.board.containers.some((item) => item.id === 'old' || item.name === 'Всё')).toBe(false);
    expect(result.board.containers.filter((item) => item.marker === 'completed')).toHaveLength(1);
    expect(result.unmappedTarget.map((item) => item.id)).toEqual(['t-new']);
  });

  it('never reuses an id: the source’s, the target’s or one the factory repeats', () => {
    const repeating = ['a', 'old', 'x', 'x', 'y', 'y', 'z', 'w'];
    const factory = () => repeating.shift() ?? 'never';
    const existing: PipelineMapping = { pipelineId: '2', containers: [container('old', ['t-1'])] };
    const result = applyMappingTo(source, { pipeline: TARGET, board: existing }, factory);
    expect(result.board.containers.map((item) => item.id)).toEqual(['x', 'y', 'z', 'w']);
  });

  it('lists a status the source pipeline no longer has as unmatched (stale), by its id', () => {
    const stale: PipelineMapping = { pipelineId: '1', containers: [container('a', ['gone', 's-1'], { name: 'Лиды' })] };
    const result = applyMappingTo({ pipeline: SOURCE, board: stale }, { pipeline: TARGET, board: null }, sequentialIds());
    expect(result.unmatched).toEqual([{ statusId: 'gone', name: 'gone', stale: true }]);
    expect(result.board.containers[0]?.statusIds).toEqual(['t-1']);
  });

  it('does not change its input', () => {
    const before = JSON.stringify(source);
    applyMappingTo(source, { pipeline: TARGET, board: null }, sequentialIds());
    expect(JSON.stringify(source)).toBe(before);
  });

  it('at amoCRM’s limits (100 containers of statuses) stays within the contract’s limits', () => {
    const statuses = Array.from({ length: 100 }, (_, i) => status(`s${i}`, `Этап ${i}`, 'regular', i));
    const wide = pipeline('1', statuses);
    const board: PipelineMapping = { pipelineId: '1', containers: statuses.map((item, i) => container(`c${i}`, [item.id], { name: item.name })) };
    const targetStatuses = Array.from({ length: 100 }, (_, i) => status(`t${i}`, `этап ${99 - i}`, 'regular', i));
    const result = applyMappingTo({ pipeline: wide, board }, { pipeline: pipeline('2', targetStatuses), board: null }, sequentialIds());
    expect(result.board.containers).toHaveLength(LIMITS.containersPerPipeline);
    expect(new Set(result.board.containers.map((item) => item.id)).size).toBe(100);
    expect(result.board.containers[0]).toMatchObject({ name: 'Этап 0', statusIds: ['t99'] });
    expect(result.unmappedTarget).toEqual([]);
    expect(mappingConfigSchema.safeParse(configWith([board, result.board])).error).toBeUndefined();
  });
});

describe('applyMappingToMany', () => {
  it('leaves out the source and repeated pipelines and takes at most LIMITS.pipelines', () => {
    const targets = Array.from({ length: LIMITS.pipelines + 5 }, (_, i) => ({ pipeline: pipeline(String(i + 2), SOURCE.statuses), board: null }));
    const result = applyMappingToMany(source, [{ pipeline: SOURCE, board: SOURCE_BOARD }, targets[0]!, targets[0]!, ...targets], sequentialIds());
    expect(result).toHaveLength(LIMITS.pipelines);
    expect(result.map((item) => item.pipelineId)).not.toContain('1');
    expect(new Set(result.map((item) => item.pipelineId)).size).toBe(LIMITS.pipelines);
    const ids = result.flatMap((item) => item.board.containers.map((entry) => entry.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

function configWith(pipelines: PipelineMapping[]) {
  return {
    schemaVersion: 2,
    connector: 'amocrm',
    account: null,
    filter: { match: 'all', conditions: [] },
    pipelines,
    customFields: { otherFields: [] },
    calculatedFields: [],
  };
}
