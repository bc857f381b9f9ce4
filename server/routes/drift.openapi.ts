import { connectorChangesSchema } from '../../app/contracts/drift';
import { connectorParam, jsonContent, problemResponse, ref } from '../openapi';

/** OpenAPI paths and schemas of CRM drift (`GET …/changes` in `connectors.ts`), merged by `buildOpenApiDocument`. */

export const driftOpenApiSchemas = {
  ConnectorChanges: connectorChangesSchema,
};

export const driftOpenApiPaths = {
  '/api/connectors/{connector}/changes': {
    parameters: [connectorParam],
    get: {
      summary: 'What changed in the CRM since the configuration was activated',
      description:
        'Compares the CRM as it is now (the cached schema while it is younger than `DRIFT_SCHEMA_MAX_AGE_MS`, else read ' +
        'from the CRM) with the active configuration and the CRM schema it was activated against, records the result and ' +
        'returns it: statuses added (in no container), renamed, removed (still in a container), recoloured or reordered; ' +
        'pipelines added, archived or removed; fields the configuration uses removed or retyped. `pipelineNames` names ' +
        'every pipeline a change refers to. When the CRM cannot be read, the last recorded changes (`checkedAt` says ' +
        'when). The connector list shows the counts (`drift`) and `attention` with `attentionReason: crm_changed`; ' +
        'activating again (after the review) stores a new baseline and clears them. Also checked every ' +
        '`DRIFT_CHECK_INTERVAL_MS` while the server runs.',
      responses: {
        200: jsonContent(ref('ConnectorChanges'), 'The changes (empty when nothing changed)'),
        400: problemResponse('Connector not supported yet'),
        404: problemResponse('No configuration saved (`config_not_found`), or unknown connector'),
        409: problemResponse('`not_activated`: no active configuration to compare with'),
      },
    },
  },
};
