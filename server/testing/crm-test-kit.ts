import { randomBytes } from 'node:crypto';

import type { ConnectorId } from '../../app/contracts/connector';
import {
  createSandboxAmo,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_DEFAULT_ORIGIN,
  type SandboxAmo,
  type SandboxOptions,
} from '../../mocks/sandbox/amocrm/index';
import {
  BITRIX24_SANDBOX_CLIENT_ID,
  BITRIX24_SANDBOX_CLIENT_SECRET,
  BITRIX24_SANDBOX_DEFAULT_ORIGIN,
  createSandboxBitrix24,
  type Bitrix24SandboxOptions,
  type SandboxBitrix24,
} from '../../mocks/sandbox/bitrix24/index';
import {
  createSandboxRetailCrm,
  RETAILCRM_SANDBOX_DEFAULT_ORIGIN,
  type RetailCrmSandboxOptions,
  type SandboxRetailCrm,
} from '../../mocks/sandbox/retailcrm/index';
import type { FetchHandler } from '../../mocks/sandbox/shared/compose';
import { createAmoCrmAdapter, type AmoCrmOptions } from '../crm/amocrm/adapter';
import { createBitrix24Adapter, type Bitrix24Options } from '../crm/bitrix24/adapter';
import type { Timing } from '../crm/http/timing';
import { createRetailCrmAdapter, type RetailCrmOptions } from '../crm/retailcrm/adapter';
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
 * `fetch` straight into a sandbox (either CRM's), without a network or MSW; like a real fetch
 * it rejects when the request's signal aborts (timeouts).
 */
export function sandboxFetch(sandbox: FetchHandler): typeof fetch {
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

/** The product's OAuth callback for a connector (the Redirect URI its sandbox's integration names). */
export const oauthCallbackUrl = (publicUrl: string, connector: ConnectorId): string => `${publicUrl}/api/oauth/${connector}/callback`;

/** The Bitrix24 side of a test CRM: its sandbox and where the adapter reaches it. */
export interface TestBitrix24 {
  sandbox: SandboxBitrix24;
  /** The sandbox's origin as the adapter sees it (`BITRIX24_SANDBOX_ORIGIN`). */
  origin: string;
  /** The portal's address: the sandbox's host, the only one the adapter accepts (typed or in the callback). */
  host: string;
}

/** How the Bitrix24 side is built; every field optional (`bitrix24: true` takes the defaults). */
export interface TestBitrix24Options {
  /** The sandbox's portal, faults and clock (its integration's redirect URI is the product's callback). */
  sandbox?: Bitrix24SandboxOptions;
  adapter?: Partial<Bitrix24Options>;
}

/** The RetailCRM side of a test CRM: its sandbox, its origin (the only account address accepted) and its key. */
export interface TestRetailCrm {
  sandbox: SandboxRetailCrm;
  origin: string;
  apiKey: string;
}

export interface TestRetailCrmOptions {
  sandbox?: RetailCrmSandboxOptions;
  adapter?: Partial<RetailCrmOptions>;
}

export interface TestCrm {
  deps: CrmDeps;
  /** The sandbox amoCRM. */
  sandbox: SandboxAmo;
  /** The sandbox amoCRM's origin as the adapter sees it. */
  origin: string;
  /** The sandbox Bitrix24 when `bitrix24` was asked for, else null (the server then has no Bitrix24 adapter). */
  bitrix24: TestBitrix24 | null;
  /** The sandbox RetailCRM when `retailcrm` was asked for, else null. */
  retailcrm: TestRetailCrm | null;
}

export interface TestCrmOptions {
  /** The product's public URL (the redirect URIs are derived from it). */
  publicUrl: string;
  /** The sandbox amoCRM's account, faults and clock. */
  sandbox?: SandboxOptions;
  adapter?: Partial<AmoCrmOptions>;
  /**
   * Bitrix24 next to amoCRM: its own in-memory sandbox and the real adapter in sandbox mode,
   * routed like amoCRM's (`viaGlobalFetch`). `true` for the demo portal and real timing.
   */
  bitrix24?: boolean | TestBitrix24Options;
  /** RetailCRM next to amoCRM: its in-memory sandbox and the real adapter in sandbox mode (API key). */
  retailcrm?: boolean | TestRetailCrmOptions;
  /**
   * Route the adapters' requests through the global fetch (MSW: `sandboxHandlers`,
   * `bitrix24SandboxHandlers`) instead of straight into each one's sandbox.
   */
  viaGlobalFetch?: boolean;
  /** Clock for state expiry in the routes. */
  now?: () => number;
  /**
   * Called with every request an adapter sends, before its sandbox answers it (not with
   * `viaGlobalFetch`): e.g. to switch a sandbox fault on in the middle of a deal sync. The
   * sandbox answers once what it returns has settled.
   */
  onRequest?: (connector: ConnectorId, request: Request) => void | Promise<void>;
}

/**
 * What every CRM's side shares: the product's callback, a sandbox created with it, and the
 * adapter's `fetch` into that sandbox (none with `viaGlobalFetch`: the global fetch, for MSW).
 */
function sandboxSide<S extends FetchHandler>(
  connector: ConnectorId,
  options: TestCrmOptions,
  createSandbox: (redirectUri: string) => S,
): { sandbox: S; redirectUri: string; routing: { fetch?: typeof fetch } } {
  const redirectUri = oauthCallbackUrl(options.publicUrl, connector);
  const sandbox = createSandbox(redirectUri);
  const onRequest = options.onRequest;
  const direct = sandboxFetch(sandbox);
  const routed: typeof fetch = onRequest
    ? async (input, init) => {
        const request = new Request(input, init);
        await onRequest(connector, request.clone());
        return direct(request);
      }
    : direct;
  return { sandbox, redirectUri, routing: options.viaGlobalFetch ? {} : { fetch: routed } };
}

function testAmoCrm(options: TestCrmOptions) {
  const origin = SANDBOX_DEFAULT_ORIGIN;
  const { sandbox, redirectUri, routing } = sandboxSide('amocrm', options, (uri) =>
    createSandboxAmo({ ...options.sandbox, integration: { redirectUri: uri, ...options.sandbox?.integration } }),
  );
  const adapter = createAmoCrmAdapter({
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    redirectUri,
    authorizeEndpoint: `${origin}/oauth`,
    sandboxOrigin: origin,
    ...routing,
    ...options.adapter,
  });
  return { adapter, sandbox, origin };
}

function testBitrix24(options: TestCrmOptions, settings: TestBitrix24Options) {
  const origin = BITRIX24_SANDBOX_DEFAULT_ORIGIN;
  // Bitrix24 takes the redirect URI from the application's settings, never from the URL: no redirectUri for the adapter.
  const { sandbox, routing } = sandboxSide('bitrix24', options, (uri) =>
    createSandboxBitrix24({ ...settings.sandbox, integration: { redirectUri: uri, ...settings.sandbox?.integration } }),
  );
  const adapter = createBitrix24Adapter({
    clientId: BITRIX24_SANDBOX_CLIENT_ID,
    clientSecret: BITRIX24_SANDBOX_CLIENT_SECRET,
    sandboxOrigin: origin,
    ...routing,
    ...settings.adapter,
  });
  const side: TestBitrix24 = { sandbox, origin, host: new URL(origin).host };
  return { adapter, side };
}

function testRetailCrm(options: TestCrmOptions, settings: TestRetailCrmOptions) {
  const origin = RETAILCRM_SANDBOX_DEFAULT_ORIGIN;
  const { sandbox, routing } = sandboxSide('retailcrm', options, () => createSandboxRetailCrm(settings.sandbox));
  const adapter = createRetailCrmAdapter({ sandboxOrigin: origin, sandboxApiKey: sandbox.apiKey, ...routing, ...settings.adapter });
  const side: TestRetailCrm = { sandbox, origin, apiKey: sandbox.apiKey };
  return { adapter, side };
}

/**
 * CRM deps backed by in-memory sandboxes: the real adapters, the real protocols, no network.
 * Always the sandbox amoCRM; with `bitrix24`, the sandbox Bitrix24 too, each adapter talking to
 * its own sandbox.
 */
export function createTestCrm(options: TestCrmOptions): TestCrm {
  const amocrm = testAmoCrm(options);
  const bitrix24 = options.bitrix24 ? testBitrix24(options, options.bitrix24 === true ? {} : options.bitrix24) : null;
  const retailcrm = options.retailcrm ? testRetailCrm(options, options.retailcrm === true ? {} : options.retailcrm) : null;
  return {
    deps: {
      adapters: {
        amocrm: amocrm.adapter,
        ...(bitrix24 ? { bitrix24: bitrix24.adapter } : {}),
        ...(retailcrm ? { retailcrm: retailcrm.adapter } : {}),
      },
      cipher: new TokenCipher(randomBytes(32)),
      now: options.now,
    },
    sandbox: amocrm.sandbox,
    origin: amocrm.origin,
    bitrix24: bitrix24?.side ?? null,
    retailcrm: retailcrm?.side ?? null,
  };
}
