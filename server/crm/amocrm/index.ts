import { z } from 'zod';

import { checkOAuthCredentials, optionalHttpUrl, optionalOrigin, optionalText } from '../../lib/env-values';
import { defineConnector } from '../definition';

import { AMOCRM_AUTHORIZE_ENDPOINT, AMOCRM_RATE_LIMIT, createAmoCrmAdapter } from './adapter';

const env = z
  .object({
    AMOCRM_CLIENT_ID: optionalText,
    AMOCRM_CLIENT_SECRET: optionalText,
    /** Default `$PUBLIC_URL/api/oauth/amocrm/callback`; must equal the integration's Redirect URI. */
    AMOCRM_REDIRECT_URI: optionalHttpUrl,
    /** A sandbox amoCRM (`npm start` runs one): its consent page, and the only account host accepted. */
    AMOCRM_SANDBOX_ORIGIN: optionalOrigin,
  })
  .superRefine((values, ctx) =>
    checkOAuthCredentials(values, ctx, { id: 'AMOCRM_CLIENT_ID', secret: 'AMOCRM_CLIENT_SECRET', sandbox: 'AMOCRM_SANDBOX_ORIGIN' }),
  );

/** amoCRM's registry entry (docs/crm-apis.md §1). */
export const amocrmConnector = defineConnector({
  id: 'amocrm',
  name: 'amoCRM',
  authKind: 'oauth2',
  logo: { text: 'amo', from: '#1868d6', to: '#2fa4f0' },
  rateLimit: AMOCRM_RATE_LIMIT,
  credentialVariables: ['AMOCRM_CLIENT_ID', 'AMOCRM_CLIENT_SECRET'],
  env,
  redirectUri: (values, publicUrl) => values.AMOCRM_REDIRECT_URI ?? `${publicUrl}/api/oauth/amocrm/callback`,
  create(values, common) {
    if (!values.AMOCRM_CLIENT_ID || !values.AMOCRM_CLIENT_SECRET) return null;
    const sandboxOrigin = values.AMOCRM_SANDBOX_ORIGIN;
    return createAmoCrmAdapter({
      clientId: values.AMOCRM_CLIENT_ID,
      clientSecret: values.AMOCRM_CLIENT_SECRET,
      redirectUri: values.AMOCRM_REDIRECT_URI ?? `${common.publicUrl}/api/oauth/amocrm/callback`,
      authorizeEndpoint: sandboxOrigin ? `${sandboxOrigin}/oauth` : AMOCRM_AUTHORIZE_ENDPOINT,
      ...(sandboxOrigin ? { sandboxOrigin } : {}),
      rateLimit: AMOCRM_RATE_LIMIT,
      timeoutMs: common.timeoutMs,
      logger: common.logger,
      sharedRate: common.sharedRate,
    });
  },
  describe(values) {
    if (!values.AMOCRM_CLIENT_ID) return 'not configured';
    return values.AMOCRM_SANDBOX_ORIGIN
      ? `the sandbox at ${values.AMOCRM_SANDBOX_ORIGIN} (AMOCRM_SANDBOX_ORIGIN)`
      : 'amoCRM itself (AMOCRM_CLIENT_ID is set)';
  },
});
