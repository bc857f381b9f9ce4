import { afterAll, bench, describe } from 'vitest';

import { mappingConfigSchema, type MappingConfig } from '../../app/contracts/mapping-config';
import { makeTempDir } from '../testing/test-server';

import { openSqliteRepository } from './sqlite';

/**
 * What an autosave costs the API's storage: a versioned save (read, compare version, write,
 * re-read) of a typical configuration versus one at amoCRM's limits, against a real SQLite
 * file in WAL mode. Budget: under 5 ms per save at the limits.
 */

function config(pipelines: number, statuses: number): MappingConfig {
  return mappingConfigSchema.parse({
    schemaVersion: 2,
    connector: 'amocrm',
    pipelines: Array.from({ length: pipelines }, (_, p) => ({
      pipelineId: String(1000 + p),
      containers: Array.from({ length: 10 }, (_, c) => ({
        id: `c${c}`,
        name: `Stage ${c}`,
        statusIds: Array.from({ length: statuses / 10 }, (_, s) => String(100_000 + p * 1000 + c * 10 + s)),
        marker: null,
      })),
    })),
  });
}

const temp = makeTempDir('hub-connect-bench-');
const repo = openSqliteRepository(temp.dir);
const workspace = await repo.createWorkspace();
const small = config(3, 10);
const large = config(50, 100);
const versions = { small: 0, large: 0 };

afterAll(async () => {
  await repo.close();
  temp.cleanup();
});

describe('versioned save of a configuration (SQLite, WAL)', () => {
  bench('typical: 3 pipelines × 10 statuses', async () => {
    const result = await repo.saveConfig(workspace.id, 'amocrm', versions.small, small);
    if (!result.ok) throw new Error('unexpected conflict');
    versions.small = result.connection.version;
  });
  bench('amoCRM limits: 50 pipelines × 100 statuses', async () => {
    const result = await repo.saveConfig(workspace.id, 'retailcrm', versions.large, large);
    if (!result.ok) throw new Error('unexpected conflict');
    versions.large = result.connection.version;
  });
});
