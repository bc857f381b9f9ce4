import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decodeDealsSnapshot, dealsSnapshotSchema, dealsSnapshotWriter, type DealsSnapshot, type FunnelDeal } from './deals';

/** The deals snapshot: written by the server a deal at a time, read back by the browser as the engine's deals. */

function snapshotOf(deals: readonly FunnelDeal[]): DealsSnapshot {
  const writer = dealsSnapshotWriter();
  const rows = deals.map((deal) => writer.deal(deal));
  // Through JSON, as on the wire.
  return dealsSnapshotSchema.parse(JSON.parse(JSON.stringify({ syncedAt: '2025-06-01T00:00:00.000Z', currency: 'RUB', deals: rows, strings: writer.strings() })));
}

const deal = (overrides: Partial<FunnelDeal>): FunnelDeal => ({
  id: '30001',
  pipelineId: '7412301',
  statusId: '142',
  amount: 1500,
  createdAt: 1_717_200_000,
  updatedAt: 1_717_300_000,
  visited: ['61874501', '142'],
  fields: {},
  ...overrides,
});

const idArb = fc.oneof(fc.integer({ min: 0, max: 10 ** 15 }).map(String), fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/));
const dealArb: fc.Arbitrary<FunnelDeal> = fc.record({
  id: idArb,
  pipelineId: fc.constantFrom('P1', 'P2', '7412301'),
  statusId: fc.constantFrom('142', '143', 's1', 's2'),
  amount: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { nil: null }),
  createdAt: fc.integer({ min: 0, max: 2 ** 31 }),
  updatedAt: fc.integer({ min: 0, max: 2 ** 31 }),
  visited: fc.uniqueArray(fc.constantFrom('142', '143', 's1', 's2', 's3'), { maxLength: 5 }),
  fields: fc.dictionary(fc.constantFrom('100', '101', '102'), fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 })),
});

describe('the deals snapshot', () => {
  it('gives back every deal exactly, grouped by pipeline', () => {
    fc.assert(
      fc.property(fc.array(dealArb, { maxLength: 30 }), (deals) => {
        // -0 is written as 0 by JSON; the engine cannot tell them apart either.
        const wire = deals.map((d) => ({ ...d, amount: Object.is(d.amount, -0) ? 0 : d.amount }));
        const decoded = decodeDealsSnapshot(snapshotOf(wire));
        expect(decoded.deals).toEqual(wire);
        for (const [pipelineId, group] of decoded.byPipeline) expect(group).toEqual(wire.filter((d) => d.pipelineId === pipelineId));
        expect([...decoded.byPipeline.values()].reduce((sum, group) => sum + group.length, 0)).toBe(wire.length);
      }),
    );
  });

  it('writes each text once and plain decimal ids as numbers', () => {
    const snapshot = snapshotOf([
      deal({ id: '30001', fields: { '1016201': ['https://site-1.example.ru'], '1016202': ['Москва', 'Онлайн'] } }),
      deal({ id: '30002', statusId: '143', fields: { '1016202': ['Москва'] } }),
      deal({ id: 'ORD-7', fields: {} }),
      deal({ id: '007' }),
    ]);
    expect(snapshot.deals.map(([id]) => id)).toEqual([30001, 30002, 'ORD-7', '007']);
    expect(new Set(snapshot.strings).size).toBe(snapshot.strings.length);
    expect(snapshot.strings.filter((text) => text === 'Москва')).toHaveLength(1);
    expect(decodeDealsSnapshot(snapshot).deals.map((d) => d.id)).toEqual(['30001', '30002', 'ORD-7', '007']);
  });

  it('refuses a snapshot that refers to a text it does not have, or cuts a field short', () => {
    const base = { syncedAt: null, currency: 'RUB', strings: ['P1', '142', '100', 'x'] };
    expect(dealsSnapshotSchema.safeParse({ ...base, deals: [[1, 0, 1, null, 0, 0, [1], [2, 1, 3]]] }).success).toBe(true);
    expect(dealsSnapshotSchema.safeParse({ ...base, deals: [[1, 0, 4, null, 0, 0, [1], []]] }).success).toBe(false);
    expect(dealsSnapshotSchema.safeParse({ ...base, deals: [[1, 0, 1, null, 0, 0, [9], []]] }).success).toBe(false);
    expect(dealsSnapshotSchema.safeParse({ ...base, deals: [[1, 0, 1, null, 0, 0, [1], [2, 2, 3]]] }).success).toBe(false);
    expect(dealsSnapshotSchema.safeParse({ ...base, deals: [[1, 0, 1, null, 0, 0, [1], [2, 1, 7]]] }).success).toBe(false);
    expect(dealsSnapshotSchema.safeParse({ ...base, deals: [[1.5, 0, 1, null, 0, 0, [1], []]] }).success).toBe(false);
  });
});
