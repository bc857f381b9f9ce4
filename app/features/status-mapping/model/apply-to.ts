import type { CrmPipeline, CrmStatus, StatusKind } from '@/contracts/crm-schema';
import { LIMITS, type Container, type Marker, type PipelineMapping } from '@/contracts/mapping-config';

import type { IdFactory } from './board';

/**
 * "Apply this mapping to…": one pipeline's containers copied to other pipelines of the same
 * account, each source status replaced by its counterpart in the target pipeline.
 *
 * How a counterpart is found (`matchStatuses`):
 * 1. By name: a target status of the same kind (`CrmStatus.kind`) whose name equals the source
 *    status's, ignoring case and spacing (`normalizeStatusName`). When the target has several
 *    statuses with that name, they are taken in CRM order (the first unused one), and the match
 *    says how many there were (`sameName`), so the preview can point at it.
 * 2. By meaning, for what is left of the system statuses (`won`, `lost`, `unsorted`): the target's
 *    unused statuses of the same kind, in CRM order. amoCRM's 142/143 are renamed freely and
 *    Bitrix24's `C<n>:WON` / `C<n>:LOSE` differ by pipeline, but the kind says what they mean.
 * A target status is used at most once. A source status without a counterpart is listed
 * (`unmatched`); the target's statuses no container takes stay unmapped (`unmappedTarget`).
 *
 * Which containers the target gets: every source container, in the same order, with the same
 * name and marker and a fresh id, holding the counterparts of its statuses — except a container
 * none of whose statuses has a counterpart and that carries no marker: it is skipped (listed in
 * `skipped`), because an empty stage would only block activation until deleted, and a pipeline
 * that has none of its statuses most likely has no such stage. A container with a marker is
 * created even when empty, because the marker says what the analytics needs (Completed deal,
 * Refusal) and the board then asks for its status.
 *
 * The target's existing mapping is replaced as a whole (`replaced` says what it had).
 * Everything here is pure: no input is changed.
 */

/** The form two status names are compared in: Unicode-normalized, spaces collapsed and trimmed, lower case. */
export function normalizeStatusName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** System statuses, matched by meaning when their names differ. */
const BY_MEANING: ReadonlySet<StatusKind> = new Set(['won', 'lost', 'unsorted']);

export interface StatusMatch {
  source: CrmStatus;
  target: CrmStatus;
  by: 'name' | 'meaning';
  /** Target statuses of this kind with the same name (more than 1: the first unused one was taken). */
  sameName: number;
}

/** A source status with no counterpart in the target (its id when the CRM no longer has it in the source). */
export interface UnmatchedStatus {
  statusId: string;
  name: string;
  /** Not in the source pipeline's schema any more (stale on the source board). */
  stale: boolean;
}

export interface AppliedContainer {
  /** The container as the target gets it (fresh id). */
  container: Container;
  matches: StatusMatch[];
  unmatched: UnmatchedStatus[];
}

export interface SkippedContainer {
  name: string;
  unmatched: UnmatchedStatus[];
}

export interface AppliedMapping {
  pipelineId: string;
  /** The target's new board. */
  board: PipelineMapping;
  /** The containers created, in funnel order (those of `board`), with what they matched. */
  containers: AppliedContainer[];
  /** Source containers not created: none of their statuses matched and they carry no marker. */
  skipped: SkippedContainer[];
  /** Every source status without a counterpart, in source board order. */
  unmatched: UnmatchedStatus[];
  /** The target's statuses no container holds after applying, in CRM order. */
  unmappedTarget: CrmStatus[];
  /** The target's mapping before (its containers), or null when it had none. */
  replaced: Container[] | null;
}

export interface MappingSource {
  pipeline: CrmPipeline;
  board: PipelineMapping;
}

export interface MappingTarget {
  pipeline: CrmPipeline;
  /** Its current mapping, if any. */
  board: PipelineMapping | null;
}

/**
 * Each source status id (in `sourceIds` order) → its counterpart in `target`, by name first,
 * then by meaning (see the module's comment). Ids the source pipeline does not have are absent.
 */
export function matchStatuses(source: CrmPipeline, sourceIds: readonly string[], target: CrmPipeline): Map<string, StatusMatch> {
  const sourceById = new Map(source.statuses.map((status) => [status.id, status]));
  const byKey = new Map<string, CrmStatus[]>();
  for (const status of target.statuses) {
    const key = `${status.kind}\n${normalizeStatusName(status.name)}`;
    const list = byKey.get(key);
    if (list) list.push(status);
    else byKey.set(key, [status]);
  }
  const used = new Set<string>();
  const matches = new Map<string, StatusMatch>();
  const wanted = [...new Set(sourceIds)].flatMap((id) => {
    const status = sourceById.get(id);
    return status ? [status] : [];
  });
  for (const status of wanted) {
    const candidates = byKey.get(`${status.kind}\n${normalizeStatusName(status.name)}`) ?? [];
    const found = candidates.find((candidate) => !used.has(candidate.id));
    if (!found) continue;
    used.add(found.id);
    matches.set(status.id, { source: status, target: found, by: 'name', sameName: candidates.length });
  }
  for (const status of wanted) {
    if (matches.has(status.id) || !BY_MEANING.has(status.kind)) continue;
    const found = target.statuses.find((candidate) => candidate.kind === status.kind && !used.has(candidate.id));
    if (!found) continue;
    used.add(found.id);
    matches.set(status.id, { source: status, target: found, by: 'meaning', sameName: 0 });
  }
  return matches;
}

/**
 * The source mapping applied to one target pipeline (see the module's comment). `idFactory`
 * gives the new containers' ids; an id it repeats (or one of the source's or the target's
 * current ids) is asked for again, so the ids are fresh and unique.
 */
export function applyMappingTo(source: MappingSource, target: MappingTarget, idFactory: IdFactory): AppliedMapping {
  const sourceStatuses = new Map(source.pipeline.statuses.map((status) => [status.id, status]));
  const containers = source.board.containers.slice(0, LIMITS.containersPerPipeline);
  const allIds = containers.flatMap((container) => container.statusIds);
  const matches = matchStatuses(source.pipeline, allIds, target.pipeline);

  const taken = new Set<string>([...source.board.containers, ...(target.board?.containers ?? [])].map((container) => container.id));
  const freshId = (): string => {
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const id = idFactory();
      if (!taken.has(id)) {
        taken.add(id);
        return id;
      }
    }
    throw new Error('The id factory keeps repeating ids');
  };

  const seenStatus = new Set<string>();
  const seenMarker = new Set<Marker>();
  const applied: AppliedContainer[] = [];
  const skipped: SkippedContainer[] = [];
  const unmatched: UnmatchedStatus[] = [];
  for (const container of containers) {
    const containerMatches: StatusMatch[] = [];
    const containerUnmatched: UnmatchedStatus[] = [];
    for (const statusId of container.statusIds) {
      if (seenStatus.has(statusId)) continue;
      seenStatus.add(statusId);
      const match = matches.get(statusId);
      if (match) {
        containerMatches.push(match);
        continue;
      }
      const known = sourceStatuses.get(statusId);
      containerUnmatched.push({ statusId, name: known?.name ?? statusId, stale: !known });
    }
    unmatched.push(...containerUnmatched);
    // A marker is unique per pipeline: a (malformed) second carrier keeps its statuses, not the marker.
    const marker = container.marker && !seenMarker.has(container.marker) ? container.marker : null;
    if (marker) seenMarker.add(marker);
    if (containerMatches.length === 0 && marker === null) {
      skipped.push({ name: container.name, unmatched: containerUnmatched });
      continue;
    }
    applied.push({
      container: {
        id: freshId(),
        name: container.name,
        statusIds: containerMatches.map((match) => match.target.id).slice(0, LIMITS.statusesPerContainer),
        marker,
      },
      matches: containerMatches,
      unmatched: containerUnmatched,
    });
  }

  const board: PipelineMapping = { pipelineId: target.pipeline.id, containers: applied.map((item) => item.container) };
  const mapped = new Set(board.containers.flatMap((container) => container.statusIds));
  const current = target.board?.containers ?? [];
  return {
    pipelineId: target.pipeline.id,
    board,
    containers: applied,
    skipped,
    unmatched,
    unmappedTarget: target.pipeline.statuses.filter((status) => !mapped.has(status.id)),
    replaced: current.length > 0 ? current : null,
  };
}

/**
 * The source mapping applied to several pipelines, in the order given: the source pipeline
 * itself and repeated pipelines are left out, and at most `LIMITS.pipelines` are taken.
 */
export function applyMappingToMany(source: MappingSource, targets: readonly MappingTarget[], idFactory: IdFactory): AppliedMapping[] {
  const seen = new Set<string>([source.pipeline.id]);
  const result: AppliedMapping[] = [];
  for (const target of targets) {
    if (seen.has(target.pipeline.id) || result.length >= LIMITS.pipelines) continue;
    seen.add(target.pipeline.id);
    result.push(applyMappingTo(source, target, idFactory));
  }
  return result;
}
