import { Navigate, type RouteObject } from 'react-router';

import { AppLayout } from '@/components/layouts/app-layout';
import { ConnectorsPage } from '@/features/connectors/components/connectors-page';

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to="/connectors" replace /> },
      { path: 'connectors', element: <ConnectorsPage /> },
      { path: '*', element: <Navigate to="/connectors" replace /> },
    ],
  },
];
