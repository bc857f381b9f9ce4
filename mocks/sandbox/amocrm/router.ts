import { composeSandbox, type RecordedRequest } from '../shared/compose';
import { httpProblem } from '../shared/http';
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

export interface SandboxOptions {
  /** Default: the demo account (`mocks/fixtures/amocrm-account.json`). */
  account?: SandboxAccount;
  /** A `SANDBOX_FAULTS` string or an object; default: no faults. */
  faults?: Partial<SandboxFaults> | string;
  /** Clock in Unix ms (tests move it to expire codes and tokens). */
  now?: () => number;
  integration?: Partial<SandboxIntegration>;
}

export interface SandboxAmo {
  /** Answers one request, like a server would. */
  fetch(request: Request): Promise<Response>;
  readonly account: SandboxAccount;
  readonly integration: SandboxIntegration;
  readonly faults: SandboxFaults;
  setFaults(patch: Partial<SandboxFaults>): void;
  /** An admin disabled the integration: every token stops working (API 401, refresh 400). */
  revokeAccess(): void;
  /** Every access token issued so far expires now (their refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Every code and token issued so far, for tests that check none of them leaks. */
  issuedSecrets(): string[];
  /** Every request received (method and path, never the query), oldest first. */
  readonly requests: ReadonlyArray<RecordedRequest>;
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

  const sandbox = composeSandbox({
    parts: [oauth.part, faults.apiGate(oauth.tokens.isAuthorized), accountPart(ctx), customFieldsPart(ctx), leadsPart(ctx)],
    onError: () => httpProblem(500, 'ErrInternalServer', 'Our team are probably already working on the elimination of the problem'),
    notFound: (c) => {
      if (API_RESOURCES.test(c.req.path) && c.req.method !== 'GET') {
        return httpProblem(405, 'Method Not Allowed', `Method ${c.req.method} is not allowed`);
      }
      return httpProblem(404, 'Not Found', `Cannot ${c.req.method} ${c.req.url}`);
    },
  });

  return {
    fetch: sandbox.fetch,
    account: ctx.account,
    integration: ctx.integration,
    get faults() {
      return faults.current;
    },
    setFaults: (patch) => faults.set(patch),
    revokeAccess: () => oauth.tokens.revokeAll(),
    expireAccessTokens: () => oauth.tokens.expireAccessTokens(),
    issuedSecrets: () => oauth.tokens.issuedSecrets(),
    requests: sandbox.requests,
  };
}
