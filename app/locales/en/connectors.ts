import type { Catalog } from '../catalog';

/** Connectors page. */
export const connectors = {
  title: 'Connectors',
  intro: 'Connect your CRM so the analytics service loads your deals, funnel stages and fields correctly.',
  loading: 'Loading connectors…',
  loadError: 'Could not load the connectors.',
  retry: 'Try again',
  state: {
    available: 'Not connected',
    draft: 'Setup not finished',
    connected: 'Connected',
    attention: 'Needs attention',
  },
  comingSoon: 'Coming soon',
  connect: 'Connect',
  account: 'Account: {{name}}',
} satisfies Catalog;
