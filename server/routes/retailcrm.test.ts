import { randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { connectorListSchema, type ConnectorSummary } from '../../app/contracts/connector';
import { crmSchemaSchema } from '../../app/contracts/crm-schema';
import { authorizeResponseSchema, type ApiKeyErrorCode } from '../../app/contracts/oauth';
import { problemSchema } from '../../app/contracts/problem';
import { createRetailCrmAdapter } from '../crm/retailcrm/adapter';
import type { CrmDeps } from '../crm/registry';
import { TokenCipher } from '../lib/secrets';
import { syncThroughApi, workspaceIdOf } from '../testing/deal-sync';
import { createTestServer, TestClient, type TestServer } from '../testing/test-server';

/**
 * RetailCRM's authorization by API key through the real API over a real SQLite file: the key is
 * checked with the CRM (`GET /api/credentials`) before anything is stored; a wrong key, a key
 * lacking scopes and every address that must be refused end in 422 on their field, and the key
 * never appears in a response or a log line.
 */

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

function sandboxServer() {
  const server = createTestServer({ testCrm: { retailcrm: true } });
  servers.push(server);
  return { server, retail: server.crm!.retailcrm!, browser: new TestClient(server) };
}

const connectWithKey = (browser: TestClient, body: unknown) => browser.request('/api/connectors/retailcrm/api-key', { method: 'POST', json: body });

async function summaryOf(browser: TestClient): Promise<ConnectorSummary> {
  const list = connectorListSchema.parse(await (await browser.request('/api/connectors')).json());
  return list.connectors.find((connector) => connector.id === 'retailcrm')!;
}

async function problemOf(response: Response) {
  expect(response.headers.get('Content-Type')).toContain('application/problem+json');
  return problemSchema.parse(await response.json());
}

describe('RetailCRM: authorization by API key (sandbox)', () => {
  it('authorize says a key is needed; the sandbox address and key connect, and then authorize says authorized', async () => {
    const { server, retail, browser } = sandboxServer();
    const summary = await summaryOf(browser);
    expect(summary).toMatchObject({ supported: true, authKind: 'api_key', hasAccess: false, state: 'available' });
    expect(summary.apiKey).toEqual({
      helpUrl: expect.stringMatching(/^https:\/\//) as string,
      requiredScopes: ['order_read', 'reference_read', 'custom_fields_read'],
      sandbox: { accountUrl: retail.origin, apiKey: retail.apiKey },
    });

    const first = await browser.request('/api/connectors/retailcrm/authorize', { method: 'POST' });
    expect(authorizeResponseSchema.parse(await first.json())).toEqual({ status: 'key_required' });

    const connected = await connectWithKey(browser, { accountUrl: retail.origin, apiKey: retail.apiKey });
    expect(connected.status).toBe(200);
    const account = { id: '127.0.0.1:8790', domain: '127.0.0.1:8790', name: 'Демо-магазин «Уютный дом»' };
    expect(authorizeResponseSchema.parse(await connected.json())).toEqual({ status: 'authorized', account });
    expect(retail.sandbox.requests.map((request) => request.path)).toEqual(['/api/credentials', '/api/v5/reference/sites']);

    expect(await summaryOf(browser)).toMatchObject({ hasAccess: true, state: 'draft', account });
    const again = await browser.request('/api/connectors/retailcrm/authorize', { method: 'POST' });
    expect(authorizeResponseSchema.parse(await again.json())).toEqual({ status: 'authorized', account });
    // Change access: the form again, whatever access is held.
    const forced = await browser.request('/api/connectors/retailcrm/authorize', { method: 'POST', json: { force: true } });
    expect(authorizeResponseSchema.parse(await forced.json())).toEqual({ status: 'key_required' });

    // The key is stored encrypted: not in the database row in clear.
    const [stored] = await server.repo.listCredentials(await workspaceOf(browser));
    expect(stored?.tokens).toBeTruthy();
    expect(stored?.tokens).not.toContain(retail.apiKey);
  });

  it('the schema: one orders pipeline, statuses by group, Выполнен as won and Отменен as lost; custom fields', async () => {
    const { retail, browser } = sandboxServer();
    await connectWithKey(browser, { accountUrl: retail.origin, apiKey: retail.apiKey });
    const schema = crmSchemaSchema.parse(await (await browser.request('/api/connectors/retailcrm/schema')).json());
    expect(schema.pipelines).toHaveLength(1);
    const [orders] = schema.pipelines;
    expect(orders!.statuses.map((status) => status.id)).toEqual(retail.sandbox.shop.statuses.map((status) => status.code));
    expect(orders!.statuses.filter((status) => status.kind === 'won').map((status) => status.id)).toEqual(['complete']);
    expect(orders!.statuses.filter((status) => status.kind === 'lost').map((status) => status.id)).toEqual(['no-call', 'already-buyed', 'delyvery-did-not-suit', 'cancel-other']);
    expect(schema.customFields.find((field) => field.id === 'margin')).toMatchObject({ isNumeric: true, isTracking: false });
    expect(schema.customFields.find((field) => field.id === 'utm_source')).toMatchObject({ isTracking: true });
  });

  it('a wrong key: 422 on /apiKey, nothing stored; corrected on the spot, it connects', async () => {
    const { server, retail, browser } = sandboxServer();
    const wrong = await connectWithKey(browser, { accountUrl: retail.origin, apiKey: `${retail.apiKey}-wrong` });
    expect(wrong.status).toBe(422);
    const problem = await problemOf(wrong);
    expect(problem.code).toBe<ApiKeyErrorCode>('key_invalid');
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/apiKey', code: 'key_invalid' })]);
    expect((await summaryOf(browser)).hasAccess).toBe(false);
    expect(await server.repo.listCredentials(await workspaceOf(browser))).toEqual([]);

    const right = await connectWithKey(browser, { accountUrl: retail.origin, apiKey: retail.apiKey });
    expect(right.status).toBe(200);
  });

  it('a key lacking the read scopes: 422 key_scopes_missing listing them, nothing stored', async () => {
    const { retail, browser } = sandboxServer();
    const key = `limited-${randomBytes(12).toString('hex')}`;
    retail.sandbox.addKey(key, ['order_read', 'customer_read']);
    const response = await connectWithKey(browser, { accountUrl: retail.origin, apiKey: key });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'key_scopes_missing', missingScopes: ['reference_read', 'custom_fields_read'] });
    expect(problem.errors?.[0]?.pointer).toBe('/apiKey');
    expect(problem.detail).toContain('reference_read');
    expect((await summaryOf(browser)).hasAccess).toBe(false);
  });

  it('another address than the sandbox: 422 on /accountUrl before any request reaches the sandbox', async () => {
    const { retail, browser } = sandboxServer();
    for (const accountUrl of ['https://shop.retailcrm.ru', 'http://127.0.0.1:8791', 'http://127.0.0.1:8790/api/v5', 'http://u:p@127.0.0.1:8790']) {
      const response = await connectWithKey(browser, { accountUrl, apiKey: retail.apiKey });
      expect(response.status, accountUrl).toBe(422);
      expect((await problemOf(response)).errors?.[0]?.pointer, accountUrl).toBe('/accountUrl');
    }
    expect(retail.sandbox.requests).toEqual([]);
  });

  it('an empty or malformed body: 422 with pointers, 415 without JSON', async () => {
    const { browser } = sandboxServer();
    const empty = await problemOf(await connectWithKey(browser, { accountUrl: ' ', apiKey: '' }));
    expect(empty.errors?.map((error) => error.pointer).sort()).toEqual(['/accountUrl', '/apiKey']);
    const spaced = await problemOf(await connectWithKey(browser, { accountUrl: 'http://127.0.0.1:8790', apiKey: 'two words' }));
    expect(spaced.errors?.map((error) => error.pointer)).toEqual(['/apiKey']);
    const text = await browser.request('/api/connectors/retailcrm/api-key', { method: 'POST', body: 'accountUrl=x', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
  });

  it('an OAuth CRM has no api-key route', async () => {
    const { browser } = sandboxServer();
    const response = await browser.request('/api/connectors/amocrm/api-key', { method: 'POST', json: { accountUrl: 'https://x.amocrm.ru', apiKey: 'k' } });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('connector_not_api_key');
  });

  it('a revoked key: the schema answers 409 crm_access_revoked and the access is removed', async () => {
    const { retail, browser } = sandboxServer();
    await connectWithKey(browser, { accountUrl: retail.origin, apiKey: retail.apiKey });
    retail.sandbox.revokeKey(retail.apiKey);
    const response = await browser.request('/api/connectors/retailcrm/schema?refresh=1');
    expect(response.status).toBe(409);
    expect((await problemOf(response)).code).toBe('crm_access_revoked');
    expect((await summaryOf(browser)).hasAccess).toBe(false);
  });

  it('the key never appears in a response or a log line, whatever happens', async () => {
    const { server, retail, browser } = sandboxServer();
    const key = `secret-${randomBytes(16).toString('hex')}`;
    retail.sandbox.addKey(key, ['order_read', 'reference_read', 'custom_fields_read']);
    const bodies: string[] = [];
    const keep = async (response: Response) => bodies.push(`${response.status} ${[...response.headers].join(' ')} ${await response.text()}`);
    await keep(await connectWithKey(browser, { accountUrl: 'https://shop.retailcrm.ru', apiKey: key }));
    await keep(await connectWithKey(browser, { accountUrl: retail.origin, apiKey: `${key}x` }));
    await keep(await connectWithKey(browser, { accountUrl: retail.origin, apiKey: key }));
    await keep(await browser.request('/api/connectors'));
    await keep(await browser.request('/api/connectors/retailcrm/config'));
    await keep(await browser.request('/api/connectors/retailcrm/schema'));
    await keep(await browser.request('/api/connectors/retailcrm/sample-deals'));
    await keep(await browser.request('/api/connectors/retailcrm/authorize', { method: 'POST' }));
    retail.sandbox.setFaults({ error500: 1 });
    await keep(await browser.request('/api/connectors/retailcrm/schema?refresh=1'));
    retail.sandbox.revokeKey(key);
    retail.sandbox.setFaults({ error500: 0 });
    await keep(await browser.request('/api/connectors/retailcrm/schema?refresh=1'));
    expect(bodies).toHaveLength(10);
    expect(server.logs.length).toBeGreaterThan(0);
    for (const text of [...bodies, ...server.logs]) expect(text).not.toContain(key);
  });

  it('the deals sync: every order with its status history, then an incremental run through orders/history', async () => {
    const { server, retail, browser } = sandboxServer();
    await connectWithKey(browser, { accountUrl: retail.origin, apiKey: retail.apiKey });
    const full = await syncThroughApi(browser, server, 'retailcrm');
    expect(full).toMatchObject({ state: 'done', loaded: retail.sandbox.shop.orders.length, error: null });
    const snapshot = (await (await browser.request('/api/connectors/retailcrm/deals/snapshot')).json()) as { currency: string; deals: unknown[] };
    expect(snapshot.currency).toBe('RUB');
    expect(snapshot.deals).toHaveLength(retail.sandbox.shop.orders.length);

    const before = retail.sandbox.requests.length;
    const incremental = await syncThroughApi(browser, server, 'retailcrm');
    expect(incremental.state).toBe('done');
    const paths = retail.sandbox.requests.slice(before).map((request) => request.path);
    expect(paths).toContain('/api/v5/orders/history');
    // Nothing changed since: no order listed page by page again.
    expect(paths.filter((path) => path === '/api/v5/orders')).toHaveLength(0);
  });
});

const workspaceOf = (browser: TestClient): Promise<string> => workspaceIdOf(browser);

describe('RetailCRM: untrusted account addresses (real RetailCRM mode)', () => {
  /** A server talking to real RetailCRM accounts, its network replaced: every request it sends is recorded. */
  function realModeServer(options: { resolve?: (host: string) => Promise<string[]>; answer?: (url: URL) => Response } = {}) {
    const sent: string[] = [];
    const apiKeys: Array<string | null> = [];
    const resolved: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      sent.push(url.toString());
      apiKeys.push(new Headers(init?.headers).get('X-API-KEY'));
      return Promise.resolve(options.answer ? options.answer(url) : Response.json({ success: false, errorMsg: 'Wrong "apiKey" value.' }, { status: 403 }));
    };
    const adapter = createRetailCrmAdapter({
      fetch,
      maxRetries: 0,
      resolveHost: (host) => {
        resolved.push(host);
        return options.resolve ? options.resolve(host) : Promise.resolve(['95.213.1.1']);
      },
    });
    const crm: CrmDeps = { adapters: { retailcrm: adapter }, cipher: new TokenCipher(randomBytes(32)) };
    const server = createTestServer({ crm });
    servers.push(server);
    return { server, browser: new TestClient(server), sent, apiKeys, resolved };
  }

  const cases: Array<[string, ApiKeyErrorCode]> = [
    ['http://shop.retailcrm.ru', 'address_scheme'],
    ['ftp://shop.retailcrm.ru', 'address_scheme'],
    ['javascript:alert(1)', 'address_scheme'],
    ['https://shop.retailcrm.ru/api/v5', 'address_path'],
    ['https://evil.example/shop.retailcrm.ru', 'address_path'],
    ['https://shop.retailcrm.ru?next=http://127.0.0.1', 'address_query'],
    ['https://shop.retailcrm.ru#x', 'address_query'],
    ['https://user@shop.retailcrm.ru', 'address_userinfo'],
    ['https://shop.retailcrm.ru@127.0.0.1', 'address_userinfo'],
    ['https://shop.retailcrm.ru:8443', 'address_port'],
    ['https://127.0.0.1', 'address_ip'],
    ['https://[::1]', 'address_ip'],
    ['https://2130706433', 'address_ip'],
    ['https://169.254.169.254', 'address_ip'],
    ['https://localhost', 'address_not_allowed'],
    ['https://internal.corp', 'address_not_allowed'],
    ['https://shop.retailcrm.ru.evil.example', 'address_not_allowed'],
  ];

  it.each(cases)('%s is refused (%s) before any request or DNS lookup', async (accountUrl, code) => {
    const { browser, sent, resolved } = realModeServer();
    const response = await connectWithKey(browser, { accountUrl, apiKey: 'some-key-1234567890' });
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.code).toBe(code);
    expect(problem.errors).toEqual([{ pointer: '/accountUrl', code, message: problem.detail }]);
    expect(problem.detail?.length).toBeGreaterThan(10);
    expect(sent).toEqual([]);
    expect(resolved).toEqual([]);
  });

  it.each([['10.0.0.7'], ['127.0.0.1'], ['::1'], ['169.254.169.254'], ['95.213.1.1', '192.168.0.10']])(
    'a RetailCRM name that resolves to a private or loopback address (%s) is refused before any request',
    async (...addresses) => {
      const { browser, sent } = realModeServer({ resolve: () => Promise.resolve(addresses) });
      const problem = await problemOf(await connectWithKey(browser, { accountUrl: 'https://rebind.retailcrm.ru', apiKey: 'some-key-1234567890' }));
      expect(problem.code).toBe<ApiKeyErrorCode>('address_private');
      expect(sent).toEqual([]);
    },
  );

  it('a name that does not resolve: address_unreachable, nothing sent', async () => {
    const { browser, sent } = realModeServer({ resolve: () => Promise.reject(new Error('ENOTFOUND')) });
    const problem = await problemOf(await connectWithKey(browser, { accountUrl: 'https://nosuch.retailcrm.ru', apiKey: 'some-key-1234567890' }));
    expect(problem).toMatchObject({ code: 'address_unreachable', errors: [{ pointer: '/accountUrl' }] });
    expect(sent).toEqual([]);
  });

  it('a redirect (to a private address) is not followed: address_redirect, one request only, to the account', async () => {
    const { browser, sent } = realModeServer({ answer: () => new Response(null, { status: 302, headers: { Location: 'http://127.0.0.1:8787/api/connectors' } }) });
    const problem = await problemOf(await connectWithKey(browser, { accountUrl: 'https://shop.retailcrm.ru', apiKey: 'some-key-1234567890' }));
    expect(problem).toMatchObject({ code: 'address_redirect', errors: [{ pointer: '/accountUrl' }] });
    expect(sent).toEqual(['https://shop.retailcrm.ru/api/credentials']);
  });

  it('no RetailCRM account at the address (an HTML page): address_unreachable', async () => {
    const { browser } = realModeServer({ answer: () => new Response('<html>405 Not Allowed</html>', { status: 405, headers: { 'Content-Type': 'text/html' } }) });
    const problem = await problemOf(await connectWithKey(browser, { accountUrl: 'https://gone.retailcrm.ru', apiKey: 'some-key-1234567890' }));
    expect(problem.code).toBe<ApiKeyErrorCode>('address_unreachable');
  });

  it('a valid address: the key goes in X-API-KEY to https://<shop>.retailcrm.ru/api/credentials, never in the URL', async () => {
    const { browser, sent, apiKeys, resolved } = realModeServer();
    const response = await connectWithKey(browser, { accountUrl: 'Shop.RetailCRM.ru', apiKey: 'some-key-1234567890' });
    expect((await problemOf(response)).code).toBe<ApiKeyErrorCode>('key_invalid');
    expect(resolved).toEqual(['shop.retailcrm.ru']);
    expect(sent).toEqual(['https://shop.retailcrm.ru/api/credentials']);
    expect(apiKeys).toEqual(['some-key-1234567890']);
  });
});
