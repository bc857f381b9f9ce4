#!/usr/bin/env node
// The one test command (`npm test`): type-check, lint, unit + component + API tests (vitest),
// build, then the browser tests (Playwright in Chromium). Ends with "N passed, N failed".
// `--e2e-only` runs just the browser part; `--no-e2e` skips it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = new Set(process.argv.slice(2));
const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, '.test-output');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
/** Names of the failed tests, repeated at the end so the last lines of a log say what failed. */
const failedTests = [];

function run(label, command, commandArgs, env = {}) {
  process.stdout.write(`\n▶ ${label}\n`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) failures.push(label);
  return result.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Finds a Chromium for Playwright: $CHROMIUM_PATH, Debian's /usr/bin/chromium, else Playwright's own. */
function ensureBrowser() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (found) return { CHROMIUM_PATH: found };
  process.stdout.write('No system Chromium found: installing Playwright\'s own Chromium (npx playwright install chromium)\n');
  run('install Playwright Chromium', 'npx', ['playwright', 'install', 'chromium']);
  return { CHROMIUM_PATH: '' };
}

function firstLine(text) {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';
}

function collectPlaywrightFailures(suites, titles) {
  for (const suite of suites) {
    const inner = suite.title ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const last = test.results?.at(-1);
        failedTests.push(`[${test.projectName}] ${[...inner, spec.title].join(' › ')}: ${firstLine(last?.error?.message)}`);
      }
    }
    collectPlaywrightFailures(suite.suites ?? [], inner);
  }
}

const npx = 'npx';
if (!args.has('--e2e-only')) {
  run('type-check (tsc)', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('lint (eslint)', npx, ['eslint', '.', '--max-warnings', '0']);
  const vitestJson = path.join(out, 'vitest.json');
  run('unit, component and API tests (vitest)', npx, [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestJson}`,
  ]);
  const report = readJson(vitestJson);
  if (report) {
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A file that fails to load has no failed test but must not pass silently.
    if ((report.numFailedTestSuites ?? 0) > 0 && (report.numFailedTests ?? 0) === 0) totals.failed += report.numFailedTestSuites;
    for (const file of report.testResults ?? []) {
      const where = path.relative(root, file.name ?? '');
      const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failed) failedTests.push(`${where} › ${test.fullName ?? test.title}: ${firstLine(test.failureMessages?.[0])}`);
      if (failed.length === 0 && file.status === 'failed') failedTests.push(`${where}: ${firstLine(file.message)}`);
    }
  } else {
    totals.failed += 1;
  }
}

if (!args.has('--no-e2e')) {
  const browserEnv = ensureBrowser();
  if (run('build (vite)', 'npm', ['run', 'build', '--silent'])) {
    const playwrightJson = path.join(out, 'playwright.json');
    run('browser tests (Playwright, Chromium)', npx, ['playwright', 'test', '-c', 'e2e', '--reporter=list,json'], {
      ...browserEnv,
      PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
    });
    const report = readJson(playwrightJson);
    if (report?.stats) {
      collectPlaywrightFailures(report.suites ?? [], []);
      totals.passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
      totals.failed += report.stats.unexpected ?? 0;
      totals.skipped += report.stats.skipped ?? 0;
    } else {
      totals.failed += 1;
    }
  } else {
    totals.failed += 1;
  }
}

if (failedTests.length > 0) process.stdout.write(`\nFailed tests:\n${failedTests.map((line) => `  ✗ ${line}`).join('\n')}\n`);
if (failures.length > 0) process.stdout.write(`\nFailed steps: ${failures.join(', ')}\n`);
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exit(failures.length > 0 || totals.failed > 0 ? 1 : 0);
