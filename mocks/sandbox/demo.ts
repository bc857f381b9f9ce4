import { parseEnv, type Env } from '../../server/env';
import { createLogger, type Logger } from '../../server/lib/logger';
import { startServer, type RunningServer } from '../../server/start';
import { loadSandboxAccountFile } from './amocrm/account-file';
import { createSandboxAmo, demoAccount, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, type SandboxAccount } from './amocrm/index';
import { parseSandboxEnv, sandboxConfigError, type SandboxEnv } from './env';
import type { FetchHandler } from './shared/compose';
import { listenSandbox, type RunningSandbox } from './shared/listen';

/**
 * The demo: the product plus, for each CRM the configuration gives no credentials for, its
 * sandbox on its own port. The product is configured for a sandbox exactly as for a real CRM
 * (the integration's ID and secret) plus the sandbox's origin (`AMOCRM_SANDBOX_ORIGIN`); it
 * contains no emulator. With amoCRM credentials set, this is the product alone.
 */

export interface RunningDemo {
  /** The product's configuration as started (sandbox credentials and origin included). */
  env: Env;
  product: RunningServer;
  /** The sandboxes started, by connector (none when every CRM has credentials). */
  sandboxes: { amocrm?: RunningSandbox & { account: SandboxAccount } };
  close(): Promise<void>;
}

const SANDBOX_HOST = '127.0.0.1';

function amocrmAccount(env: SandboxEnv['amocrm']): SandboxAccount {
  if (!env.accountFile) return demoAccount();
  try {
    return loadSandboxAccountFile(env.accountFile);
  } catch (error) {
    throw sandboxConfigError(env.accountVariable, error instanceof Error ? error.message : String(error));
  }
}

async function listen(fetcher: FetchHandler, port: number): Promise<RunningSandbox> {
  try {
    return await listenSandbox(fetcher, port, SANDBOX_HOST);
  } catch (error) {
    throw sandboxConfigError('SANDBOX_PORT', `cannot listen on ${SANDBOX_HOST}:${port} (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Starts the sandboxes the configuration needs, then the product configured to use them. */
export async function startDemo(source: Record<string, string | undefined>, logger?: Logger): Promise<RunningDemo> {
  // The product's variables are checked before any port is taken.
  const given = parseEnv(source);
  const log = logger ?? createLogger(given.LOG_LEVEL);
  const sandboxes: RunningDemo['sandboxes'] = {};
  const configuration: Record<string, string> = {};

  if (!given.AMOCRM_CLIENT_ID) {
    const sandboxEnv = parseSandboxEnv(source);
    const account = amocrmAccount(sandboxEnv.amocrm);
    const sandbox = createSandboxAmo({ account, faults: sandboxEnv.amocrm.faults, integration: { redirectUri: given.amocrmRedirectUri } });
    const running = await listen(sandbox, sandboxEnv.port);
    sandboxes.amocrm = { ...running, account };
    Object.assign(configuration, {
      AMOCRM_CLIENT_ID: SANDBOX_CLIENT_ID,
      AMOCRM_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
      AMOCRM_SANDBOX_ORIGIN: running.origin,
    });
    log.info('sandbox amoCRM started', { origin: running.origin, account: account.fixture.account.subdomain, deals: account.leads.length });
  }

  const closeSandboxes = async () => {
    await Promise.all(Object.values(sandboxes).map((running) => running.close()));
  };
  try {
    const env = parseEnv({ ...source, ...configuration });
    const product = await startServer(env, log);
    return {
      env,
      product,
      sandboxes,
      close: async () => {
        await product.close();
        await closeSandboxes();
      },
    };
  } catch (error) {
    await closeSandboxes();
    throw error;
  }
}
