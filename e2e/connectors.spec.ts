import { expect, test, type Page } from '@playwright/test';

import { authorizeViaSandbox, connectFully, expectNoSeriousViolations, readConfig, readConnector } from './helpers/wizard';

test('the built app opens on the Connectors page with the catalogue', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/connectors$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Connectors' })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Connectors' })).toBeVisible();
  for (const name of ['amoCRM', 'Bitrix24', 'RetailCRM']) {
    await expect(page.getByRole('article', { name })).toBeVisible();
  }
});

test('deep links are served the app, not a 404', async ({ page }) => {
  await authorizeViaSandbox(page);
  const response = await page.goto('/setup/amocrm/mapping?section=fields');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('tab', { name: 'Custom fields' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('group', { name: 'Other fields' })).toBeVisible();
});

test.describe('the connectors page', () => {
  test('has no serious accessibility violations, and Connect asks first', async ({ page }) => {
    await page.goto('/connectors');
    const card = page.getByRole('article', { name: 'amoCRM' });
    await expect(card.getByText('Not connected')).toBeVisible();
    // Bitrix24 and RetailCRM are connectable like amoCRM.
    for (const name of ['Bitrix24', 'RetailCRM']) {
      await expect(page.getByRole('article', { name }).getByRole('button', { name: 'Connect' })).toBeVisible();
    }
    await expectNoSeriousViolations(page);

    await card.getByRole('button', { name: 'Connect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect amoCRM?' });
    await expect(dialog).toBeVisible();
    await expectNoSeriousViolations(page);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(card.getByRole('button', { name: 'Connect' })).toBeFocused();
  });
});

test.describe('the connected card’s "⋯" menu', () => {
  test.beforeEach(async ({ page }) => {
    await connectFully(page);
    await page.goto('/connectors');
    await expect(page.getByRole('article', { name: 'amoCRM' }).getByText('Connected', { exact: true })).toBeVisible();
  });

  const card = (page: Page) => page.getByRole('article', { name: 'amoCRM' });
  const trigger = (page: Page) => card(page).getByRole('button', { name: 'Connector actions' });

  test('appears on hover; Edit opens the wizard with the saved settings', async ({ page }) => {
    await expect(card(page)).toContainText('Account:');
    await page.mouse.move(0, 0);
    await expect(trigger(page)).toHaveCSS('opacity', '0');
    await card(page).hover();
    await expect(trigger(page)).toHaveCSS('opacity', '1');
    await expectNoSeriousViolations(page);
    await trigger(page).click();
    const menu = page.getByRole('menu');
    await expect(menu.getByRole('menuitem')).toHaveText(['Edit', 'Reset settings', 'Change access', 'Export configuration', 'Import configuration…', 'Disconnect']);
    await menu.getByRole('menuitem', { name: 'Edit' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
    await expect(page.getByRole('heading', { level: 2, name: 'Data filtering' })).toBeVisible();
  });

  test('appears on keyboard focus and works from the keyboard: Reset settings keeps the access', async ({ page }) => {
    await page.getByRole('link', { name: 'Connectors' }).focus();
    for (let presses = 0; presses < 10; presses += 1) {
      if (await trigger(page).evaluate((element) => element === document.activeElement)) break;
      await page.keyboard.press('Tab');
    }
    await expect(trigger(page)).toBeFocused();
    await expect(trigger(page)).toHaveCSS('opacity', '1');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('menuitem', { name: 'Edit' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('menuitem', { name: 'Reset settings' })).toBeFocused();
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('alertdialog', { name: 'Reset the amoCRM settings?' });
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(trigger(page)).toBeFocused();

    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Reset settings' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Reset settings' }).click();
    await expect(card(page).getByText('Setup not finished')).toBeVisible();
    await expect(card(page).getByRole('link', { name: 'Continue setup' })).toBeFocused();
    expect(await readConnector(page)).toMatchObject({ state: 'draft', hasAccess: true });
    const { body } = await readConfig(page);
    expect(body?.config.pipelines).toEqual([]);
  });

  test('Change access re-authorizes through the consent page and keeps the mapping', async ({ page }) => {
    const before = await readConfig(page);
    await card(page).hover();
    await trigger(page).click();
    await page.getByRole('menuitem', { name: 'Change access' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
    const after = await readConfig(page);
    expect(after.body?.config.pipelines).toEqual(before.body?.config.pipelines);
    expect(await readConnector(page)).toMatchObject({ hasAccess: true });
  });

  test('Disconnect asks (danger), then the card is back to "Not connected"', async ({ page }) => {
    await card(page).hover();
    await trigger(page).click();
    await page.getByRole('menuitem', { name: 'Disconnect' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Disconnect amoCRM?' });
    await expect(dialog.getByRole('button', { name: 'Disconnect' })).toHaveClass(/button--danger/);
    await expectNoSeriousViolations(page);
    await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await expect(card(page).getByText('Not connected')).toBeVisible();
    await expect(card(page).getByRole('button', { name: 'Connect' })).toBeFocused();
    await expect(trigger(page)).toHaveCount(0);
    expect(await readConnector(page)).toMatchObject({ state: 'available', hasAccess: false });
    expect((await readConfig(page)).status).toBe(404);
  });
});

test.describe('in Russian', () => {
  test.use({ locale: 'ru-RU' });

  test('the connectors page and the filter step speak Russian', async ({ page }) => {
    await page.goto('/connectors');
    await expect(page.getByRole('heading', { level: 1, name: 'Коннекторы' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    const card = page.getByRole('article', { name: 'amoCRM' });
    await expect(card).toContainText('Не подключено');
    await expect(page.getByRole('article', { name: 'Bitrix24' }).getByRole('button', { name: 'Подключить' })).toBeVisible();
    await expect(page.getByRole('article', { name: 'RetailCRM' }).getByRole('button', { name: 'Подключить' })).toBeVisible();
    await expectNoSeriousViolations(page);

    await card.getByRole('button', { name: 'Подключить' }).click();
    await page.getByRole('dialog', { name: 'Подключить amoCRM?' }).getByRole('button', { name: 'Подключить' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
    await expect(page.getByRole('heading', { level: 2, name: 'Фильтрация данных' })).toBeVisible();
    await page.getByRole('region', { name: 'Параметры' }).getByRole('button', { name: 'LANDING', exact: true }).dblclick();
    const condition = page.getByRole('group', { name: 'Условие 1: LANDING' });
    await expect(condition.getByRole('combobox', { name: 'Включить или исключить' })).toHaveValue('include');
    await expect(condition.getByRole('textbox', { name: 'Значение' })).toHaveAttribute('placeholder', 'Введите значение');
    await expectNoSeriousViolations(page);
    await page.getByRole('button', { name: 'Далее' }).click();
    await expect(condition.getByText('Введите значение или выберите «Пусто» / «Не пусто».')).toBeVisible();
    await condition.getByRole('textbox', { name: 'Значение' }).fill('site-42');
    await page.getByRole('button', { name: 'Далее' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/mapping(\?|$)/);
    const { body } = await readConfig(page);
    expect(body?.config.filter).toMatchObject({ conditions: [{ field: 'LANDING', value: 'site-42' }] });

    // The choice is remembered: English from the switch survives a reload.
    await page.getByRole('radio', { name: 'English' }).click();
    await page.reload();
    await expect(page.getByRole('link', { name: 'Connectors' })).toBeVisible();
  });
});

test.describe('initial load', () => {
  test('downloads only the catalogue in use, switches language without a missing string, and breaks no CSP rule', async ({ page }) => {
    // Every CSP violation the page reports (zod's `new Function` probe would be one), from the first script on.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    const catalogue = (language: string) => scripts.filter((script) => new RegExp(`/assets/${language}-[\\w-]+\\.js$`).test(script));

    await page.goto('/connectors');
    await expect(page.getByRole('heading', { level: 1, name: 'Connectors' })).toBeVisible();
    expect(catalogue('en')).toHaveLength(1);
    expect(catalogue('ru')).toEqual([]);
    // No wizard code for the Connectors page.
    expect(scripts.filter((script) => /\/assets\/(mapping|filter|calculation|authorize|done)-route-/.test(script))).toEqual([]);

    await page.getByRole('radio', { name: 'Русский' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Коннекторы' })).toBeVisible();
    expect(catalogue('ru')).toHaveLength(1);
    // No key shown instead of a string (i18next shows the key, e.g. `connectors.title`, when it is missing).
    await expect(page.locator('body')).not.toContainText(/\b(?:app|nav|connectors|drift|errors|common)\.[a-z][A-Za-z]*/);

    // The wizard's steps create zod schemas in their own chunks: still no violation there.
    await authorizeViaSandbox(page);
    await page.goto('/setup/amocrm/mapping');
    await expect(page.getByRole('tab', { name: 'Статусы' })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });
});
