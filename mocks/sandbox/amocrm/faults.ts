import type { Hono } from 'hono';

import { createFaultState, delay, parseFaults, type FaultSpec } from '../shared/faults';
import { httpProblem, json } from '../shared/http';
import { randomHex } from '../shared/random';

export { SandboxFaultsError } from '../shared/faults';

/**
 * Fault injection for the sandbox amoCRM (`SANDBOX_FAULTS`), for tests and demos:
 * `rate429=0.2,error500=0.1,latencyMs=300,accessTtlSec=60`.
 */
export interface SandboxFaults {
  /** Share (0..1) of API v4 requests answered 429 with `retry_after`. */
  rate429: number;
  /** `retry_after` (seconds) of those injected 429s. */
  retryAfterSec: number;
  /** Share (0..1) of API v4 requests answered 500. */
  error500: number;
  /** Delay added to every API v4 and token request. */
  latencyMs: number;
  /** Lifetime of new access tokens (amoCRM: 86400). */
  accessTtlSec: number;
  /** Every API v4 request answers 402 Payment Required (subscription ended). */
  unpaid: boolean;
  /** Every API v4 request answers 403 Forbidden (account blocked). */
  blocked: boolean;
  /** The sandbox's own rate limit, requests per second per account, like amoCRM's 7; 0 turns it off. */
  rps: number;
  /** Seed of the dice for rate429/error500, so a run can be repeated. */
  seed: number;
}

export const DEFAULT_FAULTS: SandboxFaults = {
  rate429: 0,
  retryAfterSec: 1,
  error500: 0,
  latencyMs: 0,
  accessTtlSec: 86400,
  unpaid: false,
  blocked: false,
  rps: 7,
  seed: 1,
};

const SPEC: FaultSpec<SandboxFaults> = {
  rate429: 'share',
  retryAfterSec: 'count',
  error500: 'share',
  latencyMs: 'count',
  accessTtlSec: 'positive',
  unpaid: 'flag',
  blocked: 'flag',
  rps: 'count',
  seed: 'count',
};

/** Parses `key=value,key=value`; throws `SandboxFaultsError` naming the bad part. Empty → defaults. */
export function parseSandboxFaults(text: string | undefined): SandboxFaults {
  return parseFaults(text, SPEC, DEFAULT_FAULTS);
}

const tooManyRequests = (retryAfter: number) =>
  httpProblem(429, 'Too Many Requests', 'You have sent too many requests in a given amount of time. Please try again later.', {
    retry_after: retryAfter,
  });

export interface FaultInjector {
  readonly current: SandboxFaults;
  set(patch: Partial<SandboxFaults>): void;
  /**
   * The gate in front of API v4, in amoCRM's order: latency, the account's rate limit, the
   * access token (`isAuthorized`, else 401), then blocked (403), unpaid (402) and the dice
   * for injected 429s and 500s.
   */
  apiGate(isAuthorized: (authorization: string | undefined) => boolean): (app: Hono) => void;
}

export function createFaultInjector(initial: Partial<SandboxFaults> | string | undefined, now: () => number): FaultInjector {
  const state = createFaultState(initial, SPEC, DEFAULT_FAULTS);
  const bucket = { tokens: state.current.rps, at: now() };

  return {
    get current() {
      return state.current;
    },
    set(patch) {
      state.set(patch);
      if (patch.rps !== undefined) bucket.tokens = state.current.rps;
    },
    apiGate: (isAuthorized) => (app) => {
      app.use('/api/v4/*', async (c, next) => {
        await delay(state.current.latencyMs, c.req.raw.signal);
        // Read after the wait: faults set meanwhile apply to this request.
        const faults = state.current;
        if (faults.rps > 0) {
          const at = now();
          bucket.tokens = Math.min(faults.rps, bucket.tokens + ((at - bucket.at) / 1000) * faults.rps);
          bucket.at = at;
          if (bucket.tokens < 1) return tooManyRequests(1);
          bucket.tokens -= 1;
        }
        if (!isAuthorized(c.req.header('Authorization'))) return httpProblem(401, 'Unauthorized', 'Invalid user name or password');
        if (faults.blocked) return httpProblem(403, 'Forbidden', 'Account is blocked');
        if (faults.unpaid) return httpProblem(402, 'Payment Required', 'Payment required');
        if (state.roll(faults.rate429)) return tooManyRequests(faults.retryAfterSec);
        if (state.roll(faults.error500)) {
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
    },
  };
}
