import { afterEach, describe, expect, it } from 'vitest';

import type { ConnectorId } from '../../app/contracts/connector';
import { dealSyncSchema, IDLE_SYNC, type DealSync, type FunnelDeal } from '../../app/contracts/deals';
import { dealVisits } from '../../app/contracts/funnel';
import { allPages } from '../crm/conformance/suite';
import { storedConnection } from '../crm/token-store';
import type { CrmAdapter, CrmStatusChange } from '../crm/types';
import {
  collect,
  connectThroughSandbox,
  createTestServer,
  FakeTiming,
  TestClient,
  workspaceIdOf,
  type TestServer,
} from '../testing/index';
import { createLogger } from '../lib/logger';

import type { DealSyncOptions } from './deal-sync';
import { createDealSync, toSyncedDeal } from './deal-sync';

/**
 * The deal sync over the real API's storage (a temporary SQLite file), the real adapters and
 * the in-process sandboxes, on a fake clock shared by the adapters, the sandboxes and the sync
 * (backoffs and rate limits pass without waiting).
 */

const servers: TestServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

interface Kit {
  server: TestServer;
  browser: TestClient;
  timing: FakeTiming;
  workspaceId: string;
  adapter(connector?: ConnectorId): CrmAdapter;
  /** Sets what happens on every request an adapter sends (before its sandbox answers). */
  onRequest(hook: ((connector: ConnectorId, url: URL) => void | Promise<void>) | null): void;
  /** URLs of the requests an adapter sent to that path since the kit was made. */
  sent(connector: ConnectorId, path: string): URL[];
  stored(connector?: ConnectorId): Promise<FunnelDeal[]>;
}

async function kit(options: { bitrix24?: boolean; sync?: Omit<DealSyncOptions, 'repo' | 'crm' | 'logger'> } = {}): Promise<Kit> {
  const timing = new FakeTiming();
  let hook: ((connector: ConnectorId, url: URL) => void | Promise<void>) | null = null;
  const sent: Array<{ connector: ConnectorId; url: URL }> = [];
  const server = createTestServer({
    testCrm: {
      sandbox: { now: timing.now },
      adapter: { timing },
      bitrix24: options.bitrix24 ? { sandbox: { now: timing.now }, adapter: { timing } } : false,
      onRequest: (connector, request) => {
        const url = new URL(request.url);
        sent.push({ connector, url });
        return hook?.(connector, url);
      },
    },
    sync: { now: timing.now, ...options.sync },
  });
  servers.push(server);
  const browser = new TestClient(server);
  await connectThroughSandbox(browser, server.crm!.sandbox);
  if (options.bitrix24) await connectThroughSandbox(browser, server.crm!.bitrix24!.sandbox, { address: server.crm!.bitrix24!.host }, 'bitrix24');
  const workspaceId = await workspaceIdOf(browser);
  return {
    server,
    browser,
    timing,
    workspaceId,
    adapter: (connector = 'amocrm') => server.crm!.deps.adapters[connector]!,
    onRequest(next) {
      hook = next;
    },
    sent: (connector, path) => sent.filter((entry) => entry.connector === connector && entry.url.pathname === path).map((entry) => entry.url),
    stored: (connector = 'amocrm') => collect(server.repo.iterateDeals(workspaceId, connector)),
  };
}

/** What the adapter lists: every deal and every status change, each deal's `visited` derived from its changes. */
async function listed(k: Kit, connector: ConnectorId = 'amocrm'): Promise<Map<string, FunnelDeal>> {
  const adapter = k.adapter(connector);
  const connection = storedConnection(k.server.repo, k.server.crm!.deps.cipher, k.workspaceId, connector);
  const leads = await allPages((page) => adapter.listLeads(connection, { page, limit: 250 }));
  const events = await allPages((page) => adapter.listEvents(connection, { page }));
  const byDeal = new Map<string, CrmStatusChange[]>();
  for (const event of events.items) byDeal.set(event.leadId, [...(byDeal.get(event.leadId) ?? []), event]);
  const changes = (id: string) => (byDeal.get(id) ?? []).map((event) => ({ at: event.createdAt, before: event.before, after: event.after }));
  return new Map(leads.items.map((lead) => {
    const deal = toSyncedDeal(lead);
    return [lead.id, { ...deal, visited: dealVisits(deal, changes(lead.id)) }];
  }));
}

const seconds = (k: Kit) => Math.floor(k.timing.now() / 1000);

describe('a full sync', () => {
  it('loads every amoCRM deal and status change: the stored deals are what the adapter lists, visited from their changes', async () => {
    const k = await kit();
    const { workspaceId, server } = k;
    expect((await server.dealSync.status(workspaceId, 'amocrm'))).toEqual(IDLE_SYNC);
    const started = await server.dealSync.start(workspaceId, 'amocrm');
    expect(dealSyncSchema.parse(started)).toMatchObject({ state: 'loading', loaded: 0, total: null, error: null });
    const done = await server.dealSync.settled(workspaceId, 'amocrm');
    expect(done).toEqual<DealSync>({
      state: 'done',
      loaded: 321,
      total: null,
      startedAt: started.startedAt,
      finishedAt: done.finishedAt,
      syncedAt: started.startedAt,
      error: null,
    });
    expect(done.finishedAt! >= done.startedAt!).toBe(true);
    expect((await server.repo.getDealSync(workspaceId, 'amocrm'))?.currency).toBe('RUB');
    // Two pages of deals (250 a page), ten of status changes (100 a page), the account once.
    expect(k.sent('amocrm', '/api/v4/leads')).toHaveLength(2);
    expect(k.sent('amocrm', '/api/v4/events')).toHaveLength(10);

    const stored = await k.stored();
    expect(stored).toHaveLength(321);
    expect(await server.repo.countDeals(workspaceId, 'amocrm')).toBe(321);
    const expected = await listed(k);
    expect(new Map(stored.map((deal) => [deal.id, deal]))).toEqual(expected);
    // Ordered by updatedAt, then id.
    const order = stored.map((deal) => [deal.updatedAt, deal.id] as const);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));

    // By hand: deal 19619 went 61874501 → 504 → 507 → 510 → 513 → 142 (won) in pipeline 7412301.
    const deal = stored.find((candidate) => candidate.id === '19619');
    expect(deal).toMatchObject({ pipelineId: '7412301', statusId: '142' });
    expect(deal?.visited).toEqual(['61874501', '61874504', '61874507', '61874510', '61874513', '142']);
    // A deal nobody moved has been only where it is.
    const moved = new Set(server.crm!.sandbox.account.events.map((event) => String(event.leadId)));
    const still = stored.find((candidate) => !moved.has(candidate.id));
    expect(still?.visited).toEqual([still?.statusId]);
  });

  it('loads every Bitrix24 deal with the total the portal reports, and its currency', async () => {
    const k = await kit({ bitrix24: true });
    const reads: Array<Promise<DealSync>> = [];
    k.onRequest((connector, url) => {
      if (connector === 'bitrix24' && url.pathname.startsWith('/rest/crm.')) reads.push(k.server.dealSync.status(k.workspaceId, 'bitrix24'));
    });
    await k.server.dealSync.start(k.workspaceId, 'bitrix24');
    const done = await k.server.dealSync.settled(k.workspaceId, 'bitrix24');
    expect(done).toMatchObject({ state: 'done', loaded: 323, total: 323, error: null });
    expect((await k.server.repo.getDealSync(k.workspaceId, 'bitrix24'))?.currency).toBe('RUB');
    const progress = await Promise.all(reads);
    // Progress: loaded grows page by page (50 a page); the total is known from the first page on.
    const loaded = progress.map((entry) => entry.loaded);
    expect(loaded.slice(0, 8)).toEqual([0, 0, 50, 100, 150, 200, 250, 300]);
    expect(progress[1]?.total).toBeNull();
    expect(progress[2]?.total).toBe(323);
    expect(progress.every((entry) => entry.state === 'loading')).toBe(true);
    expect(k.sent('bitrix24', '/rest/crm.deal.list')).toHaveLength(7);
    expect(k.sent('bitrix24', '/rest/crm.stagehistory.list')).toHaveLength(26);

    const stored = await k.stored('bitrix24');
    expect(new Map(stored.map((deal) => [deal.id, deal]))).toEqual(await listed(k, 'bitrix24'));
    // By hand: deal 2 went NEW → PREPARATION in the default pipeline, then to the tenders pipeline 7, lost there.
    expect(stored.find((deal) => deal.id === '2')).toMatchObject({
      pipelineId: '7',
      statusId: 'C7:LOSE',
      visited: ['C7:PREPARATION', 'C7:UC_4F1Q2A', 'C7:UC_7K2M9B', 'C7:LOSE'],
    });
    // amoCRM's deals are apart.
    expect(await k.stored('amocrm')).toEqual([]);
  });

  it('a look at the progress while our own run ends starts no second run (the record read still said loading)', async () => {
    const k = await kit();
    const repo = k.server.repo;
    const read = repo.getDealSyncRecord.bind(repo);
    let heldRead: Promise<void> | null = null;
    let releaseRead = () => {};
    // The next record read (the look below) is answered only after the run has ended.
    repo.getDealSyncRecord = async (...args) => {
      const record = await read(...args);
      if (heldRead) {
        const held = heldRead;
        heldRead = null;
        await held;
      }
      return record;
    };
    const looks: Array<Promise<DealSync>> = [];
    k.onRequest((_, url) => {
      if (url.pathname !== '/api/v4/leads' || looks.length > 0) return;
      heldRead = new Promise((resolve) => (releaseRead = resolve));
      looks.push(k.server.dealSync.status(k.workspaceId, 'amocrm'));
    });
    await k.server.dealSync.start(k.workspaceId, 'amocrm');
    await k.server.dealSync.settled(k.workspaceId, 'amocrm');
    const requestsOfTheRun = k.sent('amocrm', '/api/v4/leads').length;
    releaseRead();
    await Promise.all(looks);
    expect(looks).toHaveLength(1);
    await k.server.dealSync.idle();
    expect(k.sent('amocrm', '/api/v4/leads')).toHaveLength(requestsOfTheRun);
    expect((await k.server.dealSync.status(k.workspaceId, 'amocrm')).state).toBe('done');
  });

  it('reports loaded growing page by page for amoCRM, with no total', async () => {
    const k = await kit({ sync: { dealPageSize: 100 } });
    const reads: Array<Promise<DealSync>> = [];
    k.onRequest((_, url) => {
      if (url.pathname === '/api/v4/leads') reads.push(k.server.dealSync.status(k.workspaceId, 'amocrm'));
    });
    await k.server.dealSync.start(k.workspaceId, 'amocrm');
    await k.server.dealSync.settled(k.workspaceId, 'amocrm');
    const seen = await Promise.all(reads);
    expect(seen.map((entry) => [entry.state, entry.loaded, entry.total])).toEqual([
      ['loading', 0, null],
      ['loading', 100, null],
      ['loading', 200, null],
      ['loading', 300, null],
    ]);
  });

  it('one run at a time: a second start while loading returns the running progress and asks the CRM nothing more', async () => {
    const k = await kit();
    const first = await k.server.dealSync.start(k.workspaceId, 'amocrm');
    const second = await k.server.dealSync.start(k.workspaceId, 'amocrm');
    expect(second).toEqual(first);
    await k.server.dealSync.idle();
    expect(k.sent('amocrm', '/api/v4/leads')).toHaveLength(2);
    expect(await k.server.repo.countDeals(k.workspaceId, 'amocrm')).toBe(321);
  });
});

describe('an incremental sync', () => {
  it('asks only for what changed since the last run (less the overlap) and applies it: a new status, a deal moved to another pipeline', async () => {
    const k = await kit();
    const { server, workspaceId } = k;
    await server.dealSync.start(workspaceId, 'amocrm');
    const first = await server.dealSync.settled(workspaceId, 'amocrm');
    const before = new Map((await k.stored()).map((deal) => [deal.id, deal]));
    k.timing.advance(3600_000);

    // In the CRM meanwhile: deal 19619 moves on within its pipeline, another deal moves to another pipeline.
    const account = server.crm!.sandbox.account;
    const pipelines = account.fixture.pipelines;
    const now = seconds(k);
    const lead = account.leads.find((candidate) => candidate.id === 19619)!;
    const mover = account.leads.find((candidate) => candidate.pipelineId === lead.pipelineId && candidate.id !== lead.id)!;
    const target = pipelines.find((pipeline) => pipeline.id !== mover.pipelineId)!;
    const targetStatus = target.statuses.find((status) => status.type !== 1 && status.id !== 142 && status.id !== 143)!;
    const moves = [
      { lead, to: { pipelineId: lead.pipelineId, statusId: 143 } },
      { lead: mover, to: { pipelineId: target.id, statusId: targetStatus.id } },
    ];
    for (const [index, move] of moves.entries()) {
      account.events.push({
        id: `sync-test-${index}`,
        leadId: move.lead.id,
        createdAt: now,
        createdBy: move.lead.responsibleUserId,
        before: { pipelineId: move.lead.pipelineId, statusId: move.lead.statusId },
        after: move.to,
      });
      Object.assign(move.lead, { ...move.to, updatedAt: now });
    }
    const leadsBefore = k.sent('amocrm', '/api/v4/leads').length;
    const eventsBefore = k.sent('amocrm', '/api/v4/events').length;

    const started = await server.dealSync.start(workspaceId, 'amocrm');
    expect(started).toMatchObject({ state: 'loading', loaded: 0, syncedAt: first.syncedAt });
    const done = await server.dealSync.settled(workspaceId, 'amocrm');
    expect(done).toMatchObject({ state: 'done', loaded: 2, syncedAt: started.startedAt, error: null });

    // One page of deals and one of status changes, both from the last run's start less 300 s.
    const since = String(Math.floor(Date.parse(first.syncedAt!) / 1000) - 300);
    const leadRequests = k.sent('amocrm', '/api/v4/leads').slice(leadsBefore);
    const eventRequests = k.sent('amocrm', '/api/v4/events').slice(eventsBefore);
    expect(leadRequests).toHaveLength(1);
    expect(leadRequests[0]!.searchParams.get('filter[updated_at][from]')).toBe(since);
    expect(eventRequests).toHaveLength(1);
    expect(eventRequests[0]!.searchParams.get('filter[created_at][from]')).toBe(since);

    const after = new Map((await k.stored()).map((deal) => [deal.id, deal]));
    expect(after.size).toBe(321);
    expect(after.get('19619')).toMatchObject({ statusId: '143', updatedAt: now });
    expect(after.get('19619')?.visited).toEqual(['61874501', '61874504', '61874507', '61874510', '61874513', '142', '143']);
    expect(after.get(String(mover.id))).toMatchObject({ pipelineId: String(target.id), statusId: String(targetStatus.id), visited: [String(targetStatus.id)] });
    // Nothing else changed; and the whole is again what the adapter lists.
    for (const [id, deal] of before) if (id !== '19619' && id !== String(mover.id)) expect(after.get(id)).toEqual(deal);
    expect(after).toEqual(await listed(k));
  });

  it('a Bitrix24 deal changed in the portal is fetched alone', async () => {
    const k = await kit({ bitrix24: true });
    await k.server.dealSync.start(k.workspaceId, 'bitrix24');
    await k.server.dealSync.settled(k.workspaceId, 'bitrix24');
    k.timing.advance(3600_000);
    const deal = k.server.crm!.bitrix24!.sandbox.portal.deals.find((candidate) => candidate.id === 1)!;
    Object.assign(deal, { opportunity: 777, modifiedAt: k.timing.now() });
    const before = k.sent('bitrix24', '/rest/crm.deal.list').length;
    await k.server.dealSync.start(k.workspaceId, 'bitrix24');
    expect(await k.server.dealSync.settled(k.workspaceId, 'bitrix24')).toMatchObject({ state: 'done', loaded: 1, total: 1 });
    expect(k.sent('bitrix24', '/rest/crm.deal.list').length - before).toBe(1);
    expect((await k.stored('bitrix24')).find((candidate) => candidate.id === '1')?.amount).toBe(777);
    expect(await k.stored('bitrix24')).toHaveLength(323);
  });
});

describe('a run that stops', () => {
  it('on a CRM fault mid-run: failed with what to do, then continues from the page it stopped at', async () => {
    const k = await kit({ sync: { dealPageSize: 50 } });
    const { server, workspaceId } = k;
    const sandbox = server.crm!.sandbox;
    // The 4th page of deals meets a CRM that keeps failing.
    k.onRequest((_, url) => {
      if (url.pathname === '/api/v4/leads' && url.searchParams.get('page') === '4') sandbox.setFaults({ error500: 1 });
    });
    await server.dealSync.start(workspaceId, 'amocrm');
    const failed = await server.dealSync.settled(workspaceId, 'amocrm');
    expect(failed).toMatchObject({
      state: 'failed',
      loaded: 150,
      error: { code: 'crm_unavailable', message: 'amoCRM did not answer; the loading resumes where it stopped when you try again.' },
    });
    expect(failed.finishedAt).not.toBeNull();
    expect(failed.syncedAt).toBeNull();
    expect(await server.repo.countDeals(workspaceId, 'amocrm')).toBe(150);
    expect(server.logs.some((line) => line.includes('deal sync failed') && line.includes('crm_unavailable'))).toBe(true);

    sandbox.setFaults({ error500: 0 });
    k.onRequest(null);
    const leadsBefore = k.sent('amocrm', '/api/v4/leads').length;
    const allBefore = sandbox.requests.length;
    const resumed = await server.dealSync.start(workspaceId, 'amocrm');
    expect(resumed).toMatchObject({ state: 'loading', loaded: 150, error: null, startedAt: failed.startedAt });
    const done = await server.dealSync.settled(workspaceId, 'amocrm');
    expect(done).toMatchObject({ state: 'done', loaded: 321, error: null, syncedAt: failed.startedAt });
    // Fewer requests than a run from zero (7 pages of deals and 10 of status changes): 4 and 10.
    const resumedRequests = sandbox.requests.length - allBefore;
    expect(resumedRequests).toBe(4 + 10);
    expect(resumedRequests).toBeLessThan(7 + 10);
    const pages = k.sent('amocrm', '/api/v4/leads').slice(leadsBefore).map((url) => url.searchParams.get('page'));
    expect(pages).toEqual(['4', '5', '6', '7']);
    const ids = (await k.stored()).map((deal) => deal.id);
    expect(ids).toHaveLength(321);
    expect(new Set(ids).size).toBe(321);
    expect(new Map((await k.stored()).map((deal) => [deal.id, deal]))).toEqual(await listed(k));
  });

  it('on a Bitrix24 fault among the status changes: resumes there, without reading the deals again', async () => {
    const k = await kit({ bitrix24: true });
    const sandbox = k.server.crm!.bitrix24!.sandbox;
    let history = 0;
    k.onRequest((connector, url) => {
      if (connector === 'bitrix24' && url.pathname === '/rest/crm.stagehistory.list' && (history += 1) === 5) sandbox.setFaults({ error500: 1 });
    });
    await k.server.dealSync.start(k.workspaceId, 'bitrix24');
    expect(await k.server.dealSync.settled(k.workspaceId, 'bitrix24')).toMatchObject({
      state: 'failed',
      loaded: 323,
      total: 323,
      error: { code: 'crm_unavailable', message: 'Bitrix24 did not answer; the loading resumes where it stopped when you try again.' },
    });
    sandbox.setFaults({ error500: 0 });
    k.onRequest(null);
    const deals = k.sent('bitrix24', '/rest/crm.deal.list').length;
    const historyBefore = k.sent('bitrix24', '/rest/crm.stagehistory.list').length;
    await k.server.dealSync.start(k.workspaceId, 'bitrix24');
    expect(await k.server.dealSync.settled(k.workspaceId, 'bitrix24')).toMatchObject({ state: 'done', loaded: 323, total: 323 });
    expect(k.sent('bitrix24', '/rest/crm.deal.list').length).toBe(deals);
    expect(k.sent('bitrix24', '/rest/crm.stagehistory.list').length - historyBefore).toBe(26 - 4);
    expect(new Map((await k.stored('bitrix24')).map((deal) => [deal.id, deal]))).toEqual(await listed(k, 'bitrix24'));
  });

  it('by a server restart: loading in the database, resumed by the next process from the page it stopped at', async () => {
    const k = await kit({ sync: { dealPageSize: 50 } });
    const { server, workspaceId } = k;
    k.onRequest((_, url) => {
      // The process ends while the third page is asked for.
      if (url.pathname === '/api/v4/leads' && url.searchParams.get('page') === '3') return server.restart();
    });
    const oldSync = server.dealSync;
    await oldSync.start(workspaceId, 'amocrm');
    // The old process's run ends without writing (its database is closed: settled cannot read it).
    await oldSync.settled(workspaceId, 'amocrm').catch(() => null);
    k.onRequest(null);
    expect(server.dealSync).not.toBe(oldSync);
    const left = await server.repo.getDealSync(workspaceId, 'amocrm');
    expect(left).toMatchObject({ state: 'loading', loaded: 100 });
    expect(await server.repo.countDeals(workspaceId, 'amocrm')).toBe(100);

    const leadsBefore = k.sent('amocrm', '/api/v4/leads').length;
    expect((await server.dealSync.resumeUnfinished())).toBe(1);
    const done = await server.dealSync.settled(workspaceId, 'amocrm');
    expect(done).toMatchObject({ state: 'done', loaded: 321, startedAt: left!.startedAt, syncedAt: left!.startedAt });
    expect(k.sent('amocrm', '/api/v4/leads').slice(leadsBefore).map((url) => url.searchParams.get('page'))).toEqual(['3', '4', '5', '6', '7']);
    expect(await k.stored()).toHaveLength(321);
    // Nothing left to resume.
    expect((await server.dealSync.resumeUnfinished())).toBe(0);
  });

  it('when the access is revoked mid-run: failed, saying to authorize again', async () => {
    const k = await kit({ sync: { dealPageSize: 50 } });
    k.onRequest((_, url) => {
      if (url.pathname === '/api/v4/leads' && url.searchParams.get('page') === '2') k.server.crm!.sandbox.revokeAccess();
    });
    await k.server.dealSync.start(k.workspaceId, 'amocrm');
    expect(await k.server.dealSync.settled(k.workspaceId, 'amocrm')).toMatchObject({
      state: 'failed',
      loaded: 50,
      error: { code: 'crm_access_revoked', message: 'amoCRM no longer accepts our access. Authorize again; the loading then resumes where it stopped.' },
    });
    // No token in any log line.
    const secrets = k.server.crm!.sandbox.issuedSecrets().filter((secret) => secret.length >= 8);
    expect(k.server.logs.filter((line) => secrets.some((secret) => line.includes(secret)))).toEqual([]);
  });

  it('when the connector is disconnected mid-run: the run stops and writes nothing more', async () => {
    const k = await kit({ sync: { dealPageSize: 50 } });
    k.onRequest(async (_, url) => {
      if (url.pathname === '/api/v4/leads' && url.searchParams.get('page') === '3') await k.server.repo.disconnect(k.workspaceId, 'amocrm');
    });
    await k.server.dealSync.start(k.workspaceId, 'amocrm');
    await k.server.dealSync.idle();
    expect(await k.server.repo.countDeals(k.workspaceId, 'amocrm')).toBe(0);
    expect(await k.server.repo.getDealSync(k.workspaceId, 'amocrm')).toBeNull();
    expect((await k.server.dealSync.status(k.workspaceId, 'amocrm'))).toEqual(IDLE_SYNC);
    expect(k.sent('amocrm', '/api/v4/leads')).toHaveLength(3);
  });

  it('another account authorized: what was synced of the old one is dropped, and a full run starts', async () => {
    const k = await kit({ sync: { startOnAuthorization: true } });
    await k.server.dealSync.idle();
    expect((await k.server.dealSync.status(k.workspaceId, 'amocrm'))).toMatchObject({ state: 'done', loaded: 321 });
    await k.server.dealSync.authorized(k.workspaceId, 'amocrm', { accountChanged: true });
    expect(await k.server.repo.countDeals(k.workspaceId, 'amocrm')).toBe(0);
    expect((await k.server.dealSync.status(k.workspaceId, 'amocrm'))).toMatchObject({ state: 'loading', loaded: 0, syncedAt: null });
    expect(await k.server.dealSync.settled(k.workspaceId, 'amocrm')).toMatchObject({ state: 'done', loaded: 321 });
  });
});

describe('two servers on one database', () => {
  /** A second server's deal sync over the same database and CRM (its own runs, its own memory), configured like the first. */
  function secondServer(k: Kit, leaseMs: number) {
    const logger = createLogger('error', () => undefined);
    return createDealSync({ repo: k.server.repo, crm: k.server.crm!.deps, logger, now: k.timing.now, startOnAuthorization: false, dealPageSize: 50, leaseMs });
  }

  /** Holds the first run inside its request for page 3 of the deals until `open()`. */
  function holdPage3(k: Kit) {
    let open = () => undefined as void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let reached = () => undefined as void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    k.onRequest(async (_, url) => {
      if (url.pathname === '/api/v4/leads' && url.searchParams.get('page') === '3') {
        reached();
        await gate;
      }
    });
    return { arrived, open };
  }

  it('a run one server holds is neither started again nor taken over by the other: it shows that run’s progress', async () => {
    const k = await kit({ sync: { dealPageSize: 50, leaseMs: 60_000 } });
    const other = secondServer(k, 60_000);
    const held = holdPage3(k);
    await k.server.dealSync.start(k.workspaceId, 'amocrm');
    await held.arrived;
    const before = k.sent('amocrm', '/api/v4/leads').length;
    expect(await other.start(k.workspaceId, 'amocrm')).toMatchObject({ state: 'loading', loaded: 100 });
    expect(await other.status(k.workspaceId, 'amocrm')).toMatchObject({ state: 'loading', loaded: 100 });
    await other.idle();
    expect(k.sent('amocrm', '/api/v4/leads')).toHaveLength(before);
    held.open();
    expect(await k.server.dealSync.settled(k.workspaceId, 'amocrm')).toMatchObject({ state: 'done', loaded: 321 });
    // Every page was asked for once: one runner.
    expect(k.sent('amocrm', '/api/v4/leads').map((url) => url.searchParams.get('page'))).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    await other.close();
  });

  it('a run its server let go at shutdown is resumed by the other at its next look, from the page it stopped at', async () => {
    const k = await kit({ sync: { dealPageSize: 50, leaseMs: 60_000 } });
    const other = secondServer(k, 60_000);
    const held = holdPage3(k);
    await k.server.dealSync.start(k.workspaceId, 'amocrm');
    await held.arrived;
    expect((await k.server.repo.getDealSyncRecord(k.workspaceId, 'amocrm'))!.state).toBe('loading');
    await k.server.dealSync.close();
    expect(await other.status(k.workspaceId, 'amocrm')).toMatchObject({ state: 'loading', loaded: 100 });
    held.open();
    k.onRequest(null);
    expect(await other.settled(k.workspaceId, 'amocrm')).toMatchObject({ state: 'done', loaded: 321 });
    expect(await k.stored()).toHaveLength(321);
    await other.close();
  });
});
