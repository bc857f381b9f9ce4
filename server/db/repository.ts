import type { ConnectorId, ConnectorState, CrmAccount } from '../../app/contracts/connector';
import { CRM_CHANGED_REASON } from '../../app/contracts/drift';
import type { DealStatusChange, DealSync, FunnelDeal } from '../../app/contracts/deals';
import type { RateLimitPolicy } from '../crm/http/rate-limiter';
import type { MappingConfig } from '../../app/contracts/mapping-config';

/**
 * The storage the routes depend on: SQLite (`sqlite.ts`, the default: one process) and
 * PostgreSQL (`postgres.ts`, `DATABASE_URL`: several API servers on one database) implement it.
 * Every method is asynchronous; every method that is one transaction (a compare-and-swap, a
 * page of the sync guarded by its run id, an OAuth state with its cap) stays one in both.
 * Every method that touches a connector takes the workspace id: nothing can be read or
 * changed outside one's own workspace.
 *
 * A workspace's row is created by its first write (a configuration, access, an OAuth state, a
 * cached schema, a deal sync): every write that stores something for a workspace creates the
 * row when it is missing, in the same transaction. Reading a workspace that has no row answers
 * as an empty workspace. `sweep` deletes workspaces left without a configuration or access.
 */

export interface Workspace {
  id: string;
  createdAt: string;
}

export interface Connection {
  workspaceId: string;
  connector: ConnectorId;
  /** The working draft the wizard edits. */
  config: MappingConfig;
  version: number;
  /** The version the analytics reads (a copy of the draft taken at activation); null until activation and after reset. */
  activatedVersion: number | null;
  attentionReason: string | null;
  /**
   * The CRM drift last recorded for the active configuration (see `server/crm/drift.ts`): how
   * many changes, how many need a decision, when checked; null when none (or never checked).
   */
  drift: { changes: number; pending: number; checkedAt: string } | null;
  createdAt: string;
  updatedAt: string;
  connectedAt: string | null;
}

/** What a drift check compares and what it last recorded, for one connector. */
export interface StoredDrift {
  /** The configuration the analytics reads; null when none is active. */
  activeConfig: MappingConfig | null;
  /** The activation the record belongs to (`recordDrift` writes only while it is still the current one). */
  connectedAt: string | null;
  /** The CRM schema (JSON) the configuration was activated against; null when none was kept. */
  baseline: string | null;
  baselineAt: string | null;
  /** The changes recorded (JSON array of `SchemaChange`) and the pipelines' names (JSON object); null before the first check. */
  changes: string | null;
  pipelineNames: string | null;
  checkedAt: string | null;
}

/** A drift check's result, written only while the activation it compared is still the current one. */
export interface DriftRecord {
  /** JSON array of `SchemaChange`. */
  changes: string;
  /** JSON object: pipeline id → name. */
  pipelineNames: string;
  count: number;
  pending: number;
  checkedAt: string;
}

export interface StoredCredentials {
  workspaceId: string;
  connector: ConnectorId;
  account: CrmAccount;
  /** Where the CRM's API is reached for this account, e.g. `https://demo.amocrm.ru`. */
  baseUrl: string;
  /** Encrypted token envelope (see `TokenCipher`); opaque to the repository. */
  tokens: string;
  /** Unix ms when the access token expires. */
  accessExpiresAt: number;
  updatedAt: string;
}

export interface OAuthState {
  state: string;
  workspaceId: string;
  connector: ConnectorId;
  expiresAt: number;
  usedAt: number | null;
}

/** How many live OAuth states a workspace keeps: the newest ones; older ones are deleted when a new one is made. */
export const OAUTH_STATES_PER_WORKSPACE = 10;
/** An expired OAuth state is kept this long (the callback can still say "expired"), then deleted. */
export const EXPIRED_OAUTH_STATE_RETENTION_MS = 60 * 60 * 1000;
/**
 * A workspace without a configuration, access or OAuth state is deleted once this old, with
 * whatever it still holds (derived from an access it no longer has: a cached schema, synced deals).
 */
export const EMPTY_WORKSPACE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface SweepOptions {
  /** Unix ms. */
  now: number;
  /** Default `EXPIRED_OAUTH_STATE_RETENTION_MS`. */
  expiredStateRetentionMs?: number;
  /** Default `EMPTY_WORKSPACE_MAX_AGE_MS`. */
  emptyWorkspaceMaxAgeMs?: number;
  /** At most this many workspaces per sweep (the next sweep goes on). Default 1000. */
  maxWorkspaces?: number;
}

export type SaveResult = { ok: true; connection: Connection } | { ok: false; currentVersion: number };

// ---- the version history of a configuration ----------------------------------------------------

/**
 * How many versions of one connector's configuration are kept; beyond it the oldest drafts go
 * first, then (when only activations are left) the oldest activations. The newest is never pruned.
 */
export const VERSION_HISTORY_LIMIT = 200;
/** A save within this long of the start of the newest kept draft replaces it (one version per minute of editing). */
export const VERSION_COALESCE_MS = 60_000;

/** How a kept version came about: a save of the draft, a reset (the empty configuration) or a restore of an older version. */
export type VersionKind = 'save' | 'reset' | 'restore';

/** One kept version of a connector's configuration (`config_versions`). */
export interface StoredVersion {
  /** 1, 2, 3…: the order kept, never reused (a coalesced draft keeps its number). */
  number: number;
  /** The draft's version (`Connection.version`) this is a copy of. */
  configVersion: number;
  config: MappingConfig;
  kind: VersionKind;
  /** The version a restore copied; null otherwise. */
  restoredFrom: number | null;
  /** When this version was activated (the last time); null: never. */
  activatedAt: string | null;
  /** When the first save of this version was kept (a coalesced draft keeps it). */
  startedAt: string;
  /** When it was last written. */
  savedAt: string;
  /** JSON array of `ConfigChange`: what changed from the version kept before it, when it was written. */
  changes: string;
}

/** A listed version: its config is not read (up to 200 of them). */
export type StoredVersionSummary = Omit<StoredVersion, 'config'>;

/** What a save records in the history besides the configuration. */
export interface SaveOrigin {
  kind: 'restore';
  /** The version restored. */
  from: number;
}

/** Options both repositories take (tests inject the clock and a smaller bound). */
export interface RepositoryOptions {
  /** Unix ms now: the times of saves, activations and resets. Default `Date.now`. */
  clock?: () => number;
  /** Default `VERSION_HISTORY_LIMIT`. */
  versionLimit?: number;
}

// ---- the deal sync's storage (server/sync/) ----------------------------------------------------

/** A deal as the sync writes it; the repository derives `visited` from the deal's stored status changes. */
export type SyncedDeal = Omit<FunnelDeal, 'visited'>;

/** A status change as the sync writes it: the CRM's id and its deal's. */
export interface SyncedStatusChange extends DealStatusChange {
  id: string;
  dealId: string;
}

/** Where a run stands, so that a stopped one continues from the page it stopped at. */
export interface DealSyncCursor {
  /** full: every deal, then every status change; incremental: those changed since `since`. */
  mode: 'full' | 'incremental';
  phase: 'deals' | 'events';
  /** The CRM page to read next in this phase (1 = the first). */
  page: number;
  /** Unix seconds: `updatedFrom` of the deals and `createdFrom` of the status changes; null on a full run. */
  since: number | null;
}

/** The sync's own view of its row: the progress, the account currency, the cursor and the run that may write. */
export interface DealSyncRecord extends DealSync {
  /** ISO 4217, as the CRM said; null when it did not. */
  currency: string | null;
  /** The run allowed to write (a run that is not it any more stops). */
  runId: string | null;
  cursor: DealSyncCursor | null;
  /** When the row was last written (ISO): a `loading` run renews it with every page. */
  updatedAt: string;
}

/** What a run writes with each page, in the page's transaction. */
export interface DealSyncProgress {
  loaded: number;
  total: number | null;
  /** Where to go on after this page. */
  cursor: DealSyncCursor;
}

/** The currency of amounts when the CRM does not say. */
export const DEFAULT_CURRENCY = 'RUB';

export interface Repository {
  /** A new workspace with its row (tests; the session middleware only hands out ids, see above). */
  createWorkspace(): Promise<Workspace>;
  /** The workspace's row; null when it has none (never written, or swept). */
  getWorkspace(id: string): Promise<Workspace | null>;
  /**
   * Deletes OAuth states expired more than `expiredStateRetentionMs` ago, then workspaces older
   * than `emptyWorkspaceMaxAgeMs` without a configuration, access or OAuth state (and with
   * them their cached schemas and synced deals). Returns how many states and workspaces.
   */
  sweep(options: SweepOptions): Promise<{ states: number; workspaces: number }>;

  listConnections(workspaceId: string): Promise<Connection[]>;
  getConnection(workspaceId: string, connector: ConnectorId): Promise<Connection | null>;
  /** Optimistic concurrency: succeeds only when the stored version equals `expectedVersion` (0 = none yet). */
  saveConfig(workspaceId: string, connector: ConnectorId, expectedVersion: number, config: MappingConfig, origin?: SaveOrigin): Promise<SaveResult>;
  /**
   * The kept versions of the connector's configuration, newest first (see `VERSION_HISTORY_LIMIT`
   * and `VERSION_COALESCE_MS`); every save, activation and reset writes them in its own
   * transaction. Null when the workspace has no configuration for the connector.
   */
  listVersions(workspaceId: string, connector: ConnectorId): Promise<StoredVersionSummary[] | null>;
  /** One kept version with its configuration; null when the workspace has no such version. */
  getVersion(workspaceId: string, connector: ConnectorId, number: number): Promise<StoredVersion | null>;
  /**
   * Records the current draft as the active configuration, with `baseline` (the CRM schema as
   * JSON the activation validated against, stored with the activation's time; null: none) and
   * no drift recorded.
   */
  activate(workspaceId: string, connector: ConnectorId, version: number, baseline?: string | null): Promise<Connection | null>;
  /**
   * Replaces the draft with `emptyConfig` and drops the active configuration (its baseline and
   * drift too); access stays. The version history stays, with the reset as its newest version.
   */
  reset(workspaceId: string, connector: ConnectorId, emptyConfig: MappingConfig): Promise<Connection | null>;
  setAttention(workspaceId: string, connector: ConnectorId, reason: string | null): Promise<void>;
  /** Drops the active configuration, its baseline and drift (the draft stays): the connector is a draft again, without attention. */
  deactivate(workspaceId: string, connector: ConnectorId): Promise<void>;
  /** The configuration the analytics reads (a copy of the draft taken at activation); null when none is active. */
  getActiveConfig(workspaceId: string, connector: ConnectorId): Promise<MappingConfig | null>;
  /** The active configuration, its baseline and the drift last recorded; null when there is no configuration. */
  getDrift(workspaceId: string, connector: ConnectorId): Promise<StoredDrift | null>;
  /**
   * Stores a drift check's result and releases the check's claim, only while the configuration
   * activated at `connectedAt` is still the active one. Returns whether it was stored.
   */
  recordDrift(workspaceId: string, connector: ConnectorId, connectedAt: string, record: DriftRecord): Promise<boolean>;
  /**
   * Claims the connected connector (active configuration and stored access, in any workspace)
   * checked longest ago, if it was last checked before `staleBefore` (ISO) or never, and no other
   * check holds it (`drift_claimed_until` passed): held until `claimUntil` (Unix ms). Atomic
   * across servers. Null when there is none to check.
   */
  claimDriftCheck(options: { now: number; staleBefore: string; claimUntil: number }): Promise<{ workspaceId: string; connector: ConnectorId } | null>;
  /** Holds a claimed connector until `until` (Unix ms; e.g. after a failed check, so it is not retried at once), or releases it (null). */
  releaseDriftClaim(workspaceId: string, connector: ConnectorId, until: number | null): Promise<void>;
  /** Deletes everything the workspace holds for the connector: configuration, its version history, access, caches, synced deals and the sync. */
  disconnect(workspaceId: string, connector: ConnectorId): Promise<boolean>;

  getCredentials(workspaceId: string, connector: ConnectorId): Promise<StoredCredentials | null>;
  listCredentials(workspaceId: string): Promise<StoredCredentials[]>;
  saveCredentials(credentials: Omit<StoredCredentials, 'updatedAt'>): Promise<void>;
  /**
   * Replaces the token envelope only if it is still `expectedTokens` (a refresh rotated
   * by someone else loses). Returns whether it was replaced.
   */
  rotateTokens(
    workspaceId: string,
    connector: ConnectorId,
    expectedTokens: string,
    tokens: string,
    accessExpiresAt: number,
  ): Promise<boolean>;
  deleteCredentials(workspaceId: string, connector: ConnectorId): Promise<void>;

  /**
   * Stores a new state and, in the same transaction, deletes the workspace's states beyond
   * the `keepNewest` most recently created (default `OAUTH_STATES_PER_WORKSPACE`, the new one included)
   * and every state expired before `purgeExpiredBefore` (Unix ms; default an hour ago).
   */
  createOAuthState(state: OAuthState, limits?: { keepNewest?: number; purgeExpiredBefore?: number }): Promise<void>;
  /** The state as stored (used or not); null when unknown. Reading never spends it. */
  getOAuthState(state: string): Promise<OAuthState | null>;
  /**
   * Spends the state: atomically marks it used, but only if it belongs to `workspaceId` and
   * is still unused. Returns whether this call spent it (false: another workspace's, or used).
   */
  markOAuthStateUsed(state: string, workspaceId: string, now: number): Promise<boolean>;

  getCachedSchema(workspaceId: string, connector: ConnectorId): Promise<{ schema: string; fetchedAt: string } | null>;
  /** Stores the schema; `fetchedAt` (ISO, default now) is when the CRM was read. */
  setCachedSchema(workspaceId: string, connector: ConnectorId, schema: string, fetchedAt?: string): Promise<void>;
  deleteCachedSchema(workspaceId: string, connector: ConnectorId): Promise<void>;

  // ---- synced deals: the funnel's reads ----

  /**
   * Every synced deal of the workspace's connector, ordered by `updatedAt` then `id` (as text),
   * streamed (constant memory) from a read snapshot: the sync may write meanwhile without
   * blocking or being blocked. `updatedSince` (Unix seconds) keeps deals with
   * `updatedAt >= updatedSince`. Finish or `return()` the iterator (a `for await … of` does):
   * it holds a connection (PostgreSQL) or a statement (SQLite) until then.
   */
  iterateDeals(workspaceId: string, connector: ConnectorId, options?: { updatedSince?: number }): AsyncIterableIterator<FunnelDeal>;
  countDeals(workspaceId: string, connector: ConnectorId): Promise<number>;
  /** The sync's progress and the account's currency (`DEFAULT_CURRENCY` when the CRM did not say); null before the first run. */
  getDealSync(workspaceId: string, connector: ConnectorId): Promise<(DealSync & { currency: string }) | null>;

  // ---- synced deals: the sync's writes ----

  getDealSyncRecord(workspaceId: string, connector: ConnectorId): Promise<DealSyncRecord | null>;
  /**
   * Starts (or resumes) a run: state `loading`, no error, the given progress and cursor, and
   * `runId` the only run allowed to write from now on. `syncedAt` and the currency are kept.
   * With `unlessLiveSince` (ISO), a run still `loading` that wrote at or after that time is left
   * alone (it runs on another server): nothing is written and the answer is false.
   */
  beginDealSync(
    workspaceId: string,
    connector: ConnectorId,
    run: { runId: string; loaded: number; total: number | null; startedAt: string; cursor: DealSyncCursor },
    options?: { unlessLiveSince?: string },
  ): Promise<boolean>;
  /**
   * One page of deals and the progress after it, in one transaction; each deal's `visited` is
   * derived from its stored status changes. False (and nothing written) when `runId` is no
   * longer the run that may write (a disconnect, another account, a newer run).
   */
  saveDealsPage(workspaceId: string, connector: ConnectorId, runId: string, deals: readonly SyncedDeal[], progress: DealSyncProgress): Promise<boolean>;
  /** One page of status changes (upserted by id) and the progress; the affected stored deals get their `visited` again. */
  saveStatusChangesPage(
    workspaceId: string,
    connector: ConnectorId,
    runId: string,
    changes: readonly SyncedStatusChange[],
    progress: DealSyncProgress,
  ): Promise<boolean>;
  setDealSyncCurrency(workspaceId: string, connector: ConnectorId, runId: string, currency: string): Promise<boolean>;
  /** The run is done: `syncedAt` (its start) says when the synced deals were last complete; the cursor is cleared. */
  finishDealSync(workspaceId: string, connector: ConnectorId, runId: string, at: { finishedAt: string; syncedAt: string }): Promise<boolean>;
  /** The run stopped on `error`; its cursor stays, so the next run continues from there. */
  failDealSync(
    workspaceId: string,
    connector: ConnectorId,
    runId: string,
    failure: { finishedAt: string; error: { code: string; message: string } },
  ): Promise<boolean>;
  /** The run's server stops it (a graceful shutdown): it stays `loading`, free for any server to resume at once. */
  releaseDealSync(workspaceId: string, connector: ConnectorId, runId: string): Promise<void>;
  /** Deletes the synced deals, their status changes and the sync's row. */
  deleteSyncedDeals(workspaceId: string, connector: ConnectorId): Promise<void>;
  /** Every workspace and connector whose sync is `loading` (runs a stopped process left): for the server start. */
  listUnfinishedDealSyncs(): Promise<Array<{ workspaceId: string; connector: ConnectorId }>>;

  /**
   * The CRM rate limit every server on this database shares (see `SharedRateStore`): spends a
   * request's slot for the account `key` if `policy` allows one now (0), else the ms to wait.
   * PostgreSQL only; SQLite serves one server, whose own limiter is enough.
   */
  takeCrmRateSlot?(key: string, policy: RateLimitPolicy): Promise<number>;

  /** Resolves when the database answers (the readiness check); rejects when it does not. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/**
 * Why a connector needs attention: its stored reason (access revoked), else `crm_changed` when
 * the CRM changed under its active configuration; null when nothing does.
 */
export function attentionReasonOf(connection: Connection | null): string | null {
  if (connection?.attentionReason) return connection.attentionReason;
  if (connection?.activatedVersion != null && connection.drift) return CRM_CHANGED_REASON;
  return null;
}

export function connectionState(connection: Connection | null, hasAccess: boolean): ConnectorState {
  if (attentionReasonOf(connection)) return 'attention';
  if (connection?.activatedVersion != null) return 'connected';
  if (connection || hasAccess) return 'draft';
  return 'available';
}
