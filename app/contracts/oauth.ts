import { z } from 'zod';

import { crmAccountSchema } from './connector';

/**
 * `POST /api/connectors/{connector}/authorize` body. `force` re-authorizes even with valid
 * access ("Change access"). `address`: the account's address (Bitrix24's portal,
 * `company.bitrix24.ru`) for connectors whose summary has an `address` prompt; a URL is
 * accepted too, only its host counts.
 */
export const authorizeRequestSchema = z
  .object({ force: z.boolean().default(false), address: z.string().trim().max(255).optional() })
  .default({ force: false });

/**
 * Either the workspace already holds valid access (the wizard moves straight on), or the
 * browser must visit `authorizeUrl` (the CRM's consent page). After consent the CRM redirects
 * to the API's callback, which redirects the browser to
 * `/setup/{connector}/authorize?oauth=success` or `?oauth_error=<OAuthErrorCode>`.
 */
export const authorizeResponseSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('authorized'), account: crmAccountSchema }),
  z.object({ status: z.literal('redirect'), authorizeUrl: z.url() }),
  /** An API-key CRM (`authKind: api_key`) without working access: the user types the account address and key (`POST …/api-key`). */
  z.object({ status: z.literal('key_required') }),
]);
export type AuthorizeResponse = z.infer<typeof authorizeResponseSchema>;

/** Why an OAuth round trip failed; the wizard explains each and offers "Try again". */
export const OAUTH_ERROR_CODES = [
  'access_denied', // the user pressed Deny on the consent page
  'state_invalid', // unknown or tampered state, or another workspace's
  'state_expired', // the 10-minute window passed
  'state_reused', // the callback was replayed
  'code_missing', // the CRM redirected without a code
  'host_not_allowed', // the callback names a host that is not the CRM's (amoCRM/Kommo account, Bitrix24 portal) nor its sandbox
  'code_exchange_failed', // the CRM refused the code (expired, revoked…)
  'crm_unavailable', // the CRM did not answer in time or failed
] as const;
export const oauthErrorCodeSchema = z.enum(OAUTH_ERROR_CODES);
export type OAuthErrorCode = z.infer<typeof oauthErrorCodeSchema>;

/**
 * Problem `code`s the CRM-backed endpoints (schema, sample deals, authorize) return when the
 * CRM itself is the problem, so the UI can say what to do next.
 */
export const CRM_ERROR_CODES = [
  'crm_not_connected', // no access stored: authorize first (409)
  'crm_access_revoked', // the CRM refused the refresh token (access revoked): re-authorize (409)
  'crm_payment_required', // 402: the CRM subscription ended (502)
  'crm_forbidden', // 403: account blocked or IP not allowed (502)
  'crm_rate_limited', // 429 beyond the retry budget (503)
  'crm_unavailable', // 5xx, timeout or network failure (502)
] as const;
export type CrmErrorCode = (typeof CRM_ERROR_CODES)[number];

/**
 * `POST /api/connectors/{connector}/api-key` body, for CRMs whose access is an API key
 * (`authKind: api_key`, RetailCRM): the account's address and the key, both typed by a person.
 * The server checks the address (only the CRM's own hosts) and the key (with the CRM) before it
 * stores anything; the key is never sent back.
 */
export const API_KEY_MAX_LENGTH = 200;
export const apiKeyAuthorizeRequestSchema = z.object({
  accountUrl: z.string().trim().min(1, { message: 'Enter the account address' }).max(255, { message: 'At most 255 characters' }),
  apiKey: z
    .string()
    .trim()
    .min(1, { message: 'Enter the API key' })
    .max(API_KEY_MAX_LENGTH, { message: `At most ${API_KEY_MAX_LENGTH} characters` })
    .regex(/^[\x21-\x7e]*$/, { message: 'An API key is letters, digits and punctuation, without spaces' }),
});
export type ApiKeyAuthorizeRequest = z.infer<typeof apiKeyAuthorizeRequestSchema>;

/**
 * Why an address or key was refused: 422 with `errors: [{ pointer: '/accountUrl' | '/apiKey', code }]`,
 * so the form puts each message on its field. `key_scopes_missing` adds `missingScopes`.
 */
export const API_KEY_ERROR_CODES = [
  'address_required', // nothing typed
  'address_invalid', // not a web address at all
  'address_scheme', // another scheme than https://
  'address_userinfo', // user@host, user:password@host
  'address_port', // a port
  'address_path', // a path after the host
  'address_query', // a query (?…) or a fragment (#…)
  'address_ip', // a bare IP address
  'address_not_allowed', // not one of the CRM's hosting domains (or, with a sandbox, not the sandbox)
  'address_private', // the name resolves to a private, loopback or link-local address
  'address_redirect', // the address answers with a redirect (never followed)
  'address_unreachable', // nothing answers there, or no account of the CRM does
  'key_required', // no key typed
  'key_invalid', // the CRM refuses the key
  'key_scopes_missing', // the key lacks read scopes the connector needs
] as const;
export const apiKeyErrorCodeSchema = z.enum(API_KEY_ERROR_CODES);
export type ApiKeyErrorCode = z.infer<typeof apiKeyErrorCodeSchema>;
export const API_KEY_ADDRESS_CODES: readonly ApiKeyErrorCode[] = API_KEY_ERROR_CODES.filter((code) => code.startsWith('address_'));
