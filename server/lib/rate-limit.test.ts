import { describe, expect, it } from 'vitest';

import { problemSchema } from '../../app/contracts/problem';
import { realServers } from '../testing/real-server';

import { RateLimiter } from './rate-limit';

describe('RateLimiter (a token bucket per client)', () => {
  it('lets a burst through, then one request per refilled token, and says when the next one is back', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 5, maxClients: 10 }, () => now);
    expect(Array.from({ length: 5 }, () => limiter.take('a'))).toEqual([0, 0, 0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
    now += 500;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    now += 10_000;
    // Refilled to the burst, never beyond it.
    expect(Array.from({ length: 6 }, () => limiter.take('a'))).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('keeps at most maxClients buckets under a flood of distinct addresses, and still limits a busy client', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 3, maxClients: 100 }, () => now);
    for (let i = 0; i < 3; i += 1) limiter.take('busy');
    for (let i = 0; i < 50_000; i += 1) {
      now += 0.01;
      limiter.take(`10.0.${i >> 8}.${i & 255}`);
      if (i % 10 === 0) expect(limiter.take('busy')).toBeGreaterThan(0);
      expect(limiter.size).toBeLessThanOrEqual(100);
    }
    expect(limiter.size).toBe(100);
  });
});

const startServerWith = realServers({ AMOCRM_CLIENT_ID: 'integration-id', AMOCRM_CLIENT_SECRET: 'integration-secret' });
const start = async (extra: Record<string, string>) => (await startServerWith(extra)).server.address;

const statuses = async (count: number, url: string, headers: Record<string, string> = {}) => {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) out.push((await fetch(url, { headers })).status);
  return out;
};

describe('the API rate limit (real server)', () => {
  it('answers a burst over the limit with 429 rate_limited and Retry-After; health is not limited', async () => {
    const address = await start({ RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_BURST: '5' });
    expect(await statuses(5, `${address}/api/connectors`)).toEqual([200, 200, 200, 200, 200]);
    const refused = await fetch(`${address}/api/connectors`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('2');
    expect(refused.headers.get('Content-Type')).toContain('application/problem+json');
    expect(problemSchema.parse(await refused.json())).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 2, detail: expect.stringMatching(/Try again in 2 s/) });
    expect(await statuses(3, `${address}/api/health`)).toEqual([200, 200, 200]);
  });

  it('limits each client on its own: with TRUST_PROXY, by the address the proxy forwarded', async () => {
    const address = await start({ RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_BURST: '3', TRUST_PROXY: 'true' });
    const one = { 'X-Forwarded-For': '203.0.113.7' };
    const other = { 'X-Forwarded-For': '198.51.100.1, 203.0.113.8' };
    expect(await statuses(4, `${address}/api/connectors`, one)).toEqual([200, 200, 200, 429]);
    expect(await statuses(4, `${address}/api/connectors`, other)).toEqual([200, 200, 200, 429]);
  });

  it('without TRUST_PROXY, X-Forwarded-For does not make a client someone else', async () => {
    const address = await start({ RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_BURST: '3' });
    const forged = await Promise.all(
      ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'].map(async (ip) => (await fetch(`${address}/api/connectors`, { headers: { 'X-Forwarded-For': ip } })).status),
    );
    expect(forged.sort()).toEqual([200, 200, 200, 429]);
  });

  it('is off with RATE_LIMIT_PER_SECOND=0', async () => {
    const address = await start({ RATE_LIMIT_PER_SECOND: '0', RATE_LIMIT_BURST: '1' });
    expect(await statuses(5, `${address}/api/connectors`)).toEqual([200, 200, 200, 200, 200]);
  });
});

describe('the OpenAPI document', () => {
  it('gives every operation but health a 429 with Retry-After', async () => {
    const address = await start({});
    const doc = (await (await fetch(`${address}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses?: Record<string, { $ref?: string }> }>>;
      components: { responses: Record<string, { headers: Record<string, unknown> }> };
    };
    expect(doc.components.responses.RateLimited?.headers).toHaveProperty('Retry-After');
    const operations = Object.entries(doc.paths).flatMap(([route, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'put', 'post', 'delete'].includes(method))
        .map(([method, operation]) => ({ route, method, limited: operation.responses?.[429]?.$ref === '#/components/responses/RateLimited' })),
    );
    expect(operations.length).toBeGreaterThan(10);
    expect(operations.filter((operation) => operation.limited !== (operation.route !== '/api/health'))).toEqual([]);
  });
});
