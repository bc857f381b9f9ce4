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
} satisfies Catalog;
