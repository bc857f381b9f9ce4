import type { Hono } from 'hono';

import { delay } from '../shared/faults';
import { json } from '../shared/http';
import { base64url, randomHex } from '../shared/random';
import { consentPage, errorPage } from './consent-page';
import { accountIdOf, ownerOf, type AmoContext } from './context';
import type { FaultInjector } from './faults';

/**
 * amoCRM's OAuth 2.0 (docs/crm-apis.md §1.1), in the sandbox:
 * - `GET /oauth?client_id&state&mode`: the consent page (Allow / Deny);
 * - `POST /oauth/decision`: the consent form's target; redirects to the integration's redirect URI;
 * - `POST /oauth2/access_token`: both grants; codes 20 min and single use, access tokens
 *   24 h (`accessTtlSec`), refresh tokens single use (3 months).
 */

const CODE_TTL_MS = 20 * 60 * 1000;
const REFRESH_TTL_MS = 90 * 24 * 3600 * 1000;

interface CodeGrant {
  clientId: string;
  expiresAt: number;
  used: boolean;
}
interface TokenGrant {
  expiresAt: number;
  revoked: boolean;
}

/** Every code and token the sandbox issued, and what the account's admin can do to them. */
export interface TokenStore {
  /** Whether an `Authorization` header carries a live access token. */
  isAuthorized(authorization: string | undefined): boolean;
  /** An admin disabled the integration: every token stops working (API 401, refresh 400). */
  revokeAll(): void;
  /** Every access token issued so far expires now (their refresh tokens stay valid). */
  expireAccessTokens(): void;
  issuedSecrets(): string[];
}

/** amoCRM's OAuth error body (observed; the docs only say "400, details in body"). */
function oauthProblem(hint: string): Response {
  return json(
    {
      hint,
      title: 'Некорректный запрос',
      type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
      status: 400,
      detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
    },
    400,
    'application/json',
  );
}

/** The OAuth part: its routes, and the token store the API gate and the test controls use. */
export function oauthPart(ctx: AmoContext, faults: FaultInjector): { tokens: TokenStore; part: (app: Hono) => void } {
  const { integration, now } = ctx;
  const { fixture } = ctx.account;
  const owner = ownerOf(ctx);
  const codes = new Map<string, CodeGrant>();
  const accessTokens = new Map<string, TokenGrant>();
  const refreshTokens = new Map<string, TokenGrant & { used: boolean; access: string }>();

  const issueTokens = (host: string) => {
    const issuedAt = Math.floor(now() / 1000);
    const expiresIn = faults.current.accessTtlSec;
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', jti: randomHex(20) }));
    const payload = base64url(
      JSON.stringify({
        aud: integration.clientId,
        jti: randomHex(20),
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + expiresIn,
        sub: String(owner.id),
        account_id: accountIdOf(ctx),
        base_domain: 'amocrm.ru',
        api_domain: host,
        version: 2,
        scopes: ['crm', 'notifications'],
      }),
    );
    const access = `${header}.${payload}.${base64url(randomHex(64))}`;
    const refresh = `def50200${randomHex(160)}`;
    accessTokens.set(access, { expiresAt: now() + expiresIn * 1000, revoked: false });
    refreshTokens.set(refresh, { expiresAt: now() + REFRESH_TTL_MS, revoked: false, used: false, access });
    return {
      token_type: 'Bearer',
      expires_in: expiresIn,
      server_time: issuedAt,
      access_token: access,
      refresh_token: refresh,
    };
  };

  const part = (app: Hono) => {
    // ---- consent page and decision ------------------------------------------------------

    app.get('/oauth', (c) => {
      const clientId = c.req.query('client_id') ?? '';
      const state = c.req.query('state') ?? null;
      const mode = c.req.query('mode') ?? 'popup';
      if (clientId !== integration.clientId) {
        return c.html(errorPage('Интеграция не найдена', 'Проверьте client_id: такой интеграции нет в этом аккаунте.'), 400);
      }
      if (state !== null && state.length > 1024) {
        return c.html(errorPage('Некорректный запрос', 'Параметр state слишком длинный.'), 400);
      }
      return c.html(
        consentPage({
          integrationName: integration.name,
          accountName: fixture.account.name,
          accountAddress: `${fixture.account.subdomain}.amocrm.ru (${new URL(c.req.url).host})`,
          userName: owner.name,
          clientId,
          state,
          mode,
        }),
      );
    });

    app.post('/oauth/decision', async (c) => {
      const form = await c.req.parseBody();
      const field = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
      const clientId = field('client_id');
      const state = field('state');
      const decision = field('decision');
      if (clientId !== integration.clientId || (decision !== 'allow' && decision !== 'deny')) {
        return c.html(errorPage('Некорректный запрос', 'Форма согласия заполнена неверно.'), 400);
      }
      const target = new URL(integration.redirectUri);
      if (decision === 'deny') {
        target.searchParams.set('error', 'access_denied');
        if (state !== undefined) target.searchParams.set('state', state);
        return c.redirect(target.toString(), 302);
      }
      const code = `def50200${randomHex(96)}`;
      codes.set(code, { clientId, expiresAt: now() + CODE_TTL_MS, used: false });
      target.searchParams.set('code', code);
      target.searchParams.set('referer', new URL(c.req.url).host);
      if (state !== undefined) target.searchParams.set('state', state);
      target.searchParams.set('platform', '1');
      target.searchParams.set('client_id', clientId);
      return c.redirect(target.toString(), 302);
    });

    // ---- token endpoint -----------------------------------------------------------------

    app.post('/oauth2/access_token', async (c) => {
      await delay(faults.current.latencyMs, c.req.raw.signal);
      let body: Record<string, unknown>;
      try {
        const type = c.req.header('Content-Type') ?? '';
        body = type.includes('application/json')
          ? await c.req.json<Record<string, unknown>>()
          : Object.fromEntries(new URLSearchParams(await c.req.text()));
      } catch {
        return oauthProblem('The request body is not valid JSON');
      }
      if (typeof body !== 'object' || body === null) return oauthProblem('The request body is not valid JSON');
      const text = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
      const grantType = text('grant_type');
      if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
        return oauthProblem('Check the `grant_type` parameter');
      }
      if (text('client_id') !== integration.clientId || text('client_secret') !== integration.clientSecret) {
        return oauthProblem('Client authentication failed');
      }
      if (text('redirect_uri') !== integration.redirectUri) return oauthProblem('Check the `redirect_uri` parameter');
      const host = new URL(c.req.url).host;

      if (grantType === 'authorization_code') {
        const code = text('code');
        if (!code) return oauthProblem('Check the `code` parameter');
        const grant = codes.get(code);
        if (!grant) return oauthProblem('Cannot decrypt the authorization code');
        if (grant.used) return oauthProblem('Authorization code has been revoked');
        if (now() > grant.expiresAt) return oauthProblem('Authorization code has expired');
        if (grant.clientId !== integration.clientId) return oauthProblem('Authorization code was not issued to this client');
        grant.used = true;
        return c.json(issueTokens(host));
      }

      const refresh = text('refresh_token');
      if (!refresh) return oauthProblem('Check the `refresh_token` parameter');
      const grant = refreshTokens.get(refresh);
      if (!grant || grant.used || grant.revoked || now() > grant.expiresAt) return oauthProblem('Invalid refresh token');
      grant.used = true;
      const previous = accessTokens.get(grant.access);
      if (previous) previous.revoked = true;
      return c.json(issueTokens(host));
    });
  };

  const tokens: TokenStore = {
    isAuthorized(authorization) {
      const match = /^Bearer (.+)$/.exec(authorization ?? '');
      const grant = match ? accessTokens.get(match[1]!) : undefined;
      return Boolean(grant && !grant.revoked && now() < grant.expiresAt);
    },
    revokeAll() {
      for (const grant of accessTokens.values()) grant.revoked = true;
      for (const grant of refreshTokens.values()) grant.revoked = true;
    },
    expireAccessTokens() {
      const at = now();
      for (const grant of accessTokens.values()) grant.expiresAt = Math.min(grant.expiresAt, at);
    },
    issuedSecrets: () => [...codes.keys(), ...accessTokens.keys(), ...refreshTokens.keys()],
  };

  return { tokens, part };
}
