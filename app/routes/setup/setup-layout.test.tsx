import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';

import { useWizardStore } from '@/stores/wizard-store';
import { renderApp, setupRealApi } from '@/testing/test-utils';

const api = setupRealApi();

// The store outlives a test in memory (only its storage is cleared).
beforeEach(() => useWizardStore.setState({ lastStep: {} }));

const currentStep = async () =>
  within(await screen.findByRole('navigation', { name: 'Setup steps' }))
    .getAllByRole('link')
    .find((link) => link.getAttribute('aria-current') === 'step');

describe('Setup wizard routes', () => {
  it('opens the step the address names, with its screen', async () => {
    await api.current.seedConnectedAccount();
    const { router } = renderApp('/setup/amocrm/filter');
    expect(await screen.findByRole('region', { name: 'Parameters' })).toBeInTheDocument();
    expect(await currentStep()).toHaveTextContent('Filter');
    expect(router.state.location.pathname).toBe('/setup/amocrm/filter');
  });

  it('without a step, goes to the step to resume', async () => {
    await api.current.seedConnectedAccount();
    const { router } = renderApp('/setup/amocrm');
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/filter'));
    expect(await screen.findByRole('region', { name: 'Parameters' })).toBeInTheDocument();
  });

  it('with an unknown step, goes to the step to resume', async () => {
    await api.current.seedConnectedAccount();
    const { router } = renderApp('/setup/amocrm/nowhere');
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/filter'));
  });

  it('a step locked until authorization leads to Authorization', async () => {
    const { router } = renderApp('/setup/amocrm/mapping');
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/authorize'));
    expect(await currentStep()).toHaveTextContent('Authorization');
  });

  it('an unknown connector leads to the catalogue', async () => {
    const { router } = renderApp('/setup/nowhere/filter');
    await waitFor(() => expect(router.state.location.pathname).toBe('/connectors'));
  });
});
