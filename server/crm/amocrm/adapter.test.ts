import { randomBytes, randomUUID } from 'node:crypto';

import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { emptyMappingConfig } from '../../../app/contracts/mapping-config';
import smallFixture from '../../../mocks/fixtures/amocrm-small-account.json';
import {
  buildSandboxAccount,
  createSandboxAmo,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_DEFAULT_REDIRECT_URI,
  type AccountFixtureInput,
  type SandboxAccount,
  type SandboxAmo,
  type SandboxFaults,
} from '../../../mocks/sandbox/amocrm/index';
import { sandboxHandlers } from '../../../mocks/sandbox/amocrm/msw';
import type { Repository } from '../../db/repository';
import { openSqliteRepository } from '../../db/sqlite';
import { TokenCipher } from '../../lib/secrets';
import { FakeTiming } from '../../testing/crm-test-kit';
import { makeTempDir } from '../../testing/test-server';
import { CrmError, OAuthCallbackError } from '../errors';
import { ACCESS_REVOKED_REASON, saveGrant, storedConnection } from '../token-store';
import type { CrmAdapter, CrmConnection, CrmGrant } from '../types';

import { createAmoCrmAdapter, type AmoCrmOptions } from './adapter';

const ORIGIN = 'http://127.0.0.1:8788';
const HOUR = 3600 * 1000;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Kit {
  sandbox: SandboxAmo;
  adapter: CrmAdapter;
  timing: FakeTiming;
  repo: Repository;
  cipher: TokenCipher;
  workspaceId: string;
  connection: CrmConnection;
  /** Runs consent (Allow) in the sandbox and returns the callback's query. */
  consent(): Promise<URLSearchParams>;
  /** A full authorization: consent, code exchange, grant stored. */
  connect(): Promise<CrmGrant>;
  /** Paths the sandbox received, in order. */
  paths(): string[];
  /** Statuses of the responses the sandbox sent through MSW, in order. */
  statuses: number[];
}

function kit(options: { account?: SandboxAccount; faults?: Partial<SandboxFaults>; adapter?: Partial<AmoCrmOptions> } = {}): Kit {
  const timing = new FakeTiming();
  const sandbox = createSandboxAmo({ account: options.account, faults: options.faults, now: timing.now });
  server.resetHandlers(...sandboxHandlers(sandbox));
  const adapter = createAmoCrmAdapter({
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
    authorizeEndpoint: `${ORIGIN}/oauth`,
    sandboxOrigin: ORIGIN,
    timing,
    ...options.adapter,
  });
  const temp = makeTempDir();
  const repo = openSqliteRepository(temp.dir);
  cleanups.push(async () => {
    await repo.close();
    temp.cleanup();
  });
  const cipher = new TokenCipher(randomBytes(32));
  // The workspace's row comes with its first write (the grant).
  const workspaceId = randomUUID();
  const statuses: number[] = [];
  const record = ({ response }: { response: Response }) => statuses.push(response.status);
  server.events.on('response:mocked', record);
  cleanups.push(() => server.events.removeListener('response:mocked', record));
  const consent = async () => {
    const page = await fetch(adapter.authorizeUrl('state-1'));
    const html = await page.text();
    expect(html).toContain('Allow');
    const form = new URLSearchParams({ client_id: SANDBOX_CLIENT_ID, state: 'state-1', mode: 'post_message', decision: 'allow' });
    const decision = await fetch(`${ORIGIN}/oauth/decision`, { method: 'POST', body: form, redirect: 'manual' });
    return new URL(decision.headers.get('Location')!).searchParams;
  };
  return {
    sandbox,
    adapter,
    timing,
    repo,
    cipher,
    workspaceId,
    connection: storedConnection(repo, cipher, workspaceId, 'amocrm'),
    consent,
    async connect() {
      const grant = await adapter.exchangeCode(await consent());
      await saveGrant(repo, cipher, workspaceId, 'amocrm', grant);
      return grant;
    },
    paths: () => sandbox.requests.map((request) => request.path),
    statuses,
  };
}

async function crmErrorOf(promise: Promise<unknown>): Promise<CrmError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CrmError);
  return error as CrmError;
}

async function callbackErrorOf(promise: Promise<unknown>): Promise<OAuthCallbackError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OAuthCallbackError);
  return error as OAuthCallbackError;
}

function accountWithFields(count: number): SandboxAccount {
  const fixture = structuredClone(smallFixture) as AccountFixtureInput;
  fixture.leads = [];
  fixture.custom_fields = Array.from({ length: count }, (_, i) => ({
    id: 5000000 + i,
    name: `Поле ${i + 1}`,
    type: i % 3 === 0 ? ('numeric' as const) : ('text' as const),
    sort: i,
  }));
  return buildSandboxAccount(fixture);
}

describe('authorization', () => {
  it('builds the consent URL with client_id, state and mode=post_message', () => {
    const { adapter } = kit();
    const url = new URL(adapter.authorizeUrl('s t&ate'));
    expect(`${url.origin}${url.pathname}`).toBe(`${ORIGIN}/oauth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: SANDBOX_CLIENT_ID, state: 's t&ate', mode: 'post_message' });
  });

  it('targets www.amocrm.ru when configured for the real amoCRM', () => {
    const adapter = createAmoCrmAdapter({
      clientId: 'real-id',
      clientSecret: 'real-secret',
      redirectUri: 'https://hub.example.com/api/oauth/amocrm/callback',
      authorizeEndpoint: 'https://www.amocrm.ru/oauth',
    });
    expect(adapter.authorizeUrl('xyz')).toBe('https://www.amocrm.ru/oauth?client_id=real-id&state=xyz&mode=post_message');
  });

  it('exchanges the code server-side and reads the account', async () => {
    const k = kit();
    const grant = await k.adapter.exchangeCode(await k.consent());
    expect(grant.baseUrl).toBe(ORIGIN);
    expect(grant.account).toEqual({ id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо: Агентство' });
    expect(grant.tokens.expiresAt).toBe(k.timing.now() + 24 * HOUR);
    expect(k.paths()).toEqual(['/oauth', '/oauth/decision', '/oauth2/access_token', '/api/v4/account']);
  });

  it('refuses a callback without code, from a foreign host or for another integration, before contacting anyone', async () => {
    const k = kit();
    const query = await k.consent();
    const without = new URLSearchParams(query);
    without.delete('code');
    expect((await callbackErrorOf(k.adapter.exchangeCode(without))).code).toBe('code_missing');
    for (const referer of ['evil.com', 'amocrm.ru.evil.com', '127.0.0.1', '127.0.0.1:9999', 'user@host', 'demo.amocrm.ru@evil.com']) {
      const hostile = new URLSearchParams(query);
      hostile.set('referer', referer);
      expect((await callbackErrorOf(k.adapter.exchangeCode(hostile))).code).toBe('host_not_allowed');
    }
    const other = new URLSearchParams(query);
    other.set('client_id', 'another-integration');
    expect((await callbackErrorOf(k.adapter.exchangeCode(other))).code).toBe('code_exchange_failed');
    expect(k.paths()).not.toContain('/oauth2/access_token');
  });

  it('reports a reused or expired code as code_exchange_failed', async () => {
    const k = kit();
    const query = await k.consent();
    await k.adapter.exchangeCode(query);
    expect((await callbackErrorOf(k.adapter.exchangeCode(query))).code).toBe('code_exchange_failed');
    const late = await k.consent();
    k.timing.advance(21 * 60 * 1000);
    expect((await callbackErrorOf(k.adapter.exchangeCode(late))).code).toBe('code_exchange_failed');
  });

  it('reports a CRM that does not answer during the exchange as crm_unavailable', async () => {
    const k = kit({ adapter: { timeoutMs: 50 } });
    const query = await k.consent();
    k.sandbox.setFaults({ latencyMs: 10_000 });
    expect((await callbackErrorOf(k.adapter.exchangeCode(query))).code).toBe('crm_unavailable');
  });
});

describe('reading the account structure', () => {
  it('normalizes pipelines in CRM order with status kinds and colours', async () => {
    const k = kit();
    await k.connect();
    const pipelines = await k.adapter.listPipelines(k.connection);
    expect(pipelines.map((pipeline) => pipeline.name)).toEqual([
      'Продажи лицензий',
      'Внедрение и обучение',
      'Повторные продажи',
      'Тендеры 2023 (архив)',
    ]);
    expect(pipelines[3]!.isArchive).toBe(true);
    expect(pipelines[0]).toMatchObject({ isMain: true });
    expect(pipelines[0]!.statuses.map((status) => [status.name, status.kind, status.color])).toEqual([
      ['Неразобранное', 'unsorted', '#c1c1c1'],
      ['Проработка заявки', 'regular', '#99ccff'],
      ['Расчет КП', 'regular', '#ffcc66'],
      ['Согласование договора', 'regular', '#ffdc7f'],
      ['Акты по лицензиям выставлены', 'regular', '#deff81'],
      ['Успешно реализовано', 'won', '#CCFF66'],
      ['Закрыто и не реализовано', 'lost', '#D5D8DB'],
    ]);
    // The unsorted status stays even where unsorted is switched off.
    expect(pipelines[2]!.statuses[0]!.kind).toBe('unsorted');
  });

  it('reads every page of custom fields until _links.next is absent', async () => {
    const k = kit({ account: accountWithFields(120), adapter: { pageSize: 50 } });
    await k.connect();
    const fields = await k.adapter.listCustomFields(k.connection);
    expect(fields).toHaveLength(120);
    expect(fields.map((field) => field.name).slice(0, 3)).toEqual(['Поле 1', 'Поле 2', 'Поле 3']);
    expect(fields.filter((field) => field.isNumeric)).toHaveLength(40);
    expect(k.paths().filter((path) => path === '/api/v4/leads/custom_fields')).toHaveLength(3);
  });

  it('treats 204 as an empty list', async () => {
    const k = kit({ account: accountWithFields(0) });
    await k.connect();
    expect(await k.adapter.listCustomFields(k.connection)).toEqual([]);
    const leads = await k.adapter.listLeads(k.connection);
    expect(leads).toEqual({ items: [], nextPage: null });
  });

  it('flags numeric, monetary and tracking fields', async () => {
    const k = kit();
    await k.connect();
    const fields = await k.adapter.listCustomFields(k.connection);
    const byName = new Map(fields.map((field) => [field.name, field]));
    expect(byName.get('Себестоимость')).toMatchObject({ type: 'monetary', isNumeric: true, isTracking: false });
    expect(byName.get('Количество лицензий')).toMatchObject({ type: 'numeric', isNumeric: true });
    expect(byName.get('utm_source')).toMatchObject({ code: 'UTM_SOURCE', type: 'tracking_data', isTracking: true, isNumeric: false });
    expect(byName.get('Тип клиента')!.enums).toEqual([
      { id: '867961', value: 'Новый' },
      { id: '867963', value: 'Постоянный' },
      { id: '867965', value: 'VIP' },
    ]);
  });

  it('lists leads and status changes page by page', async () => {
    const k = kit();
    await k.connect();
    const recent = await k.adapter.listLeads(k.connection, { limit: 5, order: { by: 'created_at', direction: 'desc' } });
    expect(recent.items).toHaveLength(5);
    expect(recent.nextPage).toBe(2);
    expect(recent.items[0]!.createdAt).toBeGreaterThanOrEqual(recent.items[4]!.createdAt);
    const events = await k.adapter.listEvents(k.connection, { leadIds: ['19619'] });
    expect(events.items.map((event) => event.after.statusId).reverse()).toEqual(['61874504', '61874507', '61874510', '61874513', '142']);
    expect(events.items.at(-1)!.before).toEqual({ pipelineId: '7412301', statusId: '61874501' });
  });
});

describe('deal sync reads', () => {
  it('filters leads by update time (filter[updated_at][from], inclusive) and says no total', async () => {
    const k = kit();
    await k.connect();
    const leads = k.sandbox.account.leads;
    const times = leads.map((lead) => lead.updatedAt).sort((a, b) => a - b);
    const from = times[Math.floor(times.length / 2)]!;
    const page = await k.adapter.listLeads(k.connection, { limit: 250, updatedFrom: from, order: { by: 'id', direction: 'asc' } });
    const expected = leads.filter((lead) => lead.updatedAt >= from).map((lead) => String(lead.id));
    expect(page.items.map((lead) => lead.id)).toEqual(expected.sort((a, b) => Number(a) - Number(b)));
    expect(page.total ?? null).toBeNull();
  });

  it('reads the account currency from GET /api/v4/account', async () => {
    const k = kit();
    await k.connect();
    const start = k.paths().length;
    expect(await k.adapter.accountCurrency!(k.connection)).toBe('RUB');
    expect(k.paths().slice(start)).toEqual(['/api/v4/account']);
  });

  it('an account currency that is not an ISO 4217 code is null', async () => {
    const input = structuredClone(smallFixture) as AccountFixtureInput;
    (input.account as { currency?: string }).currency = 'рубли';
    const k = kit({ account: buildSandboxAccount(input) });
    await k.connect();
    expect(await k.adapter.accountCurrency!(k.connection)).toBeNull();
  });
});

describe('tokens', () => {
  it('on 401 refreshes once, stores the new pair and retries', async () => {
    const k = kit();
    const grant = await k.connect();
    const before = (await k.connection.read())!;
    k.sandbox.expireAccessTokens();
    const start = k.paths().length;
    expect((await k.adapter.listPipelines(k.connection)).length).toBe(4);
    expect(k.paths().slice(start)).toEqual(['/api/v4/leads/pipelines', '/oauth2/access_token', '/api/v4/leads/pipelines']);
    const after = (await k.connection.read())!;
    expect(after.version).not.toBe(before.version);
    expect(after.tokens.refreshToken).not.toBe(grant.tokens.refreshToken);
    // The old refresh token died with the rotation.
    expect((await crmErrorOf(k.adapter.refresh(ORIGIN, grant.tokens.refreshToken))).code).toBe('crm_access_revoked');
  });

  it('refreshes before calling when the stored access token has expired', async () => {
    const k = kit();
    await k.connect();
    k.timing.advance(24 * HOUR + 1000);
    const start = k.paths().length;
    await k.adapter.getAccount(k.connection);
    expect(k.paths().slice(start)).toEqual(['/oauth2/access_token', '/api/v4/account']);
  });

  it('refreshes once for concurrent callers', async () => {
    const k = kit();
    await k.connect();
    k.sandbox.expireAccessTokens();
    const start = k.paths().length;
    await Promise.all([k.adapter.getAccount(k.connection), k.adapter.listPipelines(k.connection), k.adapter.getAccount(k.connection)]);
    expect(k.paths().slice(start).filter((path) => path === '/oauth2/access_token')).toHaveLength(1);
  });

  it('when the refresh token was revoked: crm_access_revoked, access deleted, a connected connector needs attention', async () => {
    const k = kit();
    await k.connect();
    await k.repo.saveConfig(k.workspaceId, 'amocrm', 0, emptyMappingConfig('amocrm'));
    await k.repo.activate(k.workspaceId, 'amocrm', 1);
    k.sandbox.revokeAccess();
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_access_revoked');
    expect(await k.repo.getCredentials(k.workspaceId, 'amocrm')).toBeNull();
    expect((await k.repo.getConnection(k.workspaceId, 'amocrm'))!.attentionReason).toBe(ACCESS_REVOKED_REASON);
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_not_connected');
  });

  it('a 401 right after a successful refresh keeps the new tokens: crm_unavailable, not a revocation', async () => {
    const k = kit();
    await k.connect();
    await k.repo.saveConfig(k.workspaceId, 'amocrm', 0, emptyMappingConfig('amocrm'));
    await k.repo.activate(k.workspaceId, 'amocrm', 1);
    const before = (await k.connection.read())!;
    k.sandbox.expireAccessTokens();
    const unauthorized = () =>
      HttpResponse.json(
        { title: 'Unauthorized', type: 'https://httpstatus.es/401', status: 401, detail: 'Invalid token' },
        { status: 401, headers: { 'Content-Type': 'application/problem+json' } },
      );
    server.use(http.get(`${ORIGIN}/api/v4/leads/pipelines`, unauthorized));
    const start = k.paths().length;
    const error = await crmErrorOf(k.adapter.listPipelines(k.connection));
    expect(error.code).toBe('crm_unavailable');
    expect(k.paths().slice(start)).toEqual(['/oauth2/access_token']); // the two 401s came from the handler above
    const after = await k.connection.read();
    expect(after).not.toBeNull();
    expect(after!.version).not.toBe(before.version);
    expect((await k.repo.getConnection(k.workspaceId, 'amocrm'))!.attentionReason).toBeNull();
    // The kept pair works as soon as the CRM does.
    server.resetHandlers(...sandboxHandlers(k.sandbox));
    expect(await k.adapter.listPipelines(k.connection)).toHaveLength(4);
    expect((await k.connection.read())!.version).toBe(after!.version);

    // The same when the stored token had expired and was refreshed before the first call.
    server.use(http.get(`${ORIGIN}/api/v4/account`, unauthorized));
    k.timing.advance(25 * HOUR);
    expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code).toBe('crm_unavailable');
    expect(await k.repo.getCredentials(k.workspaceId, 'amocrm')).not.toBeNull();
  });

  it('a refused refresh because another process rotated first uses the winner’s tokens', async () => {
    const k = kit();
    await k.connect();
    k.sandbox.expireAccessTokens();
    // Process A refreshes with the same refresh token just before us and stores its pair.
    let raced = false;
    server.use(
      http.post(`${ORIGIN}/oauth2/access_token`, async ({ request }) => {
        if (!raced) {
          raced = true;
          const seen = (await k.connection.read())!;
          const other = createAmoCrmAdapter({
            clientId: SANDBOX_CLIENT_ID,
            clientSecret: SANDBOX_CLIENT_SECRET,
            redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
            authorizeEndpoint: `${ORIGIN}/oauth`,
            sandboxOrigin: ORIGIN,
            timing: k.timing,
            fetch: (input, init) => k.sandbox.fetch(new Request(input, init)),
          });
          const tokens = await other.refresh(ORIGIN, seen.tokens.refreshToken);
          expect(await k.connection.rotate(seen.version, tokens)).not.toBeNull();
        }
        return k.sandbox.fetch(request);
      }),
    );
    const rotatedByA = async () => (await k.connection.read())!.tokens.accessToken;
    const start = k.paths().length;
    const account = await k.adapter.getAccount(k.connection);
    expect(account.id).toBe('31234567');
    expect(raced).toBe(true);
    // A's refresh, then ours (refused: the token was spent), then the retry with A's tokens.
    expect(k.paths().slice(start)).toEqual([
      '/api/v4/account',
      '/oauth2/access_token',
      '/oauth2/access_token',
      '/api/v4/account',
    ]);
    expect(k.statuses.slice(-2)).toEqual([400, 200]);
    expect(await k.repo.getCredentials(k.workspaceId, 'amocrm')).not.toBeNull();
    expect((await k.sandbox.fetch(new Request(`${ORIGIN}/api/v4/account`, { headers: { Authorization: `Bearer ${await rotatedByA()}` } }))).status).toBe(200);
  });

  it('a refresh whose rotation loses the compare-and-swap re-reads and uses the stored tokens', async () => {
    const k = kit();
    await k.connect();
    k.sandbox.expireAccessTokens();
    let winner: CrmGrant | null = null;
    server.use(
      http.post(`${ORIGIN}/oauth2/access_token`, async ({ request }) => {
        const response = await k.sandbox.fetch(request);
        if (!winner) {
          // Meanwhile the user re-authorized in another tab: a brand-new grant is stored.
          const direct = createAmoCrmAdapter({
            clientId: SANDBOX_CLIENT_ID,
            clientSecret: SANDBOX_CLIENT_SECRET,
            redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
            authorizeEndpoint: `${ORIGIN}/oauth`,
            sandboxOrigin: ORIGIN,
            timing: k.timing,
            fetch: (input, init) => k.sandbox.fetch(new Request(input, init)),
          });
          const form = new URLSearchParams({ client_id: SANDBOX_CLIENT_ID, state: 's', decision: 'allow' });
          const decided = await k.sandbox.fetch(new Request(`${ORIGIN}/oauth/decision`, { method: 'POST', body: form }));
          winner = await direct.exchangeCode(new URL(decided.headers.get('Location')!).searchParams);
          await saveGrant(k.repo, k.cipher, k.workspaceId, 'amocrm', winner);
        }
        return response;
      }),
    );
    await k.adapter.getAccount(k.connection);
    expect(winner).not.toBeNull();
    expect((await k.connection.read())!.tokens.accessToken).toBe(winner!.tokens.accessToken);
  });
});

describe('limits and failures', () => {
  const tooMany = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    HttpResponse.json(
      { title: 'Too Many Requests', type: 'https://httpstatus.es/429', status: 429, detail: 'Slow down', ...body },
      { status: 429, headers: { 'Content-Type': 'application/problem+json', ...headers } },
    );

  it('honours retry_after on 429, then succeeds', async () => {
    const k = kit();
    await k.connect();
    server.use(http.get(`${ORIGIN}/api/v4/leads/pipelines`, () => tooMany({ retry_after: 2 }), { once: true }));
    expect(await k.adapter.listPipelines(k.connection)).toHaveLength(4);
    expect(k.timing.sleeps).toEqual([2000]);
  });

  it('honours a Retry-After header too', async () => {
    const k = kit();
    await k.connect();
    server.use(http.get(`${ORIGIN}/api/v4/account`, () => tooMany({}, { 'Retry-After': '3' }), { once: true }));
    await k.adapter.getAccount(k.connection);
    expect(k.timing.sleeps).toEqual([3000]);
  });

  it('gives up with crm_rate_limited after bounded retries, or at once when asked to wait too long', async () => {
    const k = kit();
    await k.connect();
    k.sandbox.setFaults({ rate429: 1, retryAfterSec: 1 });
    const start = k.paths().length;
    const error = await crmErrorOf(k.adapter.getAccount(k.connection));
    expect(error.code).toBe('crm_rate_limited');
    expect(k.paths().slice(start)).toHaveLength(4);
    expect(k.timing.sleeps.filter((ms) => ms === 1000).length).toBeGreaterThanOrEqual(3);

    k.timing.sleeps.length = 0;
    k.sandbox.setFaults({ retryAfterSec: 300 });
    expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code).toBe('crm_rate_limited');
    expect(k.timing.sleeps.filter((ms) => ms >= 300_000)).toEqual([]);
  });

  it('maps 402 to crm_payment_required and 403 to crm_forbidden, without retrying', async () => {
    const k = kit();
    await k.connect();
    k.sandbox.setFaults({ unpaid: true });
    let start = k.paths().length;
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_payment_required');
    expect(k.paths().slice(start)).toHaveLength(1);
    k.sandbox.setFaults({ unpaid: false, blocked: true });
    start = k.paths().length;
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_forbidden');
    expect(k.paths().slice(start)).toHaveLength(1);
  });

  it('retries a 500 with backoff, and reports a CRM that keeps failing as crm_unavailable', async () => {
    const k = kit();
    await k.connect();
    server.use(http.get(`${ORIGIN}/api/v4/account`, () => HttpResponse.json({ status: 500 }, { status: 500 }), { once: true }));
    await k.adapter.getAccount(k.connection);
    expect(k.timing.sleeps).toEqual([500]);
    k.sandbox.setFaults({ error500: 1 });
    expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code).toBe('crm_unavailable');
  });

  it('times out a CRM that does not answer', async () => {
    const k = kit({ adapter: { timeoutMs: 50 } });
    await k.connect();
    k.sandbox.setFaults({ latencyMs: 30_000 });
    const started = Date.now();
    const error = await crmErrorOf(k.adapter.listPipelines(k.connection));
    expect(error.code).toBe('crm_unavailable');
    expect(error.message).toContain('50 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('keeps to 7 requests per second, so the CRM never rate-limits us', async () => {
    const k = kit();
    await k.connect();
    const started = k.timing.now();
    for (let i = 0; i < 20; i += 1) await k.adapter.getAccount(k.connection);
    // 2 requests of the authorization plus 20 now: 22 requests need 3 full seconds.
    expect(k.timing.now() - started).toBeGreaterThanOrEqual(2000);
    expect(k.statuses).not.toContain(429);
    expect(k.statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(22);
  });
});
