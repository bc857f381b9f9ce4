import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { connectorListSchema, type ConnectorId, type ConnectorSummary, type CrmAccount } from '../../app/contracts/connector';
import { crmSchemaSchema, sampleDealsSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import { configEnvelopeSchema, type Container, type MappingConfig, type PipelineMapping } from '../../app/contracts/mapping-config';
import { authorizeResponseSchema } from '../../app/contracts/oauth';
import { problemSchema, type Problem } from '../../app/contracts/problem';
import type { TestBitrix24 } from '../testing/crm-test-kit';
import { rawRows } from '../testing/raw-database';
import { connectThroughSandbox, followCallback, pressOnConsentPage, startAuthorization } from '../testing/sandbox-oauth';
import { createTestServer, TEST_ORIGIN, TestClient, type TestServer } from '../testing/test-server';

/**
 * One workspace, two CRMs: the real API over a real SQLite file, amoCRM and Bitrix24 each
 * authorized through its own in-process sandbox (the full OAuth round trip, as a browser plays
 * it), then the catalogue, the schemas, the configurations, the address check, disconnecting,
 * and another workspace that sees none of it.
 */

const AMO_ORIGIN = 'http://127.0.0.1:8788';
const B24_ORIGIN = 'http://127.0.0.1:8789';
const B24_HOST = '127.0.0.1:8789';
const B24_MEMBER_ID = '5d1c6f3e9a8b4c2d8e7f6a5b4c3d2e1f';

const AMO_ACCOUNT: CrmAccount = { id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо: Агентство' };
/** No Bitrix24 method names the portal: its member_id, and the address it was authorized on. */
const B24_ACCOUNT: CrmAccount = { id: B24_MEMBER_ID, domain: B24_HOST, name: B24_HOST };
const ACCOUNTS: Record<'amocrm' | 'bitrix24', CrmAccount> = { amocrm: AMO_ACCOUNT, bitrix24: B24_ACCOUNT };

/** The demo account's pipelines (the last one archived) and the demo portal's (deal pipelines by sort, then the lead pipeline). */
const AMO_PIPELINE_IDS = ['7412301', '7412302', '7412303', '7412304'];
const B24_PIPELINE_IDS = ['0', '3', '7', 'leads'];

/** A pipeline mapped in full: its open stages, then the won one (completed) and the lost ones (refusal). */
function pipeline(pipelineId: string, open: string[], won: string[], lost: string[]): PipelineMapping {
  const containers: Container[] = [
    { id: `${pipelineId}-work`, name: 'В работе', statusIds: open, marker: null },
    { id: `${pipelineId}-won`, name: 'Успешно', statusIds: won, marker: 'completed' },
    { id: `${pipelineId}-lost`, name: 'Отказ', statusIds: lost, marker: 'refusal' },
  ];
  return { pipelineId, containers };
}

/** A complete amoCRM configuration for the demo account: every active pipeline, every status. */
const AMO_CONFIG: MappingConfig = {
  schemaVersion: 2,
  connector: 'amocrm',
  account: null,
  filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' }] },
  pipelines: [
    pipeline('7412301', ['61874501', '61874504', '61874507', '61874510', '61874513'], ['142'], ['143']),
    pipeline('7412302', ['61874601', '61874604', '61874607', '61874610', '61874613', '61874616'], ['142'], ['143']),
    pipeline('7412303', ['61874701', '61874704', '61874707', '61874710'], ['142'], ['143']),
  ],
  customFields: { otherFields: ['1016213'] },
  calculatedFields: [{ id: 'k1', name: 'Маржа', expression: '{price} - {cf:1016213}' }],
};

/** A complete Bitrix24 configuration for the demo portal: the three deal pipelines and the lead pipeline. */
const B24_CONFIG: MappingConfig = {
  schemaVersion: 2,
  connector: 'bitrix24',
  account: null,
  filter: { match: 'all', conditions: [{ field: 'UF_CRM_LANDING', action: 'include', operator: 'equals', value: 'site-42' }] },
  pipelines: [
    pipeline('0', ['NEW', 'PREPARATION', 'UC_3N9X1K', 'PREPAYMENT_INVOICE', 'EXECUTING', 'FINAL_INVOICE'], ['WON'], ['LOSE', 'APOLOGY']),
    pipeline('3', ['C3:NEW', 'C3:PREPARATION', 'C3:EXECUTING'], ['C3:WON'], ['C3:LOSE']),
    pipeline('7', ['C7:NEW', 'C7:PREPARATION', 'C7:UC_4F1Q2A', 'C7:UC_7K2M9B'], ['C7:WON'], ['C7:LOSE', 'C7:UC_9QX3DZ']),
    pipeline('leads', ['NEW', 'IN_PROCESS', 'UC_K2Q8ZP', 'PROCESSED'], ['CONVERTED'], ['JUNK']),
  ],
  customFields: { otherFields: ['UF_CRM_1716203502'] },
  calculatedFields: [{ id: 'k1', name: 'Маржа', expression: '{price} - {cf:UF_CRM_1716203502}' }],
};
const CONFIGS: Record<'amocrm' | 'bitrix24', MappingConfig> = { amocrm: AMO_CONFIG, bitrix24: B24_CONFIG };

/** A browser: a cookie jar for the product, and every response it was sent (for leak checks). */
class Browser extends TestClient {
  readonly seen: string[] = [];

  override async request(pathname: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const response = await super.request(pathname, init);
    this.seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.clone().text()}`);
    return response;
  }

  async workspaceId(): Promise<string> {
    if (!this.sessionCookie) await this.request('/api/connectors');
    return decodeURIComponent(this.sessionCookie!.split('=')[1]!).split('.')[0]!;
  }
}

let server: TestServer;
let b24: TestBitrix24;
let browser: Browser;

beforeEach(() => {
  server = createTestServer({ testCrm: { bitrix24: true } });
  b24 = server.crm!.bitrix24!;
  browser = new Browser(server);
});
afterEach(() => server.close());

const amoSandbox = () => server.sandbox!;
const sandboxOf = (connector: 'amocrm' | 'bitrix24') => (connector === 'amocrm' ? amoSandbox() : b24.sandbox);

async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('Content-Type')).toContain('application/problem+json');
  return problemSchema.parse(await response.json());
}

async function catalogue(client: TestClient): Promise<Record<string, ConnectorSummary>> {
  const response = await client.request('/api/connectors');
  expect(response.status).toBe(200);
  const { connectors } = connectorListSchema.parse(await response.json());
  return Object.fromEntries(connectors.map((connector) => [connector.id, connector]));
}

async function schemaOf(client: TestClient, connector: ConnectorId, query = ''): Promise<CrmSchema> {
  const response = await client.request(`/api/connectors/${connector}/schema${query}`);
  expect(response.status).toBe(200);
  return crmSchemaSchema.parse(await response.json());
}

/** Consent with Allow on the connector's own sandbox; the callback URL the sandbox sends the browser to. */
async function consent(authorizeUrl: string, connector: 'amocrm' | 'bitrix24'): Promise<URL> {
  return pressOnConsentPage(authorizeUrl, 'Allow', (request) => sandboxOf(connector).fetch(request));
}

/**
 * Both round trips, through the kit: amoCRM's (authorize, the sandbox amoCRM's consent page,
 * Allow, the callback with the session cookie), then Bitrix24's with the portal's address as the
 * catalogue prompts it (the sandbox's host), on the sandbox portal. Each throws unless the
 * browser lands on its own wizard step with `oauth=success`.
 */
async function connectBoth(client: TestClient): Promise<void> {
  await connectThroughSandbox(client, amoSandbox());
  const address = (await catalogue(client)).bitrix24!.address!.value!;
  expect(address).toBe(B24_HOST);
  await connectThroughSandbox(client, b24.sandbox, { address }, 'bitrix24');
}

async function putConfig(client: TestClient, connector: ConnectorId, body: unknown, ifMatch = '"0"'): Promise<Response> {
  return client.request(`/api/connectors/${connector}/config`, { method: 'PUT', json: body, headers: { 'If-Match': ifMatch } });
}

/** Saves the connector's complete configuration as the first version and activates it. */
async function configureAndActivate(client: TestClient, connector: 'amocrm' | 'bitrix24'): Promise<void> {
  const saved = await putConfig(client, connector, CONFIGS[connector]);
  expect(saved.status).toBe(200);
  expect(configEnvelopeSchema.parse(await saved.json())).toMatchObject({ version: 1, status: 'draft', activatedVersion: null });
  const activated = await client.request(`/api/connectors/${connector}/activate`, { method: 'POST' });
  expect(activated.status).toBe(200);
  expect(configEnvelopeSchema.parse(await activated.json())).toMatchObject({ version: 1, status: 'connected', activatedVersion: 1 });
}

/** The OAuth states stored for a workspace, by connector, read from the database itself. */
async function storedStates(workspaceId: string): Promise<Record<string, number>> {
  const rows = await rawRows<{ connector: string; count: number | string }>(
    server,
    'SELECT connector, COUNT(*) AS count FROM oauth_states WHERE workspace_id = ? GROUP BY connector',
    [workspaceId],
  );
  return Object.fromEntries(rows.map((row) => [row.connector, Number(row.count)]));
}

const allIds = (schema: CrmSchema): string[] => [
  ...schema.pipelines.flatMap((p) => [p.id, ...p.statuses.map((status) => status.id)]),
  ...schema.customFields.map((field) => field.id),
];

describe('one workspace, amoCRM and Bitrix24', () => {
  it('authorizes each through its own sandbox: its consent page, its callback, its account stored apart', async () => {
    const workspaceId = await browser.workspaceId();

    const amoUrl = new URL(await startAuthorization(browser));
    expect(`${amoUrl.origin}${amoUrl.pathname}`).toBe(`${AMO_ORIGIN}/oauth`);
    expect(amoUrl.searchParams.get('client_id')).toBe('hub-connect-sandbox');

    const b24Url = new URL(await startAuthorization(browser, { address: B24_HOST }, 'bitrix24'));
    expect(`${b24Url.origin}${b24Url.pathname}`).toBe(`${B24_ORIGIN}/oauth/authorize/`);
    expect(b24Url.searchParams.get('client_id')).toBe('local.6650c0ffee0b24.00000001');
    expect(b24Url.searchParams.get('state')).not.toBe(amoUrl.searchParams.get('state'));
    expect(await storedStates(workspaceId)).toEqual({ amocrm: 1, bitrix24: 1 });

    const amoCallback = await consent(amoUrl.toString(), 'amocrm');
    expect(`${amoCallback.origin}${amoCallback.pathname}`).toBe(`${TEST_ORIGIN}/api/oauth/amocrm/callback`);
    expect(amoCallback.searchParams.get('referer')).toBe('127.0.0.1:8788');
    const b24Callback = await consent(b24Url.toString(), 'bitrix24');
    expect(`${b24Callback.origin}${b24Callback.pathname}`).toBe(`${TEST_ORIGIN}/api/oauth/bitrix24/callback`);
    expect(b24Callback.searchParams.get('domain')).toBe(B24_HOST);
    expect(b24Callback.searchParams.get('member_id')).toBe(B24_MEMBER_ID);

    // Bitrix24's callback first: the order of the two consents does not matter.
    expect((await followCallback(browser, b24Callback)).search).toBe('?oauth=success');
    expect((await followCallback(browser, amoCallback)).search).toBe('?oauth=success');

    const amoAccess = (await server.repo.getCredentials(workspaceId, 'amocrm'))!;
    const b24Access = (await server.repo.getCredentials(workspaceId, 'bitrix24'))!;
    expect(amoAccess).toMatchObject({ account: AMO_ACCOUNT, baseUrl: AMO_ORIGIN });
    expect(b24Access).toMatchObject({ account: B24_ACCOUNT, baseUrl: `${B24_ORIGIN}/rest/` });
    expect(amoAccess.tokens).toMatch(/^v1\./);
    expect(b24Access.tokens).toMatch(/^v1\./);
    expect(b24Access.tokens).not.toBe(amoAccess.tokens);

    // Each code went to its own CRM's token endpoint, once.
    const paths = (connector: 'amocrm' | 'bitrix24') => sandboxOf(connector).requests.map((request) => request.path);
    expect(paths('amocrm').filter((p) => p === '/oauth2/access_token')).toHaveLength(1);
    expect(paths('amocrm').some((p) => p.startsWith('/rest/') || p.startsWith('/oauth/token'))).toBe(false);
    expect(paths('bitrix24').filter((p) => p === '/oauth/token/')).toHaveLength(1);
    expect(paths('bitrix24').some((p) => p.startsWith('/api/v4/') || p.startsWith('/oauth2/'))).toBe(false);

    // Valid access to both: authorize answers with each one's own account.
    for (const [connector, body] of [['amocrm', {}], ['bitrix24', { address: B24_HOST }]] as const) {
      const again = await browser.request(`/api/connectors/${connector}/authorize`, { method: 'POST', json: body });
      expect(authorizeResponseSchema.parse(await again.json())).toEqual({ status: 'authorized', account: ACCOUNTS[connector] });
    }
  });

  it("a state issued for one CRM does not open the other's callback", async () => {
    const amoUrl = new URL(await startAuthorization(browser));
    const b24Callback = await consent(await startAuthorization(browser, { address: B24_HOST }, 'bitrix24'), 'bitrix24');
    // The Bitrix24 callback, but carrying amoCRM's state.
    b24Callback.searchParams.set('state', amoUrl.searchParams.get('state')!);
    const location = await followCallback(browser, b24Callback);
    expect(`${location.pathname}${location.search}`).toBe('/setup/bitrix24/authorize?oauth_error=state_invalid');
    const workspaceId = await browser.workspaceId();
    expect(await server.repo.getCredentials(workspaceId, 'bitrix24')).toBeNull();
    expect(await server.repo.getCredentials(workspaceId, 'amocrm')).toBeNull();
    // The amoCRM state is not spent: amoCRM's own round trip still works with it.
    const amoCallback = await consent(amoUrl.toString(), 'amocrm');
    expect((await followCallback(browser, amoCallback)).search).toBe('?oauth=success');
    expect(b24.sandbox.requests.some((request) => request.path === '/oauth/token/')).toBe(false);
  });

  it("a Bitrix24 callback naming amoCRM's sandbox as its portal is refused before any token request", async () => {
    const callback = await consent(await startAuthorization(browser, { address: B24_HOST }, 'bitrix24'), 'bitrix24');
    callback.searchParams.set('domain', '127.0.0.1:8788');
    const location = await followCallback(browser, callback);
    expect(`${location.pathname}${location.search}`).toBe('/setup/bitrix24/authorize?oauth_error=host_not_allowed');
    expect(b24.sandbox.requests.some((request) => request.path.startsWith('/oauth/token'))).toBe(false);
    expect(amoSandbox().requests).toEqual([]);
    expect(await server.repo.getCredentials(await browser.workspaceId(), 'bitrix24')).toBeNull();
  });

  it('GET /api/connectors lists both, each with its own account, logo and address prompt', async () => {
    const before = await catalogue(browser);
    expect(Object.keys(before)).toEqual(['amocrm', 'bitrix24', 'retailcrm']);
    expect(before.bitrix24).toMatchObject({ supported: true, state: 'available', hasAccess: false, account: null });

    await connectBoth(browser);
    const list = await catalogue(browser);
    expect(list.amocrm).toEqual({
      id: 'amocrm',
      name: 'amoCRM',
      supported: true,
      authKind: 'oauth2',
      logo: { text: 'amo', from: '#1868d6', to: '#2fa4f0' },
      address: null,
      apiKey: null,
      state: 'draft',
      hasAccess: true,
      account: AMO_ACCOUNT,
      attentionReason: null,
      drift: null,
      createdAt: null,
      updatedAt: expect.any(String),
      connectedAt: null,
    });
    expect(list.bitrix24).toEqual({
      id: 'bitrix24',
      name: 'Bitrix24',
      supported: true,
      authKind: 'oauth2',
      logo: { text: 'B24', from: '#0c8fc7', to: '#2fc6f6' },
      address: { example: 'company.bitrix24.ru', value: B24_HOST },
      apiKey: null,
      state: 'draft',
      hasAccess: true,
      account: B24_ACCOUNT,
      attentionReason: null,
      drift: null,
      createdAt: null,
      updatedAt: expect.any(String),
      connectedAt: null,
    });
    expect(list.amocrm!.account!.id).not.toBe(list.bitrix24!.account!.id);
    expect(list.amocrm!.account!.domain).not.toBe(list.bitrix24!.account!.domain);
    expect(list.retailcrm).toMatchObject({ supported: false, authKind: 'api_key', address: null, hasAccess: false, account: null });
  });

  it("GET …/schema of each is its own CRM's, read from its own sandbox", async () => {
    await connectBoth(browser);
    const amoRequests = amoSandbox().requests.length;
    const b24Requests = b24.sandbox.requests.length;

    const amo = await schemaOf(browser, 'amocrm');
    expect(b24.sandbox.requests.length).toBe(b24Requests);
    expect(amoSandbox().requests.length).toBeGreaterThan(amoRequests);
    const b24Schema = await schemaOf(browser, 'bitrix24');
    expect(b24.sandbox.requests.length).toBeGreaterThan(b24Requests);
    expect(amoSandbox().requests.slice(amoRequests).every((request) => request.path.startsWith('/api/v4/'))).toBe(true);
    expect(b24.sandbox.requests.slice(b24Requests).every((request) => request.path.startsWith('/rest/'))).toBe(true);

    expect(amo.account).toEqual(AMO_ACCOUNT);
    expect(amo.pipelines.map((p) => p.id)).toEqual(AMO_PIPELINE_IDS);
    expect(amo.pipelines.map((p) => p.isArchive)).toEqual([false, false, false, true]);
    expect(amo.pipelines[0]!.statuses.map((status) => [status.id, status.kind])).toEqual([
      ['61874501', 'unsorted'],
      ['61874504', 'regular'],
      ['61874507', 'regular'],
      ['61874510', 'regular'],
      ['61874513', 'regular'],
      ['142', 'won'],
      ['143', 'lost'],
    ]);
    expect(amo.filterParameters.map((parameter) => parameter.key)).toContain('LANDING');

    expect(b24Schema.account).toEqual(B24_ACCOUNT);
    expect(b24Schema.pipelines.map((p) => [p.id, p.name])).toEqual([
      ['0', 'Общая'],
      ['3', 'Повторные продажи'],
      ['7', 'Тендеры'],
      ['leads', 'Лиды'],
    ]);
    expect(b24Schema.pipelines[1]!.statuses.map((status) => [status.id, status.kind])).toEqual([
      ['C3:NEW', 'regular'],
      ['C3:PREPARATION', 'regular'],
      ['C3:EXECUTING', 'regular'],
      ['C3:WON', 'won'],
      ['C3:LOSE', 'lost'],
    ]);
    expect(b24Schema.pipelines[0]!.statuses.filter((status) => status.kind === 'lost').map((status) => status.id)).toEqual(['LOSE', 'APOLOGY']);
    expect(b24Schema.customFields.map((field) => field.id)).toEqual(expect.arrayContaining(['UF_CRM_LANDING', 'UF_CRM_1716203502', 'UTM_SOURCE']));
    expect(b24Schema.filterParameters.map((parameter) => parameter.key)).toContain('UF_CRM_LANDING');

    // Nothing of one in the other: no pipeline, status or field id (amoCRM's 142 and 143 included).
    const b24Ids = new Set(allIds(b24Schema));
    expect(allIds(amo).filter((id) => b24Ids.has(id))).toEqual([]);
    expect(b24Ids.has('142') || b24Ids.has('143')).toBe(false);
    expect(amo.customFields.some((field) => field.id.startsWith('UF_CRM_'))).toBe(false);

    // Each is cached apart: read again, both answer from their own cache, neither sandbox is asked.
    const counts = [amoSandbox().requests.length, b24.sandbox.requests.length];
    expect(await schemaOf(browser, 'bitrix24')).toEqual(b24Schema);
    expect(await schemaOf(browser, 'amocrm')).toEqual(amo);
    expect([amoSandbox().requests.length, b24.sandbox.requests.length]).toEqual(counts);

    // Sample deals come from each one's own deals.
    const amoDeals = sampleDealsSchema.parse(await (await browser.request('/api/connectors/amocrm/sample-deals')).json()).deals;
    const b24Deals = sampleDealsSchema.parse(await (await browser.request('/api/connectors/bitrix24/sample-deals')).json()).deals;
    const amoLeadNames = new Map(amoSandbox().account.leads.map((lead) => [String(lead.id), lead.name]));
    const b24DealTitles = new Map(b24.sandbox.portal.deals.map((deal) => [String(deal.id), deal.title]));
    expect(amoDeals).toHaveLength(5);
    expect(b24Deals).toHaveLength(5);
    for (const deal of amoDeals) expect(amoLeadNames.get(deal.id)).toBe(deal.name);
    for (const deal of b24Deals) expect(b24DealTitles.get(deal.id)).toBe(deal.name);
  });

  it('saves and activates a complete configuration for each; reading one never returns the other', async () => {
    await connectBoth(browser);
    await configureAndActivate(browser, 'amocrm');
    await configureAndActivate(browser, 'bitrix24');

    for (const connector of ['amocrm', 'bitrix24'] as const) {
      const response = await browser.request(`/api/connectors/${connector}/config`);
      expect(response.status).toBe(200);
      expect(response.headers.get('ETag')).toBe('"1"');
      const { config, status, activatedVersion } = configEnvelopeSchema.parse(await response.json());
      expect(status).toBe('connected');
      expect(activatedVersion).toBe(1);
      // The account is the stored access's; everything else is exactly what was saved for this connector.
      expect(config).toEqual({ ...CONFIGS[connector], account: ACCOUNTS[connector] });
    }
    const b24Config = configEnvelopeSchema.parse(await (await browser.request('/api/connectors/bitrix24/config')).json()).config;
    expect(b24Config.pipelines.map((p) => p.pipelineId)).toEqual(B24_PIPELINE_IDS);
    expect(b24Config.pipelines[1]!.containers.find((c) => c.marker === 'completed')!.statusIds).toEqual(['C3:WON']);

    const list = await catalogue(browser);
    expect([list.amocrm!.state, list.bitrix24!.state]).toEqual(['connected', 'connected']);
    expect(list.amocrm!.connectedAt).not.toBeNull();
    expect(list.bitrix24!.connectedAt).not.toBeNull();

    // A second save of one moves only its own version (its activated version 1 stays in force).
    const edited = await putConfig(browser, 'bitrix24', { ...B24_CONFIG, customFields: { otherFields: [] } }, '"1"');
    expect(configEnvelopeSchema.parse(await edited.json())).toMatchObject({ version: 2, status: 'connected', activatedVersion: 1 });
    // amoCRM's version is not Bitrix24's: "1" is stale for Bitrix24 now, and still current for amoCRM.
    expect((await putConfig(browser, 'bitrix24', B24_CONFIG, '"1"')).status).toBe(409);
    const amoAgain = await browser.request('/api/connectors/amocrm/config');
    expect(amoAgain.headers.get('ETag')).toBe('"1"');
    expect(configEnvelopeSchema.parse(await amoAgain.json()).status).toBe('connected');
  });

  it("activation checks each configuration against its own CRM: Bitrix24's mapping saved under amoCRM is refused", async () => {
    await connectBoth(browser);
    const saved = await putConfig(browser, 'amocrm', { ...B24_CONFIG, connector: 'amocrm' });
    expect(saved.status).toBe(200);
    const response = await browser.request('/api/connectors/amocrm/activate', { method: 'POST' });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe('config_incomplete');
    const codes = (problem.errors ?? []).map((error) => `${error.pointer} ${error.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        '/filter/conditions/0/field unknown_parameter',
        '/pipelines/0/pipelineId unknown_pipeline',
        '/pipelines/3/pipelineId unknown_pipeline',
        '/pipelines unmapped_pipeline',
        '/customFields/otherFields/0 unknown_field',
      ]),
    );
    expect((await catalogue(browser)).amocrm!.state).toBe('draft');
  });

  it("refuses a configuration for amoCRM PUT to Bitrix24's config (422 connector_mismatch), storing nothing", async () => {
    await connectBoth(browser);
    const response = await putConfig(browser, 'bitrix24', AMO_CONFIG);
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([{ pointer: '/connector', code: 'connector_mismatch', message: 'Must be "bitrix24"' }]);
    for (const connector of ['bitrix24', 'amocrm']) {
      const read = await browser.request(`/api/connectors/${connector}/config`);
      expect(read.status).toBe(404);
      expect((await problemOf(read)).code).toBe('config_not_found');
    }
  });

  it.each([
    ['a real portal, not the sandbox', 'company.bitrix24.ru'],
    ["the sandbox amoCRM's host", '127.0.0.1:8788'],
    ['the sandbox host with user info', 'http://user@127.0.0.1:8789'],
    ['another host', 'evil.example'],
  ])("Bitrix24's authorize refuses %s (422 on /address) and stores no OAuth state", async (_, address) => {
    const workspaceId = await browser.workspaceId();
    const response = await browser.request('/api/connectors/bitrix24/authorize', { method: 'POST', json: { address } });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe('address_not_allowed');
    expect(problem.errors).toEqual([
      { pointer: '/address', code: 'address_not_allowed', message: `This server is set up for the sandbox Bitrix24 only: enter ${B24_HOST}.` },
    ]);
    expect(await storedStates(workspaceId)).toEqual({});
    expect(b24.sandbox.requests).toEqual([]);

    // The sandbox's own address (as the catalogue prompts it) is accepted: one state, for Bitrix24.
    const authorizeUrl = await startAuthorization(browser, { address: B24_HOST }, 'bitrix24');
    expect(new URL(authorizeUrl).origin).toBe(B24_ORIGIN);
    expect(await storedStates(workspaceId)).toEqual({ bitrix24: 1 });
  });

  it.each([
    ['amocrm', 'bitrix24'],
    ['bitrix24', 'amocrm'],
  ] as const)('disconnecting %s leaves %s connected, with its access', async (gone, kept) => {
    await connectBoth(browser);
    await configureAndActivate(browser, 'amocrm');
    await configureAndActivate(browser, 'bitrix24');
    const workspaceId = await browser.workspaceId();

    const deleted = await browser.request(`/api/connectors/${gone}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);

    const list = await catalogue(browser);
    expect(list[gone]).toMatchObject({ state: 'available', hasAccess: false, account: null, connectedAt: null });
    expect(list[kept]).toMatchObject({ state: 'connected', hasAccess: true, account: ACCOUNTS[kept] });
    expect(await server.repo.getCredentials(workspaceId, gone)).toBeNull();
    expect((await server.repo.getCredentials(workspaceId, kept))?.account).toEqual(ACCOUNTS[kept]);

    const goneConfig = await browser.request(`/api/connectors/${gone}/config`);
    expect(goneConfig.status).toBe(404);
    const keptConfig = configEnvelopeSchema.parse(await (await browser.request(`/api/connectors/${kept}/config`)).json());
    expect(keptConfig).toMatchObject({ version: 1, status: 'connected', activatedVersion: 1, config: { connector: kept, account: ACCOUNTS[kept] } });

    const goneSchema = await browser.request(`/api/connectors/${gone}/schema`);
    expect(goneSchema.status).toBe(409);
    expect((await problemOf(goneSchema)).code).toBe('crm_not_connected');

    // The kept access still works against its CRM (re-read, not the cache).
    const requests = sandboxOf(kept).requests.length;
    expect((await schemaOf(browser, kept, '?refresh=1')).account).toEqual(ACCOUNTS[kept]);
    expect(sandboxOf(kept).requests.length).toBeGreaterThan(requests);
    const again = await browser.request(`/api/connectors/${kept}/authorize`, { method: 'POST', json: {} });
    expect(authorizeResponseSchema.parse(await again.json())).toEqual({ status: 'authorized', account: ACCOUNTS[kept] });
  });

  it('a second workspace (another cookie) sees neither CRM', async () => {
    await connectBoth(browser);
    await configureAndActivate(browser, 'amocrm');
    await configureAndActivate(browser, 'bitrix24');

    const other = new Browser(server);
    const list = await catalogue(other);
    expect(other.sessionCookie).not.toBeNull();
    expect(other.sessionCookie).not.toBe(browser.sessionCookie);
    expect(await other.workspaceId()).not.toBe(await browser.workspaceId());
    for (const connector of ['amocrm', 'bitrix24'] as const) {
      expect(list[connector]).toMatchObject({ supported: true, state: 'available', hasAccess: false, account: null, updatedAt: null });

      const config = await other.request(`/api/connectors/${connector}/config`);
      expect(config.status).toBe(404);
      expect((await problemOf(config)).code).toBe('config_not_found');
      for (const endpoint of ['schema', 'sample-deals']) {
        const response = await other.request(`/api/connectors/${connector}/${endpoint}`);
        expect(response.status).toBe(409);
        expect((await problemOf(response)).code).toBe('crm_not_connected');
      }
      const activate = await other.request(`/api/connectors/${connector}/activate`, { method: 'POST' });
      expect(activate.status).toBe(404);
      const disconnect = await other.request(`/api/connectors/${connector}`, { method: 'DELETE' });
      expect(disconnect.status).toBe(404);
      expect((await problemOf(disconnect)).code).toBe('not_connected');
      // Not "authorized" with the first workspace's access: a consent page of its own.
      const authorize = await other.request(`/api/connectors/${connector}/authorize`, { method: 'POST', json: {} });
      expect(authorizeResponseSchema.parse(await authorize.json()).status).toBe('redirect');
    }

    // None of that touched the first workspace.
    const first = await catalogue(browser);
    expect([first.amocrm!.state, first.bitrix24!.state]).toEqual(['connected', 'connected']);
    expect([first.amocrm!.account, first.bitrix24!.account]).toEqual([AMO_ACCOUNT, B24_ACCOUNT]);
  });

  it('no code or token of either sandbox reaches the browser or a log line', async () => {
    await connectBoth(browser);
    await schemaOf(browser, 'amocrm');
    await schemaOf(browser, 'bitrix24');
    await browser.request('/api/connectors/amocrm/sample-deals');
    await browser.request('/api/connectors/bitrix24/sample-deals');
    const secrets = [...amoSandbox().issuedSecrets(), ...b24.sandbox.issuedSecrets()];
    // Two codes and two token pairs at least.
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const seen = browser.seen.join('\n');
    expect(browser.seen.length).toBeGreaterThan(5);
    const logs = server.logs.join('\n');
    expect(logs).toContain('crm authorized');
    for (const secret of secrets) {
      expect(seen).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
