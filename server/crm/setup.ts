import path from 'node:path';

import { parseSandboxFaults } from '../../mocks/sandbox/faults';
import { SandboxFixtureError } from '../../mocks/sandbox/fixture';
import { listenSandbox, loadSandboxAccountFile, type RunningSandbox } from '../../mocks/sandbox/node-server';
import { createSandboxAmo, demoAccount, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET } from '../../mocks/sandbox/sandbox';
import { EnvError, type Env } from '../env';
import type { Logger } from '../lib/logger';
import { loadOrCreateSecretFile, parseKey, TokenCipher } from '../lib/secrets';
import type { CrmDeps } from '../routes/crm';
import { AMOCRM_AUTHORIZE_ENDPOINT, createAmoCrmAdapter } from './amocrm/adapter';

export interface CrmRuntime {
  deps: CrmDeps;
  /** The sandbox amoCRM's origin when it runs (no real credentials), else null. */
  sandboxOrigin: string | null;
  close(): Promise<void>;
}

/**
 * Builds the CRM side from the configuration: with `AMOCRM_CLIENT_ID`/`SECRET`, the amoCRM
 * adapter targets amoCRM's hosts; without them, the sandbox amoCRM is started on
 * 127.0.0.1:`SANDBOX_PORT` and the very same adapter talks to it with the sandbox's
 * development credentials.
 */
export async function startCrm(env: Env, logger: Logger): Promise<CrmRuntime> {
  const key = env.TOKEN_ENCRYPTION_KEY ? parseKey(env.TOKEN_ENCRYPTION_KEY) : loadOrCreateSecretFile(env.dataDir, 'token.key', 32);
  const cipher = new TokenCipher(key);
  const redirectUri = env.AMOCRM_REDIRECT_URI ?? `${env.publicUrl}/api/oauth/amocrm/callback`;
  const common = { redirectUri, timeoutMs: env.CRM_TIMEOUT_MS, logger };

  if (env.AMOCRM_CLIENT_ID && env.AMOCRM_CLIENT_SECRET) {
    const adapter = createAmoCrmAdapter({
      ...common,
      clientId: env.AMOCRM_CLIENT_ID,
      clientSecret: env.AMOCRM_CLIENT_SECRET,
      authorizeEndpoint: AMOCRM_AUTHORIZE_ENDPOINT,
    });
    return { deps: { adapters: { amocrm: adapter }, cipher }, sandboxOrigin: null, close: async () => {} };
  }

  let account;
  try {
    account = env.SANDBOX_ACCOUNT ? loadSandboxAccountFile(path.resolve(env.SANDBOX_ACCOUNT)) : demoAccount();
  } catch (error) {
    const message = error instanceof SandboxFixtureError || error instanceof Error ? error.message : String(error);
    throw new EnvError(`Invalid configuration:\n  SANDBOX_ACCOUNT: ${message}`);
  }
  const sandbox = createSandboxAmo({ account, faults: parseSandboxFaults(env.SANDBOX_FAULTS), integration: { redirectUri } });
  let running: RunningSandbox;
  try {
    running = await listenSandbox(sandbox, env.SANDBOX_PORT, '127.0.0.1');
  } catch (error) {
    throw new EnvError(
      `Invalid configuration:\n  SANDBOX_PORT: cannot listen on 127.0.0.1:${env.SANDBOX_PORT} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const adapter = createAmoCrmAdapter({
    ...common,
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    authorizeEndpoint: `${running.origin}/oauth`,
    sandboxOrigin: running.origin,
  });
  logger.info('sandbox amoCRM started', {
    origin: running.origin,
    account: account.fixture.account.subdomain,
    deals: account.leads.length,
  });
  return { deps: { adapters: { amocrm: adapter }, cipher }, sandboxOrigin: running.origin, close: () => running.close() };
}
