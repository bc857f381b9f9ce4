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
  if (!chunk) fail(`${key} is not in the manifest (renamed? update .ci/bundle-size.mjs)`);
  into.add(key);
  for (const imported of chunk.imports ?? []) withStaticImports(imported, into);
  return into;
}

/** Stops with what to update: a figure that silently measured the wrong chunks would be worse than none. */
function fail(message) {
  console.error(`bundle-size: ${message}`);
  if (args.has('--build')) fs.rmSync(dist, { recursive: true, force: true });
  process.exit(1);
}

// The entry: the chunk index.html loads (its <script type="module">, found in the manifest).
const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry && key.endsWith('index.html'));
if (entries.length !== 1) fail(`expected one entry for index.html in the manifest, found ${entries.length} (${entries.join(', ') || 'none'}): is build.manifest still on in vite.config.ts?`);
const entry = entries[0];

/*
 * The lazily loaded screens each page shows, by source file (the manifest's keys). routes.tsx
 * imports every screen lazily; main.tsx asks for the page's screens and the language's catalogue
 * before the first render, so they are part of what the browser downloads before it shows the page.
 */
const SCREENS = {
  connectors: 'app/routes/connectors-route.tsx',
  setup: 'app/routes/setup/setup-layout.tsx',
  authorize: 'app/routes/setup/authorize-route.tsx',
  filter: 'app/routes/setup/filter-route.tsx',
  mapping: 'app/routes/setup/mapping-route.tsx',
  calculation: 'app/routes/setup/calculation-route.tsx',
  done: 'app/routes/setup/done-route.tsx',
};
const CATALOGUE = /^app\/locales\/([a-z]{2})\/index\.ts$/;

// Every chunk the entry loads lazily must be a screen or a catalogue this script knows of:
// a new (or renamed) lazy screen fails here instead of being left out of the figures.
const known = new Set(Object.values(SCREENS));
const unknown = (manifest[entry].dynamicImports ?? []).filter((key) => !known.has(key) && !CATALOGUE.test(key));
if (unknown.length > 0) fail(`the entry loads ${unknown.join(', ')} lazily, which .ci/bundle-size.mjs does not know: add it to SCREENS (and to the pages that show it).`);
for (const [name, key] of Object.entries(SCREENS)) {
  if (!manifest[key]) fail(`the ${name} screen ${key} is not in the manifest (renamed, or no longer lazy?): update SCREENS in .ci/bundle-size.mjs to match app/routes/routes.tsx.`);
  if (!manifest[key].isDynamicEntry) fail(`the ${name} screen ${key} is not a lazily loaded chunk any more: update SCREENS in .ci/bundle-size.mjs to match app/routes/routes.tsx.`);
}
const languages = Object.keys(manifest).map((key) => CATALOGUE.exec(key)?.[1]).filter(Boolean).sort();
for (const language of ['ru', 'en']) {
  if (!languages.includes(language)) fail(`no lazily loaded catalogue app/locales/${language}/index.ts in the manifest (is it imported statically now?): see loadLanguage in app/lib/i18n.ts.`);
}
const catalogue = (language) => `app/locales/${language}/index.ts`;

// index.html must ask for nothing more than the entry and its static imports (modulepreload).
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const entryFiles = new Set([...withStaticImports(entry)].map((key) => manifest[key].file));
for (const [, file] of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/([^"]+\.js)"/g)) {
  if (!entryFiles.has(file)) fail(`index.html loads ${file}, which is not the entry or one of its static imports: the figures would miss it.`);
}

const pages = [
  ...languages.map((language) => ({ name: `Connectors page (${language})`, keys: [entry, SCREENS.connectors, catalogue(language)] })),
  ...languages.map((language) => ({ name: `Mapping step (${language})`, keys: [entry, SCREENS.setup, SCREENS.mapping, catalogue(language)] })),
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
  // The larger of the two languages' figures.
  const connectors = Math.max(...results.filter((page) => page.name.startsWith('Connectors')).map((page) => page.total.gzip)) / 1000;
  console.log(`\nConnectors page initial JS: ${connectors.toFixed(1)} kB gzip (target ≤ ${BUDGET_KB} kB: ${connectors <= BUDGET_KB ? 'met' : `not met, ${(connectors - BUDGET_KB).toFixed(1)} kB over`})`);
}
if (args.has('--build')) fs.rmSync(dist, { recursive: true, force: true });
