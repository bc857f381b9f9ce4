import { composeSandbox, type RecordedRequest } from '../shared/compose';
import { httpProblem } from '../shared/http';
import { oauthSandbox, type OAuthSandbox, type SandboxBaseOptions } from '../shared/sandbox';

import { accountPart } from './account';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_DEFAULT_REDIRECT_URI,
  type AmoContext,
  type SandboxIntegration,
} from './context';
import { customFieldsPart } from './custom-fields';
import { createFaultInjector, type SandboxFaults } from './faults';
import { demoAccount, type SandboxAccount } from './fixture';
import { leadsPart } from './leads';
import { oauthPart } from './oauth';

/**
 * The sandbox amoCRM: an in-memory emulator of the documented protocol (docs/crm-apis.md §1),
 * written as pure Request → Response handlers so that the very same code serves the demo (on
 * its own port), the server's tests and the SPA's tests (MSW). This file is its HTTP router:
 * it composes the parts, in this order:
 *
 * - OAuth (`oauth.ts`): the consent page `/oauth`, `/oauth/decision`, `/oauth2/access_token`;
 * - the API v4 gate (`faults.ts`): latency, rate limit, the access token, injected faults;
 * - `/api/v4/account` and `/leads/pipelines…` (`account.ts`), `/leads/custom_fields…`
 *   (`custom-fields.ts`), `/leads…` and `/events` (`leads.ts`): hal+json, problem+json errors.
 */

/** `faults`: a `SANDBOX_FAULTS` string or an object. */
export interface SandboxOptions extends SandboxBaseOptions<SandboxFaults, SandboxIntegration> {
  /** Default: the demo account (`mocks/fixtures/amocrm-account.json`). */
  account?: SandboxAccount;
}

/** `revokeAccess()`: an admin disabled the integration (API 401, refresh 400). */
export interface SandboxAmo extends OAuthSandbox<SandboxFaults, SandboxIntegration> {
  readonly account: SandboxAccount;
  /**
   * The account changes while the sandbox runs (its pipelines, statuses, fields, deals), as
   * when its users edit it: the API serves `account` from the next request on. Issued codes and
   * tokens stay valid; the consent page and the tokens keep the account they started with.
   */
  replaceAccount(account: SandboxAccount): void;
}

const API_RESOURCES = /^\/api\/v4\/(account|events|leads(\/pipelines|\/custom_fields)?)(\/|$)/;

export function createSandboxAmo(options: SandboxOptions = {}): SandboxAmo {
  const now = options.now ?? (() => Date.now());
  const ctx: AmoContext = {
    account: options.account ?? demoAccount(),
    integration: {
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      redirectUri: SANDBOX_DEFAULT_REDIRECT_URI,
      name: 'Hub Connect',
      ...options.integration,
    },
    now,
  };
  const faults = createFaultInjector(options.faults, now);
  const oauth = oauthPart(ctx, faults);

  const requests: RecordedRequest[] = [];
  // The parts read the account when composed: a new account composes them again (OAuth and its tokens stay).
  const compose = () =>
    composeSandbox({
      parts: [oauth.part, faults.apiGate(oauth.tokens.isAuthorized), accountPart(ctx), customFieldsPart(ctx), leadsPart(ctx)],
      onError: () => httpProblem(500, 'ErrInternalServer', 'Our team are probably already working on the elimination of the problem'),
      notFound: (c) => {
        if (API_RESOURCES.test(c.req.path) && c.req.method !== 'GET') {
          return httpProblem(405, 'Method Not Allowed', `Method ${c.req.method} is not allowed`);
        }
        return httpProblem(404, 'Not Found', `Cannot ${c.req.method} ${c.req.url}`);
      },
      requests,
    });
  let current = compose();
  const composed = { fetch: (request: Request) => current.fetch(request), requests };

  return oauthSandbox(
    { composed, integration: ctx.integration, faults, grants: oauth.tokens },
    {
      get account() {
        return ctx.account;
      },
      replaceAccount(account: SandboxAccount) {
        ctx.account = account;
        current = compose();
      },
    },
  );
}
