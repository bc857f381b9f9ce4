import { expect, type Page } from '@playwright/test';

/**
 * A layout check that needs no baseline: run in the page, it lists what a user at this width
 * would see broken. "The viewport" is the width the page was given (the root's clientWidth:
 * on an emulated phone an overflowing page widens innerWidth along with it), measured with
 * the page scrolled back to its left edge.
 *
 * - **page-overflow**: the document is wider than the viewport (a horizontal scrollbar, or on
 *   a phone a page that pans sideways): `documentElement.scrollWidth > viewport`.
 * - **element-overflow**: a visible element past the viewport's right edge, or cut by its left
 *   edge. Inside a container that scrolls sideways (`overflow-x: auto | scroll`) that is
 *   intentional and not counted (the container is checked itself), nor is screen-reader-only
 *   text. Inside a container that hides its overflow (`hidden | clip`) only an element the
 *   screen's edge cuts in two counts: one wholly beyond it is parked there on purpose (an
 *   off-canvas panel). Only the outermost offender of a subtree is reported, with how many of
 *   its descendants stick out too, so one too-wide form is one line, not fifty.
 * - **clipped-text**: text inside a list row (`li`, listitem, row, option, tab, menu item) that
 *   does not fit: it spills out of its box or an enclosing box up to the row (and runs over its
 *   neighbours), or a box cuts it (its own, or an ancestor: past a left edge always, past a
 *   right edge unless that ancestor scrolls). Fine only when the cut is shown — an ellipsis on
 *   the text's own box (`text-overflow: ellipsis`), or a `-webkit-line-clamp` — AND the full
 *   text is still there for the user: in a `title` (on it or an ancestor in the row) or in the
 *   accessible name of the control it belongs to (`aria-label`, `aria-labelledby`, or the name a
 *   button, link, tab, menu item, option, cell or heading takes from its content).
 *
 * Each problem names the element with a readable selector path (tag, role, aria-label, class,
 * position) and its text; the same problem on every row of a list is one line with a count.
 */
export interface LayoutProblem {
  kind: 'page-overflow' | 'element-overflow' | 'clipped-text';
  selector: string;
  text: string;
  detail: string;
  /** How many elements have this very problem (rows of one list): this one stands for all. */
  count: number;
}

/** One problem per kind of element (the same selector but for positions) and cause. */
function grouped(problems: Array<Omit<LayoutProblem, 'count'>>): LayoutProblem[] {
  const groups = new Map<string, LayoutProblem>();
  for (const problem of problems) {
    const cause = problem.detail.replace(/\(text [^)]*\)|-?\d+(\.\d+)?px/g, '');
    const where = problem.selector.replace(/:nth-of-type\(\d+\)/g, '').replace(/\[aria-label="(?:[^"\\]|\\.)*"\]/g, '[aria-label]');
    const key = `${problem.kind} ${where} ${cause}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { ...problem, count: 1 });
  }
  return [...groups.values()];
}

export async function findLayoutProblems(page: Page): Promise<LayoutProblem[]> {
  return grouped(await measure(page));
}

async function measure(page: Page): Promise<Array<Omit<LayoutProblem, 'count'>>> {
  // Let finite animations (a dialog or menu zooming in) end first: mid-animation boxes are
  // scaled. And measure from the page's left edge: a page that overflows may have been
  // scrolled sideways (scrolling a control into view does that), which shifts every box.
  await page.evaluate(async () => {
    window.scrollTo({ left: 0, top: window.scrollY, behavior: 'instant' });
    const finite = document.getAnimations().filter((animation) => {
      const end = animation.effect?.getComputedTiming().endTime;
      return typeof end === 'number' && Number.isFinite(end);
    });
    await Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
    await document.fonts.ready;
  });
  return page.evaluate(() => {
    const problems: Array<{ kind: 'page-overflow' | 'element-overflow' | 'clipped-text'; selector: string; text: string; detail: string }> = [];
    const root = document.documentElement;
    // The width the page was given. On a phone (isMobile) an overflowing page widens the layout
    // viewport, and innerWidth with it (473px for a 390px screen); the root's clientWidth
    // stays the screen's width (less a classic scrollbar on desktop).
    const viewportWidth = Math.min(window.innerWidth, root.clientWidth);
    const TOLERANCE = 0.5;

    const squeeze = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
    const shorten = (text: string, max = 90) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
    const quote = (text: string) => JSON.stringify(shorten(text, 40));

    const segment = (element: Element): string => {
      let part = element.tagName.toLowerCase();
      const id = element.getAttribute('id');
      // Generated ids (React's «r1», Radix's radix-…) say nothing to a reader; stable ones do.
      if (id && !/[:«»]|^radix-/.test(id)) part += `#${id}`;
      const role = element.getAttribute('role');
      if (role) part += `[role=${role}]`;
      const label = element.getAttribute('aria-label');
      if (label) part += `[aria-label=${quote(label)}]`;
      const firstClass = typeof element.className === 'string' ? element.className.split(/\s+/).find(Boolean) : undefined;
      if (firstClass) part += `.${firstClass}`;
      const parent = element.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((child) => child.tagName === element.tagName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(element) + 1})`;
      }
      return part;
    };
    const selectorOf = (element: Element): string => {
      const parts: string[] = [];
      for (let current: Element | null = element; current && current !== document.body; current = current.parentElement) {
        parts.unshift(segment(current));
      }
      return parts.length > 7 ? `… > ${parts.slice(-7).join(' > ')}` : parts.join(' > ');
    };

    if (root.scrollWidth > viewportWidth) {
      problems.push({
        kind: 'page-overflow',
        selector: 'html',
        text: '',
        detail: `document.documentElement.scrollWidth ${root.scrollWidth}px > viewport ${viewportWidth}px${window.innerWidth > viewportWidth ? ` (innerWidth grew to ${window.innerWidth}px)` : ''}`,
      });
    }

    const styles = new Map<Element, CSSStyleDeclaration>();
    const styleOf = (element: Element) => {
      let style = styles.get(element);
      if (!style) {
        style = getComputedStyle(element);
        styles.set(element, style);
      }
      return style;
    };
    const clipsX = (style: CSSStyleDeclaration) => ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
    const visuallyHidden = (style: CSSStyleDeclaration) =>
      style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)' || Number(style.opacity) === 0;

    // What the ancestors (below <body>) do to an element sticking out, cached per parent:
    // 'invisible' (inside screen-reader-only text), 'scroll' (a container the user can scroll
    // sideways: intentional), 'hidden' (a container that cuts it off), or nothing.
    type Containment = 'invisible' | 'scroll' | 'hidden' | null;
    const RANK: Record<string, number> = { invisible: 3, scroll: 2, hidden: 1 };
    const containment = new Map<Element, Containment>();
    const containedBy = (element: Element): Containment => {
      const parent = element.parentElement;
      if (!parent || parent === document.body || parent === root) return null;
      const known = containment.get(parent);
      if (known !== undefined) return known;
      const style = styleOf(parent);
      const own: Containment = visuallyHidden(style) ? 'invisible' : ['auto', 'scroll'].includes(style.overflowX) ? 'scroll' : clipsX(style) ? 'hidden' : null;
      const above = containedBy(parent);
      const result = (RANK[own ?? ''] ?? 0) >= (RANK[above ?? ''] ?? 0) ? own : above;
      containment.set(parent, result);
      return result;
    };

    const shown = (element: Element, style: CSSStyleDeclaration, rect: DOMRect) =>
      style.display !== 'none' && style.visibility === 'visible' && rect.width >= 2 && rect.height >= 2 && !visuallyHidden(style);

    const overflowing = new Set<Element>();
    const all = Array.from(document.body.querySelectorAll('*')).filter(
      (element) => !['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'LINK', 'META'].includes(element.tagName),
    );
    for (const element of all) {
      const style = styleOf(element);
      const rect = element.getBoundingClientRect();
      if (!shown(element, style, rect)) continue;
      // Past the right edge (the page scrolls sideways), or cut by the left edge (unreachable).
      // Parked wholly off-screen to the left is deliberate (a skip link until focused).
      const pastRight = rect.right > viewportWidth + TOLERANCE;
      const cutLeft = rect.left < -TOLERANCE && rect.right > TOLERANCE;
      if (!pastRight && !cutLeft) continue;
      const contained = containedBy(element);
      if (contained === 'invisible' || contained === 'scroll') continue;
      // Inside a container that hides its overflow, only what the screen's edge cuts in two
      // counts: wholly beyond it is parked there on purpose (an off-canvas panel).
      const straddles = (rect.left < viewportWidth - TOLERANCE && pastRight) || cutLeft;
      if (contained === 'hidden' && !straddles) continue;
      overflowing.add(element);
    }
    for (const element of overflowing) {
      let parent = element.parentElement;
      let outermost = true;
      while (parent && parent !== document.body) {
        if (overflowing.has(parent)) {
          outermost = false;
          break;
        }
        parent = parent.parentElement;
      }
      if (!outermost) continue;
      const rect = element.getBoundingClientRect();
      const inside = Array.from(overflowing).filter((other) => other !== element && element.contains(other)).length;
      problems.push({
        kind: 'element-overflow',
        selector: selectorOf(element),
        text: shorten(squeeze(element.textContent)),
        detail: `${rect.right > viewportWidth + TOLERANCE ? `right edge ${Math.round(rect.right)}px > viewport ${viewportWidth}px` : `left edge ${Math.round(rect.left)}px < 0`} (width ${Math.round(rect.width)}px)${inside > 0 ? `; ${inside} descendants stick out too` : ''}`,
      });
    }

    // Clipped text in list rows.
    const ROW = 'li, [role="listitem"], [role="row"], tr, [role="option"], [role="tab"], [role="menuitem"], [role="menuitemradio"], [role="menuitemcheckbox"]';
    const NAME_FROM_CONTENT = new Set(['button', 'link', 'tab', 'menuitem', 'menuitemradio', 'menuitemcheckbox', 'option', 'treeitem', 'cell', 'gridcell', 'columnheader', 'rowheader', 'row', 'heading', 'checkbox', 'radio', 'switch', 'tooltip']);
    const implicitRole = (element: Element): string | null => {
      const tag = element.tagName.toLowerCase();
      if (tag === 'button' || tag === 'summary') return 'button';
      if (tag === 'a' && element.hasAttribute('href')) return 'link';
      if (tag === 'th') return 'columnheader';
      if (tag === 'td') return 'cell';
      if (tag === 'option') return 'option';
      if (/^h[1-6]$/.test(tag)) return 'heading';
      if (tag === 'label') return 'label';
      return null;
    };
    /** Whether the full text survives in a title or an accessible name, up to the row. */
    const fullTextKept = (element: Element, row: Element, full: string): boolean => {
      for (let current: Element | null = element; current; current = current.parentElement) {
        const title = current.getAttribute('title');
        if (title && squeeze(title).includes(full)) return true;
        const label = current.getAttribute('aria-label');
        if (label && squeeze(label).includes(full)) return true;
        const labelledBy = current.getAttribute('aria-labelledby');
        if (labelledBy) {
          const names = labelledBy
            .split(/\s+/)
            .map((id) => squeeze(document.getElementById(id)?.textContent))
            .join(' ');
          if (names.includes(full)) return true;
        }
        const role = current.getAttribute('role') ?? implicitRole(current);
        if (role && (NAME_FROM_CONTENT.has(role) || role === 'label') && !label && !labelledBy && squeeze(current.textContent).includes(full)) return true;
        if (current === row) break;
      }
      return false;
    };

    /** Inside a visually-hidden ancestor (screen-reader-only text): not on screen at all. */
    const insideVisuallyHidden = (element: Element): boolean => {
      for (let current = element.parentElement; current && current !== document.body; current = current.parentElement) {
        if (visuallyHidden(styleOf(current))) return true;
      }
      return false;
    };
    /** The box that clips an element's text: itself, or for inline text its nearest non-inline ancestor. */
    const boxOf = (element: Element): Element => {
      let current: Element = element;
      while (styleOf(current).display === 'inline' && current.parentElement) current = current.parentElement;
      return current;
    };

    // Every text in a row, grouped by the box that lays it out.
    const textsByBox = new Map<Element, Text[]>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || squeeze(node.textContent) === '' || element.closest('input, textarea, select, script, style')) continue;
      const row = element.closest(ROW);
      if (!row) continue;
      const box = boxOf(element);
      if (!row.contains(box)) continue;
      const texts = textsByBox.get(box) ?? [];
      texts.push(node as Text);
      textsByBox.set(box, texts);
    }

    for (const [box, texts] of textsByBox) {
      const row = box.closest(ROW)!;
      const style = styleOf(box);
      const rect = box.getBoundingClientRect();
      if (!shown(box, style, rect) || insideVisuallyHidden(box)) continue;
      // Where the text is laid out, against its box and against whatever clips it.
      let left = Infinity;
      let right = -Infinity;
      for (const text of texts) {
        const range = document.createRange();
        range.selectNodeContents(text);
        for (const part of Array.from(range.getClientRects())) {
          if (part.width === 0) continue;
          left = Math.min(left, part.left);
          right = Math.max(right, part.right);
        }
      }
      if (!Number.isFinite(left)) continue;
      const inner = (element: Element) => {
        const outer = element.getBoundingClientRect();
        const start = outer.left + element.clientLeft;
        return { left: start, right: start + (element.clientWidth || outer.width) };
      };
      const own = inner(box);
      // Walking out from the text's box: the first box up to the row that the text spills out
      // of (overflow visible: it runs over its neighbours), and the nearest box that clips it
      // (its own with an ellipsis, or an ancestor). Past the right edge of a container that
      // scrolls, the user can scroll to it; past a left edge, never.
      let cutBy: Element | null = null;
      let side: 'left' | 'right' | null = null;
      let spilledFrom: Element | null = null;
      for (let current: Element | null = box; current && current !== document.body; current = current.parentElement) {
        const currentStyle = styleOf(current);
        if (currentStyle.display === 'inline' || currentStyle.display === 'contents') continue;
        const edges = current === box ? own : inner(current);
        const overLeft = left < edges.left - 1;
        const overRight = right > edges.right + 1 || (current === box && box.scrollWidth > box.clientWidth + 1);
        if (!overLeft && !overRight) continue;
        if (clipsX(currentStyle)) {
          if (overLeft) {
            cutBy = current;
            side = 'left';
          } else if (current === box || !['auto', 'scroll'].includes(currentStyle.overflowX)) {
            cutBy = current;
            side = 'right';
          }
          break;
        }
        if (!spilledFrom && row.contains(current)) spilledFrom = current;
      }
      const clamp = style.getPropertyValue('-webkit-line-clamp');
      const clamped = clamp !== '' && clamp !== 'none' && box.scrollHeight > box.clientHeight + 1;
      const spills = spilledFrom !== null && !cutBy;
      if (!cutBy && !spills && !clamped) continue;

      const full = squeeze(box.textContent);
      const ellipsis = cutBy === box && side === 'right' && style.textOverflow === 'ellipsis';
      const kept = fullTextKept(box, row, full);
      if ((ellipsis || (clamped && !cutBy && !spills)) && kept) continue;
      const extent = `text ${Math.round(left)}–${Math.round(right)}px, box ${Math.round(own.left)}–${Math.round(own.right)}px`;
      const why = [
        spills
          ? `the text spills out of ${spilledFrom === box ? 'its box' : `its ancestor ${segment(spilledFrom!)}`} (${extent})`
          : cutBy && !ellipsis
            ? `cut on the ${side} by ${cutBy === box ? 'its own box' : `its ancestor ${segment(cutBy)}`} without an ellipsis (${extent}, overflow-x: ${styleOf(cutBy).overflowX}, text-overflow: ${styleOf(cutBy).textOverflow})`
            : ellipsis
              ? `cut with an ellipsis (scrollWidth ${box.scrollWidth}px > clientWidth ${box.clientWidth}px)`
              : `clamped to ${clamp} lines`,
        kept ? null : 'the full text is in neither a title nor an accessible name',
      ].filter(Boolean);
      problems.push({ kind: 'clipped-text', selector: selectorOf(box), text: shorten(full), detail: why.join('; ') });
    }
    return problems;
  });
}

/** One readable line per problem. */
export function describeProblems(problems: readonly LayoutProblem[]): string[] {
  return problems.map(
    (problem) =>
      `${problem.kind}: ${problem.selector}${problem.text ? ` «${problem.text}»` : ''} — ${problem.detail}${problem.count > 1 ? ` (and ${problem.count - 1} more like it)` : ''}`,
  );
}

/**
 * Checks the page as it is now and records every problem as a soft failure under `state`,
 * so one run lists every broken state and width instead of stopping at the first.
 */
export async function expectLayoutFits(page: Page, state: string): Promise<void> {
  const problems = await findLayoutProblems(page);
  const viewport = page.viewportSize();
  expect.soft(describeProblems(problems), `${state} at ${viewport?.width ?? '?'}px: layout problems`).toEqual([]);
}
