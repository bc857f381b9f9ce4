import type { ConnectorId } from '../../app/contracts/connector';
import { diffConfigs } from '../../app/contracts/config-diff';
import { emptyMappingConfig, storedMappingConfigSchema, type MappingConfig } from '../../app/contracts/mapping-config';

import { VERSION_COALESCE_MS, type StoredDrift, type StoredVersion, type StoredVersionSummary, type VersionKind } from './repository';

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

// ---- the version history (`config_versions`) ----

/** The columns of a listed version (without its configuration). */
export const VERSION_SUMMARY_COLUMNS = 'number, config_version, kind, restored_from, activated_at, started_at, saved_at, changes';

export interface VersionSummaryRow {
  number: number;
  config_version: number;
  kind: VersionKind;
  restored_from: number | null;
  activated_at: string | null;
  started_at: string;
  saved_at: string;
  changes: string;
}

export interface VersionRow extends VersionSummaryRow {
  config: string;
}

export function toVersionSummary(row: VersionSummaryRow): StoredVersionSummary {
  return {
    number: row.number,
    configVersion: row.config_version,
    kind: row.kind,
    restoredFrom: row.restored_from,
    activatedAt: row.activated_at,
    startedAt: row.started_at,
    savedAt: row.saved_at,
    changes: row.changes,
  };
}

export function toStoredVersion(row: VersionRow): StoredVersion {
  return { ...toVersionSummary(row), config: readConfig(row.config) };
}

/** The newest kept version, as a save decides whether it replaces it. */
export interface NewestVersionRow {
  number: number;
  kind: VersionKind;
  activated_at: string | null;
  started_at: string;
}

/**
 * Whether a save at `atMs` replaces the newest kept version instead of adding one: both are
 * plain saves, the newest was never activated, and it was started less than a minute before.
 */
export function coalesces(newest: NewestVersionRow | undefined, kind: VersionKind, atMs: number): newest is NewestVersionRow {
  return (
    newest !== undefined &&
    kind === 'save' &&
    newest.kind === 'save' &&
    newest.activated_at === null &&
    atMs - Date.parse(newest.started_at) < VERSION_COALESCE_MS &&
    atMs >= Date.parse(newest.started_at)
  );
}

/**
 * What changed from the version kept before (its stored JSON; null: none, compared with the
 * empty configuration) to `config`, as stored (JSON). The stored JSON was validated on its way
 * in: parsed without validating again (a large configuration is read on every save).
 */
export function versionChanges(previousJson: string | null, config: MappingConfig, connector: ConnectorId): string {
  const previous = previousJson ? (JSON.parse(previousJson) as MappingConfig) : emptyMappingConfig(connector);
  return JSON.stringify(diffConfigs(previous, config));
}
