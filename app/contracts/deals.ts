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

/**
 * `GET /api/connectors/{connector}/deals/snapshot`: every synced deal, once per sync, for the
 * wizard's live funnel (recomputed in the browser by the same engine as the API's).
 */
export const dealsSnapshotSchema = z.object({
  syncedAt: z.string().datetime().nullable(),
  /** ISO 4217 code of the account's currency (amounts are in it), e.g. `RUB`. */
  currency: z.string().regex(/^[A-Z]{3}$/),
  deals: z.array(funnelDealSchema),
});
export type DealsSnapshot = z.infer<typeof dealsSnapshotSchema>;

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
