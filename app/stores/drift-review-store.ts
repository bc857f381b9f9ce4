import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

import type { ConnectorId } from '@/contracts/connector';

interface Acknowledged {
  /** The check the changes came from: a newer one starts the review afresh. */
  checkedAt: string | null;
  keys: string[];
}

interface DriftReviewState {
  /** Changes of the CRM review settled by "keep the name" or "OK", per connector (they leave nothing in the draft). */
  acknowledged: Partial<Record<ConnectorId, Acknowledged>>;
  acknowledge: (connector: ConnectorId, checkedAt: string | null, key: string) => void;
}

/** The review's "keep" / "OK" answers, kept across the wizard's steps and reloads of the tab. */
export const useDriftReviewStore = create<DriftReviewState>()(
  persist(
    (set) => ({
      acknowledged: {},
      acknowledge: (connector, checkedAt, key) =>
        set((state) => {
          const known = state.acknowledged[connector];
          const keys = known && known.checkedAt === checkedAt ? known.keys : [];
          return { acknowledged: { ...state.acknowledged, [connector]: { checkedAt, keys: keys.includes(key) ? keys : [...keys, key] } } };
        }),
    }),
    { name: 'hub-connect.drift-review', storage: createJSONStorage(() => window.sessionStorage), version: 1 },
  ),
);

/** No change acknowledged (one shared empty set). */
export const NO_ACKNOWLEDGED: ReadonlySet<string> = new Set();

/** The acknowledged changes of `connector` for the check at `checkedAt`. */
export function acknowledgedFor(state: DriftReviewState, connector: ConnectorId, checkedAt: string | null): string[] | null {
  const known = state.acknowledged[connector];
  return known && known.checkedAt === checkedAt ? known.keys : null;
}
