import type { CrmAccount } from '../../app/contracts/connector';
import {
  crmSchemaSchema,
  type CrmCustomField,
  type CrmPipeline,
  type CrmSchema,
  type FilterParameter,
  type SampleDeal,
} from '../../app/contracts/crm-schema';
import type { CrmLead } from './types';

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

export function filterParameters(fields: CrmCustomField[]): FilterParameter[] {
  const used = new Set<string>();
  return fields.map((field) => {
    let key = filterParameterKey(field);
    if (used.has(key)) key = `cf:${field.id}`;
    used.add(key);
    return { key, name: field.name, group: field.isTracking ? 'tracking' : 'custom' };
  });
}

export function buildCrmSchema(
  account: CrmAccount,
  pipelines: CrmPipeline[],
  customFields: CrmCustomField[],
  fetchedAt: Date,
): CrmSchema {
  return crmSchemaSchema.parse({
    account,
    pipelines,
    customFields,
    filterParameters: filterParameters(customFields),
    fetchedAt: fetchedAt.toISOString(),
  });
}

/**
 * A deal for the calculation preview: its amount and the values of the fields the CRM's
 * schema calls numeric (`isNumeric`), whatever the CRM's own type names are.
 */
export function toSampleDeal(lead: CrmLead, numericFieldIds: ReadonlySet<string>): SampleDeal {
  const values: Record<string, number> = {};
  for (const field of lead.customFields) {
    if (!numericFieldIds.has(field.fieldId)) continue;
    const raw = field.values[0];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (Number.isFinite(value)) values[field.fieldId] = value;
  }
  return { id: lead.id, name: lead.name, price: lead.price, values };
}
