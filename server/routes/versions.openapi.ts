import { configVersionListSchema, configVersionSchema } from '../../app/contracts/versions';
import { connectorParam, jsonContent, problemResponse, ref } from '../openapi';

/** OpenAPI paths and schemas of the version history (`versions.ts`), merged by `buildOpenApiDocument`. */

export const versionsOpenApiSchemas = {
  ConfigVersionList: configVersionListSchema,
  ConfigVersion: configVersionSchema,
};

const numberParam = { name: 'number', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

export const versionsOpenApiPaths = {
  '/api/connectors/{connector}/versions': {
    parameters: [connectorParam],
    get: {
      summary: "The kept versions of the connector's configuration, newest first",
      description:
        'Every save of the draft is kept, except that saves within a minute of the start of the newest kept draft ' +
        'replace it (one version per minute of continuous editing); every activation (`activated`), reset and restore ' +
        'is kept. At most `limit` versions: beyond it the oldest drafts are deleted first. `changes` says what changed ' +
        'from the version kept before (structured; the first version is compared with an empty configuration). ' +
        'A disconnect deletes the history; a reset keeps it.',
      responses: {
        200: jsonContent(ref('ConfigVersionList'), 'The versions'),
        400: problemResponse('Connector not supported yet'),
        404: problemResponse('No configuration saved (`config_not_found`), or unknown connector'),
      },
    },
  },
  '/api/connectors/{connector}/versions/{number}': {
    parameters: [connectorParam, numberParam],
    get: {
      summary: 'One kept version with its configuration',
      responses: {
        200: jsonContent(ref('ConfigVersion'), 'The version'),
        400: problemResponse('Connector not supported yet'),
        404: problemResponse('No such version (`version_not_found`) or configuration (`config_not_found`)'),
      },
    },
  },
  '/api/connectors/{connector}/versions/{number}/restore': {
    parameters: [connectorParam, numberParam],
    post: {
      summary: "Make a kept version's configuration the current draft",
      description:
        'Saves the version\'s configuration as the draft, as `PUT …/config` would (optimistic concurrency on If-Match, the ' +
        'account of the stored access), and keeps it as a new version (`kind: restore`); nothing older is rewritten. ' +
        'The connector stays connected with its active configuration until it is activated again.',
      parameters: [
        { name: 'If-Match', in: 'header', required: true, description: 'The draft version being replaced, quoted: "7".', schema: { type: 'string' } },
      ],
      responses: {
        200: jsonContent(ref('ConfigEnvelope'), 'Restored; the new draft version'),
        400: problemResponse('Malformed If-Match, or connector not supported yet'),
        404: problemResponse('No such version (`version_not_found`) or configuration (`config_not_found`)'),
        409: problemResponse('Stale version; `currentVersion` says which to re-read'),
        412: problemResponse('A weak If-Match (`weak_if_match`)'),
        428: problemResponse('If-Match missing'),
      },
    },
  },
};
