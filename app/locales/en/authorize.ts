import type { Catalog } from '../catalog';

/** Authorization step. */
export const authorize = {
  title: 'Authorization',
  intro: 'Hub Connect needs read access to your {{name}} account: deals, pipelines, statuses and fields. Nothing is changed in {{name}}.',
  checking: 'Checking access to {{name}}…',
  redirecting: 'Taking you to {{name}} to allow access…',
  redirectHint: 'Confirm access there; {{name}} then brings you back here and the setup continues.',
  redirectManual: 'Not moving? Open the {{name}} consent page',
  returned: 'You came back before allowing access in {{name}}.',
  continueTo: 'Continue to {{name}}',
  success: 'Access granted. Loading your {{name}} account…',
  authorized: 'Access to {{name}} is already granted. Moving on…',
  errorTitle: 'Authorization did not complete',
  unknownError: 'The authorization with {{name}} did not complete (code “{{code}}”). Try again; if it keeps failing, contact support.',
  startError: 'Could not start the authorization',
  tryAgain: 'Try again',
  backToConnectors: 'Back to Connectors',
  address: {
    label: 'Your {{name}} address',
    hint: 'The address you open {{name}} at, e.g. {{example}}.',
    required: 'Enter the address you open {{name}} at.',
    submit: 'Continue to {{name}}',
  },
} satisfies Catalog;
