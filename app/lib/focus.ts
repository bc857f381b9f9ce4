import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * Focus moves that follow a change (a moved item is a new element, a closed editor gives way
 * to its button) happen after React has rendered it. Done later than that — a frame later,
 * as dnd-kit's own focus restoration and `requestAnimationFrame` do — they can land after the
 * user has already moved on (pressed Tab, clicked, picked up the next status on a busy
 * machine) and pull the keyboard back. So: move focus in the commit that rendered the change
 * where possible, and never take it from where the user has put it since.
 */

/** Focus is nowhere in particular: on <body> (the focused element was removed) or on a detached node. */
export function focusIsLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || !active.isConnected;
}

/**
 * Focuses `find()` on the next frame (for elements rendered outside React's commit, e.g.
 * after a menu has closed), unless focus has moved on meanwhile: it is taken only from
 * `from` — where it was when the action happened — or when it is lost.
 */
export function focusNextFrame(find: () => HTMLElement | null | undefined, from: Element | null = document.activeElement): void {
  requestAnimationFrame(() => {
    if (!focusIsLost() && document.activeElement !== from) return;
    find()?.focus();
  });
}

/**
 * After a keyboard drop, focus follows the dropped item, in the same commit that renders
 * the drop: call `focusAfterCommit(find)` in the drop handler, and the element `find`
 * returns is focused right after React has put it in place — but only if the drop left
 * focus nowhere (the item's old element was removed or moved); focus the step moved on
 * purpose, or that stayed on an item that did not move, is left alone. The DndContext must
 * pass `accessibility.restoreFocus: false`: dnd-kit's own restoration runs a frame later
 * and takes focus back without looking where it is.
 */
export function useFocusAfterCommit(): (find: () => HTMLElement | null | undefined) => void {
  const pending = useRef<(() => HTMLElement | null | undefined) | null>(null);
  // No dependencies: runs after every commit of the owner, which re-renders on every drop.
  useLayoutEffect(() => {
    const find = pending.current;
    if (find === null) return;
    pending.current = null;
    if (focusIsLost()) find()?.focus();
  });
  return useCallback((find: () => HTMLElement | null | undefined) => {
    pending.current = find;
  }, []);
}
