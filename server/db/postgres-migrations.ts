/**
 * PostgreSQL's schema migrations: the same tables and meaning as SQLite's (`migrations.ts`),
 * in PostgreSQL's types. Applied in order at start, each in its own transaction, under an
 * advisory lock so that several servers starting together migrate once. Never edit a released
 * migration: add the next one.
 *
 * Times the API shows are ISO text (as in SQLite, compared as text); Unix times are BIGINT;
 * CRM ids are text in the "C" collation, so they sort byte-wise as in SQLite.
 */
export const POSTGRES_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial: the schema of SQLite migrations 1 to 4',
    sql: `
      CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      );
      CREATE INDEX workspaces_by_age ON workspaces(created_at);
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
      );
      CREATE TABLE credentials (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        account_id TEXT NOT NULL,
        account_domain TEXT NOT NULL,
        account_name TEXT NOT NULL,
        base_url TEXT NOT NULL,
        tokens TEXT NOT NULL,
        access_expires_at BIGINT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector)
      );
      -- seq: the order of creation (SQLite's rowid), for "the newest N states of a workspace".
      CREATE TABLE oauth_states (
        state TEXT PRIMARY KEY,
        seq BIGSERIAL NOT NULL,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
      );
      CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);
      CREATE INDEX oauth_states_by_workspace ON oauth_states(workspace_id, seq);
      CREATE TABLE crm_schema_cache (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        schema TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector)
      );
      CREATE TABLE synced_deals (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        id TEXT COLLATE "C" NOT NULL,
        pipeline_id TEXT NOT NULL,
        status_id TEXT NOT NULL,
        amount DOUBLE PRECISION,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        visited TEXT NOT NULL,
        fields TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector, id)
      );
      CREATE INDEX synced_deals_by_update ON synced_deals(workspace_id, connector, updated_at, id);
      CREATE TABLE synced_status_changes (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        id TEXT COLLATE "C" NOT NULL,
        deal_id TEXT COLLATE "C" NOT NULL,
        at BIGINT NOT NULL,
        before_pipeline_id TEXT,
        before_status_id TEXT,
        after_pipeline_id TEXT NOT NULL,
        after_status_id TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector, id)
      );
      CREATE INDEX synced_status_changes_by_deal ON synced_status_changes(workspace_id, connector, deal_id, at);
      CREATE TABLE deal_syncs (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        state TEXT NOT NULL,
        loaded INTEGER NOT NULL DEFAULT 0,
        total INTEGER,
        started_at TEXT,
        finished_at TEXT,
        synced_at TEXT,
        error_code TEXT,
        error_message TEXT,
        currency TEXT,
        run_id TEXT,
        cursor TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector)
      );
      CREATE INDEX deal_syncs_by_state ON deal_syncs(state);
    `,
  },
  {
    version: 2,
    name: 'CRM drift: the schema a configuration was activated against and the changes since (SQLite migration 5)',
    sql: `
      ALTER TABLE connections ADD COLUMN baseline_schema TEXT;
      ALTER TABLE connections ADD COLUMN baseline_at TEXT;
      ALTER TABLE connections ADD COLUMN drift_changes TEXT;
      ALTER TABLE connections ADD COLUMN drift_pipeline_names TEXT;
      ALTER TABLE connections ADD COLUMN drift_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE connections ADD COLUMN drift_pending INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE connections ADD COLUMN drift_checked_at TEXT;
      ALTER TABLE connections ADD COLUMN drift_claimed_until BIGINT;
      CREATE INDEX connections_by_drift_check ON connections(drift_checked_at) WHERE activated_version IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'the CRM rate limit every server shares',
    sql: `
      -- One row per CRM account (its scope and host): the send times of its last second, or the
      -- time its leaky bucket would be empty, in the database's clock (Unix ms).
      CREATE TABLE crm_rate_limits (
        key TEXT PRIMARY KEY,
        state DOUBLE PRECISION[] NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX crm_rate_limits_by_update ON crm_rate_limits(updated_at);
    `,
  },
  {
    version: 4,
    name: 'the version history of each configuration (SQLite migration 6)',
    sql: `
      CREATE TABLE config_versions (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        number INTEGER NOT NULL,
        config_version INTEGER NOT NULL,
        config TEXT NOT NULL,
        kind TEXT NOT NULL,
        restored_from INTEGER,
        activated_at TEXT,
        started_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        changes TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector, number)
      );
    `,
  },
];
