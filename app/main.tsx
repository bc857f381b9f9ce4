import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { z } from 'zod';

import { createQueryClient } from '@/lib/query-client';
import { AppProvider } from '@/routes/provider';
import { routes } from '@/routes/routes';

import './styles.css';

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
