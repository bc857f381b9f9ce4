import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { renderApp, setupRealApi } from '@/testing/test-utils';
import { browserLocation } from '@/lib/browser-location';

const api = setupRealApi();

afterEach(() => {
  vi.restoreAllMocks();
});

async function readConfig() {
  return fetch(`${window.location.origin}/api/connectors/amocrm/config`);
}

async function readConnector() {
  const response = await fetch(`${window.location.origin}/api/connectors`);
  const body = (await response.json()) as { connectors: Array<{ id: string; state: string; hasAccess: boolean }> };
  return body.connectors.find((connector) => connector.id === 'amocrm');
}

describe('Connectors page', () => {
  it('shows the catalogue from the API with each connector as a named article', async () => {
    renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(within(amo).getByText('Not connected')).toBeInTheDocument();
    expect(within(amo).getByRole('button', { name: 'Connect' })).toBeInTheDocument();
    expect(within(amo).queryByRole('button', { name: 'Connector actions' })).not.toBeInTheDocument();
    for (const name of ['Bitrix24', 'RetailCRM']) {
      const card = screen.getByRole('article', { name });
      expect(card).toHaveTextContent('Coming soon');
      expect(within(card).queryByRole('button')).not.toBeInTheDocument();
    }
    expect(api.current.requests).toContainEqual({ method: 'GET', path: '/api/connectors' });
  });

  it('speaks Russian when asked', async () => {
    renderApp('/connectors', { language: 'ru' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Коннекторы' })).toBeInTheDocument();
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(within(amo).getByRole('button', { name: 'Подключить' })).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Bitrix24' })).toHaveTextContent('Скоро');
  });

  it('switches the language from the chrome and remembers the choice', async () => {
    const { user } = renderApp('/connectors');
    await screen.findByRole('article', { name: 'amoCRM' });
    const switcher = screen.getByRole('radiogroup', { name: 'Language' });
    expect(within(switcher).getByRole('radio', { name: 'English' })).toHaveAttribute('aria-checked', 'true');
    await user.click(within(switcher).getByRole('radio', { name: 'Русский' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Коннекторы' })).toBeInTheDocument();
    expect(window.localStorage.getItem('hub-connect.language')).toBe('ru');
    expect(document.documentElement.lang).toBe('ru');
    expect(within(screen.getByRole('radiogroup', { name: 'Язык' })).getByRole('radio', { name: 'Русский' })).toHaveAttribute('aria-checked', 'true');
  });

  it('asks for confirmation before connecting, and Cancel stays on the page', async () => {
    const { user, router } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    await user.click(within(amo).getByRole('button', { name: 'Connect' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect amoCRM?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(router.state.location.pathname).toBe('/connectors');
    expect(within(amo).getByRole('button', { name: 'Connect' })).toHaveFocus();

    await user.click(within(amo).getByRole('button', { name: 'Connect' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Connect amoCRM?' })).getByRole('button', { name: 'Connect' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/authorize'));
  });

  it('offers "Continue setup" for a connector in draft', async () => {
    await api.current.seedConnectedAccount();
    const { user, router } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(amo).findByText('Setup not finished')).toBeInTheDocument();
    expect(within(amo).getByText('Account: Демо')).toBeInTheDocument();
    await user.click(within(amo).getByRole('link', { name: 'Continue setup' }));
    await waitFor(() => expect(router.state.location.pathname).toMatch(/^\/setup\/amocrm\//));
  });

  it('shows Connected with the account name and a "⋯" menu with the four actions, export and import', async () => {
    await connectFully();
    const { user } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(amo).findByText('Connected')).toBeInTheDocument();
    expect(within(amo).getByText('Account: Демо')).toBeInTheDocument();
    await user.click(within(amo).getByRole('button', { name: 'Connector actions' }));
    const menu = await screen.findByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((item) => item.textContent)).toEqual([
      'Edit',
      'Reset settings',
      'Change access',
      'Export configuration',
      'Import configuration…',
      'Disconnect',
    ]);
  });

  it('Edit opens the wizard on the filter step with the saved settings', async () => {
    await connectFully();
    const { user, router } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    await user.click(await within(amo).findByRole('button', { name: 'Connector actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/filter'));
  });

  it('Reset settings asks first, keeps the access and brings the card back to draft', async () => {
    await connectFully();
    const { user } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    await user.click(await within(amo).findByRole('button', { name: 'Connector actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Reset settings' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Reset the amoCRM settings?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset settings' }));

    expect(await within(amo).findByText('Setup not finished')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('amoCRM settings were reset');
    expect(within(amo).getByRole('link', { name: 'Continue setup' })).toHaveFocus();
    expect(api.current.requests).toContainEqual({ method: 'POST', path: '/api/connectors/amocrm/reset' });

    const connector = await readConnector();
    expect(connector).toMatchObject({ state: 'draft', hasAccess: true });
    const saved = (await (await readConfig()).json()) as { config: { pipelines: unknown[]; filter: { conditions: unknown[] } } };
    expect(saved.config.pipelines).toEqual([]);
    expect(saved.config.filter.conditions).toEqual([]);
  });

  it('Disconnect asks first (danger), deletes everything and brings the card back to "Not connected"', async () => {
    await connectFully();
    window.localStorage.setItem('hub-connect.wizard', JSON.stringify({ state: { lastStep: { amocrm: 'done' } }, version: 1 }));
    const { user } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    await user.click(await within(amo).findByRole('button', { name: 'Connector actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Disconnect' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Disconnect amoCRM?' });

    // Cancel first: nothing happens.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    await waitFor(() => expect(within(amo).getByRole('button', { name: 'Connector actions' })).toHaveFocus());
    expect((await readConnector())?.state).toBe('connected');

    await user.click(within(amo).getByRole('button', { name: 'Connector actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Disconnect' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Disconnect' }));

    expect(await within(amo).findByText('Not connected')).toBeInTheDocument();
    expect(within(amo).getByRole('button', { name: 'Connect' })).toHaveFocus();
    expect(within(amo).queryByRole('button', { name: 'Connector actions' })).not.toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('amoCRM was disconnected');
    expect(await readConnector()).toMatchObject({ state: 'available', hasAccess: false });
    expect((await readConfig()).status).toBe(404);
    expect(window.localStorage.getItem('hub-connect.wizard')).not.toContain('amocrm');
  });

  it('Change access re-authorizes with force and sends the browser to the consent page', async () => {
    await connectFully();
    const assign = vi.spyOn(browserLocation, 'assign').mockImplementation(() => undefined);
    const { user } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    await user.click(await within(amo).findByRole('button', { name: 'Connector actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Change access' }));
    await waitFor(() => expect(api.current.requests).toContainEqual({ method: 'POST', path: '/api/connectors/amocrm/authorize' }));
    // Until the OAuth routes exist the API answers 404 and the card says so instead of failing silently.
    await waitFor(() => expect(assign.mock.calls.length > 0 || within(amo).queryByRole('alert') !== null).toBe(true));
    if (assign.mock.calls.length > 0) {
      expect(assign.mock.calls[0]?.[0]).toMatch(/^https?:\/\//);
      expect(within(amo).getByRole('status')).toHaveTextContent('Opening amoCRM');
    }
  });

  it('explains a connector that needs attention and offers the fix', async () => {
    await connectFully();
    await api.current.server.repo.setAttention(await api.current.workspaceId(), 'amocrm', 'crm_access_revoked');
    renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(amo).findByText('Needs attention')).toBeInTheDocument();
    expect(amo).toHaveTextContent('Access to amoCRM was revoked or has expired');
    expect(within(amo).getByRole('button', { name: 'Authorize again' })).toBeInTheDocument();
  });

  it('for any other attention reason offers to review the settings instead of authorizing again', async () => {
    await connectFully();
    await api.current.server.repo.setAttention(await api.current.workspaceId(), 'amocrm', 'crm_schema_changed');
    renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(amo).findByText('Needs attention')).toBeInTheDocument();
    expect(within(amo).getByRole('link', { name: 'Review settings' })).toHaveAttribute('href', '/setup/amocrm/mapping');
    expect(within(amo).queryByRole('button', { name: 'Authorize again' })).not.toBeInTheDocument();
  });
});

/** A connector activated through the API: access, a complete mapping, then activate. */
async function connectFully() {
  await api.current.seedConnectedAccount();
  const put = await fetch(`${window.location.origin}/api/connectors/amocrm/config`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify(completeConfig()),
  });
  expect(put.status).toBe(200);
  const activated = await fetch(`${window.location.origin}/api/connectors/amocrm/activate`, { method: 'POST' });
  expect(activated.status).toBe(200);
}

function completeConfig() {
  const container = (id: string, name: string, statusIds: string[], marker: string | null = null) => ({ id, name, statusIds, marker });
  return {
    schemaVersion: 2,
    connector: 'amocrm',
    filter: { match: 'all', conditions: [] },
    pipelines: [
      {
        pipelineId: '3177727',
        containers: [
          container('a', 'В работе', ['32392156', '32392159', '32392162', '32392165', '32392168']),
          container('b', 'Успешно реализовано', ['142'], 'completed'),
          container('c', 'Закрыто и не реализовано', ['143'], 'refusal'),
        ],
      },
      {
        pipelineId: '3177730',
        containers: [
          container('d', 'В работе', ['32392200', '32392203']),
          container('e', 'Успешно реализовано', ['142'], 'completed'),
          container('f', 'Закрыто и не реализовано', ['143'], 'refusal'),
        ],
      },
    ],
    customFields: { otherFields: [] },
    calculatedFields: [],
  };
}
