import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { connectorListSchema } from '../../app/contracts/connector';
import { CONNECTOR_IDS } from '../crm/registry';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import { configEnvelopeSchema, type MappingConfigInput } from '../../app/contracts/mapping-config';
import { problemSchema } from '../../app/contracts/problem';
import { MAX_BODY_BYTES } from '../app';
import { createTestCrm, FakeTiming, type TestCrm } from '../testing/crm-test-kit';
import { connectThroughSandbox } from '../testing/sandbox-oauth';
import { createTestServer, TEST_ORIGIN, TestClient, type TestServer } from '../testing/test-server';
import { completeConfigFor, sampleConfigInput } from '../../app/contracts/testing/sample-config';

const ACCOUNT = { id: '31234567', domain: 'demo.amocrm.ru', name: 'Demo' };

/** What the browser sends: no account (the server fills it from the stored access). */
function draft(overrides: Partial<MappingConfigInput> = {}): MappingConfigInput {
  return sampleConfigInput({ account: null, ...overrides });
}

/** The CRM structure `draft()` refers to. */
function draftSchema(overrides: Partial<CrmSchema> = {}): CrmSchema {
  return {
    account: ACCOUNT,
    pipelines: [
      {
        id: '3177727',
        name: 'Воронка',
        sort: 1,
        isMain: true,
        isArchive: false,
        statuses: [
          { id: '32392156', name: 'Неразобранное', sort: 10, color: '#c1c1c1', kind: 'unsorted' },
          { id: '32392159', name: 'Первичный контакт', sort: 20, color: '#99ccff', kind: 'regular' },
          { id: '142', name: 'Успешно реализовано', sort: 10000, color: '#CCFF66', kind: 'won' },
          { id: '143', name: 'Закрыто и не реализовано', sort: 11000, color: '#D5D8DB', kind: 'lost' },
        ],
      },
    ],
    customFields: [
      { id: '1016201', name: 'LANDING', code: 'LANDING', type: 'text', enums: null, isNumeric: false, isTracking: false },
      { id: '1016236', name: 'Город', code: null, type: 'text', enums: null, isNumeric: false, isTracking: false },
    ],
    filterParameters: [{ key: 'LANDING', name: 'LANDING', group: 'custom' }],
    fetchedAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * Stored access (with a token envelope no CRM would accept) and a CRM schema cached just now,
 * as right after an authorization and a `GET …/schema`: activation checks against the cache
 * and never needs the CRM.
 */
async function grantAccess(server: TestServer, workspaceId: string, schema: CrmSchema = draftSchema()) {
  await server.repo.saveCredentials({
    workspaceId,
    connector: 'amocrm',
    account: ACCOUNT,
    baseUrl: 'https://demo.amocrm.ru',
    tokens: 'v1.encrypted',
    accessExpiresAt: Date.now() + 3600_000,
  });
  await server.repo.setCachedSchema(workspaceId, 'amocrm', JSON.stringify(schema));
}

const put = (client: TestClient, body: unknown, ifMatch?: string) =>
  client.request('/api/connectors/amocrm/config', {
    method: 'PUT',
    json: body,
    headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
  });

async function problemOf(response: Response) {
  expect(response.headers.get('Content-Type')).toContain('application/problem+json');
  return problemSchema.parse(await response.json());
}

let server: TestServer;
let client: TestClient;

beforeEach(() => {
  server = createTestServer();
  client = new TestClient(server);
});
afterEach(() => server.close());

async function workspaceIdOf(c: TestClient): Promise<string> {
  await c.request('/api/connectors');
  const cookie = c.sessionCookie;
  expect(cookie).toBeTruthy();
  const id = decodeURIComponent(cookie!.split('=')[1]!).split('.')[0]!;
  expect(await server.repo.getWorkspace(id)).toBeNull(); // a read writes nothing: the first write creates the row
  return id;
}

describe('health and OpenAPI', () => {
  it('answers health without creating a session', async () => {
    const response = await client.request('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', version: expect.any(String) });
    expect(client.sessionCookie).toBeNull();
  });

  it('describes every endpoint with schemas generated from the contracts', async () => {
    const response = await client.request('/api/openapi.json');
    const doc = (await response.json()) as { openapi: string; paths: Record<string, object>; components: { schemas: Record<string, { properties?: object }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/connectors',
        '/api/connectors/{connector}/config',
        '/api/connectors/{connector}/activate',
        '/api/connectors/{connector}/reset',
        '/api/connectors/{connector}/changes',
        '/api/connectors/{connector}',
      ]),
    );
    expect(Object.keys(doc.components.schemas.MappingConfig!.properties!)).toEqual(
      expect.arrayContaining(['schemaVersion', 'connector', 'account', 'filter', 'pipelines', 'customFields', 'calculatedFields']),
    );
    expect(Object.keys(doc.components.schemas.ConnectorChanges!.properties!)).toEqual(['changes', 'pipelineNames', 'baselineAt', 'checkedAt']);
  });

  it('names the connectors from the catalogue and one API version everywhere', async () => {
    const doc = (await (await client.request('/api/openapi.json')).json()) as {
      info: { version: string };
      paths: Record<string, { parameters?: Array<{ name: string; schema: { enum?: string[] } }> }>;
    };
    const health = (await (await client.request('/api/health')).json()) as { version: string };
    expect(doc.info.version).toBe(health.version);
    const enums = Object.values(doc.paths).flatMap((path) =>
      (path.parameters ?? []).filter((parameter) => parameter.name === 'connector').map((parameter) => parameter.schema.enum),
    );
    expect(enums.length).toBeGreaterThanOrEqual(8);
    for (const values of enums) expect(values).toEqual([...CONNECTOR_IDS]);
  });

  it('answers unknown API paths with a problem document', async () => {
    const response = await client.request('/api/nope');
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe('not_found');
  });
});

describe('sessions', () => {
  it('creates a workspace with an HttpOnly, SameSite=Lax signed cookie on the first visit', async () => {
    const response = await client.request('/api/connectors');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    const setCookie = response.headers.get('Set-Cookie') ?? '';
    expect(setCookie).toMatch(/^hc_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const second = await client.request('/api/connectors');
    expect(second.headers.get('Set-Cookie')).toBeNull();
  });

  it('ignores a forged cookie and starts a new workspace', async () => {
    const victim = await workspaceIdOf(client);
    const forged = await server.app.request('/api/connectors', { headers: { Cookie: `hc_session=${victim}.forged` } });
    expect(forged.headers.get('Set-Cookie')).toMatch(/^hc_session=/);
    expect(forged.headers.get('Set-Cookie')).not.toContain(victim);
  });
});

describe('GET /api/connectors', () => {
  it('lists the catalogue with a state for each connector', async () => {
    const response = await client.request('/api/connectors');
    const { connectors } = connectorListSchema.parse(await response.json());
    expect(connectors.map((c) => [c.id, c.state, c.supported])).toEqual([
      ['amocrm', 'available', true],
      ['bitrix24', 'available', false],
      ['retailcrm', 'available', false],
    ]);
  });

  it('moves through draft and connected, and shows the account once access is granted', async () => {
    const workspaceId = await workspaceIdOf(client);
    await grantAccess(server, workspaceId);
    let list = connectorListSchema.parse(await (await client.request('/api/connectors')).json());
    expect(list.connectors[0]).toMatchObject({ state: 'draft', hasAccess: true, account: ACCOUNT });

    expect((await put(client, draft(), '"0"')).status).toBe(200);
    expect((await client.request('/api/connectors/amocrm/activate', { method: 'POST' })).status).toBe(200);
    list = connectorListSchema.parse(await (await client.request('/api/connectors')).json());
    expect(list.connectors[0]).toMatchObject({ state: 'connected', account: ACCOUNT });
    expect(list.connectors[0]!.connectedAt).not.toBeNull();
  });
});

describe('GET/PUT /api/connectors/{connector}/config', () => {
  it('404s before anything is saved, and for unknown connectors', async () => {
    const missing = await client.request('/api/connectors/amocrm/config');
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).code).toBe('config_not_found');
    const unknown = await client.request('/api/connectors/salesforce/config');
    expect(unknown.status).toBe(404);
    expect((await problemOf(unknown)).code).toBe('unknown_connector');
  });

  it('saves a first draft with If-Match "0", then versions every save', async () => {
    const first = await put(client, draft(), '"0"');
    expect(first.status).toBe(200);
    expect(first.headers.get('ETag')).toBe('"1"');
    const saved = configEnvelopeSchema.parse(await first.json());
    expect(saved).toMatchObject({ version: 1, status: 'draft', activatedVersion: null });
    expect(saved.config.pipelines[0]!.containers[1]!.marker).toBe('completed');

    const second = await put(client, draft({ customFields: { otherFields: [] } }), '"1"');
    expect(configEnvelopeSchema.parse(await second.json()).version).toBe(2);

    const read = configEnvelopeSchema.parse(await (await client.request('/api/connectors/amocrm/config')).json());
    expect(read.version).toBe(2);
    expect(read.config.customFields.otherFields).toEqual([]);
  });

  it('accepts a version-1 body (a tab opened before the upgrade) and stores it as version 2', async () => {
    const v1 = {
      schemaVersion: 1,
      connector: 'amocrm',
      pipelines: [{ pipelineId: 3177727, containers: [{ id: 'c1', name: 'Won', statusIds: [142], marker: 'completed' }] }],
      customFields: { otherFields: [1016236] },
      calculatedFields: [{ id: 'k1', name: 'Margin', expression: '{cf:1016240} * 2' }],
    };
    const response = await put(client, v1, '"0"');
    expect(response.status).toBe(200);
    const saved = configEnvelopeSchema.parse(await response.json());
    expect(saved.config).toMatchObject({
      schemaVersion: 2,
      pipelines: [{ pipelineId: '3177727', containers: [{ statusIds: ['142'] }] }],
      customFields: { otherFields: ['1016236'] },
      calculatedFields: [{ expression: '{cf:1016240} * 2' }],
    });
    // A version-1 body that is not valid (a status in two containers) is refused with the current pointers.
    const invalid = await put(
      client,
      { ...v1, pipelines: [{ pipelineId: 1, containers: [{ id: 'a', name: 'A', statusIds: [5] }, { id: 'b', name: 'B', statusIds: [5] }] }] },
      '"1"',
    );
    expect(invalid.status).toBe(422);
    expect((await problemOf(invalid)).errors?.map((error) => error.pointer)).toEqual(['/pipelines/0/containers/1/statusIds/0']);
  });

  it('fills defaults for omitted sections and ignores a client-claimed account', async () => {
    const response = await put(
      client,
      { schemaVersion: 2, connector: 'amocrm', account: { id: '1', domain: 'evil', name: 'Evil' } },
      '"0"',
    );
    const saved = configEnvelopeSchema.parse(await response.json());
    expect(saved.config).toMatchObject({
      account: null,
      filter: { match: 'all', conditions: [] },
      pipelines: [],
      customFields: { otherFields: [] },
      calculatedFields: [],
    });
  });

  it('428 without If-Match, 400 with a malformed one', async () => {
    const missing = await put(client, draft());
    expect(missing.status).toBe(428);
    expect((await problemOf(missing)).code).toBe('if_match_required');
    const malformed = await put(client, draft(), 'banana');
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).code).toBe('invalid_if_match');
  });

  it('412 for a weak If-Match even with the current version (RFC 9110: If-Match compares strongly); the strong one saves', async () => {
    expect((await put(client, draft(), '"0"')).status).toBe(200);
    const weak = await put(client, draft(), 'W/"1"');
    expect(weak.status).toBe(412);
    expect(await problemOf(weak)).toMatchObject({ code: 'weak_if_match', status: 412, title: 'Precondition Failed' });
    const lowercaseWeak = await put(client, draft(), 'w/"1"');
    expect(lowercaseWeak.status).toBe(400);
    // Nothing was saved by the refused requests: version 1 is still current.
    const strong = await put(client, draft(), '"1"');
    expect(strong.status).toBe(200);
    expect(strong.headers.get('ETag')).toBe('"2"');
    // `*` stays refused as malformed: the client must name the version it edited.
    const any = await put(client, draft(), '*');
    expect(any.status).toBe(400);
    expect((await problemOf(any)).code).toBe('invalid_if_match');
  });

  it('409 with the current version when the version is stale', async () => {
    await put(client, draft(), '"0"');
    await put(client, draft(), '"1"');
    const stale = await put(client, draft(), '"1"');
    expect(stale.status).toBe(409);
    const body = await problemOf(stale);
    expect(body).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const firstAgain = await put(client, draft(), '"0"');
    expect(firstAgain.status).toBe(409);
  });

  it('422 with JSON pointers for every broken rule', async () => {
    const body = draft({
      pipelines: [
        {
          pipelineId: '3177727',
          containers: [
            { id: 'c1', name: '   ', statusIds: ['142'], marker: 'completed' },
            { id: 'c2', name: 'Won again', statusIds: ['142'], marker: 'completed' },
            { id: 'c3', name: 'x'.repeat(101), statusIds: ['143'], marker: 'sold' as never },
          ],
        },
      ],
    });
    const response = await put(client, body, '"0"');
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    const pointers = problem.errors!.map((error) => error.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/pipelines/0/containers/0/name',
        '/pipelines/0/containers/2/name',
        '/pipelines/0/containers/2/marker',
      ]),
    );
    // Each rule is reported once the structure is valid.
    const rules = await put(
      client,
      draft({
        pipelines: [
          {
            pipelineId: '3177727',
            containers: [
              { id: 'c1', name: 'Won', statusIds: ['142'], marker: 'completed' },
              { id: 'c2', name: 'Won again', statusIds: ['142'], marker: 'completed' },
            ],
          },
        ],
      }),
      '"0"',
    );
    const ruleErrors = (await problemOf(rules)).errors!;
    expect(ruleErrors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/pipelines/0/containers/1/statusIds/0', message: expect.stringContaining('Won') }),
        expect.objectContaining({ pointer: '/pipelines/0/containers/1/marker' }),
      ]),
    );
    expect((await client.request('/api/connectors/amocrm/config')).status).toBe(404);
  });

  it('422 when the body is for another connector; 415 for non-JSON; 400 for broken JSON', async () => {
    const other = await put(client, draft({ connector: 'bitrix24' }), '"0"');
    expect(other.status).toBe(422);
    expect((await problemOf(other)).errors).toEqual([expect.objectContaining({ pointer: '/connector' })]);

    const text = await client.request('/api/connectors/amocrm/config', {
      method: 'PUT',
      body: 'hello',
      headers: { 'If-Match': '"0"', 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://127.0.0.1:8787' },
    });
    expect(text.status).toBe(415);
    const broken = await client.request('/api/connectors/amocrm/config', {
      method: 'PUT',
      body: '{"schemaVersion":',
      headers: { 'If-Match': '"0"', 'Content-Type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect((await problemOf(broken)).code).toBe('invalid_json');
  });

  it('413 for a body over 1 MB, and nothing is saved', async () => {
    const huge = { ...draft(), padding: 'x'.repeat(MAX_BODY_BYTES) };
    const response = await put(client, huge, '"0"');
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe('body_too_large');
    expect((await client.request('/api/connectors/amocrm/config')).status).toBe(404);
  });

  it('refuses connectors that are not supported yet', async () => {
    const response = await client.request('/api/connectors/bitrix24/config', {
      method: 'PUT',
      json: draft({ connector: 'bitrix24' }),
      headers: { 'If-Match': '"0"' },
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('connector_not_supported');
  });

  it('accepts writes from the same server under another loopback name (localhost for 127.0.0.1)', async () => {
    const fromLocalhost = await client.request('/api/connectors/amocrm/config', {
      method: 'PUT',
      json: draft(),
      headers: { 'If-Match': '"0"', Origin: 'http://localhost:8787', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(fromLocalhost.status).toBe(200);
    const otherPort = await client.request('/api/connectors/amocrm/reset', { method: 'POST', headers: { Origin: 'http://localhost:5173' } });
    expect(otherPort.status).toBe(403);
  });

  it('refuses a cross-site form post', async () => {
    const response = await client.request('/api/connectors/amocrm/activate', {
      method: 'POST',
      body: 'a=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).code).toBe('cross_origin_request');
    const sameSite = await client.request('/api/connectors/amocrm', {
      method: 'DELETE',
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(sameSite.status).toBe(403);
  });
});

describe('POST activate / reset, DELETE', () => {
  it('422 lists what is missing, with pointers', async () => {
    await put(client, draft({ pipelines: [{ pipelineId: '1', containers: [{ id: 'a', name: 'A', statusIds: [], marker: null }] }] }), '"0"');
    const response = await client.request('/api/connectors/amocrm/activate', { method: 'POST' });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe('config_incomplete');
    expect(problem.errors!.map((error) => error.code)).toEqual(
      expect.arrayContaining(['not_authorized', 'empty_container', 'missing_marker_completed', 'missing_marker_refusal']),
    );
    expect(problem.errors!.find((error) => error.code === 'empty_container')!.pointer).toBe('/pipelines/0/containers/0/statusIds');
  });

  it('checks ids against the cached CRM schema', async () => {
    const workspaceId = await workspaceIdOf(client);
    const schema = draftSchema();
    schema.pipelines[0]!.statuses.splice(2, 0, { id: '32392160', name: 'Переговоры', sort: 30, color: '#ffcc66', kind: 'regular' });
    schema.customFields = [];
    await grantAccess(server, workspaceId, schema);
    await put(client, draft(), '"0"');
    const response = await client.request('/api/connectors/amocrm/activate', { method: 'POST' });
    const errors = (await problemOf(response)).errors!;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'unmapped_statuses', message: expect.stringContaining('Переговоры') }),
        expect.objectContaining({ code: 'unknown_field', pointer: '/customFields/otherFields/0' }),
      ]),
    );
  });

  it('activates a complete configuration, resets it keeping access, and disconnects', async () => {
    const workspaceId = await workspaceIdOf(client);
    await grantAccess(server, workspaceId);
    await put(client, draft(), '"0"');
    const activated = configEnvelopeSchema.parse(
      await (await client.request('/api/connectors/amocrm/activate', { method: 'POST' })).json(),
    );
    expect(activated).toMatchObject({ status: 'connected', activatedVersion: 1 });
    expect(activated.config.account).toEqual(ACCOUNT);

    // Editing a connected configuration keeps it connected (the analytics reads the activated version).
    const edited = configEnvelopeSchema.parse(await (await put(client, draft({ calculatedFields: [] }), '"1"')).json());
    expect(edited).toMatchObject({ status: 'connected', version: 2, activatedVersion: 1 });

    const reset = await client.request('/api/connectors/amocrm/reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    const afterReset = configEnvelopeSchema.parse(await reset.json());
    expect(afterReset).toMatchObject({ status: 'draft', activatedVersion: null, version: 3 });
    expect(afterReset.config).toMatchObject({ pipelines: [], calculatedFields: [], account: ACCOUNT });
    expect(await server.repo.getCredentials(workspaceId, 'amocrm')).not.toBeNull();

    const removed = await client.request('/api/connectors/amocrm', { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(await server.repo.getCredentials(workspaceId, 'amocrm')).toBeNull();
    expect((await client.request('/api/connectors/amocrm/config')).status).toBe(404);
    const again = await client.request('/api/connectors/amocrm', { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('404s for reset and activate when nothing is saved', async () => {
    expect((await client.request('/api/connectors/amocrm/reset', { method: 'POST' })).status).toBe(404);
    expect((await client.request('/api/connectors/amocrm/activate', { method: 'POST' })).status).toBe(404);
  });
});

describe('activation checks against the CRM, cached or not', () => {
  let timing: FakeTiming;
  let crm: TestCrm;
  let own: TestServer;
  let browser: TestClient;

  beforeEach(() => {
    timing = new FakeTiming(Date.now());
    crm = createTestCrm({ publicUrl: TEST_ORIGIN, sandbox: { now: timing.now }, adapter: { timing }, now: timing.now });
    own = createTestServer({ crm: crm.deps });
    browser = new TestClient(own);
  });
  afterEach(() => own.close());

  const activate = () => browser.request('/api/connectors/amocrm/activate', { method: 'POST' });
  const pipelineReads = () => crm.sandbox.requests.filter((request) => request.path === '/api/v4/leads/pipelines').length;
  const workspace = () => decodeURIComponent(browser.sessionCookie!.split('=')[1]!).split('.')[0]!;

  it('with no cached schema (GET /schema never called) reads the CRM and rejects an unknown pipeline and unmapped statuses', async () => {
    await connectThroughSandbox(browser, crm.sandbox);
    expect(await own.repo.getCachedSchema(workspace(), 'amocrm')).toBeNull();
    const only142and143 = [
      { id: 'c1', name: 'Won', statusIds: ['142'], marker: 'completed' as const },
      { id: 'c2', name: 'Lost', statusIds: ['143'], marker: 'refusal' as const },
    ];
    expect((await put(browser, { schemaVersion: 2, connector: 'amocrm', pipelines: [{ pipelineId: '999', containers: only142and143 }] }, '"0"')).status).toBe(200);
    const unknown = await activate();
    expect(unknown.status).toBe(422);
    expect((await problemOf(unknown)).errors!.map((error) => error.code)).toEqual(
      expect.arrayContaining(['unknown_pipeline', 'unmapped_pipeline']),
    );
    expect(pipelineReads()).toBe(1);

    // A real pipeline with only 142 and 143 mapped: its other statuses are unmapped.
    expect((await put(browser, { schemaVersion: 2, connector: 'amocrm', pipelines: [{ pipelineId: '7412301', containers: only142and143 }] }, '"1"')).status).toBe(200);
    const unmapped = await activate();
    expect(unmapped.status).toBe(422);
    expect((await problemOf(unmapped)).errors!.map((error) => error.code)).toEqual(expect.arrayContaining(['unmapped_statuses']));
    expect(pipelineReads()).toBe(1); // the schema read by the first activation is cached now

    const schema = crmSchemaSchema.parse(await (await browser.request('/api/connectors/amocrm/schema')).json());
    expect((await put(browser, completeConfigFor(schema), '"2"')).status).toBe(200);
    const activated = await activate();
    expect(activated.status).toBe(200);
    expect(configEnvelopeSchema.parse(await activated.json())).toMatchObject({ status: 'connected', activatedVersion: 3 });
  });

  it('re-reads a cache older than 10 minutes, and one of another account', async () => {
    await connectThroughSandbox(browser, crm.sandbox);
    const schema = crmSchemaSchema.parse(await (await browser.request('/api/connectors/amocrm/schema')).json());
    await put(browser, completeConfigFor(schema), '"0"');
    const reads = pipelineReads();
    timing.advance(9 * 60 * 1000);
    expect((await activate()).status).toBe(200);
    expect(pipelineReads()).toBe(reads);

    timing.advance(2 * 60 * 1000);
    expect((await activate()).status).toBe(200);
    expect(pipelineReads()).toBe(reads + 1);
    // The re-read is cached again, with the time it was read.
    const cached = (await own.repo.getCachedSchema(workspace(), 'amocrm'))!;
    expect(timing.now() - Date.parse(cached.fetchedAt)).toBeLessThan(60_000);

    // A fresh cache of another account does not count either.
    await own.repo.setCachedSchema(workspace(), 'amocrm', JSON.stringify({ ...schema, account: { id: '1', domain: 'other', name: 'Other' } }));
    expect((await activate()).status).toBe(200);
    expect(pipelineReads()).toBe(reads + 2);
  });

  it.each([
    [{ error500: 1 }, 502, 'crm_unavailable'],
    [{ rate429: 1, retryAfterSec: 1 }, 503, 'crm_rate_limited'],
    [{ unpaid: true }, 502, 'crm_payment_required'],
  ] as const)('a CRM that cannot be read (%j) refuses activation with %i %s instead of skipping the checks', async (faults, status, code) => {
    await connectThroughSandbox(browser, crm.sandbox);
    await put(browser, { schemaVersion: 2, connector: 'amocrm', pipelines: [{ pipelineId: '999', containers: [
      { id: 'c1', name: 'Won', statusIds: ['142'], marker: 'completed' },
      { id: 'c2', name: 'Lost', statusIds: ['143'], marker: 'refusal' },
    ] }] }, '"0"');
    crm.sandbox.setFaults(faults);
    const response = await activate();
    expect(response.status).toBe(status);
    expect((await problemOf(response)).code).toBe(code);
    expect((await own.repo.getConnection(workspace(), 'amocrm'))!.activatedVersion).toBeNull();
  });

  it('without stored access: 422 not_authorized, and the CRM is not asked', async () => {
    await connectThroughSandbox(browser, crm.sandbox);
    const schema = crmSchemaSchema.parse(await (await browser.request('/api/connectors/amocrm/schema')).json());
    await put(browser, completeConfigFor(schema), '"0"');
    await own.repo.deleteCredentials(workspace(), 'amocrm');
    const requests = crm.sandbox.requests.length;
    const response = await activate();
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors!.map((error) => error.code)).toEqual(['not_authorized']);
    expect(crm.sandbox.requests.length).toBe(requests);
  });
});

describe('workspace isolation', () => {
  it("one workspace can neither read nor change another's connectors", async () => {
    const alice = new TestClient(server);
    const bob = new TestClient(server);
    const aliceId = await workspaceIdOf(alice);
    await grantAccess(server, aliceId);
    await put(alice, draft(), '"0"');
    await alice.request('/api/connectors/amocrm/activate', { method: 'POST' });

    expect((await bob.request('/api/connectors/amocrm/config')).status).toBe(404);
    const bobList = connectorListSchema.parse(await (await bob.request('/api/connectors')).json());
    expect(bobList.connectors[0]).toMatchObject({ state: 'available', account: null, hasAccess: false });
    expect((await put(bob, draft({ calculatedFields: [] }), '"1"')).status).toBe(409);
    expect((await bob.request('/api/connectors/amocrm/reset', { method: 'POST' })).status).toBe(404);
    expect((await bob.request('/api/connectors/amocrm', { method: 'DELETE' })).status).toBe(404);

    // Bob's own first save creates his own document, leaving Alice's untouched.
    expect((await put(bob, draft({ calculatedFields: [] }), '"0"')).status).toBe(200);
    const aliceConfig = configEnvelopeSchema.parse(await (await alice.request('/api/connectors/amocrm/config')).json());
    expect(aliceConfig).toMatchObject({ version: 1, status: 'connected' });
    expect(aliceConfig.config.calculatedFields).toHaveLength(1);
  });
});

describe('persistence', () => {
  it('keeps workspaces, sessions and configurations across a restart', async () => {
    await put(client, draft(), '"0"');
    await server.restart();
    const read = await client.request('/api/connectors/amocrm/config');
    expect(read.status).toBe(200);
    expect(configEnvelopeSchema.parse(await read.json()).config.filter.conditions[0]!.value).toBe('site-42');
  });

  it('logs requests without query strings or cookies', async () => {
    await client.request('/api/connectors?code=secret-code&state=abc');
    await client.request('/api/connectors');
    const lines = server.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some((line) => line.msg === 'request' && line.path === '/api/connectors' && line.status === 200)).toBe(true);
    const all = server.logs.join('\n');
    expect(all).not.toContain('secret-code');
    expect(all).not.toContain(client.sessionCookie!.split('=')[1]);
  });
});
