import { positionOf, type Board, type StatusPosition } from '../model/board';

import { containerDndId, LIST_ID, statusDndId, type DropData } from './ids';
import type { DragSession } from './session';

/**
 * Where a dragged status would land: a container and an insertion index counted WITHOUT the
 * dragged status (the model's `StatusPosition`, the same coordinates `moveStatus` takes), or
 * the unmapped list (`containerId: null`).
 *
 * Statuses move only on drop. While dragging, the board does not change: the target is shown
 * as an insertion line. Each target is represented by exactly one droppable — the status that
 * will follow the dropped one, the container itself for its end, or the list. A keyboard drag's
 * `over` is that droppable, so it changes exactly when the target changes; a pointer drag's
 * `over` is the board (`BOARD_ID`) throughout and the target is kept in the session, since every
 * change of `over` re-renders every draggable and droppable of the board (dnd-kit's context), a
 * cost that would grow with the account on each crossing.
 */
export type DropTarget = StatusPosition;

/** A container's statuses without the dragged one. */
export function othersIn(board: Board, containerId: string, activeStatusId: string): string[] {
  const container = board.containers.find((candidate) => candidate.id === containerId);
  return container ? container.statusIds.filter((id) => id !== activeStatusId) : [];
}

/** The droppable id standing for `target`, or null when the target's container is gone. */
export function overIdForTarget(board: Board, activeStatusId: string, target: DropTarget): string | null {
  if (target.containerId === null) return LIST_ID;
  if (!board.containers.some((container) => container.id === target.containerId)) return null;
  const next = othersIn(board, target.containerId, activeStatusId)[target.index];
  return next === undefined ? containerDndId(target.containerId) : statusDndId(next);
}

/** The target a droppable stands for (the inverse of `overIdForTarget`). */
export function targetForOver(board: Board, activeStatusId: string, over: DropData): DropTarget | null {
  switch (over.type) {
    case 'board':
      return null;
    case 'list':
      return { containerId: null, index: 0 };
    case 'container': {
      if (!board.containers.some((container) => container.id === over.containerId)) return null;
      return { containerId: over.containerId, index: othersIn(board, over.containerId, activeStatusId).length };
    }
    case 'status': {
      if (over.statusId === activeStatusId) return positionOf(board, activeStatusId);
      const index = othersIn(board, over.containerId, activeStatusId).indexOf(over.statusId);
      return index === -1 ? null : { containerId: over.containerId, index };
    }
  }
}

/**
 * Where the status being dragged would land now. By keyboard it is the position the arrows
 * chose (kept in the session), not dnd-kit's `over`: when an arrow takes the target past the
 * viewport's edge, the keyboard sensor scrolls the page (smoothly) instead of moving, and
 * `over` catches up only after the scroll has been measured, frames later, so a drop before
 * that would land one step behind where the user went (and be announced there).
 */
export function statusDropTarget(session: DragSession, activeStatusId: string, over: DropData | null): DropTarget | null {
  if (session.mode === 'keyboard' && session.keyboardTarget) return session.keyboardTarget;
  // By pointer, `over` is the whole board and the position is the collision detection's.
  if (over?.type === 'board') return session.mode === 'pointer' ? session.pointerTarget : null;
  return over ? targetForOver(session.board, activeStatusId, over) : null;
}

/** The same for a container (a stage) being dragged: the container whose place it takes. */
export function containerDropTarget(session: DragSession, over: DropData | null): string | null {
  if (session.mode === 'keyboard' && session.keyboardContainerId) return session.keyboardContainerId;
  return over?.type === 'container' ? over.containerId : null;
}

/**
 * The insertion index in a container for a pointer at `y`: how many of the other statuses
 * have their middle above it. Everywhere over the container (header, gaps, padding) maps
 * to a position, so the line never jumps to the end while the pointer crosses a gap.
 */
export function insertionIndex(otherRects: ReadonlyArray<{ top: number; height: number } | undefined>, y: number): number {
  let index = 0;
  for (const rect of otherRects) {
    if (rect && rect.top + rect.height / 2 < y) index += 1;
  }
  return index;
}

/** Whether dropping at `target` leaves the status where it is. */
export function isCurrentPosition(board: Board, statusId: string, target: DropTarget): boolean {
  const current = positionOf(board, statusId);
  if (current.containerId !== target.containerId) return false;
  return current.containerId === null || current.index === target.index;
}

export function sameTarget(a: DropTarget | null, b: DropTarget | null): boolean {
  if (a === null || b === null) return a === b;
  return a.containerId === b.containerId && a.index === b.index;
}

/** How a container shows the target: a line before a status, a line at its end, or the dragged status itself marked as staying. */
export type DropIndicator = { kind: 'before'; statusId: string } | { kind: 'end' } | { kind: 'self' };

export function indicatorFor(board: Board, activeStatusId: string, target: DropTarget): DropIndicator | null {
  if (target.containerId === null) return null;
  if (isCurrentPosition(board, activeStatusId, target)) return { kind: 'self' };
  const next = othersIn(board, target.containerId, activeStatusId)[target.index];
  return next === undefined ? { kind: 'end' } : { kind: 'before', statusId: next };
}

/** The next container index for a keyboard reorder (Up/Left = earlier, Down/Right = later), or null at the edge. */
export function nextContainerIndex(count: number, current: number, key: string): number | null {
  const delta = key === 'ArrowUp' || key === 'ArrowLeft' ? -1 : key === 'ArrowDown' || key === 'ArrowRight' ? 1 : 0;
  if (delta === 0) return null;
  const next = current + delta;
  return next < 0 || next >= count ? null : next;
}
