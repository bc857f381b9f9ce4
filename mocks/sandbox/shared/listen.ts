import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';

import type { FetchHandler } from './compose';

export interface RunningSandbox {
  /** e.g. `http://127.0.0.1:8788` (the real port when 0 was asked for). */
  origin: string;
  close(): Promise<void>;
}

/** Serves a sandbox over HTTP on `host:port` (port 0 = any free port). */
export function listenSandbox(sandbox: FetchHandler, port: number, host = '127.0.0.1'): Promise<RunningSandbox> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: (request) => sandbox.fetch(request), hostname: host, port }, (info: AddressInfo) => {
      resolve({
        origin: `http://${host}:${info.port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
