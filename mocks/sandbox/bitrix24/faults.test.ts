import { describe, expect, it } from 'vitest';

import { BITRIX24_DEFAULT_FAULTS, createSandboxBitrix24, parseBitrix24Faults, SandboxFaultsError } from './index';
import { call, grant, sandboxWithClock, tokenRequest, type TokenBody } from './test-helpers';

/** The portal's leaky bucket (2 req/s, 50 queued) and every injected fault, on an injected clock. */

const limited = { status: 503, body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } };

async function burst(run: () => Promise<{ status: number }>, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await run()).status);
  return statuses;
}

describe('the leaky bucket', () => {
  it('takes exactly 50 requests at once, then answers 503 QUERY_LIMIT_EXCEEDED', async () => {
    const { sandbox } = sandboxWithClock();
    const { access_token: token } = await grant(sandbox);
    expect(await burst(() => call(sandbox, token, 'profile'), 50)).toEqual(Array<number>(50).fill(200));
    expect(await call(sandbox, token, 'profile')).toEqual(limited);
    // Refused requests do not fill the bucket, and the OAuth server is not the portal: it is not limited.
    expect(await call(sandbox, token, 'profile')).toEqual(limited);
    expect((await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: 'x' })).status).toBe(400);
  });

  it('drains 2 requests a second', async () => {
    const { sandbox, clock } = sandboxWithClock();
    const { access_token: token } = await grant(sandbox);
    await burst(() => call(sandbox, token, 'profile'), 50);
    clock.at += 499;
    expect((await call(sandbox, token, 'profile')).status).toBe(503);
    clock.at += 1;
    expect(await burst(() => call(sandbox, token, 'profile'), 2)).toEqual([200, 503]);
    clock.at += 1000;
    expect(await burst(() => call(sandbox, token, 'profile'), 3)).toEqual([200, 200, 503]);
    clock.at += 25_000;
    expect(await burst(() => call(sandbox, token, 'profile'), 51)).toEqual([...Array<number>(50).fill(200), 503]);
  });

  it('counts requests without a valid token too (the limit is the portal’s, before authorization)', async () => {
    const { sandbox } = sandboxWithClock({ faults: { bucket: 3 } });
    expect(await burst(() => call(sandbox, 'nope', 'profile'), 4)).toEqual([401, 401, 401, 503]);
  });

  it('is configurable (Enterprise: 250 queued, 5 a second) and can be turned off', async () => {
    const { sandbox, clock } = sandboxWithClock({ faults: 'bucket=250,drainPerSec=5' });
    const { access_token: token } = await grant(sandbox);
    expect((await burst(() => call(sandbox, token, 'profile'), 251)).filter((status) => status === 200)).toHaveLength(250);
    clock.at += 1000;
    expect(await burst(() => call(sandbox, token, 'profile'), 6)).toEqual([200, 200, 200, 200, 200, 503]);
    sandbox.setFaults({ bucket: 0 });
    expect(new Set(await burst(() => call(sandbox, token, 'profile'), 300))).toEqual(new Set([200]));
    sandbox.setFaults({ bucket: 50, drainPerSec: 2 });
    sandbox.resetRateLimit();
    expect((await burst(() => call(sandbox, token, 'profile'), 51)).at(-1)).toBe(503);
  });
});

describe('injected faults', () => {
  it('parse from SANDBOX_BITRIX24_FAULTS with the shared parser, naming what is wrong', () => {
    expect(parseBitrix24Faults('rate503=0.2,error500=0.1,latencyMs=300,accessTtlSec=60,revokedRefresh')).toEqual({
      ...BITRIX24_DEFAULT_FAULTS,
      rate503: 0.2,
      error500: 0.1,
      latencyMs: 300,
      accessTtlSec: 60,
      revokedRefresh: true,
    });
    expect(parseBitrix24Faults('noRest, unpaid=0, bucket=0')).toMatchObject({ noRest: true, unpaid: false, bucket: 0 });
    expect(parseBitrix24Faults(undefined)).toEqual(BITRIX24_DEFAULT_FAULTS);
    expect(BITRIX24_DEFAULT_FAULTS).toMatchObject({ accessTtlSec: 3600, bucket: 50, drainPerSec: 2 });
    expect(() => parseBitrix24Faults('rate503=2')).toThrow(SandboxFaultsError);
    expect(() => parseBitrix24Faults('rate429=0.5')).toThrow(/unknown fault "rate429"/);
    expect(() => parseBitrix24Faults('drainPerSec=0')).toThrow(/drainPerSec must be a positive integer/);
    expect(() => parseBitrix24Faults('noRest=maybe')).toThrow(/noRest must be true or false/);
  });

  it('rate503 answers 503 QUERY_LIMIT_EXCEEDED and error500 500 INTERNAL_SERVER_ERROR', async () => {
    const sandbox = createSandboxBitrix24({ faults: { rate503: 1 } });
    const { access_token: token } = await grant(sandbox);
    expect(await call(sandbox, token, 'profile')).toEqual(limited);
    sandbox.setFaults({ rate503: 0, error500: 1 });
    expect(await call(sandbox, token, 'profile')).toEqual({ status: 500, body: { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' } });
    sandbox.setFaults({ error500: 0 });
    expect((await call(sandbox, token, 'profile')).status).toBe(200);
  });

  it('rolls the 503/500 dice from a seed, so runs repeat', async () => {
    const statuses = async () => {
      const sandbox = createSandboxBitrix24({ faults: 'rate503=0.3,error500=0.2,seed=42,bucket=0' });
      const { access_token: token } = await grant(sandbox);
      return burst(() => call(sandbox, token, 'profile'), 30);
    };
    const first = await statuses();
    expect(first).toEqual(await statuses());
    expect(new Set(first)).toEqual(new Set([200, 503, 500]));
  });

  it('latencyMs delays REST and token requests (through the injected sleep)', async () => {
    const waits: number[] = [];
    const sandbox = createSandboxBitrix24({
      faults: { latencyMs: 1500 },
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    const { access_token: token } = await grant(sandbox);
    expect(waits).toEqual([1500]);
    expect((await call(sandbox, token, 'profile')).status).toBe(200);
    expect(waits).toEqual([1500, 1500]);
  });

  it('real latency is cut short by a client abort', async () => {
    const sandbox = createSandboxBitrix24({ faults: { latencyMs: 10_000 } });
    const started = Date.now();
    const response = await sandbox.fetch(new Request('http://127.0.0.1:8789/rest/profile', { signal: AbortSignal.timeout(30) }));
    expect(response.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('accessTtlSec shortens access tokens: expired_token, then a refresh works', async () => {
    const { sandbox, clock } = sandboxWithClock({ faults: 'accessTtlSec=60' });
    const tokens = await grant(sandbox);
    expect(tokens.expires_in).toBe(60);
    clock.at += 59_000;
    expect((await call(sandbox, tokens.access_token, 'profile')).status).toBe(200);
    clock.at += 1000;
    expect((await call(sandbox, tokens.access_token, 'profile')).body.error).toBe('expired_token');
    const refreshed = (await (await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as TokenBody;
    expect(refreshed.expires_in).toBe(60);
    expect((await call(sandbox, refreshed.access_token, 'profile')).status).toBe(200);
  });

  it('revokedRefresh refuses every refresh with invalid_grant; the current token still works', async () => {
    const sandbox = createSandboxBitrix24({ faults: 'revokedRefresh' });
    const tokens = await grant(sandbox);
    const refused = await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
    expect((await call(sandbox, tokens.access_token, 'profile')).status).toBe(200);
    sandbox.setFaults({ revokedRefresh: false });
    expect((await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(200);
  });

  it('noRest answers every REST call 403 ACCESS_DENIED (a plan without REST); OAuth still works', async () => {
    const sandbox = createSandboxBitrix24({ faults: { noRest: true } });
    const tokens = await grant(sandbox);
    expect(await call(sandbox, tokens.access_token, 'crm.category.list', { entityTypeId: 2 })).toEqual({
      status: 403,
      body: { error: 'ACCESS_DENIED', error_description: 'REST is available only on commercial plans' },
    });
    // An expired token is still reported as such first (the client refreshes, then gets 403).
    sandbox.expireAccessTokens();
    expect((await call(sandbox, tokens.access_token, 'profile')).body.error).toBe('expired_token');
  });

  it('unpaid answers REST and token requests 402 PAYMENT_REQUIRED', async () => {
    const sandbox = createSandboxBitrix24();
    const tokens = await grant(sandbox);
    sandbox.setFaults({ unpaid: true });
    const paymentRequired = { status: 402, body: { error: 'PAYMENT_REQUIRED', error_description: 'Payment required' } };
    expect(await call(sandbox, tokens.access_token, 'profile')).toEqual(paymentRequired);
    const refresh = await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect({ status: refresh.status, body: (await refresh.json()) as unknown }).toEqual(paymentRequired);
  });
});
