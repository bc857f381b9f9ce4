import type { Catalog } from '../catalog';

/** Shared messages: app chrome, navigation, generic errors. Each area has its own file beside this one. */
export const common = {
  app: {
    name: 'Hub Connect',
    tagline: 'CRM data for end-to-end analytics',
    skipToContent: 'Skip to content',
    /** Shown (and announced) when a screen's code takes more than a moment to arrive. */
    loading: 'Loading…',
    language: 'Language',
    languages: {
      ru: 'Русский',
      en: 'English',
    },
  },
  nav: {
    main: 'Main navigation',
    /** The phone top bar's button that opens the navigation. */
    menu: 'Menu',
    connectors: 'Connectors',
  },
  /**
   * One message per problem `code` the UI can meet (OAuth failures, CRM failures, API
   * problems): what happened, then what to do next.
   */
  errors: {
    /** `{{crm}}` in the messages below when the connector's name is not known. */
    theCrm: 'the CRM',
    // OAuth round trip (the callback's ?oauth_error=<code>)
    access_denied:
      'Access was not granted: it was denied on the {{crm}} consent page. To connect, try again and allow access.',
    state_invalid:
      'The reply from {{crm}} could not be matched to this setup (the link was changed or belongs to another session). Start the authorization again from this page.',
    state_expired: 'The authorization took longer than 10 minutes and has expired. Try again and confirm access within a few minutes.',
    state_reused: 'This authorization link has already been used. Start a new authorization to connect.',
    code_missing: '{{crm}} sent the browser back without an authorization code. Try again; if it keeps happening, check the integration in {{crm}}.',
    host_not_allowed:
      'The reply did not come from an address of {{crm}}, so it was refused for your safety. Try again from this page.',
    code_exchange_failed:
      '{{crm}} refused the authorization code (it may have expired or been revoked). Try again to get a fresh one.',
    // CRM failures (schema, sample deals, authorize)
    crm_unavailable: '{{crm}} did not answer in time or returned an error. Wait a minute and try again.',
    crm_not_connected: 'Hub Connect has no access to {{crm}} yet. Go through the authorization step first.',
    crm_changed: '{{crm}} changed since the settings were activated. Review the changes in the mapping.',
    crm_access_revoked: 'Access to {{crm}} was revoked or has expired. Authorize again (Change access) — your mapping is kept.',
    crm_payment_required: '{{crm}} refuses requests because the account’s subscription has ended. Renew it in {{crm}}, then try again.',
    crm_forbidden:
      '{{crm}} refused access: the account may be blocked or requests from our servers are not allowed. Check the account in {{crm}}, then try again.',
    crm_rate_limited: '{{crm}} is limiting the number of requests right now. Wait a minute and try again.',
    // Product API problems
    version_conflict:
      'The settings were changed in another tab or by a colleague meanwhile. Reload the page to see the latest version, then repeat your change.',
    validation_failed: 'Some values are not valid and were not saved. Correct the highlighted fields and save again.',
    config_incomplete: 'The setup is not complete yet. Fix the points listed below, then finish again.',
    config_not_found: 'Nothing is saved for this connector yet. Start the setup from the Connectors page.',
    not_connected: 'This connector is not connected, so there is nothing to disconnect. Reload the page to see its current state.',
    connector_not_supported: 'This connector is not available on this server yet. Choose another one on the Connectors page.',
    unknown_connector: 'There is no such connector. Go back to the Connectors page and choose one from the list.',
    cross_origin_request: 'The request was refused because it did not come from the Hub Connect page. Reload the page and try again.',
    body_too_large: 'The settings are too large to save. Remove some conditions or fields and save again.',
    json_required: 'The request could not be read by the server. Reload the page and try again.',
    invalid_json: 'The request could not be read by the server. Reload the page and try again.',
    if_match_required: 'The save did not say which version it changes. Reload the page and try again.',
    invalid_if_match: 'The save did not say which version it changes. Reload the page and try again.',
    not_found: 'The requested address does not exist on the server. Reload the page; if it persists, the server may be out of date.',
    internal_error: 'The server failed while handling the request. Try again in a moment.',
    http_error: 'The server returned an unexpected error. Try again in a moment.',
    network_error: 'No connection to the server. Check your network and try again.',
    generic: 'Something went wrong. Try again.',
  },
} satisfies Catalog;
