import type { ComposedSandbox } from './compose';
import type { GrantStore } from './grants';

/**
 * What every OAuth CRM's sandbox is made with and offers, whatever its protocol: the OAuth
 * client it knows, its options (faults, clock, client), and the handle the demo, the server's
 * test kit and the tests hold (the fetch handler, the faults, what an admin can do to the
 * tokens). Each CRM's `router.ts` composes its own parts and adds its own data (an account, a
 * portal) and controls.
 */

/** The OAuth client registered with the CRM (an amoCRM integration, a Bitrix24 local application). */
export interface SandboxOAuthClient {
  clientId: string;
  clientSecret: string;
  /** Where Allow sends the browser: the redirect URI registered with the CRM. */
  redirectUri: string;
  /** Shown on the consent page. */
  name: string;
}

/** The options every sandbox takes. */
export interface SandboxBaseOptions<Faults, Client extends SandboxOAuthClient> {
  /** The sandbox's fault string (its `…FAULTS` variable) or an object; default: no faults. */
  faults?: Partial<Faults> | string;
  /** Clock in Unix ms (tests move it to expire codes and tokens). */
  now?: () => number;
  /** Default: the sandbox's own development credentials and the product's local callback. */
  integration?: Partial<Client>;
}

/** The handle of a running sandbox (in memory: serve it with `listen.ts`, or hand it to MSW with `msw.ts`). */
export interface OAuthSandbox<Faults, Client extends SandboxOAuthClient> extends ComposedSandbox {
  readonly integration: Client;
  /** The faults in force. */
  readonly faults: Faults;
  setFaults(patch: Partial<Faults>): void;
  /** An admin took the access back: every token issued so far stops working, refreshes included. */
  revokeAccess(): void;
  /** Every access token issued so far expires now (their refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Every code and token issued so far, for tests that check none of them leaks. */
  issuedSecrets(): string[];
}

export interface OAuthSandboxParts<Faults, Client extends SandboxOAuthClient> {
  /** The composed parts (`composeSandbox`). */
  composed: ComposedSandbox;
  integration: Client;
  /** The faults in force and how to change them (the CRM's fault injector). */
  faults: { readonly current: Faults; set(patch: Partial<Faults>): void };
  /** The codes and tokens the CRM's OAuth part issued. */
  grants: GrantStore;
}

/** The handle over a sandbox's parts, with `extra` (its data and its own controls) added. */
export function oauthSandbox<Faults, Client extends SandboxOAuthClient, Extra extends object>(
  parts: OAuthSandboxParts<Faults, Client>,
  extra: Extra,
): OAuthSandbox<Faults, Client> & Extra {
  const { composed, faults, grants } = parts;
  const base: OAuthSandbox<Faults, Client> = {
    fetch: composed.fetch,
    requests: composed.requests,
    integration: parts.integration,
    get faults() {
      return faults.current;
    },
    setFaults: (patch) => faults.set(patch),
    revokeAccess: () => grants.revokeAll(),
    expireAccessTokens: () => grants.expireAccessTokens(),
    issuedSecrets: () => grants.issuedSecrets(),
  };
  // `extra`'s getters stay getters (a sandbox's data can be replaced while it runs).
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(extra)) as OAuthSandbox<Faults, Client> & Extra;
}
