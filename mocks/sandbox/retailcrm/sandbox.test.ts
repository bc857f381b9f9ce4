import { describe, expect, it } from 'vitest';

import demoFixture from '../../fixtures/retailcrm-demo.json';

import { buildSandboxShop, createSandboxRetailCrm, RETAILCRM_SANDBOX_DEFAULT_ORIGIN, SandboxShopFixtureError, type ShopFixtureInput } from './index';

/** The sandbox RetailCRM speaks API v5 as docs/crm-apis.md §3 describes it. */

const ORIGIN = RETAILCRM_SANDBOX_DEFAULT_ORIGIN;

function setUp(perSecond = 0) {
  let now = Date.UTC(2025, 10, 1);
  const sandbox = createSandboxRetailCrm({ faults: { perSecond }, now: () => now });
  const get = async (path: string, key: string | null = sandbox.apiKey) => {
    const response = await sandbox.fetch(new Request(`${ORIGIN}${path}`, { headers: key ? { 'X-API-KEY': key } : {} }));
    const text = await response.text();
    return { status: response.status, text, body: (response.headers.get('Content-Type')?.includes('json') ? JSON.parse(text) : null) as Record<string, unknown> | null };
  };
  return { sandbox, get, tick: (ms: number) => (now += ms) };
}

describe('sandbox RetailCRM', () => {
  it('the demo shop: several status groups, order custom fields, a few hundred orders with histories ending where each order is', () => {
    const { sandbox } = setUp();
    const { shop } = sandbox;
    expect(shop.groups.map((group) => group.code)).toEqual(['new', 'approval', 'assembling', 'delivery', 'complete', 'cancel']);
    expect(shop.orders.length).toBeGreaterThanOrEqual(300);
    expect(shop.fixture.customFields.some((field) => field.type === 'numeric')).toBe(true);
    expect(shop.orders.filter((order) => order.status === 'complete').length).toBeGreaterThan(20);
    for (const order of shop.orders) {
      const entries = shop.history.filter((entry) => entry.orderId === order.id);
      expect(entries[0]?.oldStatus).toBeNull();
      expect(entries.at(-1)?.newStatus).toBe(order.status);
    }
  });

  it('credentials: the key’s scopes; a wrong or missing key is refused as RetailCRM does', async () => {
    const { get } = setUp();
    const ok = await get('/api/credentials');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, siteAccess: 'access_full', scopes: expect.arrayContaining(['order_read', 'reference_read']) as unknown });
    expect(await get('/api/credentials', 'nope-nope-nope-nope')).toMatchObject({ status: 403, body: { success: false, errorMsg: 'Wrong "apiKey" value.' } });
    expect(await get('/api/credentials', null)).toMatchObject({ status: 403, body: { errorMsg: '"apiKey" is missing.' } });
  });

  it('a key without a method’s scope gets Access denied.', async () => {
    const { sandbox, get } = setUp();
    sandbox.addKey('only-orders-key-000001', ['order_read']);
    expect((await get('/api/v5/orders', 'only-orders-key-000001')).status).toBe(200);
    expect(await get('/api/v5/reference/statuses', 'only-orders-key-000001')).toMatchObject({ status: 403, body: { errorMsg: 'Access denied.' } });
  });

  it('statuses and groups are maps keyed by code', async () => {
    const { get } = setUp();
    const statuses = (await get('/api/v5/reference/statuses')).body!.statuses as Record<string, { code: string; group: string }>;
    expect(statuses.complete).toMatchObject({ code: 'complete', group: 'complete' });
    const groups = (await get('/api/v5/reference/status-groups')).body!.statusGroups as Record<string, { statuses: string[] }>;
    expect(groups.cancel?.statuses).toContain('cancel-other');
  });

  it('orders page with limit 20, 50 or 100 only, newest first, with a pagination block', async () => {
    const { sandbox, get } = setUp();
    const page = await get('/api/v5/orders?limit=50&page=2');
    expect(page.body!.pagination).toEqual({ limit: 50, totalCount: sandbox.shop.orders.length, currentPage: 2, totalPageCount: Math.ceil(sandbox.shop.orders.length / 50) });
    const ids = (page.body!.orders as Array<{ id: number }>).map((order) => order.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(await get('/api/v5/orders?limit=30')).toMatchObject({ status: 400, body: { success: false, errorMsg: 'Errors in the input parameters' } });
  });

  it('history walks with sinceId; sinceId with a later page is a 400', async () => {
    const { sandbox, get } = setUp();
    const first = await get('/api/v5/orders/history?limit=100');
    const entries = first.body!.history as Array<{ id: number }>;
    const next = await get(`/api/v5/orders/history?limit=100&filter[sinceId]=${entries.at(-1)!.id}`);
    expect((next.body!.history as Array<{ id: number }>)[0]!.id).toBeGreaterThan(entries.at(-1)!.id);
    expect((next.body!.pagination as { totalCount: number }).totalCount).toBe(sandbox.shop.history.length - 100);
    expect((await get('/api/v5/orders/history?limit=100&page=2&filter[sinceId]=1')).status).toBe(400);
  });

  it('above 10 requests a second: 503, an HTML page; a second later it answers again', async () => {
    const { get, tick } = setUp(10);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await get('/api/credentials')).status);
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    const limited = await get('/api/credentials');
    expect(limited.status).toBe(503);
    expect(limited.text).toContain('503 Service Temporarily Unavailable');
    tick(1000);
    expect((await get('/api/credentials')).status).toBe(200);
  });

  it('faults: unpaid, forbidden, 500', async () => {
    const { sandbox, get } = setUp();
    sandbox.setFaults({ unpaid: true });
    expect((await get('/api/v5/orders')).status).toBe(402);
    sandbox.setFaults({ unpaid: false, forbidden: true });
    expect(await get('/api/v5/orders')).toMatchObject({ status: 403, body: { errorMsg: 'Access denied.' } });
    sandbox.setFaults({ forbidden: false, error500: 1 });
    expect((await get('/api/v5/orders')).status).toBe(500);
  });

  it('a broken fixture is refused with every problem named', () => {
    const input = structuredClone(demoFixture) as ShopFixtureInput;
    input.orders = [{ id: 1, path: [{ status: 'nonexistent', at: '2025-06-01 10:00:00' }], totalSumm: 1 }];
    input.account.apiKey = 'short';
    expect(() => buildSandboxShop(input)).toThrow(SandboxShopFixtureError);
    expect(() => buildSandboxShop(input)).toThrow(/account\.apiKey[\s\S]*unknown status nonexistent/);
  });
});
