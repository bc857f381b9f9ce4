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

type Kind = 'share' | 'count' | 'positive' | 'flag';
const KEYS: Record<keyof SandboxFaults, Kind> = {
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

export class SandboxFaultsError extends Error {}

const isKey = (key: string): key is keyof SandboxFaults => Object.hasOwn(KEYS, key);

/** Parses `key=value,key=value`; throws `SandboxFaultsError` naming the bad part. Empty → defaults. */
export function parseSandboxFaults(text: string | undefined): SandboxFaults {
  const faults: SandboxFaults = { ...DEFAULT_FAULTS };
  for (const part of (text ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [key = '', raw, extra] = part.split('=').map((item) => item.trim());
    if (!isKey(key)) {
      throw new SandboxFaultsError(`unknown fault "${key}" (known: ${Object.keys(KEYS).join(', ')})`);
    }
    const kind = KEYS[key];
    if (kind === 'flag' && raw === undefined) {
      (faults[key] as boolean) = true;
      continue;
    }
    if (raw === undefined || raw === '' || extra !== undefined) throw new SandboxFaultsError(`"${part}" must be ${key}=<value>`);
    if (kind === 'flag') {
      if (!['1', '0', 'true', 'false'].includes(raw)) throw new SandboxFaultsError(`${key} must be true or false`);
      (faults[key] as boolean) = raw === '1' || raw === 'true';
      continue;
    }
    const value = Number(raw);
    const valid =
      Number.isFinite(value) &&
      (kind === 'share' ? value >= 0 && value <= 1 : Number.isInteger(value) && (kind === 'positive' ? value > 0 : value >= 0));
    if (!valid) {
      const expected = kind === 'share' ? 'a share between 0 and 1' : kind === 'positive' ? 'a positive integer' : 'a whole number ≥ 0';
      throw new SandboxFaultsError(`${key} must be ${expected}, got "${raw}"`);
    }
    (faults[key] as number) = value;
  }
  return faults;
}
