import { ManualTiming } from '../http/testing';

/**
 * What the conformance harnesses share: the fake clock and the in-process fetch. Nothing here
 * knows a CRM or a sandbox (the product's side of the line never imports `mocks/`).
 */

/** Where the fake clock starts: after every sandbox fixture's deals (they end in October 2025). */
export const CONFORMANCE_START = Date.UTC(2025, 10, 1, 9, 0, 0);

/**
 * The fake clock: `sleep` moves time at once, request timeouts fire when time passes them
 * (`ManualTiming` from the HTTP client's test doubles).
 */
export function conformanceClock(): ManualTiming {
  return new ManualTiming(CONFORMANCE_START);
}

/** Anything that answers a request in-process: a sandbox. */
export interface RequestTarget {
  fetch(request: Request): Promise<Response>;
}

export interface InProcessFetchOptions {
  /** Called once the request is with the target and has not answered within the current turn (e.g. to move the clock). */
  whilePending?: () => void;
}

/**
 * `fetch` straight into `target`, without a network or MSW; like a real fetch it rejects as
 * soon as the request's signal aborts (a timeout), whatever the target is still doing.
 */
export function inProcessFetch(target: RequestTarget, options: InProcessFetchOptions = {}): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const { signal } = request;
    return new Promise<Response>((resolve, reject) => {
      const abortReason = () => (signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      if (signal.aborted) {
        reject(abortReason());
        return;
      }
      let settled = false;
      const onAbort = () => {
        settled = true;
        reject(abortReason());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      target
        .fetch(request)
        .then(resolve, reject)
        .finally(() => {
          settled = true;
          signal.removeEventListener('abort', onAbort);
        });
      if (options.whilePending) {
        const poke = options.whilePending;
        // After every microtask of the target's own work: only a request that really waits is poked.
        setImmediate(() => {
          if (!settled) poke();
        });
      }
    });
  };
}
