import { afterEach, describe, expect, it } from 'vitest';

import { makeTempDir } from '../testing/test-server';
import type { Repository } from './repository';
import { openSqliteRepository } from './sqlite';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function open(dir = makeTempDir().dir): Repository {
  const repo = openSqliteRepository(dir);
  cleanups.push(() => repo.close());
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
