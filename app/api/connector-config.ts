import { queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';

import type { ConnectorId } from '@/contracts/connector';
import {
  configEnvelopeSchema,
  emptyMappingConfig,
  type ConfigEnvelope,
  type MappingConfig,
} from '@/contracts/mapping-config';
import { ApiError, apiRequest } from '@/lib/api-client';
import { useHistoryStore } from '@/stores/history-store';

import { connectorKeys } from './connectors';

export const configKeys = {
  detail: (connector: ConnectorId) => [...connectorKeys.all, connector, 'config'] as const,
  /**
   * What the server last said about the configuration. The detail query may hold optimistic
   * guesses (a queued save's update already applied); saves are based on, and failures roll
   * back to, this entry instead. Only ever written, never fetched; a sibling of the detail
   * key (not below it), so what targets the detail query leaves it alone, while removing the
   * connector's queries removes it too.
   */
  serverCopy: (connector: ConnectorId) => [...connectorKeys.all, connector, 'config-server-copy'] as const,
};

/** Every write to one connector's configuration runs in this mutation scope, one at a time. */
export const configScope = (connector: ConnectorId) => `config-${connector}`;

function serverCopy(client: QueryClient, connector: ConnectorId): ConfigEnvelope | null | undefined {
  return client.getQueryData<ConfigEnvelope | null>(configKeys.serverCopy(connector));
}

function rememberServerCopy(client: QueryClient, connector: ConnectorId, envelope: ConfigEnvelope | null): void {
  const key = configKeys.serverCopy(connector);
  // Nothing observes this entry: kept for the client's lifetime instead of the default five
  // minutes, or a long editing session would lose it (a save would re-read first, a failure
  // could not roll back).
  client.setQueryDefaults(key, { gcTime: Infinity });
  client.setQueryData<ConfigEnvelope | null>(key, (known) =>
    // Responses can arrive out of order (a slow read after a save): never step back a version.
    envelope && known && known.version > envelope.version ? known : envelope,
  );
}

/** The saved draft, or null when nothing is saved yet (the API's 404). */
export const connectorConfigQueryOptions = (connector: ConnectorId) =>
  queryOptions({
    queryKey: configKeys.detail(connector),
    queryFn: async ({ signal, client }): Promise<ConfigEnvelope | null> => {
      let envelope: ConfigEnvelope | null;
      try {
        envelope = await apiRequest(`/api/connectors/${connector}/config`, configEnvelopeSchema, { signal });
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404 && error.code === 'config_not_found')) throw error;
        envelope = null;
      }
      rememberServerCopy(client, connector, envelope);
      return envelope;
    },
  });

/** The working document: the saved draft, or an empty one before the first save. */
export function workingConfig(connector: ConnectorId, envelope: ConfigEnvelope | null | undefined): MappingConfig {
  return envelope?.config ?? emptyMappingConfig(connector);
}

/** A change to the document, re-appliable on top of a newer version after a conflict. */
export type ConfigUpdate = (config: MappingConfig) => MappingConfig;

/** A save whose request was already sent (`sendConfigNow`); `update` is re-applied if it met a conflict. */
export interface SentConfigSave {
  update: ConfigUpdate;
  sent: Promise<ConfigEnvelope>;
}

/** What `useSaveConfig` saves: a change, or a change already sent. */
export type ConfigSave = ConfigUpdate | SentConfigSave;

const updateOf = (save: ConfigSave): ConfigUpdate => (typeof save === 'function' ? save : save.update);

/** A version conflict: another tab or device saved meanwhile. */
const isVersionConflict = (error: unknown) => error instanceof ApiError && (error.status === 409 || error.status === 412);

async function putConfig(connector: ConnectorId, version: number, config: MappingConfig, keepalive = false) {
  return apiRequest(`/api/connectors/${connector}/config`, configEnvelopeSchema, {
    method: 'PUT',
    json: config,
    headers: { 'If-Match': `"${version}"` },
    keepalive,
  });
}

/**
 * Browsers allow 64 KiB of keepalive request bodies in all (in flight at once); a document larger
 * than this is sent as an ordinary request, which the page's unloading may cut off (the draft
 * kept in storage covers that).
 */
export const KEEPALIVE_BODY_LIMIT = 60 * 1024;

/** The configuration the server last confirmed (undefined: never read). */
export function confirmedConfig(queryClient: QueryClient, connector: ConnectorId): ConfigEnvelope | null | undefined {
  return serverCopy(queryClient, connector);
}

/**
 * Sends a save at once, outside the mutation queue, for a page that is being hidden or unloaded:
 * with `keepalive` when the body fits, so it reaches the server even if the page is gone. Hand
 * the result to `useSaveConfig` as `{ update, sent }` so it is settled in order like any save.
 */
export function sendConfigNow(connector: ConnectorId, version: number, config: MappingConfig): Promise<ConfigEnvelope> {
  const size = new TextEncoder().encode(JSON.stringify(config)).length;
  const sent = putConfig(connector, version, config, size <= KEEPALIVE_BODY_LIMIT);
  // Settled later, in the mutation queue; not an unhandled rejection meanwhile.
  sent.catch(() => undefined);
  return sent;
}

/** Records a server answer and shows it. */
export function acceptServerEnvelope(queryClient: QueryClient, connector: ConnectorId, envelope: ConfigEnvelope) {
  rememberServerCopy(queryClient, connector, envelope);
  queryClient.setQueryData(configKeys.detail(connector), envelope);
}

/**
 * Applies `update` to the latest document the server confirmed (never to an optimistic guess
 * that includes other, still unsaved changes) and saves it with optimistic concurrency.
 * On a 409 (another tab saved meanwhile) it re-reads and re-applies the update once, so an
 * edit is never silently lost nor silently overwrites someone else's.
 */
export async function saveConfigUpdate(queryClient: QueryClient, connector: ConnectorId, save: ConfigSave) {
  const update = updateOf(save);
  const reread = () => queryClient.fetchQuery({ ...connectorConfigQueryOptions(connector), staleTime: 0 });
  let attempt = 0;
  let envelope: ConfigEnvelope | null;
  if (typeof save === 'function') {
    const known = serverCopy(queryClient, connector);
    envelope = known !== undefined ? known : await reread();
  } else {
    // Sent already: its answer counts as the first attempt.
    try {
      const saved = await save.sent;
      acceptServerEnvelope(queryClient, connector, saved);
      return saved;
    } catch (error) {
      if (!isVersionConflict(error)) throw error;
      envelope = await reread();
      attempt = 1;
    }
  }
  for (; ; attempt += 1) {
    try {
      const saved = await putConfig(connector, envelope?.version ?? 0, update(workingConfig(connector, envelope)));
      acceptServerEnvelope(queryClient, connector, saved);
      return saved;
    } catch (error) {
      if (!isVersionConflict(error) || attempt > 0) throw error;
      envelope = await reread();
    }
  }
}

/**
 * After a failed write, the cache goes back to what the server holds. Not while later writes
 * of the scope are queued: their optimistic guesses are on top, and the last of them settles
 * the cache (its result, or this same rollback). Restoring the envelope this write replaced
 * instead could bring back an earlier write's outdated guess.
 */
function rollBackAfterFailure(queryClient: QueryClient, connector: ConnectorId) {
  const scope = configScope(connector);
  // The failed write still counts as pending here.
  if (queryClient.isMutating({ predicate: (mutation) => mutation.options.scope?.id === scope }) > 1) return;
  const copy = serverCopy(queryClient, connector);
  if (copy !== undefined) queryClient.setQueryData(configKeys.detail(connector), copy);
  else void queryClient.invalidateQueries({ queryKey: configKeys.detail(connector) });
}

/**
 * Saves a change to the draft. Every save of one connector runs in one mutation scope, so
 * saves are sent one at a time in the order they were made (a debounced drag autosave and
 * a "Next" never race). The cache is updated optimistically, so what the user sees never
 * snaps back while a save is in flight; a failure is reported and the cache rolled back to
 * the server's copy.
 */
export function useSaveConfig(connector: ConnectorId) {
  const queryClient = useQueryClient();
  const key = configKeys.detail(connector);
  return useMutation({
    scope: { id: configScope(connector) },
    mutationFn: (save: ConfigSave) => saveConfigUpdate(queryClient, connector, save),
    // Runs at once, even while earlier saves of the scope are queued or in flight.
    onMutate: async (save) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<ConfigEnvelope | null>(key);
      if (previous) queryClient.setQueryData(key, { ...previous, config: updateOf(save)(previous.config) });
    },
    onError: () => rollBackAfterFailure(queryClient, connector),
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
  });
}

function useConnectorAction(connector: ConnectorId, action: 'activate' | 'reset') {
  const queryClient = useQueryClient();
  return useMutation({
    scope: { id: configScope(connector) },
    mutationFn: () => apiRequest(`/api/connectors/${connector}/${action}`, configEnvelopeSchema, { method: 'POST' }),
    onSuccess: (envelope) => {
      acceptServerEnvelope(queryClient, connector, envelope);
      // The mapping is gone: what undo would write back belongs to the old one.
      if (action === 'reset') useHistoryStore.getState().clear(connector);
    },
    onError: () => rollBackAfterFailure(queryClient, connector),
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
    scope: { id: configScope(connector) },
    mutationFn: () => apiRequest(`/api/connectors/${connector}`, null, { method: 'DELETE' }),
    // The connector's queries, the server copy among them.
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: [...connectorKeys.all, connector] });
      useHistoryStore.getState().clear(connector);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
  });
}
