import { Hono, type Context } from 'hono';

import { configChangeSchema } from '../../app/contracts/config-diff';
import type { ConnectorId } from '../../app/contracts/connector';
import type { MappingConfig } from '../../app/contracts/mapping-config';
import type { ConfigVersion, ConfigVersionList, ConfigVersionSummary } from '../../app/contracts/versions';
import { VERSION_HISTORY_LIMIT, type Connection, type Repository, type StoredVersionSummary } from '../db/repository';
import { connectorNotSupported, parseConnector, type CrmDeps } from '../crm/registry';
import { ProblemError } from '../lib/problem';
import type { SessionVariables } from '../lib/session';

import { envelope, expectedVersion } from './connectors';

type Ctx = Context<{ Variables: SessionVariables }>;

/** The structured changes as stored; a row that does not read as changes shows none rather than failing the list. */
function readChanges(json: string): ConfigVersionSummary['changes'] {
  try {
    const parsed = configChangeSchema.array().safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function summaryOf(version: StoredVersionSummary, connection: Connection): ConfigVersionSummary {
  return {
    number: version.number,
    configVersion: version.configVersion,
    savedAt: version.savedAt,
    kind: version.kind,
    restoredFrom: version.restoredFrom,
    activated: version.activatedAt !== null,
    activatedAt: version.activatedAt,
    current: version.configVersion === connection.version,
    savedBy: 'workspace',
    changes: readChanges(version.changes),
  };
}

/** `{n}`: a positive integer, else 404 (no such version). */
function versionNumber(c: Ctx): number {
  const raw = c.req.param('number') ?? '';
  const number = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (number < 1) throw new ProblemError(404, { code: 'version_not_found', detail: `There is no version ${raw.slice(0, 20)}.` });
  return number;
}

/**
 * The version history of a connector's configuration, scoped to the session's workspace: the
 * list (newest first, with what changed from the version before), one version's configuration,
 * and a restore, which saves that configuration as the new draft through the ordinary save
 * (If-Match, 409 on a stale version) and is itself kept as the newest version.
 */
export function versionRoutes(repo: Repository, adapters: CrmDeps['adapters']) {
  const app = new Hono<{ Variables: SessionVariables }>();

  function connectorOf(c: Ctx): ConnectorId {
    const connector = parseConnector(c.req.param('connector'));
    if (adapters[connector] === undefined) throw connectorNotSupported(connector);
    return connector;
  }

  async function connectionOf(workspaceId: string, connector: ConnectorId): Promise<Connection> {
    const connection = await repo.getConnection(workspaceId, connector);
    if (!connection) throw new ProblemError(404, { code: 'config_not_found', detail: 'No configuration is saved for this connector yet.' });
    return connection;
  }

  app.get('/:connector/versions', async (c) => {
    const connector = connectorOf(c);
    const workspaceId = c.get('workspace').id;
    const connection = await connectionOf(workspaceId, connector);
    const versions = (await repo.listVersions(workspaceId, connector)) ?? [];
    const body: ConfigVersionList = { versions: versions.map((version) => summaryOf(version, connection)), limit: VERSION_HISTORY_LIMIT };
    return c.json(body);
  });

  app.get('/:connector/versions/:number', async (c) => {
    const connector = connectorOf(c);
    const number = versionNumber(c);
    const workspaceId = c.get('workspace').id;
    const connection = await connectionOf(workspaceId, connector);
    const version = await repo.getVersion(workspaceId, connector, number);
    if (!version) throw new ProblemError(404, { code: 'version_not_found', detail: `There is no version ${number}.` });
    const body: ConfigVersion = { ...summaryOf(version, connection), config: version.config };
    return c.json(body);
  });

  app.post('/:connector/versions/:number/restore', async (c) => {
    const connector = connectorOf(c);
    const number = versionNumber(c);
    const expected = expectedVersion(c);
    const workspaceId = c.get('workspace').id;
    await connectionOf(workspaceId, connector);
    const version = await repo.getVersion(workspaceId, connector, number);
    if (!version) throw new ProblemError(404, { code: 'version_not_found', detail: `There is no version ${number}.` });
    const access = await repo.getCredentials(workspaceId, connector);
    // As PUT …/config: the account is whatever the stored access says now.
    const config: MappingConfig = { ...version.config, account: access?.account ?? null };
    const result = await repo.saveConfig(workspaceId, connector, expected, config, { kind: 'restore', from: number });
    if (!result.ok) {
      throw new ProblemError(409, {
        code: 'version_conflict',
        detail: `The configuration changed since version ${expected}; re-read version ${result.currentVersion} and restore again.`,
        currentVersion: result.currentVersion,
      });
    }
    c.header('ETag', `"${result.connection.version}"`);
    return c.json(envelope(result.connection, access !== null));
  });

  return app;
}
