import type { Hono } from 'hono';

import { delay } from '../shared/faults';
import { createGrantStore, type GrantStore } from '../shared/grants';
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

/**
 * Every code and token the sandbox issued (the shared store: `revokeAll` is an admin disabling the
 * integration, after which the API answers 401 and a refresh 400), and amoCRM's check of a request.
 */
export interface TokenStore extends GrantStore {
  /** Whether an `Authorization` header carries a live access token (`Bearer …`). */
  isAuthorized(authorization: string | undefined): boolean;
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
  const grants = createGrantStore(now);

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
    grants.addTokens({ access, accessTtlMs: expiresIn * 1000, refresh, refreshTtlMs: REFRESH_TTL_MS });
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
      grants.addCode(code, clientId, CODE_TTL_MS);
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
        const grant = grants.findCode(code);
        if (!grant) return oauthProblem('Cannot decrypt the authorization code');
        if (grant.used) return oauthProblem('Authorization code has been revoked');
        if (grant.expired) return oauthProblem('Authorization code has expired');
        if (grant.clientId !== integration.clientId) return oauthProblem('Authorization code was not issued to this client');
        grants.useCode(code);
        return c.json(issueTokens(host));
      }

      const refresh = text('refresh_token');
      if (!refresh) return oauthProblem('Check the `refresh_token` parameter');
      const used = grants.useRefresh(refresh);
      if (!used) return oauthProblem('Invalid refresh token');
      // amoCRM: a refresh ends the access token issued with the refresh token at once.
      grants.revokeAccess(used.access);
      return c.json(issueTokens(host));
    });
  };

  const tokens: TokenStore = {
    ...grants,
    isAuthorized(authorization) {
      const match = /^Bearer (.+)$/.exec(authorization ?? '');
      return match !== null && grants.accessState(match[1]!) === 'live';
    },
  };

  return { tokens, part };
}
