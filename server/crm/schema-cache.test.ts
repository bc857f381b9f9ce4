import { afterEach, describe, expect, it } from 'vitest';

import type { ConnectorId } from '../../app/contracts/connector';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import { completeConfigFor } from '../../app/contracts/testing/sample-config';
import { problemSchema } from '../../app/contracts/problem';
import { createTestCrm, FakeTiming, type TestCrm } from '../testing/crm-test-kit';
import { connectThroughSandbox } from '../testing/sandbox-oauth';
import { createTestServer, TEST_ORIGIN, TestClient, type TestServer } from '../testing/test-server';

import { SCHEMA_ACCESS_CHECK_MS } from './schema-cache';

/**
 * The cached CRM schema never outlives the access it was read with: every way the access goes
 * (disconnect, the CRM refusing the refresh token, an admin revoking the integration, another
 * call finding it revoked) makes `GET …/schema` and activation answer what a CRM read would.
 */

const HOUR = 3600_000;
const servers: TestServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

interface Setup {
  server: TestServer;
  crm: TestCrm;
  timing: FakeTiming;
  browser: TestClient;
  workspace: () => string;
  schema: (connector?: ConnectorId) => Promise<Response>;
  /** How many requests reached each sandbox's API so far. */
  crmRequests: () => number;
}

function setup(): Setup {
  const timing = new FakeTiming(Date.now());
  const crm = createTestCrm({
    publicUrl: TEST_ORIGIN,
    sandbox: { now: timing.now },
    adapter: { timing },
    bitrix24: { sandbox: { now: timing.now }, adapter: { timing } },
    now: timing.now,
  });
  const server = createTestServer({ crm: crm.deps });
  servers.push(server);
  const browser = new TestClient(server);
  return {
    server,
    crm,
    timing,
    browser,
    workspace: () => decodeURIComponent(browser.sessionCookie!.split('=')[1]!).split('.')[0]!,
    schema: (connector = 'amocrm') => browser.request(`/api/connectors/${connector}/schema`),
    crmRequests: () => crm.sandbox.requests.length + (crm.bitrix24?.sandbox.requests.length ?? 0),
  };
}

async function connectedWithCache(connector: ConnectorId = 'amocrm', prepare?: (s: Setup) => void): Promise<Setup & { cached: CrmSchema }> {
  const s = setup();
  prepare?.(s);
  if (connector === 'amocrm') await connectThroughSandbox(s.browser, s.crm.sandbox);
  else await connectThroughSandbox(s.browser, s.crm.bitrix24!.sandbox, { address: s.crm.bitrix24!.host }, 'bitrix24');
  const response = await s.schema(connector);
  expect(response.status).toBe(200);
  const cached = crmSchemaSchema.parse(await response.json());
  expect(await s.server.repo.getCachedSchema(s.workspace(), connector)).not.toBeNull();
  return { ...s, cached };
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(problemSchema.parse(await response.json()).code).toBe(code);
}

describe('the cached schema after the access is gone', () => {
  it('disconnect: no schema (crm_not_connected), the cache row is gone, the CRM is not asked', async () => {
    const s = await connectedWithCache();
    expect((await s.browser.request('/api/connectors/amocrm', { method: 'DELETE' })).status).toBe(204);
    const requests = s.crmRequests();
    await expectProblem(await s.schema(), 409, 'crm_not_connected');
    expect(await s.server.repo.getCachedSchema(s.workspace(), 'amocrm')).toBeNull();
    expect(s.crmRequests()).toBe(requests);
  });

  it('amoCRM refuses the refresh token once the access token expired: crm_access_revoked, then crm_not_connected', async () => {
    const s = await connectedWithCache();
    s.crm.sandbox.revokeAccess();
    s.timing.advance(24 * HOUR + 1000); // the sandbox's access tokens live 24 h
    await expectProblem(await s.schema(), 409, 'crm_access_revoked');
    expect(await s.server.repo.getCredentials(s.workspace(), 'amocrm')).toBeNull();
    await expectProblem(await s.schema(), 409, 'crm_not_connected');
  });

  it('a young cache does not hide an expired access token whose refresh is refused', async () => {
    const s = await connectedWithCache('amocrm', ({ crm }) => crm.sandbox.setFaults({ accessTtlSec: 60 }));
    s.crm.sandbox.revokeAccess();
    s.timing.advance(2 * 60_000);
    await expectProblem(await s.schema(), 409, 'crm_access_revoked');
  });

  it('Bitrix24 refuses the refresh token (revokedRefresh) once the access token expired: crm_access_revoked', async () => {
    const s = await connectedWithCache('bitrix24');
    s.crm.bitrix24!.sandbox.setFaults({ revokedRefresh: true });
    s.timing.advance(HOUR + 1000); // Bitrix24's access tokens live an hour
    await expectProblem(await s.schema('bitrix24'), 409, 'crm_access_revoked');
    expect(await s.server.repo.getCredentials(s.workspace(), 'bitrix24')).toBeNull();
    await expectProblem(await s.schema('bitrix24'), 409, 'crm_not_connected');
  });

  it('an expired access token that refreshes fine: the cache answers after one account read, with the rotated tokens', async () => {
    const s = await connectedWithCache();
    const tokens = (await s.server.repo.getCredentials(s.workspace(), 'amocrm'))!.tokens;
    s.timing.advance(24 * HOUR + 1000);
    const pipelineReads = s.crm.sandbox.requests.filter((request) => request.path === '/api/v4/leads/pipelines').length;
    const response = await s.schema();
    expect(response.status).toBe(200);
    expect(crmSchemaSchema.parse(await response.json())).toEqual(s.cached);
    expect((await s.server.repo.getCredentials(s.workspace(), 'amocrm'))!.tokens).not.toBe(tokens);
    expect(s.crm.sandbox.requests.filter((request) => request.path === '/api/v4/leads/pipelines').length).toBe(pipelineReads);
  });

  it(`an admin revoked the integration while the access token lives: refused within ${SCHEMA_ACCESS_CHECK_MS / 60_000} minutes`, async () => {
    const s = await connectedWithCache();
    s.crm.sandbox.revokeAccess();
    // The cache was read from the CRM a minute ago: it answers without asking (the documented bound).
    s.timing.advance(60_000);
    expect((await s.schema()).status).toBe(200);
    s.timing.advance(SCHEMA_ACCESS_CHECK_MS);
    await expectProblem(await s.schema(), 409, 'crm_access_revoked');
    await expectProblem(await s.schema(), 409, 'crm_not_connected');
  });

  it('an access still accepted is confirmed with one account read, then not again within the window', async () => {
    const s = await connectedWithCache();
    s.timing.advance(SCHEMA_ACCESS_CHECK_MS + 1000);
    const before = s.crm.sandbox.requests.length;
    expect((await s.schema()).status).toBe(200);
    expect(s.crm.sandbox.requests.slice(before).map((request) => request.path)).toEqual(['/api/v4/account']);
    s.timing.advance(SCHEMA_ACCESS_CHECK_MS - 1000);
    expect((await s.schema()).status).toBe(200);
    expect(s.crm.sandbox.requests.length).toBe(before + 1);
  });

  it('a CRM that is down during the check has not refused the access: the cache answers', async () => {
    const s = await connectedWithCache();
    s.timing.advance(SCHEMA_ACCESS_CHECK_MS + 1000);
    s.crm.sandbox.setFaults({ error500: 1 });
    const response = await s.schema();
    expect(response.status).toBe(200);
    expect(crmSchemaSchema.parse(await response.json())).toEqual(s.cached);
    expect(await s.server.repo.getCredentials(s.workspace(), 'amocrm')).not.toBeNull();
  });

  it('another call found the access revoked (sample deals): the schema is crm_not_connected, not the cache', async () => {
    const s = await connectedWithCache();
    s.crm.sandbox.revokeAccess();
    await expectProblem(await s.browser.request('/api/connectors/amocrm/sample-deals'), 409, 'crm_access_revoked');
    await expectProblem(await s.schema(), 409, 'crm_not_connected');
  });

  it('activation does not check against the cache of a revoked access: the CRM’s refusal, nothing activated', async () => {
    const s = await connectedWithCache();
    const put = await s.browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: completeConfigFor(s.cached), headers: { 'If-Match': '"0"' } });
    expect(put.status).toBe(200);
    s.crm.sandbox.revokeAccess();
    s.timing.advance(SCHEMA_ACCESS_CHECK_MS + 1000); // the cache is still young enough for activation (10 minutes)
    await expectProblem(await s.browser.request('/api/connectors/amocrm/activate', { method: 'POST' }), 409, 'crm_access_revoked');
    expect((await s.server.repo.getConnection(s.workspace(), 'amocrm'))!.activatedVersion).toBeNull();
    // Afterwards: no access, so activation lists not_authorized.
    const again = await s.browser.request('/api/connectors/amocrm/activate', { method: 'POST' });
    expect(again.status).toBe(422);
    expect(problemSchema.parse(await again.json()).errors!.map((error) => error.code)).toEqual(['not_authorized']);
  });

  it('activation with a young cache but an expired access token whose refresh is refused: crm_access_revoked', async () => {
    // Access tokens of a minute: two minutes on, the cache is young for activation and the check window alike.
    const s = await connectedWithCache('amocrm', ({ crm }) => crm.sandbox.setFaults({ accessTtlSec: 60 }));
    await s.browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: completeConfigFor(s.cached), headers: { 'If-Match': '"0"' } });
    s.crm.sandbox.revokeAccess();
    s.timing.advance(2 * 60_000);
    await expectProblem(await s.browser.request('/api/connectors/amocrm/activate', { method: 'POST' }), 409, 'crm_access_revoked');
    expect((await s.server.repo.getConnection(s.workspace(), 'amocrm'))!.activatedVersion).toBeNull();
  });
});
