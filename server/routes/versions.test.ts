import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { configEnvelopeSchema, type MappingConfigInput } from '../../app/contracts/mapping-config';
import { problemSchema } from '../../app/contracts/problem';
import { completeConfigFor } from '../../app/contracts/testing/sample-config';
import { buildTestCrmSchema } from '../../mocks/api/crm-schema-fixture';
import { configVersionListSchema, configVersionSchema } from '../../app/contracts/versions';
import { createTestServer, TestClient, type TestServer } from '../testing/test-server';

/**
 * The version history through the API (SQLite in the `node` project, PostgreSQL in `postgres`):
 * list, one version, restore with If-Match, and the 404/409/412/428 answers; another
 * workspace sees nothing.
 */

let server: TestServer;
let client: TestClient;
beforeEach(() => {
  server = createTestServer();
  client = new TestClient(server);
});
afterEach(() => server.close());

const SCHEMA = buildTestCrmSchema();
/** A complete configuration (it activates) whose first container is called `name`. */
function named(name: string): MappingConfigInput {
  const config = completeConfigFor(SCHEMA);
  const [first, ...rest] = config.pipelines!;
  return { ...config, pipelines: [{ ...first!, containers: first!.containers.map((container, i) => (i === 0 ? { ...container, name } : container)) }, ...rest] };
}

/** Stored access and the CRM schema cached, as after an authorization (activation checks against the cache). */
async function grantAccess(c: TestClient) {
  await c.request('/api/connectors');
  const workspaceId = decodeURIComponent(c.sessionCookie!.split('=')[1]!).split('.')[0]!;
  await server.repo.saveCredentials({
    workspaceId,
    connector: 'amocrm',
    account: SCHEMA.account,
    baseUrl: `https://${SCHEMA.account.domain}`,
    tokens: 'v1.test-only',
    accessExpiresAt: Date.now() + 3600_000,
  });
  await server.repo.setCachedSchema(workspaceId, 'amocrm', JSON.stringify(SCHEMA));
}

async function put(c: TestClient, body: unknown, version: number) {
  const response = await c.request('/api/connectors/amocrm/config', { method: 'PUT', json: body, headers: { 'If-Match': `"${version}"` } });
  expect(response.status).toBe(200);
  return configEnvelopeSchema.parse(await response.json()).version;
}

const list = async (c: TestClient) => {
  const response = await c.request('/api/connectors/amocrm/versions');
  expect(response.status).toBe(200);
  return configVersionListSchema.parse(await response.json());
};
const restore = (c: TestClient, number: number | string, ifMatch?: string) =>
  c.request(`/api/connectors/amocrm/versions/${number}/restore`, { method: 'POST', headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch } });
const problemOf = async (response: Response) => problemSchema.parse(await response.json());

/** Version 1 activated («Old»), version 2 the draft after it («New», two saves coalesced). */
async function seedHistory() {
  await grantAccess(client);
  const first = await put(client, named('Old'), 0);
  expect((await client.request('/api/connectors/amocrm/activate', { method: 'POST' })).status).toBe(200);
  const second = await put(client, named('Newer'), first);
  return put(client, named('New'), second);
}

describe('version history API', () => {
  it('lists versions newest first with who, when, activated, current and what changed', async () => {
    expect((await client.request('/api/connectors/amocrm/versions')).status).toBe(404);
    const draft = await seedHistory();
    const body = await list(client);
    expect(body.limit).toBe(200);
    expect(body.versions.map((version) => [version.number, version.activated, version.current, version.kind, version.configVersion])).toEqual([
      [2, false, true, 'save', draft],
      [1, true, false, 'save', 1],
    ]);
    expect(body.versions[0]).toMatchObject({ savedBy: 'workspace', changes: [{ kind: 'container_renamed', pipelineId: SCHEMA.pipelines[0]!.id, from: 'Old', to: 'New' }] });
    expect(body.versions[1]!.changes.map((change) => change.kind)).toContain('pipeline_mapped');
    const one = configVersionSchema.parse(await (await client.request('/api/connectors/amocrm/versions/1')).json());
    expect(one.config.pipelines[0]!.containers[0]!.name).toBe('Old');
    expect(one.config.account).toEqual(SCHEMA.account);
    expect((await client.request('/api/connectors/amocrm/versions/9')).status).toBe(404);
    expect((await problemOf(await client.request('/api/connectors/amocrm/versions/abc'))).code).toBe('version_not_found');
  });

  it('restore makes the version the draft (a new version, history untouched); the connector stays connected', async () => {
    const draft = await seedHistory();
    const response = await restore(client, 1, `"${draft}"`);
    expect(response.status).toBe(200);
    const envelope = configEnvelopeSchema.parse(await response.json());
    expect(response.headers.get('ETag')).toBe(`"${envelope.version}"`);
    expect(envelope).toMatchObject({ version: draft + 1, status: 'connected', activatedVersion: 1 });
    expect(envelope.config.pipelines[0]!.containers[0]!.name).toBe('Old');
    const config = configEnvelopeSchema.parse(await (await client.request('/api/connectors/amocrm/config')).json());
    expect(config.config.pipelines[0]!.containers[0]!.name).toBe('Old');
    const body = await list(client);
    expect(body.versions.map((version) => [version.number, version.kind, version.restoredFrom, version.current])).toEqual([
      [3, 'restore', 1, true],
      [2, 'save', null, false],
      [1, 'save', null, false],
    ]);
    expect(body.versions[0]!.changes).toEqual([{ kind: 'container_renamed', pipelineId: SCHEMA.pipelines[0]!.id, from: 'New', to: 'Old' }]);
    const two = configVersionSchema.parse(await (await client.request('/api/connectors/amocrm/versions/2')).json());
    expect(two.config.pipelines[0]!.containers[0]!.name).toBe('New');
  });

  it('restore needs the current version in a strong If-Match: 428, 412, 400, 409; nothing changes', async () => {
    const draft = await seedHistory();
    expect((await problemOf(await restore(client, 1))).code).toBe('if_match_required');
    expect((await restore(client, 1, `W/"${draft}"`)).status).toBe(412);
    expect((await restore(client, 1, 'three')).status).toBe(400);
    const stale = await restore(client, 1, '"1"');
    expect(stale.status).toBe(409);
    expect(await problemOf(stale)).toMatchObject({ code: 'version_conflict', currentVersion: draft });
    expect((await restore(client, 7, `"${draft}"`)).status).toBe(404);
    expect((await list(client)).versions).toHaveLength(2);
  });

  it("another workspace gets 404 for this workspace's versions, and its own history is apart", async () => {
    await seedHistory();
    const other = new TestClient(server);
    expect((await other.request('/api/connectors/amocrm/versions')).status).toBe(404);
    expect((await other.request('/api/connectors/amocrm/versions/1')).status).toBe(404);
    expect((await restore(other, 1, '"0"')).status).toBe(404);
    await put(other, named('Theirs'), 0);
    expect((await list(other)).versions).toHaveLength(1);
    expect((await restore(other, 2, '"1"')).status).toBe(404);
    expect((await list(client)).versions).toHaveLength(2);
  });

  it('reset keeps the history (the reset is its newest version); disconnect deletes it', async () => {
    await seedHistory();
    expect((await client.request('/api/connectors/amocrm/reset', { method: 'POST' })).status).toBe(200);
    const afterReset = await list(client);
    expect(afterReset.versions.map((version) => [version.number, version.kind])).toEqual([
      [3, 'reset'],
      [2, 'save'],
      [1, 'save'],
    ]);
    expect((await client.request('/api/connectors/amocrm', { method: 'DELETE' })).status).toBe(204);
    expect((await client.request('/api/connectors/amocrm/versions')).status).toBe(404);
    expect((await client.request('/api/connectors/amocrm/versions/1')).status).toBe(404);
  });
});
