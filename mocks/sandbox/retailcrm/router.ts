import type { Hono } from 'hono';

import { composeSandbox, type ComposedSandbox } from '../shared/compose';
import { createFaultState, delay, parseFaults, type FaultSpec } from '../shared/faults';
import { json } from '../shared/http';
import { createLeakyBucket } from '../shared/leaky-bucket';

import { DEFAULT_SCOPES, demoShop, formatShopTime, parseShopTime, type SandboxHistoryEntry, type SandboxOrder, type SandboxShop } from './fixture';

/**
 * The sandbox RetailCRM: API v5 as the adapter calls it (docs/crm-apis.md §3), over one shop.
 * The key comes in `X-API-KEY` (or `?apiKey=`); `GET /api/credentials` tells its scopes; each
 * method needs its scope (`Access denied.` otherwise); lists page with `limit` 20/50/100 and a
 * `pagination` block; errors are `{success:false, errorMsg, errors?}`; above 10 requests a
 * second the answer is `503 Service Temporarily Unavailable` (an HTML page, as nginx sends it).
 */

export const RETAILCRM_SANDBOX_DEFAULT_ORIGIN = 'http://127.0.0.1:8790';
export const PAGE_LIMITS = [20, 50, 100] as const;
/** `GET /api/credentials`' scopes each method needs. */
export const METHOD_SCOPES = {
  '/api/v5/reference/statuses': 'reference_read',
  '/api/v5/reference/status-groups': 'reference_read',
  '/api/v5/reference/sites': 'reference_read',
  '/api/v5/custom-fields': 'custom_fields_read',
  '/api/v5/orders': 'order_read',
  '/api/v5/orders/history': 'order_read',
} as const;

export interface RetailCrmSandboxFaults {
  /** Share (0..1) of API requests answered 503 on top of the real limit. */
  rate503: number;
  /** Share (0..1) of API requests answered 500. */
  error500: number;
  /** Delay added to every request. */
  latencyMs: number;
  /** Every API request answers 402 `Account is blocked` (the subscription ended). */
  unpaid: boolean;
  /** Every API request answers 403 `Access denied.` */
  forbidden: boolean;
  /** Requests a second the shop answers (RetailCRM: 10 per IP); 0 = no limit. */
  perSecond: number;
  seed: number;
}

export const RETAILCRM_DEFAULT_FAULTS: RetailCrmSandboxFaults = { rate503: 0, error500: 0, latencyMs: 0, unpaid: false, forbidden: false, perSecond: 10, seed: 1 };

const SPEC: FaultSpec<RetailCrmSandboxFaults> = {
  rate503: 'share',
  error500: 'share',
  latencyMs: 'count',
  unpaid: 'flag',
  forbidden: 'flag',
  perSecond: 'count',
  seed: 'count',
};

/** `SANDBOX_RETAILCRM_FAULTS`, e.g. `rate503=0.2,latencyMs=300`; throws `SandboxFaultsError`. */
export const parseRetailCrmFaults = (text: string | undefined): RetailCrmSandboxFaults => parseFaults(text, SPEC, RETAILCRM_DEFAULT_FAULTS);

export interface RetailCrmSandboxOptions {
  shop?: SandboxShop;
  faults?: Partial<RetailCrmSandboxFaults> | string;
  /** Clock (Unix ms) for the rate limit. */
  now?: () => number;
  /** How injected latency is waited out (tests move a fake clock instead). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SandboxRetailCrm extends ComposedSandbox {
  readonly shop: SandboxShop;
  /**
   * The shop changes while the sandbox runs (its statuses, groups, fields, orders), as when its
   * users edit it: the API serves `shop` from the next request on. Keys that work keep working
   * (the new shop's own key is added).
   */
  replaceShop(shop: SandboxShop): void;
  /** The key that reads everything. */
  readonly apiKey: string;
  /** Another valid key with these scopes (e.g. one lacking `order_read`). */
  addKey(key: string, scopes: readonly string[]): void;
  /** The key stops working (`Wrong "apiKey" value.`), as when it is deleted in the CRM. */
  revokeKey(key: string): void;
  setFaults(patch: Partial<RetailCrmSandboxFaults>): void;
  /** Every key it knows (what must never be logged). */
  issuedSecrets(): string[];
}

const failure = (status: number, errorMsg: string, errors?: Record<string, string>) =>
  json({ success: false, errorMsg, ...(errors ? { errors } : {}) }, status);

const unavailablePage = () =>
  new Response('<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>', {
    status: 503,
    headers: { 'Content-Type': 'text/html' },
  });

/** `filter[name]`, `filter[name][]` and `filter[name][key]` of a query, PHP style. */
function filters(url: URL) {
  const one = (name: string) => url.searchParams.get(`filter[${name}]`);
  const many = (name: string) => url.searchParams.getAll(`filter[${name}][]`);
  return { one, many };
}

type Paged = { limit: number; page: number } | Response;

function paging(url: URL): Paged {
  const limit = Number(url.searchParams.get('limit') ?? '20');
  const page = Number(url.searchParams.get('page') ?? '1');
  const errors: Record<string, string> = {};
  if (!(PAGE_LIMITS as readonly number[]).includes(limit)) errors.limit = 'This value should be one of [20|50|100].';
  if (!Number.isInteger(page) || page < 1) errors.page = 'This value should be greater than or equal to 1.';
  if (Object.keys(errors).length > 0) return failure(400, 'Errors in the input parameters', errors);
  return { limit, page };
}

const pagination = (limit: number, page: number, total: number) => ({
  limit,
  totalCount: total,
  currentPage: page,
  totalPageCount: Math.ceil(total / limit),
});

function orderJson(order: SandboxOrder) {
  return {
    slug: order.id,
    id: order.id,
    number: order.number,
    orderType: 'eshop-individual',
    orderMethod: 'shopping-cart',
    createdAt: formatShopTime(order.createdAt),
    statusUpdatedAt: formatShopTime(order.statusUpdatedAt),
    summ: order.totalSumm,
    currency: order.currency,
    totalSumm: order.totalSumm,
    prepaySum: 0,
    purchaseSumm: 0,
    site: order.site,
    status: order.status,
    // An empty map is a JSON array, as RetailCRM sends it.
    customFields: Object.keys(order.customFields).length === 0 ? [] : order.customFields,
  };
}

export function createSandboxRetailCrm(options: RetailCrmSandboxOptions = {}): SandboxRetailCrm {
  let shop = options.shop ?? demoShop();
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? delay;
  const faults = createFaultState(options.faults, SPEC, RETAILCRM_DEFAULT_FAULTS);
  const bucket = createLeakyBucket({ size: faults.current.perSecond, drainPerSec: Math.max(1, faults.current.perSecond), now });
  const keys = new Map<string, readonly string[]>([[shop.fixture.account.apiKey, shop.fixture.account.scopes ?? DEFAULT_SCOPES]]);
  /** Every key ever valid (revoked ones too): what must never be logged. */
  const issued = new Set(keys.keys());
  let ordersById = new Map(shop.orders.map((order) => [order.id, order]));
  let sites = shop.fixture.sites.map((site) => site.code);

  const keyOf = (request: Request) => request.headers.get('X-API-KEY') ?? new URL(request.url).searchParams.get('apiKey');

  /** The gate every request passes: latency, the rate limit, injected faults, the key and its scope. */
  const gate = (app: Hono) =>
    app.use('/api/*', async (c, next) => {
      await sleep(faults.current.latencyMs, c.req.raw.signal);
      if (!bucket.take()) return unavailablePage();
      if (faults.roll(faults.current.rate503)) return unavailablePage();
      if (faults.roll(faults.current.error500)) return failure(500, 'Internal Server Error');
      const key = keyOf(c.req.raw);
      if (!key) return failure(403, '"apiKey" is missing.');
      const scopes = keys.get(key);
      if (!scopes) return failure(403, 'Wrong "apiKey" value.');
      if (faults.current.unpaid) return failure(402, 'Account is blocked');
      if (faults.current.forbidden) return failure(403, 'Access denied.');
      const path = new URL(c.req.url).pathname.replace(/\/$/, '') as keyof typeof METHOD_SCOPES;
      const needed = METHOD_SCOPES[path];
      if (needed && !scopes.includes(needed)) return failure(403, 'Access denied.');
      await next();
    });

  const credentials = (app: Hono) =>
    app.get('/api/credentials', (c) => {
      const scopes = keys.get(keyOf(c.req.raw) ?? '') ?? [];
      return json({ success: true, scopes, credentials: ['/api/v5/orders', '/api/v5/orders/history'], siteAccess: 'access_full', sitesAvailable: sites }, 200);
    });

  const reference = (app: Hono) => {
    app.get('/api/v5/reference/statuses', () =>
      json(
        {
          success: true,
          statuses: Object.fromEntries(shop.statuses.map((status) => [status.code, { name: status.name, code: status.code, active: status.active, ordering: status.ordering, group: status.group }])),
        },
        200,
      ),
    );
    app.get('/api/v5/reference/status-groups', () =>
      json({ success: true, statusGroups: Object.fromEntries(shop.groups.map((group) => [group.code, group])) }, 200),
    );
    app.get('/api/v5/reference/sites', () =>
      json(
        {
          success: true,
          sites: Object.fromEntries(
            shop.fixture.sites.map((site, index) => [
              site.code,
              { id: index + 1, name: site.name, code: site.code, url: `https://${site.code}.example`, currency: site.currency, defaultForCrm: index === 0, ordering: (index + 1) * 10, countryIso: 'RU' },
            ]),
          ),
        },
        200,
      ),
    );
  };

  const customFields = (app: Hono) =>
    app.get('/api/v5/custom-fields', (c) => {
      const url = new URL(c.req.url);
      const paged = paging(url);
      if (paged instanceof Response) return paged;
      const entity = filters(url).one('entity');
      const fields = entity && entity !== 'order' ? [] : [...shop.fixture.customFields].sort((a, b) => a.ordering - b.ordering);
      const slice = fields.slice((paged.page - 1) * paged.limit, paged.page * paged.limit);
      return json(
        {
          success: true,
          pagination: pagination(paged.limit, paged.page, fields.length),
          customFields: slice.map((field) => ({
            name: field.name,
            code: field.code,
            required: false,
            inFilter: true,
            inList: true,
            inGroupActions: false,
            type: field.type,
            entity: 'order',
            ordering: field.ordering,
            displayArea: 'main',
            viewMode: 'editable',
          })),
        },
        200,
      );
    });

  const orders = (app: Hono) =>
    app.get('/api/v5/orders', (c) => {
      const url = new URL(c.req.url);
      const paged = paging(url);
      if (paged instanceof Response) return paged;
      const { one, many } = filters(url);
      const ids = many('ids').map(Number);
      const sitesFilter = many('sites');
      const statusFilter = many('extendedStatus');
      const createdFrom = one('createdAtFrom');
      const createdTo = one('createdAtTo');
      const dateError = [createdFrom, createdTo].some((value) => value !== null && !/^\d{4}-\d{2}-\d{2}$/.test(value));
      if (dateError) return failure(400, 'Errors in the input parameters', { 'filter[createdAtFrom]': 'This value is not a valid date.' });
      const groupOf = new Map(shop.statuses.map((status) => [status.code, status.group]));
      const from = createdFrom === null ? -Infinity : parseShopTime(createdFrom);
      const to = createdTo === null ? Infinity : parseShopTime(createdTo) + 86_400_000 - 1;
      const matching = shop.orders
        .filter(
          (order) =>
            (ids.length === 0 || ids.includes(order.id)) &&
            (sitesFilter.length === 0 || sitesFilter.includes(order.site)) &&
            (statusFilter.length === 0 || statusFilter.includes(order.status) || statusFilter.includes(`${groupOf.get(order.status)}-group`)) &&
            order.createdAt >= from &&
            order.createdAt <= to,
        )
        // Newest first, as RetailCRM lists orders.
        .sort((a, b) => b.id - a.id);
      const slice = matching.slice((paged.page - 1) * paged.limit, paged.page * paged.limit);
      return json({ success: true, pagination: pagination(paged.limit, paged.page, matching.length), orders: slice.map(orderJson) }, 200);
    });

  const historyJson = (entry: SandboxHistoryEntry) => {
    const order = ordersById.get(entry.orderId)!;
    const created = entry.oldStatus === null;
    return {
      id: entry.id,
      createdAt: formatShopTime(entry.createdAt),
      ...(created ? { created: true } : {}),
      source: created ? 'api' : 'user',
      ...(created ? { apiKey: { current: false } } : { user: { id: 19 } }),
      field: 'status',
      oldValue: created ? null : { code: entry.oldStatus },
      newValue: { code: entry.newStatus },
      order: created ? { ...orderJson(order), status: entry.newStatus } : { id: order.id, managerId: 19, site: order.site, status: entry.newStatus },
    };
  };

  const history = (app: Hono) =>
    app.get('/api/v5/orders/history', (c) => {
      const url = new URL(c.req.url);
      const paged = paging(url);
      if (paged instanceof Response) return paged;
      const { one } = filters(url);
      const sinceId = one('sinceId');
      // Since 15.05.2023: walk with sinceId, never with pages.
      if (sinceId !== null && url.searchParams.has('page') && paged.page > 1) {
        return failure(400, 'Use the shift of the `filter[sinceId]` instead of `page` parameter');
      }
      const orderId = one('orderId');
      const start = one('startDate');
      const end = one('endDate');
      const badTime = [start, end].some((value) => value !== null && !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(value));
      if (badTime) return failure(400, 'Errors in the input parameters', { 'filter[startDate]': 'This value is not a valid datetime.' });
      const from = start === null ? -Infinity : parseShopTime(start);
      const to = end === null ? Infinity : parseShopTime(end.length === 10 ? `${end} 23:59:59` : end);
      const matching = shop.history.filter(
        (entry) =>
          (sinceId === null || entry.id > Number(sinceId)) &&
          (orderId === null || entry.orderId === Number(orderId)) &&
          entry.createdAt >= from &&
          entry.createdAt <= to,
      );
      const slice = matching.slice((paged.page - 1) * paged.limit, paged.page * paged.limit);
      return json(
        { success: true, generatedAt: formatShopTime(now()), history: slice.map(historyJson), pagination: pagination(paged.limit, paged.page, matching.length) },
        200,
      );
    });

  const sandbox = composeSandbox({
    parts: [gate, credentials, reference, customFields, orders, history],
    onError: () => failure(500, 'Internal Server Error'),
    notFound: () => failure(404, 'API method not found'),
  });

  const apiKey = shop.fixture.account.apiKey;
  return {
    ...sandbox,
    get shop() {
      return shop;
    },
    replaceShop(next) {
      shop = next;
      ordersById = new Map(shop.orders.map((order) => [order.id, order]));
      sites = shop.fixture.sites.map((site) => site.code);
      const key = shop.fixture.account.apiKey;
      if (!keys.has(key)) keys.set(key, shop.fixture.account.scopes ?? DEFAULT_SCOPES);
      issued.add(key);
    },
    apiKey,
    addKey(key, scopes) {
      keys.set(key, [...scopes]);
      issued.add(key);
    },
    revokeKey: (key) => void keys.delete(key),
    setFaults(patch) {
      faults.set(patch);
      if (patch.perSecond !== undefined) bucket.configure({ size: patch.perSecond, drainPerSec: Math.max(1, patch.perSecond) });
    },
    issuedSecrets: () => [...issued],
  };
}
