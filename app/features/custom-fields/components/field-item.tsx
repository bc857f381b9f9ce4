import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';

import type { CrmCustomField } from '@/contracts/crm-schema';

import { fieldDndId, OTHER_ZONE, type FieldDragData, type Zone } from '../dnd/fields-dnd';

export interface FieldItemProps {
  fieldId: number;
  field: CrmCustomField | undefined;
  zone: Zone;
  onAdd: (fieldId: number) => void;
  onRemove: (fieldId: number) => void;
}

/** A field: its draggable label (named after the field) and an Add / Remove button beside it. */
export const FieldItem = memo(function FieldItem({ fieldId, field, zone, onAdd, onRemove }: FieldItemProps) {
  const { t } = useTranslation();
  const name = field?.name ?? t('mapping.fields.stale', { id: fieldId });
  const data: FieldDragData = { type: 'field', fieldId, zone };
  const { setNodeRef, attributes, listeners, isDragging } = useDraggable({ id: fieldDndId(fieldId), data, attributes: { roleDescription: t('mapping.dnd.roleDescription') } });
  const inOther = zone === OTHER_ZONE;
  return (
    <li className="field-item" data-dragging={isDragging || undefined} data-stale={field ? undefined : true}>
      <div ref={setNodeRef} className="drag-chip field-chip" data-field-id={fieldId} aria-label={name} {...attributes} {...listeners}>
        <FieldLabel field={field} name={name} />
      </div>
      <button
        type="button"
        className="field-action"
        data-no-dnd=""
        aria-label={t(inOther ? 'mapping.fields.remove' : 'mapping.fields.add', { name })}
        data-field-action={fieldId}
        onClick={(event) => {
          // The field leaves this list: keep the keyboard where the user is, on the neighbour's button.
          const row = event.currentTarget.closest('li');
          const neighbour = (row?.nextElementSibling ?? row?.previousElementSibling)?.querySelector<HTMLElement>('[data-field-action]');
          const zoneElement = event.currentTarget.closest<HTMLElement>('[data-zone]');
          if (inOther) onRemove(fieldId);
          else onAdd(fieldId);
          requestAnimationFrame(() => {
            const target = neighbour?.isConnected ? neighbour : zoneElement?.querySelector<HTMLElement>('[data-field-action]');
            target?.focus();
          });
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
      <span className="field-name">{name}</span>
      {field ? (
        <span className="field-type" aria-hidden="true">
          {t(`mapping.fields.types.${field.type}`, { defaultValue: field.type })}
        </span>
      ) : null}
    </>
  );
});
