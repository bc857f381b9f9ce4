import { afterEach, describe, expect, it } from 'vitest';

import type { ConfigChange } from '../../app/contracts/config-diff';
import { emptyMappingConfig, mappingConfigSchema, type MappingConfig } from '../../app/contracts/mapping-config';
import { sampleConfigInput } from '../../app/contracts/testing/sample-config';
import { openTestRepository } from '../testing/test-database';
import { makeTempDir } from '../testing/test-server';

import { VERSION_COALESCE_MS, type Repository, type RepositoryOptions } from './repository';

/**
 * The version history of a configuration, on SQLite (the `node` project) and PostgreSQL (the
 * `postgres` project): coalescing by the injected clock (no sleeping), activations kept, the
 * bound, disconnect and reset, and workspaces apart.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function open(options: RepositoryOptions = {}): Repository {
  const temp = makeTempDir();
  const repo = openTestRepository(temp.dir, options);
  cleanups.push(async () => {
    await repo.close();
    temp.cleanup();
  });
  return repo;
}

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-12-03T10:00:00.000Z')) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

const config = (name: string): MappingConfig =>
  mappingConfigSchema.parse(
    sampleConfigInput({
      account: null,
      pipelines: [{ pipelineId: '3177727', containers: [{ id: 'c1', name, statusIds: ['142'], marker: null }] }],
    }),
  );

async function save(repo: Repository, ws: string, value: MappingConfig): Promise<number> {
  const current = await repo.getConnection(ws, 'amocrm');
  const result = await repo.saveConfig(ws, 'amocrm', current?.version ?? 0, value);
  if (!result.ok) throw new Error('save refused');
  return result.connection.version;
}

const kinds = (changes: string) => (JSON.parse(changes) as ConfigChange[]).map((change) => change.kind);

describe('version history', () => {
  it('coalesces saves within a minute of the newest draft, then starts a new version', async () => {
    const time = manualClock();
    const repo = open({ clock: time.clock });
    const ws = (await repo.createWorkspace()).id;
    await save(repo, ws, config('A'));
    time.advance(20_000);
    await save(repo, ws, config('B'));
    time.advance(VERSION_COALESCE_MS - 20_001);
    const third = await save(repo, ws, config('C'));
    let versions = (await repo.listVersions(ws, 'amocrm'))!;
    // One minute of editing: one version, holding the last save, started at the first.
    expect(versions.map((version) => version.number)).toEqual([1]);
    expect(versions[0]).toMatchObject({ configVersion: third, kind: 'save', activatedAt: null, startedAt: '2026-12-03T10:00:00.000Z', savedAt: '2026-12-03T10:00:59.999Z' });
    expect((await repo.getVersion(ws, 'amocrm', 1))!.config.pipelines[0]!.containers[0]!.name).toBe('C');

    time.advance(1);
    await save(repo, ws, config('D'));
    versions = (await repo.listVersions(ws, 'amocrm'))!;
    expect(versions.map((version) => version.number)).toEqual([2, 1]);
    expect(kinds(versions[0]!.changes)).toEqual(['container_renamed']);
    // The first is compared with the empty configuration.
    expect(kinds(versions[1]!.changes)).toEqual(expect.arrayContaining(['statuses_moved', 'pipeline_mapped', 'filter_changed', 'calculated_field_added']));
  });

  it('keeps every activation: a save right after one starts a new version, the activated one stays as it was', async () => {
    const time = manualClock();
    const repo = open({ clock: time.clock });
    const ws = (await repo.createWorkspace()).id;
    const first = await save(repo, ws, config('A'));
    time.advance(1000);
    expect(await repo.activate(ws, 'amocrm', first)).not.toBeNull();
    time.advance(1000);
    await save(repo, ws, config('B'));
    time.advance(1000);
    await save(repo, ws, config('C'));
    const versions = (await repo.listVersions(ws, 'amocrm'))!;
    expect(versions.map((version) => [version.number, version.activatedAt !== null])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect((await repo.getVersion(ws, 'amocrm', 1))!.config.pipelines[0]!.containers[0]!.name).toBe('A');
    expect((await repo.getVersion(ws, 'amocrm', 2))!.config.pipelines[0]!.containers[0]!.name).toBe('C');
    // Activating the same draft twice marks it again, it adds nothing.
    const connection = (await repo.getConnection(ws, 'amocrm'))!;
    await repo.activate(ws, 'amocrm', connection.version);
    time.advance(1000);
    await repo.activate(ws, 'amocrm', connection.version);
    expect((await repo.listVersions(ws, 'amocrm'))!.map((version) => [version.number, version.activatedAt])).toEqual([
      [2, '2026-12-03T10:00:04.000Z'],
      [1, '2026-12-03T10:00:01.000Z'],
    ]);
  });

  it(`keeps at most the bound: the oldest drafts go first, activations after; the numbers are never reused`, async () => {
    const time = manualClock();
    const repo = open({ clock: time.clock, versionLimit: 5 });
    const ws = (await repo.createWorkspace()).id;
    let version = await save(repo, ws, config('v1'));
    await repo.activate(ws, 'amocrm', version); // number 1, activated
    for (let i = 2; i <= 9; i += 1) {
      time.advance(VERSION_COALESCE_MS);
      version = await save(repo, ws, config(`v${i}`));
      if (i === 4) await repo.activate(ws, 'amocrm', version); // number 4, activated
    }
    const numbers = (await repo.listVersions(ws, 'amocrm'))!.map((entry) => entry.number);
    expect(numbers).toEqual([9, 8, 7, 4, 1]);
    // Only activations left beyond the newest: the oldest activation goes.
    const repo2 = open({ clock: time.clock, versionLimit: 2 });
    const ws2 = (await repo2.createWorkspace()).id;
    for (let i = 1; i <= 3; i += 1) {
      time.advance(VERSION_COALESCE_MS);
      await repo2.activate(ws2, 'amocrm', await save(repo2, ws2, config(`a${i}`)));
    }
    expect((await repo2.listVersions(ws2, 'amocrm'))!.map((entry) => [entry.number, entry.activatedAt !== null])).toEqual([
      [3, true],
      [2, true],
    ]);
  });

  it('200 versions by default: the 201st save prunes the oldest', async () => {
    const time = manualClock();
    const repo = open({ clock: time.clock });
    const ws = (await repo.createWorkspace()).id;
    for (let i = 1; i <= 201; i += 1) {
      time.advance(VERSION_COALESCE_MS);
      await save(repo, ws, config(`v${i}`));
    }
    const versions = (await repo.listVersions(ws, 'amocrm'))!;
    expect(versions).toHaveLength(200);
    expect(versions[0]!.number).toBe(201);
    expect(versions.at(-1)!.number).toBe(2);
    expect(await repo.getVersion(ws, 'amocrm', 1)).toBeNull();
  });

  it('a reset is a version of its own (never coalesced); a restore records where it came from; a disconnect deletes the history', async () => {
    const time = manualClock();
    const repo = open({ clock: time.clock });
    const ws = (await repo.createWorkspace()).id;
    await save(repo, ws, config('A'));
    time.advance(1000);
    await repo.reset(ws, 'amocrm', emptyMappingConfig('amocrm'));
    time.advance(1000);
    const connection = (await repo.getConnection(ws, 'amocrm'))!;
    const restored = await repo.saveConfig(ws, 'amocrm', connection.version, (await repo.getVersion(ws, 'amocrm', 1))!.config, { kind: 'restore', from: 1 });
    expect(restored.ok).toBe(true);
    time.advance(1000);
    await save(repo, ws, config('B'));
    const versions = (await repo.listVersions(ws, 'amocrm'))!;
    expect(versions.map((version) => [version.number, version.kind, version.restoredFrom])).toEqual([
      [4, 'save', null],
      [3, 'restore', 1],
      [2, 'reset', null],
      [1, 'save', null],
    ]);
    expect(kinds(versions[2]!.changes)).toEqual(expect.arrayContaining(['pipeline_unmapped', 'calculated_field_removed']));
    expect(await repo.disconnect(ws, 'amocrm')).toBe(true);
    expect(await repo.listVersions(ws, 'amocrm')).toBeNull();
    expect(await repo.getVersion(ws, 'amocrm', 1)).toBeNull();
    // Connected again: the history starts over at 1.
    await save(repo, ws, config('C'));
    expect((await repo.listVersions(ws, 'amocrm'))!.map((version) => version.number)).toEqual([1]);
  });

  it('a refused save (stale If-Match) keeps nothing; another workspace sees none of it', async () => {
    const repo = open();
    const alice = (await repo.createWorkspace()).id;
    const bob = (await repo.createWorkspace()).id;
    await save(repo, alice, config('A'));
    expect((await repo.saveConfig(alice, 'amocrm', 7, config('B'))).ok).toBe(false);
    expect((await repo.listVersions(alice, 'amocrm'))!).toHaveLength(1);
    expect(await repo.listVersions(bob, 'amocrm')).toBeNull();
    expect(await repo.getVersion(bob, 'amocrm', 1)).toBeNull();
    await save(repo, bob, config('Bob'));
    expect((await repo.getVersion(bob, 'amocrm', 1))!.config.pipelines[0]!.containers[0]!.name).toBe('Bob');
    expect((await repo.getVersion(alice, 'amocrm', 1))!.config.pipelines[0]!.containers[0]!.name).toBe('A');
    expect(await repo.listVersions(alice, 'bitrix24')).toBeNull();
  });
});
