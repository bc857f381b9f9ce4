import smallFixture from '../../../mocks/fixtures/bitrix24-small.json';
import {
  BITRIX24_SANDBOX_CLIENT_ID,
  BITRIX24_SANDBOX_CLIENT_SECRET,
  BITRIX24_SANDBOX_DEFAULT_ORIGIN,
  buildSandboxPortal,
  createSandboxBitrix24,
  demoPortal,
  PAGE_SIZE,
  UTM_FIELDS,
  type PortalFixtureInput,
  type SandboxPortal,
} from '../../../mocks/sandbox/bitrix24/index';
import { createBitrix24Adapter } from '../bitrix24/adapter';
import { LEAD_PIPELINE_ID } from '../bitrix24/normalize';
import { captureLogger } from '../http/testing';

import { conformanceClock, inProcessFetch } from './harness';
import { describeAdapterConformance, type AdapterHarness, type ConformanceFixture, type SandboxTruth, type TruthPipeline } from './suite';

/** The Bitrix24 harness: `createBitrix24Adapter` against the sandbox Bitrix24 (`mocks/sandbox/bitrix24`), in-process. */

const ORIGIN = BITRIX24_SANDBOX_DEFAULT_ORIGIN;
/** The portal's address as the user types it, and the callback's `domain`. */
const HOST = new URL(ORIGIN).host;
const TOKEN_PATH = '/oauth/token/';
const MAX_RETRIES = 2;
const TIMEOUT_MS = 10_000;

function portal(fixture: ConformanceFixture): SandboxPortal {
  if (fixture === 'demo') return demoPortal();
  const input = structuredClone(smallFixture) as PortalFixtureInput;
  if (fixture === 'empty') input.deals = [];
  else {
    input.dealFields = [
      ...(input.dealFields ?? []),
      ...Array.from({ length: 2 * PAGE_SIZE + 20 }, (_, i) => ({
        fieldName: `UF_CRM_CONFORMANCE_${i + 1}`,
        type: i % 3 === 0 ? ('double' as const) : ('string' as const),
        label: `Поле ${i + 1}`,
        sort: 1000 + i,
      })),
    ];
  }
  return buildSandboxPortal(input);
}

/** Stable sort by `sort`: Bitrix24's order of pipelines (`crm.category.list`) and stages (`SORT`). */
const bySort = <T extends { sort: number }>(items: readonly T[]): T[] => [...items].sort((a, b) => a.sort - b.sort);

const seconds = (ms: number) => Math.floor(ms / 1000);

function truthOf(sandbox: SandboxPortal): SandboxTruth {
  const stagesOf = (entityId: string): TruthPipeline['statuses'] =>
    bySort(sandbox.statuses.filter((status) => status.entityId === entityId)).map((status) => ({
      id: status.statusId,
      name: status.name,
      kind: status.semantics === 'S' ? 'won' : status.semantics === 'F' ? 'lost' : 'open',
    }));
  return {
    // No method names a portal: its member_id is the id, the address it was authorized on the domain and name.
    account: { id: sandbox.fixture.portal.memberId, domain: HOST, name: HOST },
    pipelines: [
      ...bySort(sandbox.fixture.dealPipelines).map((pipeline) => ({
        id: String(pipeline.id),
        name: pipeline.name,
        statuses: stagesOf(pipeline.id === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${pipeline.id}`),
      })),
      // The lead pipeline (the STATUS directory) has no id or name of its own in Bitrix24: the adapter's.
      { id: LEAD_PIPELINE_ID, name: null, statuses: stagesOf('STATUS') },
    ],
    // The deal's user fields, then the standard UTM fields as tracking fields.
    customFieldIds: [...sandbox.userFields.map((field) => field.fieldName), ...UTM_FIELDS],
    deals: sandbox.deals.map((deal) => ({
      id: String(deal.id),
      name: deal.title,
      price: deal.opportunity,
      pipelineId: String(deal.categoryId),
      statusId: deal.stageId,
      createdAt: seconds(deal.createdAt),
      updatedAt: seconds(deal.modifiedAt),
    })),
    statusChanges: sandbox.history
      .filter((change) => change.entityTypeId === 2)
      .map((change) => ({
        dealId: String(change.ownerId),
        createdAt: seconds(change.createdAt),
        after: { pipelineId: String(change.categoryId ?? 0), statusId: change.stageId },
      })),
    currency: sandbox.fixture.portal.currency,
  };
}

function bitrix24Harness(fixture: ConformanceFixture): AdapterHarness {
  const clock = conformanceClock();
  const sandboxPortal = portal(fixture);
  const sandbox = createSandboxBitrix24({
    portal: sandboxPortal,
    now: clock.now,
    // Injected latency moves the fake clock: a hanging request times out without waiting.
    sleep: (ms, signal) => {
      if (ms > 0) clock.advance(ms);
      return signal?.aborted ? Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')) : Promise.resolve();
    },
  });
  const { logger, lines } = captureLogger();
  const fetch = inProcessFetch(sandbox);
  const adapter = createBitrix24Adapter({
    clientId: BITRIX24_SANDBOX_CLIENT_ID,
    clientSecret: BITRIX24_SANDBOX_CLIENT_SECRET,
    sandboxOrigin: ORIGIN,
    timeoutMs: TIMEOUT_MS,
    maxRetries: MAX_RETRIES,
    timing: clock,
    fetch,
    logger,
  });
  let states = 0;

  return {
    adapter,
    async consent() {
      states += 1;
      const state = `conformance-${states}`;
      const page = await fetch(adapter.authorizeUrl(state, HOST));
      const html = await page.text();
      if (page.status !== 200 || !html.includes('Allow')) throw new Error(`the consent page answered ${page.status}`);
      const form = new URLSearchParams({ client_id: BITRIX24_SANDBOX_CLIENT_ID, state, decision: 'allow' });
      const decision = await fetch(`${ORIGIN}/oauth/authorize/`, { method: 'POST', body: form, redirect: 'manual' });
      const location = decision.headers.get('Location');
      if (!location) throw new Error(`Allow answered ${decision.status} without a redirect`);
      return new URL(location).searchParams;
    },
    truth: truthOf(sandboxPortal),
    faults: {
      expireAccess: () => sandbox.expireAccessTokens(),
      revokeRefresh: () => {
        // The access token has expired and the refresh is refused (invalid_grant).
        sandbox.expireAccessTokens();
        sandbox.setFaults({ revokedRefresh: true });
      },
      // The portal's leaky bucket is full (503 QUERY_LIMIT_EXCEEDED), whatever the adapter waits.
      rateLimitAlways: () => sandbox.setFaults({ rate503: 1 }),
      serverErrorAlways: () => sandbox.setFaults({ error500: 1 }),
      paymentRequired: () => sandbox.setFaults({ unpaid: true }),
      // 403 ACCESS_DENIED: a plan without REST.
      forbidden: () => sandbox.setFaults({ noRest: true }),
      hang: () => sandbox.setFaults({ latencyMs: 10 * 60_000 }),
    },
    customFieldPageSize: PAGE_SIZE,
    reportsTotals: true,
    maxRetries: MAX_RETRIES,
    timeoutMs: TIMEOUT_MS,
    requestCount: () => sandbox.requests.length,
    tokenRequestCount: () => sandbox.requests.filter((request) => request.path === TOKEN_PATH).length,
    logLines: lines,
    secrets: () => [...sandbox.issuedSecrets(), BITRIX24_SANDBOX_CLIENT_SECRET],
  };
}

describeAdapterConformance('Bitrix24', bitrix24Harness);
