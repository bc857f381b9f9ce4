import type { z } from 'zod';

import type { CrmAccount } from '../../../app/contracts/connector';
import type { CrmCustomField } from '../../../app/contracts/crm-schema';
import type { Logger } from '../../lib/logger';
import { CrmError, OAuthCallbackError } from '../errors';
import { RateLimiters, realTiming, type Timing } from '../http/rate-limiter';
import { memoryConnection } from '../token-store';
import type {
  CrmAdapter,
  CrmConnection,
  CrmGrant,
  CrmLead,
  CrmPage,
  CrmStatusChange,
  CrmTokens,
  ListEventsQuery,
  ListLeadsQuery,
  StoredAccess,
} from '../types';
import { accountBaseUrl } from './hosts';
import {
  accountSchema,
  customFieldsPageSchema,
  eventsPageSchema,
  leadsPageSchema,
  pipelinesSchema,
  retryAfterSeconds,
  toAccount,
  toCustomField,
  toLead,
  toPipelines,
  toStatusChange,
  tokenResponseSchema,
  toTokens,
} from './normalize';

/** amoCRM's consent window (docs/crm-apis.md §1.1). */
export const AMOCRM_AUTHORIZE_ENDPOINT = 'https://www.amocrm.ru/oauth';

export interface AmoCrmOptions {
  clientId: string;
  clientSecret: string;
  /** Must equal the Redirect URI in the integration's settings. */
  redirectUri: string;
  /** `https://www.amocrm.ru/oauth`, or the sandbox's `/oauth`. */
  authorizeEndpoint: string;
  /** A sandbox amoCRM's origin (`AMOCRM_SANDBOX_ORIGIN`, e.g. `http://127.0.0.1:8788`): its host is then the only accepted `referer`. */
  sandboxOrigin?: string;
  /** Per request (connect to last byte). Default 15 s. */
  timeoutMs?: number;
  /** amoCRM allows 7 requests per second per account. */
  requestsPerSecond?: number;
  /** Retries after 429 and 5xx. Default 3. */
  maxRetries?: number;
  /** A 429 asking to wait longer than this is not waited for. Default 10 s. */
  maxRetryWaitMs?: number;
  /** Custom fields per page (amoCRM max 250). */
  pageSize?: number;
  timing?: Timing;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** How long a refused refresh waits for a concurrent rotation to show up before calling the access revoked. */
const RACE_GRACE_MS = 300;

type ApiResult = { status: 200; body: unknown } | { status: 204 };

export function createAmoCrmAdapter(options: AmoCrmOptions): CrmAdapter {
  const timing = options.timing ?? realTiming;
  const fetchImpl = options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
  const pageSize = Math.min(options.pageSize ?? 250, 250);
  const limiters = new RateLimiters(options.requestsPerSecond ?? 7, timing);
  const refreshing = new Map<string, Promise<StoredAccess>>();
  const log = options.logger;

  /** One HTTP exchange with a timeout; network failures and timeouts become `crm_unavailable`. */
  async function send(url: URL, init: RequestInit): Promise<Response> {
    await limiters.acquire(url.origin);
    try {
      return await fetchImpl(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      log?.warn('crm request failed', { host: url.host, path: url.pathname, reason: timedOut ? 'timeout' : 'network' });
      throw new CrmError('crm_unavailable', timedOut ? `amoCRM did not answer within ${timeoutMs} ms` : 'amoCRM could not be reached');
    }
  }

  async function readJson(response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw new CrmError('crm_unavailable', `amoCRM sent an unreadable ${response.status} response`);
    }
  }

  function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
    const result = schema.safeParse(body);
    if (!result.success) throw new CrmError('crm_unavailable', `amoCRM sent an unexpected ${what} response`);
    return result.data;
  }

  /** POST /oauth2/access_token (both grants). A 400/401 means the grant itself was refused. */
  async function tokenRequest(baseUrl: string, grant: Record<string, string>): Promise<CrmTokens | 'refused'> {
    const url = new URL('/oauth2/access_token', baseUrl);
    const response = await send(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uri: options.redirectUri,
        ...grant,
      }),
    });
    if (response.status === 400 || response.status === 401) {
      const body: unknown = await response.json().catch(() => null);
      const hint = typeof body === 'object' && body !== null && 'hint' in body ? String(body.hint) : undefined;
      log?.warn('crm token grant refused', { host: url.host, grant: grant.grant_type, status: response.status, hint });
      return 'refused';
    }
    if (response.status === 429) {
      const body: unknown = await response.json().catch(() => null);
      const retryAfter = retryAfterSeconds(body, response.headers.get('Retry-After'));
      throw new CrmError('crm_rate_limited', 'amoCRM rate-limited the token request', retryAfter ?? undefined);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new CrmError('crm_unavailable', `amoCRM answered ${response.status} to the token request`);
    }
    return toTokens(parse(tokenResponseSchema, await readJson(response), 'token'), timing.now());
  }

  async function refresh(baseUrl: string, refreshToken: string): Promise<CrmTokens> {
    const tokens = await tokenRequest(baseUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
    if (tokens === 'refused') throw new CrmError('crm_access_revoked', 'amoCRM refused the refresh token');
    return tokens;
  }

  /**
   * Rotates the tokens once for everyone waiting on this connection. Refresh tokens are
   * single-use: if another process rotated first (our refresh is refused, or our
   * compare-and-swap loses), its tokens are the ones to use.
   */
  function refreshAccess(connection: CrmConnection, seen: StoredAccess): Promise<StoredAccess> {
    const pending = refreshing.get(connection.key);
    if (pending) return pending;
    const run = (async () => {
      const latest = connection.read();
      if (!latest) throw new CrmError('crm_not_connected', 'The CRM access was removed');
      if (latest.version !== seen.version && latest.tokens.expiresAt > timing.now()) return latest;
      let tokens: CrmTokens;
      try {
        tokens = await refresh(latest.baseUrl, latest.tokens.refreshToken);
      } catch (error) {
        if (error instanceof CrmError && error.code === 'crm_access_revoked') {
          // Refused: either the access is gone, or another process spent this refresh token
          // first and is about to store the new pair. Give it a moment before concluding.
          for (const wait of [0, RACE_GRACE_MS]) {
            if (wait > 0) await timing.sleep(wait);
            const now = connection.read();
            if (now && now.version !== latest.version) return now;
          }
          connection.revoked();
        }
        throw error;
      }
      const rotated = connection.rotate(latest.version, tokens);
      if (rotated) return rotated;
      const winner = connection.read();
      if (!winner) throw new CrmError('crm_not_connected', 'The CRM access was removed');
      return winner;
    })();
    const tracked = run.finally(() => refreshing.delete(connection.key));
    refreshing.set(connection.key, tracked);
    return tracked;
  }

  /**
   * GET on API v4 with the connection's token: 401 → one refresh → one retry; 429 honours
   * `retry_after` (bounded); 5xx retried with backoff; 402/403 typed errors; 204 = empty.
   */
  async function apiGet(connection: CrmConnection, path: string, query: Record<string, string | number> = {}): Promise<ApiResult> {
    let access = connection.read();
    if (!access) throw new CrmError('crm_not_connected', 'No CRM access stored');
    let refreshed = false;
    if (access.tokens.expiresAt <= timing.now()) {
      access = await refreshAccess(connection, access);
      refreshed = true;
    }
    for (let attempt = 0; ; attempt += 1) {
      const url = new URL(path, access.baseUrl);
      for (const [key, value] of Object.entries(query)) url.searchParams.append(key, String(value));
      const response = await send(url, {
        headers: { Authorization: `Bearer ${access.tokens.accessToken}`, Accept: 'application/hal+json' },
      });
      if (response.status === 204) return { status: 204 };
      if (response.status === 200) return { status: 200, body: await readJson(response) };
      const body: unknown = await response.json().catch(() => null);
      switch (response.status) {
        case 401:
          if (refreshed) {
            // amoCRM has just accepted the refresh token and issued this access token, yet
            // refuses it. That is not a revocation (the refresh itself would have been refused):
            // keep the new, valid pair and report the CRM as misbehaving; a later call retries.
            throw new CrmError('crm_unavailable', 'amoCRM refused a freshly refreshed token');
          }
          access = await refreshAccess(connection, access);
          refreshed = true;
          attempt -= 1; // the retry after a refresh is not a 429/5xx retry
          continue;
        case 402:
          throw new CrmError('crm_payment_required', 'amoCRM: payment required');
        case 403:
          throw new CrmError('crm_forbidden', 'amoCRM: forbidden');
        case 429: {
          const retryAfter = retryAfterSeconds(body, response.headers.get('Retry-After'));
          const waitMs = retryAfter === null ? backoff(attempt) : retryAfter * 1000;
          if (attempt >= maxRetries || waitMs > maxRetryWaitMs) {
            throw new CrmError('crm_rate_limited', 'amoCRM rate limit', retryAfter ?? undefined);
          }
          log?.info('crm rate limited, waiting', { host: url.host, path: url.pathname, waitMs });
          await timing.sleep(waitMs);
          continue;
        }
        default:
          if (response.status >= 500 && attempt < maxRetries) {
            log?.info('crm request failed, retrying', { host: url.host, path: url.pathname, status: response.status });
            await timing.sleep(backoff(attempt));
            continue;
          }
          log?.warn('crm request failed', { host: url.host, path: url.pathname, status: response.status });
          throw new CrmError('crm_unavailable', `amoCRM answered ${response.status}`);
      }
    }
  }

  const backoff = (attempt: number) => Math.min(maxRetryWaitMs, 500 * 2 ** attempt);

  async function getAccount(connection: CrmConnection): Promise<CrmAccount> {
    const result = await apiGet(connection, '/api/v4/account');
    if (result.status === 204) throw new CrmError('crm_unavailable', 'amoCRM sent no account');
    return toAccount(parse(accountSchema, result.body, 'account'));
  }

  return {
    connector: 'amocrm',

    authorizeUrl(state) {
      const url = new URL(options.authorizeEndpoint);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('state', state);
      url.searchParams.set('mode', 'post_message');
      return url.toString();
    },

    async exchangeCode(callback): Promise<CrmGrant> {
      const code = callback.get('code');
      if (!code) throw new OAuthCallbackError('code_missing', 'The callback carries no code');
      const baseUrl = accountBaseUrl(callback.get('referer'), options.sandboxOrigin);
      if (!baseUrl) throw new OAuthCallbackError('host_not_allowed', 'The referer is not an amoCRM account host');
      const clientId = callback.get('client_id');
      if (clientId !== null && clientId !== options.clientId) {
        throw new OAuthCallbackError('code_exchange_failed', 'The callback is for another integration');
      }
      let tokens: CrmTokens | 'refused';
      try {
        tokens = await tokenRequest(baseUrl, { grant_type: 'authorization_code', code });
      } catch (error) {
        if (error instanceof CrmError) throw new OAuthCallbackError('crm_unavailable', error.message);
        throw error;
      }
      if (tokens === 'refused') throw new OAuthCallbackError('code_exchange_failed', 'amoCRM refused the code');
      try {
        const account = await getAccount(memoryConnection({ baseUrl, tokens, account: { id: 1, subdomain: '', name: '' } }));
        return { baseUrl, tokens, account };
      } catch (error) {
        if (error instanceof CrmError) throw new OAuthCallbackError('crm_unavailable', error.message);
        throw error;
      }
    },

    refresh,
    getAccount,

    async listPipelines(connection) {
      const result = await apiGet(connection, '/api/v4/leads/pipelines');
      return result.status === 204 ? [] : toPipelines(parse(pipelinesSchema, result.body, 'pipelines'));
    },

    async listCustomFields(connection) {
      const fields: CrmCustomField[] = [];
      // Every page until `_links.next` is absent; 204 = nothing (more). The page number is ours:
      // hrefs may name shard hosts, and the token goes only to the account's own host.
      for (let page = 1; page <= 1000; page += 1) {
        const result = await apiGet(connection, '/api/v4/leads/custom_fields', { limit: pageSize, page });
        if (result.status === 204) break;
        const body = parse(customFieldsPageSchema, result.body, 'custom fields');
        fields.push(...body._embedded.custom_fields.map(toCustomField));
        if (!body._links?.next) break;
      }
      return fields;
    },

    async listLeads(connection, query: ListLeadsQuery = {}): Promise<CrmPage<CrmLead>> {
      const page = query.page ?? 1;
      const params: Record<string, string | number> = { limit: Math.min(query.limit ?? 50, 250), page };
      if (query.order) params[`order[${query.order.by}]`] = query.order.direction;
      query.pipelineIds?.forEach((id, i) => (params[`filter[pipeline_id][${i}]`] = id));
      if (query.createdFrom !== undefined) params['filter[created_at][from]'] = query.createdFrom;
      if (query.createdTo !== undefined) params['filter[created_at][to]'] = query.createdTo;
      const result = await apiGet(connection, '/api/v4/leads', params);
      if (result.status === 204) return { items: [], nextPage: null };
      const body = parse(leadsPageSchema, result.body, 'leads');
      return { items: body._embedded.leads.map(toLead), nextPage: body._links?.next ? page + 1 : null };
    },

    async listEvents(connection, query: ListEventsQuery = {}): Promise<CrmPage<CrmStatusChange>> {
      const page = query.page ?? 1;
      const params: Record<string, string | number> = {
        limit: Math.min(query.limit ?? 100, 100),
        page,
        'filter[type][0]': 'lead_status_changed',
        'filter[entity][0]': 'lead',
      };
      if (query.createdFrom !== undefined) params['filter[created_at][from]'] = query.createdFrom;
      if (query.createdTo !== undefined) params['filter[created_at][to]'] = query.createdTo;
      query.leadIds?.slice(0, 10).forEach((id, i) => (params[`filter[entity_id][${i}]`] = id));
      const result = await apiGet(connection, '/api/v4/events', params);
      if (result.status === 204) return { items: [], nextPage: null };
      const body = parse(eventsPageSchema, result.body, 'events');
      return {
        items: body._embedded.events.flatMap((event) => toStatusChange(event) ?? []),
        nextPage: body._links?.next ? page + 1 : null,
      };
    },
  };
}
