import type { ConnectorId } from '../../app/contracts/connector';
import { crmSchemaSchema, type CrmSchema } from '../../app/contracts/crm-schema';
import { diffSchema, needsDecision, schemaChangesSchema, type ConnectorChanges, type SchemaChange } from '../../app/contracts/drift';
import type { Repository, StoredDrift } from '../db/repository';
import type { Logger } from '../lib/logger';

import { CrmError } from './errors';
import { ACTIVATION_SCHEMA_MAX_AGE_MS, type SchemaProvider } from './schema-cache';

/**
 * CRM drift, recorded: for one connected connector, the CRM's current schema (through the schema
 * provider, so the cache answers while it is young enough) compared with the active configuration
 * and the schema it was activated against (`diffSchema`), and the result stored with the
 * connection (the changes, their counts, the pipelines' names, when). The listing of connectors
 * reads what is stored; `GET …/changes` checks first; a periodic check goes through every
 * connected connector of every workspace, one at a time.
 */

/** A check trusts a cached schema at most this old (default: activation's 10 minutes); older, the CRM is read again. */
export const DRIFT_SCHEMA_MAX_AGE_MS = ACTIVATION_SCHEMA_MAX_AGE_MS;
/** The periodic check's default interval. */
export const DRIFT_CHECK_INTERVAL_MS = 15 * 60 * 1000;
/** At most this many connectors per periodic round (the next round goes on). */
export const DRIFT_CHECKS_PER_ROUND = 200;
/** Background checks (the listing's) running at once in this process, across workspaces; beyond it a listing starts none. */
export const MAX_BACKGROUND_CHECKS = 16;
/** A periodic check holds its connector this long (longer than a CRM read with its retries may take). */
export const DRIFT_CLAIM_MS = 5 * 60 * 1000;

export interface DriftOptions {
  repo: Repository;
  schemas: SchemaProvider;
  logger: Logger;
  /** The oldest cached schema a check accepts (`DRIFT_SCHEMA_MAX_AGE_MS`); 0: always the CRM. */
  schemaMaxAgeMs?: number;
  /** The periodic check's interval (`DRIFT_CHECK_INTERVAL_MS`); 0: no periodic check. */
  intervalMs?: number;
  /** Connectors per periodic round (`DRIFT_CHECKS_PER_ROUND`). */
  perRound?: number;
  now?: () => number;
}

export interface DriftService {
  /** Compares `schema` (just read by the caller) with the active configuration and records the result; null when none is active. */
  record(workspaceId: string, connector: ConnectorId, schema: CrmSchema): Promise<ConnectorChanges | null>;
  /** Reads the schema (cache within its age, else the CRM), compares and records. Throws `CrmError`; null when none is active. */
  check(workspaceId: string, connector: ConnectorId): Promise<ConnectorChanges | null>;
  /** `check` in the background (the listing): at most one at a time per connector and `MAX_BACKGROUND_CHECKS` in all, failures logged. */
  checkInBackground(workspaceId: string, connector: ConnectorId): void;
  /** What was last recorded; null when there is no configuration. */
  stored(workspaceId: string, connector: ConnectorId): Promise<{ changes: ConnectorChanges; active: boolean } | null>;
  /** Whether a stored check is old enough for the listing to start a new one. */
  isStale(checkedAt: string | null): boolean;
  /** One periodic round now: claims and checks connectors one at a time; how many were checked. */
  round(): Promise<number>;
  /** Starts the periodic check (nothing when the interval is 0). */
  start(): void;
  /** Resolves when no background check or round is running (tests). */
  idle(): Promise<void>;
  /** Stops the periodic check and waits (at most 2 s) for the work in flight. */
  close(): Promise<void>;
}

const NO_CHANGES = (baselineAt: string | null): ConnectorChanges => ({ changes: [], pipelineNames: {}, baselineAt, checkedAt: null });

function parseJson<T>(json: string | null, parse: (value: unknown) => T | null): T | null {
  if (json === null) return null;
  try {
    return parse(JSON.parse(json));
  } catch {
    return null;
  }
}

const parseSchema = (json: string | null): CrmSchema | null =>
  parseJson(json, (value) => {
    const parsed = crmSchemaSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  });

const parseChanges = (json: string | null): SchemaChange[] | null =>
  parseJson(json, (value) => {
    const parsed = schemaChangesSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  });

const parseNames = (json: string | null): Record<string, string> =>
  parseJson(json, (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, string>) : null)) ?? {};

/** The name of every pipeline a change refers to: the CRM's current one, else the baseline's (a removed pipeline). */
export function pipelineNamesOf(changes: readonly SchemaChange[], current: CrmSchema, baseline: CrmSchema | null): Record<string, string> {
  const names: Record<string, string> = {};
  const known = new Map([...(baseline?.pipelines ?? []), ...current.pipelines].map((pipeline) => [pipeline.id, pipeline.name]));
  for (const change of changes) {
    if (!('pipelineId' in change)) continue;
    const name = known.get(change.pipelineId);
    if (name !== undefined) names[change.pipelineId] = name;
  }
  return names;
}

/** A failure as the log may carry it: a CRM error's code and message (no tokens there), else only the error's name. */
function describeFailure(error: unknown): Record<string, string> {
  if (error instanceof CrmError) return { code: error.code, reason: error.message.slice(0, 200) };
  return { code: 'internal', reason: error instanceof Error ? error.name : 'unknown' };
}

export function createDriftService(options: DriftOptions): DriftService {
  const { repo, schemas, logger } = options;
  const now = options.now ?? (() => Date.now());
  const maxAgeMs = options.schemaMaxAgeMs ?? DRIFT_SCHEMA_MAX_AGE_MS;
  const intervalMs = options.intervalMs ?? 0;
  const perRound = options.perRound ?? DRIFT_CHECKS_PER_ROUND;
  const inFlight = new Map<string, Promise<unknown>>();
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  async function compare(workspaceId: string, connector: ConnectorId, stored: StoredDrift, schema: CrmSchema): Promise<ConnectorChanges | null> {
    if (!stored.activeConfig || !stored.connectedAt) return null;
    // A schema of another account than the configuration's says nothing about it (the access was changed).
    if (stored.activeConfig.account && stored.activeConfig.account.id !== schema.account.id) return null;
    const baseline = parseSchema(stored.baseline);
    const changes = diffSchema(stored.activeConfig, baseline, schema);
    const pipelineNames = pipelineNamesOf(changes, schema, baseline);
    const checkedAt = new Date(now()).toISOString();
    const written = await repo.recordDrift(workspaceId, connector, stored.connectedAt, {
      changes: JSON.stringify(changes),
      pipelineNames: JSON.stringify(pipelineNames),
      count: changes.length,
      pending: changes.filter(needsDecision).length,
      checkedAt,
    });
    // Re-activated (or reset) meanwhile: what was compared is no longer the active configuration.
    if (!written) return null;
    return { changes, pipelineNames, baselineAt: stored.baselineAt, checkedAt };
  }

  async function record(workspaceId: string, connector: ConnectorId, schema: CrmSchema) {
    const stored = await repo.getDrift(workspaceId, connector);
    return stored ? compare(workspaceId, connector, stored, schema) : null;
  }

  async function check(workspaceId: string, connector: ConnectorId) {
    const stored = await repo.getDrift(workspaceId, connector);
    if (!stored?.activeConfig) return null;
    const schema = await schemas.schemaFor(workspaceId, connector, { maxAgeMs });
    return record(workspaceId, connector, schema);
  }

  function track<T>(key: string, work: () => Promise<T>): Promise<T> {
    const promise = work().finally(() => {
      if (inFlight.get(key) === promise) inFlight.delete(key);
    });
    inFlight.set(key, promise);
    return promise;
  }

  async function round(): Promise<number> {
    let checked = 0;
    while (!closed && checked < perRound) {
      const at = now();
      // A connector another server checked in the last half interval is not checked again.
      const staleBefore = new Date(at - Math.max(intervalMs, 1) / 2).toISOString();
      const next = await repo.claimDriftCheck({ now: at, staleBefore, claimUntil: at + DRIFT_CLAIM_MS });
      if (!next) break;
      checked += 1;
      const { workspaceId, connector } = next;
      try {
        const result = await track(`${workspaceId}/${connector}`, () => check(workspaceId, connector));
        // Nothing recorded (deactivated meanwhile): the claim goes anyway.
        if (!result) await repo.releaseDriftClaim(workspaceId, connector, null);
        else if (result.changes.length > 0) logger.info('crm drift recorded', { workspace: workspaceId, connector, changes: result.changes.length });
      } catch (error) {
        logger.warn('drift check failed', { workspace: workspaceId, connector, ...describeFailure(error) });
        // Not retried before the next round.
        await repo.releaseDriftClaim(workspaceId, connector, now() + Math.max(intervalMs, 1) / 2).catch(() => undefined);
      }
    }
    return checked;
  }

  function runRound(): Promise<number> {
    running ??= round()
      .catch((error: unknown) => {
        logger.warn('drift round failed', describeFailure(error));
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  async function idle() {
    while (running || inFlight.size > 0) {
      await Promise.allSettled([running, ...inFlight.values()]);
    }
  }

  return {
    record,
    check,
    checkInBackground(workspaceId, connector) {
      const key = `${workspaceId}/${connector}`;
      // Beyond the cap the record is simply shown as it is: the next listing or round checks it.
      if (closed || inFlight.has(key) || inFlight.size >= MAX_BACKGROUND_CHECKS) return;
      void track(key, () =>
        check(workspaceId, connector).catch((error: unknown) => {
          logger.warn('drift check failed', { workspace: workspaceId, connector, ...describeFailure(error) });
          return null;
        }),
      );
    },
    async stored(workspaceId, connector) {
      const stored = await repo.getDrift(workspaceId, connector);
      if (!stored) return null;
      const active = stored.activeConfig !== null;
      const changes = active ? parseChanges(stored.changes) : null;
      if (!changes) return { changes: NO_CHANGES(active ? stored.baselineAt : null), active };
      return { changes: { changes, pipelineNames: parseNames(stored.pipelineNames), baselineAt: stored.baselineAt, checkedAt: stored.checkedAt }, active };
    },
    isStale(checkedAt) {
      if (checkedAt === null) return true;
      const at = Date.parse(checkedAt);
      return !Number.isFinite(at) || Math.abs(now() - at) >= maxAgeMs;
    },
    round: runRound,
    start() {
      if (closed || timer || intervalMs <= 0) return;
      timer = setInterval(() => void runRound(), intervalMs);
      timer.unref();
    },
    idle,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      let cut: NodeJS.Timeout | undefined;
      await Promise.race([
        idle(),
        new Promise<void>((resolve) => {
          cut = setTimeout(resolve, 2000);
        }),
      ]);
      clearTimeout(cut);
    },
  };
}
