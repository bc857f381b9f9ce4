import { EnvError, type Env } from '../env';
import type { Logger } from '../lib/logger';
import { loadOrCreateSecretFile, parseKey, TokenCipher } from '../lib/secrets';
import { AMOCRM_AUTHORIZE_ENDPOINT, createAmoCrmAdapter } from './amocrm/adapter';
import type { CrmDeps } from './registry';

/**
 * Builds the CRM side from the configuration: an adapter for each CRM with credentials.
 * amoCRM (`AMOCRM_CLIENT_ID`/`SECRET`) is amoCRM's cloud, or, with `AMOCRM_SANDBOX_ORIGIN`,
 * a sandbox amoCRM at that origin: its consent page, and the only account host accepted.
 * The product has no emulator of its own; the demo entry (`mocks/sandbox/serve.ts`) starts
 * one and configures the product for it. With no CRM configured, the product does not start.
 */
export function crmFromEnv(env: Env, logger: Logger): CrmDeps {
  const adapters: CrmDeps['adapters'] = {};

  if (env.AMOCRM_CLIENT_ID && env.AMOCRM_CLIENT_SECRET) {
    const sandboxOrigin = env.AMOCRM_SANDBOX_ORIGIN;
    adapters.amocrm = createAmoCrmAdapter({
      clientId: env.AMOCRM_CLIENT_ID,
      clientSecret: env.AMOCRM_CLIENT_SECRET,
      redirectUri: env.amocrmRedirectUri,
      authorizeEndpoint: sandboxOrigin ? `${sandboxOrigin}/oauth` : AMOCRM_AUTHORIZE_ENDPOINT,
      ...(sandboxOrigin ? { sandboxOrigin } : {}),
      timeoutMs: env.CRM_TIMEOUT_MS,
      logger,
    });
  }

  if (Object.keys(adapters).length === 0) {
    throw new EnvError(
      'Invalid configuration:\n  AMOCRM_CLIENT_ID: no CRM is configured. Set AMOCRM_CLIENT_ID and AMOCRM_CLIENT_SECRET,' +
        ' or run the demo (`npm start`, `node dist/sandbox/serve.js`), which starts the sandbox amoCRM for the product.',
    );
  }
  const key = env.TOKEN_ENCRYPTION_KEY ? parseKey(env.TOKEN_ENCRYPTION_KEY) : loadOrCreateSecretFile(env.dataDir, 'token.key', 32);
  return { adapters, cipher: new TokenCipher(key) };
}
