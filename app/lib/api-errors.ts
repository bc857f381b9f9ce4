import { ApiError } from './api-client';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * A user-facing sentence for an API failure: the message catalogue by code (`errors.<code>`),
 * else the server's detail, else a generic sentence. Messages about a CRM name it: `crm` is
 * the connector's name ("amoCRM", "Bitrix24"); without one they say "the CRM".
 */
export function describeApiError(error: unknown, t: Translate, crm?: string): string {
  if (error instanceof ApiError) return describeErrorCode(error.code, t, crm) ?? error.problem?.detail ?? t('errors.generic');
  return t('errors.generic');
}

/** The catalogue's sentence for a problem or OAuth error `code`, or null when it has none. */
export function describeErrorCode(code: string, t: Translate, crm?: string): string | null {
  return t(`errors.${code}`, { defaultValue: '', crm: crm ?? t('errors.theCrm') }) || null;
}
