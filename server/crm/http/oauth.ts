import type { Logger } from '../../lib/logger';
import { CrmError } from '../errors';
import type { CrmConnection, CrmTokens, StoredAccess } from '../types';

import type { RenewableCredentials } from './client';
import { realTiming, type Timing } from './timing';

/**
 * OAuth 2.0 token refresh, shared by the OAuth CRMs (amoCRM, Bitrix24); API-key CRMs never
 * use this file. Refresh tokens are single-use and several requests — or several processes —
 * may find the access token expired at once, so:
 * - per connection, one refresh runs at a time and everyone waiting shares it (single flight);
 * - the new pair is stored with a compare-and-swap (`CrmConnection.rotate`); when another
 *   process rotated first, its tokens are the ones to use;
 * - a refused refresh first checks, for `raceGraceMs`, whether another process rotated (it
 *   spent the token and is about to store the new pair); only then is the access revoked
 *   (`connection.revoked()`) and `crm_access_revoked` thrown.
 */

export interface OAuthRefreshOptions {
  /** The CRM's display name, for error messages and logs. */
  crmName: string;
  /**
   * One refresh-token grant for this access (the adapter's token endpoint), for the
   * connection `party` (its `key`: whose line the request waits in). Throws
   * `CrmError('crm_access_revoked')` when the CRM refuses the refresh token.
   */
  refresh(access: StoredAccess, party: string): Promise<CrmTokens>;
  /** How long a refused refresh waits for a concurrent rotation to show up. Default 300 ms. */
  raceGraceMs?: number;
  timing?: Timing;
  logger?: Logger;
}

export interface OAuthRefresher {
  /**
   * The connection's tokens as `credentials` for `CrmHttp.request`: read from the store
   * (`crm_not_connected` when there are none), refreshed first when expired, renewed on a
   * `refresh` outcome.
   */
  credentials(connection: CrmConnection): RenewableCredentials<StoredAccess>;
  /** Rotates the tokens once for everyone who saw `seen` refused or expired; resolves with the access to use. */
  refreshAccess(connection: CrmConnection, seen: StoredAccess): Promise<StoredAccess>;
}

/** How long a refused refresh is remembered for the calls that were in flight with the same access. */
const REFUSAL_MEMORY_MS = 60_000;

/** The one place that knows where an access keeps its expiry. */
const expiresAt = (access: StoredAccess): number => access.tokens.expiresAt;

export function createOAuthRefresher(options: OAuthRefreshOptions): OAuthRefresher {
  const { crmName, logger: log } = options;
  const timing = options.timing ?? realTiming;
  const raceGraceMs = options.raceGraceMs ?? 300;
  const refreshing = new Map<string, Promise<StoredAccess>>();
  /**
   * Refreshes the CRM refused, by connection, with the access version they started from: a call
   * that was refused with that same access a moment later (it was in flight while the first
   * refresh ran) is told the same — the access was revoked — instead of finding the access gone
   * and answering "not connected". Bounded: one entry per connection, forgotten after a while.
   */
  const refused = new Map<string, { version: string; error: CrmError; at: number }>();

  const removed = () => new CrmError('crm_not_connected', `The ${crmName} access was removed`);

  async function rotate(connection: CrmConnection, seen: StoredAccess): Promise<StoredAccess> {
    const latest = await connection.read();
    if (!latest) throw removed();
    // Someone rotated since `seen` was read, and their token is still good.
    if (latest.version !== seen.version && expiresAt(latest) > timing.now()) return latest;
    let tokens: CrmTokens;
    try {
      tokens = await options.refresh(latest, connection.key);
    } catch (error) {
      if (error instanceof CrmError && error.code === 'crm_access_revoked') {
        // Refused: either the access is gone, or another process spent this refresh token
        // first and is about to store the new pair. Give it a moment before concluding.
        for (const wait of [0, raceGraceMs]) {
          if (wait > 0) await timing.sleep(wait);
          const now = await connection.read();
          if (now && now.version !== latest.version) {
            log?.info('crm refresh refused, another process rotated first', { crm: crmName, connection: connection.key });
            return now;
          }
        }
        log?.warn('crm access revoked', { crm: crmName, connection: connection.key });
        await connection.revoked();
      }
      throw error;
    }
    const rotated = await connection.rotate(latest.version, tokens);
    if (rotated) {
      log?.info('crm access refreshed', { crm: crmName, connection: connection.key });
      return rotated;
    }
    // Lost the compare-and-swap: whatever is stored now (another refresh, a new grant) wins.
    const winner = await connection.read();
    if (!winner) throw removed();
    log?.info('crm refresh lost the rotation, using the stored tokens', { crm: crmName, connection: connection.key });
    return winner;
  }

  function refreshAccess(connection: CrmConnection, seen: StoredAccess): Promise<StoredAccess> {
    const pending = refreshing.get(connection.key);
    if (pending) return pending;
    const known = refused.get(connection.key);
    if (known && known.version === seen.version && timing.now() - known.at < REFUSAL_MEMORY_MS) return Promise.reject(known.error);
    const tracked = rotate(connection, seen)
      .catch((error: unknown) => {
        if (error instanceof CrmError && error.code === 'crm_access_revoked') {
          for (const [key, entry] of refused) if (timing.now() - entry.at >= REFUSAL_MEMORY_MS) refused.delete(key);
          refused.set(connection.key, { version: seen.version, error, at: timing.now() });
        }
        throw error;
      })
      .finally(() => refreshing.delete(connection.key));
    refreshing.set(connection.key, tracked);
    return tracked;
  }

  return {
    refreshAccess,
    credentials: (connection) => ({
      async start() {
        const access = await connection.read();
        if (!access) throw new CrmError('crm_not_connected', 'No CRM access stored');
        if (expiresAt(access) > timing.now()) return { access, fresh: false };
        return { access: await refreshAccess(connection, access), fresh: true };
      },
      renew: (refused) => refreshAccess(connection, refused),
    }),
  };
}
