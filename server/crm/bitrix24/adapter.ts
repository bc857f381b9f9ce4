import type { CrmAccount } from '../../../app/contracts/connector';
import type { CrmCustomField, CrmPipeline } from '../../../app/contracts/crm-schema';
import { CrmAddressError, CrmError, OAuthCallbackError } from '../errors';
import { CrmHostError, outcome, type CrmOutcome } from '../http/client';
import { createOAuthCrmClient, type CrmClientOptions } from '../http/oauth-crm';
import type { RateLimitPolicy } from '../http/rate-limiter';
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

import { bitrix24Destinations, PORTAL_ADDRESS_EXAMPLE, portalRule, type Portal } from './hosts';
import {
  batchResultSchema,
  bySort,
  categoriesSchema,
  dealFieldsSchema,
  DEAL_SELECT,
  dealRowsSchema,
  envelopeSchema,
  errorOf,
  filterDateTime,
  historyPageSchema,
  LEAD_DIRECTORY,
  memberIdOf,
  stageDirectory,
  statusesSchema,
  toCustomFields,
  toDealPipeline,
  toLead,
  toLeadPipeline,
  tokenAnswerSchema,
  toStatusChanges,
  toTokens,
  userFieldsSchema,
  type Category,
  type TokenAnswer,
} from './normalize';

/** Bitrix24's OAuth server: both grants, for every portal (docs/crm-apis.md §2.1). */
export const BITRIX24_OAUTH_SERVER = 'https://oauth.bitrix.info';

/** The portal's leaky bucket: drains 2 requests a second, refuses above 50 (non-Enterprise plans, §2.5). */
export const BITRIX24_RATE_LIMIT: RateLimitPolicy = { kind: 'leaky', drainPerSecond: 2, burst: 50 };

/** List methods answer 50 rows a call, whatever is asked (§2.5). */
export const BITRIX24_PAGE_SIZE = 50;
/** `batch` takes at most 50 commands (§2.6). */
export const BITRIX24_BATCH_LIMIT = 50;

const CRM_NAME = 'Bitrix24';
/** Bounds on walking a list page by page (50 000 rows), against a CRM whose `next` never ends. */
const MAX_PAGES = 1000;

export interface Bitrix24Options extends CrmClientOptions {
  clientId: string;
  clientSecret: string;
  /**
   * A sandbox Bitrix24's origin (`BITRIX24_SANDBOX_ORIGIN`, e.g. `http://127.0.0.1:8789`): its
   * host is then the only portal accepted (typed address and callback `domain`), and it plays
   * the OAuth server too.
   */
  sandboxOrigin?: string;
  /** Default `https://oauth.bitrix.info`, or the sandbox's origin. */
  oauthServer?: string;
  /** The language of the user fields' labels (`crm.deal.userfield.list` `filter.LANG`). Default `ru`. */
  labelLanguage?: string;
}

/** A REST answer: `result`, and for lists `next` (null on the last page) and `total`. */
interface Answer {
  result: unknown;
  next: number | null;
  total: number | null;
}

/** A batch sub-call's answer, by command key. */
type BatchAnswers = Map<string, Answer>;

/** An error code that is safe to put into a message or a log line (never a description). */
const safeCode = (code: string): string | undefined => (/^[A-Za-z_]{1,64}$/.test(code) ? code : undefined);

/**
 * What a REST error means, by its `error` code first (the docs disagree on some statuses), then
 * by the HTTP status; `status` is null for a batch sub-call (they carry none).
 */
function restErrorOutcome(status: number | null, code: string, description: string): CrmOutcome<never> {
  switch (code) {
    case 'expired_token':
    case 'invalid_token':
    case 'NO_AUTH_FOUND':
      // Renewed once; refused again right after a refresh, the shared client gives up.
      return outcome.refresh();
    case 'QUERY_LIMIT_EXCEEDED':
      // The leaky bucket is full: no hint, so the client's backoff (500 ms, doubling).
      return outcome.rateLimited(null);
    case 'OPERATION_TIME_LIMIT':
      // The method's accumulated time is used up for a while: waiting seconds does not help.
      return outcome.fail(new CrmError('crm_rate_limited', 'Bitrix24: method time limit exceeded'));
    case 'OVERLOAD_LIMIT':
    case 'INTERNAL_SERVER_ERROR':
      return outcome.unavailable();
    case 'ACCESS_DENIED':
    case 'INVALID_CREDENTIALS':
    case 'insufficient_scope':
    case 'invalid_scope':
    case 'user_access_error':
    case 'allowed_only_intranet_user':
      return outcome.fail(new CrmError('crm_forbidden', `Bitrix24 refused access (${code})`));
    case 'PAYMENT_REQUIRED':
      return outcome.fail(new CrmError('crm_payment_required', 'Bitrix24: payment required'));
  }
  // The old list methods answer `{"error":"","error_description":"Access denied."}`.
  if (code === '' && /^access denied/i.test(description.trim())) return outcome.fail(new CrmError('crm_forbidden', 'Bitrix24 refused access'));
  if (status === 401) return outcome.refresh();
  if (status === 402) return outcome.fail(new CrmError('crm_payment_required', 'Bitrix24: payment required'));
  if (status === 403) return outcome.fail(new CrmError('crm_forbidden', 'Bitrix24 refused access'));
  if (status === 429) return outcome.rateLimited(null);
  if (status !== null && status >= 500) return outcome.unavailable();
  const named = safeCode(code);
  return outcome.fail(new CrmError('crm_unavailable', `Bitrix24 refused the request${named ? ` (${named})` : ''}`));
}

/** A REST response: the envelope on 200, else what its error means. */
function classifyRest(response: Response, body: unknown): CrmOutcome<Answer> {
  const error = errorOf(body);
  if (error) return restErrorOutcome(response.status, error.code, error.description);
  if (response.status === 200) {
    const parsed = envelopeSchema.safeParse(body);
    if (parsed.success && typeof body === 'object' && body !== null && 'result' in body) {
      return outcome.ok({ result: parsed.data.result, next: parsed.data.next ?? null, total: parsed.data.total ?? null });
    }
    return outcome.fail(new CrmError('crm_unavailable', 'Bitrix24 sent an unreadable response'));
  }
  return restErrorOutcome(response.status, '', '');
}

/**
 * A REST method's parameters as a batch command's query, in PHP bracket notation:
 * `{filter: {ENTITY_ID: 'X'}, order: {SORT: 'ASC'}}` → `filter[ENTITY_ID]=X&order[SORT]=ASC`.
 */
export function bracketQuery(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, index) => add(`${key}[${index}]`, item));
    else if (typeof value === 'object' && value !== null) for (const [name, item] of Object.entries(value)) add(`${key}[${name}]`, item);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') search.append(key, String(value));
  };
  for (const [key, value] of Object.entries(params)) add(key, value);
  return search.toString();
}

/** One command of a batch: its key, the method and its parameters. */
interface Command {
  key: string;
  method: string;
  params: Record<string, unknown>;
}

const ORDER_FIELDS = { created_at: 'DATE_CREATE', updated_at: 'DATE_MODIFY', id: 'ID' } as const;

/** Page and page size of a list query: Bitrix24 answers 50 rows from any `start`, so a smaller page is a slice. */
function paging(query: { page?: number; limit?: number }): { page: number; limit: number; start: number } {
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const limit = Math.min(BITRIX24_PAGE_SIZE, Math.max(1, Math.floor(query.limit ?? BITRIX24_PAGE_SIZE)));
  return { page, limit, start: (page - 1) * limit };
}

/** A list's `total` as a page's (only when Bitrix24 sent one). */
const totalOf = (answer: Answer): { total?: number } => (answer.total === null ? {} : { total: answer.total });

const ISO_CURRENCY = /^[A-Z]{3}$/;

/** Numeric ids only: the lead pipeline (`leads`) has no deals and no deal history. */
const numericIds = (ids: readonly string[]): string[] => ids.filter((id) => /^\d+$/.test(id));

export function createBitrix24Adapter(options: Bitrix24Options): CrmAdapter {
  const log = options.logger;
  const rule = portalRule(options.sandboxOrigin);
  const oauthServer = options.oauthServer ?? options.sandboxOrigin ?? BITRIX24_OAUTH_SERVER;
  const labelLanguage = options.labelLanguage ?? 'ru';
  const { http, oauth, timing, parse } = createOAuthCrmClient(
    CRM_NAME,
    BITRIX24_RATE_LIMIT,
    bitrix24Destinations(oauthServer, options.sandboxOrigin),
    options,
    (baseUrl, refreshToken, party) => refresh(baseUrl, refreshToken, party),
  );

  // ---- OAuth -----------------------------------------------------------------------------

  /**
   * `GET /oauth/token/` at the OAuth server (both grants), never retried: a code is single-use
   * and so is a refresh token. The rate limiter's key is the portal's, apart from its REST;
   * `party` is whose line it waits in (the workspace's connection).
   */
  async function tokenRequest(
    portalHost: string,
    grant: { grant_type: 'authorization_code'; code: string } | { grant_type: 'refresh_token'; refresh_token: string },
    party?: string,
  ): Promise<TokenAnswer | 'refused'> {
    const url = new URL('/oauth/token/', oauthServer);
    const { grant_type, ...secret } = grant;
    url.search = new URLSearchParams({ grant_type, client_id: options.clientId, client_secret: options.clientSecret, ...secret }).toString();
    const answer = await http.request<{ kind: 'refused' } | { kind: 'granted'; body: unknown }>({
      build: () => ({ url, init: { headers: { Accept: 'application/json' } }, key: `oauth:${portalHost}`, party }),
      classify: (response, body) => {
        const error = errorOf(body);
        if (error?.code === 'PAYMENT_REQUIRED' || response.status === 402) {
          return outcome.fail(new CrmError('crm_payment_required', 'Bitrix24: payment required'));
        }
        if (error || response.status === 400 || response.status === 401) {
          // invalid_grant (a spent, expired or revoked code or refresh token), invalid_client, …
          log?.warn('crm token grant refused', { crm: CRM_NAME, host: url.host, grant: grant.grant_type, status: response.status, error: safeCode(error?.code ?? '') });
          return outcome.ok({ kind: 'refused' });
        }
        if (!response.ok) return outcome.fail(new CrmError('crm_unavailable', `Bitrix24 answered ${response.status} to the token request`));
        if (body === null) return outcome.fail(new CrmError('crm_unavailable', 'Bitrix24 sent an unreadable token response'));
        return outcome.ok({ kind: 'granted', body });
      },
    });
    if (answer.kind === 'refused') return 'refused';
    return parse(tokenAnswerSchema, answer.body, 'token');
  }

  async function refresh(baseUrl: string, refreshToken: string, party?: string): Promise<CrmTokens> {
    const host = URL.canParse(baseUrl) ? new URL(baseUrl).host : baseUrl;
    const answer = await tokenRequest(host, { grant_type: 'refresh_token', refresh_token: refreshToken }, party);
    if (answer === 'refused') throw new CrmError('crm_access_revoked', 'Bitrix24 refused the refresh token');
    return toTokens(answer, timing.now());
  }

  /**
   * Where REST calls go: the token answer's `client_endpoint`, but only on the portal the
   * callback named (same scheme, host and port; no user info, query or fragment), so a token
   * answer cannot send our token elsewhere. Without one, the portal's `/rest/`.
   */
  function restEndpoint(clientEndpoint: string | undefined, portal: Portal): string | null {
    if (clientEndpoint === undefined) return `${portal.origin}/rest/`;
    if (!URL.canParse(clientEndpoint)) return null;
    const url = new URL(clientEndpoint);
    if (url.origin !== portal.origin || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return null;
    return `${url.origin}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}`;
  }

  // ---- REST ------------------------------------------------------------------------------

  /** One REST call with the connection's token (in the JSON body, never in the URL). */
  function call(connection: CrmConnection, method: string, params: Record<string, unknown> = {}): Promise<Answer> {
    return request(connection, method, params, classifyRest);
  }

  function request<T>(connection: CrmConnection, method: string, params: Record<string, unknown>, classify: (response: Response, body: unknown) => CrmOutcome<T>): Promise<T> {
    return http.request({
      credentials: oauth.credentials(connection),
      build: (access: StoredAccess) => {
        const url = new URL(method, access.baseUrl);
        return {
          url,
          key: url.host,
          party: connection.key,
          init: {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ ...params, auth: access.tokens.accessToken }),
          },
        };
      },
      classify,
    });
  }

  /** A batch's answers by key; a failed sub-call fails the batch as its error code says. */
  function classifyBatch(response: Response, body: unknown): CrmOutcome<BatchAnswers> {
    const answer = classifyRest(response, body);
    if (answer.kind !== 'ok') return answer;
    const parsed = batchResultSchema.safeParse(answer.value.result);
    if (!parsed.success) return outcome.fail(new CrmError('crm_unavailable', 'Bitrix24 sent an unexpected batch response'));
    const { result, result_error: errors, result_total: totals, result_next: nexts } = parsed.data;
    const failed = Object.values(errors).map(errorOf).find((error) => error !== null);
    if (failed) return restErrorOutcome(null, failed.code, failed.description);
    const number = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null);
    return outcome.ok(
      new Map(Object.entries(result).map(([key, value]) => [key, { result: value, total: number(totals[key]), next: number(nexts[key]) }])),
    );
  }

  /** Every command, in batches of at most 50 (one request each); every command must succeed. */
  async function batch(connection: CrmConnection, commands: readonly Command[]): Promise<BatchAnswers> {
    const answers: BatchAnswers = new Map();
    for (let from = 0; from < commands.length; from += BITRIX24_BATCH_LIMIT) {
      const chunk = commands.slice(from, from + BITRIX24_BATCH_LIMIT);
      const cmd = Object.fromEntries(chunk.map((command) => [command.key, `${command.method}?${bracketQuery(command.params)}`]));
      const chunkAnswers = await request(connection, 'batch', { halt: 1, cmd }, classifyBatch);
      for (const command of chunk) {
        const answer = chunkAnswers.get(command.key);
        if (!answer) throw new CrmError('crm_unavailable', 'Bitrix24 left a batch command unanswered');
        answers.set(command.key, answer);
      }
    }
    return answers;
  }

  async function listCategories(connection: CrmConnection): Promise<Category[]> {
    const categories: Category[] = [];
    for (let start = 0, pages = 0; pages < MAX_PAGES; pages += 1) {
      const answer = await call(connection, 'crm.category.list', { entityTypeId: 2, start });
      categories.push(...parse(categoriesSchema, answer.result, 'pipelines').categories);
      if (answer.next === null || answer.next <= start) break;
      start = answer.next;
    }
    return bySort(categories, (category) => category.sort);
  }

  /** The user fields with their labels: every page of `crm.deal.userfield.list`, the first one batched with `crm.deal.fields`. */
  async function listUserFieldsAndFields(connection: CrmConnection) {
    const userFieldPage = (start: number): Command => ({
      key: `uf${start}`,
      method: 'crm.deal.userfield.list',
      params: { filter: { LANG: labelLanguage }, order: { SORT: 'ASC', ID: 'ASC' }, start },
    });
    const first = await batch(connection, [{ key: 'fields', method: 'crm.deal.fields', params: {} }, userFieldPage(0)]);
    const fields = parse(dealFieldsSchema, first.get('fields')!.result, 'deal fields');
    const firstPage = first.get('uf0')!;
    const pages = [firstPage];
    if (firstPage.next !== null && firstPage.total !== null) {
      // The total says which pages follow: all of them in one batch (or a few: 1016 fields at most).
      const total = Math.min(firstPage.total, MAX_PAGES * BITRIX24_PAGE_SIZE);
      const starts: number[] = [];
      for (let start = firstPage.next; start < total; start += BITRIX24_PAGE_SIZE) starts.push(start);
      const rest = await batch(connection, starts.map(userFieldPage));
      pages.push(...starts.map((start) => rest.get(`uf${start}`)!));
    } else {
      // No total: follow `next` page by page.
      for (let next = firstPage.next; next !== null && pages.length < MAX_PAGES; ) {
        const page = (await batch(connection, [userFieldPage(next)])).get(`uf${next}`)!;
        pages.push(page);
        next = page.next !== null && page.next > next ? page.next : null;
      }
    }
    const userFields = pages.flatMap((page) => parse(userFieldsSchema, page.result, 'user fields'));
    return { fields, userFields };
  }

  async function getAccount(connection: CrmConnection): Promise<CrmAccount> {
    // No method names the portal: the account is what the grant said (member_id, domain).
    // `app.info` proves the access still works (refreshing it if need be).
    await call(connection, 'app.info');
    const access = await connection.read();
    if (!access) throw new CrmError('crm_not_connected', 'The Bitrix24 access was removed');
    return access.account;
  }

  return {
    connector: 'bitrix24',
    accountAddress: { example: PORTAL_ADDRESS_EXAMPLE, value: rule.only },

    authorizeUrl(state, address) {
      if (!address || address.trim() === '') {
        throw new CrmAddressError('address_required', `Enter the address of your Bitrix24 portal first, e.g. ${PORTAL_ADDRESS_EXAMPLE}.`);
      }
      const portal = rule.fromAddress(address);
      if (!portal) {
        throw new CrmAddressError(
          'address_not_allowed',
          rule.only
            ? `This server is set up for the sandbox Bitrix24 only: enter ${rule.only}.`
            : `This is not a Bitrix24 portal address. Enter it like ${PORTAL_ADDRESS_EXAMPLE}.`,
        );
      }
      const url = new URL('/oauth/authorize/', portal.origin);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('state', state);
      return url.toString();
    },

    async exchangeCode(callback, context = {}): Promise<CrmGrant> {
      const party = context.workspaceId === undefined ? undefined : `${context.workspaceId}/bitrix24`;
      const code = callback.get('code');
      if (!code) throw new OAuthCallbackError('code_missing', 'The callback carries no code');
      const portal = rule.fromDomain(callback.get('domain'));
      if (!portal) throw new OAuthCallbackError('host_not_allowed', 'The callback does not name a Bitrix24 portal');
      let answer: TokenAnswer | 'refused';
      try {
        answer = await tokenRequest(portal.host, { grant_type: 'authorization_code', code }, party);
      } catch (error) {
        if (error instanceof CrmHostError) throw new OAuthCallbackError('host_not_allowed', error.message);
        if (error instanceof CrmError) throw new OAuthCallbackError('crm_unavailable', error.message);
        throw error;
      }
      if (answer === 'refused') throw new OAuthCallbackError('code_exchange_failed', 'Bitrix24 refused the code');
      const memberId = memberIdOf(answer);
      if (!memberId) throw new OAuthCallbackError('crm_unavailable', 'Bitrix24 sent a token answer without member_id');
      const claimed = callback.get('member_id');
      if (claimed !== null && claimed !== memberId) throw new OAuthCallbackError('code_exchange_failed', 'The code is for another Bitrix24 portal');
      const baseUrl = restEndpoint(answer.client_endpoint, portal);
      if (!baseUrl) {
        log?.warn('crm token answer names another host', { crm: CRM_NAME, host: portal.host });
        throw new OAuthCallbackError('host_not_allowed', 'The Bitrix24 token answer names another host for REST calls');
      }
      return { baseUrl, tokens: toTokens(answer, timing.now()), account: { id: memberId, domain: portal.host, name: portal.host } };
    },

    refresh: (baseUrl, refreshToken) => refresh(baseUrl, refreshToken),
    getAccount,

    async listPipelines(connection): Promise<CrmPipeline[]> {
      const categories = await listCategories(connection);
      const directories = [...categories.map((category) => stageDirectory(category.id)), LEAD_DIRECTORY];
      const answers = await batch(
        connection,
        directories.map((directory, index) => ({
          key: `s${index}`,
          method: 'crm.status.list',
          params: { filter: { ENTITY_ID: directory }, order: { SORT: 'ASC' } },
        })),
      );
      const stagesOf = (index: number) => parse(statusesSchema, answers.get(`s${index}`)!.result, 'stages');
      const deals = categories.map((category, index) => toDealPipeline(category, stagesOf(index)));
      const lastSort = categories.reduce((max, category) => Math.max(max, category.sort), 0);
      return [...deals, toLeadPipeline(stagesOf(categories.length), lastSort + 1)];
    },

    async listCustomFields(connection): Promise<CrmCustomField[]> {
      const { fields, userFields } = await listUserFieldsAndFields(connection);
      return toCustomFields(fields, userFields);
    },

    async listLeads(connection, query: ListLeadsQuery = {}): Promise<CrmPage<CrmLead>> {
      const { page, limit, start } = paging(query);
      const filter: Record<string, unknown> = {};
      if (query.pipelineIds) {
        const ids = numericIds(query.pipelineIds);
        if (ids.length === 0) return { items: [], nextPage: null };
        filter['@CATEGORY_ID'] = ids;
      }
      if (query.createdFrom !== undefined) filter['>=DATE_CREATE'] = filterDateTime(query.createdFrom);
      if (query.createdTo !== undefined) filter['<=DATE_CREATE'] = filterDateTime(query.createdTo);
      if (query.updatedFrom !== undefined) filter['>=DATE_MODIFY'] = filterDateTime(query.updatedFrom);
      const direction = query.order?.direction === 'desc' ? 'DESC' : 'ASC';
      // ID breaks ties, so that pages neither repeat nor skip deals created in the same second.
      const order = query.order ? { [ORDER_FIELDS[query.order.by]]: direction, ID: direction } : { ID: 'ASC' };
      const answer = await call(connection, 'crm.deal.list', { select: DEAL_SELECT, filter, order, start });
      const rows = parse(dealRowsSchema, answer.result, 'deals');
      return {
        items: rows.slice(0, limit).map(toLead),
        nextPage: rows.length > limit || answer.next !== null ? page + 1 : null,
        ...totalOf(answer),
      };
    },

    async listEvents(connection, query: ListEventsQuery = {}): Promise<CrmPage<CrmStatusChange>> {
      const { page, limit, start } = paging(query);
      const filter: Record<string, unknown> = {};
      if (query.leadIds) {
        const ids = numericIds(query.leadIds);
        if (ids.length === 0) return { items: [], nextPage: null };
        filter['@OWNER_ID'] = ids;
      }
      if (query.createdFrom !== undefined) filter['>=CREATED_TIME'] = filterDateTime(query.createdFrom);
      if (query.createdTo !== undefined) filter['<=CREATED_TIME'] = filterDateTime(query.createdTo);
      const answer = await call(connection, 'crm.stagehistory.list', { entityTypeId: 2, filter, order: { ID: 'ASC' }, start });
      const rows = parse(historyPageSchema, answer.result, 'stage history').items;
      return {
        items: toStatusChanges(rows.slice(0, limit)),
        nextPage: rows.length > limit || answer.next !== null ? page + 1 : null,
        ...totalOf(answer),
      };
    },

    async accountCurrency(connection): Promise<string | null> {
      // The portal's base currency: the one deal amounts (OPPORTUNITY) are reported in by default.
      const answer = await call(connection, 'crm.currency.base.get');
      const currency = typeof answer.result === 'string' ? answer.result.trim().toUpperCase() : '';
      return ISO_CURRENCY.test(currency) ? currency : null;
    },
  };
}
