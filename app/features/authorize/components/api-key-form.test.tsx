import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { API_KEY_ERROR_CODES } from '@/contracts/oauth';
import { browserLocation } from '@/lib/browser-location';
import { resources } from '@/locales';
import { renderApp, setupRealApi } from '@/testing/test-utils';

/** The authorization form of an API-key CRM (RetailCRM), against the real API and the sandbox RetailCRM. */

const api = setupRealApi({ testCrm: { retailcrm: true } });

let assign: ReturnType<typeof vi.fn<(url: string) => void>>;
beforeEach(() => {
  assign = vi.fn<(url: string) => void>();
  vi.spyOn(browserLocation, 'assign').mockImplementation(assign);
});
afterEach(() => vi.restoreAllMocks());

const retail = () => api.current.server.crm!.retailcrm!;
const PATH = '/setup/retailcrm/authorize';

async function openForm(path = PATH, language?: 'ru' | 'en') {
  const view = renderApp(path, language ? { language } : {});
  const address = await screen.findByRole('textbox', { name: language === 'ru' ? 'Адрес аккаунта' : 'Account address' });
  const key = screen.getByLabelText(language === 'ru' ? 'API-ключ' : 'API key', { selector: 'input' });
  return { ...view, address, key };
}

describe('API-key authorization form', () => {
  it('has a message for every refusal code, in both languages', () => {
    for (const language of ['en', 'ru'] as const) {
      const errors = resources[language].translation.authorize.apiKey.errors as Record<string, string>;
      for (const code of [...API_KEY_ERROR_CODES, 'key_format']) expect(errors[code], `${language} ${code}`).toMatch(/\S/);
    }
  });

  it("speaks of the shop's orders, not of deals and pipelines, in both languages", async () => {
    const { unmount } = await openForm();
    expect(screen.getByText(/orders, order statuses and custom fields/)).toBeInTheDocument();
    expect(screen.queryByText(/deals, pipelines/)).toBeNull();
    unmount();
    await openForm(PATH, 'ru');
    expect(screen.getByText(/заказы, статусы заказов и пользовательские поля/)).toBeInTheDocument();
  });

  it('asks for the account address and the key, with the sandbox credentials in a note, a help link and no redirect', async () => {
    const { address, key } = await openForm();
    expect(key).toHaveAttribute('type', 'password');
    expect(address).toHaveValue('');
    const note = screen.getByRole('region', { name: 'Sandbox credentials' });
    const codes = [...note.querySelectorAll('code')].map((code) => code.textContent);
    expect(codes).toEqual([retail().origin, retail().apiKey]);
    expect(screen.getByRole('link', { name: 'Where to find the key in RetailCRM' })).toHaveAttribute('href', expect.stringMatching(/^https:\/\//) as string);
    expect(screen.getByRole('button', { name: 'Check and connect' })).toBeEnabled();
    expect(assign).not.toHaveBeenCalled();
  });

  it('the key can be shown and hidden again', async () => {
    const { user, key } = await openForm();
    const toggle = screen.getByRole('button', { name: 'Show key' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await user.click(toggle);
    expect(key).toHaveAttribute('type', 'text');
    await user.click(screen.getByRole('button', { name: 'Hide key' }));
    expect(key).toHaveAttribute('type', 'password');
  });

  it('empty fields: each says what is missing, nothing sent', async () => {
    const { user, address, key } = await openForm();
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect(await screen.findByText('Enter the address of your RetailCRM account.')).toBeInTheDocument();
    expect(screen.getByText('Enter the API key.')).toBeInTheDocument();
    expect(address).toHaveAttribute('aria-invalid', 'true');
    expect(key).toHaveAttribute('aria-invalid', 'true');
    expect(api.current.requests.some((request) => request.path.endsWith('/api-key'))).toBe(false);
  });

  it('a refused address is explained on the address field', async () => {
    const { user, address, key } = await openForm();
    await user.type(address, 'https://shop.retailcrm.ru/admin');
    await user.type(key, retail().apiKey);
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect(await screen.findByText('Enter only the address of the account, without a path after it.')).toBeInTheDocument();
    expect(address).toHaveAttribute('aria-invalid', 'true');
    expect(address).toHaveFocus();
    expect(key).not.toHaveAttribute('aria-invalid');
  });

  it('a wrong key is explained on the key field and corrected on the spot', async () => {
    const { user, router, address, key } = await openForm();
    await user.type(address, retail().origin);
    await user.type(key, `${retail().apiKey}0`);
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect(await screen.findByText(/RetailCRM does not accept this key/)).toBeInTheDocument();
    expect(key).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(key).toHaveFocus());
    await user.type(key, '{Backspace}');
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/retailcrm/filter'));
    expect(retail().sandbox.requests.filter((request) => request.path === '/api/credentials')).toHaveLength(2);
  });

  it('a key lacking permissions lists them on the key field', async () => {
    retail().sandbox.addKey('read-orders-only-key-0001', ['order_read']);
    const { user, address, key } = await openForm();
    await user.type(address, retail().origin);
    await user.type(key, 'read-orders-only-key-0001');
    await user.click(screen.getByRole('button', { name: 'Check and connect' }));
    expect(await screen.findByText('The key lacks these permissions: reference_read, custom_fields_read. Allow them for the key in RetailCRM, then try again.')).toBeInTheDocument();
  });

  it('speaks Russian', async () => {
    const { user } = await openForm(PATH, 'ru');
    expect(screen.getByRole('region', { name: 'Данные песочницы' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Проверить и подключить' }));
    expect(await screen.findByText('Введите адрес аккаунта RetailCRM.')).toBeInTheDocument();
  });

  it('Change access reopens the form with the address filled in, never the key', async () => {
    const first = await openForm();
    await first.user.type(first.address, retail().origin);
    await first.user.type(first.key, retail().apiKey);
    await first.user.click(screen.getByRole('button', { name: 'Check and connect' }));
    await waitFor(() => expect(first.router.state.location.pathname).toBe('/setup/retailcrm/filter'));
    first.unmount();

    const again = await openForm(`${PATH}?change=1`);
    expect(again.address).toHaveValue(retail().origin);
    expect(again.key).toHaveValue('');
    expect(within(again.key.closest('div')!.parentElement!).getByText(/the saved key is never shown/)).toBeInTheDocument();
  });
});
