import fs from 'node:fs';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { connectorListSchema, type ConnectorSummary } from '../../app/contracts/connector';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import { connectorChangesSchema, CRM_CHANGED_REASON } from '../../app/contracts/drift';
import { problemSchema } from '../../app/contracts/problem';
import { completeConfigFor } from '../../app/contracts/testing/sample-config';
import { buildSandboxAccount, type AccountFixtureInput } from '../../mocks/sandbox/amocrm/index';
import { createDriftService } from '../crm/drift';
import { createSchemaProvider } from '../crm/schema-cache';
import { createLogger } from '../lib/logger';
import { workspaceIdOf } from '../testing/deal-sync';
import { connectThroughSandbox } from '../testing/sandbox-oauth';
import { openTestRepository } from '../testing/test-database';
import { createTestServer, TestClient, type TestServer, type TestServerOptions } from '../testing/test-server';

/**
 * CRM drift through the API, on SQLite (the `node` project) and PostgreSQL (the `postgres`
 * project): a real OAuth with the in-memory sandbox amoCRM (the small account), an activation,
 * the sandbox's account changed while the server runs, and what the API then says.
 */

const SMALL = JSON.parse(fs.readFileSync('mocks/fixtures/amocrm-small-account.json', 'utf8')) as AccountFixtureInput & {
  pipelines: Array<{ id: number; name: string; sort: number; is_main: boolean; statuses: Array<{ id: number; name: string; sort: number; color: string; type?: number }> }>;
  leads: Array<{ history?: Array<{ status_id: number }> }>;
};

/**
 * The small account after its managers' edits: «Доставка» added after «Переговоры», «Первичный
 * контакт» renamed «Первый контакт», «Переговоры» removed (its deals' history entries with it),
 * and a pipeline «Опт» added.
 */
function editedAccount() {
  const fixture = structuredClone(SMALL);
  const funnel = fixture.pipelines[0]!;
  funnel.statuses = funnel.statuses
    .filter((status) => status.id !== 32392162)
    .map((status) => (status.id === 32392159 ? { ...status, name: 'Первый контакт' } : status));
  funnel.statuses.splice(2, 0, { id: 32392170, name: 'Доставка', sort: 35, color: '#ffff99' });
  fixture.pipelines.push({
    id: 4000001,
    name: 'Опт',
    sort: 2,
    is_main: false,
    statuses: [
      { id: 40000011, name: 'Новая заявка', sort: 10, color: '#99ccff' },
      { id: 142, name: 'Успешно реализовано', sort: 10000, color: '#CCFF66' },
      { id: 143, name: 'Закрыто и не реализовано', sort: 11000, color: '#D5D8DB' },
    ],
  });
  for (const lead of fixture.leads) lead.history = lead.history?.filter((entry) => entry.status_id !== 32392162);
  return buildSandboxAccount(fixture);
}

const EXPECTED_CHANGES = [
  { kind: 'status_renamed', pipelineId: '3177727', statusId: '32392159', from: 'Первичный контакт', to: 'Первый контакт', containerId: null },
  { kind: 'status_added', pipelineId: '3177727', statusId: '32392170', name: 'Доставка', suggestedContainerId: 'w3177727' },
  { kind: 'status_removed', pipelineId: '3177727', statusId: '32392162', name: 'Переговоры', containerId: 'w3177727' },
  { kind: 'pipeline_added', pipelineId: '4000001', name: 'Опт' },
];

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

function start(options: TestServerOptions = {}) {
  const server = createTestServer({ ...options, testCrm: { sandbox: { account: buildSandboxAccount(SMALL) } } });
  servers.push(server);
  return { server, browser: new TestClient(server) };
}

async function schemaOf(browser: TestClient, refresh = false): Promise<CrmSchema> {
  const response = await browser.request(`/api/connectors/amocrm/schema${refresh ? '?refresh=1' : ''}`);
  expect(response.status).toBe(200);
  return crmSchemaSchema.parse(await response.json());
}

/** Saves a complete configuration for `schema` over `version` and activates it. */
async function activate(browser: TestClient, schema: CrmSchema, version: number) {
  const saved = await browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: completeConfigFor(schema), headers: { 'If-Match': `"${version}"` } });
  expect(saved.status).toBe(200);
  const activated = await browser.request('/api/connectors/amocrm/activate', { method: 'POST' });
  expect(activated.status).toBe(200);
}

/** Authorized through the sandbox, the account's configuration saved and activated. */
async function connected(browser: TestClient, server: TestServer) {
  await connectThroughSandbox(browser, server.sandbox!);
  await activate(browser, await schemaOf(browser), 0);
}

async function card(browser: TestClient): Promise<ConnectorSummary> {
  const response = await browser.request('/api/connectors');
  expect(response.status).toBe(200);
  return connectorListSchema.parse(await response.json()).connectors.find((connector) => connector.id === 'amocrm')!;
}

async function changesOf(browser: TestClient) {
  const response = await browser.request('/api/connectors/amocrm/changes');
  expect(response.status).toBe(200);
  return connectorChangesSchema.parse(await response.json());
}

describe('CRM drift', () => {
  it('activation stores the schema it validated against; nothing changed yet', async () => {
    const { server, browser } = start();
    await connected(browser, server);
    const stored = await server.repo.getDrift(await workspaceIdOf(browser), 'amocrm');
    const baseline = crmSchemaSchema.parse(JSON.parse(stored!.baseline!));
    expect(baseline.pipelines.map((pipeline) => [pipeline.id, pipeline.statuses.length])).toEqual([['3177727', 5]]);
    expect(stored!.baselineAt).toBe(stored!.connectedAt);

    const changes = await changesOf(browser);
    expect(changes).toEqual({ changes: [], pipelineNames: {}, baselineAt: stored!.baselineAt, checkedAt: expect.any(String) });
    expect(await card(browser)).toMatchObject({ state: 'connected', attentionReason: null, drift: null });
  });

  it('a status added, renamed and removed and a pipeline added: the card asks for attention, …/changes lists them; activating again clears them', async () => {
    const { server, browser } = start();
    await connected(browser, server);
    server.sandbox!.replaceAccount(editedAccount());

    // The wizard reads the schema again: the drift is recorded from it.
    const current = await schemaOf(browser, true);
    const summary = await card(browser);
    expect(summary).toMatchObject({ state: 'attention', attentionReason: CRM_CHANGED_REASON, drift: { changes: 4, pending: 4 } });
    const changes = await changesOf(browser);
    expect(changes.changes).toEqual(EXPECTED_CHANGES);
    expect(changes.pipelineNames).toEqual({ '3177727': 'Воронка', '4000001': 'Опт' });
    const firstBaseline = changes.baselineAt;

    // The user reviewed the changes (every pipeline mapped anew) and activated again.
    const config = await browser.request('/api/connectors/amocrm/config');
    const version = Number((await config.json() as { version: number }).version);
    await activate(browser, current, version);
    expect(await card(browser)).toMatchObject({ state: 'connected', attentionReason: null, drift: null });
    const after = await changesOf(browser);
    expect(after.changes).toEqual([]);
    expect(Date.parse(after.baselineAt!)).toBeGreaterThanOrEqual(Date.parse(firstBaseline!));
    expect(after.baselineAt).not.toBe(firstBaseline);
  });

  it('another workspace sees none of it; a draft has no changes to show (409); reset drops the baseline', async () => {
    const { server, browser } = start();
    await connected(browser, server);
    server.sandbox!.replaceAccount(editedAccount());
    await schemaOf(browser, true);

    const stranger = new TestClient(server);
    const unknown = await stranger.request('/api/connectors/amocrm/changes');
    expect(unknown.status).toBe(404);
    expect(problemSchema.parse(await unknown.json()).code).toBe('config_not_found');
    expect(await card(stranger)).toMatchObject({ state: 'available', drift: null, attentionReason: null });
    // The stranger's own draft: nothing activated, nothing to compare.
    const draft = await stranger.request('/api/connectors/amocrm/config', { method: 'PUT', json: completeConfigFor(await schemaOf(browser)), headers: { 'If-Match': '"0"' } });
    expect(draft.status).toBe(200);
    const notActive = await stranger.request('/api/connectors/amocrm/changes');
    expect(notActive.status).toBe(409);
    expect(problemSchema.parse(await notActive.json()).code).toBe('not_activated');
    expect((await card(browser)).drift).toMatchObject({ changes: 4 });

    const reset = await browser.request('/api/connectors/amocrm/reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    const stored = await server.repo.getDrift(await workspaceIdOf(browser), 'amocrm');
    expect(stored).toMatchObject({ activeConfig: null, baseline: null, baselineAt: null, changes: null, checkedAt: null });
    expect(await card(browser)).toMatchObject({ state: 'draft', drift: null, attentionReason: null });
  });

  it('the listing answers from the record at once and checks again in the background when the record is older than the schema’s lifetime', async () => {
    const { server, browser } = start({ driftCheck: { schemaMaxAgeMs: 0 } });
    await connected(browser, server);
    server.sandbox!.replaceAccount(editedAccount());
    const before = server.sandbox!.requests.length;
    // Answered from what was recorded at activation, without waiting for the CRM.
    expect(await card(browser)).toMatchObject({ state: 'connected', drift: null });
    await server.drift.idle();
    expect(server.sandbox!.requests.slice(before).some((request) => request.path === '/api/v4/leads/pipelines')).toBe(true);
    expect(await card(browser)).toMatchObject({ state: 'attention', attentionReason: CRM_CHANGED_REASON, drift: { changes: 4, pending: 4 } });
  });

  it('GET …/changes reads the CRM itself when the cached schema is older than its lifetime', async () => {
    const { server, browser } = start({ driftCheck: { schemaMaxAgeMs: 0 } });
    await connected(browser, server);
    server.sandbox!.replaceAccount(editedAccount());
    expect((await changesOf(browser)).changes).toEqual(EXPECTED_CHANGES);
  });

  it('an access the CRM revoked takes precedence over the changes', async () => {
    const { server, browser } = start({ driftCheck: { schemaMaxAgeMs: 0 } });
    await connected(browser, server);
    server.sandbox!.replaceAccount(editedAccount());
    await schemaOf(browser, true);
    server.sandbox!.revokeAccess();
    // The check meets the refusal: the access is dropped, the stored changes are answered.
    expect((await changesOf(browser)).changes).toHaveLength(4);
    expect(await card(browser)).toMatchObject({ state: 'attention', attentionReason: 'crm_access_revoked', drift: { changes: 4 } });
  });

  it('the periodic check records without a request, one connector at a time, each checked once by two servers', async () => {
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const now = () => clock;
    const { server, browser } = start({ driftCheck: { schemaMaxAgeMs: 0, intervalMs: 60_000, now } });
    await connected(browser, server);
    const other = new TestClient(server);
    await connected(other, server);
    server.sandbox!.replaceAccount(editedAccount());

    // Just checked (the activations): nothing to do yet.
    expect(await server.drift.round()).toBe(0);
    clock += 60_000;
    // A second server on the same database (SQLite file or PostgreSQL schema) runs its round at the same time.
    const repo = openTestRepository(server.dataDir);
    const second = createDriftService({ repo, schemas: createSchemaProvider(repo, server.crm!.deps), logger: createLogger('silent'), intervalMs: 60_000, schemaMaxAgeMs: 0, now });
    try {
      const [a, b] = await Promise.all([server.drift.round(), second.round()]);
      expect(a + b).toBe(2);
      expect(await second.round()).toBe(0);
    } finally {
      await second.close();
      await repo.close();
    }
    expect(await card(browser)).toMatchObject({ state: 'attention', drift: { changes: 4, pending: 4, checkedAt: new Date(clock).toISOString() } });
    expect(await card(other)).toMatchObject({ state: 'attention', drift: { changes: 4 } });
  });

  it('a round that cannot read the CRM logs why (no secret), holds the connector until half an interval later, then records', async () => {
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const { server, browser } = start({ driftCheck: { schemaMaxAgeMs: 0, intervalMs: 60_000, now: () => clock } });
    await connected(browser, server);
    server.sandbox!.replaceAccount(editedAccount());
    server.sandbox!.setFaults({ unpaid: true });
    clock += 60_000;
    expect(await server.drift.round()).toBe(1);
    const failures = server.logs.filter((line) => line.includes('drift check failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/"code":"crm_/);
    for (const secret of server.sandbox!.issuedSecrets()) expect(server.logs.join('\n')).not.toContain(secret);
    expect(await card(browser)).toMatchObject({ state: 'connected', drift: null });
    // (The listing's own background check meets the same refusal.)
    await server.drift.idle();
    // Held: not retried by a round in the same interval.
    expect(await server.drift.round()).toBe(0);

    server.sandbox!.setFaults({ unpaid: false });
    clock += 30_000;
    expect(await server.drift.round()).toBe(1);
    expect(await card(browser)).toMatchObject({ state: 'attention', drift: { changes: 4 } });
  });

  it('started, the periodic check runs on its own timer', async () => {
    const { server, browser } = start({ driftCheck: { schemaMaxAgeMs: 0, intervalMs: 30 } });
    await connected(browser, server);
    server.sandbox!.replaceAccount(editedAccount());
    const workspaceId = await workspaceIdOf(browser);
    server.drift.start();
    await vi.waitFor(async () => expect((await server.repo.getConnection(workspaceId, 'amocrm'))?.drift).toMatchObject({ changes: 4 }), { timeout: 5000, interval: 20 });
    await server.drift.close();
    // Closed: a round does nothing, even with a connector due.
    expect(await server.drift.round()).toBe(0);
  });
});
