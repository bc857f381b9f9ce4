import { parseEnv, type Env } from '../../server/env';
import { createLogger, type Logger } from '../../server/lib/logger';
import { startServer, type RunningServer } from '../../server/start';

import { loadSandboxAccountFile } from './amocrm/account-file';
import { createSandboxAmo, demoAccount, type SandboxAccount } from './amocrm/index';
import { createSandboxBitrix24, demoPortal, type SandboxPortal } from './bitrix24/index';
import { loadSandboxPortalFile } from './bitrix24/portal-file';
import { parseSandboxEnv, sandboxConfigError } from './env';
import { createSandboxRetailCrm, demoShop, type SandboxShop } from './retailcrm/index';
import { loadSandboxShopFile } from './retailcrm/shop-file';
import type { FetchHandler } from './shared/compose';
import { reloadingOnChange } from './shared/fixture-file';
import { listenSandbox, type RunningSandbox } from './shared/listen';
import type { SandboxOAuthClient } from './shared/sandbox';

/**
 * The demo: the product plus, for each CRM the configuration gives no credentials for, its
 * sandbox on its own port. The product is configured for a sandbox exactly as for a real CRM
 * (the integration's ID and secret) plus the sandbox's origin (`AMOCRM_SANDBOX_ORIGIN`,
 * `BITRIX24_SANDBOX_ORIGIN`); it contains no emulator. With every CRM's credentials set, this
 * is the product alone.
 */

export interface RunningDemo {
  /** The product's configuration as started (sandbox credentials and origins included). */
  env: Env;
  /** The product variables the demo set for its sandboxes (credentials and origins), by name. */
  configured: Record<string, string>;
  product: RunningServer;
  /** The sandboxes started, by connector (none when every CRM has credentials). */
  sandboxes: {
    amocrm?: RunningSandbox & { account: SandboxAccount };
    bitrix24?: RunningSandbox & { portal: SandboxPortal };
    retailcrm?: RunningSandbox & { shop: SandboxShop; apiKey: string };
  };
  close(): Promise<void>;
}

const SANDBOX_HOST = '127.0.0.1';

const text = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** A sandbox's fixture: its built-in demo one, or the file `variable` names (read with `load`; a mistake names the variable). */
function fixtureFrom<T>(variable: string, file: string | undefined, load: (file: string) => T, demo: () => T): T {
  if (!file) return demo();
  try {
    return load(file);
  } catch (error) {
    throw sandboxConfigError(variable, error instanceof Error ? error.message : String(error));
  }
}

/** The product variables that point it at a running sandbox: `<CRM>_CLIENT_ID`, `_CLIENT_SECRET` (the sandbox's) and `_SANDBOX_ORIGIN`. */
const productVariables = (crm: 'AMOCRM' | 'BITRIX24', sandbox: { integration: SandboxOAuthClient }, origin: string) => ({
  [`${crm}_CLIENT_ID`]: sandbox.integration.clientId,
  [`${crm}_CLIENT_SECRET`]: sandbox.integration.clientSecret,
  [`${crm}_SANDBOX_ORIGIN`]: origin,
});

/**
 * The sandbox as served: with a fixture file, one that re-reads the file when it changes (its
 * new data served from the next request on; issued tokens stay valid), else the sandbox itself.
 */
function served<T>(sandbox: FetchHandler, file: string | undefined, what: string, load: (file: string) => T, apply: (fixture: T) => void, log: Logger): FetchHandler {
  if (!file) return sandbox;
  return reloadingOnChange(sandbox, {
    file,
    load,
    apply,
    onReload: () => log.info(`sandbox ${what} re-read`, { file }),
    onError: (error) => log.warn(`sandbox ${what} not re-read: the sandbox goes on with what it had`, { file, reason: error instanceof Error ? error.message.slice(0, 500) : String(error) }),
  });
}

async function listen(fetcher: FetchHandler, port: number, variable: string): Promise<RunningSandbox> {
  try {
    return await listenSandbox(fetcher, port, SANDBOX_HOST);
  } catch (error) {
    throw sandboxConfigError(variable, `cannot listen on ${SANDBOX_HOST}:${port} (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Starts the sandboxes the configuration needs, then the product configured to use them. */
export async function startDemo(source: Record<string, string | undefined>, logger?: Logger): Promise<RunningDemo> {
  // The product's variables are checked before any port is taken.
  const given = parseEnv(source);
  const log = logger ?? createLogger(given.LOG_LEVEL);
  // Which CRMs have credentials is read from the variables themselves (the product validated them above).
  const bitrixId = text(source.BITRIX24_CLIENT_ID);
  const bitrixSecret = text(source.BITRIX24_CLIENT_SECRET);
  if (Boolean(bitrixId) !== Boolean(bitrixSecret)) {
    throw sandboxConfigError(bitrixId ? 'BITRIX24_CLIENT_SECRET' : 'BITRIX24_CLIENT_ID', 'BITRIX24_CLIENT_ID and BITRIX24_CLIENT_SECRET must be set together');
  }
  // RetailCRM needs no server credentials: its sandbox runs unless real accounts are switched on (or another sandbox is named).
  const retailOn = ['true', '1'].includes(text(source.RETAILCRM_ENABLED) ?? '') || Boolean(text(source.RETAILCRM_SANDBOX_ORIGIN));
  const needs = { amocrm: !text(source.AMOCRM_CLIENT_ID), bitrix24: !bitrixId, retailcrm: !retailOn };
  const sandboxes: RunningDemo['sandboxes'] = {};
  const configured: Record<string, string> = {};
  const closeSandboxes = async () => {
    await Promise.all(Object.values(sandboxes).map((running) => running.close()));
  };

  try {
    if (needs.amocrm || needs.bitrix24 || needs.retailcrm) {
      const sandboxEnv = parseSandboxEnv(source, needs);
      // Fixtures are read before any port is taken, too.
      const { amocrm, bitrix24, retailcrm } = sandboxEnv;
      const account = needs.amocrm ? fixtureFrom(amocrm.accountVariable, amocrm.accountFile, loadSandboxAccountFile, demoAccount) : undefined;
      const portal = needs.bitrix24 ? fixtureFrom('SANDBOX_BITRIX24_ACCOUNT', bitrix24.portalFile, loadSandboxPortalFile, demoPortal) : undefined;
      const shop = needs.retailcrm ? fixtureFrom('SANDBOX_RETAILCRM_ACCOUNT', retailcrm.shopFile, loadSandboxShopFile, demoShop) : undefined;

      if (account) {
        // The integration's Redirect URI: the product's callback, as the product computes it.
        const redirectUri = text(source.AMOCRM_REDIRECT_URI) ?? `${given.publicUrl}/api/oauth/amocrm/callback`;
        const sandbox = createSandboxAmo({ account, faults: amocrm.faults, integration: { redirectUri } });
        const running = await listen(served(sandbox, amocrm.accountFile, 'amoCRM account', loadSandboxAccountFile, (next) => sandbox.replaceAccount(next), log), sandboxEnv.port, 'SANDBOX_PORT');
        sandboxes.amocrm = { ...running, account };
        Object.assign(configured, productVariables('AMOCRM', sandbox, running.origin));
        log.info('sandbox amoCRM started', { origin: running.origin, account: account.fixture.account.subdomain, deals: account.leads.length });
      }

      if (portal) {
        // Bitrix24 takes the redirect URI from the application's settings: the product's callback.
        const redirectUri = text(source.BITRIX24_REDIRECT_URI) ?? `${given.publicUrl}/api/oauth/bitrix24/callback`;
        const sandbox = createSandboxBitrix24({ portal, faults: bitrix24.faults, integration: { redirectUri, appUrl: `${given.publicUrl}/` } });
        const running = await listen(served(sandbox, bitrix24.portalFile, 'Bitrix24 portal', loadSandboxPortalFile, (next) => sandbox.replacePortal(next), log), bitrix24.port, 'SANDBOX_BITRIX24_PORT');
        sandboxes.bitrix24 = { ...running, portal };
        Object.assign(configured, productVariables('BITRIX24', sandbox, running.origin));
        log.info('sandbox Bitrix24 started', { origin: running.origin, portal: portal.fixture.portal.title, deals: portal.deals.length });
      }

      if (shop) {
        // No application to register: the product is pointed at the sandbox, whose demo key it shows on the form.
        const sandbox = createSandboxRetailCrm({ shop, faults: retailcrm.faults });
        const running = await listen(served(sandbox, retailcrm.shopFile, 'RetailCRM shop', loadSandboxShopFile, (next) => sandbox.replaceShop(next), log), retailcrm.port, 'SANDBOX_RETAILCRM_PORT');
        sandboxes.retailcrm = { ...running, shop, apiKey: sandbox.apiKey };
        Object.assign(configured, { RETAILCRM_SANDBOX_ORIGIN: running.origin, RETAILCRM_SANDBOX_API_KEY: sandbox.apiKey });
        log.info('sandbox RetailCRM started', { origin: running.origin, shop: shop.fixture.account.subdomain, orders: shop.orders.length });
      }
    }

    const env = parseEnv({ ...source, ...configured });
    const product = await startServer(env, log);
    return {
      env,
      configured,
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
