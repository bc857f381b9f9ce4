import { bench, describe } from 'vitest';

import type { DealStatusChange, FunnelDeal } from './deals';
import { computeFunnel, dealVisits, type FunnelContext } from './funnel';
import { mappingConfigSchema, type MappingConfig } from './mapping-config';

/**
 * The funnel engine at amoCRM's limits — 50 pipelines (20 statuses in 9 containers each),
 * 20,000 deals and 100,000 status changes, 5% of the deals moved in from another pipeline —
 * versus a 300-deal account under the same configuration. The filter has two conditions.
 * Budget: `computeFunnel` under 50 ms at the limits in Node (the API's funnel and the
 * wizard's live preview recompute it whole). `visited` is derived by `dealVisits` outside
 * the timed part, as the sync stores it. Seeded, so every run measures the same account.
 */

const PIPELINES = 50;

/** mulberry32: a small seeded generator, so the account is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pipeline p's 20 statuses: 16 regular ones, a return and a pause status, then 142 and 143 (in every pipeline). */
function statusesOf(p: number): string[] {
  return [...Array.from({ length: 18 }, (_, s) => String(100_000 + p * 100 + s)), '142', '143'];
}

function buildConfig(): MappingConfig {
  return mappingConfigSchema.parse({
    schemaVersion: 2,
    connector: 'amocrm',
    filter: {
      match: 'all',
      conditions: [
        { field: 'LANDING', action: 'include', operator: 'contains', value: 'site' },
        { field: 'UTM_SOURCE', action: 'exclude', operator: 'equals', value: 'spam' },
      ],
    },
    pipelines: Array.from({ length: PIPELINES }, (_, p) => {
      const s = statusesOf(p);
      return {
        pipelineId: String(1000 + p),
        containers: [
          { id: 'a', name: 'A', statusIds: s.slice(0, 4), marker: null },
          { id: 'b', name: 'B', statusIds: s.slice(4, 7), marker: null },
          { id: 'c', name: 'C', statusIds: s.slice(7, 10), marker: null },
          { id: 'd', name: 'D', statusIds: s.slice(10, 13), marker: null },
          { id: 'e', name: 'E', statusIds: s.slice(13, 16), marker: null },
          { id: 'won', name: 'Won', statusIds: ['142'], marker: 'completed' },
          { id: 'lost', name: 'Lost', statusIds: ['143'], marker: 'refusal' },
          { id: 'ret', name: 'Returned', statusIds: [s[16]], marker: 'return' },
          { id: 'hold', name: 'On hold', statusIds: [s[17]], marker: 'pause' },
        ],
      };
    }),
  });
}

const context: FunnelContext = {
  fields: [
    { id: '5000', code: 'LANDING', isNumeric: false },
    { id: '5001', code: 'UTM_SOURCE', isNumeric: false },
  ],
};

/** `deals` deals with `changes` status changes in all, each deal walking its pipeline's statuses. */
function buildDeals(deals: number, changes: number, seed: number): FunnelDeal[] {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const perDeal = new Array<number>(deals).fill(0);
  for (let i = 0; i < changes; i += 1) {
    const d = pick(deals);
    perDeal[d] = (perDeal[d] as number) + 1;
  }
  return perDeal.map((count, d) => {
    const pipeline = pick(PIPELINES);
    const pipelineId = String(1000 + pipeline);
    const statuses = statusesOf(pipeline);
    const moved = next() < 0.05 ? String(1000 + ((pipeline + 1) % PIPELINES)) : null;
    const history: DealStatusChange[] = [];
    let position = { pipelineId: moved ?? pipelineId, statusId: (moved ? statusesOf((pipeline + 1) % PIPELINES) : statuses)[0] as string };
    let index = 0;
    for (let c = 0; c < count; c += 1) {
      const last = c === count - 1;
      // Forward mostly, sometimes back; the last change may close the deal.
      const roll = next();
      let statusId: string;
      if (last && roll < 0.5) statusId = (['142', '143', statuses[16], statuses[17]] as string[])[pick(4)] as string;
      else {
        index = Math.max(0, Math.min(15, index + (roll < 0.8 ? 1 + pick(3) : -1)));
        statusId = statuses[index] as string;
      }
      const after = { pipelineId, statusId };
      history.push({ at: 1_700_000_000 + d * 1000 + c, before: position, after });
      position = after;
    }
    // Stored out of order, as a sync may load them.
    if (history.length > 1) history.reverse();
    const current = { pipelineId, statusId: history.length > 0 ? position.statusId : (statuses[0] as string) };
    const landing = next() < 0.8 ? [`site-${pick(9)}`] : [];
    const source = next() < 0.1 ? ['spam'] : ['google'];
    return {
      id: String(d + 1),
      pipelineId,
      statusId: current.statusId,
      amount: next() < 0.2 ? null : pick(100_000),
      createdAt: 1_700_000_000,
      updatedAt: 1_700_000_000,
      visited: dealVisits(current, history),
      fields: { '5000': landing, '5001': source },
    };
  });
}

const config = buildConfig();
const limits = buildDeals(20_000, 100_000, 42);
const small = buildDeals(300, 1_500, 7);

/** A plain timing next to vitest's table: median of 30 runs each, and their ratio. */
function median(run: () => void, times = 30): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(times / 2)] as number;
}
const limitsMs = median(() => computeFunnel(config, limits, context));
const smallMs = median(() => computeFunnel(config, small, context));
const visitedAverage = limits.reduce((sum, deal) => sum + deal.visited.length, 0) / limits.length;
console.log(
  `computeFunnel median: 20,000 deals ${limitsMs.toFixed(2)} ms (budget 50 ms), 300 deals ${smallMs.toFixed(3)} ms, ratio ${(limitsMs / smallMs).toFixed(1)}× ` +
    `(${visitedAverage.toFixed(1)} visited statuses per deal on average; ${computeFunnel(config, limits, context).totals.matched} deals match the filter)`,
);

describe('computeFunnel (50 pipelines, filter with 2 conditions)', () => {
  bench('amoCRM limits: 20,000 deals, 100,000 status changes', () => {
    computeFunnel(config, limits, context);
  });
  bench('small account: 300 deals, 1,500 status changes', () => {
    computeFunnel(config, small, context);
  });
});
