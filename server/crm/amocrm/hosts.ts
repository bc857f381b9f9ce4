import type { CrmDestinations } from '../http/client';

/**
 * Which host the callback's `referer` lets us contact. amoCRM sends the account's address
 * (`example.amocrm.ru`); the code, the client secret and later the tokens go there, so only
 * real amoCRM/Kommo account hosts qualify — or, when the product is configured for a sandbox
 * (`AMOCRM_SANDBOX_ORIGIN`), that sandbox's host exactly and nothing else. Everything else
 * (`evil.com`, `amocrm.ru.evil.com`, `user@host`, other ports, schemes, paths) is refused
 * before any request leaves the server.
 */
const ACCOUNT_HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.(?:amocrm\.ru|amocrm\.com|kommo\.com)$/;

/** The base URL for the account named by `referer`, or null when that host is not allowed. */
export function accountBaseUrl(referer: string | null | undefined, sandboxOrigin?: string): string | null {
  if (!referer) return null;
  if (sandboxOrigin) {
    const sandbox = new URL(sandboxOrigin);
    return referer === sandbox.host ? sandbox.origin : null;
  }
  const host = referer.toLowerCase();
  return ACCOUNT_HOST.test(host) ? `https://${host}` : null;
}

/**
 * Where the amoCRM client may send anything (checked on every request, before it leaves):
 * with a sandbox, its origin exactly; otherwise `https://<account>.amocrm.ru|.com` or
 * `.kommo.com` on the default port, without user info. So neither a callback's `referer` nor a
 * stored connection's base URL (say, one made before the server was switched to the sandbox)
 * can send the code, the client secret or a token anywhere else.
 */
export function amoCrmDestinations(sandboxOrigin?: string): CrmDestinations {
  if (sandboxOrigin) {
    const sandbox = new URL(sandboxOrigin).origin;
    return {
      allows: (url) => url.origin === sandbox && url.username === '' && url.password === '',
      description: `the sandbox at ${sandbox} (AMOCRM_SANDBOX_ORIGIN)`,
    };
  }
  return {
    allows: (url) => url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '' && ACCOUNT_HOST.test(url.hostname),
    description: 'amoCRM account hosts (https://<account>.amocrm.ru, .amocrm.com, .kommo.com)',
  };
}
