import { describe, expect, it } from 'vitest';

import { positionOf } from './board';
import { isKeyboardMoveKey, keyboardLayout, nextKeyboardTarget, type KeyboardLayout } from './keyboard';
import { moveStatus } from './move-status';
import { board, container } from './test-data';

// The list, a container with 2 other statuses (positions 0..2), an empty one (0), one with 1 (0..1).
const layout: KeyboardLayout = [
  { containerId: null, itemCount: 5 },
  { containerId: 'a', itemCount: 2 },
  { containerId: 'empty', itemCount: 0 },
  { containerId: 'c', itemCount: 1 },
];
const at = (containerId: string | null, index: number) => ({ containerId, index });

describe('nextKeyboardTarget: up and down', () => {
  it('moves position by position inside a container', () => {
    expect(nextKeyboardTarget(layout, at('a', 0), 'ArrowDown')).toEqual(at('a', 1));
    expect(nextKeyboardTarget(layout, at('a', 1), 'ArrowDown')).toEqual(at('a', 2));
    expect(nextKeyboardTarget(layout, at('a', 2), 'ArrowUp')).toEqual(at('a', 1));
  });

  it('continues into the next target at its first position', () => {
    expect(nextKeyboardTarget(layout, at('a', 2), 'ArrowDown')).toEqual(at('empty', 0));
    expect(nextKeyboardTarget(layout, at('empty', 0), 'ArrowDown')).toEqual(at('c', 0));
  });

  it('continues into the previous target at its last position', () => {
    expect(nextKeyboardTarget(layout, at('c', 0), 'ArrowUp')).toEqual(at('empty', 0));
    expect(nextKeyboardTarget(layout, at('empty', 0), 'ArrowUp')).toEqual(at('a', 2));
    expect(nextKeyboardTarget(layout, at('a', 0), 'ArrowUp')).toEqual(at(null, 0));
  });

  it('treats the list as one position', () => {
    expect(nextKeyboardTarget(layout, at(null, 0), 'ArrowDown')).toEqual(at('a', 0));
    expect(nextKeyboardTarget(layout, at(null, 3), 'ArrowDown')).toEqual(at('a', 0));
  });

  it('stops at the edges', () => {
    expect(nextKeyboardTarget(layout, at(null, 0), 'ArrowUp')).toBeNull();
    expect(nextKeyboardTarget(layout, at('c', 1), 'ArrowDown')).toBeNull();
  });
});

describe('nextKeyboardTarget: left and right', () => {
  it('jumps target to target keeping the index where possible', () => {
    expect(nextKeyboardTarget(layout, at('a', 1), 'ArrowRight')).toEqual(at('empty', 0));
    expect(nextKeyboardTarget(layout, at('c', 1), 'ArrowLeft')).toEqual(at('empty', 0));
    expect(nextKeyboardTarget(layout, at('empty', 0), 'ArrowLeft')).toEqual(at('a', 0));
    expect(nextKeyboardTarget(layout, at('a', 2), 'ArrowLeft')).toEqual(at(null, 0));
    expect(nextKeyboardTarget(layout, at(null, 0), 'ArrowRight')).toEqual(at('a', 0));
  });

  it('keeps the row between containers of similar size', () => {
    const wide: KeyboardLayout = [
      { containerId: 'x', itemCount: 3 },
      { containerId: 'y', itemCount: 3 },
    ];
    expect(nextKeyboardTarget(wide, at('x', 2), 'ArrowRight')).toEqual(at('y', 2));
    expect(nextKeyboardTarget(wide, at('y', 3), 'ArrowLeft')).toEqual(at('x', 3));
  });

  it('stops at the first and last target', () => {
    expect(nextKeyboardTarget(layout, at(null, 0), 'ArrowLeft')).toBeNull();
    expect(nextKeyboardTarget(layout, at('c', 0), 'ArrowRight')).toBeNull();
  });
});

describe('nextKeyboardTarget: odd inputs', () => {
  it('clamps a stale index before moving', () => {
    expect(nextKeyboardTarget(layout, at('a', 9), 'ArrowUp')).toEqual(at('a', 1));
    expect(nextKeyboardTarget(layout, at('a', -4), 'ArrowDown')).toEqual(at('a', 1));
  });

  it('restarts at the first target when the current one is gone', () => {
    expect(nextKeyboardTarget(layout, at('deleted', 3), 'ArrowDown')).toEqual(at(null, 0));
  });

  it('returns null for an empty layout', () => {
    expect(nextKeyboardTarget([], at(null, 0), 'ArrowRight')).toBeNull();
  });

  it('recognises only arrow keys', () => {
    expect(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].every(isKeyboardMoveKey)).toBe(true);
    expect(['Enter', ' ', 'Escape', 'Tab', 'arrowup'].some(isKeyboardMoveKey)).toBe(false);
  });
});

describe('keyboardLayout', () => {
  it('lists the list first, then containers, not counting the dragged status', () => {
    const b = board(container('a', ['10', '11']), container('b', ['12']));
    expect(keyboardLayout(b, '11')).toEqual([
      { containerId: null, itemCount: 0 },
      { containerId: 'a', itemCount: 1 },
      { containerId: 'b', itemCount: 1 },
    ]);
  });

  it('walks a status through every position of the board with ArrowDown', () => {
    let b = board(container('a', ['11', '10']), container('b'), container('c', ['12']));
    const visited: string[] = [];
    for (;;) {
      const next = nextKeyboardTarget(keyboardLayout(b, '11'), positionOf(b, '11'), 'ArrowDown');
      if (!next) break;
      b = moveStatus(b, '11', next);
      visited.push(`${next.containerId}:${next.index}`);
      expect(positionOf(b, '11')).toEqual(next);
    }
    expect(visited).toEqual(['a:1', 'b:0', 'c:0', 'c:1']);
    expect(b.containers.map((c) => c.statusIds)).toEqual([['10'], [], ['12', '11']]);
  });
});
