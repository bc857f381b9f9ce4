import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { useSyncedDeals } from '@/api/deals';
import { moduleClasses } from '@/components/ui/class-names';
import type { ConnectorId } from '@/contracts/connector';
import type { CrmCustomField } from '@/contracts/crm-schema';
import { countMatching } from '@/contracts/funnel';
import { VALUE_OPERATORS, type Filter } from '@/contracts/mapping-config';

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
  const all = deals.snapshot?.deals;
  const matched = useMemo(() => (all ? countMatching(completeConditions(filter), all, { fields }) : null), [all, filter, fields]);
  if (!all || matched === null) {
    return (
      <div className={s.count}>
        <DealSyncStatus connector={connector} sync={deals.sync} />
      </div>
    );
  }
  return (
    <p className={s.count} role="status" data-testid="filter-match-count">
      <span className={s.figure}>{t('funnel.filterMatch', { matched: formats.count(matched), deals: formats.count(all.length) })}</span>
    </p>
  );
}
