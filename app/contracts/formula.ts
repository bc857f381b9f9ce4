/**
 * The calculated-field expression language: numbers, `+ - * /`, parentheses, unary minus
 * and field references written `{price}` (deal amount) or `{cf:<custom field id>}` with the
 * CRM's field id, whichever CRM it is: `{cf:1016236}` (amoCRM), `{cf:UF_CRM_1713790573}`
 * (Bitrix24), `{cf:margin_rub}` (RetailCRM).
 *
 * Parsed by a small recursive-descent parser into an AST and evaluated by walking it:
 * user text is never handed to `eval` or `Function`. Shared by the browser (validation as
 * you type, the preview) and the API (activation checks).
 */

import { CRM_ID_PATTERN } from './connector';

export type FieldRef = { kind: 'price' } | { kind: 'custom'; id: string };

export type FormulaNode =
  | { type: 'number'; value: number; start: number; end: number }
  | { type: 'field'; ref: FieldRef; start: number; end: number }
  | { type: 'unary'; op: '-'; operand: FormulaNode; start: number; end: number }
  | {
      type: 'binary';
      op: '+' | '-' | '*' | '/';
      left: FormulaNode;
      right: FormulaNode;
      start: number;
      end: number;
    };

export type FormulaErrorCode =
  | 'empty'
  | 'unexpected_character'
  | 'unexpected_token'
  | 'unexpected_end'
  | 'unclosed_parenthesis'
  | 'bad_field_reference'
  | 'unknown_field'
  | 'non_numeric_field'
  | 'division_by_zero'
  | 'too_long';

export interface FormulaError {
  code: FormulaErrorCode;
  /** Offset in the expression where the problem starts. */
  position: number;
  /** The offending text (a character, a token or a field reference), for the message. */
  text?: string;
}

export type ParseResult = { ok: true; ast: FormulaNode } | { ok: false; error: FormulaError };

export const MAX_FORMULA_LENGTH = 2000;
const MAX_DEPTH = 64;

type Token =
  | { t: 'num'; value: number; start: number; end: number }
  | { t: 'field'; ref: FieldRef; start: number; end: number }
  | { t: 'op'; op: '+' | '-' | '*' | '/'; start: number; end: number }
  | { t: 'lparen' | 'rparen'; start: number; end: number }
  | { t: 'eof'; start: number; end: number };

class FormulaSyntaxError extends Error {
  constructor(readonly detail: FormulaError) {
    super(detail.code);
  }
}

export function fieldRefToken(ref: FieldRef): string {
  return ref.kind === 'price' ? '{price}' : `{cf:${ref.id}}`;
}

/** The reference inside `{…}` (`price`, `cf:<id>`), or null when it is none. */
export function parseFieldRef(inner: string): FieldRef | null {
  const text = inner.trim();
  if (text === 'price') return { kind: 'price' };
  if (!text.startsWith('cf:')) return null;
  const id = text.slice(3);
  return CRM_ID_PATTERN.test(id) ? { kind: 'custom', id } : null;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(source.slice(i));
      if (!match) throw new FormulaSyntaxError({ code: 'unexpected_character', position: i, text: ch });
      tokens.push({ t: 'num', value: Number(match[0]), start: i, end: i + match[0].length });
      i += match[0].length;
      continue;
    }
    if (ch === '{') {
      const close = source.indexOf('}', i);
      if (close === -1) {
        throw new FormulaSyntaxError({ code: 'bad_field_reference', position: i, text: source.slice(i) });
      }
      const ref = parseFieldRef(source.slice(i + 1, close));
      if (!ref) {
        throw new FormulaSyntaxError({
          code: 'bad_field_reference',
          position: i,
          text: source.slice(i, close + 1),
        });
      }
      tokens.push({ t: 'field', ref, start: i, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (ch === '+' || ch === '-' || ch === '*' || ch === '/') {
      tokens.push({ t: 'op', op: ch, start: i, end: i + 1 });
      i += 1;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ t: ch === '(' ? 'lparen' : 'rparen', start: i, end: i + 1 });
      i += 1;
      continue;
    }
    // The whole character (an emoji is two UTF-16 units), so the message never shows half of one.
    const char = String.fromCodePoint(source.codePointAt(i) ?? 0);
    throw new FormulaSyntaxError({ code: 'unexpected_character', position: i, text: char });
  }
  tokens.push({ t: 'eof', start: source.length, end: source.length });
  return tokens;
}

function tokenText(source: string, token: Token): string {
  return source.slice(token.start, token.end);
}

/** Parses an expression into an AST, or says what is wrong and where. */
export function parseFormula(source: string): ParseResult {
  if (source.length > MAX_FORMULA_LENGTH) {
    return { ok: false, error: { code: 'too_long', position: MAX_FORMULA_LENGTH } };
  }
  if (source.trim() === '') return { ok: false, error: { code: 'empty', position: 0 } };
  try {
    const tokens = tokenize(source);
    let pos = 0;
    const peek = (): Token => tokens[pos] as Token;
    const next = (): Token => tokens[pos++] as Token;

    const unexpected = (token: Token): never => {
      if (token.t === 'eof') throw new FormulaSyntaxError({ code: 'unexpected_end', position: token.start });
      throw new FormulaSyntaxError({
        code: 'unexpected_token',
        position: token.start,
        text: tokenText(source, token),
      });
    };

    const primary = (depth: number): FormulaNode => {
      if (depth > MAX_DEPTH) throw new FormulaSyntaxError({ code: 'too_long', position: peek().start });
      const token = next();
      switch (token.t) {
        case 'num':
          return { type: 'number', value: token.value, start: token.start, end: token.end };
        case 'field':
          return { type: 'field', ref: token.ref, start: token.start, end: token.end };
        case 'op':
          if (token.op === '-') {
            const operand = primary(depth + 1);
            return { type: 'unary', op: '-', operand, start: token.start, end: operand.end };
          }
          return unexpected(token);
        case 'lparen': {
          const inner = additive(depth + 1);
          const close = next();
          if (close.t !== 'rparen') {
            if (close.t === 'eof') {
              throw new FormulaSyntaxError({ code: 'unclosed_parenthesis', position: token.start, text: '(' });
            }
            return unexpected(close);
          }
          return { ...inner, start: token.start, end: close.end };
        }
        default:
          return unexpected(token);
      }
    };

    const multiplicative = (depth: number): FormulaNode => {
      let left = primary(depth);
      for (let token = peek(); token.t === 'op' && (token.op === '*' || token.op === '/'); token = peek()) {
        next();
        const right = primary(depth);
        left = { type: 'binary', op: token.op, left, right, start: left.start, end: right.end };
      }
      return left;
    };

    const additive = (depth: number): FormulaNode => {
      let left = multiplicative(depth);
      for (let token = peek(); token.t === 'op' && (token.op === '+' || token.op === '-'); token = peek()) {
        next();
        const right = multiplicative(depth);
        left = { type: 'binary', op: token.op, left, right, start: left.start, end: right.end };
      }
      return left;
    };

    const ast = additive(0);
    const rest = peek();
    if (rest.t !== 'eof') unexpected(rest);
    const zero = findLiteralZeroDivision(ast);
    if (zero) return { ok: false, error: { code: 'division_by_zero', position: zero.start } };
    return { ok: true, ast };
  } catch (error) {
    if (error instanceof FormulaSyntaxError) return { ok: false, error: error.detail };
    throw error;
  }
}

function isLiteralZero(node: FormulaNode): boolean {
  if (node.type === 'number') return node.value === 0;
  if (node.type === 'unary') return isLiteralZero(node.operand);
  return false;
}

function findLiteralZeroDivision(node: FormulaNode): FormulaNode | null {
  switch (node.type) {
    case 'binary':
      if (node.op === '/' && isLiteralZero(node.right)) return node.right;
      return findLiteralZeroDivision(node.left) ?? findLiteralZeroDivision(node.right);
    case 'unary':
      return findLiteralZeroDivision(node.operand);
    default:
      return null;
  }
}

/** Every field the expression refers to, in order of appearance. */
export function collectFieldRefs(node: FormulaNode): Array<{ ref: FieldRef; start: number; end: number }> {
  switch (node.type) {
    case 'field':
      return [{ ref: node.ref, start: node.start, end: node.end }];
    case 'unary':
      return collectFieldRefs(node.operand);
    case 'binary':
      return [...collectFieldRefs(node.left), ...collectFieldRefs(node.right)];
    default:
      return [];
  }
}

/** What the checker needs to know about a custom field. */
export interface FormulaFieldInfo {
  id: string;
  isNumeric: boolean;
}

/** Parses and checks field references against the account's fields. */
export function checkFormula(source: string, fields: readonly FormulaFieldInfo[]): ParseResult {
  const parsed = parseFormula(source);
  if (!parsed.ok) return parsed;
  const byId = new Map(fields.map((field) => [field.id, field]));
  for (const use of collectFieldRefs(parsed.ast)) {
    if (use.ref.kind !== 'custom') continue;
    const field = byId.get(use.ref.id);
    const text = source.slice(use.start, use.end);
    if (!field) return { ok: false, error: { code: 'unknown_field', position: use.start, text } };
    if (!field.isNumeric) return { ok: false, error: { code: 'non_numeric_field', position: use.start, text } };
  }
  return parsed;
}

/**
 * Evaluates an AST. A missing field value, a division by zero at run time or a result too
 * large for a number gives `null` (the analytics treats the calculated value as absent),
 * never NaN or Infinity.
 */
export function evaluateFormula(
  node: FormulaNode,
  values: { price: number | null; custom: Readonly<Record<string, number>> },
): number | null {
  const value = evaluateNode(node, values);
  return value !== null && Number.isFinite(value) ? value : null;
}

function evaluateNode(
  node: FormulaNode,
  values: { price: number | null; custom: Readonly<Record<string, number>> },
): number | null {
  switch (node.type) {
    case 'number':
      return node.value;
    case 'field': {
      if (node.ref.kind === 'price') return values.price;
      const value = values.custom[node.ref.id];
      return value === undefined ? null : value;
    }
    case 'unary': {
      const value = evaluateFormula(node.operand, values);
      return value === null ? null : -value;
    }
    case 'binary': {
      const left = evaluateFormula(node.left, values);
      const right = evaluateFormula(node.right, values);
      if (left === null || right === null) return null;
      switch (node.op) {
        case '+':
          return left + right;
        case '-':
          return left - right;
        case '*':
          return left * right;
        case '/':
          return right === 0 ? null : left / right;
      }
    }
  }
}
