import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { cx, moduleClasses } from '@/components/ui/class-names';
import type { PipelineFunnel } from '@/contracts/deals';
import type { PipelineMapping } from '@/contracts/mapping-config';

import type { FunnelFormats } from '../model/format';

import styles from './funnel-panel.module.css';

const s = moduleClasses(styles, ['panel', 'title', 'hint', 'table', 'name', 'number', 'bar', 'barFill', 'totals', 'total', 'totalWide', 'totalLabel', 'totalValue', 'note', 'empty']);

export interface FunnelPanelProps {
  pipelineName: string;
  /** The board the figures were computed for (the containers' names and markers). */
  board: PipelineMapping;
  /** The pipeline's figures; null until the deals have loaded. */
  figures: PipelineFunnel | null;
  formats: FunnelFormats;
  /** The deals' loading state, shown under the title. */
  status?: React.ReactNode;
}

/**
 * The funnel the mapping produces for one pipeline, recomputed on every change: each stage's
 * reached deals (a bar) and conversion to the next, the outcomes, won deals and sales volume,
 * and the deals no container holds. A real table (stage, reached, conversion) for screen readers.
 */
export function FunnelPanel({ pipelineName, board, figures, formats, status }: FunnelPanelProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const names = new Map(board.containers.map((container) => [container.id, container.name]));
  const stages = figures?.containers.filter((container) => container.kind === 'stage') ?? [];
  const outcomes = figures?.containers.filter((container) => container.kind === 'outcome') ?? [];
  const widest = Math.max(1, ...stages.map((stage) => stage.reached ?? 0));
  const totals = figures?.totals;

  return (
    <section className={s.panel} aria-labelledby={titleId} data-testid="funnel-panel">
      <h3 className={s.title} id={titleId}>
        {t('funnel.title')}
      </h3>
      {status}
      {figures && totals ? (
        <>
          {totals.deals === 0 ? <p className={s.empty}>{t('funnel.noDealsInPipeline')}</p> : null}
          {stages.length === 0 && totals.deals > 0 ? <p className={s.empty}>{t('funnel.noStages')}</p> : null}
          {stages.length > 0 ? (
            <table className={s.table}>
              <caption className={s.hint}>{t('funnel.caption', { pipeline: pipelineName })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('funnel.stage')}</th>
                  <th scope="col" className={s.number}>
                    {t('funnel.reached')}
                  </th>
                  <th scope="col" className={s.number}>
                    {t('funnel.conversion')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {stages.map((stage) => {
                  const name = names.get(stage.containerId) ?? stage.containerId;
                  const reached = stage.reached ?? 0;
                  return (
                    <tr key={stage.containerId} data-container-id={stage.containerId}>
                      <th scope="row" className={s.name} title={name}>
                        {name}
                        <span className={s.bar} aria-hidden="true">
                          <span className={s.barFill} style={{ width: `${(reached / widest) * 100}%` }} />
                        </span>
                      </th>
                      <td className={s.number} data-figure="reached">
                        {formats.count(reached)}
                      </td>
                      <td className={s.number} data-figure="conversion">
                        {stage.conversionToNext === undefined ? '' : formats.percent(stage.conversionToNext)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          {outcomes.length > 0 ? (
            <table className={s.table}>
              <thead>
                <tr>
                  <th scope="col">{t('funnel.outcome')}</th>
                  <th scope="col" className={s.number}>
                    {t('funnel.now')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {outcomes.map((outcome) => {
                  const name = names.get(outcome.containerId) ?? outcome.containerId;
                  return (
                    <tr key={outcome.containerId} data-container-id={outcome.containerId}>
                      <th scope="row" className={s.name} title={name}>
                        {name}
                      </th>
                      <td className={s.number} data-figure="current">
                        {formats.count(outcome.current)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
          <dl className={s.totals}>
            <div className={s.total}>
              <dt className={s.totalLabel}>{t('funnel.matched')}</dt>
              <dd className={s.totalValue} data-figure="matched">
                {t('funnel.matchedOf', { matched: formats.count(totals.matched), deals: formats.count(totals.deals) })}
              </dd>
            </div>
            <div className={s.total}>
              <dt className={s.totalLabel}>{t('funnel.won')}</dt>
              <dd className={s.totalValue} data-figure="won">
                {formats.count(totals.won)}
              </dd>
            </div>
            <div className={cx(s.total, s.totalWide)}>
              <dt className={s.totalLabel}>{t('funnel.salesVolume')}</dt>
              <dd className={s.totalValue} data-figure="sales-volume">
                {formats.money(totals.salesVolume)}
              </dd>
            </div>
            {totals.returnedVolume > 0 ? (
              <div className={cx(s.total, s.totalWide)}>
                <dt className={s.totalLabel}>{t('funnel.returnedVolume')}</dt>
                <dd className={s.totalValue}>{formats.money(totals.returnedVolume)}</dd>
              </div>
            ) : null}
          </dl>
          {totals.unmapped > 0 ? <p className={s.note}>{t('funnel.unmapped', { count: totals.unmapped })}</p> : null}
        </>
      ) : null}
    </section>
  );
}
