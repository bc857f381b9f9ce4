import type { Repository } from '../db/repository';
import { openSqliteRepository } from '../db/sqlite';

/**
 * The repository a test server stores in: SQLite in `dataDir` by default; PostgreSQL when the
 * test run has one (`TEST_DATABASE_URL`, set by the PostgreSQL project's global setup).
 */
export function openTestRepository(dataDir: string): Repository {
  return openSqliteRepository(dataDir);
}
