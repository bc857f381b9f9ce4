import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { parseEnv } from '../env';
import { startServer, type RunningServer } from '../start';
import { freePort, makeTempDir } from '../testing/test-server';

import { createLogger } from './logger';

/** The real server (`startServer`) over real sockets, as a client on the network meets it. */

const running: Array<{ server: RunningServer; cleanup: () => void }> = [];
afterEach(async () => {
  for (const { server, cleanup } of running.splice(0)) {
    await server.close();
    cleanup();
  }
});

async function start(extra: Record<string, string> = {}): Promise<URL> {
  const temp = makeTempDir();
  const env = parseEnv({
    PORT: String(await freePort()),
    DATA_DIR: temp.dir,
    STATIC_DIR: path.join(temp.dir, 'no-web-build'),
    AMOCRM_CLIENT_ID: 'integration-id',
    AMOCRM_CLIENT_SECRET: 'integration-secret',
    ...extra,
  });
  const server = await startServer(env, createLogger('silent'));
  running.push({ server, cleanup: temp.cleanup });
  return new URL(server.address);
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The agent's socket that carried it (to tell a reused connection from a new one). */
  socket: net.Socket;
}

/** One request through `agent` (node:http, so the test sees the connection it used). */
function send(agent: http.Agent, url: URL, options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, method: options.method, path: options.path, headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), socket: response.socket }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const overLimit = () => Buffer.alloc(1024 * 1024 + 1, 0x20);

describe('a body over the limit (413)', () => {
  it('is answered with Connection: close, and a keep-alive client’s next request on one connection is answered', async () => {
    const url = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(agent, url, {
        method: 'PUT',
        path: '/api/connectors/amocrm/config',
        headers: { 'Content-Type': 'application/json', 'If-Match': '"0"', Connection: 'keep-alive' },
        body: overLimit(),
      });
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ code: 'body_too_large' });
      expect(refused.headers.connection).toBe('close');
      const next = await send(agent, url, { method: 'GET', path: '/api/health' });
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body)).toMatchObject({ status: 'ok' });
    } finally {
      agent.destroy();
    }
  });

  it('ends its connection honestly: a raw client sees the 413 and then the close, never a silent socket', async () => {
    const url = await start();
    const socket = net.connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const body = overLimit();
    socket.write(
      `PUT /api/connectors/amocrm/config HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nIf-Match: "0"\r\n` +
        `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
    );
    socket.write(body);
    await closed;
    const text = Buffer.concat(received).toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('keeps the connection of a request whose body was read (a normal save and the next request share it)', async () => {
    const url = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(agent, url, { method: 'GET', path: '/api/health' });
      const invalid = await send(agent, url, {
        method: 'PUT',
        path: '/api/connectors/amocrm/config',
        headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
        body: Buffer.from('{"not":"a config"}'),
      });
      expect(invalid.status).toBe(422);
      expect(invalid.headers.connection).toBe('keep-alive');
      const next = await send(agent, url, { method: 'GET', path: '/api/health' });
      expect(next.status).toBe(200);
      expect(next.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});
