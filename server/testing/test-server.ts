import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type { SandboxAmo } from '../../mocks/sandbox/amocrm/index';
import { createApp, type AppDeps } from '../app';
import { createDriftService, type DriftOptions, type DriftService } from '../crm/drift';
import { createSchemaProvider } from '../crm/schema-cache';
import type { Repository } from '../db/repository';
import { createLogger } from '../lib/logger';
import { createDealSync, type DealSyncOptions, type DealSyncService } from '../sync/deal-sync';

import { createTestCrm, type TestCrm, type TestCrmOptions } from './crm-test-kit';
import { openTestRepository } from './test-database';

export const TEST_ORIGIN = 'http://127.0.0.1:8787';

/** A temporary data directory with a real SQLite file, removed by `cleanup`. */
export function makeTempDir(prefix = 'hub-connect-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A TCP port free on 127.0.0.1 right now, for a server a test really starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestServerOptions extends Partial<AppDeps> {
  /**
   * How the default CRM side is built (`createTestCrm`'s options; the public URL is the
   * server's): e.g. `{ bitrix24: true }` puts the sandbox Bitrix24 next to the sandbox amoCRM.
   * Not together with `crm` (CRM deps of the test's own).
   */
  testCrm?: Omit<TestCrmOptions, 'publicUrl'>;
  /**
   * The deal sync's options (its clock, page sizes, overlap). Unlike the product, the test
   * server does not start a sync after an OAuth callback unless `startOnAuthorization: true`:
   * tests that count CRM requests see only their own. `POST …/sync`, `server.dealSync.start`
   * and `syncThroughApi` start one. Not together with `dealSync` (a sync of the test's own).
   */
  sync?: Omit<DealSyncOptions, 'repo' | 'crm' | 'logger'>;
  /**
   * The CRM drift check's options (the oldest cached schema it accepts, its interval, its clock).
   * The periodic check does not run unless the test calls `server.drift.start()` (or `round()`).
   */
  driftCheck?: Omit<DriftOptions, 'repo' | 'schemas' | 'logger'>;
}

export interface TestServer {
  app: ReturnType<typeof createApp>;
  repo: Repository;
  dataDir: string;
  logs: string[];
  /** The in-memory sandbox amoCRM behind the CRM routes (null when `overrides.crm` replaced it). */
  sandbox: SandboxAmo | null;
  /** The whole CRM side the server was built with: both sandboxes (null when `overrides.crm` replaced it). */
  crm: TestCrm | null;
  /** The app's CRM drift check (a new one after `restart`): `round`, `start`, `idle` for tests. */
  drift: DriftService;
  /** The app's deal sync (a new one after `restart`): `settled`, `idle`, `status` for tests to wait on. */
  dealSync: DealSyncService;
  /**
   * Stops the deal sync (a running run stays `loading` in the database), closes the database
   * and opens the same file again with a new app and sync, as a restart would. Nothing is
   * resumed until the test calls `dealSync.resumeUnfinished()`, as the server's start does.
   * The new app is in place at once; the promise settles when the old database is closed.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function createTestServer(options: TestServerOptions = {}, dataDir = makeTempDir().dir): TestServer {
  const { testCrm, sync, driftCheck, ...overrides } = options;
  if (testCrm && overrides.crm) throw new Error('createTestServer: either `crm` or `testCrm`, not both');
  const logs: string[] = [];
  // Unless a test brings its own, the CRM routes talk to in-memory sandboxes (amoCRM; Bitrix24 when asked).
  const crm = overrides.crm ? null : createTestCrm({ ...testCrm, publicUrl: overrides.publicUrl ?? TEST_ORIGIN });
  const crmDeps = overrides.crm ?? crm?.deps;
  if (!crmDeps) throw new Error('unreachable: either a test CRM or an override');
  const build = () => {
    const repo = openTestRepository(dataDir);
    const logger = overrides.logger ?? createLogger('debug', (line) => logs.push(line));
    const dealSync = overrides.dealSync ?? createDealSync({ startOnAuthorization: false, leaseMs: 0, ...sync, repo, crm: crmDeps, logger });
    const schemas = overrides.schemas ?? createSchemaProvider(repo, crmDeps);
    const drift = overrides.drift ?? createDriftService({ now: crmDeps.now, ...driftCheck, repo, schemas, logger });
    const app = createApp({
      repo,
      logger,
      sessionSecret: 'test-session-secret-that-is-long-enough',
      publicUrl: TEST_ORIGIN,
      ...overrides,
      crm: crmDeps,
      dealSync,
      schemas,
      drift,
    });
    return { repo, app, dealSync, drift };
  };
  let current = build();
  return {
    get app() {
      return current.app;
    },
    get repo() {
      return current.repo;
    },
    dataDir,
    logs,
    sandbox: crm?.sandbox ?? null,
    crm,
    get dealSync() {
      return current.dealSync;
    },
    get drift() {
      return current.drift;
    },
    restart() {
      const previous = current;
      // Like a crash: the runs stop where they are (their leases lapse at once: leaseMs 0 unless a test sets one).
      void previous.dealSync.close();
      void previous.drift.close();
      const closed = previous.repo.close();
      current = build();
      return closed;
    },
    async close() {
      await current.dealSync.close();
      await current.drift.close();
      await current.repo.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping client for one browser (one workspace) against an in-process app. */
export class TestClient {
  private cookie: string | null = null;

  constructor(private readonly server: { app: { request: (input: string, init?: RequestInit) => Response | Promise<Response> } }) {}

  get sessionCookie(): string | null {
    return this.cookie;
  }

  async request(pathname: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('Cookie', this.cookie);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await this.server.app.request(`${TEST_ORIGIN}${pathname}`, { ...init, headers, body });
    const setCookie = response.headers.get('Set-Cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? null;
    return response;
  }
}
