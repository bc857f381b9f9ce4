import { focusNextFrame } from '@/lib/focus';

/**
 * Moves focus once React has rendered the change (a moved status is a new element in its new
 * container; a deleted container's controls are gone) — unless the user has moved focus
 * meanwhile. Menus that call this prevent their own focus return, so the two never race.
 */
export function focusSoon(selector: string): void {
  focusNextFrame(() => document.querySelector<HTMLElement>(selector));
}

/** A status's chip (the draggable), marked `data-status-chip` (tests find the chips by it too). */
export const statusChipSelector = (statusId: string) => `[data-status-chip][data-status-id="${statusId}"]`;
export const ADD_CONTAINER_SELECTOR = '[data-add-container]';
export const ONE_PER_STATUS_SELECTOR = '[data-one-per-status]';

/**
 * A container's reorder handle, marked `data-container-handle` (a class would be a CSS Module's
 * hashed name). Container ids come from saved documents: matched, not put into a selector.
 */
export function containerHandle(containerId: string): HTMLElement | null {
  const stage = [...document.querySelectorAll<HTMLElement>('[data-container-id]')].find((element) => element.dataset.containerId === containerId);
  return stage?.querySelector<HTMLElement>('[data-container-handle]') ?? null;
}
