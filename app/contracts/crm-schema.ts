import { z } from 'zod';

import { crmAccountSchema, crmIdSchema } from './connector';

/**
 * A CRM account's structure, normalized from whatever the CRM returns (amoCRM, Bitrix24, …),
 * as the wizard needs it. Served by `GET /api/connectors/{connector}/schema`.
 */

/**
 * A CSS hex colour: `#` and 3 to 8 hex digits. Status colours end up in inline styles, so
 * nothing but a hex colour is accepted (no names, functions, `url(…)` or `;`).
 */
export const HEX_COLOR = /^#[0-9a-fA-F]{3,8}$/;

/**
 * What a status means, whichever CRM it comes from, so the wizard can propose markers
 * without knowing the CRM: `won` (amoCRM 142, Bitrix24 semantics `S`, RetailCRM group
 * `complete`), `lost` (amoCRM 143, Bitrix24 `F`, RetailCRM `cancel`), `unsorted` (amoCRM's
 * incoming leads) or `regular` (in progress).
 */
export const STATUS_KINDS = ['unsorted', 'regular', 'won', 'lost'] as const;
export type StatusKind = (typeof STATUS_KINDS)[number];

export const crmStatusSchema = z.object({
  id: crmIdSchema,
  name: z.string(),
  /** CRM order inside the pipeline. */
  sort: z.number(),
  /** CRM colour as a hex string, e.g. `#99ccff` (`HEX_COLOR`). */
  color: z.string().regex(HEX_COLOR, { message: 'Must be a hex colour like #99ccff' }),
  /** What the status means (`STATUS_KINDS`). */
  kind: z.enum(STATUS_KINDS),
});
export type CrmStatus = z.infer<typeof crmStatusSchema>;

export const crmPipelineSchema = z.object({
  id: crmIdSchema,
  name: z.string(),
  sort: z.number(),
  isMain: z.boolean(),
  isArchive: z.boolean(),
  /** In CRM order. */
  statuses: z.array(crmStatusSchema),
});
export type CrmPipeline = z.infer<typeof crmPipelineSchema>;

export const crmFieldEnumSchema = z.object({ id: z.string().max(64), value: z.string() });

export const crmCustomFieldSchema = z.object({
  id: crmIdSchema,
  name: z.string(),
  code: z.string().nullable(),
  /** The CRM's own type string (amoCRM: text, numeric, select, monetary, tracking_data …; Bitrix24: string, double, money …). */
  type: z.string(),
  enums: z.array(crmFieldEnumSchema).nullable(),
  /** numeric or monetary: usable in calculated fields. */
  isNumeric: z.boolean(),
  /** UTM and other tracking fields: always transferred, so never offered for selection. */
  isTracking: z.boolean(),
});
export type CrmCustomField = z.infer<typeof crmCustomFieldSchema>;

/** A deal parameter the filter step can use (system fields and custom fields). */
export const filterParameterSchema = z.object({
  /** The value stored in a filter condition's `field`, e.g. `LANDING`, `UTM_SOURCE`, `price`, `cf:1016236`, `cf:UF_CRM_1713790573`. */
  key: z.string(),
  name: z.string(),
  group: z.enum(['system', 'tracking', 'custom']),
});
export type FilterParameter = z.infer<typeof filterParameterSchema>;

export const crmSchemaSchema = z.object({
  account: crmAccountSchema,
  pipelines: z.array(crmPipelineSchema),
  customFields: z.array(crmCustomFieldSchema),
  filterParameters: z.array(filterParameterSchema),
  /** ISO time the CRM was last read. */
  fetchedAt: z.string().datetime(),
});
export type CrmSchema = z.infer<typeof crmSchemaSchema>;

/**
 * Filter parameter keys (the `field` of a filter condition):
 * - a custom field with a code is keyed by its code: `LANDING`, `UTM_SOURCE`, `UTM_MEDIUM`…
 *   (amoCRM codes are unique per entity and survive renames);
 * - a custom field without a code is keyed `cf:<field id>` (the same reference the
 *   calculated-field expressions use, e.g. `cf:1016203`);
 * - group `tracking` for tracking fields (UTM etc.), `custom` for the others. No system
 *   parameters are offered today (the `system` group stays empty).
 */
export function filterParameterKey(field: Pick<CrmCustomField, 'id' | 'code'>): string {
  return field.code && /^[A-Za-z0-9_]+$/.test(field.code) ? field.code : `cf:${field.id}`;
}

export function filterParameters(fields: readonly CrmCustomField[]): FilterParameter[] {
  const keys = filterParameterFieldIds(fields);
  const byId = new Map([...keys].map(([key, id]) => [id, key]));
  return fields.map((field) => ({ key: byId.get(field.id)!, name: field.name, group: field.isTracking ? 'tracking' : 'custom' }));
}

/**
 * Each filter parameter key → the id of the custom field it names: a code used by two fields
 * names the first; the second is keyed `cf:<id>`. The funnel engine resolves a condition's
 * `field` with it.
 */
export function filterParameterFieldIds(fields: ReadonlyArray<Pick<CrmCustomField, 'id' | 'code'>>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const field of fields) {
    let key = filterParameterKey(field);
    if (keys.has(key)) key = `cf:${field.id}`;
    keys.set(key, field.id);
  }
  return keys;
}

/** A few sample deals for the calculation preview: amount and numeric custom-field values. */
export const sampleDealSchema = z.object({
  id: z.string().max(64),
  name: z.string(),
  price: z.number().nullable(),
  /** custom field id → numeric value (only numeric and monetary fields). */
  values: z.record(z.string(), z.number()),
});
export type SampleDeal = z.infer<typeof sampleDealSchema>;
export const sampleDealsSchema = z.object({ deals: z.array(sampleDealSchema) });
