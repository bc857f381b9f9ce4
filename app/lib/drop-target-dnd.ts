import { KeyboardSensor, PointerSensor, useSensor, useSensors, type KeyboardCoordinateGetter } from '@dnd-kit/core';

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

/**
 * Sensors for dragging from a list into drop places: the pointer after a few pixels (a
 * distance, not a delay, so a double-click never starts a drag), the keyboard by drop place.
 */
export function useDropTargetSensors() {
  return useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: dropTargetCoordinates }),
  );
}
