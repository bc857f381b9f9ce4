import type { ConnectorId } from '@/contracts/connector';
import type { CalculatedSummary, DecodedDeals, FunnelReport, PipelineFunnel } from '@/contracts/deals';
import { computeFunnel, countMatching, pipelineFigures, summarizeCalculated, type FunnelField } from '@/contracts/funnel';
import type { CalculatedField, Filter, MappingConfig, PipelineMapping } from '@/contracts/mapping-config';
import { ApiError } from '@/lib/api-client';
import type { Problem } from '@/contracts/problem';

/**
 * The wizard's figures over the synced deals, computed where the deals are held: in the
 * browser a Web Worker (`deals.worker.ts`) reads the snapshot, parses, decodes and counts, so the
 * page's main thread never holds the deals nor a long task for them; it sends a question (the
 * draft as it is now) and gets the figures back. Every figure comes from the shared engine
 * (app/contracts/funnel.ts), the API's own. Where there is no Worker (the component tests in
 * jsdom) the same engine answers on the page's thread (`createDealsEngine`), through the same
 * interface.
 */

/** Which snapshot: the connection's deals as of the sync that finished at `syncedAt`. */
export interface SnapshotRef {
  connector: ConnectorId;
  syncedAt: string | null;
}

/** What the page learns of a loaded snapshot (the deals themselves stay with the engine). */
export interface DealsSummary extends SnapshotRef {
  /** ISO 4217 code of the account's currency. */
  currency: string;
  /** Every synced deal. */
  deals: number;
}

export type DealsQuestion =
  /** One pipeline's funnel with `board` in place of its mapping (the Mapping step's panel). */
  | { kind: 'pipeline'; config: MappingConfig; board: PipelineMapping; fields: FunnelField[] }
  /** How many deals the filter keeps (the Filter step). */
  | { kind: 'matching'; filter: Filter; fields: FunnelField[] }
  /** One calculated field's total and average over the matching deals (the Calculation step). */
  | { kind: 'calculated'; config: MappingConfig; field: CalculatedField; fields: FunnelField[] }
  /** Every pipeline's funnel (the Done step). */
  | { kind: 'funnel'; config: MappingConfig; fields: FunnelField[] };

export interface DealsAnswers {
  pipeline: PipelineFunnel;
  matching: { matched: number; deals: number };
  calculated: CalculatedSummary;
  funnel: FunnelReport;
}
export type DealsAnswer<Q extends DealsQuestion> = DealsAnswers[Q['kind']];

export interface DealsEngine {
  /** Reads the snapshot (once per ref; a ref already read answers at once). */
  load(ref: SnapshotRef): Promise<DealsSummary>;
  ask<Q extends DealsQuestion>(ref: SnapshotRef, question: Q): Promise<DealsAnswer<Q>>;
}

/** Snapshots kept per connector: the newest and the one before (still shown while the newest loads). */
const KEPT_PER_CONNECTOR = 2;

/** The engine itself, on whatever thread calls it; `read` fetches and decodes a connection's snapshot. */
export function createDealsEngine(read: (connector: ConnectorId) => Promise<DecodedDeals>): DealsEngine {
  const snapshots = new Map<string, Promise<DecodedDeals>>();
  const keyOf = (ref: SnapshotRef) => `${ref.connector}|${ref.syncedAt ?? ''}`;

  const deals = (ref: SnapshotRef): Promise<DecodedDeals> => {
    const key = keyOf(ref);
    let loaded = snapshots.get(key);
    if (loaded) {
      // Most recently used last.
      snapshots.delete(key);
      snapshots.set(key, loaded);
      return loaded;
    }
    loaded = read(ref.connector);
    snapshots.set(key, loaded);
    // A failed read is not kept: the next question reads again.
    loaded.catch(() => snapshots.get(key) === loaded && snapshots.delete(key));
    const same = [...snapshots.keys()].filter((other) => other.startsWith(`${ref.connector}|`));
    for (const old of same.slice(0, Math.max(0, same.length - KEPT_PER_CONNECTOR))) snapshots.delete(old);
    return loaded;
  };

  return {
    async load(ref) {
      const snapshot = await deals(ref);
      return { ...ref, currency: snapshot.currency, deals: snapshot.deals.length };
    },
    async ask(ref, question) {
      const snapshot = await deals(ref);
      return answer(snapshot, question) as DealsAnswer<typeof question>;
    },
  };
}

function answer(snapshot: DecodedDeals, question: DealsQuestion): DealsAnswers[DealsQuestion['kind']] {
  const context = { fields: question.fields };
  switch (question.kind) {
    case 'pipeline':
      return pipelineFigures(question.config, question.board, snapshot.byPipeline.get(question.board.pipelineId) ?? [], context);
    case 'matching':
      return { matched: countMatching(question.filter, snapshot.deals, context), deals: snapshot.deals.length };
    case 'calculated': {
      const config: MappingConfig = { ...question.config, calculatedFields: [question.field] };
      return summarizeCalculated(config, snapshot.deals, context)[question.field.id] ?? { count: 0, total: 0, average: null };
    }
    case 'funnel':
      return computeFunnel(question.config, snapshot.deals, context, snapshot.syncedAt);
  }
}

// ---- across a thread: a request/answer protocol over postMessage -----------------------------

type Unsent = { method: 'load'; ref: SnapshotRef } | { method: 'ask'; ref: SnapshotRef; question: DealsQuestion };
type Request = Unsent & { id: number };

/** A failure as it crosses the thread: an API error keeps its status and problem document. */
type Failure = { api: true; status: number; problem: Problem | null } | { api: false; message: string };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Failure };

/** The side of a port or worker the protocol uses (a `Worker`, a worker's `self`, a `MessagePort`). */
export interface MessageEnd {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const failure = (error: unknown): Failure =>
  error instanceof ApiError ? { api: true, status: error.status, problem: error.problem } : { api: false, message: error instanceof Error ? error.message : String(error) };

/** The worker's side: answers each request with the engine. */
export function serveDealsEngine(end: MessageEnd, engine: DealsEngine): void {
  end.addEventListener('message', (event) => {
    const request = event.data as Request;
    const work = request.method === 'load' ? engine.load(request.ref) : engine.ask(request.ref, request.question);
    work.then(
      (value) => end.postMessage({ id: request.id, ok: true, value } satisfies Reply),
      (error: unknown) => end.postMessage({ id: request.id, ok: false, error: failure(error) } satisfies Reply),
    );
  });
}

/**
 * The page's side: an engine whose work happens at the other end. `broken` (a worker that failed
 * to start or crashed) fails every request still waiting.
 */
export function connectDealsEngine(end: MessageEnd): DealsEngine & { broken(error: Error): void } {
  let next = 1;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  end.addEventListener('message', (event) => {
    const reply = event.data as Reply;
    const pending = waiting.get(reply.id);
    if (!pending) return;
    waiting.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(reply.error.api ? new ApiError(reply.error.status, reply.error.problem) : new Error(reply.error.message));
  });
  const send = (request: Unsent) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next;
      next += 1;
      waiting.set(id, { resolve, reject });
      end.postMessage({ ...request, id });
    });
  return {
    load: (ref) => send({ method: 'load', ref }) as Promise<DealsSummary>,
    ask: (ref, question) => send({ method: 'ask', ref, question }) as Promise<DealsAnswer<typeof question>>,
    broken(error) {
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    },
  };
}
