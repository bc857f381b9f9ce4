import { createContext, useContext, useSyncExternalStore } from 'react';

import { indicatorFor, sameTarget, type DropIndicator, type DropTarget } from '../dnd/drop-target';
import { positionOf, type Board } from '../model/board';

/**
 * Where the status being dragged would land, outside React state: a pointer drag's target can
 * change on any move, and each container (and the unmapped list) reads only its own part of it
 * (`useDropIndicator`, `useListDrop`), so a new target re-renders the container the line leaves
 * and the one it enters, not the board, dnd-kit's context or every other container.
 */
export class DropTargetStore {
  private board: Board | null = null;
  private statusId: string | null = null;
  private target: DropTarget | null = null;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A status drag begins on `board` (statuses move only on drop, so it stays valid); null for none. */
  start(board: Board, statusId: string | null): void {
    this.board = board;
    this.statusId = statusId;
    this.set(null, true);
  }

  /** The drag ends or is cancelled. */
  clear(): void {
    this.statusId = null;
    this.set(null, true);
  }

  set(target: DropTarget | null, force = false): void {
    if (!force && sameTarget(this.target, target)) return;
    this.target = target;
    for (const listener of this.listeners) listener();
  }

  /** How container `containerId` shows the target, as a string (a stable snapshot): `before:<statusId>`, `end`, `self`, or null. */
  indicatorKey(containerId: string): string | null {
    const { board, statusId, target } = this;
    if (!board || statusId === null || !target || target.containerId !== containerId) return null;
    const indicator = indicatorFor(board, statusId, target);
    if (!indicator) return null;
    return indicator.kind === 'before' ? `before:${indicator.statusId}` : indicator.kind;
  }

  /** Whether the unmapped list is the target of a status that comes from a container. */
  listDrop(): boolean {
    const { board, statusId, target } = this;
    return board !== null && statusId !== null && target?.containerId === null && positionOf(board, statusId).containerId !== null;
  }
}

export const DropTargetContext = createContext<DropTargetStore | null>(null);

function useStore(): DropTargetStore {
  const store = useContext(DropTargetContext);
  if (!store) throw new Error('a drop target hook outside a status board');
  return store;
}

/** Container `containerId`'s drop indicator (re-renders only when it changes). */
export function useDropIndicator(containerId: string): DropIndicator | null {
  const store = useStore();
  const key = useSyncExternalStore(store.subscribe, () => store.indicatorKey(containerId));
  if (key === null) return null;
  if (key.startsWith('before:')) return { kind: 'before', statusId: key.slice('before:'.length) };
  return key === 'end' ? { kind: 'end' } : { kind: 'self' };
}

export function useListDrop(): boolean {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => store.listDrop());
}
