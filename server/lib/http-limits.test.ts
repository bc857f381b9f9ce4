import http from 'node:http';
import net from 'node:net';

import { describe, expect, it } from 'vitest';

import { realServers } from '../testing/real-server';

/** The real server (`startServer`) over real sockets, as a client on the network meets it. */
const startServerWith = realServers({ AMOCRM_CLIENT_ID: 'integration-id', AMOCRM_CLIENT_SECRET: 'integration-secret' });
const start = async (extra: Record<string, string> = {}) => new URL((await startServerWith(extra)).server.address);

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

/** A raw connection; `closedAt` resolves with the time it was closed by the server. */
function connect(url: URL) {
  const socket = net.connect(Number(url.port), url.hostname);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed, connected, text: () => Buffer.concat(received).toString('latin1') };
}

/** Writes `data` one byte every `everyMs` until the socket closes (a slow client). */
function trickle(socket: net.Socket, data: string, everyMs: number): () => void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= data.length) return;
    socket.write(data[at]!);
    at += 1;
  }, everyMs);
  return () => clearInterval(timer);
}

describe('slow clients', () => {
  const limits = { HTTP_HEADERS_TIMEOUT_MS: '400', HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' };

  it('a body trickled slower than HTTP_REQUEST_TIMEOUT_MS is cut off (408), while a normal request is answered', async () => {
    const url = await start(limits);
    const slow = connect(url);
    await slow.connected;
    const started = Date.now();
    slow.socket.write(
      `PUT /api/connectors/amocrm/config HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nIf-Match: "0"\r\nContent-Length: 1000\r\n\r\n`,
    );
    const stop = trickle(slow.socket, '{'.padEnd(1000, ' '), 50);
    try {
      const normal = await fetch(new URL('/api/health', url));
      expect(normal.status).toBe(200);
      const closedAt = await slow.closed;
      // 1 s allowed, checked every 100 ms: cut off well before the 50 s the trickle would take.
      expect(closedAt - started).toBeGreaterThanOrEqual(900);
      expect(closedAt - started).toBeLessThan(3_000);
      expect(slow.text()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      stop();
    }
  });

  it('headers trickled slower than HTTP_HEADERS_TIMEOUT_MS are cut off', async () => {
    const url = await start(limits);
    const slow = connect(url);
    await slow.connected;
    const started = Date.now();
    const stop = trickle(slow.socket, `GET /api/health HTTP/1.1\r\nHost: ${url.host}\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`, 50);
    try {
      const closedAt = await slow.closed;
      expect(closedAt - started).toBeLessThan(2_000);
      expect(slow.text()).not.toMatch(/200 OK/);
    } finally {
      stop();
    }
  });

  it('an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const url = await start(limits);
    const idle = connect(url);
    await idle.connected;
    idle.socket.write(`GET /api/health HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    const answeredAt = Date.now();
    const closedAt = await idle.closed;
    expect(idle.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(closedAt - answeredAt).toBeLessThan(2_500);
  });

  it('at most HTTP_MAX_CONNECTIONS_PER_IP connections from one address: one more is closed at once, the others still served', async () => {
    const url = await start({ HTTP_MAX_CONNECTIONS_PER_IP: '2' });
    const first = connect(url);
    const second = connect(url);
    await Promise.all([first.connected, second.connected]);
    const third = connect(url);
    await third.closed;
    first.socket.write(`GET /api/health HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
    await first.closed;
    expect(first.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(third.text()).toBe('');
    second.socket.destroy();
  });
});
