import { useEffect } from 'react';
import { useBlocker } from 'react-router';

/**
 * While `when` is true, in-app navigation is held until the returned blocker is resolved:
 * render a dialog when `blocker.state === 'blocked'` and call `proceed()` or `reset()`.
 * While `promptOnUnload` is true (by default the same as `when`), leaving the page (closing
 * the tab, reloading) triggers the browser's own prompt: only for what could not be kept.
 */
export function useUnsavedChangesPrompt(when: boolean, promptOnUnload = when) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => when && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!promptOnUnload) return undefined;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [promptOnUnload]);
  return blocker;
}
