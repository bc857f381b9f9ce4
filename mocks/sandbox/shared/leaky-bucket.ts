/**
 * A leaky bucket on an injected clock, for sandboxes whose CRM limits requests that way
 * (Bitrix24: every request adds one unit, the bucket drains `drainPerSec` units a second, and a
 * request that would overflow `size` is refused). Tests move the clock instead of sleeping.
 */

export interface LeakyBucketOptions {
  /** Units the bucket holds; 0 turns the limit off. */
  size: number;
  /** Units drained per second (> 0). */
  drainPerSec: number;
  /** Clock in Unix ms. */
  now: () => number;
}

export interface LeakyBucket {
  /** Adds one request when it fits (true); a refused request adds nothing (false). */
  take(): boolean;
  /** How many requests the bucket holds right now (after draining). */
  level(): number;
  /** New size or drain rate; the bucket keeps its level. */
  configure(options: Partial<Omit<LeakyBucketOptions, 'now'>>): void;
  /** Empties the bucket. */
  reset(): void;
}

export function createLeakyBucket(options: LeakyBucketOptions): LeakyBucket {
  let { size, drainPerSec } = options;
  let level = 0;
  let at = options.now();

  const drain = () => {
    const current = options.now();
    level = Math.max(0, level - (Math.max(0, current - at) * drainPerSec) / 1000);
    at = current;
  };

  return {
    take() {
      if (size <= 0) return true;
      drain();
      // A tiny tolerance so that float drains (e.g. 0.1 s × 3/s) never refuse a request that fits.
      if (level + 1 > size + 1e-9) return false;
      level += 1;
      return true;
    },
    level() {
      drain();
      return level;
    },
    configure(patch) {
      drain();
      if (patch.size !== undefined) size = patch.size;
      if (patch.drainPerSec !== undefined) drainPerSec = patch.drainPerSec;
    },
    reset() {
      level = 0;
      at = options.now();
    },
  };
}
