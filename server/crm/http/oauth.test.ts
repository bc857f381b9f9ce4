import { describe, expect, it } from 'vitest';

import { CrmError } from '../errors';
import type { CrmTokens, StoredAccess } from '../types';

import { createCrmHttp, outcome, type Classify } from './client';
import { createOAuthRefresher } from './oauth';
import { captureLogger, json, ManualTiming, scriptedFetch, testConnection, type TestConnection } from './testing';

const HOUR = 3600_000;
const API = new URL('https://crm.example/api/v1/things');

/** Tokens with recognisable secrets, so a leak into a log line or a message is easy to spot. */
const tokens = (n: number, expiresAt: number): CrmTokens => ({
  accessToken: `SECRET-ACCESS-${n}`,
  refreshToken: `SECRET-REFRESH-${n}`,
  expiresAt,
});

const classify: Classify<unknown> = (response, body) => {
  if (response.status === 401) return outcome.refresh();
  if (response.status === 429) return outcome.rateLimited(null);
  if (response.status >= 500) return outcome.unavailable();
  return response.ok ? outcome.ok(body) : outcome.fail(new CrmError('crm_unavailable', `Test CRM answered ${response.status}`));
};

interface Setup {
  timing: ManualTiming;
  connection: TestConnection;
  /** The refresh tokens the CRM was asked to refresh, in order. */
  refreshed: string[];
  lines: string[];
  sent: Array<{ request: Request }>;
  /** From now on the CRM accepts only access token n (the stored one was revoked on its side, or someone else stored n). */
  accept(n: number): void;
  get(): Promise<unknown>;
  oauth: ReturnType<typeof createOAuthRefresher>;
}

/**
 * A CRM that accepts only the newest access token; `refresh` hands out pair n+1 for pair n's
 * refresh token, or does what `onRefresh` says.
 */
function setup(
  options: {
    expired?: boolean;
    onRefresh?: (access: StoredAccess, s: { timing: ManualTiming; connection: TestConnection }) => Promise<CrmTokens> | CrmTokens;
  } = {},
): Setup {
  const timing = new ManualTiming();
  const connection = testConnection(tokens(1, timing.now() + (options.expired ? -1 : HOUR)), timing);
  const { logger, lines } = captureLogger();
  const refreshed: string[] = [];
  let newest = 1;
  const { fetch, sent } = scriptedFetch((request) => {
    const token = request.headers.get('Authorization');
    return token === `Bearer SECRET-ACCESS-${newest}` ? json({ ok: token }) : json({ error: 'expired' }, 401);
  });
  const http = createCrmHttp({ crmName: 'Test CRM', policy: { kind: 'window', perSecond: 1000 }, timing, fetch, logger });
  const oauth = createOAuthRefresher({
    crmName: 'Test CRM',
    timing,
    logger,
    refresh: async (access) => {
      refreshed.push(access.tokens.refreshToken);
      await Promise.resolve(); // like a real token request, not synchronous
      if (options.onRefresh) return options.onRefresh(access, { timing, connection });
      newest = Number(access.tokens.refreshToken.replace('SECRET-REFRESH-', '')) + 1;
      return tokens(newest, timing.now() + HOUR);
    },
  });
  const get = () =>
    http.request({
      credentials: oauth.credentials(connection),
      build: (access: StoredAccess) => ({ url: API, init: { headers: { Authorization: `Bearer ${access.tokens.accessToken}` } } }),
      classify,
    });
  const accept = (n: number) => {
    newest = n;
  };
  return { timing, connection, refreshed, lines, sent, accept, get, oauth };
}

async function errorOf(promise: Promise<unknown>): Promise<CrmError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CrmError);
  return error as CrmError;
}

describe('single-flight refresh', () => {
  it('10 concurrent 401s make one refresh, and every call succeeds with the new token', async () => {
    const s = setup();
    s.accept(2); // the stored access token was revoked on the CRM's side
    const results = await Promise.all(Array.from({ length: 10 }, () => s.get()));
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ ok: 'Bearer SECRET-ACCESS-2' })));
    expect(s.refreshed).toEqual(['SECRET-REFRESH-1']);
    expect(s.connection.rotations).toEqual([{ expectedVersion: 'v1', won: true }]);
    expect((await s.connection.read())!.tokens.accessToken).toBe('SECRET-ACCESS-2');
  });

  it('an expired stored token is refreshed before the first request, once for concurrent callers', async () => {
    const s = setup({ expired: true });
    s.accept(2);
    await Promise.all(Array.from({ length: 5 }, () => s.get()));
    expect(s.refreshed).toEqual(['SECRET-REFRESH-1']);
    expect(s.sent.map((entry) => entry.request.headers.get('Authorization'))).toEqual(Array.from({ length: 5 }, () => 'Bearer SECRET-ACCESS-2'));
  });

  it('a caller that saw the old token after the refresh finished reuses the rotated one instead of refreshing again', async () => {
    const s = setup();
    s.accept(2);
    await s.get();
    // A request that read the old tokens before the rotation gets its 401 only now.
    const oauth = createOAuthRefresher({ crmName: 'Test CRM', timing: s.timing, refresh: () => Promise.reject(new Error('must not refresh')) });
    const stale: StoredAccess = { ...(await s.connection.read())!, tokens: tokens(1, s.timing.now() + HOUR), version: 'v1' };
    expect((await oauth.refreshAccess(s.connection, stale)).tokens.accessToken).toBe('SECRET-ACCESS-2');
  });

  it('no access stored: crm_not_connected, nothing sent', async () => {
    const s = setup();
    await s.connection.revoked();
    expect((await errorOf(s.get())).code).toBe('crm_not_connected');
    expect(s.sent).toHaveLength(0);
  });
});

describe('compare-and-swap', () => {
  it('a refresh that loses the swap uses the winner’s tokens', async () => {
    const s = setup({
      onRefresh: (_access, { connection, timing }) => {
        // Meanwhile another process (or a new grant) stores pair 7.
        connection.write(tokens(7, timing.now() + HOUR));
        return tokens(2, timing.now() + HOUR);
      },
    });
    s.accept(7);
    expect(await s.get()).toEqual({ ok: 'Bearer SECRET-ACCESS-7' });
    expect(s.connection.rotations).toEqual([{ expectedVersion: 'v1', won: false }]);
    expect((await s.connection.read())!.tokens.accessToken).toBe('SECRET-ACCESS-7');
  });
});

describe('a refused refresh', () => {
  const refused = () => Promise.reject(new CrmError('crm_access_revoked', 'Test CRM refused the refresh token'));

  it('uses the tokens another process rotated first (visible at once), without revoking', async () => {
    const s = setup({
      onRefresh: (_access, { connection, timing }) => {
        connection.write(tokens(5, timing.now() + HOUR)); // it spent our refresh token and stored its pair
        return refused();
      },
    });
    s.accept(5);
    expect(await s.get()).toEqual({ ok: 'Bearer SECRET-ACCESS-5' });
    expect(s.connection.revocations).toBe(0);
    expect(s.timing.sleeps).toEqual([]);
  });

  it('waits the race grace for a rotation still being stored, then uses it', async () => {
    const s = setup({
      onRefresh: (_access, { connection, timing }) => {
        connection.writeAt(timing.now() + 200, tokens(5, timing.now() + HOUR)); // lands 200 ms later
        return refused();
      },
    });
    s.accept(5);
    expect(await s.get()).toEqual({ ok: 'Bearer SECRET-ACCESS-5' });
    expect(s.timing.sleeps).toEqual([300]);
    expect(s.connection.revocations).toBe(0);
  });

  it('with no rotation in sight: the access is revoked once; callers that held that access get crm_access_revoked, later ones crm_not_connected', async () => {
    const s = setup({ onRefresh: () => refused() });
    s.accept(2);
    const errors = await Promise.all(Array.from({ length: 4 }, () => errorOf(s.get())));
    expect(errors.map((error) => error.code)).toEqual(Array(4).fill('crm_access_revoked'));
    expect((await errorOf(s.get())).code).toBe('crm_not_connected');
    expect(s.refreshed).toHaveLength(1);
    expect(s.connection.revocations).toBe(1);
    expect(s.timing.sleeps).toEqual([300]);
    expect(await s.connection.read()).toBeNull();
  });

  it('a call refused with the same access after that refresh ended (it was in flight) is told the access was revoked, not that it is gone', async () => {
    const s = setup({ onRefresh: () => refused() });
    s.accept(2);
    const held = (await s.connection.read())!;
    expect((await errorOf(s.get())).code).toBe('crm_access_revoked');
    // Without that memory (another refresher), the same call finds the access gone.
    const forgetful = createOAuthRefresher({ crmName: 'Test CRM', timing: s.timing, refresh: () => Promise.reject(new Error('must not refresh')) });
    expect((await errorOf(forgetful.refreshAccess(s.connection, held))).code).toBe('crm_not_connected');
    expect((await errorOf(s.oauth.refreshAccess(s.connection, held))).code).toBe('crm_access_revoked');
    expect(s.refreshed).toHaveLength(1);
  });

  it('another failure (the CRM is down) is passed on without revoking', async () => {
    const s = setup({ onRefresh: () => Promise.reject(new CrmError('crm_unavailable', 'Test CRM answered 502 to the token request')) });
    s.accept(2);
    expect((await errorOf(s.get())).code).toBe('crm_unavailable');
    expect(s.connection.revocations).toBe(0);
    expect(await s.connection.read()).not.toBeNull();
  });
});

describe('secrets', () => {
  it('no token or key appears in any log line or error message, and logs name host and path only', async () => {
    const messages: string[] = [];
    const collect = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof Error) messages.push(error.message);
        },
      );
    const lines: string[] = [];

    // OAuth: refresh, a refused refresh with the access revoked, a fresh token refused again.
    const ok = setup();
    ok.accept(2);
    await collect(ok.get());
    const revoked = setup({ onRefresh: () => Promise.reject(new CrmError('crm_access_revoked', 'Test CRM refused the refresh token')) });
    revoked.accept(2);
    await collect(revoked.get());
    const refusedAgain = setup({ onRefresh: (_access, { timing }) => tokens(2, timing.now() + HOUR) });
    refusedAgain.accept(99);
    await collect(refusedAgain.get());
    lines.push(...ok.lines, ...revoked.lines, ...refusedAgain.lines);

    // An API key in the query and a header: 429s, 5xx, a timeout and a network error that quotes the URL.
    const timing = new ManualTiming();
    const captured = captureLogger();
    const key = 'SECRET-API-KEY';
    const url = new URL(`https://shop.crm.example/api/v5/orders?apiKey=${key}&limit=20`);
    let n = 0;
    const { fetch } = scriptedFetch((request) => {
      n += 1;
      if (n <= 2) return json({}, 429, { 'Retry-After': '1' });
      if (n <= 6) return json({}, 503);
      if (n === 7) {
        return new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => reject(request.signal.reason as Error), { once: true });
          queueMicrotask(() => timing.advance(60_000));
        });
      }
      throw new TypeError(`request to ${request.url} with X-API-KEY ${key} failed`);
    });
    const http = createCrmHttp({ crmName: 'Test CRM', policy: { kind: 'window', perSecond: 10 }, timing, fetch, logger: captured.logger, maxRetries: 3 });
    const build = () => ({ url, init: { headers: { 'X-API-KEY': key } } });
    await collect(http.request({ build, classify })); // 429, 429, 503, 503 → gives up
    await collect(http.request({ build, classify })); // 503, 503, then the timeout
    await collect(http.request({ build, classify })); // network error
    lines.push(...captured.lines);

    expect(messages).toEqual([
      'Test CRM refused the refresh token',
      'Test CRM refused a freshly refreshed token',
      'Test CRM answered 503',
      'Test CRM did not answer within 15000 ms',
      'Test CRM could not be reached',
    ]);
    expect(lines.length).toBeGreaterThan(10);
    for (const text of [...lines, ...messages]) {
      expect(text).not.toMatch(/SECRET|apiKey|Bearer/);
      expect(text).not.toContain('?');
    }
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.filter((entry) => 'path' in entry).map((entry) => entry.path)).toContain('/api/v5/orders');
  });
});
