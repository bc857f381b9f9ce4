import { describe, expect, it } from 'vitest';
import pg from 'pg';

import { emptyMappingConfig } from '../../app/contracts/mapping-config';
import { collect } from '../testing/collect';
import { openTestRepository, testDatabaseUrl } from '../testing/test-database';
import { makeTempDir } from '../testing/test-server';
import { SHARED_WINDOW_MS } from '../crm/http/rate-limiter';

import { openPostgresRepository } from './postgres';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';
import type { Repository } from './repository';

/**
 * PostgreSQL's repository (the `postgres` project: a throwaway cluster, see
 * server/testing/postgres-global-setup.ts). Two repositories on one schema stand for two API
 * servers: every compare-and-swap has exactly one winner across them.
 */
function twoServers(): [Repository, Repository] {
  const url = testDatabaseUrl();
  if (!url) throw new Error('No PostgreSQL for this run: the postgres project starts one (vitest --project postgres)');
  const schema = `t_two_${Math.random().toString(36).slice(2, 10)}`;
  return [openPostgresRepository(url, { schema, maxConnections: 5 }), openPostgresRepository(url, { schema, maxConnections: 5 })];
}

describe('PostgreSQL repository', () => {
  it('is what the test servers of this project store in', async () => {
    const repo = openTestRepository(makeTempDir().dir);
    expect(repo.constructor.name).toBe('PgRepository');
    await repo.ping();
    await repo.close();
  });

  it('concurrent saves with one If-Match on two servers: exactly one wins', async () => {
    const [a, b] = twoServers();
    const ws = (await a.createWorkspace()).id;
    expect((await a.saveConfig(ws, 'amocrm', 0, emptyMappingConfig('amocrm'))).ok).toBe(true);
    for (let round = 1; round <= 20; round += 1) {
      const results = await Promise.all([a, b, a, b].map((repo) => repo.saveConfig(ws, 'amocrm', round, emptyMappingConfig('amocrm'))));
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok).map((result) => !result.ok && result.currentVersion)).toEqual([round + 1, round + 1, round + 1]);
    }
    // Creating the first version races too: one insert wins.
    const fresh = (await a.createWorkspace()).id;
    const first = await Promise.all([a, b].map((repo) => repo.saveConfig(fresh, 'bitrix24', 0, emptyMappingConfig('bitrix24'))));
    expect(first.filter((result) => result.ok)).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('token rotation and OAuth states are single-use across servers', async () => {
    const [a, b] = twoServers();
    const ws = (await a.createWorkspace()).id;
    await a.saveCredentials({ workspaceId: ws, connector: 'amocrm', account: { id: '1', domain: 'd.amocrm.ru', name: 'D' }, baseUrl: 'https://d.amocrm.ru', tokens: 'v1', accessExpiresAt: 1 });
    const rotated = await Promise.all([a, b, a, b].map((repo, i) => repo.rotateTokens(ws, 'amocrm', 'v1', `v2-${i}`, 2)));
    expect(rotated.filter(Boolean)).toHaveLength(1);
    await a.createOAuthState({ state: 'st', workspaceId: ws, connector: 'amocrm', expiresAt: Date.now() + 60_000, usedAt: null });
    const spent = await Promise.all([a, b, a, b].map((repo) => repo.markOAuthStateUsed('st', ws, Date.now())));
    expect(spent.filter(Boolean)).toHaveLength(1);
    // Many states made at once on both servers keep the cap.
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).createOAuthState({ state: `c${i}`, workspaceId: ws, connector: 'amocrm', expiresAt: Date.now() + 60_000, usedAt: null })));
    const kept = await Promise.all(Array.from({ length: 30 }, (_, i) => a.getOAuthState(`c${i}`)));
    expect(kept.filter((state) => state !== null)).toHaveLength(10);
    await Promise.all([a.close(), b.close()]);
  });

  it('the CRM rate limit is the account’s across servers: 20 concurrent asks on two servers get 7 slots, the rest how long to wait', async () => {
    const [a, b] = twoServers();
    const policy = { kind: 'window', perSecond: 7 } as const;
    await a.ping(); // migrated before the race
    const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).takeCrmRateSlot!('amoCRM:demo.amocrm.ru', policy)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(7);
    for (const wait of waits.filter((value) => value > 0)) expect(wait).toBeLessThanOrEqual(SHARED_WINDOW_MS);
    // Another account has its own limit.
    expect(await b.takeCrmRateSlot!('amoCRM:other.amocrm.ru', policy)).toBe(0);
    // Leaky (Bitrix24): a burst of 3 shared, then a wait of about one drain interval.
    const leaky = { kind: 'leaky', drainPerSecond: 2, burst: 3 } as const;
    const burst = await Promise.all([a, b, a, b].map((repo) => repo.takeCrmRateSlot!('Bitrix24:portal.bitrix24.ru', leaky)));
    expect(burst.filter((wait) => wait === 0)).toHaveLength(3);
    expect(Math.max(...burst)).toBeGreaterThan(400);
    await Promise.all([a.close(), b.close()]);
  });

  it('streams deals from a snapshot while another server writes, and releases its connection when stopped early', async () => {
    const [a, b] = twoServers();
    const ws = (await a.createWorkspace()).id;
    const cursor = { mode: 'full' as const, phase: 'deals' as const, page: 1, since: null };
    await a.beginDealSync(ws, 'amocrm', { runId: 'r', loaded: 0, total: null, startedAt: new Date().toISOString(), cursor });
    const deals = Array.from({ length: 1200 }, (_, i) => ({ id: String(i), pipelineId: '1', statusId: '10', amount: i, createdAt: 1, updatedAt: i, fields: {} }));
    expect(await a.saveDealsPage(ws, 'amocrm', 'r', deals, { loaded: 1200, total: 1200, cursor })).toBe(true);
    let count = 0;
    for await (const deal of a.iterateDeals(ws, 'amocrm')) {
      count += 1;
      if (count === 10) expect(await b.saveDealsPage(ws, 'amocrm', 'r', [{ ...deals[0]!, id: 'new', updatedAt: 5000 }], { loaded: 1201, total: 1201, cursor })).toBe(true);
      expect(deal.id).not.toBe('new');
    }
    expect(count).toBe(1200);
    // Twenty streams stopped after one deal each on a pool of five: each gave its connection back.
    for (let i = 0; i < 20; i += 1) {
      for await (const _ of a.iterateDeals(ws, 'amocrm')) break;
    }
    expect(await collect(a.iterateDeals(ws, 'amocrm', { updatedSince: 5000 }))).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('upgrades a database on migration 1: an activated configuration keeps working, without a baseline until its next activation', async () => {
    const url = testDatabaseUrl()!;
    const schema = `t_v1_${Math.random().toString(36).slice(2, 10)}`;
    const ws = '7681bbd0-0efd-421f-a080-6030d8bfd4f2';
    const config = JSON.stringify(emptyMappingConfig('amocrm'));
    // The database as the product left it before CRM drift: migration 1 only, one activated connection.
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      await client.query(POSTGRES_MIGRATIONS[0]!.sql);
      await client.query("INSERT INTO schema_migrations VALUES (1, 'initial', '2026-01-01T00:00:00.000Z')");
      await client.query("INSERT INTO workspaces VALUES ($1, '2026-01-01T00:00:00.000Z')", [ws]);
      await client.query(
        `INSERT INTO connections (workspace_id, connector, config, version, active_config, activated_version, created_at, updated_at, connected_at)
         VALUES ($1, 'amocrm', $2, 3, $2, 3, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z')`,
        [ws, config],
      );
    } finally {
      await client.end();
    }

    const repo = openPostgresRepository(url, { schema, maxConnections: 2 });
    try {
      expect(await repo.getConnection(ws, 'amocrm')).toMatchObject({ activatedVersion: 3, drift: null, attentionReason: null });
      expect(await repo.getDrift(ws, 'amocrm')).toMatchObject({ baseline: null, baselineAt: null, changes: null, checkedAt: null, connectedAt: '2026-01-02T00:00:00.000Z' });
      const record = { changes: '[]', pipelineNames: '{}', count: 0, pending: 0, checkedAt: '2026-01-03T00:00:00.000Z' };
      expect(await repo.recordDrift(ws, 'amocrm', '2026-01-02T00:00:00.000Z', record)).toBe(true);
      // Activated again: the baseline is stored with the activation's time.
      const activated = await repo.activate(ws, 'amocrm', 3, '{"pipelines":[]}');
      const drift = await repo.getDrift(ws, 'amocrm');
      expect(drift).toMatchObject({ baseline: '{"pipelines":[]}', baselineAt: activated!.connectedAt, checkedAt: null });
    } finally {
      await repo.close();
    }
    const check = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await check.connect();
    try {
      const versions = (await check.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((row) => row.version);
      expect(versions).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
    } finally {
      await check.end();
    }
  });
});
