import { dealSyncSchema } from '../../app/contracts/deals';
import { connectorParam, jsonContent, problemResponse, ref } from '../openapi';

/** OpenAPI paths and schemas of the deal sync's routes (`sync.ts`), merged by `buildOpenApiDocument`. */

export const syncOpenApiSchemas = {
  DealSync: dealSyncSchema,
};

export const syncOpenApiPaths = {
  '/api/connectors/{connector}/sync': {
    parameters: [connectorParam],
    get: {
      summary: "Where loading the connected account's deals stands",
      description:
        '`idle` before the first run; `loading` while a run goes on (`loaded` deals so far, of `total` when the CRM says); ' +
        '`done` when the last run finished (`syncedAt`: when the synced deals were last complete); `failed` with `error` ' +
        '(`code`, and a `message` saying what to do) when it stopped: the next start resumes where it stopped.',
      responses: { 200: jsonContent(ref('DealSync'), 'The progress'), 404: problemResponse('Unknown connector') },
    },
    post: {
      summary: "Load the connected account's deals (in the background)",
      description:
        'Starts a run and answers at once. The first run loads every deal and status change; later runs only what changed ' +
        'since the last complete one. A failed or interrupted run resumes from the page it stopped at. While a run goes on, ' +
        'its progress is returned and nothing else starts. The sync also starts after a successful authorization, and a ' +
        'disconnect deletes the synced deals.',
      responses: {
        202: jsonContent(ref('DealSync'), 'Started (or already running): the progress'),
        400: problemResponse('Connector not supported yet'),
        404: problemResponse('Unknown connector'),
        409: problemResponse('`crm_not_connected`: authorize access first'),
      },
    },
  },
};
