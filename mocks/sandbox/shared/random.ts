/** Randomness for sandboxes: seeded (repeatable fixtures and faults) and secure (codes and tokens). */

/**
 * mulberry32, a tiny seeded PRNG: the same fixture always yields the same deals, and injected
 * faults come from seeded dice, so a run can be repeated.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded dice for fixture generators: every draw comes from one `seededRandom` sequence. */
export interface SeededDice {
  /** A number from 0 (included) to 1 (excluded). */
  random(): number;
  /** A whole number from `min` to `max`, both included (one draw). */
  between(min: number, max: number): number;
  /** One of `items`, which must not be empty (one draw). */
  pick<T>(items: readonly T[]): T;
}

export function seededDice(seed: number): SeededDice {
  const random = seededRandom(seed);
  return {
    random,
    between: (min, max) => min + Math.floor(random() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!,
  };
}

/** `bytes` random bytes as lowercase hex (codes and tokens). */
export function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buffer);
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** base64url without padding (JWT-like tokens). */
export function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
