import { z } from 'zod';

import { crmIdSchema } from './connector';
import type { CrmCustomField, CrmPipeline, CrmSchema, CrmStatus } from './crm-schema';
import { filterParameterFieldIds } from './crm-schema';
import { collectFieldRefs, parseFormula } from './formula';
import type { MappingConfig, PipelineMapping } from './mapping-config';

/**
 * CRM drift: what changed in the CRM since a configuration was activated, as far as the
 * configuration is concerned. Pure and shared: the API records the changes of every connected
 * connector, the SPA shows them on the card and in the Mapping step's review.
 *
 * `baseline` is the CRM schema the configuration was last activated against (null when none
 * was kept, e.g. a configuration activated before baselines were stored: then only what can be
 * seen from the configuration alone is reported: statuses and fields it names that are gone,
 * statuses of a mapped pipeline that no container holds).
 */

/** Where a custom field is used by the configuration. */
export const FIELD_USES = ['otherFields', 'formula', 'filter'] as const;
export type FieldUse = (typeof FIELD_USES)[number];

const name = z.string().max(1000);
const statusChange = { pipelineId: crmIdSchema, statusId: crmIdSchema };

export const schemaChangeSchema = z.discriminatedUnion('kind', [
  /** A status of a mapped pipeline in no container: unmapped now. */
  z.object({ kind: z.literal('status_added'), ...statusChange, name, suggestedContainerId: z.string().nullable() }),
  /** A status a container holds that the CRM no longer has. */
  z.object({ kind: z.literal('status_removed'), ...statusChange, name: name.nullable(), containerId: z.string() }),
  /** `containerId`: the container named after the status's old name (offered the new name), if any. */
  z.object({ kind: z.literal('status_renamed'), ...statusChange, from: name, to: name, containerId: z.string().nullable() }),
  z.object({ kind: z.literal('status_recoloured'), ...statusChange, name, from: z.string(), to: z.string() }),
  /** The CRM order of the pipeline's statuses changed (one change per pipeline). */
  z.object({ kind: z.literal('statuses_reordered'), pipelineId: crmIdSchema }),
  /** A pipeline in use (not archived) that no mapping covers: activation needs it mapped. */
  z.object({ kind: z.literal('pipeline_added'), pipelineId: crmIdSchema, name }),
  /** A mapped pipeline the CRM archived. */
  z.object({ kind: z.literal('pipeline_archived'), pipelineId: crmIdSchema, name }),
  /** A mapped pipeline the CRM no longer has. */
  z.object({ kind: z.literal('pipeline_removed'), pipelineId: crmIdSchema, name: name.nullable() }),
  /** A field the configuration uses that the CRM no longer has. */
  z.object({ kind: z.literal('field_removed'), fieldId: crmIdSchema, name: name.nullable(), usedIn: z.array(z.enum(FIELD_USES)) }),
  /** A used field whose type changed (a formula field that is no longer numeric among them). */
  z.object({
    kind: z.literal('field_retyped'),
    fieldId: crmIdSchema,
    name,
    from: z.string(),
    to: z.string(),
    usedIn: z.array(z.enum(FIELD_USES)),
  }),
]);
export type SchemaChange = z.infer<typeof schemaChangeSchema>;
export type SchemaChangeKind = SchemaChange['kind'];

export const schemaChangesSchema = z.array(schemaChangeSchema);

/** Why a connected connector needs attention when the CRM changed under its configuration. */
export const CRM_CHANGED_REASON = 'crm_changed';

/**
 * `GET /api/connectors/{connector}/changes`: what changed since the configuration was activated.
 * `pipelineNames`: the name of every pipeline a change refers to (the CRM's current one, or the
 * last known for a removed pipeline), so a summary can be said without the schema.
 */
export const connectorChangesSchema = z.object({
  changes: schemaChangesSchema,
  pipelineNames: z.record(crmIdSchema, name),
  /** When the baseline schema was stored (the last activation); null when none was kept. */
  baselineAt: z.string().datetime().nullable(),
  /** When the CRM was last compared with the configuration; null when never. */
  checkedAt: z.string().datetime().nullable(),
});
export type ConnectorChanges = z.infer<typeof connectorChangesSchema>;

/** What changed in the CRM that the configuration has to follow, pipelines in CRM order. */
export function diffSchema(config: MappingConfig, baseline: CrmSchema | null, current: CrmSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const mapped = new Map(config.pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
  const before = new Map((baseline?.pipelines ?? []).map((pipeline) => [pipeline.id, pipeline]));
  const now = new Map(current.pipelines.map((pipeline) => [pipeline.id, pipeline]));

  for (const pipeline of current.pipelines) {
    const mapping = mapped.get(pipeline.id);
    const old = before.get(pipeline.id);
    if (!mapping) {
      // Unmapped and in use: new since the activation (which needs every pipeline in use mapped).
      if (!pipeline.isArchive) changes.push({ kind: 'pipeline_added', pipelineId: pipeline.id, name: pipeline.name });
      continue;
    }
    if (pipeline.isArchive && !old?.isArchive) changes.push({ kind: 'pipeline_archived', pipelineId: pipeline.id, name: pipeline.name });
    changes.push(...diffPipeline(mapping, old ?? null, pipeline));
  }
  for (const mapping of config.pipelines) {
    if (now.has(mapping.pipelineId)) continue;
    changes.push({ kind: 'pipeline_removed', pipelineId: mapping.pipelineId, name: before.get(mapping.pipelineId)?.name ?? null });
  }
  changes.push(...diffFields(config, baseline?.customFields ?? null, current.customFields));
  return changes;
}

function diffPipeline(mapping: PipelineMapping, old: CrmPipeline | null, pipeline: CrmPipeline): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const pipelineId = pipeline.id;
  const holder = new Map<string, string>();
  for (const container of mapping.containers) for (const statusId of container.statusIds) holder.set(statusId, container.id);
  const oldStatuses = new Map((old?.statuses ?? []).map((status) => [status.id, status]));
  const currentIds = new Set(pipeline.statuses.map((status) => status.id));

  for (const status of pipeline.statuses) {
    const was = oldStatuses.get(status.id);
    if (!holder.has(status.id)) {
      changes.push({ kind: 'status_added', pipelineId, statusId: status.id, name: status.name, suggestedContainerId: suggestContainer(mapping, pipeline, status.id) });
      continue;
    }
    if (!was) continue;
    if (was.name !== status.name) {
      const named = mapping.containers.find((container) => container.id === holder.get(status.id) && sameName(container.name, was.name));
      changes.push({ kind: 'status_renamed', pipelineId, statusId: status.id, from: was.name, to: status.name, containerId: named?.id ?? null });
    }
    if (was.color.toLowerCase() !== status.color.toLowerCase()) {
      changes.push({ kind: 'status_recoloured', pipelineId, statusId: status.id, name: status.name, from: was.color, to: status.color });
    }
  }
  for (const container of mapping.containers) {
    for (const statusId of container.statusIds) {
      if (currentIds.has(statusId)) continue;
      changes.push({ kind: 'status_removed', pipelineId, statusId, name: oldStatuses.get(statusId)?.name ?? null, containerId: container.id });
    }
  }
  if (old && reordered(old.statuses, pipeline.statuses)) changes.push({ kind: 'statuses_reordered', pipelineId });
  return changes;
}

/** Whether the statuses both lists have are in a different relative order. */
function reordered(before: readonly CrmStatus[], after: readonly CrmStatus[]): boolean {
  const kept = new Set(after.map((status) => status.id));
  const oldOrder = before.filter((status) => kept.has(status.id)).map((status) => status.id);
  const had = new Set(oldOrder);
  const newOrder = after.filter((status) => had.has(status.id)).map((status) => status.id);
  return oldOrder.some((id, index) => newOrder[index] !== id);
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();
}

/**
 * The container a new status most likely belongs to: the one holding its neighbours in the
 * CRM order — both neighbours' container when they share one, else the previous status's,
 * else the next's; null when neither neighbour is in a container.
 */
export function suggestContainer(mapping: PipelineMapping, pipeline: CrmPipeline, statusId: string): string | null {
  const holder = new Map<string, string>();
  for (const container of mapping.containers) for (const id of container.statusIds) holder.set(id, container.id);
  const index = pipeline.statuses.findIndex((status) => status.id === statusId);
  if (index < 0) return null;
  const neighbour = (step: -1 | 1): string | null => {
    for (let at = index + step; at >= 0 && at < pipeline.statuses.length; at += step) {
      const container = holder.get(pipeline.statuses[at]!.id);
      if (container) return container;
    }
    return null;
  };
  const previous = neighbour(-1);
  const next = neighbour(1);
  if (previous && previous === next) return previous;
  return previous ?? next;
}

/** The fields the configuration uses, and where. */
export function fieldUses(config: MappingConfig, fields: ReadonlyArray<Pick<CrmCustomField, 'id' | 'code'>>): Map<string, Set<FieldUse>> {
  const uses = new Map<string, Set<FieldUse>>();
  const add = (id: string, use: FieldUse) => {
    const set = uses.get(id) ?? new Set<FieldUse>();
    set.add(use);
    uses.set(id, set);
  };
  for (const id of config.customFields.otherFields) add(id, 'otherFields');
  for (const field of config.calculatedFields) {
    const parsed = parseFormula(field.expression);
    if (!parsed.ok) continue;
    for (const use of collectFieldRefs(parsed.ast)) if (use.ref.kind === 'custom') add(use.ref.id, 'formula');
  }
  const keys = filterParameterFieldIds(fields);
  for (const condition of config.filter.conditions) {
    const id = keys.get(condition.field) ?? (condition.field.startsWith('cf:') ? condition.field.slice(3) : null);
    if (id) add(id, 'filter');
  }
  return uses;
}

function diffFields(config: MappingConfig, baseline: readonly CrmCustomField[] | null, current: readonly CrmCustomField[]): SchemaChange[] {
  const changes: SchemaChange[] = [];
  // A filter condition names a field by code: resolve codes with the fields the configuration was made with.
  const uses = fieldUses(config, baseline ?? current);
  const before = new Map((baseline ?? []).map((field) => [field.id, field]));
  const now = new Map(current.map((field) => [field.id, field]));
  for (const [fieldId, used] of uses) {
    const usedIn = FIELD_USES.filter((use) => used.has(use));
    const field = now.get(fieldId);
    const was = before.get(fieldId);
    if (!field) {
      changes.push({ kind: 'field_removed', fieldId, name: was?.name ?? null, usedIn });
      continue;
    }
    const lostNumber = used.has('formula') && !field.isNumeric;
    if ((was && was.type !== field.type) || lostNumber) {
      changes.push({ kind: 'field_retyped', fieldId, name: field.name, from: was?.type ?? field.type, to: field.type, usedIn });
    }
  }
  return changes;
}

/**
 * Changes that need the user's decision before the configuration is complete again (the others
 * are only news): a retyped field needs one only where a formula uses it (a formula needs a number).
 */
export function needsDecision(change: SchemaChange): boolean {
  if (change.kind === 'field_retyped') return change.usedIn.includes('formula');
  return change.kind !== 'status_recoloured' && change.kind !== 'statuses_reordered';
}

/** Counts of each kind per pipeline (null: the account's fields), for a one-sentence summary. */
export function summarizeChanges(changes: readonly SchemaChange[]): Array<{ pipelineId: string | null; counts: Partial<Record<SchemaChangeKind, number>> }> {
  const groups = new Map<string | null, Partial<Record<SchemaChangeKind, number>>>();
  for (const change of changes) {
    const key = 'pipelineId' in change ? change.pipelineId : null;
    const counts = groups.get(key) ?? {};
    counts[change.kind] = (counts[change.kind] ?? 0) + 1;
    groups.set(key, counts);
  }
  return [...groups].map(([pipelineId, counts]) => ({ pipelineId, counts }));
}
