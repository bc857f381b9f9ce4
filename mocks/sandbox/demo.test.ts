import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { crmSchemaSchema } from '../../app/contracts/crm-schema';
import { authorizeResponseSchema } from '../../app/contracts/oauth';
import { createLogger } from '../../server/lib/logger';
import { freePort, makeTempDir } from '../../server/testing/index';
import { startDemo, type RunningDemo } from './demo';
import { SandboxEnvError } from './env';

/**
 * The demo entry (`npm start`): with no amoCRM credentials it starts the sandbox amoCRM on its
 * own port and the product configured for it; a browser is played with plain fetch over real
 * sockets, cookie included.
 */

const running: Array<{ demo: RunningDemo; cleanup: () => void }> = [];
afterEach(async () => {
  for (const { demo, cleanup } of running.splice(0)) {
    await demo.close();
    cleanup();
  }
});

async function start(extra: Record<string, string> = {}) {
  const temp = makeTempDir();
  const logs: string[] = [];
  const demo = await startDemo(
    {
      PORT: String(await freePort()),
      SANDBOX_PORT: '0',
      DATA_DIR: temp.dir,
      STATIC_DIR: path.join(temp.dir, 'no-web-build'),
      LOG_LEVEL: 'info',
      ...extra,
    },
    createLogger('debug', (line) => logs.push(line)),
  );
  running.push({ demo, cleanup: temp.cleanup });
  return { demo, env: demo.env, logs, dataDir: temp.dir };
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

describe('the demo with no amoCRM credentials', () => {
  it('starts the sandbox on its own port, configures the product for it, and completes the README walk-through', async () => {
    const { demo, env, dataDir, logs } = await start();
    const sandboxOrigin = demo.sandboxes.amocrm?.origin;
    expect(sandboxOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.AMOCRM_SANDBOX_ORIGIN).toBe(sandboxOrigin);
    expect(demo.product.address).toBe(env.publicUrl);

    const { go, authorizeUrl, html } = await authorizeThroughSandbox(env.publicUrl);
    expect(authorizeUrl.startsWith(`${sandboxOrigin!}/oauth?client_id=hub-connect-sandbox&state=`)).toBe(true);
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

  it.each(['SANDBOX_AMOCRM_ACCOUNT', 'SANDBOX_ACCOUNT'])('serves another account when %s points at another fixture', async (variable) => {
    const fixture = path.resolve('mocks/fixtures/amocrm-small-account.json');
    const { env } = await start({ [variable]: fixture });
    const { go, html } = await authorizeThroughSandbox(env.publicUrl);
    expect(html).toContain('Магазин «Ёлка»');
    const schema = crmSchemaSchema.parse(await (await go(`${env.publicUrl}/api/connectors/amocrm/schema`)).json());
    expect(schema.account).toEqual({ id: 29000001, subdomain: 'elka', name: 'Магазин «Ёлка»' });
    expect(schema.pipelines.map((pipeline) => pipeline.name)).toEqual(['Воронка']);
    expect(schema.customFields.map((field) => field.name)).toEqual(['Client Type', 'utm_referrer', 'Стоимость доставки']);
  });

  it('refuses a broken account fixture, faults or port at start, naming the variable', async () => {
    const temp = makeTempDir();
    try {
      fs.writeFileSync(path.join(temp.dir, 'broken.json'), JSON.stringify({ account: { id: 1 } }));
      const base = { PORT: String(await freePort()), SANDBOX_PORT: '0', DATA_DIR: temp.dir };
      const attempt = (extra: Record<string, string>) => startDemo({ ...base, ...extra }, createLogger('silent'));
      await expect(attempt({ SANDBOX_AMOCRM_ACCOUNT: path.join(temp.dir, 'broken.json') })).rejects.toThrow(
        /SANDBOX_AMOCRM_ACCOUNT[\s\S]*pipelines/,
      );
      await expect(attempt({ SANDBOX_ACCOUNT: path.join(temp.dir, 'missing.json') })).rejects.toThrow(SandboxEnvError);
      await expect(attempt({ SANDBOX_ACCOUNT: path.join(temp.dir, 'missing.json') })).rejects.toThrow(/SANDBOX_ACCOUNT: Cannot read/);
      await expect(attempt({ SANDBOX_AMOCRM_ACCOUNT: 'a.json', SANDBOX_ACCOUNT: 'b.json' })).rejects.toThrow(
        /SANDBOX_ACCOUNT: is the old name of SANDBOX_AMOCRM_ACCOUNT/,
      );
      await expect(attempt({ SANDBOX_FAULTS: 'rate429=5' })).rejects.toThrow(/SANDBOX_FAULTS: rate429 must be a share/);
      await expect(attempt({ SANDBOX_PORT: '70000' })).rejects.toThrow(/SANDBOX_PORT/);
    } finally {
      temp.cleanup();
    }
  });

  it('gives the port back when the product cannot start', async () => {
    const temp = makeTempDir();
    const sandboxPort = await freePort();
    try {
      const taken = await start();
      const attempt = startDemo(
        { PORT: String(new URL(taken.env.publicUrl).port), SANDBOX_PORT: String(sandboxPort), DATA_DIR: temp.dir },
        createLogger('silent'),
      );
      await expect(attempt).rejects.toThrow(/EADDRINUSE/);
      // The sandbox of the failed attempt is closed again: its port is free.
      const again = await start({ SANDBOX_PORT: String(sandboxPort) });
      expect(again.demo.sandboxes.amocrm?.origin).toBe(`http://127.0.0.1:${sandboxPort}`);
    } finally {
      temp.cleanup();
    }
  });
});

describe('the demo with amoCRM credentials', () => {
  it('is the product alone: no sandbox, consent on www.amocrm.ru', async () => {
    const { demo, env } = await start({ AMOCRM_CLIENT_ID: 'real-integration-id', AMOCRM_CLIENT_SECRET: 'real-secret', SANDBOX_FAULTS: 'nonsense' });
    expect(demo.sandboxes).toEqual({});
    expect(env.AMOCRM_SANDBOX_ORIGIN).toBeUndefined();
    const response = await fetch(`${env.publicUrl}/api/connectors/amocrm/authorize`, { method: 'POST' });
    const result = authorizeResponseSchema.parse(await response.json());
    expect(result.status === 'redirect' && new URL(result.authorizeUrl).origin).toBe('https://www.amocrm.ru');
  });
});
