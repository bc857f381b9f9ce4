import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import { SESSION_COOKIE } from '../lib/session';

/**
 * The product server as a process of its own (`server/index.ts` through tsx, as
 * `node dist/server/index.js` runs it), for tests that need real processes: several servers
 * on one database, a server killed with SIGKILL.
 */

/** One browser over real sockets: its session cookie goes to whichever server it asks (as behind a load balancer). */
export class ProcessBrowser {
  private cookie = '';
  constructor(private readonly publicUrl: string) {}

  async request(server: Pick<ServerProcess, 'origin'>, pathAndQuery: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { Origin: this.publicUrl, ...init.headers };
    if (this.cookie) headers.Cookie = this.cookie;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${server.origin}${pathAndQuery}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      redirect: 'manual',
    });
    const set = response.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
    if (set) this.cookie = set.split(';')[0]!;
    return response;
  }
}

const root = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  origin: string;
  process: ChildProcess;
  /** Everything it printed (stdout and stderr), for a failure's message. */
  output: string[];
  /** Resolves once `GET /api/ready` answers 200 (the database answers); rejects with its output when it never does. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startServerProcess(port: number, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    // eslint-disable-next-line no-restricted-properties -- the child's environment (PATH and the like), not this server's configuration
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const origin = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    origin,
    process: child,
    output,
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
        const answer = await fetch(`${origin}/api/ready`).catch(() => null);
        if (answer?.status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${origin} did not become ready:\n${output.join('')}`);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
