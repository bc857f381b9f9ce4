import type { CrmCustomField } from '@/contracts/crm-schema';
import { LIMITS } from '@/contracts/mapping-config';

/**
 * "Other fields": the custom fields to load. Empty means every custom field. Tracking (UTM)
 * fields are always transferred, so they are never offered. Functions are pure and return
 * the same array when nothing changes.
 */

/** The fields a user can choose from: every custom field except tracking ones, in CRM order. */
export function selectableFields(fields: readonly CrmCustomField[]): CrmCustomField[] {
  return fields.filter((field) => !field.isTracking);
}

export function trackingFieldCount(fields: readonly CrmCustomField[]): number {
  return fields.filter((field) => field.isTracking).length;
}

/** Appends a field (no duplicates, within the contract's limit). */
export function addField(selected: readonly string[], fieldId: string): readonly string[] {
  if (selected.includes(fieldId) || selected.length >= LIMITS.otherFields) return selected;
  return [...selected, fieldId];
}

/** Appends several fields in the given order, skipping those already chosen. */
export function addFields(selected: readonly string[], fieldIds: readonly string[]): readonly string[] {
  const chosen = new Set(selected);
  const added = fieldIds.filter((id) => !chosen.has(id)).slice(0, Math.max(0, LIMITS.otherFields - selected.length));
  return added.length === 0 ? selected : [...selected, ...added];
}

export function removeField(selected: readonly string[], fieldId: string): readonly string[] {
  return selected.includes(fieldId) ? selected.filter((id) => id !== fieldId) : selected;
}

/** Case-insensitive match on the name or the CRM code; a blank query matches everything. */
export function matchesQuery(field: Pick<CrmCustomField, 'name' | 'code'>, query: string): boolean {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === '') return true;
  return field.name.toLocaleLowerCase().includes(needle) || (field.code ?? '').toLocaleLowerCase().includes(needle);
}
