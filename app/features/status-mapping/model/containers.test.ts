import { describe, expect, it } from 'vitest';

import { LIMITS } from '@/contracts/mapping-config';

import { unmappedStatuses } from './board';
import { addContainer, canAddContainer, moveContainer, removeContainer, renameContainer } from './containers';
import { STATUSES, board, container, sequentialIds } from './test-data';

const names = (b: { containers: Array<{ id: string }> }) => b.containers.map((c) => c.id);

describe('addContainer', () => {
  it('appends an empty container with a fresh id, trimmed name and no marker', () => {
    const b = board(container('a', ['10']));
    const next = addContainer(b, '  In work ', sequentialIds('c'));
    expect(next.containers).toHaveLength(2);
    expect(next.containers[1]).toEqual({ id: 'c-1', name: 'In work', statusIds: [], marker: null });
    expect(next.containers[0]).toBe(b.containers[0]);
    expect(b.containers).toHaveLength(1);
  });

  it('ignores an invalid name without calling the id factory', () => {
    const b = board();
    let calls = 0;
    const factory = () => `x${++calls}`;
    expect(addContainer(b, '  ', factory)).toBe(b);
    expect(addContainer(b, 'n'.repeat(LIMITS.name + 1), factory)).toBe(b);
    expect(calls).toBe(0);
  });

  it('stops at the container limit', () => {
    const full = board(...Array.from({ length: LIMITS.containersPerPipeline }, (_, i) => container(`c${i}`)));
    expect(canAddContainer(full)).toBe(false);
    expect(addContainer(full, 'One more', sequentialIds())).toBe(full);
    expect(canAddContainer(board())).toBe(true);
  });
});

describe('renameContainer', () => {
  const b = board(container('a', [], { name: 'Old' }), container('b'));

  it('renames with a trimmed name and keeps other containers', () => {
    const next = renameContainer(b, 'a', '  New ');
    expect(next.containers[0]!.name).toBe('New');
    expect(next.containers[1]).toBe(b.containers[1]);
  });

  it('is a no-op for the same name, an invalid name or an unknown id', () => {
    expect(renameContainer(b, 'a', 'Old')).toBe(b);
    expect(renameContainer(b, 'a', ' Old ')).toBe(b);
    expect(renameContainer(b, 'a', '')).toBe(b);
    expect(renameContainer(b, 'a', 'x'.repeat(LIMITS.name + 1))).toBe(b);
    expect(renameContainer(b, 'zzz', 'Name')).toBe(b);
  });
});

describe('removeContainer', () => {
  it('removes it and its statuses return to the list', () => {
    const b = board(container('a', ['10', '11']), container('b', ['12'], { marker: 'completed' }));
    const next = removeContainer(b, 'a');
    expect(names(next)).toEqual(['b']);
    expect(next.containers[0]).toBe(b.containers[1]);
    expect(unmappedStatuses(next, STATUSES).map((s) => s.id)).toEqual(['10', '11', '13', '142', '143']);
  });

  it('frees the marker of the removed container', () => {
    const next = removeContainer(board(container('a', ['10'], { marker: 'completed' })), 'a');
    expect(next.containers.some((c) => c.marker === 'completed')).toBe(false);
  });

  it('is a no-op for an unknown id', () => {
    const b = board(container('a'));
    expect(removeContainer(b, 'x')).toBe(b);
  });
});

describe('moveContainer', () => {
  const b = board(container('a'), container('b'), container('c'), container('d'));

  it('moves forward and backward like arrayMove', () => {
    expect(names(moveContainer(b, 0, 2))).toEqual(['b', 'c', 'a', 'd']);
    expect(names(moveContainer(b, 3, 1))).toEqual(['a', 'd', 'b', 'c']);
    expect(names(moveContainer(b, 1, 3))).toEqual(['a', 'c', 'd', 'b']);
  });

  it('keeps container identities', () => {
    const next = moveContainer(b, 0, 3);
    expect(next.containers[0]).toBe(b.containers[1]);
    expect(next.containers[3]).toBe(b.containers[0]);
  });

  it('clamps the destination', () => {
    expect(names(moveContainer(b, 0, 10))).toEqual(['b', 'c', 'd', 'a']);
    expect(names(moveContainer(b, 2, -3))).toEqual(['c', 'a', 'b', 'd']);
  });

  it('is a no-op for the same index or an out-of-range source', () => {
    expect(moveContainer(b, 2, 2)).toBe(b);
    expect(moveContainer(b, -1, 0)).toBe(b);
    expect(moveContainer(b, 4, 0)).toBe(b);
    expect(moveContainer(b, 1.5, 0)).toBe(b);
  });
});
