import type { SandboxOAuthClient } from '../shared/sandbox';

import type { SandboxPortal } from './fixture';

/**
 * What every part of the Bitrix24 sandbox shares: its fixed development credentials, the
 * context (portal, local application, clock), and Bitrix24's JSON envelopes (docs/crm-apis.md
 * §2): `{result, next, total, time}` on success, `{error, error_description}` on failure.
 */

/** The sandbox's local application (a `local.…` client id, as a portal issues them); the demo hands both to the product. */
export const BITRIX24_SANDBOX_CLIENT_ID = 'local.6650c0ffee0b24.00000001';
export const BITRIX24_SANDBOX_CLIENT_SECRET = 'hubConnectBitrix24SandboxSecretForDevelopmentOnly0';
/** Where tests address the in-memory sandbox, and its default port when served. */
export const BITRIX24_SANDBOX_DEFAULT_ORIGIN = 'http://127.0.0.1:8789';
export const BITRIX24_SANDBOX_DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8787/api/oauth/bitrix24/callback';

/**
 * The local application as the portal's "Developer resources" card holds it; Bitrix24 takes
 * `redirectUri` from there, never from the URL.
 */
export interface Bitrix24Integration extends SandboxOAuthClient {
  /** The application's own address ("handler path"): the "back to the application" link of the sandbox's error pages. */
  appUrl: string;
  /** `app.info` ID. */
  appId: number;
}

export interface B24Context {
  portal: SandboxPortal;
  integration: Bitrix24Integration;
  /** Clock in Unix ms. */
  now: () => number;
}

/** The user who authorizes the application (the fixture's first user); tokens act with their rights. */
export const ownerOf = (ctx: B24Context) => ctx.portal.fixture.users[0]!;

// ---- values ------------------------------------------------------------------------------

/** What Bitrix24 methods take and return: JSON-like values (PHP arrays are objects or lists). */
export type B24Value = string | number | boolean | null | B24Value[] | { [key: string]: B24Value };
export type B24Object = { [key: string]: B24Value };

export const isB24Object = (value: unknown): value is B24Object =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A PHP array as `json_encode` writes it: empty → `[]`, keys `0…n-1` in order → a JSON list,
 * anything else → an object. This is why batch answers `"result_error": []` when nothing failed.
 */
export function phpArray(entries: Array<[string, unknown]>): unknown {
  if (entries.length === 0) return [];
  if (entries.every(([key], index) => key === String(index))) return entries.map(([, value]) => value);
  return Object.fromEntries(entries);
}

// ---- dates -------------------------------------------------------------------------------

/** Minutes of a `+03:00` offset. */
export function offsetMinutes(offset: string): number {
  const match = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** `2025-03-04T10:15:00+03:00`: Bitrix24 writes datetimes in the portal's time zone, with its offset. */
export function formatDateTime(ms: number, offset: string): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes(offset) * 60_000);
  return `${local.toISOString().slice(0, 19)}${offset}`;
}

/** A `date` field (BEGINDATE, CLOSEDATE) as Bitrix24 writes it: local midnight with the offset. */
export function formatDate(ms: number, offset: string): string {
  const local = new Date(ms + offsetMinutes(offset) * 60_000);
  return `${local.toISOString().slice(0, 10)}T00:00:00${offset}`;
}

/**
 * A filter's date value in ms: `YYYY-MM-DD` (local midnight), `DD.MM.YYYY` (the portal's own
 * format), `YYYY-MM-DDThh:mm:ss` (local) or with an offset / `Z`. Null when it is none of them.
 */
export function parseDateValue(text: string, offset: string): number | null {
  const value = text.trim();
  const local = (iso: string) => {
    const ms = Date.parse(`${iso}Z`);
    return Number.isNaN(ms) ? null : ms - offsetMinutes(offset) * 60_000;
  };
  if (/^\d{4}-\d\d-\d\d$/.test(value)) return local(`${value}T00:00:00`);
  const russian = /^(\d\d)\.(\d\d)\.(\d{4})(?: (\d\d):(\d\d)(?::(\d\d))?)?$/.exec(value);
  if (russian) {
    const [, day, month, year, hour = '00', minute = '00', second = '00'] = russian;
    return local(`${year}-${month}-${day}T${hour}:${minute}:${second}`);
  }
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(value)) return local(value.length === 16 ? `${value}:00` : value);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

// ---- envelopes ---------------------------------------------------------------------------

/** The `time` block of every answer (seconds, the portal's offset); `operating` is the method's accumulated time. */
export function timeBlock(startMs: number, finishMs: number, offset: string, withOperating = true) {
  const start = startMs / 1000;
  const finish = finishMs / 1000;
  return {
    start,
    finish,
    duration: finish - start,
    processing: finish - start,
    date_start: formatDateTime(startMs, offset),
    date_finish: formatDateTime(finishMs, offset),
    ...(withOperating ? { operating: 0 } : {}),
  };
}

/** A method's answer before the envelope: list methods add `total` and, when more rows match, `next`. */
export interface MethodResult {
  result: unknown;
  total?: number;
  next?: number;
}

/** A method's or the gate's error: HTTP status, `error` (may be `""`, as `crm.deal.list` sends it) and description. */
export class B24Error extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }

  body() {
    return { error: this.error, error_description: this.description };
  }
}

export const b24Json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });

export const b24ErrorResponse = (error: B24Error) => b24Json(error.body(), error.status);

/** `{result, next, total, time}`, in the order Bitrix24 writes them. */
export function envelope(outcome: MethodResult, time: ReturnType<typeof timeBlock>) {
  return {
    result: outcome.result,
    ...(outcome.next !== undefined ? { next: outcome.next } : {}),
    ...(outcome.total !== undefined ? { total: outcome.total } : {}),
    time,
  };
}
