import { randomUUID } from 'node:crypto';
import path from 'node:path';

import Database from 'better-sqlite3';

import type { ConnectorId } from '../../app/contracts/connector';
import { storedMappingConfigSchema, type MappingConfig } from '../../app/contracts/mapping-config';
import { ensureDataDir, ensurePrivateFile, restrictIfExists } from '../lib/data-dir';
import { MIGRATIONS } from './migrations';
import type { Connection, OAuthState, Repository, SaveResult, StoredCredentials, Workspace } from './repository';

interface ConnectionRow {
  workspace_id: string;
  connector: ConnectorId;
  config: string;
  version: number;
  activated_version: number | null;
  attention_reason: string | null;
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

const now = () => new Date().toISOString();

/**
 * Stored documents were validated on the way in; parsing again guards against hand-edited
 * files, and upgrades documents of an older schema version (version 1: amoCRM's numeric ids).
 */
const readConfig = (json: string): MappingConfig => storedMappingConfigSchema.parse(JSON.parse(json));

/** `known` skips re-validating a document this process has just validated and written. */
function toConnection(row: ConnectionRow, known?: MappingConfig): Connection {
  return {
    workspaceId: row.workspace_id,
    connector: row.connector,
    config: known ?? readConfig(row.config),
    version: row.version,
    activatedVersion: row.activated_version,
    attentionReason: row.attention_reason,
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
export function openSqliteRepository(dataDir: string): Repository {
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
  return new SqliteRepository(db);
}

class SqliteRepository implements Repository {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insertWorkspace: db.prepare('INSERT INTO workspaces (id, created_at) VALUES (?, ?)'),
      getWorkspace: db.prepare('SELECT id, created_at AS createdAt FROM workspaces WHERE id = ?'),
      listConnections: db.prepare('SELECT workspace_id, connector, config, version, activated_version, attention_reason, created_at, updated_at, connected_at FROM connections WHERE workspace_id = ? ORDER BY connector'),
      getConnection: db.prepare(
        'SELECT workspace_id, connector, config, version, activated_version, attention_reason, created_at, updated_at, connected_at FROM connections WHERE workspace_id = ? AND connector = ?',
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
           connected_at = ?, updated_at = ?
         WHERE workspace_id = ? AND connector = ? AND version = ?`,
      ),
      reset: db.prepare(
        `UPDATE connections SET config = ?, version = version + 1, active_config = NULL, activated_version = NULL,
           attention_reason = NULL, connected_at = NULL, updated_at = ?
         WHERE workspace_id = ? AND connector = ?`,
      ),
      deactivate: db.prepare(
        `UPDATE connections SET active_config = NULL, activated_version = NULL, attention_reason = NULL,
           connected_at = NULL, updated_at = ?
         WHERE workspace_id = ? AND connector = ?`,
      ),
      setAttention: db.prepare(
        'UPDATE connections SET attention_reason = ?, updated_at = ? WHERE workspace_id = ? AND connector = ?',
      ),
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
      getSchema: db.prepare(
        'SELECT schema, fetched_at AS fetchedAt FROM crm_schema_cache WHERE workspace_id = ? AND connector = ?',
      ),
      upsertSchema: db.prepare(
        `INSERT INTO crm_schema_cache (workspace_id, connector, schema, fetched_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (workspace_id, connector) DO UPDATE SET schema = excluded.schema, fetched_at = excluded.fetched_at`,
      ),
      deleteSchema: db.prepare('DELETE FROM crm_schema_cache WHERE workspace_id = ? AND connector = ?'),
    };
  }

  createWorkspace(): Workspace {
    const workspace = { id: randomUUID(), createdAt: now() };
    this.statements.insertWorkspace.run(workspace.id, workspace.createdAt);
    return workspace;
  }

  getWorkspace(id: string): Workspace | null {
    return (this.statements.getWorkspace.get(id) as Workspace | undefined) ?? null;
  }

  listConnections(workspaceId: string): Connection[] {
    return (this.statements.listConnections.all(workspaceId) as ConnectionRow[]).map((row) => toConnection(row));
  }

  getConnection(workspaceId: string, connector: ConnectorId): Connection | null {
    const row = this.statements.getConnection.get(workspaceId, connector) as ConnectionRow | undefined;
    return row ? toConnection(row) : null;
  }

  saveConfig(workspaceId: string, connector: ConnectorId, expectedVersion: number, config: MappingConfig): SaveResult {
    return this.db.transaction((): SaveResult => {
      const json = JSON.stringify(config);
      const at = now();
      const current = this.statements.getVersion.get(workspaceId, connector) as { version: number } | undefined;
      if (!current) {
        if (expectedVersion !== 0) return { ok: false, currentVersion: 0 };
        this.statements.insertConnection.run(workspaceId, connector, json, at, at);
      } else {
        const changed = this.statements.updateConfig.run(json, at, workspaceId, connector, expectedVersion).changes;
        if (changed === 0) return { ok: false, currentVersion: current.version };
      }
      const row = this.statements.getConnection.get(workspaceId, connector) as ConnectionRow;
      return { ok: true, connection: toConnection(row, config) };
    })();
  }

  activate(workspaceId: string, connector: ConnectorId, version: number): Connection | null {
    const at = now();
    const changed = this.statements.activate.run(at, at, workspaceId, connector, version).changes;
    return changed === 0 ? null : this.getConnection(workspaceId, connector);
  }

  reset(workspaceId: string, connector: ConnectorId, emptyConfig: MappingConfig): Connection | null {
    const changed = this.statements.reset.run(JSON.stringify(emptyConfig), now(), workspaceId, connector).changes;
    return changed === 0 ? null : this.getConnection(workspaceId, connector);
  }

  setAttention(workspaceId: string, connector: ConnectorId, reason: string | null): void {
    this.statements.setAttention.run(reason, now(), workspaceId, connector);
  }

  deactivate(workspaceId: string, connector: ConnectorId): void {
    this.statements.deactivate.run(now(), workspaceId, connector);
  }

  disconnect(workspaceId: string, connector: ConnectorId): boolean {
    return this.db.transaction(() => {
      const removed =
        this.statements.deleteConnection.run(workspaceId, connector).changes +
        this.statements.deleteCredentials.run(workspaceId, connector).changes;
      this.statements.deleteSchema.run(workspaceId, connector);
      return removed > 0;
    })();
  }

  getCredentials(workspaceId: string, connector: ConnectorId): StoredCredentials | null {
    const row = this.statements.getCredentials.get(workspaceId, connector) as CredentialsRow | undefined;
    return row ? toCredentials(row) : null;
  }

  listCredentials(workspaceId: string): StoredCredentials[] {
    return (this.statements.listCredentials.all(workspaceId) as CredentialsRow[]).map(toCredentials);
  }

  saveCredentials(credentials: Omit<StoredCredentials, 'updatedAt'>): void {
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
  ): boolean {
    return (
      this.statements.rotateTokens.run(tokens, accessExpiresAt, now(), workspaceId, connector, expectedTokens).changes > 0
    );
  }

  deleteCredentials(workspaceId: string, connector: ConnectorId): void {
    this.statements.deleteCredentials.run(workspaceId, connector);
  }

  createOAuthState(state: OAuthState): void {
    this.statements.purgeStates.run(Date.now() - 24 * 3600 * 1000);
    this.statements.insertState.run(state.state, state.workspaceId, state.connector, state.expiresAt);
  }

  getOAuthState(state: string): OAuthState | null {
    return (this.statements.getState.get(state) as OAuthState | undefined) ?? null;
  }

  markOAuthStateUsed(state: string, workspaceId: string, nowMs: number): boolean {
    return this.statements.useState.run(nowMs, state, workspaceId).changes > 0;
  }

  getCachedSchema(workspaceId: string, connector: ConnectorId): { schema: string; fetchedAt: string } | null {
    return (this.statements.getSchema.get(workspaceId, connector) as { schema: string; fetchedAt: string } | undefined) ?? null;
  }

  setCachedSchema(workspaceId: string, connector: ConnectorId, schema: string, fetchedAt: string = now()): void {
    this.statements.upsertSchema.run(workspaceId, connector, schema, fetchedAt);
  }

  deleteCachedSchema(workspaceId: string, connector: ConnectorId): void {
    this.statements.deleteSchema.run(workspaceId, connector);
  }

  close(): void {
    this.db.close();
  }
}
