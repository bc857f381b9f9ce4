// The only global stylesheets (tokens, then element resets), first so that their cascade-layer
// order comes before any component's CSS; everything else is a CSS Module.
import './styles/tokens.css';
import './styles/base.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { z } from 'zod';

import { createQueryClient } from '@/lib/query-client';
import { AppProvider } from '@/routes/provider';
import { routes } from '@/routes/routes';

// The CSP forbids building functions from strings; tell zod not to probe for it.
z.config({ jitless: true });

const router = createBrowserRouter(routes);
const queryClient = createQueryClient();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>
  </StrictMode>,
);
