import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';

import type { ConnectorId } from '@/contracts/connector';
import { dealSyncSchema } from '@/contracts/deals';
import { readJson } from '@/lib/api-client';

import { api } from './client';
import { connectorKeys } from './connectors';

export const dealKeys = {
  sync: (connector: ConnectorId) => [...connectorKeys.all, connector, 'deal-sync'] as const,
  /** The deals of the sync that finished at `syncedAt`, loaded where the funnel is computed (app/features/funnel). */
  snapshot: (connector: ConnectorId, syncedAt: string | null) => [...connectorKeys.all, connector, 'deals-snapshot', syncedAt] as const,
};

/** While deals load, their progress is read again this often. */
export const SYNC_POLL_MS = 1000;

/** Where loading the account's deals stands; polled while it runs. */
export const dealSyncQueryOptions = (connector: ConnectorId) =>
  queryOptions({
    queryKey: dealKeys.sync(connector),
    queryFn: ({ signal }) => readJson(api.api.connectors[':connector'].sync.$get({ param: { connector } }, { init: { signal } }), dealSyncSchema),
    refetchInterval: (query) => (query.state.data?.state === 'loading' ? SYNC_POLL_MS : false),
  });

/** Loads the deals again (changes since the last sync). */
export function useRefreshDeals(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => readJson(api.api.connectors[':connector'].sync.$post({ param: { connector } }), dealSyncSchema),
    onSuccess: (sync) => queryClient.setQueryData(dealKeys.sync(connector), sync),
  });
}
