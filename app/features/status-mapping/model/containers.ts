import { LIMITS, type Container } from '@/contracts/mapping-config';

import { clamp, withContainers, type Board, type IdFactory } from './board';
import { containerNameError } from './naming';

/** Whether another container fits (the contract allows LIMITS.containersPerPipeline). */
export function canAddContainer(board: Board): boolean {
  return board.containers.length < LIMITS.containersPerPipeline;
}

/**
 * Appends an empty container named `name` (trimmed) with a fresh id and no marker. No-op when
 * the name is invalid (see `containerNameError`) or the pipeline already has the maximum.
 * For an automatic name pass `defaultContainerName(board, t('…newStage'))`.
 */
export function addContainer<B extends Board>(board: B, name: string, idFactory: IdFactory): B {
  if (containerNameError(name) !== null || !canAddContainer(board)) return board;
  const container: Container = { id: idFactory(), name: name.trim(), statusIds: [], marker: null };
  return withContainers(board, [...board.containers, container]);
}

/** Renames a container to `name` (trimmed). No-op when the name is invalid, unchanged, or the id unknown. */
export function renameContainer<B extends Board>(board: B, containerId: string, name: string): B {
  if (containerNameError(name) !== null) return board;
  const trimmed = name.trim();
  return withContainers(
    board,
    board.containers.map((container) =>
      container.id === containerId && container.name !== trimmed ? { ...container, name: trimmed } : container,
    ),
  );
}

/** Deletes a container; its statuses go back to the unmapped list and its marker is freed. */
export function removeContainer<B extends Board>(board: B, containerId: string): B {
  return withContainers(
    board,
    board.containers.filter((container) => container.id !== containerId),
  );
}

/**
 * Reorders containers (funnel order): the container at `fromIndex` ends up at `toIndex`
 * (clamped), like dnd-kit's `arrayMove`. No-op when `fromIndex` is out of range.
 */
export function moveContainer<B extends Board>(board: B, fromIndex: number, toIndex: number): B {
  const moving = Number.isInteger(fromIndex) ? board.containers[fromIndex] : undefined;
  if (!moving) return board;
  const others = board.containers.filter((_, i) => i !== fromIndex);
  const at = clamp(toIndex, 0, others.length);
  return withContainers(board, [...others.slice(0, at), moving, ...others.slice(at)]);
}
