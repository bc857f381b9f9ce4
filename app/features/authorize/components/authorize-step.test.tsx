import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { CRM_ERROR_CODES, OAUTH_ERROR_CODES } from '@/contracts/oauth';
import { resources } from '@/locales';
import { mswServer, renderApp, setupRealApi } from '@/testing/test-utils';
import { browserLocation } from '@/lib/browser-location';

import { redirectGuard } from '../model/redirect-guard';

const api = setupRealApi();

let assign: ReturnType<typeof vi.fn<(url: string) => void>>;

beforeEach(() => {
  window.sessionStorage.clear();
  assign = vi.fn<(url: string) => void>();
  vi.spyOn(browserLocation, 'assign').mockImplementation(assign);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const authorizeCalls = () => api.current.requests.filter((request) => request.path === '/api/connectors/amocrm/authorize');

describe('Authorization step', () => {
  it('has a message saying what happened and what to do for every OAuth and CRM error code, in both languages', () => {
    for (const language of ['en', 'ru'] as const) {
      const errors = resources[language].translation.errors as Record<string, string>;
      for (const code of [...OAUTH_ERROR_CODES, ...CRM_ERROR_CODES, 'version_conflict', 'validation_failed', 'config_incomplete', 'network_error']) {
        expect(errors[code], `${language} errors.${code}`).toMatch(/\.\s.+/);
      }
    }
  });

  it('explains ?oauth_error=access_denied without redirecting again, with "Try again" and a way back', async () => {
    const { router } = renderApp('/setup/amocrm/authorize?oauth_error=access_denied');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Authorization did not complete' })).toBeInTheDocument();
    expect(alert).toHaveTextContent('Access was not granted: it was denied on the amoCRM consent page');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    expect(within(alert).getByRole('link', { name: 'Back to Connectors' })).toHaveAttribute('href', '/connectors');
    expect(authorizeCalls()).toHaveLength(0);
    expect(assign).not.toHaveBeenCalled();
    expect(router.state.location.pathname).toBe('/setup/amocrm/authorize');
  });

  it.each(OAUTH_ERROR_CODES)('explains ?oauth_error=%s from the catalogue', async (code) => {
    renderApp(`/setup/amocrm/authorize?oauth_error=${code}`);
    const alert = await screen.findByRole('alert');
    // Every message names the connector's CRM (`{{crm}}`), never another one.
    const expected = resources.en.translation.errors[code].replaceAll('{{crm}}', 'amoCRM');
    expect(alert).toHaveTextContent(expected);
    expect(alert.textContent).not.toContain('{{');
  });

  it('explains an unknown code too, as text', async () => {
    renderApp('/setup/amocrm/authorize?oauth_error=%3Cb%3Eweird%3C%2Fb%3E');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('did not complete (code “<b>weird</b>”)');
    expect(alert.querySelector('b')).toBeNull();
  });

  it('speaks Russian', async () => {
    renderApp('/setup/amocrm/authorize?oauth_error=state_expired', { language: 'ru' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Авторизация длилась дольше 10 минут');
    expect(within(alert).getByRole('button', { name: 'Повторить' })).toBeInTheDocument();
  });

  it('"Try again" starts a new authorization and sends the browser to the consent page', async () => {
    const { user } = renderApp('/setup/amocrm/authorize?oauth_error=access_denied');
    await user.click(within(await screen.findByRole('alert')).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
    expect(authorizeCalls()).toHaveLength(1);
    expect(new URL(assign.mock.calls[0]![0]).searchParams.get('state')).toBeTruthy();
    expect(await screen.findByRole('status')).toHaveTextContent('Taking you to amoCRM to allow access');
    expect(screen.getByRole('link', { name: /Open the amoCRM consent page/ })).toHaveAttribute('href', assign.mock.calls[0]![0]);
  });

  it('without access, redirects to the consent page once on entry', async () => {
    renderApp('/setup/amocrm/authorize');
    await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
    expect(authorizeCalls()).toHaveLength(1);
    expect(screen.getByRole('status')).toHaveTextContent('Taking you to amoCRM');
  });

  it('coming back from the consent page with Back offers the way on instead of bouncing', async () => {
    redirectGuard.mark('amocrm');
    const { user } = renderApp('/setup/amocrm/authorize');
    const again = await screen.findByRole('button', { name: 'Continue to amoCRM' });
    expect(screen.getByText('You came back before allowing access in amoCRM.')).toBeInTheDocument();
    expect(assign).not.toHaveBeenCalled();
    await user.click(again);
    expect(assign).toHaveBeenCalledTimes(1);
  });

  it('skips straight to the filter step when the workspace already holds valid access', async () => {
    // Real access, granted through the sandbox amoCRM's consent page.
    await api.current.connectSandbox();
    const before = authorizeCalls().length;
    const { router } = renderApp('/setup/amocrm/authorize');
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/filter'));
    expect(authorizeCalls()).toHaveLength(before + 1);
    expect(assign).not.toHaveBeenCalled();
  });

  it('?oauth=success refreshes what changed and proceeds to the filter step', async () => {
    await api.current.seedConnectedAccount();
    const { router } = renderApp('/setup/amocrm/authorize?oauth=success');
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/filter'));
    expect(authorizeCalls()).toHaveLength(0);
  });

  it('explains a failure to start the authorization, and "Try again" retries', async () => {
    let fail = true;
    mswServer.use(
      http.post(`${window.location.origin}/api/connectors/amocrm/authorize`, () => {
        if (!fail) return undefined;
        return HttpResponse.json(
          { type: 'about:blank', title: 'Bad Gateway', status: 502, code: 'crm_unavailable' },
          { status: 502, headers: { 'Content-Type': 'application/problem+json' } },
        );
      }),
    );
    const { user } = renderApp('/setup/amocrm/authorize');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Could not start the authorization' })).toBeInTheDocument();
    expect(alert).toHaveTextContent('amoCRM did not answer in time or returned an error. Wait a minute and try again.');
    expect(assign).not.toHaveBeenCalled();
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
  });
});

describe('Authorization step for a CRM that asks for the account address (Bitrix24-like)', () => {
  it('asks for the address when the API needs one, says why one is refused, and sends the accepted one', async () => {
    const bodies: unknown[] = [];
    const problem = (code: string, detail: string) =>
      HttpResponse.json(
        { type: 'about:blank', title: 'Unprocessable', status: 422, code, detail, errors: [{ pointer: '/address', code, message: detail }] },
        { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
      );
    mswServer.use(
      http.post(`${window.location.origin}/api/connectors/amocrm/authorize`, async ({ request }) => {
        const body = (await request.json()) as { address?: string };
        bodies.push(body);
        if (!body.address) return problem('address_required', 'Enter the address of your account first.');
        if (body.address !== 'company.bitrix24.ru') return problem('address_not_allowed', 'evil.example is not a Bitrix24 portal address.');
        return HttpResponse.json({ status: 'redirect', authorizeUrl: 'https://company.bitrix24.ru/oauth/authorize/?client_id=x&state=s' });
      }),
    );
    const { user } = renderApp('/setup/amocrm/authorize');
    const field = await screen.findByRole('textbox', { name: 'Your amoCRM address' });
    // The first ask is a question, not an error.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(assign).not.toHaveBeenCalled();

    // Nothing typed: said at once, nothing sent.
    await user.click(screen.getByRole('button', { name: 'Continue to amoCRM' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter the address you open amoCRM at.');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(bodies).toHaveLength(1);

    await user.type(field, 'evil.example');
    await user.click(screen.getByRole('button', { name: 'Continue to amoCRM' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('evil.example is not a Bitrix24 portal address.');
    // What was typed stays, to be corrected.
    expect(screen.getByRole('textbox', { name: 'Your amoCRM address' })).toHaveValue('evil.example');

    await user.clear(screen.getByRole('textbox', { name: 'Your amoCRM address' }));
    await user.type(screen.getByRole('textbox', { name: 'Your amoCRM address' }), '  company.bitrix24.ru ');
    await user.click(screen.getByRole('button', { name: 'Continue to amoCRM' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://company.bitrix24.ru/oauth/authorize/?client_id=x&state=s'));
    expect(bodies.at(-1)).toEqual({ force: false, address: 'company.bitrix24.ru' });
  });
});
