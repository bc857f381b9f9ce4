import { z } from 'zod';

import type { CrmCustomField } from '@/contracts/crm-schema';
import { checkFormula, parseFieldRef, type FieldRef, type FormulaError, type FormulaFieldInfo } from '@/contracts/formula';
import { calculatedFieldSchema, LIMITS, type CalculatedField } from '@/contracts/mapping-config';

/** Message codes of the step's own rules, translated as `calculation.errors.<code>`. */
export const CALCULATION_ERROR_CODES = ['name_required', 'name_too_long', 'name_taken', 'invalid'] as const;
export type CalculationErrorCode = (typeof CALCULATION_ERROR_CODES)[number];

/** The shared contract for each field, plus unique names and a valid expression against the account's fields. */
export function calculatedFormSchema(fields: readonly FormulaFieldInfo[]) {
  return z
    .object({ calculatedFields: z.array(calculatedFieldSchema).max(LIMITS.calculatedFields) })
    .superRefine((value, ctx) => {
      const seen = new Set<string>();
      value.calculatedFields.forEach((field, index) => {
        const key = field.name.trim().toLocaleLowerCase();
        if (key && seen.has(key)) {
          ctx.addIssue({ code: 'custom', path: ['calculatedFields', index, 'name'], message: 'name_taken' });
        }
        seen.add(key);
        const result = checkFormula(field.expression, fields);
        if (!result.ok) {
          ctx.addIssue({ code: 'custom', path: ['calculatedFields', index, 'expression'], message: `formula_${result.error.code}` });
        }
      });
    });
}
export type CalculatedFormSchema = ReturnType<typeof calculatedFormSchema>;
export type CalculatedFormInput = z.input<CalculatedFormSchema>;
export type CalculatedFormValues = z.output<CalculatedFormSchema>;

/** A name error's message code (the contract's own English messages are never shown). */
export function nameErrorCode(error: { type?: string; message?: string } | undefined): CalculationErrorCode | null {
  if (!error) return null;
  if (error.message === 'name_taken') return 'name_taken';
  if (error.type === 'too_small' || error.message === 'too_small') return 'name_required';
  if (error.type === 'too_big' || error.message === 'too_big') return 'name_too_long';
  return 'invalid';
}

export function newCalculatedField(token: string, id: string = makeId()): CalculatedField {
  return { id, name: '', expression: token };
}

function makeId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `calc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** What is saved: names trimmed, expressions trimmed. */
export function toSavedFields(values: CalculatedFormValues): CalculatedField[] {
  return values.calculatedFields.map((field) => ({ ...field, name: field.name.trim(), expression: field.expression.trim() }));
}

/** What the step autosaves while the user works: the calculated fields the draft can hold. */
export interface CalculatedDraft {
  fields: CalculatedField[];
  /** For each saved field, its row in the form (server errors point into `fields`). */
  rows: number[];
  /** Rows whose latest edit is not in the draft (no name yet, or a name another field has). */
  unsaved: number[];
}

/**
 * The calculated fields for the draft. A draft needs what the shared contract needs (a
 * name, unique ids and names) but not a valid expression, so half-typed expressions are
 * saved. A row the contract refuses does not fail the whole save: it keeps the version
 * saved before (`previous`, by id) so a passing edit — a name cleared to retype it — never
 * deletes a saved field; a row never saved stays on screen only until it has a name.
 */
export function toDraftFields(values: readonly CalculatedField[], previous: ReadonlyMap<string, CalculatedField>): CalculatedDraft {
  const fields: CalculatedField[] = [];
  const rows: number[] = [];
  const unsaved: number[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const fits = (field: CalculatedField) => !ids.has(field.id) && !names.has(field.name.toLocaleLowerCase());
  values.forEach((value, index) => {
    const parsed = calculatedFieldSchema.safeParse(value);
    const current = parsed.success ? parsed.data : null;
    const before = previous.get(value.id);
    const chosen = current && fits(current) ? current : before && fits(before) ? before : null;
    if (!current || chosen !== current) unsaved.push(index);
    if (!chosen) return;
    fields.push(chosen);
    rows.push(index);
    ids.add(chosen.id);
    names.add(chosen.name.toLocaleLowerCase());
  });
  return { fields, rows, unsaved };
}

/** The fields a calculated field can use: the deal amount and the numeric/monetary custom fields. */
export interface NumericField {
  ref: FieldRef;
  token: string;
  /** null for the deal amount, whose name comes from the catalogue. */
  name: string | null;
  type: string;
}

export function numericFields(customFields: readonly CrmCustomField[]): NumericField[] {
  return [
    { ref: { kind: 'price' }, token: '{price}', name: null, type: 'price' },
    ...customFields
      .filter((field) => field.isNumeric && !field.isTracking)
      .map((field): NumericField => ({ ref: { kind: 'custom', id: field.id }, token: `{cf:${field.id}}`, name: field.name, type: field.type })),
  ];
}

/**
 * Inserts a field token at the caret (replacing a selection), with spaces so that it reads
 * well; returns the new text and where the caret goes.
 */
export function insertToken(source: string, start: number, end: number, token: string): { value: string; caret: number } {
  const from = Math.max(0, Math.min(start, source.length));
  const to = Math.max(from, Math.min(end, source.length));
  const before = source.slice(0, from);
  const after = source.slice(to);
  const left = before === '' || /[\s(]$/.test(before) ? '' : ' ';
  const right = after === '' || /^[\s)]/.test(after) ? '' : ' ';
  const value = `${before}${left}${token}${right}${after}`;
  return { value, caret: before.length + left.length + token.length + right.length };
}

/** A piece of an expression for display: plain text or a field reference (shown as a chip with the field's name). */
export type FormulaSegment = { kind: 'text'; text: string } | { kind: 'field'; raw: string; ref: FieldRef | null };

export function segmentFormula(source: string): FormulaSegment[] {
  const segments: FormulaSegment[] = [];
  const pattern = /\{[^{}]*\}/g;
  let last = 0;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    if (match.index > last) segments.push({ kind: 'text', text: source.slice(last, match.index) });
    segments.push({ kind: 'field', raw: match[0], ref: parseRef(match[0]) });
    last = match.index + match[0].length;
  }
  if (last < source.length) segments.push({ kind: 'text', text: source.slice(last) });
  return segments;
}

function parseRef(raw: string): FieldRef | null {
  return parseFieldRef(raw.slice(1, -1));
}

/**
 * The catalogue key of a formula error (`division_by_zero` would read as a plural form
 * "_zero" to i18next, so it is stored as `zero_division`).
 */
export function formulaMessageKey(code: FormulaError['code']): string {
  return code === 'division_by_zero' ? 'zero_division' : code;
}

/** The parameters of a formula error message: position (1-based) and the offending text or field name. */
export function formulaErrorParams(error: FormulaError, customFields: readonly CrmCustomField[]) {
  const ref = error.text ? parseRef(error.text) : null;
  const field = ref?.kind === 'custom' ? customFields.find((candidate) => candidate.id === ref.id) : undefined;
  return { position: error.position + 1, text: error.text ?? '', field: field?.name ?? error.text ?? '' };
}
