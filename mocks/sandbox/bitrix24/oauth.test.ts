import { describe, expect, it } from 'vitest';

import { BITRIX24_SANDBOX_CLIENT_ID, BITRIX24_SANDBOX_DEFAULT_REDIRECT_URI, createSandboxBitrix24 } from './index';
import { allow, call, decide, grant, HOST, ORIGIN, sandboxWithClock, tokenRequest, type TokenBody } from './test-helpers';

const MEMBER_ID = '5d1c6f3e9a8b4c2d8e7f6a5b4c3d2e1f';

async function oauthError(response: Response, status: number): Promise<{ error: string; error_description: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toContain('application/json');
  const body = (await response.json()) as { error: string; error_description: string };
  expect(Object.keys(body)).toEqual(['error', 'error_description']);
  return body;
}

describe('the consent page', () => {
  it('shows the portal with Allow and Deny buttons and escapes every text', async () => {
    const sandbox = createSandboxBitrix24();
    const state = '"><script>alert(1)</script>';
    const response = await sandbox.fetch(new Request(`${ORIGIN}/oauth/authorize/?client_id=${BITRIX24_SANDBOX_CLIENT_ID}&state=${encodeURIComponent(state)}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Демо: Торговый дом «Вектор»');
    expect(html).toContain(`<span data-testid="portal-address">${HOST}</span>`);
    expect(html).toMatch(/<form method="post" action="\/oauth\/authorize\/">/);
    expect(html).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(html).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
  });

  it('answers an unknown client_id with the portal’s error page and no redirect', async () => {
    const response = await createSandboxBitrix24().fetch(new Request(`${ORIGIN}/oauth/authorize/?client_id=local.someone.else&state=x`));
    expect(response.status).toBe(400);
    expect(response.headers.get('Location')).toBeNull();
    expect(response.headers.get('Content-Type')).toContain('text/html');
    expect(await response.text()).toContain('Приложение не найдено');
  });

  it('Allow redirects to the redirect URI with code, state, domain, member_id, scope and server_domain', async () => {
    const sandbox = createSandboxBitrix24();
    const target = await allow(sandbox, 'abc');
    expect(`${target.origin}${target.pathname}`).toBe(BITRIX24_SANDBOX_DEFAULT_REDIRECT_URI);
    expect([...target.searchParams.keys()]).toEqual(['code', 'state', 'domain', 'member_id', 'scope', 'server_domain']);
    expect(Object.fromEntries(target.searchParams)).toEqual({
      code: expect.stringMatching(/^[0-9a-z]{32}$/),
      state: 'abc',
      domain: HOST,
      member_id: MEMBER_ID,
      scope: 'crm',
      server_domain: HOST,
    });
    // No state sent, none comes back; the domain is the host the browser used.
    expect((await allow(sandbox, null)).searchParams.has('state')).toBe(false);
    expect((await allow(sandbox, 's', 'http://localhost:9000')).searchParams.get('domain')).toBe('localhost:9000');
  });

  it('Deny shows the portal’s error page (no redirect) with links back to the application and to try again', async () => {
    const sandbox = createSandboxBitrix24({ integration: { appUrl: 'http://127.0.0.1:8787/setup/bitrix24' } });
    const response = await decide(sandbox, 'deny', 'abc');
    expect(response.status).toBe(403);
    expect(response.headers.get('Location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('Доступ не предоставлен');
    expect(html).toContain('<a class="link" href="http://127.0.0.1:8787/setup/bitrix24">Вернуться в приложение</a>');
    expect(html).toContain(`<a class="link" href="/oauth/authorize/?client_id=${BITRIX24_SANDBOX_CLIENT_ID}&#38;state=abc">Попробовать снова</a>`);
    expect(sandbox.issuedSecrets()).toEqual([]);
  });

  it('refuses a tampered consent form', async () => {
    const response = await decide(createSandboxBitrix24(), 'maybe');
    expect(response.status).toBe(400);
    expect(response.headers.get('Location')).toBeNull();
  });
});

describe('the token endpoint', () => {
  it('exchanges a code for the documented answer: 1-hour token, client_endpoint on the sandbox, member_id', async () => {
    const sandbox = createSandboxBitrix24();
    const code = (await allow(sandbox)).searchParams.get('code')!;
    const response = await tokenRequest(sandbox, { grant_type: 'authorization_code', code });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[0-9a-z]{32}$/),
      client_endpoint: `${ORIGIN}/rest/`,
      domain: HOST,
      expires_in: 3600,
      member_id: MEMBER_ID,
      refresh_token: expect.stringMatching(/^[0-9a-z]{32}$/),
      scope: 'crm',
      server_endpoint: `${ORIGIN}/rest/`,
      status: 'L',
    });
    expect((await call(sandbox, body.access_token, 'profile')).status).toBe(200);
  });

  it('accepts the grant as a POSTed form too', async () => {
    const sandbox = createSandboxBitrix24();
    const code = (await allow(sandbox)).searchParams.get('code')!;
    const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: BITRIX24_SANDBOX_CLIENT_ID, client_secret: sandbox.integration.clientSecret, code });
    const response = await sandbox.fetch(new Request(`${ORIGIN}/oauth/token/`, { method: 'POST', body: form }));
    expect(response.status).toBe(200);
  });

  it('takes each code once', async () => {
    const sandbox = createSandboxBitrix24();
    const code = (await allow(sandbox)).searchParams.get('code')!;
    expect((await tokenRequest(sandbox, { grant_type: 'authorization_code', code })).status).toBe(200);
    expect(await oauthError(await tokenRequest(sandbox, { grant_type: 'authorization_code', code }), 400)).toEqual({
      error: 'invalid_grant',
      error_description: 'Authorization code has already been used',
    });
    expect((await oauthError(await tokenRequest(sandbox, { grant_type: 'authorization_code', code: 'nope' }), 400)).error).toBe('invalid_grant');
  });

  it('lets codes expire after 30 seconds', async () => {
    const { sandbox, clock } = sandboxWithClock();
    const fresh = (await allow(sandbox)).searchParams.get('code')!;
    const stale = (await allow(sandbox)).searchParams.get('code')!;
    clock.at += 30_000;
    expect((await tokenRequest(sandbox, { grant_type: 'authorization_code', code: fresh })).status).toBe(200);
    clock.at += 1;
    expect(await oauthError(await tokenRequest(sandbox, { grant_type: 'authorization_code', code: stale }), 400)).toEqual({
      error: 'invalid_grant',
      error_description: 'Authorization code has expired',
    });
  });

  it('checks the client, the secret and the grant type', async () => {
    const sandbox = createSandboxBitrix24();
    const code = (await allow(sandbox)).searchParams.get('code')!;
    expect((await oauthError(await tokenRequest(sandbox, { grant_type: 'authorization_code', code, client_secret: 'wrong' }), 401)).error).toBe('invalid_client');
    expect((await oauthError(await tokenRequest(sandbox, { grant_type: 'authorization_code', code, client_id: 'app.other' }), 401)).error).toBe('invalid_client');
    expect((await oauthError(await tokenRequest(sandbox, { grant_type: 'password' }), 400)).error).toBe('invalid_request');
    expect((await oauthError(await tokenRequest(sandbox, { grant_type: 'authorization_code' }), 400)).error).toBe('invalid_request');
    // None of these used the code up.
    expect((await tokenRequest(sandbox, { grant_type: 'authorization_code', code })).status).toBe(200);
  });

  it('refreshes: a new pair with expires and user_id; each refresh token works once', async () => {
    const { sandbox, clock } = sandboxWithClock();
    const first = await grant(sandbox);
    clock.at += 10 * 60_000;
    const response = await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(response.status).toBe(200);
    const second = (await response.json()) as TokenBody;
    expect(second).toEqual({
      ...first,
      access_token: expect.stringMatching(/^[0-9a-z]{32}$/),
      refresh_token: expect.stringMatching(/^[0-9a-z]{32}$/),
      expires: Math.floor(clock.at / 1000) + 3600,
      user_id: 1,
    });
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await oauthError(await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: first.refresh_token }), 400)).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid refresh token',
    });
    expect((await call(sandbox, second.access_token, 'profile')).status).toBe(200);
    // The previous access token lives on until its hour is over.
    expect((await call(sandbox, first.access_token, 'profile')).status).toBe(200);
  });
});

describe('REST authorization', () => {
  it('expires access tokens after an hour with 401 expired_token; a refresh brings access back', async () => {
    const { sandbox, clock } = sandboxWithClock({ faults: { bucket: 0 } });
    const tokens = await grant(sandbox);
    clock.at += 3599_000;
    expect((await call(sandbox, tokens.access_token, 'profile')).status).toBe(200);
    clock.at += 1000;
    expect(await call(sandbox, tokens.access_token, 'profile')).toEqual({
      status: 401,
      body: { error: 'expired_token', error_description: 'The access token provided has expired.' },
    });
    const refreshed = (await (await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as TokenBody;
    expect((await call(sandbox, refreshed.access_token, 'profile')).status).toBe(200);
  });

  it('answers 401 NO_AUTH_FOUND without a token or with an unknown one', async () => {
    const sandbox = createSandboxBitrix24();
    const refused = { status: 401, body: { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' } };
    expect(await call(sandbox, undefined, 'profile')).toEqual(refused);
    expect(await call(sandbox, 'f'.repeat(32), 'profile')).toEqual(refused);
    expect(await call(sandbox, 'f'.repeat(32), 'profile', 'x=1')).toEqual(refused);
  });

  it('takes the token from the query, a form body or a JSON body', async () => {
    const sandbox = createSandboxBitrix24();
    const { access_token: token } = await grant(sandbox);
    const viaQuery = await sandbox.fetch(new Request(`${ORIGIN}/rest/profile?auth=${token}`));
    const viaForm = await sandbox.fetch(new Request(`${ORIGIN}/rest/profile`, { method: 'POST', body: new URLSearchParams({ auth: token }) }));
    const viaJson = await call(sandbox, token, 'profile');
    expect([viaQuery.status, viaForm.status, viaJson.status]).toEqual([200, 200, 200]);
  });

  it('revokeAccess stops every token, refresh included; expireAccessTokens keeps refreshes working', async () => {
    const sandbox = createSandboxBitrix24();
    const first = await grant(sandbox);
    sandbox.expireAccessTokens();
    expect((await call(sandbox, first.access_token, 'profile')).body.error).toBe('expired_token');
    const second = (await (await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: first.refresh_token })).json()) as TokenBody;
    expect((await call(sandbox, second.access_token, 'profile')).status).toBe(200);

    sandbox.revokeAccess();
    expect((await call(sandbox, second.access_token, 'profile')).body.error).toBe('NO_AUTH_FOUND');
    expect((await oauthError(await tokenRequest(sandbox, { grant_type: 'refresh_token', refresh_token: second.refresh_token }), 400)).error).toBe('invalid_grant');
    expect(sandbox.issuedSecrets()).toEqual(expect.arrayContaining([first.access_token, first.refresh_token, second.access_token, second.refresh_token]));
  });
});
