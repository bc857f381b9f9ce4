/**
 * What an OAuth sandbox issued and still honours: authorization codes (single use, for one
 * client), access tokens and refresh tokens (single use), on an injected clock. The store holds
 * the state; each CRM's sandbox decides what a refusal looks like (its error bodies, the order of
 * its checks) and what a refresh does to the old access token.
 */

export interface CodeGrant {
  /** The client the code was issued to. */
  readonly clientId: string;
  /** Whether the code was already exchanged. */
  readonly used: boolean;
  /** Whether the code's lifetime has passed. */
  readonly expired: boolean;
}

/** An access token: `unknown` covers a token never issued and one revoked; `expired` one whose lifetime has passed. */
export type AccessState = 'live' | 'expired' | 'unknown';

export interface GrantStore {
  /** Records a new authorization code for `clientId`, valid `ttlMs` from now. */
  addCode(code: string, clientId: string, ttlMs: number): void;
  /** The code as it stands (undefined when never issued); looking does not use it. */
  findCode(code: string): CodeGrant | undefined;
  /** Marks the code used: it cannot be exchanged again. */
  useCode(code: string): void;
  /** Records a new access token (valid `accessTtlMs`) and the refresh token issued with it (valid `refreshTtlMs`). */
  addTokens(tokens: { access: string; accessTtlMs: number; refresh: string; refreshTtlMs: number }): void;
  /**
   * Uses a refresh token: when it is known, unused, not revoked and not expired, marks it used
   * and returns the access token it was issued with; otherwise returns undefined and changes nothing.
   */
  useRefresh(refresh: string): { access: string } | undefined;
  /** Whether an access token works right now. */
  accessState(access: string): AccessState;
  /** Revokes one access token (e.g. the one a refresh replaces). */
  revokeAccess(access: string): void;
  /** Every access and refresh token stops working (the integration was disabled or the application removed). */
  revokeAll(): void;
  /** Every access token issued so far expires now; refresh tokens stay valid. */
  expireAccessTokens(): void;
  /** Every code and token issued so far, for tests that check none of them leaks. */
  issuedSecrets(): string[];
}

interface Code {
  clientId: string;
  expiresAt: number;
  used: boolean;
}
interface Token {
  expiresAt: number;
  revoked: boolean;
}
interface Refresh extends Token {
  used: boolean;
  access: string;
}

/** A store on the clock `now` (Unix ms): a code expires after `now() > expiresAt`, a token from `now() >= expiresAt`. */
export function createGrantStore(now: () => number): GrantStore {
  const codes = new Map<string, Code>();
  const accessTokens = new Map<string, Token>();
  const refreshTokens = new Map<string, Refresh>();

  return {
    addCode(code, clientId, ttlMs) {
      codes.set(code, { clientId, expiresAt: now() + ttlMs, used: false });
    },
    findCode(code) {
      const grant = codes.get(code);
      return grant && { clientId: grant.clientId, used: grant.used, expired: now() > grant.expiresAt };
    },
    useCode(code) {
      const grant = codes.get(code);
      if (grant) grant.used = true;
    },
    addTokens({ access, accessTtlMs, refresh, refreshTtlMs }) {
      accessTokens.set(access, { expiresAt: now() + accessTtlMs, revoked: false });
      refreshTokens.set(refresh, { expiresAt: now() + refreshTtlMs, revoked: false, used: false, access });
    },
    useRefresh(refresh) {
      const grant = refreshTokens.get(refresh);
      if (!grant || grant.used || grant.revoked || now() > grant.expiresAt) return undefined;
      grant.used = true;
      return { access: grant.access };
    },
    accessState(access) {
      const grant = accessTokens.get(access);
      if (!grant || grant.revoked) return 'unknown';
      return now() < grant.expiresAt ? 'live' : 'expired';
    },
    revokeAccess(access) {
      const grant = accessTokens.get(access);
      if (grant) grant.revoked = true;
    },
    revokeAll() {
      for (const grant of accessTokens.values()) grant.revoked = true;
      for (const grant of refreshTokens.values()) grant.revoked = true;
    },
    expireAccessTokens() {
      const at = now();
      for (const grant of accessTokens.values()) grant.expiresAt = Math.min(grant.expiresAt, at);
    },
    issuedSecrets: () => [...codes.keys(), ...accessTokens.keys(), ...refreshTokens.keys()],
  };
}
