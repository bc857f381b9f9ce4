import type { Context, Hono } from 'hono';

import type { delay } from '../shared/faults';
import { createGrantStore, type GrantStore } from '../shared/grants';
import { randomHex } from '../shared/random';

import { consentPage, errorPage } from './consent-page';
import { B24Error, b24ErrorResponse, b24Json, isB24Object, ownerOf, type B24Context, type B24Object } from './context';
import { paymentRequired, type Bitrix24FaultInjector } from './faults';
import { requestParams } from './params';

/**
 * Bitrix24's OAuth 2.0 (docs/crm-apis.md §2.1), in the sandbox, which plays both the portal and
 * the OAuth server (oauth.bitrix.info) on its own origin:
 *
 * - `GET /oauth/authorize/?client_id&state`: the portal's consent page (Allow / Deny). There is no
 *   redirect_uri or scope in the URL: both come from the application's settings. An unknown
 *   client_id is an error page and no redirect, as documented.
 * - `POST /oauth/authorize/`: the consent form's target. Allow → 302 to the application's
 *   redirect URI with `code` (valid 30 s, single use), `state`, `domain` (the sandbox's
 *   host:port), `member_id`, `scope=crm`, `server_domain`. Deny → the portal's error page.
 * - `GET|POST /oauth/token/`: `authorization_code` and `refresh_token` grants; access tokens
 *   live 1 hour (`accessTtlSec`), refresh tokens 180 days and once; errors
 *   `{error: invalid_request|invalid_client|invalid_grant|PAYMENT_REQUIRED, error_description}`.
 */

const CODE_TTL_MS = 30 * 1000;
const REFRESH_TTL_MS = 180 * 24 * 3600 * 1000;
export const BITRIX24_SCOPE = 'crm';

/**
 * Every code and token the sandbox issued (the shared store: `revokeAll` is the application being
 * removed, after which REST answers 401 and a refresh `invalid_grant`), and Bitrix24's check of a REST call.
 */
export interface Bitrix24TokenStore extends GrantStore {
  /** Why a REST call's `auth` is refused (401 NO_AUTH_FOUND or expired_token), or null when it is live. */
  check(token: string | undefined): B24Error | null;
}

/** 32 lowercase letters and digits, like the docs' tokens and codes. */
const secret = () => randomHex(16);

export function oauthPart(ctx: B24Context, faults: Bitrix24FaultInjector, sleep: typeof delay): { tokens: Bitrix24TokenStore; part: (app: Hono) => void } {
  const { integration, now } = ctx;
  const { portal } = ctx.portal.fixture;
  const owner = ownerOf(ctx);
  const grants = createGrantStore(now);

  const issueTokens = (origin: string, host: string, refreshed: boolean) => {
    const expiresIn = faults.current.accessTtlSec;
    const access = secret();
    const refresh = secret();
    grants.addTokens({ access, accessTtlMs: expiresIn * 1000, refresh, refreshTtlMs: REFRESH_TTL_MS });
    return {
      access_token: access,
      ...(refreshed ? { expires: Math.floor(now() / 1000) + expiresIn } : {}),
      client_endpoint: `${origin}/rest/`,
      domain: host,
      expires_in: expiresIn,
      member_id: portal.memberId,
      refresh_token: refresh,
      scope: BITRIX24_SCOPE,
      server_endpoint: `${origin}/rest/`,
      status: 'L',
      ...(refreshed ? { user_id: owner.id } : {}),
    };
  };

  const consentUrl = (clientId: string, state: string | null) => {
    const url = new URLSearchParams({ client_id: clientId });
    if (state !== null) url.set('state', state);
    return `/oauth/authorize/?${url.toString()}`;
  };

  const showConsent = (c: Context) => {
    const clientId = c.req.query('client_id') ?? '';
    const state = c.req.query('state') ?? null;
    if (clientId !== integration.clientId) {
      // Documented: an application that is not installed on the portal gets the portal's error page, no redirect.
      return c.html(errorPage('Приложение не найдено', 'Приложение с таким client_id не установлено на этом Битрикс24.'), 400);
    }
    if (state !== null && state.length > 2048) return c.html(errorPage('Некорректный запрос', 'Параметр state слишком длинный.'), 400);
    return c.html(
      consentPage({
        appName: integration.name,
        portalTitle: portal.title,
        portalAddress: new URL(c.req.url).host,
        userName: `${owner.name} ${owner.lastName}`.trim(),
        clientId,
        state,
        scope: BITRIX24_SCOPE,
      }),
    );
  };

  const decide = async (c: Context) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
    const clientId = field('client_id');
    const state = field('state') ?? null;
    const decision = field('decision');
    if (clientId !== integration.clientId || (decision !== 'allow' && decision !== 'deny')) {
      return c.html(errorPage('Некорректный запрос', 'Форма авторизации заполнена неверно.'), 400);
    }
    if (decision === 'deny') {
      // Bitrix24 shows every authorization failure on its own page and sends no redirect and no
      // error parameters (docs/crm-apis.md §2.1, [B1]); a refusal is one: the user stays on the
      // portal, with a way back to the application and a way to try again.
      return c.html(
        errorPage('Доступ не предоставлен', `Вы отказали приложению «${integration.name}» в доступе к Битрикс24.`, [
          { href: integration.appUrl, text: 'Вернуться в приложение' },
          { href: consentUrl(clientId, state), text: 'Попробовать снова' },
        ]),
        403,
      );
    }
    const code = secret();
    grants.addCode(code, clientId, CODE_TTL_MS);
    const host = new URL(c.req.url).host;
    const target = new URL(integration.redirectUri);
    target.searchParams.set('code', code);
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('domain', host);
    target.searchParams.set('member_id', portal.memberId);
    target.searchParams.set('scope', BITRIX24_SCOPE);
    target.searchParams.set('server_domain', host);
    return c.redirect(target.toString(), 302);
  };

  const token = async (c: Context) => {
    await sleep(faults.current.latencyMs, c.req.raw.signal);
    let params: B24Object;
    try {
      params = await requestParams(c.req.raw);
    } catch (error) {
      if (error instanceof B24Error) return b24Json({ error: 'invalid_request', error_description: error.description }, 400);
      throw error;
    }
    const text = (name: string) => (typeof params[name] === 'string' && params[name] !== '' ? params[name] : undefined);
    const oauthError = (status: number, error: string, description: string) => b24Json({ error, error_description: description }, status);
    if (faults.current.unpaid) return b24ErrorResponse(paymentRequired());
    const grantType = text('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return oauthError(400, 'invalid_request', 'grant_type must be authorization_code or refresh_token');
    }
    if (text('client_id') !== integration.clientId) return oauthError(401, 'invalid_client', 'Unknown client_id: the application is not installed');
    if (text('client_secret') !== integration.clientSecret) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const url = new URL(c.req.url);

    if (grantType === 'authorization_code') {
      const code = text('code');
      if (!code) return oauthError(400, 'invalid_request', 'code is required');
      const grant = grants.findCode(code);
      if (!grant || grant.clientId !== integration.clientId) return oauthError(400, 'invalid_grant', 'Invalid authorization code');
      if (grant.used) return oauthError(400, 'invalid_grant', 'Authorization code has already been used');
      if (grant.expired) return oauthError(400, 'invalid_grant', 'Authorization code has expired');
      grants.useCode(code);
      return b24Json(issueTokens(url.origin, url.host, false));
    }

    const refresh = text('refresh_token');
    if (!refresh) return oauthError(400, 'invalid_request', 'refresh_token is required');
    // Bitrix24: the old access token lives on until it expires. An injected revocation uses nothing up.
    if (faults.current.revokedRefresh || !grants.useRefresh(refresh)) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
    return b24Json(issueTokens(url.origin, url.host, true));
  };

  const part = (app: Hono) => {
    for (const path of ['/oauth/authorize', '/oauth/authorize/']) {
      app.get(path, showConsent);
      app.post(path, decide);
    }
    for (const path of ['/oauth/token', '/oauth/token/']) app.on(['GET', 'POST'], path, token);
  };

  const tokens: Bitrix24TokenStore = {
    ...grants,
    check(value) {
      const state = value ? grants.accessState(value) : 'unknown';
      if (state === 'unknown') return new B24Error(401, 'NO_AUTH_FOUND', 'Wrong authorization data');
      if (state === 'expired') return new B24Error(401, 'expired_token', 'The access token provided has expired.');
      return null;
    },
  };

  return { tokens, part };
}

/** The `auth` of a REST call, if any. */
export const authOf = (params: B24Object): string | undefined => {
  const auth = params.auth;
  return typeof auth === 'string' ? auth : isB24Object(auth) && typeof auth.access_token === 'string' ? auth.access_token : undefined;
};
