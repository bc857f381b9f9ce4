/** English message catalogue. Keys are shared with ru.ts; a test checks both have the same keys. */
export const en = {
  app: {
    name: 'Hub Connect',
    tagline: 'CRM data for end-to-end analytics',
    skipToContent: 'Skip to content',
    language: 'Language',
  },
  nav: {
    main: 'Main navigation',
    connectors: 'Connectors',
  },
  connectors: {
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
  },
  errors: {
    network_error: 'No connection to the server. Check your network and try again.',
    generic: 'Something went wrong. Try again.',
  },
} as const;

export type Catalog = { [key: string]: string | Catalog };
