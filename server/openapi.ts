import { z } from 'zod';

import { connectorListSchema, healthSchema } from '../app/contracts/connector';
import { configEnvelopeSchema, mappingConfigSchema } from '../app/contracts/mapping-config';
import { problemSchema } from '../app/contracts/problem';

import { CONNECTOR_IDS } from './crm/registry';

/**
 * The OpenAPI 3.1 description of the API, generated from the same zod contracts that
 * validate requests (`z.toJSONSchema`). Other route groups add their paths through
 * `extraPaths` and their schemas through `extraSchemas`.
 */

/** The API's version: `GET /api/health` and the OpenAPI document's `info.version`. */
export const API_VERSION = '1.0.0';

type Json = Record<string, unknown>;

/** Helpers every route group's OpenAPI description uses (this file and `routes/*.openapi.ts`). */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const jsonContent = (schema: object, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
export const connectorParam = {
  name: 'connector',
  in: 'path',
  required: true,
  schema: { type: 'string', enum: [...CONNECTOR_IDS] },
};

function toSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

export function buildOpenApiDocument(options: {
  serverUrl: string;
  extraPaths?: Json;
  extraSchemas?: Record<string, z.ZodType>;
  /** The document the routes defined as data write (server/lib/api-route.ts): its paths and schemas are merged in. */
  generated?: { paths?: Json; components?: { schemas?: Json } };
}) {
  const extraSchemas = Object.fromEntries(
    Object.entries(options.extraSchemas ?? {}).map(([name, schema]) => [name, toSchema(schema)]),
  );
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Hub Connect API',
      version: API_VERSION,
      description:
        'Saves CRM mapping configurations for the analytics service. Every request belongs to the workspace of its ' +
        'session cookie (`hc_session`, created on the first request). Errors are RFC 9457 problem documents.',
    },
    servers: [{ url: options.serverUrl }],
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'hc_session' } },
      schemas: {
        Health: toSchema(healthSchema),
        ConnectorList: toSchema(connectorListSchema),
        MappingConfig: toSchema(mappingConfigSchema),
        MappingConfigInput: toSchema(mappingConfigSchema, 'input'),
        ConfigEnvelope: toSchema(configEnvelopeSchema),
        Problem: toSchema(problemSchema),
        ...extraSchemas,
        ...options.generated?.components?.schemas,
      },
    },
    security: [{ session: [] }],
    paths: {
      '/api/health': {
        get: { summary: 'Liveness', security: [], responses: { 200: jsonContent(ref('Health'), 'The API is up') } },
      },
      '/api/openapi.json': {
        get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1 document' } } },
      },
      '/api/connectors': {
        get: {
          summary: "The connector catalogue with this workspace's state for each",
          responses: { 200: jsonContent(ref('ConnectorList'), 'Catalogue') },
        },
      },
      '/api/connectors/{connector}/config': {
        parameters: [connectorParam],
        get: {
          summary: 'The saved configuration (draft) with its version',
          responses: {
            200: jsonContent(ref('ConfigEnvelope'), 'The configuration; the ETag header carries the version'),
            404: problemResponse('Nothing saved yet, or unknown connector'),
          },
        },
        put: {
          summary: 'Save the configuration as a draft (optimistic concurrency)',
          parameters: [
            {
              name: 'If-Match',
              in: 'header',
              required: true,
              description: 'The version being edited, quoted: "3". "0" for the first save.',
              schema: { type: 'string' },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('MappingConfigInput') } } },
          responses: {
            200: jsonContent(ref('ConfigEnvelope'), 'Saved; the new version'),
            400: problemResponse('Malformed JSON or If-Match, or connector not supported yet'),
            409: problemResponse('Stale version; `currentVersion` says which to re-read'),
            412: problemResponse('A weak If-Match (`W/"3"`, `weak_if_match`): If-Match compares strongly (RFC 9110), send the version without W/'),
            413: problemResponse('Body over 1 MB'),
            415: problemResponse('Body is not application/json'),
            422: problemResponse('Invalid configuration; `errors` lists JSON pointers and messages'),
            428: problemResponse('If-Match missing'),
          },
        },
      },
      '/api/connectors/{connector}/activate': {
        parameters: [connectorParam],
        post: {
          summary: 'Check the configuration is complete and mark the connector connected',
          description:
            "Checks the draft against the CRM's structure: the cached schema when it is of the stored access's account " +
            'and younger than 10 minutes, otherwise the CRM is read (and cached). When the CRM cannot be read, nothing is ' +
            'activated and the CRM problem is returned.',
          responses: {
            200: jsonContent(ref('ConfigEnvelope'), 'Connected'),
            404: problemResponse('Nothing saved yet'),
            409: problemResponse('Changed meanwhile (`version_conflict`), or the CRM access is gone (`crm_not_connected`, `crm_access_revoked`)'),
            422: problemResponse('Incomplete (`config_incomplete`); `errors` lists what is missing, `not_authorized` without stored access'),
            502: problemResponse('The CRM could not be read: `crm_payment_required`, `crm_forbidden` or `crm_unavailable`'),
            503: problemResponse('`crm_rate_limited`; `Retry-After` and `retryAfter` give the seconds when the CRM said'),
          },
        },
      },
      '/api/connectors/{connector}/reset': {
        parameters: [connectorParam],
        post: {
          summary: 'Clear the mapping, keep the CRM access',
          responses: { 200: jsonContent(ref('ConfigEnvelope'), 'Reset'), 404: problemResponse('Nothing to reset') },
        },
      },
      '/api/connectors/{connector}': {
        parameters: [connectorParam],
        delete: {
          summary: 'Disconnect: delete the access tokens and the configuration',
          responses: { 204: { description: 'Disconnected' }, 404: problemResponse('Not connected') },
        },
      },
      ...options.extraPaths,
      ...options.generated?.paths,
    },
  };
  withRateLimitResponses(document.paths, document.components);
  return document;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/**
 * Every operation except `GET /api/health` may be refused by the per-client rate limit
 * (server/lib/rate-limit.ts): a shared `RateLimited` response (429 with `Retry-After`) on each.
 */
function withRateLimitResponses(paths: Record<string, Json>, components: Json): void {
  components.responses = {
    RateLimited: {
      description:
        'Too many requests from this client (`rate_limited`): a token bucket per client address (RATE_LIMIT_PER_SECOND, RATE_LIMIT_BURST). ' +
        '`Retry-After` and `retryAfter` give the seconds to wait.',
      headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } },
      content: { 'application/problem+json': { schema: ref('Problem') } },
    },
  };
  for (const [route, item] of Object.entries(paths)) {
    if (route === '/api/health') continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !operation || typeof operation !== 'object') continue;
      const responses = ((operation as Json).responses ??= {}) as Json;
      responses[429] ??= { $ref: '#/components/responses/RateLimited' };
    }
  }
}
