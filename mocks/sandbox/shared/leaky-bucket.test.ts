import { describe, expect, it } from 'vitest';

import { createLeakyBucket } from './leaky-bucket';

describe('the leaky bucket', () => {
  const setup = (size: number, drainPerSec: number) => {
    const clock = { at: 1_000_000 };
    return { clock, bucket: createLeakyBucket({ size, drainPerSec, now: () => clock.at }) };
  };
  const takes = (bucket: { take(): boolean }, count: number) => Array.from({ length: count }, () => bucket.take());

  it('holds exactly size requests, then refuses without filling up', () => {
    const { bucket } = setup(5, 2);
    expect(takes(bucket, 7)).toEqual([true, true, true, true, true, false, false]);
    expect(bucket.level()).toBe(5);
  });

  it('drains drainPerSec requests a second, continuously, and never below empty', () => {
    const { bucket, clock } = setup(5, 2);
    takes(bucket, 5);
    clock.at += 250;
    expect(bucket.take()).toBe(false);
    clock.at += 250;
    expect(takes(bucket, 2)).toEqual([true, false]);
    clock.at += 60_000;
    expect(bucket.level()).toBe(0);
    expect(takes(bucket, 6)).toEqual([true, true, true, true, true, false]);
  });

  it('can be resized, retuned, emptied, or turned off with size 0', () => {
    const { bucket, clock } = setup(2, 1);
    takes(bucket, 2);
    bucket.configure({ size: 3 });
    expect(takes(bucket, 2)).toEqual([true, false]);
    bucket.configure({ drainPerSec: 10 });
    clock.at += 100;
    expect(takes(bucket, 2)).toEqual([true, false]);
    bucket.reset();
    expect(bucket.level()).toBe(0);
    bucket.configure({ size: 0 });
    expect(takes(bucket, 100).every(Boolean)).toBe(true);
  });
});
