import type { CrmStatus } from '@/contracts/crm-schema';
import { LIMITS, type Container, type Marker } from '@/contracts/mapping-config';

import { unmappedStatuses, withContainers, type Board, type IdFactory } from './board';
import { SYSTEM_MARKERS } from './markers';
import { applyAutoName, containerNameFrom, type NamingContext } from './naming';

/**
 * "One container per status": a fresh board with one container per CRM status, in CRM order,
 * each named after its status (trimmed, cut to the name limit; the status id when the name is
 * blank) — except the failure statuses (`lost`: amoCRM's 143, Bitrix24's `F` stages such as
 * "Сделка провалена" and "Анализ причины провала"), which share one container where the first
 * of them stands, since a deal lost at any of them is a refusal. The first `won` status gets
 * Completed deal and the failure container Refusal (markers are unique). At most
 * LIMITS.containersPerPipeline containers; statuses beyond that stay unmapped.
 */
export function oneContainerPerStatus(crmStatuses: readonly CrmStatus[], idFactory: IdFactory): Board {
  const used = new Set<Marker>();
  const containers: Container[] = [];
  let lost: Container | null = null;
  for (const status of crmStatuses) {
    if (status.kind === 'lost' && lost) {
      if (lost.statusIds.length < LIMITS.statusesPerContainer) lost.statusIds.push(status.id);
      continue;
    }
    if (containers.length >= LIMITS.containersPerPipeline) continue;
    const candidate = SYSTEM_MARKERS[status.kind] ?? null;
    const marker = candidate && !used.has(candidate) ? candidate : null;
    if (marker) used.add(marker);
    const container: Container = { id: idFactory(), name: containerNameFrom(status.name) ?? status.id, statusIds: [status.id], marker };
    if (status.kind === 'lost') lost = container;
    containers.push(container);
  }
  return { containers };
}

/**
 * Appends every unmapped status, in CRM order, to the end of `containerId` (up to the
 * container's limit). With `naming`, the auto-naming rule applies (an empty auto-named
 * container that receives exactly one status is named after it). No-op when nothing is
 * unmapped or the container does not exist.
 */
export function putRemainingInto<B extends Board>(
  board: B,
  crmStatuses: readonly CrmStatus[],
  containerId: string,
  options: { naming?: NamingContext } = {},
): B {
  const target = board.containers.find((container) => container.id === containerId);
  if (!target) return board;
  const room = LIMITS.statusesPerContainer - target.statusIds.length;
  const remaining = unmappedStatuses(board, crmStatuses).slice(0, Math.max(0, room));
  if (remaining.length === 0) return board;
  const filled: Container = { ...target, statusIds: [...target.statusIds, ...remaining.map((status) => status.id)] };
  const updated = options.naming ? applyAutoName(filled, options.naming) : filled;
  return withContainers(
    board,
    board.containers.map((container) => (container === target ? updated : container)),
  );
}
