import { z } from 'zod';

import type { ConnectorId } from '@/contracts/connector';
import {
  calculatedFieldSchema,
  filterSchema,
  pipelineMappingSchema,
  type ConfigEnvelope,
  type MappingConfig,
  type PipelineMapping,
} from '@/contracts/mapping-config';

/**
 * A draft kept in the browser when the page goes away with edits the server may not have
 * received (the keepalive request can be refused, cut off, or too large: browsers allow 64 KiB
 * of keepalive bodies in all, a large amoCRM configuration is ~450 kB). The next visit saves it
 * when the server is still at the version it was based on.
 *
 * Kept as sections (the filter, the other fields, the calculated fields, one pipeline's board:
 * the units the steps save), not as a whole document, so it can be put on top of a newer
 * version when the user chooses to, as the autosave does after a version conflict.
 */
const sectionsSchema = z.object({
  filter: filterSchema.optional(),
  customFields: z.object({ otherFields: z.array(z.string()) }).optional(),
  calculatedFields: z.array(calculatedFieldSchema).optional(),
  /** A pipeline's board, or null when its mapping was removed. */
  pipelines: z.record(z.string(), pipelineMappingSchema.nullable()).optional(),
});
export type DraftSections = z.infer<typeof sectionsSchema>;

const keptDraftSchema = z.object({
  format: z.literal(1),
  /** The version the server last confirmed when the page went away. */
  baseVersion: z.number().int().nonnegative(),
  /**
   * Saves already sent then (in order), each as every change up to and including it: when the
   * server moved on by exactly those, it moved on by this page's own saves, not someone else's.
   */
  flown: z.array(sectionsSchema),
  /** Every change not confirmed yet, relative to the base version. */
  sections: sectionsSchema,
  keptAt: z.string(),
});
export type KeptDraft = z.infer<typeof keptDraftSchema>;

/** Per connector; same origin only (it is the browser's localStorage), and no secrets are in a configuration. */
const storageKey = (connector: ConnectorId) => `hub-connect.kept-draft.${connector}`;

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    // Storage blocked by the browser's settings.
    return null;
  }
}

/** Whether drafts can be kept in this browser (storage present and writable). */
export function canKeepDrafts(): boolean {
  const store = storage();
  if (!store) return false;
  try {
    const probe = `${storageKey('amocrm')}.probe`;
    store.setItem(probe, '1');
    store.removeItem(probe);
    return true;
  } catch {
    return false;
  }
}

/** Writes the kept draft; false when the browser refused (quota, private mode). */
export function keepDraft(connector: ConnectorId, kept: KeptDraft): boolean {
  try {
    const store = storage();
    if (!store) return false;
    store.setItem(storageKey(connector), JSON.stringify(kept));
    return true;
  } catch {
    return false;
  }
}

export function readKeptDraft(connector: ConnectorId): KeptDraft | null {
  try {
    const raw = storage()?.getItem(storageKey(connector));
    if (!raw) return null;
    const parsed = keptDraftSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // Unreadable: dropped below.
  }
  clearKeptDraft(connector);
  return null;
}

export function clearKeptDraft(connector: ConnectorId): void {
  try {
    storage()?.removeItem(storageKey(connector));
  } catch {
    // Nothing to clear.
  }
}

/** JSON with sorted keys: the same value built by the UI or parsed by the server compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** The sections of `draft` that differ from `base`. */
export function changedSections(base: MappingConfig, draft: MappingConfig): DraftSections {
  const sections: DraftSections = {};
  if (!same(base.filter, draft.filter)) sections.filter = draft.filter;
  if (!same(base.customFields, draft.customFields)) sections.customFields = draft.customFields;
  if (!same(base.calculatedFields, draft.calculatedFields)) sections.calculatedFields = draft.calculatedFields;
  const before = new Map(base.pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
  const after = new Map(draft.pipelines.map((pipeline) => [pipeline.pipelineId, pipeline]));
  const pipelines: Record<string, PipelineMapping | null> = {};
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const board = after.get(id) ?? null;
    if (!same(before.get(id) ?? null, board)) pipelines[id] = board;
  }
  if (Object.keys(pipelines).length > 0) sections.pipelines = pipelines;
  return sections;
}

export const hasSections = (sections: DraftSections) => Object.keys(sections).length > 0;

/** Writes the sections into `config`, replacing only them (a pipeline's board in its place, a new one at the end). */
export function applySections(config: MappingConfig, sections: DraftSections): MappingConfig {
  let next: MappingConfig = { ...config };
  if (sections.filter) next.filter = sections.filter;
  if (sections.customFields) next.customFields = sections.customFields;
  if (sections.calculatedFields) next.calculatedFields = sections.calculatedFields;
  for (const [id, board] of Object.entries(sections.pipelines ?? {})) {
    const index = next.pipelines.findIndex((pipeline) => pipeline.pipelineId === id);
    if (board === null || board.containers.length === 0) {
      if (index !== -1) next = { ...next, pipelines: next.pipelines.filter((_, i) => i !== index) };
    } else {
      next = { ...next, pipelines: index === -1 ? [...next.pipelines, board] : next.pipelines.map((pipeline, i) => (i === index ? board : pipeline)) };
    }
  }
  return next;
}

/** Whether `config` already holds every one of the sections. */
function holds(config: MappingConfig, sections: DraftSections): boolean {
  return !hasSections(changedSections(config, applySections(config, sections)));
}

/**
 * What to do with a kept draft, given what the server holds now:
 * - `save`: the server is where the draft left it (its base version, or exactly this page's own
 *   saves later): save it on top.
 * - `done`: the server already holds all of it (the keepalive request made it).
 * - `conflict`: the server moved on by someone else's save; the user decides.
 */
export function judgeKeptDraft(kept: KeptDraft, envelope: ConfigEnvelope | null): 'save' | 'done' | 'conflict' {
  const version = envelope?.version ?? 0;
  if (envelope && holds(envelope.config, kept.sections)) return 'done';
  if (version === kept.baseVersion) return 'save';
  const ownSaves = version - kept.baseVersion;
  const upTo = ownSaves > 0 ? kept.flown[ownSaves - 1] : undefined;
  if (envelope && upTo && holds(envelope.config, upTo)) return 'save';
  return 'conflict';
}
