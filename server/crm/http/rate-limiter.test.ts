import { describe, expect, it } from 'vitest';

import { FakeTiming } from '../../testing/crm-test-kit';

import { SettlingTiming } from './testing';
import { AccountLimiter, LeakyBucket, QueueFullError, QueueTimeoutError, RateLimiters, takeShared, TokenBucket, type RateLimitPolicy } from './rate-limiter';

describe('TokenBucket', () => {
  it('lets at most 7 requests through in any one-second window, without really waiting', async () => {
    const timing = new FakeTiming(0);
    const bucket = new AccountLimiter(new TokenBucket(7), timing);
    const granted: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      await bucket.acquire();
      granted.push(timing.now());
    }
    expect(granted.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    for (let i = 7; i < granted.length; i += 1) expect(granted[i]! - granted[i - 7]!).toBeGreaterThanOrEqual(1000);
    // 30 requests need 4 windows.
    expect(timing.now()).toBe(4000);
  });

  it('serves concurrent callers in order', async () => {
    const timing = new FakeTiming(0);
    const bucket = new AccountLimiter(new TokenBucket(2), timing);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map((n) => bucket.acquire().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(timing.now()).toBe(2000);
  });

  it('keeps one bucket per account', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters({ kind: 'window', perSecond: 1 }, timing);
    await limiters.acquire('https://a.amocrm.ru');
    await limiters.acquire('https://b.amocrm.ru');
    expect(timing.now()).toBe(0);
    await limiters.acquire('https://a.amocrm.ru');
    expect(timing.now()).toBe(1000);
  });
});

describe('RateLimiters: bounded keys', () => {
  const window1 = { kind: 'window', perSecond: 1 } as const;
  // Each request is released at once (as the client does once its exchange is over): a limiter
  // with a request in flight is not idle.

  it('drops idle limiters when a new key would exceed maxKeys, and an evicted key starts afresh', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters(window1, timing, { maxKeys: 2 });
    (await limiters.acquire('a'))();
    (await limiters.acquire('b'))();
    expect(limiters.size).toBe(2);
    timing.advance(1000); // both idle now: their one token came back
    (await limiters.acquire('c'))();
    expect(limiters.size).toBe(1);
    (await limiters.acquire('a'))();
    expect(timing.now()).toBe(1000); // a fresh limiter, no wait
  });

  it('keeps a busy limiter (its wait stays) and drops an idle one instead', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters(window1, timing, { maxKeys: 2 });
    (await limiters.acquire('idle'))();
    timing.advance(1500);
    (await limiters.acquire('busy'))(); // spent at 1500
    timing.advance(100);
    (await limiters.acquire('new'))(); // 'idle' goes, 'busy' stays
    expect(limiters.size).toBe(2);
    (await limiters.acquire('busy'))();
    expect(timing.now()).toBe(2500); // still waited for its token
  });

  it('never holds more than maxKeys limiters, even when a stranger sends one request per key', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters(window1, timing, { maxKeys: 100 });
    let largest = 0;
    for (let i = 0; i < 5000; i += 1) {
      (await limiters.acquire(`https://x${i}.amocrm.ru`))();
      largest = Math.max(largest, limiters.size);
      if (i % 7 === 0) timing.advance(13);
    }
    expect(largest).toBe(100);
  });

  it('with every limiter busy, drops the least recently used one', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters({ kind: 'window', perSecond: 2 }, timing, { maxKeys: 2 });
    (await limiters.acquire('a'))();
    (await limiters.acquire('b'))();
    (await limiters.acquire('a'))(); // 'a' is now the most recently used, and full
    (await limiters.acquire('c'))(); // drops 'b', not 'a'
    (await limiters.acquire('a'))();
    expect(timing.now()).toBe(1000); // 'a' kept its window
  });

  it('a leaky bucket is idle only once it has drained', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters({ kind: 'leaky', drainPerSecond: 2, burst: 2 }, timing, { maxKeys: 2 });
    (await limiters.acquire('full'))();
    (await limiters.acquire('full'))(); // level 2: drains by 1000
    timing.advance(100);
    (await limiters.acquire('empty-soon'))(); // level 1: drains by 600
    timing.advance(600);
    (await limiters.acquire('new'))(); // 'empty-soon' has drained and goes; 'full' stays
    (await limiters.acquire('full'))(); // at 700 its level is 0.6: one more fits
    (await limiters.acquire('full'))(); // the next must wait for it to drain to 1 (a fresh bucket would not)
    expect(timing.now()).toBe(1000);
  });

  it('a limiter with a request in flight is not idle, whatever its bucket says', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters(window1, timing, { maxKeys: 2, maxInFlightPerParty: 1 });
    const release = await limiters.acquire('a');
    (await limiters.acquire('b'))();
    timing.advance(5000); // both buckets have drained; only 'b' is idle
    (await limiters.acquire('c'))(); // drops 'b', keeps 'a'
    let second = false;
    const next = limiters.acquire('a').then((done) => {
      second = true;
      done();
    });
    await Promise.resolve();
    expect(second).toBe(false); // the kept limiter still counts 'a''s first request in flight
    release();
    await next;
    expect(second).toBe(true);
  });

  it('refuses policies that cannot work', () => {
    const timing = new FakeTiming(0);
    expect(() => new RateLimiters({ kind: 'window', perSecond: 0 }, timing)).toThrow(RangeError);
    expect(() => new RateLimiters({ kind: 'window', perSecond: 1.5 }, timing)).toThrow(RangeError);
    expect(() => new RateLimiters({ kind: 'leaky', drainPerSecond: 0, burst: 50 }, timing)).toThrow(RangeError);
    expect(() => new RateLimiters({ kind: 'leaky', drainPerSecond: 2, burst: 0 }, timing)).toThrow(RangeError);
    expect(() => new RateLimiters(window1, timing, { maxKeys: 0 })).toThrow(RangeError);
    expect(() => new RateLimiters(window1, timing, { maxQueuedPerParty: 0 })).toThrow(RangeError);
    expect(() => new RateLimiters(window1, timing, { maxInFlightPerParty: 1.5 })).toThrow(RangeError);
  });
});

describe('LeakyBucket (Bitrix24: drains 2 per second, burst 50)', () => {
  it('lets the burst through at once, then one request per 500 ms, exactly', async () => {
    const timing = new FakeTiming(0);
    const bucket = new AccountLimiter(new LeakyBucket(2, 50), timing);
    const granted: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      await bucket.acquire();
      granted.push(timing.now());
    }
    expect(granted.slice(0, 50)).toEqual(Array.from({ length: 50 }, () => 0));
    expect(granted.slice(50)).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]);
  });

  it('refills as it drains: after 5 s of quiet, 10 more go at once', async () => {
    const timing = new FakeTiming(0);
    const bucket = new AccountLimiter(new LeakyBucket(2, 50), timing);
    for (let i = 0; i < 50; i += 1) await bucket.acquire();
    timing.advance(5000);
    for (let i = 0; i < 10; i += 1) await bucket.acquire();
    expect(timing.now()).toBe(5000);
    await bucket.acquire();
    expect(timing.now()).toBe(5500);
    timing.advance(60_000); // empty again: a whole burst
    const start = timing.now();
    for (let i = 0; i < 50; i += 1) await bucket.acquire();
    expect(timing.now()).toBe(start);
  });

  it('serves concurrent callers in order', async () => {
    const timing = new SettlingTiming(0);
    const bucket = new AccountLimiter(new LeakyBucket(2, 3), timing);
    const order: Array<[number, number]> = [];
    await Promise.all([1, 2, 3, 4, 5].map((n) => bucket.acquire().then(() => order.push([n, timing.now()]))));
    expect(order).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 500],
      [5, 1000],
    ]);
  });

  it('never fills the CRM’s bucket past its limit, whatever the pattern of calls', async () => {
    // The CRM's side, modelled independently: the level drains continuously and each arrival
    // adds one; a level above the limit is what Bitrix24 answers QUERY_LIMIT_EXCEEDED to.
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters({ kind: 'leaky', drainPerSecond: 2, burst: 50 }, timing);
    let level = 0;
    let last = 0;
    let highest = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i += 1) {
      if (random() < 0.3) timing.advance(Math.floor(random() * 3000));
      const burst = 1 + Math.floor(random() * 20);
      await Promise.all(
        Array.from({ length: burst }, () =>
          limiters.acquire('portal.bitrix24.ru').then(() => {
            const now = timing.now();
            level = Math.max(0, level - ((now - last) * 2) / 1000) + 1;
            last = now;
            highest = Math.max(highest, level);
          }),
        ),
      );
    }
    expect(highest).toBeLessThanOrEqual(50 + 1e-9);
    expect(highest).toBeGreaterThan(49); // the pattern did reach the limit
  });
});

describe('AccountLimiter: a line per party, served in turn', () => {
  it('takes the parties in turn, in the order they first waited; a party served goes to the back', async () => {
    const timing = new FakeTiming(0);
    const limiter = new AccountLimiter(new TokenBucket(1), timing);
    await limiter.acquire({ party: 'X' }); // the window's token is spent
    const order: string[] = [];
    await Promise.all(['A', 'A', 'A', 'B', 'C', 'C'].map((party) => limiter.acquire({ party }).then(() => order.push(party))));
    expect(order).toEqual(['A', 'B', 'C', 'A', 'C', 'A']);
  });

  it('a party at its in-flight cap is skipped (not waited for) until it releases', async () => {
    const timing = new FakeTiming(0);
    const limiter = new AccountLimiter(new TokenBucket(100), timing, { maxInFlightPerParty: 2 });
    const a1 = await limiter.acquire({ party: 'A' });
    await limiter.acquire({ party: 'A' });
    let third = false;
    const a3 = limiter.acquire({ party: 'A' }).then((release) => {
      third = true;
      return release;
    });
    await limiter.acquire({ party: 'B' }); // B is not held up by A's waiting third
    await Promise.resolve();
    expect(third).toBe(false);
    a1();
    a1(); // releasing twice frees one slot only
    (await a3)();
    expect(third).toBe(true);
    expect(limiter.idle()).toBe(false); // A's second is still in flight
  });

  it('refuses a party whose line is full at once (QueueFullError with a hint); other parties still queue', async () => {
    const timing = new FakeTiming(0);
    const limiter = new AccountLimiter(new TokenBucket(2), timing, { maxQueuedPerParty: 3 });
    const results = await Promise.allSettled(['A', 'A', 'A', 'A', 'A', 'A', 'B'].map((party) => limiter.acquire({ party })));
    // 2 go at once, 3 wait, the sixth is refused; B waits in its own line.
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refused = results[5] as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(QueueFullError);
    expect((refused.reason as QueueFullError).retryAfterSec).toBe(2); // 3 waiting at 2 a second
  });

  it('refuses a waiter at its deadline, and one whose signal aborts, without taking its turn', async () => {
    const timing = new FakeTiming(0);
    const limiter = new AccountLimiter(new TokenBucket(1), timing);
    await limiter.acquire();
    const late = limiter.acquire({ deadline: 500 });
    await expect(late).rejects.toBeInstanceOf(QueueTimeoutError);
    expect(timing.now()).toBe(500); // refused at its deadline, not at the next turn
    const controller = new AbortController();
    const aborted = limiter.acquire({ party: 'A', signal: controller.signal });
    const next = limiter.acquire({ party: 'B' });
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(QueueTimeoutError);
    await next;
    expect(timing.now()).toBe(1000); // B had the turn the aborted one would have had
    await expect(limiter.acquire({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(QueueTimeoutError);
  });
});

describe('a limit shared by several servers (SharedRateStore)', () => {
  /** The store as PostgreSQL keeps it: one state per key, `takeShared` under the row lock; records when each slot went. */
  function memoryStore(timing: { now(): number }) {
    const states = new Map<string, number[]>();
    const taken: number[] = [];
    return {
      taken,
      store: {
        take(key: string, policy: RateLimitPolicy) {
          const { wait, state } = takeShared(policy, states.get(key) ?? [], timing.now());
          if (wait === 0) {
            states.set(key, state);
            taken.push(timing.now());
          }
          return Promise.resolve(wait);
        },
      },
    };
  }

  const mostInOneSecond = (times: number[]) => Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length));

  it('window: two servers calling one account together stay within 7 requests in any second', async () => {
    const timing = new FakeTiming(0);
    const { store, taken } = memoryStore(timing);
    const policy: RateLimitPolicy = { kind: 'window', perSecond: 7 };
    const servers = [0, 1].map(() => new RateLimiters(policy, timing, { shared: store, sharedScope: 'amoCRM:' }));
    await Promise.all(Array.from({ length: 40 }, (_, i) => servers[i % 2]!.acquire('demo.amocrm.ru').then((release) => release())));
    expect(taken).toHaveLength(40);
    expect(mostInOneSecond(taken)).toBe(7);
  });

  it('leaky (Bitrix24): the burst and the drain are the account’s, not each server’s', () => {
    const policy: RateLimitPolicy = { kind: 'leaky', drainPerSecond: 2, burst: 3 };
    let state: number[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const step = takeShared(policy, state, 10_000);
      waits.push(step.wait);
      state = step.state;
    }
    // Three at once from empty, the fourth after one drain interval (500 ms).
    expect(waits).toEqual([0, 0, 0, 500]);
    expect(takeShared(policy, state, 10_500).wait).toBe(0);
  });

  it('window: says how long until the oldest of the last 7 leaves the second (with its margin for the way to the CRM), and spends nothing meanwhile', () => {
    const policy: RateLimitPolicy = { kind: 'window', perSecond: 2 };
    const full = [1000, 1300];
    expect(takeShared(policy, full, 1500)).toEqual({ wait: 550, state: full });
    expect(takeShared(policy, full, 2000)).toEqual({ wait: 50, state: full });
    expect(takeShared(policy, full, 2050)).toEqual({ wait: 0, state: [1300, 2050] });
  });

  it('a store that fails does not stop the calls: this server’s own limit still holds', async () => {
    const timing = new FakeTiming(0);
    const failing = { take: () => Promise.reject(new Error('database down')) };
    const limiter = new RateLimiters({ kind: 'window', perSecond: 2 }, timing, { shared: failing });
    for (let i = 0; i < 4; i += 1) (await limiter.acquire('a'))();
    expect(timing.now()).toBe(1000);
  });
});
