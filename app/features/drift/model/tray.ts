import type { TFunction } from 'i18next';

import type { CrmSchema } from '@/contracts/crm-schema';
import { fieldUses, needsDecision, type ConnectorChanges, type SchemaChange } from '@/contracts/drift';
import type { MappingConfig } from '@/contracts/mapping-config';

import { changeKey, decisionsFor, isDecided, type Decision } from './review';

/** One change as the review tray lists it. */
export interface ReviewItem {
  change: SchemaChange;
  key: string;
  /** Only news (a colour, an order): nothing to decide, an "OK" to put it away. */
  news: boolean;
  /** The draft (or an "OK" / "keep") settles it. */
  decided: boolean;
}

export interface ReviewProgress {
  items: ReviewItem[];
  /** Changes that need a decision, and how many of them have one. */
  total: number;
  decided: number;
  pending: number;
  /**
   * Of the pending ones, those settled in the Mapping step itself (a field only the filter or a
   * calculated field still uses is settled on its own step: it does not hold up Next here).
   */
  pendingHere: number;
}

/** Where the review stands against the current draft: each change settled or not, and the count. */
export function reviewProgress(changes: readonly SchemaChange[], config: MappingConfig, acknowledged: ReadonlySet<string>, schema: CrmSchema): ReviewProgress {
  const items = changes.map((change) => {
    const key = changeKey(change);
    const news = !needsDecision(change);
    return { change, key, news, decided: news ? acknowledged.has(key) : isDecided(change, config, acknowledged, schema) };
  });
  const decisive = items.filter((item) => !item.news);
  const decided = decisive.filter((item) => item.decided).length;
  const uses = fieldUses(config, schema.customFields);
  const here = ({ change }: ReviewItem) =>
    change.kind === 'field_removed' || change.kind === 'field_retyped' ? (uses.get(change.fieldId)?.has('otherFields') ?? false) : true;
  const pendingHere = decisive.filter((item) => !item.decided && here(item)).length;
  return { items, total: decisive.length, decided, pending: decisive.length - decided, pendingHere };
}

/** Names the tray needs that the change alone does not carry. */
export interface ChangeNames {
  crm: string;
  pipeline: (pipelineId: string) => string;
  container: (pipelineId: string, containerId: string) => string | null;
  /** How many statuses the draft's container holds (0 when there is no such container). */
  containerSize: (pipelineId: string, containerId: string) => number;
}

/** Names from the changes' own `pipelineNames`, the CRM schema and the draft's containers. */
export function changeNames(crm: string, data: Pick<ConnectorChanges, 'pipelineNames'>, schema: CrmSchema, config: MappingConfig, t: TFunction): ChangeNames {
  return {
    crm,
    pipeline: (id) => data.pipelineNames[id] ?? schema.pipelines.find((pipeline) => pipeline.id === id)?.name ?? t('drift.tray.unknownPipeline', { id }),
    container: (pipelineId, containerId) =>
      config.pipelines.find((pipeline) => pipeline.pipelineId === pipelineId)?.containers.find((container) => container.id === containerId)?.name ?? null,
    containerSize: (pipelineId, containerId) =>
      config.pipelines.find((pipeline) => pipeline.pipelineId === pipelineId)?.containers.find((container) => container.id === containerId)?.statusIds.length ?? 0,
  };
}

/** The sentence saying what changed ("New status «Договор» in «Продажи» is in no container."). */
export function changeText(change: SchemaChange, names: ChangeNames, t: TFunction): string {
  const { crm } = names;
  const uses = (usedIn: readonly string[]) => usedIn.map((use) => t(`drift.tray.use.${use}`)).join(', ');
  switch (change.kind) {
    case 'status_added':
      return t('drift.tray.status_added', { name: change.name, pipeline: names.pipeline(change.pipelineId) });
    case 'status_removed':
      return t('drift.tray.status_removed', {
        name: change.name ?? t('drift.tray.unknownStatus', { id: change.statusId }),
        pipeline: names.pipeline(change.pipelineId),
        container: names.container(change.pipelineId, change.containerId) ?? change.containerId,
      });
    case 'status_renamed':
      return t('drift.tray.status_renamed', { from: change.from, to: change.to, pipeline: names.pipeline(change.pipelineId) });
    case 'status_recoloured':
      return t('drift.tray.status_recoloured', { name: change.name, pipeline: names.pipeline(change.pipelineId) });
    case 'statuses_reordered':
      return t('drift.tray.statuses_reordered', { pipeline: names.pipeline(change.pipelineId), crm });
    case 'pipeline_added':
    case 'pipeline_archived':
      return t(`drift.tray.${change.kind}`, { pipeline: change.name, crm });
    case 'pipeline_removed':
      return t('drift.tray.pipeline_removed', { pipeline: change.name ?? names.pipeline(change.pipelineId), crm });
    case 'field_removed':
      return t('drift.tray.field_removed', { name: change.name ?? t('drift.tray.unknownField', { id: change.fieldId }), crm, uses: uses(change.usedIn) });
    case 'field_retyped':
      return t('drift.tray.field_retyped', { name: change.name, from: change.from, to: change.to, uses: uses(change.usedIn) });
  }
}

/** What a settled change shows: "Decided", and for a new status where it went. */
export function decidedText(change: SchemaChange, config: MappingConfig, t: TFunction): string {
  if (change.kind === 'status_added') {
    const pipeline = config.pipelines.find((mapping) => mapping.pipelineId === change.pipelineId);
    const holder = pipeline?.containers.find((container) => container.statusIds.includes(change.statusId));
    if (holder) return t('drift.tray.decidedIn', { container: holder.name });
  }
  return t('drift.tray.decided');
}

/** A decision's button label, naming what it acts on ("Put «Договор» in «В работе»"). */
export function decisionLabel(decision: Decision, change: SchemaChange, names: ChangeNames, t: TFunction): string {
  const statusName = 'name' in change && change.name ? change.name : 'statusId' in change ? t('drift.tray.unknownStatus', { id: change.statusId }) : '';
  switch (decision.type) {
    case 'place':
      return t('drift.tray.actions.placeFull', { name: statusName, container: names.container(decision.pipelineId, decision.containerId) ?? decision.containerId });
    case 'take_out': {
      const container = change.kind === 'status_removed' ? names.container(change.pipelineId, change.containerId) : null;
      // The container held only this status: it goes with it (an empty container cannot be activated).
      const last = change.kind === 'status_removed' && names.containerSize(change.pipelineId, change.containerId) === 1;
      return t(last ? 'drift.tray.actions.takeOutLastFull' : 'drift.tray.actions.takeOutFull', { name: statusName, container: container ?? '' });
    }
    case 'rename_container':
      return t('drift.tray.actions.renameContainer', { name: decision.name });
    case 'open_pipeline':
      return change.kind === 'pipeline_added'
        ? t('drift.tray.actions.openPipelineFull', { pipeline: names.pipeline(decision.pipelineId) })
        : t('drift.tray.actions.showOnBoard', { pipeline: names.pipeline(decision.pipelineId) });
    case 'remove_pipeline':
      return t('drift.tray.actions.removePipelineFull', { pipeline: change.kind === 'pipeline_removed' && change.name ? change.name : names.pipeline(decision.pipelineId) });
    case 'drop_field': {
      const name = change.kind === 'field_removed' || change.kind === 'field_retyped' ? change.name : null;
      return t('drift.tray.actions.dropFieldFull', { name: name ?? t('drift.tray.unknownField', { id: decision.fieldId }) });
    }
    case 'open_step':
      return t(decision.step === 'filter' ? 'drift.tray.actions.openFilter' : 'drift.tray.actions.openCalculation');
  }
}

/**
 * What the tray offers for a change: the review's decisions, and for a new status also the
 * way to the board (drag or "Move to…" into any container).
 */
export function trayDecisions(change: SchemaChange): Decision[] {
  const decisions = decisionsFor(change);
  if (change.kind === 'status_added') decisions.push({ type: 'open_pipeline', pipelineId: change.pipelineId });
  return decisions;
}
