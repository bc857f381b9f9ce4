import { afterEach, describe, expect, it } from 'vitest';

import { dealSyncSchema, IDLE_SYNC } from '../../app/contracts/deals';
import { problemSchema } from '../../app/contracts/problem';
import { rawRows } from '../testing/raw-database';
import {
  collect,
  connectThroughSandbox,
  createTestServer,
  FakeTiming,
  syncThroughApi,
  TestClient,
  workspaceIdOf,
  type TestServer,
  type TestServerOptions,
} from '../testing/index';

/**
 * `POST|GET /api/connectors/{connector}/sync` through the real API over a temporary SQLite
 * file and the in-process sandboxes (on a fake clock: the CRMs' rate limits pass at once).
 */

const servers: TestServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

function serve(options: { bitrix24?: boolean; startOnAuthorization?: boolean } = {}): TestServer {
  const timing = new FakeTiming();
  const testCrm: TestServerOptions['testCrm'] = {
    sandbox: { now: timing.now },
    adapter: { timing },
    ...(options.bitrix24 ? { bitrix24: { sandbox: { now: timing.now }, adapter: { timing } } } : {}),
  };
  const server = createTestServer({ testCrm, sync: { now: timing.now, startOnAuthorization: options.startOnAuthorization ?? false } });
  servers.push(server);
  return server;
}

const getSync = async (browser: TestClient, connector = 'amocrm') => {
  const response = await browser.request(`/api/connectors/${connector}/sync`);
  expect(response.status).toBe(200);
  return dealSyncSchema.parse(await response.json());
};

describe('POST and GET /api/connectors/{connector}/sync', () => {
  it('GET is idle before any run; POST without access is 409 crm_not_connected and starts nothing', async () => {
    const server = serve();
    const browser = new TestClient(server);
    expect(await getSync(browser)).toEqual(IDLE_SYNC);
    const refused = await browser.request('/api/connectors/amocrm/sync', { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('Content-Type')).toContain('application/problem+json');
    expect(problemSchema.parse(await refused.json())).toMatchObject({ status: 409, code: 'crm_not_connected' });
    expect(await getSync(browser)).toEqual(IDLE_SYNC);
    expect(server.crm!.sandbox.requests).toEqual([]);
  });

  it('unknown connector 404; a connector this server has no adapter for 400', async () => {
    const server = serve();
    const browser = new TestClient(server);
    expect((await browser.request('/api/connectors/nope/sync')).status).toBe(404);
    expect((await browser.request('/api/connectors/nope/sync', { method: 'POST' })).status).toBe(404);
    const unsupported = await browser.request('/api/connectors/bitrix24/sync', { method: 'POST' });
    expect(unsupported.status).toBe(400);
    expect(((await unsupported.json()) as { code: string }).code).toBe('connector_not_supported');
  });

  it('POST answers 202 with the progress at once; a second POST while loading returns the same run; GET says done at the end', async () => {
    const server = serve();
    const browser = new TestClient(server);
    await connectThroughSandbox(browser, server.crm!.sandbox);
    // The CRM takes its time (real milliseconds): the second POST comes while the first run loads.
    server.crm!.sandbox.setFaults({ latencyMs: 20 });
    const first = await browser.request('/api/connectors/amocrm/sync', { method: 'POST' });
    expect(first.status).toBe(202);
    const started = dealSyncSchema.parse(await first.json());
    expect(started).toMatchObject({ state: 'loading', loaded: 0, error: null, syncedAt: null });
    const again = await browser.request('/api/connectors/amocrm/sync', { method: 'POST' });
    expect(again.status).toBe(202);
    expect(dealSyncSchema.parse(await again.json()).startedAt).toBe(started.startedAt);
    await server.dealSync.idle();
    const done = await getSync(browser);
    expect(done).toMatchObject({ state: 'done', loaded: 321, total: null, startedAt: started.startedAt, syncedAt: started.startedAt, error: null });
    const workspaceId = await workspaceIdOf(browser);
    expect(await server.repo.countDeals(workspaceId, 'amocrm')).toBe(321);
    expect(await server.repo.getDealSync(workspaceId, 'amocrm')).toEqual({ ...done, currency: 'RUB' });
    // Only one run asked the CRM: two pages of deals.
    expect(server.crm!.sandbox.requests.filter((request) => request.path === '/api/v4/leads')).toHaveLength(2);
  });

  it('a failed run is reported by GET with its error, and POST resumes it', async () => {
    const server = serve();
    const browser = new TestClient(server);
    await connectThroughSandbox(browser, server.crm!.sandbox);
    server.crm!.sandbox.setFaults({ error500: 1 });
    const failed = await syncThroughApi(browser, server);
    expect(failed).toMatchObject({ state: 'failed', loaded: 0, error: { code: 'crm_unavailable' } });
    expect(failed.error?.message).toContain('amoCRM did not answer');
    server.crm!.sandbox.setFaults({ error500: 0 });
    expect(await syncThroughApi(browser, server)).toMatchObject({ state: 'done', loaded: 321, error: null });
  });

  it('Bitrix24: the total the portal reports', async () => {
    const server = serve({ bitrix24: true });
    const browser = new TestClient(server);
    const b24 = server.crm!.bitrix24!;
    await connectThroughSandbox(browser, b24.sandbox, { address: b24.host }, 'bitrix24');
    expect(await syncThroughApi(browser, server, 'bitrix24')).toMatchObject({ state: 'done', loaded: 323, total: 323 });
    expect(await getSync(browser, 'amocrm')).toEqual(IDLE_SYNC);
  });
});

describe('the sync and the rest of the API', () => {
  it('starts after a successful OAuth callback (the product’s default)', async () => {
    const server = serve({ startOnAuthorization: true });
    const browser = new TestClient(server);
    await connectThroughSandbox(browser, server.crm!.sandbox);
    // Started by the callback: no POST.
    expect((await getSync(browser)).state).not.toBe('idle');
    expect(server.logs.some((line) => line.includes('"deal sync started"'))).toBe(true);
    await server.dealSync.idle();
    expect(await getSync(browser)).toMatchObject({ state: 'done', loaded: 321 });
    expect(await server.repo.countDeals(await workspaceIdOf(browser), 'amocrm')).toBe(321);
  });

  it('a disconnect deletes the synced deals, their changes and the sync', async () => {
    const server = serve();
    const browser = new TestClient(server);
    await connectThroughSandbox(browser, server.crm!.sandbox);
    await syncThroughApi(browser, server);
    const workspaceId = await workspaceIdOf(browser);
    expect(await server.repo.countDeals(workspaceId, 'amocrm')).toBe(321);
    expect((await browser.request('/api/connectors/amocrm', { method: 'DELETE' })).status).toBe(204);
    expect(await server.repo.countDeals(workspaceId, 'amocrm')).toBe(0);
    expect((await collect(server.repo.iterateDeals(workspaceId, 'amocrm')))).toEqual([]);
    expect(await server.repo.getDealSync(workspaceId, 'amocrm')).toBeNull();
    expect(await getSync(browser)).toEqual(IDLE_SYNC);
    // Nothing of the changes is left either.
    const left = await rawRows<{ count: number | string }>(server, 'SELECT count(*) AS count FROM synced_status_changes WHERE workspace_id = ?', [workspaceId]);
    expect(Number(left[0]!.count)).toBe(0);
  });

  it('keeps workspaces apart: B never sees A’s deals or sync, and A’s disconnect leaves B’s', async () => {
    const server = serve();
    const alice = new TestClient(server);
    const bob = new TestClient(server);
    await connectThroughSandbox(alice, server.crm!.sandbox);
    await connectThroughSandbox(bob, server.crm!.sandbox);
    await syncThroughApi(alice, server);
    const [a, b] = [await workspaceIdOf(alice), await workspaceIdOf(bob)];
    expect(await server.repo.countDeals(a, 'amocrm')).toBe(321);
    expect(await server.repo.countDeals(b, 'amocrm')).toBe(0);
    expect((await collect(server.repo.iterateDeals(b, 'amocrm')))).toEqual([]);
    expect(await server.repo.getDealSync(b, 'amocrm')).toBeNull();
    expect(await getSync(bob)).toEqual(IDLE_SYNC);
    await syncThroughApi(bob, server);
    expect((await alice.request('/api/connectors/amocrm', { method: 'DELETE' })).status).toBe(204);
    expect(await server.repo.countDeals(a, 'amocrm')).toBe(0);
    expect(await server.repo.countDeals(b, 'amocrm')).toBe(321);
    expect(await getSync(bob)).toMatchObject({ state: 'done', loaded: 321 });
  });

  it('puts no token into a response, a log line or the sync’s state', async () => {
    const server = serve();
    const browser = new TestClient(server);
    await connectThroughSandbox(browser, server.crm!.sandbox);
    const done = await syncThroughApi(browser, server);
    const secrets = server.crm!.sandbox.issuedSecrets().filter((secret) => secret.length >= 8);
    expect(secrets.length).toBeGreaterThan(0);
    const texts = [JSON.stringify(done), ...server.logs];
    expect(texts.filter((text) => secrets.some((secret) => text.includes(secret)))).toEqual([]);
  });

  it('is in the OpenAPI document', async () => {
    const server = serve();
    const response = await new TestClient(server).request('/api/openapi.json');
    const document = (await response.json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
    const path = document.paths['/api/connectors/{connector}/sync'];
    expect(Object.keys(path?.get?.responses ?? {})).toContain('200');
    expect(Object.keys(path?.post?.responses ?? {})).toEqual(expect.arrayContaining(['202', '409']));
    expect(document.components.schemas.DealSync).toMatchObject({ type: 'object' });
    // The routes of the other groups are still there.
    expect(document.paths['/api/connectors/{connector}/schema']).toBeDefined();
  });
});
