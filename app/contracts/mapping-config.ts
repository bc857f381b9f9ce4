import { z } from 'zod';

import { connectorIdSchema, connectorStateSchema, crmAccountSchema, crmIdSchema, type CrmId } from './connector';

/**
 * The mapping configuration: the product's output, one JSON document per connection,
 * read by the analytics pipeline. The same schema validates the wizard's forms, the API's
 * request bodies, the mocks and the tests.
 */

/**
 * 2: CRM ids are strings (`"142"`, `"C1:WON"`, `"UF_CRM_1713790573"`) and the account has a
 * `domain`. 1: amoCRM's numeric ids and `subdomain`; upgraded on read by
 * `upgradeMappingConfig` (see `storedMappingConfigSchema`).
 */
export const SCHEMA_VERSION = 2 as const;

export const MARKERS = ['completed', 'refusal', 'return', 'pause'] as const;
export const markerSchema = z.enum(MARKERS);
export type Marker = z.infer<typeof markerSchema>;

export const FILTER_OPERATORS = ['equals', 'not_equals', 'contains', 'is_empty', 'is_not_empty'] as const;
export const filterOperatorSchema = z.enum(FILTER_OPERATORS);
export type FilterOperator = z.infer<typeof filterOperatorSchema>;
/** Operators that compare against a value (the others ignore `value`). */
export const VALUE_OPERATORS: readonly FilterOperator[] = ['equals', 'not_equals', 'contains'];

export const LIMITS = {
  name: 100,
  id: 64,
  filterField: 200,
  filterValue: 1000,
  conditions: 50,
  pipelines: 50,
  containersPerPipeline: 100,
  statusesPerContainer: 100,
  otherFields: 2000,
  calculatedFields: 50,
  expression: 2000,
} as const;

const crmId = crmIdSchema;
const localId = z.string().trim().min(1).max(LIMITS.id);
const displayName = z
  .string()
  .trim()
  .min(1, { message: 'Name must not be empty' })
  .max(LIMITS.name, { message: `Name must be at most ${LIMITS.name} characters` });

export const filterConditionSchema = z.object({
  field: z.string().trim().min(1).max(LIMITS.filterField),
  action: z.enum(['include', 'exclude']),
  operator: filterOperatorSchema,
  value: z.string().max(LIMITS.filterValue).default(''),
});
export type FilterCondition = z.infer<typeof filterConditionSchema>;

export const filterSchema = z.object({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(filterConditionSchema).max(LIMITS.conditions).default([]),
});
export type Filter = z.infer<typeof filterSchema>;

export const containerSchema = z.object({
  id: localId,
  name: displayName,
  statusIds: z.array(crmId).max(LIMITS.statusesPerContainer),
  marker: markerSchema.nullable().default(null),
});
export type Container = z.infer<typeof containerSchema>;

export const pipelineMappingSchema = z.object({
  pipelineId: crmId,
  /** Funnel order. */
  containers: z.array(containerSchema).max(LIMITS.containersPerPipeline),
});
export type PipelineMapping = z.infer<typeof pipelineMappingSchema>;

export const calculatedFieldSchema = z.object({
  id: localId,
  name: displayName,
  expression: z.string().max(LIMITS.expression),
});
export type CalculatedField = z.infer<typeof calculatedFieldSchema>;

/** Rules that hold in every saved document, draft or not. */
function checkRules(config: MappingConfigShape, ctx: z.RefinementCtx): void {
  const seenPipelines = new Set<CrmId>();
  config.pipelines.forEach((pipeline, p) => {
    if (seenPipelines.has(pipeline.pipelineId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipelines', p, 'pipelineId'],
        message: `Pipeline ${pipeline.pipelineId} is mapped twice`,
      });
    }
    seenPipelines.add(pipeline.pipelineId);
    const containerIds = new Set<string>();
    const statusHome = new Map<CrmId, string>();
    const markerHome = new Map<Marker, string>();
    pipeline.containers.forEach((container, c) => {
      const at = ['pipelines', p, 'containers', c];
      if (containerIds.has(container.id)) {
        ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `Container id "${container.id}" is used twice` });
      }
      containerIds.add(container.id);
      container.statusIds.forEach((statusId, s) => {
        const home = statusHome.get(statusId);
        if (home !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'statusIds', s],
            message: `Status ${statusId} is already in container "${home}"`,
          });
        } else {
          statusHome.set(statusId, container.name);
        }
      });
      if (container.marker) {
        const home = markerHome.get(container.marker);
        if (home !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'marker'],
            message: `Marker "${container.marker}" is already set on container "${home}"`,
          });
        } else {
          markerHome.set(container.marker, container.name);
        }
      }
    });
  });

  const seenFields = new Set<CrmId>();
  config.customFields.otherFields.forEach((fieldId, i) => {
    if (seenFields.has(fieldId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['customFields', 'otherFields', i],
        message: `Field ${fieldId} is listed twice`,
      });
    }
    seenFields.add(fieldId);
  });

  const calcIds = new Set<string>();
  const calcNames = new Set<string>();
  config.calculatedFields.forEach((field, i) => {
    if (calcIds.has(field.id)) {
      ctx.addIssue({ code: 'custom', path: ['calculatedFields', i, 'id'], message: 'Duplicate id' });
    }
    calcIds.add(field.id);
    const key = field.name.toLocaleLowerCase();
    if (calcNames.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['calculatedFields', i, 'name'],
        message: `A calculated field named "${field.name}" already exists`,
      });
    }
    calcNames.add(key);
  });
}

const mappingConfigObject = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  connector: connectorIdSchema,
  /** The CRM account the mapping belongs to; null until authorization. */
  account: crmAccountSchema.nullable().default(null),
  filter: filterSchema.default({ match: 'all', conditions: [] }),
  pipelines: z.array(pipelineMappingSchema).max(LIMITS.pipelines).default([]),
  /** Empty `otherFields` means "load every custom field". */
  customFields: z
    .object({ otherFields: z.array(crmId).max(LIMITS.otherFields).default([]) })
    .default({ otherFields: [] }),
  calculatedFields: z.array(calculatedFieldSchema).max(LIMITS.calculatedFields).default([]),
});
type MappingConfigShape = z.output<typeof mappingConfigObject>;

export const mappingConfigSchema = mappingConfigObject.superRefine(checkRules);
export type MappingConfig = z.infer<typeof mappingConfigSchema>;
export type MappingConfigInput = z.input<typeof mappingConfigSchema>;

/** The id shapes of schema version 1 (amoCRM's positive integers). */
const v1Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const v1Document = z.looseObject({
  schemaVersion: z.literal(1),
  account: z.looseObject({ id: v1Id, subdomain: z.string(), name: z.string() }).nullable().optional(),
  pipelines: z
    .array(z.looseObject({ pipelineId: v1Id, containers: z.array(z.looseObject({ statusIds: z.array(v1Id) })) }))
    .optional(),
  customFields: z.looseObject({ otherFields: z.array(v1Id).optional() }).optional(),
});

/**
 * A stored document in any schema version, as the current version's input: version 1
 * (amoCRM's numeric ids, `account.subdomain`) becomes version 2 (string ids, `account.domain`
 * `<subdomain>.amocrm.ru`, as the amoCRM adapter names an account); formulas need no change (`{cf:1016236}` reads the same). Anything
 * that is not a recognisable version-1 document is returned unchanged, for the current
 * schema to accept or reject.
 */
export function upgradeMappingConfig(document: unknown): unknown {
  const v1 = v1Document.safeParse(document);
  if (!v1.success) return document;
  const { account, pipelines, customFields, ...rest } = v1.data;
  return {
    ...rest,
    schemaVersion: SCHEMA_VERSION,
    ...(account === undefined
      ? {}
      : { account: account && { id: String(account.id), domain: `${account.subdomain || '-'}.amocrm.ru`, name: account.name } }),
    ...(pipelines === undefined
      ? {}
      : {
          pipelines: pipelines.map((pipeline) => ({
            ...pipeline,
            pipelineId: String(pipeline.pipelineId),
            containers: pipeline.containers.map((container) => ({ ...container, statusIds: container.statusIds.map(String) })),
          })),
        }),
    ...(customFields === undefined
      ? {}
      : { customFields: { ...customFields, ...(customFields.otherFields ? { otherFields: customFields.otherFields.map(String) } : {}) } }),
  };
}

/**
 * What the API reads from its database and accepts in a request body: a document of any
 * schema version, upgraded, then checked as the current version (an SPA tab opened before an
 * upgrade still saves its version-1 draft).
 */
export const storedMappingConfigSchema = z.preprocess(upgradeMappingConfig, mappingConfigSchema);

export function emptyMappingConfig(connector: MappingConfig['connector']): MappingConfig {
  return mappingConfigSchema.parse({ schemaVersion: SCHEMA_VERSION, connector });
}

/** `GET/PUT /api/connectors/{connector}/config` response. */
export const configEnvelopeSchema = z.object({
  version: z.number().int().nonnegative(),
  status: connectorStateSchema,
  config: mappingConfigSchema,
  updatedAt: z.string().datetime(),
  /** The version the analytics reads (set by activation); null while never activated. */
  activatedVersion: z.number().int().nullable(),
});
export type ConfigEnvelope = z.infer<typeof configEnvelopeSchema>;
