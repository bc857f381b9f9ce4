import { randomBytes, randomUUID } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { emptyMappingConfig } from '../../../app/contracts/mapping-config';
import smallFixture from '../../../mocks/fixtures/bitrix24-small.json';
import {
  BITRIX24_SANDBOX_CLIENT_ID,
  BITRIX24_SANDBOX_CLIENT_SECRET,
  BITRIX24_SANDBOX_DEFAULT_ORIGIN,
  buildSandboxPortal,
  createSandboxBitrix24,
  type Bitrix24SandboxFaults,
  type PortalFixtureInput,
  type SandboxBitrix24,
  type SandboxPortal,
} from '../../../mocks/sandbox/bitrix24/index';
import type { Repository } from '../../db/repository';
import { openSqliteRepository } from '../../db/sqlite';
import { TokenCipher } from '../../lib/secrets';
import { makeTempDir } from '../../testing/test-server';
import { CrmAddressError, CrmError, OAuthCallbackError } from '../errors';
import { captureLogger, ManualTiming } from '../http/testing';
import { buildCrmSchema } from '../schema';
import { ACCESS_REVOKED_REASON, saveGrant, storedConnection } from '../token-store';
import type { CrmAdapter, CrmConnection, CrmGrant, CrmLead, CrmStatusChange } from '../types';

import { createBitrix24Adapter, type Bitrix24Options } from './adapter';
import { LEAD_PIPELINE_ID, LEAD_PIPELINE_NAME } from './normalize';

/**
 * The Bitrix24 adapter against the real sandbox, in-process: its clock is the adapter's fake
 * clock (code and token expiry, the leaky bucket, latency), the adapter's `fetch` is routed into
 * it (a test may stand in front of it), the stored access lives in a real SQLite repository,
 * and a logger keeps its lines.
 */

const ORIGIN = BITRIX24_SANDBOX_DEFAULT_ORIGIN;
const HOST = new URL(ORIGIN).host;
const CLIENT_ID = BITRIX24_SANDBOX_CLIENT_ID;
const CLIENT_SECRET = BITRIX24_SANDBOX_CLIENT_SECRET;

/** Answers one request the adapter sends: the sandbox, or a test's stand-in around it. */
type Route = (request: Request, sandbox: SandboxBitrix24) => Promise<Response>;

const cleanups: Array<() => unknown> = [];
async function cleanUpKits(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}

/** `fetch` into `route`; like a real fetch it rejects when the request's signal aborts (timeouts). */
function routedFetch(sandbox: SandboxBitrix24, route: () => Route, sent: Request[]): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    const { signal } = request;
    return new Promise<Response>((resolve, reject) => {
      const abort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) return abort();
      signal.addEventListener('abort', abort, { once: true });
      route()(request, sandbox)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', abort));
    });
  };
}

interface KitOptions {
  portal?: SandboxPortal;
  faults?: Partial<Bitrix24SandboxFaults>;
  adapter?: Partial<Bitrix24Options>;
  /** false: an adapter for the real Bitrix24 (no sandbox origin); its requests still reach `route`. */
  sandboxMode?: boolean;
}

interface Kit {
  sandbox: SandboxBitrix24;
  adapter: CrmAdapter;
  timing: ManualTiming;
  repo: Repository;
  cipher: TokenCipher;
  workspaceId: string;
  connection: CrmConnection;
  /** Every line the adapter and its HTTP client logged. */
  logs: string[];
  /** Every request the adapter sent, in order. */
  sent: Request[];
  /** Replaces how requests are answered (default: the sandbox). */
  route(route: Route): void;
  /** Allow on the sandbox's consent page: the callback's query. */
  consent(state?: string): Promise<URLSearchParams>;
  /** Consent, code exchange, grant stored. */
  connect(): Promise<CrmGrant>;
  /** Paths the sandbox received (REST, OAuth), in order. */
  paths(): string[];
  /** Statuses the sandbox answered, in order (through the default route). */
  statuses: number[];
}

function kit(options: KitOptions = {}): Kit {
  const timing = new ManualTiming(Date.UTC(2025, 10, 1, 9, 0, 0));
  const sandbox = createSandboxBitrix24({
    portal: options.portal,
    faults: options.faults,
    now: timing.now,
    // Injected latency moves the fake clock, so the client's timeout fires without waiting.
    sleep: (ms, signal) => {
      if (ms > 0) timing.advance(ms);
      return signal?.aborted ? Promise.reject(new Error('aborted')) : Promise.resolve();
    },
  });
  const statuses: number[] = [];
  const defaultRoute: Route = async (request) => {
    const response = await sandbox.fetch(request);
    statuses.push(response.status);
    return response;
  };
  let current: Route = defaultRoute;
  const sent: Request[] = [];
  const { logger, lines } = captureLogger();
  const adapter = createBitrix24Adapter({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...(options.sandboxMode === false ? {} : { sandboxOrigin: ORIGIN }),
    timing,
    logger,
    fetch: routedFetch(sandbox, () => current, sent),
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
  const consent = async (state = 'state-1') => {
    const page = await sandbox.fetch(new Request(`${ORIGIN}/oauth/authorize/?${new URLSearchParams({ client_id: CLIENT_ID, state }).toString()}`));
    expect(await page.text()).toContain('Allow');
    const form = new URLSearchParams({ client_id: CLIENT_ID, state, decision: 'allow' });
    const decided = await sandbox.fetch(new Request(`${ORIGIN}/oauth/authorize/`, { method: 'POST', body: form }));
    expect(decided.status).toBe(302);
    return new URL(decided.headers.get('Location')!).searchParams;
  };
  return {
    sandbox,
    adapter,
    timing,
    repo,
    cipher,
    workspaceId,
    connection: storedConnection(repo, cipher, workspaceId, 'bitrix24'),
    logs: lines,
    sent,
    route(route) {
      current = route;
    },
    consent,
    async connect() {
      const grant = await adapter.exchangeCode(await consent());
      await saveGrant(repo, cipher, workspaceId, 'bitrix24', grant);
      return grant;
    },
    paths: () => sandbox.requests.map((request) => request.path),
    statuses,
  };
}

/** The rejection of `promise`, which must be a `CrmError`. */
async function crmErrorOf(promise: Promise<unknown>): Promise<CrmError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CrmError);
  return error as CrmError;
}

/** The rejection of `promise`, which must be an `OAuthCallbackError`. */
async function callbackErrorOf(promise: Promise<unknown>): Promise<OAuthCallbackError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OAuthCallbackError);
  return error as OAuthCallbackError;
}

/** A JSON answer with Bitrix24's content type. */
const b24 = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });

/** A response's JSON body with `patch` applied (a stand-in that edits what the sandbox said). */
async function edited(response: Response, patch: (body: Record<string, unknown>) => void): Promise<Response> {
  const body = (await response.json()) as Record<string, unknown>;
  patch(body);
  return b24(body, response.status);
}

afterEach(cleanUpKits);

const HOUR = 3600 * 1000;
const MEMBER_ID = '5d1c6f3e9a8b4c2d8e7f6a5b4c3d2e1f';
const seconds = (iso: string) => Date.parse(iso) / 1000;

/** The small portal with `pipelines` more deal pipelines, or `fields` user fields. */
function smallPortal(extra: { pipelines?: number; fields?: number } = {}): SandboxPortal {
  const fixture = structuredClone(smallFixture) as PortalFixtureInput & { dealPipelines: unknown[]; dealFields: unknown[] };
  for (let i = 1; i <= (extra.pipelines ?? 0); i += 1) {
    fixture.dealPipelines.push({
      id: i,
      name: `Воронка ${i}`,
      sort: 100 + i * 10,
      stages: [
        { statusId: `C${i}:NEW`, name: 'Новая', sort: 10, color: '#39A8EF' },
        { statusId: `C${i}:WON`, name: 'Успех', sort: 20, color: '#7BD500', semantics: 'S' },
        { statusId: `C${i}:LOSE`, name: 'Провал', sort: 30, color: '#FF5752', semantics: 'F' },
      ],
    });
  }
  for (let i = 0; i < (extra.fields ?? 0); i += 1) {
    fixture.dealFields.push({ fieldName: `UF_CRM_F${i}`, type: i % 3 === 0 ? 'double' : 'string', label: { ru: `Поле ${i + 1}` }, sort: 1000 + i });
  }
  return buildSandboxPortal(fixture);
}

/** Every page of `list`, until `nextPage` is null. */
async function allPages<T>(list: (page: number) => Promise<{ items: T[]; nextPage: number | null }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  for (let page: number | null = 1; page !== null; pages += 1) {
    const result: { items: T[]; nextPage: number | null } = await list(page);
    items.push(...result.items);
    page = result.nextPage;
  }
  return { items, pages };
}

describe('authorization', () => {
  const real = () => createBitrix24Adapter({ clientId: 'local.real.1', clientSecret: 'real-secret' });

  it('sends the browser to the typed portal’s consent page (only its host counts)', () => {
    const adapter = real();
    expect(adapter.accountAddress).toEqual({ example: 'company.bitrix24.ru', value: null });
    expect(adapter.authorizeUrl('s t&ate', 'company.bitrix24.ru')).toBe(
      'https://company.bitrix24.ru/oauth/authorize/?client_id=local.real.1&state=s+t%26ate',
    );
    for (const typed of ['  Company.Bitrix24.RU ', 'http://company.bitrix24.ru/path', 'https://company.bitrix24.ru/crm/deal/?x=1#top']) {
      expect(new URL(adapter.authorizeUrl('s', typed)).origin).toBe('https://company.bitrix24.ru');
    }
    expect(new URL(adapter.authorizeUrl('s', 'firma.bitrix24.de')).host).toBe('firma.bitrix24.de');
  });

  it('refuses addresses that are not a Bitrix24 portal', () => {
    const adapter = real();
    const refused = ['evil.com', 'bitrix24.ru.evil.com', 'x.bitrix24.ru.evil.com', 'user@x.bitrix24.ru', 'x.bitrix24.ru:444', 'ftp://x.bitrix24.ru', `${'a'.repeat(286)}.bitrix24.ru`];
    for (const address of refused) {
      expect(() => adapter.authorizeUrl('s', address), address).toThrow(CrmAddressError);
      try {
        adapter.authorizeUrl('s', address);
      } catch (error) {
        expect((error as CrmAddressError).code).toBe('address_not_allowed');
        expect((error as CrmAddressError).message).not.toContain(address);
      }
    }
    expect(() => adapter.authorizeUrl('s')).toThrow(expect.objectContaining({ code: 'address_required' }));
    expect(() => adapter.authorizeUrl('s', '   ')).toThrow(expect.objectContaining({ code: 'address_required' }));
  });

  it('in sandbox mode offers and accepts the sandbox’s host only', () => {
    const { adapter } = kit();
    expect(adapter.accountAddress).toEqual({ example: 'company.bitrix24.ru', value: HOST });
    expect(adapter.authorizeUrl('st', HOST)).toBe(`${ORIGIN}/oauth/authorize/?client_id=${encodeURIComponent(CLIENT_ID)}&state=st`);
    expect(new URL(adapter.authorizeUrl('st', `${ORIGIN}/`)).origin).toBe(ORIGIN);
    for (const address of ['company.bitrix24.ru', '127.0.0.1:9999', 'localhost:8789', '127.0.0.1']) {
      expect(() => adapter.authorizeUrl('st', address), address).toThrow(expect.objectContaining({ code: 'address_not_allowed' }));
    }
  });

  it('exchanges the code at the OAuth server: REST at client_endpoint, the account is member_id and domain', async () => {
    const k = kit();
    const callback = await k.consent();
    const grant = await k.adapter.exchangeCode(callback);
    expect(grant.baseUrl).toBe(`${ORIGIN}/rest/`);
    expect(grant.account).toEqual({ id: MEMBER_ID, domain: HOST, name: HOST });
    expect(grant.tokens.expiresAt).toBe(k.timing.now() + HOUR);
    expect(k.paths()).toEqual(['/oauth/authorize/', '/oauth/authorize/', '/oauth/token/']);
    const token = new URL(k.sent[0]!.url);
    expect(k.sent[0]!.method).toBe('GET');
    expect(Object.fromEntries(token.searchParams)).toEqual({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code: callback.get('code'),
    });
  });

  it('refuses a callback without a code or from a foreign domain, before contacting anyone', async () => {
    const k = kit();
    const query = await k.consent();
    const without = new URLSearchParams(query);
    without.delete('code');
    expect((await callbackErrorOf(k.adapter.exchangeCode(without))).code).toBe('code_missing');
    for (const domain of ['evil.com', 'company.bitrix24.ru', '127.0.0.1:9999', `user@${HOST}`, `${HOST}/rest`, `http://${HOST}`, '']) {
      const hostile = new URLSearchParams(query);
      hostile.set('domain', domain);
      expect((await callbackErrorOf(k.adapter.exchangeCode(hostile))).code, domain).toBe('host_not_allowed');
    }
    const none = new URLSearchParams(query);
    none.delete('domain');
    expect((await callbackErrorOf(k.adapter.exchangeCode(none))).code).toBe('host_not_allowed');
    expect(k.sent).toEqual([]);
  });

  it('reports an expired (30 s) or reused code as code_exchange_failed', async () => {
    const k = kit();
    const late = await k.consent();
    k.timing.advance(31_000);
    expect((await callbackErrorOf(k.adapter.exchangeCode(late))).code).toBe('code_exchange_failed');
    const fresh = await k.consent();
    k.timing.advance(29_000);
    await k.adapter.exchangeCode(fresh);
    expect((await callbackErrorOf(k.adapter.exchangeCode(fresh))).code).toBe('code_exchange_failed');
  });

  it('refuses a token answer whose client_endpoint is not on the callback’s portal', async () => {
    for (const endpoint of ['https://evil.example/rest/', 'http://127.0.0.1:9999/rest/', `http://user@${HOST}/rest/`, `https://${HOST}/rest/`, `${ORIGIN}/rest/?x=1`, 'not a url']) {
      const k = kit();
      k.route(async (request, sandbox) => {
        const response = await sandbox.fetch(request);
        return new URL(request.url).pathname === '/oauth/token/' ? edited(response, (body) => (body.client_endpoint = endpoint)) : response;
      });
      expect((await callbackErrorOf(k.adapter.exchangeCode(await k.consent()))).code, endpoint).toBe('host_not_allowed');
    }
  });

  it('refuses a code the OAuth server says belongs to another portal (member_id)', async () => {
    const k = kit();
    const callback = await k.consent();
    callback.set('member_id', 'ffffffffffffffffffffffffffffffff');
    expect((await callbackErrorOf(k.adapter.exchangeCode(callback))).code).toBe('code_exchange_failed');
  });

  it('reports an OAuth server that does not answer as crm_unavailable', async () => {
    const k = kit({ adapter: { timeoutMs: 1000 } });
    const callback = await k.consent();
    k.sandbox.setFaults({ latencyMs: 5000 });
    expect((await callbackErrorOf(k.adapter.exchangeCode(callback))).code).toBe('crm_unavailable');
  });

  it('for the real Bitrix24: the token at oauth.bitrix.info, REST on the portal the callback named', async () => {
    const k = kit({ sandboxMode: false });
    const sandboxUrl = async (request: Request) => {
      const url = new URL(request.url);
      const body = request.method === 'GET' ? undefined : await request.text();
      return new Request(`${ORIGIN}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body, signal: request.signal });
    };
    let endpoint = 'https://demo.bitrix24.ru/rest/';
    k.route(async (request, sandbox) => {
      const response = await sandbox.fetch(await sandboxUrl(request));
      return new URL(request.url).pathname === '/oauth/token/' ? edited(response, (body) => (body.client_endpoint = endpoint)) : response;
    });
    const callback = await k.consent();
    callback.set('domain', 'demo.bitrix24.ru');
    const grant = await k.adapter.exchangeCode(callback);
    expect(grant).toMatchObject({ baseUrl: 'https://demo.bitrix24.ru/rest/', account: { id: MEMBER_ID, domain: 'demo.bitrix24.ru', name: 'demo.bitrix24.ru' } });
    expect(k.sent.map((request) => new URL(request.url).host)).toEqual(['oauth.bitrix.info']);
    // Stored and used: REST goes to the portal, the token in the body, never in the URL.
    await saveGrant(k.repo, k.cipher, k.workspaceId, 'bitrix24', grant);
    expect(await k.adapter.getAccount(k.connection)).toEqual(grant.account);
    expect((await k.adapter.listPipelines(k.connection)).map((pipeline) => pipeline.id)).toEqual(['0', '3', '7', LEAD_PIPELINE_ID]);
    const rest = k.sent.slice(1);
    expect(rest.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST https://demo.bitrix24.ru/rest/app.info',
      'POST https://demo.bitrix24.ru/rest/crm.category.list',
      'POST https://demo.bitrix24.ru/rest/batch',
    ]);
    expect(await rest[1]!.json()).toMatchObject({ entityTypeId: 2, auth: grant.tokens.accessToken });

    // The OAuth server's own /rest/ is not the portal either.
    endpoint = 'https://oauth.bitrix.info/rest/';
    const again = await k.consent();
    again.set('domain', 'demo.bitrix24.ru');
    expect((await callbackErrorOf(k.adapter.exchangeCode(again))).code).toBe('host_not_allowed');
  });
});

describe('reading the portal', () => {
  it('lists the deal pipelines in CRM order (default id 0), then the lead pipeline, stages by SORT with kinds and colours', async () => {
    const k = kit();
    await k.connect();
    const start = k.paths().length;
    const pipelines = await k.adapter.listPipelines(k.connection);
    // One request for the pipelines, one batch for every stage list.
    expect(k.paths().slice(start)).toEqual(['/rest/crm.category.list', '/rest/batch']);
    expect(pipelines.map((pipeline) => [pipeline.id, pipeline.name, pipeline.isMain, pipeline.isArchive])).toEqual([
      ['0', 'Общая', true, false],
      ['3', 'Повторные продажи', false, false],
      ['7', 'Тендеры', false, false],
      [LEAD_PIPELINE_ID, LEAD_PIPELINE_NAME, false, false],
    ]);
    expect(pipelines.map((pipeline) => pipeline.sort)).toEqual([100, 200, 300, 301]);
    expect(pipelines[0]!.statuses.map((status) => [status.id, status.name, status.kind, status.color])).toEqual([
      ['NEW', 'Новая заявка', 'regular', '#39A8EF'],
      ['PREPARATION', 'Подготовка документов', 'regular', '#2FC6F6'],
      ['UC_3N9X1K', 'Презентация', 'regular', '#55D0E0'],
      ['PREPAYMENT_INVOICE', 'Счёт на предоплату', 'regular', '#47E4C2'],
      ['EXECUTING', 'В работе', 'regular', '#FFA900'],
      ['FINAL_INVOICE', 'Финальный счёт', 'regular', '#00C4FB'],
      ['WON', 'Сделка успешна', 'won', '#7BD500'],
      ['LOSE', 'Сделка провалена', 'lost', '#FF5752'],
      ['APOLOGY', 'Анализ причины провала', 'lost', '#FF5752'],
    ]);
    expect(pipelines[2]!.statuses.map((status) => [status.id, status.kind])).toEqual([
      ['C7:NEW', 'regular'],
      ['C7:PREPARATION', 'regular'],
      ['C7:UC_4F1Q2A', 'regular'],
      ['C7:UC_7K2M9B', 'regular'],
      ['C7:WON', 'won'],
      ['C7:LOSE', 'lost'],
      ['C7:UC_9QX3DZ', 'lost'],
    ]);
    expect(pipelines[3]!.statuses.map((status) => [status.id, status.kind])).toEqual([
      ['NEW', 'regular'],
      ['IN_PROCESS', 'regular'],
      ['UC_K2Q8ZP', 'regular'],
      ['PROCESSED', 'regular'],
      ['CONVERTED', 'won'],
      ['JUNK', 'lost'],
    ]);
    for (const pipeline of pipelines) expect(pipeline.statuses.map((status) => status.sort)).toEqual([...pipeline.statuses.map((status) => status.sort)].sort((a, b) => a - b));
  });

  it('reads more than 50 pipelines: every page of crm.category.list, the stage lists in batches of 50', async () => {
    const k = kit({ portal: smallPortal({ pipelines: 60 }) });
    await k.connect();
    const start = k.paths().length;
    const pipelines = await k.adapter.listPipelines(k.connection);
    expect(k.paths().slice(start)).toEqual(['/rest/crm.category.list', '/rest/crm.category.list', '/rest/batch', '/rest/batch']);
    expect(pipelines).toHaveLength(62);
    expect(pipelines.slice(0, 3).map((pipeline) => pipeline.name)).toEqual(['Продажи', 'Воронка 1', 'Воронка 2']);
    expect(pipelines[60]!.statuses.map((status) => status.id)).toEqual(['C60:NEW', 'C60:WON', 'C60:LOSE']);
    expect(pipelines.at(-1)!.id).toBe(LEAD_PIPELINE_ID);
    const commands = Object.keys(((await k.sent.at(-1)!.json()) as { cmd: Record<string, string> }).cmd);
    expect(commands).toHaveLength(12); // 60 + the default + the lead pipeline = 62 = 50 + 12
  });

  it('lists the deal user fields with their Russian labels, numeric flags and enums, then the UTM fields as tracking fields', async () => {
    const k = kit();
    await k.connect();
    const start = k.paths().length;
    const fields = await k.adapter.listCustomFields(k.connection);
    expect(k.paths().slice(start)).toEqual(['/rest/batch']);
    expect(fields.map((field) => [field.id, field.name, field.type, field.isNumeric, field.isTracking])).toEqual([
      ['UF_CRM_LANDING', 'Посадочная страница', 'string', false, false],
      ['UF_CRM_1716203411', 'Маржинальность, %', 'double', true, false],
      ['UF_CRM_1716203455', 'Количество позиций', 'integer', true, false],
      ['UF_CRM_1716203502', 'Себестоимость', 'money', true, false],
      ['UF_CRM_1716203560', 'Тип клиента', 'enumeration', false, false],
      ['UF_CRM_1716203611', 'Интересующие продукты', 'enumeration', false, false],
      ['UF_CRM_YM_CID', 'CID Яндекс.Метрики', 'string', false, false],
      ['UF_CRM_1716203702', 'Ссылка на тендер', 'url', false, false],
      ['UTM_SOURCE', 'utm_source', 'string', false, true],
      ['UTM_MEDIUM', 'utm_medium', 'string', false, true],
      ['UTM_CAMPAIGN', 'utm_campaign', 'string', false, true],
      ['UTM_CONTENT', 'utm_content', 'string', false, true],
      ['UTM_TERM', 'utm_term', 'string', false, true],
    ]);
    expect(fields.every((field) => field.code === field.id)).toBe(true);
    expect(fields.find((field) => field.id === 'UF_CRM_1716203560')!.enums).toEqual([
      { id: '45', value: 'Новый' },
      { id: '47', value: 'Постоянный' },
      { id: '49', value: 'VIP' },
    ]);
    expect(fields.find((field) => field.id === 'UF_CRM_LANDING')!.enums).toBeNull();

    // The schema the wizard gets: UTM as tracking parameters, user fields by their code.
    const schema = buildCrmSchema((await k.connection.read())!.account, await k.adapter.listPipelines(k.connection), fields, new Date(k.timing.now()));
    expect(schema.filterParameters.filter((parameter) => parameter.group === 'tracking').map((parameter) => parameter.key)).toEqual([
      'UTM_SOURCE',
      'UTM_MEDIUM',
      'UTM_CAMPAIGN',
      'UTM_CONTENT',
      'UTM_TERM',
    ]);
    expect(schema.filterParameters[0]).toEqual({ key: 'UF_CRM_LANDING', name: 'Посадочная страница', group: 'custom' });
  });

  it('asks for labels in the configured language, falling back to the portal’s listLabel', async () => {
    const k = kit({ adapter: { labelLanguage: 'en' } });
    await k.connect();
    const names = new Map((await k.adapter.listCustomFields(k.connection)).map((field) => [field.id, field.name]));
    expect(names.get('UF_CRM_LANDING')).toBe('Landing page');
    // No English label: crm.deal.fields' listLabel (the portal's language).
    expect(names.get('UF_CRM_YM_CID')).toBe('CID Яндекс.Метрики');
  });

  it('reads every page of user fields (more than 50) with few requests', async () => {
    const k = kit({ portal: smallPortal({ fields: 120 }) });
    await k.connect();
    const start = k.paths().length;
    const fields = await k.adapter.listCustomFields(k.connection);
    expect(k.paths().slice(start)).toEqual(['/rest/batch', '/rest/batch']);
    const custom = fields.filter((field) => !field.isTracking);
    expect(custom).toHaveLength(122);
    expect(custom.slice(0, 3).map((field) => field.name)).toEqual(['Посадочная страница', 'Стоимость доставки', 'Поле 1']);
    expect(custom.at(-1)!.name).toBe('Поле 120');
    expect(custom.filter((field) => field.isNumeric)).toHaveLength(41);
  });

  it('lists deals page by page (50 a page), mapping amounts, pipelines, stages, dates and field values', async () => {
    const k = kit();
    await k.connect();
    const start = k.paths().length;
    const { items, pages } = await allPages((page) => k.adapter.listLeads(k.connection, { page }));
    expect(pages).toBe(7);
    expect(k.paths().slice(start).filter((path) => path === '/rest/crm.deal.list')).toHaveLength(7);
    expect(items).toHaveLength(323);
    expect(new Set(items.map((deal) => deal.id)).size).toBe(323);
    expect(new Set(items.map((deal) => deal.pipelineId))).toEqual(new Set(['0', '3', '7']));

    const first = items.find((deal) => deal.id === '1')!;
    expect(first).toMatchObject<Partial<CrmLead>>({
      name: 'Внедрение CRM — ООО «Пример»',
      price: 146000,
      pipelineId: '0',
      statusId: 'WON',
      createdAt: seconds('2025-02-04T11:20:00+03:00'),
      updatedAt: seconds('2025-03-04T09:10:00+03:00'),
      closedAt: seconds('2025-03-03T00:00:00+03:00'),
    });
    const values = new Map(first.customFields.map((field) => [field.fieldId, field]));
    expect(values.get('UF_CRM_1716203502')).toEqual({ fieldId: 'UF_CRM_1716203502', code: 'UF_CRM_1716203502', type: 'money', values: ['68000'] });
    expect(values.get('UF_CRM_LANDING')!.values).toEqual(['site-42']);
    expect(values.get('UF_CRM_1716203411')!.values).toEqual(['27.5']);
    expect(values.get('UTM_SOURCE')!.values).toEqual(['yandex']);
    expect(values.has('UTM_CONTENT')).toBe(false); // empty values are left out
    expect(items.find((deal) => deal.id === '101')!.closedAt).toBeNull(); // open: CLOSEDATE is only planned
    const tender = items.find((deal) => deal.id === '2')!;
    expect(tender).toMatchObject({ pipelineId: '7', statusId: 'C7:LOSE', price: 1250000 });
  });

  it('filters deals by pipeline and creation time, orders them, and pages a smaller limit without gaps', async () => {
    const k = kit();
    await k.connect();
    const tenders = await allPages((page) => k.adapter.listLeads(k.connection, { page, pipelineIds: ['7'] }));
    expect(tenders.items.length).toBeGreaterThan(20);
    expect(tenders.items.every((deal) => deal.pipelineId === '7')).toBe(true);
    const both = await allPages((page) => k.adapter.listLeads(k.connection, { page, pipelineIds: ['3', '7', LEAD_PIPELINE_ID] }));
    expect(both.items.every((deal) => deal.pipelineId === '3' || deal.pipelineId === '7')).toBe(true);
    expect(both.items.length).toBeGreaterThan(tenders.items.length);

    const from = seconds('2025-03-01T00:00:00+03:00');
    const to = seconds('2025-03-31T23:59:59+03:00');
    const march = await allPages((page) => k.adapter.listLeads(k.connection, { page, createdFrom: from, createdTo: to }));
    expect(march.items.length).toBeGreaterThan(5);
    expect(march.items.every((deal) => deal.createdAt >= from && deal.createdAt <= to)).toBe(true);

    const recent = await k.adapter.listLeads(k.connection, { limit: 5, order: { by: 'created_at', direction: 'desc' } });
    expect(recent.items).toHaveLength(5);
    expect(recent.nextPage).toBe(2);
    expect(recent.items.map((deal) => deal.createdAt)).toEqual([...recent.items.map((deal) => deal.createdAt)].sort((a, b) => b - a));
    const byFives = await allPages((page) => k.adapter.listLeads(k.connection, { page, limit: 20, order: { by: 'created_at', direction: 'desc' } }));
    expect(byFives.items).toHaveLength(323);
    expect(new Set(byFives.items.map((deal) => deal.id)).size).toBe(323);

    // Only the lead pipeline: no deals, and nothing asked.
    const before = k.paths().length;
    expect(await k.adapter.listLeads(k.connection, { pipelineIds: [LEAD_PIPELINE_ID] })).toEqual({ items: [], nextPage: null });
    expect(k.paths()).toHaveLength(before);
  });

  it('lists a deal’s stage history as status changes, with the pipeline change and each previous stage', async () => {
    const k = kit();
    await k.connect();
    const events = await k.adapter.listEvents(k.connection, { leadIds: ['2'] });
    expect(events.nextPage).toBeNull();
    expect(events.items.map((event) => [event.before?.statusId ?? null, event.after.pipelineId, event.after.statusId])).toEqual([
      [null, '0', 'NEW'],
      ['NEW', '0', 'PREPARATION'],
      ['PREPARATION', '7', 'C7:PREPARATION'],
      ['C7:PREPARATION', '7', 'C7:UC_4F1Q2A'],
      ['C7:UC_4F1Q2A', '7', 'C7:UC_7K2M9B'],
      ['C7:UC_7K2M9B', '7', 'C7:LOSE'],
    ]);
    expect(events.items[2]).toEqual<CrmStatusChange>({
      id: '312',
      leadId: '2',
      createdAt: seconds('2025-03-14T09:30:00+03:00'),
      before: { pipelineId: '0', statusId: 'PREPARATION' },
      after: { pipelineId: '7', statusId: 'C7:PREPARATION' },
    });
  });

  it('walks the whole stage history page by page, and filters it by time', async () => {
    const k = kit();
    await k.connect();
    const all = await allPages((page) => k.adapter.listEvents(k.connection, { page }));
    expect(all.items).toHaveLength(1285);
    expect(all.pages).toBe(26);
    expect(all.items.map((event) => Number(event.id))).toEqual([...all.items.map((event) => Number(event.id))].sort((a, b) => a - b));
    // `before` is the deal's previous row when the same page has it (a deal's first row, its
    // creation, has none); where given, it is exactly that row.
    const last = new Map<string, CrmStatusChange['after']>();
    let known = 0;
    for (const event of all.items) {
      if (event.before !== null) {
        known += 1;
        expect(event.before, event.id).toEqual(last.get(event.leadId));
      }
      last.set(event.leadId, event.after);
    }
    expect(known).toBeGreaterThan(500);
    expect(known).toBeLessThanOrEqual(1285 - 323);

    const from = seconds('2025-04-01T00:00:00+03:00');
    const to = seconds('2025-04-30T23:59:59+03:00');
    const april = await allPages((page) => k.adapter.listEvents(k.connection, { page, createdFrom: from, createdTo: to }));
    expect(april.items.length).toBeGreaterThan(10);
    expect(april.items.every((event) => event.createdAt >= from && event.createdAt <= to)).toBe(true);
    expect(april.items.length).toBe(all.items.filter((event) => event.createdAt >= from && event.createdAt <= to).length);
  });

  it('filters deals by modification time (>=DATE_MODIFY, inclusive) and gives the list’s total on every page', async () => {
    const k = kit();
    await k.connect();
    const all = await k.adapter.listLeads(k.connection, { page: 2 });
    expect(all.total).toBe(323);
    const from = seconds('2025-06-01T00:00:00+03:00');
    const expected = k.sandbox.portal.deals.filter((deal) => deal.modifiedAt >= from * 1000).map((deal) => String(deal.id));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(323);
    const start = k.sent.length;
    const recent = await allPages((page) => k.adapter.listLeads(k.connection, { page, updatedFrom: from, order: { by: 'id', direction: 'asc' } }));
    expect(recent.items.map((deal) => deal.id)).toEqual(expected.sort((a, b) => Number(a) - Number(b)));
    const body = (await k.sent[start]!.json()) as { filter: Record<string, string> };
    expect(body.filter['>=DATE_MODIFY']).toBe('2025-05-31T21:00:00+00:00');
    const page = await k.adapter.listLeads(k.connection, { updatedFrom: from });
    expect(page.total).toBe(expected.length);
    const history = await k.adapter.listEvents(k.connection, { page: 3 });
    expect(history.total).toBe(1285);
  });

  it('reads the portal’s base currency with crm.currency.base.get', async () => {
    const k = kit();
    await k.connect();
    const start = k.paths().length;
    expect(await k.adapter.accountCurrency!(k.connection)).toBe('RUB');
    expect(k.paths().slice(start)).toEqual(['/rest/crm.currency.base.get']);
  });

  it('reads the account (member_id, domain) with app.info, which proves the access works', async () => {
    const k = kit();
    await k.connect();
    const start = k.paths().length;
    expect(await k.adapter.getAccount(k.connection)).toEqual({ id: MEMBER_ID, domain: HOST, name: HOST });
    expect(k.paths().slice(start)).toEqual(['/rest/app.info']);
  });
});

describe('tokens', () => {
  it('on expired_token refreshes once, stores the new pair and retries', async () => {
    const k = kit();
    const grant = await k.connect();
    const before = (await k.connection.read())!;
    k.sandbox.expireAccessTokens();
    const start = k.paths().length;
    expect(await k.adapter.listPipelines(k.connection)).toHaveLength(4);
    expect(k.paths().slice(start)).toEqual(['/rest/crm.category.list', '/oauth/token/', '/rest/crm.category.list', '/rest/batch']);
    expect(k.statuses.slice(-4)).toEqual([401, 200, 200, 200]);
    const after = (await k.connection.read())!;
    expect(after.version).not.toBe(before.version);
    expect(after.tokens.refreshToken).not.toBe(grant.tokens.refreshToken);
    const refreshed = new URL(k.sent.find((request) => request.url.includes('refresh_token'))!.url);
    expect(refreshed.searchParams.get('grant_type')).toBe('refresh_token');
    expect(refreshed.searchParams.get('refresh_token')).toBe(grant.tokens.refreshToken);
    // The spent refresh token is refused from now on.
    expect((await crmErrorOf(k.adapter.refresh(grant.baseUrl, grant.tokens.refreshToken))).code).toBe('crm_access_revoked');
  });

  it('refreshes before calling when the stored access token has expired, once for concurrent callers', async () => {
    const k = kit();
    await k.connect();
    k.timing.advance(HOUR + 1000);
    const start = k.paths().length;
    await Promise.all([k.adapter.getAccount(k.connection), k.adapter.getAccount(k.connection), k.adapter.listCustomFields(k.connection)]);
    expect(k.paths().slice(start).filter((path) => path === '/oauth/token/')).toHaveLength(1);
    expect(k.paths()[start]).toBe('/oauth/token/');
  });

  it('when the access was revoked: crm_access_revoked, the access is deleted, a connected connector needs attention', async () => {
    const k = kit();
    await k.connect();
    await k.repo.saveConfig(k.workspaceId, 'bitrix24', 0, emptyMappingConfig('bitrix24'));
    await k.repo.activate(k.workspaceId, 'bitrix24', 1);
    k.sandbox.revokeAccess();
    const start = k.paths().length;
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_access_revoked');
    expect(k.paths().slice(start)).toEqual(['/rest/crm.category.list', '/oauth/token/']);
    expect(await k.repo.getCredentials(k.workspaceId, 'bitrix24')).toBeNull();
    expect((await k.repo.getConnection(k.workspaceId, 'bitrix24'))!.attentionReason).toBe(ACCESS_REVOKED_REASON);
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_not_connected');
  });

  it('NO_AUTH_FOUND right after a successful refresh keeps the new tokens: crm_unavailable, not a revocation', async () => {
    const k = kit();
    await k.connect();
    const before = (await k.connection.read())!;
    k.route(async (request, sandbox) =>
      new URL(request.url).pathname.startsWith('/rest/') ? b24({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' }, 401) : sandbox.fetch(request),
    );
    expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code).toBe('crm_unavailable');
    const after = await k.connection.read();
    expect(after).not.toBeNull();
    expect(after!.version).not.toBe(before.version);
    expect(k.sent.map((request) => new URL(request.url).pathname).slice(-3)).toEqual(['/rest/app.info', '/oauth/token/', '/rest/app.info']);
  });

  it('a refresh refused with PAYMENT_REQUIRED is crm_payment_required and keeps the access', async () => {
    const k = kit();
    await k.connect();
    k.timing.advance(HOUR + 1000);
    k.sandbox.setFaults({ unpaid: true });
    expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code).toBe('crm_payment_required');
    expect(await k.repo.getCredentials(k.workspaceId, 'bitrix24')).not.toBeNull();
  });
});

describe('limits and failures', () => {
  const restCalls = (k: Kit, start: number) => k.paths().slice(start).filter((path) => path.startsWith('/rest/'));

  it('QUERY_LIMIT_EXCEEDED (no hint) is retried after 500 ms, doubling, then crm_rate_limited', async () => {
    const k = kit();
    await k.connect();
    let refused = 0;
    k.route(async (request, sandbox) => {
      if (refused++ === 0) return b24({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' }, 503);
      return sandbox.fetch(request);
    });
    await k.adapter.getAccount(k.connection);
    expect(k.timing.sleeps).toEqual([500]);

    k.timing.sleeps.length = 0;
    k.sandbox.setFaults({ rate503: 1 });
    const start = k.paths().length;
    const error = await crmErrorOf(k.adapter.getAccount(k.connection));
    expect(error.code).toBe('crm_rate_limited');
    expect(error.retryAfterSec).toBeUndefined();
    expect(restCalls(k, start)).toHaveLength(4);
    expect(k.timing.sleeps).toEqual([500, 1000, 2000]);
  });

  it('retries a 500 and OVERLOAD_LIMIT, and reports a portal that keeps failing as crm_unavailable', async () => {
    const k = kit();
    await k.connect();
    k.sandbox.setFaults({ error500: 1 });
    let start = k.paths().length;
    expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code).toBe('crm_unavailable');
    expect(restCalls(k, start)).toHaveLength(4);
    k.sandbox.setFaults({ error500: 0 });
    k.route(() => Promise.resolve(b24({ error: 'OVERLOAD_LIMIT', error_description: 'REST API is blocked due to overload.' }, 503)));
    start = k.sent.length;
    expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code).toBe('crm_unavailable');
    expect(k.sent.length - start).toBe(4);
  });

  it('maps ACCESS_DENIED to crm_forbidden and PAYMENT_REQUIRED to crm_payment_required, without retrying', async () => {
    const k = kit();
    await k.connect();
    k.sandbox.setFaults({ noRest: true });
    let start = k.paths().length;
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_forbidden');
    expect(restCalls(k, start)).toHaveLength(1);
    k.sandbox.setFaults({ noRest: false, unpaid: true });
    start = k.paths().length;
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_payment_required');
    expect(restCalls(k, start)).toHaveLength(1);
  });

  it('maps errors by their code, not only by the HTTP status (also inside a batch)', async () => {
    const k = kit();
    await k.connect();
    const cases: Array<[unknown, number, string]> = [
      [{ error: 'ACCESS_DENIED', error_description: 'REST is available only on commercial plans' }, 401, 'crm_forbidden'],
      [{ error: 'insufficient_scope', error_description: '' }, 401, 'crm_forbidden'],
      [{ error: 'user_access_error', error_description: '' }, 403, 'crm_forbidden'],
      [{ error: 'INVALID_CREDENTIALS', error_description: '' }, 400, 'crm_forbidden'],
      [{ error: '', error_description: 'Access denied.' }, 400, 'crm_forbidden'],
      [{ error: 'PAYMENT_REQUIRED', error_description: '' }, 403, 'crm_payment_required'],
      [{ error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' }, 404, 'crm_unavailable'],
    ];
    for (const [body, status, code] of cases) {
      k.route(() => Promise.resolve(b24(body, status)));
      expect((await crmErrorOf(k.adapter.getAccount(k.connection))).code, JSON.stringify(body)).toBe(code);
    }
    // A sub-call's error in a batch (HTTP 200): by its code.
    k.route(async (request, sandbox) => {
      const response = await sandbox.fetch(request);
      if (!request.url.endsWith('/batch')) return response;
      return edited(response, (body) => {
        (body.result as Record<string, unknown>).result_error = { s1: { error: 'insufficient_scope', error_description: '' } };
      });
    });
    expect((await crmErrorOf(k.adapter.listPipelines(k.connection))).code).toBe('crm_forbidden');
  });

  it('times out a portal that does not answer: crm_unavailable', async () => {
    const k = kit({ adapter: { timeoutMs: 2000 } });
    await k.connect();
    k.sandbox.setFaults({ latencyMs: 30_000 });
    const error = await crmErrorOf(k.adapter.listPipelines(k.connection));
    expect(error.code).toBe('crm_unavailable');
    expect(error.message).toBe('Bitrix24 did not answer within 2000 ms');
  });

  it('keeps to the portal’s leaky bucket: 120 calls in a burst, never QUERY_LIMIT_EXCEEDED', async () => {
    // One connection's 120 calls must all wait their turn here: its line and deadline allow it.
    const k = kit({ adapter: { maxQueuedPerParty: 120, timeoutMs: 60_000 } });
    await k.connect();
    const started = k.timing.now();
    await Promise.all(Array.from({ length: 120 }, () => k.adapter.getAccount(k.connection)));
    expect(k.statuses.filter((status) => status !== 200)).toEqual([]);
    expect(k.paths().filter((path) => path === '/rest/app.info')).toHaveLength(120);
    // 50 at once, then 2 a second: the other 70 take 35 s.
    expect(k.timing.now() - started).toBeGreaterThanOrEqual(35_000);
    expect(k.timing.now() - started).toBeLessThan(36_000);
  });

  it('never puts a token, code or the client secret into a log line or an error message', async () => {
    const k = kit({ adapter: { timeoutMs: 2000 } });
    const messages: string[] = [];
    const record = async (promise: Promise<unknown>) => {
      await promise.then(
        () => undefined,
        (error: unknown) => messages.push(error instanceof Error ? `${error.name} ${error.message} ${String(error.stack)}` : String(error)),
      );
    };
    const callback = await k.consent();
    k.timing.advance(31_000);
    await record(k.adapter.exchangeCode(callback));
    await k.connect();
    k.sandbox.expireAccessTokens();
    await record(k.adapter.listPipelines(k.connection));
    k.sandbox.setFaults({ rate503: 1 });
    await record(k.adapter.getAccount(k.connection));
    k.sandbox.setFaults({ rate503: 0, error500: 1 });
    await record(k.adapter.getAccount(k.connection));
    k.sandbox.setFaults({ error500: 0, latencyMs: 5000 });
    await record(k.adapter.getAccount(k.connection));
    k.sandbox.setFaults({ latencyMs: 0 });
    k.sandbox.revokeAccess();
    await record(k.adapter.listCustomFields(k.connection));
    expect(messages.length).toBeGreaterThanOrEqual(5);
    expect(k.logs.length).toBeGreaterThan(5);
    const secrets = [...k.sandbox.issuedSecrets(), CLIENT_SECRET];
    expect(secrets.length).toBeGreaterThan(4);
    for (const secret of secrets) {
      for (const line of [...k.logs, ...messages]) expect(line).not.toContain(secret);
    }
    for (const line of k.logs) expect(line).not.toMatch(/[?&](auth|code|client_secret|refresh_token)=/);
  });
});
