import { closestCenter, pointerWithin, rectIntersection, type CollisionDetection } from '@dnd-kit/core';

import { BOARD_ID, containerDndId, readDragData, readDropData, statusDndId } from './ids';
import { insertionIndex, othersIn, overIdForTarget, type DropTarget } from './drop-target';
import type { DragSession } from './session';

/**
 * Collision detection for the status board.
 *
 * - A container being dragged (funnel reorder): `closestCenter` among containers only; by
 *   keyboard, the container the arrows chose.
 * - A status dragged by keyboard: exactly the droppable of the position the arrows chose
 *   (no geometry at all, so arrows go target to target, never pixel by pixel).
 * - A status dragged by pointer: first the zone — the list or a container — under the
 *   pointer (`pointerWithin`), else the one the dragged overlay overlaps most
 *   (`rectIntersection`, so crossing the gap between two containers keeps a target); then,
 *   in a container, the insertion index from the pointer's height among the other statuses'
 *   middles. That position is kept in the session (`pointerTarget`) and the collision is the
 *   board's own droppable (`BOARD_ID`) throughout the drag: dnd-kit's `over` then never changes
 *   under the pointer, so no draggable or droppable re-renders on a move (each change of `over`
 *   re-renders all of them, 200 on a pipeline of 100 statuses); the board reads the position on
 *   each move (onDragMove) and only the containers it leaves and enters re-render.
 */
export function createBoardCollision(getSession: () => DragSession | null): CollisionDetection {
  return (args) => {
    const session = getSession();
    const active = readDragData(args.active.data.current);
    if (!session || !active) return [];

    if (active.type === 'container') {
      if (session.mode === 'keyboard') {
        return session.keyboardContainerId ? [{ id: containerDndId(session.keyboardContainerId) }] : [];
      }
      const containers = args.droppableContainers.filter((droppable) => readDropData(droppable.data.current)?.type === 'container');
      return closestCenter({ ...args, droppableContainers: containers });
    }

    if (session.mode === 'keyboard') {
      const id = session.keyboardTarget ? overIdForTarget(session.board, active.statusId, session.keyboardTarget) : null;
      return id ? [{ id }] : [];
    }

    session.pointerTarget = pointerTarget(args, session, active.statusId);
    return [{ id: BOARD_ID }];
  };
}

/** The position under the pointer for a status dragged by pointer, or null when it is over no zone. */
function pointerTarget(args: Parameters<CollisionDetection>[0], session: DragSession, activeStatusId: string): DropTarget | null {
  const zones = args.droppableContainers.filter((droppable) => {
    const type = readDropData(droppable.data.current)?.type;
    return type === 'list' || type === 'container';
  });
  const [zone] = args.pointerCoordinates ? pointerWithin({ ...args, droppableContainers: zones }) : [];
  const [fallback] = zone ? [] : rectIntersection({ ...args, droppableContainers: zones });
  const hit = zone ?? fallback;
  if (!hit) return null;
  const drop = readDropData(zones.find((droppable) => droppable.id === hit.id)?.data.current);
  if (drop?.type === 'list') return { containerId: null, index: 0 };
  if (drop?.type !== 'container') return null;

  const others = othersIn(session.board, drop.containerId, activeStatusId);
  const y = args.pointerCoordinates?.y ?? args.collisionRect.top + args.collisionRect.height / 2;
  const index = insertionIndex(
    others.map((statusId) => args.droppableRects.get(statusDndId(statusId))),
    y,
  );
  return { containerId: drop.containerId, index };
}
