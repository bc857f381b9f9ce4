import type { Catalog } from '../catalog';

/** Wizard shell: stepper, navigation, saving. */
export const wizard = {
  title: 'Connect {{name}}',
  account: 'Account: {{name}} ({{domain}})',
  loading: 'Loading settings…',
  stepsLabel: 'Setup steps',
  steps: {
    authorize: 'Authorization',
    filter: 'Filter',
    mapping: 'Mapping',
    calculation: 'Calculation',
    done: 'Done',
  },
  stepStatus: {
    done: 'done',
    todo: 'not done yet',
    optional: 'optional',
    locked: 'available after authorization',
  },
  back: 'Back',
  next: 'Next',
  skip: 'Skip',
  retry: 'Try again',
  saving: 'Saving…',
  saved: 'All changes saved',
  unsaved: {
    title: 'Leave without saving?',
    stay: 'Stay',
    leave: 'Leave',
    saveFailed: 'Your latest changes could not be saved. If you leave now, they will be lost.',
  },
  keptDraft: {
    title: 'Restore your unsaved changes?',
    description:
      'Changes you made before this page was closed or reloaded did not reach the server, and the settings have been changed elsewhere since (another tab or device). Put your changes on top of the current settings, or discard them?',
    apply: 'Restore my changes',
    discard: 'Discard',
  },
} satisfies Catalog;
