import { z } from 'zod';

import { checkOAuthCredentials, optionalHttpUrl, optionalOrigin, optionalText } from '../../lib/env-values';
import { defineConnector } from '../definition';

import { BITRIX24_RATE_LIMIT, createBitrix24Adapter } from './adapter';

const env = z
  .object({
    BITRIX24_CLIENT_ID: optionalText,
    BITRIX24_CLIENT_SECRET: optionalText,
    /**
     * Default `$PUBLIC_URL/api/oauth/bitrix24/callback`. Bitrix24 takes the redirect URI from the
     * application's settings (never from the URL): this is the address to enter there.
     */
    BITRIX24_REDIRECT_URI: optionalHttpUrl,
    /** A sandbox Bitrix24 (`npm start` runs one): its consent page and OAuth server, and the only portal accepted. */
    BITRIX24_SANDBOX_ORIGIN: optionalOrigin,
  })
  .superRefine((values, ctx) =>
    checkOAuthCredentials(values, ctx, { id: 'BITRIX24_CLIENT_ID', secret: 'BITRIX24_CLIENT_SECRET', sandbox: 'BITRIX24_SANDBOX_ORIGIN' }),
  );

/** Bitrix24's registry entry (docs/crm-apis.md §2). */
export const bitrix24Connector = defineConnector({
  id: 'bitrix24',
  name: 'Bitrix24',
  authKind: 'oauth2',
  logo: { text: 'B24', from: '#0c8fc7', to: '#2fc6f6' },
  rateLimit: BITRIX24_RATE_LIMIT,
  credentialVariables: ['BITRIX24_CLIENT_ID', 'BITRIX24_CLIENT_SECRET'],
  env,
  redirectUri: (values, publicUrl) => values.BITRIX24_REDIRECT_URI ?? `${publicUrl}/api/oauth/bitrix24/callback`,
  create(values, common) {
    if (!values.BITRIX24_CLIENT_ID || !values.BITRIX24_CLIENT_SECRET) return null;
    const sandboxOrigin = values.BITRIX24_SANDBOX_ORIGIN;
    return createBitrix24Adapter({
      clientId: values.BITRIX24_CLIENT_ID,
      clientSecret: values.BITRIX24_CLIENT_SECRET,
      ...(sandboxOrigin ? { sandboxOrigin } : {}),
      rateLimit: BITRIX24_RATE_LIMIT,
      timeoutMs: common.timeoutMs,
      logger: common.logger,
      sharedRate: common.sharedRate,
    });
  },
  describe(values) {
    if (!values.BITRIX24_CLIENT_ID) return 'not configured';
    return values.BITRIX24_SANDBOX_ORIGIN
      ? `the sandbox at ${values.BITRIX24_SANDBOX_ORIGIN} (BITRIX24_SANDBOX_ORIGIN)`
      : 'Bitrix24 itself (BITRIX24_CLIENT_ID is set)';
  },
});
