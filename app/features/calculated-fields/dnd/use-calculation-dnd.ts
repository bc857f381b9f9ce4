import type { Announcements, DndContextProps, DragEndEvent } from '@dnd-kit/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { PAGE_ONLY_AUTO_SCROLL, useDropTargetSensors } from '@/lib/drop-target-dnd';

import type { NumericField } from '../model/calculated-form';

/** The drop place that starts a new calculated field (each existing field is one too). */
export const NEW_FIELD_DROP_ID = 'calc-new';

/** What a numeric field being dragged carries (`useDraggable`'s data). */
export interface DraggedField {
  field: NumericField;
  name: string;
}

const draggedOf = (data: unknown): DraggedField | null =>
  data && typeof data === 'object' && 'field' in data && 'name' in data ? { field: data.field as NumericField, name: String(data.name) } : null;

/** A calculated field's place in the list (its droppable's data). */
const indexOf = (data: unknown): number | null =>
  data && typeof data === 'object' && 'index' in data && typeof data.index === 'number' ? data.index : null;

export interface CalculationDndOptions {
  /** How many calculated fields there are (a new one gets the next number). */
  count: number;
  /** Dropped on the new-field place. */
  onAdd: (field: NumericField) => void;
  /** Dropped on the calculated field at `index`. */
  onInsert: (field: NumericField, index: number) => void;
}

/**
 * Dragging a numeric field into the calculated fields: onto the new-field place starts a new
 * one, onto a field inserts the field's token at its caret. Returns the DndContext's props and
 * the field being dragged (for the overlay and the drop places' highlight); the screen-reader
 * announcements name the field and the place in the UI's language.
 */
export function useCalculationDnd({ count, onAdd, onInsert }: CalculationDndOptions) {
  const { t } = useTranslation();
  const sensors = useDropTargetSensors();
  const [dragged, setDragged] = useState<DraggedField | null>(null);

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragged(null);
    const item = draggedOf(active.data.current);
    if (!item || !over) return;
    if (over.id === NEW_FIELD_DROP_ID) {
      onAdd(item.field);
      return;
    }
    const index = indexOf(over.data.current);
    if (index !== null) onInsert(item.field, index);
  };

  const nameIn = (data: unknown) => draggedOf(data)?.name ?? '';
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('calculation.dnd.pickedUp', { name: nameIn(active.data.current) }),
    onDragOver: ({ active, over }) => {
      const name = nameIn(active.data.current);
      if (!over) return t('calculation.dnd.notOver', { name });
      if (over.id === NEW_FIELD_DROP_ID) return t('calculation.dnd.overNew', { name });
      return t('calculation.dnd.overField', { name, index: (indexOf(over.data.current) ?? 0) + 1 });
    },
    onDragEnd: ({ active, over }) => {
      const name = nameIn(active.data.current);
      if (!over) return t('calculation.dnd.droppedOutside', { name });
      if (over.id === NEW_FIELD_DROP_ID) return t('calculation.dnd.droppedNew', { name, index: count + 1 });
      return t('calculation.dnd.droppedInto', { name, index: (indexOf(over.data.current) ?? 0) + 1 });
    },
    onDragCancel: ({ active }) => t('calculation.dnd.cancelled', { name: nameIn(active.data.current) }),
  };

  const context: DndContextProps = {
    sensors,
    autoScroll: PAGE_ONLY_AUTO_SCROLL,
    onDragStart: ({ active }) => setDragged(draggedOf(active.data.current)),
    onDragEnd,
    onDragCancel: () => setDragged(null),
    accessibility: { announcements, screenReaderInstructions: { draggable: t('calculation.dnd.instructions') } },
  };
  return { context, dragged };
}
