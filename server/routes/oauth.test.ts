import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { connectorListSchema } from '../../app/contracts/connector';
import { crmSchemaSchema, sampleDealsSchema } from '../../app/contracts/crm-schema';
import { configEnvelopeSchema } from '../../app/contracts/mapping-config';
import { authorizeResponseSchema, OAUTH_ERROR_CODES, type OAuthErrorCode } from '../../app/contracts/oauth';
import { problemSchema } from '../../app/contracts/problem';
import { SANDBOX_CLIENT_ID, type SandboxFaults } from '../../mocks/sandbox/amocrm/index';
import { sandboxHandlers } from '../../mocks/sandbox/amocrm/msw';
import type { AmoCrmOptions } from '../crm/amocrm/adapter';
import { EXPIRED_OAUTH_STATE_RETENTION_MS, OAUTH_STATES_PER_WORKSPACE } from '../db/repository';
import { createTestCrm, FakeTiming, type TestCrm } from '../testing/crm-test-kit';
import { rawContents, rawRows } from '../testing/raw-database';
import { followCallback, pressOnConsentPage, startAuthorization } from '../testing/sandbox-oauth';
import { createTestServer, TEST_ORIGIN, TestClient, type TestServer } from '../testing/test-server';

import { OAUTH_STATE_TTL_MS } from './crm';

const SANDBOX = 'http://127.0.0.1:8788';
const WIZARD = '/setup/amocrm/authorize';

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterAll(() => msw.close());

/** A browser: a cookie jar for the product, and every response the product sent it (for leak checks). */
class Browser extends TestClient {
  readonly seen: string[] = [];

  override async request(pathname: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const response = await super.request(pathname, init);
    const body = await response.clone().text();
    this.seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${body}`);
    return response;
  }
}

interface Setup {
  crm: TestCrm;
  server: TestServer;
  timing: FakeTiming;
  browser: Browser;
  /** Every URL the server (or the browser, through MSW) sent to the outside world. */
  outgoing: string[];
}

const open: Setup[] = [];
afterEach(async () => {
  for (const setup of open.splice(0)) await setup.server.close();
  msw.events.removeAllListeners();
  msw.resetHandlers();
});

function setup(options: { faults?: Partial<SandboxFaults>; adapter?: Partial<AmoCrmOptions> } = {}): Setup {
  const timing = new FakeTiming(Date.now());
  const crm = createTestCrm({
    publicUrl: TEST_ORIGIN,
    viaGlobalFetch: true,
    sandbox: { now: timing.now, faults: options.faults },
    adapter: { timing, ...options.adapter },
    now: timing.now,
  });
  msw.resetHandlers(...sandboxHandlers(crm.sandbox));
  const outgoing: string[] = [];
  msw.events.on('request:start', ({ request }) => outgoing.push(request.url));
  const server = createTestServer({ crm: crm.deps });
  const result = { crm, server, timing, browser: new Browser(server), outgoing };
  open.push(result);
  return result;
}

function oauthResult(location: URL): 'success' | OAuthErrorCode {
  expect(location.pathname).toBe(WIZARD);
  const error = location.searchParams.get('oauth_error');
  if (error !== null) {
    expect(OAUTH_ERROR_CODES).toContain(error);
    return error as OAuthErrorCode;
  }
  expect(location.searchParams.get('oauth')).toBe('success');
  return 'success';
}

async function connect(s: Setup): Promise<void> {
  const location = await followCallback(s.browser, await pressOnConsentPage(await startAuthorization(s.browser), 'Allow'));
  expect(oauthResult(location)).toBe('success');
}

async function problemCode(response: Response): Promise<string> {
  expect(response.headers.get('Content-Type')).toContain('application/problem+json');
  return problemSchema.parse(await response.json()).code;
}

async function workspaceId(s: Setup): Promise<string> {
  await s.browser.request('/api/connectors');
  return decodeURIComponent(s.browser.sessionCookie!.split('=')[1]!).split('.')[0]!;
}

describe('OAuth round trip against the sandbox', () => {
  it('Allow: consent page, callback, encrypted tokens, the account, back to the wizard', async () => {
    const s = setup();
    const authorizeUrl = await startAuthorization(s.browser);
    const url = new URL(authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${SANDBOX}/oauth`);
    expect(url.searchParams.get('client_id')).toBe(SANDBOX_CLIENT_ID);
    expect(url.searchParams.get('mode')).toBe('post_message');
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const callback = await pressOnConsentPage(authorizeUrl, 'Allow');
    expect(callback.searchParams.get('referer')).toBe('127.0.0.1:8788');
    expect(oauthResult(await followCallback(s.browser, callback))).toBe('success');

    const list = connectorListSchema.parse(await (await s.browser.request('/api/connectors')).json());
    expect(list.connectors[0]).toMatchObject({
      id: 'amocrm',
      hasAccess: true,
      state: 'draft',
      account: { id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо: Агентство' },
    });
    const stored = (await s.server.repo.getCredentials(await workspaceId(s), 'amocrm'))!;
    expect(stored.baseUrl).toBe(SANDBOX);
    expect(stored.tokens).toMatch(/^v1\./);

    // Valid access: the wizard skips the consent page next time.
    const again = await s.browser.request('/api/connectors/amocrm/authorize', { method: 'POST', json: {} });
    expect(authorizeResponseSchema.parse(await again.json())).toEqual({
      status: 'authorized',
      account: { id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо: Агентство' },
    });
    // "Change access" forces a new consent.
    expect(await startAuthorization(s.browser, { force: true })).toContain('/oauth?');
  });

  it('Deny: back to the wizard with access_denied, nothing stored', async () => {
    const s = setup();
    const callback = await pressOnConsentPage(await startAuthorization(s.browser), 'Deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(oauthResult(await followCallback(s.browser, callback))).toBe('access_denied');
    expect(await s.server.repo.getCredentials(await workspaceId(s), 'amocrm')).toBeNull();
    expect(s.outgoing.some((url) => url.includes('/oauth2/access_token'))).toBe(false);
  });

  it("records the account in an existing draft and clears an access-revoked warning", async () => {
    const s = setup();
    const saved = await s.browser.request('/api/connectors/amocrm/config', {
      method: 'PUT',
      json: { schemaVersion: 2, connector: 'amocrm' },
      headers: { 'If-Match': '"0"' },
    });
    expect(configEnvelopeSchema.parse(await saved.json()).config.account).toBeNull();
    const id = await workspaceId(s);
    await s.server.repo.setAttention(id, 'amocrm', 'crm_access_revoked');
    await connect(s);
    const config = configEnvelopeSchema.parse(await (await s.browser.request('/api/connectors/amocrm/config')).json());
    expect(config.config.account).toEqual({ id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо: Агентство' });
    expect((await s.server.repo.getConnection(id, 'amocrm'))!.attentionReason).toBeNull();
  });

  it('re-authorizing another account drops the activation and the cached schema: the connector is a draft again', async () => {
    const s = setup();
    await connect(s);
    const id = await workspaceId(s);
    // As if the workspace had been connected to another account (999) until now.
    const other = { id: '999', domain: 'other.amocrm.ru', name: 'Другой аккаунт' };
    await s.server.repo.saveCredentials({ ...(await s.server.repo.getCredentials(id, 'amocrm'))!, account: other });
    const config = configEnvelopeSchema.shape.config.parse({ schemaVersion: 2, connector: 'amocrm', account: other });
    await s.server.repo.saveConfig(id, 'amocrm', 0, config);
    await s.server.repo.activate(id, 'amocrm', 1);
    await s.server.repo.setAttention(id, 'amocrm', 'crm_access_revoked');
    const schema = crmSchemaSchema.parse(await (await s.browser.request('/api/connectors/amocrm/schema')).json());
    expect(schema.account.id).toBe('999');

    expect(oauthResult(await followCallback(s.browser, await pressOnConsentPage(await startAuthorization(s.browser, { force: true }), 'Allow')))).toBe('success');
    const list = connectorListSchema.parse(await (await s.browser.request('/api/connectors')).json());
    expect(list.connectors[0]).toMatchObject({ state: 'draft', connectedAt: null, attentionReason: null, account: { id: '31234567' } });
    const envelope = configEnvelopeSchema.parse(await (await s.browser.request('/api/connectors/amocrm/config')).json());
    expect(envelope).toMatchObject({ status: 'draft', activatedVersion: null, config: { account: { id: '31234567', domain: 'demo.amocrm.ru' } } });
    expect(await s.server.repo.getCachedSchema(id, 'amocrm')).toBeNull();
    expect(s.server.logs.join('\n')).toContain('crm account changed');
  });

  it('re-authorizing the same account keeps the activation', async () => {
    const s = setup();
    await connect(s);
    const id = await workspaceId(s);
    const account = (await s.server.repo.getCredentials(id, 'amocrm'))!.account;
    await s.server.repo.saveConfig(id, 'amocrm', 0, configEnvelopeSchema.shape.config.parse({ schemaVersion: 2, connector: 'amocrm', account }));
    await s.server.repo.activate(id, 'amocrm', 1);
    await s.browser.request('/api/connectors/amocrm/schema');
    expect(oauthResult(await followCallback(s.browser, await pressOnConsentPage(await startAuthorization(s.browser, { force: true }), 'Allow')))).toBe('success');
    expect(await s.server.repo.getConnection(id, 'amocrm')).toMatchObject({ activatedVersion: 1, attentionReason: null });
    expect(await s.server.repo.getCachedSchema(id, 'amocrm')).not.toBeNull();
  });

  it('validates the authorize request', async () => {
    const s = setup();
    const bad = await s.browser.request('/api/connectors/amocrm/authorize', { method: 'POST', json: { force: 'yes' } });
    expect(bad.status).toBe(422);
    expect(problemSchema.parse(await bad.json()).errors?.[0]?.pointer).toBe('/force');
    const empty = await s.browser.request('/api/connectors/amocrm/authorize', { method: 'POST' });
    expect(empty.status).toBe(200);
    expect((await s.browser.request('/api/connectors/bitrix24/authorize', { method: 'POST' })).status).toBe(400);
    expect((await s.browser.request('/api/connectors/pipedrive/authorize', { method: 'POST' })).status).toBe(404);
  });
});

describe('callback state checks', () => {
  async function callbackFor(s: Setup): Promise<URL> {
    return pressOnConsentPage(await startAuthorization(s.browser, { force: true }), 'Allow');
  }
  const expectNothingExchanged = (s: Setup) =>
    expect(s.outgoing.filter((url) => url.includes('/oauth2/access_token'))).toEqual([]);

  it('a tampered or missing state is state_invalid', async () => {
    const s = setup();
    const callback = await callbackFor(s);
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')!}x`);
    expect(oauthResult(await followCallback(s.browser, tampered))).toBe('state_invalid');
    const missing = new URL(callback);
    missing.searchParams.delete('state');
    expect(oauthResult(await followCallback(s.browser, missing))).toBe('state_invalid');
    expectNothingExchanged(s);
  });

  it('a replayed callback is state_reused', async () => {
    const s = setup();
    const callback = await callbackFor(s);
    expect(oauthResult(await followCallback(s.browser, callback))).toBe('success');
    expect(oauthResult(await followCallback(s.browser, callback))).toBe('state_reused');
  });

  it('a state older than 10 minutes is state_expired', async () => {
    const s = setup();
    const fresh = await callbackFor(s);
    const stale = await callbackFor(s);
    s.timing.advance(9 * 60 * 1000);
    expect(oauthResult(await followCallback(s.browser, fresh))).toBe('success');
    s.timing.advance(60 * 1000 + 1);
    expect(oauthResult(await followCallback(s.browser, stale))).toBe('state_expired');
  });

  it("another workspace's state (or no session at all) is state_invalid", async () => {
    const s = setup();
    const alices = await callbackFor(s);
    const bob = new Browser(s.server);
    await bob.request('/api/connectors');
    expect(oauthResult(await followCallback(bob, alices))).toBe('state_invalid');
    const anonymous = new Browser(s.server);
    const again = await callbackFor(s);
    expect(oauthResult(await followCallback(anonymous, again))).toBe('state_invalid');
    expect(anonymous.sessionCookie).toBeNull();
    expectNothingExchanged(s);
    expect(await s.server.repo.getCredentials(await workspaceId(s), 'amocrm')).toBeNull();
  });

  it("another browser's attempt with a state does not spend it: the owner's own callback still succeeds", async () => {
    const s = setup();
    const alices = await callbackFor(s);
    const bob = new Browser(s.server);
    await bob.request('/api/connectors');
    expect(oauthResult(await followCallback(bob, alices))).toBe('state_invalid');
    expect(oauthResult(await followCallback(new Browser(s.server), alices))).toBe('state_invalid');
    expectNothingExchanged(s);
    expect(oauthResult(await followCallback(s.browser, alices))).toBe('success');
    expect(oauthResult(await followCallback(s.browser, alices))).toBe('state_reused');
  });

  it('a callback without code is code_missing; another CRM error is not taken for success', async () => {
    const s = setup();
    const callback = await callbackFor(s);
    callback.searchParams.delete('code');
    expect(oauthResult(await followCallback(s.browser, callback))).toBe('code_missing');
    const other = await callbackFor(s);
    other.searchParams.set('error', 'server_error');
    expect(oauthResult(await followCallback(s.browser, other))).not.toBe('success');
  });

  it.each(['evil.com', 'amocrm.ru.evil.com', '127.0.0.1', 'user@host', 'demo.amocrm.ru@evil.com', '127.0.0.1:9999', 'localhost:8788'])(
    'a hostile referer %j is host_not_allowed, and no request leaves the server',
    async (referer) => {
      const s = setup();
      const callback = await callbackFor(s);
      callback.searchParams.set('referer', referer);
      const before = s.outgoing.length;
      expect(oauthResult(await followCallback(s.browser, callback))).toBe('host_not_allowed');
      expect(s.outgoing.slice(before)).toEqual([]);
    },
  );

  it('a reused or expired code is code_exchange_failed', async () => {
    const s = setup();
    const first = await callbackFor(s);
    expect(oauthResult(await followCallback(s.browser, first))).toBe('success');
    // The same code under a fresh state.
    const second = await callbackFor(s);
    second.searchParams.set('code', first.searchParams.get('code')!);
    expect(oauthResult(await followCallback(s.browser, second))).toBe('code_exchange_failed');
    // A code older than 20 minutes (under a state that is still fresh).
    const late = await callbackFor(s);
    s.timing.advance(21 * 60 * 1000);
    const fresh = await callbackFor(s);
    fresh.searchParams.set('code', late.searchParams.get('code')!);
    expect(oauthResult(await followCallback(s.browser, fresh))).toBe('code_exchange_failed');
  });

  it('a CRM that does not answer during the exchange is crm_unavailable', async () => {
    const s = setup({ adapter: { timeoutMs: 50 } });
    const callback = await callbackFor(s);
    s.crm.sandbox.setFaults({ latencyMs: 30_000 });
    expect(oauthResult(await followCallback(s.browser, callback))).toBe('crm_unavailable');
  });
});

describe('outstanding states per workspace', () => {
  /** The workspace's rows in the database, read with a connection of the test's own. */
  const statesOf = async (s: Setup, workspace: string) =>
    Number((await rawRows<{ count: number | string }>(s.server, 'SELECT count(*) AS count FROM oauth_states WHERE workspace_id = ?', [workspace]))[0]!.count);

  it(`1,000 authorize calls leave the newest ${OAUTH_STATES_PER_WORKSPACE}: those complete, an older one is state_invalid`, async () => {
    const s = setup();
    const consentPages: string[] = [];
    for (let i = 0; i < 1000; i += 1) consentPages.push(await startAuthorization(s.browser));
    const id = await workspaceId(s);
    expect(await statesOf(s, id)).toBe(OAUTH_STATES_PER_WORKSPACE);

    // The oldest and the one just beyond the cap were replaced: refused, nothing exchanged.
    for (const evicted of [consentPages[0]!, consentPages[1000 - OAUTH_STATES_PER_WORKSPACE - 1]!]) {
      expect(oauthResult(await followCallback(s.browser, await pressOnConsentPage(evicted, 'Allow')))).toBe('state_invalid');
    }
    expect(s.outgoing.filter((url) => url.includes('/oauth2/access_token'))).toEqual([]);
    expect(s.server.logs.some((line) => line.includes('superseded by newer ones'))).toBe(true);
    // The newest completes; so does the oldest one kept (another tab).
    expect(oauthResult(await followCallback(s.browser, await pressOnConsentPage(consentPages[999]!, 'Allow')))).toBe('success');
    expect(oauthResult(await followCallback(s.browser, await pressOnConsentPage(consentPages[1000 - OAUTH_STATES_PER_WORKSPACE]!, 'Allow')))).toBe('success');
    // Another workspace's states are its own.
    const other = new Browser(s.server);
    await startAuthorization(other);
    expect(await statesOf(s, id)).toBe(OAUTH_STATES_PER_WORKSPACE);
  });

  it('an expired state says state_expired for an hour, then it is gone (state_invalid)', async () => {
    const s = setup();
    const stale = await startAuthorization(s.browser);
    s.timing.advance(OAUTH_STATE_TTL_MS + 1);
    const callback = await pressOnConsentPage(stale, 'Allow');
    await startAuthorization(new Browser(s.server)); // another workspace's authorize purges what is long expired
    expect(oauthResult(await followCallback(s.browser, callback))).toBe('state_expired');
    const later = await pressOnConsentPage(await startAuthorization(s.browser), 'Allow');
    s.timing.advance(OAUTH_STATE_TTL_MS + EXPIRED_OAUTH_STATE_RETENTION_MS + 1);
    await startAuthorization(new Browser(s.server));
    expect(oauthResult(await followCallback(s.browser, later))).toBe('state_invalid');
  });
});

describe('GET /api/connectors/amocrm/schema', () => {
  it("returns the demo account's pipelines, statuses and custom fields, normalized", async () => {
    const s = setup();
    await connect(s);
    const response = await s.browser.request('/api/connectors/amocrm/schema');
    expect(response.status).toBe(200);
    const schema = crmSchemaSchema.parse(await response.json());
    expect(schema.account).toEqual({ id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо: Агентство' });
    expect(schema.pipelines.map((pipeline) => pipeline.id)).toEqual(['7412301', '7412302', '7412303', '7412304']);
    expect(schema.pipelines[0]!.statuses.map((status) => status.kind)).toEqual([
      'unsorted',
      'regular',
      'regular',
      'regular',
      'regular',
      'won',
      'lost',
    ]);
    for (const pipeline of schema.pipelines) {
      expect(pipeline.statuses.filter((status) => status.id === '142' || status.id === '143')).toHaveLength(2);
    }
    const fields = new Map(schema.customFields.map((field) => [field.name, field]));
    expect(fields.get('Маржа')).toMatchObject({ isNumeric: true, isTracking: false, type: 'monetary' });
    expect(fields.get('utm_campaign')).toMatchObject({ isTracking: true, code: 'UTM_CAMPAIGN' });
    expect(fields.get('Продукты')!.enums!.length).toBe(4);

    const parameters = new Map(schema.filterParameters.map((parameter) => [parameter.key, parameter]));
    expect(parameters.get('LANDING')).toEqual({ key: 'LANDING', name: 'LANDING', group: 'custom' });
    expect(parameters.get('UTM_SOURCE')).toEqual({ key: 'UTM_SOURCE', name: 'utm_source', group: 'tracking' });
    expect(parameters.get('cf:1016203')).toEqual({ key: 'cf:1016203', name: 'CID Яндекс.Метрики', group: 'custom' });
    expect(parameters.size).toBe(schema.filterParameters.length);
    expect(schema.filterParameters).toHaveLength(schema.customFields.length);
  });

  it('is cached per workspace; ?refresh=1 re-reads the CRM', async () => {
    const s = setup();
    await connect(s);
    const first = crmSchemaSchema.parse(await (await s.browser.request('/api/connectors/amocrm/schema')).json());
    const requests = s.crm.sandbox.requests.length;
    s.timing.advance(60_000);
    const cached = crmSchemaSchema.parse(await (await s.browser.request('/api/connectors/amocrm/schema')).json());
    expect(cached).toEqual(first);
    expect(s.crm.sandbox.requests.length).toBe(requests);
    const fresh = crmSchemaSchema.parse(await (await s.browser.request('/api/connectors/amocrm/schema?refresh=1')).json());
    expect(s.crm.sandbox.requests.length).toBeGreaterThan(requests);
    expect(Date.parse(fresh.fetchedAt)).toBeGreaterThan(Date.parse(first.fetchedAt));
    // Another workspace has no access and no cache.
    const other = new Browser(s.server);
    const response = await other.request('/api/connectors/amocrm/schema');
    expect(response.status).toBe(409);
    expect(await problemCode(response)).toBe('crm_not_connected');
  });

  it('keeps working through an expired access token (401 → refresh → retry)', async () => {
    const s = setup();
    await connect(s);
    const stored = (await s.server.repo.getCredentials(await workspaceId(s), 'amocrm'))!;
    s.crm.sandbox.expireAccessTokens();
    expect((await s.browser.request('/api/connectors/amocrm/schema?refresh=1')).status).toBe(200);
    expect((await s.server.repo.getCredentials(await workspaceId(s), 'amocrm'))!.tokens).not.toBe(stored.tokens);
  });
});

describe('GET /api/connectors/amocrm/sample-deals', () => {
  it('returns five recent deals with amounts and numeric field values', async () => {
    const s = setup();
    await connect(s);
    const schema = crmSchemaSchema.parse(await (await s.browser.request('/api/connectors/amocrm/schema')).json());
    const numericIds = new Set(schema.customFields.filter((field) => field.isNumeric).map((field) => String(field.id)));
    const response = await s.browser.request('/api/connectors/amocrm/sample-deals');
    expect(response.status).toBe(200);
    const { deals } = sampleDealsSchema.parse(await response.json());
    expect(deals).toHaveLength(5);
    expect(deals.every((deal) => typeof deal.price === 'number')).toBe(true);
    const keys = deals.flatMap((deal) => Object.keys(deal.values));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => numericIds.has(key))).toBe(true);
  });
});

describe('CRM failures become problem documents the UI can explain', () => {
  it.each([
    [{ unpaid: true }, 502, 'crm_payment_required'],
    [{ blocked: true }, 502, 'crm_forbidden'],
    [{ rate429: 1, retryAfterSec: 1 }, 503, 'crm_rate_limited'],
    [{ error500: 1 }, 502, 'crm_unavailable'],
  ] as const)('%j → %i %s', async (faults, status, code) => {
    const s = setup();
    await connect(s);
    s.crm.sandbox.setFaults(faults);
    const schema = await s.browser.request('/api/connectors/amocrm/schema?refresh=1');
    expect(schema.status).toBe(status);
    expect(await problemCode(schema)).toBe(code);
    const deals = await s.browser.request('/api/connectors/amocrm/sample-deals');
    expect(await problemCode(deals)).toBe(code);
  });

  it.each([
    [1, '1'],
    [300, '300'], // beyond what the server waits for itself: passed on at once
  ])('crm_rate_limited carries the CRM\'s retry_after (%i s) as Retry-After and retryAfter', async (seconds, header) => {
    const s = setup();
    await connect(s);
    s.crm.sandbox.setFaults({ rate429: 1, retryAfterSec: seconds });
    for (const path of ['/api/connectors/amocrm/schema?refresh=1', '/api/connectors/amocrm/sample-deals']) {
      const response = await s.browser.request(path);
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toBe(header);
      expect(problemSchema.parse(await response.json())).toMatchObject({ code: 'crm_rate_limited', retryAfter: seconds });
    }
  });

  it('a timeout is crm_unavailable', async () => {
    const s = setup({ adapter: { timeoutMs: 50 } });
    await connect(s);
    s.crm.sandbox.setFaults({ latencyMs: 30_000 });
    const response = await s.browser.request('/api/connectors/amocrm/sample-deals');
    expect(response.status).toBe(502);
    expect(await problemCode(response)).toBe('crm_unavailable');
  });

  it('revoked access: 409 crm_access_revoked, the connected connector needs attention, authorize asks for consent again', async () => {
    const s = setup();
    await connect(s);
    const id = await workspaceId(s);
    await s.server.repo.saveConfig(id, 'amocrm', 0, configEnvelopeSchema.shape.config.parse({ schemaVersion: 2, connector: 'amocrm' }));
    await s.server.repo.activate(id, 'amocrm', 1);
    s.crm.sandbox.revokeAccess();
    const response = await s.browser.request('/api/connectors/amocrm/schema?refresh=1');
    expect(response.status).toBe(409);
    expect(await problemCode(response)).toBe('crm_access_revoked');
    const list = connectorListSchema.parse(await (await s.browser.request('/api/connectors')).json());
    expect(list.connectors[0]).toMatchObject({ state: 'attention', hasAccess: false, attentionReason: 'crm_access_revoked' });
    const authorize = await s.browser.request('/api/connectors/amocrm/authorize', { method: 'POST', json: {} });
    expect(authorizeResponseSchema.parse(await authorize.json()).status).toBe('redirect');
  });

  it('DELETE disconnects: tokens gone, the schema needs a new authorization', async () => {
    const s = setup();
    await connect(s);
    expect((await s.browser.request('/api/connectors/amocrm', { method: 'DELETE' })).status).toBe(204);
    expect(await s.server.repo.getCredentials(await workspaceId(s), 'amocrm')).toBeNull();
    const response = await s.browser.request('/api/connectors/amocrm/schema');
    expect(await problemCode(response)).toBe('crm_not_connected');
  });
});

describe('secrets', () => {
  it('no code or token ever appears in a response, a redirect, a log line or the database file', async () => {
    const s = setup();
    await connect(s);
    s.crm.sandbox.expireAccessTokens(); // forces a refresh: a second pair of tokens
    await s.browser.request('/api/connectors/amocrm/schema?refresh=1');
    await s.browser.request('/api/connectors/amocrm/sample-deals');
    await s.browser.request('/api/connectors');
    await s.browser.request('/api/connectors/amocrm/authorize', { method: 'POST', json: {} });
    await s.browser.request('/api/connectors/amocrm/authorize', { method: 'POST', json: { force: true } });
    s.crm.sandbox.revokeAccess();
    await s.browser.request('/api/connectors/amocrm/schema?refresh=1');

    const secrets = s.crm.sandbox.issuedSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(5); // a code, two access tokens, two refresh tokens
    const database = await rawContents(s.server);
    const places = { responses: s.browser.seen.join('\n'), logs: s.server.logs.join('\n'), database };
    expect(places.responses).toContain('Демо: Агентство');
    expect(places.logs).toContain('crm authorized');
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(places)) {
        // Long secrets: a 16-character slice is enough to find any copy.
        expect(text.includes(secret.slice(-16)), `${where} contains a secret`).toBe(false);
      }
    }
  });
});

describe('OpenAPI', () => {
  it('describes the CRM endpoints', async () => {
    const s = setup();
    const doc = (await (await s.browser.request('/api/openapi.json')).json()) as { paths: Record<string, object>; components: { schemas: Record<string, object> } };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/connectors/{connector}/authorize',
        '/api/oauth/{connector}/callback',
        '/api/connectors/{connector}/schema',
        '/api/connectors/{connector}/sample-deals',
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['AuthorizeResponse', 'CrmSchema', 'SampleDeals']));
  });
});
