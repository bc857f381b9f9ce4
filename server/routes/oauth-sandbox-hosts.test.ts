import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';

import type { ConnectorId } from '../../app/contracts/connector';
import { problemSchema } from '../../app/contracts/problem';
import { saveGrant } from '../crm/token-store';
import { createTestCrm, type TestCrm, type TestCrmOptions } from '../testing/crm-test-kit';
import { connectThroughSandbox, pressOnConsentPage, startAuthorization } from '../testing/sandbox-oauth';
import { createTestServer, TEST_ORIGIN, TestClient, type TestServer } from '../testing/test-server';

/**
 * Which hosts the server contacts, through the real routes: in sandbox mode (what `npm start`
 * configures when no credentials are set) only each sandbox's origin, whatever a callback
 * names or a stored connection holds; in production only the CRM's own hosts. Every request
 * an adapter sends is recorded before it could reach anything (`onRequest`), and the global
 * fetch is watched too: a refused host must see nothing at all.
 */

const AMO_SANDBOX = 'http://127.0.0.1:8788';
const B24_SANDBOX = 'http://127.0.0.1:8789';
const B24_HOST = '127.0.0.1:8789';

interface Setup {
  crm: TestCrm;
  server: TestServer;
  browser: TestClient;
  /** Every URL an adapter sent a request to. */
  sent: string[];
}

const open: TestServer[] = [];
let globalFetch: MockInstance<typeof fetch>;
beforeEach(() => {
  globalFetch = vi.spyOn(globalThis, 'fetch');
});
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
  expect(globalFetch).not.toHaveBeenCalled();
  globalFetch.mockRestore();
});

function setup(options: Partial<TestCrmOptions> = {}): Setup {
  const sent: string[] = [];
  const crm = createTestCrm({ publicUrl: TEST_ORIGIN, bitrix24: true, onRequest: (_connector, request) => void sent.push(request.url), ...options });
  const server = createTestServer({ crm: crm.deps });
  open.push(server);
  return { crm, server, browser: new TestClient(server), sent };
}

const origins = (urls: string[]) => [...new Set(urls.map((url) => new URL(url).origin))];

/** The product's callback with these parameters and a valid state of this browser's; where it sends the browser. */
async function callback(s: Setup, connector: ConnectorId, params: Record<string, string>, body: unknown = {}): Promise<string> {
  const state = new URL(await startAuthorization(s.browser, body, connector)).searchParams.get('state')!;
  const query = new URLSearchParams({ code: 'a-code', state, ...params });
  const response = await s.browser.request(`/api/oauth/${connector}/callback?${query.toString()}`);
  expect(response.status).toBe(302);
  return response.headers.get('Location')!;
}

/** The browser's workspace: the session cookie's id (the cookie is set on its first request). */
async function workspaceId(browser: TestClient): Promise<string> {
  await browser.request('/api/connectors');
  return decodeURIComponent(browser.sessionCookie!.split('=')[1]!).split('.')[0]!;
}

async function problemOf(response: Response) {
  return { status: response.status, code: problemSchema.parse(await response.json()).code };
}

describe('sandbox mode: only the sandbox origins are contacted', () => {
  it.each(['demo.amocrm.ru', 'example.amocrm.ru', 'shop.kommo.com', 'www.amocrm.ru', '127.0.0.1:8789', 'localhost:8788'])(
    'an amoCRM callback with referer=%s is host_not_allowed; nothing is sent, not even to the sandbox',
    async (referer) => {
      const s = setup();
      const location = await callback(s, 'amocrm', { referer, platform: '1' });
      expect(location).toBe('/setup/amocrm/authorize?oauth_error=host_not_allowed');
      expect(s.sent).toEqual([]);
    },
  );

  it.each<Record<string, string>>([
    { domain: 'portal.bitrix24.ru' },
    { domain: 'portal.bitrix24.ru', server_domain: 'oauth.bitrix.info' },
    { domain: '127.0.0.1:8788' },
    { domain: `${B24_HOST}/rest`, server_domain: 'evil.example' },
  ])('a Bitrix24 callback with %j is host_not_allowed; nothing is sent', async (params) => {
    const s = setup();
    const location = await callback(s, 'bitrix24', { member_id: 'm', ...params }, { address: B24_HOST });
    expect(location).toBe('/setup/bitrix24/authorize?oauth_error=host_not_allowed');
    expect(s.sent).toEqual([]);
  });

  it("a Bitrix24 callback's server_domain is never contacted: the code goes to the configured OAuth server", async () => {
    const s = setup();
    const authorizeUrl = await startAuthorization(s.browser, { address: B24_HOST }, 'bitrix24');
    const back = await pressOnConsentPage(authorizeUrl, 'Allow', (request) => s.crm.bitrix24!.sandbox.fetch(request));
    back.searchParams.set('server_domain', 'evil.example');
    const response = await s.browser.request(`${back.pathname}${back.search}`);
    expect(response.headers.get('Location')).toBe('/setup/bitrix24/authorize?oauth=success');
    expect(origins(s.sent)).toEqual([B24_SANDBOX]);
  });

  it('a stored amoCRM connection to a real account (made before the switch to the sandbox) is refused, not refreshed there', async () => {
    const s = setup();
    await connectThroughSandbox(s.browser, s.crm.sandbox);
    const id = await workspaceId(s.browser);
    const stored = (await s.server.repo.getCredentials(id, 'amocrm'))!;
    // As if connected to the real amoCRM earlier with the same data directory; its access has expired.
    await s.server.repo.saveCredentials({ ...stored, baseUrl: 'https://demo.amocrm.ru', accessExpiresAt: 0 });
    s.sent.length = 0;
    expect(await problemOf(await s.browser.request('/api/connectors/amocrm/schema?refresh=1'))).toEqual({ status: 502, code: 'crm_forbidden' });
    expect(await problemOf(await s.browser.request('/api/connectors/amocrm/sample-deals'))).toEqual({ status: 502, code: 'crm_forbidden' });
    expect(s.sent).toEqual([]); // neither the refresh (with the client secret) nor an API call left
    expect(await s.server.repo.getCredentials(id, 'amocrm')).not.toBeNull(); // kept: it is not revoked
    expect(s.server.logs.join('\n')).toContain('refused to contact https://demo.amocrm.ru');
  });

  it('a stored Bitrix24 connection to a real portal is refused the same way', async () => {
    const s = setup();
    await connectThroughSandbox(s.browser, s.crm.bitrix24!.sandbox, { address: B24_HOST }, 'bitrix24');
    const stored = (await s.server.repo.getCredentials(await workspaceId(s.browser), 'bitrix24'))!;
    await s.server.repo.saveCredentials({ ...stored, baseUrl: 'https://portal.bitrix24.ru/rest/' });
    s.sent.length = 0;
    expect(await problemOf(await s.browser.request('/api/connectors/bitrix24/schema?refresh=1'))).toEqual({ status: 502, code: 'crm_forbidden' });
    expect(s.sent).toEqual([]);
  });
});

describe('production mode: only the CRM’s own hosts', () => {
  const production = { adapter: { sandboxOrigin: undefined } };

  it.each([
    '127.0.0.1',
    '127.0.0.1:8788',
    '[::1]',
    '2130706433',
    '10.0.0.1',
    'demo.amocrm.ru.',
    'demo.amocrm.ru:8443',
    'demo.amocrm.ru:443',
    'user@demo.amocrm.ru',
    'demo.amocrm.ru@evil.com',
    'http://demo.amocrm.ru',
    'https://demo.amocrm.ru',
    'demo.amocrm.ru.evil.com',
    'demo.amocrm.ru/evil',
    'demo.amocrm.ru%2F@evil.com',
    'xn--demo-.amocrm.ru',
  ])('an amoCRM callback with referer=%s is host_not_allowed; nothing is sent', async (referer) => {
    const s = setup(production);
    const location = await callback(s, 'amocrm', { referer, platform: '1' });
    expect(location).toBe('/setup/amocrm/authorize?oauth_error=host_not_allowed');
    expect(s.sent).toEqual([]);
  });

  it('a stored amoCRM connection to a local port (made in sandbox mode) does not get the real client secret', async () => {
    const s = setup(production);
    // A grant stored while the same data directory was served in sandbox mode; its access has expired.
    const grant = {
      baseUrl: AMO_SANDBOX,
      tokens: { accessToken: 'sandbox-access', refreshToken: 'sandbox-refresh', expiresAt: 0 },
      account: { id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо' },
    };
    await saveGrant(s.server.repo, s.crm.deps.cipher, await workspaceId(s.browser), 'amocrm', grant);
    expect(await problemOf(await s.browser.request('/api/connectors/amocrm/schema?refresh=1'))).toEqual({ status: 502, code: 'crm_forbidden' });
    expect(s.sent).toEqual([]);
  });
});
