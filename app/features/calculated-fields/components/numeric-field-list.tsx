import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';

import { buttonClass } from '@/components/ui/button';
import { cx, moduleClasses } from '@/components/ui/class-names';
import { GripIcon } from '@/components/ui/icons';
import { stepLayout } from '@/components/wizard/step-layout';

import type { NumericField } from '../model/calculated-form';

import styles from './numeric-field-list.module.css';

const s = moduleClasses(styles, ['panel', 'list', 'item', 'handle', 'text', 'name', 'type', 'actions', 'button']);
const PANEL = cx(stepLayout.panel, stepLayout.panelSource, s.panel);
const ITEM = cx(stepLayout.dragSource, s.item);
const HANDLE = cx(stepLayout.dragHandle, s.handle);
const ADD = buttonClass({ size: 'small', className: s.button });
const INSERT = buttonClass({ variant: 'ghost', size: 'small', className: s.button });

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
    <section className={PANEL} aria-labelledby="numeric-fields-title">
      <h3 id="numeric-fields-title" className={stepLayout.panelTitle}>
        {t('calculation.numericFields')}
      </h3>
      <ul className={s.list} aria-labelledby="numeric-fields-title">
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
    <li className={ITEM} data-dragging={isDragging || undefined}>
      {/* A long name ends in an ellipsis: the whole name is its tooltip (and its accessible name). */}
      <div ref={setNodeRef} className={HANDLE} {...attributes} {...listeners} aria-label={name} title={name}>
        <GripIcon className={stepLayout.dragGrip} />
        <span className={s.text}>
          <span className={s.name}>{name}</span>
          <span className={s.type} aria-hidden="true">
            {t(`calculation.fieldType.${type}`)}
          </span>
        </span>
      </div>
      <div className={s.actions}>
        <button
          type="button"
          className={ADD}
          aria-label={t('calculation.addLabel', { name })}
          onClick={() => onAdd(field)}
          disabled={full}
        >
          {t('calculation.add')}
        </button>
        {onInsert ? (
          <button
            type="button"
            className={INSERT}
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
