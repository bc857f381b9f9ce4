import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';

/**
 * A list that can be long (1,000 custom fields, 100 statuses): one tab stop, the arrow keys
 * moving inside it (the WAI-ARIA composite-widget pattern, a roving tabindex), and, from
 * `VIRTUALIZE_FROM` rows on, only the rows in and near the list's scrolled view rendered
 * (@tanstack/react-virtual), with the space of the others kept by two spacer rows (`spacers`,
 * not padding: a scroller's padding is not held by its max-height) so the scrollbar and scroll
 * positions stay true.
 *
 * The list element is its own scroller (`scrollRef`); each row carries `data-row-key` and its
 * focusable parts `data-roving` (e.g. `chip` and `action`): Up/Down go to the same part of the
 * previous/next row, Left/Right between the parts of a row, Home/End and PageUp/PageDown jump.
 * A row that should get the keyboard but is not rendered is scrolled to first (`focusRow`).
 * Rows are not measured: they are laid out in the flow after the padding, so a row whose height
 * differs from the estimate still shows where the list is scrolled (only the scrollbar's length
 * is that much off).
 */
export const VIRTUALIZE_FROM = 60;
const PAGE_ROWS = 10;

export interface LongListRow {
  index: number;
  key: string;
}

export interface LongListOptions {
  keys: readonly string[];
  /** A row's height in px before it is measured (rows are measured once rendered). */
  estimateSize: number;
  /** The gap between rows in px (the list's CSS gap). */
  gap: number;
  /** The row's parts, in Left → Right order. */
  parts: readonly string[];
  /** While true (a keyboard drag runs), the arrow keys are left alone. */
  paused?: boolean;
}

export function useLongList({ keys, estimateSize, gap, parts, paused = false }: LongListOptions) {
  const scrollRef = useRef<HTMLElement | null>(null);
  const virtual = keys.length >= VIRTUALIZE_FROM;
  const virtualizer = useVirtualizer({
    count: virtual ? keys.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateSize,
    gap,
    overscan: 8,
    getItemKey: (index) => keys[index] ?? index,
  });

  const virtualItems = virtual ? virtualizer.getVirtualItems() : [];
  const rows: LongListRow[] = virtual
    ? virtualItems.map((item) => ({ index: item.index, key: keys[item.index] as string }))
    : keys.map((key, index) => ({ index, key }));
  // The rows before and after the rendered ones, as the space of spacer rows.
  const first = virtualItems[0];
  const last = virtualItems[virtualItems.length - 1];
  const before = virtual && first ? first.start : 0;
  // Before the list has a height (its first render), all of it is space: the list then takes its
  // CSS height (a max-height), and the rows of that view are rendered once it is measured.
  const after = !virtual ? 0 : last ? Math.max(0, virtualizer.getTotalSize() - last.end) : virtualizer.getTotalSize();

  // The one tab stop: the row and part that last had the keyboard, else the first row's first part.
  const [current, setCurrent] = useState<{ key: string; part: string } | null>(null);
  const tabStop = current && keys.includes(current.key) ? current : keys[0] !== undefined ? { key: keys[0], part: parts[0] ?? '' } : null;
  const tabIndexFor = (key: string, part: string) => (tabStop && tabStop.key === key && tabStop.part === part ? 0 : -1);

  const pending = useRef<{ key: string; part: string; scrolled: boolean } | null>(null);
  const [, rerender] = useState(0);
  useLayoutEffect(() => {
    const request = pending.current;
    const list = scrollRef.current;
    if (!request || !list) return;
    const index = keys.indexOf(request.key);
    if (index === -1) {
      pending.current = null;
      return;
    }
    const element = list.querySelector<HTMLElement>(`[data-row-key="${CSS.escape(request.key)}"] [data-roving="${request.part}"]`);
    if (element) {
      pending.current = null;
      element.focus();
      return;
    }
    if (virtual && !request.scrolled) {
      request.scrolled = true;
      virtualizer.scrollToIndex(index, { align: 'auto' });
      rerender((n) => n + 1);
    }
  });

  /** Puts the keyboard on a row's part, scrolling the row into the rendered range first if needed. */
  const focusRow = useCallback((key: string, part: string) => {
    pending.current = { key, part, scrolled: false };
    setCurrent({ key, part });
    rerender((n) => n + 1);
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (paused || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    const part = target.getAttribute('data-roving');
    const key = target.closest('[data-row-key]')?.getAttribute('data-row-key');
    if (!part || !key) return;
    const index = keys.indexOf(key);
    const partIndex = parts.indexOf(part);
    let nextIndex = index;
    let nextPart = part;
    switch (event.key) {
      case 'ArrowDown':
        nextIndex = Math.min(keys.length - 1, index + 1);
        break;
      case 'ArrowUp':
        nextIndex = Math.max(0, index - 1);
        break;
      case 'PageDown':
        nextIndex = Math.min(keys.length - 1, index + PAGE_ROWS);
        break;
      case 'PageUp':
        nextIndex = Math.max(0, index - PAGE_ROWS);
        break;
      case 'Home':
        nextIndex = 0;
        break;
      case 'End':
        nextIndex = keys.length - 1;
        break;
      case 'ArrowRight':
        nextPart = parts[Math.min(parts.length - 1, partIndex + 1)] ?? part;
        break;
      case 'ArrowLeft':
        nextPart = parts[Math.max(0, partIndex - 1)] ?? part;
        break;
      default:
        return;
    }
    event.preventDefault();
    const nextKey = keys[nextIndex];
    if (nextKey !== undefined && (nextKey !== key || nextPart !== part)) focusRow(nextKey, nextPart);
  };

  /** Focus anywhere in the list (a click, a script) makes that part the tab stop. */
  const onFocus = (event: FocusEvent<HTMLElement>) => {
    const target = event.target;
    const part = target.getAttribute('data-roving');
    const key = target.closest('[data-row-key]')?.getAttribute('data-row-key');
    if (part && key && (current?.key !== key || current.part !== part)) setCurrent({ key, part });
  };

  return {
    scrollRef,
    rows,
    virtual,
    total: keys.length,
    listProps: {
      onKeyDown,
      onFocus,
      style: virtual ? { overflowAnchor: 'none' as const } : undefined,
      'data-virtual': virtual || undefined,
    },
    /** The heights of the spacer rows before and after the rendered ones (each already less the gap it brings). */
    spacers: { before: Math.max(0, before - gap), after: Math.max(0, after - gap) },
    tabIndexFor,
    focusRow,
  };
}
