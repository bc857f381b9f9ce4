import { useMutation, useQueryClient } from '@tanstack/react-query';

import { configExportSchema, exportFileName, importPreviewSchema, type ImportPreview } from '@/contracts/config-transfer';
import type { ConnectorId } from '@/contracts/connector';
import type { MappingConfig } from '@/contracts/mapping-config';
import { apiRequest } from '@/lib/api-client';
import { useHistoryStore } from '@/stores/history-store';

import { saveConfigUpdate } from './connector-config';
import { connectorKeys } from './connectors';

/**
 * `GET …/export`, saved by the browser as a file named like the server's attachment
 * (`hub-connect-amocrm-demo-2026-12-03.json`). Returns the file name.
 */
export async function downloadExport(connector: ConnectorId): Promise<string> {
  const file = await apiRequest(`/api/connectors/${connector}/export`, configExportSchema);
  const name = exportFileName(connector, file.config.account, new Date(file.exportedAt));
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // After the click has handed the file to the browser's download.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return name;
}

export function useExportConfig(connector: ConnectorId) {
  return useMutation({ mutationFn: () => downloadExport(connector) });
}

/** `POST …/import`: the file's text, as chosen, read against this account (a dry run: nothing is saved). */
export function useImportPreview(connector: ConnectorId) {
  return useMutation({
    mutationFn: (text: string): Promise<ImportPreview> =>
      apiRequest(`/api/connectors/${connector}/import`, importPreviewSchema, { method: 'POST', jsonText: text }),
  });
}

/**
 * Makes the adapted configuration the draft, through the normal save path (If-Match on the
 * version the server last confirmed, one retry after a conflict). The wizard's undo history of
 * the replaced mapping is forgotten.
 */
export function useSaveImported(connector: ConnectorId) {
  const queryClient = useQueryClient();
  return useMutation({
    scope: { id: `config-${connector}` },
    mutationFn: (config: MappingConfig) => saveConfigUpdate(queryClient, connector, () => config),
    onSuccess: () => useHistoryStore.getState().clear(connector),
    onSettled: () => queryClient.invalidateQueries({ queryKey: connectorKeys.list() }),
  });
}
