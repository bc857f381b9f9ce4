import type { ContentfulStatusCode } from 'hono/utils/http-status';

import type { ApiKeyErrorCode, CrmErrorCode, OAuthErrorCode } from '../../app/contracts/oauth';
import type { Logger } from '../lib/logger';
import { ProblemError } from '../lib/problem';

/** A CRM call failed in a way the UI can explain (`CRM_ERROR_CODES`). */
export class CrmError extends Error {
  constructor(
    readonly code: CrmErrorCode,
    message: string,
    /** Seconds the CRM asked us to wait (429), when known. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

/**
 * `Promise.all` for CRM calls made together. When several fail, the most telling failure is
 * thrown: a revoked access over "not connected", which is what a call sees when the other one
 * found the access revoked and removed it a moment before.
 */
export async function allCrmCalls<T extends readonly unknown[]>(calls: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(calls);
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) {
    throw failures.find((failure) => failure instanceof CrmError && failure.code === 'crm_access_revoked') ?? failures[0];
  }
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The account address typed for authorization is missing or not one of the CRM's hosts (422, pointer `/address`). */
export class CrmAddressError extends Error {
  constructor(
    readonly code: 'address_required' | 'address_not_allowed',
    message: string,
  ) {
    super(message);
  }
}

/**
 * An API-key authorization refused before anything was stored: the address or the key (422 with a
 * pointer to the field, `/accountUrl` or `/apiKey`). `missingScopes`: what the key lacks.
 */
export class ApiKeyError extends Error {
  constructor(
    readonly field: 'accountUrl' | 'apiKey',
    readonly code: ApiKeyErrorCode,
    message: string,
    readonly missingScopes: readonly string[] = [],
  ) {
    super(message);
  }
}

/** An OAuth callback that cannot complete; the browser is sent back to the wizard with `code`. */
export class OAuthCallbackError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const STATUS: Record<CrmErrorCode, ContentfulStatusCode> = {
  crm_not_connected: 409,
  crm_access_revoked: 409,
  crm_payment_required: 502,
  crm_forbidden: 502,
  crm_rate_limited: 503,
  crm_unavailable: 502,
};

const DETAIL: Record<CrmErrorCode, string> = {
  crm_not_connected: 'The CRM is not connected to this workspace yet. Authorize access first.',
  crm_access_revoked: 'The CRM no longer accepts our access (it was revoked or expired). Authorize access again.',
  crm_payment_required: "The CRM account's subscription has ended. Renew it in the CRM, then try again.",
  crm_forbidden: 'The CRM refused the request: the account is blocked or this server is not allowed. Check the account in the CRM.',
  crm_rate_limited: 'The CRM asks us to slow down. Try again in a minute.',
  crm_unavailable: 'The CRM did not answer properly. Try again in a moment.',
};

export function crmProblem(error: CrmError): ProblemError {
  // A rate-limited client learns how long the CRM asked us to wait (body and Retry-After),
  // in whole seconds, at least one.
  const retryAfter =
    error.code === 'crm_rate_limited' && error.retryAfterSec !== undefined ? Math.max(1, Math.ceil(error.retryAfterSec)) : undefined;
  return new ProblemError(STATUS[error.code], {
    code: error.code,
    detail: DETAIL[error.code],
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}

/** Runs a CRM call, turning `CrmError`s into problem documents with the CRM error codes. */
export async function crmCall<T>(logger: Logger, workspaceId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CrmError) {
      logger.warn('crm call failed', { workspace: workspaceId, code: error.code, reason: error.message });
      throw crmProblem(error);
    }
    throw error;
  }
}
