import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { defineConfig, devices } from '@playwright/test';

// The whole product, built, on its own ports and a throwaway data directory.
const port = Number(process.env.E2E_PORT ?? 8797);
const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 8798);
const baseURL = `http://127.0.0.1:${port}`;
// One throwaway data directory per run: the config is loaded by the runner and again by each
// worker, which inherit the variable; global-teardown.ts removes it.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hub-connect-e2e-'));
const dataDir = process.env.E2E_DATA_DIR;
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = chromium && fs.existsSync(chromium) ? chromium : undefined;

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  // No retries: a test that passes only now and then hides a race (`npm run test:e2e:repeat`
  // runs the suite many times to find one).
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: '../.test-output/playwright',
  globalTeardown: './global-teardown.ts',
  use: {
    baseURL,
    locale: 'en-US',
    // An action that cannot happen (its element never comes) fails within 15 s, naming the
    // element, instead of waiting out the whole test's timeout.
    actionTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: executablePath ? { executablePath } : {},
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } } }],
  webServer: {
    command: 'node dist/server/index.js',
    cwd: '..',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SANDBOX_PORT: String(sandboxPort),
      LOG_LEVEL: 'warn',
    },
  },
});
