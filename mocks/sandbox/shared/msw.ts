import { http, type RequestHandler } from 'msw';

import type { FetchHandler } from './compose';

/** MSW handlers that hand every request for `origin` to the sandbox itself. */
export function fetchHandlers(sandbox: FetchHandler, origin: string): RequestHandler[] {
  const base = new URL(origin).origin;
  return [http.all(`${base}/*`, ({ request }) => sandbox.fetch(request))];
}
