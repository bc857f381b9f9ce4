import type { CrmAccount } from '../../app/contracts/connector';
import {
  crmSchemaSchema,
  filterParameters,
  type CrmCustomField,
  type CrmPipeline,
  type CrmSchema,
  type SampleDeal,
} from '../../app/contracts/crm-schema';

import type { CrmLead } from './types';

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
