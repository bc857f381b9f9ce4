import type { IncomingMessage } from 'node:http';

import type { MiddlewareHandler } from 'hono';

/**
 * What the HTTP layer does with clients that send too much or too slowly: the connection of a
 * request answered before its body was read, and the Node server's timeouts and connection caps.
 */

/** The Node request behind a Hono context, when there is one (not in `app.request` tests). */
export function incomingOf(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming;
  return incoming && typeof incoming === 'object' && 'socket' in incoming ? (incoming as IncomingMessage) : undefined;
}

function hasBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  return incoming.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A request answered without its body being read (a 413 over the size limit, a 403 from the
 * same-origin check, a 429…) gets `Connection: close`. Otherwise the connection would stay
 * open for a keep-alive client while the unread rest of the body is drained, and be cut off
 * when draining takes too long (@hono/node-server gives it 500 ms): the client's next request
 * on it would get no answer at all. With the header the client opens a new connection for it.
 */
export function closeConnectionOfUnreadBody(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const incoming = incomingOf(c.env);
    if (incoming && hasBody(incoming) && !incoming.readableEnded) c.res.headers.set('Connection', 'close');
  };
}
