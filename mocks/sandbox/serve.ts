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
    const amocrm = demo.sandboxes.amocrm;
    const lines = startLines(demo.env);
    if (amocrm) {
      lines.push(`  sandbox amoCRM: account "${amocrm.account.fixture.account.name}" (no AMOCRM_CLIENT_ID/SECRET set)`);
    }
    return { lines, close: () => demo.close() };
  },
  (error) => error instanceof EnvError || error instanceof SandboxEnvError,
);
