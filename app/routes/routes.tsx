import type { ReactElement } from 'react';
import { Navigate, type RouteObject } from 'react-router';

import { AppLayout } from '@/components/layouts/app-layout';
import { ConnectorsPage } from '@/features/connectors/components/connectors-page';

import { AuthorizeRoute } from './setup/authorize-route';
import { CalculationRoute } from './setup/calculation-route';
import { DoneRoute } from './setup/done-route';
import { FilterRoute } from './setup/filter-route';
import { MappingRoute } from './setup/mapping-route';
import { SetupLayout, useWizard } from './setup/setup-layout';
import type { StepId } from './setup/steps';

const stepScreens: Record<StepId, ReactElement> = {
  authorize: <AuthorizeRoute />,
  filter: <FilterRoute />,
  mapping: <MappingRoute />,
  calculation: <CalculationRoute />,
  done: <DoneRoute />,
};

/** The screen of the step the layout checked (it only renders its outlet for a known, unlocked step). */
function StepScreen() {
  return stepScreens[useWizard().step];
}

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
          { path: ':step', element: <StepScreen /> },
          // Below a step: the step's frame, without its screen.
          { path: ':step/*', element: null },
        ],
      },
      { path: '*', element: <Navigate to="/connectors" replace /> },
    ],
  },
];
