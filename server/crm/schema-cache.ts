import type { ConnectorId } from '../../app/contracts/connector';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import type { Repository } from '../db/repository';

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
