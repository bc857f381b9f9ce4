import { crmSchemaSchema, sampleDealsSchema } from '../../app/contracts/crm-schema';
import {
  API_KEY_ERROR_CODES,
  apiKeyAuthorizeRequestSchema,
  authorizeRequestSchema,
  authorizeResponseSchema,
  CRM_ERROR_CODES,
  OAUTH_ERROR_CODES,
} from '../../app/contracts/oauth';
import { connectorParam, jsonContent, problemResponse, ref } from '../openapi';

/** OpenAPI paths and schemas of the CRM routes (`crm.ts`, `oauth.ts`), merged by `buildOpenApiDocument`. */

const crmFailures = {
  409: problemResponse('`crm_not_connected` (authorize first) or `crm_access_revoked` (authorize again)'),
  502: problemResponse('`crm_payment_required`, `crm_forbidden` or `crm_unavailable`'),
  503: problemResponse('`crm_rate_limited`; when the CRM said how long to wait, `Retry-After` and `retryAfter` give the seconds'),
};
const crmErrorNote = `CRM failures are problem documents with one of these codes: ${CRM_ERROR_CODES.join(', ')}.`;

export const crmOpenApiSchemas = {
  AuthorizeRequest: authorizeRequestSchema,
  AuthorizeResponse: authorizeResponseSchema,
  ApiKeyAuthorizeRequest: apiKeyAuthorizeRequestSchema,
  CrmSchema: crmSchemaSchema,
  SampleDeals: sampleDealsSchema,
};

export const crmOpenApiPaths = {
  '/api/connectors/{connector}/authorize': {
    parameters: [connectorParam],
    post: {
      summary: 'Start authorization with the CRM',
      description:
        'Returns `{status: "authorized", account}` when the workspace already holds working access (unless `force`), ' +
        'otherwise `{status: "redirect", authorizeUrl}`: the CRM consent page, with a one-time `state` bound to this ' +
        'workspace and valid for 10 minutes; for an API-key CRM (`authKind: api_key`) `{status: "key_required"}`: ' +
        `send the account address and key to \`POST …/api-key\`. ${crmErrorNote}`,
      requestBody: { required: false, content: { 'application/json': { schema: ref('AuthorizeRequest') } } },
      responses: {
        200: jsonContent(ref('AuthorizeResponse'), 'Authorized already, or where to send the browser'),
        400: problemResponse('Connector not supported yet, or malformed JSON'),
        404: problemResponse('Unknown connector'),
        422: problemResponse('Invalid body'),
        ...crmFailures,
      },
    },
  },
  '/api/connectors/{connector}/api-key': {
    parameters: [connectorParam],
    post: {
      summary: 'Authorize an API-key CRM (RetailCRM) with the account address and an API key',
      description:
        'The address must be one of the CRM\'s own https hosts (or the configured sandbox): no other scheme, port, path, ' +
        'query, fragment, user info or IP, nor a name resolving to a private address; redirects are not followed. The key ' +
        'is checked with the CRM (`GET /api/credentials` and its scopes) before anything is stored; it is stored encrypted ' +
        'and never returned. Refusals are 422 with `errors: [{ pointer: "/accountUrl" | "/apiKey", code }]`, code one of: ' +
        `${API_KEY_ERROR_CODES.join(', ')} (\`key_scopes_missing\` adds \`missingScopes\`). ${crmErrorNote}`,
      requestBody: { required: true, content: { 'application/json': { schema: ref('ApiKeyAuthorizeRequest') } } },
      responses: {
        200: jsonContent(ref('AuthorizeResponse'), '`{status: "authorized", account}`'),
        400: problemResponse('`connector_not_api_key` (an OAuth CRM), connector not supported, or malformed JSON'),
        404: problemResponse('Unknown connector'),
        415: problemResponse('Not JSON'),
        422: problemResponse('The address or the key was refused (see the codes above), or the body is invalid'),
        ...crmFailures,
      },
    },
  },
  '/api/oauth/{connector}/callback': {
    parameters: [connectorParam],
    get: {
      summary: "The OAuth Redirect URI (the CRM's consent page sends the browser here)",
      description:
        'Checks `state` against the session cookie, exchanges `code` server-side, stores the tokens encrypted and ' +
        'redirects to `/setup/{connector}/authorize?oauth=success`, or on any failure to ' +
        `\`/setup/{connector}/authorize?oauth_error=<code>\` with code one of: ${OAUTH_ERROR_CODES.join(', ')}.`,
      security: [],
      parameters: ['code', 'referer', 'state', 'platform', 'client_id', 'error'].map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: { type: 'string' },
      })),
      responses: { 302: { description: 'Back to the wizard, with `oauth=success` or `oauth_error=<code>`' } },
    },
  },
  '/api/connectors/{connector}/schema': {
    parameters: [connectorParam],
    get: {
      summary: "The connected CRM account's pipelines, statuses, custom fields and filter parameters",
      description: `Cached per workspace; \`?refresh=1\` re-reads the CRM. ${crmErrorNote}`,
      parameters: [{ name: 'refresh', in: 'query', required: false, schema: { type: 'string', enum: ['1'] } }],
      responses: { 200: jsonContent(ref('CrmSchema'), 'The normalized CRM structure'), 404: problemResponse('Unknown connector'), ...crmFailures },
    },
  },
  '/api/connectors/{connector}/sample-deals': {
    parameters: [connectorParam],
    get: {
      summary: 'Five recent deals (amount and numeric custom-field values) for the calculation preview',
      description: crmErrorNote,
      responses: { 200: jsonContent(ref('SampleDeals'), 'Sample deals'), 404: problemResponse('Unknown connector'), ...crmFailures },
    },
  },
};
