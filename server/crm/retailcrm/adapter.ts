import { lookup } from 'node:dns/promises';

import type { z } from 'zod';

import type { CrmAccount } from '../../../app/contracts/connector';
import { ApiKeyError, CrmError, OAuthCallbackError } from '../errors';
import { createCrmHttp, CrmHostError, outcome, type CrmOutcome } from '../http/client';
import type { CrmClientOptions } from '../http/oauth-crm';
import type { RateLimitPolicy } from '../http/rate-limiter';
import { realTiming } from '../http/timing';
import type { CrmAdapter, CrmConnection, CrmGrant, CrmLead, CrmPage, CrmStatusChange, ListEventsQuery, ListLeadsQuery, StoredAccess } from '../types';

import { ACCOUNT_URL_EXAMPLE, checkAccountUrl, isNonPublicAddress, retailCrmDestinations, type AccountAddress, type ResolveHost } from './hosts';
import {
  credentialsSchema,
  customFieldsPageSchema,
  DEFAULT_UTC_OFFSET_MINUTES,
  formatDateTime,
  historyPageSchema,
  ORDERS_PIPELINE_ID,
  ordersPageSchema,
  parseDateTime,
  sitesSchema,
  statusesSchema,
  statusGroupsSchema,
  toCustomField,
  toLead,
  toPipeline,
  toStatusChanges,
  type HistoryEntry,
  type RetailOrder,
} from './normalize';

/** "At most 10 requests a second per IP" (docs/crm-apis.md §3). */
export const RETAILCRM_RATE_LIMIT: RateLimitPolicy = { kind: 'window', perSecond: 10 };

/** The read scopes the connector needs (`GET /api/credentials` `scopes`), and what each covers. */
export const RETAILCRM_REQUIRED_SCOPES = ['order_read', 'reference_read', 'custom_fields_read'] as const;

/** Where a RetailCRM user finds the API keys (Settings → Integration → API access keys). */
export const RETAILCRM_KEY_HELP_URL = 'https://docs.retailcrm.ru/Users/Integration/SiteModules/APIKeys';

/** `limit` takes 20, 50 or 100 (§3.1). */
const CRM_PAGE = 100;
const LIMITS = [100, 50, 20] as const;
/** Bounds on walking a list page by page, against a CRM whose pages never end. */
const MAX_PAGES = 200;
/** Pages reserved for each order in `listEvents`' page numbers when filtering by order (`filter[orderId]` takes one). */
const ORDER_CHUNK_PAGES = 100_000;
/** Far in the future: an API key does not expire. */
const KEY_EXPIRES_AT = Date.UTC(9999, 0, 1);

const CRM_NAME = 'RetailCRM';

export interface RetailCrmOptions extends CrmClientOptions {
  /** A sandbox RetailCRM's origin (`RETAILCRM_SANDBOX_ORIGIN`): then the only account address accepted. */
  sandboxOrigin?: string;
  /** The sandbox's key, shown to people trying the product (`RETAILCRM_SANDBOX_API_KEY`). */
  sandboxApiKey?: string;
  /** How a typed host is resolved to check it is public (default `dns.lookup`); not used with a sandbox. */
  resolveHost?: ResolveHost;
  /** The accounts' time (RetailCRM writes date-times without an offset): minutes east of UTC. Default Moscow, 180. */
  utcOffsetMinutes?: number;
  /** Default page size of `listLeads` and `listEvents`. */
  pageSize?: number;
}

const defaultResolve: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const errorMsgOf = (body: unknown): string =>
  typeof body === 'object' && body !== null && 'errorMsg' in body && typeof body.errorMsg === 'string' ? body.errorMsg : '';

/** `Wrong "apiKey" value.` and `"apiKey" is missing.`: the key itself is refused. */
const isKeyRefusal = (status: number, body: unknown) => (status === 401 || status === 403) && /apikey/i.test(errorMsgOf(body));

const isRedirect = (status: number) => status >= 300 && status < 400;

/** What API v5 answers mean. A refused key is `crm_access_revoked` (the key was deleted or replaced in the CRM). */
function classifyApi(response: Response, body: unknown): CrmOutcome<unknown> {
  const { status } = response;
  if (isRedirect(status)) return outcome.fail(new CrmError('crm_unavailable', 'RetailCRM answered with a redirect (not followed)'));
  // Above 10 requests a second: 503 (an nginx page, no hint).
  if (status === 503) return outcome.rateLimited(null);
  if (status >= 500) return outcome.unavailable();
  if (status === 402) return outcome.fail(new CrmError('crm_payment_required', 'RetailCRM: the account is blocked'));
  if (isKeyRefusal(status, body)) return outcome.fail(new CrmError('crm_access_revoked', 'RetailCRM refused the API key'));
  if (status === 401 || status === 403) return outcome.fail(new CrmError('crm_forbidden', 'RetailCRM: access denied'));
  if (status === 200 && typeof body === 'object' && body !== null && (body as { success?: unknown }).success === true) return outcome.ok(body);
  return outcome.fail(new CrmError('crm_unavailable', `RetailCRM answered ${status}`));
}

type Filter = Record<string, string | readonly string[]>;

/** A query with PHP-style filters: `filter[ids][]=1&filter[ids][]=2`, `filter[sinceId]=5`. */
function query(params: Record<string, string | number>, filter: Filter = {}): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) search.set(key, String(value));
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === 'string') search.set(`filter[${key}]`, value);
    else for (const item of value) search.append(`filter[${key}][]`, item);
  }
  return search;
}

/** The largest page RetailCRM allows that is not larger than `limit` (20 at least). */
const crmLimit = (limit: number): number => LIMITS.find((allowed) => allowed <= limit) ?? 20;

const orderIds = (ids: readonly string[]): string[] => ids.filter((id) => /^[1-9]\d{0,15}$/.test(id));

export function createRetailCrmAdapter(options: RetailCrmOptions = {}): CrmAdapter {
  const log = options.logger;
  const sandboxOrigin = options.sandboxOrigin;
  const resolveHost = options.resolveHost ?? defaultResolve;
  const offset = options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
  const pageSize = Math.min(options.pageSize ?? 50, 250);
  const http = createCrmHttp({
    crmName: CRM_NAME,
    policy: options.rateLimit ?? RETAILCRM_RATE_LIMIT,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    maxRetryWaitMs: options.maxRetryWaitMs,
    maxQueuedPerParty: options.maxQueuedPerParty,
    maxInFlightPerParty: options.maxInFlightPerParty,
    sharedRate: options.sharedRate,
    destinations: retailCrmDestinations(sandboxOrigin),
    timing: options.timing ?? realTiming,
    fetch: options.fetch,
    logger: log,
  });

  function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
    const result = schema.safeParse(body);
    if (!result.success) throw new CrmError('crm_unavailable', `RetailCRM sent an unexpected ${what} response`);
    return result.data;
  }

  async function accessOf(connection: CrmConnection): Promise<StoredAccess> {
    const access = await connection.read();
    if (!access) throw new CrmError('crm_not_connected', 'The RetailCRM access was removed');
    return access;
  }

  /** One GET with the connection's key in `X-API-KEY` (never in the URL). A refused key removes the access. */
  async function get<T extends z.ZodType>(connection: CrmConnection, path: string, search: URLSearchParams, schema: T, what: string): Promise<z.output<T>> {
    const access = await accessOf(connection);
    const url = new URL(path, access.baseUrl);
    url.search = search.toString();
    try {
      const body = await http.request({
        build: () => ({ url, party: connection.key, init: { headers: { 'X-API-KEY': access.tokens.accessToken, Accept: 'application/json' } } }),
        classify: classifyApi,
      });
      return parse(schema, body, what);
    } catch (error) {
      if (error instanceof CrmError && error.code === 'crm_access_revoked') {
        // Once, whatever else was in flight with the same key.
        if (await connection.read()) {
          log?.warn('crm access revoked', { crm: CRM_NAME, host: url.host });
          await connection.revoked();
        }
      }
      throw error;
    }
  }

  // ---- authorization by API key ------------------------------------------------------------

  /** The host must resolve, and only to public addresses (a name pointing into our network is refused). */
  async function checkResolves(address: AccountAddress): Promise<void> {
    let addresses: string[];
    try {
      addresses = await resolveHost(address.host);
    } catch {
      throw new ApiKeyError('accountUrl', 'address_unreachable', `${address.host} does not exist: check the address of your RetailCRM account.`);
    }
    if (addresses.length === 0) throw new ApiKeyError('accountUrl', 'address_unreachable', `${address.host} does not exist: check the address of your RetailCRM account.`);
    if (addresses.some(isNonPublicAddress)) {
      log?.warn('crm address refused: resolves to a non-public address', { crm: CRM_NAME, host: address.host });
      throw new ApiKeyError('accountUrl', 'address_private', 'This address leads into a private network, not to RetailCRM.');
    }
  }

  type CredentialsAnswer =
    | { kind: 'ok'; body: unknown }
    | { kind: 'redirect' }
    | { kind: 'wrong_key' }
    | { kind: 'denied' }
    | { kind: 'no_account' };

  async function readCredentials(address: AccountAddress, key: string, party?: string): Promise<CredentialsAnswer> {
    const url = new URL('/api/credentials', address.origin);
    try {
      return await http.request<CredentialsAnswer>({
        build: () => ({ url, party, init: { headers: { 'X-API-KEY': key, Accept: 'application/json' } } }),
        classify: (response, body) => {
          const { status } = response;
          if (isRedirect(status)) return outcome.ok({ kind: 'redirect' });
          if (status === 503) return outcome.rateLimited(null);
          if (status >= 500) return outcome.unavailable();
          if (status === 402) return outcome.fail(new CrmError('crm_payment_required', 'RetailCRM: the account is blocked'));
          if (isKeyRefusal(status, body)) return outcome.ok({ kind: 'wrong_key' });
          if (status === 401 || status === 403) return outcome.ok({ kind: 'denied' });
          if (status === 200 && credentialsSchema.safeParse(body).success) return outcome.ok({ kind: 'ok', body });
          // `Account does not exist.`, an HTML page (nginx 404/405), anything else: no RetailCRM account here.
          return outcome.ok({ kind: 'no_account' });
        },
      });
    } catch (error) {
      if (error instanceof CrmHostError) throw new ApiKeyError('accountUrl', 'address_not_allowed', 'This server may not contact that address.');
      if (error instanceof CrmError && error.code === 'crm_unavailable') {
        throw new ApiKeyError('accountUrl', 'address_unreachable', 'RetailCRM does not answer at this address. Check the address and try again.');
      }
      throw error;
    }
  }

  /** The scopes the key lacks; old keys without `scopes` are judged by their method list. */
  function missingScopes(body: z.infer<typeof credentialsSchema>): string[] {
    if (body.scopes) return RETAILCRM_REQUIRED_SCOPES.filter((scope) => !body.scopes!.includes(scope));
    const paths = body.credentials ?? [];
    const covers: Record<(typeof RETAILCRM_REQUIRED_SCOPES)[number], string> = {
      order_read: '/api/orders',
      reference_read: '/api/reference/statuses',
      custom_fields_read: '/api/custom-fields',
    };
    return RETAILCRM_REQUIRED_SCOPES.filter((scope) => !paths.some((path) => path.replace('/v5', '') === covers[scope]));
  }

  /** The account as the user knows it: its host, named after its first site (by `ordering`, the CRM's default first). */
  async function readAccount(connection: CrmConnection, host: string): Promise<CrmAccount> {
    const { sites } = await get(connection, '/api/v5/reference/sites', new URLSearchParams(), sitesSchema, 'sites');
    const list = Array.isArray(sites) ? [] : Object.values(sites);
    const first = [...list].sort((a, b) => Number(b.defaultForCrm ?? false) - Number(a.defaultForCrm ?? false) || (a.ordering ?? 0) - (b.ordering ?? 0))[0];
    return { id: host, domain: host, name: first?.name.trim() ? first.name.trim().slice(0, 500) : host };
  }

  async function connect({ accountUrl, apiKey }: { accountUrl: string; apiKey: string }, context: { workspaceId?: string } = {}): Promise<CrmGrant> {
    const check = checkAccountUrl(accountUrl, sandboxOrigin);
    if (!check.ok) throw new ApiKeyError('accountUrl', check.code, check.message);
    const key = apiKey.trim();
    if (key === '') throw new ApiKeyError('apiKey', 'key_required', 'Enter the API key.');
    const { address } = check;
    if (!sandboxOrigin) await checkResolves(address);
    const party = context.workspaceId === undefined ? undefined : `${context.workspaceId}/retailcrm`;
    const answer = await readCredentials(address, key, party);
    switch (answer.kind) {
      case 'redirect':
        throw new ApiKeyError('accountUrl', 'address_redirect', 'This address redirects elsewhere; enter the address of the RetailCRM account itself.');
      case 'no_account':
        throw new ApiKeyError('accountUrl', 'address_unreachable', 'There is no RetailCRM account at this address.');
      case 'wrong_key':
        throw new ApiKeyError('apiKey', 'key_invalid', 'RetailCRM does not accept this API key. Copy it again from Settings → Integration → API access keys.');
      case 'denied':
        throw new ApiKeyError('apiKey', 'key_invalid', 'RetailCRM refused this key access to its own permissions (Access denied).');
      case 'ok': {
        const missing = missingScopes(parse(credentialsSchema, answer.body, 'credentials'));
        if (missing.length > 0) {
          throw new ApiKeyError('apiKey', 'key_scopes_missing', `The key lacks these permissions: ${missing.join(', ')}. Allow them for the key in RetailCRM.`, missing);
        }
      }
    }
    const grant: CrmGrant = {
      baseUrl: `${address.origin}/`,
      tokens: { accessToken: key, refreshToken: '', expiresAt: KEY_EXPIRES_AT },
      account: { id: address.host, domain: address.host, name: address.host },
    };
    const probe = memory(grant, party);
    return { ...grant, account: await readAccount(probe, address.host) };
  }

  /** The grant as a connection, between the key check and storing it. */
  function memory(grant: CrmGrant, party?: string): CrmConnection {
    const access: StoredAccess = { baseUrl: grant.baseUrl, account: grant.account, tokens: grant.tokens, version: '1' };
    return { key: party ?? `memory:${grant.account.id}`, read: () => Promise.resolve(access), rotate: () => Promise.resolve(null), revoked: () => Promise.resolve() };
  }

  // ---- orders ------------------------------------------------------------------------------

  const ordersPage = (connection: CrmConnection, page: number, limit: number, filter: Filter = {}) =>
    get(connection, '/api/v5/orders', query({ limit, page }, filter), ordersPageSchema, 'orders');

  /**
   * Orders at positions `[from, from + count)` of the list in `direction` (RetailCRM lists newest
   * first; the oldest-first position of an order does not move when new orders arrive).
   */
  async function orderSlice(connection: CrmConnection, filter: Filter, from: number, count: number, direction: 'asc' | 'desc') {
    let total: number | null = null;
    const fetched = new Map<number, RetailOrder[]>();
    let range: [number, number] = [from, from + count];
    if (direction === 'asc') {
      const probe = await ordersPage(connection, 1, CRM_PAGE, filter);
      fetched.set(1, probe.orders);
      total = probe.pagination.totalCount;
      range = [Math.max(0, total - from - count), Math.max(0, total - from)];
    }
    const items: RetailOrder[] = [];
    if (range[1] > range[0]) {
      for (let page = Math.floor(range[0] / CRM_PAGE) + 1; page <= Math.floor((range[1] - 1) / CRM_PAGE) + 1; page += 1) {
        let orders = fetched.get(page);
        if (!orders) {
          const answer = await ordersPage(connection, page, CRM_PAGE, filter);
          orders = answer.orders;
          total = answer.pagination.totalCount;
        }
        const base = (page - 1) * CRM_PAGE;
        orders.forEach((order, index) => {
          if (base + index >= range[0] && base + index < range[1]) items.push(order);
        });
      }
    }
    total ??= (await ordersPage(connection, 1, 20, filter)).pagination.totalCount;
    return { items: direction === 'asc' ? items.reverse() : items, total };
  }

  /** Every order under `filter` (bounded), for the filters RetailCRM has only by date. */
  async function allOrders(connection: CrmConnection, filter: Filter): Promise<RetailOrder[]> {
    const orders: RetailOrder[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const answer = await ordersPage(connection, page, CRM_PAGE, filter);
      orders.push(...answer.orders);
      if (answer.pagination.currentPage >= answer.pagination.totalPageCount || answer.orders.length === 0) break;
    }
    return orders;
  }

  /**
   * The orders changed at or after `since` (Unix seconds), by `orders/history`: the first call
   * from `startDate`, each next one from the last entry's id (`sinceId`, never `page`), as
   * RetailCRM asks. Each order with the time of its latest change.
   */
  async function changedSince(connection: CrmConnection, since: number): Promise<Map<number, number>> {
    const changed = new Map<number, number>();
    let filter: Filter = { startDate: formatDateTime(since, offset) };
    for (let call = 0; call < MAX_PAGES; call += 1) {
      const answer = await get(connection, '/api/v5/orders/history', query({ limit: CRM_PAGE }, filter), historyPageSchema, 'order history');
      for (const entry of answer.history) {
        const at = parseDateTime(entry.createdAt, offset);
        changed.set(entry.order.id, Math.max(changed.get(entry.order.id) ?? at, at));
      }
      const last = answer.history.at(-1);
      if (!last || answer.pagination.currentPage >= answer.pagination.totalPageCount) break;
      filter = { sinceId: String(last.id) };
    }
    return changed;
  }

  async function listLeads(connection: CrmConnection, q: ListLeadsQuery = {}): Promise<CrmPage<CrmLead>> {
    const page = Math.max(1, Math.floor(q.page ?? 1));
    const limit = Math.min(250, Math.max(1, Math.floor(q.limit ?? pageSize)));
    const direction = q.order?.direction ?? 'asc';
    const from = (page - 1) * limit;
    await accessOf(connection);
    if (q.pipelineIds && !q.pipelineIds.includes(ORDERS_PIPELINE_ID)) return { items: [], nextPage: null, total: 0 };
    const inCreated = (lead: CrmLead) => (q.createdFrom === undefined || lead.createdAt >= q.createdFrom) && (q.createdTo === undefined || lead.createdAt <= q.createdTo);
    const pageOf = (leads: CrmLead[]): CrmPage<CrmLead> => ({
      items: leads.slice(from, from + limit),
      nextPage: from + limit < leads.length ? page + 1 : null,
      total: leads.length,
    });

    if (q.updatedFrom !== undefined) {
      const changed = await changedSince(connection, q.updatedFrom);
      const ids = [...changed.keys()].sort((a, b) => (direction === 'asc' ? a - b : b - a));
      if (q.createdFrom !== undefined || q.createdTo !== undefined) {
        // Rare (nothing in the product asks it): every changed order, then the creation filter.
        const leads: CrmLead[] = [];
        for (let at = 0; at < ids.length; at += CRM_PAGE) {
          const chunk = ids.slice(at, at + CRM_PAGE);
          const answer = await ordersPage(connection, 1, CRM_PAGE, { ids: chunk.map(String) });
          leads.push(...answer.orders.map((order) => toLead(order, offset, changed.get(order.id))));
        }
        const byId = new Map(leads.map((lead) => [lead.id, lead]));
        return pageOf(ids.map((id) => byId.get(String(id))).filter((lead): lead is CrmLead => lead !== undefined && inCreated(lead)));
      }
      const wanted = ids.slice(from, from + limit);
      const leads: CrmLead[] = [];
      for (let at = 0; at < wanted.length; at += CRM_PAGE) {
        const chunk = wanted.slice(at, at + CRM_PAGE);
        const answer = await ordersPage(connection, 1, CRM_PAGE, { ids: chunk.map(String) });
        const byId = new Map(answer.orders.map((order) => [order.id, order]));
        for (const id of chunk) {
          const order = byId.get(id);
          if (order) leads.push(toLead(order, offset, changed.get(id)));
        }
      }
      return { items: leads, nextPage: from + limit < ids.length ? page + 1 : null, total: ids.length };
    }

    if (q.createdFrom !== undefined || q.createdTo !== undefined) {
      // RetailCRM filters the creation by date only: the days around, then the exact seconds here.
      const filter: Filter = {};
      if (q.createdFrom !== undefined) filter.createdAtFrom = formatDateTime(q.createdFrom, offset).slice(0, 10);
      if (q.createdTo !== undefined) filter.createdAtTo = formatDateTime(q.createdTo, offset).slice(0, 10);
      const leads = (await allOrders(connection, filter)).map((order) => toLead(order, offset)).filter(inCreated);
      leads.sort((a, b) => (direction === 'asc' ? Number(a.id) - Number(b.id) : Number(b.id) - Number(a.id)));
      return pageOf(leads);
    }

    const { items, total } = await orderSlice(connection, {}, from, limit, direction);
    return { items: items.map((order) => toLead(order, offset)), nextPage: from + limit < total ? page + 1 : null, total };
  }

  // ---- status history ----------------------------------------------------------------------

  async function historyPage(connection: CrmConnection, page: number, limit: number, filter: Filter) {
    return get(connection, '/api/v5/orders/history', query({ limit, page }, filter), historyPageSchema, 'order history');
  }

  async function listEvents(connection: CrmConnection, q: ListEventsQuery = {}): Promise<CrmPage<CrmStatusChange>> {
    const limit = crmLimit(Math.floor(q.limit ?? CRM_PAGE));
    const timeFilter: Filter = {};
    if (q.createdFrom !== undefined) timeFilter.startDate = formatDateTime(q.createdFrom, offset);
    if (q.createdTo !== undefined) timeFilter.endDate = formatDateTime(q.createdTo, offset);
    await accessOf(connection);
    const leadIds = q.leadIds ? orderIds(q.leadIds) : null;
    if (leadIds !== null && leadIds.length === 0) return { items: [], nextPage: null };

    // Page numbers: the history's pages; by order, a block of pages for each order in turn.
    let page = Math.max(1, Math.floor(q.page ?? 1));
    for (let calls = 0; calls < MAX_PAGES; calls += 1) {
      let entries: HistoryEntry[];
      let nextPage: number | null;
      if (leadIds === null) {
        const answer = await historyPage(connection, page, limit, timeFilter);
        entries = answer.history;
        nextPage = answer.pagination.currentPage < answer.pagination.totalPageCount ? page + 1 : null;
      } else {
        const index = Math.floor((page - 1) / ORDER_CHUNK_PAGES);
        const orderId = leadIds[index];
        if (orderId === undefined) return { items: [], nextPage: null };
        const inner = ((page - 1) % ORDER_CHUNK_PAGES) + 1;
        const answer = await historyPage(connection, inner, limit, { ...timeFilter, orderId });
        entries = answer.history;
        nextPage =
          answer.pagination.currentPage < answer.pagination.totalPageCount
            ? page + 1
            : index + 1 < leadIds.length
              ? (index + 1) * ORDER_CHUNK_PAGES + 1
              : null;
      }
      const items = toStatusChanges(entries, offset);
      // A page of other fields' changes only: on to the next, so that a page with a next one is never empty.
      if (items.length > 0 || nextPage === null) return { items, nextPage };
      page = nextPage;
    }
    throw new CrmError('crm_unavailable', 'RetailCRM history pages without status changes never end');
  }

  return {
    connector: 'retailcrm',
    accountAddress: { example: ACCOUNT_URL_EXAMPLE.replace('https://', ''), value: sandboxOrigin ?? null },
    apiKey: {
      connect,
      sandbox: sandboxOrigin && options.sandboxApiKey ? { accountUrl: sandboxOrigin, apiKey: options.sandboxApiKey } : null,
      helpUrl: RETAILCRM_KEY_HELP_URL,
      requiredScopes: RETAILCRM_REQUIRED_SCOPES,
    },

    authorizeUrl() {
      throw new Error('RetailCRM is authorized with an API key, not OAuth');
    },
    exchangeCode() {
      return Promise.reject(new OAuthCallbackError('code_exchange_failed', 'RetailCRM is authorized with an API key, not OAuth'));
    },
    refresh() {
      // A key has nothing to refresh: a refused key is gone for good.
      return Promise.reject(new CrmError('crm_access_revoked', 'RetailCRM keys are not refreshed'));
    },

    async getAccount(connection) {
      // The key still works (and may still read its permissions); the account is what was stored.
      const access = await accessOf(connection);
      await get(connection, '/api/credentials', new URLSearchParams(), credentialsSchema, 'credentials');
      return access.account;
    },

    async listPipelines(connection) {
      // One after the other: a refused first call sends no second one.
      const { statuses } = await get(connection, '/api/v5/reference/statuses', new URLSearchParams(), statusesSchema, 'statuses');
      const { statusGroups } = await get(connection, '/api/v5/reference/status-groups', new URLSearchParams(), statusGroupsSchema, 'status groups');
      return [toPipeline(statuses, statusGroups)];
    },

    async listCustomFields(connection) {
      const fields = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const answer = await get(connection, '/api/v5/custom-fields', query({ limit: CRM_PAGE, page }, { entity: 'order' }), customFieldsPageSchema, 'custom fields');
        fields.push(...answer.customFields.filter((field) => field.entity === undefined || field.entity === 'order'));
        if (answer.pagination.currentPage >= answer.pagination.totalPageCount || answer.customFields.length === 0) break;
      }
      const seen = new Set<string>();
      return fields.filter((field) => !seen.has(field.code) && (seen.add(field.code), true)).map(toCustomField);
    },

    listLeads,
    listEvents,

    async accountCurrency(connection) {
      const { sites } = await get(connection, '/api/v5/reference/sites', new URLSearchParams(), sitesSchema, 'sites');
      const list = Array.isArray(sites) ? [] : Object.values(sites).sort((a, b) => (a.ordering ?? 0) - (b.ordering ?? 0));
      const currency = (list.find((site) => site.defaultForCrm) ?? list[0])?.currency?.trim().toUpperCase() ?? '';
      return /^[A-Z]{3}$/.test(currency) ? currency : null;
    },
  };
}
