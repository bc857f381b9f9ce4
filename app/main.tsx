// zod first, told before any schema exists that the CSP forbids building functions from
// strings (otherwise it probes with `new Function` and the browser reports a violation).
import './lib/zod-config';
// The only global stylesheets (tokens, then element resets), first so that their cascade-layer
// order comes before any component's CSS; everything else is a CSS Module.
import './styles/tokens.css';
import './styles/base.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';

import { connectorsQueryOptions } from '@/api/connectors';
import { detectLanguage, prepareI18n } from '@/lib/i18n';
import { createQueryClient } from '@/lib/query-client';
import { AppProvider } from '@/routes/provider';
import { preloadScreens, routes } from '@/routes/routes';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const queryClient = createQueryClient();
const language = detectLanguage();

// All at once: the connector list (every page starts from it), the language's catalogue and
// the code of the page at this address. The first render waits for the catalogue (no flash
// of keys or of the other language) and the page's code (no fallback on a first visit).
void queryClient.prefetchQuery(connectorsQueryOptions());
const ready = Promise.all([prepareI18n(language), preloadScreens(window.location.pathname)]);

void ready
  // A catalogue that failed to download is tried again by rendering in that language.
  .catch(() => undefined)
  .then(() => {
    const router = createBrowserRouter(routes);
    createRoot(root).render(
      <StrictMode>
        <AppProvider queryClient={queryClient} language={language}>
          <RouterProvider router={router} />
        </AppProvider>
      </StrictMode>,
    );
  });
