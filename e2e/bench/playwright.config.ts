import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { defineConfig } from '@playwright/test';

import { buildLimitsAccountFixture } from '../../mocks/fixtures/amocrm-limits';
import { DESKTOP } from '../helpers/viewports';

import { BENCH_PORTS } from './ports';

/**
 * The browser benchmark (`npm run bench:browser`, also the last part of `npm run bench`): the
 * built product twice, like e2e/playwright.config.ts's webServer — on the sandbox's demo account
 * and on the generated account at amoCRM's limits (mocks/fixtures/amocrm-limits.ts, written to a
 * throwaway file here) — measured in Chromium by mapping.measure.ts. It prints numbers and asserts
 * no target: it is not part of `npm test`.
 *
 * Ports: `BENCH_PORT` (8811) and the seven after it (each product's own sandboxes).
 */
process.env.BENCH_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hub-connect-bench-'));
const dataDir = process.env.BENCH_DATA_DIR;
const limitsFile = path.join(dataDir, 'amocrm-limits.json');
if (!fs.existsSync(limitsFile)) fs.writeFileSync(limitsFile, JSON.stringify(buildLimitsAccountFixture()));

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = chromium && fs.existsSync(chromium) ? chromium : undefined;

const product = (name: 'demo' | 'limits', port: number, account?: string) => ({
  command: 'node dist/sandbox/serve.js',
  cwd: '../..',
  url: `http://127.0.0.1:${port}/api/health`,
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
  env: {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: path.join(dataDir, name),
    SANDBOX_PORT: String(port + 1),
    SANDBOX_BITRIX24_PORT: String(port + 2),
    SANDBOX_RETAILCRM_PORT: String(port + 3),
    LOG_LEVEL: 'warn',
    ...(account ? { SANDBOX_AMOCRM_ACCOUNT: account } : {}),
  },
});

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.measure.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 600_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  outputDir: '../../.test-output/bench',
  globalTeardown: './global-teardown.ts',
  use: {
    ...DESKTOP.use,
    locale: 'en-US',
    actionTimeout: 60_000,
    launchOptions: executablePath ? { executablePath } : {},
  },
  webServer: [product('demo', BENCH_PORTS.demo), product('limits', BENCH_PORTS.limits, limitsFile)],
});
