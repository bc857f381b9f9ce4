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
  {
    version: 2,
    name: 'crm ids as text, account domain, credentials without an expiry',
    // CRM ids are strings from schema version 2 of the configuration on (Bitrix24 `C1:WON`,
    // RetailCRM codes); the account's address is its domain (an amoCRM row's base URL host);
    // an api_key credential has no access expiry. Cached schemas hold version-1 ids: dropped,
    // the next read fetches them again. Configurations are upgraded on read.
    sql: `
      CREATE TABLE credentials_v2 (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        account_id TEXT NOT NULL,
        account_domain TEXT NOT NULL,
        account_name TEXT NOT NULL,
        base_url TEXT NOT NULL,
        tokens TEXT NOT NULL,
        access_expires_at INTEGER,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector)
      ) WITHOUT ROWID;
      INSERT INTO credentials_v2
        SELECT workspace_id, connector, CAST(account_id AS TEXT),
               rtrim(replace(replace(base_url, 'https://', ''), 'http://', ''), '/'),
               account_name, base_url, tokens, access_expires_at, updated_at
        FROM credentials;
      DROP TABLE credentials;
      ALTER TABLE credentials_v2 RENAME TO credentials;
      DELETE FROM crm_schema_cache;
    `,
  },
  {
    version: 3,
    name: 'synced deals, their status changes and the deal sync per connector',
    // The deal sync (server/sync/) keeps the connected account's deals per workspace and
    // connector, as the funnel engine reads them: `visited` (JSON array of status ids) is
    // derived from the deal's status changes and stored with it; `fields` is the custom-field
    // values as text (JSON object). `deal_syncs` is the progress of the last run, its resume
    // cursor (JSON) and the id of the run allowed to write (a run that lost it stops).
    sql: `
      CREATE TABLE synced_deals (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        id TEXT NOT NULL,
        pipeline_id TEXT NOT NULL,
        status_id TEXT NOT NULL,
        amount REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        visited TEXT NOT NULL,
        fields TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connector, id)
      );
      CREATE INDEX synced_deals_by_update ON synced_deals(workspace_id, connector, updated_at, id);
      CREATE TABLE synced_status_changes (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        connector TEXT NOT NULL,
        id TEXT NOT NULL,
        deal_id TEXT NOT NULL,
        at INTEGER NOT NULL,
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
      ) WITHOUT ROWID;
      CREATE INDEX deal_syncs_by_state ON deal_syncs(state);
    `,
  },
  {
    version: 4,
    name: 'indexes for the sweep of stale OAuth states and empty workspaces',
    // The cap of OAuth states per workspace and the sweep of abandoned workspaces (a
    // workspace's row now comes with its first write; one without configuration, access or
    // state is deleted after a day) look states up by workspace and workspaces by age.
    sql: `
      CREATE INDEX oauth_states_by_workspace ON oauth_states(workspace_id);
      CREATE INDEX workspaces_by_age ON workspaces(created_at);
    `,
  },
  {
    version: 5,
    name: 'CRM drift: the schema a configuration was activated against and the changes since',
    // Activation stores the CRM schema it validated against (baseline_schema, JSON; null for
    // configurations activated before this migration) and when. A drift check compares the
    // CRM's current schema with it and the active configuration and records the changes (JSON
    // array), their counts (all, and those needing a decision), the pipelines' names and when.
    // drift_claimed_until (Unix ms): a periodic check holds the connector until then.
    sql: `
      ALTER TABLE connections ADD COLUMN baseline_schema TEXT;
      ALTER TABLE connections ADD COLUMN baseline_at TEXT;
      ALTER TABLE connections ADD COLUMN drift_changes TEXT;
      ALTER TABLE connections ADD COLUMN drift_pipeline_names TEXT;
      ALTER TABLE connections ADD COLUMN drift_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE connections ADD COLUMN drift_pending INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE connections ADD COLUMN drift_checked_at TEXT;
      ALTER TABLE connections ADD COLUMN drift_claimed_until INTEGER;
      CREATE INDEX connections_by_drift_check ON connections(drift_checked_at) WHERE activated_version IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'the version history of each configuration',
    // Every save of a draft (saves within a minute of the newest kept draft replace it), every
    // activation (marks the version activated; never replaced) and every reset or restore is a
    // row: the configuration (JSON), the draft version it copies, when, and what changed from the
    // version kept before it (JSON array of ConfigChange). Numbers count up per connection and are
    // never reused; at most VERSION_HISTORY_LIMIT rows per connection (oldest drafts pruned first).
    // A disconnect deletes them; a reset keeps them.
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
      ) WITHOUT ROWID;
    `,
  },
];
