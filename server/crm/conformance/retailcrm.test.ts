import demoFixture from '../../../mocks/fixtures/retailcrm-demo.json';
import {
  buildSandboxShop,
  createSandboxRetailCrm,
  demoShop,
  RETAILCRM_SANDBOX_DEFAULT_ORIGIN,
  type SandboxShop,
  type ShopFixtureInput,
} from '../../../mocks/sandbox/retailcrm/index';
import { captureLogger } from '../http/testing';
import { createRetailCrmAdapter } from '../retailcrm/adapter';
import { LOST_GROUP, ORDERS_PIPELINE_ID, ORDERS_PIPELINE_NAME, WON_GROUP } from '../retailcrm/normalize';

import { conformanceClock, inProcessFetch } from './harness';
import { describeAdapterConformance, type AdapterHarness, type ConformanceFixture, type SandboxTruth } from './suite';

/** The RetailCRM harness: `createRetailCrmAdapter` against the sandbox RetailCRM (`mocks/sandbox/retailcrm`), in-process. */

const ORIGIN = RETAILCRM_SANDBOX_DEFAULT_ORIGIN;
const HOST = new URL(ORIGIN).host;
const MAX_RETRIES = 2;
const TIMEOUT_MS = 10_000;
/** The adapter reads custom fields 100 a page. */
const FIELD_PAGE = 100;

function shop(fixture: ConformanceFixture): SandboxShop {
  if (fixture === 'demo') return demoShop();
  const input = structuredClone(demoFixture) as ShopFixtureInput;
  if (fixture === 'empty') input.generate = { ...input.generate!, orders: 0 };
  else {
    input.customFields = [
      ...(input.customFields ?? []),
      ...Array.from({ length: 2 * FIELD_PAGE + 20 }, (_, i) => ({
        code: `conformance_${i + 1}`,
        name: `Поле ${i + 1}`,
        type: i % 3 === 0 ? ('numeric' as const) : ('string' as const),
        ordering: 1000 + i,
      })),
    ];
  }
  return buildSandboxShop(input);
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function truthOf(sandbox: SandboxShop): SandboxTruth {
  const site = sandbox.fixture.sites[0]!;
  return {
    // The account is its address; its name, the shop's (first) site.
    account: { id: HOST, domain: HOST, name: site.name },
    pipelines: [
      {
        id: ORDERS_PIPELINE_ID,
        name: ORDERS_PIPELINE_NAME,
        // Groups by ordering, statuses by ordering inside each.
        statuses: sandbox.statuses.map((status) => ({
          id: status.code,
          name: status.name,
          kind: status.group === WON_GROUP ? 'won' : status.group === LOST_GROUP ? 'lost' : 'open',
        })),
      },
    ],
    customFieldIds: sandbox.fixture.customFields.map((field) => field.code),
    deals: sandbox.orders.map((order) => ({
      id: String(order.id),
      name: order.number,
      price: order.totalSumm,
      pipelineId: ORDERS_PIPELINE_ID,
      statusId: order.status,
      createdAt: seconds(order.createdAt),
      updatedAt: seconds(order.statusUpdatedAt),
    })),
    statusChanges: sandbox.history.map((entry) => ({
      dealId: String(entry.orderId),
      createdAt: seconds(entry.createdAt),
      after: { pipelineId: ORDERS_PIPELINE_ID, statusId: entry.newStatus },
    })),
    currency: sandbox.fixture.account.currency,
  };
}

function retailCrmHarness(fixture: ConformanceFixture): AdapterHarness {
  const clock = conformanceClock();
  const sandboxShop = shop(fixture);
  const sandbox = createSandboxRetailCrm({
    shop: sandboxShop,
    now: clock.now,
    sleep: (ms, signal) => {
      if (ms > 0) clock.advance(ms);
      return signal?.aborted ? Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')) : Promise.resolve();
    },
  });
  const { logger, lines } = captureLogger();
  const adapter = createRetailCrmAdapter({
    sandboxOrigin: ORIGIN,
    timeoutMs: TIMEOUT_MS,
    maxRetries: MAX_RETRIES,
    timing: clock,
    fetch: inProcessFetch(sandbox),
    logger,
  });

  return {
    adapter,
    consent: () => Promise.reject(new Error('RetailCRM has no consent page')),
    connect: () => adapter.apiKey!.connect({ accountUrl: ORIGIN, apiKey: sandbox.apiKey }),
    truth: truthOf(sandboxShop),
    faults: {
      // A key does not expire.
      expireAccess: () => {},
      // The key was deleted in RetailCRM: `Wrong "apiKey" value.`
      revokeRefresh: () => sandbox.revokeKey(sandbox.apiKey),
      rateLimitAlways: () => sandbox.setFaults({ rate503: 1 }),
      serverErrorAlways: () => sandbox.setFaults({ error500: 1 }),
      paymentRequired: () => sandbox.setFaults({ unpaid: true }),
      forbidden: () => sandbox.setFaults({ forbidden: true }),
      hang: () => sandbox.setFaults({ latencyMs: 10 * 60_000 }),
    },
    customFieldPageSize: FIELD_PAGE,
    reportsTotals: { deals: true, statusChanges: false },
    maxRetries: MAX_RETRIES,
    timeoutMs: TIMEOUT_MS,
    requestCount: () => sandbox.requests.length,
    tokenRequestCount: () => 0,
    logLines: lines,
    secrets: () => sandbox.issuedSecrets(),
  };
}

describeAdapterConformance('RetailCRM', retailCrmHarness, { authKind: 'api_key' });
