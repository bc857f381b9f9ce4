import { BoundedMap } from '../../lib/bounded-map';

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

/** The arithmetic of one account's limit; the waiting is `AccountLimiter`'s. */
export interface Bucket {
  /** Requests per second it lets through in the long run (for retry hints). */
  readonly ratePerSecond: number;
  /** Milliseconds from `now` until one more request may go; 0 when it may go now. */
  waitMs(now: number): number;
  /** Counts one request sent at `now` (only when `waitMs(now)` is 0). */
  take(now: number): void;
  /** Back in its initial state at `now`: a fresh bucket would behave the same. */
  drained(now: number): boolean;
}

/**
 * At most `perSecond` requests in any one-second window: a token bucket whose tokens come
 * back one second after they were spent (a plain refilling bucket with a burst of 7 would
 * let 13 requests through within one second, and amoCRM counts per second).
 */
export class TokenBucket implements Bucket {
  /** When each of the last `perSecond` tokens was spent, oldest first. */
  private readonly spent: number[] = [];

  constructor(private readonly perSecond: number) {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`perSecond must be a positive integer, not ${perSecond}`);
  }

  get ratePerSecond(): number {
    return this.perSecond;
  }

  waitMs(now: number): number {
    while (this.spent.length > 0 && this.spent[0]! <= now - 1000) this.spent.shift();
    return this.spent.length < this.perSecond ? 0 : this.spent[0]! + 1000 - now;
  }

  take(now: number): void {
    this.spent.push(now);
  }

  drained(now: number): boolean {
    return this.spent.length === 0 || this.spent[this.spent.length - 1]! <= now - 1000;
  }
}

/**
 * A leaky bucket of `burst` requests draining `drainPerSecond` per second: `burst` requests
 * at once from empty, then one every `1000 / drainPerSecond` ms. Kept as the time the bucket
 * would be empty (`emptyAt`), so the level at `now` is `(emptyAt - now) / interval`.
 */
export class LeakyBucket implements Bucket {
  readonly ratePerSecond: number;
  private readonly interval: number;
  /** How far `emptyAt` may be ahead of now for one more request to fit: `(burst - 1)` intervals. */
  private readonly tolerance: number;
  private emptyAt = Number.NEGATIVE_INFINITY;

  constructor(drainPerSecond: number, burst: number) {
    if (!(drainPerSecond > 0) || !Number.isFinite(drainPerSecond)) throw new RangeError(`drainPerSecond must be positive, not ${drainPerSecond}`);
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burst must be a positive integer, not ${burst}`);
    this.ratePerSecond = drainPerSecond;
    this.interval = 1000 / drainPerSecond;
    this.tolerance = (burst - 1) * this.interval;
  }

  waitMs(now: number): number {
    const wait = Math.max(this.emptyAt, now) - this.tolerance - now;
    return wait <= 0 ? 0 : Math.ceil(wait);
  }

  take(now: number): void {
    this.emptyAt = Math.max(this.emptyAt, now) + this.interval;
  }

  drained(now: number): boolean {
    return this.emptyAt <= now;
  }

  /** When it would be empty (its whole state, for a shared store to keep). */
  get emptyTime(): number {
    return this.emptyAt;
  }

  restore(emptyAt: number): void {
    this.emptyAt = emptyAt;
  }
}

/**
 * One account's limit shared by every server on one database (PostgreSQL): `take` spends a
 * request's slot for `key` if the limit allows one now (0), else answers how many ms until it
 * may (nothing spent). Each server keeps its own lines and bucket in front of it (fairness
 * between workspaces, and no database round trip while its own bucket already says wait).
 */
export interface SharedRateStore {
  take(key: string, policy: RateLimitPolicy): Promise<number>;
}

/**
 * A shared window's second, plus a margin: the slot is taken in the database and the request
 * reaches the CRM a few ms later, by another server's path; requests that left 1,000 ms apart
 * can arrive closer (measured: 8 arrivals within 991 ms across two servers without it).
 */
export const SHARED_WINDOW_MS = 1050;

/**
 * The arithmetic of a shared bucket over its stored state, for a store to run under its row
 * lock: `window` keeps the send times of the last second, `leaky` the time it would be empty.
 */
export function takeShared(policy: RateLimitPolicy, state: readonly number[], now: number): { wait: number; state: number[] } {
  if (policy.kind === 'window') {
    const spent = state.filter((at) => at > now - SHARED_WINDOW_MS).sort((a, b) => a - b);
    if (spent.length < policy.perSecond) return { wait: 0, state: [...spent, now] };
    return { wait: Math.max(1, Math.ceil(spent[spent.length - policy.perSecond]! + SHARED_WINDOW_MS - now)), state: spent };
  }
  const bucket = new LeakyBucket(policy.drainPerSecond, policy.burst);
  bucket.restore(state[0] ?? Number.NEGATIVE_INFINITY);
  const wait = bucket.waitMs(now);
  if (wait > 0) return { wait, state: [...state] };
  bucket.take(now);
  return { wait: 0, state: [bucket.emptyTime] };
}

export function bucketFor(policy: RateLimitPolicy): Bucket {
  return policy.kind === 'window' ? new TokenBucket(policy.perSecond) : new LeakyBucket(policy.drainPerSecond, policy.burst);
}

/** One request asking for its turn. */
export interface Ticket {
  /**
   * Who asks: a workspace's connection. Each party waits in its own line and the lines are
   * served in turn (round-robin), so one party's burst delays another's request by a few
   * turns at most. Default: one shared party.
   */
  party?: string;
  /** `timing.now()` by which the turn must have come; a request still waiting then is refused with `QueueTimeoutError`. */
  deadline?: number;
  /** Aborting it while the request waits refuses it with `QueueTimeoutError`. */
  signal?: AbortSignal;
}

/** Ends the request's turn: its in-flight slot goes back to its party (idempotent). */
export type Release = () => void;

/** The party already has its `maxQueued` requests waiting: refused at once, nothing was sent. */
export class QueueFullError extends Error {
  constructor(
    /** About when the party's line will have room again, in whole seconds (at least 1). */
    readonly retryAfterSec: number,
  ) {
    super('too many requests waiting');
    this.name = 'QueueFullError';
  }
}

/** The request's deadline passed (or its signal aborted) while it waited for its turn. */
export class QueueTimeoutError extends Error {
  constructor() {
    super('deadline passed while waiting for a turn');
    this.name = 'QueueTimeoutError';
  }
}

export interface QueueLimits {
  /** Requests one party may have waiting per account; more are refused (`QueueFullError`). Default: unbounded. */
  maxQueuedPerParty?: number;
  /** Requests one party may have granted and not yet released per account; the rest wait. Default: unbounded. */
  maxInFlightPerParty?: number;
}

interface Waiter {
  party: string;
  deadline: number;
  resolve(release: Release): void;
  reject(error: Error): void;
  /** Detaches the abort listener. */
  detach(): void;
}

/**
 * One account's limit with a line per party: the bucket decides when the next request may go,
 * the lines decide whose it is. Parties take turns in the order they first queued (a party
 * served goes to the back); a party at its in-flight cap is skipped until it releases one.
 * Waiting ends with the turn, with `QueueTimeoutError` at the deadline, or not at all
 * (`QueueFullError`) when the party's line is full.
 */
export class AccountLimiter {
  /** Lines of the parties with someone waiting, in turn order (Map order: first is next). */
  private readonly lines = new Map<string, Waiter[]>();
  private readonly inFlight = new Map<string, number>();
  private waiting = 0;
  private pumping = false;
  private readonly maxQueued: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly bucket: Bucket,
    private readonly timing: Timing,
    limits: QueueLimits = {},
    /** The limit every server shares (see `SharedRateStore`), asked once this one's bucket allows a request. */
    private readonly shared?: () => Promise<number>,
  ) {
    this.maxQueued = limits.maxQueuedPerParty ?? Number.POSITIVE_INFINITY;
    this.maxInFlight = limits.maxInFlightPerParty ?? Number.POSITIVE_INFINITY;
    for (const [name, value] of [
      ['maxQueuedPerParty', this.maxQueued],
      ['maxInFlightPerParty', this.maxInFlight],
    ] as const) {
      if (value !== Number.POSITIVE_INFINITY && (!Number.isInteger(value) || value < 1)) throw new RangeError(`${name} must be a positive integer, not ${value}`);
    }
  }

  /** Resolves with the release when the request may be sent. */
  acquire(ticket: Ticket = {}): Promise<Release> {
    const party = ticket.party ?? '';
    const { signal } = ticket;
    if (signal?.aborted) return Promise.reject(new QueueTimeoutError());
    const line = this.lines.get(party) ?? [];
    // A request that may go now never stays in the line (the pump below grants it at once), so
    // the line holds only requests that really wait.
    if (line.length >= this.maxQueued) return Promise.reject(new QueueFullError(this.retryAfterSec(line.length)));
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        if (this.remove(waiter)) reject(new QueueTimeoutError());
      };
      const waiter: Waiter = {
        party,
        deadline: ticket.deadline ?? Number.POSITIVE_INFINITY,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      line.push(waiter);
      this.lines.set(party, line);
      this.waiting += 1;
      void this.pump();
    });
  }

  /** Nobody waits or is in flight, and the bucket is back in its initial state: dropping this loses nothing. */
  idle(): boolean {
    return this.waiting === 0 && this.inFlight.size === 0 && this.bucket.drained(this.timing.now());
  }

  private hasRoom(party: string): boolean {
    return (this.inFlight.get(party) ?? 0) < this.maxInFlight;
  }

  /** A full line empties in about its length times the parties served in turn, at the bucket's rate. */
  private retryAfterSec(length: number): number {
    return Math.max(1, Math.ceil((length * Math.max(1, this.lines.size)) / this.bucket.ratePerSecond));
  }

  /** Takes a waiter out of its line (false when it was no longer there). */
  private remove(waiter: Waiter): boolean {
    const line = this.lines.get(waiter.party);
    const index = line?.indexOf(waiter) ?? -1;
    if (!line || index < 0) return false;
    line.splice(index, 1);
    if (line.length === 0) this.lines.delete(waiter.party);
    this.waiting -= 1;
    waiter.detach();
    return true;
  }

  /** Refuses every waiter whose deadline has come; returns the earliest deadline still ahead. */
  private expire(now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const line of [...this.lines.values()]) {
      for (const waiter of [...line]) {
        if (waiter.deadline <= now) {
          this.remove(waiter);
          waiter.reject(new QueueTimeoutError());
        } else {
          earliest = Math.min(earliest, waiter.deadline);
        }
      }
    }
    return earliest;
  }

  /** The next party in turn that may have one more request in flight. */
  private nextParty(): string | undefined {
    for (const party of this.lines.keys()) if (this.hasRoom(party)) return party;
    return undefined;
  }

  private grant(party: string): void {
    const line = this.lines.get(party)!;
    const waiter = line.shift()!;
    this.waiting -= 1;
    waiter.detach();
    // Served: the party goes to the back of the turn order (or leaves it, its line empty).
    this.lines.delete(party);
    if (line.length > 0) this.lines.set(party, line);
    this.inFlight.set(party, (this.inFlight.get(party) ?? 0) + 1);
    let released = false;
    waiter.resolve(() => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(party) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(party);
      else this.inFlight.set(party, left);
      void this.pump();
    });
  }

  /** Hands out turns while the bucket allows; one pump runs at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const now = this.timing.now();
        const earliest = this.expire(now);
        const party = this.nextParty();
        if (party === undefined) return; // nobody waits, or every waiting party is at its in-flight cap
        let wait = this.bucket.waitMs(now);
        if (wait === 0 && this.shared) {
          // A store that fails does not stop the CRM calls: this server's own limit still holds.
          wait = await this.shared().catch(() => 0);
          if (wait === 0) {
            // Waiting for the store, the party may have left (deadline, abort): the slot goes to whoever is next.
            const next = this.nextParty();
            if (next === undefined) return;
            this.bucket.take(this.timing.now());
            this.grant(next);
            continue;
          }
        }
        if (wait === 0) {
          this.bucket.take(now);
          this.grant(party);
          continue;
        }
        // Wake for the next turn, or earlier for the first deadline (that waiter is then refused).
        await this.timing.sleep(Math.max(1, Math.min(wait, Math.ceil(earliest - now))));
      }
    } finally {
      this.pumping = false;
    }
  }
}

export interface RateLimitersOptions extends QueueLimits {
  /** Every server's limit together (PostgreSQL); keys are prefixed with `sharedScope`. Default: this server alone. */
  shared?: SharedRateStore;
  sharedScope?: string;
  /**
   * How many keys (accounts) to keep limiters for. When a new key would exceed it, idle
   * limiters among the least recently used are dropped; if none is idle, the least recently
   * used one is. Default 10 000.
   */
  maxKeys?: number;
}

/** One limiter per key (e.g. per account host), created on first use, with a bounded number of keys. */
export class RateLimiters {
  /**
   * Idle limiters among the least recently used are dropped first. If none is idle, the least
   * recently used one is: its queued callers still go in order on it; only later callers for
   * that key start a new one.
   */
  private readonly limiters: BoundedMap<AccountLimiter>;

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly timing: Timing,
    private readonly options: RateLimitersOptions = {},
  ) {
    this.limiters = new BoundedMap(options.maxKeys ?? 10_000, (limiter) => limiter.idle());
    this.create(); // validates the policy and the limits now rather than on the first request
  }

  /** Resolves with the release when a request for `key` may be sent (see `AccountLimiter`). */
  acquire(key: string, ticket: Ticket = {}): Promise<Release> {
    return this.limiters.use(key, () => this.create(key)).acquire(ticket);
  }

  /** How many keys have a limiter now. */
  get size(): number {
    return this.limiters.size;
  }

  private create(key?: string): AccountLimiter {
    const { shared, sharedScope = '' } = this.options;
    const take = shared && key !== undefined ? () => shared.take(`${sharedScope}${key}`, this.policy) : undefined;
    return new AccountLimiter(bucketFor(this.policy), this.timing, this.options, take);
  }
}
