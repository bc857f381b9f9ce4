import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmCustomField } from '@/contracts/crm-schema';
import type { MappingConfig } from '@/contracts/mapping-config';

import { funnelFields, useDealsAnswer, useSyncedDeals } from '../model/use-deals';

import styles from './calculated-totals.module.css';

const s = moduleClasses(styles, ['totals', 'list', 'item', 'label', 'value', 'note']);
const PREVIEW_ID = 'preview';

export interface CalculatedTotalsProps {
  connector: ConnectorId;
  /** The saved document: its filter says which deals count. */
  config: MappingConfig;
  fields: readonly CrmCustomField[];
  name: string;
  expression: string;
}

/** A calculated field's total and average over every deal the filter keeps, as typed. */
export function CalculatedTotals({ connector, config, fields, name, expression }: CalculatedTotalsProps) {
  const { t, i18n } = useTranslation();
  const deals = useSyncedDeals(connector);
  const engineFields = funnelFields(fields);
  const question = useMemo(
    () => ({ kind: 'calculated' as const, config, field: { id: PREVIEW_ID, name: name || PREVIEW_ID, expression }, fields: engineFields }),
    [config, name, expression, engineFields],
  );
  const summary = useDealsAnswer(deals.snapshot, question)?.value ?? null;
  if (!summary) return null;
  if (summary.count === 0) {
    return (
      <p className={s.note} data-testid="calculated-totals">
        {t('funnel.calculated.none')}
      </p>
    );
  }
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  return (
    <div className={s.totals} data-testid="calculated-totals">
      <dl className={s.list}>
        <div className={s.item}>
          <dt className={s.label}>{t('funnel.calculated.total')}</dt>
          <dd className={s.value}>{number.format(summary.total)}</dd>
        </div>
        <div className={s.item}>
          <dt className={s.label}>{t('funnel.calculated.average')}</dt>
          <dd className={s.value}>{summary.average === null ? '—' : number.format(summary.average)}</dd>
        </div>
      </dl>
      <p className={s.note}>{t('funnel.calculated.over', { count: summary.count })}</p>
    </div>
  );
}
