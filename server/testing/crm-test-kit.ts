import { randomBytes } from 'node:crypto';

import {
  createSandboxAmo,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_DEFAULT_ORIGIN,
  type SandboxAmo,
  type SandboxOptions,
} from '../../mocks/sandbox/amocrm/index';
import { createAmoCrmAdapter, type AmoCrmOptions } from '../crm/amocrm/adapter';
import type { Timing } from '../crm/http/timing';
import type { CrmDeps } from '../crm/registry';
import { TokenCipher } from '../lib/secrets';

/**
 * A clock for tests: `sleep` moves time forward at once (and records what was asked), so
 * backoffs, rate limits and expiries are exercised without waiting.
 */
export class FakeTiming implements Timing {
  readonly sleeps: number[] = [];

  constructor(private current = Date.UTC(2025, 10, 1, 9, 0, 0)) {}

  now = (): number => this.current;

  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.current += ms;
    return Promise.resolve();
  };

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * `fetch` straight into the sandbox, without a network or MSW; like a real fetch it rejects
 * when the request's signal aborts (timeouts).
 */
export function sandboxFetch(sandbox: SandboxAmo): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const { signal } = request;
    return new Promise<Response>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        return;
      }
      const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      sandbox
        .fetch(request)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  };
}

export interface TestCrm {
  deps: CrmDeps;
  sandbox: SandboxAmo;
  /** The sandbox's origin as the adapter sees it. */
  origin: string;
}

export interface TestCrmOptions {
  /** The product's public URL (the redirect URI is derived from it). */
  publicUrl: string;
  sandbox?: SandboxOptions;
  adapter?: Partial<AmoCrmOptions>;
  /** Route the adapter's requests through the global fetch (MSW) instead of straight into the sandbox. */
  viaGlobalFetch?: boolean;
  /** Clock for state expiry in the routes. */
  now?: () => number;
}

/** CRM deps backed by an in-memory sandbox amoCRM: the real adapter, the real protocol, no network. */
export function createTestCrm(options: TestCrmOptions): TestCrm {
  const redirectUri = `${options.publicUrl}/api/oauth/amocrm/callback`;
  const sandbox = createSandboxAmo({
    ...options.sandbox,
    integration: { redirectUri, ...options.sandbox?.integration },
  });
  const origin = SANDBOX_DEFAULT_ORIGIN;
  const adapter = createAmoCrmAdapter({
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    redirectUri,
    authorizeEndpoint: `${origin}/oauth`,
    sandboxOrigin: origin,
    ...(options.viaGlobalFetch ? {} : { fetch: sandboxFetch(sandbox) }),
    ...options.adapter,
  });
  return {
    deps: { adapters: { amocrm: adapter }, cipher: new TokenCipher(randomBytes(32)), now: options.now },
    sandbox,
    origin,
  };
}
