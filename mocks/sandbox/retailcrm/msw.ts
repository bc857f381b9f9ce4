import type { RequestHandler } from 'msw';

import { fetchHandlers } from '../shared/msw';

import { RETAILCRM_SANDBOX_DEFAULT_ORIGIN, type SandboxRetailCrm } from './router';

/** MSW handlers that route every request for the sandbox's origin to the sandbox RetailCRM itself. */
export function retailCrmSandboxHandlers(sandbox: SandboxRetailCrm, origin: string = RETAILCRM_SANDBOX_DEFAULT_ORIGIN): RequestHandler[] {
  return fetchHandlers(sandbox, origin);
}
