/** Clock and timer, injectable so tests never really wait. */
export interface Timing {
  /** Unix ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * At most `perSecond` requests in any one-second window: a token bucket whose tokens come
 * back one second after they were spent (a plain refilling bucket with a burst of 7 would
 * let 13 requests through within one second, and amoCRM counts per second). Callers queue
 * in order; `acquire` resolves when the caller may send.
 */
export class TokenBucket {
  /** When each of the last `perSecond` tokens was spent, oldest first. */
  private readonly spent: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly timing: Timing,
  ) {}

  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
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
}

/** One bucket per key (amoCRM: per account host), created on first use. */
export class RateLimiters {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly timing: Timing,
  ) {}

  acquire(key: string): Promise<void> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.perSecond, this.timing);
      this.buckets.set(key, bucket);
    }
    return bucket.acquire();
  }
}
