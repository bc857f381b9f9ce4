import {
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type KeyboardCoordinateGetter,
  type PointerSensorOptions,
} from '@dnd-kit/core';
import { useMemo, type PointerEvent as ReactPointerEvent } from 'react';

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

// Constant options: a new options object would make new sensors, new activators and a new
// dnd-kit context on every render, re-rendering every draggable on the board.
const POINTER_OPTIONS = { activationConstraint: { distance: 6 } };
const TOUCH_OPTIONS = { activationConstraint: { delay: 250, tolerance: 6 } };

/**
 * Pointer past 6 px, touch after a 250 ms press, keyboard (Space/Enter) with target-to-target
 * arrows. `coordinateGetter` must be stable (memoized).
 */
export function useBoardSensors(coordinateGetter: KeyboardCoordinateGetter) {
  const keyboardOptions = useMemo(() => ({ coordinateGetter }), [coordinateGetter]);
  return useSensors(
    useSensor(MousePenSensor, POINTER_OPTIONS),
    useSensor(TouchSensor, TOUCH_OPTIONS),
    useSensor(KeyboardSensor, keyboardOptions),
  );
}

/**
 * Auto-scroll only the page. The lists that scroll on their own (the unmapped statuses, the
 * pipelines) are drop targets as a whole or not targets at all, so scrolling them while the
 * pointer merely passes over their edge would only move things under the pointer. On a phone
 * the unmapped list is not a scroller at all (it grows with the page), so a finger held at the
 * screen's edge scrolls the page towards the containers below.
 */
export const PAGE_AUTO_SCROLL = {
  canScroll: (element: Element) => element === document.scrollingElement || element === document.documentElement,
};
