import { Navigate, type RouteObject } from 'react-router';

import { AppLayout } from '@/components/layouts/app-layout';
import { ConnectorsPage } from '@/features/connectors/components/connectors-page';

import { AuthorizeRoute } from './setup/authorize-route';
import { CalculationRoute } from './setup/calculation-route';
import { DoneRoute } from './setup/done-route';
import { FilterRoute } from './setup/filter-route';
import { MappingRoute } from './setup/mapping-route';
import { SetupLayout } from './setup/setup-layout';

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to="/connectors" replace /> },
      { path: 'connectors', element: <ConnectorsPage /> },
      {
        path: 'setup/:connectorId',
        element: <SetupLayout />,
        children: [
          // Without a step (or with an unknown one) the layout redirects to the step to resume.
          { index: true, element: null },
          { path: 'authorize', element: <AuthorizeRoute /> },
          { path: 'filter', element: <FilterRoute /> },
          { path: 'mapping', element: <MappingRoute /> },
          { path: 'calculation', element: <CalculationRoute /> },
          { path: 'done', element: <DoneRoute /> },
          { path: '*', element: null },
        ],
      },
      { path: '*', element: <Navigate to="/connectors" replace /> },
    ],
  },
];
