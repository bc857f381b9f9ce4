import { createMiddleware } from 'hono/factory';

import { problem } from './problem';

const SAFE = /^(GET|HEAD|OPTIONS)$/;

/**
 * CSRF defence for state-changing requests: a browser always sends `Origin` (and modern ones
 * `Sec-Fetch-Site`) with a cross-origin POST/PUT/DELETE, so refuse those that come from
 * anywhere but the product itself. Requests without either header are not from a browser
 * page (curl, other programs) and carry no ambient authority worth forging. The SameSite=Lax
 * session cookie is the second layer.
 */
export function sameOriginOnly(allowedOrigin: string) {
  return createMiddleware(async (c, next) => {
    if (!SAFE.test(c.req.method)) {
      const site = c.req.header('Sec-Fetch-Site');
      const origin = c.req.header('Origin');
      const crossSite = site === 'cross-site' || site === 'same-site';
      if (crossSite || (origin !== undefined && origin !== allowedOrigin)) {
        return problem(c, 403, {
          code: 'cross_origin_request',
          detail: 'This request came from another site and was refused.',
        });
      }
    }
    await next();
  });
}
