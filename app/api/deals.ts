import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { ConnectorId } from '@/contracts/connector';
import { dealsSnapshotSchema, dealSyncSchema, type DealSync, type DealsSnapshot, type FunnelDeal } from '@/contracts/deals';
import { apiRequest } from '@/lib/api-client';

import { connectorKeys } from './connectors';

export const dealKeys = {
  sync: (connector: ConnectorId) => [...connectorKeys.all, connector, 'deal-sync'] as const,
  snapshot: (connector: ConnectorId, syncedAt: string | null) => [...connectorKeys.all, connector, 'deals-snapshot', syncedAt] as const,
};

/** While deals load, their progress is read again this often. */
export const SYNC_POLL_MS = 1000;

/** Where loading the account's deals stands; polled while it runs. */
export const dealSyncQueryOptions = (connector: ConnectorId) =>
  queryOptions({
    queryKey: dealKeys.sync(connector),
    queryFn: ({ signal }) => apiRequest(`/api/connectors/${connector}/sync`, dealSyncSchema, { signal }),
    refetchInterval: (query) => (query.state.data?.state === 'loading' ? SYNC_POLL_MS : false),
  });

/**
 * Every synced deal, read once per finished sync (the key carries its `syncedAt`), for the live
 * funnel: the figures are computed here, by the same engine as the API's.
 */
export const dealsSnapshotQueryOptions = (connector: ConnectorId, syncedAt: string | null) =>
  queryOptions({
    queryKey: dealKeys.snapshot(connector, syncedAt),
    queryFn: ({ signal }) => apiRequest(`/api/connectors/${connector}/deals/snapshot`, dealsSnapshotSchema, { signal }),
    staleTime: Infinity,
    enabled: syncedAt !== null,
  });

/** Loads the deals again (changes since the last sync). */
export function useRefreshDeals(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`/api/connectors/${connector}/sync`, dealSyncSchema, { method: 'POST' }),
    onSuccess: (sync) => queryClient.setQueryData(dealKeys.sync(connector), sync),
  });
}

export interface SyncedDeals {
  sync: DealSync | undefined;
  /** The last complete snapshot (kept while a newer sync runs); undefined until one has loaded. */
  snapshot: DealsSnapshot | undefined;
  /** The snapshot's deals by pipeline id. */
  byPipeline: ReadonlyMap<string, readonly FunnelDeal[]>;
  /** The sync or the snapshot failed to load (not a failed sync: see `sync.state`). */
  error: Error | null;
  retry: () => void;
}

const NO_DEALS: ReadonlyMap<string, readonly FunnelDeal[]> = new Map();
const grouped = new WeakMap<DealsSnapshot, ReadonlyMap<string, readonly FunnelDeal[]>>();

/** A snapshot's deals by pipeline, grouped once per snapshot however many parts of the page ask. */
function dealsByPipeline(snapshot: DealsSnapshot): ReadonlyMap<string, readonly FunnelDeal[]> {
  let groups = grouped.get(snapshot);
  if (!groups) {
    const built = new Map<string, FunnelDeal[]>();
    for (const deal of snapshot.deals) {
      const group = built.get(deal.pipelineId);
      if (group) group.push(deal);
      else built.set(deal.pipelineId, [deal]);
    }
    groups = built;
    grouped.set(snapshot, groups);
  }
  return groups;
}

/** The connected account's deals for the wizard's figures: progress, then the snapshot. */
export function useSyncedDeals(connector: ConnectorId): SyncedDeals {
  const sync = useQuery(dealSyncQueryOptions(connector));
  const syncedAt = sync.data?.syncedAt ?? null;
  const snapshot = useQuery({ ...dealsSnapshotQueryOptions(connector, syncedAt), placeholderData: (previous) => previous });
  const data = snapshot.data;
  const byPipeline = data ? dealsByPipeline(data) : NO_DEALS;
  return {
    sync: sync.data,
    snapshot: data,
    byPipeline,
    error: sync.error ?? snapshot.error,
    retry: () => void (sync.error ? sync.refetch() : snapshot.refetch()),
  };
}
