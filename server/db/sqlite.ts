import { randomUUID } from 'node:crypto';
import path from 'node:path';

import Database from 'better-sqlite3';

import type { ConnectorId } from '../../app/contracts/connector';
import type { DealStatusChange, DealSync, FunnelDeal } from '../../app/contracts/deals';
import { dealVisits } from '../../app/contracts/funnel';
import type { MappingConfig } from '../../app/contracts/mapping-config';
import { ensureDataDir, ensurePrivateFile, restrictIfExists } from '../lib/data-dir';

import { MIGRATIONS } from './migrations';
import {
  coalesces,
  readConfig,
  toStoredDrift,
  toStoredVersion,
  toVersionSummary,
  versionChanges,
  VERSION_SUMMARY_COLUMNS,
  type DriftRow,
  type NewestVersionRow,
  type VersionRow,
  type VersionSummaryRow,
} from './rows';
import {
  DEFAULT_CURRENCY,
  EMPTY_WORKSPACE_MAX_AGE_MS,
  EXPIRED_OAUTH_STATE_RETENTION_MS,
  OAUTH_STATES_PER_WORKSPACE,
  VERSION_HISTORY_LIMIT,
  type Connection,
  type DealSyncCursor,
  type DealSyncProgress,
  type DealSyncRecord,
  type DriftRecord,
  type OAuthState,
  type Repository,
  type RepositoryOptions,
  type SaveOrigin,
  type SaveResult,
  type StoredCredentials,
  type StoredDrift,
  type StoredVersion,
  type StoredVersionSummary,
  type SyncedDeal,
  type SweepOptions,
  type SyncedStatusChange,
  type VersionKind,
  type Workspace,
} from './repository';

interface ConnectionRow {
  workspace_id: string;
  connector: ConnectorId;
  config: string;
  version: number;
  activated_version: number | null;
  attention_reason: string | null;
  drift_count: number;
  drift_pending: number;
  drift_checked_at: string | null;
  created_at: string;
  updated_at: string;
  connected_at: string | null;
}

interface CredentialsRow {
  workspace_id: string;
  connector: ConnectorId;
  account_id: string;
  account_domain: string;
  account_name: string;
  base_url: string;
  tokens: string;
  access_expires_at: number;
  updated_at: string;
}

interface DealRow {
  id: string;
  pipeline_id: string;
  status_id: string;
  amount: number | null;
  created_at: number;
  updated_at: number;
  visited: string;
  fields: string;
}

interface ChangeRow {
  at: number;
  before_pipeline_id: string | null;
  before_status_id: string | null;
  after_pipeline_id: string;
  after_status_id: string;
}

interface DealSyncRow {
  state: DealSync['state'];
  loaded: number;
  total: number | null;
  started_at: string | null;
  finished_at: string | null;
  synced_at: string | null;
  error_code: string | null;
  error_message: string | null;
  currency: string | null;
  run_id: string | null;
  cursor: string | null;
  updated_at: string;
}

const now = () => new Date().toISOString();
/** `updated_at` of a run its server let go: older than any lease. */
const RELEASED_AT = new Date(0).toISOString();

/**
 * better-sqlite3 is synchronous: each method does its work (one transaction where it must be
 * atomic) at once and hands back a settled promise; a thrown error becomes its rejection.
 */
const settle = <T>(work: () => T): Promise<T> => new Promise<T>((resolve) => resolve(work()));

function toFunnelDeal(row: DealRow): FunnelDeal {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    statusId: row.status_id,
    amount: row.amount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    visited: JSON.parse(row.visited) as string[],
    fields: JSON.parse(row.fields) as Record<string, string[]>,
  };
}

function toStatusChange(row: ChangeRow): DealStatusChange {
  return {
    at: row.at,
    before: row.before_pipeline_id !== null && row.before_status_id !== null ? { pipelineId: row.before_pipeline_id, statusId: row.before_status_id } : null,
    after: { pipelineId: row.after_pipeline_id, statusId: row.after_status_id },
  };
}

function toDealSync(row: DealSyncRow): DealSync {
  return {
    state: row.state,
    loaded: row.loaded,
    total: row.total,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    syncedAt: row.synced_at,
    error: row.error_code !== null ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}

/** `known` skips re-validating a document this process has just validated and written. */
function toConnection(row: ConnectionRow, known?: MappingConfig): Connection {
  return {
    workspaceId: row.workspace_id,
    connector: row.connector,
    config: known ?? readConfig(row.config),
    version: row.version,
    activatedVersion: row.activated_version,
    attentionReason: row.attention_reason,
    drift: row.drift_count > 0 && row.drift_checked_at ? { changes: row.drift_count, pending: row.drift_pending, checkedAt: row.drift_checked_at } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    connectedAt: row.connected_at,
  };
}

function toCredentials(row: CredentialsRow): StoredCredentials {
  return {
    workspaceId: row.workspace_id,
    connector: row.connector,
    account: { id: row.account_id, domain: row.account_domain, name: row.account_name },
    baseUrl: row.base_url,
    tokens: row.tokens,
    accessExpiresAt: row.access_expires_at,
    updatedAt: row.updated_at,
  };
}

export function migrate(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').all().map((row) => (row as { version: number }).version),
  );
  let count = 0;
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
    })();
    count += 1;
  }
  return count;
}

/** Opens (creating when missing) `<dataDir>/hub-connect.sqlite` in WAL mode and migrates it. */
export function openSqliteRepository(dataDir: string, options: RepositoryOptions = {}): Repository {
  ensureDataDir(dataDir);
  const file = path.join(dataDir, 'hub-connect.sqlite');
  // Owner-only before SQLite opens it: SQLite gives the -wal and -shm files it creates the
  // database file's mode. Files left by an older version are tightened too.
  ensurePrivateFile(file);
  for (const suffix of ['-wal', '-shm', '-journal']) restrictIfExists(`${file}${suffix}`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // A second, read-only connection for streaming reads (`iterateDeals`): an open cursor on the
  // writing connection would make every write on it fail ("connection is busy") until the
  // stream ends; here a stream reads its own WAL snapshot while the sync keeps writing.
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  return new SqliteRepository(db, reader, options);
}

/**
 * Up to `@limit` abandoned workspaces created before `@createdBefore`: no configuration, no
 * access and no OAuth state. What else they hold is derived from an access they no longer
 * have (a cached schema, synced deals, the sync's row) and goes with them (ON DELETE CASCADE).
 */
const SWEEP_WORKSPACES_SQL = `DELETE FROM workspaces WHERE id IN (
  SELECT w.id FROM workspaces w WHERE w.created_at < @createdBefore
    AND NOT EXISTS (SELECT 1 FROM connections d WHERE d.workspace_id = w.id)
    AND NOT EXISTS (SELECT 1 FROM credentials d WHERE d.workspace_id = w.id)
    AND NOT EXISTS (SELECT 1 FROM oauth_states d WHERE d.workspace_id = w.id)
  ORDER BY w.created_at LIMIT @limit)`;

/** Rows `iterateDeals` reads before it lets other work run. */
const ITERATE_BATCH = 500;

const CONNECTION_COLUMNS =
  'workspace_id, connector, config, version, activated_version, attention_reason, drift_count, drift_pending, drift_checked_at, created_at, updated_at, connected_at';

/** What `activate`, `reset` and `deactivate` set the drift columns to: no drift recorded, no claim. */
const NO_DRIFT = 'drift_changes = NULL, drift_pipeline_names = NULL, drift_count = 0, drift_pending = 0, drift_checked_at = NULL, drift_claimed_until = NULL';

const ITERATE_DEALS_SQL = `SELECT id, pipeline_id, status_id, amount, created_at, updated_at, visited, fields FROM synced_deals
  WHERE workspace_id = ? AND connector = ? AND updated_at >= ? ORDER BY updated_at, id`;

class SqliteRepository implements Repository {
  private readonly statements;
  private readonly clock: () => number;
  private readonly versionLimit: number;

  constructor(
    private readonly db: Database.Database,
    private readonly reader: Database.Database,
    options: RepositoryOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.versionLimit = Math.max(1, options.versionLimit ?? VERSION_HISTORY_LIMIT);
    this.statements = {
      newestVersion: db.prepare(
        'SELECT number, kind, activated_at, started_at, config_version FROM config_versions WHERE workspace_id = ? AND connector = ? ORDER BY number DESC LIMIT 1',
      ),
      versionConfigBefore: db.prepare(
        'SELECT config FROM config_versions WHERE workspace_id = ? AND connector = ? AND number < ? ORDER BY number DESC LIMIT 1',
      ).pluck(),
      insertVersion: db.prepare(
        `INSERT INTO config_versions (workspace_id, connector, number, config_version, config, kind, restored_from, activated_at, started_at, saved_at, changes)
         VALUES (@workspaceId, @connector, @number, @configVersion, @config, @kind, @restoredFrom, @activatedAt, @at, @at, @changes)`,
      ),
      replaceVersion: db.prepare(
        `UPDATE config_versions SET config_version = @configVersion, config = @config, saved_at = @at, changes = @changes
         WHERE workspace_id = @workspaceId AND connector = @connector AND number = @number`,
      ),
      markVersionActivated: db.prepare('UPDATE config_versions SET activated_at = ? WHERE workspace_id = ? AND connector = ? AND number = ?'),
      pruneVersions: db.prepare(
        `DELETE FROM config_versions WHERE workspace_id = @workspaceId AND connector = @connector AND number IN (
           SELECT number FROM config_versions WHERE workspace_id = @workspaceId AND connector = @connector AND number < @newest
           ORDER BY activated_at IS NOT NULL, number
           LIMIT max(0, (SELECT count(*) FROM config_versions WHERE workspace_id = @workspaceId AND connector = @connector) - @limit))`,
      ),
      listVersions: db.prepare(
        `SELECT ${VERSION_SUMMARY_COLUMNS} FROM config_versions WHERE workspace_id = ? AND connector = ? ORDER BY number DESC`,
      ),
      getVersionRow: db.prepare(
        `SELECT ${VERSION_SUMMARY_COLUMNS}, config FROM config_versions WHERE workspace_id = ? AND connector = ? AND number = ?`,
      ),
      deleteVersions: db.prepare('DELETE FROM config_versions WHERE workspace_id = ? AND connector = ?'),
      insertWorkspace: db.prepare('INSERT INTO workspaces (id, created_at) VALUES (?, ?)'),
      ensureWorkspace: db.prepare('INSERT INTO workspaces (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
      sweepWorkspaces: db.prepare(SWEEP_WORKSPACES_SQL),
      getWorkspace: db.prepare('SELECT id, created_at AS createdAt FROM workspaces WHERE id = ?'),
      listConnections: db.prepare(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE workspace_id = ? ORDER BY connector`),
      getConnection: db.prepare(
        `SELECT ${CONNECTION_COLUMNS} FROM connections WHERE workspace_id = ? AND connector = ?`,
      ),
      getVersion: db.prepare('SELECT version FROM connections WHERE workspace_id = ? AND connector = ?'),
      insertConnection: db.prepare(
        `INSERT INTO connections (workspace_id, connector, config, version, created_at, updated_at)
         VALUES (?, ?, ?, 1, ?, ?)`,
      ),
      updateConfig: db.prepare(
        `UPDATE connections SET config = ?, version = version + 1, updated_at = ?
         WHERE workspace_id = ? AND connector = ? AND version = ?`,
      ),
      activate: db.prepare(
        `UPDATE connections SET active_config = config, activated_version = version, attention_reason = NULL,
           connected_at = @at, updated_at = @at, baseline_schema = @baseline, baseline_at = CASE WHEN @baseline IS NULL THEN NULL ELSE @at END,
           ${NO_DRIFT}
         WHERE workspace_id = @workspaceId AND connector = @connector AND version = @version`,
      ),
      reset: db.prepare(
        `UPDATE connections SET config = ?, version = version + 1, active_config = NULL, activated_version = NULL,
           attention_reason = NULL, connected_at = NULL, updated_at = ?, baseline_schema = NULL, baseline_at = NULL, ${NO_DRIFT}
         WHERE workspace_id = ? AND connector = ?`,
      ),
      deactivate: db.prepare(
        `UPDATE connections SET active_config = NULL, activated_version = NULL, attention_reason = NULL,
           connected_at = NULL, updated_at = ?, baseline_schema = NULL, baseline_at = NULL, ${NO_DRIFT}
         WHERE workspace_id = ? AND connector = ?`,
      ),
      setAttention: db.prepare(
        'UPDATE connections SET attention_reason = ?, updated_at = ? WHERE workspace_id = ? AND connector = ?',
      ),
      getDrift: db.prepare(
        `SELECT active_config, connected_at, baseline_schema, baseline_at, drift_changes, drift_pipeline_names, drift_checked_at
         FROM connections WHERE workspace_id = ? AND connector = ?`,
      ),
      recordDrift: db.prepare(
        `UPDATE connections SET drift_changes = @changes, drift_pipeline_names = @pipelineNames, drift_count = @count,
           drift_pending = @pending, drift_checked_at = @checkedAt, drift_claimed_until = NULL
         WHERE workspace_id = @workspaceId AND connector = @connector AND activated_version IS NOT NULL AND connected_at = @connectedAt`,
      ),
      nextDriftCheck: db.prepare(
        `SELECT c.workspace_id AS workspaceId, c.connector FROM connections c
         WHERE c.activated_version IS NOT NULL
           AND (c.drift_checked_at IS NULL OR c.drift_checked_at < @staleBefore)
           AND (c.drift_claimed_until IS NULL OR c.drift_claimed_until <= @now)
           AND EXISTS (SELECT 1 FROM credentials k WHERE k.workspace_id = c.workspace_id AND k.connector = c.connector)
         ORDER BY c.drift_checked_at IS NOT NULL, c.drift_checked_at LIMIT 1`,
      ),
      claimDrift: db.prepare('UPDATE connections SET drift_claimed_until = ? WHERE workspace_id = ? AND connector = ?'),
      deleteConnection: db.prepare('DELETE FROM connections WHERE workspace_id = ? AND connector = ?'),
      getCredentials: db.prepare('SELECT * FROM credentials WHERE workspace_id = ? AND connector = ?'),
      listCredentials: db.prepare('SELECT * FROM credentials WHERE workspace_id = ? ORDER BY connector'),
      upsertCredentials: db.prepare(
        `INSERT INTO credentials (workspace_id, connector, account_id, account_domain, account_name, base_url,
           tokens, access_expires_at, updated_at)
         VALUES (@workspaceId, @connector, @accountId, @domain, @name, @baseUrl, @tokens, @accessExpiresAt, @updatedAt)
         ON CONFLICT (workspace_id, connector) DO UPDATE SET account_id = excluded.account_id,
           account_domain = excluded.account_domain, account_name = excluded.account_name,
           base_url = excluded.base_url, tokens = excluded.tokens,
           access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at`,
      ),
      rotateTokens: db.prepare(
        `UPDATE credentials SET tokens = ?, access_expires_at = ?, updated_at = ?
         WHERE workspace_id = ? AND connector = ? AND tokens = ?`,
      ),
      deleteCredentials: db.prepare('DELETE FROM credentials WHERE workspace_id = ? AND connector = ?'),
      insertState: db.prepare(
        'INSERT INTO oauth_states (state, workspace_id, connector, expires_at, used_at) VALUES (?, ?, ?, ?, NULL)',
      ),
      getState: db.prepare(
        `SELECT state, workspace_id AS workspaceId, connector, expires_at AS expiresAt, used_at AS usedAt
         FROM oauth_states WHERE state = ?`,
      ),
      useState: db.prepare('UPDATE oauth_states SET used_at = ? WHERE state = ? AND workspace_id = ? AND used_at IS NULL'),
      purgeStates: db.prepare('DELETE FROM oauth_states WHERE expires_at < ?'),
      // The newest by creation: a rowid is one more than the largest in the table.
      trimStates: db.prepare(
        `DELETE FROM oauth_states WHERE workspace_id = @workspaceId AND state NOT IN (
           SELECT state FROM oauth_states WHERE workspace_id = @workspaceId ORDER BY rowid DESC LIMIT @keep)`,
      ),
      getSchema: db.prepare(
        'SELECT schema, fetched_at AS fetchedAt FROM crm_schema_cache WHERE workspace_id = ? AND connector = ?',
      ),
      upsertSchema: db.prepare(
        `INSERT INTO crm_schema_cache (workspace_id, connector, schema, fetched_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (workspace_id, connector) DO UPDATE SET schema = excluded.schema, fetched_at = excluded.fetched_at`,
      ),
      deleteSchema: db.prepare('DELETE FROM crm_schema_cache WHERE workspace_id = ? AND connector = ?'),
      getActiveConfig: db.prepare('SELECT active_config FROM connections WHERE workspace_id = ? AND connector = ?').pluck(),
      countDeals: db.prepare('SELECT count(*) FROM synced_deals WHERE workspace_id = ? AND connector = ?').pluck(),
      getDealPosition: db.prepare('SELECT pipeline_id, status_id FROM synced_deals WHERE workspace_id = ? AND connector = ? AND id = ?'),
      upsertDeal: db.prepare(
        `INSERT INTO synced_deals (workspace_id, connector, id, pipeline_id, status_id, amount, created_at, updated_at, visited, fields)
         VALUES (@workspaceId, @connector, @id, @pipelineId, @statusId, @amount, @createdAt, @updatedAt, @visited, @fields)
         ON CONFLICT (workspace_id, connector, id) DO UPDATE SET pipeline_id = excluded.pipeline_id,
           status_id = excluded.status_id, amount = excluded.amount, created_at = excluded.created_at,
           updated_at = excluded.updated_at, visited = excluded.visited, fields = excluded.fields`,
      ),
      setVisited: db.prepare('UPDATE synced_deals SET visited = ? WHERE workspace_id = ? AND connector = ? AND id = ?'),
      changesOfDeal: db.prepare(
        `SELECT at, before_pipeline_id, before_status_id, after_pipeline_id, after_status_id FROM synced_status_changes
         WHERE workspace_id = ? AND connector = ? AND deal_id = ? ORDER BY at, length(id), id`,
      ),
      upsertChange: db.prepare(
        `INSERT INTO synced_status_changes (workspace_id, connector, id, deal_id, at, before_pipeline_id, before_status_id,
           after_pipeline_id, after_status_id)
         VALUES (@workspaceId, @connector, @id, @dealId, @at, @beforePipelineId, @beforeStatusId, @afterPipelineId, @afterStatusId)
         ON CONFLICT (workspace_id, connector, id) DO UPDATE SET deal_id = excluded.deal_id, at = excluded.at,
           before_pipeline_id = coalesce(excluded.before_pipeline_id, before_pipeline_id),
           before_status_id = coalesce(excluded.before_status_id, before_status_id),
           after_pipeline_id = excluded.after_pipeline_id, after_status_id = excluded.after_status_id`,
      ),
      getDealSync: db.prepare(
        `SELECT state, loaded, total, started_at, finished_at, synced_at, error_code, error_message, currency, run_id, cursor, updated_at
         FROM deal_syncs WHERE workspace_id = ? AND connector = ?`,
      ),
      beginDealSync: db.prepare(
        `INSERT INTO deal_syncs (workspace_id, connector, state, loaded, total, started_at, finished_at, error_code, error_message,
           run_id, cursor, updated_at)
         VALUES (@workspaceId, @connector, 'loading', @loaded, @total, @startedAt, NULL, NULL, NULL, @runId, @cursor, @updatedAt)
         ON CONFLICT (workspace_id, connector) DO UPDATE SET state = 'loading', loaded = excluded.loaded, total = excluded.total,
           started_at = excluded.started_at, finished_at = NULL, error_code = NULL, error_message = NULL,
           run_id = excluded.run_id, cursor = excluded.cursor, updated_at = excluded.updated_at
         WHERE deal_syncs.state <> 'loading' OR @liveSince IS NULL OR deal_syncs.updated_at < @liveSince`,
      ),
      progressDealSync: db.prepare(
        `UPDATE deal_syncs SET loaded = ?, total = ?, cursor = ?, updated_at = ?
         WHERE workspace_id = ? AND connector = ? AND run_id = ? AND state = 'loading'`,
      ),
      currencyDealSync: db.prepare(
        `UPDATE deal_syncs SET currency = ?, updated_at = ? WHERE workspace_id = ? AND connector = ? AND run_id = ? AND state = 'loading'`,
      ),
      finishDealSync: db.prepare(
        `UPDATE deal_syncs SET state = 'done', finished_at = ?, synced_at = ?, cursor = NULL, error_code = NULL, error_message = NULL,
           updated_at = ?
         WHERE workspace_id = ? AND connector = ? AND run_id = ? AND state = 'loading'`,
      ),
      releaseDealSync: db.prepare(
        `UPDATE deal_syncs SET updated_at = '${RELEASED_AT}' WHERE workspace_id = ? AND connector = ? AND run_id = ? AND state = 'loading'`,
      ),
      failDealSync: db.prepare(
        `UPDATE deal_syncs SET state = 'failed', finished_at = ?, error_code = ?, error_message = ?, updated_at = ?
         WHERE workspace_id = ? AND connector = ? AND run_id = ? AND state = 'loading'`,
      ),
      deleteDeals: db.prepare('DELETE FROM synced_deals WHERE workspace_id = ? AND connector = ?'),
      deleteChanges: db.prepare('DELETE FROM synced_status_changes WHERE workspace_id = ? AND connector = ?'),
      deleteDealSync: db.prepare('DELETE FROM deal_syncs WHERE workspace_id = ? AND connector = ?'),
      unfinishedDealSyncs: db.prepare(`SELECT workspace_id AS workspaceId, connector FROM deal_syncs WHERE state = 'loading' ORDER BY updated_at`),
    };
  }

  createWorkspace(): Promise<Workspace> {
    return settle(() => {
      const workspace = { id: randomUUID(), createdAt: now() };
      this.statements.insertWorkspace.run(workspace.id, workspace.createdAt);
      return workspace;
    });
  }

  getWorkspace(id: string): Promise<Workspace | null> {
    return settle(() => (this.statements.getWorkspace.get(id) as Workspace | undefined) ?? null);
  }

  sweep(options: SweepOptions): Promise<{ states: number; workspaces: number }> {
    return settle(() => {
      const retention = options.expiredStateRetentionMs ?? EXPIRED_OAUTH_STATE_RETENTION_MS;
      const maxAge = options.emptyWorkspaceMaxAgeMs ?? EMPTY_WORKSPACE_MAX_AGE_MS;
      return this.db.transaction(() => {
        const states = this.statements.purgeStates.run(options.now - retention).changes;
        const createdBefore = new Date(options.now - maxAge).toISOString();
        const workspaces = this.statements.sweepWorkspaces.run({ createdBefore, limit: options.maxWorkspaces ?? 1000 }).changes;
        return { states, workspaces };
      })();
    });
  }

  /** The workspace's row, created by its first write (inside that write's transaction). */
  private ensureWorkspace(id: string): void {
    this.statements.ensureWorkspace.run(id, now());
  }

  listConnections(workspaceId: string): Promise<Connection[]> {
    return settle(() => (this.statements.listConnections.all(workspaceId) as ConnectionRow[]).map((row) => toConnection(row)));
  }

  getConnection(workspaceId: string, connector: ConnectorId): Promise<Connection | null> {
    return settle(() => this.connectionRow(workspaceId, connector));
  }

  private connectionRow(workspaceId: string, connector: ConnectorId): Connection | null {
    const row = this.statements.getConnection.get(workspaceId, connector) as ConnectionRow | undefined;
    return row ? toConnection(row) : null;
  }

  saveConfig(workspaceId: string, connector: ConnectorId, expectedVersion: number, config: MappingConfig, origin?: SaveOrigin): Promise<SaveResult> {
    return settle(() => {
      return this.db.transaction((): SaveResult => {
        const json = JSON.stringify(config);
        const atMs = this.clock();
        const at = new Date(atMs).toISOString();
        const current = this.statements.getVersion.get(workspaceId, connector) as { version: number } | undefined;
        if (!current) {
          if (expectedVersion !== 0) return { ok: false, currentVersion: 0 };
          this.ensureWorkspace(workspaceId);
          this.statements.insertConnection.run(workspaceId, connector, json, at, at);
        } else {
          const changed = this.statements.updateConfig.run(json, at, workspaceId, connector, expectedVersion).changes;
          if (changed === 0) return { ok: false, currentVersion: current.version };
        }
        const row = this.statements.getConnection.get(workspaceId, connector) as ConnectionRow;
        this.keepVersion(workspaceId, connector, { configVersion: row.version, json, config, atMs, kind: origin?.kind ?? 'save', restoredFrom: origin?.from ?? null });
        return { ok: true, connection: toConnection(row, config) };
      })();
    });
  }

  /** Records the draft just written in the version history (in the write's transaction). */
  private keepVersion(
    workspaceId: string,
    connector: ConnectorId,
    version: { configVersion: number; json: string; config: MappingConfig; atMs: number; kind: VersionKind; restoredFrom: number | null; activatedAt?: string },
  ): void {
    const at = new Date(version.atMs).toISOString();
    const newest = this.statements.newestVersion.get(workspaceId, connector) as NewestVersionRow | undefined;
    const fields = { workspaceId, connector, configVersion: version.configVersion, config: version.json, at };
    if (!version.activatedAt && coalesces(newest, version.kind, version.atMs)) {
      const before = (this.statements.versionConfigBefore.get(workspaceId, connector, newest.number) as string | undefined) ?? null;
      this.statements.replaceVersion.run({ ...fields, number: newest.number, changes: versionChanges(before, version.config, connector) });
      return;
    }
    const previous = newest ? ((this.statements.versionConfigBefore.get(workspaceId, connector, newest.number + 1) as string | undefined) ?? null) : null;
    const number = (newest?.number ?? 0) + 1;
    this.statements.insertVersion.run({
      ...fields,
      number,
      kind: version.kind,
      restoredFrom: version.restoredFrom,
      activatedAt: version.activatedAt ?? null,
      changes: versionChanges(previous, version.config, connector),
    });
    this.statements.pruneVersions.run({ workspaceId, connector, newest: number, limit: this.versionLimit });
  }

  listVersions(workspaceId: string, connector: ConnectorId): Promise<StoredVersionSummary[] | null> {
    return settle(() => {
      if (!this.statements.getVersion.get(workspaceId, connector)) return null;
      return (this.statements.listVersions.all(workspaceId, connector) as VersionSummaryRow[]).map(toVersionSummary);
    });
  }

  getVersion(workspaceId: string, connector: ConnectorId, number: number): Promise<StoredVersion | null> {
    return settle(() => {
      const row = this.statements.getVersionRow.get(workspaceId, connector, number) as VersionRow | undefined;
      return row ? toStoredVersion(row) : null;
    });
  }

  activate(workspaceId: string, connector: ConnectorId, version: number, baseline: string | null = null): Promise<Connection | null> {
    return settle(() => {
      return this.db.transaction(() => {
        const atMs = this.clock();
        const at = new Date(atMs).toISOString();
        const changed = this.statements.activate.run({ at, baseline, workspaceId, connector, version }).changes;
        if (changed === 0) return null;
        const connection = this.connectionRow(workspaceId, connector);
        if (!connection) return null;
        // The version activated is the newest kept one (its draft), marked; a draft saved before
        // the history existed is kept now.
        const newest = this.statements.newestVersion.get(workspaceId, connector) as (NewestVersionRow & { config_version: number }) | undefined;
        if (newest && newest.config_version === version) this.statements.markVersionActivated.run(at, workspaceId, connector, newest.number);
        else {
          const json = JSON.stringify(connection.config);
          this.keepVersion(workspaceId, connector, { configVersion: version, json, config: connection.config, atMs, kind: 'save', restoredFrom: null, activatedAt: at });
        }
        return connection;
      })();
    });
  }

  reset(workspaceId: string, connector: ConnectorId, emptyConfig: MappingConfig): Promise<Connection | null> {
    return settle(() => {
      return this.db.transaction(() => {
        const atMs = this.clock();
        const json = JSON.stringify(emptyConfig);
        const changed = this.statements.reset.run(json, new Date(atMs).toISOString(), workspaceId, connector).changes;
        if (changed === 0) return null;
        const connection = this.connectionRow(workspaceId, connector);
        if (connection) this.keepVersion(workspaceId, connector, { configVersion: connection.version, json, config: emptyConfig, atMs, kind: 'reset', restoredFrom: null });
        return connection;
      })();
    });
  }

  setAttention(workspaceId: string, connector: ConnectorId, reason: string | null): Promise<void> {
    return settle(() => {
      this.statements.setAttention.run(reason, now(), workspaceId, connector);
    });
  }

  deactivate(workspaceId: string, connector: ConnectorId): Promise<void> {
    return settle(() => {
      this.statements.deactivate.run(now(), workspaceId, connector);
    });
  }

  getActiveConfig(workspaceId: string, connector: ConnectorId): Promise<MappingConfig | null> {
    return settle(() => {
      const json = this.statements.getActiveConfig.get(workspaceId, connector) as string | null | undefined;
      return json ? readConfig(json) : null;
    });
  }

  getDrift(workspaceId: string, connector: ConnectorId): Promise<StoredDrift | null> {
    return settle(() => {
      const row = this.statements.getDrift.get(workspaceId, connector) as DriftRow | undefined;
      if (!row) return null;
      return toStoredDrift(row);
    });
  }

  recordDrift(workspaceId: string, connector: ConnectorId, connectedAt: string, record: DriftRecord): Promise<boolean> {
    return settle(() => this.statements.recordDrift.run({ ...record, workspaceId, connector, connectedAt }).changes > 0);
  }

  claimDriftCheck(options: { now: number; staleBefore: string; claimUntil: number }): Promise<{ workspaceId: string; connector: ConnectorId } | null> {
    return settle(() => {
      return this.db.transaction(() => {
        const next = this.statements.nextDriftCheck.get({ now: options.now, staleBefore: options.staleBefore }) as
          | { workspaceId: string; connector: ConnectorId }
          | undefined;
        if (!next) return null;
        this.statements.claimDrift.run(options.claimUntil, next.workspaceId, next.connector);
        return next;
      }).immediate();
    });
  }

  releaseDriftClaim(workspaceId: string, connector: ConnectorId, until: number | null): Promise<void> {
    return settle(() => {
      this.statements.claimDrift.run(until, workspaceId, connector);
    });
  }

  disconnect(workspaceId: string, connector: ConnectorId): Promise<boolean> {
    return settle(() => {
      return this.db.transaction(() => {
        const removed =
          this.statements.deleteConnection.run(workspaceId, connector).changes +
          this.statements.deleteCredentials.run(workspaceId, connector).changes;
        this.statements.deleteSchema.run(workspaceId, connector);
        this.statements.deleteVersions.run(workspaceId, connector);
        this.removeSyncedDeals(workspaceId, connector);
        return removed > 0;
      })();
    });
  }

  getCredentials(workspaceId: string, connector: ConnectorId): Promise<StoredCredentials | null> {
    return settle(() => {
      const row = this.statements.getCredentials.get(workspaceId, connector) as CredentialsRow | undefined;
      return row ? toCredentials(row) : null;
    });
  }

  listCredentials(workspaceId: string): Promise<StoredCredentials[]> {
    return settle(() => (this.statements.listCredentials.all(workspaceId) as CredentialsRow[]).map(toCredentials));
  }

  saveCredentials(credentials: Omit<StoredCredentials, 'updatedAt'>): Promise<void> {
    return settle(() => {
      this.db.transaction(() => {
        this.ensureWorkspace(credentials.workspaceId);
        this.upsertCredentials(credentials);
      })();
    });
  }

  private upsertCredentials(credentials: Omit<StoredCredentials, 'updatedAt'>): void {
    this.statements.upsertCredentials.run({
      workspaceId: credentials.workspaceId,
      connector: credentials.connector,
      accountId: credentials.account.id,
      domain: credentials.account.domain,
      name: credentials.account.name,
      baseUrl: credentials.baseUrl,
      tokens: credentials.tokens,
      accessExpiresAt: credentials.accessExpiresAt,
      updatedAt: now(),
    });
  }

  rotateTokens(
    workspaceId: string,
    connector: ConnectorId,
    expectedTokens: string,
    tokens: string,
    accessExpiresAt: number,
  ): Promise<boolean> {
    return settle(() => {
      return (
        this.statements.rotateTokens.run(tokens, accessExpiresAt, now(), workspaceId, connector, expectedTokens).changes > 0
      );
    });
  }

  deleteCredentials(workspaceId: string, connector: ConnectorId): Promise<void> {
    return settle(() => {
      this.statements.deleteCredentials.run(workspaceId, connector);
    });
  }

  createOAuthState(state: OAuthState, limits: { keepNewest?: number; purgeExpiredBefore?: number } = {}): Promise<void> {
    return settle(() => {
      const keep = Math.max(1, limits.keepNewest ?? OAUTH_STATES_PER_WORKSPACE);
      this.db.transaction(() => {
        this.statements.purgeStates.run(limits.purgeExpiredBefore ?? Date.now() - EXPIRED_OAUTH_STATE_RETENTION_MS);
        this.ensureWorkspace(state.workspaceId);
        this.statements.insertState.run(state.state, state.workspaceId, state.connector, state.expiresAt);
        this.statements.trimStates.run({ workspaceId: state.workspaceId, keep });
      })();
    });
  }

  getOAuthState(state: string): Promise<OAuthState | null> {
    return settle(() => (this.statements.getState.get(state) as OAuthState | undefined) ?? null);
  }

  markOAuthStateUsed(state: string, workspaceId: string, nowMs: number): Promise<boolean> {
    return settle(() => this.statements.useState.run(nowMs, state, workspaceId).changes > 0);
  }

  getCachedSchema(workspaceId: string, connector: ConnectorId): Promise<{ schema: string; fetchedAt: string } | null> {
    return settle(() => (this.statements.getSchema.get(workspaceId, connector) as { schema: string; fetchedAt: string } | undefined) ?? null);
  }

  setCachedSchema(workspaceId: string, connector: ConnectorId, schema: string, fetchedAt: string = now()): Promise<void> {
    return settle(() => {
      this.db.transaction(() => {
        this.ensureWorkspace(workspaceId);
        this.statements.upsertSchema.run(workspaceId, connector, schema, fetchedAt);
      })();
    });
  }

  deleteCachedSchema(workspaceId: string, connector: ConnectorId): Promise<void> {
    return settle(() => {
      this.statements.deleteSchema.run(workspaceId, connector);
    });
  }

  // ---- synced deals ----

  async *iterateDeals(workspaceId: string, connector: ConnectorId, options: { updatedSince?: number } = {}): AsyncGenerator<FunnelDeal, void, undefined> {
    const since = options.updatedSince ?? Number.MIN_SAFE_INTEGER;
    // A statement of its own per stream: one statement iterates once at a time ("statement is
    // busy"), and a slow client reading one workspace's feed must not stop everyone else's.
    const statement = this.reader.prepare(ITERATE_DEALS_SQL);
    let read = 0;
    for (const row of statement.iterate(workspaceId, connector, since) as IterableIterator<DealRow>) {
      yield toFunnelDeal(row);
      // Every so many rows, let other work run (the statement keeps its snapshot meanwhile).
      read += 1;
      if (read % ITERATE_BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  countDeals(workspaceId: string, connector: ConnectorId): Promise<number> {
    return settle(() => this.statements.countDeals.get(workspaceId, connector) as number);
  }

  getDealSync(workspaceId: string, connector: ConnectorId): Promise<(DealSync & { currency: string }) | null> {
    return settle(() => {
      const row = this.statements.getDealSync.get(workspaceId, connector) as DealSyncRow | undefined;
      return row ? { ...toDealSync(row), currency: row.currency ?? DEFAULT_CURRENCY } : null;
    });
  }

  getDealSyncRecord(workspaceId: string, connector: ConnectorId): Promise<DealSyncRecord | null> {
    return settle(() => {
      const row = this.statements.getDealSync.get(workspaceId, connector) as DealSyncRow | undefined;
      if (!row) return null;
      return {
        ...toDealSync(row),
        currency: row.currency,
        runId: row.run_id,
        cursor: row.cursor ? (JSON.parse(row.cursor) as DealSyncCursor) : null,
        updatedAt: row.updated_at,
      };
    });
  }

  beginDealSync(
    workspaceId: string,
    connector: ConnectorId,
    run: { runId: string; loaded: number; total: number | null; startedAt: string; cursor: DealSyncCursor },
    options: { unlessLiveSince?: string } = {},
  ): Promise<boolean> {
    return settle(() =>
      this.db.transaction(() => {
        this.ensureWorkspace(workspaceId);
        return this.insertDealSync(workspaceId, connector, run, options.unlessLiveSince ?? null);
      })(),
    );
  }

  private insertDealSync(
    workspaceId: string,
    connector: ConnectorId,
    run: { runId: string; loaded: number; total: number | null; startedAt: string; cursor: DealSyncCursor },
    liveSince: string | null = null,
  ): boolean {
    return this.statements.beginDealSync.run({
      workspaceId,
      connector,
      loaded: run.loaded,
      total: run.total,
      startedAt: run.startedAt,
      runId: run.runId,
      cursor: JSON.stringify(run.cursor),
      updatedAt: now(),
      liveSince,
    }).changes > 0;
  }

  releaseDealSync(workspaceId: string, connector: ConnectorId, runId: string): Promise<void> {
    return settle(() => {
      this.statements.releaseDealSync.run(workspaceId, connector, runId);
    });
  }

  saveDealsPage(workspaceId: string, connector: ConnectorId, runId: string, deals: readonly SyncedDeal[], progress: DealSyncProgress): Promise<boolean> {
    return settle(() => {
      return this.db.transaction(() => {
        if (!this.progress(workspaceId, connector, runId, progress)) return false;
        for (const deal of deals) {
          const changes = this.changesOf(workspaceId, connector, deal.id);
          this.statements.upsertDeal.run({
            workspaceId,
            connector,
            id: deal.id,
            pipelineId: deal.pipelineId,
            statusId: deal.statusId,
            amount: deal.amount,
            createdAt: deal.createdAt,
            updatedAt: deal.updatedAt,
            visited: JSON.stringify(dealVisits(deal, changes)),
            fields: JSON.stringify(deal.fields),
          });
        }
        return true;
      })();
    });
  }

  saveStatusChangesPage(
    workspaceId: string,
    connector: ConnectorId,
    runId: string,
    changes: readonly SyncedStatusChange[],
    progress: DealSyncProgress,
  ): Promise<boolean> {
    return settle(() => {
      return this.db.transaction(() => {
        if (!this.progress(workspaceId, connector, runId, progress)) return false;
        const affected = new Set<string>();
        for (const change of changes) {
          this.statements.upsertChange.run({
            workspaceId,
            connector,
            id: change.id,
            dealId: change.dealId,
            at: change.at,
            beforePipelineId: change.before?.pipelineId ?? null,
            beforeStatusId: change.before?.statusId ?? null,
            afterPipelineId: change.after.pipelineId,
            afterStatusId: change.after.statusId,
          });
          affected.add(change.dealId);
        }
        for (const dealId of affected) {
          const position = this.statements.getDealPosition.get(workspaceId, connector, dealId) as { pipeline_id: string; status_id: string } | undefined;
          // A change of a deal not stored yet: the deal's own page derives its `visited`.
          if (!position) continue;
          const visited = dealVisits({ pipelineId: position.pipeline_id, statusId: position.status_id }, this.changesOf(workspaceId, connector, dealId));
          this.statements.setVisited.run(JSON.stringify(visited), workspaceId, connector, dealId);
        }
        return true;
      })();
    });
  }

  setDealSyncCurrency(workspaceId: string, connector: ConnectorId, runId: string, currency: string): Promise<boolean> {
    return settle(() => this.statements.currencyDealSync.run(currency, now(), workspaceId, connector, runId).changes > 0);
  }

  finishDealSync(workspaceId: string, connector: ConnectorId, runId: string, at: { finishedAt: string; syncedAt: string }): Promise<boolean> {
    return settle(() => this.statements.finishDealSync.run(at.finishedAt, at.syncedAt, now(), workspaceId, connector, runId).changes > 0);
  }

  failDealSync(
    workspaceId: string,
    connector: ConnectorId,
    runId: string,
    failure: { finishedAt: string; error: { code: string; message: string } },
  ): Promise<boolean> {
    return settle(() => {
      return (
        this.statements.failDealSync.run(failure.finishedAt, failure.error.code, failure.error.message, now(), workspaceId, connector, runId)
          .changes > 0
      );
    });
  }

  deleteSyncedDeals(workspaceId: string, connector: ConnectorId): Promise<void> {
    return settle(() => {
      this.db.transaction(() => this.removeSyncedDeals(workspaceId, connector))();
    });
  }

  listUnfinishedDealSyncs(): Promise<Array<{ workspaceId: string; connector: ConnectorId }>> {
    return settle(() => this.statements.unfinishedDealSyncs.all() as Array<{ workspaceId: string; connector: ConnectorId }>);
  }

  ping(): Promise<void> {
    return settle(() => {
      this.db.prepare('SELECT 1').get();
    });
  }

  close(): Promise<void> {
    return settle(() => {
      this.reader.close();
      this.db.close();
    });
  }

  /** The run's progress after a page; false when `runId` may not write (nothing is written then). */
  private progress(workspaceId: string, connector: ConnectorId, runId: string, progress: DealSyncProgress): boolean {
    const cursor = JSON.stringify(progress.cursor);
    return this.statements.progressDealSync.run(progress.loaded, progress.total, cursor, now(), workspaceId, connector, runId).changes > 0;
  }

  private changesOf(workspaceId: string, connector: ConnectorId, dealId: string): DealStatusChange[] {
    return (this.statements.changesOfDeal.all(workspaceId, connector, dealId) as ChangeRow[]).map(toStatusChange);
  }

  private removeSyncedDeals(workspaceId: string, connector: ConnectorId): void {
    this.statements.deleteDeals.run(workspaceId, connector);
    this.statements.deleteChanges.run(workspaceId, connector);
    this.statements.deleteDealSync.run(workspaceId, connector);
  }
}
