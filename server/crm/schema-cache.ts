import type { ConnectorId } from '../../app/contracts/connector';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import type { Repository, StoredCredentials } from '../db/repository';

import { CrmError } from './errors';
import type { CrmDeps } from './registry';
import { buildCrmSchema } from './schema';
import { storedConnection } from './token-store';
import type { CrmAdapter, CrmConnection } from './types';

/** A CRM schema as cached for one workspace and connector, and when it was stored (Unix ms). */
export interface CachedSchema {
  schema: CrmSchema;
  storedAt: number;
}

/**
 * The cached CRM schema, or null when there is none or it no longer parses (an older
 * format, a hand-edited row): either way the CRM has to be read again.
 */
export async function readCachedSchema(repo: Repository, workspaceId: string, connector: ConnectorId): Promise<CachedSchema | null> {
  const cached = await repo.getCachedSchema(workspaceId, connector);
  if (!cached) return null;
  let json: unknown;
  try {
    json = JSON.parse(cached.schema);
  } catch {
    return null;
  }
  const parsed = crmSchemaSchema.safeParse(json);
  const storedAt = Date.parse(cached.fetchedAt);
  return parsed.success && Number.isFinite(storedAt) ? { schema: parsed.data, storedAt } : null;
}

/** Activation trusts a cached schema at most this old; older, the CRM is read again. */
export const ACTIVATION_SCHEMA_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * A cache answers without asking the CRM only while the CRM accepted the stored access this
 * recently (the read that filled the cache, or a later account read); after that, one account
 * read confirms the access first. So an access the CRM stopped accepting (an admin revoked
 * it, the refresh token was refused) stops the cache within this time.
 */
export const SCHEMA_ACCESS_CHECK_MS = 5 * 60 * 1000;

export interface SchemaOptions {
  /** Read the CRM even when a usable cache exists (`GET …/schema?refresh=1`). */
  refresh?: boolean;
  /** The oldest cache to accept; default: any age (the cache lives until refreshed). */
  maxAgeMs?: number;
}

/**
 * The one way the server obtains a workspace's CRM schema (`GET …/schema`, activation, the
 * funnel): the cache when it belongs to the stored access's account, is young enough, and the
 * access still holds; otherwise read from the CRM and cached. Throws `CrmError`:
 * `crm_not_connected` without stored access, and whatever the CRM's failure is
 * (`crm_access_revoked`, `crm_unavailable`, `crm_rate_limited`, …).
 *
 * The cache never outlives the access: without stored access (disconnected, or revoked after
 * the CRM refused it) there is no schema; an access token past its expiry is refreshed before
 * the cache answers (a refused refresh revokes the access: `crm_access_revoked`, as the CRM
 * read would answer); and an access not confirmed by the CRM for `SCHEMA_ACCESS_CHECK_MS` is
 * confirmed with one account read. A CRM that is down or rate-limiting during that check has
 * not refused the access: the cache answers.
 */
export interface SchemaProvider {
  schemaFor(workspaceId: string, connector: ConnectorId, options?: SchemaOptions): Promise<CrmSchema>;
}

/** Confirmations remembered at most (a map per process; entries older than the check window are dropped first). */
const MAX_CONFIRMATIONS = 10_000;

export function createSchemaProvider(repo: Repository, deps: CrmDeps): SchemaProvider {
  const now = deps.now ?? (() => Date.now());
  /** `workspace/connector` → when the CRM last accepted its access (Unix ms), beyond the cache's own read. */
  const confirmed = new Map<string, number>();

  function remember(key: string, at: number) {
    if (confirmed.size >= MAX_CONFIRMATIONS) {
      for (const [other, when] of confirmed) if (Math.abs(at - when) > SCHEMA_ACCESS_CHECK_MS) confirmed.delete(other);
      if (confirmed.size >= MAX_CONFIRMATIONS) confirmed.clear();
    }
    confirmed.set(key, at);
  }

  /**
   * Whether the cache may answer for this access: true when the access is recent enough or the
   * CRM confirms it now; false when the CRM now names another account (read the schema again).
   * Throws what the CRM's refusal is.
   */
  async function accessHolds(
    key: string,
    adapter: CrmAdapter,
    connection: CrmConnection,
    stored: StoredCredentials,
    cached: CachedSchema,
  ): Promise<boolean> {
    const at = now();
    // api_key credentials have no expiry (null in the database).
    const expired = stored.accessExpiresAt !== null && stored.accessExpiresAt <= at;
    const lastAccepted = Math.max(cached.storedAt, confirmed.get(key) ?? Number.NEGATIVE_INFINITY);
    if (!expired && Math.abs(at - lastAccepted) < SCHEMA_ACCESS_CHECK_MS) return true;
    let account;
    try {
      // Refreshes an expired access token first; a refused refresh revokes the stored access.
      account = await adapter.getAccount(connection);
    } catch (error) {
      if (error instanceof CrmError && (error.code === 'crm_unavailable' || error.code === 'crm_rate_limited')) return true;
      throw error;
    }
    remember(key, now());
    return account.id === stored.account.id;
  }

  return {
    async schemaFor(workspaceId, connector, { refresh = false, maxAgeMs = Number.POSITIVE_INFINITY } = {}) {
      const stored = await repo.getCredentials(workspaceId, connector);
      if (!stored) throw new CrmError('crm_not_connected', 'No CRM access stored');
      const adapter = deps.adapters[connector];
      if (!adapter) throw new CrmError('crm_unavailable', `No adapter for ${connector}`);
      const connection = storedConnection(repo, deps.cipher, workspaceId, connector);
      const key = `${workspaceId}/${connector}`;
      if (!refresh) {
        const cached = await readCachedSchema(repo, workspaceId, connector);
        // A cache of another account (after "Change access") is stale whatever its age; so is
        // one dated in the future by more than the allowance (a clock that jumped back).
        if (
          cached &&
          cached.schema.account.id === stored.account.id &&
          Math.abs(now() - cached.storedAt) <= maxAgeMs &&
          (await accessHolds(key, adapter, connection, stored, cached))
        ) {
          return cached.schema;
        }
      }
      const access = await connection.read();
      if (!access) throw new CrmError('crm_not_connected', 'No CRM access stored');
      const pipelines = await adapter.listPipelines(connection);
      const customFields = await adapter.listCustomFields(connection);
      const fresh = buildCrmSchema(access.account, pipelines, customFields, new Date(now()));
      await repo.setCachedSchema(workspaceId, connector, JSON.stringify(fresh), fresh.fetchedAt);
      confirmed.delete(key);
      return fresh;
    },
  };
}
