#!/usr/bin/env node
// `npm run test:e2e:repeat [-- N [playwright args…]]`: builds once, then runs the browser
// suite N times (default 20) with retries off, whatever happens, and prints each run's result
// and a last line "K of N runs passed". A flaky test shows up here long before it sinks CI.
// Extra arguments go to Playwright, e.g. `npm run test:e2e:repeat -- 30 -g "keyboard"`.
// Each run keeps its failures' traces in .test-output/e2e-repeat/run-<i>/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const [first, ...rest] = process.argv.slice(2);
const count = first !== undefined && /^\d+$/.test(first) ? Number(first) : 20;
const extra = first !== undefined && !/^\d+$/.test(first) ? [first, ...rest] : rest;
if (count < 1) {
  process.stderr.write('The number of runs must be at least 1.\n');
  process.exit(2);
}

const out = path.join(root, '.test-output', 'e2e-repeat');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// The same browser choice as `npm test` (.ci/test.mjs): $CHROMIUM_PATH, Debian's, else Playwright's own.
const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean).find((candidate) => fs.existsSync(candidate));
const env = { ...process.env, CHROMIUM_PATH: chromium ?? '' };
// Each run gets its own throwaway data directory (playwright.config.ts makes one when unset).
delete env.E2E_DATA_DIR;

process.stdout.write('▶ build (vite)\n');
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', env });
if (build.status !== 0) {
  process.stdout.write('The build failed: nothing was run.\n');
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Titles of the tests that did not pass, from Playwright's JSON report. */
function failedTitles(report) {
  const titles = [];
  const walk = (suite, trail) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === 'unexpected' || test.status === 'flaky') titles.push(`${spec.file}:${spec.line} › ${[...trail, spec.title].join(' › ')}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...trail, child.title]);
  };
  // The top-level suites are the files; below them, the describe blocks.
  for (const suite of report?.suites ?? []) walk(suite, []);
  return titles;
}

const seconds = (ms) => `${Math.round(ms / 1000)} s`;
let passedRuns = 0;
const started = Date.now();
for (let run = 1; run <= count; run += 1) {
  const dir = path.join(out, `run-${run}`);
  const json = path.join(dir, 'report.json');
  const t0 = Date.now();
  const result = spawnSync('npx', ['playwright', 'test', '-c', 'e2e', '--retries=0', '--reporter=dot,json', `--output=${dir}`, ...extra], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: json },
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = readJson(json);
  const stats = report?.stats;
  // With retries off nothing can be "flaky"; should a config bring retries back, a retried pass still counts as a failure here.
  const passed = stats?.expected ?? 0;
  const failed = stats ? (stats.unexpected ?? 0) + (stats.flaky ?? 0) : 1;
  const ok = result.status === 0 && stats !== undefined && failed === 0;
  if (ok) passedRuns += 1;
  process.stdout.write(`run ${run}/${count}: ${ok ? 'passed' : 'FAILED'} — ${passed} passed, ${failed} failed (${seconds(Date.now() - t0)})\n`);
  if (!ok) {
    for (const title of failedTitles(report)) process.stdout.write(`    ✘ ${title}\n`);
    if (!stats) process.stdout.write(`${result.stdout}${result.stderr}`.split('\n').slice(-30).join('\n') + '\n');
    process.stdout.write(`    traces: ${path.relative(root, dir)}/\n`);
  } else {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`\n${passedRuns} of ${count} runs passed (${seconds(Date.now() - started)} in all)\n`);
process.exit(passedRuns === count ? 0 : 1);
