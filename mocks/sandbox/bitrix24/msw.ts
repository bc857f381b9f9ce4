import type { RequestHandler } from 'msw';

import { fetchHandlers } from '../shared/msw';

import { BITRIX24_SANDBOX_DEFAULT_ORIGIN } from './context';
import type { SandboxBitrix24 } from './router';

/**
 * MSW handlers that route every request for the sandbox's origin (portal, OAuth server and
 * REST alike) to the sandbox itself, so tests (server and SPA) talk to the very emulator the
 * demo runs:
 *
 *   const sandbox = createSandboxBitrix24();
 *   const server = setupServer(...bitrix24SandboxHandlers(sandbox));
 */
export function bitrix24SandboxHandlers(sandbox: SandboxBitrix24, origin: string = BITRIX24_SANDBOX_DEFAULT_ORIGIN): RequestHandler[] {
  return fetchHandlers(sandbox, origin);
}
