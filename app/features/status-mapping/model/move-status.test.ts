import { describe, expect, it } from 'vitest';

import { LIMITS } from '@/contracts/mapping-config';

import type { Board } from './board';
import { canDropInto, moveStatus } from './move-status';
import type { NamingContext } from './naming';
import { STATUSES, board, container } from './test-data';

const ids = (b: Board) => b.containers.map((c) => c.statusIds);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('moveStatus within a container', () => {
  const start = () => board(container('a', ['10', '11', '12', '13']), container('b', ['142']));

  it('moves down to the given final index', () => {
    expect(ids(moveStatus(start(), '10', { containerId: 'a', index: 2 }))).toEqual([['11', '12', '10', '13'], ['142']]);
  });

  it('moves up to the given final index', () => {
    expect(ids(moveStatus(start(), '13', { containerId: 'a', index: 0 }))).toEqual([['13', '10', '11', '12'], ['142']]);
  });

  it('moves to the end when the index is past it (clamped)', () => {
    expect(ids(moveStatus(start(), '10', { containerId: 'a', index: 99 }))).toEqual([['11', '12', '13', '10'], ['142']]);
  });

  it('clamps a negative index to the start', () => {
    expect(ids(moveStatus(start(), '12', { containerId: 'a', index: -5 }))).toEqual([['12', '10', '11', '13'], ['142']]);
  });

  it('is a no-op (same object) at its own index or without an index', () => {
    const b = start();
    expect(moveStatus(b, '11', { containerId: 'a', index: 1 })).toBe(b);
    expect(moveStatus(b, '11', { containerId: 'a' })).toBe(b);
  });

  it('keeps the identity of the untouched container', () => {
    const b = start();
    const next = moveStatus(b, '10', { containerId: 'a', index: 3 });
    expect(next.containers[1]).toBe(b.containers[1]);
    expect(next.containers[0]).not.toBe(b.containers[0]);
  });
});

describe('moveStatus between containers', () => {
  const start = () => board(container('a', ['10', '11']), container('b', ['12', '13']), container('c', ['142']));

  it('inserts at the index in the target and removes from the source', () => {
    expect(ids(moveStatus(start(), '10', { containerId: 'b', index: 1 }))).toEqual([['11'], ['12', '10', '13'], ['142']]);
  });

  it('appends when no index is given', () => {
    expect(ids(moveStatus(start(), '10', { containerId: 'b' }))).toEqual([['11'], ['12', '13', '10'], ['142']]);
  });

  it('inserts at 0 and clamps a large index to the end', () => {
    expect(ids(moveStatus(start(), '142', { containerId: 'a', index: 0 }))).toEqual([['142', '10', '11'], ['12', '13'], []]);
    expect(ids(moveStatus(start(), '142', { containerId: 'a', index: 50 }))).toEqual([['10', '11', '142'], ['12', '13'], []]);
  });

  it('drops into an empty container', () => {
    const b = board(container('a', ['10']), container('empty'));
    expect(ids(moveStatus(b, '10', { containerId: 'empty', index: 0 }))).toEqual([[], ['10']]);
  });

  it('keeps the identity of containers not involved', () => {
    const b = start();
    const next = moveStatus(b, '10', { containerId: 'b' });
    expect(next.containers[2]).toBe(b.containers[2]);
    expect(next.containers[0]).not.toBe(b.containers[0]);
    expect(next.containers[1]).not.toBe(b.containers[1]);
  });

  it('leaves the name and marker alone without a naming context', () => {
    const b = board(container('a', ['10'], { marker: 'pause' }), container('b', [], { name: 'Stage b' }));
    const next = moveStatus(b, '10', { containerId: 'b' });
    expect(next.containers[1]).toMatchObject({ name: 'Stage b', marker: null });
    expect(next.containers[0]).toMatchObject({ marker: 'pause', statusIds: [] });
  });

  it('removes a stray duplicate from other containers', () => {
    const b = board(container('a', ['10']), container('b', ['10', '11']), container('c'));
    expect(ids(moveStatus(b, '10', { containerId: 'c' }))).toEqual([[], ['11'], ['10']]);
  });

  it('does not mutate its input', () => {
    const b = deepFreeze(start());
    const copy = structuredClone(b);
    moveStatus(b, '10', { containerId: 'b', index: 0 });
    moveStatus(b, '10', { containerId: null });
    moveStatus(b, '11', { containerId: 'a', index: 0 });
    expect(b).toEqual(copy);
  });
});

describe('moveStatus from and to the list', () => {
  it('inserts a status from the list', () => {
    const b = board(container('a', ['10']));
    expect(ids(moveStatus(b, '11', { containerId: 'a', index: 0 }))).toEqual([['11', '10']]);
  });

  it('returns a status to the list', () => {
    const b = board(container('a', ['10', '11']), container('b', ['12']));
    const next = moveStatus(b, '10', { containerId: null });
    expect(ids(next)).toEqual([['11'], ['12']]);
    expect(next.containers[1]).toBe(b.containers[1]);
  });

  it('is a no-op for a status already in the list', () => {
    const b = board(container('a', ['10']));
    expect(moveStatus(b, '11', { containerId: null })).toBe(b);
  });
});

describe('moveStatus no-ops', () => {
  it('ignores an unknown target container', () => {
    const b = board(container('a', ['10']));
    expect(moveStatus(b, '10', { containerId: 'nope' })).toBe(b);
  });

  it('refuses to overfill a container but still reorders inside a full one', () => {
    const full = Array.from({ length: LIMITS.statusesPerContainer }, (_, i) => String(1000 + i));
    const b = board(container('full', full), container('b', ['10']));
    expect(moveStatus(b, '10', { containerId: 'full' })).toBe(b);
    expect(canDropInto(b, '10', 'full')).toBe(false);
    expect(canDropInto(b, '1000', 'full')).toBe(true);
    const reordered = moveStatus(b, '1000', { containerId: 'full', index: 1 });
    expect(reordered.containers[0]!.statusIds.slice(0, 2)).toEqual(['1001', '1000']);
  });

  it('canDropInto is false for an unknown container', () => {
    expect(canDropInto(board(), '10', 'x')).toBe(false);
  });
});

describe('moveStatus keeps other board fields', () => {
  it('returns a PipelineMapping with its pipelineId', () => {
    const mapping = { pipelineId: '3177727', containers: [container('a'), container('b', ['10'])] };
    const next = moveStatus(mapping, '10', { containerId: 'a' });
    expect(next.pipelineId).toBe('3177727');
    expect(ids(next)).toEqual([['10'], []]);
  });
});

describe('moveStatus with auto-naming', () => {
  const naming: NamingContext = { crmStatuses: STATUSES, defaultNames: ['New stage', 'Новый этап'] };

  it('renames an empty default-named container after the dropped status', () => {
    const b = board(container('a', [], { name: 'New stage 2' }));
    expect(moveStatus(b, '12', { containerId: 'a' }, { naming }).containers[0]).toMatchObject({
      name: 'Negotiation',
      statusIds: ['12'],
    });
  });

  it('renames a container still named after a previous status', () => {
    const b = board(container('a', [], { name: 'Negotiation' }), container('b', ['13']));
    expect(moveStatus(b, '13', { containerId: 'a' }, { naming }).containers[0]!.name).toBe('Decision');
  });

  it('keeps a name the user typed', () => {
    const b = board(container('a', [], { name: 'Hot leads' }));
    expect(moveStatus(b, '12', { containerId: 'a' }, { naming }).containers[0]!.name).toBe('Hot leads');
  });

  it('does not rename when the container already has a status (grouping)', () => {
    const b = board(container('a', ['11'], { name: 'First contact' }));
    expect(moveStatus(b, '12', { containerId: 'a' }, { naming }).containers[0]!.name).toBe('First contact');
  });

  it('keeps the name of the container the status leaves', () => {
    const b = board(container('a', ['12'], { name: 'Negotiation' }), container('b', [], { name: 'New stage' }));
    const next = moveStatus(b, '12', { containerId: 'b' }, { naming });
    expect(next.containers.map((c) => c.name)).toEqual(['Negotiation', 'Negotiation']);
  });

  it('renames an auto-named source container left with one status after it', () => {
    const b = board(container('a', ['12', '13'], { name: 'Negotiation' }), container('b', [], { name: 'Hot' }));
    const next = moveStatus(b, '12', { containerId: 'b' }, { naming });
    expect(next.containers.map((c) => c.name)).toEqual(['Decision', 'Hot']);
    expect(moveStatus(b, '12', { containerId: null }, { naming }).containers[0]!.name).toBe('Decision');
  });

  it('keeps a user-named source container left with one status', () => {
    const b = board(container('a', ['12', '13'], { name: 'In work' }), container('b'));
    expect(moveStatus(b, '12', { containerId: 'b' }, { naming }).containers[0]!.name).toBe('In work');
  });

  it('does not rename on a reorder, and a no-op stays a no-op', () => {
    const b = board(container('a', ['12', '13'], { name: 'New stage' }));
    expect(moveStatus(b, '12', { containerId: 'a', index: 1 }, { naming }).containers[0]!.name).toBe('New stage');
    expect(moveStatus(b, '12', { containerId: 'a', index: 0 }, { naming })).toBe(b);
  });

  it('keeps the identity of containers the move did not change', () => {
    const untouched = container('c', ['11'], { name: 'New stage' });
    const b = board(container('a', ['12']), container('b'), untouched);
    expect(moveStatus(b, '12', { containerId: 'b' }, { naming }).containers[2]).toBe(untouched);
  });

  it('keeps the name for a status the CRM list does not know', () => {
    const b = board(container('a', [], { name: 'New stage' }));
    expect(moveStatus(b, '555', { containerId: 'a' }, { naming }).containers[0]!.name).toBe('New stage');
  });
});
