import { describe, expect, it } from 'vitest';

import type { CrmAccount } from '../../../app/contracts/connector';
import { crmAccountSchema, CRM_ID_PATTERN } from '../../../app/contracts/connector';
import { crmCustomFieldSchema, crmPipelineSchema, HEX_COLOR, type CrmPipeline } from '../../../app/contracts/crm-schema';
import type { CrmErrorCode } from '../../../app/contracts/oauth';
import { CrmError } from '../errors';
import type { CrmAdapter, CrmConnection, CrmGrant, CrmLead, CrmPage, CrmStatusChange, CrmTokens, StoredAccess } from '../types';

/**
 * The adapter conformance suite: one set of checks that every CRM adapter must pass against
 * its own sandbox, identically. A CRM plugs in with a harness (`<crm>.test.ts`): its adapter
 * wired to its sandbox in-process (fetch routed into the sandbox, a fake clock so nothing
 * really sleeps), the sandbox's consent page, its fault switches, and the sandbox's own truth
 * (straight from its fixture) to compare the adapter's answers with.
 *
 * What "the same" means across CRMs is the `CrmAdapter` contract (`../types.ts`) and the
 * error codes (`CRM_ERROR_CODES`): the suite never looks at a CRM's wire format.
 */

/** Which sandbox account a harness is built on. */
export type ConformanceFixture =
  /** The sandbox's demo account: several pipelines, a few hundred deals with status histories. */
  | 'demo'
  /** An account with pipelines but no deals (and so no status changes). */
  | 'empty'
  /** An account with more custom fields than the adapter reads in one page (see `customFieldPageSize`). */
  | 'manyFields';

/** A position of a deal: its pipeline and status, as the adapter names them (string ids). */
export interface Position {
  pipelineId: string;
  statusId: string;
}

/** What a status means, as far as the conformance suite compares it. */
export type TruthStatusKind = 'won' | 'lost' | 'open';

export interface TruthPipeline {
  id: string;
  /** The pipeline's name in the CRM; null where the CRM has none (the adapter then names it). */
  name: string | null;
  /** In the CRM's order. */
  statuses: Array<{ id: string; name: string; kind: TruthStatusKind }>;
}

export interface TruthDeal extends Position {
  id: string;
  name: string;
  /** The deal amount. */
  price: number | null;
  /** Unix seconds. */
  createdAt: number;
  /** Unix seconds: when the deal last changed. */
  updatedAt: number;
}

export interface TruthStatusChange {
  dealId: string;
  /** Unix seconds. */
  createdAt: number;
  after: Position;
}

/** The sandbox's own view of the account, from its fixture (never from the adapter). */
export interface SandboxTruth {
  account: CrmAccount;
  /** In the CRM's order, statuses in the CRM's order. */
  pipelines: TruthPipeline[];
  /** Every deal custom field the adapter should list. */
  customFieldIds: string[];
  deals: TruthDeal[];
  /** Every status change of a deal, oldest first. */
  statusChanges: TruthStatusChange[];
  /** The account's currency (ISO 4217), what deal amounts are in. */
  currency: string;
}

/** Fault switches: each turns the sandbox into a CRM that answers that way from now on. */
export interface HarnessFaults {
  /** Every access token issued so far expires (refresh tokens stay valid). */
  expireAccess(): void;
  /** The access is gone and the refresh token is refused (the integration was removed or disabled). */
  revokeRefresh(): void;
  /** Every API request is rate-limited (429 or the CRM's equivalent). */
  rateLimitAlways(): void;
  /** Every API request fails with a 5xx. */
  serverErrorAlways(): void;
  /** Every API request answers "payment required" (402 or the CRM's equivalent). */
  paymentRequired(): void;
  /** Every API request is refused as forbidden (403 or the CRM's equivalent). */
  forbidden(): void;
  /** The CRM stops answering: requests hang until the adapter's timeout. */
  hang(): void;
}

export interface AdapterHarness {
  /** The adapter, wired to the sandbox with the harness's clock, fetch, logger and limits. */
  adapter: CrmAdapter;
  /** The browser's part of authorization: the sandbox's consent page and Allow; resolves with the callback's query (OAuth CRMs). */
  consent(): Promise<URLSearchParams>;
  /**
   * API-key CRMs: authorization with the sandbox's address and key (`adapter.apiKey.connect`);
   * when present, used instead of the consent page and the code exchange.
   */
  connect?(): Promise<CrmGrant>;
  truth: SandboxTruth;
  faults: HarnessFaults;
  /** Custom fields per page as the adapter reads them (the `manyFields` fixture has more). */
  customFieldPageSize: number;
  /**
   * The CRM says how many items a list holds (`CrmPage.total`: Bitrix24 yes, amoCRM no); or per
   * list (RetailCRM counts orders, but its history counts every field's changes, not status changes).
   */
  reportsTotals: boolean | { deals: boolean; statusChanges: boolean };
  /** The adapter's `maxRetries` for 429 and 5xx (the harness sets it). */
  maxRetries: number;
  /** The adapter's request timeout (the harness sets it; the fake clock makes it pass). */
  timeoutMs: number;
  /** Requests the sandbox has received so far (every path, the token endpoint included). */
  requestCount(): number;
  /** Of those, requests to the token endpoint (code exchange and refresh). */
  tokenRequestCount(): number;
  /** Every line the adapter's logger wrote. */
  readonly logLines: readonly string[];
  /** What must never be logged or put into an error message: every code, token and key issued so far, the client secret. */
  secrets(): string[];
}

export type MakeHarness = (fixture: ConformanceFixture) => AdapterHarness | Promise<AdapterHarness>;

// ---- helpers -----------------------------------------------------------------------------

/**
 * An in-memory `CrmConnection` (like `token-store.ts` `memoryConnection`, with compare-and-swap)
 * that counts rotations and revocations; `revoked()` removes the access, as the token store does.
 */
export interface RecordingConnection extends CrmConnection {
  readonly rotations: number;
  readonly revocations: number;
  /** The stored access token's lifetime is over (as time passing would make it); the CRM may not know yet. */
  expireStored(): void;
}

export function recordingConnection(grant: CrmGrant, key = 'conformance'): RecordingConnection {
  let current: StoredAccess | null = { baseUrl: grant.baseUrl, account: grant.account, tokens: grant.tokens, version: '1' };
  let rotations = 0;
  let revocations = 0;
  return {
    key: `${key}:${Math.random().toString(36).slice(2)}`,
    read: () => Promise.resolve(current),
    rotate(expectedVersion: string, tokens: CrmTokens) {
      if (!current || current.version !== expectedVersion) return Promise.resolve(null);
      rotations += 1;
      current = { ...current, tokens, version: String(Number(current.version) + 1) };
      return Promise.resolve(current);
    },
    revoked() {
      revocations += 1;
      current = null;
      return Promise.resolve();
    },
    expireStored() {
      if (current) current = { ...current, tokens: { ...current.tokens, expiresAt: 0 } };
    },
    get rotations() {
      return rotations;
    },
    get revocations() {
      return revocations;
    },
  };
}

/** The rejection of `promise`, which must be a `CrmError`. */
export async function crmErrorOf(promise: Promise<unknown>): Promise<CrmError> {
  const outcome = await promise.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a CrmError, the call resolved with ${JSON.stringify(outcome.value)?.slice(0, 200)}`);
  if (!(outcome.error instanceof CrmError)) {
    throw new Error(`expected a CrmError, got ${outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : String(outcome.error)}`);
  }
  return outcome.error;
}

/** Walks a paged list from page 1, following `nextPage`, and checks the paging on the way. */
export async function allPages<T>(list: (page: number) => Promise<CrmPage<T>>, maxPages = 500): Promise<{ items: T[]; pages: CrmPage<T>[] }> {
  const pages: CrmPage<T>[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const answer: CrmPage<T> = await list(page);
    pages.push(answer);
    if (answer.nextPage !== null) {
      expect(answer.nextPage, `nextPage after page ${page}`).toBeGreaterThan(page);
      // A page that says more follow is not empty.
      expect(answer.items.length, `items on page ${page}, which has a next page`).toBeGreaterThan(0);
    }
    if (pages.length > maxPages) throw new Error(`more than ${maxPages} pages: nextPage never ends`);
    page = answer.nextPage;
  }
  return { items: pages.flatMap((page) => page.items), pages };
}

const sortedIds = (ids: Iterable<string>) => [...ids].sort();

/** A page without its `total` (compared on its own where the CRM reports one). */
const pageOf = <T>(page: CrmPage<T>): Pick<CrmPage<T>, 'items' | 'nextPage'> => ({ items: page.items, nextPage: page.nextPage });

function expectUnique(ids: string[], what: string): void {
  const seen = new Set<string>();
  const duplicates = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  expect(duplicates, `duplicate ${what}`).toEqual([]);
}

const kindOf = (kind: CrmPipeline['statuses'][number]['kind']): TruthStatusKind => (kind === 'won' || kind === 'lost' ? kind : 'open');

/** Positions compared as text, so that a mismatch reads well. */
const position = (at: Position) => `${at.pipelineId}/${at.statusId}`;

/** Nothing secret in the adapter's log lines or in the messages of the errors it threw. */
function expectNoSecrets(harness: AdapterHarness, errors: readonly Error[]): void {
  const secrets = harness.secrets().filter((secret) => secret.length >= 8);
  expect(secrets.length, 'secrets the sandbox issued (the check would be empty without them)').toBeGreaterThan(0);
  const texts = [...harness.logLines.map((line) => ({ where: 'log line', text: line })), ...errors.map((error) => ({ where: 'error message', text: `${error.name}: ${error.message}` }))];
  const leaks = texts.flatMap(({ where, text }) => secrets.filter((secret) => text.includes(secret)).map(() => `${where}: ${text}`));
  expect(leaks, 'a token, code or the client secret was logged or put into an error message').toEqual([]);
}

/** Authorizes through the sandbox's consent page and the adapter's code exchange. */
async function authorize(harness: AdapterHarness): Promise<{ grant: CrmGrant; connection: RecordingConnection }> {
  const grant = harness.connect ? await harness.connect() : await harness.adapter.exchangeCode(await harness.consent());
  return { grant, connection: recordingConnection(grant) };
}

type Operation = { name: string; run: (connection: CrmConnection) => Promise<unknown> };

/** Every read of the interface, each of which must fail the same way under a fault. */
function operations(adapter: CrmAdapter): Operation[] {
  return [
    { name: 'getAccount', run: (connection) => adapter.getAccount(connection) },
    { name: 'listPipelines', run: (connection) => adapter.listPipelines(connection) },
    { name: 'listCustomFields', run: (connection) => adapter.listCustomFields(connection) },
    { name: 'listLeads', run: (connection) => adapter.listLeads(connection) },
    { name: 'listEvents', run: (connection) => adapter.listEvents(connection) },
  ];
}

// ---- the suite ---------------------------------------------------------------------------

export interface ConformanceOptions {
  /**
   * How the CRM grants access (default `oauth2`). For `api_key` the OAuth checks (refresh,
   * rotation, code reuse) do not apply: a refused key is the revoked access.
   */
  authKind?: 'oauth2' | 'api_key';
}

export function describeAdapterConformance(name: string, makeHarness: MakeHarness, options: ConformanceOptions = {}): void {
  const oauth = (options.authKind ?? 'oauth2') === 'oauth2';
  /** A check of the OAuth token life cycle: registered only for OAuth CRMs (an API key has none). */
  const itOAuth = (title: string, test: () => Promise<void>) => {
    if (oauth) it(title, test);
  };
  const setUp = async (fixture: ConformanceFixture = 'demo') => {
    const harness = await makeHarness(fixture);
    const { grant, connection } = await authorize(harness);
    return { harness, adapter: harness.adapter, truth: harness.truth, grant, connection };
  };

  describe(`${name} adapter conformance`, () => {
    describe('account', () => {
      it('the code exchange and getAccount give the sandbox account: id, domain and name as strings', async () => {
        const { adapter, truth, grant, connection, harness } = await setUp();
        expect(crmAccountSchema.parse(grant.account)).toEqual(grant.account);
        expect(grant.account).toEqual(truth.account);
        for (const value of [grant.account.id, grant.account.domain, grant.account.name]) expect(typeof value).toBe('string');
        expect(grant.tokens.expiresAt).toBeGreaterThan(0);
        const account = await adapter.getAccount(connection);
        expect(account).toEqual(truth.account);
        expectNoSecrets(harness, []);
      });

      it('accountCurrency gives the account’s currency as an ISO 4217 code', async () => {
        const { adapter, truth, connection } = await setUp();
        if (!adapter.accountCurrency) throw new Error('the adapter does not implement accountCurrency');
        const currency = await adapter.accountCurrency(connection);
        expect(currency).toMatch(/^[A-Z]{3}$/);
        expect(currency).toBe(truth.currency);
      });
    });

    describe('pipelines', () => {
      it('lists every pipeline and its statuses in CRM order, with string ids and hex colours', async () => {
        const { adapter, truth, connection } = await setUp();
        const pipelines = await adapter.listPipelines(connection);
        expect(pipelines.map((pipeline) => pipeline.id)).toEqual(truth.pipelines.map((pipeline) => pipeline.id));
        pipelines.forEach((pipeline, index) => {
          const expected = truth.pipelines[index];
          if (!expected) throw new Error(`no truth for pipeline ${index}`);
          expect(crmPipelineSchema.parse(pipeline)).toEqual(pipeline);
          expect(typeof pipeline.id).toBe('string');
          expect(pipeline.id).toMatch(CRM_ID_PATTERN);
          if (expected.name !== null) expect(pipeline.name).toBe(expected.name);
          else expect(pipeline.name.trim(), `pipeline ${pipeline.id} has a name`).not.toBe('');
          expect(pipeline.statuses.map((status) => status.id), `statuses of pipeline ${pipeline.id} in CRM order`).toEqual(
            expected.statuses.map((status) => status.id),
          );
          expect(pipeline.statuses.map((status) => status.name)).toEqual(expected.statuses.map((status) => status.name));
          for (const status of pipeline.statuses) {
            expect(typeof status.id).toBe('string');
            expect(status.color, `colour of status ${status.id}`).toMatch(HEX_COLOR);
          }
        });
      });

      it('gives each pipeline exactly one won status and at least one lost, as the CRM marks them', async () => {
        const { adapter, truth, connection } = await setUp();
        const pipelines = await adapter.listPipelines(connection);
        expect(pipelines.length).toBeGreaterThan(0);
        for (const pipeline of pipelines) {
          const kinds = pipeline.statuses.map((status) => status.kind);
          expect(kinds.filter((kind) => kind === 'won'), `won statuses of pipeline ${pipeline.id}`).toHaveLength(1);
          expect(kinds.filter((kind) => kind === 'lost').length, `lost statuses of pipeline ${pipeline.id}`).toBeGreaterThanOrEqual(1);
          const expected = truth.pipelines.find((candidate) => candidate.id === pipeline.id);
          expect(
            pipeline.statuses.map((status) => `${status.id}:${kindOf(status.kind)}`),
            `meaning of the statuses of pipeline ${pipeline.id}`,
          ).toEqual(expected?.statuses.map((status) => `${status.id}:${status.kind}`));
        }
      });
    });

    describe('custom fields', () => {
      it('reads every page: more fields than one page holds, all of them, none twice', async () => {
        const { adapter, truth, connection, harness } = await setUp('manyFields');
        // The fixture must force at least two pages, else this would prove nothing.
        expect(truth.customFieldIds.length).toBeGreaterThan(harness.customFieldPageSize);
        const fields = await adapter.listCustomFields(connection);
        const ids = fields.map((field) => field.id);
        expectUnique(ids, 'custom field ids');
        expect(fields).toHaveLength(truth.customFieldIds.length);
        expect(sortedIds(ids)).toEqual(sortedIds(truth.customFieldIds));
        for (const field of fields) expect(crmCustomFieldSchema.parse(field)).toEqual(field);
      });

      it('lists the demo account’s fields with string ids', async () => {
        const { adapter, truth, connection } = await setUp();
        const fields = await adapter.listCustomFields(connection);
        expect(sortedIds(fields.map((field) => field.id))).toEqual(sortedIds(truth.customFieldIds));
        for (const field of fields) {
          expect(typeof field.id).toBe('string');
          expect(crmCustomFieldSchema.parse(field)).toEqual(field);
        }
      });
    });

    describe('deals', () => {
      const checkDeals = (items: CrmLead[], truth: SandboxTruth, expectedIds: string[], what: string) => {
        const ids = items.map((lead) => lead.id);
        expectUnique(ids, `deal ids (${what})`);
        expect(items.length, `deals (${what})`).toBe(expectedIds.length);
        expect(sortedIds(ids), `deal ids (${what})`).toEqual(sortedIds(expectedIds));
        const byId = new Map(truth.deals.map((deal) => [deal.id, deal]));
        for (const lead of items) {
          const deal = byId.get(lead.id);
          expect(typeof lead.id).toBe('string');
          const seen = { id: lead.id, name: lead.name, price: lead.price, pipelineId: lead.pipelineId, statusId: lead.statusId, createdAt: lead.createdAt };
          expect(seen).toEqual(deal && { id: deal.id, name: deal.name, price: deal.price, pipelineId: deal.pipelineId, statusId: deal.statusId, createdAt: deal.createdAt });
        }
      };

      it('pages through every deal: the pages add up to the account, no duplicates, nextPage null at the end', async () => {
        const { adapter, truth, connection } = await setUp();
        expect(truth.deals.length).toBeGreaterThan(50);
        const all = await allPages((page) => adapter.listLeads(connection, { page }));
        expect(all.pages.length).toBeGreaterThan(1);
        expect(all.pages.at(-1)?.nextPage).toBeNull();
        checkDeals(all.items, truth, truth.deals.map((deal) => deal.id), 'all, default page size');

        const small = await allPages((page) => adapter.listLeads(connection, { page, limit: 30 }));
        for (const page of small.pages) expect(page.items.length).toBeLessThanOrEqual(30);
        expect(small.pages.length).toBe(Math.ceil(truth.deals.length / 30));
        checkDeals(small.items, truth, truth.deals.map((deal) => deal.id), 'all, 30 a page');

        // A page size the CRM may not allow (more than it sends at once): still every deal, each page within the size.
        const large = await allPages((page) => adapter.listLeads(connection, { page, limit: 100 }));
        for (const page of large.pages) expect(page.items.length).toBeLessThanOrEqual(100);
        checkDeals(large.items, truth, truth.deals.map((deal) => deal.id), 'all, 100 a page');
      });

      it('filters by pipeline', async () => {
        const { adapter, truth, connection } = await setUp();
        for (const pipeline of truth.pipelines) {
          const expected = truth.deals.filter((deal) => deal.pipelineId === pipeline.id).map((deal) => deal.id);
          const { items } = await allPages((page) => adapter.listLeads(connection, { page, pipelineIds: [pipeline.id] }));
          checkDeals(items, truth, expected, `pipeline ${pipeline.id}`);
        }
        const two = truth.pipelines.slice(0, 2).map((pipeline) => pipeline.id);
        const expected = truth.deals.filter((deal) => two.includes(deal.pipelineId)).map((deal) => deal.id);
        const { items } = await allPages((page) => adapter.listLeads(connection, { page, pipelineIds: two }));
        checkDeals(items, truth, expected, `pipelines ${two.join(', ')}`);
      });

      it('filters by creation time, both ends inclusive', async () => {
        const { adapter, truth, connection } = await setUp();
        const times = truth.deals.map((deal) => deal.createdAt).sort((a, b) => a - b);
        const from = times[Math.floor(times.length / 4)] ?? 0;
        const to = times[Math.floor((times.length * 3) / 5)] ?? 0;
        expect(from).toBeLessThan(to);
        const expected = truth.deals.filter((deal) => deal.createdAt >= from && deal.createdAt <= to).map((deal) => deal.id);
        const { items } = await allPages((page) => adapter.listLeads(connection, { page, createdFrom: from, createdTo: to }));
        checkDeals(items, truth, expected, `created in [${from}, ${to}]`);

        // One second: exactly the deals created then.
        const exact = truth.deals.filter((deal) => deal.createdAt === to).map((deal) => deal.id);
        const single = await allPages((page) => adapter.listLeads(connection, { page, createdFrom: to, createdTo: to }));
        checkDeals(single.items, truth, exact, `created at ${to}`);

        // With a pipeline too.
        const pipelineId = truth.deals[0]?.pipelineId ?? '';
        const both = truth.deals.filter((deal) => deal.pipelineId === pipelineId && deal.createdAt >= from && deal.createdAt <= to).map((deal) => deal.id);
        const combined = await allPages((page) => adapter.listLeads(connection, { page, pipelineIds: [pipelineId], createdFrom: from, createdTo: to }));
        checkDeals(combined.items, truth, both, `pipeline ${pipelineId}, created in [${from}, ${to}]`);
      });

      it('filters by update time, inclusive, in id order: every deal changed at or after the time, once', async () => {
        const { adapter, truth, connection } = await setUp();
        const times = truth.deals.map((deal) => deal.updatedAt).sort((a, b) => a - b);
        const from = times[Math.floor((times.length * 2) / 3)] ?? 0;
        const expected = truth.deals.filter((deal) => deal.updatedAt >= from).map((deal) => deal.id);
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(truth.deals.length);
        const { items } = await allPages((page) => adapter.listLeads(connection, { page, limit: 30, updatedFrom: from, order: { by: 'id', direction: 'asc' } }));
        checkDeals(items, truth, expected, `updated from ${from}`);
        for (const lead of items) expect(lead.updatedAt, `updatedAt of deal ${lead.id}`).toBeGreaterThanOrEqual(from);
        // Inclusive: the deals changed exactly then are in.
        const exact = truth.deals.filter((deal) => deal.updatedAt === from).map((deal) => deal.id);
        expect(exact.length).toBeGreaterThan(0);
        expect(items.map((lead) => lead.id)).toEqual(expect.arrayContaining(exact));
        const ids = items.map((lead) => Number(lead.id));
        if (ids.every((id) => Number.isFinite(id))) expect(ids, 'id order').toEqual([...ids].sort((a, b) => a - b));
        // After the latest change: nothing.
        expect(pageOf(await adapter.listLeads(connection, { updatedFrom: (times.at(-1) ?? 0) + 1 }))).toEqual({ items: [], nextPage: null });
      });

      it('says how many items a list holds when the CRM reports it (total), the same on every page', async () => {
        const { adapter, truth, harness, connection } = await setUp();
        const deals = await allPages((page) => adapter.listLeads(connection, { page, limit: 30 }));
        const events = await allPages((page) => adapter.listEvents(connection, { page }));
        const from = [...truth.deals.map((deal) => deal.updatedAt)].sort((a, b) => a - b)[Math.floor(truth.deals.length / 2)] ?? 0;
        const recent = await adapter.listLeads(connection, { updatedFrom: from });
        const reports = typeof harness.reportsTotals === 'boolean' ? { deals: harness.reportsTotals, statusChanges: harness.reportsTotals } : harness.reportsTotals;
        if (reports.deals) {
          for (const page of deals.pages) expect(page.total, 'deals total').toBe(truth.deals.length);
          expect(recent.total, 'total under a filter').toBe(truth.deals.filter((deal) => deal.updatedAt >= from).length);
        } else {
          for (const page of [...deals.pages, recent]) expect(page.total ?? null).toBeNull();
        }
        if (reports.statusChanges) for (const page of events.pages) expect(page.total, 'status changes total').toBe(truth.statusChanges.length);
        else for (const page of events.pages) expect(page.total ?? null).toBeNull();
      });

      it('orders by creation time, newest first, when asked', async () => {
        const { adapter, truth, connection } = await setUp();
        const page = await adapter.listLeads(connection, { limit: 10, order: { by: 'created_at', direction: 'desc' } });
        expect(page.items).toHaveLength(10);
        expect(page.nextPage).not.toBeNull();
        const times = page.items.map((lead) => lead.createdAt);
        expect(times).toEqual([...times].sort((a, b) => b - a));
        expect(times[0]).toBe(Math.max(...truth.deals.map((deal) => deal.createdAt)));
      });
    });

    describe('status changes', () => {
      it('pages through every status change; the last one of each deal is where the deal is now', async () => {
        const { adapter, truth, connection } = await setUp();
        const { items, pages } = await allPages((page) => adapter.listEvents(connection, { page }));
        expect(pages.at(-1)?.nextPage).toBeNull();
        expectUnique(
          items.map((event) => event.id),
          'status change ids',
        );
        expect(items).toHaveLength(truth.statusChanges.length);
        const deals = new Map(truth.deals.map((deal) => [deal.id, deal]));
        const byDeal = new Map<string, CrmStatusChange[]>();
        for (const event of items) {
          expect(typeof event.id).toBe('string');
          expect(typeof event.leadId).toBe('string');
          expect(deals.has(event.leadId), `status change ${event.id} is of a known deal (${event.leadId})`).toBe(true);
          byDeal.set(event.leadId, [...(byDeal.get(event.leadId) ?? []), event]);
        }
        const wrong: string[] = [];
        for (const [dealId, events] of byDeal) {
          const deal = deals.get(dealId);
          if (!deal) continue;
          const latest = Math.max(...events.map((event) => event.createdAt));
          const last = events.filter((event) => event.createdAt === latest).map((event) => position(event.after));
          if (!last.includes(position(deal))) wrong.push(`deal ${dealId}: last change to ${last.join(' or ')}, the deal is at ${position(deal)}`);
        }
        expect(wrong).toEqual([]);
        // Every deal the sandbox moved has its changes listed.
        expect(sortedIds(byDeal.keys())).toEqual(sortedIds(new Set(truth.statusChanges.map((change) => change.dealId))));
      });

      it('pages through every status change with a page size of its caller’s choosing', async () => {
        const { adapter, truth, connection } = await setUp();
        const { items, pages } = await allPages((page) => adapter.listEvents(connection, { page, limit: 30 }));
        for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(30);
        expectUnique(
          items.map((event) => event.id),
          'status change ids (30 a page)',
        );
        expect(items).toHaveLength(truth.statusChanges.length);
      });

      it('filters status changes by deal, for many deals at once', async () => {
        const { adapter, truth, connection } = await setUp();
        const moved = [...new Set(truth.statusChanges.map((change) => change.dealId))];
        for (const count of [1, 10, 25]) {
          const dealIds = moved.slice(0, count);
          expect(dealIds).toHaveLength(count);
          const expected = truth.statusChanges.filter((change) => dealIds.includes(change.dealId));
          const { items } = await allPages((page) => adapter.listEvents(connection, { page, leadIds: dealIds }));
          expect(
            sortedIds(new Set(items.map((event) => event.leadId))),
            `deals whose status changes came back when asking for ${count}`,
          ).toEqual(sortedIds(dealIds));
          expect(items.length, `status changes of ${count} deals`).toBe(expected.length);
        }
      });

      it('gives a deal’s status history, each change starting where the previous one ended', async () => {
        const { adapter, truth, connection } = await setUp();
        const counts = new Map<string, number>();
        for (const change of truth.statusChanges) counts.set(change.dealId, (counts.get(change.dealId) ?? 0) + 1);
        const [dealId] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [''];
        const expected = truth.statusChanges.filter((change) => change.dealId === dealId);
        expect(expected.length).toBeGreaterThanOrEqual(2);
        const { items } = await allPages((page) => adapter.listEvents(connection, { page, leadIds: [dealId] }));
        expect(items.every((event) => event.leadId === dealId)).toBe(true);
        const asText = (changes: Array<{ createdAt: number; after: Position }>) =>
          changes.map((change) => `${change.createdAt} → ${position(change.after)}`).sort();
        expect(asText(items)).toEqual(asText(expected));
        const inOrder = [...items].sort((a, b) => a.createdAt - b.createdAt);
        inOrder.forEach((event, index) => {
          const previous = inOrder[index - 1];
          if (previous && event.before !== null) expect(position(event.before), `before of change ${event.id}`).toBe(position(previous.after));
        });
      });

      it('filters status changes by time, both ends inclusive', async () => {
        const { adapter, truth, connection } = await setUp();
        const times = truth.statusChanges.map((change) => change.createdAt).sort((a, b) => a - b);
        const from = times[Math.floor(times.length / 3)] ?? 0;
        const to = times[Math.floor(times.length / 2)] ?? 0;
        expect(from).toBeLessThan(to);
        const expected = truth.statusChanges.filter((change) => change.createdAt >= from && change.createdAt <= to);
        const { items } = await allPages((page) => adapter.listEvents(connection, { page, createdFrom: from, createdTo: to }));
        expect(items).toHaveLength(expected.length);
        expect(items.every((event) => event.createdAt >= from && event.createdAt <= to)).toBe(true);
      });
    });

    describe('empty lists', () => {
      it('an account without deals gives [] and nextPage null', async () => {
        const { adapter, truth, connection } = await setUp('empty');
        expect(truth.deals).toEqual([]);
        expect(pageOf(await adapter.listLeads(connection))).toEqual({ items: [], nextPage: null });
        expect(pageOf(await adapter.listLeads(connection, { page: 1, limit: 10, order: { by: 'created_at', direction: 'desc' } }))).toEqual({
          items: [],
          nextPage: null,
        });
        expect(pageOf(await adapter.listEvents(connection))).toEqual({ items: [], nextPage: null });
        // The structure is still there.
        expect((await adapter.listPipelines(connection)).map((pipeline) => pipeline.id)).toEqual(truth.pipelines.map((pipeline) => pipeline.id));
      });

      it('a filter matching nothing gives [] and nextPage null', async () => {
        const { adapter, truth, connection } = await setUp();
        const latest = Math.max(...truth.deals.map((deal) => deal.createdAt), ...truth.statusChanges.map((change) => change.createdAt));
        const earliest = Math.min(...truth.deals.map((deal) => deal.createdAt), ...truth.statusChanges.map((change) => change.createdAt));
        const empty = { items: [], nextPage: null };
        expect(pageOf(await adapter.listLeads(connection, { createdFrom: latest + 1 }))).toEqual(empty);
        expect(pageOf(await adapter.listLeads(connection, { createdTo: earliest - 1 }))).toEqual(empty);
        expect(pageOf(await adapter.listEvents(connection, { createdFrom: latest + 1 }))).toEqual(empty);
        // A page beyond the last one.
        const pages = Math.ceil(truth.deals.length / 10);
        expect(pageOf(await adapter.listLeads(connection, { page: pages + 1, limit: 10 }))).toEqual(empty);
        // A pipeline without deals, where the account has one.
        const idle = truth.pipelines.find((pipeline) => !truth.deals.some((deal) => deal.pipelineId === pipeline.id));
        if (idle) expect(pageOf(await adapter.listLeads(connection, { pipelineIds: [idle.id] }))).toEqual(empty);
        // Ids the account does not have.
        const known = new Set([...truth.pipelines.map((pipeline) => pipeline.id), ...truth.deals.map((deal) => deal.id)]);
        for (const unknown of ['987654321', 'no-such-id']) {
          expect(known.has(unknown)).toBe(false);
          expect.soft(pageOf(await adapter.listLeads(connection, { pipelineIds: [unknown] })), `deals of pipeline ${unknown}`).toEqual(empty);
          expect.soft(pageOf(await adapter.listEvents(connection, { leadIds: [unknown] })), `status changes of deal ${unknown}`).toEqual(empty);
        }
      });
    });

    describe('faults', () => {
      itOAuth('expired access: one refresh, the stored tokens rotated, then success', async () => {
        const { adapter, truth, connection, harness } = await setUp();
        const before = await connection.read();
        if (!before) throw new Error('no access after authorization');
        harness.faults.expireAccess();
        const tokenRequests = harness.tokenRequestCount();
        const pipelines = await adapter.listPipelines(connection);
        expect(pipelines.map((pipeline) => pipeline.id)).toEqual(truth.pipelines.map((pipeline) => pipeline.id));
        expect(harness.tokenRequestCount() - tokenRequests, 'token requests (refreshes)').toBe(1);
        expect(connection.rotations).toBe(1);
        const after = await connection.read();
        expect(after?.version).not.toBe(before.version);
        expect(after?.tokens.accessToken).not.toBe(before.tokens.accessToken);
        expect(after?.tokens.refreshToken).not.toBe(before.tokens.refreshToken);
        expect(connection.revocations).toBe(0);
        // The refresh token was spent: the CRM refuses it now.
        expect((await crmErrorOf(adapter.refresh(before.baseUrl, before.tokens.refreshToken))).code).toBe<CrmErrorCode>('crm_access_revoked');
        // The new pair keeps working without another refresh.
        expect(await adapter.getAccount(connection)).toEqual(truth.account);
        await adapter.listLeads(connection, { limit: 5 });
        expect(harness.tokenRequestCount() - tokenRequests).toBe(2); // the refresh and the spent token above
        expectNoSecrets(harness, []);
      });

      itOAuth('expired access with calls in flight at once: they share one refresh', async () => {
        const { adapter, truth, connection, harness } = await setUp();
        harness.faults.expireAccess();
        const tokenRequests = harness.tokenRequestCount();
        const [account, pipelines, leads] = await Promise.all([
          adapter.getAccount(connection),
          adapter.listPipelines(connection),
          adapter.listLeads(connection, { limit: 5 }),
        ]);
        expect(account).toEqual(truth.account);
        expect(pipelines).toHaveLength(truth.pipelines.length);
        expect(leads.items).toHaveLength(5);
        expect(harness.tokenRequestCount() - tokenRequests, 'token requests (refreshes)').toBe(1);
        expect(connection.rotations).toBe(1);
        expect(connection.revocations).toBe(0);
      });

      it('revoked refresh: crm_access_revoked and connection.revoked() called', async () => {
        const { adapter, connection, harness } = await setUp();
        harness.faults.revokeRefresh();
        const error = await crmErrorOf(adapter.listPipelines(connection));
        expect(error.code).toBe<CrmErrorCode>('crm_access_revoked');
        expect(connection.revocations).toBe(1);
        // The access is gone now: the next call says so without asking the CRM.
        const requests = harness.requestCount();
        const next = await crmErrorOf(adapter.getAccount(connection));
        expect(next.code).toBe<CrmErrorCode>('crm_not_connected');
        expect(harness.requestCount()).toBe(requests);
        expectNoSecrets(harness, [error, next]);
      });

      const refusal = (fault: 'paymentRequired' | 'forbidden', code: CrmErrorCode) =>
        it(`${fault}: ${code} from every call, without retrying`, async () => {
          const { adapter, connection, harness } = await setUp();
          harness.faults[fault]();
          const errors: CrmError[] = [];
          for (const operation of operations(adapter)) {
            const requests = harness.requestCount();
            const error = await crmErrorOf(operation.run(connection));
            errors.push(error);
            expect(error.code, operation.name).toBe(code);
            expect(harness.requestCount() - requests, `requests of ${operation.name}`).toBe(1);
          }
          expect(connection.revocations).toBe(0);
          expect(connection.read()).not.toBeNull();
          expect(harness.logLines.length, 'the failures were logged').toBeGreaterThan(0);
          expectNoSecrets(harness, errors);
        });
      refusal('paymentRequired', 'crm_payment_required');
      refusal('forbidden', 'crm_forbidden');

      const retried = (fault: 'rateLimitAlways' | 'serverErrorAlways', code: CrmErrorCode) =>
        it(`${fault}: ${code} after bounded retries (at most maxRetries + 1 requests a call)`, async () => {
          const { adapter, connection, harness } = await setUp();
          harness.faults[fault]();
          const errors: CrmError[] = [];
          for (const operation of operations(adapter)) {
            const requests = harness.requestCount();
            const error = await crmErrorOf(operation.run(connection));
            errors.push(error);
            expect(error.code, operation.name).toBe(code);
            const sent = harness.requestCount() - requests;
            expect(sent, `requests of ${operation.name}: retried`).toBeGreaterThan(1);
            expect(sent, `requests of ${operation.name}: at most maxRetries + 1 = ${harness.maxRetries + 1}`).toBeLessThanOrEqual(harness.maxRetries + 1);
          }
          expect(connection.revocations).toBe(0);
          expect(harness.logLines.length, 'the failures were logged').toBeGreaterThan(0);
          expectNoSecrets(harness, errors);
        });
      retried('rateLimitAlways', 'crm_rate_limited');
      retried('serverErrorAlways', 'crm_unavailable');

      it('a CRM that does not answer: crm_unavailable at the timeout, without really waiting', async () => {
        const { adapter, connection, harness } = await setUp();
        harness.faults.hang();
        const errors: CrmError[] = [];
        for (const operation of operations(adapter)) {
          const started = performance.now();
          const error = await crmErrorOf(operation.run(connection));
          errors.push(error);
          expect(error.code, operation.name).toBe<CrmErrorCode>('crm_unavailable');
          expect(performance.now() - started, `real ms ${operation.name} took`).toBeLessThan(harness.timeoutMs / 2);
        }
        expect(connection.revocations).toBe(0);
        expectNoSecrets(harness, errors);
      });

      itOAuth('stored access past its lifetime: refreshed once before the call', async () => {
        const { adapter, truth, connection, harness } = await setUp();
        const before = await connection.read();
        connection.expireStored();
        const tokenRequests = harness.tokenRequestCount();
        expect(await adapter.getAccount(connection)).toEqual(truth.account);
        expect(harness.tokenRequestCount() - tokenRequests, 'token requests (refreshes)').toBe(1);
        expect(connection.rotations).toBe(1);
        expect((await connection.read())?.tokens.accessToken).not.toBe(before?.tokens.accessToken);
        expect((await connection.read())?.tokens.expiresAt).toBeGreaterThan(0);
      });

      itOAuth('a refresh that times out: crm_unavailable, and the access is kept', async () => {
        const { adapter, connection, harness } = await setUp();
        const before = await connection.read();
        connection.expireStored();
        harness.faults.hang();
        const tokenRequests = harness.tokenRequestCount();
        const error = await crmErrorOf(adapter.listPipelines(connection));
        expect(error.code).toBe<CrmErrorCode>('crm_unavailable');
        expect(connection.revocations).toBe(0);
        expect(harness.tokenRequestCount() - tokenRequests, 'the refresh was tried').toBe(1);
        expect(connection.revocations).toBe(0);
        expect((await connection.read())?.version).toBe(before?.version);
        expectNoSecrets(harness, [error]);
      });

      it('no token, code or client secret in any log line or error message over a whole session', async () => {
        const { adapter, connection, harness } = await setUp();
        const errors: Error[] = [];
        const keep = async (run: () => Promise<unknown>) => {
          try {
            await run();
          } catch (error) {
            if (!(error instanceof Error)) throw error;
            errors.push(error);
          }
        };
        for (const operation of operations(adapter)) await keep(() => operation.run(connection));
        if (oauth) {
          // A code used twice.
          const callback = await harness.consent();
          await adapter.exchangeCode(callback);
          await keep(() => adapter.exchangeCode(callback));
          // A refresh, then the spent refresh token again.
          const spent = await connection.read();
          harness.faults.expireAccess();
          await keep(() => adapter.listPipelines(connection));
          if (spent) await keep(() => adapter.refresh(spent.baseUrl, spent.tokens.refreshToken));
        } else {
          // The key again, then a wrong key (one character changed) for the same account.
          const access = await connection.read();
          if (access && adapter.apiKey) {
            await adapter.apiKey.connect({ accountUrl: access.baseUrl, apiKey: access.tokens.accessToken });
            await keep(() => adapter.apiKey!.connect({ accountUrl: access.baseUrl, apiKey: `${access.tokens.accessToken.slice(0, -1)}x` }));
            // The right key for an address that is not the CRM's.
            await keep(() => adapter.apiKey!.connect({ accountUrl: 'https://example.com', apiKey: access.tokens.accessToken }));
          }
        }
        harness.faults.serverErrorAlways();
        await keep(() => adapter.getAccount(connection));
        expect(errors.length).toBeGreaterThanOrEqual(3);
        expect(harness.logLines.length).toBeGreaterThan(0);
        expectNoSecrets(harness, errors);
      });
    });
  });
}
