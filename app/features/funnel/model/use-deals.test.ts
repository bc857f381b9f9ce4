import { afterEach, describe, expect, it, vi } from 'vitest';

import { decodeDealsSnapshot, dealsSnapshotWriter, type FunnelDeal } from '@/contracts/deals';

import { createDealsEngine, serveDealsEngine } from './deals-engine';
import { dealsEngine, setDealsEngine } from './use-deals';

/**
 * Which engine the page gets: a module worker (deals.worker.ts) where the browser has Worker,
 * the same engine on the page's thread where it has none or the worker fails. A stand-in Worker
 * records how it was started and serves the real engine over a MessageChannel.
 */

const deal: FunnelDeal = { id: '1', pipelineId: 'P1', statusId: '142', amount: 10, createdAt: 0, updatedAt: 0, visited: ['142'], fields: {} };
const ref = { connector: 'amocrm' as const, syncedAt: '2025-06-01T00:00:00.000Z' };

const started: Array<{ url: string; options: WorkerOptions | undefined; worker: StandInWorker }> = [];

class StandInWorker {
  private readonly channel = new MessageChannel();
  private readonly errorListeners: Array<(event: ErrorEvent) => void> = [];
  constructor(url: URL | string, options?: WorkerOptions) {
    started.push({ url: String(url), options, worker: this });
    this.channel.port1.start();
    this.channel.port2.start();
    const writer = dealsSnapshotWriter();
    const rows = [writer.deal(deal)];
    serveDealsEngine(this.channel.port2, createDealsEngine(() => Promise.resolve(decodeDealsSnapshot({ syncedAt: ref.syncedAt, currency: 'RUB', deals: rows, strings: [...writer.strings()] }))));
  }
  postMessage(message: unknown) {
    this.channel.port1.postMessage(message);
  }
  addEventListener(type: 'message' | 'error', listener: (event: MessageEvent | ErrorEvent) => void) {
    if (type === 'error') this.errorListeners.push(listener);
    else this.channel.port1.addEventListener('message', listener);
  }
  fail(message: string) {
    for (const listener of this.errorListeners) listener({ message } as ErrorEvent);
  }
  close() {
    this.channel.port1.close();
  }
}

afterEach(() => {
  started.splice(0).forEach(({ worker }) => worker.close());
  setDealsEngine(undefined);
  vi.unstubAllGlobals();
});

describe('dealsEngine', () => {
  it('starts the deals worker as a module once, and its answers come from it', async () => {
    vi.stubGlobal('Worker', StandInWorker);
    const engine = dealsEngine();
    expect(dealsEngine()).toBe(engine);
    expect(started).toHaveLength(1);
    expect(started[0]?.url).toMatch(/\/deals\.worker\.ts$/);
    expect(started[0]?.options).toMatchObject({ type: 'module' });
    expect(await engine.load(ref)).toEqual({ ...ref, currency: 'RUB', deals: 1 });
  });

  it('fails what was waiting and computes on this thread when the worker fails', async () => {
    vi.stubGlobal('Worker', StandInWorker);
    const engine = dealsEngine();
    started[0]?.worker.close();
    const waiting = engine.load(ref);
    started[0]?.worker.fail('blocked by CSP');
    await expect(waiting).rejects.toThrow('blocked by CSP');
    expect(dealsEngine()).not.toBe(engine);
  });

  it('is the engine on this thread where there is no Worker', () => {
    vi.stubGlobal('Worker', undefined);
    dealsEngine();
    expect(started).toHaveLength(0);
  });
});
