import { randomBytes } from 'node:crypto';

import { inject } from 'vitest';

import { openPostgresRepository } from '../db/postgres';
import type { Repository, RepositoryOptions } from '../db/repository';
import { openSqliteRepository } from '../db/sqlite';

/** The PostgreSQL of this test run (the `postgres` project's global setup), or null (SQLite). */
export function testDatabaseUrl(): string | null {
  try {
    return inject('testDatabaseUrl') ?? null;
  } catch {
    return null;
  }
}

/** Schemas by data directory: a restarted test server opens the same one again. */
const schemas = new Map<string, string>();

/** The PostgreSQL schema of the test server whose data directory this is (null before it opened one, or with SQLite). */
export const testSchemaOf = (dataDir: string): string | null => schemas.get(dataDir) ?? null;

/**
 * The repository a test server stores in: SQLite in `dataDir` by default; in the `postgres`
 * project, a schema of its own (per data directory) in the run's PostgreSQL cluster.
 */
export function openTestRepository(dataDir: string, options: RepositoryOptions = {}): Repository {
  const url = testDatabaseUrl();
  if (!url) return openSqliteRepository(dataDir, options);
  let schema = schemas.get(dataDir);
  if (!schema) {
    schema = `t_${randomBytes(8).toString('hex')}`;
    schemas.set(dataDir, schema);
  }
  return openPostgresRepository(url, { schema, maxConnections: 4, ...options });
}
