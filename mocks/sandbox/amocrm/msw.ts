import type { RequestHandler } from 'msw';

import { fetchHandlers } from '../shared/msw';

import { SANDBOX_DEFAULT_ORIGIN } from './context';
import type { SandboxAmo } from './router';

/**
 * MSW handlers that route every request for the sandbox's origin to the sandbox itself,
 * so tests (server and SPA) talk to the very emulator the demo runs:
 *
 *   const sandbox = createSandboxAmo();
 *   const server = setupServer(...sandboxHandlers(sandbox));
 */
export function sandboxHandlers(sandbox: SandboxAmo, origin: string = SANDBOX_DEFAULT_ORIGIN): RequestHandler[] {
  return fetchHandlers(sandbox, origin);
}
