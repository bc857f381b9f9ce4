import { z } from 'zod';

import { optionalOrigin, optionalText } from '../../lib/env-values';
import { defineConnector } from '../definition';

import { createRetailCrmAdapter, RETAILCRM_RATE_LIMIT } from './adapter';

const flag = optionalText.pipe(
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((value) => value === 'true' || value === '1'),
);

const env = z
  .object({
    /**
     * RetailCRM needs no credentials of the server's own (each workspace brings its API key), so it
     * is switched on: `RETAILCRM_ENABLED=true` talks to real RetailCRM accounts.
     */
    RETAILCRM_ENABLED: flag,
    /** A sandbox RetailCRM (`npm start` runs one): then the only account address accepted. */
    RETAILCRM_SANDBOX_ORIGIN: optionalOrigin,
    /** The sandbox's API key, shown on the authorization step so a person can try it. */
    RETAILCRM_SANDBOX_API_KEY: optionalText,
  })
  .superRefine((values, ctx) => {
    if (values.RETAILCRM_SANDBOX_API_KEY && !values.RETAILCRM_SANDBOX_ORIGIN) {
      ctx.addIssue({ code: 'custom', path: ['RETAILCRM_SANDBOX_API_KEY'], message: 'needs RETAILCRM_SANDBOX_ORIGIN (the sandbox it is a key of)' });
    }
  });

/** RetailCRM's registry entry (docs/crm-apis.md §3): access by API key. */
export const retailcrmConnector = defineConnector({
  id: 'retailcrm',
  name: 'RetailCRM',
  authKind: 'api_key',
  logo: { text: 'R', from: '#5b3ac4', to: '#8f6cf2' },
  rateLimit: RETAILCRM_RATE_LIMIT,
  credentialVariables: ['RETAILCRM_ENABLED'],
  env,
  create(values, common) {
    const sandboxOrigin = values.RETAILCRM_SANDBOX_ORIGIN;
    if (!values.RETAILCRM_ENABLED && !sandboxOrigin) return null;
    return createRetailCrmAdapter({
      ...(sandboxOrigin ? { sandboxOrigin } : {}),
      ...(values.RETAILCRM_SANDBOX_API_KEY ? { sandboxApiKey: values.RETAILCRM_SANDBOX_API_KEY } : {}),
      rateLimit: RETAILCRM_RATE_LIMIT,
      timeoutMs: common.timeoutMs,
      logger: common.logger,
      sharedRate: common.sharedRate,
    });
  },
  describe(values) {
    if (values.RETAILCRM_SANDBOX_ORIGIN) return `the sandbox at ${values.RETAILCRM_SANDBOX_ORIGIN} (RETAILCRM_SANDBOX_ORIGIN)`;
    return values.RETAILCRM_ENABLED ? 'RetailCRM accounts (RETAILCRM_ENABLED is set)' : 'not configured';
  },
});
