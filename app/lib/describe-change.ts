import type { DraftSections } from '@/api/kept-draft';
import type { CalculatedField, Container, Filter, PipelineMapping } from '@/contracts/mapping-config';

import type { ChangeLabel } from './undo-history';

/**
 * What a change to the draft was, read from the sections before and after it (so the steps
 * need not say what they did: a drag, "Move to…", a quick action or a rename all end in a
 * board written to the autosave). Ids, not names: the sentence is made when it is spoken,
 * with the CRM's names then (`changeSentence`).
 */
export function describeChange(before: DraftSections, after: DraftSections): { label: ChangeLabel; coalesce: string | null } {
  const boards = Object.keys(after.pipelines ?? {});
  const kinds = [after.filter, after.customFields, after.calculatedFields].filter((section) => section !== undefined).length + (boards.length > 0 ? 1 : 0);
  if (kinds !== 1) return { label: { kind: 'several' }, coalesce: null };
  if (boards.length > 1) return { label: { kind: 'several' }, coalesce: null };
  const [pipelineId] = boards;
  if (pipelineId !== undefined) {
    const was = before.pipelines?.[pipelineId] ?? null;
    const now = after.pipelines?.[pipelineId] ?? null;
    const label = describeBoardChange(pipelineId, was, now);
    return { label, coalesce: containerKey(pipelineId, label, was, now) };
  }
  if (after.customFields) return { label: describeFieldsChange(before.customFields?.otherFields ?? [], after.customFields.otherFields), coalesce: null };
  if (after.filter) return describeFilterChange(before.filter ?? { match: 'all', conditions: [] }, after.filter);
  return describeCalculatedChange(before.calculatedFields ?? [], after.calculatedFields ?? []);
}

/**
 * "Add container" puts a "New container" on the board at once and the user names it next: the
 * addition and that first naming share a key (`recordChange` merges them into one addition),
 * so one Undo takes the container away.
 */
function containerKey(pipelineId: string, label: ChangeLabel, before: PipelineMapping | null, after: PipelineMapping | null): string | null {
  const was = before?.containers ?? [];
  const now = after?.containers ?? [];
  let id: string | undefined;
  if (label.kind === 'addContainer') id = now.find((container) => !was.some((old) => old.id === container.id))?.id;
  if (label.kind === 'renameContainer') id = now.find((container) => was.some((old) => old.id === container.id && old.name !== container.name))?.id;
  return id === undefined ? null : `container:${pipelineId}:${id}`;
}

/** The one item whose removal from both lists leaves them equal (the item moved), if any. */
function movedItem<T>(before: readonly T[], after: readonly T[]): T | undefined {
  if (before.length !== after.length) return undefined;
  return before.find((item) => {
    const a = before.filter((other) => other !== item);
    const b = after.filter((other) => other !== item);
    return a.every((value, index) => value === b[index]) && before.indexOf(item) !== after.indexOf(item);
  });
}

function homes(containers: readonly Container[]): Map<string, Container> {
  const map = new Map<string, Container>();
  for (const container of containers) for (const statusId of container.statusIds) map.set(statusId, container);
  return map;
}

export function describeBoardChange(pipelineId: string, before: PipelineMapping | null, after: PipelineMapping | null): ChangeLabel {
  const was = before?.containers ?? [];
  const now = after?.containers ?? [];
  const wasIds = new Set(was.map((container) => container.id));
  const nowIds = new Set(now.map((container) => container.id));
  const added = now.filter((container) => !wasIds.has(container.id));
  const removed = was.filter((container) => !nowIds.has(container.id));
  const wasHome = homes(was);
  const nowHome = homes(now);
  const statusIds = new Set([...wasHome.keys(), ...nowHome.keys()]);
  const moved = [...statusIds].filter((id) => wasHome.get(id)?.id !== nowHome.get(id)?.id);
  const generic: ChangeLabel = { kind: 'board', pipelineId };

  if (removed.length === 1 && added.length === 0) return { kind: 'removeContainer', pipelineId, name: removed[0]!.name };
  if (added.length === 1 && removed.length === 0) {
    if (moved.length === 0) return { kind: 'addContainer', pipelineId, name: added[0]!.name };
    if (moved.length === 1) return { kind: 'moveStatus', pipelineId, statusId: moved[0]!, to: added[0]!.name };
    return generic;
  }
  if (added.length > 0 || removed.length > 0) return generic;

  if (moved.length === 1) return { kind: 'moveStatus', pipelineId, statusId: moved[0]!, to: nowHome.get(moved[0]!)?.name ?? null };
  if (moved.length > 1) {
    const targets = new Set(moved.map((id) => nowHome.get(id)?.id ?? null));
    if (targets.size !== 1) return generic;
    return { kind: 'moveStatuses', pipelineId, count: moved.length, to: nowHome.get(moved[0]!)?.name ?? null };
  }

  const wasOrder = was.map((container) => container.id);
  const nowOrder = now.map((container) => container.id);
  if (wasOrder.some((id, index) => id !== nowOrder[index])) {
    const id = movedItem(wasOrder, nowOrder);
    const container = now.find((candidate) => candidate.id === id);
    return container ? { kind: 'moveContainer', pipelineId, name: container.name } : generic;
  }
  const byId = new Map(was.map((container) => [container.id, container]));
  const changed = now.filter((container) => {
    const old = byId.get(container.id);
    return old !== undefined && (old.name !== container.name || old.marker !== container.marker || old.statusIds.join('\n') !== container.statusIds.join('\n'));
  });
  const reordered = changed.filter((container) => byId.get(container.id)!.statusIds.join('\n') !== container.statusIds.join('\n'));
  if (reordered.length === 1 && changed.length === 1) {
    const container = reordered[0]!;
    const statusId = movedItem(byId.get(container.id)!.statusIds, container.statusIds);
    return statusId !== undefined ? { kind: 'reorderStatus', pipelineId, statusId, container: container.name } : generic;
  }
  if (reordered.length > 0) return generic;
  const renamed = changed.filter((container) => byId.get(container.id)!.name !== container.name);
  const remarked = changed.filter((container) => byId.get(container.id)!.marker !== container.marker);
  if (renamed.length === 1 && remarked.length === 0) {
    return { kind: 'renameContainer', pipelineId, from: byId.get(renamed[0]!.id)!.name, to: renamed[0]!.name };
  }
  if (renamed.length === 0 && remarked.length > 0) {
    // A marker moved from one container to another: the one that now has it.
    const gained = remarked.filter((container) => container.marker !== null);
    const target = gained.length === 1 ? gained[0]! : remarked.length === 1 ? remarked[0]! : null;
    if (target) return { kind: 'marker', pipelineId, container: target.name, marker: target.marker };
  }
  return generic;
}

function describeFieldsChange(before: readonly string[], after: readonly string[]): ChangeLabel {
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  if (added.length === 1 && removed.length === 0) return { kind: 'addField', fieldId: added[0]! };
  if (removed.length === 1 && added.length === 0) return { kind: 'removeField', fieldId: removed[0]! };
  return { kind: 'fields' };
}

function describeFilterChange(before: Filter, after: Filter): { label: ChangeLabel; coalesce: string | null } {
  const was = before.conditions;
  const now = after.conditions;
  if (before.match !== after.match && was.length === now.length) return { label: { kind: 'match' }, coalesce: null };
  if (now.length === was.length + 1 && was.every((condition, index) => same(condition, now[index]))) {
    return { label: { kind: 'addCondition', field: now.at(-1)!.field }, coalesce: null };
  }
  if (now.length === was.length - 1) {
    const index = was.findIndex((condition, i) => !same(condition, now[i]));
    const gone = was[index === -1 ? was.length - 1 : index]!;
    return { label: { kind: 'removeCondition', field: gone.field }, coalesce: null };
  }
  if (now.length === was.length) {
    const changed = now.map((condition, index) => ({ condition, index })).filter(({ condition, index }) => !same(condition, was[index]));
    if (changed.length === 1) {
      const { condition, index } = changed[0]!;
      const old = was[index]!;
      // Typing in one value is one step; a change of the comparison or of include/exclude is its own.
      const onlyValue = old.field === condition.field && old.action === condition.action && old.operator === condition.operator;
      return { label: { kind: 'editCondition', field: condition.field }, coalesce: onlyValue ? `filter:${index}:value` : null };
    }
  }
  return { label: { kind: 'filter' }, coalesce: null };
}

function describeCalculatedChange(before: readonly CalculatedField[], after: readonly CalculatedField[]): { label: ChangeLabel; coalesce: string | null } {
  const wasIds = new Set(before.map((field) => field.id));
  const nowIds = new Set(after.map((field) => field.id));
  const added = after.filter((field) => !wasIds.has(field.id));
  const removed = before.filter((field) => !nowIds.has(field.id));
  // A field reaches the draft with the first letter of its name: typing the rest is the same step.
  if (added.length === 1 && removed.length === 0) return { label: { kind: 'addCalculated', name: added[0]!.name }, coalesce: `calc:${added[0]!.id}:name` };
  if (removed.length === 1 && added.length === 0) return { label: { kind: 'removeCalculated', name: removed[0]!.name }, coalesce: null };
  if (added.length === 0 && removed.length === 0) {
    const byId = new Map(before.map((field) => [field.id, field]));
    const changed = after.filter((field) => !same(field, byId.get(field.id)));
    if (changed.length === 1) {
      const field = changed[0]!;
      const old = byId.get(field.id)!;
      const part = old.name !== field.name ? (old.expression !== field.expression ? null : 'name') : 'expression';
      return { label: { kind: 'editCalculated', name: field.name }, coalesce: part ? `calc:${field.id}:${part}` : null };
    }
  }
  return { label: { kind: 'calculated' }, coalesce: null };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
