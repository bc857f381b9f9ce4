import type { Hono } from 'hono';

import type { delay } from '../shared/faults';

import {
  B24Error,
  b24ErrorResponse,
  b24Json,
  envelope,
  isB24Object,
  phpArray,
  timeBlock,
  type B24Context,
  type B24Object,
  type B24Value,
  type MethodResult,
} from './context';
import { queryLimitExceeded, type Bitrix24FaultInjector } from './faults';
import type { MethodTable, RestMethod } from './methods';
import { authOf, type Bitrix24TokenStore } from './oauth';
import { flagParam, param, parseQuery, requestParams } from './params';

/**
 * `GET|POST /rest/{method}` (docs/crm-apis.md §2.1, §2.5): the token in `auth` (query, form or
 * JSON body), parameters in any of them. In this order: latency, the portal's leaky bucket
 * (`503 QUERY_LIMIT_EXCEEDED`), the token (`401 NO_AUTH_FOUND` / `401 expired_token`), the plan
 * and injected faults, then the method (`404 ERROR_METHOD_NOT_FOUND` when unknown). Success is
 * `{result, next?, total?, time}`; errors `{error, error_description}`.
 *
 * `batch` (§2.6 "batch"): up to 50 `cmd` strings (`method?param=value&filter[>ID]=0`), run in
 * order with `$result[key][field]` references to earlier results; `halt` stops at the first
 * error. One HTTP request for the rate limit, HTTP 200 even when sub-calls fail; the five parts
 * are keyed by command and written as PHP arrays (`[]` when empty).
 */

export const BATCH_LIMIT = 50;

const REFERENCE = /\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g;

/** Replaces `$result[key][a][0]` in every parameter value by that part of an earlier result. */
function substitute(value: B24Value, results: Map<string, unknown>): B24Value {
  if (typeof value === 'string') {
    const lookup = (key: string, path: string): unknown => {
      let node: unknown = results.get(key);
      for (const [, segment] of path.matchAll(/\[([^\]]*)\]/g)) {
        node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment ?? ''] : undefined;
      }
      return node;
    };
    const whole = new RegExp(`^${REFERENCE.source}$`).exec(value);
    if (whole) {
      const found = lookup(whole[1]!, whole[2] ?? '');
      if (typeof found === 'object' && found !== null) return found as B24Value;
    }
    return value.replace(REFERENCE, (_match, key: string, path: string) => {
      const found = lookup(key, path);
      if (typeof found === 'string') return found;
      if (typeof found === 'number' || typeof found === 'boolean') return String(found);
      return typeof found === 'object' && found !== null ? JSON.stringify(found) : '';
    });
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, results));
  if (isB24Object(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, results)]));
  return value;
}

export function restPart(ctx: B24Context, faults: Bitrix24FaultInjector, tokens: Bitrix24TokenStore, methods: MethodTable, sleep: typeof delay) {
  const { now } = ctx;
  const offset = ctx.portal.fixture.portal.utcOffset;

  const dispatch = (name: string, params: B24Object): MethodResult => {
    const method = table[name.trim().toLowerCase().replace(/\.json$/, '')];
    if (!method) throw new B24Error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
    return method(params);
  };

  const batch: RestMethod = (params) => {
    const cmd = param(params, 'cmd');
    const commands: Array<[string, B24Value]> = Array.isArray(cmd)
      ? cmd.map((command, index) => [String(index), command])
      : isB24Object(cmd)
        ? Object.entries(cmd)
        : [];
    if (commands.length > BATCH_LIMIT) throw new B24Error(400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded');
    const halt = flagParam(param(params, 'halt'));
    const done = new Map<string, unknown>();
    const parts = { result: [] as Array<[string, unknown]>, error: [] as Array<[string, unknown]>, total: [] as Array<[string, unknown]>, next: [] as Array<[string, unknown]>, time: [] as Array<[string, unknown]> };
    for (const [key, command] of commands) {
      const startedAt = now();
      const text = typeof command === 'string' ? command : '';
      const question = text.indexOf('?');
      const name = (question === -1 ? text : text.slice(0, question)).trim();
      try {
        if (name.toLowerCase().replace(/\.json$/, '') === 'batch') {
          throw new B24Error(405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage');
        }
        const { auth: _auth, ...subParams } = parseQuery(new URLSearchParams(question === -1 ? '' : text.slice(question + 1)));
        const outcome = dispatch(name, substitute(subParams, done) as B24Object);
        done.set(key, outcome.result);
        parts.result.push([key, outcome.result]);
        if (outcome.total !== undefined) parts.total.push([key, outcome.total]);
        if (outcome.next !== undefined) parts.next.push([key, outcome.next]);
        parts.time.push([key, timeBlock(startedAt, now(), offset, false)]);
      } catch (error) {
        if (!(error instanceof B24Error)) throw error;
        parts.error.push([key, error.body()]);
        if (halt) break;
      }
    }
    return {
      result: {
        result: phpArray(parts.result),
        result_error: phpArray(parts.error),
        result_total: phpArray(parts.total),
        result_next: phpArray(parts.next),
        result_time: phpArray(parts.time),
      },
    };
  };

  const table: MethodTable = { ...methods, batch };

  return (app: Hono) => {
    app.on(['GET', 'POST'], '/rest/:method', async (c) => {
      const startedAt = now();
      await sleep(faults.current.latencyMs, c.req.raw.signal);
      if (!faults.bucket.take()) return b24ErrorResponse(queryLimitExceeded());
      try {
        const params = await requestParams(c.req.raw);
        const refused = tokens.check(authOf(params)) ?? faults.injected();
        if (refused) return b24ErrorResponse(refused);
        const { auth: _auth, ...rest } = params;
        const outcome = dispatch(c.req.param('method'), rest);
        return b24Json(envelope(outcome, timeBlock(startedAt, now(), offset)));
      } catch (error) {
        if (error instanceof B24Error) return b24ErrorResponse(error);
        throw error;
      }
    });
  };
}
