import type { Active, ClientRect, DroppableContainer, Over } from '@dnd-kit/core';
import type { TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';

import { initI18n } from '@/lib/i18n';

import { board, container, STATUSES } from '../model/test-data';

import { createBoardAnnouncements } from './announcements';
import { createBoardCollision } from './collision';
import {
  containerDropTarget,
  indicatorFor,
  insertionIndex,
  isCurrentPosition,
  overIdForTarget,
  statusDropTarget,
  targetForOver,
} from './drop-target';
import { BOARD_ID, containerDndId, LIST_ID, statusDndId, type DragData, type DropData } from './ids';
import { createKeyboardCoordinates } from './keyboard-coordinates';
import { DragSessionStore } from './session';

// Pure DnD helpers of the status board (they are plain functions; .tsx only so the dom project runs them).

const B = board(container('a', ['10', '11']), container('b', ['12']), container('c'));

describe('drop targets', () => {
  it('maps every position to exactly one droppable and back', () => {
    const cases: Array<[{ containerId: string | null; index: number }, string]> = [
      [{ containerId: null, index: 0 }, LIST_ID],
      [{ containerId: 'a', index: 0 }, statusDndId('10')],
      [{ containerId: 'a', index: 1 }, statusDndId('11')],
      [{ containerId: 'a', index: 2 }, containerDndId('a')],
      [{ containerId: 'c', index: 0 }, containerDndId('c')],
    ];
    for (const [target, id] of cases) {
      expect(overIdForTarget(B, '13', target)).toBe(id);
      const drop: DropData =
        id === LIST_ID
          ? { type: 'list' }
          : id.startsWith('status:')
            ? { type: 'status', statusId: id.slice(7), containerId: target.containerId ?? '' }
            : { type: 'container', containerId: target.containerId ?? '' };
      expect(targetForOver(B, '13', drop)).toEqual(target);
    }
  });

  it('counts positions without the dragged status', () => {
    // Dragging 10 inside "a": the others are [11]; position 1 is the end.
    expect(overIdForTarget(B, '10', { containerId: 'a', index: 1 })).toBe(containerDndId('a'));
    expect(targetForOver(B, '10', { type: 'status', statusId: '11', containerId: 'a' })).toEqual({ containerId: 'a', index: 0 });
    expect(isCurrentPosition(B, '10', { containerId: 'a', index: 0 })).toBe(true);
    expect(indicatorFor(B, '10', { containerId: 'a', index: 0 })).toEqual({ kind: 'self' });
    expect(indicatorFor(B, '12', { containerId: 'a', index: 1 })).toEqual({ kind: 'before', statusId: '11' });
    expect(indicatorFor(B, '12', { containerId: 'c', index: 0 })).toEqual({ kind: 'end' });
    expect(indicatorFor(B, '12', { containerId: null, index: 0 })).toBeNull();
  });

  it('lands a keyboard drag where the arrows went, even while `over` still lags behind (the page was scrolling)', () => {
    const store = new DragSessionStore();
    const keyboard = store.start(B, 'keyboard');
    const stale: DropData = { type: 'status', statusId: '10', containerId: 'a' };
    // Before the first arrow, the starting place (from `over`).
    expect(statusDropTarget(keyboard, '13', stale)).toEqual({ containerId: 'a', index: 0 });
    keyboard.keyboardTarget = { containerId: 'a', index: 1 };
    expect(statusDropTarget(keyboard, '13', stale)).toEqual({ containerId: 'a', index: 1 });
    expect(statusDropTarget(keyboard, '13', null)).toEqual({ containerId: 'a', index: 1 });
    keyboard.keyboardContainerId = 'c';
    expect(containerDropTarget(keyboard, { type: 'container', containerId: 'a' })).toBe('c');
    // By pointer, `over` is the truth.
    const pointer = store.start(B, 'pointer');
    pointer.keyboardTarget = { containerId: 'c', index: 0 };
    expect(statusDropTarget(pointer, '13', stale)).toEqual({ containerId: 'a', index: 0 });
    expect(statusDropTarget(pointer, '13', null)).toBeNull();
    expect(containerDropTarget(pointer, { type: 'container', containerId: 'a' })).toBe('a');
    expect(containerDropTarget(pointer, { type: 'list' })).toBeNull();
  });

  it('finds the insertion index from the pointer height, gaps included', () => {
    const rects = [{ top: 0, height: 30 }, { top: 36, height: 30 }, undefined];
    expect(insertionIndex(rects, -50)).toBe(0);
    expect(insertionIndex(rects, 14)).toBe(0);
    expect(insertionIndex(rects, 16)).toBe(1);
    expect(insertionIndex(rects, 33)).toBe(1);
    expect(insertionIndex(rects, 500)).toBe(2);
  });
});

function rect(left: number, top: number, width: number, height: number): ClientRect {
  return { left, top, width, height, right: left + width, bottom: top + height };
}

function droppable(id: string, data: DropData): DroppableContainer {
  return { id, key: id, data: { current: data }, disabled: false, node: { current: null }, rect: { current: null } };
}

function active(data: DragData): Active {
  return { id: data.type === 'status' ? statusDndId(data.statusId) : containerDndId(data.containerId), data: { current: data }, rect: { current: { initial: null, translated: null } } };
}

describe('collision detection', () => {
  // The list on the left; containers a (two statuses) and c (empty) on the right.
  const droppables = [
    droppable(LIST_ID, { type: 'list' }),
    droppable(containerDndId('a'), { type: 'container', containerId: 'a' }),
    droppable(statusDndId('10'), { type: 'status', statusId: '10', containerId: 'a' }),
    droppable(statusDndId('11'), { type: 'status', statusId: '11', containerId: 'a' }),
    droppable(containerDndId('c'), { type: 'container', containerId: 'c' }),
  ];
  const rects = new Map<string, ClientRect>([
    [LIST_ID, rect(0, 0, 200, 600)],
    [containerDndId('a'), rect(300, 0, 300, 140)],
    [statusDndId('10'), rect(310, 50, 280, 30)],
    [statusDndId('11'), rect(310, 90, 280, 30)],
    [containerDndId('c'), rect(300, 160, 300, 80)],
  ]);
  const args = (pointer: { x: number; y: number } | null, drag: DragData) => ({
    active: active(drag),
    collisionRect: rect(pointer?.x ?? 0, pointer?.y ?? 0, 200, 30),
    droppableRects: rects,
    droppableContainers: droppables,
    pointerCoordinates: pointer,
  });

  it('by pointer: the position under the pointer (in the session), the empty container itself, the list; `over` is the board throughout', () => {
    const store = new DragSessionStore();
    const session = store.start(board(container('a', ['10', '11']), container('c')), 'pointer');
    const detect = createBoardCollision(store.get);
    const drag: DragData = { type: 'status', statusId: '12', containerId: null };
    const at = (x: number, y: number) => {
      // dnd-kit's `over` never changes under the pointer: no draggable re-renders on a move.
      expect(detect(args({ x, y }, drag))).toEqual([{ id: BOARD_ID }]);
      return session.pointerTarget;
    };
    expect(at(400, 20)).toEqual({ containerId: 'a', index: 0 }); // header: before the first
    expect(at(400, 86)).toEqual({ containerId: 'a', index: 1 }); // in the gap: before 11
    expect(at(400, 130)).toEqual({ containerId: 'a', index: 2 }); // below all: the end
    expect(at(400, 200)).toEqual({ containerId: 'c', index: 0 }); // an empty container
    expect(at(100, 300)).toEqual({ containerId: null, index: 0 }); // the list
    // Between two containers the overlay's overlap keeps a target.
    expect(at(400, 150)).toEqual({ containerId: 'c', index: 0 });
    // Over nothing at all (the overlay far away): no target.
    expect(at(5000, 5000)).toBeNull();
    // The drop lands on the session's target: `over` (the board) says nothing of the position.
    session.pointerTarget = { containerId: 'a', index: 1 };
    expect(statusDropTarget(session, '12', { type: 'board' })).toEqual({ containerId: 'a', index: 1 });
    expect(targetForOver(session.board, '12', { type: 'board' })).toBeNull();
  });

  it('by keyboard: exactly the chosen position; containers among containers only', () => {
    const store = new DragSessionStore();
    const session = store.start(board(container('a', ['10', '11']), container('c')), 'keyboard');
    const detect = createBoardCollision(store.get);
    session.keyboardTarget = { containerId: 'a', index: 1 };
    expect(detect(args(null, { type: 'status', statusId: '12', containerId: null }))).toEqual([{ id: statusDndId('11') }]);
    session.keyboardContainerId = 'c';
    expect(detect(args(null, { type: 'container', containerId: 'a' }))).toEqual([{ id: containerDndId('c') }]);
  });
});

describe('keyboard coordinates', () => {
  it('walk from target to target: list → containers, position by position', () => {
    const store = new DragSessionStore();
    const session = store.start(board(container('a', ['10', '11']), container('c')), 'keyboard');
    const getter = createKeyboardCoordinates(store.get);
    const context = {
      active: active({ type: 'status', statusId: '12', containerId: null }),
      droppableRects: new Map<string, ClientRect>([
        [LIST_ID, rect(0, 0, 200, 600)],
        [containerDndId('a'), rect(300, 0, 300, 140)],
        [statusDndId('10'), rect(310, 50, 280, 30)],
        [statusDndId('11'), rect(310, 90, 280, 30)],
        [containerDndId('c'), rect(300, 160, 300, 80)],
      ]),
      collisionRect: rect(0, 0, 200, 30),
      draggingNodeRect: rect(10, 10, 180, 30),
    };
    const press = (code: string) =>
      getter(new KeyboardEvent('keydown', { code }), {
        active: context.active.id,
        currentCoordinates: { x: 0, y: 0 },
        context: context as unknown as Parameters<typeof getter>[1]['context'],
      });
    expect(press('ArrowRight')).toEqual({ x: 310, y: 35 });
    expect(session.keyboardTarget).toEqual({ containerId: 'a', index: 0 });
    press('ArrowDown');
    press('ArrowDown');
    expect(session.keyboardTarget).toEqual({ containerId: 'a', index: 2 });
    press('ArrowDown');
    expect(session.keyboardTarget).toEqual({ containerId: 'c', index: 0 });
    expect(press('ArrowDown')).toBeUndefined(); // nowhere further
    press('ArrowLeft');
    press('ArrowLeft');
    expect(session.keyboardTarget).toEqual({ containerId: null, index: 0 });
    expect(press('KeyA')).toBeUndefined();
  });
});

describe('announcements', () => {
  let en: TFunction;
  let ru: TFunction;
  beforeAll(() => {
    const i18n = initI18n('en');
    en = i18n.getFixedT('en');
    ru = i18n.getFixedT('ru');
  });
  const names = new Map(STATUSES.map((status) => [status.id, status.name]));
  const over = (data: DropData, id: string): Over => ({ id, rect: rect(0, 0, 1, 1), disabled: false, data: { current: data } });

  it('name the status and the container with the position, in the UI language, never an id', () => {
    const store = new DragSessionStore();
    store.start(board(container('a', ['10', '11'], { name: 'In work' }), container('c', [], { name: 'Won' })), 'keyboard');
    const texts = createBoardAnnouncements(en, store.get, (id) => names.get(id) ?? '');
    const dragged = active({ type: 'status', statusId: '12', containerId: null });
    expect(texts.onDragStart({ active: dragged })).toBe('Picked up Negotiation from the unmapped statuses.');
    // The first over (the starting place) is skipped.
    expect(texts.onDragOver({ active: dragged, over: over({ type: 'list' }, LIST_ID) })).toBeUndefined();
    expect(texts.onDragOver({ active: dragged, over: over({ type: 'status', statusId: '11', containerId: 'a' }, statusDndId('11')) })).toBe(
      'Negotiation moved to In work, position 2 of 3.',
    );
    expect(texts.onDragEnd({ active: dragged, over: over({ type: 'container', containerId: 'c' }, containerDndId('c')) })).toBe(
      'Negotiation dropped into Won, position 1 of 1.',
    );
    expect(texts.onDragCancel({ active: dragged, over: null })).toBe('Moving cancelled. Negotiation stays in the unmapped statuses.');

    // A keyboard drop is announced where the arrows went, not at a lagging `over`.
    const session = store.get();
    if (session) session.keyboardTarget = { containerId: 'a', index: 2 };
    expect(texts.onDragEnd({ active: dragged, over: over({ type: 'status', statusId: '11', containerId: 'a' }, statusDndId('11')) })).toBe(
      'Negotiation dropped into In work, position 3 of 3.',
    );
    if (session) session.keyboardTarget = null;

    const inRussian = createBoardAnnouncements(ru, store.get, (id) => names.get(id) ?? '');
    const inContainer = active({ type: 'status', statusId: '11', containerId: 'a' });
    expect(inRussian.onDragStart({ active: inContainer })).toBe('First contact взят из контейнера In work, позиция 2 из 2.');
    expect(inRussian.onDragEnd({ active: inContainer, over: over({ type: 'list' }, LIST_ID) })).toBe(
      'First contact возвращён в список статусов без контейнера.',
    );
    const stage = active({ type: 'container', containerId: 'c' });
    expect(inRussian.onDragEnd({ active: stage, over: over({ type: 'container', containerId: 'a' }, containerDndId('a')) })).toBe(
      'Контейнер Won поставлен на позицию 1 из 2.',
    );
  });

  it('a pointer drag (always over the board) is announced from its moves, once per position', () => {
    const store = new DragSessionStore();
    const session = store.start(board(container('a', ['10', '11'], { name: 'In work' }), container('c', [], { name: 'Won' })), 'pointer');
    const texts = createBoardAnnouncements(en, store.get, (id) => names.get(id) ?? '');
    const dragged = active({ type: 'status', statusId: '12', containerId: null });
    const onBoard = over({ type: 'board' }, BOARD_ID);
    const move = () => texts.onDragMove?.({ active: dragged, over: onBoard });
    session.pointerTarget = { containerId: null, index: 0 };
    // The first over (the starting place) is skipped, and so are moves that keep the position.
    expect(texts.onDragOver({ active: dragged, over: onBoard })).toBeUndefined();
    expect(move()).toBeUndefined();
    session.pointerTarget = { containerId: 'a', index: 1 };
    expect(move()).toBe('Negotiation moved to In work, position 2 of 3.');
    expect(move()).toBeUndefined();
    session.pointerTarget = null;
    expect(move()).toBe('Negotiation is not over a container.');
    session.pointerTarget = { containerId: 'c', index: 0 };
    expect(move()).toBe('Negotiation moved to Won, position 1 of 1.');
    expect(texts.onDragEnd({ active: dragged, over: onBoard })).toBe('Negotiation dropped into Won, position 1 of 1.');
    // A keyboard drag's moves say nothing: its `over` changes with each position.
    store.start(session.board, 'keyboard');
    expect(move()).toBeUndefined();
  });
});
