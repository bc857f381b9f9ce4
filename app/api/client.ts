import { hc } from 'hono/client';

import { apiFetch } from '@/lib/api-client';

// A type only (erased from the bundle): the route definitions the server is built from.
import type { ApiType } from '../../server/app';

/**
 * The API's typed client: URLs, parameters and answers come from the server's route definitions
 * (server/lib/api-route.ts), so a route that changes its path or its answer breaks the build here.
 * Call it through `readJson(…, contract)` to validate what arrives.
 */
export const api = hc<ApiType>('/', { fetch: apiFetch });
