import type { Timing } from './timing';

/**
 * How fast one account may be called; a connector's registry entry carries one.
 * - `window`: at most `perSecond` requests in any one-second window (amoCRM 7, RetailCRM 10).
 * - `leaky`: the CRM counts requests in a bucket that drains `drainPerSecond` per second and
 *   refuses a request that would take it past `burst` (Bitrix24: 2 and 50, Enterprise 5 and 250).
 *   We keep our own copy of that bucket and wait before sending instead of being refused.
 *   The CRM counts arrivals and we count departures, so network jitter can squeeze requests
 *   together on its side; a policy may give a slightly smaller `burst` than the CRM's to keep
 *   a margin (the CRM's own 503 is still retried by the request loop).
 */
export type RateLimitPolicy = { kind: 'window'; perSecond: number } | { kind: 'leaky'; drainPerSecond: number; burst: number };

/** Callers queue in order (FIFO); `acquire` resolves when the caller may send. */
abstract class QueuedLimiter {
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(protected readonly timing: Timing) {}

  acquire(): Promise<void> {
    this.waiting += 1;
    const turn = this.queue.then(() => this.take());
    const done = () => {
      this.waiting -= 1;
    };
    this.queue = turn.then(done, done);
    return turn;
  }

  /**
   * Nobody is waiting and the limiter is back in its initial state (a fresh one would behave
   * the same), so dropping it loses nothing.
   */
  idle(): boolean {
    return this.waiting === 0 && this.drained(this.timing.now());
  }

  /** Waits (with `timing.sleep`) until one request may go, and counts it. */
  protected abstract take(): Promise<void>;
  protected abstract drained(now: number): boolean;
}

/**
 * At most `perSecond` requests in any one-second window: a token bucket whose tokens come
 * back one second after they were spent (a plain refilling bucket with a burst of 7 would
 * let 13 requests through within one second, and amoCRM counts per second).
 */
export class TokenBucket extends QueuedLimiter {
  /** When each of the last `perSecond` tokens was spent, oldest first. */
  private readonly spent: number[] = [];

  constructor(
    private readonly perSecond: number,
    timing: Timing,
  ) {
    super(timing);
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`perSecond must be a positive integer, not ${perSecond}`);
  }

  protected async take(): Promise<void> {
    for (;;) {
      const now = this.timing.now();
      while (this.spent.length > 0 && this.spent[0]! <= now - 1000) this.spent.shift();
      if (this.spent.length < this.perSecond) {
        this.spent.push(now);
        return;
      }
      await this.timing.sleep(this.spent[0]! + 1000 - now);
    }
  }

  protected drained(now: number): boolean {
    return this.spent.length === 0 || this.spent[this.spent.length - 1]! <= now - 1000;
  }
}

/**
 * A leaky bucket of `burst` requests draining `drainPerSecond` per second: `burst` requests
 * at once from empty, then one every `1000 / drainPerSecond` ms. Kept as the time the bucket
 * would be empty (`emptyAt`), so the level at `now` is `(emptyAt - now) / interval`.
 */
export class LeakyBucket extends QueuedLimiter {
  private readonly interval: number;
  /** How far `emptyAt` may be ahead of now for one more request to fit: `(burst - 1)` intervals. */
  private readonly tolerance: number;
  private emptyAt = Number.NEGATIVE_INFINITY;

  constructor(drainPerSecond: number, burst: number, timing: Timing) {
    super(timing);
    if (!(drainPerSecond > 0) || !Number.isFinite(drainPerSecond)) throw new RangeError(`drainPerSecond must be positive, not ${drainPerSecond}`);
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be a positive integer, not ${burst}`);
    this.interval = 1000 / drainPerSecond;
    this.tolerance = (burst - 1) * this.interval;
  }

  protected async take(): Promise<void> {
    for (;;) {
      const now = this.timing.now();
      const emptyAt = Math.max(this.emptyAt, now);
      const wait = emptyAt - this.tolerance - now;
      if (wait <= 0) {
        this.emptyAt = emptyAt + this.interval;
        return;
      }
      await this.timing.sleep(Math.ceil(wait));
    }
  }

  protected drained(now: number): boolean {
    return this.emptyAt <= now;
  }
}

export interface RateLimitersOptions {
  /**
   * How many keys (accounts) to keep limiters for. When a new key would exceed it, idle
   * limiters among the least recently used are dropped; if none is idle, the least recently
   * used one is. Default 10 000.
   */
  maxKeys?: number;
}

/** How many of the least recently used limiters one new key looks at for idle ones. */
const SWEEP_LIMIT = 64;

/** One limiter per key (e.g. per account host), created on first use, with a bounded number of keys. */
export class RateLimiters {
  /** In order of last use, least recent first. */
  private readonly limiters = new Map<string, QueuedLimiter>();
  private readonly maxKeys: number;

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly timing: Timing,
    options: RateLimitersOptions = {},
  ) {
    this.maxKeys = options.maxKeys ?? 10_000;
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, not ${this.maxKeys}`);
    this.create(); // validates the policy now rather than on the first request
  }

  /** Resolves when a request for `key` may be sent (in the order of the calls for that key). */
  acquire(key: string): Promise<void> {
    let limiter = this.limiters.get(key);
    if (limiter) {
      this.limiters.delete(key);
    } else {
      this.makeRoom();
      limiter = this.create();
    }
    this.limiters.set(key, limiter);
    return limiter.acquire();
  }

  /** How many keys have a limiter now. */
  get size(): number {
    return this.limiters.size;
  }

  private create(): QueuedLimiter {
    return this.policy.kind === 'window'
      ? new TokenBucket(this.policy.perSecond, this.timing)
      : new LeakyBucket(this.policy.drainPerSecond, this.policy.burst, this.timing);
  }

  private makeRoom(): void {
    if (this.limiters.size < this.maxKeys) return;
    // Idle limiters gather at the least recently used end: look at a bounded number of them,
    // so a flood of new keys costs constant work per key, not a sweep of the whole map.
    let looked = 0;
    for (const [key, limiter] of this.limiters) {
      if (looked++ === SWEEP_LIMIT) break;
      if (limiter.idle()) this.limiters.delete(key);
    }
    if (this.limiters.size < this.maxKeys) return;
    // All of those are busy: drop the least recently used one. Its queued callers still go in
    // order on it; only later callers for that key start a new one.
    const oldest = this.limiters.keys().next();
    if (!oldest.done) this.limiters.delete(oldest.value);
  }
}
