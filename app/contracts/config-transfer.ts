import { z } from 'zod';

import { connectorIdSchema, crmAccountSchema, crmIdSchema, type CrmAccount } from './connector';
import { STATUS_KINDS, type CrmSchema } from './crm-schema';
import { filterParameterFieldIds } from './crm-schema';
import { parseFieldRef } from './formula';
import { mappingConfigSchema, markerSchema, type MappingConfig } from './mapping-config';

/**
 * Export and import of a configuration (issue 12, item 6): the file format, what the import's
 * dry run answers, and the names an export carries so that another account of the same CRM can
 * be matched by name. The matching itself is `./config-import.ts`.
 */

/** The `format` of an exported file. */
export const EXPORT_FORMAT = 'hub-connect.configuration' as const;

/**
 * The largest file an import takes: 4 MB, the import route's own body limit (every other request
 * body is held to 1 MB, `MAX_BODY_BYTES`). Why 4: a configuration at amoCRM's limits (50 pipelines
 * × 100 statuses, each status in a container of its own named after it, 2,000 other fields,
 * Cyrillic names of typical length) is 0.6 MB, within the 1 MB a save takes; its export, with the
 * names of what it refers to and indented to be read, is 2.2 MB (`config-import.test.ts` measures
 * both). 4 MB holds that with room, and bounds what the server parses (a few tens of ms).
 */
export const IMPORT_MAX_BYTES = 4 * 1024 * 1024;

const nameText = z.string().max(1000);

export const exportNamesSchema = z.object({
  /** Every pipeline the configuration maps, with the names (and meaning) of the statuses its containers hold. */
  pipelines: z
    .array(
      z.object({
        id: crmIdSchema,
        name: nameText,
        statuses: z.array(z.object({ id: crmIdSchema, name: nameText, kind: z.enum(STATUS_KINDS).nullable().default(null) })).max(1000),
      }),
    )
    .max(1000)
    .default([]),
  /** Every custom field the configuration uses (Other fields, formulas, filter conditions). */
  customFields: z
    .array(z.object({ id: crmIdSchema, name: nameText, code: z.string().max(200).nullable().default(null) }))
    .max(10_000)
    .default([]),
});
export type ExportNames = z.infer<typeof exportNamesSchema>;

/**
 * An exported configuration (`GET /api/connectors/{connector}/export`): the stored mapping
 * configuration as it is (`config`, its `schemaVersion` included) and the CRM's names of what it
 * refers to, so an import into another account can match by name. Never a token or a key: the
 * configuration holds none, and neither do the names.
 */
export const configExportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  exportedAt: z.string().datetime(),
  config: mappingConfigSchema,
  names: exportNamesSchema,
});
export type ConfigExport = z.infer<typeof configExportSchema>;

/** The names `config` refers to, read from the CRM schema (what the schema no longer has is left out). */
export function exportNames(config: MappingConfig, schema: CrmSchema | null): ExportNames {
  if (!schema) return { pipelines: [], customFields: [] };
  const byId = new Map(schema.pipelines.map((pipeline) => [pipeline.id, pipeline]));
  const pipelines = config.pipelines.flatMap((mapping) => {
    const pipeline = byId.get(mapping.pipelineId);
    if (!pipeline) return [];
    const held = new Set(mapping.containers.flatMap((container) => container.statusIds));
    const statuses = pipeline.statuses
      .filter((status) => held.has(status.id))
      .map((status) => ({ id: status.id, name: status.name, kind: status.kind }));
    return [{ id: pipeline.id, name: pipeline.name, statuses }];
  });
  const used = new Set(config.customFields.otherFields);
  const keys = filterParameterFieldIds(schema.customFields);
  for (const condition of config.filter.conditions) {
    const id = keys.get(condition.field);
    if (id !== undefined) used.add(id);
  }
  for (const field of config.calculatedFields) {
    for (const match of field.expression.matchAll(/\{([^{}]*)\}/g)) {
      const ref = parseFieldRef(match[1] ?? '');
      if (ref?.kind === 'custom') used.add(ref.id);
    }
  }
  const customFields = schema.customFields
    .filter((field) => used.has(field.id))
    .map((field) => ({ id: field.id, name: field.name, code: field.code }));
  return { pipelines, customFields };
}

/** `hub-connect-amocrm-demo-2026-12-03.json`: the connector, the account's first address label, the day (UTC). */
export function exportFileName(connector: string, account: Pick<CrmAccount, 'domain'> | null, at: Date): string {
  const label = (account?.domain.split('.')[0] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `hub-connect-${connector}-${label || 'account'}-${at.toISOString().slice(0, 10)}.json`;
}

const misfitName = nameText.nullable();

/** Something in the imported file that this account has no place for; dropped by "Import what fits". */
export const importMisfitSchema = z.discriminatedUnion('kind', [
  /** A mapped pipeline with no pipeline of the same id or name here (its containers go with it). */
  z.object({ kind: z.literal('pipeline_not_found'), pipelineId: crmIdSchema, name: misfitName }),
  /** A status a container holds that the matched pipeline has neither by id nor by name. */
  z.object({
    kind: z.literal('status_not_found'),
    pipelineId: crmIdSchema,
    pipelineName: misfitName,
    statusId: crmIdSchema,
    name: misfitName,
    containerName: nameText,
  }),
  /** A container left with none of its statuses: dropped, and its marker with it. */
  z.object({
    kind: z.literal('container_dropped'),
    pipelineId: crmIdSchema,
    pipelineName: misfitName,
    containerName: nameText,
    marker: markerSchema.nullable(),
  }),
  /** A field of Other fields this account does not have. */
  z.object({ kind: z.literal('field_not_found'), fieldId: crmIdSchema, name: misfitName }),
  /** A filter condition on a parameter this account does not have (the condition is dropped). */
  z.object({ kind: z.literal('filter_field_not_found'), field: z.string().max(200), name: misfitName }),
  /** A calculated field whose formula refers to a field this account does not have (the calculated field is dropped). */
  z.object({
    kind: z.literal('formula_field_not_found'),
    calculatedFieldName: nameText,
    fieldId: crmIdSchema,
    name: misfitName,
  }),
]);
export type ImportMisfit = z.infer<typeof importMisfitSchema>;
export type ImportMisfitKind = ImportMisfit['kind'];

const count = z.number().int().nonnegative();

/** `POST /api/connectors/{connector}/import`: the dry run's answer. Nothing is saved. */
export const importPreviewSchema = z.object({
  /** The file's configuration adapted to this account: what fits, ready to be saved as the draft (PUT …/config). */
  config: mappingConfigSchema,
  misfits: z.array(importMisfitSchema),
  /** What fits, counted (`byName`: how many of them were found by name or meaning rather than by id). */
  matched: z.object({
    pipelines: count,
    containers: count,
    statuses: count,
    otherFields: count,
    filterConditions: count,
    calculatedFields: count,
    byName: count,
  }),
  source: z.object({
    connector: connectorIdSchema,
    /** The account the file was exported from (null: a configuration saved before authorization). */
    account: crmAccountSchema.nullable(),
    /** The file's own schema version (older versions are upgraded). */
    schemaVersion: z.number().int().positive(),
    exportedAt: z.string().datetime().nullable(),
    /** Whether the file carries the CRM's names (an export does; a bare configuration document does not: ids only). */
    hasNames: z.boolean(),
    sameAccount: z.boolean(),
  }),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;
