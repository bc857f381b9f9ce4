import { z } from 'zod';

import type { CrmAccount } from '../../../app/contracts/connector';
import type { CrmCustomField } from '../../../app/contracts/crm-schema';
import { CrmError, OAuthCallbackError } from '../errors';
import { CrmHostError, outcome, type CrmOutcome } from '../http/client';
import { createOAuthCrmClient, type CrmClientOptions } from '../http/oauth-crm';
import type { RateLimitPolicy } from '../http/rate-limiter';
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

import { accountBaseUrl, amoCrmDestinations } from './hosts';
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

/** "Not more than 7 requests per second" per account (docs/crm-apis.md §1.7). */
export const AMOCRM_RATE_LIMIT: RateLimitPolicy = { kind: 'window', perSecond: 7 };

const CRM_NAME = 'amoCRM';

export interface AmoCrmOptions extends CrmClientOptions {
  clientId: string;
  clientSecret: string;
  /** Must equal the Redirect URI in the integration's settings. */
  redirectUri: string;
  /** `https://www.amocrm.ru/oauth`, or the sandbox's `/oauth`. */
  authorizeEndpoint: string;
  /** A sandbox amoCRM's origin (`AMOCRM_SANDBOX_ORIGIN`, e.g. `http://127.0.0.1:8788`): its host is then the only accepted `referer`. */
  sandboxOrigin?: string;
  /** Custom fields per page (amoCRM max 250). */
  pageSize?: number;
}

/** The account's `currency` (GET /api/v4/account): an ISO 4217 code, anything else is not one. */
const accountCurrencySchema = z.object({ currency: z.string().nullable().optional() });
const ISO_CURRENCY = /^[A-Z]{3}$/;

/** amoCRM's ids are positive integers; anything else names nothing in amoCRM. */
const isAmoId = (id: string): boolean => /^[1-9]\d{0,15}$/.test(id);

/** `filter[entity_id]` of GET /api/v4/events takes at most this many ids. */
const MAX_EVENT_ENTITIES = 10;
/** Pages reserved for each group of 10 deals in `listEvents`' page numbers. */
const EVENT_CHUNK_PAGES = 100_000;

const chunked = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

type ApiResult = { status: 200; body: unknown } | { status: 204 };

/** What API v4 answers mean (docs/crm-apis.md §1.7). */
function classifyApi(response: Response, body: unknown): CrmOutcome<ApiResult> {
  switch (response.status) {
    case 200:
      return body === null ? outcome.fail(new CrmError('crm_unavailable', 'amoCRM sent an unreadable 200 response')) : outcome.ok({ status: 200, body });
    case 204:
      return outcome.ok({ status: 204 });
    case 401:
      return outcome.refresh();
    case 402:
      return outcome.fail(new CrmError('crm_payment_required', 'amoCRM: payment required'));
    case 403:
      return outcome.fail(new CrmError('crm_forbidden', 'amoCRM: forbidden'));
    case 429:
      return outcome.rateLimited(retryAfterSeconds(body, response.headers.get('Retry-After')));
    default:
      return response.status >= 500 ? outcome.unavailable() : outcome.fail(new CrmError('crm_unavailable', `amoCRM answered ${response.status}`));
  }
}

type TokenAnswer = { kind: 'refused' } | { kind: 'granted'; body: unknown };

export function createAmoCrmAdapter(options: AmoCrmOptions): CrmAdapter {
  const pageSize = Math.min(options.pageSize ?? 250, 250);
  const log = options.logger;
  const { http, oauth, timing, parse } = createOAuthCrmClient(
    CRM_NAME,
    AMOCRM_RATE_LIMIT,
    amoCrmDestinations(options.sandboxOrigin),
    options,
    (baseUrl, refreshToken, party) => refresh(baseUrl, refreshToken, party),
  );

  /**
   * POST /oauth2/access_token (both grants), never retried. A 400/401 means the grant itself
   * was refused. `party`: whose line it waits in (the workspace's connection).
   */
  async function tokenRequest(baseUrl: string, grant: Record<string, string>, party?: string): Promise<CrmTokens | 'refused'> {
    const url = new URL('/oauth2/access_token', baseUrl);
    const answer = await http.request<TokenAnswer>({
      build: () => ({
        url,
        party,
        init: {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({
            client_id: options.clientId,
            client_secret: options.clientSecret,
            redirect_uri: options.redirectUri,
            ...grant,
          }),
        },
      }),
      classify: (response, body) => {
        if (response.status === 400 || response.status === 401) {
          const hint = typeof body === 'object' && body !== null && 'hint' in body ? String(body.hint) : undefined;
          log?.warn('crm token grant refused', { crm: CRM_NAME, host: url.host, grant: grant.grant_type, status: response.status, hint });
          return outcome.ok({ kind: 'refused' });
        }
        if (response.status === 429) {
          const retryAfter = retryAfterSeconds(body, response.headers.get('Retry-After'));
          return outcome.fail(new CrmError('crm_rate_limited', 'amoCRM rate-limited the token request', retryAfter ?? undefined));
        }
        if (!response.ok) return outcome.fail(new CrmError('crm_unavailable', `amoCRM answered ${response.status} to the token request`));
        if (body === null) return outcome.fail(new CrmError('crm_unavailable', `amoCRM sent an unreadable ${response.status} response`));
        return outcome.ok({ kind: 'granted', body });
      },
    });
    if (answer.kind === 'refused') return 'refused';
    return toTokens(parse(tokenResponseSchema, answer.body, 'token'), timing.now());
  }

  async function refresh(baseUrl: string, refreshToken: string, party?: string): Promise<CrmTokens> {
    const tokens = await tokenRequest(baseUrl, { grant_type: 'refresh_token', refresh_token: refreshToken }, party);
    if (tokens === 'refused') throw new CrmError('crm_access_revoked', 'amoCRM refused the refresh token');
    return tokens;
  }

  /**
   * GET on API v4 with the connection's token; the shared client retries, refreshes and limits
   * (in the line of `party`: by default the connection's workspace).
   */
  function apiGet(connection: CrmConnection, path: string, query: Record<string, string | number> = {}, party = connection.key): Promise<ApiResult> {
    return http.request({
      credentials: oauth.credentials(connection),
      build: (access: StoredAccess) => {
        const url = new URL(path, access.baseUrl);
        for (const [key, value] of Object.entries(query)) url.searchParams.append(key, String(value));
        return { url, party, init: { headers: { Authorization: `Bearer ${access.tokens.accessToken}`, Accept: 'application/hal+json' } } };
      },
      classify: classifyApi,
    });
  }

  async function getAccount(connection: CrmConnection, party?: string): Promise<CrmAccount> {
    const result = await apiGet(connection, '/api/v4/account', {}, party);
    if (result.status === 204) throw new CrmError('crm_unavailable', 'amoCRM sent no account');
    return toAccount(parse(accountSchema, result.body, 'account'));
  }

  async function accountCurrency(connection: CrmConnection): Promise<string | null> {
    const result = await apiGet(connection, '/api/v4/account');
    if (result.status === 204) return null;
    const currency = parse(accountCurrencySchema, result.body, 'account').currency?.trim().toUpperCase() ?? '';
    return ISO_CURRENCY.test(currency) ? currency : null;
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

    async exchangeCode(callback, context = {}): Promise<CrmGrant> {
      const party = context.workspaceId === undefined ? undefined : `${context.workspaceId}/amocrm`;
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
        tokens = await tokenRequest(baseUrl, { grant_type: 'authorization_code', code }, party);
      } catch (error) {
        if (error instanceof CrmHostError) throw new OAuthCallbackError('host_not_allowed', error.message);
        if (error instanceof CrmError) throw new OAuthCallbackError('crm_unavailable', error.message);
        throw error;
      }
      if (tokens === 'refused') throw new OAuthCallbackError('code_exchange_failed', 'amoCRM refused the code');
      try {
        const account = await getAccount(memoryConnection({ baseUrl, tokens, account: { id: '1', domain: '-', name: '' } }), party);
        return { baseUrl, tokens, account };
      } catch (error) {
        if (error instanceof CrmError) throw new OAuthCallbackError('crm_unavailable', error.message);
        throw error;
      }
    },

    refresh: (baseUrl, refreshToken) => refresh(baseUrl, refreshToken),
    getAccount: (connection) => getAccount(connection),
    accountCurrency,

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
      // amoCRM ignores a filter value it cannot read (and would list every deal): ids that are
      // not amoCRM's numbers match nothing here.
      const pipelineIds = query.pipelineIds?.filter(isAmoId);
      if (query.pipelineIds && pipelineIds?.length === 0) return { items: [], nextPage: null };
      pipelineIds?.forEach((id, i) => (params[`filter[pipeline_id][${i}]`] = id));
      if (query.createdFrom !== undefined) params['filter[created_at][from]'] = query.createdFrom;
      if (query.createdTo !== undefined) params['filter[created_at][to]'] = query.createdTo;
      if (query.updatedFrom !== undefined) params['filter[updated_at][from]'] = query.updatedFrom;
      const result = await apiGet(connection, '/api/v4/leads', params);
      if (result.status === 204) return { items: [], nextPage: null };
      const body = parse(leadsPageSchema, result.body, 'leads');
      return { items: body._embedded.leads.map(toLead), nextPage: body._links?.next ? page + 1 : null };
    },

    async listEvents(connection, query: ListEventsQuery = {}): Promise<CrmPage<CrmStatusChange>> {
      const limit = Math.min(query.limit ?? 100, 100);
      const leadIds = query.leadIds?.filter(isAmoId);
      if (query.leadIds && leadIds?.length === 0) return { items: [], nextPage: null };
      // amoCRM filters by at most 10 deals per request: more are asked for 10 at a time, and
      // the page number carries which ten (`chunk · EVENT_CHUNK_PAGES + page within it`).
      const chunks: Array<string[] | undefined> = leadIds ? chunked(leadIds, MAX_EVENT_ENTITIES) : [undefined];
      const start = (query.page ?? 1) - 1;
      let chunk = Math.floor(start / EVENT_CHUNK_PAGES);
      let page = (start % EVENT_CHUNK_PAGES) + 1;
      const at = (index: number, within: number) => index * EVENT_CHUNK_PAGES + within;
      for (; chunk < chunks.length; chunk += 1, page = 1) {
        const params: Record<string, string | number> = { limit, page, 'filter[type][0]': 'lead_status_changed', 'filter[entity][0]': 'lead' };
        if (query.createdFrom !== undefined) params['filter[created_at][from]'] = query.createdFrom;
        if (query.createdTo !== undefined) params['filter[created_at][to]'] = query.createdTo;
        chunks[chunk]?.forEach((id, i) => (params[`filter[entity_id][${i}]`] = id));
        const result = await apiGet(connection, '/api/v4/events', params);
        if (result.status === 204) continue;
        const body = parse(eventsPageSchema, result.body, 'events');
        const items = body._embedded.events.flatMap((event) => toStatusChange(event) ?? []);
        const next = body._links?.next ? at(chunk, page + 1) : chunk + 1 < chunks.length ? at(chunk + 1, 1) : null;
        // An empty page of one group of deals moves on to the next group rather than saying "more follow".
        if (items.length === 0 && !body._links?.next) continue;
        return { items, nextPage: next };
      }
      return { items: [], nextPage: null };
    },
  };
}
