import { describe, expect, it } from 'vitest';

import {
  MAX_FORMULA_LENGTH,
  checkFormula,
  collectFieldRefs,
  evaluateFormula,
  fieldRefToken,
  parseFormula,
  type FormulaError,
  type FormulaErrorCode,
  type FormulaNode,
  type FormulaFieldInfo,
} from './formula';

type Values = Parameters<typeof evaluateFormula>[1];
const NO_VALUES: Values = { price: null, custom: {} };

function ast(source: string): FormulaNode {
  const result = parseFormula(source);
  if (!result.ok) throw new Error(`expected "${source}" to parse, got ${JSON.stringify(result.error)}`);
  return result.ast;
}

function errorOf(source: string): FormulaError {
  const result = parseFormula(source);
  if (result.ok) throw new Error(`expected "${source}" to fail`);
  return result.error;
}

/** Evaluates a literal expression (or one with the given values). */
function calc(source: string, values: Values = NO_VALUES): number | null {
  return evaluateFormula(ast(source), values);
}

/** The AST as a fully parenthesized string, to check the shape without positions. */
function show(node: FormulaNode): string {
  switch (node.type) {
    case 'number':
      return String(node.value);
    case 'field':
      return fieldRefToken(node.ref);
    case 'unary':
      return `(-${show(node.operand)})`;
    case 'binary':
      return `(${show(node.left)} ${node.op} ${show(node.right)})`;
  }
}

describe('parseFormula: precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))', 7],
    ['1 * 2 + 3', '((1 * 2) + 3)', 5],
    ['10 - 4 - 3', '((10 - 4) - 3)', 3],
    ['64 / 4 / 2', '((64 / 4) / 2)', 8],
    ['2 * 3 / 4', '((2 * 3) / 4)', 1.5],
    ['8 / 2 * 4', '((8 / 2) * 4)', 16],
    ['1 - 2 + 3', '((1 - 2) + 3)', 2],
    ['(1 + 2) * 3', '((1 + 2) * 3)', 9],
    ['2 * (3 + 4) * 5', '((2 * (3 + 4)) * 5)', 70],
    ['((((7))))', '7', 7],
    ['10 - (4 - 3)', '(10 - (4 - 3))', 9],
    ['100 / (10 / 2)', '(100 / (10 / 2))', 20],
  ])('%s', (source, shape, value) => {
    expect(show(ast(source))).toBe(shape);
    expect(calc(source)).toBe(value);
  });
});

describe('parseFormula: unary minus', () => {
  it.each([
    ['-3', '(-3)', -3],
    ['--3', '(-(-3))', 3],
    ['- - -3', '(-(-(-3)))', -3],
    ['2 - -3', '(2 - (-3))', 5],
    ['2--3', '(2 - (-3))', 5],
    ['2 * -3', '(2 * (-3))', -6],
    ['-2 * 3', '((-2) * 3)', -6],
    ['-(2 + 3)', '(-(2 + 3))', -5],
    ['-{price}', '(-{price})', -10],
    ['4 / -2', '(4 / (-2))', -2],
  ])('%s', (source, shape, value) => {
    expect(show(ast(source))).toBe(shape);
    expect(calc(source, { price: 10, custom: {} })).toBe(value);
  });

  it('has no unary plus', () => {
    expect(errorOf('+3')).toEqual({ code: 'unexpected_token', position: 0, text: '+' });
    expect(errorOf('2 * +3')).toEqual({ code: 'unexpected_token', position: 4, text: '+' });
  });
});

describe('parseFormula: numbers', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['007', 7],
    ['3.25', 3.25],
    ['1.', 1],
    ['.5', 0.5],
    ['  12  ', 12],
    ['\t1\n+\n2\t', 3],
  ])('%j is %d', (source, value) => {
    expect(calc(source)).toBe(value);
  });

  it('records node positions', () => {
    expect(ast(' 12 ')).toEqual({ type: 'number', value: 12, start: 1, end: 3 });
    const sum = ast('1 + {price}');
    expect(sum).toMatchObject({ type: 'binary', op: '+', start: 0, end: 11 });
    expect(ast('(1 + 2)')).toMatchObject({ type: 'binary', start: 0, end: 7 });
    expect(ast('-4')).toMatchObject({ type: 'unary', start: 0, end: 2 });
  });

  it('rejects exponents and repeated dots', () => {
    expect(errorOf('1e5')).toEqual({ code: 'unexpected_character', position: 1, text: 'e' });
    expect(errorOf('1..2')).toEqual({ code: 'unexpected_token', position: 2, text: '.2' });
    expect(errorOf('1.2.3')).toEqual({ code: 'unexpected_token', position: 3, text: '.3' });
    expect(errorOf('.')).toEqual({ code: 'unexpected_character', position: 0, text: '.' });
  });
});

describe('parseFormula: field references', () => {
  it('parses {price} and {cf:id}, tolerating spaces inside the braces', () => {
    expect(ast('{price}')).toEqual({ type: 'field', ref: { kind: 'price' }, start: 0, end: 7 });
    expect(ast('{cf:1016236}')).toEqual({ type: 'field', ref: { kind: 'custom', id: '1016236' }, start: 0, end: 12 });
    expect(ast('{ price }')).toMatchObject({ ref: { kind: 'price' } });
    expect(ast('{ cf:12 }')).toMatchObject({ ref: { kind: 'custom', id: '12' } });
  });

  it('takes every CRM\'s field ids: Bitrix24 UF_CRM_…, RetailCRM codes, and checks them against the fields', () => {
    expect(ast('{cf:UF_CRM_1713790573}')).toMatchObject({ ref: { kind: 'custom', id: 'UF_CRM_1713790573' } });
    expect(ast('{cf:margin_rub} - {cf:cost-2}')).toMatchObject({
      left: { ref: { kind: 'custom', id: 'margin_rub' } },
      right: { ref: { kind: 'custom', id: 'cost-2' } },
    });
    const fields = [
      { id: 'UF_CRM_1713790573', isNumeric: true },
      { id: 'UF_CRM_LANDING', isNumeric: false },
    ];
    expect(checkFormula('{cf:UF_CRM_1713790573} * 2', fields).ok).toBe(true);
    expect(checkFormula('{cf:UF_CRM_LANDING} * 2', fields)).toMatchObject({ ok: false, error: { code: 'non_numeric_field' } });
    expect(checkFormula('{cf:UF_CRM_1} * 2', fields)).toMatchObject({ ok: false, error: { code: 'unknown_field', text: '{cf:UF_CRM_1}' } });
  });

  it('prints references back with fieldRefToken', () => {
    expect(fieldRefToken({ kind: 'price' })).toBe('{price}');
    expect(fieldRefToken({ kind: 'custom', id: '5' })).toBe('{cf:5}');
    expect(show(ast('{price} * {cf:5}'))).toBe('({price} * {cf:5})');
  });

  it.each([
    ['{}', 0, '{}'],
    ['{amount}', 0, '{amount}'],
    ['{Price}', 0, '{Price}'],
    ['{cf:}', 0, '{cf:}'],
    ['{cf:a b}', 0, '{cf:a b}'],
    ['{cf:поле}', 0, '{cf:поле}'],
    ['{cf:"x"}', 0, '{cf:"x"}'],
    ['{cf: 5}', 0, '{cf: 5}'],
    [`{cf:${'1'.repeat(65)}}`, 0, `{cf:${'1'.repeat(65)}}`],
    ['2 * {price', 4, '{price'],
    ['1 + {cf:1{price}}', 4, '{cf:1{price}'],
  ])('%s is a bad reference', (source, position, text) => {
    expect(errorOf(source)).toEqual({ code: 'bad_field_reference', position, text });
  });

  it('accepts the longest allowed custom field id', () => {
    expect(ast('{cf:123456789012345}')).toMatchObject({ ref: { kind: 'custom', id: '123456789012345' } });
  });

  it('collects references in order of appearance', () => {
    const refs = collectFieldRefs(ast('{cf:2} + -({price} * {cf:1}) / {cf:2}'));
    expect(refs).toEqual([
      { ref: { kind: 'custom', id: '2' }, start: 0, end: 6 },
      { ref: { kind: 'price' }, start: 11, end: 18 },
      { ref: { kind: 'custom', id: '1' }, start: 21, end: 27 },
      { ref: { kind: 'custom', id: '2' }, start: 31, end: 37 },
    ]);
    expect(collectFieldRefs(ast('1 + 2'))).toEqual([]);
  });
});

describe('parseFormula: errors and their positions', () => {
  it.each<[string, FormulaError]>([
    ['', { code: 'empty', position: 0 }],
    ['   \n\t', { code: 'empty', position: 0 }],
    ['1 + a', { code: 'unexpected_character', position: 4, text: 'a' }],
    ['2 ^ 3', { code: 'unexpected_character', position: 2, text: '^' }],
    ['1,5', { code: 'unexpected_character', position: 1, text: ',' }],
    ['price', { code: 'unexpected_character', position: 0, text: 'p' }],
    ['1 + 😀', { code: 'unexpected_character', position: 4, text: '😀' }],
    ['* 2', { code: 'unexpected_token', position: 0, text: '*' }],
    ['1 + * 2', { code: 'unexpected_token', position: 4, text: '*' }],
    ['1 2', { code: 'unexpected_token', position: 2, text: '2' }],
    ['{price} {price}', { code: 'unexpected_token', position: 8, text: '{price}' }],
    ['1)', { code: 'unexpected_token', position: 1, text: ')' }],
    ['(1 + 2))', { code: 'unexpected_token', position: 7, text: ')' }],
    ['()', { code: 'unexpected_token', position: 1, text: ')' }],
    ['(1 2)', { code: 'unexpected_token', position: 3, text: '2' }],
    ['2 (3)', { code: 'unexpected_token', position: 2, text: '(' }],
    ['1 +', { code: 'unexpected_end', position: 3 }],
    ['1 + ', { code: 'unexpected_end', position: 4 }],
    ['-', { code: 'unexpected_end', position: 1 }],
    ['(', { code: 'unexpected_end', position: 1 }],
    ['(1 + 2', { code: 'unclosed_parenthesis', position: 0, text: '(' }],
    ['3 * ((1 + 2)', { code: 'unclosed_parenthesis', position: 4, text: '(' }],
    ['((1)', { code: 'unclosed_parenthesis', position: 0, text: '(' }],
  ])('%j', (source, error) => {
    expect(errorOf(source)).toEqual(error);
  });

  it('reports the first problem, left to right', () => {
    expect(errorOf('1 + * a')).toEqual({ code: 'unexpected_character', position: 6, text: 'a' });
    expect(errorOf('(1 + ) * {x}')).toEqual({ code: 'bad_field_reference', position: 9, text: '{x}' });
  });
});

describe('parseFormula: division by a literal zero', () => {
  it.each<[string, number]>([
    ['1 / 0', 4],
    ['1/0', 2],
    ['{price} / 0.0', 10],
    ['1 / .0', 4],
    ['1 / 000', 4],
    ['1 / -0', 4],
    ['1 / - - 0', 4],
    ['1 / (0)', 4],
    ['1 / ((0))', 4],
    ['1 / (-0)', 4],
    ['1 / -(0)', 4],
    ['0 / 0', 4],
    ['2 * (5 / 0)', 9],
    ['1 + 2 / 0 * 3', 8],
    ['-(1 / 0)', 6],
    ['1 / 2 / 0', 8],
  ])('%s is refused at %d', (source, position) => {
    expect(errorOf(source)).toEqual({ code: 'division_by_zero', position });
  });

  it('reports the leftmost one', () => {
    expect(errorOf('1 / 0 + 2 / 0')).toEqual({ code: 'division_by_zero', position: 4 });
  });

  it('allows zero elsewhere and zero-valued expressions that are not literals', () => {
    expect(calc('0 / 5')).toBe(0);
    expect(calc('5 * 0')).toBe(0);
    expect(calc('1 / 0.5')).toBe(2);
    expect(calc('1 / (2 - 2)')).toBeNull();
    expect(calc('1 / (0 * 5)')).toBeNull();
  });

  it('prefers a syntax error over a division by zero', () => {
    expect(errorOf('1 / 0 +')).toEqual({ code: 'unexpected_end', position: 7 });
  });
});

describe('parseFormula: length and depth limits', () => {
  it('accepts exactly MAX_FORMULA_LENGTH characters', () => {
    const source = `1${' '.repeat(MAX_FORMULA_LENGTH - 1)}`;
    expect(source).toHaveLength(MAX_FORMULA_LENGTH);
    expect(parseFormula(source).ok).toBe(true);
  });

  it('refuses one more, before looking at the content', () => {
    expect(errorOf(`1${' '.repeat(MAX_FORMULA_LENGTH)}`)).toEqual({ code: 'too_long', position: MAX_FORMULA_LENGTH });
    expect(errorOf('a'.repeat(MAX_FORMULA_LENGTH + 1))).toEqual({ code: 'too_long', position: MAX_FORMULA_LENGTH });
  });

  it('handles the longest flat chains without trouble', () => {
    const sum = `1${'+1'.repeat((MAX_FORMULA_LENGTH - 1) / 2)}`;
    expect(sum.length).toBeLessThanOrEqual(MAX_FORMULA_LENGTH);
    expect(calc(sum)).toBe(1000);
    const product = `2${'*1'.repeat(999)}`;
    expect(calc(product)).toBe(2);
  });

  it('allows reasonable nesting', () => {
    expect(calc(`${'('.repeat(60)}1 + 2${')'.repeat(60)}`)).toBe(3);
    expect(calc(`${'-'.repeat(60)}5`)).toBe(5);
  });

  it('refuses deep nesting without overflowing the stack', () => {
    const parens = `${'('.repeat(999)}1${')'.repeat(999)}`;
    expect(parens.length).toBeLessThanOrEqual(MAX_FORMULA_LENGTH);
    expect(errorOf(parens).code).toBe('too_long');
    expect(errorOf('-'.repeat(1999) + '1').code).toBe('too_long');
    expect(errorOf(`${'(-'.repeat(600)}1`).code).toBe('too_long');
    const unbalanced = '('.repeat(MAX_FORMULA_LENGTH);
    expect(() => parseFormula(unbalanced)).not.toThrow();
    expect(errorOf(unbalanced).code).toBe('too_long');
  });
});

describe('checkFormula', () => {
  const fields: FormulaFieldInfo[] = [
    { id: '100', isNumeric: true },
    { id: '200', isNumeric: false },
  ];

  it('accepts known numeric fields and {price}', () => {
    const result = checkFormula('{price} - {cf:100}', fields);
    expect(result.ok).toBe(true);
    if (result.ok) expect(show(result.ast)).toBe('({price} - {cf:100})');
  });

  it('refuses an unknown field, with its text and position', () => {
    expect(checkFormula('{price} * {cf:999}', fields)).toEqual({
      ok: false,
      error: { code: 'unknown_field', position: 10, text: '{cf:999}' },
    });
  });

  it('refuses a non-numeric field, quoting the source text', () => {
    expect(checkFormula('1 + { cf:200 }', fields)).toEqual({
      ok: false,
      error: { code: 'non_numeric_field', position: 4, text: '{ cf:200 }' },
    });
  });

  it('reports the first bad field in order of appearance', () => {
    const result = checkFormula('{cf:200} + {cf:999}', fields);
    expect(result.ok ? null : result.error.code).toBe('non_numeric_field');
    const other = checkFormula('{cf:999} + {cf:200}', fields);
    expect(other.ok ? null : other.error).toEqual({ code: 'unknown_field', position: 0, text: '{cf:999}' });
  });

  it('reports syntax errors before field problems', () => {
    expect(checkFormula('{cf:999} +', fields)).toEqual({ ok: false, error: { code: 'unexpected_end', position: 10 } });
  });

  it('treats every custom field as unknown without a field list', () => {
    expect(checkFormula('{cf:100}', []).ok).toBe(false);
    expect(checkFormula('{price} * 2', []).ok).toBe(true);
  });
});

describe('evaluateFormula', () => {
  const values: Values = { price: 1000, custom: { '100': 250, '300': 0, '400': -4 } };

  it('reads the price and custom fields', () => {
    expect(calc('{price} - {cf:100}', values)).toBe(750);
    expect(calc('({price} - {cf:100}) / {price} * 100', values)).toBe(75);
    expect(calc('{cf:400} * -1', values)).toBe(4);
  });

  it('gives null when a value is missing', () => {
    expect(calc('{price} + 1', { price: null, custom: {} })).toBeNull();
    expect(calc('{cf:999} * 0', values)).toBeNull();
    expect(calc('-{cf:999}', values)).toBeNull();
    expect(calc('1 + 2 * ({cf:999} - 1)', values)).toBeNull();
  });

  it('gives null for a division by zero at run time, including by -0', () => {
    expect(calc('{price} / {cf:300}', values)).toBeNull();
    expect(calc('{price} / -{cf:300}', values)).toBeNull();
    expect(calc('{price} / ({cf:100} - 250)', values)).toBeNull();
    expect(calc('0 / {price}', values)).toBe(0);
  });

  it('never returns Infinity or NaN, even when numbers overflow', () => {
    const huge = '9'.repeat(400);
    expect(calc(huge)).toBeNull();
    expect(calc(`${huge} - ${huge}`)).toBeNull();
    expect(calc(`${'9'.repeat(200)} * ${'9'.repeat(200)}`)).toBeNull();
    expect(calc('{price} * {price}', { price: 1e308, custom: {} })).toBeNull();
    expect(calc('{price} / 1', { price: Number.NaN, custom: {} })).toBeNull();
    expect(calc('{price} / 3', { price: 1, custom: {} })).toBeCloseTo(1 / 3);
  });

  it('reads custom values from a frozen record by id', () => {
    expect(calc('{cf:100}', { price: null, custom: Object.freeze({ '100': 7 }) })).toBe(7);
  });

  it('evaluates the same AST against different deals', () => {
    const node = ast('{price} * 0.3');
    expect(evaluateFormula(node, { price: 100, custom: {} })).toBeCloseTo(30);
    expect(evaluateFormula(node, { price: null, custom: {} })).toBeNull();
  });
});

describe('every error code is reachable', () => {
  it('covers the whole union', () => {
    const fields: FormulaFieldInfo[] = [{ id: '1', isNumeric: false }];
    const samples: Record<FormulaErrorCode, string> = {
      empty: '',
      unexpected_character: '#',
      unexpected_token: ')',
      unexpected_end: '1 -',
      unclosed_parenthesis: '(1',
      bad_field_reference: '{x}',
      unknown_field: '{cf:2}',
      non_numeric_field: '{cf:1}',
      division_by_zero: '1/0',
      too_long: ' '.repeat(MAX_FORMULA_LENGTH + 1),
    };
    for (const [code, source] of Object.entries(samples)) {
      const result = checkFormula(source, fields);
      expect(result.ok ? 'ok' : result.error.code, source).toBe(code);
    }
  });
});
