import { Hono, type Context } from 'hono';
import { getSignedCookie } from 'hono/cookie';

import type { ConnectorId } from '../../app/contracts/connector';
import type { OAuthErrorCode } from '../../app/contracts/oauth';
import type { Repository } from '../db/repository';
import { CrmError, OAuthCallbackError } from '../crm/errors';
import { adapterFor, type CrmDeps } from '../crm/registry';
import { storeGrant } from '../crm/token-store';
import type { Logger } from '../lib/logger';
import { SESSION_COOKIE } from '../lib/session';
import type { DealSyncService } from '../sync/deal-sync';

/** Where the browser lands after the CRM's consent window: the wizard's authorization step. */
export const wizardAuthorizePath = (connector: ConnectorId) => `/setup/${connector}/authorize`;

/**
 * `GET /api/oauth/{connector}/callback`: the Redirect URI. Not behind the session
 * middleware (it must never create a workspace): the workspace comes from the one-time
 * `state`, and must be the one of the browser's own session cookie.
 */
export function oauthRoutes(repo: Repository, deps: CrmDeps, logger: Logger, sessionSecret: string, dealSync?: DealSyncService) {
  const app = new Hono();
  const now = deps.now ?? (() => Date.now());

  app.get('/:connector/callback', async (c: Context) => {
    const { connector, adapter } = adapterFor(deps, c.req.param('connector'));
    const back = wizardAuthorizePath(connector);
    // The redirect target is our own page: send no Referer carrying the callback's query on.
    c.header('Referrer-Policy', 'no-referrer');
    const fail = (code: OAuthErrorCode, reason: string, workspace?: string) => {
      logger.warn('oauth callback refused', { connector, code, reason, workspace });
      return c.redirect(`${back}?oauth_error=${code}`, 302);
    };

    const query = new URL(c.req.url).searchParams;
    const state = query.get('state');
    if (!state) return fail('state_invalid', 'no state');
    // Read, check, and only then spend: a browser that is not the one that asked (another
    // session, or none) must not be able to burn the owner's state.
    const record = await repo.getOAuthState(state);
    // Unknown: never issued, tampered, replaced by newer ones (a workspace keeps its newest
    // OAUTH_STATES_PER_WORKSPACE) or deleted an hour after it expired.
    if (!record || record.connector !== connector) return fail('state_invalid', 'unknown state (tampered, superseded by newer ones, or long expired)');
    const sessionWorkspace = await getSignedCookie(c, sessionSecret, SESSION_COOKIE);
    if (sessionWorkspace !== record.workspaceId) return fail('state_invalid', "another session's state");
    const workspaceId = record.workspaceId;
    if (record.usedAt !== null) return fail('state_reused', 'state already used', workspaceId);
    if (record.expiresAt <= now()) return fail('state_expired', 'state expired', workspaceId);
    if (!(await repo.markOAuthStateUsed(state, workspaceId, now()))) return fail('state_reused', 'state used meanwhile', workspaceId);

    const error = query.get('error');
    if (error !== null) {
      return fail(error === 'access_denied' ? 'access_denied' : 'code_missing', `CRM error ${error.slice(0, 40)}`, workspaceId);
    }

    let grant;
    try {
      grant = await adapter.exchangeCode(query, { workspaceId });
    } catch (caught) {
      if (caught instanceof OAuthCallbackError) return fail(caught.code, caught.message, workspaceId);
      if (caught instanceof CrmError) return fail('crm_unavailable', caught.message, workspaceId);
      throw caught;
    }

    const { accountChanged } = await storeGrant(repo, deps.cipher, workspaceId, connector, grant, logger);
    if (accountChanged) logger.info('crm account changed: activation dropped', { connector, workspace: workspaceId });
    logger.info('crm authorized', { connector, workspace: workspaceId, account: grant.account.id });
    // The account's deals start loading in the background (another account's are dropped first).
    await dealSync?.authorized(workspaceId, connector, { accountChanged });
    return c.redirect(`${back}?oauth=success`, 302);
  });

  return app;
}
