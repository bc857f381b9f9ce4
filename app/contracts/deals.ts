import { z } from 'zod';

import { crmIdSchema } from './connector';

/**
 * The synced deals of a connection and what the funnel engine (`funnel.ts`) makes of them:
 * the sync's progress, the browser's deals snapshot, the funnel figures and the mapped-deals
 * feed's lines. One schema each, shared by the API, the SPA, the mocks and the tests.
 */

// ---- the deal sync -------------------------------------------------------------------------

export const DEAL_SYNC_STATES = ['idle', 'loading', 'done', 'failed'] as const;

/** `GET /api/connectors/{connector}/sync`: where loading the account's deals stands. */
export const dealSyncSchema = z.object({
  /** idle: never started; loading: running now; done: the last run finished; failed: it stopped on `error`. */
  state: z.enum(DEAL_SYNC_STATES),
  /** Deals loaded by the current (or last) run. */
  loaded: z.number().int().nonnegative(),
  /** Deals the run expects to load, when the CRM says (null when it cannot tell). */
  total: z.number().int().nonnegative().nullable(),
  startedAt: z.string().datetime().nullable(),
  finishedAt: z.string().datetime().nullable(),
  /** When the synced deals were last complete (the last run that finished); null before the first. */
  syncedAt: z.string().datetime().nullable(),
  /** Why the last run stopped; it resumes where it stopped on the next start. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type DealSync = z.infer<typeof dealSyncSchema>;

export const IDLE_SYNC: DealSync = { state: 'idle', loaded: 0, total: null, startedAt: null, finishedAt: null, syncedAt: null, error: null };

// ---- a synced deal, as the funnel engine reads it ---------------------------------------------

/** A deal moving between statuses, as stored by the sync (Unix seconds). */
export interface DealStatusChange {
  at: number;
  before: { pipelineId: string; statusId: string } | null;
  after: { pipelineId: string; statusId: string };
}

/**
 * One deal for the funnel engine. `visited` is where the deal has been in the pipeline it is in
 * now (`dealVisits` in `funnel.ts` derives it from its status changes), so it needs no history.
 */
export interface FunnelDeal {
  id: string;
  pipelineId: string;
  statusId: string;
  /** The deal's amount; null when it has none. */
  amount: number | null;
  /** Unix seconds. */
  createdAt: number;
  updatedAt: number;
  /** Status ids of the current pipeline the deal has been in, first reached first; its current status included. */
  visited: string[];
  /** Custom field id → its values as text (a select field's option text); fields without a value are absent. */
  fields: Record<string, string[]>;
}

export const funnelDealSchema = z.object({
  id: crmIdSchema,
  pipelineId: crmIdSchema,
  statusId: crmIdSchema,
  amount: z.number().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  visited: z.array(crmIdSchema),
  fields: z.record(z.string(), z.array(z.string())),
}) satisfies z.ZodType<FunnelDeal>;

// ---- the browser's deals snapshot ---------------------------------------------------------------

/**
 * A deal in the snapshot, as one tuple: `[id, pipeline, status, amount, createdAt, updatedAt,
 * visited, fields]`. Every text but the deal's id is an index into the snapshot's `strings`
 * (each pipeline id, status id, field id and field value is written once); the id is a number
 * when it is a plain decimal one (amoCRM's and Bitrix24's are), else its text. `fields` is flat:
 * a field's index, how many values follow, then their indexes; the next field after them.
 */
export type SnapshotDeal = [
  id: number | string,
  pipeline: number,
  status: number,
  amount: number | null,
  createdAt: number,
  updatedAt: number,
  visited: number[],
  fields: number[],
];

const stringIndex = z.number().int().nonnegative();

export const snapshotDealSchema = z.tuple([
  z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), crmIdSchema]),
  stringIndex,
  stringIndex,
  z.number().nullable(),
  z.number().int(),
  z.number().int(),
  z.array(stringIndex),
  z.array(stringIndex),
]) satisfies z.ZodType<SnapshotDeal>;

/**
 * `GET /api/connectors/{connector}/deals/snapshot`: every synced deal, once per sync, for the
 * wizard's live funnel (recomputed in the browser, off the main thread, by the same engine as
 * the API's). Compact: each deal a tuple of numbers (`SnapshotDeal`), every text once in
 * `strings` (written last, so the server streams the deals as it reads them). Read it with
 * `decodeDealsSnapshot`; the server writes it with `dealsSnapshotWriter`.
 */
export const dealsSnapshotSchema = z
  .object({
    syncedAt: z.string().datetime().nullable(),
    /** ISO 4217 code of the account's currency (amounts are in it), e.g. `RUB`. */
    currency: z.string().regex(/^[A-Z]{3}$/),
    deals: z.array(snapshotDealSchema),
    /** The texts the deals refer to by index: pipeline, status and field ids, field values. */
    strings: z.array(z.string()),
  })
  .superRefine((snapshot, ctx) => {
    const problem = snapshotProblem(snapshot.deals, snapshot.strings.length);
    if (problem) ctx.addIssue({ code: 'custom', path: ['deals', problem.deal], message: problem.message });
  });
export type DealsSnapshot = z.infer<typeof dealsSnapshotSchema>;

/** The first deal whose indexes are out of `strings` or whose fields are not whole, if any. */
function snapshotProblem(deals: readonly SnapshotDeal[], strings: number): { deal: number; message: string } | null {
  for (let d = 0; d < deals.length; d += 1) {
    const [, pipeline, status, , , , visited, fields] = deals[d] as SnapshotDeal;
    if (pipeline >= strings || status >= strings) return { deal: d, message: 'refers to a string the snapshot does not have' };
    for (let i = 0; i < visited.length; i += 1) if ((visited[i] as number) >= strings) return { deal: d, message: 'refers to a string the snapshot does not have' };
    for (let i = 0; i < fields.length; ) {
      const count = fields[i + 1];
      if (count === undefined || i + 2 + count > fields.length) return { deal: d, message: 'has a field cut short' };
      for (let j = i; j < i + 2 + count; j += 1) if (j !== i + 1 && (fields[j] as number) >= strings) return { deal: d, message: 'refers to a string the snapshot does not have' };
      i += 2 + count;
    }
  }
  return null;
}

/** A deal id as the snapshot writes it: a number when the text is a plain decimal that round-trips. */
const PLAIN_DECIMAL = /^(?:0|[1-9]\d{0,14})$/;

/**
 * Writes the snapshot a deal at a time: `deal` gives its tuple (interning its texts), `strings`
 * the texts once every deal is written. Holds only the distinct texts.
 */
export function dealsSnapshotWriter() {
  const strings: string[] = [];
  const indexes = new Map<string, number>();
  const intern = (text: string): number => {
    let index = indexes.get(text);
    if (index === undefined) {
      index = strings.length;
      strings.push(text);
      indexes.set(text, index);
    }
    return index;
  };
  return {
    deal(deal: FunnelDeal): SnapshotDeal {
      const fields: number[] = [];
      for (const [fieldId, values] of Object.entries(deal.fields)) {
        fields.push(intern(fieldId), values.length);
        for (const value of values) fields.push(intern(value));
      }
      return [
        PLAIN_DECIMAL.test(deal.id) ? Number(deal.id) : deal.id,
        intern(deal.pipelineId),
        intern(deal.statusId),
        deal.amount,
        deal.createdAt,
        deal.updatedAt,
        deal.visited.map(intern),
        fields,
      ];
    },
    strings: (): readonly string[] => strings,
  };
}

/** The snapshot's deals as the funnel engine reads them, grouped by pipeline (in first-seen order). */
export interface DecodedDeals {
  syncedAt: string | null;
  currency: string;
  deals: FunnelDeal[];
  byPipeline: Map<string, FunnelDeal[]>;
}

export function decodeDealsSnapshot(snapshot: DealsSnapshot): DecodedDeals {
  const { strings } = snapshot;
  const text = (index: number) => strings[index] as string;
  const deals: FunnelDeal[] = new Array<FunnelDeal>(snapshot.deals.length);
  const byPipeline = new Map<string, FunnelDeal[]>();
  snapshot.deals.forEach(([id, pipeline, status, amount, createdAt, updatedAt, visited, flat], d) => {
    const fields: Record<string, string[]> = {};
    for (let i = 0; i < flat.length; ) {
      const count = flat[i + 1] as number;
      const values = new Array<string>(count);
      for (let v = 0; v < count; v += 1) values[v] = text(flat[i + 2 + v] as number);
      fields[text(flat[i] as number)] = values;
      i += 2 + count;
    }
    const deal: FunnelDeal = {
      id: String(id),
      pipelineId: text(pipeline),
      statusId: text(status),
      amount,
      createdAt,
      updatedAt,
      visited: visited.map(text),
      fields,
    };
    deals[d] = deal;
    const group = byPipeline.get(deal.pipelineId);
    if (group) group.push(deal);
    else byPipeline.set(deal.pipelineId, [deal]);
  });
  return { syncedAt: snapshot.syncedAt, currency: snapshot.currency, deals, byPipeline };
}

// ---- the funnel figures ------------------------------------------------------------------------

export const DEAL_OUTCOMES = ['won', 'lost', 'returned', 'paused', 'open', 'unmapped'] as const;
export const dealOutcomeSchema = z.enum(DEAL_OUTCOMES);
export type DealOutcome = z.infer<typeof dealOutcomeSchema>;

export const funnelTotalsSchema = z.object({
  /** Every deal in the pipeline(s). */
  deals: z.number().int().nonnegative(),
  /** Deals the filter keeps. The six outcomes add up to it. */
  matched: z.number().int().nonnegative(),
  won: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
  returned: z.number().int().nonnegative(),
  paused: z.number().int().nonnegative(),
  open: z.number().int().nonnegative(),
  unmapped: z.number().int().nonnegative(),
  /** Sum of won deals' amounts. */
  salesVolume: z.number(),
  /** Sum of the amounts of returned deals that had been won. */
  returnedVolume: z.number(),
});
export type FunnelTotals = z.infer<typeof funnelTotalsSchema>;

export const funnelContainerSchema = z.object({
  containerId: z.string(),
  /** stage: unmarked or Completed deal, in container order; outcome: Refusal, Return, Pause. */
  kind: z.enum(['stage', 'outcome']),
  /** Stages only: matching deals that have reached this stage. */
  reached: z.number().int().nonnegative().optional(),
  /** Matching deals whose current status is in this container. */
  current: z.number().int().nonnegative(),
  /** Stages only, but the last: next stage's reached / this stage's reached; null when this one's is 0. */
  conversionToNext: z.number().nullable().optional(),
});
export type FunnelContainer = z.infer<typeof funnelContainerSchema>;

export const pipelineFunnelSchema = z.object({
  pipelineId: z.string(),
  totals: funnelTotalsSchema,
  containers: z.array(funnelContainerSchema),
});
export type PipelineFunnel = z.infer<typeof pipelineFunnelSchema>;

/** `GET /api/connectors/{connector}/funnel`. */
export const funnelReportSchema = z.object({
  syncedAt: z.string().datetime().nullable(),
  totals: funnelTotalsSchema,
  pipelines: z.array(pipelineFunnelSchema),
});
export type FunnelReport = z.infer<typeof funnelReportSchema>;

/** A calculated field over the matching deals (the Calculation step's totals). */
export const calculatedSummarySchema = z.object({
  /** Deals with a value (not null). */
  count: z.number().int().nonnegative(),
  total: z.number(),
  /** total / count; null when no deal has a value. */
  average: z.number().nullable(),
});
export type CalculatedSummary = z.infer<typeof calculatedSummarySchema>;

// ---- the mapped-deals feed --------------------------------------------------------------------

/** One line of `GET /api/connectors/{connector}/deals` (NDJSON): a deal the filter keeps. */
export const mappedDealSchema = z.object({
  id: z.string(),
  pipelineId: z.string(),
  statusId: z.string(),
  /** The container holding the current status; null when unmapped. */
  containerId: z.string().nullable(),
  outcome: dealOutcomeSchema,
  /** Stages the deal has reached, in container order. */
  reachedContainerIds: z.array(z.string()),
  amount: z.number().nullable(),
  /** The amount when the deal is won, else 0 (a returned deal's amount is in the totals' `returnedVolume`). */
  salesVolume: z.number(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  /** The chosen custom fields ("Other fields"; all when it is empty): field id → values. */
  customFields: z.record(z.string(), z.array(z.string())),
  /** Calculated field name → its value for this deal (null: a value is missing or a division by zero). */
  calculated: z.record(z.string(), z.number().nullable()),
});
export type MappedDeal = z.infer<typeof mappedDealSchema>;
