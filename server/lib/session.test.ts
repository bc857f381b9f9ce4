import { createHmac } from 'node:crypto';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { configEnvelopeSchema } from '../../app/contracts/mapping-config';
import { sampleConfigInput } from '../../app/contracts/testing/sample-config';
import { EMPTY_WORKSPACE_MAX_AGE_MS, EXPIRED_OAUTH_STATE_RETENTION_MS } from '../db/repository';
import { OAUTH_STATE_TTL_MS } from '../routes/crm';
import { createTestCrm, FakeTiming } from '../testing/crm-test-kit';
import { followCallback, pressOnConsentPage, startAuthorization } from '../testing/sandbox-oauth';
import { createTestServer, TEST_ORIGIN, TestClient, type TestServer } from '../testing/test-server';

import { SESSION_COOKIE, SWEEP_INTERVAL_MS } from './session';

const SECRET = 'test-session-secret-that-is-long-enough';

const servers: TestServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

function setup() {
  const timing = new FakeTiming(Date.now());
  const crm = createTestCrm({ publicUrl: TEST_ORIGIN, sandbox: { now: timing.now }, adapter: { timing }, now: timing.now });
  const server = createTestServer({ crm: crm.deps });
  servers.push(server);
  return { server, crm, timing };
}

/** Rows per table, read with a connection of the test's own (what is really in the file). */
function rowCounts(server: TestServer): Record<string, number> {
  const db = new Database(path.join(server.dataDir, 'hub-connect.sqlite'), { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'sqlite_sequence')")
      .pluck()
      .all() as string[];
    return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const idOf = (cookie: string | null) => decodeURIComponent(cookie!.split('=')[1]!).split('.')[0]!;
/** A cookie signed with the server's secret, as Hono signs one (for values the server would never hand out). */
const signed = (value: string) =>
  `${SESSION_COOKIE}=${encodeURIComponent(`${value}.${createHmac('sha256', SECRET).update(value).digest('base64')}`)}`;

const READS = [
  '/api/connectors',
  '/api/connectors/amocrm/config',
  '/api/connectors/amocrm/schema',
  '/api/connectors/amocrm/sample-deals',
  '/api/connectors/amocrm/sync',
  '/api/connectors/amocrm/funnel',
  '/api/connectors/amocrm/deals',
  '/api/connectors/bitrix24/config',
];

describe('a request without a session writes nothing', () => {
  it('1,000 cookie-less reads leave every table as it was', async () => {
    const { server } = setup();
    const before = rowCounts(server);
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i += 1) {
      const response = await server.app.request(`${TEST_ORIGIN}${READS[i % READS.length]!}`);
      expect(response.status).toBeLessThan(500);
      ids.add(idOf(response.headers.get('Set-Cookie')));
    }
    expect(rowCounts(server)).toEqual(before);
    expect(rowCounts(server).workspaces).toBe(0);
    // Each still got a session of its own (the browser keeps its workspace from the first request on).
    expect(ids.size).toBe(1000);
  });

  it('reads answer as an empty workspace', async () => {
    const { server } = setup();
    const browser = new TestClient(server);
    const list = (await (await browser.request('/api/connectors')).json()) as { connectors: Array<{ state: string; hasAccess: boolean }> };
    expect(list.connectors.every((connector) => connector.state === 'available' && !connector.hasAccess)).toBe(true);
    expect((await browser.request('/api/connectors/amocrm/config')).status).toBe(404);
    expect((await browser.request('/api/connectors/amocrm/schema')).status).toBe(409);
    expect(total(rowCounts(server))).toBe(0);
  });

  it('refused writes without a session (bad If-Match, invalid body, nothing to reset or delete) create no workspace', async () => {
    const { server } = setup();
    const attempts: Array<[string, RequestInit]> = [
      ['/api/connectors/amocrm/config', { method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': '"3"' }, body: JSON.stringify(sampleConfigInput({ account: null })) }],
      ['/api/connectors/amocrm/config', { method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' }, body: '{"schemaVersion":2}' }],
      ['/api/connectors/amocrm/config', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' }],
      ['/api/connectors/amocrm/reset', { method: 'POST' }],
      ['/api/connectors/amocrm/activate', { method: 'POST' }],
      ['/api/connectors/amocrm', { method: 'DELETE' }],
      ['/api/connectors/amocrm/authorize', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"force":"yes"}' }],
      ['/api/connectors/amocrm/sync', { method: 'POST' }],
    ];
    for (let round = 0; round < 25; round += 1) {
      for (const [pathname, init] of attempts) {
        const response = await server.app.request(`${TEST_ORIGIN}${pathname}`, init);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
    }
    expect(total(rowCounts(server))).toBe(0);
  });
});

describe('the first write creates the workspace', () => {
  it('a browser that read first keeps its cookie; its first save creates exactly one workspace, which it sees afterwards', async () => {
    const { server } = setup();
    const browser = new TestClient(server);
    await browser.request('/api/connectors');
    const cookie = browser.sessionCookie;
    expect(rowCounts(server).workspaces).toBe(0);

    const saved = await browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"0"' } });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('Set-Cookie')).toBeNull(); // the same session goes on
    expect(browser.sessionCookie).toBe(cookie);
    expect(rowCounts(server).workspaces).toBe(1);
    expect(await server.repo.getWorkspace(idOf(cookie))).not.toBeNull();

    const read = await browser.request('/api/connectors/amocrm/config');
    expect(read.status).toBe(200);
    expect(configEnvelopeSchema.parse(await read.json()).version).toBe(1);
    await browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"1"' } });
    expect(rowCounts(server).workspaces).toBe(1);
    // Another browser sees nothing of it.
    expect((await new TestClient(server).request('/api/connectors/amocrm/config')).status).toBe(404);
  });

  it('a first write without any cookie sets the cookie with it, and the workspace is that cookie’s', async () => {
    const { server } = setup();
    const browser = new TestClient(server);
    const saved = await browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"0"' } });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('Set-Cookie')).toMatch(/^hc_session=.*HttpOnly/);
    expect(rowCounts(server).workspaces).toBe(1);
    expect(await server.repo.getConnection(idOf(browser.sessionCookie), 'amocrm')).not.toBeNull();
    expect((await browser.request('/api/connectors/amocrm/config')).status).toBe(200);
  });

  it('the SPA’s first visit: list, Connect (authorize), consent, callback — one workspace, one cookie throughout', async () => {
    const { server, crm } = setup();
    const browser = new TestClient(server);
    await browser.request('/api/connectors');
    const cookie = browser.sessionCookie;
    const authorizeUrl = await startAuthorization(browser);
    expect(browser.sessionCookie).toBe(cookie);
    expect(rowCounts(server)).toMatchObject({ workspaces: 1, oauth_states: 1 });
    const location = await followCallback(browser, await pressOnConsentPage(authorizeUrl, 'Allow', (request) => crm.sandbox.fetch(request)));
    expect(location.searchParams.get('oauth')).toBe('success');
    expect(browser.sessionCookie).toBe(cookie);
    expect(await server.repo.getCredentials(idOf(cookie), 'amocrm')).not.toBeNull();
    expect(rowCounts(server).workspaces).toBe(1);
  });
});

describe('forged or invalid cookies are no cookie', () => {
  it('never read another workspace, get a session of their own, and write nothing by reading', async () => {
    const { server } = setup();
    const victim = new TestClient(server);
    await victim.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"0"' } });
    const victimId = idOf(victim.sessionCookie);
    const before = rowCounts(server);
    const forgeries = [
      `${SESSION_COOKIE}=${victimId}`, // unsigned
      `${SESSION_COOKIE}=${encodeURIComponent(`${victimId}.forged`)}`,
      `${SESSION_COOKIE}=${encodeURIComponent(`${victimId}.${createHmac('sha256', 'another-secret').update(victimId).digest('base64')}`)}`,
      `${SESSION_COOKIE}=${victim.sessionCookie!.split('=')[1]!.slice(0, -3)}`, // a truncated signature
      signed('../../etc/passwd'), // signed, but not an id the server hands out
      signed(''),
      `${SESSION_COOKIE}=`,
    ];
    for (const cookie of forgeries) {
      const response = await server.app.request(`${TEST_ORIGIN}/api/connectors/amocrm/config`, { headers: { Cookie: cookie } });
      expect(response.status).toBe(404);
      const issued = idOf(response.headers.get('Set-Cookie'));
      expect(issued).not.toBe(victimId);
      expect(issued).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(rowCounts(server)).toEqual(before);
    // The real cookie still reads its own.
    expect((await victim.request('/api/connectors/amocrm/config')).status).toBe(200);
  });
});

describe('the sweep', () => {
  it('deletes expired states and workspaces left with nothing; a returning browser writes again under its cookie', async () => {
    const { server, timing } = setup();
    // 300 strangers each start an authorization (a write: a workspace and a state each) and leave.
    for (let i = 0; i < 300; i += 1) {
      const response = await server.app.request(`${TEST_ORIGIN}/api/connectors/amocrm/authorize`, { method: 'POST' });
      expect(response.status).toBe(200);
    }
    // One user disconnects (their workspace now holds nothing), one keeps a draft.
    const leaving = new TestClient(server);
    await leaving.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"0"' } });
    expect((await leaving.request('/api/connectors/amocrm', { method: 'DELETE' })).status).toBe(204);
    const staying = new TestClient(server);
    await staying.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"0"' } });
    expect(rowCounts(server)).toMatchObject({ workspaces: 302, oauth_states: 300, connections: 1 });

    // Within the interval nothing is swept; the states are expired but kept for "expired".
    timing.advance(OAUTH_STATE_TTL_MS + 1);
    await server.app.request(`${TEST_ORIGIN}/api/connectors`);
    expect(rowCounts(server)).toMatchObject({ workspaces: 302, oauth_states: 300 });

    // An hour after expiry the states go; a day after creation the empty workspaces too.
    timing.advance(Math.max(EXPIRED_OAUTH_STATE_RETENTION_MS, EMPTY_WORKSPACE_MAX_AGE_MS, SWEEP_INTERVAL_MS));
    await server.app.request(`${TEST_ORIGIN}/api/connectors`);
    expect(rowCounts(server)).toMatchObject({ workspaces: 1, oauth_states: 0, connections: 1 });
    expect((await staying.request('/api/connectors/amocrm/config')).status).toBe(200);

    // The one who left comes back with the same cookie: it answers as empty, and a save works.
    expect((await leaving.request('/api/connectors/amocrm/config')).status).toBe(404);
    const again = await leaving.request('/api/connectors/amocrm/config', { method: 'PUT', json: sampleConfigInput({ account: null }), headers: { 'If-Match': '"0"' } });
    expect(again.status).toBe(200);
    expect(rowCounts(server)).toMatchObject({ workspaces: 2, connections: 2 });
    expect(server.logs.some((line) => line.includes('swept stale oauth states and empty workspaces'))).toBe(true);
  });
});
