import fs from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { configExportSchema, EXPORT_FORMAT, importPreviewSchema, type ConfigExport } from '../../app/contracts/config-transfer';
import { connectorListSchema } from '../../app/contracts/connector';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import { configEnvelopeSchema, type MappingConfigInput } from '../../app/contracts/mapping-config';
import { problemSchema } from '../../app/contracts/problem';
import { completeConfigFor } from '../../app/contracts/testing/sample-config';
import { buildSandboxAccount, type AccountFixtureInput } from '../../mocks/sandbox/amocrm/index';
import { workspaceIdOf } from '../testing/deal-sync';
import { connectThroughSandbox } from '../testing/sandbox-oauth';
import { createTestServer, TestClient, type TestServer } from '../testing/test-server';

/**
 * Export and import through the API, on SQLite (the `node` project) and PostgreSQL (`postgres`):
 * real OAuth with the in-memory sandbox amoCRM (the small account), a saved configuration
 * exported, and imported as a dry run into the same and into another workspace and account.
 */

type SmallFixture = AccountFixtureInput & { leads: NonNullable<AccountFixtureInput['leads']> };

const SMALL = JSON.parse(fs.readFileSync('mocks/fixtures/amocrm-small-account.json', 'utf8')) as SmallFixture;

/**
 * Another shop with the same setup: every id different, the names the same, except «Переговоры»,
 * which is «Обсуждение» there.
 */
function otherShop() {
  const fixture = structuredClone(SMALL);
  fixture.account = { ...fixture.account, id: 29000777, subdomain: 'sosna', name: 'Магазин «Сосна»' };
  const funnel = fixture.pipelines[0]!;
  const ids = new Map<number, number>();
  funnel.id = 5177727;
  funnel.name = ' воронка ';
  funnel.statuses = funnel.statuses.map((status) => {
    if (status.id === 142 || status.id === 143) return status;
    const id = status.id + 1_000_000;
    ids.set(status.id, id);
    return { ...status, id, name: status.id === 32392162 ? 'Обсуждение' : status.name.toUpperCase() };
  });
  fixture.custom_fields = (fixture.custom_fields ?? []).map((field) => (field.type === 'tracking_data' ? field : { ...field, id: field.id + 1_000_000 }));
  for (const lead of fixture.leads) {
    lead.pipeline_id = funnel.id;
    if (lead.status_id !== undefined) lead.status_id = ids.get(lead.status_id) ?? lead.status_id;
    lead.history = lead.history?.map((entry) => ({ ...entry, pipeline_id: funnel.id, status_id: ids.get(entry.status_id) ?? entry.status_id }));
    if (lead.custom_fields_values) {
      lead.custom_fields_values = Object.fromEntries(
        Object.entries(lead.custom_fields_values).map(([id, value]) => [id === '316923' ? id : String(Number(id) + 1_000_000), value]),
      );
    }
  }
  return buildSandboxAccount(fixture);
}

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

function start() {
  const server = createTestServer({ testCrm: { sandbox: { account: buildSandboxAccount(SMALL) } } });
  servers.push(server);
  return { server, browser: new TestClient(server) };
}

async function schemaOf(browser: TestClient): Promise<CrmSchema> {
  const response = await browser.request('/api/connectors/amocrm/schema');
  expect(response.status).toBe(200);
  return crmSchemaSchema.parse(await response.json());
}

/** The small account's configuration: complete, a filter on Client Type, Other fields, a formula on the delivery cost. */
function configFor(schema: CrmSchema): MappingConfigInput {
  return {
    ...completeConfigFor(schema),
    filter: { match: 'all', conditions: [{ field: 'cf:1016236', action: 'exclude', operator: 'equals', value: 'VIP' }] },
    customFields: { otherFields: ['1016236', '1016240'] },
    calculatedFields: [{ id: 'k1', name: 'Без доставки', expression: '{price} - {cf:1016240}' }],
  };
}

async function saveConfig(browser: TestClient, config: MappingConfigInput, version: number) {
  const saved = await browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: config, headers: { 'If-Match': `"${version}"` } });
  expect(saved.status).toBe(200);
  return configEnvelopeSchema.parse(await saved.json());
}

/** Connected through the sandbox with the configuration saved (and activated). */
async function connectedWithConfig(browser: TestClient, server: TestServer) {
  await connectThroughSandbox(browser, server.sandbox!);
  const schema = await schemaOf(browser);
  await saveConfig(browser, configFor(schema), 0);
  const activated = await browser.request('/api/connectors/amocrm/activate', { method: 'POST' });
  expect(activated.status).toBe(200);
  return schema;
}

async function exportOf(browser: TestClient) {
  const response = await browser.request('/api/connectors/amocrm/export');
  expect(response.status).toBe(200);
  const text = await response.text();
  return { response, text, file: configExportSchema.parse(JSON.parse(text)) };
}

function importFile(browser: TestClient, body: string, contentType = 'application/json') {
  return browser.request('/api/connectors/amocrm/import', { method: 'POST', body, headers: { 'Content-Type': contentType } });
}

/** What the workspace holds: its configuration row as the API reads it, and its version. */
async function storedState(server: TestServer, browser: TestClient) {
  const connection = await server.repo.getConnection(await workspaceIdOf(browser), 'amocrm');
  return connection ? { version: connection.version, updatedAt: connection.updatedAt, config: connection.config, activatedVersion: connection.activatedVersion } : null;
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toContain('application/problem+json');
  const body = problemSchema.parse(await response.json());
  expect(body.code).toBe(code);
  return body;
}

describe('export', () => {
  it('downloads the stored configuration with its schema version and the CRM names, as a named attachment, without a token', async () => {
    const { server, browser } = start();
    const schema = await connectedWithConfig(browser, server);
    const { response, text, file } = await exportOf(browser);
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="hub-connect-amocrm-elka-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    const stored = await storedState(server, browser);
    expect(file.format).toBe(EXPORT_FORMAT);
    expect(file.config).toEqual(stored!.config);
    expect(file.config.schemaVersion).toBe(2);
    expect(file.config.account).toEqual(schema.account);
    expect(file.names.pipelines).toEqual([
      {
        id: '3177727',
        name: 'Воронка',
        statuses: schema.pipelines[0]!.statuses.map((status) => ({ id: status.id, name: status.name, kind: status.kind })),
      },
    ]);
    expect(file.names.customFields).toEqual([
      { id: '1016236', name: 'Client Type', code: null },
      { id: '1016240', name: 'Стоимость доставки', code: null },
    ]);
    // Readable: indented.
    expect(text.split('\n').length).toBeGreaterThan(50);
    // No token or key: none of the sandbox's issued codes and tokens, nothing shaped like one, no such key.
    const secrets = server.sandbox!.issuedSecrets();
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|def50200|token|secret|apiKey/i);
  });

  it('404 without a saved configuration; another workspace exports nothing of this one', async () => {
    const { server, browser } = start();
    await connectedWithConfig(browser, server);
    const stranger = new TestClient(server);
    await expectProblem(await stranger.request('/api/connectors/amocrm/export'), 404, 'config_not_found');
    await expectProblem(await browser.request('/api/connectors/nosuchcrm/export'), 404, 'unknown_connector');
  });
});

describe('import (dry run)', () => {
  it('the same workspace: everything fits by id; nothing is saved', async () => {
    const { server, browser } = start();
    await connectedWithConfig(browser, server);
    const { text } = await exportOf(browser);
    const before = await storedState(server, browser);
    const response = await importFile(browser, text);
    expect(response.status).toBe(200);
    const preview = importPreviewSchema.parse(await response.json());
    expect(preview.misfits).toEqual([]);
    expect(preview.config).toEqual(before!.config);
    expect(preview.matched).toEqual({ pipelines: 1, containers: 3, statuses: 5, otherFields: 2, filterConditions: 1, calculatedFields: 1, byName: 0 });
    expect(preview.source).toMatchObject({ connector: 'amocrm', schemaVersion: 2, hasNames: true, sameAccount: true });
    expect(await storedState(server, browser)).toEqual(before);
  });

  it('a fresh workspace of the same account: the import fits, and saved through PUT …/config it is the draft', async () => {
    const { server, browser } = start();
    await connectedWithConfig(browser, server);
    const { text, file } = await exportOf(browser);

    const fresh = new TestClient(server);
    await connectThroughSandbox(fresh, server.sandbox!);
    const response = await importFile(fresh, text);
    expect(response.status).toBe(200);
    const preview = importPreviewSchema.parse(await response.json());
    expect(preview.misfits).toEqual([]);
    expect(preview.config).toEqual(file.config);
    // The dry run saved nothing in the fresh workspace either.
    expect(await storedState(server, fresh)).toBeNull();

    const saved = await saveConfig(fresh, preview.config, 0);
    expect(saved.status).toBe('draft');
    expect(saved.config).toEqual(file.config);
    const list = connectorListSchema.parse(await (await fresh.request('/api/connectors')).json());
    expect(list.connectors.find((connector) => connector.id === 'amocrm')?.state).toBe('draft');
    // The exporting workspace is untouched.
    expect((await storedState(server, browser))?.activatedVersion).toBe(1);
  });

  it('another account of the same CRM: matched by names, the renamed status listed', async () => {
    const { server, browser } = start();
    await connectedWithConfig(browser, server);
    const { text } = await exportOf(browser);

    server.sandbox!.replaceAccount(otherShop());
    const other = new TestClient(server);
    await connectThroughSandbox(other, server.sandbox!);
    const otherSchema = await schemaOf(other);
    expect(otherSchema.account.id).toBe('29000777');

    const preview = importPreviewSchema.parse(await (await importFile(other, text)).json());
    expect(preview.source.sameAccount).toBe(false);
    expect(preview.misfits).toEqual([
      { kind: 'status_not_found', pipelineId: '3177727', pipelineName: 'Воронка', statusId: '32392162', name: 'Переговоры', containerName: 'In work' },
    ]);
    expect(preview.config.account).toEqual(otherSchema.account);
    expect(preview.config.pipelines).toEqual([
      {
        pipelineId: '5177727',
        containers: [
          { id: 'w3177727', name: 'In work', statusIds: ['33392156', '33392159'], marker: null },
          { id: 'c3177727', name: 'Won', statusIds: ['142'], marker: 'completed' },
          { id: 'r3177727', name: 'Lost', statusIds: ['143'], marker: 'refusal' },
        ],
      },
    ]);
    expect(preview.config.customFields.otherFields).toEqual(['2016236', '2016240']);
    expect(preview.config.filter.conditions[0]!.field).toBe('cf:2016236');
    expect(preview.config.calculatedFields[0]!.expression).toBe('{price} - {cf:2016240}');
    // Pipeline, 2 statuses (upper-cased names), 2 other fields, the filter's field, the formula.
    expect(preview.matched.byName).toBe(1 + 2 + 2 + 1 + 1);
    expect(await storedState(server, other)).toBeNull();
  });

  it('a bare configuration document and an older schema version are read too', async () => {
    const { server, browser } = start();
    await connectedWithConfig(browser, server);
    const v1 = {
      schemaVersion: 1,
      connector: 'amocrm',
      account: { id: 29000001, subdomain: 'elka', name: 'Магазин «Ёлка»' },
      pipelines: [{ pipelineId: 3177727, containers: [{ id: 'a', name: 'Won', statusIds: [142], marker: 'completed' }, { id: 'b', name: 'Unknown', statusIds: [999], marker: null }] }],
      customFields: { otherFields: [1016240] },
    };
    const preview = importPreviewSchema.parse(await (await importFile(browser, JSON.stringify(v1))).json());
    expect(preview.source).toMatchObject({ schemaVersion: 1, hasNames: false, sameAccount: true, exportedAt: null });
    expect(preview.config.pipelines[0]!.containers).toEqual([{ id: 'a', name: 'Won', statusIds: ['142'], marker: 'completed' }]);
    expect(preview.misfits).toEqual([
      { kind: 'status_not_found', pipelineId: '3177727', pipelineName: 'Воронка', statusId: '999', name: null, containerName: 'Unknown' },
      { kind: 'container_dropped', pipelineId: '3177727', pipelineName: 'Воронка', containerName: 'Unknown', marker: null },
    ]);
  });

  it('hostile and broken files: a clear 4xx each, and nothing changes', async () => {
    const { server, browser } = start();
    await connectedWithConfig(browser, server);
    const { file } = await exportOf(browser);
    const before = await storedState(server, browser);
    const withConfig = (config: Record<string, unknown>): ConfigExport => ({ ...file, config: { ...file.config, ...config } });

    const wrongCrm = await expectProblem(await importFile(browser, JSON.stringify(withConfig({ connector: 'bitrix24' }))), 422, 'wrong_crm');
    expect(wrongCrm.detail).toContain('bitrix24');
    const malformed = await expectProblem(await importFile(browser, '{"format": "hub-connect.configuration", "config": {'), 400, 'invalid_json');
    expect(malformed.detail).toMatch(/not valid JSON/);
    await expectProblem(await importFile(browser, ''), 400, 'invalid_json');
    await expectProblem(await importFile(browser, JSON.stringify(file), 'text/plain'), 415, 'json_required');
    await expectProblem(await importFile(browser, '{"hello": "world"}'), 422, 'not_a_configuration');
    await expectProblem(await importFile(browser, '[1, 2, 3]'), 422, 'not_a_configuration');
    await expectProblem(await importFile(browser, JSON.stringify(withConfig({ schemaVersion: 99 }))), 422, 'unsupported_schema_version');
    // A prototype-polluting key and markup in names are data, nothing more.
    const polluted = `{"__proto__": {"polluted": true}, ${JSON.stringify(file).slice(1)}`;
    expect((await importFile(browser, polluted)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const invalid = await expectProblem(
      await importFile(
        browser,
        JSON.stringify(withConfig({ pipelines: [{ pipelineId: '3177727', containers: [{ id: 'x', name: '<img src=x onerror=alert(1)>'.repeat(10), statusIds: ['142', '142'], marker: null }] }] })),
      ),
      422,
      'validation_failed',
    );
    expect(invalid.errors!.map((error) => error.pointer)).toEqual(
      expect.arrayContaining(['/config/pipelines/0/containers/0/name', '/config/pipelines/0/containers/0/statusIds/1']),
    );

    // Over 4 MB: refused before it is parsed (a valid file padded with whitespace).
    const oversized = await importFile(browser, JSON.stringify(file) + ' '.repeat(4 * 1024 * 1024));
    await expectProblem(oversized, 413, 'file_too_large');
    // Between 1 and 4 MB the import reads it (every other endpoint refuses over 1 MB).
    const padded = JSON.stringify(file) + ' '.repeat(2 * 1024 * 1024);
    expect((await importFile(browser, padded)).status).toBe(200);
    const bigPut = await browser.request('/api/connectors/amocrm/config', { method: 'PUT', body: padded, headers: { 'Content-Type': 'application/json', 'If-Match': `"${before!.version}"` } });
    await expectProblem(bigPut, 413, 'body_too_large');

    expect(await storedState(server, browser)).toEqual(before);
  });

  it('is scoped to the workspace: one without CRM access is told to authorize, and neither sees the other', async () => {
    const { server, browser } = start();
    await connectedWithConfig(browser, server);
    const { text } = await exportOf(browser);
    const before = await storedState(server, browser);

    const stranger = new TestClient(server);
    const refused = await expectProblem(await importFile(stranger, text), 409, 'crm_not_connected');
    expect(refused.detail).toMatch(/Authorize/);
    expect(await storedState(server, stranger)).toBeNull();
    expect(await storedState(server, browser)).toEqual(before);
  });
});
