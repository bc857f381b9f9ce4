import { Hono, type Context } from 'hono';

import { findActivationProblems } from '../../app/contracts/activation';
import type { ConnectorId, ConnectorSummary } from '../../app/contracts/connector';
import {
  emptyMappingConfig,
  storedMappingConfigSchema,
  type ConfigEnvelope,
  type MappingConfig,
} from '../../app/contracts/mapping-config';
import { attentionReasonOf, connectionState, type Connection, type Repository } from '../db/repository';
import type { DriftService } from '../crm/drift';
import { crmCall, CrmError } from '../crm/errors';
import { CATALOGUE, catalogueEntry, connectorNotSupported, parseConnector, type CrmDeps } from '../crm/registry';
import { ACTIVATION_SCHEMA_MAX_AGE_MS, type SchemaProvider } from '../crm/schema-cache';
import type { ApiKeyAuthorization } from '../crm/types';
import type { Logger } from '../lib/logger';
import { ProblemError } from '../lib/problem';
import { readJsonBody, validateBody } from '../lib/request';
import type { SessionVariables } from '../lib/session';

type Ctx = Context<{ Variables: SessionVariables }>;

const connectorParam = (c: Ctx): ConnectorId => parseConnector(c.req.param('connector'));
const nameOf = (connector: ConnectorId): string => catalogueEntry(connector)?.name ?? connector;

/**
 * Parses `If-Match: "<version>"` (missing quotes are tolerated). A weak tag (`W/"3"`) never
 * matches: RFC 9110 §13.1.1 requires the strong comparison for If-Match, so it is a 412,
 * whatever the version.
 */
export function expectedVersion(c: Ctx): number {
  const header = c.req.header('If-Match');
  if (header === undefined) {
    throw new ProblemError(428, {
      code: 'if_match_required',
      detail: 'Send If-Match: "<version>" with the version you edited ("0" for the first save).',
    });
  }
  if (/^\s*W\//.test(header)) {
    throw new ProblemError(412, {
      code: 'weak_if_match',
      detail: 'If-Match needs a strong entity tag: send the version without W/, e.g. "3".',
    });
  }
  const match = /^\s*"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) {
    throw new ProblemError(400, { code: 'invalid_if_match', detail: 'If-Match must be a quoted version number, e.g. "3".' });
  }
  return Number(match[1]);
}

export function envelope(connection: Connection, hasAccess: boolean): ConfigEnvelope {
  return {
    version: connection.version,
    status: connectionState(connection, hasAccess),
    config: connection.config,
    updatedAt: connection.updatedAt,
    activatedVersion: connection.activatedVersion,
  };
}

/** What the authorization form of an API-key CRM shows (never a workspace's key: only the sandbox's demo key). */
function apiKeySummary(auth: ApiKeyAuthorization | undefined): ConnectorSummary['apiKey'] {
  if (!auth) return null;
  return { helpUrl: auth.helpUrl, requiredScopes: [...auth.requiredScopes], sandbox: auth.sandbox ? { ...auth.sandbox } : null };
}

export interface ConnectorRouteDeps {
  /** How activation obtains the CRM schema: the same path as `GET …/schema`. */
  schemas: SchemaProvider;
  logger: Logger;
  /** The adapter of each connector this server can talk to (registered and configured). */
  adapters: CrmDeps['adapters'];
  /** Records what changed in the CRM under each active configuration. */
  drift: DriftService;
}

export function connectorRoutes(repo: Repository, { schemas, logger, adapters, drift }: ConnectorRouteDeps) {
  const supported = (connector: ConnectorId) => adapters[connector] !== undefined;
  const app = new Hono<{ Variables: SessionVariables }>();

  function supportedConnectorParam(c: Ctx): ConnectorId {
    const connector = connectorParam(c);
    if (!supported(connector)) throw connectorNotSupported(connector);
    return connector;
  }

  app.get('/', async (c) => {
    const workspaceId = c.get('workspace').id;
    const connections = new Map((await repo.listConnections(workspaceId)).map((row) => [row.connector, row]));
    const credentials = new Map((await repo.listCredentials(workspaceId)).map((row) => [row.connector, row]));
    const connectors: ConnectorSummary[] = CATALOGUE.map(({ id, name, authKind, logo }) => {
      const connection = connections.get(id) ?? null;
      const access = credentials.get(id) ?? null;
      // The listing never waits for a CRM: it shows what was recorded, and a check older than
      // the schema cache's lifetime is made again in the background for the next listing.
      if (connection?.activatedVersion != null && access && supported(id) && drift.isStale(connection.drift?.checkedAt ?? null)) {
        drift.checkInBackground(workspaceId, id);
      }
      return {
        id,
        name,
        supported: supported(id),
        authKind,
        logo,
        address: adapters[id]?.accountAddress ?? null,
        apiKey: apiKeySummary(adapters[id]?.apiKey),
        state: connectionState(connection, access !== null),
        hasAccess: access !== null,
        account: access?.account ?? connection?.config.account ?? null,
        attentionReason: attentionReasonOf(connection),
        drift: connection?.activatedVersion != null ? connection.drift : null,
        createdAt: connection?.createdAt ?? null,
        updatedAt: connection?.updatedAt ?? access?.updatedAt ?? null,
        connectedAt: connection?.connectedAt ?? null,
      };
    });
    return c.json({ connectors });
  });

  app.get('/:connector/config', async (c) => {
    const connector = connectorParam(c);
    const workspaceId = c.get('workspace').id;
    const connection = await repo.getConnection(workspaceId, connector);
    if (!connection) {
      throw new ProblemError(404, {
        code: 'config_not_found',
        detail: `No configuration is saved for ${nameOf(connector)} yet. Save one with PUT and If-Match: "0".`,
      });
    }
    c.header('ETag', `"${connection.version}"`);
    return c.json(envelope(connection, (await repo.getCredentials(workspaceId, connector)) !== null));
  });

  app.put('/:connector/config', async (c) => {
    const connector = supportedConnectorParam(c);
    const version = expectedVersion(c);
    const input = validateBody(storedMappingConfigSchema, await readJsonBody(c), 'The configuration is not valid; see errors.');
    if (input.connector !== connector) {
      throw new ProblemError(422, {
        code: 'validation_failed',
        detail: 'The configuration is for another connector.',
        errors: [{ pointer: '/connector', code: 'connector_mismatch', message: `Must be "${connector}"` }],
      });
    }
    const workspaceId = c.get('workspace').id;
    const access = await repo.getCredentials(workspaceId, connector);
    // The account is whatever the stored access says, never what the client claims.
    const config: MappingConfig = { ...input, account: access?.account ?? null };
    const result = await repo.saveConfig(workspaceId, connector, version, config);
    if (!result.ok) {
      throw new ProblemError(409, {
        code: 'version_conflict',
        detail: `The configuration changed since version ${version}; re-read version ${result.currentVersion} and apply your edit again.`,
        currentVersion: result.currentVersion,
      });
    }
    c.header('ETag', `"${result.connection.version}"`);
    return c.json(envelope(result.connection, access !== null));
  });

  app.post('/:connector/activate', async (c) => {
    const connector = supportedConnectorParam(c);
    const workspaceId = c.get('workspace').id;
    const connection = await repo.getConnection(workspaceId, connector);
    if (!connection) {
      throw new ProblemError(404, { code: 'config_not_found', detail: 'Save a configuration before activating it.' });
    }
    const access = await repo.getCredentials(workspaceId, connector);
    // Without stored access there is nothing to check against: 422 not_authorized (with the
    // structural problems). With it, the CRM's structure is always known: a cache younger than
    // 10 minutes of this very account, or the CRM read now; a CRM that cannot be read refuses
    // the activation with its problem instead of letting unchecked ids through.
    const schema = access
      ? await crmCall(logger, workspaceId, () => schemas.schemaFor(workspaceId, connector, { maxAgeMs: ACTIVATION_SCHEMA_MAX_AGE_MS }))
      : null;
    const problems = schema ? findActivationProblems(connection.config, schema) : findActivationProblems({ ...connection.config, account: null }, null);
    if (problems.length > 0) {
      throw new ProblemError(422, {
        code: 'config_incomplete',
        detail: 'The configuration is not complete yet; see errors.',
        errors: problems,
      });
    }
    // The schema the activation validated against is the baseline later drift is measured from.
    let activated = await repo.activate(workspaceId, connector, connection.version, schema ? JSON.stringify(schema) : null);
    if (activated && schema) {
      await drift.record(workspaceId, connector, schema);
      activated = (await repo.getConnection(workspaceId, connector)) ?? activated;
    }
    if (!activated) {
      const current = await repo.getConnection(workspaceId, connector);
      throw new ProblemError(409, {
        code: 'version_conflict',
        detail: 'The configuration changed while it was being activated; try again.',
        currentVersion: current?.version ?? 0,
      });
    }
    c.header('ETag', `"${activated.version}"`);
    return c.json(envelope(activated, (await repo.getCredentials(workspaceId, connector)) !== null));
  });

  /**
   * What changed in the CRM since the configuration was activated: checked first (the cached
   * schema within its lifetime, else the CRM); when the CRM cannot be read, what was recorded last.
   */
  app.get('/:connector/changes', async (c) => {
    const connector = supportedConnectorParam(c);
    const workspaceId = c.get('workspace').id;
    const stored = await drift.stored(workspaceId, connector);
    if (!stored) {
      throw new ProblemError(404, { code: 'config_not_found', detail: `No configuration is saved for ${nameOf(connector)} yet.` });
    }
    if (!stored.active) {
      throw new ProblemError(409, {
        code: 'not_activated',
        detail: `${nameOf(connector)} has no active configuration: changes are measured from an activation.`,
      });
    }
    if (await repo.getCredentials(workspaceId, connector)) {
      try {
        const checked = await drift.check(workspaceId, connector);
        if (checked) return c.json(checked);
      } catch (error) {
        if (!(error instanceof CrmError)) throw error;
        logger.warn('drift check failed', { workspace: workspaceId, connector, code: error.code, reason: error.message });
      }
    }
    return c.json((await drift.stored(workspaceId, connector))?.changes ?? stored.changes);
  });

  app.post('/:connector/reset', async (c) => {
    const connector = supportedConnectorParam(c);
    const workspaceId = c.get('workspace').id;
    const access = await repo.getCredentials(workspaceId, connector);
    const empty = { ...emptyMappingConfig(connector), account: access?.account ?? null };
    const reset = (await repo.reset(workspaceId, connector, empty)) ?? (access ? await saveFresh(repo, workspaceId, connector, empty) : null);
    if (!reset) {
      throw new ProblemError(404, { code: 'config_not_found', detail: 'There is nothing to reset.' });
    }
    c.header('ETag', `"${reset.version}"`);
    return c.json(envelope(reset, access !== null));
  });

  app.delete('/:connector', async (c) => {
    const connector = connectorParam(c);
    if (!(await repo.disconnect(c.get('workspace').id, connector))) {
      throw new ProblemError(404, { code: 'not_connected', detail: `${nameOf(connector)} is not connected.` });
    }
    return c.body(null, 204);
  });

  return app;
}

async function saveFresh(repo: Repository, workspaceId: string, connector: ConnectorId, config: MappingConfig) {
  const result = await repo.saveConfig(workspaceId, connector, 0, config);
  return result.ok ? result.connection : null;
}
