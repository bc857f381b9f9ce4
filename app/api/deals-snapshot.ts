import type { ConnectorId } from '@/contracts/connector';
import { decodeDealsSnapshot, dealsSnapshotSchema, type DecodedDeals } from '@/contracts/deals';
import { apiRequest } from '@/lib/api-client';

/**
 * Every synced deal of the connection (`GET …/deals/snapshot`), checked against the shared
 * contract and decoded into the funnel engine's deals. Read off the main thread in the browser
 * (app/features/funnel/model/deals.worker.ts): at 20,000 deals it is a few hundred milliseconds
 * of parsing. Imports no React, so the worker's bundle stays small.
 */
export async function fetchDealsSnapshot(connector: ConnectorId): Promise<DecodedDeals> {
  return decodeDealsSnapshot(await apiRequest(`/api/connectors/${connector}/deals/snapshot`, dealsSnapshotSchema));
}
