import type { CrmStatus } from '@/contracts/crm-schema';
import type { Container, Marker } from '@/contracts/mapping-config';

import { findContainerOf, withContainers, type Board } from './board';

/**
 * The marker a status's meaning naturally carries, whatever the CRM: `won` (amoCRM 142,
 * Bitrix24 `S`) Completed deal, `lost` (amoCRM 143, Bitrix24 `F`) Refusal.
 */
export const SYSTEM_MARKERS: Readonly<Partial<Record<CrmStatus['kind'], Marker>>> = {
  won: 'completed',
  lost: 'refusal',
};

/** The container that carries `marker`, or null. */
export function markerOwner(board: Board, marker: Marker): Container | null {
  return board.containers.find((container) => container.marker === marker) ?? null;
}

export type SetMarkerResult<B extends Board> =
  /** Done (or nothing to do: `board` is then the same object). `movedFrom`: the container that lost the marker. */
  | { ok: true; board: B; movedFrom: Container | null }
  /** The marker is on another container and `move` was false: ask the user, then call again with `move: true`. */
  | { ok: false; reason: 'taken'; owner: Container };

/**
 * Sets `marker` on a container (replacing the marker it had: a container carries at most
 * one), or clears it with `null`. A marker is unique per pipeline: when another container
 * carries it, `move: false` reports who owns it and changes nothing, `move: true` takes it
 * from there. Unknown container id: `{ ok: true }` with the same board.
 */
export function setMarker<B extends Board>(
  board: B,
  containerId: string,
  marker: Marker | null,
  options: { move: boolean } = { move: false },
): SetMarkerResult<B> {
  const target = board.containers.find((container) => container.id === containerId);
  if (!target || target.marker === marker) return { ok: true, board, movedFrom: null };
  const owner = marker === null ? null : markerOwner(board, marker);
  if (owner && !options.move) return { ok: false, reason: 'taken', owner };
  const containers = board.containers.map((container) => {
    if (container === target) return { ...container, marker };
    if (container === owner) return { ...container, marker: null };
    return container;
  });
  return { ok: true, board: withContainers(board, containers), movedFrom: owner };
}

/** A suggested marker: `marker` on `containerId`, because it holds the system status `statusId`. */
export interface MarkerProposal {
  containerId: string;
  marker: Marker;
  statusId: string;
}

/**
 * Suggests Completed deal for the container holding the `won` status and Refusal for the one
 * holding the first `lost` status (all of them when they share it), in CRM order, only where it is unambiguous: the marker is set
 * nowhere yet, the status is in a container, that container carries no marker, and it does
 * not hold both system statuses. Accept one with `setMarker(board, p.containerId, p.marker)`.
 */
export function proposeSystemMarkers(board: Board, crmStatuses: readonly CrmStatus[]): MarkerProposal[] {
  const proposals: MarkerProposal[] = [];
  for (const status of crmStatuses) {
    const marker = SYSTEM_MARKERS[status.kind];
    if (!marker || markerOwner(board, marker) || proposals.some((p) => p.marker === marker)) continue;
    const container = findContainerOf(board, status.id);
    if (!container || container.marker !== null) continue;
    proposals.push({ containerId: container.id, marker, statusId: status.id });
  }
  return proposals.filter(
    (proposal) => proposals.filter((other) => other.containerId === proposal.containerId).length === 1,
  );
}
