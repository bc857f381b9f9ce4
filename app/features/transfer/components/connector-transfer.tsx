import { useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { useExportConfig } from '@/api/transfer';
import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorSummary } from '@/contracts/connector';
import { describeApiError } from '@/lib/api-errors';

import { ImportDialog } from './import-dialog';
import styles from './transfer.module.css';

const s = moduleClasses(styles, ['contents']);

/** A menu entry the card shows (`opensDialog`: the menu must not take focus back when it closes). */
export interface TransferAction {
  id: 'export' | 'import';
  label: string;
  onSelect: () => void;
  opensDialog: boolean;
}

export interface ConnectorTransferProps {
  connector: ConnectorSummary;
  /** The page's live message ("… saved as hub-connect-….json", or why not). */
  onNotice: (message: string) => void;
  /** The card, given the menu entries of export and import. */
  children: (actions: TransferAction[]) => ReactNode;
}

/**
 * Export and import for a connector's card: Export configuration when one is saved, Import
 * configuration… while the workspace holds access to the CRM (the file is matched against it).
 * After an import the wizard opens on the Mapping step, with the imported draft to review.
 */
export function ConnectorTransfer({ connector, onNotice, children }: ConnectorTransferProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [importing, setImporting] = useState(false);
  const wrapper = useRef<HTMLDivElement>(null);
  const exporter = useExportConfig(connector.id);
  const crm = connector.name;

  const actions: TransferAction[] = [];
  if (connector.supported && connector.createdAt !== null) {
    actions.push({
      id: 'export',
      label: t('transfer.actions.export'),
      opensDialog: false,
      onSelect: () =>
        exporter.mutate(undefined, {
          onSuccess: (file) => onNotice(t('transfer.exported', { crm, file })),
          onError: (error) => onNotice(t('transfer.exportFailed', { crm, reason: describeApiError(error, t, crm) })),
        }),
    });
  }
  if (connector.supported && connector.hasAccess) {
    actions.push({ id: 'import', label: t('transfer.actions.import'), opensDialog: true, onSelect: () => setImporting(true) });
  }

  return (
    <div ref={wrapper} className={s.contents}>
      {children(actions)}
      {connector.hasAccess ? (
        <ImportDialog
          connector={connector.id}
          crmName={crm}
          account={connector.account}
          replaces={connector.createdAt !== null}
          open={importing}
          onOpenChange={setImporting}
          onImported={() => {
            setImporting(false);
            void navigate(`/setup/${connector.id}/mapping`);
          }}
          // Back to the card's ⋯ button the menu was opened from.
          returnFocus={() => wrapper.current?.querySelector<HTMLElement>('[aria-haspopup="menu"]') ?? wrapper.current?.querySelector<HTMLElement>('article')}
        />
      ) : null}
    </div>
  );
}
