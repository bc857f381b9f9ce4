import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

import type { ConnectorId } from '@/contracts/connector';

export const STEP_IDS = ['authorize', 'filter', 'mapping', 'calculation', 'done'] as const;
export type StepId = (typeof STEP_IDS)[number];

interface WizardState {
  /** The step each connector's wizard was last on, so a new tab resumes there. */
  lastStep: Partial<Record<ConnectorId, StepId>>;
  setLastStep: (connector: ConnectorId, step: StepId) => void;
  forget: (connector: ConnectorId) => void;
}

/** Client-only state that crosses steps and survives reloads (not server data, not form data). */
export const useWizardStore = create<WizardState>()(
  persist(
    (set) => ({
      lastStep: {},
      setLastStep: (connector, step) => set((state) => ({ lastStep: { ...state.lastStep, [connector]: step } })),
      forget: (connector) =>
        set((state) => {
          const { [connector]: _removed, ...rest } = state.lastStep;
          return { lastStep: rest };
        }),
    }),
    { name: 'hub-connect.wizard', storage: createJSONStorage(() => window.localStorage), version: 1 },
  ),
);
