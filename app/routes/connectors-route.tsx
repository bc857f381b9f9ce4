import type { ConnectorSummary } from '@/contracts/connector';
import { ConnectorsPage } from '@/features/connectors/components/connectors-page';
import { DriftSummary } from '@/features/drift/components/drift-summary';
import { ConnectorTransfer } from '@/features/transfer/components/connector-transfer';

const driftSummary = (connector: ConnectorSummary) => <DriftSummary connector={connector} />;

/** The Connectors page, with the review feature's sentence on a card whose CRM changed, and export and import in the cards' menus. */
export function ConnectorsRoute() {
  return <ConnectorsPage driftSummary={driftSummary} cardActions={ConnectorTransfer} />;
}
