import { REQUIRED_MARKERS } from '@/contracts/activation';
import type { CrmStatus } from '@/contracts/crm-schema';
import type { Marker } from '@/contracts/mapping-config';

import { mappedStatusIds, type Board } from './board';

export interface PipelineProgress {
  /** CRM statuses of the pipeline that are in some container. */
  mapped: number;
  /** CRM statuses of the pipeline. */
  total: number;
  /** All statuses mapped, no empty container, no stale status, Completed deal and Refusal set. */
  done: boolean;
  /** Containers without statuses (activation refuses them). */
  emptyContainers: number;
  /** Required markers (`completed`, `refusal`) not set on any container. */
  missingMarkers: Marker[];
  /** Ids on the board that the CRM no longer has in this pipeline. */
  staleStatusIds: string[];
}

/** How far the mapping of one pipeline is, with the same rules as activation. */
export function pipelineProgress(board: Board, crmStatuses: readonly CrmStatus[]): PipelineProgress {
  const onBoard = mappedStatusIds(board);
  const crmIds = new Set(crmStatuses.map((status) => status.id));
  const mapped = crmStatuses.filter((status) => onBoard.has(status.id)).length;
  const total = crmStatuses.length;
  const emptyContainers = board.containers.filter((container) => container.statusIds.length === 0).length;
  const missingMarkers = REQUIRED_MARKERS.filter(
    (marker) => !board.containers.some((container) => container.marker === marker),
  );
  const staleStatusIds = [...onBoard].filter((id) => !crmIds.has(id));
  const done =
    board.containers.length > 0 &&
    mapped === total &&
    emptyContainers === 0 &&
    missingMarkers.length === 0 &&
    staleStatusIds.length === 0;
  return { mapped, total, done, emptyContainers, missingMarkers, staleStatusIds };
}
