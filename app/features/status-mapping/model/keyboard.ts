import { clamp, type Board, type StatusPosition } from './board';

/**
 * Keyboard drag between many droppables, computed on positions rather than pixels.
 *
 * The layout is the ordered list of drop targets as the user reads them: the unmapped list
 * first (`containerId: null`), then the containers in funnel order. A position is a target and
 * an insertion index in it, counted WITHOUT the dragged status (so a container holding n other
 * statuses has positions 0…n, and the status's own place is its current index). The unmapped
 * list is a single position (index 0): it always shows CRM order.
 *
 * Keys:
 * - ArrowUp / ArrowDown: previous / next position in the same target; past the first / last
 *   position it continues in the previous target (at its last position) / the next target
 *   (at its first position).
 * - ArrowLeft / ArrowRight: previous / next target, keeping the index where possible
 *   (clamped to that target's positions).
 * The result is null when there is nowhere to go (the first or last target's edge) or the
 * layout is empty. A current position whose target is not in the layout restarts at the
 * first target's first position.
 */
export interface KeyboardTarget {
  /** A container's id, or null for the unmapped list. */
  containerId: string | null;
  /** Statuses in the target, not counting the dragged one. */
  itemCount: number;
}

export type KeyboardLayout = readonly KeyboardTarget[];
export type KeyboardMoveKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

export function isKeyboardMoveKey(key: string): key is KeyboardMoveKey {
  return key === 'ArrowLeft' || key === 'ArrowRight' || key === 'ArrowUp' || key === 'ArrowDown';
}

/** The layout for dragging `activeStatusId`: the list, then every container, with counts excluding it. */
export function keyboardLayout(board: Board, activeStatusId: string): KeyboardTarget[] {
  return [
    { containerId: null, itemCount: 0 },
    ...board.containers.map((container) => ({
      containerId: container.id,
      itemCount: container.statusIds.filter((id) => id !== activeStatusId).length,
    })),
  ];
}

/** The last insertion index of a target. */
function lastIndex(target: KeyboardTarget): number {
  return target.containerId === null ? 0 : Math.max(0, target.itemCount);
}

/** The position an arrow key leads to from `current`, or null when it leads nowhere. */
export function nextKeyboardTarget(
  layout: KeyboardLayout,
  current: StatusPosition,
  key: KeyboardMoveKey,
): StatusPosition | null {
  const first = layout[0];
  if (!first) return null;
  const at = layout.findIndex((target) => target.containerId === current.containerId);
  const here = layout[at];
  if (!here) return { containerId: first.containerId, index: 0 };
  const index = clamp(current.index, 0, lastIndex(here));

  switch (key) {
    case 'ArrowUp': {
      if (index > 0) return { containerId: here.containerId, index: index - 1 };
      const previous = layout[at - 1];
      return previous ? { containerId: previous.containerId, index: lastIndex(previous) } : null;
    }
    case 'ArrowDown': {
      if (index < lastIndex(here)) return { containerId: here.containerId, index: index + 1 };
      const next = layout[at + 1];
      return next ? { containerId: next.containerId, index: 0 } : null;
    }
    case 'ArrowLeft':
    case 'ArrowRight': {
      const neighbour = layout[key === 'ArrowLeft' ? at - 1 : at + 1];
      return neighbour ? { containerId: neighbour.containerId, index: Math.min(index, lastIndex(neighbour)) } : null;
    }
  }
}
