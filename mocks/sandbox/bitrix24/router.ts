import { composeSandbox, type RecordedRequest } from '../shared/compose';
import { delay } from '../shared/faults';
import { oauthSandbox, type OAuthSandbox, type SandboxBaseOptions } from '../shared/sandbox';

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
 *   the methods: `profile`, `app.info`, `crm.currency.base.get` (`portal.ts`), `crm.category.list`, `crm.status.list`
 *   (`pipelines.ts`), `crm.deal.fields`, `crm.lead.fields`, `crm.deal.userfield.list`
 *   (`fields.ts`), `crm.deal.list`, `crm.lead.list` (`items.ts`), `crm.stagehistory.list`
 *   (`stage-history.ts`), over the lists of `list.ts`.
 */

/**
 * `faults`: a `SANDBOX_BITRIX24_FAULTS` string or an object (default: none, and Bitrix24's own
 * 2/s, 50 limit); `now` also drains the bucket.
 */
export interface Bitrix24SandboxOptions extends SandboxBaseOptions<Bitrix24SandboxFaults, Bitrix24Integration> {
  /** Default: the demo portal (`mocks/fixtures/bitrix24-demo.json`). */
  portal?: SandboxPortal;
  /** How injected latency waits (tests pass one that records instead of sleeping). */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

/**
 * `revokeAccess()`: the application was removed from the portal (REST 401, refresh
 * `invalid_grant`); after `expireAccessTokens()` REST answers `expired_token`.
 */
export interface SandboxBitrix24 extends OAuthSandbox<Bitrix24SandboxFaults, Bitrix24Integration> {
  readonly portal: SandboxPortal;
  /**
   * The portal changes while the sandbox runs (its funnels, stages, fields, deals), as when its
   * users edit it: the REST API serves `portal` from the next request on. Issued codes and tokens
   * stay valid; OAuth keeps the portal identity it started with.
   */
  replacePortal(portal: SandboxPortal): void;
  /** Empties the leaky bucket (a test that starts afresh). */
  resetRateLimit(): void;
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
  const requests: RecordedRequest[] = [];
  // The methods read the portal when built: a new portal builds them again (OAuth and its tokens stay).
  const compose = () => {
    const methods = {
      ...portalMethods(ctx),
      ...pipelineMethods(ctx),
      ...fieldMethods(ctx),
      ...itemMethods(ctx),
      ...stageHistoryMethods(ctx),
    };
    return composeSandbox({
      parts: [oauth.part, restPart(ctx, faults, oauth.tokens, methods, sleep)],
      onError: () => b24ErrorResponse(new B24Error(500, 'INTERNAL_SERVER_ERROR', 'Internal server error')),
      notFound: (c) =>
        c.req.path.startsWith('/rest/')
          ? b24ErrorResponse(new B24Error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!'))
          : c.text('Not Found', 404),
      requests,
    });
  };
  let current = compose();
  const composed = { fetch: (request: Request) => current.fetch(request), requests };

  return oauthSandbox(
    { composed, integration: ctx.integration, faults, grants: oauth.tokens },
    {
      get portal() {
        return ctx.portal;
      },
      replacePortal(portal: SandboxPortal) {
        ctx.portal = portal;
        current = compose();
      },
      resetRateLimit: () => faults.bucket.reset(),
    },
  );
}
