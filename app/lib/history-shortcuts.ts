/** What a key press asks of the wizard's history: Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z and Ctrl+Y redo. */
export function historyShortcut(event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): 'undo' | 'redo' | null {
  if (event.altKey || !(event.ctrlKey || event.metaKey)) return null;
  const key = event.key.toLowerCase();
  // By the key's place too: on a Russian layout the Z key types "я" (Shift: "Я").
  if (key === 'z' || event.code === 'KeyZ') return event.shiftKey ? 'redo' : 'undo';
  if ((key === 'y' || event.code === 'KeyY') && event.ctrlKey && !event.shiftKey) return 'redo';
  return null;
}

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'color', 'file', 'hidden', 'image', 'radio', 'range', 'reset', 'submit']);

/**
 * Whether the key press belongs to the element it happened in, not to the wizard: in a text
 * field the browser undoes the typing; in a dialog or an open menu, or during a drag, the
 * draft must not change under the user.
 */
export function leaveToElement(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type)) return true;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  if (target.closest('[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]')) return true;
  // dnd-kit marks the item being dragged (by keyboard or pointer) as pressed.
  return target.ownerDocument.querySelector('[aria-roledescription][aria-pressed="true"]') !== null;
}
