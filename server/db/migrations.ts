/**
 * Versioned schema migrations, applied in order at start inside one transaction each.
 * Never edit a released migration: add the next one.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      );
      CREATE TABLE connections (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        config TEXT NOT NULL,
        version INTEGER NOT NULL,
        active_config TEXT,
        activated_version INTEGER,
        attention_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        connected_at TEXT,
        PRIMARY KEY (workspace_id, connector)
      ) WITHOUT ROWID;
      CREATE TABLE credentials (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        account_id INTEGER NOT NULL,
        account_subdomain TEXT NOT NULL,
        account_name TEXT NOT NULL,
        base_url TEXT NOT NULL,
        tokens TEXT NOT NULL,
        access_expires_at INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector)
      ) WITHOUT ROWID;
      CREATE TABLE oauth_states (
        state TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);
      CREATE TABLE crm_schema_cache (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        schema TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector)
      ) WITHOUT ROWID;
    `,
  },
];
