import type { TestProject } from 'vitest/node';

import { startPostgresCluster } from './postgres-cluster';

/**
 * The `postgres` vitest project's global setup: one throwaway cluster for the run (port
 * `TEST_POSTGRES_PORT`, default 8849), handed to the test files as `inject('testDatabaseUrl')`; each
 * test server and repository test makes a schema of its own in it, so files run in parallel.
 */
export default function setup(project: TestProject): () => void {
  // eslint-disable-next-line no-restricted-properties -- test tooling: the throwaway cluster's port, not the server's configuration
  const cluster = startPostgresCluster(Number(process.env.TEST_POSTGRES_PORT ?? 8849));
  project.provide('testDatabaseUrl', cluster.url);
  return () => cluster.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseUrl: string;
  }
}
