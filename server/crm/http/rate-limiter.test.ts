import { describe, expect, it } from 'vitest';

import { FakeTiming } from '../../testing/crm-test-kit';
import { RateLimiters, TokenBucket } from './rate-limiter';

describe('TokenBucket', () => {
  it('lets at most 7 requests through in any one-second window, without really waiting', async () => {
    const timing = new FakeTiming(0);
    const bucket = new TokenBucket(7, timing);
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
    const bucket = new TokenBucket(2, timing);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map((n) => bucket.acquire().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(timing.now()).toBe(2000);
  });

  it('keeps one bucket per account', async () => {
    const timing = new FakeTiming(0);
    const limiters = new RateLimiters(1, timing);
    await limiters.acquire('https://a.amocrm.ru');
    await limiters.acquire('https://b.amocrm.ru');
    expect(timing.now()).toBe(0);
    await limiters.acquire('https://a.amocrm.ru');
    expect(timing.now()).toBe(1000);
  });
});
