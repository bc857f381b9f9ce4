import { http, type RequestHandler } from 'msw';

import { SANDBOX_DEFAULT_ORIGIN, type SandboxAmo } from './sandbox';

/**
 * MSW handlers that route every request for the sandbox's origin to the sandbox itself,
 * so tests (server and SPA) talk to the very emulator `npm start` runs:
 *
 *   const sandbox = createSandboxAmo();
 *   const server = setupServer(...sandboxHandlers(sandbox));
 */
export function sandboxHandlers(sandbox: SandboxAmo, origin: string = SANDBOX_DEFAULT_ORIGIN): RequestHandler[] {
  const base = new URL(origin).origin;
  return [http.all(`${base}/*`, ({ request }) => sandbox.fetch(request))];
}
