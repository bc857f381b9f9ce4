import { Hono } from 'hono';

import { CrmError, crmProblem } from '../crm/errors';
import { adapterFor, parseConnector, type CrmDeps } from '../crm/registry';
import type { Repository } from '../db/repository';
import type { SessionVariables } from '../lib/session';
import type { DealSyncService } from '../sync/deal-sync';

/**
 * `/api/connectors/{connector}/sync`, behind the session middleware: start the deal sync
 * (`POST`, 202 at once; the loading goes on in the background) and read its progress (`GET`).
 */
export function syncRoutes(repo: Repository, deps: CrmDeps, sync: DealSyncService) {
  const app = new Hono<{ Variables: SessionVariables }>();

  app.post('/:connector/sync', async (c) => {
    const { connector } = adapterFor(deps, c.req.param('connector'));
    const workspaceId = c.get('workspace').id;
    if (!(await repo.getCredentials(workspaceId, connector))) throw crmProblem(new CrmError('crm_not_connected', 'No CRM access stored'));
    try {
      return c.json(await sync.start(workspaceId, connector), 202);
    } catch (error) {
      if (error instanceof CrmError) throw crmProblem(error);
      throw error;
    }
  });

  app.get('/:connector/sync', async (c) => {
    const connector = parseConnector(c.req.param('connector'));
    return c.json(await sync.status(c.get('workspace').id, connector));
  });

  return app;
}
