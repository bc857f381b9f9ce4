import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEAL_OUTCOMES, type DealOutcome, type FunnelContainer, type FunnelDeal, type FunnelReport, type FunnelTotals, type PipelineFunnel } from './deals';
import { compileFunnel, computeFunnel, type FunnelContext } from './funnel';
import { FILTER_OPERATORS, MARKERS, type Container, type Filter, type MappingConfig, type Marker } from './mapping-config';

/**
 * Properties of the funnel engine over random configurations and deals: a few pipelines sharing
 * status ids (as amoCRM's 142 and 143 are in every pipeline), containers with random markers
 * (each at most once per pipeline), deals with random visited statuses, amounts and field values,
 * and a random filter.
 */

const context: FunnelContext = {
  fields: [
    { id: '100', code: 'LANDING', isNumeric: false },
    { id: '101', code: null, isNumeric: false },
  ],
};

const STATUS_POOL = ['142', '143', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];
const PIPELINE_IDS = ['P1', 'P2', 'P3'];

const containerArb = (pipelineId: string) =>
  fc
    .record({
      // Each status of the pool: no container (-1) or one of up to 6.
      homes: fc.array(fc.integer({ min: -1, max: 5 }), { minLength: STATUS_POOL.length, maxLength: STATUS_POOL.length }),
      count: fc.integer({ min: 0, max: 6 }),
      // Markers placed on distinct containers: marker i goes on container markerAt[i] (or none).
      markerAt: fc.array(fc.integer({ min: -1, max: 5 }), { minLength: MARKERS.length, maxLength: MARKERS.length }),
    })
    .map(({ homes, count, markerAt }) => {
      const containers: Container[] = Array.from({ length: count }, (_, c) => ({ id: `${pipelineId}-c${c}`, name: `C${c}`, statusIds: [], marker: null }));
      STATUS_POOL.forEach((statusId, s) => {
        const home = containers[homes[s] as number];
        if (home) home.statusIds.push(statusId);
      });
      markerAt.forEach((at, m) => {
        const container = containers[at];
        if (container && container.marker === null) container.marker = MARKERS[m] as Marker;
      });
      return { pipelineId, containers };
    });

const filterArb: fc.Arbitrary<Filter> = fc.record({
  match: fc.constantFrom('all' as const, 'any' as const),
  conditions: fc.array(
    fc.record({
      field: fc.constantFrom('LANDING', 'cf:101', 'NOPE'),
      action: fc.constantFrom('include' as const, 'exclude' as const),
      operator: fc.constantFrom(...FILTER_OPERATORS),
      value: fc.constantFrom('a', 'A', ' b ', ''),
    }),
    { maxLength: 3 },
  ),
});

const configArb: fc.Arbitrary<MappingConfig> = fc
  .record({
    pipelines: fc.subarray(PIPELINE_IDS, { minLength: 1 }).chain((ids) => fc.tuple(...ids.map(containerArb))),
    filter: filterArb,
  })
  .map(({ pipelines, filter }) => ({
    schemaVersion: 2,
    connector: 'amocrm',
    account: null,
    filter,
    pipelines,
    customFields: { otherFields: [] },
    calculatedFields: [],
  }));

const valuesArb = fc.array(fc.constantFrom('a', ' A ', 'b', '', '  ', 'xa'), { maxLength: 3 });

const dealArb: fc.Arbitrary<FunnelDeal> = fc
  .record({
    pipelineId: fc.constantFrom(...PIPELINE_IDS, 'P9'),
    statusId: fc.constantFrom(...STATUS_POOL, 'zz'),
    visited: fc.subarray([...STATUS_POOL, 'zz']),
    amount: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
    landing: fc.option(valuesArb, { nil: undefined }),
    other: fc.option(valuesArb, { nil: undefined }),
  })
  .map(({ pipelineId, statusId, visited, amount, landing, other }) => {
    const fields: Record<string, string[]> = {};
    if (landing) fields['100'] = landing;
    if (other) fields['101'] = other;
    // `visited` includes the current status (dealVisits' shape): last, unless it was visited before.
    const path = visited.includes(statusId) ? visited : [...visited, statusId];
    return { id: '', pipelineId, statusId, amount, createdAt: 0, updatedAt: 0, visited: path, fields };
  });

const dealsArb = fc.array(dealArb, { maxLength: 40 }).map((deals) => deals.map((deal, i) => ({ ...deal, id: `d${i}` })));

const isStage = (container: Container) => container.marker === null || container.marker === 'completed';

/** Where a deal stands, written out plainly from the rules (no shared code with the engine). */
function reference(config: MappingConfig, deal: FunnelDeal): { containerId: string | null; outcome: DealOutcome; reached: string[]; wonBefore: boolean } {
  const mapping = config.pipelines.find((p) => p.pipelineId === deal.pipelineId);
  const home = mapping?.containers.find((c) => c.statusIds.includes(deal.statusId));
  if (!mapping || !home) return { containerId: null, outcome: 'unmapped', reached: [], wonBefore: false };
  const outcome: DealOutcome = { completed: 'won', refusal: 'lost', return: 'returned', pause: 'paused', none: 'open' }[home.marker ?? 'none'] as DealOutcome;
  const stages = mapping.containers.filter(isStage);
  const completed = stages.findIndex((c) => c.marker === 'completed');
  const beenIn = (c: Container) => deal.visited.some((s) => c.statusIds.includes(s));
  const wonBefore = completed >= 0 && beenIn(stages[completed] as Container);
  const backFill = outcome === 'won' || (outcome === 'returned' && wonBefore);
  const reached = stages.filter((c, i) => beenIn(c) || (backFill && i <= completed)).map((c) => c.id);
  return { containerId: home.id, outcome, reached, wonBefore };
}

const byId = (pipeline: PipelineFunnel) => new Map(pipeline.containers.map((c) => [c.containerId, c]));

function sumTotals(pipelines: readonly PipelineFunnel[]): FunnelTotals {
  const sum: FunnelTotals = { deals: 0, matched: 0, won: 0, lost: 0, returned: 0, paused: 0, open: 0, unmapped: 0, salesVolume: 0, returnedVolume: 0 };
  for (const { totals } of pipelines) for (const key of Object.keys(sum) as Array<keyof FunnelTotals>) sum[key] += totals[key];
  return sum;
}

const RUNS = { numRuns: 200 };

describe('funnel engine properties', () => {
  it('the six outcomes add up to matched; matched ≤ deals; totals are the sum of the pipelines', () => {
    fc.assert(
      fc.property(configArb, dealsArb, (config, deals) => {
        const report = computeFunnel(config, deals, context);
        for (const { totals } of report.pipelines) {
          expect(DEAL_OUTCOMES.reduce((sum, outcome) => sum + totals[outcome], 0)).toBe(totals.matched);
          expect(totals.matched).toBeLessThanOrEqual(totals.deals);
        }
        expect(report.totals).toEqual(sumTotals(report.pipelines));
        expect(report.totals.deals).toBe(deals.length);
        // The configuration's pipelines first, in order, then the others in order of appearance.
        const others = [...new Set(deals.map((d) => d.pipelineId))].filter((id) => !config.pipelines.some((p) => p.pipelineId === id));
        expect(report.pipelines.map((p) => p.pipelineId)).toEqual([...config.pipelines.map((p) => p.pipelineId), ...others]);
      }),
      RUNS,
    );
  });

  it('place agrees with a plain reference; reached and current are per-deal counts (once per stage, ≤ matched)', () => {
    fc.assert(
      fc.property(configArb, dealsArb, (config, deals) => {
        const funnel = compileFunnel(config, context);
        const report = computeFunnel(config, deals, context);
        const reached = new Map<string, number>();
        const current = new Map<string, number>();
        const volume = new Map<string, { sales: number; returned: number }>();
        for (const deal of deals) {
          const placed = funnel.place(deal);
          const expected = reference(config, deal);
          expect(placed).toEqual({
            containerId: expected.containerId,
            outcome: expected.outcome,
            reachedContainerIds: expected.reached,
            salesVolume: expected.outcome === 'won' ? (deal.amount ?? 0) : 0,
          });
          expect(new Set(placed.reachedContainerIds).size).toBe(placed.reachedContainerIds.length);
          if (!funnel.matches(deal)) continue;
          for (const id of placed.reachedContainerIds) reached.set(id, (reached.get(id) ?? 0) + 1);
          if (placed.containerId !== null) current.set(placed.containerId, (current.get(placed.containerId) ?? 0) + 1);
          const v = volume.get(deal.pipelineId) ?? { sales: 0, returned: 0 };
          v.sales += placed.salesVolume;
          if (expected.outcome === 'returned' && expected.wonBefore) v.returned += deal.amount ?? 0;
          volume.set(deal.pipelineId, v);
        }
        for (const pipeline of report.pipelines) {
          for (const container of pipeline.containers) {
            expect(container.current).toBe(current.get(container.containerId) ?? 0);
            if (container.kind === 'stage') {
              expect(container.reached).toBe(reached.get(container.containerId) ?? 0);
              expect(container.reached).toBeLessThanOrEqual(pipeline.totals.matched);
            } else {
              expect(container).not.toHaveProperty('reached');
              expect(container).not.toHaveProperty('conversionToNext');
            }
          }
          const stages = pipeline.containers.filter((c) => c.kind === 'stage');
          stages.forEach((stage, i) => {
            const next = stages[i + 1];
            if (!next) expect(stage).not.toHaveProperty('conversionToNext');
            else expect(stage.conversionToNext).toBe(stage.reached === 0 ? null : (next.reached as number) / (stage.reached as number));
          });
          const v = volume.get(pipeline.pipelineId) ?? { sales: 0, returned: 0 };
          expect(pipeline.totals.salesVolume).toBe(v.sales);
          expect(pipeline.totals.returnedVolume).toBe(v.returned);
        }
      }),
      RUNS,
    );
  });

  it('reordering the outcome containers changes no stage figure and no total', () => {
    const reorderArb = configArb.chain((config) =>
      fc.tuple(
        fc.constant(config),
        fc.tuple(...config.pipelines.map((p) => fc.shuffledSubarray(p.containers, { minLength: p.containers.length, maxLength: p.containers.length }))),
      ),
    );
    fc.assert(
      fc.property(reorderArb, dealsArb, ([config, shuffled], deals) => {
        // The shuffled order, with the stages put back in their own order at the places stages took.
        const reordered: MappingConfig = {
          ...config,
          pipelines: config.pipelines.map((pipeline, p) => {
            const stages = pipeline.containers.filter(isStage);
            let next = 0;
            return { ...pipeline, containers: (shuffled[p] as Container[]).map((c) => (isStage(c) ? (stages[next++] as Container) : c)) };
          }),
        };
        const before = computeFunnel(config, deals, context);
        const after = computeFunnel(reordered, deals, context);
        expect(after.totals).toEqual(before.totals);
        before.pipelines.forEach((pipeline, p) => {
          const moved = after.pipelines[p] as PipelineFunnel;
          expect(moved.totals).toEqual(pipeline.totals);
          const movedById = byId(moved);
          for (const container of pipeline.containers) expect(movedById.get(container.containerId)).toEqual(container);
          expect(moved.containers.filter((c) => c.kind === 'stage').map((c) => c.containerId)).toEqual(pipeline.containers.filter((c) => c.kind === 'stage').map((c) => c.containerId));
        });
      }),
      RUNS,
    );
  });

  it('moving a status between two unmarked containers changes only those two stages’ reached and current', () => {
    const moveArb = configArb
      .filter((config) => config.pipelines.some((p) => p.containers.filter((c) => c.marker === null).length >= 2 && p.containers.some((c) => c.marker === null && c.statusIds.length > 0)))
      .chain((config) => {
        const candidates = config.pipelines.flatMap((p, pi) => {
          const unmarked = p.containers.flatMap((c, ci) => (c.marker === null ? [ci] : []));
          return unmarked.flatMap((from) => ((p.containers[from] as Container).statusIds.length > 0 ? unmarked.filter((to) => to !== from).map((to) => ({ pi, from, to })) : []));
        });
        return fc.tuple(fc.constant(config), fc.constantFrom(...candidates), fc.nat());
      });
    fc.assert(
      fc.property(moveArb, dealsArb, ([config, { pi, from, to }, pick], deals) => {
        const pipeline = config.pipelines[pi] as MappingConfig['pipelines'][number];
        const source = pipeline.containers[from] as Container;
        const target = pipeline.containers[to] as Container;
        const statusId = source.statusIds[pick % source.statusIds.length] as string;
        const moved: MappingConfig = {
          ...config,
          pipelines: config.pipelines.map((p, i) =>
            i !== pi
              ? p
              : {
                  ...p,
                  containers: p.containers.map((c, ci) =>
                    ci === from ? { ...c, statusIds: c.statusIds.filter((s) => s !== statusId) } : ci === to ? { ...c, statusIds: [...c.statusIds, statusId] } : c,
                  ),
                },
          ),
        };
        const before = computeFunnel(config, deals, context);
        const after = computeFunnel(moved, deals, context);
        expect(after.totals).toEqual(before.totals);
        const figures = (c: FunnelContainer | undefined) => ({ reached: c?.reached, current: c?.current });
        before.pipelines.forEach((p, i) => {
          const q = after.pipelines[i] as PipelineFunnel;
          expect(q.totals).toEqual(p.totals);
          const qById = byId(q);
          for (const container of p.containers) {
            if (i === pi && (container.containerId === source.id || container.containerId === target.id)) continue;
            expect(figures(qById.get(container.containerId))).toEqual(figures(container));
          }
        });
        // The deals now in that status moved from one container to the other.
        const pBefore = byId(before.pipelines[pi] as PipelineFunnel);
        const pAfter = byId(after.pipelines[pi] as PipelineFunnel);
        const sum = (m: Map<string, FunnelContainer>) => (m.get(source.id)?.current ?? 0) + (m.get(target.id)?.current ?? 0);
        expect(sum(pAfter)).toBe(sum(pBefore));
      }),
      RUNS,
    );
  });

  it('a counter fed one deal at a time and computeFunnel agree, in any deal order', () => {
    fc.assert(
      fc.property(configArb, dealsArb, (config, deals) => {
        const counter = compileFunnel(config, context).counter();
        for (const deal of [...deals].reverse()) counter.add(deal);
        const reversed: FunnelReport = counter.report(null);
        const forward = computeFunnel(config, deals, context);
        const sorted = (r: FunnelReport) => [...r.pipelines].sort((a, b) => a.pipelineId.localeCompare(b.pipelineId));
        expect(sorted(reversed)).toEqual(sorted(forward));
      }),
      RUNS,
    );
  });
});
