import { useDroppable } from '@dnd-kit/core';
import { useTranslation } from 'react-i18next';

import { moduleClasses } from '@/components/ui/class-names';

import { NEW_FIELD_DROP_ID } from '../dnd/use-calculation-dnd';

import styles from './new-field-drop-zone.module.css';

const s = moduleClasses(styles, ['newZone']);

/** Where a numeric field is dropped to start a new calculated field. */
export function NewFieldDropZone({ empty, dragging }: { empty: boolean; dragging: boolean }) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: NEW_FIELD_DROP_ID });
  return (
    <div
      ref={setNodeRef}
      className={s.newZone}
      data-calc-new-zone=""
      data-over={isOver || undefined}
      data-dragging={dragging || undefined}
      data-empty={empty || undefined}
    >
      {dragging || !empty ? t('calculation.dropNew') : t('calculation.empty')}
    </div>
  );
}
