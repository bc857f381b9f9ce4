import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import { matchImportedConfig, readImportFile, type ImportFileProblemCode } from '../../app/contracts/config-import';
import {
  configExportSchema,
  EXPORT_FORMAT,
  exportFileName,
  exportNames,
  IMPORT_MAX_BYTES,
  importPreviewSchema,
} from '../../app/contracts/config-transfer';
import type { ConnectorId } from '../../app/contracts/connector';
import type { CrmSchema } from '../../app/contracts/crm-schema';
import type { Repository } from '../db/repository';
import { crmCall, CrmError } from '../crm/errors';
import { catalogueEntry, connectorNotSupported, parseConnector, type CrmDeps } from '../crm/registry';
import { readCachedSchema, type SchemaProvider } from '../crm/schema-cache';
import type { Logger } from '../lib/logger';
import { problem, ProblemError } from '../lib/problem';
import type { SessionVariables } from '../lib/session';

type Ctx = Context<{ Variables: SessionVariables }>;

const nameOf = (connector: ConnectorId): string => catalogueEntry(connector)?.name ?? connector;

/** The import's body limit, instead of the API's 1 MB (see `IMPORT_MAX_BYTES` for why 4 MB). */
export const importBodyLimit = bodyLimit({
  maxSize: IMPORT_MAX_BYTES,
  onError: (c) =>
    problem(c, 413, {
      code: 'file_too_large',
      detail: 'The file is over 4 MB, larger than any configuration this product exports. Choose the file Export saved.',
    }),
});

/** Whether a path is the import's (its body limit replaces the API's). */
export const isImportPath = (path: string): boolean => /^\/api\/connectors\/[^/]+\/import\/?$/.test(path);

export interface TransferRouteDeps {
  schemas: SchemaProvider;
  logger: Logger;
  adapters: CrmDeps['adapters'];
  now?: () => number;
}

const FILE_PROBLEM_STATUS: Record<ImportFileProblemCode, 422> = {
  not_a_configuration: 422,
  wrong_crm: 422,
  unsupported_schema_version: 422,
  validation_failed: 422,
};

/**
 * Export and import of a configuration (`GET …/export`, `POST …/import`). The import is a dry
 * run: it answers the configuration adapted to this workspace's CRM account and what did not fit,
 * and saves nothing; the SPA saves the answer as the draft through `PUT …/config` (If-Match).
 */
export function transferRoutes(repo: Repository, { schemas, logger, adapters, now = () => Date.now() }: TransferRouteDeps) {
  const app = new Hono<{ Variables: SessionVariables }>();

  function supportedConnectorParam(c: Ctx): ConnectorId {
    const connector = parseConnector(c.req.param('connector'));
    if (adapters[connector] === undefined) throw connectorNotSupported(connector);
    return connector;
  }

  /** The CRM's names for the export: the schema as the wizard sees it, else the last cached one, else none. */
  async function schemaForNames(workspaceId: string, connector: ConnectorId, accountId: string | null): Promise<CrmSchema | null> {
    if (!(await repo.getCredentials(workspaceId, connector))) return null;
    try {
      return await schemas.schemaFor(workspaceId, connector);
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
      logger.warn('export without a fresh CRM schema', { workspace: workspaceId, connector, code: error.code });
      const cached = await readCachedSchema(repo, workspaceId, connector);
      return cached && cached.schema.account.id === accountId ? cached.schema : null;
    }
  }

  app.get('/:connector/export', async (c) => {
    const connector = supportedConnectorParam(c);
    const workspaceId = c.get('workspace').id;
    const connection = await repo.getConnection(workspaceId, connector);
    if (!connection) {
      throw new ProblemError(404, {
        code: 'config_not_found',
        detail: `No configuration is saved for ${nameOf(connector)} yet: there is nothing to export.`,
      });
    }
    const config = connection.config;
    const schema = await schemaForNames(workspaceId, connector, config.account?.id ?? null);
    // Names of this very account only (a schema of another account, after Change access, names nothing here).
    const names = exportNames(config, schema && config.account && schema.account.id === config.account.id ? schema : null);
    const at = new Date(now());
    const document = configExportSchema.parse({ format: EXPORT_FORMAT, exportedAt: at.toISOString(), config, names });
    const fileName = exportFileName(connector, config.account, at);
    return c.body(`${JSON.stringify(document, null, 2)}\n`, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName}"`,
    });
  });

  app.post('/:connector/import', importBodyLimit, async (c) => {
    const connector = supportedConnectorParam(c);
    const workspaceId = c.get('workspace').id;
    if (!(c.req.header('Content-Type') ?? '').toLowerCase().startsWith('application/json')) {
      throw new ProblemError(415, { code: 'json_required', detail: 'Send the file’s contents as application/json.' });
    }
    const text = await c.req.text();
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof SyntaxError ? ` (${error.message.slice(0, 200)})` : '';
      throw new ProblemError(400, {
        code: 'invalid_json',
        detail: `The file is not valid JSON${reason}. Choose the file Export saved, unchanged.`,
      });
    }
    const file = readImportFile(document, connector);
    if (!file.ok) {
      throw new ProblemError(FILE_PROBLEM_STATUS[file.code], {
        code: file.code,
        detail: file.detail,
        ...(file.errors ? { errors: file.errors } : {}),
      });
    }
    // Matched against this account's pipelines and fields: the schema the wizard shows.
    const schema = await crmCall(logger, workspaceId, () => schemas.schemaFor(workspaceId, connector));
    const match = matchImportedConfig(file.config, file.names, schema);
    return c.json(
      importPreviewSchema.parse({
        config: match.config,
        misfits: match.misfits,
        matched: match.matched,
        source: {
          connector,
          account: file.config.account,
          schemaVersion: file.schemaVersion,
          exportedAt: file.exportedAt,
          hasNames: file.names !== null,
          sameAccount: file.config.account?.id === schema.account.id,
        },
      }),
    );
  });

  return app;
}
