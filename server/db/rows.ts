import { storedMappingConfigSchema, type MappingConfig } from '../../app/contracts/mapping-config';

import type { StoredDrift } from './repository';

/**
 * Rows as both databases store them (the same columns in SQLite and PostgreSQL) and their
 * reading into the repository's objects, written once for `sqlite.ts` and `postgres.ts`.
 */

/**
 * Stored documents were validated on the way in; parsing again guards against hand-edited
 * files, and upgrades documents of an older schema version (version 1: amoCRM's numeric ids).
 */
export const readConfig = (json: string): MappingConfig => storedMappingConfigSchema.parse(JSON.parse(json));

/** A connection's drift columns (`getDrift`). */
export interface DriftRow {
  active_config: string | null;
  connected_at: string | null;
  baseline_schema: string | null;
  baseline_at: string | null;
  drift_changes: string | null;
  drift_pipeline_names: string | null;
  drift_checked_at: string | null;
}

export function toStoredDrift(row: DriftRow): StoredDrift {
  return {
    activeConfig: row.active_config ? readConfig(row.active_config) : null,
    connectedAt: row.connected_at,
    baseline: row.baseline_schema,
    baselineAt: row.baseline_at,
    changes: row.drift_changes,
    pipelineNames: row.drift_pipeline_names,
    checkedAt: row.drift_checked_at,
  };
}
