import type { ConnectorId } from '../../app/contracts/connector';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import type { Repository } from '../db/repository';

import { CrmError } from './errors';
import type { CrmDeps } from './registry';
import { buildCrmSchema } from './schema';
import { storedConnection } from './token-store';

/** A CRM schema as cached for one workspace and connector, and when it was stored (Unix ms). */
export interface CachedSchema {
  schema: CrmSchema;
  storedAt: number;
}

/**
 * The cached CRM schema, or null when there is none or it no longer parses (an older
 * format, a hand-edited row): either way the CRM has to be read again.
 */
export function readCachedSchema(repo: Repository, workspaceId: string, connector: ConnectorId): CachedSchema | null {
  const cached = repo.getCachedSchema(workspaceId, connector);
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

export interface SchemaOptions {
  /** Read the CRM even when a usable cache exists (`GET …/schema?refresh=1`). */
  refresh?: boolean;
  /** The oldest cache to accept; default: any age (the cache lives until refreshed). */
  maxAgeMs?: number;
}

/**
 * The one way the server obtains a workspace's CRM schema (`GET …/schema` and activation):
 * the cache when it belongs to the stored access's account and is young enough, otherwise
 * read from the CRM and cached. Throws `CrmError`: `crm_not_connected` without stored
 * access, and whatever the CRM's failure is (`crm_unavailable`, `crm_rate_limited`, …).
 */
export interface SchemaProvider {
  schemaFor(workspaceId: string, connector: ConnectorId, options?: SchemaOptions): Promise<CrmSchema>;
}

export function createSchemaProvider(repo: Repository, deps: CrmDeps): SchemaProvider {
  const now = deps.now ?? (() => Date.now());
  return {
    async schemaFor(workspaceId, connector, { refresh = false, maxAgeMs = Number.POSITIVE_INFINITY } = {}) {
      const stored = repo.getCredentials(workspaceId, connector);
      if (!stored) throw new CrmError('crm_not_connected', 'No CRM access stored');
      if (!refresh) {
        const cached = readCachedSchema(repo, workspaceId, connector);
        // A cache of another account (after "Change access") is stale whatever its age; so is
        // one dated in the future by more than the allowance (a clock that jumped back).
        if (cached && cached.schema.account.id === stored.account.id && Math.abs(now() - cached.storedAt) <= maxAgeMs) {
          return cached.schema;
        }
      }
      const adapter = deps.adapters[connector];
      if (!adapter) throw new CrmError('crm_unavailable', `No adapter for ${connector}`);
      const connection = storedConnection(repo, deps.cipher, workspaceId, connector);
      const access = connection.read();
      if (!access) throw new CrmError('crm_not_connected', 'No CRM access stored');
      const pipelines = await adapter.listPipelines(connection);
      const customFields = await adapter.listCustomFields(connection);
      const fresh = buildCrmSchema(access.account, pipelines, customFields, new Date(now()));
      repo.setCachedSchema(workspaceId, connector, JSON.stringify(fresh), fresh.fetchedAt);
      return fresh;
    },
  };
}
