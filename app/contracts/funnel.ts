import { filterParameterFieldIds, type CrmCustomField } from './crm-schema';
import type { CalculatedSummary, DealOutcome, DealStatusChange, FunnelContainer, FunnelDeal, FunnelReport, FunnelTotals, PipelineFunnel } from './deals';
import { collectFieldRefs, evaluateFormula, parseFormula } from './formula';
import type { CalculatedField, Filter, FilterCondition, MappingConfig, Marker, PipelineMapping } from './mapping-config';

/**
 * The funnel engine: what a mapping configuration makes of a CRM's deals — which deals count
 * (the filter), where each one is (its container and outcome), which stages it has reached, and
 * the figures per pipeline. Pure and shared: the API's funnel and mapped-deals feed, the
 * wizard's live preview and the tests all call it. The rules are in the funnel issue and
 * the product description ("What the markers mean for the funnel"), and the tests beside this file.
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
  /** The amount when won (`outcome` is `won`; a deal with no amount: 0); else 0, returned deals included. */
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

/**
 * Compiles a configuration: per pipeline, status id → container index, the stage order and the
 * Completed deal stage; the filter's fields resolved; each formula parsed once.
 *
 * The rules, per deal (in the pipeline it is in now, `deal.pipelineId`):
 * - Filter: a condition reads the deal's values of its field (`filterParameterFieldIds`; a key
 *   naming no field: no values), each trimmed. `equals`: some value is the trimmed condition
 *   value; `not_equals`: none is (so a deal without a value is "not equal"); `contains`: some
 *   value contains it, case-insensitively (an empty condition value: any value at all);
 *   `is_empty`: no non-blank value; `is_not_empty`: one at least. `include` keeps the deals the
 *   condition holds for, `exclude` the others; `all` needs every condition to keep the deal,
 *   `any` one. No conditions: every deal.
 * - Stages are the unmarked containers and the Completed deal one, in container order; Refusal,
 *   Return and Pause containers are outcomes. A status listed by two containers (the schema
 *   forbids it) belongs to the first.
 * - Outcome: from the container of the current status (completed → won, refusal → lost, return
 *   → returned, pause → paused, unmarked → open); none, or an unmapped pipeline → unmapped
 *   (no container's figures).
 * - Reached: the stages of the statuses in `visited` (and of the current one); a won deal, or a
 *   returned one that had been in the Completed deal container, also reaches every stage up to
 *   the Completed deal one. Once per stage at most.
 * - Money: `salesVolume` sums won deals' amounts; `returnedVolume` the amounts of returned deals
 *   that had been in the Completed deal container (no amount: 0).
 */
export function compileFunnel(config: MappingConfig, context: FunnelContext): CompiledFunnel {
  const matches = compileFilter(config.filter, context);
  const pipelines = new Map<string, CompiledPipeline>();
  for (const mapping of config.pipelines) {
    if (!pipelines.has(mapping.pipelineId)) pipelines.set(mapping.pipelineId, compilePipeline(mapping));
  }
  const calculatedFields = config.calculatedFields.map((field) => compileCalculated(field, context));

  /**
   * Marks the stages the deal has reached in `pipeline.reached` (1: reached) and returns whether
   * it had been in the Completed deal container. `containerIndex` holds its current status.
   */
  const markReached = (pipeline: CompiledPipeline, deal: FunnelDeal, containerIndex: number): boolean => {
    const { reached, stageOfContainer, statusContainer, completedContainer } = pipeline;
    for (let stage = 0; stage < reached.length; stage += 1) reached[stage] = 0;
    let wasCompleted = false;
    const visited = deal.visited;
    for (let i = 0; i < visited.length; i += 1) {
      const container = statusContainer.get(visited[i] as string);
      if (container === undefined) continue;
      const stage = stageOfContainer[container] as number;
      if (stage >= 0) reached[stage] = 1;
      if (container === completedContainer) wasCompleted = true;
    }
    // `visited` includes the current status by contract; counted here too so a deal always reaches the stage it is in.
    const currentStage = stageOfContainer[containerIndex] as number;
    if (currentStage >= 0) reached[currentStage] = 1;
    const outcome = pipeline.outcomeOfContainer[containerIndex] as DealOutcome;
    if (outcome === 'won' || (outcome === 'returned' && wasCompleted)) for (let stage = 0; stage <= pipeline.completedStage; stage += 1) reached[stage] = 1;
    return wasCompleted;
  };

  const place = (deal: FunnelDeal): DealPlacement => {
    const pipeline = pipelines.get(deal.pipelineId);
    const containerIndex = pipeline?.statusContainer.get(deal.statusId);
    if (pipeline === undefined || containerIndex === undefined) {
      return { containerId: null, outcome: 'unmapped', reachedContainerIds: [], salesVolume: 0 };
    }
    markReached(pipeline, deal, containerIndex);
    const outcome = pipeline.outcomeOfContainer[containerIndex] as DealOutcome;
    const reachedContainerIds: string[] = [];
    for (let stage = 0; stage < pipeline.stages.length; stage += 1) {
      if (pipeline.reached[stage] === 1) reachedContainerIds.push(pipeline.containerIds[pipeline.stages[stage] as number] as string);
    }
    return {
      containerId: pipeline.containerIds[containerIndex] as string,
      outcome,
      reachedContainerIds,
      salesVolume: outcome === 'won' ? (deal.amount ?? 0) : 0,
    };
  };

  const calculated = (deal: FunnelDeal): Record<string, number | null> => {
    const values: Record<string, number | null> = {};
    for (const field of calculatedFields) values[field.name] = field.evaluate(deal);
    return values;
  };

  const counter = (): FunnelCounter => {
    const figures = new Map<string, PipelineFigures>();
    for (const pipeline of pipelines.values()) figures.set(pipeline.pipelineId, newFigures(pipeline));
    return {
      add(deal: FunnelDeal): void {
        let own = figures.get(deal.pipelineId);
        if (own === undefined) {
          // A pipeline the configuration does not map: its deals are all unmapped.
          own = newFigures(null, deal.pipelineId);
          figures.set(deal.pipelineId, own);
        }
        const totals = own.totals;
        totals.deals += 1;
        if (!matches(deal)) return;
        totals.matched += 1;
        const pipeline = own.pipeline;
        const containerIndex = pipeline?.statusContainer.get(deal.statusId);
        if (pipeline === null || containerIndex === undefined) {
          totals.unmapped += 1;
          return;
        }
        const wasCompleted = markReached(pipeline, deal, containerIndex);
        const outcome = pipeline.outcomeOfContainer[containerIndex] as DealOutcome;
        totals[outcome] += 1;
        const amount = deal.amount ?? 0;
        if (outcome === 'won') totals.salesVolume += amount;
        else if (outcome === 'returned' && wasCompleted) totals.returnedVolume += amount;
        (own.current[containerIndex] as number) += 1;
        const reached = pipeline.reached;
        for (let stage = 0; stage < reached.length; stage += 1) own.reached[stage] = (own.reached[stage] as number) + (reached[stage] as number);
      },
      report(syncedAt: string | null): FunnelReport {
        const totals = emptyTotals();
        const report: FunnelReport = { syncedAt, totals, pipelines: [] };
        for (const own of figures.values()) {
          for (const key of TOTAL_KEYS) totals[key] += own.totals[key];
          report.pipelines.push({ pipelineId: own.pipelineId, totals: { ...own.totals }, containers: containerFigures(own) });
        }
        return report;
      },
    };
  };

  return { matches, place, calculated, counter };
}

/** The figures of every pipeline (the configuration's, then any other the deals are in). */
export function computeFunnel(config: MappingConfig, deals: Iterable<FunnelDeal>, context: FunnelContext, syncedAt: string | null = null): FunnelReport {
  const counter = compileFunnel(config, context).counter();
  for (const deal of deals) counter.add(deal);
  return counter.report(syncedAt);
}

/**
 * One pipeline's figures under a draft: the configuration with `board` in place of its own
 * mappings, over that pipeline's deals (the other pipelines' deals cannot change its figures).
 * The Mapping step's recompute on a drop, a marker change or a rename.
 */
export function pipelineFigures(config: MappingConfig, board: PipelineMapping, deals: Iterable<FunnelDeal>, context: FunnelContext): PipelineFunnel {
  const report = computeFunnel({ ...config, pipelines: [board] }, deals, context);
  // The counter has a row for every pipeline of the configuration, so for the board's.
  return report.pipelines.find((pipeline) => pipeline.pipelineId === board.pipelineId) as PipelineFunnel;
}

/** How many deals the filter keeps ("N of M deals match"). */
export function countMatching(filter: Filter, deals: Iterable<FunnelDeal>, context: FunnelContext): number {
  const matches = compileFilter(filter, context);
  let count = 0;
  for (const deal of deals) if (matches(deal)) count += 1;
  return count;
}

/** Each calculated field (by id) over the deals the filter keeps: total and average of its values. */
export function summarizeCalculated(config: MappingConfig, deals: Iterable<FunnelDeal>, context: FunnelContext): Record<string, CalculatedSummary> {
  const matches = compileFilter(config.filter, context);
  const fields = config.calculatedFields.map((field) => compileCalculated(field, context));
  const counts = fields.map(() => 0);
  const totals = fields.map(() => 0);
  for (const deal of deals) {
    if (!matches(deal)) continue;
    fields.forEach((field, i) => {
      const value = field.evaluate(deal);
      if (value === null) return;
      counts[i] = (counts[i] as number) + 1;
      totals[i] = (totals[i] as number) + value;
    });
  }
  const summary: Record<string, CalculatedSummary> = {};
  fields.forEach((field, i) => {
    const count = counts[i] as number;
    const total = totals[i] as number;
    summary[field.id] = { count, total, average: count === 0 ? null : total / count };
  });
  return summary;
}

// ---- the filter ---------------------------------------------------------------------------------

/** Whether the condition holds for these values (the deal's values of its field). */
function compileCondition(condition: FilterCondition, fieldIds: ReadonlyMap<string, string>): (deal: FunnelDeal) => boolean {
  const fieldId = fieldIds.get(condition.field.trim());
  const wanted = condition.value.trim();
  const wantedLower = wanted.toLowerCase();
  const valuesOf = (deal: FunnelDeal): readonly string[] => (fieldId === undefined ? NO_VALUES : (deal.fields[fieldId] ?? NO_VALUES));
  const anyValue = (deal: FunnelDeal, test: (value: string) => boolean): boolean => {
    const values = valuesOf(deal);
    for (let i = 0; i < values.length; i += 1) if (test((values[i] as string).trim())) return true;
    return false;
  };
  let holds: (deal: FunnelDeal) => boolean;
  switch (condition.operator) {
    case 'equals':
      holds = (deal) => anyValue(deal, (value) => value === wanted);
      break;
    case 'not_equals':
      holds = (deal) => !anyValue(deal, (value) => value === wanted);
      break;
    case 'contains':
      holds = (deal) => anyValue(deal, (value) => value.toLowerCase().includes(wantedLower));
      break;
    case 'is_empty':
      holds = (deal) => !anyValue(deal, (value) => value !== '');
      break;
    case 'is_not_empty':
      holds = (deal) => anyValue(deal, (value) => value !== '');
      break;
  }
  return condition.action === 'include' ? holds : (deal) => !holds(deal);
}

function compileFilter(filter: Filter, context: FunnelContext): (deal: FunnelDeal) => boolean {
  if (filter.conditions.length === 0) return () => true;
  const fieldIds = filterParameterFieldIds(context.fields);
  const kept = filter.conditions.map((condition) => compileCondition(condition, fieldIds));
  if (filter.match === 'any') {
    return (deal) => {
      for (let i = 0; i < kept.length; i += 1) if ((kept[i] as (deal: FunnelDeal) => boolean)(deal)) return true;
      return false;
    };
  }
  return (deal) => {
    for (let i = 0; i < kept.length; i += 1) if (!(kept[i] as (deal: FunnelDeal) => boolean)(deal)) return false;
    return true;
  };
}

const NO_VALUES: readonly string[] = [];

// ---- pipelines --------------------------------------------------------------------------------

const OUTCOME_OF_MARKER: Record<Marker, DealOutcome> = { completed: 'won', refusal: 'lost', return: 'returned', pause: 'paused' };

interface CompiledPipeline {
  pipelineId: string;
  containerIds: string[];
  /** Status id → index of its container (the first one listing it). */
  statusContainer: Map<string, number>;
  /** Per container: its stage index (0 = first stage), or -1 for an outcome container. */
  stageOfContainer: Int32Array;
  /** Per stage: its container index. */
  stages: number[];
  outcomeOfContainer: DealOutcome[];
  /** Index of the Completed deal container and its stage; -1 when there is none. */
  completedContainer: number;
  completedStage: number;
  /** Scratch: the stages the deal being placed has reached (1). Reused for every deal. */
  reached: Uint8Array;
}

function compilePipeline(mapping: PipelineMapping): CompiledPipeline {
  const statusContainer = new Map<string, number>();
  const stageOfContainer = new Int32Array(mapping.containers.length).fill(-1);
  const stages: number[] = [];
  let completedContainer = -1;
  let completedStage = -1;
  mapping.containers.forEach((container, index) => {
    for (const statusId of container.statusIds) if (!statusContainer.has(statusId)) statusContainer.set(statusId, index);
    if (container.marker === null || container.marker === 'completed') {
      stageOfContainer[index] = stages.length;
      if (container.marker === 'completed' && completedContainer === -1) {
        completedContainer = index;
        completedStage = stages.length;
      }
      stages.push(index);
    }
  });
  return {
    pipelineId: mapping.pipelineId,
    containerIds: mapping.containers.map((container) => container.id),
    statusContainer,
    stageOfContainer,
    stages,
    outcomeOfContainer: mapping.containers.map((container) => (container.marker === null ? 'open' : OUTCOME_OF_MARKER[container.marker])),
    completedContainer,
    completedStage,
    reached: new Uint8Array(stages.length),
  };
}

// ---- the counter's figures --------------------------------------------------------------------

const TOTAL_KEYS = ['deals', 'matched', 'won', 'lost', 'returned', 'paused', 'open', 'unmapped', 'salesVolume', 'returnedVolume'] as const;

function emptyTotals(): FunnelTotals {
  return { deals: 0, matched: 0, won: 0, lost: 0, returned: 0, paused: 0, open: 0, unmapped: 0, salesVolume: 0, returnedVolume: 0 };
}

interface PipelineFigures {
  pipelineId: string;
  /** null: a pipeline the configuration does not map. */
  pipeline: CompiledPipeline | null;
  totals: FunnelTotals;
  /** Per container: matching deals whose current status is in it. */
  current: Float64Array;
  /** Per stage: matching deals that have reached it. */
  reached: Float64Array;
}

function newFigures(pipeline: CompiledPipeline, pipelineId?: string): PipelineFigures;
function newFigures(pipeline: null, pipelineId: string): PipelineFigures;
function newFigures(pipeline: CompiledPipeline | null, pipelineId?: string): PipelineFigures {
  return {
    pipelineId: pipeline?.pipelineId ?? (pipelineId as string),
    pipeline,
    totals: emptyTotals(),
    current: new Float64Array(pipeline?.containerIds.length ?? 0),
    reached: new Float64Array(pipeline?.stages.length ?? 0),
  };
}

function containerFigures(own: PipelineFigures): FunnelContainer[] {
  const pipeline = own.pipeline;
  if (pipeline === null) return [];
  return pipeline.containerIds.map((containerId, index): FunnelContainer => {
    const current = own.current[index] as number;
    const stage = pipeline.stageOfContainer[index] as number;
    if (stage < 0) return { containerId, kind: 'outcome', current };
    const reached = own.reached[stage] as number;
    const figures: FunnelContainer = { containerId, kind: 'stage', reached, current };
    if (stage + 1 < pipeline.stages.length) figures.conversionToNext = reached === 0 ? null : (own.reached[stage + 1] as number) / reached;
    return figures;
  });
}

// ---- calculated fields ------------------------------------------------------------------------

/**
 * A custom field's value as a number: its first value, trimmed, in plain decimal notation
 * (optional sign, one `.` or `,` as the decimal separator, optional exponent); anything else
 * (blank, `1 000`, `0x10`, `Infinity`) is missing.
 */
const NUMBER_TEXT = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

function parseFieldNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  if (!NUMBER_TEXT.test(trimmed)) return null;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}

interface CompiledCalculated {
  id: string;
  name: string;
  evaluate(deal: FunnelDeal): number | null;
}

function compileCalculated(field: CalculatedField, context: FunnelContext): CompiledCalculated {
  const parsed = parseFormula(field.expression);
  if (!parsed.ok) return { id: field.id, name: field.name, evaluate: () => null };
  const ast = parsed.ast;
  const numeric = new Set(context.fields.filter((f) => f.isNumeric).map((f) => f.id));
  // The numeric custom fields the formula refers to; any other reference stays missing (null).
  const used = [...new Set(collectFieldRefs(ast).flatMap(({ ref }) => (ref.kind === 'custom' && numeric.has(ref.id) ? [ref.id] : [])))];
  return {
    id: field.id,
    name: field.name,
    evaluate(deal: FunnelDeal): number | null {
      const custom: Record<string, number> = {};
      for (const id of used) {
        const value = parseFieldNumber(deal.fields[id]?.[0]);
        if (value !== null) custom[id] = value;
      }
      return evaluateFormula(ast, { price: deal.amount, custom });
    },
  };
}
