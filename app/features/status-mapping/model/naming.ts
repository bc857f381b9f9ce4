import type { CrmStatus } from '@/contracts/crm-schema';
import { LIMITS, type Container } from '@/contracts/mapping-config';

import type { Board } from './board';

/**
 * Auto-naming ("one status per container = no grouping, and the container is renamed after
 * its status").
 *
 * Design: no flag is stored. The saved configuration has no place for one (the contract's
 * container object strips unknown keys, and drafts are saved and reloaded), so whether a
 * name is "automatic" is decided from the name itself. A name is automatic when, trimmed,
 * it is
 *   - a default name: one of `defaultNames` (the "New stage" base name in every UI
 *     language), optionally followed by a space and a number ("New stage 2"), compared
 *     case-insensitively — see `defaultContainerName`; or
 *   - the name of one of the pipeline's CRM statuses (it was named after a status before:
 *     by a drop or by "one container per status").
 * Anything else was typed by the user and is kept. A user who deliberately types a status's
 * exact name cannot be told apart; that name is then treated as automatic, which is harmless.
 *
 * The rule: a container that holds exactly ONE status and whose name is automatic is named
 * after that status. So a drop into an empty container renames it (`nameForDrop`), a drop
 * that makes a group (two or more statuses) never renames, and a container left with one
 * status after the others moved out follows that status if its name was automatic
 * (`applyAutoName`). A name the user typed is never replaced.
 */
export interface NamingContext {
  /** The pipeline's CRM statuses (to recognise names taken from a status). */
  crmStatuses: readonly CrmStatus[];
  /** Base default names in every UI language, e.g. `['New stage', 'Новый этап']`. */
  defaultNames: readonly string[];
}

/** Why a typed container name is invalid (same rules as the contract), or null when valid. */
export function containerNameError(name: string): 'empty' | 'too_long' | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'empty';
  if (trimmed.length > LIMITS.name) return 'too_long';
  return null;
}

/** A valid container name made from any text (a status name): trimmed and cut to the limit; null when blank. */
export function containerNameFrom(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return trimmed.length > LIMITS.name ? trimmed.slice(0, LIMITS.name).trimEnd() : trimmed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isDefaultName(name: string, defaultNames: readonly string[]): boolean {
  return defaultNames.some((base) => {
    const trimmedBase = base.trim();
    if (trimmedBase === '') return false;
    return new RegExp(`^${escapeRegExp(trimmedBase)}(?: \\d+)?$`, 'iu').test(name);
  });
}

/** Whether `name` is automatic (a default name or a status's name), so a drop may replace it. */
export function isAutoName(name: string, context: NamingContext): boolean {
  const trimmed = name.trim();
  if (isDefaultName(trimmed, context.defaultNames)) return true;
  return context.crmStatuses.some((status) => containerNameFrom(status.name) === trimmed);
}

/**
 * The name `container` should have after `status` is dropped into it: the status's name when
 * the container is empty and its name is automatic, else the container's current name.
 */
export function nameForDrop(container: Container, status: CrmStatus, context: NamingContext): string {
  if (container.statusIds.length > 0) return container.name;
  if (!isAutoName(container.name, context)) return container.name;
  return containerNameFrom(status.name) ?? container.name;
}

/**
 * `container` renamed after its only status when it holds exactly one and its name is
 * automatic; otherwise (or when that status is not in `context.crmStatuses`) the same object.
 */
export function applyAutoName(container: Container, context: NamingContext): Container {
  const [only, ...rest] = container.statusIds;
  if (only === undefined || rest.length > 0) return container;
  const status = context.crmStatuses.find((candidate) => candidate.id === only);
  if (!status || !isAutoName(container.name, context)) return container;
  const name = containerNameFrom(status.name) ?? container.name;
  return name === container.name ? container : { ...container, name };
}

/**
 * A default name for a new container that no container on the board uses yet:
 * `baseName`, then `baseName 2`, `baseName 3`, … (compared case-insensitively).
 */
export function defaultContainerName(board: Board, baseName: string): string {
  const base = containerNameFrom(baseName) ?? 'Stage';
  const taken = new Set(board.containers.map((container) => container.name.trim().toLocaleLowerCase()));
  if (!taken.has(base.toLocaleLowerCase())) return base;
  for (let n = 2; ; n += 1) {
    const suffix = ` ${n}`;
    const candidate = `${base.slice(0, LIMITS.name - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(candidate.toLocaleLowerCase())) return candidate;
  }
}
