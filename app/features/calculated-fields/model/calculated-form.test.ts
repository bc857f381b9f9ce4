import { describe, expect, it } from 'vitest';

import type { CrmCustomField } from '@/contracts/crm-schema';

import {
  calculatedFormSchema,
  formulaErrorParams,
  insertToken,
  nameErrorCode,
  numericFields,
  segmentFormula,
  toDraftFields,
  toSavedFields,
} from './calculated-form';

const fields: CrmCustomField[] = [
  { id: '1', name: 'LANDING', code: null, type: 'text', enums: null, isNumeric: false, isTracking: false },
  { id: '2', name: 'Себестоимость', code: null, type: 'monetary', enums: null, isNumeric: true, isTracking: false },
  { id: '3', name: 'Лицензии', code: null, type: 'numeric', enums: null, isNumeric: true, isTracking: false },
  { id: '4', name: 'utm_source', code: null, type: 'tracking_data', enums: null, isNumeric: false, isTracking: true },
];

describe('calculated fields form rules', () => {
  const schema = calculatedFormSchema(fields);

  it('accepts valid fields with unique names', () => {
    const result = schema.safeParse({
      calculatedFields: [
        { id: 'a', name: 'Margin', expression: '{price} - {cf:2}' },
        { id: 'b', name: 'Per licence', expression: '({price} - {cf:2}) / {cf:3}' },
      ],
    });
    expect(result.success).toBe(true);
  });

  it('reports names that are empty or taken (case-insensitive) and every formula error by code', () => {
    const result = schema.safeParse({
      calculatedFields: [
        { id: 'a', name: 'Margin', expression: '{price} / 0' },
        { id: 'b', name: 'margin ', expression: '{cf:99} + 1' },
        { id: 'c', name: '', expression: '{cf:1} * 2' },
        { id: 'd', name: 'Broken', expression: '{price} +' },
      ],
    });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]) ?? [];
    expect(issues).toContainEqual(['calculatedFields.0.expression', 'formula_division_by_zero']);
    expect(issues).toContainEqual(['calculatedFields.1.name', 'name_taken']);
    expect(issues).toContainEqual(['calculatedFields.1.expression', 'formula_unknown_field']);
    expect(issues).toContainEqual(['calculatedFields.2.expression', 'formula_non_numeric_field']);
    expect(issues).toContainEqual(['calculatedFields.3.expression', 'formula_unexpected_end']);
    expect(result.error?.issues.find((issue) => issue.path.join('.') === 'calculatedFields.2.name')?.code).toBe('too_small');
  });

  it('names error codes without the contract’s English text', () => {
    expect(nameErrorCode({ type: 'too_small', message: 'Name must not be empty' })).toBe('name_required');
    expect(nameErrorCode({ type: 'too_big', message: 'Name must be at most 100 characters' })).toBe('name_too_long');
    expect(nameErrorCode({ type: 'custom', message: 'name_taken' })).toBe('name_taken');
    expect(nameErrorCode({ type: 'server', message: 'something' })).toBe('invalid');
    expect(nameErrorCode(undefined)).toBeNull();
  });

  it('saves trimmed names and expressions', () => {
    expect(toSavedFields({ calculatedFields: [{ id: 'a', name: ' Margin ', expression: ' {price} ' }] })).toEqual([
      { id: 'a', name: 'Margin', expression: '{price}' },
    ]);
  });
});

describe('numeric fields', () => {
  it('offers the deal amount first, then numeric and monetary custom fields, never tracking ones', () => {
    expect(numericFields(fields).map((field) => field.token)).toEqual(['{price}', '{cf:2}', '{cf:3}']);
  });
});

describe('inserting a field token at the caret', () => {
  it('adds spaces only where needed', () => {
    expect(insertToken('', 0, 0, '{price}')).toEqual({ value: '{price}', caret: 7 });
    expect(insertToken('{price} -', 9, 9, '{cf:2}')).toEqual({ value: '{price} - {cf:2}', caret: 16 });
    expect(insertToken('{price} - ', 10, 10, '{cf:2}')).toEqual({ value: '{price} - {cf:2}', caret: 16 });
    expect(insertToken('( / 2', 1, 1, '{cf:2}')).toEqual({ value: '({cf:2} / 2', caret: 7 });
    expect(insertToken('(1 - )', 5, 5, '{cf:2}')).toEqual({ value: '(1 - {cf:2})', caret: 11 });
  });

  it('replaces a selection and clamps out-of-range positions', () => {
    expect(insertToken('{price} * 2', 10, 11, '{cf:3}')).toEqual({ value: '{price} * {cf:3}', caret: 16 });
    expect(insertToken('1', 99, 120, '{price}')).toEqual({ value: '1 {price}', caret: 9 });
  });
});

describe('segmenting an expression for display', () => {
  it('splits text and field references', () => {
    expect(segmentFormula('({price} - {cf:2}) / {oops}')).toEqual([
      { kind: 'text', text: '(' },
      { kind: 'field', raw: '{price}', ref: { kind: 'price' } },
      { kind: 'text', text: ' - ' },
      { kind: 'field', raw: '{cf:2}', ref: { kind: 'custom', id: '2' } },
      { kind: 'text', text: ') / ' },
      { kind: 'field', raw: '{oops}', ref: null },
    ]);
    expect(segmentFormula('')).toEqual([]);
  });

  it('gives formula errors a 1-based position and the field’s name', () => {
    expect(formulaErrorParams({ code: 'non_numeric_field', position: 4, text: '{cf:1}' }, fields)).toEqual({
      position: 5,
      text: '{cf:1}',
      field: 'LANDING',
    });
    expect(formulaErrorParams({ code: 'unknown_field', position: 0, text: '{cf:99}' }, fields).field).toBe('{cf:99}');
  });
});

describe('the calculated fields draft', () => {
  const margin = { id: 'a', name: 'Margin', expression: '{price} - {cf:2}' };

  it('saves named fields with half-typed expressions; an unnamed new field stays on screen only', () => {
    const draft = toDraftFields(
      [
        { id: 'a', name: ' Margin ', expression: '{price} -' },
        { id: 'b', name: '', expression: '{cf:3}' },
        { id: 'c', name: 'Per licence', expression: '' },
      ],
      new Map(),
    );
    expect(draft).toEqual({
      fields: [
        { id: 'a', name: 'Margin', expression: '{price} -' },
        { id: 'c', name: 'Per licence', expression: '' },
      ],
      rows: [0, 2],
      unsaved: [1],
    });
  });

  it('keeps the saved version of a field whose name was cleared or taken, instead of deleting it', () => {
    const previous = new Map([
      ['a', margin],
      ['b', { id: 'b', name: 'Cost', expression: '{cf:2}' }],
    ]);
    const draft = toDraftFields(
      [
        { id: 'a', name: '', expression: '{price} * 2' },
        { id: 'b', name: 'margin', expression: '{cf:2} + 1' },
        { id: 'c', name: 'MARGIN', expression: '1' },
      ],
      previous,
    );
    expect(draft.fields).toEqual([margin, { id: 'b', name: 'Cost', expression: '{cf:2}' }]);
    expect(draft.rows).toEqual([0, 1]);
    expect(draft.unsaved).toEqual([0, 1, 2]);
  });

  it('drops a removed field (nothing keeps it once its row is gone)', () => {
    expect(toDraftFields([], new Map([['a', margin]]))).toEqual({ fields: [], rows: [], unsaved: [] });
  });
});
