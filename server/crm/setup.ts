import { EnvError, type Env } from '../env';
import type { Logger } from '../lib/logger';
import { loadOrCreateSecretFile, parseKey, TokenCipher } from '../lib/secrets';

import type { SharedRateStore } from './http/rate-limiter';
import { REGISTERED_CONNECTORS, type CrmDeps } from './registry';

/**
 * Builds the CRM side from the configuration: an adapter for each registered CRM whose
 * variables configure it (its credentials, or a sandbox's origin with the sandbox's
 * credentials). The product has no emulator of its own; the demo entry
 * (`mocks/sandbox/serve.ts`) starts the sandboxes and configures the product for them. With no
 * CRM configured, the product does not start.
 */
export function crmFromEnv(env: Env, logger: Logger, options: { sharedRate?: SharedRateStore } = {}): CrmDeps {
  const adapters: CrmDeps['adapters'] = {};
  const common = { publicUrl: env.publicUrl, timeoutMs: env.CRM_TIMEOUT_MS, logger, sharedRate: options.sharedRate };
  for (const connector of env.connectors) {
    const adapter = connector.create(common);
    if (adapter) adapters[connector.id] = adapter;
  }

  if (Object.keys(adapters).length === 0) {
    const first = REGISTERED_CONNECTORS[0]?.credentialVariables[0] ?? '(env)';
    const options = REGISTERED_CONNECTORS.map((entry) => `${entry.credentialVariables.join(' and ')} (${entry.name})`).join(', or ');
    throw new EnvError(
      `Invalid configuration:\n  ${first}: no CRM is configured. Set ${options},` +
        ' or run the demo (`npm start`, `node dist/sandbox/serve.js`), which starts the sandbox CRMs for the product.',
    );
  }
  const key = env.TOKEN_ENCRYPTION_KEY ? parseKey(env.TOKEN_ENCRYPTION_KEY) : loadOrCreateSecretFile(env.dataDir, 'token.key', 32);
  return { adapters, cipher: new TokenCipher(key) };
}
