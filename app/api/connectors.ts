import { queryOptions, useQuery } from '@tanstack/react-query';

import { connectorListSchema, type ConnectorId } from '@/contracts/connector';
import { apiRequest } from '@/lib/api-client';

export const connectorKeys = {
  all: ['connectors'] as const,
  list: () => [...connectorKeys.all, 'list'] as const,
};

export const connectorsQueryOptions = () =>
  queryOptions({
    queryKey: connectorKeys.list(),
    queryFn: ({ signal }) => apiRequest('/api/connectors', connectorListSchema, { signal }),
  });

/** The connector's name as the catalogue (the API's registry) gives it; its id until the list has loaded. */
export function useConnectorName(connector: ConnectorId): string {
  const { data } = useQuery(connectorsQueryOptions());
  return data?.connectors.find((item) => item.id === connector)?.name ?? connector;
}
