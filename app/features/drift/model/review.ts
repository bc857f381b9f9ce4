import type { TFunction } from 'i18next';

import { fieldUses, needsDecision, summarizeChanges, type SchemaChange, type SchemaChangeKind } from '@/contracts/drift';
import type { CrmSchema } from '@/contracts/crm-schema';
import type { MappingConfig } from '@/contracts/mapping-config';

/**
 * The review of CRM changes: what each change offers to do, and whether the draft has settled
 * it. A decision is an intent; the Mapping route carries it out with the board's own edits
 * (so it autosaves and undoes like any other edit).
 */
export type Decision =
  | { type: 'place'; pipelineId: string; statusId: string; containerId: string }
  | { type: 'take_out'; pipelineId: string; statusId: string }
  | { type: 'rename_container'; pipelineId: string; containerId: string; name: string }
  | { type: 'open_pipeline'; pipelineId: string }
  | { type: 'remove_pipeline'; pipelineId: string }
  | { type: 'drop_field'; fieldId: string }
  | { type: 'open_step'; step: 'filter' | 'calculation' };

/** A stable key for a change (React keys, the set of acknowledged changes). */
export function changeKey(change: SchemaChange): string {
  switch (change.kind) {
    case 'statuses_reordered':
    case 'pipeline_added':
    case 'pipeline_archived':
    case 'pipeline_removed':
      return `${change.kind}:${change.pipelineId}`;
    case 'field_removed':
    case 'field_retyped':
      return `${change.kind}:${change.fieldId}`;
    default:
      return `${change.kind}:${change.pipelineId}:${change.statusId}`;
  }
}

/**
 * Whether the draft (or the user's "keep" / "OK") settles the change. Changes that need no
 * decision (a colour, an order) count as settled once seen.
 */
export function isDecided(change: SchemaChange, config: MappingConfig, acknowledged: ReadonlySet<string>, schema: CrmSchema): boolean {
  if (acknowledged.has(changeKey(change))) return true;
  const pipeline = 'pipelineId' in change ? config.pipelines.find((mapping) => mapping.pipelineId === change.pipelineId) : undefined;
  const holds = (statusId: string) => pipeline?.containers.some((container) => container.statusIds.includes(statusId)) ?? false;
  switch (change.kind) {
    case 'status_added':
      return holds(change.statusId);
    case 'status_removed':
      return !holds(change.statusId);
    case 'status_renamed':
      return change.containerId === null || pipeline?.containers.find((container) => container.id === change.containerId)?.name === change.to;
    case 'pipeline_added':
      return (pipeline?.containers.some((container) => container.statusIds.length > 0) ?? false);
    case 'pipeline_removed':
      return pipeline === undefined;
    case 'field_removed':
      return !fieldUses(config, schema.customFields).has(change.fieldId);
    case 'field_retyped':
      // Only a formula needs the field to stay a number; elsewhere a new type is news.
      return !needsDecision(change) || !(fieldUses(config, schema.customFields).get(change.fieldId)?.has('formula') ?? false);
    default:
      return !needsDecision(change);
  }
}

/** What the review offers for a change, the suggested action first. */
export function decisionsFor(change: SchemaChange): Decision[] {
  switch (change.kind) {
    case 'status_added':
      return change.suggestedContainerId
        ? [{ type: 'place', pipelineId: change.pipelineId, statusId: change.statusId, containerId: change.suggestedContainerId }]
        : [];
    case 'status_removed':
      return [{ type: 'take_out', pipelineId: change.pipelineId, statusId: change.statusId }];
    case 'status_renamed':
      return change.containerId ? [{ type: 'rename_container', pipelineId: change.pipelineId, containerId: change.containerId, name: change.to }] : [];
    case 'pipeline_added':
      return [{ type: 'open_pipeline', pipelineId: change.pipelineId }];
    case 'pipeline_removed':
      return [{ type: 'remove_pipeline', pipelineId: change.pipelineId }];
    case 'field_removed':
    case 'field_retyped': {
      const decisions: Decision[] = [];
      if (change.kind === 'field_removed' && change.usedIn.includes('otherFields')) decisions.push({ type: 'drop_field', fieldId: change.fieldId });
      if (change.usedIn.includes('filter')) decisions.push({ type: 'open_step', step: 'filter' });
      if (change.usedIn.includes('formula')) decisions.push({ type: 'open_step', step: 'calculation' });
      return decisions;
    }
    default:
      return [];
  }
}

/** Whether the user may settle the change by saying "keep" or "OK" instead of an edit. */
export function canAcknowledge(change: SchemaChange): boolean {
  return change.kind === 'status_renamed' || change.kind === 'pipeline_archived' || !needsDecision(change);
}

const STATUS_KINDS: SchemaChangeKind[] = ['status_added', 'status_removed', 'status_renamed', 'status_recoloured'];
const PIPELINE_KINDS = ['pipeline_added', 'pipeline_archived', 'pipeline_removed'] as const;

/**
 * The card's sentence: "Changed in amoCRM: 2 new statuses, 1 removed in «Продажи»; 1 field
 * removed." Pipelines in the order of the changes (CRM order), the fields last.
 */
export function summarySentence(changes: readonly SchemaChange[], crm: string, pipelineName: (id: string) => string | null, t: TFunction): string | null {
  const parts: string[] = [];
  const removedNames = new Map(changes.flatMap((change) => (change.kind === 'pipeline_removed' && change.name ? [[change.pipelineId, change.name]] : [])));
  for (const { pipelineId, counts } of summarizeChanges(changes)) {
    if (pipelineId === null) {
      for (const kind of ['field_removed', 'field_retyped'] as const) if (counts[kind]) parts.push(t(`drift.summary.${kind}`, { count: counts[kind] }));
      continue;
    }
    const pipeline = pipelineName(pipelineId) ?? removedNames.get(pipelineId) ?? t('drift.tray.unknownPipeline', { id: pipelineId });
    for (const kind of PIPELINE_KINDS) if (counts[kind]) parts.push(t(`drift.summary.${kind}`, { pipeline }));
    const statusParts = STATUS_KINDS.flatMap((kind) => (counts[kind] ? [t(`drift.summary.${kind}`, { count: counts[kind] })] : []));
    if (counts.statuses_reordered) statusParts.push(t('drift.summary.statuses_reordered'));
    if (statusParts.length > 0) parts.push(t('drift.summary.inPipeline', { changes: statusParts.join(', '), pipeline }));
  }
  return parts.length > 0 ? t('drift.summary.sentence', { crm, parts: parts.join('; ') }) : null;
}
