import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';

/**
 * API responses gzip- or deflate-compressed when the client accepts it (JSON over 1 kB; the
 * deal feeds compress themselves as they stream, and an already encoded response is left as it
 * is). hono's compress turns a strong ETag weak (`W/"3"`), but the configuration's ETag is its
 * version, which a client sends back in If-Match, where a weak tag never matches (a 412): the
 * strong tag is kept. API responses are `no-store` and have no ranges, so no cache can mix
 * the bytes of two encodings under it.
 */
export function compressApi(): MiddlewareHandler {
  const compressing = compress();
  return async (c, next) => {
    let etag: string | null = null;
    await compressing(c, async () => {
      await next();
      etag = c.res.headers.get('ETag');
    });
    if (etag !== null && c.res.headers.get('ETag') !== etag) c.res.headers.set('ETag', etag);
  };
}
