/** Clock and timers, injectable so tests never really wait. */
export interface Timing {
  /** Unix ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * A signal that aborts with a `TimeoutError` after `ms` (a request's timeout). Optional:
   * without it, `AbortSignal.timeout(ms)` — a real timer — is used.
   */
  timeout?(ms: number): AbortSignal;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timeout: (ms) => AbortSignal.timeout(ms),
};
