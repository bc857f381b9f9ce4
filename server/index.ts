import { runCli, startLines } from './cli';
import { loadEnv } from './env';
import { startServer } from './start';

/** The product: `node dist/server/index.js`. The demo with the sandbox CRMs is `mocks/sandbox/serve.ts`. */
void runCli(async () => {
  const env = loadEnv();
  const running = await startServer(env);
  return { lines: startLines(env), close: () => running.close() };
});
