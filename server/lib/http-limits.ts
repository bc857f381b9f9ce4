import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

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

export interface ServerLimits {
  /** Time to receive a request's headers (Node's `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (Node's `requestTimeout`): a trickled body is cut off with a 408. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (Node's `keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Open connections in all (Node's `maxConnections`): more are closed at once. */
  maxConnections: number;
  /** Open connections from one peer address; 0 for no cap (behind a proxy every peer is the proxy). */
  maxConnectionsPerIp: number;
}

/**
 * Options for `http.createServer`: the timeouts, and how often Node checks them (its default,
 * every 30 s, would let a client overstay a 10 s header timeout by up to 30 s).
 */
export function serverOptionsFor(limits: ServerLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** The connection caps on a listening Node server: in all, and per peer address. */
export function capConnections(server: Server, limits: Pick<ServerLimits, 'maxConnections' | 'maxConnectionsPerIp'>): void {
  server.maxConnections = limits.maxConnections;
  if (limits.maxConnectionsPerIp <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
