import { bracketParams, type ParamNode } from '../shared/params';

import { B24Error, isB24Object, type B24Object, type B24Value } from './context';

/**
 * A REST call's parameters, however they came (docs/crm-apis.md §2.1, §2.6): a JSON body, a
 * form body or a query string in PHP bracket notation (`filter[>ID]=0&select[]=ID&order[ID]=ASC`),
 * merged into one object. Bracket lists (`[]`, `[0]`, `[1]`) become JSON lists, as PHP reads them.
 */

function fromNode(node: ParamNode): B24Value {
  if (typeof node === 'string') return node;
  const entries = Object.entries(node);
  const listLike = entries.length > 0 && entries.every(([key], index) => key.startsWith('#') || key === String(index));
  if (listLike) return entries.map(([, value]) => fromNode(value));
  return Object.fromEntries(entries.map(([key, value]) => [key, fromNode(value)]));
}

/** Every parameter of a query or form string: `a=1&b[c]=2&d[]=3` → `{a: "1", b: {c: "2"}, d: ["3"]}`. */
export function parseQuery(search: URLSearchParams): B24Object {
  const params: B24Object = {};
  for (const key of new Set(search.keys())) {
    const bracket = key.indexOf('[');
    if (bracket === -1) {
      params[key] = search.get(key) ?? '';
      continue;
    }
    const root = key.slice(0, bracket);
    if (root === '' || root in params) continue;
    params[root] = fromNode(bracketParams(search, root));
  }
  return params;
}

/** The query string and the body (JSON or form) of a REST request, merged (the body wins). */
export async function requestParams(request: Request): Promise<B24Object> {
  const url = new URL(request.url);
  const params = parseQuery(url.searchParams);
  if (request.method !== 'POST') return params;
  const text = await request.text();
  if (text.trim() === '') return params;
  const type = request.headers.get('Content-Type') ?? '';
  if (type.includes('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new B24Error(400, 'INVALID_REQUEST', 'Request body is not valid JSON');
    }
    if (!isB24Object(body)) throw new B24Error(400, 'INVALID_REQUEST', 'Request body must be a JSON object');
    return { ...params, ...body };
  }
  return { ...params, ...parseQuery(new URLSearchParams(text)) };
}

// ---- reading parameters ------------------------------------------------------------------

/** A parameter by name, whatever its case (`select`, `SELECT`): the docs send both. */
export function param(params: B24Object, name: string): B24Value | undefined {
  if (name in params) return params[name];
  const lower = name.toLowerCase();
  const key = Object.keys(params).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : params[key];
}

/** An object parameter (a PHP array): lists count as objects keyed 0, 1, …; absent → `{}`. */
export function objectParam(value: B24Value | undefined): B24Object | undefined {
  if (value === undefined || value === null || value === '') return {};
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, index) => [String(index), item]));
  return isB24Object(value) ? value : undefined;
}

/** A list parameter: a list, the values of an object, or one scalar. */
export function listParam(value: B24Value | undefined): B24Value[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (isB24Object(value)) return Object.values(value);
  return [value];
}

/** An integer parameter (`"2"` or `2`); undefined when absent or not a whole number. */
export function intParam(value: B24Value | undefined): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** PHP truthiness of a flag (`halt`): 1, "1", true, "true", "Y". */
export function flagParam(value: B24Value | undefined): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return ['1', 'true', 'y', 'yes'].includes(value.trim().toLowerCase());
  return false;
}
