import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmCustomField } from '@/contracts/crm-schema';
import { VALUE_OPERATORS, type Filter } from '@/contracts/mapping-config';

import { funnelFields, useDealsAnswer, useSyncedDeals } from '../model/use-deals';
import { useFunnelFormats } from '../model/use-formats';

import { DealSyncStatus } from './deal-sync-status';
import styles from './filter-match-count.module.css';

const s = moduleClasses(styles, ['count', 'figure']);

/** A condition still waiting for its value is not counted yet ("equals nothing" would match no deal). */
function completeConditions(filter: Filter): Filter {
  return { ...filter, conditions: filter.conditions.filter((condition) => !VALUE_OPERATORS.includes(condition.operator) || condition.value.trim() !== '') };
}

/** "128 of 321 deals match", recounted by the funnel engine as the conditions change. */
export function FilterMatchCount({ connector, filter, fields }: { connector: ConnectorId; filter: Filter; fields: readonly CrmCustomField[] }) {
  const { t } = useTranslation();
  const deals = useSyncedDeals(connector);
  const formats = useFunnelFormats(deals.snapshot?.currency ?? 'RUB');
  const engineFields = funnelFields(fields);
  const question = useMemo(() => ({ kind: 'matching' as const, filter: completeConditions(filter), fields: engineFields }), [filter, engineFields]);
  const answered = useDealsAnswer(deals.snapshot, question);
  if (!answered) {
    return (
      <div className={s.count}>
        <DealSyncStatus connector={connector} sync={deals.sync} />
      </div>
    );
  }
  const { matched, deals: all } = answered.value;
  return (
    <p className={s.count} role="status" data-testid="filter-match-count">
      <span className={s.figure}>{t('funnel.filterMatch', { matched: formats.count(matched), deals: formats.count(all) })}</span>
    </p>
  );
}
