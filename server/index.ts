import { EnvError, loadEnv } from './env';
import { startServer } from './start';

async function main() {
  let running;
  let env;
  try {
    env = loadEnv();
    running = await startServer(env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw error;
  }
  const sandbox = running.sandboxOrigin
    ? `  sandbox amoCRM: ${running.sandboxOrigin} (no AMOCRM_CLIENT_ID/SECRET set)\n`
    : '  amoCRM: real (AMOCRM_CLIENT_ID is set)\n';
  process.stdout.write(`\nHub Connect is running at ${env.publicUrl}\n  data: ${env.dataDir}\n${sandbox}\n`);

  const shutdown = () => {
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
