import { pointerWithin, rectIntersection, type Announcements, type CollisionDetection, type KeyboardCoordinateGetter } from '@dnd-kit/core';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';

import { useWizardDragSensors } from '@/lib/drop-target-dnd';

/**
 * Drag and drop between the two zones of the Custom fields section: the list of fields and
 * the fixed "Other fields" container. A field moves on drop; the arrows of a keyboard drag
 * jump from zone to zone; the sensors are the wizard's (app/lib/drop-target-dnd.ts).
 */
export const LIST_ZONE = 'fields:list';
export const OTHER_ZONE = 'fields:other';
export type Zone = typeof LIST_ZONE | typeof OTHER_ZONE;

export const fieldDndId = (fieldId: string) => `field:${fieldId}`;

export interface FieldDragData {
  type: 'field';
  fieldId: string;
  zone: Zone;
}

export function readFieldData(data: unknown): FieldDragData | null {
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  if (record.type !== 'field' || typeof record.fieldId !== 'string') return null;
  if (record.zone !== LIST_ZONE && record.zone !== OTHER_ZONE) return null;
  return { type: 'field', fieldId: record.fieldId, zone: record.zone };
}

export function isZone(id: unknown): id is Zone {
  return id === LIST_ZONE || id === OTHER_ZONE;
}

/**
 * The current drag: by keyboard or not, and the zone the arrows chose. Created once per
 * section (`useState(() => new …)`); read only while a drag runs, never during render.
 */
export class FieldDragSession {
  keyboard = false;
  zone: Zone | null = null;

  start(keyboard: boolean, zone: Zone | null): void {
    this.keyboard = keyboard;
    this.zone = zone;
  }
}

export function createZoneCoordinates(session: FieldDragSession): KeyboardCoordinateGetter {
  return (event, { context, active }) => {
    const from = session.zone ?? readFieldData(context.active?.data.current)?.zone ?? null;
    const to: Zone | null =
      event.code === 'ArrowRight' || event.code === 'ArrowDown'
        ? OTHER_ZONE
        : event.code === 'ArrowLeft' || event.code === 'ArrowUp'
          ? LIST_ZONE
          : null;
    if (!to || !from || to === from || active === undefined) return undefined;
    event.preventDefault();
    session.zone = to;
    const rect = context.droppableRects.get(to);
    return rect ? { x: rect.left + 12, y: rect.top + 48 } : undefined;
  };
}

/** `coordinateGetter` must be stable (memoized). */
export function useFieldSensors(coordinateGetter: KeyboardCoordinateGetter) {
  const keyboardOptions = useMemo(() => ({ coordinateGetter }), [coordinateGetter]);
  return useWizardDragSensors(keyboardOptions);
}

/** Keyboard: the zone the arrows chose. Pointer: the zone under it, else the one the overlay overlaps most. */
export function createZoneCollision(session: FieldDragSession): CollisionDetection {
  return (args) => {
    if (session.keyboard) return session.zone ? [{ id: session.zone }] : [];
    const within = pointerWithin(args);
    return within.length > 0 ? within : rectIntersection(args);
  };
}

export function createFieldAnnouncements(t: TFunction, fieldName: (fieldId: string) => string): Announcements {
  const describe = (kind: 'over' | 'end', active: { data: { current?: unknown } }, overId: unknown) => {
    const drag = readFieldData(active.data.current);
    if (!drag) return undefined;
    const name = fieldName(drag.fieldId);
    if (!isZone(overId)) return t(kind === 'end' ? 'mapping.fields.dnd.droppedNowhere' : 'mapping.fields.dnd.notOver', { name });
    if (overId === drag.zone) {
      return kind === 'end' ? t('mapping.fields.dnd.droppedInPlace', { name }) : undefined;
    }
    const key = overId === OTHER_ZONE ? 'ToOther' : 'ToList';
    return t(`mapping.fields.dnd.${kind === 'end' ? 'dropped' : 'over'}${key}`, { name });
  };
  return {
    onDragStart: ({ active }) => {
      const drag = readFieldData(active.data.current);
      if (!drag) return undefined;
      return t(drag.zone === OTHER_ZONE ? 'mapping.fields.dnd.pickedUpFromOther' : 'mapping.fields.dnd.pickedUp', { name: fieldName(drag.fieldId) });
    },
    onDragOver: ({ active, over }) => describe('over', active, over?.id),
    onDragEnd: ({ active, over }) => describe('end', active, over?.id),
    onDragCancel: ({ active }) => {
      const drag = readFieldData(active.data.current);
      return drag ? t('mapping.fields.dnd.cancelled', { name: fieldName(drag.fieldId) }) : undefined;
    },
  };
}
