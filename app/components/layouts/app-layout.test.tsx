import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { createMemoryRouter, Link, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';

import { initI18n } from '@/lib/i18n';

import { AppLayout } from './app-layout';

function renderShell() {
  const router = createMemoryRouter(
    [
      {
        element: <AppLayout />,
        children: [
          { path: 'connectors', element: <p>The connectors</p> },
          { path: 'elsewhere', element: <Link to="/connectors">Back</Link> },
        ],
      },
    ],
    { initialEntries: ['/elsewhere'] },
  );
  render(
    <I18nextProvider i18n={initI18n('en')}>
      <RouterProvider router={router} />
    </I18nextProvider>,
  );
  return { user: userEvent.setup(), router };
}

/** The menu button is shown on a phone only (CSS); jsdom shows everything, so its behaviour is testable here. */
describe('AppLayout: the navigation on a phone', () => {
  it('the menu button controls the navigation panel, which holds the navigation and the language switch', async () => {
    const { user } = renderShell();
    const button = screen.getByRole('button', { name: 'Main navigation' });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    const panel = document.getElementById(button.getAttribute('aria-controls') ?? '');
    expect(panel).toContainElement(screen.getByRole('navigation', { name: 'Main navigation' }));
    expect(panel).toContainElement(screen.getByRole('radio', { name: 'English' }));

    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'false');
  });

  it('closes on Escape and gives focus back to the menu button', async () => {
    const { user } = renderShell();
    const button = screen.getByRole('button', { name: 'Main navigation' });
    await user.click(button);
    await user.tab();
    expect(screen.getByRole('link', { name: 'Connectors' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(button).toHaveFocus();
  });

  it('closes on navigation, from the panel or from the page', async () => {
    const { user, router } = renderShell();
    const button = screen.getByRole('button', { name: 'Main navigation' });
    await user.click(button);
    await user.click(screen.getByRole('link', { name: 'Connectors' }));
    expect(await screen.findByText('The connectors')).toBeInTheDocument();
    expect(button).toHaveAttribute('aria-expanded', 'false');

    await user.click(button);
    await router.navigate('/elsewhere');
    expect(await screen.findByRole('link', { name: 'Back' })).toBeInTheDocument();
    expect(button).toHaveAttribute('aria-expanded', 'false');
  });

  it('keeps the current page marked in the navigation', async () => {
    const { user } = renderShell();
    await user.click(screen.getByRole('link', { name: 'Back' }));
    expect(await screen.findByRole('link', { name: 'Connectors' })).toHaveAttribute('aria-current', 'page');
  });
});
