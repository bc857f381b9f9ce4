import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** A lazily loaded screen that can also be asked to start downloading before it renders. */
export type LazyScreen = LazyExoticComponent<ComponentType> & { preload: () => Promise<unknown> };

/**
 * `React.lazy` over a module's named export, downloaded once: `preload()` starts it early
 * (with the data, before the first render) and rendering reuses the same download. A failed
 * download is forgotten, so the next render or preload tries again.
 */
export function lazyScreen<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string): LazyScreen {
  type Loaded = { default: ComponentType };
  let loaded: Loaded | null = null;
  let pending: Promise<Loaded> | null = null;
  const preload = () => {
    pending ??= load().then(
      (module) => (loaded = { default: module[name] as ComponentType }),
      (error: unknown) => {
        pending = null;
        throw error;
      },
    );
    return pending;
  };
  // Once downloaded, a thenable that resolves synchronously: React.lazy then renders the screen
  // at once instead of suspending for a tick (and holding its fallback for React's minimum).
  const whenLoaded = (value: Loaded) => ({ then: (resolve: (loaded: Loaded) => void) => resolve(value) }) as unknown as Promise<Loaded>;
  return Object.assign(
    lazy(() => (loaded ? whenLoaded(loaded) : preload())),
    { preload },
  );
}
