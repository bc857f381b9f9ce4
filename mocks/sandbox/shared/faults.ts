import { seededRandom } from './random';

/**
 * Fault strings for any sandbox (`SANDBOX_FAULTS=rate429=0.2,latencyMs=300,unpaid`): each CRM's
 * sandbox declares its faults with a kind per key and its defaults; this parses the string, holds
 * the faults in force with their seeded dice, and waits out injected latency.
 */

/** `share`: 0..1; `count`: a whole number ≥ 0; `positive`: a whole number > 0; `flag`: true/false (bare = true). */
export type FaultKind = 'share' | 'count' | 'positive' | 'flag';

/** The kind of every fault key: a boolean fault is a `flag`, a number anything else. */
export type FaultSpec<T> = { [K in keyof T]: T[K] extends boolean ? 'flag' : Exclude<FaultKind, 'flag'> };

export class SandboxFaultsError extends Error {}

/** Parses `key=value,key=value`; throws `SandboxFaultsError` naming the bad part. Empty → defaults. */
export function parseFaults<T extends { [K in keyof T]: number | boolean }>(text: string | undefined, spec: FaultSpec<T>, defaults: T): T {
  const faults: Record<string, number | boolean> = { ...defaults };
  const kinds = spec as Record<string, FaultKind>;
  for (const part of (text ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [key = '', raw, extra] = part.split('=').map((item) => item.trim());
    const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined;
    if (kind === undefined) {
      throw new SandboxFaultsError(`unknown fault "${key}" (known: ${Object.keys(kinds).join(', ')})`);
    }
    if (kind === 'flag' && raw === undefined) {
      faults[key] = true;
      continue;
    }
    if (raw === undefined || raw === '' || extra !== undefined) throw new SandboxFaultsError(`"${part}" must be ${key}=<value>`);
    if (kind === 'flag') {
      if (!['1', '0', 'true', 'false'].includes(raw)) throw new SandboxFaultsError(`${key} must be true or false`);
      faults[key] = raw === '1' || raw === 'true';
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
    faults[key] = value;
  }
  return faults as T;
}

/** The faults in force and the dice that decide the injected shares. */
export interface FaultState<T> {
  readonly current: T;
  /** Changes some faults; a new `seed` restarts the dice. */
  set(patch: Partial<T>): void;
  /**
   * Rolls the dice for a share (0..1): true that often. A share of 0 rolls nothing, so turning
   * one fault off leaves the rolls of the others as they were.
   */
  roll(share: number): boolean;
}

/**
 * The faults of a sandbox from its options: a fault string (parsed with `spec`; throws
 * `SandboxFaultsError`), an object over `defaults`, or nothing (the defaults). The dice are
 * seeded with `seed`, so a run can be repeated.
 */
export function createFaultState<T extends { [K in keyof T]: number | boolean } & { seed: number }>(
  initial: Partial<T> | string | undefined,
  spec: FaultSpec<T>,
  defaults: T,
): FaultState<T> {
  let faults: T = typeof initial === 'string' ? parseFaults(initial, spec, defaults) : { ...defaults, ...initial };
  let dice = seededRandom(faults.seed);
  return {
    get current() {
      return faults;
    },
    set(patch) {
      faults = { ...faults, ...patch };
      if (patch.seed !== undefined) dice = seededRandom(faults.seed);
    },
    roll: (share) => share > 0 && dice() < share,
  };
}

/** Waits `ms` (the injected latency) unless the request is aborted first. */
export function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
