import {
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type KeyboardCoordinateGetter,
  type PointerSensorOptions,
} from '@dnd-kit/core';
import type { PointerEvent as ReactPointerEvent } from 'react';

/** Elements (buttons inside a draggable row) that must never start a drag. */
export const NO_DND_ATTRIBUTE = 'data-no-dnd';

function startsInNoDnd(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(`[${NO_DND_ATTRIBUTE}]`) !== null;
}

/**
 * The mouse/pen side of dragging: the primary button, past a small distance (so a click or a
 * double-click never starts a drag). Touch is left to the TouchSensor's long press, so a
 * finger can still scroll the page.
 */
export class MousePenSensor extends PointerSensor {
  static override activators = [
    {
      eventName: 'onPointerDown' as const,
      handler: ({ nativeEvent: event }: ReactPointerEvent, options: PointerSensorOptions) => {
        if (!event.isPrimary || event.button !== 0 || event.pointerType === 'touch' || startsInNoDnd(event.target)) {
          return false;
        }
        options.onActivation?.({ event });
        return true;
      },
    },
  ];
}

/** Pointer past 6 px, touch after a 250 ms press, keyboard (Space/Enter) with target-to-target arrows. */
export function useBoardSensors(coordinateGetter: KeyboardCoordinateGetter) {
  return useSensors(
    useSensor(MousePenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter }),
  );
}
