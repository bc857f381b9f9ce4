import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';

import type { ConnectorId } from '@/contracts/connector';
import { crmSchemaSchema, sampleDealsSchema } from '@/contracts/crm-schema';
import { authorizeResponseSchema, type ApiKeyAuthorizeRequest } from '@/contracts/oauth';
import { apiRequest } from '@/lib/api-client';

import { connectorKeys } from './connectors';

export const crmKeys = {
  schema: (connector: ConnectorId) => [...connectorKeys.all, connector, 'schema'] as const,
  sampleDeals: (connector: ConnectorId) => [...connectorKeys.all, connector, 'sample-deals'] as const,
};

/** The connected CRM account's pipelines, statuses, custom fields and filter parameters. */
export const crmSchemaQueryOptions = (connector: ConnectorId) =>
  queryOptions({
    queryKey: crmKeys.schema(connector),
    queryFn: ({ signal }) => apiRequest(`/api/connectors/${connector}/schema`, crmSchemaSchema, { signal }),
    staleTime: 5 * 60_000,
  });

/** Re-reads the CRM's structure (after statuses changed in the CRM). */
export function useRefreshCrmSchema(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`/api/connectors/${connector}/schema?refresh=1`, crmSchemaSchema),
    onSuccess: (schema) => queryClient.setQueryData(crmKeys.schema(connector), schema),
  });
}

/** A few recent deals for the calculated-field preview. */
export const sampleDealsQueryOptions = (connector: ConnectorId) =>
  queryOptions({
    queryKey: crmKeys.sampleDeals(connector),
    queryFn: ({ signal }) => apiRequest(`/api/connectors/${connector}/sample-deals`, sampleDealsSchema, { signal }),
    staleTime: 5 * 60_000,
  });

/** Starts authorization: either access is already valid, or the browser must go to the CRM's consent page. */
export function useAuthorize(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    /** `address`: the account's address, for connectors that ask for it (summary `address`). */
    mutationFn: (options: { force?: boolean; address?: string } = {}) =>
      apiRequest(`/api/connectors/${connector}/authorize`, authorizeResponseSchema, {
        method: 'POST',
        json: { force: options.force ?? false, ...(options.address ? { address: options.address } : {}) },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
  });
}

/**
 * API-key CRMs: sends the typed account address and key; the server checks both with the CRM and
 * stores the key (never sent back). A refusal is a 422 whose `errors` point at the field.
 */
export function useConnectWithKey(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: ApiKeyAuthorizeRequest) =>
      apiRequest(`/api/connectors/${connector}/api-key`, authorizeResponseSchema, { method: 'POST', json: credentials }),
    // The list (access), the config (account) and the schema all changed.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectorKeys.all }),
  });
}
