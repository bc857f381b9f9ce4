import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmSchema } from '@/contracts/crm-schema';
import type { MappingConfig } from '@/contracts/mapping-config';

import { funnelFields, useDealsAnswer, useSyncedDeals } from '../model/use-deals';
import { useFunnelFormats } from '../model/use-formats';

import { DealSyncStatus } from './deal-sync-status';
import styles from './funnel-summary.module.css';

type SummaryColumn = 'deals' | 'won' | 'lost' | 'open' | 'salesVolume';

const s = moduleClasses(styles, ['summary', 'scroll', 'table', 'name', 'number']);

/**
 * The Done step's funnel of every mapped pipeline: deals counted, won, lost, open, sales volume.
 * A table; on a phone each pipeline is a card of labelled figures, so nothing needs a sideways scroll.
 */
export function FunnelSummary({ connector, config, schema }: { connector: ConnectorId; config: MappingConfig; schema: CrmSchema | undefined }) {
  const { t } = useTranslation();
  const titleId = useId();
  const deals = useSyncedDeals(connector);
  const formats = useFunnelFormats(deals.snapshot?.currency ?? 'RUB');
  const fields = schema?.customFields;
  const engineFields = fields ? funnelFields(fields) : null;
  const question = useMemo(() => (engineFields ? { kind: 'funnel' as const, config, fields: engineFields } : null), [config, engineFields]);
  const report = useDealsAnswer(deals.snapshot, question)?.value ?? null;
  const names = new Map(schema?.pipelines.map((pipeline) => [pipeline.id, pipeline.name]));
  const mapped = new Set(config.pipelines.map((pipeline) => pipeline.pipelineId));

  return (
    <section className={s.summary} aria-labelledby={titleId} data-testid="funnel-summary">
      <h3 id={titleId}>{t('funnel.summary.title')}</h3>
      {report ? (
        <div className={s.scroll}>
          {/* Explicit roles: on a phone the rows become cards (display: block), which would
              otherwise drop the table's semantics in Chromium and Safari. */}
          <table className={s.table} role="table">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">{t('funnel.summary.pipeline')}</th>
                <th scope="col" role="columnheader" className={s.number}>{t('funnel.summary.deals')}</th>
                <th scope="col" role="columnheader" className={s.number}>{t('funnel.summary.won')}</th>
                <th scope="col" role="columnheader" className={s.number}>{t('funnel.summary.lost')}</th>
                <th scope="col" role="columnheader" className={s.number}>{t('funnel.summary.open')}</th>
                <th scope="col" role="columnheader" className={s.number}>{t('funnel.summary.salesVolume')}</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {report.pipelines
                .filter((pipeline) => mapped.has(pipeline.pipelineId))
                .map(({ pipelineId, totals }) => {
                  const name = names.get(pipelineId) ?? pipelineId;
                  return (
                    <tr key={pipelineId} role="row">
                      <th scope="row" role="rowheader" className={s.name} title={name}>
                        {name}
                      </th>
                      {[
                        ['deals', formats.count(totals.matched)],
                        ['won', formats.count(totals.won)],
                        ['lost', formats.count(totals.lost)],
                        ['open', formats.count(totals.open)],
                        ['salesVolume', formats.money(totals.salesVolume)],
                      ].map(([column, value]) => (
                        <td key={column} role="cell" className={s.number} data-label={t(`funnel.summary.${column as SummaryColumn}`)}>
                          {value}
                        </td>
                      ))}
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      ) : null}
      <DealSyncStatus connector={connector} sync={deals.sync} />
    </section>
  );
}
