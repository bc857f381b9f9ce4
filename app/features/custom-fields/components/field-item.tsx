import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';

import { cx, moduleClasses } from '@/components/ui/class-names';
import { stepLayout } from '@/components/wizard/step-layout';
import type { CrmCustomField } from '@/contracts/crm-schema';
import { focusNextFrame } from '@/lib/focus';

import { fieldDndId, OTHER_ZONE, type FieldDragData, type Zone } from '../dnd/fields-dnd';

import styles from './custom-fields.module.css';

const s = moduleClasses(styles, ['item', 'chip', 'name', 'type', 'action']);
const CHIP = cx(stepLayout.dragChip, s.chip);

export interface FieldItemProps {
  fieldId: string;
  field: CrmCustomField | undefined;
  zone: Zone;
  /** Its place in the whole list (not only the rendered rows), for screen readers. */
  index: number;
  setSize: number;
  /** The list's one tab stop is on one part of one row (app/lib/long-list.ts). */
  chipTabIndex: number;
  actionTabIndex: number;
  onAdd: (fieldId: string) => void;
  onRemove: (fieldId: string) => void;
}

/**
 * A field: its draggable label (named after the field; mouse past 6px, touch after a long
 * press, keyboard) and an Add / Remove button beside it, the way to move it without dragging.
 */
export const FieldItem = memo(function FieldItem({ fieldId, field, zone, index, setSize, chipTabIndex, actionTabIndex, onAdd, onRemove }: FieldItemProps) {
  const { t } = useTranslation();
  const name = field?.name ?? t('mapping.fields.stale', { id: fieldId });
  const data: FieldDragData = { type: 'field', fieldId, zone };
  const { setNodeRef, attributes, listeners, isDragging } = useDraggable({ id: fieldDndId(fieldId), data, attributes: { roleDescription: t('mapping.dnd.roleDescription') } });
  const inOther = zone === OTHER_ZONE;
  return (
    <li
      className={s.item}
      data-dragging={isDragging || undefined}
      data-stale={field ? undefined : true}
      data-row-key={fieldId}
      aria-posinset={index + 1}
      aria-setsize={setSize}
    >
      <div
        ref={setNodeRef}
        className={CHIP}
        data-field-id={fieldId}
        data-roving="chip"
        aria-label={name}
        {...attributes}
        tabIndex={chipTabIndex}
        {...listeners}
      >
        <FieldLabel field={field} name={name} />
      </div>
      <button
        type="button"
        className={s.action}
        data-no-dnd=""
        aria-label={t(inOther ? 'mapping.fields.remove' : 'mapping.fields.add', { name })}
        data-field-action={fieldId}
        data-roving="action"
        tabIndex={actionTabIndex}
        onClick={(event) => {
          // The field leaves this list: keep the keyboard where the user is, on the neighbour's button.
          const row = event.currentTarget.closest('li');
          const neighbour = (row?.nextElementSibling ?? row?.previousElementSibling)?.querySelector<HTMLElement>('[data-field-action]');
          const zoneElement = event.currentTarget.closest<HTMLElement>('[data-zone]');
          const button = event.currentTarget;
          if (inOther) onRemove(fieldId);
          else onAdd(fieldId);
          // Once the row is gone; not if the user has moved on meanwhile.
          focusNextFrame(() => (neighbour?.isConnected ? neighbour : zoneElement?.querySelector<HTMLElement>('[data-field-action]')), button);
        }}
      >
        {t(inOther ? 'mapping.fields.removeShort' : 'mapping.fields.addShort')}
      </button>
    </li>
  );
});

export const FieldLabel = memo(function FieldLabel({ field, name }: { field: CrmCustomField | undefined; name: string }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={s.name} title={name} data-field-name="">
        {name}
      </span>
      {field ? (
        <span className={s.type} aria-hidden="true">
          {t(`mapping.fields.types.${field.type}`, { defaultValue: field.type })}
        </span>
      ) : null}
    </>
  );
});
