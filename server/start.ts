import type http from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';

import { createApp } from './app';
import { createDriftService } from './crm/drift';
import type { SharedRateStore } from './crm/http/rate-limiter';
import { createSchemaProvider } from './crm/schema-cache';
import { crmFromEnv } from './crm/setup';
import { openPostgresRepository } from './db/postgres';
import type { Repository } from './db/repository';
import { openSqliteRepository } from './db/sqlite';
import type { Env } from './env';
import { capConnections, serverOptionsFor, type ServerLimits } from './lib/http-limits';
import { createLogger, type Logger } from './lib/logger';
import type { RateLimitSettings } from './lib/rate-limit';
import { loadOrCreateSecretFile } from './lib/secrets';
import { createDealSync } from './sync/deal-sync';

export interface RunningServer {
  /** The address the server listens on, e.g. `http://127.0.0.1:8787`. */
  address: string;
  close(): Promise<void>;
}

/** Opens the database, builds the CRM side from the configuration, listens, and resumes deal syncs a previous run left unfinished. */
export async function startServer(env: Env, logger: Logger = createLogger(env.LOG_LEVEL)): Promise<RunningServer> {
  // The configuration is refused (no CRM) before a database or a secret is created.
  // With several servers on PostgreSQL, each CRM account's rate limit is kept in the database
  // (the repository is opened after the configuration was accepted, hence the indirection).
  const opened: { repo?: Repository } = {};
  const sharedRate: SharedRateStore | undefined = env.DATABASE_URL
    ? { take: (key, policy) => opened.repo?.takeCrmRateSlot?.(key, policy) ?? Promise.resolve(0) }
    : undefined;
  const crm = crmFromEnv(env, logger, { sharedRate });
  const repo = openRepository(env);
  opened.repo = repo;
  try {
    await repo.ping();
    const sessionSecret = env.SESSION_SECRET ?? loadOrCreateSecretFile(env.dataDir, 'session.secret', 32).toString('base64');
    const dealSync = createDealSync({ repo, crm, logger });
    const limits: ServerLimits = {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
      // Behind a proxy every connection comes from the proxy: the per-client cap is then the rate limit's.
      maxConnectionsPerIp: env.TRUST_PROXY ? 0 : env.HTTP_MAX_CONNECTIONS_PER_IP,
    };
    const rateLimit: RateLimitSettings = {
      perSecond: env.RATE_LIMIT_PER_SECOND,
      burst: env.RATE_LIMIT_BURST,
      maxClients: env.RATE_LIMIT_MAX_CLIENTS,
      trustProxy: env.TRUST_PROXY,
    };
    const schemas = createSchemaProvider(repo, crm);
    const drift = createDriftService({
      repo,
      schemas,
      logger,
      now: crm.now,
      intervalMs: env.DRIFT_CHECK_INTERVAL_MS,
      schemaMaxAgeMs: env.DRIFT_SCHEMA_MAX_AGE_MS,
    });
    const app = createApp({ repo, logger, sessionSecret, publicUrl: env.publicUrl, staticDir: env.staticDir, crm, dealSync, schemas, drift, rateLimit });
    const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
      const listening = serve(
        { fetch: app.fetch, hostname: env.HOST, port: env.PORT, serverOptions: serverOptionsFor(limits) },
        (info: AddressInfo) => resolve({ server: listening, port: info.port }),
      );
      capConnections(listening as http.Server, limits);
      listening.once('error', reject);
    });
    const resumed = await dealSync.resumeUnfinished();
    if (resumed > 0) logger.info('deal syncs resumed', { count: resumed });
    // Every DRIFT_CHECK_INTERVAL_MS, each connected connector (one at a time; with several servers
    // on one PostgreSQL, each connector claimed by one of them) is compared with its CRM.
    drift.start();
    return {
      address: `http://${env.HOST}:${port}`,
      close: async () => {
        // Graceful: no new connections, idle keep-alive ones closed now, requests in flight
        // finish (their connections close after the response) for up to SHUTDOWN_GRACE_MS.
        const node = server as http.Server;
        await new Promise<void>((resolve) => {
          const cut = setTimeout(() => node.closeAllConnections(), env.SHUTDOWN_GRACE_MS);
          node.close(() => {
            clearTimeout(cut);
            resolve();
          });
          node.closeIdleConnections();
          if (env.SHUTDOWN_GRACE_MS === 0) node.closeAllConnections();
        });
        // Runs still going stay `loading`: the next start resumes them where they stopped.
        await dealSync.close();
        await drift.close();
        await repo.close();
      },
    };
  } catch (error) {
    await repo.close();
    throw error;
  }
}

/** PostgreSQL when `DATABASE_URL` is set (migrated before the server listens), else SQLite in `DATA_DIR`. */
export function openRepository(env: Pick<Env, 'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'dataDir'>): Repository {
  return env.DATABASE_URL ? openPostgresRepository(env.DATABASE_URL, { maxConnections: env.DATABASE_POOL_MAX }) : openSqliteRepository(env.dataDir);
}
