import { describe, expect, it } from 'vitest';

import { findContainerOf, mappedStatusIds, positionOf, unmappedStatuses, withContainers } from './board';
import { STATUSES, board, container, status } from './test-data';

describe('findContainerOf', () => {
  const b = board(container('a', ['11', '12']), container('b', ['142']));

  it('returns the container that holds the status', () => {
    expect(findContainerOf(b, '12')?.id).toBe('a');
    expect(findContainerOf(b, '142')?.id).toBe('b');
  });

  it('returns null for a status in the list', () => {
    expect(findContainerOf(b, '13')).toBeNull();
    expect(findContainerOf(board(), '13')).toBeNull();
  });

  it('returns the container object itself (identity)', () => {
    expect(findContainerOf(b, '11')).toBe(b.containers[0]);
  });
});

describe('positionOf', () => {
  it('gives the container and the index', () => {
    const b = board(container('a', ['11', '12']), container('b', ['13', '142']));
    expect(positionOf(b, '11')).toEqual({ containerId: 'a', index: 0 });
    expect(positionOf(b, '142')).toEqual({ containerId: 'b', index: 1 });
  });

  it('gives the list for an unmapped status', () => {
    expect(positionOf(board(container('a', ['11'])), '99')).toEqual({ containerId: null, index: 0 });
  });
});

describe('unmappedStatuses', () => {
  it('returns every status when the board is empty, in CRM order', () => {
    expect(unmappedStatuses(board(), STATUSES)).toEqual(STATUSES);
  });

  it('keeps CRM order whatever the order on the board', () => {
    const b = board(container('a', ['143', '11']), container('b', ['10']));
    expect(unmappedStatuses(b, STATUSES).map((s) => s.id)).toEqual(['12', '13', '142']);
  });

  it('keeps the order of the given array, not the sort field', () => {
    const shuffled = [status(3, 'c', 'regular', 1), status(1, 'a', 'regular', 3), status(2, 'b', 'regular', 2)];
    expect(unmappedStatuses(board(), shuffled).map((s) => s.id)).toEqual(['3', '1', '2']);
  });

  it('is empty when everything is mapped and ignores ids the CRM does not have', () => {
    const b = board(container('a', ['10', '11', '12', '13', '142', '143', '999']));
    expect(unmappedStatuses(b, STATUSES)).toEqual([]);
  });
});

describe('mappedStatusIds', () => {
  it('collects ids from every container', () => {
    expect([...mappedStatusIds(board(container('a', ['1', '2']), container('b', ['3'])))].sort()).toEqual(['1', '2', '3']);
  });
});

describe('withContainers', () => {
  it('returns the same board when every container is the same object', () => {
    const b = board(container('a'), container('b'));
    expect(withContainers(b, [...b.containers])).toBe(b);
  });

  it('returns a new board when a container changed, keeping other fields', () => {
    const mapping = { pipelineId: '7', containers: [container('a')] };
    const next = withContainers(mapping, [container('a')]);
    expect(next).not.toBe(mapping);
    expect(next.pipelineId).toBe('7');
  });

  it('returns a new board when the order changed', () => {
    const b = board(container('a'), container('b'));
    const next = withContainers(b, [b.containers[1]!, b.containers[0]!]);
    expect(next).not.toBe(b);
    expect(next.containers.map((c) => c.id)).toEqual(['b', 'a']);
  });
});
