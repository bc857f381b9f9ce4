import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { crmSchemaSchema } from '../../app/contracts/crm-schema';
import { authorizeResponseSchema } from '../../app/contracts/oauth';
import { createLogger } from '../../server/lib/logger';
import { freePort, makeTempDir } from '../../server/testing/index';

import { BITRIX24_SANDBOX_CLIENT_ID, BITRIX24_SANDBOX_CLIENT_SECRET } from './bitrix24/index';
import { startDemo, type RunningDemo } from './demo';
import { SandboxEnvError } from './env';

/**
 * The demo entry (`npm start`): for each CRM without credentials it starts that CRM's sandbox
 * on its own port (amoCRM, Bitrix24) and the product configured for it; a browser is played
 * with plain fetch over real sockets, cookie included.
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
      SANDBOX_BITRIX24_PORT: '0',
      SANDBOX_RETAILCRM_PORT: '0',
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
    expect(demo.configured.AMOCRM_SANDBOX_ORIGIN).toBe(sandboxOrigin);
    expect(demo.product.address).toBe(env.publicUrl);

    const { go, authorizeUrl, html } = await authorizeThroughSandbox(env.publicUrl);
    expect(authorizeUrl.startsWith(`${sandboxOrigin!}/oauth?client_id=hub-connect-sandbox&state=`)).toBe(true);
    expect(html).toContain('Демо: Агентство');

    const schema = crmSchemaSchema.parse(await (await go(`${env.publicUrl}/api/connectors/amocrm/schema`)).json());
    expect(schema.account).toEqual({ id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо: Агентство' });
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
    expect(schema.account).toEqual({ id: '29000001', domain: 'elka.amocrm.ru', name: 'Магазин «Ёлка»' });
    expect(schema.pipelines.map((pipeline) => pipeline.name)).toEqual(['Воронка']);
    expect(schema.customFields.map((field) => field.name)).toEqual(['Client Type', 'utm_referrer', 'Стоимость доставки']);
  });

  it('refuses a broken account fixture, faults or port at start, naming the variable', async () => {
    const temp = makeTempDir();
    try {
      fs.writeFileSync(path.join(temp.dir, 'broken.json'), JSON.stringify({ account: { id: 1 } }));
      const base = { PORT: String(await freePort()), SANDBOX_PORT: '0', SANDBOX_BITRIX24_PORT: '0', DATA_DIR: temp.dir };
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
    const bitrixPort = await freePort();
    const retailPort = await freePort();
    try {
      const taken = await start();
      const attempt = startDemo(
        {
          PORT: String(new URL(taken.env.publicUrl).port),
          SANDBOX_PORT: String(sandboxPort),
          SANDBOX_BITRIX24_PORT: String(bitrixPort),
          SANDBOX_RETAILCRM_PORT: String(retailPort),
          DATA_DIR: temp.dir,
        },
        createLogger('silent'),
      );
      await expect(attempt).rejects.toThrow(/EADDRINUSE/);
      // The sandboxes of the failed attempt are closed again: their ports are free.
      const again = await start({ SANDBOX_PORT: String(sandboxPort), SANDBOX_BITRIX24_PORT: String(bitrixPort), SANDBOX_RETAILCRM_PORT: String(retailPort) });
      expect(again.demo.sandboxes.amocrm?.origin).toBe(`http://127.0.0.1:${sandboxPort}`);
      expect(again.demo.sandboxes.bitrix24?.origin).toBe(`http://127.0.0.1:${bitrixPort}`);
      expect(again.demo.sandboxes.retailcrm?.origin).toBe(`http://127.0.0.1:${retailPort}`);
    } finally {
      temp.cleanup();
    }
  });
});

const BITRIX24_CREDENTIALS = { BITRIX24_CLIENT_ID: 'local.real0000000000.11111111', BITRIX24_CLIENT_SECRET: 'real-bitrix24-secret' };
const AMOCRM_CREDENTIALS = { AMOCRM_CLIENT_ID: 'real-integration-id', AMOCRM_CLIENT_SECRET: 'real-secret' };

/** The Bitrix24 sandbox as a browser and the product's server side see it, over real sockets. */
async function connectToBitrix24Sandbox(demo: RunningDemo) {
  const origin = demo.configured.BITRIX24_SANDBOX_ORIGIN!;
  const consent = await fetch(`${origin}/oauth/authorize/?client_id=${demo.configured.BITRIX24_CLIENT_ID!}&state=st-9`);
  const html = await consent.text();
  const decided = await fetch(`${origin}/oauth/authorize/`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: demo.configured.BITRIX24_CLIENT_ID!, state: 'st-9', decision: 'allow' }),
    redirect: 'manual',
  });
  const callback = new URL(decided.headers.get('Location')!);
  const token = new URL(`${origin}/oauth/token/`);
  token.search = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: demo.configured.BITRIX24_CLIENT_ID!,
    client_secret: demo.configured.BITRIX24_CLIENT_SECRET!,
    code: callback.searchParams.get('code')!,
  }).toString();
  const tokens = (await (await fetch(token)).json()) as { access_token: string; client_endpoint: string };
  return { origin, html, callback, tokens };
}

describe('the demo with no Bitrix24 credentials', () => {
  it('starts the sandbox Bitrix24 on its own port and hands the product its credentials and origin', async () => {
    const { demo, env, logs } = await start();
    const origin = demo.sandboxes.bitrix24?.origin;
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(origin).not.toBe(demo.sandboxes.amocrm?.origin);
    expect(demo.configured).toMatchObject({
      BITRIX24_CLIENT_ID: BITRIX24_SANDBOX_CLIENT_ID,
      BITRIX24_CLIENT_SECRET: BITRIX24_SANDBOX_CLIENT_SECRET,
      BITRIX24_SANDBOX_ORIGIN: origin,
    });
    expect(logs.some((line) => line.includes('sandbox Bitrix24 started'))).toBe(true);

    // The portal's consent page, Allow back to the product's callback, the code exchange, REST.
    const { html, callback, tokens } = await connectToBitrix24Sandbox(demo);
    expect(html).toContain('Демо: Торговый дом «Вектор»');
    expect(`${callback.origin}${callback.pathname}`).toBe(`${env.publicUrl}/api/oauth/bitrix24/callback`);
    expect(callback.searchParams.get('domain')).toBe(new URL(origin!).host);
    expect(callback.searchParams.get('state')).toBe('st-9');
    expect(tokens.client_endpoint).toBe(`${origin!}/rest/`);
    const categories = await fetch(`${tokens.client_endpoint}crm.category.list?entityTypeId=2&auth=${tokens.access_token}`);
    const body = (await categories.json()) as { result: { categories: Array<{ name: string }> } };
    expect(body.result.categories.map((category) => category.name)).toEqual(['Общая', 'Повторные продажи', 'Тендеры']);
  });

  it('serves another portal when SANDBOX_BITRIX24_ACCOUNT points at another fixture', async () => {
    const { demo } = await start({ SANDBOX_BITRIX24_ACCOUNT: path.resolve('mocks/fixtures/bitrix24-small.json') });
    const { html, tokens } = await connectToBitrix24Sandbox(demo);
    expect(html).toContain('Студия «Клён»');
    const deals = (await (await fetch(`${tokens.client_endpoint}crm.deal.list?auth=${tokens.access_token}`)).json()) as { total: number };
    expect(deals.total).toBe(2);
  });

  it('refuses a broken portal fixture, faults, ports or half the credentials at start, naming the variable', async () => {
    const temp = makeTempDir();
    try {
      const broken = JSON.parse(fs.readFileSync('mocks/fixtures/bitrix24-small.json', 'utf8')) as { dealPipelines: Array<{ stages: Array<{ semantics?: string }> }> };
      broken.dealPipelines[0]!.stages[2]!.semantics = 'F';
      fs.writeFileSync(path.join(temp.dir, 'broken.json'), JSON.stringify(broken));
      const base = { PORT: String(await freePort()), SANDBOX_PORT: '0', SANDBOX_BITRIX24_PORT: '0', DATA_DIR: temp.dir };
      const attempt = (extra: Record<string, string>) => startDemo({ ...base, ...extra }, createLogger('silent'));
      await expect(attempt({ SANDBOX_BITRIX24_ACCOUNT: path.join(temp.dir, 'broken.json') })).rejects.toThrow(
        /SANDBOX_BITRIX24_ACCOUNT: Invalid sandbox Bitrix24 portal fixture:[\s\S]*dealPipelines\.0\.stages: pipeline 0 needs exactly one success \(S\) stage, found 0/,
      );
      await expect(attempt({ SANDBOX_BITRIX24_ACCOUNT: path.join(temp.dir, 'missing.json') })).rejects.toThrow(SandboxEnvError);
      await expect(attempt({ SANDBOX_BITRIX24_ACCOUNT: path.join(temp.dir, 'missing.json') })).rejects.toThrow(
        /SANDBOX_BITRIX24_ACCOUNT: Cannot read the sandbox Bitrix24 portal fixture/,
      );
      await expect(attempt({ SANDBOX_BITRIX24_FAULTS: 'rate503=5' })).rejects.toThrow(/SANDBOX_BITRIX24_FAULTS: rate503 must be a share/);
      await expect(attempt({ SANDBOX_BITRIX24_FAULTS: 'rate429=0.1' })).rejects.toThrow(/SANDBOX_BITRIX24_FAULTS: unknown fault "rate429"/);
      await expect(attempt({ SANDBOX_BITRIX24_PORT: '70000' })).rejects.toThrow(/SANDBOX_BITRIX24_PORT/);
      await expect(attempt({ SANDBOX_PORT: '8811', SANDBOX_BITRIX24_PORT: '8811' })).rejects.toThrow(/SANDBOX_BITRIX24_PORT: 8811 is SANDBOX_PORT too/);
      await expect(attempt({ BITRIX24_CLIENT_ID: 'local.x' })).rejects.toThrow(/BITRIX24_CLIENT_SECRET: BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET must be set together/);
    } finally {
      temp.cleanup();
    }
  });
});

describe('the demo with credentials', () => {
  it('with amoCRM credentials starts only the sandbox Bitrix24 and RetailCRM (and ignores the amoCRM sandbox variables)', async () => {
    const { demo } = await start({ ...AMOCRM_CREDENTIALS, SANDBOX_FAULTS: 'nonsense' });
    expect(Object.keys(demo.sandboxes)).toEqual(['bitrix24', 'retailcrm']);
    expect(demo.configured.AMOCRM_SANDBOX_ORIGIN).toBeUndefined();
    expect(demo.configured.BITRIX24_SANDBOX_ORIGIN).toBe(demo.sandboxes.bitrix24?.origin);
  });

  it('with Bitrix24 credentials starts only the sandbox amoCRM and RetailCRM (and ignores the Bitrix24 sandbox variables)', async () => {
    const { demo } = await start({ ...BITRIX24_CREDENTIALS, SANDBOX_BITRIX24_FAULTS: 'nonsense', SANDBOX_BITRIX24_ACCOUNT: '/nowhere.json' });
    expect(Object.keys(demo.sandboxes)).toEqual(['amocrm', 'retailcrm']);
    expect(demo.configured.BITRIX24_CLIENT_ID).toBeUndefined();
    expect(demo.configured.BITRIX24_SANDBOX_ORIGIN).toBeUndefined();
  });

  it('with every CRM configured is the product alone: no sandbox, consent on www.amocrm.ru', async () => {
    const { demo, env } = await start({
      ...AMOCRM_CREDENTIALS,
      ...BITRIX24_CREDENTIALS,
      RETAILCRM_ENABLED: 'true',
      SANDBOX_FAULTS: 'nonsense',
      SANDBOX_BITRIX24_FAULTS: 'nonsense',
      SANDBOX_RETAILCRM_FAULTS: 'nonsense',
    });
    expect(demo.sandboxes).toEqual({});
    expect(demo.configured).toEqual({});
    const response = await fetch(`${env.publicUrl}/api/connectors/amocrm/authorize`, { method: 'POST' });
    const result = authorizeResponseSchema.parse(await response.json());
    expect(result.status === 'redirect' && new URL(result.authorizeUrl).origin).toBe('https://www.amocrm.ru');
  });

  it('starts the sandbox RetailCRM without configuration: its address and key, shown on the form, connect over real sockets', async () => {
    const { demo, env } = await start();
    const retail = demo.sandboxes.retailcrm!;
    expect(demo.configured.RETAILCRM_SANDBOX_ORIGIN).toBe(retail.origin);
    expect(demo.configured.RETAILCRM_SANDBOX_API_KEY).toBe(retail.apiKey);
    const list = await fetch(`${env.publicUrl}/api/connectors`);
    const cookie = list.headers.get('Set-Cookie')!.split(';')[0]!;
    const { connectors } = (await list.json()) as { connectors: Array<{ id: string; supported: boolean; apiKey?: { sandbox: { accountUrl: string; apiKey: string } | null } | null }> };
    const card = connectors.find((connector) => connector.id === 'retailcrm')!;
    expect(card.supported).toBe(true);
    expect(card.apiKey?.sandbox).toEqual({ accountUrl: retail.origin, apiKey: retail.apiKey });
    const connected = await fetch(`${env.publicUrl}/api/connectors/retailcrm/api-key`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: env.publicUrl },
      body: JSON.stringify(card.apiKey!.sandbox),
    });
    expect(connected.status).toBe(200);
    expect(await connected.json()).toMatchObject({ status: 'authorized', account: { domain: new URL(retail.origin).host } });
  });
});

describe('a sandbox whose fixture file changes while it runs', () => {
  /** A copy of `fixture` in a temporary directory, and how to rewrite it. */
  function fixtureCopy<T>(fixture: string) {
    const temp = makeTempDir();
    const file = path.join(temp.dir, path.basename(fixture));
    fs.copyFileSync(fixture, file);
    return {
      file,
      cleanup: temp.cleanup,
      edit(change: (json: T) => void) {
        const json = JSON.parse(fs.readFileSync(file, 'utf8')) as T;
        change(json);
        fs.writeFileSync(file, JSON.stringify(json));
      },
    };
  }

  it('amoCRM re-reads its account: the product, with the tokens it has, sees a status added and a pipeline renamed', async () => {
    type Fixture = { pipelines: Array<{ name: string; statuses: Array<{ id: number; name: string; sort: number; color: string }> }> };
    const copy = fixtureCopy<Fixture>(path.resolve('mocks/fixtures/amocrm-small-account.json'));
    try {
      const { env, logs } = await start({ SANDBOX_AMOCRM_ACCOUNT: copy.file });
      const { go } = await authorizeThroughSandbox(env.publicUrl);
      const before = crmSchemaSchema.parse(await (await go(`${env.publicUrl}/api/connectors/amocrm/schema`)).json());
      expect(before.pipelines.map((pipeline) => [pipeline.name, pipeline.statuses.length])).toEqual([['Воронка', 5]]);

      copy.edit((json) => {
        json.pipelines[0]!.name = 'Продажи';
        json.pipelines[0]!.statuses.splice(3, 0, { id: 32392170, name: 'Доставка', sort: 40, color: '#ffff99' });
      });
      const after = crmSchemaSchema.parse(await (await go(`${env.publicUrl}/api/connectors/amocrm/schema?refresh=1`)).json());
      expect(after.pipelines.map((pipeline) => [pipeline.name, pipeline.statuses.length])).toEqual([['Продажи', 6]]);
      expect(after.pipelines[0]!.statuses.map((status) => status.name)).toContain('Доставка');
      expect(logs.some((line) => line.includes('sandbox amoCRM account re-read'))).toBe(true);

      // A file that no longer validates is reported; the sandbox goes on with what it had.
      fs.writeFileSync(copy.file, '{"pipelines": "half written');
      const kept = await go(`${env.publicUrl}/api/connectors/amocrm/schema?refresh=1`);
      expect(kept.status).toBe(200);
      expect(crmSchemaSchema.parse(await kept.json()).pipelines[0]!.name).toBe('Продажи');
      expect(logs.some((line) => line.includes('sandbox amoCRM account not re-read'))).toBe(true);
    } finally {
      copy.cleanup();
    }
  });

  it('Bitrix24 re-reads its portal: a token issued before keeps working and reads the renamed stage', async () => {
    type Fixture = { dealPipelines: Array<{ stages: Array<{ statusId: string; name: string }> }> };
    const copy = fixtureCopy<Fixture>(path.resolve('mocks/fixtures/bitrix24-small.json'));
    try {
      const { demo } = await start({ SANDBOX_BITRIX24_ACCOUNT: copy.file });
      const { tokens } = await connectToBitrix24Sandbox(demo);
      const stages = async () => {
        const response = await fetch(`${tokens.client_endpoint}crm.status.list?filter[ENTITY_ID]=DEAL_STAGE&auth=${tokens.access_token}`);
        expect(response.status).toBe(200);
        return ((await response.json()) as { result: Array<{ STATUS_ID: string; NAME: string }> }).result.map((stage) => `${stage.STATUS_ID}:${stage.NAME}`);
      };
      expect(await stages()).toContain('EXECUTING:В работе');
      copy.edit((json) => {
        json.dealPipelines[0]!.stages[1]!.name = 'В производстве';
      });
      expect(await stages()).toContain('EXECUTING:В производстве');
    } finally {
      copy.cleanup();
    }
  });

  it('RetailCRM re-reads its shop: the key keeps working and the new status is listed', async () => {
    type Fixture = { statusGroups: Array<{ statuses: Array<{ code: string; name: string; ordering: number }> }> };
    const copy = fixtureCopy<Fixture>(path.resolve('mocks/fixtures/retailcrm-demo.json'));
    try {
      const { demo } = await start({ SANDBOX_RETAILCRM_ACCOUNT: copy.file });
      const retail = demo.sandboxes.retailcrm!;
      const statuses = async () => {
        const response = await fetch(`${retail.origin}/api/v5/reference/statuses`, { headers: { 'X-API-KEY': retail.apiKey } });
        expect(response.status).toBe(200);
        return Object.keys(((await response.json()) as { statuses: Record<string, unknown> }).statuses);
      };
      expect(await statuses()).not.toContain('gift-wrapped');
      copy.edit((json) => {
        json.statusGroups[1]!.statuses.push({ code: 'gift-wrapped', name: 'Упакован в подарок', ordering: 90 });
      });
      expect(await statuses()).toContain('gift-wrapped');
    } finally {
      copy.cleanup();
    }
  });
});
