import type { UniqueIdentifier } from '@dnd-kit/core';

/**
 * DnD identifiers of the status board. dnd-kit needs one id space for everything inside a
 * DndContext, and a CRM status id (`142`, `C1:WON`) may read like a container id, so every id is
 * prefixed with what it names. The structured facts travel in `data` (see the types below);
 * the ids are only keys.
 */
export const LIST_ID = 'list';
/**
 * The whole board as one droppable: a status dragged by pointer is always "over" it, and the
 * real position lives in the drag session (see collision.ts), so dnd-kit's `over` does not
 * change while the pointer crosses statuses and containers.
 */
export const BOARD_ID = 'board';

export const statusDndId = (statusId: string) => `status:${statusId}`;
export const containerDndId = (containerId: string) => `container:${containerId}`;

/** What is being dragged. */
export type DragData =
  | { type: 'status'; statusId: string; containerId: string | null }
  | { type: 'container'; containerId: string };

/** What is under the dragged thing. A status droppable exists only inside containers. */
export type DropData =
  | { type: 'board' }
  | { type: 'list' }
  | { type: 'container'; containerId: string }
  | { type: 'status'; statusId: string; containerId: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads a draggable's or droppable's `data.current` safely (dnd-kit types it as a loose record). */
export function readDragData(data: unknown): DragData | null {
  if (!isRecord(data)) return null;
  if (data.type === 'status' && typeof data.statusId === 'string') {
    return { type: 'status', statusId: data.statusId, containerId: typeof data.containerId === 'string' ? data.containerId : null };
  }
  if (data.type === 'container' && typeof data.containerId === 'string') {
    return { type: 'container', containerId: data.containerId };
  }
  return null;
}

export function readDropData(data: unknown): DropData | null {
  if (!isRecord(data)) return null;
  if (data.type === 'board') return { type: 'board' };
  if (data.type === 'list') return { type: 'list' };
  if (data.type === 'container' && typeof data.containerId === 'string') return { type: 'container', containerId: data.containerId };
  if (data.type === 'status' && typeof data.statusId === 'string' && typeof data.containerId === 'string') {
    return { type: 'status', statusId: data.statusId, containerId: data.containerId };
  }
  return null;
}

export type { UniqueIdentifier };
