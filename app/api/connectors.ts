import { queryOptions } from '@tanstack/react-query';

import { connectorListSchema } from '@/contracts/connector';
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
