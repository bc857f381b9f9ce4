import { useDroppable } from '@dnd-kit/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmStatus } from '@/contracts/crm-schema';
import { moduleClasses } from '@/components/ui/class-names';
import { CheckIcon, WarningIcon } from '@/components/ui/icons';

import { LIST_ID, type DropData } from '../dnd/ids';

import { useListDrop } from './drop-target-store';
import styles from './pipeline-board.module.css';
import { StatusItem } from './status-item';

const s = moduleClasses(styles, ['unmapped', 'columnHeader', 'columnTitle', 'countBadge', 'unmappedFlag', 'unmappedStatuses', 'unmappedEmpty']);

const LIST_DATA: DropData = { type: 'list' };

/**
 * The pipeline's statuses that no container holds yet, in CRM order: where statuses are
 * dragged from, and back to. The whole column is one droppable.
 */
export const UnmappedList = memo(function UnmappedList({ statuses, total }: { statuses: CrmStatus[]; total: number }) {
  const { t } = useTranslation();
  const { setNodeRef } = useDroppable({ id: LIST_ID, data: LIST_DATA });
  const dropActive = useListDrop();
  const remaining = statuses.length;
  return (
    <div
      ref={setNodeRef}
      role="group"
      aria-label={t('mapping.list.title')}
      className={s.unmapped}
      data-drop={dropActive || undefined}
    >
      <div className={s.columnHeader}>
        <h3 className={s.columnTitle}>{t('mapping.list.title')}</h3>
        <span className={s.countBadge}>{t('mapping.list.count', { count: remaining, total })}</span>
      </div>
      {remaining > 0 ? (
        <p className={s.unmappedFlag} data-tone="warning">
          <WarningIcon />
          <span>{t('mapping.list.flag', { count: remaining })}</span>
        </p>
      ) : (
        <p className={s.unmappedFlag} data-tone="success">
          <CheckIcon />
          <span>{t('mapping.list.allMapped')}</span>
        </p>
      )}
      {remaining > 0 ? (
        <ul className={s.unmappedStatuses}>
          {statuses.map((status) => (
            <StatusItem key={status.id} statusId={status.id} status={status} containerId={null} dropBefore={false} />
          ))}
        </ul>
      ) : (
        <p className={s.unmappedEmpty}>{t('mapping.list.dropBack')}</p>
      )}
    </div>
  );
});
