import type { Catalog } from '../catalog';

/** Shared messages: app chrome, navigation, generic errors. Each area has its own file beside this one. */
export const common = {
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
  errors: {
    network_error: 'No connection to the server. Check your network and try again.',
    generic: 'Something went wrong. Try again.',
  },
} satisfies Catalog;


