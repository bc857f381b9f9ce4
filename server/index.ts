import { serve } from '@hono/node-server';

import { createApp } from './app';
import { openSqliteRepository } from './db/sqlite';
import { EnvError, loadEnv } from './env';
import { createLogger } from './lib/logger';
import { loadOrCreateSecretFile } from './lib/secrets';

function main() {
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL);
  const repo = openSqliteRepository(env.dataDir);
  const sessionSecret = env.SESSION_SECRET ?? loadOrCreateSecretFile(env.dataDir, 'session.secret', 32).toString('base64');

  const app = createApp({ repo, logger, sessionSecret, publicUrl: env.publicUrl, staticDir: env.staticDir });
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, () => {
    process.stdout.write(`\nHub Connect is running at ${env.publicUrl}\n  data: ${env.dataDir}\n\n`);
  });

  const shutdown = () => {
    server.close(() => {
      repo.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main();
