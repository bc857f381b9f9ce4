import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { defineConfig, devices } from '@playwright/test';

import { DESKTOP, PHONE, TABLET } from './helpers/viewports';

// The whole product, built, on its own ports and a throwaway data directory.
const port = Number(process.env.E2E_PORT ?? 8797);
const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 8798);
const bitrix24SandboxPort = Number(process.env.E2E_BITRIX24_SANDBOX_PORT ?? 8801);
const retailcrmSandboxPort = Number(process.env.E2E_RETAILCRM_SANDBOX_PORT ?? 8803);
const baseURL = `http://127.0.0.1:${port}`;
// One throwaway data directory per run: the config is loaded by the runner and again by each
// worker, which inherit the variable; global-teardown.ts removes it.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'hub-connect-e2e-'));
const dataDir = process.env.E2E_DATA_DIR;
// The sandbox amoCRM serves a copy of the demo account from a file in that directory, which it
// re-reads when the file changes: drift.spec.ts changes the CRM under the running product
// through it (and restores it). The workers find the file in the same variable.
process.env.E2E_AMOCRM_ACCOUNT_FILE ??= path.join(dataDir, 'amocrm-account.json');
const amocrmAccountFile = process.env.E2E_AMOCRM_ACCOUNT_FILE;
if (!fs.existsSync(amocrmAccountFile)) fs.copyFileSync(path.join(import.meta.dirname, '../mocks/fixtures/amocrm-account.json'), amocrmAccountFile);
// A second product on its own ports, serving the long-names sandbox account (255-character
// pipeline, status and field names) for the layout check; its data under the same throwaway dir.
const longNamesPort = Number(process.env.E2E_LONG_NAMES_PORT ?? 8799);
const longNamesSandboxPort = Number(process.env.E2E_LONG_NAMES_SANDBOX_PORT ?? 8800);
const longNamesBitrix24SandboxPort = Number(process.env.E2E_LONG_NAMES_BITRIX24_SANDBOX_PORT ?? 8802);
const longNamesRetailcrmSandboxPort = Number(process.env.E2E_LONG_NAMES_RETAILCRM_SANDBOX_PORT ?? 8804);
const longNamesURL = `http://127.0.0.1:${longNamesPort}`;
// The responsive specs run in their own projects only (below), never in `chromium`.
const VISUAL = '**/visual.spec.ts';
const LAYOUT = '**/layout.spec.ts';
const TOUCH_FLOW = '**/touch-flow.spec.ts';
const LONG_TASKS = '**/funnel-long-tasks.spec.ts';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const executablePath = chromium && fs.existsSync(chromium) ? chromium : undefined;

// The product with its sandbox amoCRM (the demo entry: the sandbox, then the product configured for it).
const product = {
  command: 'node dist/sandbox/serve.js',
  cwd: '..',
  url: `${baseURL}/api/health`,
  reuseExistingServer: false,
  timeout: 60_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
  env: {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_BITRIX24_PORT: String(bitrix24SandboxPort),
    SANDBOX_RETAILCRM_PORT: String(retailcrmSandboxPort),
    SANDBOX_AMOCRM_ACCOUNT: amocrmAccountFile,
    // A drift check (a Connectors listing's, `GET …/changes`) always reads the CRM, so a change
    // of the sandbox's account file shows on the next look instead of in 10 minutes.
    DRIFT_SCHEMA_MAX_AGE_MS: '0',
    LOG_LEVEL: 'warn',
  },
};
// The same with the long-names account, for the `layout-long-names` project.
const longNamesProduct = {
  ...product,
  url: `${longNamesURL}/api/health`,
  env: {
    ...product.env,
    PORT: String(longNamesPort),
    DATA_DIR: path.join(dataDir, 'long-names'),
    SANDBOX_PORT: String(longNamesSandboxPort),
    SANDBOX_BITRIX24_PORT: String(longNamesBitrix24SandboxPort),
    SANDBOX_RETAILCRM_PORT: String(longNamesRetailcrmSandboxPort),
    SANDBOX_AMOCRM_ACCOUNT: 'mocks/fixtures/amocrm-long-names.json',
  },
};

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  // No retries: a test that passes only now and then hides a race (`npm run test:e2e:repeat`
  // runs the suite many times to find one).
  retries: 0,
  // A whole test's budget, not a wait: one state is waited for at most `expect.timeout`. The
  // longest walks (a pipeline mapped by mouse, the calculation step to Done) take 20–30 s alone
  // and ran past 60 s with three browsers running on the 2-core machine (the repeat's run 7).
  timeout: 120_000,
  expect: {
    timeout: 10_000,
    // Screenshot comparisons (visual.spec.ts): still frames, no caret, CSS pixels, a tolerance of 0.2 %
    // of the pixels (at 1 % a whole table of a dozen rows appeared on the Done page unnoticed).
    toHaveScreenshot: { animations: 'disabled', caret: 'hide', scale: 'css', maxDiffPixelRatio: 0.002 },
  },
  // Baselines without the platform suffix (CI runs the same Debian Chromium on Linux), one
  // folder per project (phone, tablet, desktop): e2e/__screenshots__/visual.spec.ts/phone/ru-filter.png.
  snapshotPathTemplate: '{testDir}/__screenshots__/{testFilePath}/{projectName}/{arg}{ext}',
  // A missing baseline fails (never silently written and passed); baselines are written only on
  // purpose, with --update-snapshots (npm run test:e2e:update-screenshots).
  updateSnapshots: 'none',
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
  projects: [
    { name: 'chromium', testIgnore: [VISUAL, LAYOUT, TOUCH_FLOW, LONG_TASKS], use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 } } },
    // Screenshots of every page and step at three widths (phone and tablet emulate touch).
    { name: 'phone', testMatch: [VISUAL, TOUCH_FLOW], use: PHONE.use },
    { name: 'tablet', testMatch: VISUAL, use: TABLET.use },
    { name: 'desktop', testMatch: VISUAL, use: DESKTOP.use },
    // The live funnel's long tasks at amoCRM's limits (20,000 deals seeded into the product's database).
    { name: 'long-tasks', testMatch: LONG_TASKS, use: DESKTOP.use },
    // The layout check walks all three widths itself: on the demo account, and on long names.
    { name: 'layout', testMatch: LAYOUT, use: DESKTOP.use },
    { name: 'layout-long-names', testMatch: LAYOUT, use: { ...DESKTOP.use, baseURL: longNamesURL }, metadata: { longNames: true } },
  ],
  webServer: [product, longNamesProduct],
});
