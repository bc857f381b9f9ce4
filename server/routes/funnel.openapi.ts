import { dealsSnapshotSchema, funnelReportSchema, mappedDealSchema } from '../../app/contracts/deals';
import { connectorParam, jsonContent, problemResponse, ref } from '../openapi';

/** OpenAPI paths and schemas of the funnel routes (`funnel.ts`), merged by `buildOpenApiDocument`. */

export const funnelOpenApiSchemas = {
  FunnelReport: funnelReportSchema,
  MappedDeal: mappedDealSchema,
  DealsSnapshot: dealsSnapshotSchema,
};

const configParam = {
  name: 'config',
  in: 'query',
  required: false,
  description: 'Which configuration to apply: the activated one the analytics reads (default) or the wizard\'s `draft`.',
  schema: { type: 'string', enum: ['active', 'draft'] },
};
const notConnected = problemResponse(
  '`crm_not_connected` (authorize first) or `not_activated` (no active configuration yet: finish the wizard or ask for `?config=draft`)',
);

export const funnelOpenApiPaths = {
  '/api/connectors/{connector}/funnel': {
    parameters: [connectorParam],
    get: {
      summary: 'The funnel the configuration makes of the synced deals: per pipeline, each stage reached and current, conversions, outcomes, totals',
      parameters: [configParam],
      responses: {
        200: jsonContent(ref('FunnelReport'), 'The figures'),
        400: problemResponse('`invalid_query`'),
        404: problemResponse('Unknown connector'),
        409: notConnected,
      },
    },
  },
  '/api/connectors/{connector}/deals': {
    parameters: [connectorParam],
    get: {
      summary: 'The mapped-deals feed: one line per deal the filter keeps, with its container, outcome, reached stages, chosen fields and calculated values',
      description:
        'Streamed (constant memory), ordered by `updatedAt` then `id`. NDJSON (`application/x-ndjson`, one `MappedDeal` per line) by default; ' +
        '`?format=csv` for a spreadsheet (UTF-8 with a byte order mark; cells a spreadsheet would run as a formula start with `\'`). ' +
        '`?updatedSince=` (ISO date-time or Unix seconds) for incremental reads. `X-Synced-At` says when the deals were last complete.',
      parameters: [
        configParam,
        { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['ndjson', 'csv'] } },
        { name: 'updatedSince', in: 'query', required: false, schema: { type: 'string' } },
      ],
      responses: {
        200: {
          description: 'The feed',
          content: { 'application/x-ndjson': { schema: ref('MappedDeal') }, 'text/csv': { schema: { type: 'string' } } },
        },
        400: problemResponse('`invalid_query`'),
        404: problemResponse('Unknown connector'),
        409: notConnected,
      },
    },
  },
  '/api/connectors/{connector}/deals/snapshot': {
    parameters: [connectorParam],
    get: {
      summary: "Every synced deal as the funnel engine reads it, for the wizard's live funnel (read once per finished sync)",
      responses: {
        200: jsonContent(ref('DealsSnapshot'), 'The deals'),
        404: problemResponse('Unknown connector'),
        409: problemResponse('`crm_not_connected`'),
      },
    },
  },
};
