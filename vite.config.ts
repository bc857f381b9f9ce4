import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

import { precompressDir } from './server/lib/precompress';

const apiOrigin = `http://127.0.0.1:${process.env.PORT ?? '8787'}`;
const alias = { '@': fileURLToPath(new URL('./app', import.meta.url)) };
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * CSS Modules class names, unique per file by a short hash of its path: in development
 * `step-layout__drag-handle_x3Fq9` (file and class, readable in the devtools), in a build
 * `drag-handle_x3Fq9` (the class is kept so a browser test can still match it, e.g.
 * `toHaveClass(/button--danger/)`). Vitest uses its own stable names (`_dragHandle_1a2b3c`).
 */
function scopedClassName(local: string, filename: string): string {
  const file = path.relative(root, filename.split('?')[0] ?? filename).split(path.sep).join('/');
  const hash = createHash('sha256').update(file).digest('base64url').slice(0, 5);
  if (process.env.NODE_ENV === 'production') return `${local}_${hash}`;
  return `${path.basename(file).replace(/\.module\.css$/, '')}__${local}_${hash}`;
}

/**
 * `.br` and `.gz` next to the web build's text files (server/lib/precompress.ts), served as they
 * are by the server. Not for the server's own builds (`vite build --ssr`).
 */
function precompress(): Plugin {
  let ssr = false;
  return {
    name: 'hub-connect:precompress',
    apply: 'build',
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
    },
    writeBundle: {
      sequential: true,
      order: 'post',
      handler(options) {
        if (ssr || !options.dir) return;
        const files = precompressDir(options.dir);
        const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
        for (const file of files.filter((entry) => entry.file.endsWith('.js')).sort((a, b) => b.raw - a.raw).slice(0, 3)) {
          this.info(`${file.file}: ${kB(file.raw)}, gzip ${kB(file.gzip)}, br ${kB(file.brotli)}`);
        }
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: { alias },
  css: {
    modules: {
      // `.panel-source` is read as `styles.panelSource`; only the camelCase key exists.
      localsConvention: 'camelCaseOnly',
      generateScopedName: scopedClassName,
    },
  },
  // The manifest lets .ci/bundle-size.mjs tell each page's initial chunks.
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    sourcemap: false,
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // zod and the module that sets it jitless (main.tsx's first import) in one chunk, which
          // every chunk with a schema imports: the setting runs before any schema is created.
          groups: [{ name: 'zod', test: /node_modules[\\/]zod[\\/]|app[\\/]lib[\\/]zod-config\.ts$/ }],
        },
      },
    },
  },
  // The deals worker (new Worker(new URL(…), { type: 'module' })) as an ES module, like the app.
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    // In development the API runs with PUBLIC_URL set to this server (see `npm run dev`), so
    // same-origin checks and the OAuth redirect both point here.
    proxy: { '/api': apiOrigin },
  },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['app/contracts/**/*.test.ts', 'app/**/model/**/*.test.ts', 'app/lib/**/*.test.ts', 'app/styles/**/*.test.ts', 'server/**/*.test.ts', 'mocks/**/*.test.ts'],
          exclude: ['server/db/postgres.test.ts', 'server/db/two-servers.test.ts'],
        },
      },
      {
        // The API and storage tests again, over PostgreSQL: a throwaway cluster for the run, a
        // schema per test server (server/testing/test-database.ts). Fails when PostgreSQL is missing.
        resolve: { alias },
        test: {
          name: 'postgres',
          environment: 'node',
          include: ['server/routes/**/*.test.ts', 'server/sync/**/*.test.ts', 'server/crm/schema-cache.test.ts', 'server/db/postgres.test.ts', 'server/db/two-servers.test.ts', 'server/db/versions.test.ts'],
          globalSetup: ['server/testing/postgres-global-setup.ts'],
        },
      },
      {
        plugins: [react()],
        resolve: { alias },
        test: {
          name: 'dom',
          environment: 'jsdom',
          // Component tests type and click through whole steps with user-event; on a loaded 2-core
          // machine one can take longer than vitest's 5 s default without anything being wrong.
          testTimeout: 15_000,
          include: ['app/**/*.test.tsx'],
          setupFiles: ['app/testing/setup-tests.ts'],
          benchmark: { include: [] },
        },
      },
    ],
  },
});
