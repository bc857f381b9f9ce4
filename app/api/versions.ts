import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';

import type { ConnectorId } from '@/contracts/connector';
import { configEnvelopeSchema, type ConfigEnvelope } from '@/contracts/mapping-config';
import { configVersionListSchema, configVersionSchema } from '@/contracts/versions';
import { apiRequest } from '@/lib/api-client';
import { useHistoryStore } from '@/stores/history-store';

import { acceptServerEnvelope, configScope, confirmedConfig, connectorConfigQueryOptions } from './connector-config';
import { connectorKeys } from './connectors';

export const versionKeys = {
  list: (connector: ConnectorId) => [...connectorKeys.all, connector, 'versions'] as const,
  detail: (connector: ConnectorId, number: number) => [...connectorKeys.all, connector, 'versions', number] as const,
};

/** `GET /api/connectors/{connector}/versions`: newest first. */
export const versionListQueryOptions = (connector: ConnectorId) =>
  queryOptions({
    queryKey: versionKeys.list(connector),
    queryFn: ({ signal }) => apiRequest(`/api/connectors/${connector}/versions`, configVersionListSchema, { signal }),
  });

/** `GET …/versions/{n}`: a kept version never changes, so it is never stale. */
export const versionQueryOptions = (connector: ConnectorId, number: number) =>
  queryOptions({
    queryKey: versionKeys.detail(connector, number),
    queryFn: ({ signal }) => apiRequest(`/api/connectors/${connector}/versions/${number}`, configVersionSchema, { signal }),
    staleTime: Infinity,
  });

/**
 * Restores a kept version as the draft (`POST …/versions/{n}/restore`), in the configuration's
 * mutation scope: after the saves queued before it, with If-Match the version the server last
 * confirmed then. The answer becomes the cached draft; the history list is read again. The undo
 * history goes (its snapshots belong to the draft before).
 */
export function useRestoreVersion(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    scope: { id: configScope(connector) },
    mutationFn: async (number: number): Promise<ConfigEnvelope> => {
      const known = confirmedConfig(queryClient, connector) ?? (await queryClient.fetchQuery({ ...connectorConfigQueryOptions(connector), staleTime: 0 }));
      return apiRequest(`/api/connectors/${connector}/versions/${number}/restore`, configEnvelopeSchema, {
        method: 'POST',
        headers: { 'If-Match': `"${known?.version ?? 0}"` },
      });
    },
    onSuccess: (envelope) => {
      acceptServerEnvelope(queryClient, connector, envelope);
      useHistoryStore.getState().clear(connector);
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: versionKeys.list(connector), exact: true }),
        queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
      ]),
  });
}
