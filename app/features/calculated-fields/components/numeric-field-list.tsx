import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';

import { GripIcon } from '@/components/ui/icons';
import type { NumericField } from '../model/calculated-form';

export const numericDragId = (token: string) => `numeric:${token}`;

export interface NumericFieldListProps {
  fields: readonly NumericField[];
  /** Display names (the deal amount's comes from the catalogue). */
  nameOf: (field: NumericField) => string;
  onAdd: (field: NumericField) => void;
  /** Inserts into the active calculated field; null when there is none. */
  onInsert: ((field: NumericField) => void) | null;
  /** 1-based number of the calculated field "Insert" goes into. */
  insertTarget: number;
  full: boolean;
}

export function NumericFieldList({ fields, nameOf, onAdd, onInsert, insertTarget, full }: NumericFieldListProps) {
  const { t } = useTranslation();
  return (
    <section className="step-panel step-panel--source numeric-panel" aria-labelledby="numeric-fields-title">
      <h3 id="numeric-fields-title" className="step-panel-title">
        {t('calculation.numericFields')}
      </h3>
      <ul className="numeric-list" aria-labelledby="numeric-fields-title">
        {fields.map((field) => (
          <NumericItem
            key={field.token}
            field={field}
            name={nameOf(field)}
            onAdd={onAdd}
            onInsert={onInsert}
            insertTarget={insertTarget}
            full={full}
          />
        ))}
      </ul>
    </section>
  );
}

interface NumericItemProps {
  field: NumericField;
  name: string;
  onAdd: (field: NumericField) => void;
  onInsert: ((field: NumericField) => void) | null;
  insertTarget: number;
  full: boolean;
}

const NumericItem = memo(function NumericItem({ field, name, onAdd, onInsert, insertTarget, full }: NumericItemProps) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: numericDragId(field.token), data: { field, name } });
  const type = ['price', 'numeric', 'monetary'].includes(field.type) ? field.type : 'other';
  return (
    <li className="drag-source numeric-item" data-dragging={isDragging || undefined}>
      <div ref={setNodeRef} className="drag-handle" {...attributes} {...listeners} aria-label={name}>
        <GripIcon className="drag-grip" />
        <span className="numeric-text">
          <span className="numeric-name">{name}</span>
          <span className="numeric-type" aria-hidden="true">
            {t(`calculation.fieldType.${type}`)}
          </span>
        </span>
      </div>
      <div className="numeric-actions">
        <button
          type="button"
          className="button button--small"
          aria-label={t('calculation.addLabel', { name })}
          onClick={() => onAdd(field)}
          disabled={full}
        >
          {t('calculation.add')}
        </button>
        {onInsert ? (
          <button
            type="button"
            className="button button--small button--ghost"
            aria-label={t('calculation.insertLabel', { name, index: insertTarget })}
            onClick={() => onInsert(field)}
          >
            {t('calculation.insert')}
          </button>
        ) : null}
      </div>
    </li>
  );
});
