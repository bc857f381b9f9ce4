import { expect, test } from '@playwright/test';

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
  const response = await page.goto('/connectors');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});
