import { LIMITS, type Container } from '@/contracts/mapping-config';

import { clamp, sameIds, withContainers, type Board } from './board';
import { applyAutoName, type NamingContext } from './naming';

/** Where to move a status: a container (at `index`) or back to the unmapped list (`containerId: null`). */
export interface MoveTarget {
  containerId: string | null;
  /**
   * The status's position in the target container AFTER the move (clamped to the valid
   * range). Omitted: appended at the end of another container, or left where it is when the
   * status is already in the target. Ignored for the list, which always shows CRM order.
   */
  index?: number;
}

export interface MoveOptions {
  /**
   * When given, the auto-naming rule (naming.ts) applies to both containers the move changed:
   * an auto-named container left with exactly one status is named after it.
   */
  naming?: NamingContext;
}

/** Whether `containerId` can take one more status (the contract allows LIMITS.statusesPerContainer). */
export function canDropInto(board: Board, statusId: string, containerId: string): boolean {
  const container = board.containers.find((candidate) => candidate.id === containerId);
  if (!container) return false;
  return container.statusIds.includes(statusId) || container.statusIds.length < LIMITS.statusesPerContainer;
}

/**
 * Moves a status: within a container it reorders, between containers it moves, to `null` it
 * goes back to the unmapped list; a status from the list is inserted. The status ends up in
 * at most one container (a stray duplicate elsewhere is removed too). No-op (same object)
 * when nothing changes, when the target container does not exist, or when it is full.
 */
export function moveStatus<B extends Board>(
  board: B,
  statusId: string,
  target: MoveTarget,
  options: MoveOptions = {},
): B {
  const targetIndex =
    target.containerId === null ? -1 : board.containers.findIndex((container) => container.id === target.containerId);
  if (target.containerId !== null && targetIndex === -1) return board;
  if (target.containerId !== null && !canDropInto(board, statusId, target.containerId)) return board;

  const { naming } = options;
  const containers = board.containers.map((container, i): Container => {
    let next = container;
    if (i === targetIndex) next = placeInto(container, statusId, target.index);
    else if (container.statusIds.includes(statusId)) {
      next = { ...container, statusIds: container.statusIds.filter((id) => id !== statusId) };
    }
    return next !== container && naming ? applyAutoName(next, naming) : next;
  });
  return withContainers(board, containers);
}

function placeInto(container: Container, statusId: string, index: number | undefined): Container {
  const current = container.statusIds.indexOf(statusId);
  const others = container.statusIds.filter((id) => id !== statusId);
  const fallback = current === -1 ? others.length : current;
  const at = clamp(index ?? fallback, 0, others.length);
  const statusIds = [...others.slice(0, at), statusId, ...others.slice(at)];
  return sameIds(statusIds, container.statusIds) ? container : { ...container, statusIds };
}
