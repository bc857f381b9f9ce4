import fs from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { SCHEMA_VERSION, upgradeMappingConfig, mappingConfigSchema } from '../../app/contracts/mapping-config';
import { storedConnection } from '../crm/token-store';
import { TokenCipher } from '../lib/secrets';
import { makeTempDir } from '../testing/test-server';

import { MIGRATIONS } from './migrations';
import { openSqliteRepository } from './sqlite';

/**
 * `testing/v1-hub-connect.sqlite` was written by the product as it was before schema version 2
 * (commit 078a9da: migration 1 only, amoCRM's numeric ids): one workspace with amoCRM access
 * (tokens sealed with a key of 32 bytes of 7), an activated configuration (filter, one pipeline
 * with three containers, two custom fields, a calculated field) and a cached schema.
 */
const V1_DATABASE = path.join(import.meta.dirname, 'testing', 'v1-hub-connect.sqlite');
const V1_KEY = Buffer.alloc(32, 7);
const WORKSPACE = '7681bbd0-0efd-421f-a080-6030d8bfd4f2';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function copyOfV1() {
  const temp = makeTempDir();
  fs.copyFileSync(V1_DATABASE, path.join(temp.dir, 'hub-connect.sqlite'));
  cleanups.push(temp.cleanup);
  return temp.dir;
}

describe('a database written before schema version 2', () => {
  it('is on migration 1 and holds a version-1 document (the fixture is what it claims)', () => {
    const db = new Database(V1_DATABASE, { readonly: true });
    try {
      const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all();
      expect(versions).toEqual([1]);
      const row = db.prepare('SELECT config, active_config FROM connections').get() as { config: string; active_config: string };
      const stored = JSON.parse(row.config) as { schemaVersion: number; pipelines: Array<{ pipelineId: unknown }> };
      expect(stored.schemaVersion).toBe(1);
      expect(typeof stored.pipelines[0]!.pipelineId).toBe('number');
      expect(mappingConfigSchema.safeParse(stored).success).toBe(false);
    } finally {
      db.close();
    }
  });

  it('opens with today’s code: migrated, the configuration upgraded, the access still usable', async () => {
    const dir = copyOfV1();
    const repo = openSqliteRepository(dir);
    cleanups.unshift(() => repo.close());

    const connection = await repo.getConnection(WORKSPACE, 'amocrm');
    expect(connection).not.toBeNull();
    expect(connection!.activatedVersion).toBe(1);
    expect(connection!.config).toEqual({
      schemaVersion: SCHEMA_VERSION,
      connector: 'amocrm',
      account: { id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо' },
      filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' }] },
      pipelines: [
        {
          pipelineId: '3177727',
          containers: [
            { id: 'c1', name: 'В работе', statusIds: ['32392156', '32392159', '32392162'], marker: null },
            { id: 'c2', name: 'Успешно реализовано', statusIds: ['142'], marker: 'completed' },
            { id: 'c3', name: 'Закрыто и не реализовано', statusIds: ['143'], marker: 'refusal' },
          ],
        },
      ],
      customFields: { otherFields: ['1016236', '1016240'] },
      calculatedFields: [{ id: 'k1', name: 'Маржа', expression: '({price} - {cf:1016240}) * 0.3' }],
    });

    // The credentials: the account's domain from its base URL, the tokens decrypt as before.
    const credentials = await repo.getCredentials(WORKSPACE, 'amocrm');
    expect(credentials?.account).toEqual({ id: '31234567', domain: 'demo.amocrm.ru', name: 'Демо' });
    const access = await storedConnection(repo, new TokenCipher(V1_KEY), WORKSPACE, 'amocrm').read();
    expect(access?.tokens).toMatchObject({ accessToken: 'v1-access', refreshToken: 'v1-refresh' });

    // Activated before baselines were kept (migration 5): no baseline, no drift recorded yet.
    expect(connection!.drift).toBeNull();
    expect(await repo.getDrift(WORKSPACE, 'amocrm')).toMatchObject({
      activeConfig: { pipelines: [{ pipelineId: '3177727' }] },
      baseline: null,
      baselineAt: null,
      changes: null,
      checkedAt: null,
    });

    // A cached schema holds version-1 ids: dropped, to be read again from the CRM.
    expect(await repo.getCachedSchema(WORKSPACE, 'amocrm')).toBeNull();
    // The sweep of empty workspaces (migration 4) leaves one that holds a configuration and access.
    expect(await repo.sweep({ now: Date.now(), emptyWorkspaceMaxAgeMs: 0 })).toMatchObject({ workspaces: 0 });
    expect(await repo.getWorkspace(WORKSPACE)).not.toBeNull();
    await repo.close();
    cleanups.shift();

    const db = new Database(path.join(dir, 'hub-connect.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      db.close();
    }
  });

  it('saves the upgraded configuration back as version 2 on the next save', async () => {
    const repo = openSqliteRepository(copyOfV1());
    cleanups.unshift(() => repo.close());
    const { config, version } = (await repo.getConnection(WORKSPACE, 'amocrm'))!;
    const saved = await repo.saveConfig(WORKSPACE, 'amocrm', version, { ...config, calculatedFields: [] });
    expect(saved.ok).toBe(true);
    expect((await repo.getConnection(WORKSPACE, 'amocrm'))!.config).toMatchObject({ schemaVersion: 2, pipelines: [{ pipelineId: '3177727' }] });
  });
});

describe('upgradeMappingConfig', () => {
  it('leaves a current document and anything unrecognisable alone', () => {
    const current = { schemaVersion: 2, connector: 'amocrm', pipelines: [{ pipelineId: '1', containers: [] }] };
    expect(upgradeMappingConfig(current)).toBe(current);
    expect(upgradeMappingConfig(null)).toBeNull();
    const broken = { schemaVersion: 1, pipelines: 'not a list' };
    expect(upgradeMappingConfig(broken)).toBe(broken);
  });

  it('upgrades a minimal version-1 document (no account, no optional parts)', () => {
    expect(mappingConfigSchema.parse(upgradeMappingConfig({ schemaVersion: 1, connector: 'amocrm', account: null }))).toMatchObject({
      schemaVersion: 2,
      account: null,
      pipelines: [],
      customFields: { otherFields: [] },
    });
  });
});
