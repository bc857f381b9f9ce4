import { createLogger, type Logger } from '../../lib/logger';
import type { CrmConnection, CrmTokens, StoredAccess } from '../types';

import type { Timing } from './timing';

/**
 * Test doubles for the CRM HTTP client (imported by tests only): a clock whose sleeps and
 * timeouts move fake time, a logger that keeps its lines, a scripted fetch and an in-memory
 * connection with compare-and-swap.
 */

/** `sleep` moves time forward at once (recording what was asked); timeouts fire when time passes them. */
export class ManualTiming implements Timing {
  readonly sleeps: number[] = [];
  private timers: Array<{ at: number; fire: () => void }> = [];

  constructor(private current = 1_000_000) {}

  now = (): number => this.current;

  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.advance(ms);
    return Promise.resolve();
  };

  timeout = (ms: number): AbortSignal => {
    const controller = new AbortController();
    const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    this.timers.push({ at: this.current + ms, fire: () => controller.abort(reason) });
    return controller.signal;
  };

  advance(ms: number): void {
    this.current += ms;
    const due = this.timers.filter((timer) => timer.at <= this.current);
    this.timers = this.timers.filter((timer) => timer.at > this.current);
    due.forEach((timer) => timer.fire());
  }
}

/**
 * Like `ManualTiming`, but a sleep moves the clock only after the work already under way has
 * run (on the next macrotask), as real time would: callers that were let through before a
 * sleep reach `fetch` at the time they were let through. For measuring when requests leave.
 */
export class SettlingTiming extends ManualTiming {
  override sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise((resolve) =>
      setImmediate(() => {
        this.advance(ms);
        resolve();
      }),
    );
  };
}

/** A real JSON-lines logger writing into `lines`. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('debug', (line) => lines.push(line)), lines };
}

export interface Sent {
  request: Request;
  init: RequestInit | undefined;
}

/** A fetch answering with `answer` (by call number, from 0) and remembering every request. */
export function scriptedFetch(answer: (request: Request, n: number) => Response | Promise<Response>): {
  fetch: typeof fetch;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    sent.push({ request, init });
    return Promise.resolve(answer(request, sent.length - 1));
  };
  return { fetch: fetchImpl, sent };
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** An in-memory `CrmConnection` with versioned tokens, plus levers for races. */
export interface TestConnection extends CrmConnection {
  /** Stores tokens as another process would (a new version, no compare). */
  write(tokens: CrmTokens): void;
  /** Makes `write(tokens)` happen on the first read at or after `at` (fake time). */
  writeAt(at: number, tokens: CrmTokens): void;
  /** Calls `rotate` has seen, and `revoked`'s count. */
  readonly rotations: Array<{ expectedVersion: string; won: boolean }>;
  readonly revocations: number;
}

export function testConnection(tokens: CrmTokens, timing: Timing, key = 'workspace-1/crm'): TestConnection {
  let current: StoredAccess | null = {
    baseUrl: 'https://crm.example',
    // The account plays no part in the client (and its shape is changing: ids become strings).
    account: { name: 'Example' } as StoredAccess['account'],
    tokens,
    version: 'v1',
  };
  let versions = 1;
  let scheduled: { at: number; tokens: CrmTokens } | null = null;
  let revocations = 0;
  const rotations: Array<{ expectedVersion: string; won: boolean }> = [];
  const store = (next: CrmTokens) => {
    if (!current) return;
    versions += 1;
    current = { ...current, tokens: next, version: `v${versions}` };
  };
  return {
    key,
    read() {
      if (scheduled && timing.now() >= scheduled.at) {
        store(scheduled.tokens);
        scheduled = null;
      }
      return Promise.resolve(current);
    },
    rotate(expectedVersion, next) {
      const won = current !== null && current.version === expectedVersion;
      rotations.push({ expectedVersion, won });
      if (!won) return Promise.resolve(null);
      store(next);
      return Promise.resolve(current);
    },
    revoked() {
      revocations += 1;
      current = null;
      return Promise.resolve();
    },
    write: store,
    writeAt(at, next) {
      scheduled = { at, tokens: next };
    },
    rotations,
    get revocations() {
      return revocations;
    },
  };
}
