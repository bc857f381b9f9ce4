import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

import { positionOf } from '../model/board';
import { isKeyboardMoveKey, keyboardLayout, nextKeyboardTarget } from '../model/keyboard';

import { containerDndId, LIST_ID, readDragData, statusDndId } from './ids';
import { nextContainerIndex, othersIn, type DropTarget } from './drop-target';
import type { DragSession } from './session';

type Rect = { left: number; top: number; width: number; height: number };

/**
 * Arrow keys during a keyboard drag move from target to target, computed on the board's
 * positions (the model's `nextKeyboardTarget`), not by pixels: Up/Down go position by position
 * (and on into the previous/next container), Left/Right jump between the list and the
 * containers. The chosen position is stored in the session (the collision detection reads it);
 * the returned coordinates only move the drag overlay onto that position's insertion line.
 */
export function createKeyboardCoordinates(getSession: () => DragSession | null): KeyboardCoordinateGetter {
  return (event, { context, currentCoordinates }) => {
    const session = getSession();
    const active = readDragData(context.active?.data.current);
    if (!session || !active || !isKeyboardMoveKey(event.code)) return undefined;
    event.preventDefault();
    const rects = context.droppableRects;
    const height = context.collisionRect?.height ?? 0;

    if (active.type === 'container') {
      const { containers } = session.board;
      const from = session.keyboardContainerId ?? active.containerId;
      const at = containers.findIndex((container) => container.id === from);
      const next = nextContainerIndex(containers.length, at, event.code);
      const target = next === null ? undefined : containers[next];
      if (!target) return undefined;
      session.keyboardContainerId = target.id;
      const rect = rects.get(containerDndId(target.id));
      if (!rect) return currentCoordinates;
      const origin = containers.findIndex((container) => container.id === active.containerId);
      // Moving later, the container's bottom lines up with the target's bottom.
      return { x: rect.left, y: next !== null && next > origin ? rect.top + rect.height - height : rect.top };
    }

    const { board } = session;
    const current = session.keyboardTarget ?? positionOf(board, active.statusId);
    const next = nextKeyboardTarget(keyboardLayout(board, active.statusId), current, event.code);
    if (!next) return undefined;
    session.keyboardTarget = next;
    return overlayPosition(next) ?? currentCoordinates;

    function overlayPosition(target: DropTarget): { x: number; y: number } | null {
      if (active?.type !== 'status') return null;
      if (target.containerId === null) {
        const origin = context.draggingNodeRect;
        const list = rects.get(LIST_ID);
        // Back to the list: where it started when it came from there, else the list's top.
        if (origin && positionOf(board, active.statusId).containerId === null) return { x: origin.left, y: origin.top };
        return list ? { x: list.left + 12, y: list.top + 12 } : null;
      }
      const others = othersIn(board, target.containerId, active.statusId);
      const nextStatus = others[target.index];
      const lastStatus = others[others.length - 1];
      const lineAt = (rect: Rect, y: number) => ({ x: rect.left, y: y - height / 2 });
      const before = nextStatus === undefined ? undefined : rects.get(statusDndId(nextStatus));
      if (before) return lineAt(before, before.top);
      const last = lastStatus === undefined ? undefined : rects.get(statusDndId(lastStatus));
      if (last) return lineAt(last, last.top + last.height);
      const container = rects.get(containerDndId(target.containerId));
      return container ? { x: container.left + 12, y: container.top + container.height - height - 12 } : null;
    }
  };
}
