import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ConnectorId, ConnectorSummary } from '@/contracts/connector';
import { connectorChangesSchema } from '@/contracts/drift';
import { apiRequest } from '@/lib/api-client';

import { connectorKeys } from './connectors';

export const driftKeys = {
  /** `checkedAt`: the summary's last comparison, so a newer check reads the changes again. */
  changes: (connector: ConnectorId, checkedAt: string | null) => [...connectorKeys.all, connector, 'changes', checkedAt] as const,
};

/** `GET /api/connectors/{connector}/changes`: what changed in the CRM since the configuration was activated. */
export const connectorChangesQueryOptions = (connector: ConnectorId, checkedAt: string | null) =>
  queryOptions({
    queryKey: driftKeys.changes(connector, checkedAt),
    queryFn: ({ signal }) => apiRequest(`/api/connectors/${connector}/changes`, connectorChangesSchema, { signal }),
    staleTime: 60_000,
  });

/** The changes of a connector whose summary reports drift; nothing is asked for one without. */
export function useConnectorChanges(summary: Pick<ConnectorSummary, 'id' | 'drift'> | undefined) {
  const drift = summary?.drift ?? null;
  return useQuery({
    ...connectorChangesQueryOptions(summary?.id ?? '', drift?.checkedAt ?? null),
    enabled: summary !== undefined && drift !== null,
  });
}
