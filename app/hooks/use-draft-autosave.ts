import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import {
  confirmedConfig,
  connectorConfigQueryOptions,
  sendConfigNow,
  useSaveConfig,
  workingConfig,
  type ConfigUpdate,
} from '@/api/connector-config';
import {
  applySections,
  canKeepDrafts,
  changedSections,
  clearKeptDraft,
  hasSections,
  judgeKeptDraft,
  keepDraft,
  readKeptDraft,
  type DraftSections,
} from '@/api/kept-draft';
import type { SaveState } from '@/components/wizard/save-status';
import type { ConnectorId } from '@/contracts/connector';
import { describeChange } from '@/lib/describe-change';
import { diffSections, type ChangeLabel } from '@/lib/undo-history';
import { isRecording, useHistoryStore, type HistoryScope } from '@/stores/history-store';

/**
 * Edits kept from an earlier visit that the server did not get, while it has moved on since
 * (another tab or device saved): the user decides whether they go on top.
 */
export interface KeptDraftChoice {
  /** Saves the kept edits on top of the current configuration (each section replaces its own). */
  apply: () => void;
  /** Drops them. */
  discard: () => void;
}

export interface DraftAutosave {
  /**
   * Queues a change to the draft under `key` (a later change with the same key replaces it:
   * each update writes a whole section, e.g. one pipeline's mapping) and saves ~`delay` ms
   * after the last change. With a history scope, the change is recorded for undo (what it was
   * is read from the sections it changed, or given as `label`).
   */
  schedule: (key: string, update: ConfigUpdate, options?: { label?: ChangeLabel }) => void;
  /** Sends what is queued now; resolves true once everything sent so far is saved. */
  flush: () => Promise<boolean>;
  /** For `<SaveStatus>`: Saving… / All changes saved / the error with Try again. */
  state: SaveState;
  /** Something is queued, in flight or failed: leaving the step now should send it first. */
  dirty: boolean;
  /**
   * Closing or reloading the page now could lose an edit: something is pending and this
   * browser cannot keep drafts (storage blocked), so only the keepalive request is left.
   */
  atRisk: boolean;
  /** Non-null while kept edits wait for the user's decision. */
  keptDraft: KeptDraftChoice | null;
}

type Entries = Array<[string, ConfigUpdate]>;
const combine =
  (entries: Entries): ConfigUpdate =>
  (config) =>
    entries.reduce((next, [, apply]) => apply(next), config);

const KEPT_KEY = 'kept-draft';

/**
 * Debounced autosave of a step's draft through `useSaveConfig` (one serialized mutation scope
 * per connector, optimistic cache, one re-apply on a version conflict). The step keeps its
 * own state as the source of truth, so what the user sees never depends on a save's timing.
 * A failed save keeps its updates queued for "Try again" (or the next change); unmounting
 * (leaving the step) sends whatever is still queued.
 *
 * When the page is hidden or goes away (`visibilitychange`, `pagehide`) with edits pending,
 * they are sent at once (`keepalive`, so the request outlives the page) and kept in
 * localStorage with the version they are based on; the next visit saves the kept copy when
 * the server is still at that version, and asks when someone else saved meanwhile. So a
 * reload right after a drag loses nothing, and the browser's "Leave site?" is not needed.
 */
export function useDraftAutosave(connector: ConnectorId, delay = 600, historyScope: HistoryScope | null = null): DraftAutosave {
  const queryClient = useQueryClient();
  const save = useSaveConfig(connector);
  const mutateAsync = save.mutateAsync;
  const queue = useRef(new Map<string, ConfigUpdate>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlight = useRef<Promise<boolean>>(Promise.resolve(true));
  /** Saves sent and not settled yet, in order. */
  const flights = useRef<Entries[]>([]);
  const [queued, setQueued] = useState(false);
  const [inFlight, setInFlight] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [savedOnce, setSavedOnce] = useState(false);
  const [kept, setKept] = useState<DraftSections | null>(null);
  const keptPending = useRef(false);
  const [keepable] = useState(canKeepDrafts);

  const send = useCallback(
    (entries: Entries, sent?: ReturnType<typeof sendConfigNow>): Promise<boolean> => {
      setQueued(false);
      setError(null);
      setInFlight((count) => count + 1);
      flights.current = [...flights.current, entries];
      const update = combine(entries);
      const flight = mutateAsync(sent ? { update, sent } : update).then(
        () => {
          setSavedOnce(true);
          // The server has everything up to here; what is still pending is in memory and kept again on the next hide.
          if (!keptPending.current) clearKeptDraft(connector);
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
      const settled = flight.finally(() => {
        flights.current = flights.current.filter((entry) => entry !== entries);
        setInFlight((count) => count - 1);
      });
      lastFlight.current = settled;
      return settled;
    },
    [mutateAsync, connector],
  );

  const takeQueue = useCallback((): Entries => {
    if (timer.current !== null) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    const entries = [...queue.current.entries()];
    queue.current.clear();
    return entries;
  }, []);

  const flush = useCallback((): Promise<boolean> => {
    const entries = takeQueue();
    if (entries.length === 0) return lastFlight.current;
    return send(entries);
  }, [send, takeQueue]);

  /**
   * The page is hidden or going away: keep every unconfirmed edit in storage, and send what is
   * queued now, in this very task (a debounce timer or the mutation queue would be too late).
   */
  const hide = useCallback(() => {
    const known = confirmedConfig(queryClient, connector);
    const pending = flights.current;
    if (queue.current.size === 0 && pending.length === 0) return;
    if (known === undefined) {
      // Never read, so nothing to base a kept copy on (the steps always have it; just in case).
      void flush();
      return;
    }
    const base = workingConfig(connector, known);
    const flown: DraftSections[] = [];
    let draft = base;
    for (const entries of pending) {
      draft = combine(entries)(draft);
      flown.push(changedSections(base, draft));
    }
    const entries = takeQueue();
    draft = combine(entries)(draft);
    const baseVersion = known?.version ?? 0;
    const sections = changedSections(base, draft);
    if (hasSections(sections)) keepDraft(connector, { format: 1, baseVersion, flown, sections, keptAt: new Date().toISOString() });
    if (entries.length === 0) return;
    // Based on the confirmed version plus this page's saves still on their way (each adds one).
    void send(entries, sendConfigNow(connector, baseVersion + pending.length, draft));
  }, [queryClient, connector, flush, send, takeQueue]);

  const flushRef = useRef(flush);
  const hideRef = useRef(hide);
  useEffect(() => {
    flushRef.current = flush;
    hideRef.current = hide;
  }, [flush, hide]);

  /**
   * Records a change for undo: the document as this page knows it (the server's copy, the saves
   * on their way, what is queued) before and after `update`, reduced to the sections it touched.
   */
  const record = useCallback(
    (update: ConfigUpdate, label: ChangeLabel | undefined) => {
      if (historyScope === null || !isRecording()) return;
      const known = confirmedConfig(queryClient, connector);
      if (known === undefined) return;
      let before = workingConfig(connector, known);
      for (const entries of flights.current) before = combine(entries)(before);
      before = combine([...queue.current.entries()])(before);
      const diff = diffSections(before, update(before));
      if (!diff) return;
      const described = describeChange(diff.before, diff.after);
      useHistoryStore.getState().record(connector, historyScope, {
        ...diff,
        label: label ?? described.label,
        coalesce: label ? null : described.coalesce,
      });
    },
    [historyScope, queryClient, connector],
  );

  const schedule = useCallback(
    (key: string, update: ConfigUpdate, options?: { label?: ChangeLabel }) => {
      record(update, options?.label);
      queue.current.set(key, update);
      setQueued(true);
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        void flushRef.current();
      }, delay);
    },
    [delay, record],
  );

  useEffect(() => {
    const onPageHide = () => hideRef.current();
    const onVisibilityChange = () => {
      if (document.visibilityState === 'hidden') hideRef.current();
    };
    window.addEventListener('pagehide', onPageHide);
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, []);

  // Leaving the step sends what is still queued (the mutation outlives the component).
  useEffect(
    () => () => {
      void flushRef.current();
    },
    [],
  );

  // A draft kept by an earlier visit: saved when the server is still where it left it.
  const checkedKept = useRef(false);
  useEffect(() => {
    if (checkedKept.current) return undefined;
    checkedKept.current = true;
    const found = readKeptDraft(connector);
    if (!found) return undefined;
    let active = true;
    keptPending.current = true;
    queryClient.fetchQuery({ ...connectorConfigQueryOptions(connector), staleTime: 0 }).then(
      (envelope) => {
        if (!active) return;
        const verdict = judgeKeptDraft(found, envelope);
        if (verdict === 'conflict') {
          setKept(found.sections);
          return;
        }
        keptPending.current = false;
        if (verdict === 'done') {
          clearKeptDraft(connector);
          return;
        }
        queue.current.set(KEPT_KEY, (config) => applySections(config, found.sections));
        void flushRef.current();
      },
      () => {
        // Not readable now: the kept copy waits for the next visit.
        keptPending.current = false;
      },
    );
    return () => {
      active = false;
      keptPending.current = false;
      checkedKept.current = false;
    };
  }, [connector, queryClient]);

  const keptDraft: KeptDraftChoice | null = useMemo(() => {
    if (!kept) return null;
    return {
      apply: () => {
        keptPending.current = false;
        setKept(null);
        queue.current.set(KEPT_KEY, (config) => applySections(config, kept));
        void flushRef.current();
      },
      discard: () => {
        keptPending.current = false;
        setKept(null);
        clearKeptDraft(connector);
      },
    };
  }, [kept, connector]);

  const state: SaveState = useMemo(() => {
    if (error !== null && inFlight === 0) return { status: 'error', error, retry: () => void flushRef.current() };
    if (queued || inFlight > 0) return { status: 'pending' };
    return { status: savedOnce ? 'saved' : 'idle' };
  }, [error, inFlight, queued, savedOnce]);

  const dirty = queued || inFlight > 0 || error !== null;
  return { schedule, flush, state, dirty, atRisk: dirty && !keepable, keptDraft };
}
