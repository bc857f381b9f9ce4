import { describe, expect, it } from 'vitest';

import { applySections } from '@/api/kept-draft';
import { mappingConfigSchema, type MappingConfig, type PipelineMapping } from '@/contracts/mapping-config';
import { sampleConfigInput } from '@/contracts/testing/sample-config';

import { describeBoardChange, describeChange } from './describe-change';
import { historyShortcut } from './history-shortcuts';
import { diffSections, emptyHistory, recordChange, redoChange, undoChange, type History, type HistoryEntry } from './undo-history';

const config = (): MappingConfig => mappingConfigSchema.parse(sampleConfigInput());
const PIPELINE = '3177727';

function withBoard(doc: MappingConfig, board: PipelineMapping): MappingConfig {
  return { ...doc, pipelines: doc.pipelines.map((pipeline) => (pipeline.pipelineId === board.pipelineId ? board : pipeline)) };
}

/** A board change as the autosave records it. */
function entryFor(before: MappingConfig, after: MappingConfig): HistoryEntry {
  const diff = diffSections(before, after);
  if (!diff) throw new Error('no change');
  const { label, coalesce } = describeChange(diff.before, diff.after);
  return { ...diff, label, coalesce };
}

describe('diffSections', () => {
  it('returns only the touched sections, both sides', () => {
    const before = config();
    const board = before.pipelines[0]!;
    const after = withBoard(before, { ...board, containers: [{ ...board.containers[0]!, name: 'Negotiation' }, ...board.containers.slice(1)] });
    const diff = diffSections(before, after);
    expect(Object.keys(diff!.after)).toEqual(['pipelines']);
    expect(diff!.before.pipelines![PIPELINE]!.containers[0]!.name).toBe('In work');
    expect(diff!.after.pipelines![PIPELINE]!.containers[0]!.name).toBe('Negotiation');
  });

  it('is null when nothing changed, even with new objects of equal value', () => {
    const before = config();
    expect(diffSections(before, structuredClone(before))).toBeNull();
  });

  it('records a pipeline that was not mapped as null, and an emptied one equal to unmapped', () => {
    const before = { ...config(), pipelines: [] };
    const board: PipelineMapping = { pipelineId: '9', containers: [{ id: 'x', name: 'A', statusIds: ['1'], marker: null }] };
    const diff = diffSections(before, { ...before, pipelines: [board] });
    expect(diff!.before.pipelines).toEqual({ 9: null });
    expect(diffSections(before, { ...before, pipelines: [{ pipelineId: '9', containers: [] }] })).toBeNull();
  });

  it('writing `before` back restores the document, and `after` redoes it', () => {
    const before = config();
    const after = { ...before, filter: { match: 'any' as const, conditions: [] }, customFields: { otherFields: [] } };
    const diff = diffSections(before, after)!;
    expect(applySections(after, diff.before)).toEqual(before);
    expect(applySections(before, diff.after)).toEqual(after);
  });
});

describe('describeChange', () => {
  const board = config().pipelines[0]!;
  const [inWork, won, lost] = board.containers as [PipelineMapping['containers'][number], PipelineMapping['containers'][number], PipelineMapping['containers'][number]];

  it('names a moved status and where it went', () => {
    const after = { ...board, containers: [{ ...inWork, statusIds: ['32392159'] }, { ...won, statusIds: ['142', '32392156'] }, lost] };
    expect(describeBoardChange(PIPELINE, board, after)).toEqual({ kind: 'moveStatus', pipelineId: PIPELINE, statusId: '32392156', to: 'Successfully realized' });
  });

  it('a status taken out of every container goes nowhere', () => {
    const after = { ...board, containers: [{ ...inWork, statusIds: ['32392159'] }, won, lost] };
    expect(describeBoardChange(PIPELINE, board, after)).toMatchObject({ kind: 'moveStatus', to: null });
  });

  it('a move that also renames (a container named after its one status) is still a move', () => {
    const after = { ...board, containers: [{ ...inWork, name: 'Second', statusIds: ['32392159'] }, won, { ...lost, statusIds: ['143', '32392156'] }] };
    expect(describeBoardChange(PIPELINE, board, after)).toMatchObject({ kind: 'moveStatus', statusId: '32392156', to: 'Closed and not realized' });
  });

  it('several statuses into one container, a new container with one status, a deleted container', () => {
    const empty = { ...board, containers: [{ ...inWork, statusIds: [] }, won, lost] };
    expect(describeBoardChange(PIPELINE, empty, board)).toEqual({ kind: 'moveStatuses', pipelineId: PIPELINE, count: 2, to: 'In work' });
    const fresh = { id: 'n', name: 'New', statusIds: ['32392156'], marker: null };
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [{ ...inWork, statusIds: ['32392159'] }, won, lost, fresh] })).toMatchObject({ kind: 'moveStatus', to: 'New' });
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [...board.containers, { ...fresh, statusIds: [] }] })).toMatchObject({ kind: 'addContainer', name: 'New' });
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [won, lost] })).toEqual({ kind: 'removeContainer', pipelineId: PIPELINE, name: 'In work' });
  });

  it('rename, marker set, marker moved, marker cleared, container and status reordered', () => {
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [{ ...inWork, name: 'Talks' }, won, lost] })).toMatchObject({ kind: 'renameContainer', from: 'In work', to: 'Talks' });
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [{ ...inWork, marker: 'pause' }, won, lost] })).toMatchObject({ kind: 'marker', container: 'In work', marker: 'pause' });
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [{ ...inWork, marker: 'completed' }, { ...won, marker: null }, lost] })).toMatchObject({ kind: 'marker', container: 'In work', marker: 'completed' });
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [inWork, { ...won, marker: null }, lost] })).toMatchObject({ kind: 'marker', container: 'Successfully realized', marker: null });
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [won, inWork, lost] })).toMatchObject({ kind: 'moveContainer' });
    expect(describeBoardChange(PIPELINE, board, { ...board, containers: [{ ...inWork, statusIds: ['32392159', '32392156'] }, won, lost] })).toMatchObject({ kind: 'reorderStatus', container: 'In work' });
  });

  it('a quick action that rebuilds the board is a board change', () => {
    const rebuilt = { ...board, containers: [{ id: 'a', name: 'A', statusIds: ['32392156', '32392159', '142'], marker: null }, { id: 'b', name: 'B', statusIds: ['143'], marker: null }] };
    expect(describeBoardChange(PIPELINE, board, rebuilt)).toEqual({ kind: 'board', pipelineId: PIPELINE });
  });

  it('filter: typing in one value coalesces by condition, other edits do not', () => {
    const before = config();
    const typed = (value: string) => ({ ...before, filter: { ...before.filter, conditions: [{ ...before.filter.conditions[0]!, value }] } });
    expect(entryFor(before, typed('site-4'))).toMatchObject({ label: { kind: 'editCondition', field: 'LANDING' }, coalesce: 'filter:0:value' });
    const excluded = { ...before, filter: { ...before.filter, conditions: [{ ...before.filter.conditions[0]!, action: 'exclude' as const }] } };
    expect(entryFor(before, excluded).coalesce).toBeNull();
    expect(entryFor(before, { ...before, filter: { match: 'all', conditions: [] } }).label).toEqual({ kind: 'removeCondition', field: 'LANDING' });
  });

  it('fields, calculated fields and several sections', () => {
    const before = config();
    expect(entryFor(before, { ...before, customFields: { otherFields: ['1016236', '5'] } }).label).toEqual({ kind: 'addField', fieldId: '5' });
    expect(entryFor(before, { ...before, calculatedFields: [] }).label).toEqual({ kind: 'removeCalculated', name: 'Margin' });
    const renamed = entryFor(before, { ...before, calculatedFields: [{ ...before.calculatedFields[0]!, name: 'Marg' }] });
    expect(renamed).toMatchObject({ label: { kind: 'editCalculated', name: 'Marg' }, coalesce: 'calc:k1:name' });
    expect(entryFor(before, { ...before, calculatedFields: [], customFields: { otherFields: [] } }).label).toEqual({ kind: 'several' });
  });

  it('a container added and then named is one change, an addition; a later rename is its own', () => {
    const before = config();
    const board = before.pipelines[0]!;
    const added = (name: string) => withBoard(before, { ...board, containers: [...board.containers, { id: 'n1', name, statusIds: [], marker: null }] });
    let history: History = emptyHistory;
    history = recordChange(history, entryFor(before, added('New container')));
    history = recordChange(history, entryFor(added('New container'), added('Offer')));
    expect(history.past).toHaveLength(1);
    expect(history.past[0]).toMatchObject({ label: { kind: 'addContainer', name: 'Offer' }, coalesce: null });
    expect(history.past[0]!.before.pipelines?.[board.pipelineId]).toEqual(board);
    history = recordChange(history, entryFor(added('Offer'), added('Proposal')));
    history = recordChange(history, entryFor(added('Proposal'), added('Quote')));
    expect(history.past.map((entry) => entry.label.kind)).toEqual(['addContainer', 'renameContainer', 'renameContainer']);
  });

  it('a calculated field added with the first letter of its name and then named is one change, an addition', () => {
    const before = config();
    const field = (name: string) => ({ id: 'k2', name, expression: '{price}' });
    const named = (name: string) => ({ ...before, calculatedFields: [...before.calculatedFields, field(name)] });
    let history: History = emptyHistory;
    history = recordChange(history, entryFor(before, named('C')));
    history = recordChange(history, entryFor(named('C'), named('Co')));
    history = recordChange(history, entryFor(named('Co'), named('Cost')));
    expect(history.past).toHaveLength(1);
    expect(history.past[0]).toMatchObject({ label: { kind: 'addCalculated', name: 'Cost' }, before: { calculatedFields: before.calculatedFields } });
    expect(history.past[0]!.after.calculatedFields).toEqual(named('Cost').calculatedFields);
  });
});

describe('the history', () => {
  const doc = config();
  const board = doc.pipelines[0]!;
  const rename = (name: string) => entryFor(doc, withBoard(doc, { ...board, containers: [{ ...board.containers[0]!, name }, ...board.containers.slice(1)] }));

  it('undo hands back the last change, redo the one undone, in order', () => {
    let history: History = emptyHistory;
    history = recordChange(history, rename('A'));
    history = recordChange(history, rename('B'));
    const undone = undoChange(history)!;
    expect(undone.entry.label).toMatchObject({ to: 'B' });
    const again = undoChange(undone.history)!;
    expect(again.entry.label).toMatchObject({ to: 'A' });
    expect(undoChange(again.history)).toBeNull();
    const redone = redoChange(again.history)!;
    expect(redone.entry.label).toMatchObject({ to: 'A' });
    expect(redone.history.past).toHaveLength(1);
    expect(redone.history.future).toHaveLength(1);
  });

  it('a new change after undo drops what could be redone', () => {
    let history = recordChange(emptyHistory, rename('A'));
    history = undoChange(history)!.history;
    expect(history.future).toHaveLength(1);
    history = recordChange(history, rename('C'));
    expect(history.future).toHaveLength(0);
    expect(redoChange(history)).toBeNull();
  });

  it('merges changes with the same coalescing key, from the first before to the last after', () => {
    const typed = (value: string, from = doc.filter.conditions[0]!.value) => {
      const was = { ...doc, filter: { ...doc.filter, conditions: [{ ...doc.filter.conditions[0]!, value: from }] } };
      return entryFor(was, { ...doc, filter: { ...doc.filter, conditions: [{ ...doc.filter.conditions[0]!, value }] } });
    };
    let history = recordChange(emptyHistory, typed('site-4', 'site-42'));
    history = recordChange(history, typed('site-', 'site-4'));
    history = recordChange(history, typed('site-7', 'site-'));
    expect(history.past).toHaveLength(1);
    expect(history.past[0]!.before.filter!.conditions[0]!.value).toBe('site-42');
    expect(history.past[0]!.after.filter!.conditions[0]!.value).toBe('site-7');
    // Typed back to where it began: no change left to undo.
    history = recordChange(history, typed('site-42', 'site-7'));
    expect(history.past).toHaveLength(0);
  });

  it('an apply of a mapping to several pipelines is one step (entries of one batch merge), two applies are two', () => {
    const apply = (pipelineId: string, batch: string): HistoryEntry => ({
      label: { kind: 'applyMapping', pipelineId: PIPELINE, count: 2, batch },
      before: { pipelines: { [pipelineId]: null } },
      after: { pipelines: { [pipelineId]: { pipelineId, containers: [{ id: `c-${batch}`, name: 'Won', statusIds: ['142'], marker: 'completed' }] } } },
      coalesce: null,
    });
    let history = recordChange(emptyHistory, apply('2', 'one'));
    history = recordChange(history, apply('3', 'one'));
    expect(history.past).toHaveLength(1);
    expect(Object.keys(history.past[0]!.after.pipelines!).sort()).toEqual(['2', '3']);
    expect(history.past[0]!.before.pipelines).toEqual({ '2': null, '3': null });
    history = recordChange(history, apply('2', 'two'));
    expect(history.past).toHaveLength(2);
    // The same as without a batch: never merged.
    const unbatched = { ...apply('4', 'x'), label: { kind: 'applyMapping', pipelineId: PIPELINE, count: 1 } } satisfies HistoryEntry;
    expect(recordChange(recordChange(emptyHistory, unbatched), unbatched).past).toHaveLength(2);
  });

  it('keeps at most the limit, dropping the oldest', () => {
    let history: History = emptyHistory;
    for (let i = 0; i < 5; i += 1) history = recordChange(history, rename(`N${i}`), 3);
    expect(history.past.map((entry) => (entry.label as { to: string }).to)).toEqual(['N2', 'N3', 'N4']);
  });
});

describe('historyShortcut', () => {
  const key = (key: string, mods: Partial<KeyboardEvent> = {}) =>
    historyShortcut({ key, code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
  it('Ctrl/Cmd+Z undoes; Ctrl/Cmd+Shift+Z and Ctrl+Y redo; nothing else', () => {
    expect(key('z', { ctrlKey: true })).toBe('undo');
    expect(key('z', { metaKey: true })).toBe('undo');
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(key('z', { metaKey: true, shiftKey: true })).toBe('redo');
    expect(key('y', { ctrlKey: true })).toBe('redo');
    expect(key('я', { ctrlKey: true, code: 'KeyZ' })).toBe('undo');
    expect(key('z')).toBeNull();
    expect(key('z', { ctrlKey: true, altKey: true })).toBeNull();
    expect(key('x', { ctrlKey: true })).toBeNull();
  });
});
