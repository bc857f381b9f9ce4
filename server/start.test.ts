import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { authorizeResponseSchema } from '../app/contracts/oauth';

import { startLines } from './cli';
import { EnvError, parseEnv, type Env } from './env';
import { createLogger } from './lib/logger';
import { startServer } from './start';
import { realServers } from './testing/real-server';
import { freePort, makeTempDir } from './testing/test-server';

/**
 * The real thing: `startServer` (what `node dist/server/index.js` runs) over real sockets.
 * The product has no sandbox of its own: it talks to the CRMs its configuration names (the
 * demo with the sandbox amoCRM is tested in mocks/sandbox/demo.test.ts).
 */

const start = realServers({ LOG_LEVEL: 'info' });

async function consentUrl(publicUrl: string): Promise<URL> {
  const response = await fetch(`${publicUrl}/api/connectors/amocrm/authorize`, { method: 'POST' });
  const result = authorizeResponseSchema.parse(await response.json());
  if (result.status !== 'redirect') throw new Error('expected the consent page');
  return new URL(result.authorizeUrl);
}

describe('the product server with amoCRM credentials', () => {
  it('targets amoCRM itself: consent on www.amocrm.ru', async () => {
    const { server, env } = await start({ AMOCRM_CLIENT_ID: 'real-integration-id', AMOCRM_CLIENT_SECRET: 'real-secret' });
    expect(server.address).toBe(env.publicUrl);
    const url = await consentUrl(env.publicUrl);
    expect(`${url.origin}${url.pathname}`).toBe('https://www.amocrm.ru/oauth');
    expect(url.searchParams.get('client_id')).toBe('real-integration-id');
    expect(url.searchParams.get('mode')).toBe('post_message');
  });

  it('with AMOCRM_SANDBOX_ORIGIN, sends the consent to that origin like to any amoCRM', async () => {
    const { env } = await start({
      AMOCRM_CLIENT_ID: 'sandbox-id',
      AMOCRM_CLIENT_SECRET: 'sandbox-secret',
      AMOCRM_SANDBOX_ORIGIN: 'http://127.0.0.1:18788/',
    });
    expect(startLines(env)).toContain('  amoCRM: the sandbox at http://127.0.0.1:18788 (AMOCRM_SANDBOX_ORIGIN)');
    const url = await consentUrl(env.publicUrl);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:18788/oauth');
    expect(url.searchParams.get('client_id')).toBe('sandbox-id');
  });
});

describe('graceful shutdown', () => {
  it('lets a request in flight finish, refuses new connections, and then closes the database', async () => {
    const temp = makeTempDir();
    const env = parseEnv({
      PORT: String(await freePort()),
      DATA_DIR: temp.dir,
      STATIC_DIR: path.join(temp.dir, 'no-web-build'),
      AMOCRM_CLIENT_ID: 'real-integration-id',
      AMOCRM_CLIENT_SECRET: 'real-secret',
      SHUTDOWN_GRACE_MS: '5000',
    });
    const server = await startServer(env, createLogger('silent'));
    try {
      // A request whose body is still arriving when the shutdown begins.
      const body = JSON.stringify({ force: false });
      const request = http.request(`${env.publicUrl}/api/connectors/amocrm/authorize`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Origin: env.publicUrl },
      });
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        });
        request.on('error', reject);
      });
      await new Promise<void>((resolve) => request.write(body.slice(0, 5), () => resolve()));
      // A request answered on another connection after that one's headers were sent: by then the
      // server has read them (it handles sockets in the order their data arrived).
      expect((await fetch(`${env.publicUrl}/api/health`, { headers: { Connection: 'close' } })).status).toBe(200);
      const shutdown = server.close();
      // No new connection is taken any more…
      await expect(fetch(`${env.publicUrl}/api/health`)).rejects.toThrow();
      // …but the rest of that request's body, sent after the shutdown began, is still read and answered.
      request.end(body.slice(5));
      const finished = await answer;
      expect(finished.status).toBe(200);
      expect(authorizeResponseSchema.parse(JSON.parse(finished.text)).status).toBe('redirect');
      await shutdown;
    } finally {
      temp.cleanup();
    }
  });
});

describe('the product server without a CRM', () => {
  it('does not start, naming the variables, and creates nothing under DATA_DIR', async () => {
    const temp = makeTempDir();
    try {
      const dataDir = path.join(temp.dir, 'data');
      const env = parseEnv({ PORT: String(await freePort()), DATA_DIR: dataDir });
      const refused = startServer(env, createLogger('silent'));
      await expect(refused).rejects.toThrow(EnvError);
      await expect(refused).rejects.toThrow(/AMOCRM_CLIENT_ID: no CRM is configured. Set AMOCRM_CLIENT_ID and AMOCRM_CLIENT_SECRET \(amoCRM\)/);
      expect(fs.existsSync(dataDir)).toBe(false);
    } finally {
      temp.cleanup();
    }
  });
});

describe('the product configuration', () => {
  it('holds only the product variables: the sandbox program reads its own', () => {
    const env = parseEnv({ SANDBOX_PORT: 'not a port', SANDBOX_FAULTS: 'rate429=5', SANDBOX_ACCOUNT: '/nowhere.json' });
    expect(Object.keys(env).filter((key) => key.startsWith('SANDBOX_'))).toEqual([]);
  });

  it('takes AMOCRM_SANDBOX_ORIGIN only as an origin, and only with the credentials', () => {
    const credentials = { AMOCRM_CLIENT_ID: 'id', AMOCRM_CLIENT_SECRET: 'secret' };
    expect(() => parseEnv({ AMOCRM_SANDBOX_ORIGIN: 'http://127.0.0.1:8788' })).toThrow(/AMOCRM_SANDBOX_ORIGIN: needs AMOCRM_CLIENT_ID/);
    expect(() => parseEnv({ ...credentials, AMOCRM_SANDBOX_ORIGIN: 'http://127.0.0.1:8788/oauth' })).toThrow(
      /AMOCRM_SANDBOX_ORIGIN: must be an origin/,
    );
    expect(() => parseEnv({ ...credentials, AMOCRM_SANDBOX_ORIGIN: 'ftp://127.0.0.1' })).toThrow(/AMOCRM_SANDBOX_ORIGIN/);
    const redirectOf = (env: Env) => env.connectors.find((connector) => connector.id === 'amocrm')?.redirectUri;
    expect(redirectOf(parseEnv({ PUBLIC_URL: 'https://hub.example/', ...credentials }))).toBe('https://hub.example/api/oauth/amocrm/callback');
    expect(redirectOf(parseEnv({ ...credentials, AMOCRM_REDIRECT_URI: 'https://hub.example/cb' }))).toBe('https://hub.example/cb');
  });

  it('lists every problem of the product and of each CRM, one line per variable', () => {
    expect(() => parseEnv({ PORT: 'x', AMOCRM_CLIENT_ID: 'id', AMOCRM_SANDBOX_ORIGIN: 'ftp://x' })).toThrow(
      /Invalid configuration:\n {2}PORT: [^\n]+\n {2}AMOCRM_SANDBOX_ORIGIN: Invalid URL\n {2}AMOCRM_CLIENT_SECRET: AMOCRM_CLIENT_ID and AMOCRM_CLIENT_SECRET must be set together$/,
    );
  });

  it('checks CRM drift every 15 minutes from a schema at most 10 minutes old by default; 0 turns the periodic check off', () => {
    expect(parseEnv({})).toMatchObject({ DRIFT_CHECK_INTERVAL_MS: 900_000, DRIFT_SCHEMA_MAX_AGE_MS: 600_000 });
    expect(parseEnv({ DRIFT_CHECK_INTERVAL_MS: '0', DRIFT_SCHEMA_MAX_AGE_MS: '0' })).toMatchObject({ DRIFT_CHECK_INTERVAL_MS: 0, DRIFT_SCHEMA_MAX_AGE_MS: 0 });
    expect(() => parseEnv({ DRIFT_CHECK_INTERVAL_MS: '-1' })).toThrow(/DRIFT_CHECK_INTERVAL_MS/);
  });
});
