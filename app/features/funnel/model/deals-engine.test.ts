import { afterEach, describe, expect, it } from 'vitest';

import { decodeDealsSnapshot, dealsSnapshotWriter, type DecodedDeals, type FunnelDeal } from '@/contracts/deals';
import { computeFunnel, countMatching, pipelineFigures, summarizeCalculated, type FunnelField } from '@/contracts/funnel';
import { emptyMappingConfig, type MappingConfig, type PipelineMapping } from '@/contracts/mapping-config';
import { ApiError } from '@/lib/api-client';

import { connectDealsEngine, createDealsEngine, serveDealsEngine, type DealsEngine, type MessageEnd } from './deals-engine';

/**
 * The deals engine as the page uses it in a browser: the engine at one end of a real
 * MessageChannel (as in the worker), the page's client at the other, every request and answer
 * structured-cloned across. Its answers are the shared engine's own over the same deals.
 */

const fields: FunnelField[] = [{ id: '100', code: 'LANDING', isNumeric: false }];

const deals: FunnelDeal[] = [
  { id: '1', pipelineId: 'P1', statusId: 's1', amount: 100, createdAt: 0, updatedAt: 0, visited: ['s1'], fields: { '100': ['site'] } },
  { id: '2', pipelineId: 'P1', statusId: '142', amount: 250, createdAt: 0, updatedAt: 0, visited: ['s1', 's2', '142'], fields: { '100': ['promo'] } },
  { id: '3', pipelineId: 'P1', statusId: '143', amount: null, createdAt: 0, updatedAt: 0, visited: ['s1', '143'], fields: {} },
  { id: '4', pipelineId: 'P2', statusId: '142', amount: 40, createdAt: 0, updatedAt: 0, visited: ['142'], fields: { '100': ['site'] } },
];

/** The deals through the snapshot's wire format, as the worker reads them. */
function wire(list: readonly FunnelDeal[], syncedAt = '2025-06-01T00:00:00.000Z'): DecodedDeals {
  const writer = dealsSnapshotWriter();
  const rows = list.map((deal) => writer.deal(deal));
  return decodeDealsSnapshot({ syncedAt, currency: 'EUR', deals: rows, strings: [...writer.strings()] });
}

const board: PipelineMapping = {
  pipelineId: 'P1',
  containers: [
    { id: 'a', name: 'A', statusIds: ['s1'], marker: null },
    { id: 'b', name: 'B', statusIds: ['s2'], marker: null },
    { id: 'w', name: 'W', statusIds: ['142'], marker: 'completed' },
    { id: 'l', name: 'L', statusIds: ['143'], marker: 'refusal' },
  ],
};
const config: MappingConfig = {
  ...emptyMappingConfig('amocrm'),
  filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'exclude', operator: 'equals', value: 'promo' }] },
  pipelines: [board],
};

const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((channel) => channel.port1.close()));

/** A page-side engine whose work happens across a MessageChannel; `reads` counts the snapshot reads. */
function acrossChannel(read: () => Promise<DecodedDeals>): DealsEngine {
  const channel = new MessageChannel();
  channels.push(channel);
  const end = (port: MessagePort): MessageEnd => {
    port.start();
    return port;
  };
  serveDealsEngine(end(channel.port2), createDealsEngine(read));
  return connectDealsEngine(end(channel.port1));
}

const ref = { connector: 'amocrm' as const, syncedAt: '2025-06-01T00:00:00.000Z' };

describe('the deals engine across a thread', () => {
  it('loads a snapshot once and answers every question as the shared engine does', async () => {
    let reads = 0;
    const engine = acrossChannel(() => {
      reads += 1;
      return Promise.resolve(wire(deals));
    });
    expect(await engine.load(ref)).toEqual({ ...ref, currency: 'EUR', deals: 4 });
    const context = { fields };
    const p1 = deals.filter((deal) => deal.pipelineId === 'P1');
    expect(await engine.ask(ref, { kind: 'pipeline', config, board, fields })).toEqual(pipelineFigures(config, board, p1, context));
    expect(await engine.ask(ref, { kind: 'matching', filter: config.filter, fields })).toEqual({ matched: countMatching(config.filter, deals, context), deals: 4 });
    const field = { id: 'budget', name: 'Бюджет', expression: '{price} / 2' };
    expect(await engine.ask(ref, { kind: 'calculated', config, field, fields })).toEqual(summarizeCalculated({ ...config, calculatedFields: [field] }, deals, context).budget);
    expect(await engine.ask(ref, { kind: 'funnel', config, fields })).toEqual(computeFunnel(config, deals, context, ref.syncedAt));
    expect(reads).toBe(1);
  });

  it('follows a drop: a status moved into Completed deal changes the won deals and the sales volume', async () => {
    const engine = acrossChannel(() => Promise.resolve(wire(deals)));
    const before = await engine.ask(ref, { kind: 'pipeline', config, board, fields });
    expect(before.totals).toMatchObject({ won: 0, salesVolume: 0, lost: 1, open: 1 });
    const moved: PipelineMapping = {
      ...board,
      containers: board.containers.map((container) => (container.id === 'a' ? { ...container, statusIds: [] } : container.id === 'w' ? { ...container, statusIds: ['142', 's1'] } : container)),
    };
    const after = await engine.ask(ref, { kind: 'pipeline', config, board: moved, fields });
    expect(after.totals).toMatchObject({ won: 1, salesVolume: 100, lost: 1, open: 0 });
  });

  it('hands an API failure back as the same ApiError, and reads again after one', async () => {
    let reads = 0;
    const engine = acrossChannel(() => {
      reads += 1;
      if (reads === 1) return Promise.reject(new ApiError(409, { type: 'about:blank', title: 'Conflict', status: 409, code: 'crm_not_connected', detail: 'Nothing is connected yet.' }));
      return Promise.resolve(wire(deals));
    });
    const error = await engine.load(ref).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'crm_not_connected' });
    expect(await engine.load(ref)).toMatchObject({ deals: 4 });
    expect(reads).toBe(2);
  });

  it('keeps the newest two snapshots of a connector', async () => {
    const read: string[] = [];
    let sync = 0;
    const engine = createDealsEngine(() => {
      sync += 1;
      read.push(`sync ${sync}`);
      return Promise.resolve(wire(deals.slice(0, sync)));
    });
    const at = (n: number) => ({ connector: 'amocrm' as const, syncedAt: `2025-06-0${n}T00:00:00.000Z` });
    expect((await engine.load(at(1))).deals).toBe(1);
    expect((await engine.load(at(2))).deals).toBe(2);
    expect((await engine.load(at(1))).deals).toBe(1);
    expect((await engine.load(at(3))).deals).toBe(3);
    // The oldest used (sync 2) was dropped: asking for it reads again.
    expect((await engine.load(at(2))).deals).toBe(4);
    expect(read).toEqual(['sync 1', 'sync 2', 'sync 3', 'sync 4']);
  });
});
