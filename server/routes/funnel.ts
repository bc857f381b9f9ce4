import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';

import type { ConnectorId } from '../../app/contracts/connector';
import type { CrmCustomField } from '../../app/contracts/crm-schema';
import { dealsSnapshotWriter, type FunnelDeal, type MappedDeal } from '../../app/contracts/deals';
import { compileFunnel, type CompiledFunnel } from '../../app/contracts/funnel';
import type { MappingConfig } from '../../app/contracts/mapping-config';
import type { Repository } from '../db/repository';
import { crmCall } from '../crm/errors';
import { adapterFor, type CrmDeps } from '../crm/registry';
import type { SchemaProvider } from '../crm/schema-cache';
import type { Logger } from '../lib/logger';
import { ProblemError } from '../lib/problem';
import type { SessionVariables } from '../lib/session';

type Ctx = Context<{ Variables: SessionVariables }>;

/** Deals read from the database per step of a streamed response (the memory a stream holds). */
const STREAM_BATCH = 500;

const notConnected = () =>
  new ProblemError(409, { code: 'crm_not_connected', detail: 'Nothing is connected yet: authorize access to the CRM first.' });

const isoFromUnix = (seconds: number) => new Date(seconds * 1000).toISOString();

/** `?config=draft` → the draft the wizard edits; otherwise the activated configuration the analytics reads. */
async function chosenConfig(repo: Repository, c: Ctx, connector: ConnectorId): Promise<MappingConfig> {
  const which = c.req.query('config');
  if (which !== undefined && which !== 'draft' && which !== 'active') {
    throw new ProblemError(400, { code: 'invalid_query', detail: 'config must be "draft" or "active".' });
  }
  const workspaceId = c.get('workspace').id;
  const connection = await repo.getConnection(workspaceId, connector);
  if (which === 'draft') {
    if (!connection) throw notConnected();
    return connection.config;
  }
  const active = await repo.getActiveConfig(workspaceId, connector);
  if (!active) {
    throw new ProblemError(409, {
      code: 'not_activated',
      detail: 'No configuration is active yet: finish the wizard, or ask for the draft with ?config=draft.',
    });
  }
  return active;
}

/** `?updatedSince=` as Unix seconds: an ISO date-time or a number of seconds. */
function updatedSince(c: Ctx): number | undefined {
  const raw = c.req.query('updatedSince');
  if (raw === undefined || raw === '') return undefined;
  const seconds = /^\d{1,12}$/.test(raw) ? Number(raw) : Math.floor(Date.parse(raw) / 1000);
  if (!Number.isFinite(seconds)) {
    throw new ProblemError(400, { code: 'invalid_query', detail: 'updatedSince must be an ISO date-time (2025-06-01T00:00:00Z) or Unix seconds.' });
  }
  return seconds;
}

/** One feed line: the deal as the mapping places it, with the chosen fields and the calculated ones. */
export function mappedDeal(funnel: CompiledFunnel, deal: FunnelDeal, chosenFields: ReadonlySet<string> | null): MappedDeal {
  const placement = funnel.place(deal);
  const customFields: Record<string, string[]> = {};
  for (const [fieldId, values] of Object.entries(deal.fields)) {
    if (chosenFields === null || chosenFields.has(fieldId)) customFields[fieldId] = values;
  }
  return {
    id: deal.id,
    pipelineId: deal.pipelineId,
    statusId: deal.statusId,
    containerId: placement.containerId,
    outcome: placement.outcome,
    reachedContainerIds: placement.reachedContainerIds,
    amount: deal.amount,
    salesVolume: placement.salesVolume,
    createdAt: isoFromUnix(deal.createdAt),
    updatedAt: isoFromUnix(deal.updatedAt),
    customFields,
    calculated: funnel.calculated(deal),
  };
}

// ---- CSV ----------------------------------------------------------------------------------

/**
 * One CSV cell: quoted when it holds a separator, a quote or a line break; text a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`, a tab or CR first) gets a leading `'`, since CRM
 * text goes straight into a person's spreadsheet.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvLine = (cells: ReadonlyArray<string | number | null>) => `${cells.map(csvCell).join(',')}\r\n`;

function csvColumns(config: MappingConfig, fields: readonly CrmCustomField[]) {
  const chosen = config.customFields.otherFields.length > 0 ? new Set(config.customFields.otherFields) : null;
  const fieldColumns = fields.filter((field) => chosen === null || chosen.has(field.id));
  const header = [
    'id',
    'pipelineId',
    'statusId',
    'containerId',
    'outcome',
    'reachedContainerIds',
    'amount',
    'salesVolume',
    'createdAt',
    'updatedAt',
    ...fieldColumns.map((field) => field.name || field.id),
    ...config.calculatedFields.map((field) => field.name),
  ];
  const row = (line: MappedDeal) => [
    line.id,
    line.pipelineId,
    line.statusId,
    line.containerId,
    line.outcome,
    line.reachedContainerIds.join(' '),
    line.amount,
    line.salesVolume,
    line.createdAt,
    line.updatedAt,
    ...fieldColumns.map((field) => (line.customFields[field.id] ?? []).join('; ')),
    ...config.calculatedFields.map((field) => line.calculated[field.name] ?? null),
  ];
  return { header, row };
}

/** A response body pulled from `lines` a batch at a time: the whole feed is never in memory. */
function streamOf(lines: AsyncIterator<string>, first = ''): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let head = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = head;
      head = '';
      for (let i = 0; i < STREAM_BATCH; i += 1) {
        const next = await lines.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await lines.return?.();
    },
  });
}

/**
 * `/api/connectors/{connector}/funnel`, `…/deals` (the mapped-deals feed, NDJSON or CSV) and
 * `…/deals/snapshot` (every synced deal, for the wizard's live funnel). Behind the session
 * middleware; every read is of this workspace's deals of this connector.
 */
export function funnelRoutes(repo: Repository, deps: CrmDeps, logger: Logger, schemas: SchemaProvider) {
  const app = new Hono<{ Variables: SessionVariables }>();
  // The feed and the snapshot are large and repetitive (10 MB of JSON at 20,000 deals, 1.3 MB gzipped).
  const deflated = compress({ contentTypeFilter: /^(application\/(x-ndjson|json)|text\/csv)(;|$)/ });
  app.use('/:connector/deals', deflated);
  app.use('/:connector/deals/*', deflated);

  /** The CRM's custom fields (the cached schema), and a 409 when nothing is connected. */
  async function fieldsOf(c: Ctx, connector: ConnectorId): Promise<CrmCustomField[]> {
    const workspaceId = c.get('workspace').id;
    if (!(await repo.getCredentials(workspaceId, connector))) {
      throw notConnected();
    }
    const schema = await crmCall(logger, workspaceId, () => schemas.schemaFor(workspaceId, connector));
    return schema.customFields;
  }

  app.get('/:connector/funnel', async (c) => {
    const { connector } = adapterFor(deps, c.req.param('connector'));
    const workspaceId = c.get('workspace').id;
    const fields = await fieldsOf(c, connector);
    const config = await chosenConfig(repo, c, connector);
    const counter = compileFunnel(config, { fields }).counter();
    for await (const deal of repo.iterateDeals(workspaceId, connector)) counter.add(deal);
    return c.json(counter.report((await repo.getDealSync(workspaceId, connector))?.syncedAt ?? null));
  });

  app.get('/:connector/deals', async (c) => {
    const { connector } = adapterFor(deps, c.req.param('connector'));
    const workspaceId = c.get('workspace').id;
    const format = c.req.query('format') ?? 'ndjson';
    if (format !== 'ndjson' && format !== 'csv') {
      throw new ProblemError(400, { code: 'invalid_query', detail: 'format must be "ndjson" or "csv".' });
    }
    const fields = await fieldsOf(c, connector);
    const config = await chosenConfig(repo, c, connector);
    const since = updatedSince(c);
    const funnel = compileFunnel(config, { fields });
    const chosen = config.customFields.otherFields.length > 0 ? new Set(config.customFields.otherFields) : null;
    const deals = repo.iterateDeals(workspaceId, connector, since === undefined ? {} : { updatedSince: since });
    const csv = format === 'csv' ? csvColumns(config, fields) : null;
    async function* lines(): AsyncGenerator<string> {
      for await (const deal of deals) {
        if (!funnel.matches(deal)) continue;
        const line = mappedDeal(funnel, deal, chosen);
        yield csv ? csvLine(csv.row(line)) : `${JSON.stringify(line)}\n`;
      }
    }
    const syncedAt = (await repo.getDealSync(workspaceId, connector))?.syncedAt;
    const headers: Record<string, string> = csv
      ? { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${connector}-deals.csv"` }
      : { 'Content-Type': 'application/x-ndjson; charset=utf-8' };
    if (syncedAt) headers['X-Synced-At'] = syncedAt;
    // A UTF-8 byte order mark first, so that a spreadsheet reads Cyrillic names right.
    return new Response(streamOf(lines(), csv ? `\uFEFF${csvLine(csv.header)}` : ''), { status: 200, headers });
  });

  app.get('/:connector/deals/snapshot', async (c) => {
    const { connector } = adapterFor(deps, c.req.param('connector'));
    const workspaceId = c.get('workspace').id;
    if (!(await repo.getCredentials(workspaceId, connector))) {
      throw notConnected();
    }
    const sync = await repo.getDealSync(workspaceId, connector);
    const deals = repo.iterateDeals(workspaceId, connector);
    // The deals as they are read (tuples of numbers), then every text they refer to, once.
    const writer = dealsSnapshotWriter();
    let first = true;
    async function* lines(): AsyncGenerator<string> {
      for await (const deal of deals) {
        yield `${first ? '' : ','}${JSON.stringify(writer.deal(deal))}`;
        first = false;
      }
      yield `],"strings":${JSON.stringify(writer.strings())}}`;
    }
    const head = `{"syncedAt":${JSON.stringify(sync?.syncedAt ?? null)},"currency":${JSON.stringify(sync?.currency ?? 'RUB')},"deals":[`;
    return new Response(streamOf(lines(), head), { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
  });

  return app;
}
