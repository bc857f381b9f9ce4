import type { CrmStatus } from '@/contracts/crm-schema';
import type { Container } from '@/contracts/mapping-config';

/**
 * One pipeline's status board: its containers (funnel stages) in funnel order.
 *
 * Every function in `model/` is pure and immutable: it never mutates its input, returns the
 * same object when nothing changes (so `Object.is` tells "no-op"), and keeps the identity of
 * every container it did not change (so memoized columns do not re-render). Functions are
 * generic over `B extends Board`, so a whole `PipelineMapping` (with `pipelineId`) can be
 * passed and comes back with its other fields intact. Ids that are not on the board make
 * an operation a no-op rather than an error.
 */
export interface Board {
  containers: Container[];
}

/** Makes a fresh, unique container id (e.g. `() => crypto.randomUUID()`). */
export type IdFactory = () => string;

/** Where a status is: a container and its index there, or the unmapped list (`containerId: null`, index 0). */
export interface StatusPosition {
  containerId: string | null;
  index: number;
}

/** The container that holds `statusId`, or null when it is in the unmapped list. */
export function findContainerOf(board: Board, statusId: string): Container | null {
  return board.containers.find((container) => container.statusIds.includes(statusId)) ?? null;
}

/** Where `statusId` is on the board; `{ containerId: null, index: 0 }` when unmapped. */
export function positionOf(board: Board, statusId: string): StatusPosition {
  for (const container of board.containers) {
    const index = container.statusIds.indexOf(statusId);
    if (index !== -1) return { containerId: container.id, index };
  }
  return { containerId: null, index: 0 };
}

/** The pipeline's statuses that no container holds, in CRM order (the order of `crmStatuses`). */
export function unmappedStatuses(board: Board, crmStatuses: readonly CrmStatus[]): CrmStatus[] {
  const mapped = mappedStatusIds(board);
  return crmStatuses.filter((status) => !mapped.has(status.id));
}

/** Every status id held by some container. */
export function mappedStatusIds(board: Board): Set<string> {
  const ids = new Set<string>();
  for (const container of board.containers) for (const id of container.statusIds) ids.add(id);
  return ids;
}

/** Returns `board` with `containers`, or `board` itself when every container is the same object. */
export function withContainers<B extends Board>(board: B, containers: Container[]): B {
  if (
    containers.length === board.containers.length &&
    containers.every((container, i) => container === board.containers[i])
  ) {
    return board;
  }
  return { ...board, containers };
}

export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(Math.trunc(value), min), max);
}
