import { createFaultState, parseFaults, type FaultSpec } from '../shared/faults';
import { createLeakyBucket, type LeakyBucket } from '../shared/leaky-bucket';

import { B24Error } from './context';

export { SandboxFaultsError } from '../shared/faults';

/**
 * Fault injection and the rate limit of the sandbox Bitrix24 (`SANDBOX_BITRIX24_FAULTS`), for
 * tests and demos: `rate503=0.2,error500=0.1,latencyMs=300,accessTtlSec=60,revokedRefresh`.
 */
export interface Bitrix24SandboxFaults {
  /** Share (0..1) of REST requests answered `503 QUERY_LIMIT_EXCEEDED` on top of the real limit. */
  rate503: number;
  /** Share (0..1) of REST requests answered `500 INTERNAL_SERVER_ERROR`. */
  error500: number;
  /** Delay added to every REST and token request. */
  latencyMs: number;
  /** Lifetime of new access tokens (Bitrix24: 3600); shorten it to exercise `expired_token` → refresh. */
  accessTtlSec: number;
  /** Every refresh is refused (`invalid_grant`): the application was removed or its access revoked. */
  revokedRefresh: boolean;
  /** Every REST request answers `403 ACCESS_DENIED` (a plan without REST). */
  noRest: boolean;
  /** Every REST and token request answers `402 PAYMENT_REQUIRED` (the application's paid period ended). */
  unpaid: boolean;
  /** The leaky bucket's size: requests above it are refused with 503 (Bitrix24: 50; Enterprise 250); 0 = no limit. */
  bucket: number;
  /** Requests the bucket drains per second (Bitrix24: 2; Enterprise 5). */
  drainPerSec: number;
  /** Seed of the dice for rate503/error500, so a run can be repeated. */
  seed: number;
}

export const BITRIX24_DEFAULT_FAULTS: Bitrix24SandboxFaults = {
  rate503: 0,
  error500: 0,
  latencyMs: 0,
  accessTtlSec: 3600,
  revokedRefresh: false,
  noRest: false,
  unpaid: false,
  bucket: 50,
  drainPerSec: 2,
  seed: 1,
};

const SPEC: FaultSpec<Bitrix24SandboxFaults> = {
  rate503: 'share',
  error500: 'share',
  latencyMs: 'count',
  accessTtlSec: 'positive',
  revokedRefresh: 'flag',
  noRest: 'flag',
  unpaid: 'flag',
  bucket: 'count',
  drainPerSec: 'positive',
  seed: 'count',
};

/** Parses `key=value,key=value` (the shared fault parser with Bitrix24's keys); throws `SandboxFaultsError`. */
export function parseBitrix24Faults(text: string | undefined): Bitrix24SandboxFaults {
  return parseFaults(text, SPEC, BITRIX24_DEFAULT_FAULTS);
}

export const queryLimitExceeded = () => new B24Error(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');
export const paymentRequired = () => new B24Error(402, 'PAYMENT_REQUIRED', 'Payment required');

export interface Bitrix24FaultInjector {
  readonly current: Bitrix24SandboxFaults;
  set(patch: Partial<Bitrix24SandboxFaults>): void;
  /** The portal's leaky bucket (one per portal: every application's requests count). */
  readonly bucket: LeakyBucket;
  /** After the token check: no REST on this plan (403), unpaid (402), then the dice for 503 and 500. */
  injected(): B24Error | null;
}

export function createBitrix24FaultInjector(initial: Partial<Bitrix24SandboxFaults> | string | undefined, now: () => number): Bitrix24FaultInjector {
  const state = createFaultState(initial, SPEC, BITRIX24_DEFAULT_FAULTS);
  const bucket = createLeakyBucket({ size: state.current.bucket, drainPerSec: state.current.drainPerSec, now });

  return {
    get current() {
      return state.current;
    },
    set(patch) {
      state.set(patch);
      const faults = state.current;
      if (patch.bucket !== undefined || patch.drainPerSec !== undefined) bucket.configure({ size: faults.bucket, drainPerSec: faults.drainPerSec });
    },
    bucket,
    injected() {
      const faults = state.current;
      if (faults.noRest) return new B24Error(403, 'ACCESS_DENIED', 'REST is available only on commercial plans');
      if (faults.unpaid) return paymentRequired();
      if (state.roll(faults.rate503)) return queryLimitExceeded();
      if (state.roll(faults.error500)) return new B24Error(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      return null;
    },
  };
}
