import { randomBytes } from 'node:crypto';

import { Hono, type Context } from 'hono';

import type { ConnectorId } from '../../app/contracts/connector';
import { apiKeyAuthorizeRequestSchema, authorizeRequestSchema, type AuthorizeResponse } from '../../app/contracts/oauth';
import { EXPIRED_OAUTH_STATE_RETENTION_MS, type Repository } from '../db/repository';
import { allCrmCalls, ApiKeyError, CrmAddressError, CrmError, crmCall, crmProblem } from '../crm/errors';
import { adapterFor, type CrmDeps } from '../crm/registry';
import { toSampleDeal } from '../crm/schema';
import type { DriftService } from '../crm/drift';
import type { SchemaProvider } from '../crm/schema-cache';
import { storedConnection, storeGrant } from '../crm/token-store';
import type { CrmAdapter, CrmConnection } from '../crm/types';
import { ProblemError } from '../lib/problem';
import type { Logger } from '../lib/logger';
import { readJsonBody, validateBody } from '../lib/request';
import type { SessionVariables } from '../lib/session';
import type { DealSyncService } from '../sync/deal-sync';

/** A one-time OAuth `state` is valid for 10 minutes. */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
const SAMPLE_DEALS = 5;

type Ctx = Context<{ Variables: SessionVariables }>;

async function requireAccess(connection: CrmConnection) {
  const access = await connection.read();
  if (!access) throw new CrmError('crm_not_connected', 'No CRM access stored');
  return access;
}

/**
 * The adapter's consent page. A CRM that needs the account's address gets the typed one (or,
 * when none was typed, the only one it accepts); a missing or refused address is 422 on
 * `/address`, in the CRM's own words.
 */
function consentUrl(adapter: CrmAdapter, state: string, typed: string | undefined): string {
  const address = typed || adapter.accountAddress?.value || undefined;
  try {
    if (adapter.accountAddress && !address) throw new CrmAddressError('address_required', 'Enter the address of your account first.');
    return adapter.authorizeUrl(state, address);
  } catch (error) {
    if (!(error instanceof CrmAddressError)) throw error;
    throw new ProblemError(422, {
      code: error.code,
      detail: error.message,
      errors: [{ pointer: '/address', code: error.code, message: error.message }],
    });
  }
}

/** An `ApiKeyError` as 422 on its field (`/accountUrl` or `/apiKey`), with the scopes a key lacks. */
function apiKeyProblem(error: ApiKeyError): ProblemError {
  return new ProblemError(422, {
    code: error.code,
    detail: error.message,
    errors: [{ pointer: `/${error.field}`, code: error.code, message: error.message }],
    ...(error.missingScopes.length > 0 ? { missingScopes: [...error.missingScopes] } : {}),
  });
}

/** `/api/connectors/{connector}/authorize|api-key|schema|sample-deals`, behind the session middleware. */
export function crmRoutes(repo: Repository, deps: CrmDeps, logger: Logger, schemas: SchemaProvider, dealSync?: DealSyncService, drift?: DriftService) {
  const app = new Hono<{ Variables: SessionVariables }>();
  const now = deps.now ?? (() => Date.now());
  const connectionOf = (c: Ctx, connector: ConnectorId) =>
    storedConnection(repo, deps.cipher, c.get('workspace').id, connector);

  app.post('/:connector/authorize', async (c) => {
    const { connector, adapter } = adapterFor(deps, c.req.param('connector'));
    const { force, address } = validateBody(authorizeRequestSchema, await readJsonBody(c, { optional: true }), 'The request is not valid; see errors.');
    const workspaceId = c.get('workspace').id;
    if (!force) {
      const connection = connectionOf(c, connector);
      try {
        if (await connection.read()) {
          // Valid access means the CRM still answers with it (refreshing if need be).
          const account = await adapter.getAccount(connection);
          return c.json({ status: 'authorized', account } satisfies AuthorizeResponse);
        }
      } catch (error) {
        if (!(error instanceof CrmError)) throw error;
        if (error.code !== 'crm_access_revoked' && error.code !== 'crm_not_connected') {
          logger.warn('crm call failed', { workspace: workspaceId, code: error.code, reason: error.message });
          throw crmProblem(error);
        }
      }
    }
    // An API-key CRM has no consent page: the user types the address and the key (`POST …/api-key`).
    if (adapter.apiKey) return c.json({ status: 'key_required' } satisfies AuthorizeResponse);
    const state = randomBytes(32).toString('base64url');
    // The consent page first: an address the adapter refuses must not leave a state behind.
    const authorizeUrl = consentUrl(adapter, state, address);
    // The workspace keeps its newest OAUTH_STATES_PER_WORKSPACE states (several tabs work,
    // the newest in each); older and long-expired ones are deleted with this one's insert.
    await repo.createOAuthState(
      { state, workspaceId, connector, expiresAt: now() + OAUTH_STATE_TTL_MS, usedAt: null },
      { purgeExpiredBefore: now() - EXPIRED_OAUTH_STATE_RETENTION_MS },
    );
    return c.json({ status: 'redirect', authorizeUrl } satisfies AuthorizeResponse);
  });

  /**
   * API-key authorization: the address and the key are checked with the CRM before anything is
   * stored; the key is stored encrypted like OAuth tokens and never returned or logged.
   */
  app.post('/:connector/api-key', async (c) => {
    const { connector, adapter } = adapterFor(deps, c.req.param('connector'));
    if (!adapter.apiKey) {
      throw new ProblemError(400, { code: 'connector_not_api_key', detail: 'This CRM is authorized through its consent page: use POST …/authorize.' });
    }
    const input = validateBody(apiKeyAuthorizeRequestSchema, await readJsonBody(c), 'Enter the account address and the API key; see errors.');
    const workspaceId = c.get('workspace').id;
    let grant;
    try {
      grant = await adapter.apiKey.connect(input, { workspaceId });
    } catch (error) {
      if (error instanceof ApiKeyError) {
        logger.info('api key refused', { connector, workspace: workspaceId, code: error.code });
        throw apiKeyProblem(error);
      }
      if (error instanceof CrmError) {
        logger.warn('crm call failed', { workspace: workspaceId, code: error.code, reason: error.message });
        throw crmProblem(error);
      }
      throw error;
    }
    const { accountChanged } = await storeGrant(repo, deps.cipher, workspaceId, connector, grant, logger);
    if (accountChanged) logger.info('crm account changed: activation dropped', { connector, workspace: workspaceId });
    logger.info('crm authorized', { connector, workspace: workspaceId, account: grant.account.id });
    await dealSync?.authorized(workspaceId, connector, { accountChanged });
    return c.json({ status: 'authorized', account: grant.account } satisfies AuthorizeResponse);
  });

  app.get('/:connector/schema', async (c) => {
    const { connector } = adapterFor(deps, c.req.param('connector'));
    const workspaceId = c.get('workspace').id;
    const refresh = ['1', 'true'].includes(c.req.query('refresh') ?? '');
    const schema = await crmCall(logger, workspaceId, () => schemas.schemaFor(workspaceId, connector, { refresh }));
    // The wizard reads the schema: what changed under the active configuration is recorded from it.
    if (drift) {
      await drift.record(workspaceId, connector, schema).catch((error: unknown) => {
        logger.warn('drift not recorded', { workspace: workspaceId, connector, reason: error instanceof Error ? error.name : 'unknown' });
      });
    }
    return c.json(schema);
  });

  app.get('/:connector/sample-deals', async (c) => {
    const { connector, adapter } = adapterFor(deps, c.req.param('connector'));
    const workspaceId = c.get('workspace').id;
    const deals = await crmCall(logger, workspaceId, async () => {
      const connection = connectionOf(c, connector);
      await requireAccess(connection);
      const [page, schema] = await allCrmCalls([
        adapter.listLeads(connection, { limit: 25, order: { by: 'created_at', direction: 'desc' } }),
        schemas.schemaFor(workspaceId, connector),
      ] as const);
      const numeric = new Set(schema.customFields.filter((field) => field.isNumeric).map((field) => field.id));
      const priced = page.items.filter((lead) => lead.price !== null);
      return (priced.length >= SAMPLE_DEALS ? priced : page.items).slice(0, SAMPLE_DEALS).map((lead) => toSampleDeal(lead, numeric));
    });
    return c.json({ deals });
  });

  return app;
}
