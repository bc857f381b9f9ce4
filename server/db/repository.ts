import type { ConnectorId, ConnectorState, CrmAccount } from '../../app/contracts/connector';
import type { MappingConfig } from '../../app/contracts/mapping-config';

/**
 * The storage the routes depend on. SQLite implements it today (`sqlite.ts`); another
 * database only needs another implementation. Every method that touches a connector takes
 * the workspace id: nothing can be read or changed outside one's own workspace.
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
  createdAt: string;
  updatedAt: string;
  connectedAt: string | null;
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

export type SaveResult = { ok: true; connection: Connection } | { ok: false; currentVersion: number };

export interface Repository {
  createWorkspace(): Workspace;
  getWorkspace(id: string): Workspace | null;

  listConnections(workspaceId: string): Connection[];
  getConnection(workspaceId: string, connector: ConnectorId): Connection | null;
  /** Optimistic concurrency: succeeds only when the stored version equals `expectedVersion` (0 = none yet). */
  saveConfig(workspaceId: string, connector: ConnectorId, expectedVersion: number, config: MappingConfig): SaveResult;
  /** Records the current draft as the active configuration. */
  activate(workspaceId: string, connector: ConnectorId, version: number): Connection | null;
  /** Replaces the draft with `emptyConfig` and drops the active configuration; access stays. */
  reset(workspaceId: string, connector: ConnectorId, emptyConfig: MappingConfig): Connection | null;
  setAttention(workspaceId: string, connector: ConnectorId, reason: string | null): void;
  /** Drops the active configuration (the draft stays): the connector is a draft again, without attention. */
  deactivate(workspaceId: string, connector: ConnectorId): void;
  /** Deletes everything the workspace holds for the connector: configuration, access, caches. */
  disconnect(workspaceId: string, connector: ConnectorId): boolean;

  getCredentials(workspaceId: string, connector: ConnectorId): StoredCredentials | null;
  listCredentials(workspaceId: string): StoredCredentials[];
  saveCredentials(credentials: Omit<StoredCredentials, 'updatedAt'>): void;
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
  ): boolean;
  deleteCredentials(workspaceId: string, connector: ConnectorId): void;

  createOAuthState(state: OAuthState): void;
  /** The state as stored (used or not); null when unknown. Reading never spends it. */
  getOAuthState(state: string): OAuthState | null;
  /**
   * Spends the state: atomically marks it used, but only if it belongs to `workspaceId` and
   * is still unused. Returns whether this call spent it (false: another workspace's, or used).
   */
  markOAuthStateUsed(state: string, workspaceId: string, now: number): boolean;

  getCachedSchema(workspaceId: string, connector: ConnectorId): { schema: string; fetchedAt: string } | null;
  /** Stores the schema; `fetchedAt` (ISO, default now) is when the CRM was read. */
  setCachedSchema(workspaceId: string, connector: ConnectorId, schema: string, fetchedAt?: string): void;
  deleteCachedSchema(workspaceId: string, connector: ConnectorId): void;

  close(): void;
}

export function connectionState(connection: Connection | null, hasAccess: boolean): ConnectorState {
  if (connection?.attentionReason) return 'attention';
  if (connection?.activatedVersion != null) return 'connected';
  if (connection || hasAccess) return 'draft';
  return 'available';
}
