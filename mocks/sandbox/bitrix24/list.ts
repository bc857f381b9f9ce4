import { B24Error, parseDateValue, type B24Object, type B24Value, type MethodResult } from './context';
import { intParam, listParam } from './params';

/**
 * Bitrix24's list conventions (docs/crm-apis.md §2.5, §2.6): `filter` keys with operator
 * prefixes, `order {FIELD: ASC|DESC}`, pages of exactly 50 with `start`, `next` and `total`,
 * and `start=-1` (no count: `total` 0, no `next`).
 *
 * Two dialects: the old list methods (`crm.deal.list`, `crm.lead.list`, …) ignore fields they do
 * not know (`lenient`); the newer ones (`crm.stagehistory.list`) keep an allow-list and answer
 * `400 INVALID_ARG_VALUE` (`strict`).
 */

export const PAGE_SIZE = 50;

/** How a field compares: numbers, text (case-insensitive, as MySQL does), datetimes, directory codes (no LIKE). */
export type FieldKind = 'int' | 'number' | 'string' | 'datetime' | 'status';

type Comparable = string | number | null;

export interface ListField<Row> {
  name: string;
  kind: FieldKind;
  /** The value filters and order compare; a list for multiple fields (any element may match). */
  value(row: Row): Comparable | Comparable[];
}

export type Dialect = 'lenient' | 'strict';

type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '@' | '!@' | '%' | '!%' | 'like' | '!like';

/** Longest first, so `>=` wins over `>` and `!=%` over `!=`. */
const PREFIXES: Array<[string, Operator]> = [
  ['!=%', '!like'],
  ['!%=', '!like'],
  ['>=', '>='],
  ['<=', '<='],
  ['!@', '!@'],
  ['!=', '!='],
  ['=%', 'like'],
  ['%=', 'like'],
  ['!%', '!%'],
  ['>', '>'],
  ['<', '<'],
  ['@', '@'],
  ['%', '%'],
  ['=', '='],
  ['!', '!='],
];

/** The negations, by what they negate. */
const POSITIVE: Partial<Record<Operator, Operator>> = { '!=': '=', '!@': '@', '!%': '%', '!like': 'like' };

export function splitPrefix(key: string): { operator: Operator; name: string } {
  for (const [prefix, operator] of PREFIXES) {
    if (key.startsWith(prefix) && key.length > prefix.length) return { operator, name: key.slice(prefix.length).trim().toUpperCase() };
  }
  return { operator: '=', name: key.trim().toUpperCase() };
}

const generalError = () => new B24Error(400, '', 'Failed to get list. General error.');

function coerce(kind: FieldKind, raw: B24Value, offset: string): Comparable | undefined {
  if (raw === null) return null;
  if (typeof raw === 'object') return undefined;
  if (kind === 'int' || kind === 'number') {
    if (typeof raw === 'boolean') return raw ? 1 : 0;
    if (typeof raw === 'string' && raw.trim() === '') return null;
    const value = Number(raw);
    return Number.isFinite(value) ? value : undefined;
  }
  if (kind === 'datetime') {
    if (typeof raw === 'string' && raw.trim() === '') return null;
    if (typeof raw !== 'string') return undefined;
    return parseDateValue(raw, offset) ?? undefined;
  }
  return String(raw);
}

const lower = (value: Comparable) => (typeof value === 'string' ? value.toLowerCase() : value);

function equals(kind: FieldKind, left: Comparable, right: Comparable): boolean {
  if (right === null || right === '') return left === null || left === '';
  if (left === null) return false;
  if (kind === 'int' || kind === 'number' || kind === 'datetime') return Number(left) === Number(right);
  return lower(left) === lower(right);
}

function compare(left: Comparable, right: Comparable): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left).localeCompare(String(right), 'ru');
}

function likeRegExp(pattern: string): RegExp {
  const source = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '.'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is');
}

function test(kind: FieldKind, operator: Operator, left: Comparable, values: Comparable[]): boolean {
  const right = values[0] ?? null;
  switch (operator) {
    case '=':
    case '@':
      return values.some((value) => equals(kind, left, value));
    case '!=':
    case '!@':
      return !values.some((value) => equals(kind, left, value));
    case '>':
      return left !== null && right !== null && compare(left, right) > 0;
    case '>=':
      return left !== null && right !== null && compare(left, right) >= 0;
    case '<':
      return left !== null && right !== null && compare(left, right) < 0;
    case '<=':
      return left !== null && right !== null && compare(left, right) <= 0;
    case '%':
    case '!%': {
      // LIKE does not work on directory fields (STAGE_ID, STATUS_ID): they compare exactly.
      const found =
        kind === 'status'
          ? equals(kind, left, right)
          : left !== null && right !== null && String(left).toLowerCase().includes(String(right).toLowerCase());
      return operator === '%' ? found : !found;
    }
    case 'like':
    case '!like': {
      const found = kind === 'status' ? equals(kind, left, right) : left !== null && right !== null && likeRegExp(String(right)).test(String(left));
      return operator === 'like' ? found : !found;
    }
  }
}

/** A row predicate for `filter`; throws `B24Error` as the dialect does. Keys in `skip` (e.g. LANG) are not conditions. */
export function compileFilter<Row>(
  filter: B24Object,
  fields: ReadonlyArray<ListField<Row>>,
  options: { dialect: Dialect; offset: string; skip?: string[] },
): (row: Row) => boolean {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const conditions: Array<(row: Row) => boolean> = [];
  for (const [key, raw] of Object.entries(filter)) {
    const { operator, name } = splitPrefix(key);
    if (options.skip?.includes(name)) continue;
    const field = byName.get(name);
    if (!field) {
      if (options.dialect === 'strict') throw new B24Error(400, 'INVALID_ARG_VALUE', `Invalid filter: field '${name}' is not allowed in filter`);
      continue;
    }
    const values = (Array.isArray(raw) || (typeof raw === 'object' && raw !== null) ? listParam(raw) : [raw]).map((value) =>
      coerce(field.kind, value, options.offset),
    );
    if (values.some((value) => value === undefined) || values.length === 0) {
      if (options.dialect === 'strict') throw new B24Error(400, 'INVALID_ARG_VALUE', `Invalid filter: field '${name}' has invalid value`);
      throw generalError();
    }
    const wanted = values as Comparable[];
    conditions.push((row) => {
      const value = field.value(row);
      if (!Array.isArray(value)) return test(field.kind, operator, value, wanted);
      // A multiple field matches when any of its values does, and a negation when none does.
      const items = value.length === 0 ? [null] : value;
      const positive = POSITIVE[operator];
      return positive ? !items.some((item) => test(field.kind, positive, item, wanted)) : items.some((item) => test(field.kind, operator, item, wanted));
    });
  }
  return (row) => conditions.every((condition) => condition(row));
}

/** A comparator for `order`; unknown fields and directions are ignored (lenient) or refused (strict). */
export function compileOrder<Row>(
  order: B24Object,
  fields: ReadonlyArray<ListField<Row>>,
  dialect: Dialect,
): ((a: Row, b: Row) => number) | null {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const keys: Array<{ field: ListField<Row>; sign: number }> = [];
  for (const [key, raw] of Object.entries(order)) {
    const name = key.trim().toUpperCase();
    const field = byName.get(name);
    if (!field) {
      if (dialect === 'strict') throw new B24Error(400, 'INVALID_ARG_VALUE', `Invalid order: field '${name}' is not allowed in order`);
      continue;
    }
    const direction = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
    if (direction !== 'ASC' && direction !== 'DESC' && dialect === 'strict') {
      const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
      throw new B24Error(400, 'INVALID_ARG_VALUE', `Invalid order: allowed sort directions are ASC, DESC. But got '${shown}' for field '${name}'`);
    }
    keys.push({ field, sign: direction === 'DESC' ? -1 : 1 });
  }
  if (keys.length === 0) return null;
  const first = (value: Comparable | Comparable[]) => (Array.isArray(value) ? (value[0] ?? null) : value);
  return (a, b) => {
    for (const { field, sign } of keys) {
      const result = compare(lower(first(field.value(a))), lower(first(field.value(b))));
      if (result !== 0) return sign * result;
    }
    return 0;
  };
}

/** Filters and orders rows (a stable sort over `rows`, which come in their default order). */
export function query<Row>(
  rows: readonly Row[],
  fields: ReadonlyArray<ListField<Row>>,
  input: { filter: B24Object; order: B24Object; dialect: Dialect; offset: string; skip?: string[] },
): Row[] {
  const predicate = compileFilter(input.filter, fields, input);
  const comparator = compileOrder(input.order, fields, input.dialect);
  const matching = rows.filter(predicate);
  return comparator ? [...matching].sort(comparator) : matching;
}

/**
 * One page of 50 from `start`: `total` and, when more rows follow, `next`. With `start=-1` the
 * count is skipped: the first 50 rows, `total` 0 and no `next` (walk on with `>ID`).
 */
export function paginate<Row, Out>(rows: readonly Row[], startParam: B24Value | undefined, render: (row: Row) => Out): { items: Out[]; total: number; next?: number } {
  const start = intParam(startParam) ?? 0;
  if (start === -1) return { items: rows.slice(0, PAGE_SIZE).map(render), total: 0 };
  const offset = Math.max(0, start);
  const items = rows.slice(offset, offset + PAGE_SIZE).map(render);
  const next = offset + PAGE_SIZE < rows.length ? offset + PAGE_SIZE : undefined;
  return { items, total: rows.length, ...(next !== undefined ? { next } : {}) };
}

export const listResult = (page: { items: unknown[]; total: number; next?: number }, wrap?: string): MethodResult => ({
  result: wrap ? { [wrap]: page.items } : page.items,
  total: page.total,
  ...(page.next !== undefined ? { next: page.next } : {}),
});

/**
 * The `select` of deal-like lists: `*` (every standard field but multiple ones), `UF_*` (every
 * single-value user field), or names; no select means `*` plus `UF_*`. ID is always returned.
 */
export function selection(
  select: B24Value | undefined,
  standard: ReadonlyArray<{ name: string; multiple?: boolean }>,
  userFields: ReadonlyArray<{ fieldName: string; multiple: boolean }>,
): Set<string> {
  const names = listParam(select).filter((item): item is string => typeof item === 'string').map((item) => item.trim().toUpperCase());
  const wanted = names.length === 0 ? ['*', 'UF_*'] : names;
  const chosen = new Set<string>(['ID']);
  for (const name of wanted) {
    if (name === '*') standard.filter((field) => !field.multiple).forEach((field) => chosen.add(field.name));
    else if (name === 'UF_*') userFields.filter((field) => !field.multiple).forEach((field) => chosen.add(field.fieldName));
    else if (standard.some((field) => field.name === name) || userFields.some((field) => field.fieldName === name)) chosen.add(name);
  }
  return chosen;
}
