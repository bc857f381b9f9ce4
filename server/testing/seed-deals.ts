import type { ConnectorId } from '../../app/contracts/connector';
import type { CrmCustomField, CrmSchema } from '../../app/contracts/crm-schema';
import type { MappingConfigInput } from '../../app/contracts/mapping-config';
import type { Repository, SyncedDeal, SyncedStatusChange } from '../db/repository';
import { seededRandom } from '../../mocks/sandbox/shared/random';

/**
 * A seeded, deterministic amoCRM account for benchmarks: a schema of `pipelines` pipelines ×
 * 20 statuses (18 of its own, then 142 and 143) and 50 custom fields (LANDING, five UTM
 * tracking fields, 10 numeric, 10 selects, 24 texts), deals with about 10 field values each and
 * status changes walking their pipeline (5% moved in from the next pipeline), stored through the
 * repository's sync writes in the sync's order and page sizes (deals by id in pages of 250,
 * then status changes oldest first in pages of 100), so `visited` is derived as in production.
 */

export const BENCH_ACCOUNT = { id: '31700042', domain: 'bench-limits.amocrm.ru', name: 'Bench at the limits' };

const pipelineIdOf = (p: number) => String(8_000_000 + p);
/** Pipeline p's statuses: 18 of its own (regular), then 142 (won) and 143 (lost), in every pipeline. */
export function statusIdsOf(p: number): string[] {
  return [...Array.from({ length: 18 }, (_, s) => String(60_000_000 + p * 100 + s)), '142', '143'];
}

const FIELD_BASE = 1_016_000;
/** Field ids by role: LANDING, the five UTM fields, 10 numeric, 10 selects, 24 texts (50 in all). */
export const FIELDS = {
  landing: String(FIELD_BASE),
  utm: Array.from({ length: 5 }, (_, i) => String(FIELD_BASE + 1 + i)),
  numeric: Array.from({ length: 10 }, (_, i) => String(FIELD_BASE + 6 + i)),
  select: Array.from({ length: 10 }, (_, i) => String(FIELD_BASE + 16 + i)),
  text: Array.from({ length: 24 }, (_, i) => String(FIELD_BASE + 26 + i)),
};
const UTM_CODES = ['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM'];
const OPTIONS = ['Москва', 'Санкт-Петербург', 'Казань', 'Новосибирск', 'Екатеринбург', 'Онлайн'];

export function buildBenchSchema(pipelines: number): CrmSchema {
  const customFields: CrmCustomField[] = [
    { id: FIELDS.landing, name: 'Посадочная страница', code: 'LANDING', type: 'text', enums: null, isNumeric: false, isTracking: false },
    ...FIELDS.utm.map((id, i) => ({ id, name: UTM_CODES[i] as string, code: UTM_CODES[i] as string, type: 'tracking_data', enums: null, isNumeric: false, isTracking: true })),
    ...FIELDS.numeric.map((id, i) => ({ id, name: `Сумма ${i + 1}`, code: null, type: i % 2 === 0 ? 'numeric' : 'monetary', enums: null, isNumeric: true, isTracking: false })),
    ...FIELDS.select.map((id, i) => ({
      id,
      name: `Список ${i + 1}`,
      code: null,
      type: 'select',
      enums: OPTIONS.map((value, e) => ({ id: String(700_000 + i * 10 + e), value })),
      isNumeric: false,
      isTracking: false,
    })),
    ...FIELDS.text.map((id, i) => ({ id, name: `Текст ${i + 1}`, code: null, type: 'text', enums: null, isNumeric: false, isTracking: false })),
  ];
  return {
    account: BENCH_ACCOUNT,
    pipelines: Array.from({ length: pipelines }, (_, p) => ({
      id: pipelineIdOf(p),
      name: `Воронка ${p + 1}`,
      sort: p,
      isMain: p === 0,
      isArchive: false,
      statuses: statusIdsOf(p).map((id, s) => ({
        id,
        name: id === '142' ? 'Успешно реализовано' : id === '143' ? 'Закрыто и не реализовано' : `Этап ${s + 1}`,
        sort: s * 10,
        color: '#99ccff',
        kind: id === '142' ? ('won' as const) : id === '143' ? ('lost' as const) : ('regular' as const),
      })),
    })),
    customFields,
    filterParameters: customFields.map((field) => ({
      key: field.code ?? `cf:${field.id}`,
      name: field.name,
      group: field.isTracking ? ('tracking' as const) : ('custom' as const),
    })),
    fetchedAt: '2025-06-01T00:00:00.000Z',
  };
}

/**
 * The wizard's draft at the limits: every pipeline in 9 containers (five stages, Completed deal
 * on 142, Refusal on 143, Return and Pause on the last two of its own statuses), a filter with
 * two conditions (LANDING contains "site", UTM_SOURCE not "spam") and two calculated fields
 * over the amount and numeric fields. "Other fields" empty: every field goes to the feed.
 */
export function buildDraftConfig(schema: CrmSchema): MappingConfigInput {
  const [n0, n1] = FIELDS.numeric as [string, string];
  return {
    schemaVersion: 2,
    connector: 'amocrm',
    account: schema.account,
    filter: {
      match: 'all',
      conditions: [
        { field: 'LANDING', action: 'include', operator: 'contains', value: 'site' },
        { field: 'UTM_SOURCE', action: 'exclude', operator: 'equals', value: 'spam' },
      ],
    },
    pipelines: schema.pipelines.map((pipeline, p) => {
      const s = statusIdsOf(p);
      return {
        pipelineId: pipeline.id,
        containers: [
          { id: 'new', name: 'Новые', statusIds: s.slice(0, 4), marker: null },
          { id: 'qualified', name: 'Квалификация', statusIds: s.slice(4, 7), marker: null },
          { id: 'offer', name: 'Предложение', statusIds: s.slice(7, 10), marker: null },
          { id: 'invoice', name: 'Счёт', statusIds: s.slice(10, 13), marker: null },
          { id: 'payment', name: 'Оплата', statusIds: s.slice(13, 16), marker: null },
          { id: 'won', name: 'Успех', statusIds: ['142'], marker: 'completed' },
          { id: 'lost', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
          { id: 'returned', name: 'Возврат', statusIds: [s[16] as string], marker: 'return' },
          { id: 'hold', name: 'Пауза', statusIds: [s[17] as string], marker: 'pause' },
        ],
      };
    }),
    customFields: { otherFields: [] },
    calculatedFields: [
      { id: 'net', name: 'Без доставки', expression: `{price} - {cf:${n0}}` },
      { id: 'share', name: 'Доля маржи', expression: `({price} - {cf:${n0}}) / ({cf:${n1}} + 1)` },
    ],
  };
}

export interface SeededDeals {
  deals: SyncedDeal[];
  /** Oldest first, as the sync stores them. */
  changes: SyncedStatusChange[];
}

const BASE_TIME = 1_717_200_000; // 2024-06-01

/** `deals` deals across `pipelines` pipelines with `changes` status changes in all (each deal walks its pipeline). */
export function buildSeededDeals(options: { deals: number; changes: number; pipelines: number; seed: number }): SeededDeals {
  const next = seededRandom(options.seed);
  const pick = (n: number) => Math.floor(next() * n);
  const perDeal = new Array<number>(options.deals).fill(0);
  for (let i = 0; i < options.changes; i += 1) {
    const d = pick(options.deals);
    perDeal[d] = (perDeal[d] as number) + 1;
  }
  const deals: SyncedDeal[] = [];
  const changes: Array<Omit<SyncedStatusChange, 'id'>> = [];
  perDeal.forEach((count, d) => {
    const p = pick(options.pipelines);
    const pipelineId = pipelineIdOf(p);
    const statuses = statusIdsOf(p);
    const dealId = String(30_000_000 + d);
    const createdAt = BASE_TIME + pick(180 * 86_400);
    let at = createdAt;
    const movedFrom = next() < 0.05 ? (p + 1) % options.pipelines : null;
    let position = movedFrom === null ? { pipelineId, statusId: statuses[0] as string } : { pipelineId: pipelineIdOf(movedFrom), statusId: statusIdsOf(movedFrom)[0] as string };
    let index = 0;
    for (let c = 0; c < count; c += 1) {
      at += 60 + pick(3 * 86_400);
      const roll = next();
      let statusId: string;
      // Forward mostly, sometimes back; the last change may close, return or pause the deal.
      if (c === count - 1 && roll < 0.5) statusId = ['142', '143', statuses[16], statuses[17]][pick(4)] as string;
      else {
        index = Math.max(0, Math.min(15, index + (roll < 0.8 ? 1 + pick(3) : -1)));
        statusId = statuses[index] as string;
      }
      const after = { pipelineId, statusId };
      changes.push({ dealId, at, before: position, after });
      position = after;
    }
    const fields: Record<string, string[]> = {};
    if (next() < 0.8) fields[FIELDS.landing] = [`https://site-${pick(9)}.example.ru/landing?p=${pick(50)}`];
    fields[FIELDS.utm[0] as string] = [next() < 0.1 ? 'spam' : (['google', 'yandex', 'vk', 'telegram'][pick(4)] as string)];
    fields[FIELDS.utm[1] as string] = [(['cpc', 'organic', 'email'][pick(3)] as string)];
    fields[FIELDS.utm[2] as string] = [`summer-${pick(20)}`];
    // Two numeric fields most deals have (the calculated fields read them), one more at random; a decimal comma sometimes.
    fields[FIELDS.numeric[0] as string] = [next() < 0.3 ? `${pick(5000)},${pick(100)}` : String(pick(5000))];
    if (next() < 0.9) fields[FIELDS.numeric[1] as string] = [String(pick(300))];
    fields[FIELDS.numeric[2 + pick(8)] as string] = [String(pick(1_000_000))];
    fields[FIELDS.select[pick(10)] as string] = [OPTIONS[pick(OPTIONS.length)] as string];
    fields[FIELDS.select[pick(10)] as string] = [OPTIONS[pick(OPTIONS.length)] as string];
    fields[FIELDS.text[pick(24)] as string] = [`Комментарий менеджера №${pick(10_000)}: перезвонить после обеда`];
    deals.push({
      id: dealId,
      pipelineId,
      statusId: position.pipelineId === pipelineId ? position.statusId : (statuses[0] as string),
      amount: next() < 0.15 ? null : pick(500_000),
      createdAt,
      updatedAt: at,
      fields,
    });
  });
  changes.sort((a, b) => a.at - b.at || Number(a.dealId) - Number(b.dealId));
  return { deals, changes: changes.map((change, i) => ({ id: `ev${(1_000_000 + i).toString(16)}`, ...change })) };
}

/** Stored access for the account and its cached schema, as after an authorization (no OAuth). */
export async function seedConnectedAccount(repo: Repository, workspaceId: string, schema: CrmSchema, connector: ConnectorId = 'amocrm'): Promise<void> {
  await repo.saveCredentials({
    workspaceId,
    connector,
    account: schema.account,
    baseUrl: `https://${schema.account.domain}`,
    tokens: 'v1.test-only-not-a-real-envelope',
    accessExpiresAt: Date.now() + 24 * 3600 * 1000,
  });
  await repo.setCachedSchema(workspaceId, connector, JSON.stringify(schema));
}

/**
 * Stores the deals as one full sync run does: `beginDealSync`, the currency, the deals a page
 * at a time, then the status changes a page at a time (each page re-derives its deals'
 * `visited`), `finishDealSync`. Returns the milliseconds of each phase.
 */
export async function storeThroughSync(
  repo: Repository,
  workspaceId: string,
  seeded: SeededDeals,
  options: { connector?: ConnectorId; dealPageSize?: number; eventPageSize?: number; startedAt?: string } = {},
): Promise<{ dealsMs: number; changesMs: number }> {
  const connector = options.connector ?? 'amocrm';
  const dealPageSize = options.dealPageSize ?? 250;
  const eventPageSize = options.eventPageSize ?? 100;
  const startedAt = options.startedAt ?? '2025-06-01T00:00:00.000Z';
  const runId = `bench-${workspaceId}`;
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`storeThroughSync: ${what} was refused`);
  };
  await repo.beginDealSync(workspaceId, connector, { runId, loaded: 0, total: seeded.deals.length, startedAt, cursor: { mode: 'full', phase: 'deals', page: 1, since: null } });
  check(await repo.setDealSyncCurrency(workspaceId, connector, runId, 'RUB'), 'the currency');
  const dealsStart = performance.now();
  const dealPages = Math.ceil(seeded.deals.length / dealPageSize);
  for (let page = 0; page < dealPages; page += 1) {
    const items = seeded.deals.slice(page * dealPageSize, (page + 1) * dealPageSize);
    const cursor = page + 1 < dealPages ? { mode: 'full' as const, phase: 'deals' as const, page: page + 2, since: null } : { mode: 'full' as const, phase: 'events' as const, page: 1, since: null };
    check(await repo.saveDealsPage(workspaceId, connector, runId, items, { loaded: page * dealPageSize + items.length, total: seeded.deals.length, cursor }), `deals page ${page + 1}`);
  }
  const changesStart = performance.now();
  const eventPages = Math.ceil(seeded.changes.length / eventPageSize);
  for (let page = 0; page < eventPages; page += 1) {
    const items = seeded.changes.slice(page * eventPageSize, (page + 1) * eventPageSize);
    const cursor = { mode: 'full' as const, phase: 'events' as const, page: Math.min(page + 2, eventPages), since: null };
    check(await repo.saveStatusChangesPage(workspaceId, connector, runId, items, { loaded: seeded.deals.length, total: seeded.deals.length, cursor }), `status changes page ${page + 1}`);
  }
  const end = performance.now();
  check(await repo.finishDealSync(workspaceId, connector, runId, { finishedAt: new Date().toISOString(), syncedAt: startedAt }), 'the finish');
  return { dealsMs: changesStart - dealsStart, changesMs: end - changesStart };
}
