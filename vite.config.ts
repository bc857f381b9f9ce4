import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const apiOrigin = `http://127.0.0.1:${process.env.PORT ?? '8787'}`;
const alias = { '@': fileURLToPath(new URL('./app', import.meta.url)) };

export default defineConfig({
  plugins: [react()],
  resolve: { alias },
  build: { outDir: 'dist/web', emptyOutDir: true, sourcemap: true },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    // The API refuses state-changing requests from other origins; the proxy presents the API's own.
    proxy: { '/api': { target: apiOrigin, headers: { Origin: apiOrigin } } },
  },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'node',
          environment: 'node',
          include: ['app/contracts/**/*.test.ts', 'app/**/model/**/*.test.ts', 'server/**/*.test.ts', 'mocks/**/*.test.ts'],
        },
      },
      {
        plugins: [react()],
        resolve: { alias },
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['app/**/*.test.tsx'],
          setupFiles: ['app/testing/setup-tests.ts'],
          benchmark: { include: [] },
        },
      },
    ],
  },
});
