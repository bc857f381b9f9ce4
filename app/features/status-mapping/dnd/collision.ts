import { closestCenter, pointerWithin, rectIntersection, type CollisionDetection } from '@dnd-kit/core';

import { containerDndId, readDragData, readDropData, statusDndId } from './ids';
import { insertionIndex, othersIn, overIdForTarget } from './drop-target';
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
 *   middles. The result is mapped back to the one droppable that stands for that position,
 *   so an empty container (its own droppable) always takes the drop, and `over` changes only
 *   when the position really changes: no flicker, since nothing moves during the drag.
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

    const zones = args.droppableContainers.filter((droppable) => {
      const type = readDropData(droppable.data.current)?.type;
      return type === 'list' || type === 'container';
    });
    const [zone] = args.pointerCoordinates ? pointerWithin({ ...args, droppableContainers: zones }) : [];
    const [fallback] = zone ? [] : rectIntersection({ ...args, droppableContainers: zones });
    const hit = zone ?? fallback;
    if (!hit) return [];
    const drop = readDropData(zones.find((droppable) => droppable.id === hit.id)?.data.current);
    if (drop?.type !== 'container') return [{ id: hit.id }];

    const others = othersIn(session.board, drop.containerId, active.statusId);
    const y = args.pointerCoordinates?.y ?? args.collisionRect.top + args.collisionRect.height / 2;
    const index = insertionIndex(
      others.map((statusId) => args.droppableRects.get(statusDndId(statusId))),
      y,
    );
    const id = overIdForTarget(session.board, active.statusId, { containerId: drop.containerId, index });
    return id ? [{ id }] : [];
  };
}
