import type { Context } from 'hono';

import { json } from '../shared/http';
import type { SandboxOAuthClient } from '../shared/sandbox';

import type { SandboxAccount } from './fixture';

/** The sandbox's fixed development credentials; the demo entry hands them to the product as its amoCRM credentials. */
export const SANDBOX_CLIENT_ID = 'hub-connect-sandbox';
export const SANDBOX_CLIENT_SECRET = 'hub-connect-sandbox-secret-for-development-only';
/** Where tests address the in-memory sandbox, and its default port when served. */
export const SANDBOX_DEFAULT_ORIGIN = 'http://127.0.0.1:8788';
export const SANDBOX_DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8787/api/oauth/amocrm/callback';

/** The integration as its settings hold it; `redirectUri` is its Redirect URI, which the token exchange must repeat. */
export type SandboxIntegration = SandboxOAuthClient;

/** What every part of the amoCRM sandbox reads: the account it serves, the integration, the clock. */
export interface AmoContext {
  account: SandboxAccount;
  integration: SandboxIntegration;
  now: () => number;
}

export const accountIdOf = (ctx: AmoContext) => ctx.account.fixture.account.id;
/** The account's owner: the user who grants access and owns the tokens. */
export const ownerOf = (ctx: AmoContext) => ctx.account.fixture.users[0]!;

/** amoCRM's success bodies are HAL. */
export const hal = (body: unknown) => json(body, 200, 'application/hal+json');

/** `_links.self` on the sandbox's own origin. */
export const self = (c: Context, path: string) => ({ self: { href: `${new URL(c.req.url).origin}${path}` } });
