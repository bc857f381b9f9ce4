import type { z } from 'zod';

import type { FilterParameter } from '@/contracts/crm-schema';
import {
  filterConditionSchema,
  filterSchema,
  LIMITS,
  VALUE_OPERATORS,
  type Filter,
  type FilterCondition,
  type FilterOperator,
} from '@/contracts/mapping-config';

/** Message codes the form's own rules produce (translated as `filters.errors.<code>`). */
export const FILTER_ERROR_CODES = ['value_required', 'too_long', 'unknown_parameter', 'invalid'] as const;
export type FilterErrorCode = (typeof FILTER_ERROR_CODES)[number];

export const usesValue = (operator: FilterOperator) => VALUE_OPERATORS.includes(operator);

/** The shared contract plus what the step needs before saving: a value for value operators. */
export const filterFormSchema = filterSchema.superRefine((filter, ctx) => {
  filter.conditions.forEach((condition, index) => {
    if (usesValue(condition.operator) && condition.value.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['conditions', index, 'value'], message: 'value_required' });
    }
  });
});
export type FilterFormInput = z.input<typeof filterFormSchema>;
export type FilterFormValues = z.output<typeof filterFormSchema>;

export function newCondition(field: string): FilterCondition {
  return { field, action: 'include', operator: 'equals', value: '' };
}

/** What is saved: values trimmed, and no leftover value on operators that ignore it. */
export function toSavedFilter(values: FilterFormValues): Filter {
  return {
    match: values.match,
    conditions: values.conditions.map((condition) => ({
      ...condition,
      value: usesValue(condition.operator) ? condition.value.trim() : '',
    })),
  };
}

/** What the step autosaves while the user works: a draft of the filter, and what had to stay out of it. */
export interface FilterDraft {
  filter: Filter;
  /** For each saved condition, its row in the form (server errors point into `filter`). */
  rows: number[];
  /** Rows the draft contract refuses (kept on screen only; leaving would lose them). */
  unsaved: number[];
}

/**
 * The filter as typed, for the draft: values exactly as entered (a reload shows what was
 * typed; empty values are fine in a draft, Next asks for them). A condition the shared
 * contract refuses stays out of the draft instead of failing the whole save.
 */
export function toDraftFilter(values: FilterFormInput): FilterDraft {
  const rows: number[] = [];
  const unsaved: number[] = [];
  const conditions: FilterCondition[] = [];
  (values.conditions ?? []).forEach((condition, index) => {
    const parsed = filterConditionSchema.safeParse(condition);
    if (parsed.success) {
      conditions.push({ ...parsed.data, value: condition.value ?? '' });
      rows.push(index);
    } else {
      unsaved.push(index);
    }
  });
  return { filter: { match: values.match ?? 'all', conditions }, rows, unsaved };
}

/**
 * Where a server error (a JSON pointer into the whole configuration) lands in this form:
 * `/filter/conditions/0/value` → `conditions.0.value`; null when it is not about the filter.
 */
export function pointerToFormPath(pointer: string): string | null {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] !== 'filter' || parts.length < 2) return null;
  const rest = parts.slice(1);
  if (rest[0] === 'match' && rest.length === 1) return 'match';
  if (rest[0] !== 'conditions') return null;
  if (rest.length === 1) return 'conditions';
  const index = rest[1] ?? '';
  if (!/^\d+$/.test(index)) return null;
  const field = rest[2];
  if (field === undefined) return `conditions.${index}.field`;
  if (!['field', 'action', 'operator', 'value'].includes(field)) return null;
  return `conditions.${index}.${field}`;
}

/** A form error's message code: the rule's own, a length limit, or "invalid". */
export function errorCode(error: { type?: string; message?: string } | undefined): FilterErrorCode | null {
  if (!error) return null;
  const message = error.message ?? '';
  if ((FILTER_ERROR_CODES as readonly string[]).includes(message)) return message as FilterErrorCode;
  if (error.type === 'too_big' || message === 'too_big') return 'too_long';
  return 'invalid';
}

export const MAX_VALUE_LENGTH = LIMITS.filterValue;
export const MAX_CONDITIONS = LIMITS.conditions;

export const PARAMETER_GROUPS = ['system', 'tracking', 'custom'] as const satisfies ReadonlyArray<FilterParameter['group']>;

/** Parameters matching a search (name or key, case-insensitive), grouped in display order. */
export function groupParameters(parameters: readonly FilterParameter[], query: string) {
  const needle = query.trim().toLocaleLowerCase();
  const matches = needle
    ? parameters.filter(
        (parameter) => parameter.name.toLocaleLowerCase().includes(needle) || parameter.key.toLocaleLowerCase().includes(needle),
      )
    : parameters;
  return PARAMETER_GROUPS.map((group) => ({ group, parameters: matches.filter((parameter) => parameter.group === group) })).filter(
    (entry) => entry.parameters.length > 0,
  );
}
