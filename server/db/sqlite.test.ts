import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { loadOrCreateSecretFile } from '../lib/secrets';
import { makeTempDir } from '../testing/test-server';
import type { Repository } from './repository';
import { openSqliteRepository } from './sqlite';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

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
  it('reading a state never spends it; only its own workspace can, once', () => {
    const repo = open();
    const alice = repo.createWorkspace().id;
    const bob = repo.createWorkspace().id;
    repo.createOAuthState({ state: 's1', workspaceId: alice, connector: 'amocrm', expiresAt: Date.now() + 60_000, usedAt: null });

    expect(repo.getOAuthState('s1')).toMatchObject({ workspaceId: alice, usedAt: null });
    expect(repo.getOAuthState('s1')).toMatchObject({ usedAt: null });
    expect(repo.markOAuthStateUsed('s1', bob, 1000)).toBe(false);
    expect(repo.getOAuthState('s1')!.usedAt).toBeNull();
    expect(repo.markOAuthStateUsed('s1', alice, 2000)).toBe(true);
    expect(repo.getOAuthState('s1')!.usedAt).toBe(2000);
    expect(repo.markOAuthStateUsed('s1', alice, 3000)).toBe(false);
    expect(repo.getOAuthState('nope')).toBeNull();
    expect(repo.markOAuthStateUsed('nope', alice, 3000)).toBe(false);
  });
});

describe.skipIf(process.platform === 'win32')('file modes', () => {
  const mode = (file: string) => fs.statSync(file).mode & 0o777;
  const databaseFiles = (dir: string) => fs.readdirSync(dir).filter((name) => name.startsWith('hub-connect.sqlite'));

  it('creates DATA_DIR (and missing parents) 0700 and the database files 0600', () => {
    const parent = makeTempDir();
    cleanups.push(parent.cleanup);
    const dataDir = path.join(parent.dir, 'nested', 'data');
    const repo = open(dataDir);
    repo.createWorkspace(); // a write: the WAL exists now
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.dirname(dataDir))).toBe(0o700);
    const files = databaseFiles(dataDir);
    expect(files).toEqual(expect.arrayContaining(['hub-connect.sqlite', 'hub-connect.sqlite-wal', 'hub-connect.sqlite-shm']));
    for (const file of files) expect(mode(path.join(dataDir, file)), file).toBe(0o600);
  });

  it('tightens database files an older version left world-readable', () => {
    const temp = makeTempDir();
    cleanups.push(temp.cleanup);
    open(temp.dir).close();
    for (const file of databaseFiles(temp.dir)) fs.chmodSync(path.join(temp.dir, file), 0o644);
    const repo = open(temp.dir);
    repo.createWorkspace();
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
