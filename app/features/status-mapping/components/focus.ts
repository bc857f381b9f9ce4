/**
 * Moves focus once React has rendered the change (a moved status is a new element in its new
 * container; a deleted container's controls are gone). Menus that call this prevent their
 * own focus return, so the two never race.
 */
export function focusSoon(selector: string): void {
  requestAnimationFrame(() => {
    const element = document.querySelector<HTMLElement>(selector);
    element?.focus();
  });
}

/** A status's chip (the draggable), marked `data-status-chip` (tests find the chips by it too). */
export const statusChipSelector = (statusId: number) => `[data-status-chip][data-status-id="${statusId}"]`;
export const ADD_CONTAINER_SELECTOR = '[data-add-container]';
export const ONE_PER_STATUS_SELECTOR = '[data-one-per-status]';
