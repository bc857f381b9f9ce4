import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { crmSchemaSchema } from '../app/contracts/crm-schema';
import { authorizeResponseSchema } from '../app/contracts/oauth';
import { EnvError, parseEnv } from './env';
import { createLogger } from './lib/logger';
import { startServer, type RunningServer } from './start';
import { makeTempDir } from './testing/test-server';

/**
 * The real thing: `startServer` (what `node dist/server/index.js` runs) with no amoCRM
 * credentials starts the sandbox amoCRM on its own port; a browser is played with plain
 * fetch over real sockets, cookie included.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const running: Array<{ server: RunningServer; cleanup: () => void }> = [];
afterEach(async () => {
  for (const { server, cleanup } of running.splice(0)) {
    await server.close();
    cleanup();
  }
});

async function start(extra: Record<string, string> = {}) {
  const temp = makeTempDir();
  const port = await freePort();
  const logs: string[] = [];
  const env = parseEnv({
    PORT: String(port),
    SANDBOX_PORT: '0',
    DATA_DIR: temp.dir,
    STATIC_DIR: path.join(temp.dir, 'no-web-build'),
    LOG_LEVEL: 'info',
    ...extra,
  });
  const server = await startServer(env, createLogger('debug', (line) => logs.push(line)));
  running.push({ server, cleanup: temp.cleanup });
  return { server, env, logs, dataDir: temp.dir };
}

/** A browser with a cookie jar for the product's origin. */
function browser(origin: string) {
  let cookie: string | null = null;
  return async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookie && url.startsWith(origin)) headers.set('Cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    const set = response.headers.get('Set-Cookie');
    if (set && url.startsWith(origin)) cookie = set.split(';')[0]!;
    return response;
  };
}

async function authorizeThroughSandbox(origin: string) {
  const go = browser(origin);
  const authorize = await go(`${origin}/api/connectors/amocrm/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  const result = authorizeResponseSchema.parse(await authorize.json());
  if (result.status !== 'redirect') throw new Error('expected the consent page');
  const page = await go(result.authorizeUrl);
  const html = await page.text();
  const state = /name="state" value="([^"]+)"/.exec(html)![1]!;
  const form = new URLSearchParams({ client_id: /name="client_id" value="([^"]+)"/.exec(html)![1]!, state, decision: 'allow' });
  const decided = await go(new URL('/oauth/decision', result.authorizeUrl).toString(), { method: 'POST', body: form });
  const callback = decided.headers.get('Location')!;
  expect(callback.startsWith(`${origin}/api/oauth/amocrm/callback?`)).toBe(true);
  const back = await go(callback);
  expect(back.status).toBe(302);
  expect(back.headers.get('Location')).toBe('/setup/amocrm/authorize?oauth=success');
  return { go, authorizeUrl: result.authorizeUrl, html };
}

describe('the product server with no amoCRM credentials', () => {
  it('starts the sandbox on its own port and completes the README walk-through', async () => {
    const { server, env, dataDir, logs } = await start();
    expect(server.sandboxOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.address).toBe(env.publicUrl);

    const { go, authorizeUrl, html } = await authorizeThroughSandbox(env.publicUrl);
    expect(authorizeUrl.startsWith(`${server.sandboxOrigin!}/oauth?client_id=hub-connect-sandbox&state=`)).toBe(true);
    expect(html).toContain('Демо: Агентство');

    const schema = crmSchemaSchema.parse(await (await go(`${env.publicUrl}/api/connectors/amocrm/schema`)).json());
    expect(schema.account).toEqual({ id: 31234567, subdomain: 'demo', name: 'Демо: Агентство' });
    expect(schema.pipelines.length).toBeGreaterThanOrEqual(3);
    expect(schema.customFields.some((field) => field.code === 'LANDING')).toBe(true);

    // The token key was generated under DATA_DIR, readable by the owner only.
    const key = fs.statSync(path.join(dataDir, 'token.key'));
    expect(key.mode & 0o777).toBe(0o600);
    expect(logs.some((line) => line.includes('sandbox amoCRM started'))).toBe(true);
  });

  it('serves another account when SANDBOX_ACCOUNT points at another fixture', async () => {
    const fixture = path.resolve('mocks/fixtures/amocrm-small-account.json');
    const { env } = await start({ SANDBOX_ACCOUNT: fixture });
    const { go, html } = await authorizeThroughSandbox(env.publicUrl);
    expect(html).toContain('Магазин «Ёлка»');
    const schema = crmSchemaSchema.parse(await (await go(`${env.publicUrl}/api/connectors/amocrm/schema`)).json());
    expect(schema.account).toEqual({ id: 29000001, subdomain: 'elka', name: 'Магазин «Ёлка»' });
    expect(schema.pipelines.map((pipeline) => pipeline.name)).toEqual(['Воронка']);
    expect(schema.customFields.map((field) => field.name)).toEqual(['Client Type', 'utm_referrer', 'Стоимость доставки']);
  });

  it('refuses a broken SANDBOX_ACCOUNT or SANDBOX_FAULTS at start, naming the variable', async () => {
    const temp = makeTempDir();
    try {
      fs.writeFileSync(path.join(temp.dir, 'broken.json'), JSON.stringify({ account: { id: 1 } }));
      const env = parseEnv({ PORT: String(await freePort()), SANDBOX_PORT: '0', DATA_DIR: temp.dir, SANDBOX_ACCOUNT: path.join(temp.dir, 'broken.json') });
      await expect(startServer(env, createLogger('silent'))).rejects.toThrow(/SANDBOX_ACCOUNT[\s\S]*pipelines/);
      await expect(startServer({ ...env, SANDBOX_ACCOUNT: path.join(temp.dir, 'missing.json') }, createLogger('silent'))).rejects.toThrow(
        EnvError,
      );
      expect(() => parseEnv({ SANDBOX_FAULTS: 'rate429=5' })).toThrow(/SANDBOX_FAULTS: rate429 must be a share/);
    } finally {
      temp.cleanup();
    }
  });
});

describe('the product server with amoCRM credentials', () => {
  it('targets amoCRM itself: no sandbox, consent on www.amocrm.ru', async () => {
    const { server, env } = await start({ AMOCRM_CLIENT_ID: 'real-integration-id', AMOCRM_CLIENT_SECRET: 'real-secret' });
    expect(server.sandboxOrigin).toBeNull();
    const response = await fetch(`${env.publicUrl}/api/connectors/amocrm/authorize`, { method: 'POST' });
    const result = authorizeResponseSchema.parse(await response.json());
    expect(result.status).toBe('redirect');
    const url = new URL(result.status === 'redirect' ? result.authorizeUrl : '');
    expect(`${url.origin}${url.pathname}`).toBe('https://www.amocrm.ru/oauth');
    expect(url.searchParams.get('client_id')).toBe('real-integration-id');
    expect(url.searchParams.get('mode')).toBe('post_message');
  });
});
