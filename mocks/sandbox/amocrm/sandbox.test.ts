import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import smallFixture from '../../fixtures/amocrm-small-account.json';

import { DEFAULT_FAULTS, parseSandboxFaults, SandboxFaultsError } from './faults';
import { buildSandboxAccount, SandboxFixtureError, type AccountFixtureInput } from './fixture';
import { sandboxHandlers } from './msw';
import {
  createSandboxAmo,
  demoAccount,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_DEFAULT_REDIRECT_URI,
  type SandboxAmo,
  type SandboxOptions,
} from './index';

const ORIGIN = 'http://127.0.0.1:8788';

interface Clock {
  at: number;
}
function sandboxWithClock(options: SandboxOptions = {}): { sandbox: SandboxAmo; clock: Clock } {
  const clock = { at: Date.UTC(2025, 10, 1) };
  return { sandbox: createSandboxAmo({ now: () => clock.at, ...options }), clock };
}

async function decide(sandbox: SandboxAmo, decision: 'allow' | 'deny', state: string | null = 'st-1'): Promise<URL> {
  const form = new URLSearchParams({ client_id: SANDBOX_CLIENT_ID, decision, mode: 'post_message' });
  if (state !== null) form.set('state', state);
  const response = await sandbox.fetch(new Request(`${ORIGIN}/oauth/decision`, { method: 'POST', body: form }));
  expect(response.status).toBe(302);
  return new URL(response.headers.get('Location')!);
}

function tokenRequest(sandbox: SandboxAmo, body: Record<string, string>): Promise<Response> {
  return sandbox.fetch(
    new Request(`${ORIGIN}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        client_id: SANDBOX_CLIENT_ID,
        client_secret: SANDBOX_CLIENT_SECRET,
        redirect_uri: SANDBOX_DEFAULT_REDIRECT_URI,
        ...body,
      }),
    }),
  );
}

interface TokenBody {
  token_type: string;
  expires_in: number;
  server_time: number;
  access_token: string;
  refresh_token: string;
}

async function grant(sandbox: SandboxAmo): Promise<TokenBody> {
  const code = (await decide(sandbox, 'allow')).searchParams.get('code')!;
  const response = await tokenRequest(sandbox, { grant_type: 'authorization_code', code });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenBody;
}

const api = (sandbox: SandboxAmo, token: string, path: string) =>
  sandbox.fetch(new Request(`${ORIGIN}${path}`, { headers: { Authorization: `Bearer ${token}` } }));

async function hint(response: Response): Promise<string> {
  expect(response.status).toBe(400);
  expect(response.headers.get('Content-Type')).toContain('application/json');
  const body = (await response.json()) as { hint: string; type: string; status: number };
  expect(body).toMatchObject({ type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson', status: 400 });
  return body.hint;
}

describe('consent page', () => {
  it('shows the account with Allow and Deny buttons and escapes every text', async () => {
    const sandbox = createSandboxAmo();
    const state = '"><script>alert(1)</script>';
    const response = await sandbox.fetch(
      new Request(`${ORIGIN}/oauth?client_id=${SANDBOX_CLIENT_ID}&state=${encodeURIComponent(state)}&mode=post_message`),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Демо: Агентство');
    expect(html).toMatch(/<button[^>]*value="allow"[^>]*>Allow<\/button>/);
    expect(html).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
  });

  it('refuses an unknown integration', async () => {
    const response = await createSandboxAmo().fetch(new Request(`${ORIGIN}/oauth?client_id=someone-else&state=x`));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Интеграция не найдена');
  });

  it('Allow redirects with code, referer, state, platform and client_id; Deny with error=access_denied', async () => {
    const sandbox = createSandboxAmo();
    const allowed = await decide(sandbox, 'allow', 'abc');
    expect(`${allowed.origin}${allowed.pathname}`).toBe(SANDBOX_DEFAULT_REDIRECT_URI);
    expect(Object.fromEntries(allowed.searchParams)).toEqual({
      code: expect.stringMatching(/^def50200[0-9a-f]+$/),
      referer: '127.0.0.1:8788',
      state: 'abc',
      platform: '1',
      client_id: SANDBOX_CLIENT_ID,
    });
    const denied = await decide(sandbox, 'deny', 'abc');
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', state: 'abc' });
    // No state sent, none comes back.
    expect((await decide(sandbox, 'allow', null)).searchParams.has('state')).toBe(false);
  });
});

describe('token endpoint', () => {
  it('exchanges a code once, for a 24-hour JWT-like access token and a refresh token', async () => {
    const sandbox = createSandboxAmo();
    const code = (await decide(sandbox, 'allow')).searchParams.get('code')!;
    const response = await tokenRequest(sandbox, { grant_type: 'authorization_code', code });
    expect(response.headers.get('Content-Type')).toContain('application/json');
    const body = (await response.json()) as TokenBody;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86400, server_time: expect.any(Number) });
    expect(body.access_token.split('.')).toHaveLength(3);
    const claims = JSON.parse(atob(body.access_token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    expect(claims).toMatchObject({ account_id: 31234567, api_domain: '127.0.0.1:8788', aud: SANDBOX_CLIENT_ID });

    expect(await hint(await tokenRequest(sandbox, { grant_type: 'authorization_code', code }))).toBe(
      'Authorization code has been revoked',
    );
    expect(await hint(await tokenRequest(sandbox, { grant_type: 'authorization_code', code: 'def50200nope' }))).toBe(
      'Cannot decrypt the authorization code',
    );
  });

  it('lets codes expire after 20 minutes', async () => {
    const { sandbox, clock } = sandboxWithClock();
    const fresh = (await decide(sandbox, 'allow')).searchParams.get('code')!;
    const stale = (await decide(sandbox, 'allow')).searchParams.get('code')!;
    clock.at += 19 * 60 * 1000;
    expect((await tokenRequest(sandbox, { grant_type: 'authorization_code', code: fresh })).status).toBe(200);
    clock.at += 2 * 60 * 1000;
    expect(await hint(await tokenRequest(sandbox, { grant_type: 'authorization_code', code: stale }))).toBe(
      'Authorization code has expired',
    );
  });

  it('checks the client secret and the redirect URI', async () => {
    const sandbox = createSandboxAmo();
    const code = (await decide(sandbox, 'allow')).searchParams.get('code')!;
    expect(await hint(await tokenRequest(sandbox, { grant_type: 'authorization_code', code, client_secret: 'wrong' }))).toBe(
      'Client authentication failed',
    );
    expect(
      await hint(await tokenRequest(sandbox, { grant_type: 'authorization_code', code, redirect_uri: 'https://evil.com/cb' })),
    ).toContain('redirect_uri');
    expect(await hint(await tokenRequest(sandbox, { grant_type: 'password' }))).toContain('grant_type');
  });

  it('rotates refresh tokens: each is single-use and the old access token dies', async () => {
    const sandbox = createSandboxAmo();
    const first = await grant(sandbox);
    const refreshed = await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as TokenBody;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await hint(await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: first.refresh_token }))).toBe(
      'Invalid refresh token',
    );
    expect((await api(sandbox, first.access_token, '/api/v4/account')).status).toBe(401);
    expect((await api(sandbox, second.access_token, '/api/v4/account')).status).toBe(200);
  });

  it('expires access tokens after 24 hours (or accessTtlSec) with a problem+json 401', async () => {
    const { sandbox, clock } = sandboxWithClock({ faults: 'accessTtlSec=60' });
    const tokens = await grant(sandbox);
    expect(tokens.expires_in).toBe(60);
    clock.at += 59_000;
    expect((await api(sandbox, tokens.access_token, '/api/v4/account')).status).toBe(200);
    clock.at += 2_000;
    const expired = await api(sandbox, tokens.access_token, '/api/v4/account');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await expired.json()).toEqual({
      title: 'Unauthorized',
      type: 'https://httpstatus.es/401',
      status: 401,
      detail: 'Invalid user name or password',
    });
  });

  it('revokeAccess kills every token, refresh included', async () => {
    const sandbox = createSandboxAmo();
    const tokens = await grant(sandbox);
    sandbox.revokeAccess();
    expect((await api(sandbox, tokens.access_token, '/api/v4/account')).status).toBe(401);
    expect(await hint(await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }))).toBe(
      'Invalid refresh token',
    );
  });
});

describe('API v4', () => {
  let sandbox: SandboxAmo;
  let token: string;
  beforeAll(async () => {
    sandbox = createSandboxAmo({ faults: { rps: 0 } });
    token = (await grant(sandbox)).access_token;
  });
  const get = async (path: string) => {
    const response = await api(sandbox, token, path);
    return { response, body: response.status === 200 ? ((await response.json()) as Record<string, never>) : null };
  };

  it('answers the account as hal+json', async () => {
    const { response, body } = await get('/api/v4/account');
    expect(response.headers.get('Content-Type')).toBe('application/hal+json');
    expect(body).toMatchObject({
      id: 31234567,
      subdomain: 'demo',
      name: 'Демо: Агентство',
      currency: 'RUB',
      _links: { self: { href: `${ORIGIN}/api/v4/account` } },
    });
  });

  it('lists pipelines with 142 and 143 in every one, and the reference pipeline in CRM order', async () => {
    const { body } = await get('/api/v4/leads/pipelines');
    type Pipeline = { id: number; name: string; is_archive: boolean; _embedded: { statuses: Array<{ id: number; name: string; type: number; sort: number; color: string; is_editable: boolean }> } };
    const pipelines = (body as unknown as { _embedded: { pipelines: Pipeline[] } })._embedded.pipelines;
    expect(pipelines.length).toBeGreaterThanOrEqual(3);
    for (const pipeline of pipelines) {
      const ids = pipeline._embedded.statuses.map((status) => status.id);
      expect(ids).toEqual(expect.arrayContaining([142, 143]));
      expect(pipeline._embedded.statuses.filter((status) => status.type === 1)).toHaveLength(1);
    }
    const reference = pipelines[0]!;
    expect(reference._embedded.statuses.map((status) => status.name)).toEqual([
      'Неразобранное',
      'Проработка заявки',
      'Расчет КП',
      'Согласование договора',
      'Акты по лицензиям выставлены',
      'Успешно реализовано',
      'Закрыто и не реализовано',
    ]);
    expect(reference._embedded.statuses.at(-2)).toMatchObject({ id: 142, sort: 10000, color: '#CCFF66', type: 0, is_editable: false });
    expect(reference._embedded.statuses.at(-1)).toMatchObject({ id: 143, sort: 11000, color: '#D5D8DB', type: 0 });

    const single = await get(`/api/v4/leads/pipelines/${reference.id}`);
    expect(single.body).toMatchObject({ id: reference.id, _embedded: { statuses: expect.any(Array) } });
    const statuses = await get(`/api/v4/leads/pipelines/${reference.id}/statuses`);
    expect(statuses.body).toMatchObject({ _total_items: 7 });
    expect((await get('/api/v4/leads/pipelines/1')).response.status).toBe(204);
  });

  it('pages custom fields: default 50, max 250 (422 beyond), _links.next until the last page, 204 past it', async () => {
    const all = await get('/api/v4/leads/custom_fields');
    const total = (all.body as unknown as { _total_items: number })._total_items;
    expect(total).toBeGreaterThan(20);

    const pages: number[][] = [];
    for (let page = 1; ; page += 1) {
      const { response, body } = await get(`/api/v4/leads/custom_fields?limit=10&page=${page}`);
      if (response.status === 204) break;
      const typed = body as unknown as { _page: number; _page_count: number; _links: { next?: { href: string } }; _embedded: { custom_fields: Array<{ id: number }> } };
      pages.push(typed._embedded.custom_fields.map((field) => field.id));
      expect(typed._page_count).toBe(Math.ceil(total / 10));
      if (page < typed._page_count) expect(typed._links.next?.href).toContain(`page=${page + 1}`);
      else expect(typed._links.next).toBeUndefined();
    }
    expect(pages).toHaveLength(Math.ceil(total / 10));
    expect(new Set(pages.flat()).size).toBe(total);

    const tooMany = await api(sandbox, token, '/api/v4/leads/custom_fields?limit=251');
    expect(tooMany.status).toBe(422);
    expect(tooMany.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await tooMany.json()).toMatchObject({ status: 422, detail: 'Limit 250 per page' });
    const tracking = await get('/api/v4/leads/custom_fields?filter[type][0]=tracking_data');
    const codes = (tracking.body as unknown as { _embedded: { custom_fields: Array<{ code: string }> } })._embedded.custom_fields.map((field) => field.code);
    expect(codes).toEqual(expect.arrayContaining(['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM', 'UTM_REFERRER']));
  });

  it('lists leads with custom field values, filters and order; 204 when nothing matches', async () => {
    const { body } = await get('/api/v4/leads?limit=250&filter[statuses][0][pipeline_id]=7412301&filter[statuses][0][status_id]=142');
    const leads = (body as unknown as { _embedded: { leads: Array<{ pipeline_id: number; status_id: number; closed_at: number | null }> } })._embedded.leads;
    expect(leads.length).toBeGreaterThan(5);
    expect(leads.every((lead) => lead.pipeline_id === 7412301 && lead.status_id === 142 && lead.closed_at !== null)).toBe(true);

    const recent = await get('/api/v4/leads?limit=5&order[created_at]=desc');
    type Lead = { created_at: number; custom_fields_values: Array<{ field_type: string; values: Array<{ value: unknown }> }> | null };
    const five = (recent.body as unknown as { _embedded: { leads: Lead[] } })._embedded.leads;
    expect(five).toHaveLength(5);
    expect(five.map((lead) => lead.created_at)).toEqual([...five.map((lead) => lead.created_at)].sort((a, b) => b - a));
    const numeric = five.flatMap((lead) => lead.custom_fields_values ?? []).filter((field) => field.field_type === 'monetary');
    expect(numeric.length).toBeGreaterThan(0);
    expect(typeof numeric[0]!.values[0]!.value).toBe('string');

    expect((await get('/api/v4/leads?filter[pipeline_id][]=1')).response.status).toBe(204);
    expect((await get('/api/v4/leads?limit=300')).response.status).toBe(422);
    expect((await get('/api/v4/leads/1')).response.status).toBe(204);
  });

  it('lists lead_status_changed events with before and after, newest first', async () => {
    const { body } = await get('/api/v4/events?filter[type][]=lead_status_changed&filter[entity][]=lead&limit=100');
    type Event = { type: string; created_at: number; value_before: Array<{ lead_status: { id: number } }>; value_after: Array<{ lead_status: { id: number; pipeline_id: number } }> };
    const events = (body as unknown as { _links: { next?: unknown }; _embedded: { events: Event[] } });
    expect(events._embedded.events).toHaveLength(100);
    expect(events._links.next).toBeDefined();
    expect(events._embedded.events.every((event) => event.type === 'lead_status_changed')).toBe(true);
    const times = events._embedded.events.map((event) => event.created_at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await get('/api/v4/events?limit=101')).response.status).toBe(422);
    expect((await get('/api/v4/events?filter[type][]=lead_added')).response.status).toBe(204);

    // One deal's history replays its path through the funnel.
    const history = await get('/api/v4/events?filter[entity][]=lead&filter[entity_id][]=19619');
    const path = (history.body as unknown as { _embedded: { events: Event[] } })._embedded.events
      .reverse()
      .map((event) => event.value_after[0]!.lead_status.id);
    expect(path).toEqual([61874504, 61874507, 61874510, 61874513, 142]);
  });

  it('answers 401 without a token and 404/405 for unknown paths and methods', async () => {
    expect((await sandbox.fetch(new Request(`${ORIGIN}/api/v4/account`))).status).toBe(401);
    expect((await get('/api/v4/nothing')).response.status).toBe(404);
    const post = await sandbox.fetch(
      new Request(`${ORIGIN}/api/v4/leads`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '[]' }),
    );
    expect(post.status).toBe(405);
  });
});

describe('faults', () => {
  it('parses SANDBOX_FAULTS and names what is wrong', () => {
    expect(parseSandboxFaults('rate429=0.2,error500=0.1,latencyMs=300,accessTtlSec=60')).toEqual({
      ...DEFAULT_FAULTS,
      rate429: 0.2,
      error500: 0.1,
      latencyMs: 300,
      accessTtlSec: 60,
    });
    expect(parseSandboxFaults('unpaid, rps=0')).toMatchObject({ unpaid: true, rps: 0 });
    expect(parseSandboxFaults(undefined)).toEqual(DEFAULT_FAULTS);
    expect(() => parseSandboxFaults('rate429=2')).toThrow(SandboxFaultsError);
    expect(() => parseSandboxFaults('teapot=1')).toThrow(/unknown fault "teapot"/);
    expect(() => parseSandboxFaults('latencyMs=-5')).toThrow(/latencyMs/);
    expect(() => parseSandboxFaults('accessTtlSec=0')).toThrow(/accessTtlSec/);
  });

  it('injects 429 with retry_after, 500, 402 and 403', async () => {
    const sandbox = createSandboxAmo({ faults: { rate429: 1, retryAfterSec: 7 } });
    const { access_token: token } = await grant(sandbox);
    const limited = await api(sandbox, token, '/api/v4/account');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ status: 429, retry_after: 7 });
    sandbox.setFaults({ rate429: 0, error500: 1 });
    expect((await api(sandbox, token, '/api/v4/account')).status).toBe(500);
    sandbox.setFaults({ error500: 0, unpaid: true });
    const unpaid = await api(sandbox, token, '/api/v4/account');
    expect(unpaid.status).toBe(402);
    expect(await unpaid.json()).toMatchObject({ title: 'Payment Required', detail: 'Payment required' });
    sandbox.setFaults({ unpaid: false, blocked: true });
    expect((await api(sandbox, token, '/api/v4/account')).status).toBe(403);
  });

  it('rolls the 429/500 dice from a seed, so runs repeat', async () => {
    const statuses = async () => {
      const sandbox = createSandboxAmo({ faults: 'rate429=0.3,error500=0.2,seed=42,rps=0' });
      const { access_token: token } = await grant(sandbox);
      const seen: number[] = [];
      for (let i = 0; i < 20; i += 1) seen.push((await api(sandbox, token, '/api/v4/account')).status);
      return seen;
    };
    const first = await statuses();
    expect(first).toEqual(await statuses());
    expect(new Set(first)).toEqual(new Set([200, 429, 500]));
  });

  it('enforces its own 7 requests per second per account', async () => {
    const { sandbox, clock } = sandboxWithClock();
    const { access_token: token } = await grant(sandbox);
    const burst: number[] = [];
    for (let i = 0; i < 8; i += 1) burst.push((await api(sandbox, token, '/api/v4/account')).status);
    expect(burst).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
    clock.at += 1000;
    expect((await api(sandbox, token, '/api/v4/account')).status).toBe(200);
  });

  it('adds latency that a client abort cuts short', async () => {
    const sandbox = createSandboxAmo();
    const { access_token: token } = await grant(sandbox);
    sandbox.setFaults({ latencyMs: 10_000 });
    const started = Date.now();
    const response = await sandbox.fetch(
      new Request(`${ORIGIN}/api/v4/account`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30) }),
    );
    expect(response.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('fixtures', () => {
  it('the demo account is realistic: pipelines, tracking, numeric, select fields and a few hundred deals with histories', () => {
    const account = demoAccount();
    const fields = account.fixture.custom_fields;
    expect(account.fixture.pipelines.length).toBeGreaterThanOrEqual(3);
    expect(fields.find((field) => field.code === 'LANDING')?.type).toBe('text');
    expect(fields.find((field) => field.name === 'CID Яндекс.Метрики')?.type).toBe('text');
    expect(fields.filter((field) => field.type === 'monetary').map((field) => field.name)).toEqual(
      expect.arrayContaining(['Себестоимость', 'Маржа']),
    );
    expect(fields.some((field) => field.type === 'numeric')).toBe(true);
    expect(fields.some((field) => field.type === 'select' && (field.enums?.length ?? 0) > 1)).toBe(true);
    expect(fields.some((field) => field.type === 'multiselect' && (field.enums?.length ?? 0) > 1)).toBe(true);
    expect(account.leads.length).toBeGreaterThanOrEqual(300);
    expect(account.events.length).toBeGreaterThan(account.leads.length);
    expect(account.leads.filter((lead) => lead.statusId === 142).length).toBeGreaterThan(20);
    expect(account.leads.filter((lead) => lead.statusId === 143).length).toBeGreaterThan(20);
  });

  it('generates the same deals from the same seed', () => {
    const fixture = (seed: number): AccountFixtureInput => ({
      ...(smallFixture as AccountFixtureInput),
      generate: { seed, leads: 50, from: '2025-01-01', to: '2025-03-31' },
    });
    const one = buildSandboxAccount(fixture(7));
    expect(buildSandboxAccount(fixture(7))).toEqual(one);
    expect(buildSandboxAccount(fixture(8)).leads).not.toEqual(one.leads);
    expect(one.leads).toHaveLength(52);
  });

  it('reports every problem of a broken fixture', () => {
    const broken = structuredClone(smallFixture) as AccountFixtureInput;
    broken.pipelines[0]!.statuses = broken.pipelines[0]!.statuses.filter((status) => status.id !== 143);
    broken.leads![0]!.custom_fields_values = { '999': ['x'] };
    expect(() => buildSandboxAccount(broken)).toThrow(SandboxFixtureError);
    expect(() => buildSandboxAccount(broken)).toThrow(/status 143 is missing[\s\S]*unknown field/);
  });
});

describe('MSW handlers', () => {
  const sandbox = createSandboxAmo({ account: buildSandboxAccount(smallFixture) });
  const server = setupServer(...sandboxHandlers(sandbox));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('serve the same sandbox to any fetch', async () => {
    const { access_token: token } = await grant(sandbox);
    const response = await fetch(`${ORIGIN}/api/v4/account`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 29000001, subdomain: 'elka' });
    const page = await fetch(`${ORIGIN}/oauth?client_id=${SANDBOX_CLIENT_ID}&state=s`);
    expect(await page.text()).toContain('Магазин «Ёлка»');
  });
});
