import {
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type KeyboardCoordinateGetter,
  type KeyboardSensorOptions,
  type PointerSensorOptions,
} from '@dnd-kit/core';
import type { PointerEvent as ReactPointerEvent } from 'react';

const ARROWS = ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'];

/**
 * For drags from a list into drop places: the arrows move from drop place to drop place
 * (top to bottom; Right/Down to the next, Up to the previous), not by pixels, and Left goes
 * back home (the dragged node stays in place while a DragOverlay moves, so its rect is home).
 */
export const dropTargetCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  if (!ARROWS.includes(event.code)) return undefined;
  event.preventDefault();
  if (event.code === 'ArrowLeft') {
    const home = context.activeNode?.getBoundingClientRect();
    return home ? { x: home.left, y: home.top } : currentCoordinates;
  }
  const targets = [...context.droppableRects.entries()].sort(([, a], [, b]) => a.top - b.top || a.left - b.left);
  if (targets.length === 0) return currentCoordinates;
  const current = targets.findIndex(([id]) => id === context.over?.id);
  const next = event.code === 'ArrowUp' ? Math.max(0, current - 1) : Math.min(targets.length - 1, current + 1);
  const rect = targets[next]?.[1];
  return rect ? { x: rect.left + 8, y: rect.top + 8 } : currentCoordinates;
};

/** Elements (a button inside a draggable row) that must never start a mouse or pen drag. */
export const NO_DND_ATTRIBUTE = 'data-no-dnd';

function startsInNoDnd(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(`[${NO_DND_ATTRIBUTE}]`) !== null;
}

/**
 * The mouse/pen side of dragging: the primary button, past a small distance (so a click or a
 * double-click never starts a drag). Touch is left to the TouchSensor's long press, so a
 * finger swiping over a list scrolls the page instead of grabbing an item.
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

// Constant options: a new options object on every render would make new sensors, new
// activators and a new dnd-kit context, re-rendering every draggable of the list.
const MOUSE_PEN_OPTIONS = { activationConstraint: { distance: 6 } };
const TOUCH_OPTIONS = { activationConstraint: { delay: 250, tolerance: 6 } };
const KEYBOARD_OPTIONS = { coordinateGetter: dropTargetCoordinates };

/**
 * The sensors of every drag in the wizard: a mouse or pen after 6 px (a distance, not a delay,
 * so a double-click never starts a drag), a finger after a 250 ms long press (moving sooner
 * scrolls; a handle can then keep `touch-action: manipulation`), and the keyboard with the
 * given options, which must be stable (a module constant or memoized).
 */
export function useWizardDragSensors(keyboardOptions: KeyboardSensorOptions) {
  return useSensors(
    useSensor(MousePenSensor, MOUSE_PEN_OPTIONS),
    useSensor(TouchSensor, TOUCH_OPTIONS),
    useSensor(KeyboardSensor, keyboardOptions),
  );
}

/** Sensors for dragging from a list into drop places: the keyboard moves by drop place. */
export function useDropTargetSensors() {
  return useWizardDragSensors(KEYBOARD_OPTIONS);
}

/**
 * Auto-scroll only the page during a drag. The lists that scroll on their own (the filter
 * parameters, the unmapped statuses, the pipelines, the custom fields) are no drop place or a
 * drop place as a whole, so scrolling them while the pointer or the finger merely passes their
 * edge would only move things under it.
 */
export const PAGE_ONLY_AUTO_SCROLL = {
  canScroll: (element: Element) => element === document.scrollingElement || element === document.documentElement,
};
