/**
 * Which host the callback's `referer` lets us contact. amoCRM sends the account's address
 * (`example.amocrm.ru`); the code, the client secret and later the tokens go there, so only
 * real amoCRM/Kommo account hosts qualify, plus the configured sandbox origin, exactly.
 * Everything else (`evil.com`, `amocrm.ru.evil.com`, `user@host`, other ports, schemes,
 * paths) is refused before any request leaves the server.
 */
const ACCOUNT_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.(?:amocrm\.ru|amocrm\.com|kommo\.com)$/;

/** The base URL for the account named by `referer`, or null when that host is not allowed. */
export function accountBaseUrl(referer: string | null | undefined, sandboxOrigin?: string): string | null {
  if (!referer) return null;
  const host = referer.toLowerCase();
  if (ACCOUNT_HOST.test(host)) return `https://${host}`;
  if (sandboxOrigin) {
    const sandbox = new URL(sandboxOrigin);
    if (referer === sandbox.host) return sandbox.origin;
  }
  return null;
}
