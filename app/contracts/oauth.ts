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
