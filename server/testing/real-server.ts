import path from 'node:path';

import { afterEach } from 'vitest';

import { parseEnv, type Env } from '../env';
import { createLogger } from '../lib/logger';
import { startServer, type RunningServer } from '../start';

import { freePort, makeTempDir } from './test-server';

/**
 * The real server (`startServer`) on a free port over a throwaway data directory, for tests that
 * meet it over real sockets. Registers an `afterEach` that closes every server started and
 * removes its directory; `base` are the variables every start gets (a start's own win).
 */
export function realServers(base: Record<string, string> = {}) {
  const running: Array<{ server: RunningServer; cleanup: () => void }> = [];
  afterEach(async () => {
    for (const { server, cleanup } of running.splice(0)) {
      await server.close();
      cleanup();
    }
  });
  return async function start(extra: Record<string, string> = {}): Promise<{ server: RunningServer; env: Env }> {
    const temp = makeTempDir();
    const env = parseEnv({
      PORT: String(await freePort()),
      DATA_DIR: temp.dir,
      STATIC_DIR: path.join(temp.dir, 'no-web-build'),
      // Tests end with connections they left open (slow clients): cut them at once.
      SHUTDOWN_GRACE_MS: '0',
      ...base,
      ...extra,
    });
    const server = await startServer(env, createLogger('silent'));
    running.push({ server, cleanup: temp.cleanup });
    return { server, env };
  };
}
