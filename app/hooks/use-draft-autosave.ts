import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { useSaveConfig, type ConfigUpdate } from '@/api/connector-config';
import type { SaveState } from '@/components/wizard/save-status';
import type { ConnectorId } from '@/contracts/connector';

export interface DraftAutosave {
  /**
   * Queues a change to the draft under `key` (a later change with the same key replaces it:
   * each update writes a whole section, e.g. one pipeline's mapping) and saves ~`delay` ms
   * after the last change.
   */
  schedule: (key: string, update: ConfigUpdate) => void;
  /** Sends what is queued now; resolves true once everything sent so far is saved. */
  flush: () => Promise<boolean>;
  /** For `<SaveStatus>`: Saving… / All changes saved / the error with Try again. */
  state: SaveState;
  /** Something is queued, in flight or failed: leaving now could lose it. */
  dirty: boolean;
}

/**
 * Debounced autosave of a step's draft through `useSaveConfig` (one serialized mutation scope
 * per connector, optimistic cache, one re-apply on a version conflict). The step keeps its
 * own state as the source of truth, so what the user sees never depends on a save's timing.
 * A failed save keeps its updates queued for "Try again" (or the next change); unmounting
 * (leaving the step) sends whatever is still queued.
 */
export function useDraftAutosave(connector: ConnectorId, delay = 600): DraftAutosave {
  const save = useSaveConfig(connector);
  const mutateAsync = save.mutateAsync;
  const queue = useRef(new Map<string, ConfigUpdate>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlight = useRef<Promise<boolean>>(Promise.resolve(true));
  const [queued, setQueued] = useState(false);
  const [inFlight, setInFlight] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [savedOnce, setSavedOnce] = useState(false);

  const flush = useCallback((): Promise<boolean> => {
    if (timer.current !== null) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    const entries = [...queue.current.entries()];
    if (entries.length === 0) return lastFlight.current;
    queue.current.clear();
    setQueued(false);
    setError(null);
    setInFlight((count) => count + 1);
    const update: ConfigUpdate = (config) => entries.reduce((next, [, apply]) => apply(next), config);
    const flight = mutateAsync(update).then(
      () => {
        setSavedOnce(true);
        return true;
      },
      (failure: unknown) => {
        // Keep what failed for a retry, unless a newer change to the same section is already queued.
        for (const [key, apply] of entries) if (!queue.current.has(key)) queue.current.set(key, apply);
        setQueued(true);
        setError(failure);
        return false;
      },
    );
    const settled = flight.finally(() => setInFlight((count) => count - 1));
    lastFlight.current = settled;
    return settled;
  }, [mutateAsync]);

  const flushRef = useRef(flush);
  useEffect(() => {
    flushRef.current = flush;
  }, [flush]);

  const schedule = useCallback(
    (key: string, update: ConfigUpdate) => {
      queue.current.set(key, update);
      setQueued(true);
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        void flushRef.current();
      }, delay);
    },
    [delay],
  );

  // Leaving the step sends what is still queued (the mutation outlives the component).
  useEffect(
    () => () => {
      void flushRef.current();
    },
    [],
  );

  const state: SaveState = useMemo(() => {
    if (error !== null && inFlight === 0) return { status: 'error', error, retry: () => void flushRef.current() };
    if (queued || inFlight > 0) return { status: 'pending' };
    return { status: savedOnce ? 'saved' : 'idle' };
  }, [error, inFlight, queued, savedOnce]);

  return { schedule, flush, state, dirty: queued || inFlight > 0 || error !== null };
}
