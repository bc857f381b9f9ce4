import { z } from 'zod';

import { markerSchema, type Container, type MappingConfig, type PipelineMapping } from './mapping-config';

/**
 * What changed from one mapping configuration to another, as structured changes (the API
 * returns them, the SPA words them in the user's language): a pure function of two documents.
 *
 * - Statuses: how many statuses are in another container (or in one now, or in none any more),
 *   over every pipeline.
 * - Pipelines: mapped (containers now) or no longer mapped. The containers of a pipeline mapped
 *   or unmapped are not listed one by one (the statuses placed are counted).
 * - Containers (by id, in a pipeline mapped in both): added, removed, renamed, reordered (the
 *   pipelines whose common containers are in another order); markers set or taken off (a marker
 *   moved to another container is one taken off and one set).
 * - Other fields: how many added and removed (their order does not count).
 * - The filter: changed or not (its match or any condition).
 * - Calculated fields (by id): added, removed, renamed, formula changed.
 *
 * The account is not compared (it is whatever the stored access says).
 */

const name = z.string();

export const configChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('statuses_moved'), count: z.number().int().positive() }),
  z.object({ kind: z.literal('pipeline_mapped'), pipelineId: z.string() }),
  z.object({ kind: z.literal('pipeline_unmapped'), pipelineId: z.string() }),
  z.object({ kind: z.literal('container_added'), pipelineId: z.string(), name }),
  z.object({ kind: z.literal('container_removed'), pipelineId: z.string(), name }),
  z.object({ kind: z.literal('container_renamed'), pipelineId: z.string(), from: name, to: name }),
  z.object({ kind: z.literal('containers_reordered'), pipelineId: z.string() }),
  z.object({ kind: z.literal('marker_added'), pipelineId: z.string(), marker: markerSchema, container: name }),
  z.object({ kind: z.literal('marker_removed'), pipelineId: z.string(), marker: markerSchema, container: name }),
  z.object({ kind: z.literal('other_fields_added'), count: z.number().int().positive() }),
  z.object({ kind: z.literal('other_fields_removed'), count: z.number().int().positive() }),
  z.object({ kind: z.literal('filter_changed'), conditions: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('calculated_field_added'), name }),
  z.object({ kind: z.literal('calculated_field_removed'), name }),
  z.object({ kind: z.literal('calculated_field_renamed'), from: name, to: name }),
  z.object({ kind: z.literal('calculated_field_changed'), name }),
]);
export type ConfigChange = z.infer<typeof configChangeSchema>;
export type ConfigChangeKind = ConfigChange['kind'];

/** Where each status is: status id → container id (per pipeline; a status id can repeat across pipelines). */
function homes(pipeline: PipelineMapping | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const container of pipeline?.containers ?? []) for (const statusId of container.statusIds) map.set(statusId, container.id);
  return map;
}

function countMoved(before: PipelineMapping | undefined, after: PipelineMapping | undefined): number {
  const a = homes(before);
  const b = homes(after);
  let moved = 0;
  for (const [statusId, home] of a) if (b.get(statusId) !== home) moved += 1;
  for (const statusId of b.keys()) if (!a.has(statusId)) moved += 1;
  return moved;
}

function containerChanges(before: PipelineMapping, after: PipelineMapping): ConfigChange[] {
  const pipelineId = after.pipelineId;
  const changes: ConfigChange[] = [];
  const old = new Map(before.containers.map((container) => [container.id, container]));
  const now = new Map(after.containers.map((container) => [container.id, container]));
  const markerOff = (container: Container) =>
    container.marker ? changes.push({ kind: 'marker_removed', pipelineId, marker: container.marker, container: container.name }) : 0;
  const markerOn = (container: Container) =>
    container.marker ? changes.push({ kind: 'marker_added', pipelineId, marker: container.marker, container: container.name }) : 0;
  for (const container of before.containers) {
    if (now.has(container.id)) continue;
    changes.push({ kind: 'container_removed', pipelineId, name: container.name });
    markerOff(container);
  }
  for (const container of after.containers) {
    const was = old.get(container.id);
    if (!was) {
      changes.push({ kind: 'container_added', pipelineId, name: container.name });
      markerOn(container);
      continue;
    }
    if (was.name !== container.name) changes.push({ kind: 'container_renamed', pipelineId, from: was.name, to: container.name });
    if (was.marker !== container.marker) {
      markerOff(was);
      markerOn(container);
    }
  }
  const commonBefore = before.containers.filter((container) => now.has(container.id)).map((container) => container.id);
  const commonAfter = after.containers.filter((container) => old.has(container.id)).map((container) => container.id);
  if (commonBefore.some((id, i) => commonAfter[i] !== id)) changes.push({ kind: 'containers_reordered', pipelineId });
  return changes;
}

const sameFilter = (a: MappingConfig['filter'], b: MappingConfig['filter']) =>
  a.match === b.match &&
  a.conditions.length === b.conditions.length &&
  a.conditions.every((condition, i) => {
    const other = b.conditions[i]!;
    return condition.field === other.field && condition.action === other.action && condition.operator === other.operator && condition.value === other.value;
  });

/** What changed from `before` to `after`; empty when nothing the analytics reads did. */
export function diffConfigs(before: MappingConfig, after: MappingConfig): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const oldPipelines = new Map(before.pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
  const newPipelines = new Map(after.pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));

  let moved = 0;
  for (const pipeline of before.pipelines) moved += countMoved(pipeline, newPipelines.get(pipeline.pipelineId));
  for (const pipeline of after.pipelines) if (!oldPipelines.has(pipeline.pipelineId)) moved += countMoved(undefined, pipeline);
  if (moved > 0) changes.push({ kind: 'statuses_moved', count: moved });

  for (const pipeline of after.pipelines) {
    const was = oldPipelines.get(pipeline.pipelineId);
    if (!was) changes.push({ kind: 'pipeline_mapped', pipelineId: pipeline.pipelineId });
    else changes.push(...containerChanges(was, pipeline));
  }
  for (const pipeline of before.pipelines) {
    if (!newPipelines.has(pipeline.pipelineId)) changes.push({ kind: 'pipeline_unmapped', pipelineId: pipeline.pipelineId });
  }

  const oldFields = new Set(before.customFields.otherFields);
  const newFields = new Set(after.customFields.otherFields);
  const added = [...newFields].filter((id) => !oldFields.has(id)).length;
  const removed = [...oldFields].filter((id) => !newFields.has(id)).length;
  if (added > 0) changes.push({ kind: 'other_fields_added', count: added });
  if (removed > 0) changes.push({ kind: 'other_fields_removed', count: removed });

  if (!sameFilter(before.filter, after.filter)) changes.push({ kind: 'filter_changed', conditions: after.filter.conditions.length });

  const oldCalc = new Map(before.calculatedFields.map((field) => [field.id, field]));
  const newCalc = new Set(after.calculatedFields.map((field) => field.id));
  for (const field of after.calculatedFields) {
    const was = oldCalc.get(field.id);
    if (!was) {
      changes.push({ kind: 'calculated_field_added', name: field.name });
      continue;
    }
    if (was.name !== field.name) changes.push({ kind: 'calculated_field_renamed', from: was.name, to: field.name });
    if (was.expression !== field.expression) changes.push({ kind: 'calculated_field_changed', name: field.name });
  }
  for (const field of before.calculatedFields) if (!newCalc.has(field.id)) changes.push({ kind: 'calculated_field_removed', name: field.name });
  return changes;
}
