import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { decodeDealsSnapshot, dealsSnapshotSchema, funnelReportSchema, mappedDealSchema, type MappedDeal } from '../../app/contracts/deals';
import { problemSchema } from '../../app/contracts/problem';
import { loadSandboxAccountFile } from '../../mocks/sandbox/amocrm/account-file';
import { collect, connectThroughSandbox, createTestServer, FakeTiming, syncThroughApi, TestClient, workspaceIdOf, type TestServer } from '../testing/index';

import { csvCell } from './funnel';

/**
 * `GET /api/connectors/{connector}/funnel`, `…/deals` (the mapped-deals feed) and
 * `…/deals/snapshot` through the real API over SQLite, after a real sync from the sandbox
 * amoCRM serving `mocks/fixtures/amocrm-funnel.json`: ten hand-made deals whose figures are
 * computed by hand below (skipped stages, lost from the middle, won then returned, returned
 * never won, re-entry, a pipeline move, an unmapped status, one deal the filter drops, 142/143
 * in both pipelines).
 */

const FIXTURE = path.resolve('mocks/fixtures/amocrm-funnel.json');
const P1 = '5001';
const P2 = '5002';

const container = (id: string, name: string, statusIds: string[], marker: string | null = null) => ({ id, name, statusIds, marker });

const CONFIG = {
  schemaVersion: 2,
  connector: 'amocrm',
  filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'exclude', operator: 'equals', value: 'promo' }] },
  pipelines: [
    {
      pipelineId: P1,
      containers: [
        container('a', 'Новая', ['60011']),
        container('b', 'В работе', ['60012', '60013']),
        container('c', 'Счёт', ['60014']),
        container('w', 'Успех', ['142'], 'completed'),
        container('l', 'Отказ', ['143'], 'refusal'),
        container('r', 'Возврат', ['60015'], 'return'),
        container('p', 'Пауза', ['60016'], 'pause'),
      ],
    },
    {
      pipelineId: P2,
      containers: [container('d', 'Новая', ['60021']), container('e', 'Предложение', ['60022']), container('w2', 'Успех', ['142'], 'completed'), container('l2', 'Отказ', ['143'], 'refusal')],
    },
  ],
  customFields: { otherFields: ['1016240'] },
  calculatedFields: [
    { id: 'net', name: 'Без доставки', expression: '{price} - {cf:1016240}' },
    { id: 'share', name: 'Доля доставки', expression: '{price} / {cf:1016240}' },
  ],
};

const servers: TestServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

async function connectedAndSynced(): Promise<{ server: TestServer; browser: TestClient }> {
  const timing = new FakeTiming();
  const server = createTestServer({
    testCrm: { sandbox: { now: timing.now, account: loadSandboxAccountFile(FIXTURE) }, adapter: { timing } },
    sync: { now: timing.now },
  });
  servers.push(server);
  const browser = new TestClient(server);
  await connectThroughSandbox(browser, server.crm!.sandbox);
  const sync = await syncThroughApi(browser, server);
  expect(sync).toMatchObject({ state: 'done', loaded: 10 });
  return { server, browser };
}

/** Saves `config` as the draft, for the connected account. */
async function saveDraft(browser: TestClient, config: Record<string, unknown> = CONFIG) {
  const current = await browser.request('/api/connectors/amocrm/config');
  const version = current.status === 200 ? ((await current.json()) as { version: number }).version : 0;
  const { account } = (await (await browser.request('/api/connectors/amocrm/schema')).json()) as { account: unknown };
  const saved = await browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: { ...config, account }, headers: { 'If-Match': `"${version}"` } });
  expect(saved.status, await saved.clone().text()).toBe(200);
}

/** Activation needs every status in a container: the active configuration puts the new status into Новая. */
const COMPLETE = {
  ...CONFIG,
  pipelines: CONFIG.pipelines.map((pipeline, p) =>
    p === 0 ? { ...pipeline, containers: pipeline.containers.map((c) => (c.id === 'a' ? { ...c, statusIds: ['60011', '60017'] } : c)) } : pipeline,
  ),
};

async function saveAndActivate(browser: TestClient) {
  await saveDraft(browser, COMPLETE);
  const activated = await browser.request('/api/connectors/amocrm/activate', { method: 'POST' });
  expect(activated.status, await activated.clone().text()).toBe(200);
}

async function feed(browser: TestClient, query = ''): Promise<MappedDeal[]> {
  const response = await browser.request(`/api/connectors/amocrm/deals${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('Content-Type')).toContain('application/x-ndjson');
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => mappedDealSchema.parse(JSON.parse(line)));
}

describe('GET /api/connectors/{connector}/funnel', () => {
  it('gives the figures computed by hand for the fixture', async () => {
    const { browser } = await connectedAndSynced();
    await saveDraft(browser);
    const response = await browser.request('/api/connectors/amocrm/funnel?config=draft');
    expect(response.status).toBe(200);
    const report = funnelReportSchema.parse(await response.json());
    expect(report.syncedAt).not.toBeNull();

    const [sales, repeat] = report.pipelines;
    // Продажи: 8 deals, the filter drops deal 10 (LANDING promo). Won 1; lost 2; returned 3 (had
    // been won) and 4 (never); paused 6 (moved in from Повторные); open 5; unmapped 9.
    expect(sales).toEqual({
      pipelineId: P1,
      totals: { deals: 8, matched: 7, won: 1, lost: 1, returned: 2, paused: 1, open: 1, unmapped: 1, salesVolume: 1000, returnedVolume: 2000 },
      containers: [
        // Новая: 1, 2, 3, 4, 5 (6 was new in the other pipeline).
        { containerId: 'a', kind: 'stage', reached: 5, current: 0, conversionToNext: 1 },
        // В работе: 1, 2, 5, 6 have been there; 3 is back-filled (won, then returned).
        { containerId: 'b', kind: 'stage', reached: 5, current: 1, conversionToNext: 0.4 },
        // Счёт: 3 was there; 1 is back-filled (won).
        { containerId: 'c', kind: 'stage', reached: 2, current: 0, conversionToNext: 1 },
        { containerId: 'w', kind: 'stage', reached: 2, current: 1 },
        { containerId: 'l', kind: 'outcome', current: 1 },
        { containerId: 'r', kind: 'outcome', current: 2 },
        { containerId: 'p', kind: 'outcome', current: 1 },
      ],
    });
    // Повторные: deal 7 won (no LANDING at all: "exclude equals promo" keeps it), deal 8 lost.
    expect(repeat).toEqual({
      pipelineId: P2,
      totals: { deals: 2, matched: 2, won: 1, lost: 1, returned: 0, paused: 0, open: 0, unmapped: 0, salesVolume: 4000, returnedVolume: 0 },
      containers: [
        { containerId: 'd', kind: 'stage', reached: 2, current: 0, conversionToNext: 0.5 },
        { containerId: 'e', kind: 'stage', reached: 1, current: 0, conversionToNext: 1 },
        { containerId: 'w2', kind: 'stage', reached: 1, current: 1 },
        { containerId: 'l2', kind: 'outcome', current: 1 },
      ],
    });
    expect(report.totals).toEqual({ deals: 10, matched: 9, won: 2, lost: 2, returned: 2, paused: 1, open: 1, unmapped: 1, salesVolume: 5000, returnedVolume: 2000 });
  });

  it('?config=draft applies the draft; without it, the active configuration (409 not_activated before there is one)', async () => {
    const { browser } = await connectedAndSynced();
    const notYet = await browser.request('/api/connectors/amocrm/funnel');
    expect(notYet.status).toBe(409);
    expect(problemSchema.parse(await notYet.json())).toMatchObject({ code: 'not_activated' });

    await saveAndActivate(browser);
    // The draft drops the filter: the promo deal counts too; the active one still has the filter.
    await saveDraft(browser, { ...COMPLETE, filter: { match: 'all', conditions: [] } });
    const active = funnelReportSchema.parse(await (await browser.request('/api/connectors/amocrm/funnel')).json());
    const drafted = funnelReportSchema.parse(await (await browser.request('/api/connectors/amocrm/funnel?config=draft')).json());
    // Active: deal 9's new status is in Новая, so it is open, not unmapped.
    expect(active.totals).toMatchObject({ matched: 9, won: 2, open: 2, unmapped: 0, salesVolume: 5000 });
    expect(drafted.totals).toMatchObject({ matched: 10, won: 3, open: 2, salesVolume: 5000 + 9999 });
    expect((await browser.request('/api/connectors/amocrm/funnel?config=other')).status).toBe(400);
  });

  it('is 409 crm_not_connected with nothing connected, in any workspace but the one that connected', async () => {
    const { server } = await connectedAndSynced();
    const stranger = new TestClient(server);
    for (const url of ['/funnel', '/funnel?config=draft', '/deals', '/deals?format=csv', '/deals/snapshot']) {
      const response = await stranger.request(`/api/connectors/amocrm${url}`);
      expect(response.status, url).toBe(409);
      expect(problemSchema.parse(await response.json()), url).toMatchObject({ code: 'crm_not_connected' });
    }
  });
});

describe('GET /api/connectors/{connector}/deals (the mapped-deals feed)', () => {
  it('streams one line per matching deal with its container, outcome, reached stages, chosen fields and calculated values', async () => {
    const { browser } = await connectedAndSynced();
    await saveDraft(browser);
    const lines = await feed(browser, '?config=draft');
    expect(lines.map((line) => line.id).sort()).toEqual(['3001', '3002', '3003', '3004', '3005', '3006', '3007', '3008', '3009']);
    const byId = new Map(lines.map((line) => [line.id, line]));
    expect(byId.get('3001')).toMatchObject({
      pipelineId: P1,
      statusId: '142',
      containerId: 'w',
      outcome: 'won',
      reachedContainerIds: ['a', 'b', 'c', 'w'],
      amount: 1000,
      salesVolume: 1000,
      // Only the chosen field (Стоимость доставки), not LANDING.
      customFields: { '1016240': ['100'] },
      calculated: { 'Без доставки': 900, 'Доля доставки': 10 },
    });
    expect(byId.get('3002')).toMatchObject({ outcome: 'lost', containerId: 'l', reachedContainerIds: ['a', 'b'], salesVolume: 0 });
    // Delivery 0: the division gives null, never Infinity.
    expect(byId.get('3002')!.calculated).toEqual({ 'Без доставки': 500, 'Доля доставки': null });
    expect(byId.get('3003')).toMatchObject({ outcome: 'returned', reachedContainerIds: ['a', 'b', 'c', 'w'], salesVolume: 0 });
    expect(byId.get('3004')).toMatchObject({ outcome: 'returned', reachedContainerIds: ['a'] });
    expect(byId.get('3005')).toMatchObject({ outcome: 'open', containerId: 'b', reachedContainerIds: ['a', 'b'], amount: null });
    expect(byId.get('3006')).toMatchObject({ outcome: 'paused', reachedContainerIds: ['b'] });
    expect(byId.get('3007')).toMatchObject({ pipelineId: P2, outcome: 'won', reachedContainerIds: ['d', 'e', 'w2'], salesVolume: 4000 });
    expect(byId.get('3009')).toMatchObject({ outcome: 'unmapped', containerId: null, reachedContainerIds: [] });
    expect(byId.get('3003')!.createdAt).toBe(new Date((1735700000 + 3 * 86400) * 1000).toISOString());
  });

  it('every custom field when "Other fields" is empty; ?updatedSince= keeps the deals changed since', async () => {
    const { browser } = await connectedAndSynced();
    await saveAndActivate(browser);
    await saveDraft(browser, { ...COMPLETE, customFields: { otherFields: [] } });
    // The active configuration chose one field; the draft chooses none, that is every field.
    expect((await feed(browser)).find((line) => line.id === '3001')!.customFields).toEqual({ '1016240': ['100'] });
    const all = await feed(browser, '?config=draft');
    expect(all.find((line) => line.id === '3001')!.customFields).toEqual({ '1016300': ['site-42'], '1016240': ['100'] });
    // Deal n was updated at 2025-01-01 + n days + its history's hours: from day 8 on, deals 8 and 9 remain.
    const since = new Date((1735700000 + 8 * 86400) * 1000).toISOString();
    const recent = await feed(browser, `?updatedSince=${encodeURIComponent(since)}`);
    expect(recent.map((line) => line.id).sort()).toEqual(['3008', '3009']);
    expect((await feed(browser, `?updatedSince=${1735700000 + 8 * 86400}`)).map((line) => line.id).sort()).toEqual(['3008', '3009']);
    expect((await browser.request('/api/connectors/amocrm/deals?updatedSince=yesterday')).status).toBe(400);
    expect((await browser.request('/api/connectors/amocrm/deals?format=xml')).status).toBe(400);
  });

  it('?format=csv is a spreadsheet: a header with the field names, one row per deal, formulas defused', async () => {
    const { browser } = await connectedAndSynced();
    await saveAndActivate(browser);
    const response = await browser.request('/api/connectors/amocrm/deals?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/csv');
    expect(response.headers.get('Content-Disposition')).toContain('amocrm-deals.csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    // A UTF-8 byte order mark first, for spreadsheets to read Cyrillic right.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = new TextDecoder().decode(bytes).split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('id,pipelineId,statusId,containerId,outcome,reachedContainerIds,amount,salesVolume,createdAt,updatedAt,Стоимость доставки,Без доставки,Доля доставки');
    expect(rows).toHaveLength(10);
    const first = rows.find((row) => row.startsWith('3001,'))!;
    expect(first.split(',')).toEqual(['3001', P1, '142', 'w', 'won', 'a b c w', '1000', '1000', expect.any(String), expect.any(String), '100', '900', '10']);
  });

  it('csvCell quotes separators and defuses text a spreadsheet would run', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+7 900')).toBe("'+7 900");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('строка\nдругая')).toBe('"строка\nдругая"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(-5)).toBe('-5');
  });
  it('is compressed for a client that accepts gzip, and still streams', async () => {
    const { browser } = await connectedAndSynced();
    await saveAndActivate(browser);
    const response = await browser.request('/api/connectors/amocrm/deals', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Encoding')).toBe('gzip');
    const text = new TextDecoder().decode(gunzipSync(new Uint8Array(await response.arrayBuffer())));
    expect(text.split('\n').filter(Boolean).map((line) => mappedDealSchema.parse(JSON.parse(line)).id)).toHaveLength(9);
  });
});

describe('GET /api/connectors/{connector}/deals/snapshot', () => {
  it('has every synced deal as the engine reads it, with the currency and when it was synced', async () => {
    const { server, browser } = await connectedAndSynced();
    const response = await browser.request('/api/connectors/amocrm/deals/snapshot');
    expect(response.status).toBe(200);
    const snapshot = decodeDealsSnapshot(dealsSnapshotSchema.parse(await response.json()));
    expect(snapshot.currency).toBe('RUB');
    expect(snapshot.syncedAt).not.toBeNull();
    expect(snapshot.deals).toHaveLength(10);
    // Exactly the stored deals, field values and all.
    const stored = (await collect(server.repo.iterateDeals(await workspaceIdOf(browser), 'amocrm')));
    expect(snapshot.deals).toEqual(stored);
    // Deal 6 moved in from Повторные: only its positions in Продажи count.
    expect(snapshot.deals.find((deal) => deal.id === '3006')).toMatchObject({ pipelineId: P1, statusId: '60016', visited: ['60013', '60016'] });
    // Deal 5 went back and forth: each status once, first reached first.
    expect(snapshot.deals.find((deal) => deal.id === '3005')!.visited).toEqual(['60011', '60012', '60013']);
    expect([...snapshot.byPipeline.keys()].sort()).toEqual([P1, P2]);
  });

  it('is compact: deals as tuples of numbers, each text once', async () => {
    const { browser } = await connectedAndSynced();
    const raw = (await (await browser.request('/api/connectors/amocrm/deals/snapshot')).json()) as { deals: unknown[][]; strings: string[] };
    expect(new Set(raw.strings).size).toBe(raw.strings.length);
    expect(raw.strings).toContain('142');
    expect(raw.deals[0]?.[0]).toBeTypeOf('number');
    for (const deal of raw.deals) expect(deal.slice(1, 3).every((cell) => typeof cell === 'number')).toBe(true);
  });
});
