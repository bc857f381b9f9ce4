import { describe, expect, it } from 'vitest';

import { CrmError } from '../errors';

import { createCrmHttp, CrmHostError, outcome, type Classify, type CrmHttpOptions, type RenewableCredentials } from './client';
import { captureLogger, json, ManualTiming, scriptedFetch, SettlingTiming } from './testing';

const URL_A = new URL('https://a.crm.example/api/things?page=2');

/** Status → outcome, the way an adapter's classifier reads (429 hint from the body or the header). */
const classify: Classify<unknown> = (response, body) => {
  if (response.ok) return outcome.ok(body);
  if (response.status === 401) return outcome.refresh();
  if (response.status === 429) {
    const field = typeof body === 'object' && body !== null && 'retry_after' in body ? Number(body.retry_after) : null;
    const header = response.headers.get('Retry-After');
    return outcome.rateLimited(field ?? (header === null ? null : Number(header)));
  }
  if (response.status >= 500) return outcome.unavailable();
  return outcome.fail(new CrmError('crm_forbidden', `Test CRM answered ${response.status}`));
};

function setup(
  answer: (request: Request, n: number) => Response | Promise<Response>,
  options: Partial<CrmHttpOptions> = {},
  timing: ManualTiming = new ManualTiming(),
) {
  const { logger, lines } = captureLogger();
  const { fetch, sent } = scriptedFetch(answer);
  const http = createCrmHttp({ crmName: 'Test CRM', policy: { kind: 'window', perSecond: 100 }, timing, fetch, logger, ...options });
  return { http, timing, sent, lines };
}

async function errorOf(promise: Promise<unknown>): Promise<CrmError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CrmError);
  return error as CrmError;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Answers from a list, by call number (the last one repeats). */
const answers =
  (...list: Array<() => Response>) =>
  (_request: Request, n: number) =>
    list[Math.min(n, list.length - 1)]!();

describe('send', () => {
  it('sends one exchange without following redirects, under a timeout signal', async () => {
    const { http, sent } = setup(() => new Response(null, { status: 302, headers: { Location: 'https://elsewhere.example/' } }));
    const response = await http.send({ url: URL_A, init: { headers: { Accept: 'application/json' } } });
    expect(response.status).toBe(302);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.init!.redirect).toBe('manual');
    expect(sent[0]!.init!.signal).toBeInstanceOf(AbortSignal);
    expect(sent[0]!.request.headers.get('Accept')).toBe('application/json');
  });

  it('times out a CRM that does not answer: crm_unavailable naming the CRM, after exactly timeoutMs of fake time', async () => {
    const { http, timing, lines, sent } = setup(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => reject(request.signal.reason as Error), { once: true });
        }),
      { timeoutMs: 50 },
    );
    let settled = false;
    const pending = errorOf(http.send({ url: URL_A }).finally(() => (settled = true)));
    while (sent.length === 0) await tick();
    timing.advance(49);
    await tick();
    expect(settled).toBe(false);
    timing.advance(1);
    await tick();
    expect(settled).toBe(true);
    const error = await pending;
    expect(error.code).toBe('crm_unavailable');
    expect(error.message).toBe('Test CRM did not answer within 50 ms');
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'crm request failed', crm: 'Test CRM', host: 'a.crm.example', path: '/api/things', reason: 'timeout' }),
    ]);
  });

  it('reports a network failure as crm_unavailable, without the cause’s text', async () => {
    const { http, lines } = setup(() => {
      throw new TypeError(`fetch failed for ${URL_A.href}`, { cause: { code: 'ECONNREFUSED' } });
    });
    const error = await errorOf(http.send({ url: URL_A }));
    expect(error.code).toBe('crm_unavailable');
    expect(error.message).toBe('Test CRM could not be reached');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ reason: 'network', error: 'ECONNREFUSED', host: 'a.crm.example', path: '/api/things' });
    expect(lines[0]).not.toContain('page=2');
  });

  it('waits its turn with the key’s rate limiter (default key: the host)', async () => {
    const { http, timing } = setup(() => json({}), { policy: { kind: 'window', perSecond: 2 } });
    const start = timing.now();
    const at: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await http.send({ url: new URL(`/api/path-${i}?page=${i}`, URL_A) }); // one account: every path shares its limiter
      at.push(timing.now() - start);
    }
    await http.send({ url: new URL('https://b.crm.example/') });
    await http.send({ url: URL_A, key: 'another account on the same host' });
    expect(at).toEqual([0, 0, 1000, 1000, 2000]);
    expect(timing.now() - start).toBe(2000);
  });
});

describe('request: retries', () => {
  it('returns what the classifier accepts, with the body read as JSON (null when empty or not JSON)', async () => {
    const { http } = setup(answers(() => json({ a: 1 }), () => new Response(null, { status: 204 }), () => new Response('<html>', { status: 200 })));
    const read = () => http.request({ build: () => ({ url: URL_A }), classify: (_response, body) => outcome.ok(body) });
    expect(await read()).toEqual({ a: 1 });
    expect(await read()).toBeNull();
    expect(await read()).toBeNull();
  });

  it('honours a Retry-After header hint', async () => {
    const { http, timing, sent } = setup(answers(() => json({}, 429, { 'Retry-After': '3' }), () => json({ ok: true })));
    expect(await http.request({ build: () => ({ url: URL_A }), classify })).toEqual({ ok: true });
    expect(timing.sleeps).toEqual([3000]);
    expect(sent).toHaveLength(2);
  });

  it('honours a hint in the body', async () => {
    const { http, timing } = setup(answers(() => json({ retry_after: 2 }, 429), () => json({ ok: true })));
    await http.request({ build: () => ({ url: URL_A }), classify });
    expect(timing.sleeps).toEqual([2000]);
  });

  it('backs off exponentially without a hint, capped at maxRetryWaitMs', async () => {
    const { http, timing, sent } = setup(answers(() => json({}, 429), () => json({}, 429), () => json({}, 429), () => json({ ok: 1 })), {
      maxRetryWaitMs: 1500,
    });
    expect(await http.request({ build: () => ({ url: URL_A }), classify })).toEqual({ ok: 1 });
    expect(timing.sleeps).toEqual([500, 1000, 1500]);
    expect(sent).toHaveLength(4);
  });

  it('does not wait for a hint beyond maxRetryWaitMs: crm_rate_limited with retryAfterSec, at once', async () => {
    const { http, timing, sent } = setup(() => json({ retry_after: 300 }, 429), { maxRetryWaitMs: 10_000 });
    const error = await errorOf(http.request({ build: () => ({ url: URL_A }), classify }));
    expect(error.code).toBe('crm_rate_limited');
    expect(error.retryAfterSec).toBe(300);
    expect(error.message).toBe('Test CRM rate limit');
    expect(timing.sleeps).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('gives up after maxRetries: crm_rate_limited carrying the last hint', async () => {
    const { http, timing, sent } = setup(() => json({ retry_after: 1 }, 429), { maxRetries: 3 });
    const error = await errorOf(http.request({ build: () => ({ url: URL_A }), classify }));
    expect(error.code).toBe('crm_rate_limited');
    expect(error.retryAfterSec).toBe(1);
    expect(sent).toHaveLength(4);
    expect(timing.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('retries a 5xx with backoff, then reports crm_unavailable naming the CRM and the status', async () => {
    const { http, timing, sent, lines } = setup(() => json({}, 503), { maxRetries: 2 });
    const error = await errorOf(http.request({ build: () => ({ url: URL_A }), classify }));
    expect(error.code).toBe('crm_unavailable');
    expect(error.message).toBe('Test CRM answered 503');
    expect(sent).toHaveLength(3);
    expect(timing.sleeps).toEqual([500, 1000]);
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      'crm request failed, retrying',
      'crm request failed, retrying',
      'crm request failed',
    ]);
  });

  it('a failure outcome is thrown as it is, without retrying', async () => {
    const { http, sent } = setup(() => json({}, 403));
    const error = await errorOf(http.request({ build: () => ({ url: URL_A }), classify }));
    expect(error.code).toBe('crm_forbidden');
    expect(sent).toHaveLength(1);
  });

  it('an API-key request sends the key as the adapter builds it, and retries the same way', async () => {
    const { http, sent, timing } = setup(answers(() => json({ success: false }, 503), () => json({ success: true })));
    const url = new URL('https://shop.retailcrm.example/api/v5/reference/statuses');
    const body = await http.request({
      build: () => ({ url, init: { headers: { 'X-API-KEY': 'key-1' } } }),
      classify: (response, json) => (response.status === 503 ? outcome.rateLimited(null) : outcome.ok(json)),
    });
    expect(body).toEqual({ success: true });
    expect(sent.map((entry) => entry.request.headers.get('X-API-KEY'))).toEqual(['key-1', 'key-1']);
    expect(timing.sleeps).toEqual([500]);
  });
});

describe('request: renewable credentials', () => {
  /** Credentials numbered 1, 2, …; `renew` hands out the next. */
  function counting(startFresh = false): RenewableCredentials<number> & { renewals: number[] } {
    let latest = 1;
    const renewals: number[] = [];
    return {
      renewals,
      start: () => Promise.resolve({ access: latest, fresh: startFresh }),
      renew: (refused) => {
        renewals.push(refused);
        latest += 1;
        return Promise.resolve(latest);
      },
    };
  }
  const withToken = (access: number) => ({ url: URL_A, init: { headers: { Authorization: `Bearer token-${access}` } } });
  const tokensSent = (sent: Array<{ request: Request }>) => sent.map((entry) => entry.request.headers.get('Authorization'));

  it('on a refresh outcome renews once and sends again with the new credentials; that resend is no retry', async () => {
    const { http, sent } = setup(answers(() => json({}, 401), () => json({ ok: true })), { maxRetries: 0 });
    const credentials = counting();
    expect(await http.request({ credentials, build: withToken, classify })).toEqual({ ok: true });
    expect(credentials.renewals).toEqual([1]);
    expect(tokensSent(sent)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('the retry budget is spent by 429/5xx only, before or after a refresh', async () => {
    const after = setup(answers(() => json({}, 401), () => json({}, 500), () => json({ ok: 1 })), { maxRetries: 1 });
    expect(await after.http.request({ credentials: counting(), build: withToken, classify })).toEqual({ ok: 1 });
    expect(tokensSent(after.sent)).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-2']);

    const spent = setup(answers(() => json({}, 500), () => json({}, 401), () => json({}, 500), () => json({ ok: 1 })), { maxRetries: 1 });
    expect((await errorOf(spent.http.request({ credentials: counting(), build: withToken, classify }))).message).toBe('Test CRM answered 500');
    expect(spent.sent).toHaveLength(3);
  });

  it('a second refusal right after renewing is crm_unavailable, and nothing more is renewed', async () => {
    const { http, sent } = setup(() => json({}, 401));
    const credentials = counting();
    const error = await errorOf(http.request({ credentials, build: withToken, classify }));
    expect(error.code).toBe('crm_unavailable');
    expect(error.message).toBe('Test CRM refused a freshly refreshed token');
    expect(credentials.renewals).toEqual([1]);
    expect(sent).toHaveLength(2);
  });

  it('credentials that were fresh from the start count as renewed already', async () => {
    const { http, sent } = setup(() => json({}, 401));
    const credentials = counting(true);
    expect((await errorOf(http.request({ credentials, build: withToken, classify }))).code).toBe('crm_unavailable');
    expect(credentials.renewals).toEqual([]);
    expect(sent).toHaveLength(1);
  });
});

describe('send: fair, bounded lines per workspace (party)', () => {
  const AMO = { kind: 'window', perSecond: 7 } as const;
  const ACCOUNT = new URL('https://shared.crm.example/api/things');

  /**
   * A CRM that answers at once and notes when each party's request arrived (fake ms since the
   * start); `burst` sends one request per entry of `parties` at once.
   */
  function lines(options: Partial<CrmHttpOptions>) {
    const timing = new SettlingTiming();
    // The in-flight cap has its own test; here every request the bucket lets through may go.
    options = { maxInFlightPerParty: 1000, ...options };
    const start = timing.now();
    const arrived: Array<{ party: string; at: number }> = [];
    const { http, sent } = setup(
      (request) => {
        arrived.push({ party: request.headers.get('X-Party')!, at: timing.now() - start });
        return json({});
      },
      options,
      timing,
    );
    async function burst(parties: string[]) {
      const refused: Array<{ party: string; error: CrmError }> = [];
      await Promise.all(
        parties.map((party) =>
          http.send({ url: ACCOUNT, party, init: { headers: { 'X-Party': party } } }).then(
            () => undefined,
            (error: unknown) => refused.push({ party, error: error as CrmError }),
          ),
        ),
      );
      return refused;
    }
    return { http, timing, sent, arrived, burst };
  }

  it("300 waiting for workspace A: workspace B's single request goes in the second window, not after A's 300", async () => {
    const k = lines({ policy: AMO, timeoutMs: 120_000, maxQueuedPerParty: 1000 });
    expect(await k.burst([...Array.from({ length: 300 }, () => 'A'), 'B'])).toEqual([]);
    // The first window's 7 went to A as its requests came in; B has the first turn after them.
    expect(k.arrived.find((entry) => entry.party === 'B')!.at).toBe(1000);
    // A still gets the account's whole rate: 301 requests at 7 a second, the last in the 43rd window.
    expect(k.arrived).toHaveLength(301);
    expect(Math.max(...k.arrived.map((entry) => entry.at))).toBe(42_000);
    for (let i = 7; i < k.arrived.length; i += 1) expect(k.arrived[i]!.at - k.arrived[i - 7]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('round-robin: two busy workspaces share the windows, a third is served at its first turn', async () => {
    const k = lines({ policy: { kind: 'window', perSecond: 2 }, timeoutMs: 120_000 });
    await k.burst(['X', 'X']); // the first window is used up
    await k.burst(['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B', 'C']);
    expect(k.arrived.slice(2).map((entry) => `${entry.party}@${entry.at}`)).toEqual([
      'A@1000',
      'B@1000',
      'C@2000',
      'A@2000',
      'B@3000',
      'A@3000',
      'B@4000',
      'A@4000',
      'B@5000',
    ]);
  });

  it('a workspace may have at most maxQueuedPerParty requests waiting; beyond, crm_rate_limited at once with a retry hint', async () => {
    const k = lines({ policy: AMO, maxQueuedPerParty: 20, timeoutMs: 120_000 });
    const refused = await k.burst([...Array.from({ length: 50 }, () => 'A'), 'B']);
    // 7 go at once (the window's tokens), 20 wait, the other 23 are refused without waiting.
    expect(k.arrived.filter((entry) => entry.party === 'A')).toHaveLength(27);
    expect(refused).toHaveLength(23);
    for (const { party, error } of refused) {
      expect(party).toBe('A');
      expect(error.code).toBe('crm_rate_limited');
      expect(error.message).toBe('Test CRM: too many requests waiting for this workspace');
      // 20 waiting at 7 a second (A alone in line when refused): about 3 s.
      expect(error.retryAfterSec).toBe(3);
    }
    expect(k.sent).toHaveLength(28); // the refused ones never left the server
    expect(k.arrived.find((entry) => entry.party === 'B')!.at).toBe(1000);
  });

  it('the time spent waiting counts toward timeoutMs: a request whose turn would come later fails with the timeout error', async () => {
    const k = lines({ policy: AMO, timeoutMs: 2500, maxQueuedPerParty: 100 });
    const refused = await k.burst(Array.from({ length: 30 }, () => 'A'));
    // Windows at 0, 1000 and 2000 ms send 21; the other 9 would go at 3000 ms, past the deadline.
    expect(k.arrived).toHaveLength(21);
    expect(Math.max(...k.arrived.map((entry) => entry.at))).toBe(2000);
    expect(refused).toHaveLength(9);
    for (const { error } of refused) {
      expect(error.code).toBe('crm_unavailable');
      expect(error.message).toBe('Test CRM did not answer within 2500 ms');
    }
    expect(k.timing.now() - 1_000_000).toBe(2500); // refused at the deadline, not at the next window
  });

  it('a workspace has at most maxInFlightPerParty requests on the wire; another workspace is not held up by them', async () => {
    const timing = new ManualTiming();
    const pending: Array<() => void> = [];
    const { http, sent } = setup(
      () =>
        new Promise<Response>((resolve) => {
          pending.push(() => resolve(json({})));
        }),
      { policy: { kind: 'window', perSecond: 100 }, maxInFlightPerParty: 3 },
      timing,
    );
    const a = Array.from({ length: 5 }, () => http.request({ build: () => ({ url: ACCOUNT, party: 'A' }), classify }));
    while (sent.length < 3) await tick();
    await tick();
    expect(sent).toHaveLength(3);
    const b = http.request({ build: () => ({ url: ACCOUNT, party: 'B' }), classify });
    while (sent.length < 4) await tick();
    expect(sent).toHaveLength(4);
    pending.shift()!(); // one of A's answers: A's fourth may go
    while (sent.length < 5) await tick();
    await tick();
    expect(sent).toHaveLength(5);
    while (pending.length > 0) {
      pending.shift()!();
      await tick();
    }
    await Promise.all([...a, b]);
    expect(sent).toHaveLength(6);
  });
});

describe('send: destinations', () => {
  const destinations = { allows: (url: URL) => url.origin === 'https://a.crm.example', description: 'https://a.crm.example' };

  it('refuses a host outside the destinations before anything is sent or waited for', async () => {
    const { http, sent, lines } = setup(() => json({}), { destinations });
    expect((await http.send({ url: URL_A })).status).toBe(200);
    for (const url of ['https://b.crm.example/api', 'http://a.crm.example/api', 'https://a.crm.example:8443/api']) {
      const error = await errorOf(http.send({ url: new URL(url) }));
      expect(error).toBeInstanceOf(CrmHostError);
      expect(error.code).toBe('crm_forbidden');
      expect(error.message).toBe(`Test CRM: refused to contact ${new URL(url).origin}; this server may contact only https://a.crm.example`);
    }
    expect(sent).toHaveLength(1);
    expect(lines.filter((line) => line.includes('host not allowed'))).toHaveLength(3);
  });
});
