import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderApp, setupRealApi } from '@/testing/test-utils';

const api = setupRealApi();

describe('Connectors page', () => {
  it('shows the catalogue from the API with each connector as a named region', async () => {
    renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(within(amo).getByText('Not connected')).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Bitrix24' })).toHaveTextContent('Coming soon');
    expect(api.current.requests).toContainEqual({ method: 'GET', path: '/api/connectors' });
  });

  it('speaks Russian when asked', async () => {
    renderApp('/connectors', { language: 'ru' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Коннекторы' })).toBeInTheDocument();
  });
});
