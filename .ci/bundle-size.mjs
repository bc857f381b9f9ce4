#!/usr/bin/env node
// The JavaScript a page downloads before it can show anything, read from a build's Vite
// manifest: index.html's entry and its static imports, the page's lazily loaded screens (which
// main.tsx requests before the first render) with theirs, and the catalogue of the language in
// use. Printed per chunk, raw and gzip (level 9, each chunk on its own, as a server sends it).
//
//   node .ci/bundle-size.mjs            reads dist/web (run `npm run build` first)
//   node .ci/bundle-size.mjs --build    builds the web app into a temporary directory first
//   node .ci/bundle-size.mjs --json     prints the figures as JSON instead
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
/** The Connectors page's budget (issue 11): its initial JavaScript, gzip. */
const BUDGET_KB = 110;

let dist = path.join(root, 'dist/web');
if (args.has('--build')) {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-connect-size-'));
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
}
const manifestPath = path.join(dist, '.vite/manifest.json');
if (!fs.existsSync(manifestPath)) {
  console.error(`No Vite manifest at ${path.relative(root, manifestPath)}: run \`npm run build\` first (or pass --build).`);
  process.exit(1);
}
/** @type {Record<string, { file: string, isEntry?: boolean, imports?: string[], dynamicImports?: string[] }>} */
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));

const sizes = new Map();
function size(file) {
  if (!sizes.has(file)) {
    const bytes = fs.readFileSync(path.join(dist, file));
    sizes.set(file, { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length });
  }
  return sizes.get(file);
}

/** The manifest key and its static imports, transitively (what the browser needs before running it). */
function withStaticImports(key, into = new Set()) {
  if (into.has(key)) return into;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the manifest (renamed? update .ci/bundle-size.mjs)`);
  into.add(key);
  for (const imported of chunk.imports ?? []) withStaticImports(imported, into);
  return into;
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry && key.endsWith('index.html'));
const screens = {
  connectors: 'app/features/connectors/components/connectors-page.tsx',
  setup: 'app/routes/setup/setup-layout.tsx',
  mapping: 'app/routes/setup/mapping-route.tsx',
};
const catalogue = (language) => `app/locales/${language}/index.ts`;
const pages = [
  { name: 'Connectors page (ru)', keys: [entry, screens.connectors, catalogue('ru')] },
  { name: 'Connectors page (en)', keys: [entry, screens.connectors, catalogue('en')] },
  { name: 'Mapping step (ru)', keys: [entry, screens.setup, screens.mapping, catalogue('ru')] },
];

/** kB as Vite prints them (1 kB = 1000 bytes). */
const kb = (bytes) => (bytes / 1000).toFixed(1);
const results = pages.map(({ name, keys }) => {
  const chunks = new Set();
  for (const key of keys) withStaticImports(key, chunks);
  const files = [...chunks].map((key) => ({ key, file: manifest[key].file, ...size(manifest[key].file) })).filter((chunk) => chunk.file.endsWith('.js'));
  files.sort((a, b) => b.gzip - a.gzip);
  const total = files.reduce((sum, chunk) => ({ raw: sum.raw + chunk.raw, gzip: sum.gzip + chunk.gzip }), { raw: 0, gzip: 0 });
  return { name, total, chunks: files };
});
const allJs = Object.values(manifest).filter((chunk) => chunk.file.endsWith('.js')).reduce((sum, chunk) => ({ raw: sum.raw + size(chunk.file).raw, gzip: sum.gzip + size(chunk.file).gzip }), { raw: 0, gzip: 0 });

if (args.has('--json')) {
  console.log(JSON.stringify({ budgetKb: BUDGET_KB, allJs, pages: results }, null, 2));
} else {
  console.log(`\nInitial JavaScript per page (${path.relative(root, dist) || dist}); every chunk: ${kb(allJs.raw)} kB raw, ${kb(allJs.gzip)} kB gzip`);
  for (const { name, total, chunks } of results) {
    console.log(`\n${name}: ${chunks.length} chunks, ${kb(total.raw)} kB raw, ${kb(total.gzip)} kB gzip`);
    for (const chunk of chunks) console.log(`  ${kb(chunk.raw).padStart(7)} kB  ${kb(chunk.gzip).padStart(6)} kB gzip  ${chunk.file}${chunk.key === entry ? '  (entry)' : ''}`);
  }
  const connectors = results[0].total.gzip / 1000;
  console.log(`\nConnectors page initial JS: ${connectors.toFixed(1)} kB gzip (target ≤ ${BUDGET_KB} kB: ${connectors <= BUDGET_KB ? 'met' : `not met, ${(connectors - BUDGET_KB).toFixed(1)} kB over`})`);
}
if (args.has('--build')) fs.rmSync(dist, { recursive: true, force: true });
