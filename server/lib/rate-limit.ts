import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';

import { BoundedMap } from './bounded-map';
import { incomingOf } from './http-limits';
import { problem } from './problem';

/**
 * A per-client rate limit on the API: a token bucket per client address that holds `burst`
 * tokens and refills `perSecond` of them per second; a request takes one, and a client with
 * none left is answered 429 with `Retry-After`.
 */

export interface RateLimitSettings {
  /** Tokens added per second (the sustained rate); 0 turns the limit off. */
  perSecond: number;
  /** Tokens a bucket holds (the burst a client may send at once). */
  burst: number;
  /** Clients (addresses) kept track of; beyond it the least recently seen are forgotten. */
  maxClients: number;
  /** Take the client from `X-Forwarded-For` (its last entry: the address our proxy saw). */
  trustProxy: boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  /**
   * A full bucket is the same as none, so full ones among the least recently seen are forgotten
   * first; if none is full, the least recently seen one is (that client starts again with a full
   * bucket: at most one more burst).
   */
  private readonly buckets: BoundedMap<Bucket>;

  constructor(
    private readonly settings: Pick<RateLimitSettings, 'perSecond' | 'burst' | 'maxClients'>,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(settings.perSecond > 0)) throw new RangeError(`perSecond must be positive, not ${settings.perSecond}`);
    if (!Number.isInteger(settings.burst) || settings.burst < 1) throw new RangeError(`burst must be a positive integer, not ${settings.burst}`);
    if (!Number.isInteger(settings.maxClients) || settings.maxClients < 1) throw new RangeError(`maxClients must be a positive integer, not ${settings.maxClients}`);
    this.buckets = new BoundedMap(settings.maxClients, (bucket) => this.level(bucket, this.now()) >= settings.burst);
  }

  /** Takes a token for `key`: 0 when the request may go, else the seconds until one is back. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.use(key, () => ({ tokens: this.settings.burst, at: now }));
    bucket.tokens = this.level(bucket, now);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.settings.perSecond));
  }

  /** How many clients are tracked now. */
  get size(): number {
    return this.buckets.size;
  }

  private level(bucket: Bucket, now: number): number {
    return Math.min(this.settings.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.settings.perSecond);
  }
}

/** The client's address: the socket's peer, or with `trustProxy` the last `X-Forwarded-For` entry. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('X-Forwarded-For')?.split(',').map((part) => part.trim()).filter(Boolean);
    const last = forwarded?.[forwarded.length - 1];
    if (last) return last;
  }
  // `app.request` in tests has no socket.
  return incomingOf(c.env) ? (getConnInfo(c).remote.address ?? 'unknown') : 'unknown';
}

/** The middleware: one token per request; 429 `rate_limited` with `Retry-After` when none is left. */
export function rateLimit(settings: RateLimitSettings, options: { exempt?: string[]; now?: () => number } = {}): MiddlewareHandler {
  if (settings.perSecond <= 0) return (_c, next) => next();
  const limiter = new RateLimiter(settings, options.now);
  const exempt = new Set(options.exempt);
  return async (c, next) => {
    if (exempt.has(c.req.path)) return next();
    const wait = limiter.take(clientAddress(c, settings.trustProxy));
    if (wait === 0) return next();
    return problem(c, 429, {
      code: 'rate_limited',
      detail: `Too many requests from your address. Try again in ${wait} s.`,
      retryAfter: wait,
    });
  };
}
