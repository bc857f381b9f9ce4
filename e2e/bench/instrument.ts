/**
 * What the benchmark installs in the page before any script runs (`page.addInitScript`), and
 * reads back. Self-contained: Playwright sends the function's source to the page.
 *
 * - A React DevTools hook (`__REACT_DEVTOOLS_GLOBAL_HOOK__`, which react-dom looks for at start,
 *   production builds included): `onCommitFiberRoot` counts commits and the components that
 *   rendered in each — function, class, forwardRef and memo components that performed work, or
 *   were mounted. It walks only the parts of the tree React cloned in that commit (a subtree that
 *   bailed out keeps its old child fibers), so counting costs about as much as the render did.
 *   Counting is on only while `__bench.counting` is true.
 * - A PerformanceObserver of long tasks (over 50 ms).
 */
export interface BenchStats {
  counting: boolean;
  commits: number;
  rendered: number;
  /** With `BENCH_NAMES=1` (and a build without minification): rendered components by name. */
  byName: Record<string, number> | null;
  longTasks: Array<{ start: number; duration: number }>;
}

declare global {
  interface Window {
    __bench?: BenchStats;
  }
}

export function installInstrumentation(names: boolean): void {
  const stats: BenchStats = { counting: false, commits: 0, rendered: 0, byName: names ? {} : null, longTasks: [] };
  window.__bench = stats;
  // FunctionComponent 0, ClassComponent 1, ForwardRef 11, MemoComponent 14, SimpleMemoComponent 15.
  const COMPONENT_TAGS = new Set([0, 1, 11, 14, 15]);
  const PERFORMED_WORK = 1;
  interface Fiber {
    tag: number;
    flags: number;
    child: Fiber | null;
    sibling: Fiber | null;
    alternate: Fiber | null;
    type: { name?: string; displayName?: string; render?: { name?: string }; type?: { name?: string } } | string | null;
  }
  const nameOf = (fiber: Fiber): string => {
    const type = fiber.type;
    if (!type || typeof type === 'string') return String(type);
    return type.displayName ?? type.name ?? type.render?.name ?? type.type?.name ?? `tag${fiber.tag}`;
  };
  const countRendered = (top: Fiber): number => {
    let count = 0;
    const stack: Fiber[] = top.child ? [top.child] : [];
    while (stack.length > 0) {
      const fiber = stack.pop() as Fiber;
      if (fiber.sibling) stack.push(fiber.sibling);
      const previous = fiber.alternate;
      const mounted = previous === null;
      if (COMPONENT_TAGS.has(fiber.tag) && (mounted || (fiber.flags & PERFORMED_WORK) !== 0)) {
        count += 1;
        if (stats.byName) {
          const name = nameOf(fiber);
          stats.byName[name] = (stats.byName[name] ?? 0) + 1;
        }
      }
      // Children were cloned (so possibly rendered) only when the child pointer changed.
      if (fiber.child && (mounted || fiber.child !== previous.child)) stack.push(fiber.child);
    }
    return count;
  };
  const renderers = new Map<number, unknown>();
  Object.defineProperty(window, '__REACT_DEVTOOLS_GLOBAL_HOOK__', {
    configurable: true,
    value: {
      supportsFiber: true,
      isDisabled: false,
      renderers,
      inject(renderer: unknown) {
        const id = renderers.size + 1;
        renderers.set(id, renderer);
        return id;
      },
      checkDCE() {},
      onScheduleFiberRoot() {},
      onCommitFiberUnmount() {},
      onPostCommitFiberRoot() {},
      onCommitFiberRoot(_id: number, root: { current: Fiber }) {
        if (!stats.counting) return;
        stats.commits += 1;
        stats.rendered += countRendered(root.current);
      },
    },
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) stats.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}
