import type { Logger } from '../../lib/logger';
import { CrmError } from '../errors';

import { QueueFullError, QueueTimeoutError, RateLimiters, type RateLimitPolicy, type Release, type SharedRateStore } from './rate-limiter';
import { realTiming, type Timing } from './timing';

/**
 * The CRM HTTP client every adapter uses: the generic part of talking to a CRM, written once.
 *
 * - `send`: one exchange — checks the URL against the CRM's destinations (a host it may not
 *   contact is refused before anything is sent), waits its turn with the account's rate
 *   limiter in its party's line, then fetches with `redirect: 'manual'`; one deadline
 *   (`timeoutMs`) covers the wait and the exchange. A network error or timeout is
 *   `crm_unavailable`; a party whose line is full is refused at once with `crm_rate_limited`.
 * - `request`: a bounded retry loop around `send`. The adapter says what each response means
 *   with a classifier (`CrmOutcome`): done, retry (after the CRM's hint or with backoff),
 *   renew the credentials once, or fail with a `CrmError`.
 *
 * Credentials are the adapter's business: an API-key CRM puts its key into `build()`; an OAuth
 * CRM passes `credentials` (see `oauth.ts`), which the loop renews once on a `refresh` outcome.
 *
 * Logs carry the CRM's name, host and path — never a query string, header or body — and error
 * messages name the CRM only, so neither can leak a token or key.
 */

export interface CrmHttpOptions {
  /** The CRM's display name ("amoCRM"), used in error messages and logs. */
  crmName: string;
  /** The per-account rate limit (from the connector's registry entry). */
  policy: RateLimitPolicy;
  /** Per exchange, from asking for a turn (time queued included) to the last byte of the body. Default 15 s. */
  timeoutMs?: number;
  /** Retries after a `retry` outcome (429, 5xx, …); a retry after renewing credentials is not counted. Default 3. */
  maxRetries?: number;
  /** The longest wait before a retry; a CRM asking for longer is not waited for. Default 10 s. */
  maxRetryWaitMs?: number;
  /** Backoff without a hint: `backoffBaseMs · 2^retry`, at most `maxRetryWaitMs`. Default 500 ms. */
  backoffBaseMs?: number;
  /** How many accounts to keep rate limiters for (idle ones are dropped first). Default 10 000. */
  maxLimiterKeys?: number;
  /**
   * Requests one party (a workspace's connection) may have waiting for its turn per account;
   * more are refused at once with `crm_rate_limited` and a retry hint. Default 20.
   */
  maxQueuedPerParty?: number;
  /** Requests one party may have on the wire at once per account; the rest wait in its line. Default 4. */
  maxInFlightPerParty?: number;
  /** The rate limit every server on the database shares (PostgreSQL); default: this server's own. */
  sharedRate?: SharedRateStore;
  /** Where this CRM's requests may go; anything else is refused before it is sent (`CrmHostError`). Default: anywhere. */
  destinations?: CrmDestinations;
  timing?: Timing;
  fetch?: typeof fetch;
  logger?: Logger;
}

/** The hosts a CRM's client may contact (its own domains, or exactly its sandbox). */
export interface CrmDestinations {
  allows(url: URL): boolean;
  /** What may be contacted, for the error: "amoCRM account hosts (https://<name>.amocrm.ru, …)". */
  readonly description: string;
}

/** Defaults of the per-party lines (see `CrmHttpOptions`). */
export const DEFAULT_MAX_QUEUED_PER_PARTY = 20;
export const DEFAULT_MAX_IN_FLIGHT_PER_PARTY = 4;

/** A request to a host outside the CRM's destinations, refused before it was sent. */
export class CrmHostError extends CrmError {
  constructor(message: string) {
    super('crm_forbidden', message);
    this.name = 'CrmHostError';
  }
}

/** One request as the adapter builds it. */
export interface CrmRequest {
  url: URL;
  /** `redirect` and `signal` are the client's (a given `signal` is combined with the timeout). */
  init?: RequestInit;
  /** Which rate limiter to wait for: the account. Default: the URL's host. */
  key?: string;
  /**
   * Whose line to wait in for the account's turns: the workspace's connection
   * (`CrmConnection.key`). Lines are served round-robin and bounded. Default: one shared line.
   */
  party?: string;
}

/** What a response means, as the adapter's classifier decides. */
export type CrmOutcome<T> =
  | { kind: 'ok'; value: T }
  /**
   * Try again after `afterSec` (the CRM's hint: a Retry-After header or a body field, which the
   * adapter extracts), or with exponential backoff when null. `cause` decides the error when
   * the retries are used up or the hint is beyond `maxRetryWaitMs`: `rate_limited` →
   * `crm_rate_limited` (with `retryAfterSec` = the hint), `unavailable` → `crm_unavailable`.
   */
  | { kind: 'retry'; cause: 'rate_limited' | 'unavailable'; afterSec: number | null }
  /** The credentials were refused (401): renew them once and send again. */
  | { kind: 'refresh' }
  | { kind: 'fail'; error: CrmError };

/** Builders for the outcomes, so classifiers read as a table. */
export const outcome = {
  ok: <T>(value: T): CrmOutcome<T> => ({ kind: 'ok', value }),
  /** 429 and the like; `afterSec` is the CRM's hint, null for none. */
  rateLimited: (afterSec: number | null): CrmOutcome<never> => ({ kind: 'retry', cause: 'rate_limited', afterSec }),
  /** 5xx and the like. */
  unavailable: (afterSec: number | null = null): CrmOutcome<never> => ({ kind: 'retry', cause: 'unavailable', afterSec }),
  refresh: (): CrmOutcome<never> => ({ kind: 'refresh' }),
  fail: (error: CrmError): CrmOutcome<never> => ({ kind: 'fail', error }),
};

/**
 * The classifier: the response (status and headers; its body is already read) and the body
 * as JSON — `null` when empty or not JSON.
 */
export type Classify<T> = (response: Response, body: unknown) => CrmOutcome<T>;

/** Credentials the loop can renew when the CRM refuses them (OAuth); see `oauth.ts`. */
export interface RenewableCredentials<A> {
  /** The credentials to start with; `fresh` when they were renewed just now (e.g. expired ones). */
  start(): Promise<{ access: A; fresh: boolean }>;
  /** New credentials after the CRM refused `refused`. */
  renew(refused: A): Promise<A>;
}

/** A request whose credentials (if any) are fixed: an API key, or none. */
export interface PlainRequestSpec<T> {
  build(): CrmRequest;
  classify: Classify<T>;
}

/** A request with renewable credentials: rebuilt with new ones after a `refresh` outcome. */
export interface RenewableRequestSpec<T, A> {
  credentials: RenewableCredentials<A>;
  build(access: A): CrmRequest;
  classify: Classify<T>;
}

export interface CrmHttp {
  readonly crmName: string;
  readonly timing: Timing;
  /**
   * One exchange (destination checked, rate-limited in its party's line, timed out, no
   * redirects followed). The body is the caller's to read; its in-flight slot is released
   * when the headers arrive.
   */
  send(request: CrmRequest): Promise<Response>;
  /**
   * Sends, reads the body, classifies, and retries as the outcome says, within the bounds. A
   * `refresh` outcome renews the credentials once per call: a second one right after fresh
   * credentials is `crm_unavailable` (the CRM refuses what it has just issued — not a
   * revocation, which the renewal itself would have reported).
   */
  request<T>(spec: PlainRequestSpec<T>): Promise<T>;
  request<T, A>(spec: RenewableRequestSpec<T, A>): Promise<T>;
}

export function createCrmHttp(options: CrmHttpOptions): CrmHttp {
  const { crmName, logger: log } = options;
  const timing = options.timing ?? realTiming;
  const fetchImpl = options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 10_000;
  const backoffBaseMs = options.backoffBaseMs ?? 500;
  const limiters = new RateLimiters(options.policy, timing, {
    maxKeys: options.maxLimiterKeys,
    maxQueuedPerParty: options.maxQueuedPerParty ?? DEFAULT_MAX_QUEUED_PER_PARTY,
    maxInFlightPerParty: options.maxInFlightPerParty ?? DEFAULT_MAX_IN_FLIGHT_PER_PARTY,
    shared: options.sharedRate,
    sharedScope: `${crmName}:`,
  });
  const destinations = options.destinations;
  const timeoutSignal = (ms: number) => (timing.timeout ? timing.timeout(ms) : AbortSignal.timeout(ms));
  const backoff = (retry: number) => Math.min(maxRetryWaitMs, backoffBaseMs * 2 ** retry);
  /** Where a request went, for logs: host and path, never the query. */
  const where = (url: URL) => ({ crm: crmName, host: url.host, path: url.pathname });

  const timedOutError = () => new CrmError('crm_unavailable', `${crmName} did not answer within ${timeoutMs} ms`);

  /** A failed fetch or body read, as `crm_unavailable`; the cause's text (it may hold the URL) is dropped. */
  function transportError(error: unknown, url: URL): CrmError {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause: unknown = error instanceof Error ? error.cause : undefined;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    log?.warn('crm request failed', { ...where(url), reason: timedOut ? 'timeout' : 'network', ...(code && /^[A-Z_]+$/.test(code) ? { error: code } : {}) });
    return timedOut ? timedOutError() : new CrmError('crm_unavailable', `${crmName} could not be reached`);
  }

    /**
   * Checks the destination, waits for the turn and fetches, all under one deadline; resolves
   * with the response and the turn's release (the caller releases once the body is read).
   */
  async function start({ url, init = {}, key = url.host, party }: CrmRequest): Promise<{ response: Response; release: Release }> {
    if (destinations && !destinations.allows(url)) {
      log?.warn('crm request refused: host not allowed', { ...where(url) });
      throw new CrmHostError(`${crmName}: refused to contact ${url.origin}; this server may contact only ${destinations.description}`);
    }
    const timeout = timeoutSignal(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let release: Release;
    try {
      release = await limiters.acquire(key, { party, deadline: timing.now() + timeoutMs, signal });
    } catch (error) {
      if (error instanceof QueueFullError) {
        log?.warn('crm request refused: too many waiting', { ...where(url), retryAfterSec: error.retryAfterSec });
        throw new CrmError('crm_rate_limited', `${crmName}: too many requests waiting for this workspace`, error.retryAfterSec);
      }
      if (error instanceof QueueTimeoutError) {
        log?.warn('crm request failed', { ...where(url), reason: 'timeout', queued: true });
        throw timedOutError();
      }
      throw error;
    }
    try {
      return { response: await fetchImpl(url, { ...init, redirect: 'manual', signal }), release };
    } catch (error) {
      release();
      throw transportError(error, url);
    }
  }

  async function send(request: CrmRequest): Promise<Response> {
    const { response, release } = await start(request);
    release();
    return response;
  }

  async function readBody(response: Response, url: URL): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(error, url);
    }
    if (text === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }

  async function loop<T>(build: () => CrmRequest, classify: Classify<T>, renew: (() => Promise<void>) | null): Promise<T> {
    for (let retry = 0; ; ) {
      const request = build();
      const { response, release } = await start(request);
      let body: unknown;
      try {
        body = await readBody(response, request.url);
      } finally {
        release();
      }
      const result = classify(response, body);
      switch (result.kind) {
        case 'ok':
          return result.value;
        case 'fail':
          log?.warn('crm request failed', { ...where(request.url), status: response.status, code: result.error.code });
          throw result.error;
        case 'refresh':
          if (!renew) throw new Error(`${crmName}: a request without renewable credentials was classified 'refresh'`);
          await renew();
          continue; // not a retry: the bound is for 429/5xx
        case 'retry': {
          const waitMs = result.afterSec === null ? backoff(retry) : result.afterSec * 1000;
          if (retry >= maxRetries || waitMs > maxRetryWaitMs) {
            log?.warn('crm request failed', { ...where(request.url), status: response.status, retries: retry, waitMs });
            throw result.cause === 'rate_limited'
              ? new CrmError('crm_rate_limited', `${crmName} rate limit`, result.afterSec ?? undefined)
              : new CrmError('crm_unavailable', `${crmName} answered ${response.status}`);
          }
          log?.info(result.cause === 'rate_limited' ? 'crm rate limited, waiting' : 'crm request failed, retrying', {
            ...where(request.url),
            status: response.status,
            waitMs,
          });
          await timing.sleep(waitMs);
          retry += 1;
          continue;
        }
      }
    }
  }

  async function request<T, A>(spec: PlainRequestSpec<T> | RenewableRequestSpec<T, A>): Promise<T> {
    if (!('credentials' in spec)) return loop(() => spec.build(), spec.classify, null);
    const { credentials } = spec;
    let { access, fresh } = await credentials.start();
    return loop(
      () => spec.build(access),
      spec.classify,
      async () => {
        // The CRM has just issued these credentials, yet refuses them: keep them (a later call
        // retries) and report the CRM as misbehaving rather than the access as revoked.
        if (fresh) throw new CrmError('crm_unavailable', `${crmName} refused a freshly refreshed token`);
        access = await credentials.renew(access);
        fresh = true;
      },
    );
  }

  return { crmName, timing, send, request };
}
