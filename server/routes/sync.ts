import { createRoute } from '@hono/zod-openapi';

import { dealSyncSchema } from '../../app/contracts/deals';
import { CrmError, crmProblem } from '../crm/errors';
import { adapterFor, parseConnector, type CrmDeps } from '../crm/registry';
import type { Repository } from '../db/repository';
import { connectorParams, json, problemOf, sessionRoutes } from '../lib/api-route';
import type { DealSyncService } from '../sync/deal-sync';

/**
 * `/api/connectors/{connector}/sync`, behind the session middleware: start the deal sync
 * (`POST`, 202 at once; the loading goes on in the background) and read its progress (`GET`).
 */

const dealSync = dealSyncSchema.meta({ id: 'DealSync' });

export const getSyncRoute = createRoute({
  method: 'get',
  path: '/{connector}/sync',
  summary: "Where loading the connected account's deals stands",
  description:
    '`idle` before the first run; `loading` while a run goes on (`loaded` deals so far, of `total` when the CRM says); ' +
    '`done` when the last run finished (`syncedAt`: when the synced deals were last complete); `failed` with `error` ' +
    '(`code`, and a `message` saying what to do) when it stopped: the next start resumes where it stopped.',
  request: { params: connectorParams },
  responses: { 200: json(dealSync, 'The progress'), 404: problemOf('Unknown connector') },
});

export const startSyncRoute = createRoute({
  method: 'post',
  path: '/{connector}/sync',
  summary: "Load the connected account's deals (in the background)",
  description:
    'Starts a run and answers at once. The first run loads every deal and status change; later runs only what changed ' +
    'since the last complete one. A failed or interrupted run resumes from the page it stopped at. While a run goes on, ' +
    'its progress is returned and nothing else starts. The sync also starts after a successful authorization, and a ' +
    'disconnect deletes the synced deals.',
  request: { params: connectorParams },
  responses: {
    202: json(dealSync, 'Started (or already running): the progress'),
    400: problemOf('Connector not supported yet'),
    404: problemOf('Unknown connector'),
    409: problemOf('`crm_not_connected`: authorize access first'),
  },
});

export function syncRoutes(repo: Repository, deps: CrmDeps, sync: DealSyncService) {
  return sessionRoutes()
    .openapi(startSyncRoute, async (c) => {
      const { connector } = adapterFor(deps, c.req.valid('param').connector);
      const workspaceId = c.get('workspace').id;
      if (!(await repo.getCredentials(workspaceId, connector))) throw crmProblem(new CrmError('crm_not_connected', 'No CRM access stored'));
      try {
        return c.json(await sync.start(workspaceId, connector), 202);
      } catch (error) {
        if (error instanceof CrmError) throw crmProblem(error);
        throw error;
      }
    })
    .openapi(getSyncRoute, async (c) => {
      const connector = parseConnector(c.req.valid('param').connector);
      return c.json(await sync.status(c.get('workspace').id, connector), 200);
    });
}
