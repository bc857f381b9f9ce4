import smallFixture from '../../../mocks/fixtures/amocrm-small-account.json';
import {
  buildSandboxAccount,
  createSandboxAmo,
  demoAccount,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_DEFAULT_ORIGIN,
  SANDBOX_DEFAULT_REDIRECT_URI,
  type AccountFixtureInput,
  type SandboxAccount,
} from '../../../mocks/sandbox/amocrm/index';
import { createAmoCrmAdapter } from '../amocrm/adapter';
import { captureLogger } from '../http/testing';

import { conformanceClock, inProcessFetch } from './harness';
import { describeAdapterConformance, type AdapterHarness, type ConformanceFixture, type SandboxTruth } from './suite';

/** The amoCRM harness: `createAmoCrmAdapter` against the sandbox amoCRM (`mocks/sandbox/amocrm`), in-process. */

const ORIGIN = SANDBOX_DEFAULT_ORIGIN;
const TOKEN_PATH = '/oauth2/access_token';
const PAGE_SIZE = 50;
const MAX_RETRIES = 2;
const TIMEOUT_MS = 10_000;

function account(fixture: ConformanceFixture): SandboxAccount {
  if (fixture === 'demo') return demoAccount();
  const input = structuredClone(smallFixture) as AccountFixtureInput;
  if (fixture === 'empty') input.leads = [];
  else {
    input.custom_fields = [
      ...(input.custom_fields ?? []),
      ...Array.from({ length: 2 * PAGE_SIZE + 20 }, (_, i) => ({
        id: 5_000_000 + i,
        name: `Поле ${i + 1}`,
        type: i % 3 === 0 ? ('numeric' as const) : ('text' as const),
        sort: 1000 + i,
      })),
    ];
  }
  return buildSandboxAccount(input);
}

/** Stable sort by `sort`: amoCRM's order of pipelines and statuses. */
const bySort = <T extends { sort: number }>(items: readonly T[]): T[] => [...items].sort((a, b) => a.sort - b.sort);

function truthOf(sandbox: SandboxAccount): SandboxTruth {
  const { fixture } = sandbox;
  return {
    account: { id: String(fixture.account.id), domain: `${fixture.account.subdomain}.amocrm.ru`, name: fixture.account.name },
    pipelines: bySort(fixture.pipelines).map((pipeline) => ({
      id: String(pipeline.id),
      name: pipeline.name,
      statuses: bySort(pipeline.statuses).map((status) => ({
        id: String(status.id),
        name: status.name,
        // 142 and 143 are amoCRM's "won" and "lost" in every pipeline.
        kind: status.id === 142 ? 'won' : status.id === 143 ? 'lost' : 'open',
      })),
    })),
    customFieldIds: fixture.custom_fields.map((field) => String(field.id)),
    deals: sandbox.leads.map((lead) => ({
      id: String(lead.id),
      name: lead.name,
      price: lead.price,
      pipelineId: String(lead.pipelineId),
      statusId: String(lead.statusId),
      createdAt: lead.createdAt,
      updatedAt: lead.updatedAt,
    })),
    statusChanges: sandbox.events.map((event) => ({
      dealId: String(event.leadId),
      createdAt: event.createdAt,
      after: { pipelineId: String(event.after.pipelineId), statusId: String(event.after.statusId) },
    })),
    currency: fixture.account.currency,
  };
}

function amoCrmHarness(fixture: ConformanceFixture): AdapterHarness {
  const clock = conformanceClock();
  const sandboxAccount = account(fixture);
  const sandbox = createSandboxAmo({ account: sandboxAccount, now: clock.now });
  const { logger, lines } = captureLogger();
  // The sandbox's latency is a real timer (no injectable sleep): a hanging request is made to
  // time out by moving the fake clock past the adapter's timeout.
  let hanging = false;
  const fetch = inProcessFetch(sandbox, { whilePending: () => hanging && clock.advance(TIMEOUT_MS) });
  const adapter = createAmoCrmAdapter({
    clientId: SANDBOX_CLIENT_ID,
    clientSecret: SANDBOX_CLIENT_SECRET,
    redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
    authorizeEndpoint: `${ORIGIN}/oauth`,
    sandboxOrigin: ORIGIN,
    timeoutMs: TIMEOUT_MS,
    maxRetries: MAX_RETRIES,
    pageSize: PAGE_SIZE,
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
      const page = await fetch(adapter.authorizeUrl(state));
      const html = await page.text();
      if (page.status !== 200 || !html.includes('Allow')) throw new Error(`the consent page answered ${page.status}`);
      const form = new URLSearchParams({ client_id: SANDBOX_CLIENT_ID, state, mode: 'post_message', decision: 'allow' });
      const decision = await fetch(`${ORIGIN}/oauth/decision`, { method: 'POST', body: form, redirect: 'manual' });
      const location = decision.headers.get('Location');
      if (!location) throw new Error(`Allow answered ${decision.status} without a redirect`);
      return new URL(location).searchParams;
    },
    truth: truthOf(sandboxAccount),
    faults: {
      expireAccess: () => sandbox.expireAccessTokens(),
      // amoCRM has no switch for "the refresh token alone is revoked": an admin disabling the
      // integration kills the access and refresh tokens together (API 401, refresh 400).
      revokeRefresh: () => sandbox.revokeAccess(),
      rateLimitAlways: () => sandbox.setFaults({ rate429: 1, retryAfterSec: 1 }),
      serverErrorAlways: () => sandbox.setFaults({ error500: 1 }),
      paymentRequired: () => sandbox.setFaults({ unpaid: true }),
      forbidden: () => sandbox.setFaults({ blocked: true }),
      hang: () => {
        sandbox.setFaults({ latencyMs: 10 * 60_000 });
        hanging = true;
      },
    },
    customFieldPageSize: PAGE_SIZE,
    reportsTotals: false,
    maxRetries: MAX_RETRIES,
    timeoutMs: TIMEOUT_MS,
    requestCount: () => sandbox.requests.length,
    tokenRequestCount: () => sandbox.requests.filter((request) => request.path === TOKEN_PATH).length,
    logLines: lines,
    secrets: () => [...sandbox.issuedSecrets(), SANDBOX_CLIENT_SECRET],
  };
}

describeAdapterConformance('amoCRM', amoCrmHarness);
