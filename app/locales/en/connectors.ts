import type { Catalog } from '../catalog';

/** Connectors page. */
export const connectors = {
  title: 'Connectors',
  intro: 'Connect your CRM so the analytics service loads your deals, funnel stages and fields correctly.',
  loading: 'Loading connectors…',
  loadError: 'Could not load the connectors.',
  retry: 'Try again',
  catalogue: 'Connector catalogue',
  kind: 'CRM',
  description: {
    amocrm: 'Deals, sales pipelines, statuses and custom fields.',
    bitrix24: 'Deals, funnels and fields from Bitrix24.',
    retailcrm: 'Orders, statuses and fields from RetailCRM.',
  },
  state: {
    available: 'Not connected',
    draft: 'Setup not finished',
    connected: 'Connected',
    attention: 'Needs attention',
  },
  comingSoon: 'Coming soon',
  connect: 'Connect',
  continueSetup: 'Continue setup',
  account: 'Account: {{name}}',
  connectDialog: {
    title: 'Connect {{name}}?',
    description:
      'You will be taken to {{name}} to allow Hub Connect to read your deals, pipelines and fields. Then you will choose which deals to load and how statuses map to funnel stages.',
    descriptionApiKey:
      'Next you will enter the address of your {{name}} account and an API key with read access. Hub Connect checks them with {{name}} and stores the key encrypted. Then you will choose which orders to load and how statuses map to funnel stages.',
    confirm: 'Connect',
    cancel: 'Cancel',
  },
  actions: {
    trigger: 'Connector actions',
    edit: 'Edit',
    reset: 'Reset settings',
    changeAccess: 'Change access',
    disconnect: 'Disconnect',
    redirecting: 'Opening {{name}} to change access…',
  },
  resetDialog: {
    title: 'Reset the {{name}} settings?',
    description:
      'The filter, the status mapping, the selected fields and the calculated fields will be cleared. Access to {{name}} is kept, so you can set it up again right away.',
    confirm: 'Reset settings',
    cancel: 'Cancel',
  },
  disconnectDialog: {
    title: 'Disconnect {{name}}?',
    description:
      'Hub Connect will forget its access to {{name}} and delete this connector’s configuration. The analytics will stop receiving new deals. This cannot be undone.',
    confirm: 'Disconnect',
    cancel: 'Cancel',
  },
  done: {
    resetDone: '{{name}} settings were reset. Access is kept.',
    disconnected: '{{name}} was disconnected.',
  },
  attention: {
    reasonLabel: 'What happened',
    reauthorize: 'Authorize again',
    review: 'Review settings',
    reviewChanges: 'Review changes',
  },
  finished: {
    title: 'Congratulations — {{name}} is connected.',
    account: 'Account: {{account}}. The analytics service now loads deals with these settings.',
    summaryTitle: 'What was set up',
    summaryFilter_one: '{{count}} filter condition',
    summaryFilter_other: '{{count}} filter conditions',
    summaryFilterNone: 'No filter: all deals are loaded',
    summaryPipelines_one: '{{count}} pipeline mapped',
    summaryPipelines_other: '{{count}} pipelines mapped',
    summaryFields_one: '{{count}} custom field selected',
    summaryFields_other: '{{count}} custom fields selected',
    summaryFieldsAll: 'All custom fields are loaded',
    summaryCalculated_one: '{{count}} calculated field',
    summaryCalculated_other: '{{count}} calculated fields',
    summaryCalculatedNone: 'No calculated fields',
    toConnectors: 'Go to Connectors',
    notYetTitle: '{{name}} is not connected yet',
    notYetIntro: 'The setup is not finished. Fix what is listed below, then finish on the calculation step.',
    notYetReady: 'Everything is set up. Finish to connect {{name}}.',
    /** A connector the CRM changed under (attention crm_changed), its changes decided: activate again. */
    reactivateTitle: 'Activate the updated settings of {{name}}',
    reactivateReady: 'The settings follow the changes in {{name}} now. Activate them again, so the analytics service reads them and the card is Connected again.',
    reactivate: 'Activate again',
    finish: 'Finish and connect',
    finishing: 'Connecting…',
  },
} satisfies Catalog;
