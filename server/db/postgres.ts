import { randomUUID } from 'node:crypto';

import pg from 'pg';

import type { ConnectorId } from '../../app/contracts/connector';
import type { DealStatusChange, DealSync, FunnelDeal } from '../../app/contracts/deals';
import { dealVisits } from '../../app/contracts/funnel';
import type { MappingConfig } from '../../app/contracts/mapping-config';
import { takeShared, type RateLimitPolicy } from '../crm/http/rate-limiter';

import { POSTGRES_MIGRATIONS } from './postgres-migrations';
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
  type SweepOptions,
  type SyncedDeal,
  type SyncedStatusChange,
  type VersionKind,
  type Workspace,
} from './repository';

/**
 * The repository over PostgreSQL (node-postgres), for several API servers on one database:
 * every compare-and-swap is one statement or one transaction (`UPDATE … WHERE version = $n`
 * and its row count), so it holds across processes as it does in one.
 *
 * The pool is bounded (`maxConnections`); a streamed read (`iterateDeals`) holds one of its
 * connections until the stream ends. The schema is migrated before the first query
 * (`ready`); `schema` puts the tables in a schema of their own (tests: one per test server).
 */
export interface PostgresOptions extends RepositoryOptions {
  /** Pool size; default 10. */
  maxConnections?: number;
  /** A schema of its own (created when missing); default the connection's `search_path`. */
  schema?: string;
}

export interface PostgresRepository extends Repository {
  /** Resolves once the schema is migrated (rejects when the database cannot be reached). */
  readonly ready: Promise<void>;
}

/** Rows a streamed read fetches at a time. */
const FETCH_BATCH = 500;

// BIGINT (Unix ms and seconds) and count(*) as numbers: every value stored fits in 2^53.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

const now = () => new Date().toISOString();
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

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
  deal_id: string;
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
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  };
}

type Db = pg.Pool | pg.PoolClient;

const CONNECTION_COLUMNS =
  'workspace_id, connector, config, version, activated_version, attention_reason, drift_count, drift_pending, drift_checked_at, created_at, updated_at, connected_at';

/** What `activate`, `reset` and `deactivate` set the drift columns to: no drift recorded, no claim. */
const NO_DRIFT = 'drift_changes = NULL, drift_pipeline_names = NULL, drift_count = 0, drift_pending = 0, drift_checked_at = NULL, drift_claimed_until = NULL';

/** Migrates under a transaction-scoped advisory lock: servers starting together apply each migration once. */
async function migrate(pool: pg.Pool, schema: string | undefined): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('hub-connect:migrations'))");
    // Under the lock: two servers creating the same schema at once would collide.
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    let count = 0;
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, now()]);
      count += 1;
    }
    await client.query('COMMIT');
    return count;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Connects to `url` (postgres://…); the schema is migrated before the first query runs. */
export function openPostgresRepository(url: string, options: PostgresOptions = {}): PostgresRepository {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new Error(`Not a schema name: ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const ready = migrate(pool, options.schema).then(() => undefined);
  // Nobody may be waiting yet: the rejection is seen by the first query (and by `ready`).
  ready.catch(() => undefined);
  return new PgRepository(pool, ready, options);
}

class PgRepository implements PostgresRepository {
  private readonly clock: () => number;
  private readonly versionLimit: number;

  constructor(
    private readonly pool: pg.Pool,
    readonly ready: Promise<void>,
    options: RepositoryOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.versionLimit = Math.max(1, options.versionLimit ?? VERSION_HISTORY_LIMIT);
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = [], db: Db = this.pool): Promise<pg.QueryResult<R>> {
    await this.ready;
    return db.query<R>(sql, values);
  }

  private async rows<R extends pg.QueryResultRow>(sql: string, values: unknown[] = [], db: Db = this.pool): Promise<R[]> {
    return (await this.query<R>(sql, values, db)).rows;
  }

  private async changed(sql: string, values: unknown[] = [], db: Db = this.pool): Promise<number> {
    return (await this.query(sql, values, db)).rowCount ?? 0;
  }

  /** `work` in one transaction on one connection: committed when it returns, rolled back when it throws. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private ensureWorkspace(id: string, db: Db): Promise<number> {
    return this.changed('INSERT INTO workspaces (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, now()], db);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  /** Under the account row's lock, in the database's clock: servers' clocks need not agree. */
  takeCrmRateSlot(key: string, policy: RateLimitPolicy): Promise<number> {
    return this.transaction(async (db) => {
      await this.query("INSERT INTO crm_rate_limits (key, state, updated_at) VALUES ($1, '{}', 0) ON CONFLICT (key) DO NOTHING", [key], db);
      const [row] = await this.rows<{ state: number[]; now: number }>(
        'SELECT state, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now FROM crm_rate_limits WHERE key = $1 FOR UPDATE',
        [key],
        db,
      );
      const { wait, state } = takeShared(policy, row!.state, row!.now);
      if (wait === 0) await this.query('UPDATE crm_rate_limits SET state = $1, updated_at = $2 WHERE key = $3', [state, Math.round(row!.now), key], db);
      return wait;
    });
  }

  async createWorkspace(): Promise<Workspace> {
    const workspace = { id: randomUUID(), createdAt: now() };
    await this.query('INSERT INTO workspaces (id, created_at) VALUES ($1, $2)', [workspace.id, workspace.createdAt]);
    return workspace;
  }

  async getWorkspace(id: string): Promise<Workspace | null> {
    const [row] = await this.rows<Workspace>('SELECT id, created_at AS "createdAt" FROM workspaces WHERE id = $1', [id]);
    return row ?? null;
  }

  sweep(options: SweepOptions): Promise<{ states: number; workspaces: number }> {
    const retention = options.expiredStateRetentionMs ?? EXPIRED_OAUTH_STATE_RETENTION_MS;
    const maxAge = options.emptyWorkspaceMaxAgeMs ?? EMPTY_WORKSPACE_MAX_AGE_MS;
    return this.transaction(async (db) => {
      const states = await this.changed('DELETE FROM oauth_states WHERE expires_at < $1', [options.now - retention], db);
      // An account not called for an hour has an empty limit: its row can go.
      await this.query('DELETE FROM crm_rate_limits WHERE updated_at < $1', [options.now - 3600_000], db);
      const createdBefore = new Date(options.now - maxAge).toISOString();
      const workspaces = await this.changed(
        `DELETE FROM workspaces WHERE id IN (
           SELECT w.id FROM workspaces w WHERE w.created_at < $1
             AND NOT EXISTS (SELECT 1 FROM connections d WHERE d.workspace_id = w.id)
             AND NOT EXISTS (SELECT 1 FROM credentials d WHERE d.workspace_id = w.id)
             AND NOT EXISTS (SELECT 1 FROM oauth_states d WHERE d.workspace_id = w.id)
           ORDER BY w.created_at LIMIT $2
           FOR UPDATE SKIP LOCKED)`,
        [createdBefore, options.maxWorkspaces ?? 1000],
        db,
      );
      return { states, workspaces };
    });
  }

  async listConnections(workspaceId: string): Promise<Connection[]> {
    const rows = await this.rows<ConnectionRow>(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE workspace_id = $1 ORDER BY connector COLLATE "C"`, [workspaceId]);
    return rows.map((row) => toConnection(row));
  }

  async getConnection(workspaceId: string, connector: ConnectorId, db: Db = this.pool): Promise<Connection | null> {
    const [row] = await this.rows<ConnectionRow>(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE workspace_id = $1 AND connector = $2`, [workspaceId, connector], db);
    return row ? toConnection(row) : null;
  }

  saveConfig(workspaceId: string, connector: ConnectorId, expectedVersion: number, config: MappingConfig, origin?: SaveOrigin): Promise<SaveResult> {
    const json = JSON.stringify(config);
    return this.transaction(async (db): Promise<SaveResult> => {
      const atMs = this.clock();
      const at = new Date(atMs).toISOString();
      if (expectedVersion === 0) {
        await this.ensureWorkspace(workspaceId, db);
        const inserted = await this.changed(
          `INSERT INTO connections (workspace_id, connector, config, version, created_at, updated_at)
           VALUES ($1, $2, $3, 1, $4, $4) ON CONFLICT (workspace_id, connector) DO NOTHING`,
          [workspaceId, connector, json, at],
          db,
        );
        if (inserted === 0) {
          const [current] = await this.rows<{ version: number }>('SELECT version FROM connections WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db);
          return { ok: false, currentVersion: current?.version ?? 0 };
        }
      } else {
        // The compare-and-swap: another server's save in between makes this one match no row.
        const updated = await this.changed(
          `UPDATE connections SET config = $1, version = version + 1, updated_at = $2
           WHERE workspace_id = $3 AND connector = $4 AND version = $5`,
          [json, at, workspaceId, connector, expectedVersion],
          db,
        );
        if (updated === 0) {
          const [current] = await this.rows<{ version: number }>('SELECT version FROM connections WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db);
          return { ok: false, currentVersion: current?.version ?? 0 };
        }
      }
      const [row] = await this.rows<ConnectionRow>(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE workspace_id = $1 AND connector = $2`, [workspaceId, connector], db);
      if (!row) throw new Error('saveConfig: the saved row is gone');
      await this.keepVersion(workspaceId, connector, { configVersion: row.version, json, config, atMs, kind: origin?.kind ?? 'save', restoredFrom: origin?.from ?? null }, db);
      return { ok: true, connection: toConnection(row, config) };
    });
  }

  /**
   * Records the draft just written in the version history, in the write's transaction (the
   * connection's row is locked by that write: saves of one connector keep their history in turn).
   */
  private async keepVersion(
    workspaceId: string,
    connector: ConnectorId,
    version: { configVersion: number; json: string; config: MappingConfig; atMs: number; kind: VersionKind; restoredFrom: number | null; activatedAt?: string },
    db: Db,
  ): Promise<void> {
    const at = new Date(version.atMs).toISOString();
    const [newest] = await this.rows<NewestVersionRow>(
      'SELECT number, kind, activated_at, started_at FROM config_versions WHERE workspace_id = $1 AND connector = $2 ORDER BY number DESC LIMIT 1',
      [workspaceId, connector],
      db,
    );
    const configBefore = async (number: number) =>
      (
        await this.rows<{ config: string }>(
          'SELECT config FROM config_versions WHERE workspace_id = $1 AND connector = $2 AND number < $3 ORDER BY number DESC LIMIT 1',
          [workspaceId, connector, number],
          db,
        )
      )[0]?.config ?? null;
    if (!version.activatedAt && coalesces(newest, version.kind, version.atMs)) {
      const changes = versionChanges(await configBefore(newest.number), version.config, connector);
      await this.query(
        `UPDATE config_versions SET config_version = $1, config = $2, saved_at = $3, changes = $4
         WHERE workspace_id = $5 AND connector = $6 AND number = $7`,
        [version.configVersion, version.json, at, changes, workspaceId, connector, newest.number],
        db,
      );
      return;
    }
    const previous = newest ? await configBefore(newest.number + 1) : null;
    const number = (newest?.number ?? 0) + 1;
    await this.query(
      `INSERT INTO config_versions (workspace_id, connector, number, config_version, config, kind, restored_from, activated_at, started_at, saved_at, changes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
      [workspaceId, connector, number, version.configVersion, version.json, version.kind, version.restoredFrom, version.activatedAt ?? null, at, versionChanges(previous, version.config, connector)],
      db,
    );
    await this.query(
      `DELETE FROM config_versions WHERE workspace_id = $1 AND connector = $2 AND number IN (
         SELECT number FROM config_versions WHERE workspace_id = $1 AND connector = $2 AND number < $3
         ORDER BY activated_at IS NOT NULL, number
         LIMIT GREATEST(0, (SELECT count(*) FROM config_versions WHERE workspace_id = $1 AND connector = $2) - $4))`,
      [workspaceId, connector, number, this.versionLimit],
      db,
    );
  }

  async listVersions(workspaceId: string, connector: ConnectorId): Promise<StoredVersionSummary[] | null> {
    const [exists] = await this.rows('SELECT 1 FROM connections WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector]);
    if (!exists) return null;
    const rows = await this.rows<VersionSummaryRow>(
      `SELECT ${VERSION_SUMMARY_COLUMNS} FROM config_versions WHERE workspace_id = $1 AND connector = $2 ORDER BY number DESC`,
      [workspaceId, connector],
    );
    return rows.map(toVersionSummary);
  }

  async getVersion(workspaceId: string, connector: ConnectorId, number: number): Promise<StoredVersion | null> {
    const [row] = await this.rows<VersionRow>(
      `SELECT ${VERSION_SUMMARY_COLUMNS}, config FROM config_versions WHERE workspace_id = $1 AND connector = $2 AND number = $3`,
      [workspaceId, connector, number],
    );
    return row ? toStoredVersion(row) : null;
  }

  activate(workspaceId: string, connector: ConnectorId, version: number, baseline: string | null = null): Promise<Connection | null> {
    return this.transaction(async (db) => {
      const atMs = this.clock();
      const at = new Date(atMs).toISOString();
      const [row] = await this.rows<ConnectionRow>(
        `UPDATE connections SET active_config = config, activated_version = version, attention_reason = NULL,
           connected_at = $1, updated_at = $1, baseline_schema = $5::text, baseline_at = CASE WHEN $5::text IS NULL THEN NULL ELSE $1 END,
           ${NO_DRIFT}
         WHERE workspace_id = $2 AND connector = $3 AND version = $4
         RETURNING ${CONNECTION_COLUMNS}`,
        [at, workspaceId, connector, version, baseline],
        db,
      );
      if (!row) return null;
      const connection = toConnection(row);
      // The version activated is the newest kept one (its draft), marked; a draft saved before the history existed is kept now.
      const marked = await this.changed(
        `UPDATE config_versions SET activated_at = $1 WHERE workspace_id = $2 AND connector = $3 AND config_version = $4
           AND number = (SELECT max(number) FROM config_versions WHERE workspace_id = $2 AND connector = $3)`,
        [at, workspaceId, connector, version],
        db,
      );
      if (marked === 0) {
        await this.keepVersion(workspaceId, connector, { configVersion: version, json: row.config, config: connection.config, atMs, kind: 'save', restoredFrom: null, activatedAt: at }, db);
      }
      return connection;
    });
  }

  reset(workspaceId: string, connector: ConnectorId, emptyConfig: MappingConfig): Promise<Connection | null> {
    return this.transaction(async (db) => {
      const atMs = this.clock();
      const json = JSON.stringify(emptyConfig);
      const [row] = await this.rows<ConnectionRow>(
        `UPDATE connections SET config = $1, version = version + 1, active_config = NULL, activated_version = NULL,
           attention_reason = NULL, connected_at = NULL, updated_at = $2, baseline_schema = NULL, baseline_at = NULL, ${NO_DRIFT}
         WHERE workspace_id = $3 AND connector = $4
         RETURNING ${CONNECTION_COLUMNS}`,
        [json, new Date(atMs).toISOString(), workspaceId, connector],
        db,
      );
      if (!row) return null;
      await this.keepVersion(workspaceId, connector, { configVersion: row.version, json, config: emptyConfig, atMs, kind: 'reset', restoredFrom: null }, db);
      return toConnection(row);
    });
  }

  async setAttention(workspaceId: string, connector: ConnectorId, reason: string | null): Promise<void> {
    await this.query('UPDATE connections SET attention_reason = $1, updated_at = $2 WHERE workspace_id = $3 AND connector = $4', [reason, now(), workspaceId, connector]);
  }

  async deactivate(workspaceId: string, connector: ConnectorId): Promise<void> {
    await this.query(
      `UPDATE connections SET active_config = NULL, activated_version = NULL, attention_reason = NULL, connected_at = NULL, updated_at = $1,
         baseline_schema = NULL, baseline_at = NULL, ${NO_DRIFT}
       WHERE workspace_id = $2 AND connector = $3`,
      [now(), workspaceId, connector],
    );
  }

  async getActiveConfig(workspaceId: string, connector: ConnectorId): Promise<MappingConfig | null> {
    const [row] = await this.rows<{ active_config: string | null }>('SELECT active_config FROM connections WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector]);
    return row?.active_config ? readConfig(row.active_config) : null;
  }

  async getDrift(workspaceId: string, connector: ConnectorId): Promise<StoredDrift | null> {
    const [row] = await this.rows<DriftRow>(
      `SELECT active_config, connected_at, baseline_schema, baseline_at, drift_changes, drift_pipeline_names, drift_checked_at
       FROM connections WHERE workspace_id = $1 AND connector = $2`,
      [workspaceId, connector],
    );
    if (!row) return null;
    return toStoredDrift(row);
  }

  async recordDrift(workspaceId: string, connector: ConnectorId, connectedAt: string, record: DriftRecord): Promise<boolean> {
    const changed = await this.changed(
      `UPDATE connections SET drift_changes = $1, drift_pipeline_names = $2, drift_count = $3, drift_pending = $4,
         drift_checked_at = $5, drift_claimed_until = NULL
       WHERE workspace_id = $6 AND connector = $7 AND activated_version IS NOT NULL AND connected_at = $8`,
      [record.changes, record.pipelineNames, record.count, record.pending, record.checkedAt, workspaceId, connector, connectedAt],
    );
    return changed > 0;
  }

  async claimDriftCheck(options: { now: number; staleBefore: string; claimUntil: number }): Promise<{ workspaceId: string; connector: ConnectorId } | null> {
    // One statement: the row locked (SKIP LOCKED: another server claiming at the same moment takes the next one).
    const [row] = await this.rows<{ workspaceId: string; connector: ConnectorId }>(
      `UPDATE connections SET drift_claimed_until = $1
       WHERE (workspace_id, connector) = (
         SELECT c.workspace_id, c.connector FROM connections c
         WHERE c.activated_version IS NOT NULL
           AND (c.drift_checked_at IS NULL OR c.drift_checked_at < $2)
           AND (c.drift_claimed_until IS NULL OR c.drift_claimed_until <= $3)
           AND EXISTS (SELECT 1 FROM credentials k WHERE k.workspace_id = c.workspace_id AND k.connector = c.connector)
         ORDER BY c.drift_checked_at NULLS FIRST LIMIT 1
         FOR UPDATE OF c SKIP LOCKED)
       RETURNING workspace_id AS "workspaceId", connector`,
      [options.claimUntil, options.staleBefore, options.now],
    );
    return row ?? null;
  }

  async releaseDriftClaim(workspaceId: string, connector: ConnectorId, until: number | null): Promise<void> {
    await this.query('UPDATE connections SET drift_claimed_until = $1 WHERE workspace_id = $2 AND connector = $3', [until, workspaceId, connector]);
  }

  disconnect(workspaceId: string, connector: ConnectorId): Promise<boolean> {
    return this.transaction(async (db) => {
      const removed =
        (await this.changed('DELETE FROM connections WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db)) +
        (await this.changed('DELETE FROM credentials WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db));
      await this.query('DELETE FROM crm_schema_cache WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db);
      await this.query('DELETE FROM config_versions WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db);
      await this.removeSyncedDeals(workspaceId, connector, db);
      return removed > 0;
    });
  }

  async getCredentials(workspaceId: string, connector: ConnectorId): Promise<StoredCredentials | null> {
    const [row] = await this.rows<CredentialsRow>('SELECT * FROM credentials WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector]);
    return row ? toCredentials(row) : null;
  }

  async listCredentials(workspaceId: string): Promise<StoredCredentials[]> {
    return (await this.rows<CredentialsRow>('SELECT * FROM credentials WHERE workspace_id = $1 ORDER BY connector COLLATE "C"', [workspaceId])).map(toCredentials);
  }

  saveCredentials(credentials: Omit<StoredCredentials, 'updatedAt'>): Promise<void> {
    return this.transaction(async (db) => {
      await this.ensureWorkspace(credentials.workspaceId, db);
      await this.query(
        `INSERT INTO credentials (workspace_id, connector, account_id, account_domain, account_name, base_url, tokens, access_expires_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (workspace_id, connector) DO UPDATE SET account_id = excluded.account_id,
           account_domain = excluded.account_domain, account_name = excluded.account_name,
           base_url = excluded.base_url, tokens = excluded.tokens,
           access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at`,
        [
          credentials.workspaceId,
          credentials.connector,
          credentials.account.id,
          credentials.account.domain,
          credentials.account.name,
          credentials.baseUrl,
          credentials.tokens,
          credentials.accessExpiresAt,
          now(),
        ],
        db,
      );
    });
  }

  async rotateTokens(workspaceId: string, connector: ConnectorId, expectedTokens: string, tokens: string, accessExpiresAt: number): Promise<boolean> {
    // One statement: of two servers refreshing at once, the second matches no row.
    const changed = await this.changed(
      `UPDATE credentials SET tokens = $1, access_expires_at = $2, updated_at = $3
       WHERE workspace_id = $4 AND connector = $5 AND tokens = $6`,
      [tokens, accessExpiresAt, now(), workspaceId, connector, expectedTokens],
    );
    return changed > 0;
  }

  async deleteCredentials(workspaceId: string, connector: ConnectorId): Promise<void> {
    await this.query('DELETE FROM credentials WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector]);
  }

  createOAuthState(state: OAuthState, limits: { keepNewest?: number; purgeExpiredBefore?: number } = {}): Promise<void> {
    const keep = Math.max(1, limits.keepNewest ?? OAUTH_STATES_PER_WORKSPACE);
    return this.transaction(async (db) => {
      await this.query('DELETE FROM oauth_states WHERE expires_at < $1', [limits.purgeExpiredBefore ?? Date.now() - EXPIRED_OAUTH_STATE_RETENTION_MS], db);
      await this.ensureWorkspace(state.workspaceId, db);
      // The workspace's row locked: its states are capped one insert at a time, whichever server makes them.
      await this.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [state.workspaceId], db);
      await this.query('INSERT INTO oauth_states (state, workspace_id, connector, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)', [
        state.state,
        state.workspaceId,
        state.connector,
        state.expiresAt,
      ], db);
      await this.query(
        `DELETE FROM oauth_states WHERE workspace_id = $1 AND state NOT IN (
           SELECT state FROM oauth_states WHERE workspace_id = $1 ORDER BY seq DESC LIMIT $2)`,
        [state.workspaceId, keep],
        db,
      );
    });
  }

  async getOAuthState(state: string): Promise<OAuthState | null> {
    const [row] = await this.rows<OAuthState>(
      'SELECT state, workspace_id AS "workspaceId", connector, expires_at AS "expiresAt", used_at AS "usedAt" FROM oauth_states WHERE state = $1',
      [state],
    );
    return row ?? null;
  }

  async markOAuthStateUsed(state: string, workspaceId: string, nowMs: number): Promise<boolean> {
    // One statement: of two callbacks racing (on any servers), one matches the unused row.
    return (await this.changed('UPDATE oauth_states SET used_at = $1 WHERE state = $2 AND workspace_id = $3 AND used_at IS NULL', [nowMs, state, workspaceId])) > 0;
  }

  async getCachedSchema(workspaceId: string, connector: ConnectorId): Promise<{ schema: string; fetchedAt: string } | null> {
    const [row] = await this.rows<{ schema: string; fetchedAt: string }>(
      'SELECT schema, fetched_at AS "fetchedAt" FROM crm_schema_cache WHERE workspace_id = $1 AND connector = $2',
      [workspaceId, connector],
    );
    return row ?? null;
  }

  setCachedSchema(workspaceId: string, connector: ConnectorId, schema: string, fetchedAt: string = now()): Promise<void> {
    return this.transaction(async (db) => {
      await this.ensureWorkspace(workspaceId, db);
      await this.query(
        `INSERT INTO crm_schema_cache (workspace_id, connector, schema, fetched_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, connector) DO UPDATE SET schema = excluded.schema, fetched_at = excluded.fetched_at`,
        [workspaceId, connector, schema, fetchedAt],
        db,
      );
    });
  }

  async deleteCachedSchema(workspaceId: string, connector: ConnectorId): Promise<void> {
    await this.query('DELETE FROM crm_schema_cache WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector]);
  }

  // ---- synced deals ----

  /**
   * A cursor in a REPEATABLE READ, read-only transaction on a connection of its own: the
   * stream reads one snapshot, `FETCH_BATCH` rows at a time, while the sync writes on.
   */
  async *iterateDeals(workspaceId: string, connector: ConnectorId, options: { updatedSince?: number } = {}): AsyncGenerator<FunnelDeal, void, undefined> {
    await this.ready;
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(
        `DECLARE deals NO SCROLL CURSOR FOR
           SELECT id, pipeline_id, status_id, amount, created_at, updated_at, visited, fields FROM synced_deals
           WHERE workspace_id = $1 AND connector = $2 AND updated_at >= $3 ORDER BY updated_at, id`,
        [workspaceId, connector, options.updatedSince ?? Number.MIN_SAFE_INTEGER],
      );
      for (;;) {
        const { rows } = await client.query<DealRow>(`FETCH ${FETCH_BATCH} FROM deals`);
        for (const row of rows) yield toFunnelDeal(row);
        if (rows.length < FETCH_BATCH) break;
      }
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      // Ended, returned early or failed: the transaction goes and the connection goes back.
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      client.release(broken);
    }
  }

  async countDeals(workspaceId: string, connector: ConnectorId): Promise<number> {
    const [row] = await this.rows<{ count: number }>('SELECT count(*) AS count FROM synced_deals WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector]);
    return row?.count ?? 0;
  }

  private async dealSyncRow(workspaceId: string, connector: ConnectorId): Promise<DealSyncRow | null> {
    const [row] = await this.rows<DealSyncRow>(
      `SELECT state, loaded, total, started_at, finished_at, synced_at, error_code, error_message, currency, run_id, cursor, updated_at
       FROM deal_syncs WHERE workspace_id = $1 AND connector = $2`,
      [workspaceId, connector],
    );
    return row ?? null;
  }

  async getDealSync(workspaceId: string, connector: ConnectorId): Promise<(DealSync & { currency: string }) | null> {
    const row = await this.dealSyncRow(workspaceId, connector);
    return row ? { ...toDealSync(row), currency: row.currency ?? DEFAULT_CURRENCY } : null;
  }

  async getDealSyncRecord(workspaceId: string, connector: ConnectorId): Promise<DealSyncRecord | null> {
    const row = await this.dealSyncRow(workspaceId, connector);
    if (!row) return null;
    return {
      ...toDealSync(row),
      currency: row.currency,
      runId: row.run_id,
      cursor: row.cursor ? (JSON.parse(row.cursor) as DealSyncCursor) : null,
      updatedAt: row.updated_at,
    };
  }

  beginDealSync(
    workspaceId: string,
    connector: ConnectorId,
    run: { runId: string; loaded: number; total: number | null; startedAt: string; cursor: DealSyncCursor },
    options: { unlessLiveSince?: string } = {},
  ): Promise<boolean> {
    return this.transaction(async (db) => {
      await this.ensureWorkspace(workspaceId, db);
      return this.changed(
        `INSERT INTO deal_syncs (workspace_id, connector, state, loaded, total, started_at, finished_at, error_code, error_message, run_id, cursor, updated_at)
         VALUES ($1, $2, 'loading', $3, $4, $5, NULL, NULL, NULL, $6, $7, $8)
         ON CONFLICT (workspace_id, connector) DO UPDATE SET state = 'loading', loaded = excluded.loaded, total = excluded.total,
           started_at = excluded.started_at, finished_at = NULL, error_code = NULL, error_message = NULL,
           run_id = excluded.run_id, cursor = excluded.cursor, updated_at = excluded.updated_at
         WHERE deal_syncs.state <> 'loading' OR $9::text IS NULL OR deal_syncs.updated_at < $9::text`,
        [workspaceId, connector, run.loaded, run.total, run.startedAt, run.runId, JSON.stringify(run.cursor), now(), options.unlessLiveSince ?? null],
        db,
      ).then((count) => count > 0);
    });
  }

  async releaseDealSync(workspaceId: string, connector: ConnectorId, runId: string): Promise<void> {
    await this.query(
      `UPDATE deal_syncs SET updated_at = $1 WHERE workspace_id = $2 AND connector = $3 AND run_id = $4 AND state = 'loading'`,
      [new Date(0).toISOString(), workspaceId, connector, runId],
    );
  }

  /** The run's progress after a page (locking its row until the page's transaction ends); false when `runId` may not write. */
  private async progress(workspaceId: string, connector: ConnectorId, runId: string, progress: DealSyncProgress, db: Db): Promise<boolean> {
    const changed = await this.changed(
      `UPDATE deal_syncs SET loaded = $1, total = $2, cursor = $3, updated_at = $4
       WHERE workspace_id = $5 AND connector = $6 AND run_id = $7 AND state = 'loading'`,
      [progress.loaded, progress.total, JSON.stringify(progress.cursor), now(), workspaceId, connector, runId],
      db,
    );
    return changed > 0;
  }

  /** The stored status changes of these deals, by deal, in their order (`at`, then the id's length and text). */
  private async changesOf(workspaceId: string, connector: ConnectorId, dealIds: string[], db: Db): Promise<Map<string, DealStatusChange[]>> {
    const byDeal = new Map<string, DealStatusChange[]>();
    if (dealIds.length === 0) return byDeal;
    const rows = await this.rows<ChangeRow>(
      `SELECT deal_id, at, before_pipeline_id, before_status_id, after_pipeline_id, after_status_id FROM synced_status_changes
       WHERE workspace_id = $1 AND connector = $2 AND deal_id = ANY($3::text[]) ORDER BY deal_id, at, length(id), id`,
      [workspaceId, connector, dealIds],
      db,
    );
    for (const row of rows) {
      const list = byDeal.get(row.deal_id) ?? [];
      list.push(toStatusChange(row));
      byDeal.set(row.deal_id, list);
    }
    return byDeal;
  }

  saveDealsPage(workspaceId: string, connector: ConnectorId, runId: string, deals: readonly SyncedDeal[], progress: DealSyncProgress): Promise<boolean> {
    return this.transaction(async (db) => {
      if (!(await this.progress(workspaceId, connector, runId, progress, db))) return false;
      const changes = await this.changesOf(workspaceId, connector, deals.map((deal) => deal.id), db);
      for (const deal of deals) {
        await this.query(
          `INSERT INTO synced_deals (workspace_id, connector, id, pipeline_id, status_id, amount, created_at, updated_at, visited, fields)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (workspace_id, connector, id) DO UPDATE SET pipeline_id = excluded.pipeline_id,
             status_id = excluded.status_id, amount = excluded.amount, created_at = excluded.created_at,
             updated_at = excluded.updated_at, visited = excluded.visited, fields = excluded.fields`,
          [
            workspaceId,
            connector,
            deal.id,
            deal.pipelineId,
            deal.statusId,
            deal.amount,
            deal.createdAt,
            deal.updatedAt,
            JSON.stringify(dealVisits(deal, changes.get(deal.id) ?? [])),
            JSON.stringify(deal.fields),
          ],
          db,
        );
      }
      return true;
    });
  }

  saveStatusChangesPage(
    workspaceId: string,
    connector: ConnectorId,
    runId: string,
    changes: readonly SyncedStatusChange[],
    progress: DealSyncProgress,
  ): Promise<boolean> {
    return this.transaction(async (db) => {
      if (!(await this.progress(workspaceId, connector, runId, progress, db))) return false;
      const affected = new Set<string>();
      for (const change of changes) {
        await this.query(
          `INSERT INTO synced_status_changes (workspace_id, connector, id, deal_id, at, before_pipeline_id, before_status_id, after_pipeline_id, after_status_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (workspace_id, connector, id) DO UPDATE SET deal_id = excluded.deal_id, at = excluded.at,
             before_pipeline_id = coalesce(excluded.before_pipeline_id, synced_status_changes.before_pipeline_id),
             before_status_id = coalesce(excluded.before_status_id, synced_status_changes.before_status_id),
             after_pipeline_id = excluded.after_pipeline_id, after_status_id = excluded.after_status_id`,
          [
            workspaceId,
            connector,
            change.id,
            change.dealId,
            change.at,
            change.before?.pipelineId ?? null,
            change.before?.statusId ?? null,
            change.after.pipelineId,
            change.after.statusId,
          ],
          db,
        );
        affected.add(change.dealId);
      }
      const ids = [...affected];
      if (ids.length === 0) return true;
      const positions = await this.rows<{ id: string; pipeline_id: string; status_id: string }>(
        'SELECT id, pipeline_id, status_id FROM synced_deals WHERE workspace_id = $1 AND connector = $2 AND id = ANY($3::text[])',
        [workspaceId, connector, ids],
        db,
      );
      // A change of a deal not stored yet: the deal's own page derives its `visited`.
      const stored = await this.changesOf(workspaceId, connector, positions.map((position) => position.id), db);
      for (const position of positions) {
        const visited = dealVisits({ pipelineId: position.pipeline_id, statusId: position.status_id }, stored.get(position.id) ?? []);
        await this.query('UPDATE synced_deals SET visited = $1 WHERE workspace_id = $2 AND connector = $3 AND id = $4', [
          JSON.stringify(visited),
          workspaceId,
          connector,
          position.id,
        ], db);
      }
      return true;
    });
  }

  async setDealSyncCurrency(workspaceId: string, connector: ConnectorId, runId: string, currency: string): Promise<boolean> {
    return (
      (await this.changed(
        `UPDATE deal_syncs SET currency = $1, updated_at = $2 WHERE workspace_id = $3 AND connector = $4 AND run_id = $5 AND state = 'loading'`,
        [currency, now(), workspaceId, connector, runId],
      )) > 0
    );
  }

  async finishDealSync(workspaceId: string, connector: ConnectorId, runId: string, at: { finishedAt: string; syncedAt: string }): Promise<boolean> {
    return (
      (await this.changed(
        `UPDATE deal_syncs SET state = 'done', finished_at = $1, synced_at = $2, cursor = NULL, error_code = NULL, error_message = NULL, updated_at = $3
         WHERE workspace_id = $4 AND connector = $5 AND run_id = $6 AND state = 'loading'`,
        [at.finishedAt, at.syncedAt, now(), workspaceId, connector, runId],
      )) > 0
    );
  }

  async failDealSync(
    workspaceId: string,
    connector: ConnectorId,
    runId: string,
    failure: { finishedAt: string; error: { code: string; message: string } },
  ): Promise<boolean> {
    return (
      (await this.changed(
        `UPDATE deal_syncs SET state = 'failed', finished_at = $1, error_code = $2, error_message = $3, updated_at = $4
         WHERE workspace_id = $5 AND connector = $6 AND run_id = $7 AND state = 'loading'`,
        [failure.finishedAt, failure.error.code, failure.error.message, now(), workspaceId, connector, runId],
      )) > 0
    );
  }

  deleteSyncedDeals(workspaceId: string, connector: ConnectorId): Promise<void> {
    return this.transaction((db) => this.removeSyncedDeals(workspaceId, connector, db));
  }

  private async removeSyncedDeals(workspaceId: string, connector: ConnectorId, db: Db): Promise<void> {
    await this.query('DELETE FROM synced_deals WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db);
    await this.query('DELETE FROM synced_status_changes WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db);
    await this.query('DELETE FROM deal_syncs WHERE workspace_id = $1 AND connector = $2', [workspaceId, connector], db);
  }

  async listUnfinishedDealSyncs(): Promise<Array<{ workspaceId: string; connector: ConnectorId }>> {
    return this.rows<{ workspaceId: string; connector: ConnectorId }>(
      `SELECT workspace_id AS "workspaceId", connector FROM deal_syncs WHERE state = 'loading' ORDER BY updated_at`,
    );
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}
