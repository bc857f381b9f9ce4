import { Hono, type Context } from 'hono';

import demoFixture from '../fixtures/amocrm-account.json';
import { consentPage, errorPage } from './consent-page';
import { DEFAULT_FAULTS, parseSandboxFaults, type SandboxFaults } from './faults';
import {
  buildSandboxAccount,
  seededRandom,
  type FixtureCustomField,
  type FixturePipeline,
  type FixtureStatus,
  type SandboxAccount,
  type SandboxLead,
  type SandboxStatusChange,
} from './fixture';

/**
 * The sandbox amoCRM: an in-memory emulator of the documented protocol
 * (docs/crm-apis.md §1), written as pure Request → Response handlers so that the very same
 * code serves the product (on its own port), the server's tests and the SPA's tests (MSW).
 *
 * - `GET /oauth?client_id&state&mode`: the consent page (Allow / Deny);
 * - `POST /oauth/decision`: the consent form's target; redirects to the redirect URI;
 * - `POST /oauth2/access_token`: both grants; codes 20 min and single use, access tokens
 *   24 h, refresh tokens single use (3 months);
 * - `GET /api/v4/account`, `/leads/pipelines[/{id}[/statuses[/{id}]]]`,
 *   `/leads/custom_fields[/{id}]`, `/leads[/{id}]`, `/events`: hal+json, problem+json errors.
 */

/** The sandbox's fixed development credentials, used when no real amoCRM credentials are configured. */
export const SANDBOX_CLIENT_ID = 'hub-connect-sandbox';
export const SANDBOX_CLIENT_SECRET = 'hub-connect-sandbox-secret-for-development-only';
export const SANDBOX_DEFAULT_ORIGIN = 'http://127.0.0.1:8788';
export const SANDBOX_DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8787/api/oauth/amocrm/callback';

const CODE_TTL_MS = 20 * 60 * 1000;
const REFRESH_TTL_MS = 90 * 24 * 3600 * 1000;
const CUSTOM_FIELDS_LIMIT = { default: 50, max: 250 };
const LEADS_LIMIT = { default: 50, max: 250 };
const EVENTS_LIMIT = { default: 100, max: 100 };

export interface SandboxIntegration {
  clientId: string;
  clientSecret: string;
  /** The Redirect URI from the integration's settings: consent redirects there, the token exchange must repeat it. */
  redirectUri: string;
  /** Shown on the consent page. */
  name: string;
}

export interface SandboxOptions {
  /** Default: the demo account (`mocks/fixtures/amocrm-account.json`). */
  account?: SandboxAccount;
  /** A `SANDBOX_FAULTS` string or an object; default: no faults. */
  faults?: Partial<SandboxFaults> | string;
  /** Clock in Unix ms (tests move it to expire codes and tokens). */
  now?: () => number;
  integration?: Partial<SandboxIntegration>;
}

export interface SandboxAmo {
  /** Answers one request, like a server would. */
  fetch(request: Request): Promise<Response>;
  readonly account: SandboxAccount;
  readonly integration: SandboxIntegration;
  readonly faults: SandboxFaults;
  setFaults(patch: Partial<SandboxFaults>): void;
  /** An admin disabled the integration: every token stops working (API 401, refresh 400). */
  revokeAccess(): void;
  /** Every access token issued so far expires now (their refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Every code and token issued so far, for tests that check none of them leaks. */
  issuedSecrets(): string[];
  /** Every request received (method and path, never the query), oldest first. */
  readonly requests: ReadonlyArray<{ method: string; path: string }>;
}

let demo: SandboxAccount | undefined;
/** The default fixture, built once. */
export function demoAccount(): SandboxAccount {
  demo ??= buildSandboxAccount(demoFixture);
  return demo;
}

interface CodeGrant {
  clientId: string;
  expiresAt: number;
  used: boolean;
}
interface TokenGrant {
  expiresAt: number;
  revoked: boolean;
}

const json = (body: unknown, status: number, contentType: string) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
const hal = (body: unknown) => json(body, 200, 'application/hal+json');
const noContent = () => new Response(null, { status: 204 });
function httpProblem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Response {
  return json({ title, type: `https://httpstatus.es/${status}`, status, detail, ...extra }, status, 'application/problem+json');
}
const unauthorized = () => httpProblem(401, 'Unauthorized', 'Invalid user name or password');

/** amoCRM's OAuth error body (observed; the docs only say "400, details in body"). */
function oauthProblem(hint: string): Response {
  return json(
    {
      hint,
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 400,
      detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
    },
    400,
    'application/json',
  );
}

function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buffer);
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type ParamNode = string | { [key: string]: ParamNode };

/** Parses PHP-style bracket parameters: `filter[statuses][0][pipeline_id]=1`, `filter[id][]=2`. */
export function bracketParams(search: URLSearchParams, root: string): { [key: string]: ParamNode } {
  const tree: { [key: string]: ParamNode } = {};
  let auto = 0;
  for (const [key, value] of search) {
    if (!key.startsWith(`${root}[`)) continue;
    const parts = [...key.slice(root.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? '');
    let node = tree;
    parts.forEach((part, index) => {
      const name = part === '' ? `#${(auto += 1)}` : part;
      if (index === parts.length - 1) {
        node[name] = value;
        return;
      }
      const next = node[name];
      if (typeof next === 'object') node = next;
      else {
        const created: { [key: string]: ParamNode } = {};
        node[name] = created;
        node = created;
      }
    });
  }
  return tree;
}

/** Every leaf string under a node (a scalar, `[]` lists, `[0]` lists, comma-separated values). */
function leaves(node: ParamNode | undefined): string[] {
  if (node === undefined) return [];
  if (typeof node === 'string') return node.split(',').map((item) => item.trim()).filter(Boolean);
  return Object.values(node).flatMap(leaves);
}
const child = (node: ParamNode | undefined, key: string): ParamNode | undefined =>
  typeof node === 'object' ? node[key] : undefined;
const numbers = (node: ParamNode | undefined) => leaves(node).map(Number).filter(Number.isFinite);
function range(node: ParamNode | undefined): { from?: number; to?: number } {
  const from = Number(leaves(child(node, 'from'))[0]);
  const to = Number(leaves(child(node, 'to'))[0]);
  return { from: Number.isFinite(from) ? from : undefined, to: Number.isFinite(to) ? to : undefined };
}
const inRange = (value: number | null, bounds: { from?: number; to?: number }) =>
  (bounds.from === undefined || (value !== null && value >= bounds.from)) &&
  (bounds.to === undefined || (value !== null && value <= bounds.to));
/** `[{pipeline_id, status_id}]` pairs from `x[0][pipeline_id]=…&x[0][status_id]=…`. */
function statusPairs(node: ParamNode | undefined): Array<{ pipelineId: number; statusId: number | null }> {
  if (typeof node !== 'object') return [];
  return Object.values(node).flatMap((entry) => {
    const pipelineId = Number(leaves(child(entry, 'pipeline_id'))[0]);
    const statusId = Number(leaves(child(entry, 'status_id'))[0]);
    return Number.isFinite(pipelineId) ? [{ pipelineId, statusId: Number.isFinite(statusId) ? statusId : null }] : [];
  });
}

type Page<T> = { items: T[]; page: number; limit: number; pageCount: number } | Response;

function paginate<T>(all: T[], url: URL, limits: { default: number; max: number }): Page<T> {
  const limitText = url.searchParams.get('limit');
  const pageText = url.searchParams.get('page');
  const limit = limitText === null || limitText === '' ? limits.default : Number(limitText);
  const page = pageText === null || pageText === '' ? 1 : Number(pageText);
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(page) || page < 1) {
    return httpProblem(400, 'Bad Request', 'Request validation failed');
  }
  if (limit > limits.max) return httpProblem(422, 'Unprocessable Entity', `Limit ${limits.max} per page`);
  const pageCount = Math.ceil(all.length / limit);
  const items = all.slice((page - 1) * limit, page * limit);
  return { items, page, limit, pageCount };
}

function pageHref(url: URL, page: number, limit: number): { href: string } {
  const target = new URL(url.pathname, url.origin);
  for (const [key, value] of url.searchParams) if (key !== 'page' && key !== 'limit') target.searchParams.append(key, value);
  target.searchParams.set('limit', String(limit));
  target.searchParams.set('page', String(page));
  return { href: target.toString() };
}

function orderBy<T>(items: T[], url: URL, keys: Record<string, (item: T) => number>, fallback: string): T[] {
  const order = bracketParams(url.searchParams, 'order');
  const [key, direction] =
    Object.entries(order).find(([name, value]) => name in keys && typeof value === 'string') ?? [fallback, 'asc'];
  const pickKey = keys[key] ?? keys[fallback]!;
  const sign = direction === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * (pickKey(a) - pickKey(b)));
}

export function createSandboxAmo(options: SandboxOptions = {}): SandboxAmo {
  const account = options.account ?? demoAccount();
  const { fixture } = account;
  const now = options.now ?? (() => Date.now());
  const integration: SandboxIntegration = {
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
    name: 'Hub Connect',
    ...options.integration,
  };
  let faults: SandboxFaults =
    typeof options.faults === 'string' ? parseSandboxFaults(options.faults) : { ...DEFAULT_FAULTS, ...options.faults };
  let dice = seededRandom(faults.seed);
  const owner = fixture.users[0]!;
  const accountId = fixture.account.id;

  const codes = new Map<string, CodeGrant>();
  const accessTokens = new Map<string, TokenGrant>();
  const refreshTokens = new Map<string, TokenGrant & { used: boolean; access: string }>();
  const requests: Array<{ method: string; path: string }> = [];
  const bucket = { tokens: faults.rps, at: now() };

  const app = new Hono();
  app.onError(() => httpProblem(500, 'ErrInternalServer', 'Our team are probably already working on the elimination of the problem'));
  app.use('*', async (c, next) => {
    requests.push({ method: c.req.method, path: new URL(c.req.url).pathname });
    await next();
  });

  // ---- OAuth: consent page and decision -------------------------------------------------

  app.get('/oauth', (c) => {
    const clientId = c.req.query('client_id') ?? '';
    const state = c.req.query('state') ?? null;
    const mode = c.req.query('mode') ?? 'popup';
    if (clientId !== integration.clientId) {
      return c.html(errorPage('Интеграция не найдена', 'Проверьте client_id: такой интеграции нет в этом аккаунте.'), 400);
    }
    if (state !== null && state.length > 1024) {
      return c.html(errorPage('Некорректный запрос', 'Параметр state слишком длинный.'), 400);
    }
    return c.html(
      consentPage({
        integrationName: integration.name,
        accountName: fixture.account.name,
        accountAddress: `${fixture.account.subdomain}.amocrm.ru (${new URL(c.req.url).host})`,
        userName: owner.name,
        clientId,
        state,
        mode,
      }),
    );
  });

  app.post('/oauth/decision', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
    const clientId = field('client_id');
    const state = field('state');
    const decision = field('decision');
    if (clientId !== integration.clientId || (decision !== 'allow' && decision !== 'deny')) {
      return c.html(errorPage('Некорректный запрос', 'Форма согласия заполнена неверно.'), 400);
    }
    const target = new URL(integration.redirectUri);
    if (decision === 'deny') {
      target.searchParams.set('error', 'access_denied');
      if (state !== undefined) target.searchParams.set('state', state);
      return c.redirect(target.toString(), 302);
    }
    const code = `def50200${randomHex(96)}`;
    codes.set(code, { clientId, expiresAt: now() + CODE_TTL_MS, used: false });
    target.searchParams.set('code', code);
    target.searchParams.set('referer', new URL(c.req.url).host);
    if (state !== undefined) target.searchParams.set('state', state);
    target.searchParams.set('platform', '1');
    target.searchParams.set('client_id', clientId);
    return c.redirect(target.toString(), 302);
  });

  // ---- OAuth: token endpoint ------------------------------------------------------------

  const issueTokens = (host: string) => {
    const issuedAt = Math.floor(now() / 1000);
    const expiresIn = faults.accessTtlSec;
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', jti: randomHex(20) }));
    const payload = base64url(
      JSON.stringify({
        aud: integration.clientId,
        jti: randomHex(20),
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + expiresIn,
        sub: String(owner.id),
        account_id: accountId,
        base_domain: 'amocrm.ru',
        api_domain: host,
        version: 2,
        scopes: ['crm', 'notifications'],
      }),
    );
    const access = `${header}.${payload}.${base64url(randomHex(64))}`;
    const refresh = `def50200${randomHex(160)}`;
    accessTokens.set(access, { expiresAt: now() + expiresIn * 1000, revoked: false });
    refreshTokens.set(refresh, { expiresAt: now() + REFRESH_TTL_MS, revoked: false, used: false, access });
    return {
      token_type: 'Bearer',
      expires_in: expiresIn,
      server_time: issuedAt,
      access_token: access,
      refresh_token: refresh,
    };
  };

  app.post('/oauth2/access_token', async (c) => {
    await delay(faults.latencyMs, c.req.raw.signal);
    let body: Record<string, unknown>;
    try {
      const type = c.req.header('Content-Type') ?? '';
      body = type.includes('application/json')
        ? await c.req.json<Record<string, unknown>>()
        : Object.fromEntries(new URLSearchParams(await c.req.text()));
    } catch {
      return oauthProblem('The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null) return oauthProblem('The request body is not valid JSON');
    const text = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
    const grantType = text('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return oauthProblem('Check the `grant_type` parameter');
    }
    if (text('client_id') !== integration.clientId || text('client_secret') !== integration.clientSecret) {
      return oauthProblem('Client authentication failed');
    }
    if (text('redirect_uri') !== integration.redirectUri) return oauthProblem('Check the `redirect_uri` parameter');
    const host = new URL(c.req.url).host;

    if (grantType === 'authorization_code') {
      const code = text('code');
      if (!code) return oauthProblem('Check the `code` parameter');
      const grant = codes.get(code);
      if (!grant) return oauthProblem('Cannot decrypt the authorization code');
      if (grant.used) return oauthProblem('Authorization code has been revoked');
      if (now() > grant.expiresAt) return oauthProblem('Authorization code has expired');
      if (grant.clientId !== integration.clientId) return oauthProblem('Authorization code was not issued to this client');
      grant.used = true;
      return c.json(issueTokens(host));
    }

    const refresh = text('refresh_token');
    if (!refresh) return oauthProblem('Check the `refresh_token` parameter');
    const grant = refreshTokens.get(refresh);
    if (!grant || grant.used || grant.revoked || now() > grant.expiresAt) return oauthProblem('Invalid refresh token');
    grant.used = true;
    const previous = accessTokens.get(grant.access);
    if (previous) previous.revoked = true;
    return c.json(issueTokens(host));
  });

  // ---- API v4 ---------------------------------------------------------------------------

  app.use('/api/v4/*', async (c, next) => {
    await delay(faults.latencyMs, c.req.raw.signal);
    if (faults.rps > 0) {
      const at = now();
      bucket.tokens = Math.min(faults.rps, bucket.tokens + ((at - bucket.at) / 1000) * faults.rps);
      bucket.at = at;
      if (bucket.tokens < 1) {
        return httpProblem(429, 'Too Many Requests', 'You have sent too many requests in a given amount of time. Please try again later.', {
          retry_after: 1,
        });
      }
      bucket.tokens -= 1;
    }
    const match = /^Bearer (.+)$/.exec(c.req.header('Authorization') ?? '');
    const grant = match ? accessTokens.get(match[1]!) : undefined;
    if (!grant || grant.revoked || now() >= grant.expiresAt) return unauthorized();
    if (faults.blocked) return httpProblem(403, 'Forbidden', 'Account is blocked');
    if (faults.unpaid) return httpProblem(402, 'Payment Required', 'Payment required');
    if (faults.rate429 > 0 && dice() < faults.rate429) {
      return httpProblem(429, 'Too Many Requests', 'You have sent too many requests in a given amount of time. Please try again later.', {
        retry_after: faults.retryAfterSec,
      });
    }
    if (faults.error500 > 0 && dice() < faults.error500) {
      return json(
        {
          title: 'ErrInternalServer',
          status: 500,
          detail: 'Our team are probably already working on the elimination of the problem',
          trace_id: randomHex(8),
        },
        500,
        'application/problem+json',
      );
    }
    await next();
  });

  const origin = (c: Context) => new URL(c.req.url).origin;
  const self = (c: Context, path: string) => ({ self: { href: `${origin(c)}${path}` } });

  app.get('/api/v4/account', (c) =>
    hal({
      id: accountId,
      name: fixture.account.name,
      subdomain: fixture.account.subdomain,
      created_at: fixture.account.created_at,
      created_by: 0,
      updated_at: fixture.account.created_at,
      updated_by: 0,
      current_user_id: owner.id,
      country: fixture.account.country,
      currency: fixture.account.currency,
      currency_symbol: fixture.account.currency_symbol,
      customers_mode: 'disabled',
      is_unsorted_on: fixture.pipelines.some((pipeline) => pipeline.is_unsorted_on),
      mobile_feature_version: 0,
      is_loss_reason_enabled: true,
      is_helpbot_enabled: false,
      is_technical_account: false,
      contact_name_display_order: 1,
      _links: self(c, '/api/v4/account'),
    }),
  );

  const statusJson = (c: Context, pipeline: FixturePipeline, status: FixtureStatus) => ({
    id: status.id,
    name: status.name,
    sort: status.sort,
    is_editable: status.type !== 1 && status.id !== 142 && status.id !== 143,
    pipeline_id: pipeline.id,
    color: status.color,
    type: status.type,
    account_id: accountId,
    ...(c.req.query('with')?.split(',').includes('descriptions') ? { descriptions: [] } : {}),
    _links: self(c, `/api/v4/leads/pipelines/${pipeline.id}/statuses/${status.id}`),
  });
  const pipelineJson = (c: Context, pipeline: FixturePipeline) => ({
    id: pipeline.id,
    name: pipeline.name,
    sort: pipeline.sort,
    is_main: pipeline.is_main,
    is_unsorted_on: pipeline.is_unsorted_on,
    is_archive: pipeline.is_archive,
    account_id: accountId,
    _links: self(c, `/api/v4/leads/pipelines/${pipeline.id}`),
    _embedded: { statuses: pipeline.statuses.map((status) => statusJson(c, pipeline, status)) },
  });
  const findPipeline = (c: Context) => fixture.pipelines.find((pipeline) => pipeline.id === Number(c.req.param('id')));

  app.get('/api/v4/leads/pipelines', (c) =>
    hal({
      _total_items: fixture.pipelines.length,
      _links: self(c, '/api/v4/leads/pipelines'),
      _embedded: { pipelines: fixture.pipelines.map((pipeline) => pipelineJson(c, pipeline)) },
    }),
  );
  app.get('/api/v4/leads/pipelines/:id{[0-9]+}', (c) => {
    const pipeline = findPipeline(c);
    return pipeline ? hal(pipelineJson(c, pipeline)) : noContent();
  });
  app.get('/api/v4/leads/pipelines/:id{[0-9]+}/statuses', (c) => {
    const pipeline = findPipeline(c);
    if (!pipeline) return noContent();
    return hal({
      _total_items: pipeline.statuses.length,
      _links: self(c, `/api/v4/leads/pipelines/${pipeline.id}/statuses`),
      _embedded: { statuses: pipeline.statuses.map((status) => statusJson(c, pipeline, status)) },
    });
  });
  app.get('/api/v4/leads/pipelines/:id{[0-9]+}/statuses/:status{[0-9]+}', (c) => {
    const pipeline = findPipeline(c);
    const status = pipeline?.statuses.find((candidate) => candidate.id === Number(c.req.param('status')));
    return pipeline && status ? hal(statusJson(c, pipeline, status)) : noContent();
  });

  const fieldJson = (c: Context, field: FixtureCustomField) => ({
    id: field.id,
    name: field.name,
    type: field.type,
    account_id: accountId,
    code: field.code,
    sort: field.sort,
    is_api_only: field.is_api_only,
    enums: field.enums?.map((option) => ({ id: option.id, value: option.value, sort: option.sort, code: option.code })) ?? null,
    group_id: field.group_id,
    required_statuses: [],
    is_deletable: field.is_deletable,
    is_predefined: field.is_predefined,
    entity_type: 'leads',
    is_computed: false,
    tracking_callback: null,
    remind: null,
    triggers: [],
    currency: field.currency,
    hidden_statuses: [],
    chained_lists: null,
    _links: self(c, `/api/v4/leads/custom_fields/${field.id}`),
  });

  app.get('/api/v4/leads/custom_fields', (c) => {
    const url = new URL(c.req.url);
    const types = leaves(bracketParams(url.searchParams, 'filter').type);
    const matching = fixture.custom_fields.filter((field) => types.length === 0 || types.includes(field.type));
    const sorted = orderBy(
      [...matching].sort((a, b) => a.sort - b.sort || a.id - b.id),
      url,
      { sort: (field) => field.sort, id: (field) => field.id },
      'sort',
    );
    const page = paginate(sorted, url, CUSTOM_FIELDS_LIMIT);
    if (page instanceof Response) return page;
    if (page.items.length === 0) return noContent();
    return hal({
      _total_items: matching.length,
      _page: page.page,
      _page_count: page.pageCount,
      _links: {
        self: pageHref(url, page.page, page.limit),
        ...(page.page < page.pageCount ? { next: pageHref(url, page.page + 1, page.limit) } : {}),
        last: pageHref(url, page.pageCount, page.limit),
      },
      _embedded: { custom_fields: page.items.map((field) => fieldJson(c, field)) },
    });
  });
  app.get('/api/v4/leads/custom_fields/:id{[0-9]+}', (c) => {
    const field = fixture.custom_fields.find((candidate) => candidate.id === Number(c.req.param('id')));
    return field ? hal(fieldJson(c, field)) : noContent();
  });

  const fieldsById = new Map(fixture.custom_fields.map((field) => [field.id, field]));
  const leadJson = (c: Context, lead: SandboxLead) => ({
    id: lead.id,
    name: lead.name,
    price: lead.price,
    responsible_user_id: lead.responsibleUserId,
    group_id: 0,
    status_id: lead.statusId,
    pipeline_id: lead.pipelineId,
    loss_reason_id: null,
    created_by: lead.responsibleUserId,
    updated_by: lead.responsibleUserId,
    created_at: lead.createdAt,
    updated_at: lead.updatedAt,
    closed_at: lead.closedAt,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values:
      lead.values.length === 0
        ? null
        : lead.values.map((entry) => {
            const field = fieldsById.get(entry.fieldId)!;
            return {
              field_id: field.id,
              field_name: field.name,
              field_code: field.code,
              field_type: field.type,
              values: entry.values.map((value) => {
                const option = field.enums?.find((candidate) => candidate.id === value);
                if (option) return { value: option.value, enum_id: option.id, enum_code: option.code };
                // amoCRM sends numbers of numeric and monetary fields as strings ("1.5").
                return { value: typeof value === 'number' && !['date', 'date_time', 'birthday'].includes(field.type) ? String(value) : value };
              }),
            };
          }),
    score: null,
    account_id: accountId,
    labor_cost: null,
    _links: self(c, `/api/v4/leads/${lead.id}`),
    _embedded: { tags: [], companies: [] },
  });

  app.get('/api/v4/leads', (c) => {
    const url = new URL(c.req.url);
    const filter = bracketParams(url.searchParams, 'filter');
    const ids = numbers(filter.id);
    const pipelineIds = numbers(filter.pipeline_id);
    const statuses = statusPairs(filter.statuses);
    const responsible = numbers(filter.responsible_user_id);
    const created = range(filter.created_at);
    const updated = range(filter.updated_at);
    const closed = range(filter.closed_at);
    const price = range(filter.price);
    const matching = account.leads.filter(
      (lead) =>
        (ids.length === 0 || ids.includes(lead.id)) &&
        (pipelineIds.length === 0 || pipelineIds.includes(lead.pipelineId)) &&
        (statuses.length === 0 ||
          statuses.some((pair) => pair.pipelineId === lead.pipelineId && (pair.statusId === null || pair.statusId === lead.statusId))) &&
        (responsible.length === 0 || responsible.includes(lead.responsibleUserId)) &&
        inRange(lead.createdAt, created) &&
        inRange(lead.updatedAt, updated) &&
        inRange(lead.closedAt, closed) &&
        inRange(lead.price, price),
    );
    const sorted = orderBy(
      matching,
      url,
      { id: (lead) => lead.id, created_at: (lead) => lead.createdAt, updated_at: (lead) => lead.updatedAt },
      'id',
    );
    const page = paginate(sorted, url, LEADS_LIMIT);
    if (page instanceof Response) return page;
    if (page.items.length === 0) return noContent();
    return hal({
      _page: page.page,
      _links: {
        self: pageHref(url, page.page, page.limit),
        ...(page.page < page.pageCount ? { next: pageHref(url, page.page + 1, page.limit) } : {}),
        ...(page.page > 1 ? { first: pageHref(url, 1, page.limit), prev: pageHref(url, page.page - 1, page.limit) } : {}),
      },
      _embedded: { leads: page.items.map((lead) => leadJson(c, lead)) },
    });
  });
  app.get('/api/v4/leads/:id{[0-9]+}', (c) => {
    const lead = account.leads.find((candidate) => candidate.id === Number(c.req.param('id')));
    return lead ? hal(leadJson(c, lead)) : noContent();
  });

  const leadsById = new Map(account.leads.map((lead) => [lead.id, lead]));
  const eventJson = (c: Context, event: SandboxStatusChange, withLeadName: boolean) => ({
    id: event.id,
    type: 'lead_status_changed',
    entity_id: event.leadId,
    entity_type: 'lead',
    created_by: event.createdBy,
    created_at: event.createdAt,
    value_after: [{ lead_status: { id: event.after.statusId, pipeline_id: event.after.pipelineId } }],
    value_before: [{ lead_status: { id: event.before.statusId, pipeline_id: event.before.pipelineId } }],
    account_id: accountId,
    _links: self(c, `/api/v4/events/${event.id}`),
    _embedded: {
      entity: {
        id: event.leadId,
        ...(withLeadName ? { name: leadsById.get(event.leadId)?.name ?? '' } : {}),
        _links: self(c, `/api/v4/leads/${event.leadId}`),
      },
    },
  });

  app.get('/api/v4/events', (c) => {
    const url = new URL(c.req.url);
    const filter = bracketParams(url.searchParams, 'filter');
    const types = leaves(filter.type);
    const entities = leaves(filter.entity);
    const entityIds = numbers(filter.entity_id);
    if (entityIds.length > 10) return httpProblem(400, 'Bad Request', 'Request validation failed');
    const created = range(filter.created_at);
    const after = statusPairs(child(filter.value_after, 'leads_statuses'));
    const relevant =
      (types.length === 0 || types.includes('lead_status_changed')) && (entities.length === 0 || entities.includes('lead'));
    const matching = relevant
      ? account.events.filter(
          (event) =>
            (entityIds.length === 0 || entityIds.includes(event.leadId)) &&
            inRange(event.createdAt, created) &&
            (after.length === 0 ||
              after.some(
                (pair) =>
                  pair.pipelineId === event.after.pipelineId && (pair.statusId === null || pair.statusId === event.after.statusId),
              )),
        )
      : [];
    // Newest first, like amoCRM's events feed.
    const sorted = [...matching].sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
    const page = paginate(sorted, url, EVENTS_LIMIT);
    if (page instanceof Response) return page;
    if (page.items.length === 0) return noContent();
    const withLeadName = (c.req.query('with') ?? '').split(',').includes('lead_name');
    return hal({
      _page: page.page,
      _links: {
        self: pageHref(url, page.page, page.limit),
        ...(page.page < page.pageCount ? { next: pageHref(url, page.page + 1, page.limit) } : {}),
      },
      _embedded: { events: page.items.map((event) => eventJson(c, event, withLeadName)) },
    });
  });

  app.notFound((c) => {
    const known = /^\/api\/v4\/(account|events|leads(\/pipelines|\/custom_fields)?)(\/|$)/.test(c.req.path);
    if (known && c.req.method !== 'GET') return httpProblem(405, 'Method Not Allowed', `Method ${c.req.method} is not allowed`);
    return httpProblem(404, 'Not Found', `Cannot ${c.req.method} ${c.req.url}`);
  });

  return {
    fetch: async (request) => app.fetch(request),
    account,
    integration,
    get faults() {
      return faults;
    },
    setFaults(patch) {
      faults = { ...faults, ...patch };
      if (patch.seed !== undefined) dice = seededRandom(faults.seed);
      if (patch.rps !== undefined) bucket.tokens = faults.rps;
    },
    revokeAccess() {
      for (const grant of accessTokens.values()) grant.revoked = true;
      for (const grant of refreshTokens.values()) grant.revoked = true;
    },
    expireAccessTokens() {
      const at = now();
      for (const grant of accessTokens.values()) grant.expiresAt = Math.min(grant.expiresAt, at);
    },
    issuedSecrets: () => [...codes.keys(), ...accessTokens.keys(), ...refreshTokens.keys()],
    requests,
  };
}
