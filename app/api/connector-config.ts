import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';

import type { ConnectorId } from '@/contracts/connector';
import {
  configEnvelopeSchema,
  emptyMappingConfig,
  type ConfigEnvelope,
  type MappingConfig,
} from '@/contracts/mapping-config';
import { ApiError, apiRequest } from '@/lib/api-client';

import { connectorKeys } from './connectors';

export const configKeys = {
  detail: (connector: ConnectorId) => [...connectorKeys.all, connector, 'config'] as const,
};

/** The saved draft, or null when nothing is saved yet (the API's 404). */
export const connectorConfigQueryOptions = (connector: ConnectorId) =>
  queryOptions({
    queryKey: configKeys.detail(connector),
    queryFn: async ({ signal }): Promise<ConfigEnvelope | null> => {
      try {
        return await apiRequest(`/api/connectors/${connector}/config`, configEnvelopeSchema, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && error.code === 'config_not_found') return null;
        throw error;
      }
    },
  });

/** The working document: the saved draft, or an empty one before the first save. */
export function workingConfig(connector: ConnectorId, envelope: ConfigEnvelope | null | undefined): MappingConfig {
  return envelope?.config ?? emptyMappingConfig(connector);
}

/** A change to the document, re-appliable on top of a newer version after a conflict. */
export type ConfigUpdate = (config: MappingConfig) => MappingConfig;

async function putConfig(connector: ConnectorId, version: number, config: MappingConfig) {
  return apiRequest(`/api/connectors/${connector}/config`, configEnvelopeSchema, {
    method: 'PUT',
    json: config,
    headers: { 'If-Match': `"${version}"` },
  });
}

/**
 * Applies `update` to the latest known document and saves it with optimistic concurrency.
 * On a 409 (another tab saved meanwhile) it re-reads and re-applies the update once, so an
 * edit is never silently lost nor silently overwrites someone else's.
 */
export async function saveConfigUpdate(queryClient: QueryClient, connector: ConnectorId, update: ConfigUpdate) {
  const key = configKeys.detail(connector);
  let envelope = queryClient.getQueryData<ConfigEnvelope | null>(key) ?? (await queryClient.fetchQuery(connectorConfigQueryOptions(connector)));
  for (let attempt = 0; ; attempt += 1) {
    try {
      const saved = await putConfig(connector, envelope?.version ?? 0, update(workingConfig(connector, envelope)));
      queryClient.setQueryData(key, saved);
      return saved;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409) || attempt > 0) throw error;
      envelope = await queryClient.fetchQuery({ ...connectorConfigQueryOptions(connector), staleTime: 0 });
    }
  }
}

/**
 * Saves a change to the draft. Every save of one connector runs in one mutation scope, so
 * saves are sent one at a time in the order they were made (a debounced drag autosave and
 * a "Next" never race). The cache is updated optimistically, so what the user sees never
 * snaps back while a save is in flight; a failure rolls it back and is reported.
 */
export function useSaveConfig(connector: ConnectorId) {
  const queryClient = useQueryClient();
  const key = configKeys.detail(connector);
  return useMutation({
    scope: { id: `config-${connector}` },
    mutationFn: (update: ConfigUpdate) => saveConfigUpdate(queryClient, connector, update),
    onMutate: async (update) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<ConfigEnvelope | null>(key);
      if (previous) queryClient.setQueryData(key, { ...previous, config: update(previous.config) });
      return { previous };
    },
    onError: (_error, _update, context) => {
      if (context?.previous !== undefined) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
  });
}

function useConnectorAction(connector: ConnectorId, action: 'activate' | 'reset') {
  const queryClient = useQueryClient();
  return useMutation({
    scope: { id: `config-${connector}` },
    mutationFn: () => apiRequest(`/api/connectors/${connector}/${action}`, configEnvelopeSchema, { method: 'POST' }),
    onSuccess: (envelope) => queryClient.setQueryData(configKeys.detail(connector), envelope),
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
  });
}

/** Checks the configuration is complete and marks the connector connected. */
export const useActivateConnector = (connector: ConnectorId) => useConnectorAction(connector, 'activate');

/** Clears the mapping; CRM access stays. */
export const useResetConnector = (connector: ConnectorId) => useConnectorAction(connector, 'reset');

/** Revokes access and deletes the configuration. */
export function useDisconnectConnector(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    scope: { id: `config-${connector}` },
    mutationFn: () => apiRequest(`/api/connectors/${connector}`, null, { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: [...connectorKeys.all, connector] });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
  });
}
