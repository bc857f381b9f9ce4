import { EnvError, type Env } from './env';

/**
 * What a command-line entry does around starting: a configuration error is printed (no stack)
 * and exits 1; otherwise the start-up lines are printed, and SIGINT/SIGTERM close and exit.
 * Shared by the product (`server/index.ts`) and the demo (`mocks/sandbox/serve.ts`).
 */
export async function runCli(
  start: () => Promise<{ lines: string[]; close: () => Promise<void> }>,
  isConfigError: (error: unknown) => boolean = (error) => error instanceof EnvError,
): Promise<void> {
  let running;
  try {
    running = await start();
  } catch (error) {
    if (isConfigError(error)) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw error;
  }
  process.stdout.write(`\n${running.lines.join('\n')}\n\n`);
  const { close } = running;
  const shutdown = () => {
    void close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** The product's start-up lines: where it runs, its data and the CRMs it talks to. */
export function startLines(env: Env): string[] {
  return [
    `Hub Connect is running at ${env.publicUrl}`,
    `  data: ${env.dataDir}`,
    ...env.connectors.map((connector) => `  ${connector.name}: ${connector.description}`),
  ];
}
