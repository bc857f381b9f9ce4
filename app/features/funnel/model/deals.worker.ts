// zod first, told before any schema exists that the CSP forbids building functions from strings
// (the worker runs under the page's CSP, served with its script).
import '@/lib/zod-config';

import { fetchDealsSnapshot } from '@/api/deals-snapshot';

import { createDealsEngine, serveDealsEngine } from './deals-engine';

/**
 * The deals off the main thread: this worker reads the deals snapshot, parses and decodes it,
 * and answers the wizard's questions (a pipeline's funnel, the filter's match count, a
 * calculated field's totals, every pipeline's funnel) with the shared funnel engine.
 */
serveDealsEngine(self, createDealsEngine(fetchDealsSnapshot));
