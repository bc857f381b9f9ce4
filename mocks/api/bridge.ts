import { http, passthrough, type RequestHandler } from 'msw';

import type { CrmSchema } from '../../app/contracts/crm-schema';
import { createTestServer, pressOnConsentPage, type TestServer, type TestServerOptions } from '../../server/testing/index';

import { buildTestCrmSchema } from './crm-schema-fixture';

/**
 * MSW handlers that answer the SPA's `/api/*` requests with the real API (in-process Hono
 * app over a throwaway SQLite file), so component tests exercise the real contracts, rules
 * and status codes instead of hand-written doubles that could drift. One cookie jar plays
 * the browser's.
 */
export interface ApiBridge {
  handlers: RequestHandler[];
  server: TestServer;
  /** Requests the SPA sent, in order (method and path), for assertions on what was saved when. */
  requests: Array<{ method: string; path: string }>;
  /** The browser's workspace id (creating the workspace and its session if needed). */
  workspaceId(): Promise<string>;
  /**
   * Gives the browser's workspace stored amoCRM access and a cached CRM schema, as after a
   * successful authorization, without the OAuth round trip.
   */
  seedConnectedAccount(schema?: CrmSchema): Promise<CrmSchema>;
  /**
   * Authorizes the browser's workspace for real: the API's authorize endpoint, the sandbox
   * amoCRM's consent page ("Allow") and the API's OAuth callback. Afterwards every CRM-backed
   * endpoint (schema, sample deals) answers from the sandbox's demo account.
   */
  connectSandbox(): Promise<void>;
  close(): Promise<void>;
}

/** `testCrm`: CRMs next to the sandbox amoCRM (e.g. `{ retailcrm: true }` for the sandbox RetailCRM). */
export function createApiBridge(origin = 'http://localhost:3000', options: { testCrm?: TestServerOptions['testCrm'] } = {}): ApiBridge {
  const server = createTestServer({ publicUrl: origin, ...(options.testCrm ? { testCrm: options.testCrm } : {}) });
  let cookie: string | null = null;
  const requests: ApiBridge['requests'] = [];
  const handlers = [
    http.all(`${origin}/api/*`, async ({ request }) => {
      const url = new URL(request.url);
      requests.push({ method: request.method, path: url.pathname });
      const headers = new Headers(request.headers);
      if (cookie) headers.set('Cookie', cookie);
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
      const response = await server.app.request(url.pathname + url.search, { method: request.method, headers, body });
      const setCookie = response.headers.get('Set-Cookie');
      if (setCookie) cookie = setCookie.split(';')[0] ?? null;
      return response;
    }),
    // Anything else on the app's own origin (assets) is not the API's business.
    http.get(`${origin}/*`, () => passthrough()),
  ];
  const workspaceId = async () => {
    if (!cookie) {
      const response = await server.app.request('/api/connectors');
      cookie = response.headers.get('Set-Cookie')?.split(';')[0] ?? null;
    }
    const value = decodeURIComponent(cookie?.split('=')[1] ?? '');
    return value.split('.')[0] ?? '';
  };
  const seedConnectedAccount = async (schema = buildTestCrmSchema()) => {
    const id = await workspaceId();
    await server.repo.saveCredentials({
      workspaceId: id,
      connector: 'amocrm',
      account: schema.account,
      baseUrl: `https://${schema.account.domain}`,
      tokens: 'v1.test-only-not-a-real-envelope',
      accessExpiresAt: Date.now() + 24 * 3600 * 1000,
    });
    await server.repo.setCachedSchema(id, 'amocrm', JSON.stringify(schema));
    return schema;
  };
  const request = async (pathname: string, init: RequestInit = {}) => {
    await workspaceId();
    const headers = new Headers(init.headers);
    if (cookie) headers.set('Cookie', cookie);
    return server.app.request(pathname, { ...init, headers });
  };
  const connectSandbox = async () => {
    const sandbox = server.sandbox;
    if (!sandbox) throw new Error('This test server has no sandbox amoCRM');
    const started = await request('/api/connectors/amocrm/authorize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    const body = (await started.json()) as { status: string; authorizeUrl?: string };
    if (body.status === 'authorized') return;
    if (!body.authorizeUrl) throw new Error(`authorize answered ${started.status}`);
    const callback = await pressOnConsentPage(body.authorizeUrl, 'Allow', (request) => sandbox.fetch(request));
    const landed = await request(`${callback.pathname}${callback.search}`);
    const location = landed.headers.get('Location') ?? '';
    if (!location.includes('oauth=success')) throw new Error(`OAuth did not succeed: ${location}`);
  };
  return { handlers, server, requests, workspaceId, seedConnectedAccount, connectSandbox, close: () => server.close() };
}
