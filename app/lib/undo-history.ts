import type { DraftSections } from '@/api/kept-draft';
import type { MappingConfig, PipelineMapping } from '@/contracts/mapping-config';

/**
 * The wizard's undo history, as a pure model: each entry is one change to the draft, kept as
 * the sections it touched before and after (the filter, the other fields, the calculated
 * fields, a pipeline's board: the units the steps save). Undo writes `before` back, redo
 * writes `after`; both go through the ordinary autosave, so an undone change is saved like
 * any other. Sections the change did not touch are never written, so undoing a drag leaves
 * what another tab saved in the filter alone.
 */

/** What a change was, for the sentence a screen reader hears ("Undone: moved «Новая» to «Переговоры»"). */
export type ChangeLabel =
  | { kind: 'moveStatus'; pipelineId: string; statusId: string; to: string | null }
  | { kind: 'moveStatuses'; pipelineId: string; count: number; to: string | null }
  | { kind: 'reorderStatus'; pipelineId: string; statusId: string; container: string }
  | { kind: 'addContainer'; pipelineId: string; name: string }
  | { kind: 'removeContainer'; pipelineId: string; name: string }
  | { kind: 'renameContainer'; pipelineId: string; from: string; to: string }
  | { kind: 'marker'; pipelineId: string; container: string; marker: string | null }
  | { kind: 'moveContainer'; pipelineId: string; name: string }
  | { kind: 'board'; pipelineId: string }
  | { kind: 'addField'; fieldId: string }
  | { kind: 'removeField'; fieldId: string }
  | { kind: 'fields' }
  | { kind: 'addCondition'; field: string }
  | { kind: 'removeCondition'; field: string }
  | { kind: 'editCondition'; field: string }
  | { kind: 'match' }
  | { kind: 'filter' }
  | { kind: 'addCalculated'; name: string }
  | { kind: 'removeCalculated'; name: string }
  | { kind: 'editCalculated'; name: string }
  | { kind: 'calculated' }
  /**
   * "Apply this mapping to…": `pipelineId` is the source, `count` the targets. Each target's board
   * is written (and recorded) on its own; the entries of one apply share `batch` and are one step.
   */
  | { kind: 'applyMapping'; pipelineId: string; count: number; batch?: string }
  | { kind: 'import' }
  | { kind: 'several' };

export interface HistoryEntry {
  label: ChangeLabel;
  /** The touched sections as they were before the change (a pipeline's null: it was not mapped). */
  before: DraftSections;
  /** The same sections after it. */
  after: DraftSections;
  /**
   * Consecutive changes with the same key are one entry (typing in one filter value or one
   * field name: one undo step per field, the browser undoes the characters). Null: never merged.
   */
  coalesce: string | null;
}

export interface History {
  past: readonly HistoryEntry[];
  future: readonly HistoryEntry[];
}

/** How many changes are kept per step; the oldest go first. */
export const HISTORY_LIMIT = 100;

export const emptyHistory: History = { past: [], future: [] };

/** JSON with sorted keys: equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
const same = (a: unknown, b: unknown) => a === b || canonical(a) === canonical(b);

/**
 * The sections `after` changed, with their values on both sides; null when nothing changed.
 * Unchanged sections keep their identity through an update, so only the touched ones are
 * compared deeply (cheap on a 50-pipeline account).
 */
export function diffSections(before: MappingConfig, after: MappingConfig): { before: DraftSections; after: DraftSections } | null {
  const was: DraftSections = {};
  const now: DraftSections = {};
  if (!same(before.filter, after.filter)) {
    was.filter = before.filter;
    now.filter = after.filter;
  }
  if (!same(before.customFields, after.customFields)) {
    was.customFields = before.customFields;
    now.customFields = after.customFields;
  }
  if (!same(before.calculatedFields, after.calculatedFields)) {
    was.calculatedFields = before.calculatedFields;
    now.calculatedFields = after.calculatedFields;
  }
  if (before.pipelines !== after.pipelines) {
    const old = new Map(before.pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
    const fresh = new Map(after.pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
    const wasBoards: Record<string, PipelineMapping | null> = {};
    const nowBoards: Record<string, PipelineMapping | null> = {};
    for (const id of new Set([...old.keys(), ...fresh.keys()])) {
      const a = old.get(id) ?? null;
      const b = fresh.get(id) ?? null;
      if (same(a?.containers.length ? a : null, b?.containers.length ? b : null)) continue;
      wasBoards[id] = a;
      nowBoards[id] = b;
    }
    if (Object.keys(nowBoards).length > 0) {
      was.pipelines = wasBoards;
      now.pipelines = nowBoards;
    }
  }
  return Object.keys(now).length > 0 ? { before: was, after: now } : null;
}

/** `first`'s sections, plus `second`'s where `first` has none (per pipeline for the boards). */
function mergeSections(first: DraftSections, second: DraftSections): DraftSections {
  const merged: DraftSections = { ...second, ...first };
  if (first.pipelines || second.pipelines) merged.pipelines = { ...second.pipelines, ...first.pipelines };
  return merged;
}

/** Whether applying `sections` would change nothing compared with `other` (same sections, same values). */
function sameSections(a: DraftSections, b: DraftSections): boolean {
  return same(a, b);
}

/**
 * What two changes with the same coalescing key are together, or null when they stay two: an
 * added field or container that was then named is still an addition (with its name now); a
 * container is merged with its first naming only, a later rename is its own step.
 */
function merged(first: HistoryEntry, second: HistoryEntry): { label: ChangeLabel; coalesce: string | null } | null {
  const [a, b] = [first.label, second.label];
  if (a.kind === 'addCalculated' && b.kind === 'editCalculated') return { label: { kind: 'addCalculated', name: b.name }, coalesce: second.coalesce };
  if (a.kind === 'addContainer' && b.kind === 'renameContainer') return { label: { ...a, name: b.to }, coalesce: null };
  if (a.kind === 'renameContainer' || b.kind === 'renameContainer' || b.kind === 'addContainer') return null;
  return { label: b, coalesce: second.coalesce };
}

/** The entry's coalescing key: its own, or the batch of an "apply this mapping" (one step however many pipelines it wrote). */
function coalesceKey(entry: HistoryEntry): string | null {
  if (entry.coalesce !== null) return entry.coalesce;
  return entry.label.kind === 'applyMapping' && entry.label.batch ? `applyMapping:${entry.label.batch}` : null;
}

/**
 * Adds a change: it clears what could be redone, merges into the last entry when both share
 * a coalescing key, and keeps at most `limit` entries. A merged entry that ends where it began
 * (typed, then typed back) disappears.
 */
export function recordChange(history: History, entry: HistoryEntry, limit = HISTORY_LIMIT): History {
  const last = history.past.at(-1);
  const key = coalesceKey(entry);
  const together = last && key !== null && coalesceKey(last) === key && history.future.length === 0 ? merged(last, entry) : null;
  if (last && together) {
    const before = mergeSections(last.before, entry.before);
    const after = mergeSections(entry.after, last.after);
    const rest = history.past.slice(0, -1);
    // (An apply's batch never ends where it began: its containers have fresh ids. Skipping the deep
    // comparison keeps 49 pipelines of 100 containers from costing ~0.6 s of comparing.)
    if (entry.label.kind !== 'applyMapping' && sameSections(before, after)) return { past: rest, future: [] };
    return { past: [...rest, { ...together, before, after }], future: [] };
  }
  const past = [...history.past, entry];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [] };
}

/** Steps back: the entry to undo (write its `before`) and the history after it; null when there is nothing to undo. */
export function undoChange(history: History): { history: History; entry: HistoryEntry } | null {
  const entry = history.past.at(-1);
  if (!entry) return null;
  return { entry, history: { past: history.past.slice(0, -1), future: [...history.future, entry] } };
}

/** Steps forward again: the entry to redo (write its `after`); null when there is nothing to redo. */
export function redoChange(history: History): { history: History; entry: HistoryEntry } | null {
  const entry = history.future.at(-1);
  if (!entry) return null;
  return { entry, history: { past: [...history.past, entry], future: history.future.slice(0, -1) } };
}
