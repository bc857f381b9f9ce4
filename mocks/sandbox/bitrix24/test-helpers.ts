import { expect } from 'vitest';

import {
  BITRIX24_SANDBOX_CLIENT_ID,
  BITRIX24_SANDBOX_CLIENT_SECRET,
  BITRIX24_SANDBOX_DEFAULT_ORIGIN,
  createSandboxBitrix24,
  type Bitrix24SandboxOptions,
  type SandboxBitrix24,
} from './index';

/** What the sandbox Bitrix24's tests share: a movable clock, the OAuth round trip and REST calls. */

export const ORIGIN = BITRIX24_SANDBOX_DEFAULT_ORIGIN;
export const HOST = new URL(ORIGIN).host;

/** The sandbox itself, or anything else that answers a request (MSW's global fetch). */
export interface FetchTarget {
  fetch(request: Request): Promise<Response>;
}

export interface Clock {
  at: number;
}

export function sandboxWithClock(options: Bitrix24SandboxOptions = {}): { sandbox: SandboxBitrix24; clock: Clock } {
  const clock = { at: Date.UTC(2025, 10, 1, 9, 0, 0) };
  return { sandbox: createSandboxBitrix24({ now: () => clock.at, ...options }), clock };
}

/** Presses a button of the consent form (as the browser posts it). */
export function decide(sandbox: SandboxBitrix24, decision: string, state: string | null = 'st-1', origin = ORIGIN): Promise<Response> {
  const form = new URLSearchParams({ client_id: BITRIX24_SANDBOX_CLIENT_ID, decision });
  if (state !== null) form.set('state', state);
  return sandbox.fetch(new Request(`${origin}/oauth/authorize/`, { method: 'POST', body: form }));
}

/** Allow: where the sandbox redirects (the application's redirect URI with code, domain, …). */
export async function allow(sandbox: SandboxBitrix24, state: string | null = 'st-1', origin = ORIGIN): Promise<URL> {
  const response = await decide(sandbox, 'allow', state, origin);
  expect(response.status).toBe(302);
  return new URL(response.headers.get('Location')!);
}

/** `GET /oauth/token/?…` with the sandbox's credentials unless overridden. */
export function tokenRequest(sandbox: FetchTarget, params: Record<string, string>, origin = ORIGIN): Promise<Response> {
  const url = new URL(`${origin}/oauth/token/`);
  url.search = new URLSearchParams({ client_id: BITRIX24_SANDBOX_CLIENT_ID, client_secret: BITRIX24_SANDBOX_CLIENT_SECRET, ...params }).toString();
  return sandbox.fetch(new Request(url));
}

export interface TokenBody {
  access_token: string;
  refresh_token: string;
  client_endpoint: string;
  server_endpoint: string;
  domain: string;
  expires_in: number;
  member_id: string;
  scope: string;
  status: string;
  expires?: number;
  user_id?: number;
}

/** Allow, then the code exchange: the first token pair. */
export async function grant(sandbox: SandboxBitrix24): Promise<TokenBody> {
  const code = (await allow(sandbox)).searchParams.get('code')!;
  const response = await tokenRequest(sandbox, { grant_type: 'authorization_code', code });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenBody;
}

export interface B24Answer<T = unknown> {
  status: number;
  body: { result: T; total?: number; next?: number; time?: Record<string, unknown>; error?: string; error_description?: string };
}

/** A REST call with the token in a JSON body (or `query`: everything in the URL, bracket notation). */
export async function call<T = unknown>(
  sandbox: SandboxBitrix24,
  token: string | undefined,
  method: string,
  params: Record<string, unknown> | string = {},
): Promise<B24Answer<T>> {
  const request =
    typeof params === 'string'
      ? new Request(`${ORIGIN}/rest/${method}?${params}${token === undefined ? '' : `&auth=${token}`}`)
      : new Request(`${ORIGIN}/rest/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(token === undefined ? params : { ...params, auth: token }),
        });
  const response = await sandbox.fetch(request);
  expect(response.headers.get('Content-Type')).toContain('application/json');
  return { status: response.status, body: (await response.json()) as B24Answer<T>['body'] };
}

/** A sandbox with a granted token and no rate limit, for the method tests. */
export async function connected(options: Bitrix24SandboxOptions = {}) {
  const { sandbox, clock } = sandboxWithClock({ faults: { bucket: 0 }, ...options });
  const tokens = await grant(sandbox);
  return {
    sandbox,
    clock,
    tokens,
    call: <T = unknown>(method: string, params: Record<string, unknown> | string = {}) => call<T>(sandbox, tokens.access_token, method, params),
  };
}
