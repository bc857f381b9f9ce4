import { composeSandbox, type RecordedRequest } from '../shared/compose';
import { delay } from '../shared/faults';
import {
  B24Error,
  b24ErrorResponse,
  BITRIX24_SANDBOX_CLIENT_ID,
  BITRIX24_SANDBOX_CLIENT_SECRET,
  BITRIX24_SANDBOX_DEFAULT_REDIRECT_URI,
  type B24Context,
  type Bitrix24Integration,
} from './context';
import { createBitrix24FaultInjector, type Bitrix24SandboxFaults } from './faults';
import { fieldMethods } from './fields';
import { demoPortal, type SandboxPortal } from './fixture';
import { itemMethods } from './items';
import { oauthPart } from './oauth';
import { pipelineMethods } from './pipelines';
import { portalMethods } from './portal';
import { restPart } from './rest';
import { stageHistoryMethods } from './stage-history';

/**
 * The sandbox Bitrix24: an in-memory emulator of the documented protocol (docs/crm-apis.md §2),
 * written as pure Request → Response handlers so that the very same code serves the demo (on
 * its own port), the server's tests and the SPA's tests (MSW). One origin plays the three hosts
 * of the real thing: the portal (`/oauth/authorize/`, `/rest/…`) and the OAuth server
 * (`/oauth/token/`). This file composes, in order:
 *
 * - OAuth (`oauth.ts`, `consent-page.ts`);
 * - REST (`rest.ts`): the gate (latency, leaky bucket, token, faults — `faults.ts`), `batch`, and
 *   the methods: `profile`, `app.info` (`portal.ts`), `crm.category.list`, `crm.status.list`
 *   (`pipelines.ts`), `crm.deal.fields`, `crm.lead.fields`, `crm.deal.userfield.list`
 *   (`fields.ts`), `crm.deal.list`, `crm.lead.list` (`items.ts`), `crm.stagehistory.list`
 *   (`stage-history.ts`), over the lists of `list.ts`.
 */

export interface Bitrix24SandboxOptions {
  /** Default: the demo portal (`mocks/fixtures/bitrix24-demo.json`). */
  portal?: SandboxPortal;
  /** A `SANDBOX_BITRIX24_FAULTS` string or an object; default: no faults (and Bitrix24's own 2/s, 50 limit). */
  faults?: Partial<Bitrix24SandboxFaults> | string;
  /** Clock in Unix ms (tests move it to expire codes and tokens and to drain the bucket). */
  now?: () => number;
  /** How injected latency waits (tests pass one that records instead of sleeping). */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  integration?: Partial<Bitrix24Integration>;
}

export interface SandboxBitrix24 {
  /** Answers one request, like a server would. */
  fetch(request: Request): Promise<Response>;
  readonly portal: SandboxPortal;
  readonly integration: Bitrix24Integration;
  readonly faults: Bitrix24SandboxFaults;
  setFaults(patch: Partial<Bitrix24SandboxFaults>): void;
  /** The application was removed from the portal: every token stops working (REST 401, refresh invalid_grant). */
  revokeAccess(): void;
  /** Every access token issued so far expires now (REST answers `expired_token`; refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Empties the leaky bucket (a test that starts afresh). */
  resetRateLimit(): void;
  /** Every code and token issued so far, for tests that check none of them leaks. */
  issuedSecrets(): string[];
  /** Every request received (method and path, never the query), oldest first. */
  readonly requests: ReadonlyArray<RecordedRequest>;
}

export function createSandboxBitrix24(options: Bitrix24SandboxOptions = {}): SandboxBitrix24 {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? delay;
  const redirectUri = options.integration?.redirectUri ?? BITRIX24_SANDBOX_DEFAULT_REDIRECT_URI;
  const ctx: B24Context = {
    portal: options.portal ?? demoPortal(),
    integration: {
      clientId: BITRIX24_SANDBOX_CLIENT_ID,
      clientSecret: BITRIX24_SANDBOX_CLIENT_SECRET,
      redirectUri,
      appUrl: `${new URL(redirectUri).origin}/`,
      name: 'Hub Connect',
      appId: 17,
      ...options.integration,
    },
    now,
  };
  const faults = createBitrix24FaultInjector(options.faults, now);
  const oauth = oauthPart(ctx, faults, sleep);
  const methods = {
    ...portalMethods(ctx),
    ...pipelineMethods(ctx),
    ...fieldMethods(ctx),
    ...itemMethods(ctx),
    ...stageHistoryMethods(ctx),
  };

  const sandbox = composeSandbox({
    parts: [oauth.part, restPart(ctx, faults, oauth.tokens, methods, sleep)],
    onError: () => b24ErrorResponse(new B24Error(500, 'INTERNAL_SERVER_ERROR', 'Internal server error')),
    notFound: (c) =>
      c.req.path.startsWith('/rest/')
        ? b24ErrorResponse(new B24Error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!'))
        : c.text('Not Found', 404),
  });

  return {
    fetch: sandbox.fetch,
    portal: ctx.portal,
    integration: ctx.integration,
    get faults() {
      return faults.current;
    },
    setFaults: (patch) => faults.set(patch),
    revokeAccess: () => oauth.tokens.revokeAll(),
    expireAccessTokens: () => oauth.tokens.expireAccessTokens(),
    resetRateLimit: () => faults.bucket.reset(),
    issuedSecrets: () => oauth.tokens.issuedSecrets(),
    requests: sandbox.requests,
  };
}
