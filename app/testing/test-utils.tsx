import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

import { createQueryClient } from '@/lib/query-client';
import type { Language } from '@/lib/i18n';
import { AppProvider } from '@/routes/provider';
import { preloadAllScreens, routes } from '@/routes/routes';

import { createApiBridge, type ApiBridge } from '../../mocks/api/bridge';

// Every screen is a lazily loaded chunk; have them all here before a test renders one, so that a
// test's waits are not spent compiling the screen's modules (the Suspense boundaries still run).
await preloadAllScreens();

/** The MSW server for component tests: every request must be handled (unhandled = test error). */
export const mswServer = setupServer();

let bridge: ApiBridge | null = null;

/**
 * Call once at the top of a test file: each test gets a fresh real API (new SQLite file,
 * new workspace) behind MSW.
 */
export function setupRealApi(options: Parameters<typeof createApiBridge>[1] = {}): { readonly current: ApiBridge } {
  beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    bridge = createApiBridge(window.location.origin, options);
    mswServer.use(...bridge.handlers);
  });
  afterEach(async () => {
    mswServer.resetHandlers();
    await bridge?.close();
    bridge = null;
  });
  afterAll(() => mswServer.close());
  return {
    get current() {
      if (!bridge) throw new Error('setupRealApi(): no API outside a test');
      return bridge;
    },
  };
}

/** Renders the whole app (real routes and providers) at `path`. */
export function renderApp(path = '/', { language }: { language?: Language } = {}) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const user = userEvent.setup();
  const utils = render(
    <AppProvider queryClient={queryClient} language={language ?? 'en'}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...utils, user, router, queryClient };
}

/** Renders one component inside the app's providers (i18n in `language`, a query client), without routes. */
export function renderWithProviders(ui: React.ReactElement, { language }: { language?: Language } = {}) {
  return render(
    <AppProvider queryClient={createQueryClient()} language={language ?? 'en'}>
      {ui}
    </AppProvider>,
  );
}
