import type { CrmCustomField } from './crm-schema';
import type { CalculatedSummary, DealOutcome, DealStatusChange, FunnelDeal, FunnelReport } from './deals';
import type { Filter, MappingConfig } from './mapping-config';

/**
 * The funnel engine: what a mapping configuration makes of a CRM's deals — which deals count
 * (the filter), where each one is (its container and outcome), which stages it has reached, and
 * the figures per pipeline. Pure and shared: the API's funnel and mapped-deals feed, the
 * wizard's live preview and the tests all call it. The rules are in the funnel issue and
 * `../shared/docs/product.md` ("What the markers mean for the funnel").
 */

/** What the engine needs to know of the CRM's custom fields (from `CrmSchema.customFields`). */
export type FunnelField = Pick<CrmCustomField, 'id' | 'code' | 'isNumeric'>;

export interface FunnelContext {
  fields: readonly FunnelField[];
}

/** Where one deal stands under a configuration. */
export interface DealPlacement {
  /** The container holding the current status; null when no container does (`unmapped`). */
  containerId: string | null;
  outcome: DealOutcome;
  /** Stages reached, in container order. */
  reachedContainerIds: string[];
  /** The amount when won, or returned after being won; else 0. */
  salesVolume: number;
}

/**
 * The status ids a deal has been in within the pipeline it is in now, first reached first: its
 * first status (the `before` of its earliest change, else its current one), every status it
 * changed to, and its current status. Positions in other pipelines are ignored.
 */
export function dealVisits(deal: Pick<FunnelDeal, 'pipelineId' | 'statusId'>, changes: readonly DealStatusChange[]): string[] {
  const ordered = changes.map((change, index) => ({ change, index })).sort((a, b) => a.change.at - b.change.at || a.index - b.index);
  const positions: Array<{ pipelineId: string; statusId: string }> = [];
  const first = ordered[0]?.change.before;
  if (first) positions.push(first);
  for (const { change } of ordered) positions.push(change.after);
  positions.push({ pipelineId: deal.pipelineId, statusId: deal.statusId });
  const visited = new Set<string>();
  for (const position of positions) if (position.pipelineId === deal.pipelineId) visited.add(position.statusId);
  return [...visited];
}

/** A configuration made ready to evaluate many deals (lookups built, formulas parsed once). */
export interface CompiledFunnel {
  /** Whether the filter keeps the deal. */
  matches(deal: FunnelDeal): boolean;
  /** Where the deal stands (whether or not the filter keeps it). */
  place(deal: FunnelDeal): DealPlacement;
  /** Calculated field name → value for this deal (null: a value is missing, or a division by zero). */
  calculated(deal: FunnelDeal): Record<string, number | null>;
  /** Counts deals one at a time (constant memory over a stream); `report` gives the figures. */
  counter(): FunnelCounter;
}

export interface FunnelCounter {
  add(deal: FunnelDeal): void;
  report(syncedAt: string | null): FunnelReport;
}

export function compileFunnel(_config: MappingConfig, _context: FunnelContext): CompiledFunnel {
  throw new Error('compileFunnel: not implemented yet');
}

/** The figures of every pipeline (the configuration's, then any other the deals are in). */
export function computeFunnel(config: MappingConfig, deals: Iterable<FunnelDeal>, context: FunnelContext, syncedAt: string | null = null): FunnelReport {
  const counter = compileFunnel(config, context).counter();
  for (const deal of deals) counter.add(deal);
  return counter.report(syncedAt);
}

/** How many deals the filter keeps ("N of M deals match"). */
export function countMatching(_filter: Filter, _deals: Iterable<FunnelDeal>, _context: FunnelContext): number {
  throw new Error('countMatching: not implemented yet');
}

/** Each calculated field (by id) over the deals the filter keeps: total and average of its values. */
export function summarizeCalculated(_config: MappingConfig, _deals: Iterable<FunnelDeal>, _context: FunnelContext): Record<string, CalculatedSummary> {
  throw new Error('summarizeCalculated: not implemented yet');
}
