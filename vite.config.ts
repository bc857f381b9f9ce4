import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const apiOrigin = `http://127.0.0.1:${process.env.PORT ?? '8787'}`;
const alias = { '@': fileURLToPath(new URL('./app', import.meta.url)) };

export default defineConfig({
  plugins: [react()],
  resolve: { alias },
  build: { outDir: 'dist/web', emptyOutDir: true, sourcemap: false },
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
