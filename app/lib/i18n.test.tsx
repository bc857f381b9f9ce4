import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The catalogues are downloaded one language at a time. The test setup loads both into the
 * shared module; these tests take a fresh copy of it (and of what uses it), as a page load does.
 */
async function freshApp() {
  vi.resetModules();
  const i18n = await import('@/lib/i18n');
  const { AppLayout } = await import('@/components/layouts/app-layout');
  return { ...i18n, AppLayout };
}

beforeEach(() => {
  document.documentElement.lang = '';
});

describe('language catalogues', () => {
  it('before the first render only the language in use is downloaded', async () => {
    const { prepareI18n, isLanguageLoaded } = await freshApp();
    expect(isLanguageLoaded('ru')).toBe(false);
    const i18n = await prepareI18n('ru');
    expect(isLanguageLoaded('ru')).toBe(true);
    expect(isLanguageLoaded('en')).toBe(false);
    expect(i18n.t('nav.connectors')).toBe('Коннекторы');
    expect(document.documentElement.lang).toBe('ru');
  });

  it('switching downloads the other language, keeping the current one on screen until it has arrived', async () => {
    const { prepareI18n, rememberLanguage, isLanguageLoaded } = await freshApp();
    const i18n = await prepareI18n('ru');
    rememberLanguage('en');
    // The download has started, not finished: still Russian, never keys.
    expect(i18n.language).toBe('ru');
    expect(i18n.t('nav.connectors')).toBe('Коннекторы');
    await waitFor(() => expect(i18n.language).toBe('en'));
    expect(isLanguageLoaded('en')).toBe(true);
    expect(i18n.t('nav.connectors')).toBe('Connectors');
    expect(document.documentElement.lang).toBe('en');
    expect(window.localStorage.getItem('hub-connect.language')).toBe('en');
    // Back to Russian at once: it is already here.
    rememberLanguage('ru');
    expect(i18n.language).toBe('ru');
  });

  it('the last choice wins over a download that arrives after it', async () => {
    const { prepareI18n, rememberLanguage, loadLanguage } = await freshApp();
    const i18n = await prepareI18n('ru');
    rememberLanguage('en');
    rememberLanguage('ru');
    await loadLanguage('en');
    await Promise.resolve();
    expect(i18n.language).toBe('ru');
    expect(i18n.t('nav.connectors')).toBe('Коннекторы');
  });

  it('the language switch in the app shell loads English and shows the whole shell in it', async () => {
    const { prepareI18n, AppLayout } = await freshApp();
    const i18n = await prepareI18n('ru');
    const router = createMemoryRouter([{ element: <AppLayout />, children: [{ path: 'connectors', element: <p>Страница</p> }] }], {
      initialEntries: ['/connectors'],
    });
    render(
      <I18nextProvider i18n={i18n}>
        <RouterProvider router={router} />
      </I18nextProvider>,
    );
    const user = userEvent.setup();
    expect(screen.getByRole('link', { name: 'Коннекторы' })).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'English' }));
    expect(await screen.findByRole('link', { name: 'Connectors' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'English' })).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByRole('navigation', { name: 'Main navigation' })).toBeInTheDocument();
    expect(screen.getByText('Language')).toBeInTheDocument();
  });
});
