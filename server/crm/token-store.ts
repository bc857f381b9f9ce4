import { randomUUID } from 'node:crypto';

import type { ConnectorId, CrmAccount } from '../../app/contracts/connector';
import type { Repository } from '../db/repository';
import type { Logger } from '../lib/logger';
import type { TokenCipher } from '../lib/secrets';

import { CrmError } from './errors';
import type { CrmConnection, CrmGrant, CrmTokens, StoredAccess } from './types';

/** Attention reason recorded on a connected connector whose CRM access died. */
export const ACCESS_REVOKED_REASON = 'crm_access_revoked';

/**
 * Tokens at rest: AES-256-GCM envelopes (`TokenCipher`) bound to their workspace and
 * connector (the associated data), so a row copied elsewhere does not decrypt.
 */
const associatedData = (workspaceId: string, connector: ConnectorId) => `hub-connect:${workspaceId}:${connector}`;

function seal(cipher: TokenCipher, workspaceId: string, connector: ConnectorId, tokens: CrmTokens): string {
  return cipher.encrypt(
    JSON.stringify({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }),
    associatedData(workspaceId, connector),
  );
}

/** Stores a fresh grant (after the OAuth callback), replacing whatever access existed. */
export function saveGrant(repo: Repository, cipher: TokenCipher, workspaceId: string, connector: ConnectorId, grant: CrmGrant): Promise<void> {
  return repo.saveCredentials({
    workspaceId,
    connector,
    account: grant.account,
    baseUrl: grant.baseUrl,
    tokens: seal(cipher, workspaceId, connector, grant.tokens),
    accessExpiresAt: grant.tokens.expiresAt,
  });
}

export interface StoredGrant {
  /** The grant is for another CRM account than the workspace's previous access or draft. */
  accountChanged: boolean;
}

const sameAccount = (a: CrmAccount | null | undefined, b: CrmAccount) =>
  a?.id === b.id && a.domain === b.domain && a.name === b.name;

/**
 * Stores the grant of an OAuth callback and brings the workspace's connector in line with it:
 * - the draft's `account` becomes the grant's (re-checked against a concurrent save);
 * - another account than before (by id) makes the old mapping meaningless — its pipeline and
 *   status ids are the other account's — so the cached schema is dropped and an activated
 *   configuration is deactivated: the connector is a draft again, and activation checks the
 *   mapping against the new account;
 * - the same account clears an access-revoked warning.
 */
export async function storeGrant(
  repo: Repository,
  cipher: TokenCipher,
  workspaceId: string,
  connector: ConnectorId,
  grant: CrmGrant,
  logger?: Logger,
): Promise<StoredGrant> {
  const previous = (await repo.getCredentials(workspaceId, connector))?.account ?? null;
  await saveGrant(repo, cipher, workspaceId, connector, grant);
  let connection = await repo.getConnection(workspaceId, connector);
  const draftAccount = connection?.config.account ?? null;
  const accountChanged =
    (previous !== null && previous.id !== grant.account.id) || (draftAccount !== null && draftAccount.id !== grant.account.id);
  if (accountChanged) await repo.deleteCachedSchema(workspaceId, connector);

  // A save from another tab may land between our read and write: look again and retry.
  for (let attempt = 0; connection && !sameAccount(connection.config.account, grant.account); attempt += 1) {
    if (attempt === 3) {
      logger?.warn('draft account not updated', { workspace: workspaceId, connector });
      break;
    }
    const result = await repo.saveConfig(workspaceId, connector, connection.version, { ...connection.config, account: grant.account });
    connection = result.ok ? result.connection : await repo.getConnection(workspaceId, connector);
  }

  if (connection && accountChanged) {
    if (connection.activatedVersion !== null || connection.attentionReason !== null) await repo.deactivate(workspaceId, connector);
  } else if (connection?.attentionReason === ACCESS_REVOKED_REASON) {
    await repo.setAttention(workspaceId, connector, null);
  }
  return { accountChanged };
}

export function storedConnection(repo: Repository, cipher: TokenCipher, workspaceId: string, connector: ConnectorId): CrmConnection {
  const read = async (): Promise<StoredAccess | null> => {
    const stored = await repo.getCredentials(workspaceId, connector);
    if (!stored) return null;
    let plain: { accessToken: string; refreshToken: string };
    try {
      plain = JSON.parse(cipher.decrypt(stored.tokens, associatedData(workspaceId, connector))) as typeof plain;
    } catch {
      // The key changed or the row was tampered with: the only way forward is a new authorization.
      throw new CrmError('crm_access_revoked', 'The stored CRM access cannot be decrypted');
    }
    return {
      baseUrl: stored.baseUrl,
      account: stored.account,
      tokens: { accessToken: plain.accessToken, refreshToken: plain.refreshToken, expiresAt: stored.accessExpiresAt },
      version: stored.tokens,
    };
  };
  return {
    key: `${workspaceId}/${connector}`,
    read,
    async rotate(expectedVersion, tokens) {
      const sealed = seal(cipher, workspaceId, connector, tokens);
      if (!(await repo.rotateTokens(workspaceId, connector, expectedVersion, sealed, tokens.expiresAt))) return null;
      return read();
    },
    async revoked() {
      await repo.deleteCredentials(workspaceId, connector);
      if ((await repo.getConnection(workspaceId, connector))?.activatedVersion != null) {
        await repo.setAttention(workspaceId, connector, ACCESS_REVOKED_REASON);
      }
    },
  };
}

/** A connection held in memory only (used between the code exchange and storing the grant). */
export function memoryConnection(grant: CrmGrant): CrmConnection {
  let current: StoredAccess = { baseUrl: grant.baseUrl, account: grant.account, tokens: grant.tokens, version: '1' };
  return {
    key: `memory:${randomUUID()}`,
    read: () => Promise.resolve(current),
    rotate(expectedVersion, tokens) {
      if (expectedVersion !== current.version) return Promise.resolve(null);
      current = { ...current, tokens, version: String(Number(current.version) + 1) };
      return Promise.resolve(current);
    },
    revoked: () => Promise.resolve(),
  };
}
