import { describe, expect, it } from 'vitest';

import { LIMITS, pipelineMappingSchema } from '@/contracts/mapping-config';

import { unmappedStatuses } from './board';
import type { NamingContext } from './naming';
import { oneContainerPerStatus, putRemainingInto } from './quick-actions';
import { STATUSES, board, container, sequentialIds, status } from './test-data';

describe('oneContainerPerStatus', () => {
  it('makes one container per status in CRM order, named after it, with system markers', () => {
    const b = oneContainerPerStatus(STATUSES, sequentialIds('c'));
    expect(b.containers).toEqual([
      { id: 'c-1', name: 'Incoming', statusIds: ['10'], marker: null },
      { id: 'c-2', name: 'First contact', statusIds: ['11'], marker: null },
      { id: 'c-3', name: 'Negotiation', statusIds: ['12'], marker: null },
      { id: 'c-4', name: 'Decision', statusIds: ['13'], marker: null },
      { id: 'c-5', name: 'Successfully realized', statusIds: ['142'], marker: 'completed' },
      { id: 'c-6', name: 'Closed and not realized', statusIds: ['143'], marker: 'refusal' },
    ]);
    expect(unmappedStatuses(b, STATUSES)).toEqual([]);
  });

  it('produces a board the contract accepts', () => {
    const b = oneContainerPerStatus([...STATUSES, status(20, '  '), status(21, 'q'.repeat(300))], sequentialIds());
    expect(pipelineMappingSchema.safeParse({ pipelineId: '1', ...b }).success).toBe(true);
    expect(b.containers[6]!.name).toBe('20');
    expect(b.containers[7]!.name).toHaveLength(LIMITS.name);
  });

  it('puts every failure status into one container with Refusal (Bitrix24: two F stages)', () => {
    const bitrix = [
      status('C7:NEW', 'Поиск тендера', 'regular', 10),
      status('C7:WON', 'Тендер выигран', 'won', 50),
      status('C7:LOSE', 'Сделка провалена', 'lost', 60),
      status('C7:APOLOGY', 'Анализ причины провала', 'lost', 70),
    ];
    const b = oneContainerPerStatus(bitrix, sequentialIds('c'));
    expect(b.containers).toEqual([
      { id: 'c-1', name: 'Поиск тендера', statusIds: ['C7:NEW'], marker: null },
      { id: 'c-2', name: 'Тендер выигран', statusIds: ['C7:WON'], marker: 'completed' },
      { id: 'c-3', name: 'Сделка провалена', statusIds: ['C7:LOSE', 'C7:APOLOGY'], marker: 'refusal' },
    ]);
    expect(unmappedStatuses(b, bitrix)).toEqual([]);
    // Where the first failure status stands, even when the others come later in CRM order.
    const spread = oneContainerPerStatus([status(1, 'Lost early', 'lost'), status(2, 'Work'), status(3, 'Lost late', 'lost')], sequentialIds());
    expect(spread.containers.map((c) => c.statusIds)).toEqual([['1', '3'], ['2']]);
  });

  it('gives each system marker only once', () => {
    const b = oneContainerPerStatus([status(1, 'A', 'won'), status(2, 'B', 'won')], sequentialIds());
    expect(b.containers.map((c) => c.marker)).toEqual(['completed', null]);
  });

  it('is empty for no statuses and caps at the container limit', () => {
    expect(oneContainerPerStatus([], sequentialIds()).containers).toEqual([]);
    const many = Array.from({ length: LIMITS.containersPerPipeline + 5 }, (_, i) => status(i + 1, `S${i}`));
    expect(oneContainerPerStatus(many, sequentialIds()).containers).toHaveLength(LIMITS.containersPerPipeline);
  });
});

describe('putRemainingInto', () => {
  it('appends every unmapped status in CRM order', () => {
    const b = board(container('a', ['12']), container('b', ['143']));
    const next = putRemainingInto(b, STATUSES, 'a');
    expect(next.containers[0]!.statusIds).toEqual(['12', '10', '11', '13', '142']);
    expect(next.containers[1]).toBe(b.containers[1]);
    expect(unmappedStatuses(next, STATUSES)).toEqual([]);
  });

  it('is a no-op when nothing is unmapped or the container is unknown', () => {
    const all = board(container('a', STATUSES.map((s) => s.id)));
    expect(putRemainingInto(all, STATUSES, 'a')).toBe(all);
    const b = board(container('a'));
    expect(putRemainingInto(b, STATUSES, 'x')).toBe(b);
  });

  it('does not overfill the container', () => {
    const nearlyFull = Array.from({ length: LIMITS.statusesPerContainer - 2 }, (_, i) => String(1000 + i));
    const next = putRemainingInto(board(container('a', nearlyFull)), STATUSES, 'a');
    expect(next.containers[0]!.statusIds).toHaveLength(LIMITS.statusesPerContainer);
    expect(next.containers[0]!.statusIds.slice(-2)).toEqual(['10', '11']);
  });

  it('auto-names an empty container that receives exactly one status', () => {
    const naming: NamingContext = { crmStatuses: STATUSES, defaultNames: ['New stage'] };
    const one = board(container('a', ['10', '11', '12', '13', '142']), container('b', [], { name: 'New stage' }));
    expect(putRemainingInto(one, STATUSES, 'b', { naming }).containers[1]!.name).toBe('Closed and not realized');
    const many = board(container('b', [], { name: 'New stage' }));
    expect(putRemainingInto(many, STATUSES, 'b', { naming }).containers[0]!.name).toBe('New stage');
    expect(putRemainingInto(one, STATUSES, 'b').containers[1]!.name).toBe('New stage');
  });
});
