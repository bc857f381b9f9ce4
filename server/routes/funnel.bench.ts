import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';

import { afterAll, bench, describe } from 'vitest';

import { decodeDealsSnapshot, dealsSnapshotSchema, funnelReportSchema, type FunnelDeal } from '../../app/contracts/deals';
import { pipelineFigures } from '../../app/contracts/funnel';
import { mappingConfigSchema } from '../../app/contracts/mapping-config';
import { readCachedSchema } from '../crm/schema-cache';
import { createLogger } from '../lib/logger';
import { buildBenchSchema, buildDraftConfig, buildSeededDeals, seedConnectedAccount, storeThroughSync } from '../testing/seed-deals';
import { createTestServer, TestClient, workspaceIdOf } from '../testing/index';

/**
 * The funnel API at amoCRM's limits — 50 pipelines × 20 statuses, 50 custom fields, 20,000
 * deals with 100,000 status changes and about 10 field values each — versus a 300-deal account
 * of the same shape (1,500 status changes), both stored through the repository's sync writes
 * into the real SQLite file of one test server (two workspaces), with a 50-pipeline draft saved
 * through `PUT …/config`. End to end through `app.request` with the session cookie:
 * `GET …/funnel?config=draft`, the mapped-deals feed (`GET …/deals?config=draft`, NDJSON and
 * CSV, read to the end), the browser's snapshot (`GET …/deals/snapshot`: its bytes, gzip bytes
 * and what the deals worker does with it: `JSON.parse` + `dealsSnapshotSchema.parse` +
 * `decodeDealsSnapshot`; beside it the weight of the same deals as rows of objects, the format
 * before the compact one), the feed's memory while it streams, and the Mapping step's recompute
 * of one pipeline on a drop (`pipelineFigures`).
 * Seeded, so every run measures the same accounts. Nothing is asserted on memory: the numbers
 * are printed (a summary table before vitest's own).
 */

const PIPELINES = 50;
const LIMITS = { deals: 20_000, changes: 100_000, seed: 42 };
const SMALL = { deals: 300, changes: 1_500, seed: 7 };

const server = createTestServer({ logger: createLogger('info', () => {}) });
afterAll(() => server.close());

const schema = buildBenchSchema(PIPELINES);
const draft = buildDraftConfig(schema);

interface Account {
  browser: TestClient;
  workspaceId: string;
  deals: number;
  changes: number;
  storeMs: { dealsMs: number; changesMs: number };
}

async function seedAccount(size: { deals: number; changes: number; seed: number }): Promise<Account> {
  const browser = new TestClient(server);
  const workspaceId = await workspaceIdOf(browser);
  await seedConnectedAccount(server.repo, workspaceId, schema);
  const storeMs = await storeThroughSync(server.repo, workspaceId, buildSeededDeals({ ...size, pipelines: PIPELINES }));
  const saved = await browser.request('/api/connectors/amocrm/config', { method: 'PUT', json: draft, headers: { 'If-Match': '"0"' } });
  if (saved.status !== 200) throw new Error(`PUT …/config answered ${saved.status}: ${await saved.text()}`);
  return { browser, workspaceId, deals: size.deals, changes: size.changes, storeMs };
}

const limits = await seedAccount(LIMITS);
const small = await seedAccount(SMALL);

const FUNNEL = '/api/connectors/amocrm/funnel?config=draft';
const NDJSON = '/api/connectors/amocrm/deals?config=draft';
const CSV = '/api/connectors/amocrm/deals?config=draft&format=csv';
const SNAPSHOT = '/api/connectors/amocrm/deals/snapshot';

/** Reads a streamed body to its end without keeping it: bytes, `\n`-ended lines and chunks. */
async function drain(response: Response, onChunk?: () => void): Promise<{ bytes: number; lines: number; chunks: number }> {
  if (response.status !== 200 || !response.body) throw new Error(`answered ${response.status}: ${await response.text()}`);
  const reader = response.body.getReader();
  let bytes = 0;
  let lines = 0;
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    chunks += 1;
    for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) lines += 1;
    onChunk?.();
  }
  return { bytes, lines, chunks };
}

async function funnel(account: Account) {
  const response = await account.browser.request(FUNNEL);
  if (response.status !== 200) throw new Error(`funnel answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<unknown>;
}
const feed = (account: Account, path: string) => account.browser.request(path).then((response) => drain(response));
async function snapshotText(account: Account): Promise<string> {
  const response = await account.browser.request(SNAPSHOT);
  if (response.status !== 200) throw new Error(`snapshot answered ${response.status}`);
  return response.text();
}

interface Timing {
  mean: number;
  median: number;
}
/** A plain timing next to vitest's table: `times` runs after one warm-up, mean and median. */
async function timed(run: () => unknown, times: number): Promise<Timing> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { mean: samples.reduce((sum, ms) => sum + ms, 0) / times, median: samples[Math.floor(times / 2)] as number };
}

// ---- what the routes give (checked once, so the timings time real answers) -------------------

const report = funnelReportSchema.parse(await funnel(limits));
const smallReport = funnelReportSchema.parse(await funnel(small));
if (report.totals.deals !== LIMITS.deals || smallReport.totals.deals !== SMALL.deals) throw new Error('the funnel did not count every stored deal');
const ndjsonShape = await feed(limits, NDJSON);
const csvShape = await feed(limits, CSV);
const smallNdjsonShape = await feed(small, NDJSON);
if (ndjsonShape.lines !== report.totals.matched || csvShape.lines !== report.totals.matched + 1) {
  throw new Error(`feed lines ${ndjsonShape.lines} / csv ${csvShape.lines} vs ${report.totals.matched} matching deals`);
}

const snapshot = await snapshotText(limits);
const smallSnapshot = await snapshotText(small);
const snapshotBytes = Buffer.byteLength(snapshot);
const smallSnapshotBytes = Buffer.byteLength(smallSnapshot);
const snapshotGzip = gzipSync(snapshot).byteLength;
const smallSnapshotGzip = gzipSync(smallSnapshot).byteLength;
const readSnapshot = (text: string) => decodeDealsSnapshot(dealsSnapshotSchema.parse(JSON.parse(text)));
const parsedSnapshot = readSnapshot(snapshot);
const smallParsedSnapshot = readSnapshot(smallSnapshot);
if (parsedSnapshot.deals.length !== LIMITS.deals) throw new Error('the snapshot lost deals');
const visitedAverage = parsedSnapshot.deals.reduce((sum, deal) => sum + deal.visited.length, 0) / LIMITS.deals;
const fieldValuesAverage = parsedSnapshot.deals.reduce((sum, deal) => sum + Object.keys(deal.fields).length, 0) / LIMITS.deals;
/** The same deals as the snapshot was before it was compact: `{ syncedAt, currency, deals: [FunnelDeal…] }`. */
const rowsOf = (decoded: ReturnType<typeof readSnapshot>) => JSON.stringify({ syncedAt: decoded.syncedAt, currency: decoded.currency, deals: decoded.deals });
const rowSnapshot = rowsOf(parsedSnapshot);
const smallRowSnapshot = rowsOf(smallParsedSnapshot);

// ---- the Mapping step's recompute on a drop: one pipeline's deals, a one-pipeline draft --------

const config = mappingConfigSchema.parse(draft);
function busiestPipeline(byPipeline: ReadonlyMap<string, FunnelDeal[]>) {
  const [pipelineId, pipelineDeals] = [...byPipeline].sort((a, b) => b[1].length - a[1].length)[0] as [string, FunnelDeal[]];
  const board = config.pipelines.find((pipeline) => pipeline.pipelineId === pipelineId);
  if (!board) throw new Error(`pipeline ${pipelineId} is not in the draft`);
  return { board, deals: pipelineDeals };
}
const drop = busiestPipeline(parsedSnapshot.byPipeline);
const smallDrop = busiestPipeline(smallParsedSnapshot.byPipeline);

// ---- timings ----------------------------------------------------------------------------------

const times = { funnel: [10, 40], feed: [8, 40], snapshot: [8, 40], parse: [8, 40], drop: [200, 1000] } as const;
const t = {
  funnel: [await timed(() => funnel(limits), times.funnel[0]), await timed(() => funnel(small), times.funnel[1])],
  ndjson: [await timed(() => feed(limits, NDJSON), times.feed[0]), await timed(() => feed(small, NDJSON), times.feed[1])],
  csv: [await timed(() => feed(limits, CSV), times.feed[0]), await timed(() => feed(small, CSV), times.feed[1])],
  snapshot: [await timed(() => snapshotText(limits), times.snapshot[0]), await timed(() => snapshotText(small), times.snapshot[1])],
  jsonParse: [await timed(() => JSON.parse(snapshot), times.parse[0]), await timed(() => JSON.parse(smallSnapshot), times.parse[1])],
  zodParse: [await timed(() => dealsSnapshotSchema.parse(JSON.parse(snapshot)), times.parse[0]), await timed(() => dealsSnapshotSchema.parse(JSON.parse(smallSnapshot)), times.parse[1])],
  decode: [await timed(() => readSnapshot(snapshot), times.parse[0]), await timed(() => readSnapshot(smallSnapshot), times.parse[1])],
  drop: [
    await timed(() => pipelineFigures(config, drop.board, drop.deals, { fields: schema.customFields }), times.drop[0]),
    await timed(() => pipelineFigures(config, smallDrop.board, smallDrop.deals, { fields: schema.customFields }), times.drop[1]),
  ],
};
/** What every funnel/feed request pays before its first deal: the cached schema and the draft, each read and parsed. */
const fixed = {
  schema: await timed(() => readCachedSchema(server.repo, small.workspaceId, 'amocrm'), 50),
  draft: await timed(async () => await server.repo.getConnection(small.workspaceId, 'amocrm'), 50),
};

// ---- the feed's memory while it streams -------------------------------------------------------

/** A full collector: vitest's worker has no --expose-gc unless asked, so the flag is set at run time when missing. */
function obtainGc(): { gc: () => void; how: string } | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return { gc: exposed, how: 'global.gc (--expose-gc)' };
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return { gc: gc as () => void, how: 'v8.setFlagsFromString("--expose-gc") at run time (the worker had no global.gc)' };
  } catch {
    // fall through: sampled figures only
  }
  return null;
}
const collector = obtainGc();
const collect = () => {
  collector?.gc();
  collector?.gc();
};
const MB = 1024 * 1024;

interface FeedMemory {
  /** Largest heapUsed above the start, sampled after each chunk (garbage included). */
  peakHeap: number;
  /** Largest rss above the start, sampled after each chunk. */
  peakRss: number;
  /** Largest live heap above the start: a full GC after each chunk, then heapUsed (null without a collector). */
  liveHeap: number | null;
  /** Heap above the start after the stream ended and a full GC. */
  retained: number;
  /** What holding the whole feed costs instead: heap above the start with the body read by `text()` and kept. */
  buffered: number;
  chunks: number;
}

async function feedMemory(account: Account): Promise<FeedMemory> {
  // Pass 1: natural allocation (no forced GC while streaming).
  collect();
  let start = process.memoryUsage();
  let peakHeap = 0;
  let peakRss = 0;
  const shape = await drain(await account.browser.request(NDJSON), () => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed - start.heapUsed);
    peakRss = Math.max(peakRss, now.rss - start.rss);
  });
  // Pass 2: the live set, a full GC after every chunk.
  let liveHeap: number | null = null;
  if (collector) {
    collect();
    start = process.memoryUsage();
    liveHeap = 0;
    await drain(await account.browser.request(NDJSON), () => {
      collect();
      liveHeap = Math.max(liveHeap ?? 0, process.memoryUsage().heapUsed - start.heapUsed);
    });
  }
  collect();
  const retained = process.memoryUsage().heapUsed - start.heapUsed;
  // Contrast: the same feed held whole.
  collect();
  const before = process.memoryUsage().heapUsed;
  const whole = await (await account.browser.request(NDJSON)).text();
  collect();
  const buffered = process.memoryUsage().heapUsed - before;
  if (whole.length === 0) throw new Error('empty feed');
  return { peakHeap, peakRss, liveHeap, retained, buffered, chunks: shape.chunks };
}
const memory = [await feedMemory(limits), await feedMemory(small)] as const;

// ---- a finding: two streams at once -----------------------------------------------------------

/**
 * `iterateDeals` runs one prepared statement shared by every request; better-sqlite3 refuses a
 * second iteration of a statement while one is open ("This statement is busy executing a
 * query"). A feed being downloaded keeps it open, so this probes what another workspace gets
 * meanwhile. Printed, not asserted.
 */
async function concurrentReads(): Promise<string[]> {
  const open = await limits.browser.request(NDJSON);
  const reader = open.body!.getReader();
  await reader.read();
  const outcome: string[] = [];
  const other = await small.browser.request(FUNNEL);
  outcome.push(`other workspace's GET …/funnel: ${other.status} ${other.status === 200 ? '' : ((await other.json()) as { code?: string }).code}`);
  const otherFeed = await small.browser.request(NDJSON);
  try {
    const shape = await drain(otherFeed);
    outcome.push(`other workspace's GET …/deals: ${otherFeed.status}, ${shape.lines} lines`);
  } catch (error) {
    outcome.push(`other workspace's GET …/deals: ${otherFeed.status} headers, then the body fails: ${String(error)}`);
  }
  await reader.cancel();
  const after = await small.browser.request(FUNNEL);
  outcome.push(`after the first stream is cancelled, GET …/funnel: ${after.status}`);
  return outcome;
}
const concurrency = await concurrentReads();

// ---- the summary ------------------------------------------------------------------------------

const ms = (timing: Timing) => `${timing.mean.toFixed(timing.mean < 1 ? 3 : 1)} ms`;
const row = (what: string, pair: readonly Timing[]) => ({
  what,
  '20,000 deals (mean)': ms(pair[0] as Timing),
  '300 deals (mean)': ms(pair[1] as Timing),
  ratio: `${((pair[0] as Timing).mean / (pair[1] as Timing).mean).toFixed(1)}×`,
  '20,000 median': ms({ mean: (pair[0] as Timing).median, median: 0 }),
});
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / MB).toFixed(2)} MB`);

console.log(
  `\nFunnel API bench — ${PIPELINES} pipelines × 20 statuses, ${schema.customFields.length} custom fields; ` +
    `limits: ${LIMITS.deals} deals / ${LIMITS.changes} status changes (${visitedAverage.toFixed(1)} visited statuses, ${fieldValuesAverage.toFixed(1)} field values per deal; ` +
    `${report.totals.matched} match the filter), small: ${SMALL.deals} / ${SMALL.changes} (${smallReport.totals.matched} match).\n` +
    `Stored through the sync writes: deals ${limits.storeMs.dealsMs.toFixed(0)} ms + status changes ${limits.storeMs.changesMs.toFixed(0)} ms at the limits; ` +
    `${small.storeMs.dealsMs.toFixed(1)} + ${small.storeMs.changesMs.toFixed(1)} ms small.`,
);
console.table([
  row('GET …/funnel?config=draft', t.funnel),
  row('GET …/deals NDJSON, read to the end', t.ndjson),
  row('GET …/deals?format=csv, read to the end', t.csv),
  row('GET …/deals/snapshot, read whole', t.snapshot),
  row('deals worker: JSON.parse(snapshot)', t.jsonParse),
  row('deals worker: JSON.parse + dealsSnapshotSchema.parse', t.zodParse),
  row('deals worker: JSON.parse + parse + decodeDealsSnapshot', t.decode),
  row(`Mapping drop: pipelineFigures (${drop.deals.length} vs ${smallDrop.deals.length} deals)`, t.drop),
]);
console.log(
  `Fixed cost of every funnel/feed request (50-pipeline schema and draft): cached schema read + crmSchemaSchema.parse ${ms(fixed.schema)}, ` +
    `draft read + parse ${ms(fixed.draft)} (mean).`,
);
console.table([
  { body: 'NDJSON feed', '20,000 deals': kb(ndjsonShape.bytes), '300 deals': kb(smallNdjsonShape.bytes), ratio: `${(ndjsonShape.bytes / smallNdjsonShape.bytes).toFixed(1)}×` },
  { body: 'CSV feed', '20,000 deals': kb(csvShape.bytes), '300 deals': '', ratio: '' },
  { body: 'snapshot', '20,000 deals': kb(snapshotBytes), '300 deals': kb(smallSnapshotBytes), ratio: `${(snapshotBytes / smallSnapshotBytes).toFixed(1)}×` },
  { body: 'snapshot gzip', '20,000 deals': kb(snapshotGzip), '300 deals': kb(smallSnapshotGzip), ratio: `${(snapshotGzip / smallSnapshotGzip).toFixed(1)}×` },
  { body: 'the same deals as rows of objects (the former snapshot)', '20,000 deals': kb(Buffer.byteLength(rowSnapshot)), '300 deals': kb(Buffer.byteLength(smallRowSnapshot)), ratio: '' },
  { body: 'the former snapshot, gzip', '20,000 deals': kb(gzipSync(rowSnapshot).byteLength), '300 deals': kb(gzipSync(smallRowSnapshot).byteLength), ratio: '' },
]);
console.log(`Feed memory (NDJSON, ${collector ? collector.how : 'no full GC available: sampled heap and rss only'}):`);
console.table(
  (['20,000 deals', '300 deals'] as const).map((label, i) => {
    const m = memory[i] as FeedMemory;
    return {
      feed: `${label} (${m.chunks} chunks)`,
      'live heap while streaming (GC per chunk)': mb(m.liveHeap),
      'peak heapUsed Δ (no forced GC)': mb(m.peakHeap),
      'peak rss Δ': mb(m.peakRss),
      'retained after': mb(m.retained),
      'the same feed held whole': mb(m.buffered),
    };
  }),
);
console.log(`Two streams at once:\n  ${concurrency.join('\n  ')}\n`);

// ---- vitest's benches -------------------------------------------------------------------------

const slow = { time: 0, iterations: 5, warmupTime: 0, warmupIterations: 1 };
const quick = { time: 0, iterations: 30, warmupTime: 0, warmupIterations: 3 };

describe('GET /api/connectors/amocrm/funnel?config=draft (end to end)', () => {
  bench('amoCRM limits: 20,000 deals', () => funnel(limits).then(() => undefined), slow);
  bench('small account: 300 deals', () => funnel(small).then(() => undefined), quick);
});

describe('GET /api/connectors/amocrm/deals?config=draft (NDJSON, streamed to the end)', () => {
  bench('amoCRM limits: 20,000 deals', () => feed(limits, NDJSON).then(() => undefined), slow);
  bench('small account: 300 deals', () => feed(small, NDJSON).then(() => undefined), quick);
});

describe('GET /api/connectors/amocrm/deals?config=draft&format=csv (streamed to the end)', () => {
  bench('amoCRM limits: 20,000 deals', () => feed(limits, CSV).then(() => undefined), slow);
  bench('small account: 300 deals', () => feed(small, CSV).then(() => undefined), quick);
});

describe('GET /api/connectors/amocrm/deals/snapshot (read whole)', () => {
  bench('amoCRM limits: 20,000 deals', () => snapshotText(limits).then(() => undefined), slow);
  bench('small account: 300 deals', () => snapshotText(small).then(() => undefined), quick);
});

describe('the deals worker reads the snapshot: JSON.parse + dealsSnapshotSchema.parse + decodeDealsSnapshot', () => {
  bench('amoCRM limits: 20,000 deals', () => {
    readSnapshot(snapshot);
  }, slow);
  bench('small account: 300 deals', () => {
    readSnapshot(smallSnapshot);
  }, quick);
});

describe('Mapping step, one drop: pipelineFigures on one pipeline with a one-pipeline draft', () => {
  bench(`amoCRM limits: ${drop.deals.length} deals in the busiest pipeline`, () => {
    pipelineFigures(config, drop.board, drop.deals, { fields: schema.customFields });
  });
  bench(`small account: ${smallDrop.deals.length} deals in the busiest pipeline`, () => {
    pipelineFigures(config, smallDrop.board, smallDrop.deals, { fields: schema.customFields });
  });
});
