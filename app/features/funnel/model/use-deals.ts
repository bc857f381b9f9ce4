import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';

import { dealKeys, dealSyncQueryOptions } from '@/api/deals';
import { fetchDealsSnapshot } from '@/api/deals-snapshot';
import type { ConnectorId } from '@/contracts/connector';
import type { DealSync } from '@/contracts/deals';
import type { FunnelField } from '@/contracts/funnel';

import { connectDealsEngine, createDealsEngine, type DealsAnswer, type DealsEngine, type DealsQuestion, type DealsSummary } from './deals-engine';

let shared: DealsEngine | undefined;

/**
 * The page's one deals engine: a module Web Worker wherever the browser has them, so that
 * reading 20,000 deals and every recompute run off the main thread; the same engine on this
 * thread where there are none (jsdom in the component tests), or when the worker fails to start.
 */
export function dealsEngine(): DealsEngine {
  if (shared) return shared;
  if (typeof Worker === 'undefined') {
    shared = createDealsEngine(fetchDealsSnapshot);
    return shared;
  }
  const worker = new Worker(new URL('./deals.worker.ts', import.meta.url), { type: 'module', name: 'deals' });
  const remote = connectDealsEngine(worker);
  worker.addEventListener('error', (event) => {
    // A worker that could not start (or died): the figures are computed here from now on.
    remote.broken(new Error(event.message || 'The deals worker stopped'));
    shared = createDealsEngine(fetchDealsSnapshot);
  });
  shared = remote;
  return shared;
}

/** For tests: the engine the hooks use from now on (undefined: the default again). */
export function setDealsEngine(engine: DealsEngine | undefined): void {
  shared = engine;
}

export interface SyncedDeals {
  sync: DealSync | undefined;
  /** The last complete snapshot, loaded by the engine (kept while a newer sync runs); undefined until one has. */
  snapshot: DealsSummary | undefined;
  /** The sync or the snapshot failed to load (not a failed sync: see `sync.state`). */
  error: Error | null;
  retry: () => void;
}

/** The connected account's deals for the wizard's figures: the sync's progress, then the loaded snapshot. */
export function useSyncedDeals(connector: ConnectorId): SyncedDeals {
  const sync = useQuery(dealSyncQueryOptions(connector));
  const syncedAt = sync.data?.syncedAt ?? null;
  const snapshot = useQuery({
    queryKey: dealKeys.snapshot(connector, syncedAt),
    queryFn: () => dealsEngine().load({ connector, syncedAt }),
    staleTime: Infinity,
    enabled: syncedAt !== null,
    placeholderData: (previous) => previous,
  });
  return {
    sync: sync.data,
    snapshot: snapshot.data,
    error: sync.error ?? snapshot.error,
    retry: () => void (sync.error ? sync.refetch() : snapshot.refetch()),
  };
}

export interface Answered<Q extends DealsQuestion> {
  question: Q;
  value: DealsAnswer<Q>;
}

/**
 * The engine's answer to `question` over the loaded snapshot, asked again whenever the question
 * (keep it memoized) or the snapshot changes. The previous answer stays until the new one comes
 * (a round trip of a few milliseconds), with the question it answered; null before the first.
 */
export function useDealsAnswer<Q extends DealsQuestion>(snapshot: DealsSummary | undefined, question: Q | null): Answered<Q> | null {
  const [answered, setAnswered] = useState<Answered<Q> | null>(null);
  const connector = snapshot?.connector;
  const syncedAt = snapshot?.syncedAt ?? null;
  // Asked again when the question changes in value, not merely in identity (a form's values, a
  // document rebuilt on each render): an answer must not ask itself again.
  const key = useMemo(() => (question === null ? null : JSON.stringify(question)), [question]);
  useEffect(() => {
    if (connector === undefined || key === null) return;
    const asked = JSON.parse(key) as Q;
    let current = true;
    dealsEngine()
      .ask({ connector, syncedAt }, asked)
      .then(
        (value) => current && setAnswered({ question: asked, value }),
        // The snapshot could not be read again: the figures shown stay (the sync's own error shows elsewhere).
        () => undefined,
      );
    return () => {
      current = false;
    };
  }, [connector, syncedAt, key]);
  return snapshot ? answered : null;
}

const funnelFieldsOf = new WeakMap<readonly FunnelField[], FunnelField[]>();

/** What the engine needs of the CRM's custom fields (less to send across the thread), once per list. */
export function funnelFields(fields: readonly FunnelField[]): FunnelField[] {
  let picked = funnelFieldsOf.get(fields);
  if (!picked) {
    picked = fields.map(({ id, code, isNumeric }) => ({ id, code, isNumeric }));
    funnelFieldsOf.set(fields, picked);
  }
  return picked;
}
