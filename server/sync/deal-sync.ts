import { randomUUID } from 'node:crypto';

import type { ConnectorId } from '../../app/contracts/connector';
import { IDLE_SYNC, type DealSync } from '../../app/contracts/deals';
import type { CrmErrorCode } from '../../app/contracts/oauth';
import type { DealSyncCursor, Repository, SyncedDeal, SyncedStatusChange } from '../db/repository';
import { CrmError } from '../crm/errors';
import { catalogueEntry, connectorNotSupported, type CrmDeps } from '../crm/registry';
import { storedConnection } from '../crm/token-store';
import type { CrmAdapter, CrmConnection, CrmLead, CrmStatusChange } from '../crm/types';
import type { Logger } from '../lib/logger';

/**
 * The deal sync: loads the connected account's deals and their status changes through the
 * CRM adapter into the repository, per workspace and connector, for the funnel engine.
 *
 * - The first run is full: every deal (by id, page by page), then every status change. Later
 *   runs are incremental: the deals changed and the status changes made since the last
 *   complete run began, less `overlapSec` (the CRM's clock is not ours), upserted by id.
 * - Each page is written with the progress after it in one transaction, so a run stopped by a
 *   CRM error (`failed`) or by the process ending (`loading` with no live run) continues from
 *   the page it stopped at: on the next `start`, or `resumeUnfinished` at the server's start.
 * - Runs happen in the background: `start` returns once the run is begun; one run at a time
 *   per workspace and connector (starts of the same one in this process wait for each other). A run writes only while it holds the sync (its run id): a disconnect or
 *   another account's authorization takes it away, and the run stops at its next page.
 * - The adapters' HTTP clients keep to the CRM's rate limit; tokens stay in the token store.
 */

export interface DealSyncService {
  /** Starts (or resumes) a run in the background and returns the progress at once; while one runs, its progress. */
  start(workspaceId: string, connector: ConnectorId): Promise<DealSync>;
  /** The progress of the current or last run; `IDLE_SYNC` when none ever ran. */
  status(workspaceId: string, connector: ConnectorId): Promise<DealSync>;
  /**
   * After a successful OAuth callback: another account than before drops what was synced of
   * the old one; then a run starts (unless `startOnAuthorization` is off).
   */
  authorized(workspaceId: string, connector: ConnectorId, grant?: { accountChanged?: boolean }): Promise<void>;
  /** Resolves when the workspace's run (if any) has ended, with the progress then. */
  settled(workspaceId: string, connector: ConnectorId): Promise<DealSync>;
  /** Resolves when no run is left in this process. */
  idle(): Promise<void>;
  /** Starts a run for every sync a previous process left `loading`; how many were started. */
  resumeUnfinished(): Promise<number>;
  /** Stops: running runs write nothing more (they stay `loading`, resumed at the next start; their leases are let go). */
  close(): Promise<void>;
}

export interface DealSyncOptions {
  repo: Repository;
  crm: CrmDeps;
  logger: Logger;
  /** Unix ms (tests). */
  now?: () => number;
  /** Start a run after a successful OAuth callback. Default true. */
  startOnAuthorization?: boolean;
  /** Seconds an incremental run reaches back before the last complete run began. Default 300. */
  overlapSec?: number;
  /** Deals a page (the adapters cap it: amoCRM 250, Bitrix24 50). Default 250. */
  dealPageSize?: number;
  /** Status changes a page (amoCRM 100, Bitrix24 50). Default 100. */
  eventPageSize?: number;
  /**
   * With several servers on one database, a run belongs to the server that runs it as long as it
   * writes its row at least this often (every page does): another server neither starts a second
   * run nor takes it over, and shows its progress. A run silent for longer (its server stopped) is
   * resumed by the next start, or by the next look at its progress. Wall-clock ms. Default 2 minutes.
   */
  leaseMs?: number;
}

export const DEFAULT_SYNC_LEASE_MS = 120_000;

export const DEFAULT_OVERLAP_SEC = 300;

/** What the user is told when a run stops, by CRM error code; every one says what happens next. */
const FAILURE_MESSAGES: Record<CrmErrorCode, (crm: string) => string> = {
  crm_unavailable: (crm) => `${crm} did not answer; the loading resumes where it stopped when you try again.`,
  crm_rate_limited: (crm) => `${crm} asked us to slow down; try again in a minute and the loading resumes where it stopped.`,
  crm_access_revoked: (crm) => `${crm} no longer accepts our access. Authorize again; the loading then resumes where it stopped.`,
  crm_not_connected: (crm) => `${crm} is not connected any more. Authorize access; the loading then starts again.`,
  crm_payment_required: (crm) => `The ${crm} account's subscription has ended. Renew it, then try again: the loading resumes where it stopped.`,
  crm_forbidden: (crm) =>
    `${crm} refused the request (the account is blocked or this server is not allowed). Check the account, then try again: the loading resumes where it stopped.`,
};

const INTERNAL_FAILURE = {
  code: 'sync_failed',
  message: 'The loading stopped because of a problem on our side. Try again: it resumes where it stopped.',
};

/** A CRM lead as the sync stores it: the funnel's fields, custom-field values as text. */
export function toSyncedDeal(lead: CrmLead): SyncedDeal {
  const fields: Record<string, string[]> = {};
  for (const field of lead.customFields) {
    const values = field.values.map(String).filter((value) => value !== '');
    if (values.length > 0) fields[field.fieldId] = [...(fields[field.fieldId] ?? []), ...values];
  }
  return {
    id: lead.id,
    pipelineId: lead.pipelineId,
    statusId: lead.statusId,
    amount: lead.price,
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
    fields,
  };
}

export function toSyncedStatusChange(change: CrmStatusChange): SyncedStatusChange {
  return { id: change.id, dealId: change.leadId, at: change.createdAt, before: change.before, after: change.after };
}

interface Run {
  runId: string;
  cancelled: boolean;
  done: Promise<void>;
}

const keyOf = (workspaceId: string, connector: ConnectorId) => `${workspaceId}\u0000${connector}`;

export function createDealSync(options: DealSyncOptions): DealSyncService {
  const { repo, crm, logger } = options;
  const now = options.now ?? (() => Date.now());
  const overlapSec = options.overlapSec ?? DEFAULT_OVERLAP_SEC;
  const dealPageSize = options.dealPageSize ?? 250;
  const eventPageSize = options.eventPageSize ?? 100;
  const startOnAuthorization = options.startOnAuthorization ?? true;
  const leaseMs = options.leaseMs ?? DEFAULT_SYNC_LEASE_MS;
  /** Before this (ISO, wall clock, like the rows' `updated_at`), a run that wrote nothing is abandoned. */
  const liveSince = () => new Date(Date.now() - leaseMs).toISOString();
  const runs = new Map<string, Run>();
  /** Starts under way (the checks and `beginDealSync`), by key: a second start waits for the first. */
  const starting = new Map<string, Promise<DealSync>>();
  let closed = false;
  const isoNow = () => new Date(now()).toISOString();

  async function status(workspaceId: string, connector: ConnectorId): Promise<DealSync> {
    const stored = await repo.getDealSync(workspaceId, connector);
    if (!stored) return IDLE_SYNC;
    const { currency: _currency, ...progress } = stored;
    return progress;
  }

  /** The live run of the workspace's connector, if it still holds the sync. */
  async function liveRun(workspaceId: string, connector: ConnectorId): Promise<Run | null> {
    const key = keyOf(workspaceId, connector);
    const run = runs.get(key);
    if (!run) return null;
    const record = await repo.getDealSyncRecord(workspaceId, connector);
    if (!run.cancelled && record?.state === 'loading' && record.runId === run.runId) return run;
    // Its sync was taken away (a disconnect, another account): it stops at its next page.
    run.cancelled = true;
    runs.delete(key);
    return null;
  }

  function start(workspaceId: string, connector: ConnectorId): Promise<DealSync> {
    const key = keyOf(workspaceId, connector);
    const previous = starting.get(key);
    const next = (previous ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => begin(workspaceId, connector))
      .finally(() => {
        if (starting.get(key) === next) starting.delete(key);
      });
    starting.set(key, next);
    return next;
  }

  /** Waits for the starts under way for this key (whatever they end in). */
  async function started(key: string): Promise<void> {
    for (let pending = starting.get(key); pending; pending = starting.get(key)) await pending.catch(() => undefined);
  }

  async function begin(workspaceId: string, connector: ConnectorId): Promise<DealSync> {
    const adapter = crm.adapters[connector];
    if (!adapter) throw connectorNotSupported(connector);
    if (closed || (await liveRun(workspaceId, connector))) return status(workspaceId, connector);
    if (!(await repo.getCredentials(workspaceId, connector))) throw new CrmError('crm_not_connected', 'No CRM access stored');

    const record = await repo.getDealSyncRecord(workspaceId, connector);
    const resumed = (record?.state === 'loading' || record?.state === 'failed') && record.cursor !== null ? record : null;
    let cursor: DealSyncCursor;
    let progress: { loaded: number; total: number | null; startedAt: string };
    if (resumed?.cursor) {
      cursor = resumed.cursor;
      progress = { loaded: resumed.loaded, total: resumed.total, startedAt: resumed.startedAt ?? isoNow() };
    } else {
      const syncedAt = record?.syncedAt ? Date.parse(record.syncedAt) : null;
      const since = syncedAt === null || Number.isNaN(syncedAt) ? null : Math.max(0, Math.floor(syncedAt / 1000) - overlapSec);
      cursor = { mode: since === null ? 'full' : 'incremental', phase: 'deals', page: 1, since };
      progress = { loaded: 0, total: null, startedAt: isoNow() };
    }
    const runId = randomUUID();
    if (!(await repo.beginDealSync(workspaceId, connector, { runId, ...progress, cursor }, { unlessLiveSince: liveSince() }))) {
      logger.info('deal sync runs on another server', { workspace: workspaceId, connector });
      return status(workspaceId, connector);
    }
    logger.info('deal sync started', { workspace: workspaceId, connector, mode: cursor.mode, phase: cursor.phase, page: cursor.page, resumed: resumed !== null });

    const key = keyOf(workspaceId, connector);
    const run: Run = { runId, cancelled: false, done: Promise.resolve() };
    run.done = execute(run, {
      workspaceId,
      connector,
      adapter,
      cursor,
      progress,
      readCurrency: resumed === null || resumed.currency === null,
    }).finally(() => {
      if (runs.get(key) === run) runs.delete(key);
    });
    runs.set(key, run);
    return status(workspaceId, connector);
  }

  interface Job {
    workspaceId: string;
    connector: ConnectorId;
    adapter: CrmAdapter;
    cursor: DealSyncCursor;
    progress: { loaded: number; total: number | null; startedAt: string };
    readCurrency: boolean;
  }

  async function execute(run: Run, job: Job): Promise<void> {
    const { workspaceId, connector, adapter } = job;
    const alive = () => !closed && !run.cancelled;
    const connection = storedConnection(repo, crm.cipher, workspaceId, connector);
    const started = now();
    let { loaded, total } = job.progress;
    let cursor = job.cursor;
    try {
      if (job.readCurrency) {
        const currency = await readCurrency(adapter, connection, workspaceId, connector);
        if (!alive()) return;
        if (currency) await repo.setDealSyncCurrency(workspaceId, connector, run.runId, currency);
      }

      while (cursor.phase === 'deals') {
        const page = await adapter.listLeads(connection, {
          page: cursor.page,
          limit: dealPageSize,
          order: { by: 'id', direction: 'asc' },
          ...(cursor.since === null ? {} : { updatedFrom: cursor.since }),
        });
        if (!alive()) return;
        const next: DealSyncCursor =
          page.nextPage !== null && page.nextPage > cursor.page ? { ...cursor, page: page.nextPage } : { ...cursor, phase: 'events', page: 1 };
        loaded += page.items.length;
        if (page.total !== undefined && page.total !== null) total = Math.max(page.total, loaded);
        if (!(await repo.saveDealsPage(workspaceId, connector, run.runId, page.items.map(toSyncedDeal), { loaded, total, cursor: next }))) return;
        cursor = next;
      }

      for (;;) {
        const page = await adapter.listEvents(connection, {
          page: cursor.page,
          limit: eventPageSize,
          ...(cursor.since === null ? {} : { createdFrom: cursor.since }),
        });
        if (!alive()) return;
        const next: DealSyncCursor | null = page.nextPage !== null && page.nextPage > cursor.page ? { ...cursor, page: page.nextPage } : null;
        const changes = page.items.map(toSyncedStatusChange);
        if (!(await repo.saveStatusChangesPage(workspaceId, connector, run.runId, changes, { loaded, total, cursor: next ?? cursor }))) return;
        if (!next) break;
        cursor = next;
      }

      if (await repo.finishDealSync(workspaceId, connector, run.runId, { finishedAt: isoNow(), syncedAt: job.progress.startedAt })) {
        logger.info('deal sync done', { workspace: workspaceId, connector, mode: cursor.mode, loaded, ms: now() - started });
      }
    } catch (error) {
      if (!alive()) return;
      await fail(run, workspaceId, connector, error);
    }
  }

  /** The account's currency; a CRM that cannot say does not stop the deals from loading. */
  async function readCurrency(adapter: CrmAdapter, connection: CrmConnection, workspaceId: string, connector: ConnectorId): Promise<string | null> {
    if (!adapter.accountCurrency) return null;
    try {
      return await adapter.accountCurrency(connection);
    } catch (error) {
      if (!(error instanceof CrmError) || error.code === 'crm_access_revoked' || error.code === 'crm_not_connected') throw error;
      logger.warn('deal sync: account currency not read', { workspace: workspaceId, connector, code: error.code, reason: error.message });
      return null;
    }
  }

  async function fail(run: Run, workspaceId: string, connector: ConnectorId, error: unknown): Promise<void> {
    const crmName = catalogueEntry(connector)?.name ?? connector;
    let failure = INTERNAL_FAILURE;
    if (error instanceof CrmError) {
      failure = { code: error.code, message: FAILURE_MESSAGES[error.code](crmName) };
      // CrmError messages never carry tokens (the adapters' contract, checked by the conformance suite).
      logger.warn('deal sync failed', { workspace: workspaceId, connector, code: error.code, reason: error.message });
    } else {
      const reason = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : 'unknown error';
      logger.error('deal sync failed', { workspace: workspaceId, connector, code: failure.code, reason });
    }
    try {
      await repo.failDealSync(workspaceId, connector, run.runId, { finishedAt: isoNow(), error: failure });
    } catch (caught) {
      logger.error('deal sync failure not recorded', { workspace: workspaceId, connector, reason: caught instanceof Error ? caught.message.slice(0, 300) : 'unknown' });
    }
  }

  return {
    start,

    async status(workspaceId, connector) {
      const key = keyOf(workspaceId, connector);
      // Whether this server runs it, asked BEFORE reading the record: a run of ours that ends while
      // the record is read leaves a record that still says `loading`, which is not a run left behind.
      const ours = runs.has(key) || starting.has(key);
      const record = await repo.getDealSyncRecord(workspaceId, connector);
      // A run its server left behind (stopped mid-run) goes on here when someone looks at it.
      if (record?.state === 'loading' && !closed && !ours && !runs.has(key) && !starting.has(key) && record.updatedAt < liveSince()) {
        start(workspaceId, connector).catch((error: unknown) => {
          logger.warn('deal sync not resumed', { workspace: workspaceId, connector, reason: error instanceof Error ? error.message.slice(0, 300) : 'unknown' });
        });
      }
      return status(workspaceId, connector);
    },

    async authorized(workspaceId, connector, grant = {}) {
      if (closed) return;
      if (grant.accountChanged) {
        const key = keyOf(workspaceId, connector);
        const run = runs.get(key);
        if (run) run.cancelled = true;
        runs.delete(key);
        await repo.deleteSyncedDeals(workspaceId, connector);
        logger.info('deal sync reset: another account', { workspace: workspaceId, connector });
      }
      if (!startOnAuthorization) return;
      try {
        await start(workspaceId, connector);
      } catch (error) {
        // The callback succeeded whatever happens here: the sync can be started again.
        logger.warn('deal sync not started after authorization', {
          workspace: workspaceId,
          connector,
          reason: error instanceof Error ? error.message.slice(0, 300) : 'unknown',
        });
      }
    },

    async settled(workspaceId, connector) {
      const key = keyOf(workspaceId, connector);
      await started(key);
      const run = runs.get(key);
      if (run) await run.done;
      return status(workspaceId, connector);
    },

    async idle() {
      while (runs.size > 0 || starting.size > 0) {
        await Promise.all([...starting.values()].map((pending) => pending.catch(() => undefined)));
        await Promise.all([...runs.values()].map((run) => run.done));
      }
    },

    async resumeUnfinished() {
      let count = 0;
      for (const { workspaceId, connector } of await repo.listUnfinishedDealSyncs()) {
        if (!crm.adapters[connector] || !(await repo.getCredentials(workspaceId, connector))) continue;
        try {
          await start(workspaceId, connector);
          count += 1;
        } catch (error) {
          logger.warn('deal sync not resumed', { workspace: workspaceId, connector, reason: error instanceof Error ? error.message.slice(0, 300) : 'unknown' });
        }
      }
      return count;
    },

    async close() {
      closed = true;
      const stopped = [...runs.entries()];
      for (const [, run] of stopped) run.cancelled = true;
      runs.clear();
      // Let go of their leases, so that the next server to start (or this one, restarted) resumes them at once.
      await Promise.all(
        stopped.map(async ([key, run]) => {
          const [workspaceId, connector] = key.split('\u0000') as [string, ConnectorId];
          try {
            await repo.releaseDealSync(workspaceId, connector, run.runId);
          } catch (error) {
            logger.warn('deal sync lease not released', { workspace: workspaceId, connector, reason: error instanceof Error ? error.message.slice(0, 300) : 'unknown' });
          }
        }),
      );
    },
  };
}
