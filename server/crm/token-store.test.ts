import { randomBytes } from 'node:crypto';

import { afterEach, describe, expect, it } from 'vitest';

import { emptyMappingConfig } from '../../app/contracts/mapping-config';
import type { Repository } from '../db/repository';
import { openSqliteRepository } from '../db/sqlite';
import { TokenCipher } from '../lib/secrets';
import { makeTempDir } from '../testing/test-server';

import { storeGrant } from './token-store';
import type { CrmGrant } from './types';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup() {
  const temp = makeTempDir();
  const repo = openSqliteRepository(temp.dir);
  cleanups.push(async () => {
    await repo.close();
    temp.cleanup();
  });
  return { repo, cipher: new TokenCipher(randomBytes(32)), workspaceId: (await repo.createWorkspace()).id };
}

const grant = (id: number): CrmGrant => ({
  baseUrl: 'https://demo.amocrm.ru',
  account: { id: String(id), domain: `account${id}.amocrm.ru`, name: `Account ${id}` },
  tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000 },
});

describe('storeGrant', () => {
  it('records the new account in the draft even when another save lands in between', async () => {
    const { repo, cipher, workspaceId } = await setup();
    await storeGrant(repo, cipher, workspaceId, 'amocrm', grant(1));
    await repo.saveConfig(workspaceId, 'amocrm', 0, { ...emptyMappingConfig('amocrm'), account: grant(1).account });
    await repo.activate(workspaceId, 'amocrm', 1);
    // Another tab saves right before our first write: that write loses the version check.
    let raced = false;
    const racing: Repository = Object.assign(Object.create(repo) as Repository, {
      saveConfig: async (...args: Parameters<Repository['saveConfig']>) => {
        if (!raced) {
          raced = true;
          await repo.saveConfig(workspaceId, 'amocrm', args[2], { ...args[3], account: grant(1).account, calculatedFields: [] });
        }
        return await repo.saveConfig(...args);
      },
    });
    expect(await storeGrant(racing, cipher, workspaceId, 'amocrm', grant(2))).toEqual({ accountChanged: true });
    expect(raced).toBe(true);
    expect(await repo.getConnection(workspaceId, 'amocrm')).toMatchObject({
      version: 3,
      activatedVersion: null,
      config: { account: grant(2).account },
    });
    expect((await repo.getCredentials(workspaceId, 'amocrm'))!.account).toEqual(grant(2).account);
  });

  it('a first grant, or the same account again, is no account change', async () => {
    const { repo, cipher, workspaceId } = await setup();
    expect(await storeGrant(repo, cipher, workspaceId, 'amocrm', grant(1))).toEqual({ accountChanged: false });
    expect(await storeGrant(repo, cipher, workspaceId, 'amocrm', grant(1))).toEqual({ accountChanged: false });
  });
});
