import { httpProblem } from '../shared/http';
import { bracketParams, child, leaves, type ParamNode } from '../shared/params';

/** amoCRM's list conventions: `limit`/`page` with `_links`, `order[key]=asc|desc`, `[{pipeline_id, status_id}]` filters. */

export type Page<T> = { items: T[]; page: number; limit: number; pageCount: number } | Response;

/** One page of `all`: 400 for a malformed `limit`/`page`, 422 `Limit N per page` above the maximum. */
export function paginate<T>(all: T[], url: URL, limits: { default: number; max: number }): Page<T> {
  const limitText = url.searchParams.get('limit');
  const pageText = url.searchParams.get('page');
  const limit = limitText === null || limitText === '' ? limits.default : Number(limitText);
  const page = pageText === null || pageText === '' ? 1 : Number(pageText);
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(page) || page < 1) {
    return httpProblem(400, 'Bad Request', 'Request validation failed');
  }
  if (limit > limits.max) return httpProblem(422, 'Unprocessable Entity', `Limit ${limits.max} per page`);
  const pageCount = Math.ceil(all.length / limit);
  const items = all.slice((page - 1) * limit, page * limit);
  return { items, page, limit, pageCount };
}

/** A `_links` entry for another page of the same query. */
export function pageHref(url: URL, page: number, limit: number): { href: string } {
  const target = new URL(url.pathname, url.origin);
  for (const [key, value] of url.searchParams) if (key !== 'page' && key !== 'limit') target.searchParams.append(key, value);
  target.searchParams.set('limit', String(limit));
  target.searchParams.set('page', String(page));
  return { href: target.toString() };
}

/** Sorts by the first `order[key]` the resource knows, else by `fallback` ascending. */
export function orderBy<T>(items: T[], url: URL, keys: Record<string, (item: T) => number>, fallback: string): T[] {
  const order = bracketParams(url.searchParams, 'order');
  const [key, direction] =
    Object.entries(order).find(([name, value]) => name in keys && typeof value === 'string') ?? [fallback, 'asc'];
  const pickKey = keys[key] ?? keys[fallback]!;
  const sign = direction === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * (pickKey(a) - pickKey(b)));
}

/** `[{pipeline_id, status_id}]` pairs from `x[0][pipeline_id]=…&x[0][status_id]=…`. */
export function statusPairs(node: ParamNode | undefined): Array<{ pipelineId: number; statusId: number | null }> {
  if (typeof node !== 'object') return [];
  return Object.values(node).flatMap((entry) => {
    const pipelineId = Number(leaves(child(entry, 'pipeline_id'))[0]);
    const statusId = Number(leaves(child(entry, 'status_id'))[0]);
    return Number.isFinite(pipelineId) ? [{ pipelineId, statusId: Number.isFinite(statusId) ? statusId : null }] : [];
  });
}
