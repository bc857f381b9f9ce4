import { useEffect } from 'react';
import { useBlocker } from 'react-router';

/**
 * While `when` is true, leaving the page (closing the tab, reloading) triggers the browser's
 * own prompt, and in-app navigation is held until the returned blocker is resolved:
 * render a dialog when `blocker.state === 'blocked'` and call `proceed()` or `reset()`.
 */
export function useUnsavedChangesPrompt(when: boolean) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => when && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!when) return undefined;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [when]);
  return blocker;
}
