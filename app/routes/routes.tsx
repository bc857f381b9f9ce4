import { Suspense } from 'react';
import { Navigate, Outlet, useOutletContext, useParams, type RouteObject } from 'react-router';

import { AppLayout } from '@/components/layouts/app-layout';

import { lazyScreen, type LazyScreen } from './lazy-screen';
import { ScreenFallback } from './screen-fallback';
import type { WizardContext } from './setup/setup-layout';
import type { StepId } from './setup/steps';

/*
 * Every page and every wizard step is its own chunk (with the libraries only it uses:
 * dnd-kit on Mapping, react-hook-form on Filter and Calculation…), so the Connectors page
 * downloads none of the wizard. `preloadScreens` starts a page's chunks before the first
 * render; inside the app, navigations are transitions, so the previous screen stays until
 * the next one has arrived (the fallbacks show only on a first render that outran them).
 */

const ConnectorsPage = lazyScreen(() => import('./connectors-route'), 'ConnectorsRoute');
const SetupLayout = lazyScreen(() => import('./setup/setup-layout'), 'SetupLayout');

const stepScreens: Record<StepId, LazyScreen> = {
  authorize: lazyScreen(() => import('./setup/authorize-route'), 'AuthorizeRoute'),
  filter: lazyScreen(() => import('./setup/filter-route'), 'FilterRoute'),
  mapping: lazyScreen(() => import('./setup/mapping-route'), 'MappingRoute'),
  calculation: lazyScreen(() => import('./setup/calculation-route'), 'CalculationRoute'),
  done: lazyScreen(() => import('./setup/done-route'), 'DoneRoute'),
};

const isScreenStep = (step: string | undefined): step is StepId => step !== undefined && Object.hasOwn(stepScreens, step);

/** Starts downloading the step's screen (nothing for no step or an unknown one). */
function preloadStep(step: string | undefined): Promise<unknown> {
  return isScreenStep(step) ? stepScreens[step].preload() : Promise.resolve();
}

/** Starts downloading the screens `pathname` shows; resolves when they have arrived (or failed: rendering retries). */
export function preloadScreens(pathname: string): Promise<void> {
  const setup = /^\/setup\/[^/]+(?:\/([^/]+))?/.exec(pathname);
  // Any other path is, or redirects to, the Connectors page.
  const screens = setup ? [SetupLayout.preload(), preloadStep(setup[1])] : [ConnectorsPage.preload()];
  return Promise.all(screens).then(
    () => undefined,
    () => undefined,
  );
}

/** Downloads every screen (for tests, which render the app as it was before lazy loading: all of it at hand). */
export function preloadAllScreens(): Promise<unknown> {
  return Promise.all([ConnectorsPage.preload(), SetupLayout.preload(), ...Object.values(stepScreens).map((screen) => screen.preload())]);
}

/** One boundary for every page, kept across navigations (which therefore keep the previous page until the next has loaded). */
function PageSuspense() {
  return (
    <Suspense fallback={<ScreenFallback />}>
      <Outlet />
    </Suspense>
  );
}

/** The wizard: its step's code starts downloading at once, alongside the data the layout waits for. */
function SetupRoute() {
  void preloadStep(useParams().step);
  return <SetupLayout />;
}

/** The screen of the step the layout checked (it only renders its outlet for a known, unlocked step). */
function StepScreen() {
  const Screen = stepScreens[useOutletContext<WizardContext>().step];
  // Inside the wizard's frame (title, stepper, card): only the card's content waits.
  return (
    <Suspense fallback={<ScreenFallback />}>
      <Screen />
    </Suspense>
  );
}

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    children: [
      {
        element: <PageSuspense />,
        children: [
          { index: true, element: <Navigate to="/connectors" replace /> },
          { path: 'connectors', element: <ConnectorsPage /> },
          {
            path: 'setup/:connectorId',
            element: <SetupRoute />,
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
    ],
  },
];
