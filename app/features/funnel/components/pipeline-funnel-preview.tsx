import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmCustomField, CrmPipeline } from '@/contracts/crm-schema';
import type { MappingConfig, PipelineMapping } from '@/contracts/mapping-config';
import { describeApiError } from '@/lib/api-errors';

import { funnelFields, useDealsAnswer, type SyncedDeals } from '../model/use-deals';
import { useFunnelFormats } from '../model/use-formats';

import { DealSyncStatus } from './deal-sync-status';
import { FunnelPanel } from './funnel-panel';

export interface PipelineFunnelPreviewProps {
  connector: ConnectorId;
  deals: SyncedDeals;
  /** The saved document (its filter and calculated fields apply). */
  config: MappingConfig;
  pipeline: CrmPipeline;
  /** The pipeline's board as the user has it now. */
  board: PipelineMapping;
  fields: readonly CrmCustomField[];
}

/** The Mapping step's live funnel for the chosen pipeline: the deals' state, then the figures. */
export function PipelineFunnelPreview({ connector, deals, config, pipeline, board, fields }: PipelineFunnelPreviewProps) {
  const { t } = useTranslation();
  const formats = useFunnelFormats(deals.snapshot?.currency ?? 'RUB');
  const engineFields = funnelFields(fields);
  // Asked again when the board changes (a drop, a marker, a rename), never on a drag's moves;
  // answered by the deals worker, off the main thread.
  const question = useMemo(() => ({ kind: 'pipeline' as const, config, board, fields: engineFields }), [config, board, engineFields]);
  const answered = useDealsAnswer(deals.snapshot, question);
  // Another pipeline's figures (the one shown before a switch) are not this one's.
  const shown = answered?.question.board.pipelineId === pipeline.id ? answered : null;
  const status = deals.error ? (
    <p role="alert">
      {t('funnel.sync.unavailable', { reason: describeApiError(deals.error, t) })}{' '}
      <button type="button" className={buttonClass({ variant: 'ghost', size: 'small' })} onClick={deals.retry}>
        {t('funnel.sync.retry')}
      </button>
    </p>
  ) : (
    <DealSyncStatus connector={connector} sync={deals.sync} />
  );
  return <FunnelPanel pipelineName={pipeline.name} board={shown?.question.board ?? board} figures={shown?.value ?? null} formats={formats} status={status} />;
}
