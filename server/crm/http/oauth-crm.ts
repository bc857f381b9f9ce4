import type { z } from 'zod';

import type { Logger } from '../../lib/logger';
import { CrmError } from '../errors';
import type { CrmTokens } from '../types';

import { createCrmHttp, type CrmDestinations } from './client';
import { createOAuthRefresher } from './oauth';
import type { RateLimitPolicy, SharedRateStore } from './rate-limiter';
import { realTiming, type Timing } from './timing';

/** The HTTP options every OAuth CRM adapter takes (tests inject `timing` and `fetch`). */
export interface CrmClientOptions {
  /** Per request (connect to last byte). Default 15 s. */
  timeoutMs?: number;
  /** Per account. Default: the CRM's documented limit. */
  rateLimit?: RateLimitPolicy;
  /** Retries after a rate limit or a 5xx. Default 3. */
  maxRetries?: number;
  /** A CRM asking to wait longer than this is not waited for. Default 10 s. */
  maxRetryWaitMs?: number;
  /** Requests one workspace may have waiting per account (more: `crm_rate_limited`). Default 20. */
  maxQueuedPerParty?: number;
  /** Requests one workspace may have on the wire at once per account. Default 4. */
  maxInFlightPerParty?: number;
  /** The rate limit every server on the database shares (PostgreSQL). Default: this server's own. */
  sharedRate?: SharedRateStore;
  timing?: Timing;
  fetch?: typeof fetch;
  logger?: Logger;
}

/**
 * An OAuth CRM's HTTP side, built the same way for every one: the shared client with the CRM's
 * rate limit and the hosts it may contact (`destinations`: its own domains, or only its
 * sandbox), the single-flight refresher around the adapter's own refresh grant, and `parse`,
 * which turns a body that does not match its schema into `crm_unavailable` naming the CRM.
 */
export function createOAuthCrmClient(
  crmName: string,
  defaultPolicy: RateLimitPolicy,
  destinations: CrmDestinations,
  options: CrmClientOptions,
  refresh: (baseUrl: string, refreshToken: string, party: string) => Promise<CrmTokens>,
) {
  const timing = options.timing ?? realTiming;
  const http = createCrmHttp({
    crmName,
    policy: options.rateLimit ?? defaultPolicy,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    maxRetryWaitMs: options.maxRetryWaitMs,
    maxQueuedPerParty: options.maxQueuedPerParty,
    maxInFlightPerParty: options.maxInFlightPerParty,
    sharedRate: options.sharedRate,
    destinations,
    timing,
    fetch: options.fetch,
    logger: options.logger,
  });
  const oauth = createOAuthRefresher({
    crmName,
    refresh: (access, party) => refresh(access.baseUrl, access.tokens.refreshToken, party),
    timing,
    logger: options.logger,
  });
  function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
    const result = schema.safeParse(body);
    if (!result.success) throw new CrmError('crm_unavailable', `${crmName} sent an unexpected ${what} response`);
    return result.data;
  }
  return { http, oauth, timing, parse };
}
