import { useTranslation } from 'react-i18next';

import { useConnectorChanges } from '@/api/drift';
import type { ConnectorSummary } from '@/contracts/connector';

import { summarySentence } from '../model/review';

/**
 * The card's sentence for a connector the CRM changed under: "Changed in amoCRM: 2 new
 * statuses, 1 removed in «Продажи»." Until the changes arrive (or if they cannot be read), the
 * counts the connector summary carries.
 */
export function DriftSummary({ connector }: { connector: Pick<ConnectorSummary, 'id' | 'name' | 'drift'> }) {
  const { t } = useTranslation();
  const changes = useConnectorChanges(connector);
  const drift = connector.drift;
  if (!drift) return null;
  const names = changes.data?.pipelineNames ?? {};
  const sentence = changes.data ? summarySentence(changes.data.changes, connector.name, (id) => names[id] ?? null, t) : null;
  const fallback = drift.pending > 0 ? t('drift.card.pending', { crm: connector.name, count: drift.pending }) : t('drift.card.news', { crm: connector.name });
  return <>{sentence ?? fallback}</>;
}
