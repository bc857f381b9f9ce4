import { createMiddleware } from 'hono/factory';

import { problem } from './problem';

const SAFE = /^(GET|HEAD|OPTIONS)$/;

/** Names of this machine: a product on one of them is the same product on the others. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a browser's `Origin` is the product's own: exactly the public URL's origin, or —
 * when the public URL is on a loopback name — the same scheme and port on any loopback name
 * (opening http://localhost:8787 instead of http://127.0.0.1:8787 is the same server).
 */
export function isOwnOrigin(publicUrl: string, origin: string): boolean {
  const own = new URL(publicUrl);
  if (origin === own.origin) return true;
  if (!LOOPBACK_HOSTS.has(own.hostname)) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" and other opaque origins
  }
  return (
    url.origin === origin && url.protocol === own.protocol && url.port === own.port && LOOPBACK_HOSTS.has(url.hostname)
  );
}

/**
 * CSRF defence for state-changing requests: a browser always sends `Origin` (and modern ones
 * `Sec-Fetch-Site`) with a cross-origin POST/PUT/DELETE, so refuse those that come from
 * anywhere but the product itself (`isOwnOrigin`). Requests without either header are not
 * from a browser page (curl, other programs) and carry no ambient authority worth forging.
 * The SameSite=Lax session cookie is the second layer.
 */
export function sameOriginOnly(publicUrl: string) {
  return createMiddleware(async (c, next) => {
    if (!SAFE.test(c.req.method)) {
      const site = c.req.header('Sec-Fetch-Site');
      const origin = c.req.header('Origin');
      const crossSite = site === 'cross-site' || site === 'same-site';
      if (crossSite || (origin !== undefined && !isOwnOrigin(publicUrl, origin))) {
        return problem(c, 403, {
          code: 'cross_origin_request',
          detail: 'This request came from another site and was refused.',
        });
      }
    }
    await next();
  });
}
