import { runCli, startLines } from '../../server/cli';
import { EnvError } from '../../server/env';

import { startDemo } from './demo';
import { SandboxEnvError } from './env';

/**
 * The demo entry (`npm start`, `node dist/sandbox/serve.js`): the sandbox CRMs the
 * configuration has no credentials for, then the product configured to use them. The only
 * place in mocks/ that reads `process.env`.
 */
void runCli(
  async () => {
    const demo = await startDemo(process.env);
    const { amocrm, bitrix24 } = demo.sandboxes;
    const lines = startLines(demo.env);
    if (amocrm) {
      lines.push(`  sandbox amoCRM: account "${amocrm.account.fixture.account.name}" (no AMOCRM_CLIENT_ID/SECRET set)`);
    }
    if (bitrix24) {
      lines.push(`  sandbox Bitrix24: portal "${bitrix24.portal.fixture.portal.title}" on ${bitrix24.origin} (no BITRIX24_CLIENT_ID/SECRET set)`);
    }
    return { lines, close: () => demo.close() };
  },
  (error) => error instanceof EnvError || error instanceof SandboxEnvError,
);
