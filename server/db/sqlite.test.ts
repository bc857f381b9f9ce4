import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { FunnelDeal } from '../../app/contracts/deals';
import { emptyMappingConfig } from '../../app/contracts/mapping-config';
import { loadOrCreateSecretFile } from '../lib/secrets';
import { collect } from '../testing/collect';
import { makeTempDir } from '../testing/test-server';

import { OAUTH_STATES_PER_WORKSPACE, type Repository, type SyncedDeal, type SyncedStatusChange } from './repository';
import { openSqliteRepository } from './sqlite';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function open(dir?: string): Repository {
  let target = dir;
  if (!target) {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    target = temp.dir;
  }
  const repo = openSqliteRepository(target);
  cleanups.unshift(() => repo.close());
  return repo;
}

describe('one-time OAuth states', () => {
  it('reading a state never spends it; only its own workspace can, once', async () => {
    const repo = open();
    const alice = (await repo.createWorkspace()).id;
    const bob = (await repo.createWorkspace()).id;
    await repo.createOAuthState({ state: 's1', workspaceId: alice, connector: 'amocrm', expiresAt: Date.now() + 60_000, usedAt: null });

    expect(await repo.getOAuthState('s1')).toMatchObject({ workspaceId: alice, usedAt: null });
    expect(await repo.getOAuthState('s1')).toMatchObject({ usedAt: null });
    expect(await repo.markOAuthStateUsed('s1', bob, 1000)).toBe(false);
    expect((await repo.getOAuthState('s1'))!.usedAt).toBeNull();
    expect(await repo.markOAuthStateUsed('s1', alice, 2000)).toBe(true);
    expect((await repo.getOAuthState('s1'))!.usedAt).toBe(2000);
    expect(await repo.markOAuthStateUsed('s1', alice, 3000)).toBe(false);
    expect(await repo.getOAuthState('nope')).toBeNull();
    expect(await repo.markOAuthStateUsed('nope', alice, 3000)).toBe(false);
  });
});

describe('OAuth states per workspace', () => {
  const HOUR = 3600_000;
  const stateRows = async (repo: Repository, states: string[]) => {
    const kept: string[] = [];
    for (const state of states) if ((await repo.getOAuthState(state)) !== null) kept.push(state);
    return kept;
  };

  it(`keeps a workspace's newest ${OAUTH_STATES_PER_WORKSPACE} (the new one included); another workspace's are untouched`, async () => {
    const repo = open();
    const alice = (await repo.createWorkspace()).id;
    const bob = (await repo.createWorkspace()).id;
    const base = Date.now();
    await repo.createOAuthState({ state: 'bob-1', workspaceId: bob, connector: 'amocrm', expiresAt: base + 600_000, usedAt: null });
    const made: string[] = [];
    for (let i = 0; i < 1000; i += 1) {
      made.push(`alice-${i}`);
      // Newest by creation, whatever the expiry says (equal ones too).
      await repo.createOAuthState({ state: `alice-${i}`, workspaceId: alice, connector: i % 2 ? 'amocrm' : 'bitrix24', expiresAt: base + 600_000 + Math.floor(i / 3), usedAt: null });
    }
    expect(await stateRows(repo, made)).toEqual(made.slice(-OAUTH_STATES_PER_WORKSPACE));
    expect(await repo.getOAuthState('bob-1')).not.toBeNull();
    await repo.createOAuthState({ state: 'alice-one-more', workspaceId: alice, connector: 'amocrm', expiresAt: base + 600_000, usedAt: null }, { keepNewest: 2 });
    expect(await stateRows(repo, [...made, 'alice-one-more'])).toEqual(['alice-999', 'alice-one-more']);
  });

  it('deletes states (any workspace) expired before purgeExpiredBefore, default an hour ago; younger expired ones stay', async () => {
    const repo = open();
    const alice = (await repo.createWorkspace()).id;
    const bob = (await repo.createWorkspace()).id;
    const now = Date.now();
    await repo.createOAuthState({ state: 'old', workspaceId: bob, connector: 'amocrm', expiresAt: now - HOUR - 1000, usedAt: null });
    await repo.createOAuthState({ state: 'recent', workspaceId: bob, connector: 'amocrm', expiresAt: now - 1000, usedAt: null });
    await repo.createOAuthState({ state: 'new', workspaceId: alice, connector: 'amocrm', expiresAt: now + 600_000, usedAt: null });
    expect(await stateRows(repo, ['old', 'recent', 'new'])).toEqual(['recent', 'new']);
    await repo.createOAuthState({ state: 'newer', workspaceId: alice, connector: 'amocrm', expiresAt: now + 600_000, usedAt: null }, { purgeExpiredBefore: now });
    expect(await stateRows(repo, ['recent', 'new', 'newer'])).toEqual(['new', 'newer']);
  });
});

describe('workspace rows: created by the first write, swept when they hold nothing', () => {
  const DAY = 24 * 3600_000;
  const cursor = { mode: 'full' as const, phase: 'deals' as const, page: 1, since: null };
  const credentials = (workspaceId: string) => ({
    workspaceId,
    connector: 'amocrm' as const,
    account: { id: '1', domain: 'demo.amocrm.ru', name: 'Demo' },
    baseUrl: 'https://demo.amocrm.ru',
    tokens: 'v1.sealed',
    accessExpiresAt: Date.now() + DAY,
  });
  const writes: Array<[string, (repo: Repository, id: string) => Promise<unknown>]> = [
    ['saveConfig', async (repo, id) => expect((await repo.saveConfig(id, 'amocrm', 0, emptyMappingConfig('amocrm'))).ok).toBe(true)],
    ['saveCredentials', async (repo, id) => await repo.saveCredentials(credentials(id))],
    ['createOAuthState', async (repo, id) => await repo.createOAuthState({ state: `s-${id}`, workspaceId: id, connector: 'amocrm', expiresAt: Date.now() + 600_000, usedAt: null })],
    ['setCachedSchema', async (repo, id) => await repo.setCachedSchema(id, 'amocrm', '{}')],
    ['beginDealSync', async (repo, id) => await repo.beginDealSync(id, 'amocrm', { runId: 'r', loaded: 0, total: null, startedAt: new Date().toISOString(), cursor })],
  ];

  it.each(writes)('%s on a workspace without a row creates the row; reads and refused writes do not', async (_, write) => {
    const repo = open();
    const id = randomUUID();
    expect(await repo.listConnections(id)).toEqual([]);
    expect(await repo.getCredentials(id, 'amocrm')).toBeNull();
    expect(await repo.saveConfig(id, 'amocrm', 3, emptyMappingConfig('amocrm'))).toEqual({ ok: false, currentVersion: 0 });
    expect(await repo.reset(id, 'amocrm', emptyMappingConfig('amocrm'))).toBeNull();
    expect(await repo.disconnect(id, 'amocrm')).toBe(false);
    expect(await repo.getWorkspace(id)).toBeNull();
    await write(repo, id);
    expect(await repo.getWorkspace(id)).toMatchObject({ id });
  });

  it('sweeps workspaces older than the age without configuration, access or state (after their expired states), with what is left in them', async () => {
    const repo = open();
    const now = Date.now();
    const empty = (await repo.createWorkspace()).id;
    const made: Array<readonly [string, string]> = [];
    for (const [name, write] of writes) {
      const id = (await repo.createWorkspace()).id;
      await write(repo, id);
      made.push([name, id]);
    }
    const holding = made.filter(([name]) => ['saveConfig', 'saveCredentials', 'createOAuthState'].includes(name));
    // Only a cached schema or a sync's row: derived from an access that is gone.
    const leftovers = made.filter(([name]) => !holding.some(([kept]) => kept === name)).map(([, id]) => id);
    expect(leftovers).toHaveLength(2);
    const syncedOnly = made.find(([name]) => name === 'beginDealSync')![1];
    const deal = { id: '1', pipelineId: '1', statusId: '10', amount: 1, createdAt: 1, updatedAt: 1, fields: {} };
    expect(await repo.saveDealsPage(syncedOnly, 'amocrm', 'r', [deal], { loaded: 1, total: 1, cursor })).toBe(true);
    const staleState = (await repo.createWorkspace()).id;
    await repo.createOAuthState({ state: 'stale', workspaceId: staleState, connector: 'amocrm', expiresAt: now - 2 * 3600_000, usedAt: null }, { purgeExpiredBefore: 0 });
    const disconnected = randomUUID();
    await repo.saveConfig(disconnected, 'amocrm', 0, emptyMappingConfig('amocrm'));
    await repo.disconnect(disconnected, 'amocrm');

    // Younger than a day: nothing but the stale state goes.
    expect(await repo.sweep({ now })).toEqual({ states: 1, workspaces: 0 });
    expect(await repo.getWorkspace(empty)).not.toBeNull();

    // A day later (the states of `holding` are expired then: keep them a little longer).
    expect(await repo.sweep({ now: now + DAY + 1000, expiredStateRetentionMs: 2 * DAY })).toEqual({ states: 0, workspaces: 5 });
    for (const id of [empty, staleState, disconnected, ...leftovers]) expect(await repo.getWorkspace(id)).toBeNull();
    expect(await repo.countDeals(syncedOnly, 'amocrm')).toBe(0);
    for (const id of leftovers) {
      expect(await repo.getCachedSchema(id, 'amocrm')).toBeNull();
      expect(await repo.getDealSyncRecord(id, 'amocrm')).toBeNull();
    }
    for (const [name, id] of holding) expect(await repo.getWorkspace(id), name).not.toBeNull();

    // Bounded per sweep; the next one goes on.
    const many: string[] = [];
    for (let i = 0; i < 5; i += 1) many.push((await repo.createWorkspace()).id);
    expect((await repo.sweep({ now: now + DAY + 1000, expiredStateRetentionMs: 2 * DAY, emptyWorkspaceMaxAgeMs: 0, maxWorkspaces: 3 })).workspaces).toBe(3);
    expect((await repo.sweep({ now: now + DAY + 1000, expiredStateRetentionMs: 2 * DAY, emptyWorkspaceMaxAgeMs: 0, maxWorkspaces: 3 })).workspaces).toBe(2);
    for (const id of many) expect(await repo.getWorkspace(id)).toBeNull();
  });
});

describe.skipIf(process.platform === 'win32')('file modes', () => {
  const mode = (file: string) => fs.statSync(file).mode & 0o777;
  const databaseFiles = (dir: string) => fs.readdirSync(dir).filter((name) => name.startsWith('hub-connect.sqlite'));

  it('creates DATA_DIR (and missing parents) 0700 and the database files 0600', async () => {
    const parent = makeTempDir();
    cleanups.push(parent.cleanup);
    const dataDir = path.join(parent.dir, 'nested', 'data');
    const repo = open(dataDir);
    await repo.createWorkspace(); // a write: the WAL exists now
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.dirname(dataDir))).toBe(0o700);
    const files = databaseFiles(dataDir);
    expect(files).toEqual(expect.arrayContaining(['hub-connect.sqlite', 'hub-connect.sqlite-wal', 'hub-connect.sqlite-shm']));
    for (const file of files) expect(mode(path.join(dataDir, file)), file).toBe(0o600);
  });

  it('tightens database files an older version left world-readable', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    await open(temp.dir).close();
    for (const file of databaseFiles(temp.dir)) fs.chmodSync(path.join(temp.dir, file), 0o644);
    const repo = open(temp.dir);
    await repo.createWorkspace();
    for (const file of databaseFiles(temp.dir)) expect(mode(path.join(temp.dir, file)), file).toBe(0o600);
  });

  it('a generated secret creates DATA_DIR 0700 too', () => {
    const parent = makeTempDir();
    cleanups.push(parent.cleanup);
    const dataDir = path.join(parent.dir, 'fresh');
    loadOrCreateSecretFile(dataDir, 'token.key', 32);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'token.key'))).toBe(0o600);
  });
});

describe('synced deals', () => {
  const cursor = { mode: 'full' as const, phase: 'deals' as const, page: 1, since: null };
  const deal = (id: string, updatedAt: number, position: { pipelineId: string; statusId: string } = { pipelineId: '1', statusId: '10' }): SyncedDeal => ({
    id,
    ...position,
    amount: 100,
    createdAt: 1000,
    updatedAt,
    fields: { f1: ['a', 'b'] },
  });
  const begin = (repo: Repository, workspaceId: string, runId = 'run-1', connector: 'amocrm' | 'bitrix24' = 'amocrm') =>
    repo.beginDealSync(workspaceId, connector, { runId, loaded: 0, total: null, startedAt: '2025-11-01T09:00:00.000Z', cursor });
  const progress = (loaded: number) => ({ loaded, total: null, cursor });

  it('streams for several readers at once: an open feed of one workspace never stops another', async () => {
    const repo = open();
    const a = (await repo.createWorkspace()).id;
    const b = (await repo.createWorkspace()).id;
    await begin(repo, a);
    await begin(repo, b);
    expect(await repo.saveDealsPage(a, 'amocrm', 'run-1', [deal('1', 100), deal('2', 200)], progress(2))).toBe(true);
    expect(await repo.saveDealsPage(b, 'amocrm', 'run-1', [deal('7', 100)], progress(1))).toBe(true);
    const slow = repo.iterateDeals(a, 'amocrm');
    const idOf = (step: IteratorResult<FunnelDeal>) => (step.done ? null : step.value.id);
    expect(idOf(await slow.next())).toBe('1');
    // While the first stream is open (a slow client), other streams read on.
    expect((await collect(repo.iterateDeals(b, 'amocrm'))).map((d) => d.id)).toEqual(['7']);
    expect((await collect(repo.iterateDeals(a, 'amocrm'))).map((d) => d.id)).toEqual(['1', '2']);
    expect(idOf(await slow.next())).toBe('2');
    expect((await slow.next()).done).toBe(true);
  });

  it('streams the deals of one workspace and connector by updatedAt then id, with updatedSince', async () => {
    const repo = open();
    const a = (await repo.createWorkspace()).id;
    const b = (await repo.createWorkspace()).id;
    await begin(repo, a);
    await begin(repo, a, 'run-b24', 'bitrix24');
    await begin(repo, b);
    expect(await repo.saveDealsPage(a, 'amocrm', 'run-1', [deal('3', 300), deal('1', 200), deal('2', 200)], progress(3))).toBe(true);
    expect(await repo.saveDealsPage(a, 'bitrix24', 'run-b24', [deal('9', 100)], progress(1))).toBe(true);
    expect(await repo.saveDealsPage(b, 'amocrm', 'run-1', [deal('7', 100)], progress(1))).toBe(true);

    expect((await collect(repo.iterateDeals(a, 'amocrm'))).map((d) => d.id)).toEqual(['1', '2', '3']);
    expect((await collect(repo.iterateDeals(a, 'amocrm', { updatedSince: 201 }))).map((d) => d.id)).toEqual(['3']);
    expect((await collect(repo.iterateDeals(a, 'amocrm', { updatedSince: 200 }))).map((d) => d.id)).toEqual(['1', '2', '3']);
    expect((await collect(repo.iterateDeals(a, 'bitrix24'))).map((d) => d.id)).toEqual(['9']);
    expect((await collect(repo.iterateDeals(b, 'amocrm'))).map((d) => d.id)).toEqual(['7']);
    expect(await repo.countDeals(a, 'amocrm')).toBe(3);
    expect(await repo.countDeals(b, 'bitrix24')).toBe(0);
    expect((await collect(repo.iterateDeals(a, 'amocrm')))[0]).toEqual<FunnelDeal>({
      id: '1',
      pipelineId: '1',
      statusId: '10',
      amount: 100,
      createdAt: 1000,
      updatedAt: 200,
      visited: ['10'],
      fields: { f1: ['a', 'b'] },
    });
  });

  it('derives visited from the status changes, whichever comes first, and again when the deal moves', async () => {
    const repo = open();
    const ws = (await repo.createWorkspace()).id;
    await begin(repo, ws);
    const change = (id: string, dealId: string, at: number, before: [string, string] | null, after: [string, string]): SyncedStatusChange => ({
      id,
      dealId,
      at,
      before: before && { pipelineId: before[0], statusId: before[1] },
      after: { pipelineId: after[0], statusId: after[1] },
    });
    // Deal 1 first, then its changes; deal 2's changes first, then the deal.
    await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('1', 10, { pipelineId: '1', statusId: '13' })], progress(1));
    await repo.saveStatusChangesPage(
      ws,
      'amocrm',
      'run-1',
      [
        change('e2', '1', 20, ['1', '11'], ['1', '12']),
        change('e1', '1', 10, ['1', '10'], ['1', '11']),
        change('e3', '1', 30, ['1', '12'], ['1', '13']),
        change('e4', '2', 5, ['1', '10'], ['2', '20']),
      ],
      progress(1),
    );
    await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('2', 10, { pipelineId: '2', statusId: '21' })], progress(2));
    const byId = async () => new Map((await collect(repo.iterateDeals(ws, 'amocrm'))).map((d) => [d.id, d.visited]));
    expect((await byId()).get('1')).toEqual(['10', '11', '12', '13']);
    expect((await byId()).get('2')).toEqual(['20', '21']);
    // Deal 1 moves to pipeline 2: only its positions there count.
    await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('1', 40, { pipelineId: '2', statusId: '22' })], progress(3));
    await repo.saveStatusChangesPage(ws, 'amocrm', 'run-1', [change('e5', '1', 40, ['1', '13'], ['2', '22'])], progress(3));
    expect((await byId()).get('1')).toEqual(['22']);
    // The same change again (an overlap) is not a second one; a missing `before` keeps the known one.
    await repo.saveStatusChangesPage(ws, 'amocrm', 'run-1', [change('e1', '1', 10, null, ['1', '11'])], progress(3));
    expect(await repo.countDeals(ws, 'amocrm')).toBe(2);
    await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('1', 50, { pipelineId: '1', statusId: '13' })], progress(4));
    expect((await byId()).get('1')).toEqual(['10', '11', '12', '13']);
  });

  it('writes only for the run that holds the sync; failing keeps the cursor, finishing clears it', async () => {
    const repo = open();
    const ws = (await repo.createWorkspace()).id;
    expect(await repo.getDealSync(ws, 'amocrm')).toBeNull();
    await begin(repo, ws, 'run-1');
    await begin(repo, ws, 'run-2');
    expect(await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('1', 1)], progress(1))).toBe(false);
    expect(await repo.countDeals(ws, 'amocrm')).toBe(0);
    const next = { mode: 'full' as const, phase: 'events' as const, page: 3, since: null };
    expect(await repo.saveDealsPage(ws, 'amocrm', 'run-2', [deal('1', 1)], { loaded: 1, total: 5, cursor: next })).toBe(true);
    expect(await repo.failDealSync(ws, 'amocrm', 'run-2', { finishedAt: '2025-11-01T09:01:00.000Z', error: { code: 'crm_unavailable', message: 'm' } })).toBe(true);
    expect(await repo.getDealSyncRecord(ws, 'amocrm')).toMatchObject({ state: 'failed', loaded: 1, total: 5, cursor: next, runId: 'run-2', error: { code: 'crm_unavailable' } });
    // A failed run writes nothing more.
    expect(await repo.saveDealsPage(ws, 'amocrm', 'run-2', [deal('2', 1)], progress(2))).toBe(false);
    expect(await repo.getDealSync(ws, 'amocrm')).toMatchObject({ state: 'failed', currency: 'RUB' });
    await begin(repo, ws, 'run-3');
    expect(await repo.setDealSyncCurrency(ws, 'amocrm', 'run-3', 'USD')).toBe(true);
    expect(await repo.finishDealSync(ws, 'amocrm', 'run-3', { finishedAt: '2025-11-01T09:02:00.000Z', syncedAt: '2025-11-01T09:00:00.000Z' })).toBe(true);
    expect(await repo.getDealSyncRecord(ws, 'amocrm')).toMatchObject({ state: 'done', cursor: null, error: null, syncedAt: '2025-11-01T09:00:00.000Z', currency: 'USD' });
    expect(await repo.getDealSync(ws, 'amocrm')).toEqual({
      state: 'done',
      loaded: 0,
      total: null,
      startedAt: '2025-11-01T09:00:00.000Z',
      finishedAt: '2025-11-01T09:02:00.000Z',
      syncedAt: '2025-11-01T09:00:00.000Z',
      error: null,
      currency: 'USD',
    });
    // A new run keeps syncedAt and the currency until it is done.
    await begin(repo, ws, 'run-4');
    expect(await repo.getDealSync(ws, 'amocrm')).toMatchObject({ state: 'loading', syncedAt: '2025-11-01T09:00:00.000Z', currency: 'USD', finishedAt: null });
    expect(await repo.listUnfinishedDealSyncs()).toEqual([{ workspaceId: ws, connector: 'amocrm' }]);
  });

  it('a disconnect deletes the synced deals, their changes and the sync; the run that held it cannot write again', async () => {
    const repo = open();
    const ws = (await repo.createWorkspace()).id;
    const other = (await repo.createWorkspace()).id;
    await repo.saveConfig(ws, 'amocrm', 0, emptyMappingConfig('amocrm'));
    await begin(repo, ws);
    await begin(repo, other);
    await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('1', 1)], progress(1));
    await repo.saveStatusChangesPage(ws, 'amocrm', 'run-1', [{ id: 'e', dealId: '1', at: 1, before: null, after: { pipelineId: '1', statusId: '10' } }], progress(1));
    await repo.saveDealsPage(other, 'amocrm', 'run-1', [deal('1', 1)], progress(1));
    expect(await repo.disconnect(ws, 'amocrm')).toBe(true);
    expect(await repo.countDeals(ws, 'amocrm')).toBe(0);
    expect(await repo.getDealSync(ws, 'amocrm')).toBeNull();
    expect(await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('2', 1)], progress(2))).toBe(false);
    expect(await repo.countDeals(ws, 'amocrm')).toBe(0);
    expect(await repo.countDeals(other, 'amocrm')).toBe(1);
    expect(await repo.getDealSync(other, 'amocrm')).not.toBeNull();
  });

  it('streams 20,000 deals from a snapshot while the sync keeps writing', async () => {
    const repo = open();
    const ws = (await repo.createWorkspace()).id;
    await begin(repo, ws);
    const page = (from: number) => Array.from({ length: 1000 }, (_, i) => deal(String(from + i), from + i));
    for (let from = 0; from < 20_000; from += 1000) await repo.saveDealsPage(ws, 'amocrm', 'run-1', page(from), progress(from + 1000));
    let count = 0;
    let last = -1;
    for await (const item of repo.iterateDeals(ws, 'amocrm')) {
      expect(item.updatedAt).toBeGreaterThan(last);
      last = item.updatedAt;
      count += 1;
      // Writes go on while the stream is open (it reads the snapshot it started with).
      if (count === 10) expect(await repo.saveDealsPage(ws, 'amocrm', 'run-1', [deal('new', 99_999)], progress(20_001))).toBe(true);
    }
    expect(count).toBe(20_000);
    expect(await repo.countDeals(ws, 'amocrm')).toBe(20_001);
  });
});

describe('the active configuration', () => {
  it('is the draft as activated; null before activation', async () => {
    const repo = open();
    const ws = (await repo.createWorkspace()).id;
    expect(await repo.getActiveConfig(ws, 'amocrm')).toBeNull();
    const saved = await repo.saveConfig(ws, 'amocrm', 0, emptyMappingConfig('amocrm'));
    if (!saved.ok) throw new Error('not saved');
    expect(await repo.getActiveConfig(ws, 'amocrm')).toBeNull();
    await repo.activate(ws, 'amocrm', saved.connection.version);
    expect(await repo.getActiveConfig(ws, 'amocrm')).toEqual(saved.connection.config);
    expect(await repo.getActiveConfig((await repo.createWorkspace()).id, 'amocrm')).toBeNull();
  });
});
