import { create } from 'zustand';

import { applySections, type DraftSections } from '@/api/kept-draft';
import type { ConnectorId } from '@/contracts/connector';
import type { MappingConfig } from '@/contracts/mapping-config';
import { emptyHistory, recordChange, redoChange, undoChange, type History, type HistoryEntry } from '@/lib/undo-history';

/** The wizard steps that edit the draft; each has its own undo history. */
export type HistoryScope = 'filter' | 'mapping' | 'calculation';

/** A change to the document (as the autosave takes it). */
type ConfigUpdate = (config: MappingConfig) => MappingConfig;

const stackKey = (connector: ConnectorId, scope: HistoryScope) => `${connector}:${scope}`;

interface HistoryState {
  /** Per connector and step; in memory only: the history lasts the session (the tab), the draft itself is on the server. */
  stacks: Record<string, History>;
  record: (connector: ConnectorId, scope: HistoryScope, entry: HistoryEntry) => void;
  /** Forgets a connector's history (after Reset settings or Disconnect: the snapshots no longer mean anything). */
  clear: (connector: ConnectorId) => void;
  /** Moves one entry from past to future (or back) and returns it; null when there is none. */
  step: (connector: ConnectorId, scope: HistoryScope, direction: 'undo' | 'redo') => HistoryEntry | null;
}

export const useHistoryStore = create<HistoryState>()((set, get) => ({
  stacks: {},
  record: (connector, scope, entry) =>
    set((state) => {
      const key = stackKey(connector, scope);
      return { stacks: { ...state.stacks, [key]: recordChange(state.stacks[key] ?? emptyHistory, entry) } };
    }),
  clear: (connector) =>
    set((state) => ({ stacks: Object.fromEntries(Object.entries(state.stacks).filter(([key]) => !key.startsWith(`${connector}:`))) })),
  step: (connector, scope, direction) => {
    const key = stackKey(connector, scope);
    const result = (direction === 'undo' ? undoChange : redoChange)(get().stacks[key] ?? emptyHistory);
    if (!result) return null;
    set((state) => ({ stacks: { ...state.stacks, [key]: result.history } }));
    return result.entry;
  },
}));

export function useHistoryOf(connector: ConnectorId, scope: HistoryScope | null): History {
  return useHistoryStore((state) => (scope ? state.stacks[stackKey(connector, scope)] : undefined) ?? emptyHistory);
}

/** The step on screen: how it saves, and how it shows sections written back by undo or redo. */
export interface UndoTarget {
  schedule: (key: string, update: ConfigUpdate) => void;
  /** Puts the sections into the step's own state (its board, its form); the save is scheduled already. */
  show: (sections: DraftSections) => void;
}

const targets = new Map<string, UndoTarget>();

export function registerUndoTarget(connector: ConnectorId, scope: HistoryScope, target: UndoTarget): () => void {
  const key = stackKey(connector, scope);
  targets.set(key, target);
  return () => {
    if (targets.get(key) === target) targets.delete(key);
  };
}

let suppressed = 0;
/** Whether a change scheduled now is the user's (recorded), not undo or redo writing one back. */
export const isRecording = () => suppressed === 0;

/** The autosave key each section is saved under (the steps' own keys, so a queued edit of the same section is replaced). */
export function sectionSaves(sections: DraftSections): Array<[string, ConfigUpdate]> {
  const saves: Array<[string, ConfigUpdate]> = [];
  if (sections.filter) saves.push(['filter', (config) => applySections(config, { filter: sections.filter })]);
  if (sections.customFields) saves.push(['customFields', (config) => applySections(config, { customFields: sections.customFields })]);
  if (sections.calculatedFields) saves.push(['calculatedFields', (config) => applySections(config, { calculatedFields: sections.calculatedFields })]);
  for (const [id, board] of Object.entries(sections.pipelines ?? {})) {
    saves.push([`pipeline:${id}`, (config) => applySections(config, { pipelines: { [id]: board } })]);
  }
  return saves;
}

/**
 * Undoes (or redoes) the step's last change: its sections are saved through the step's
 * autosave and shown by the step, without being recorded again. Returns the entry (for the
 * announcement), or null when there was nothing to undo or no step to show it.
 */
export function stepHistory(connector: ConnectorId, scope: HistoryScope, direction: 'undo' | 'redo'): HistoryEntry | null {
  const target = targets.get(stackKey(connector, scope));
  if (!target) return null;
  const entry = useHistoryStore.getState().step(connector, scope, direction);
  if (!entry) return null;
  const sections = direction === 'undo' ? entry.before : entry.after;
  suppressed += 1;
  try {
    for (const [key, update] of sectionSaves(sections)) target.schedule(key, update);
    target.show(sections);
  } finally {
    suppressed -= 1;
  }
  return entry;
}

/**
 * Shows sections the server wrote (a restored version) in the step on screen, without saving
 * or recording them: its own state (boards, form) takes them. False when no step is registered.
 */
export function showWritten(connector: ConnectorId, scope: HistoryScope, sections: DraftSections): boolean {
  const target = targets.get(stackKey(connector, scope));
  if (!target) return false;
  target.show(sections);
  return true;
}
