import { expect, test } from '@playwright/test';

import { expectNoSeriousViolations, readConnector } from './helpers/wizard';

test('Connect → confirm → Deny on the consent page → explained error → Try again → Allow → filter step', async ({ page }) => {
  const apiBodies: string[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/')) void response.text().then((text) => apiBodies.push(text), () => undefined);
  });
  await page.goto('/connectors');
  const card = page.getByRole('article', { name: 'amoCRM' });
  await card.getByRole('button', { name: 'Connect' }).click();
  const dialog = page.getByRole('dialog', { name: 'Connect amoCRM?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Connect' }).click();

  // The sandbox amoCRM's consent page (a full-page redirect).
  const deny = page.getByRole('button', { name: 'Deny' });
  await expect(deny).toBeVisible();
  await deny.click();

  await expect(page).toHaveURL(/\/setup\/amocrm\/authorize\?oauth_error=access_denied$/);
  const alert = page.getByRole('alert');
  await expect(alert.getByRole('heading', { name: 'Authorization did not complete' })).toBeVisible();
  await expect(alert).toContainText('Access was not granted');
  await expect(alert.getByRole('link', { name: 'Back to Connectors' })).toBeVisible();
  // It stays here: no automatic redirect back to the CRM.
  await expect(page).toHaveURL(/oauth_error=access_denied/);
  expect((await readConnector(page))?.hasAccess).toBe(false);
  await expectNoSeriousViolations(page);

  await alert.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();

  await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Data filtering' })).toBeVisible();
  expect(await readConnector(page)).toMatchObject({ hasAccess: true, state: 'draft' });

  // The card now shows the unfinished setup.
  await page.goto('/connectors');
  await expect(page.getByRole('article', { name: 'amoCRM' })).toContainText('Setup not finished');

  // The CRM's tokens stay on the server: nothing the browser keeps or was sent holds one (the
  // sandbox's access tokens are JWTs, its refresh tokens `def50200` and hex, like amoCRM's).
  const kept = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, url: location.href }));
  const cookies = JSON.stringify(await page.context().cookies());
  for (const [where, text] of Object.entries({ kept, cookies, responses: apiBodies.join('\n') })) {
    expect(text, `${where} holds a CRM token`).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}|def50200[0-9a-f]{32}/);
  }
  expect(apiBodies.length).toBeGreaterThan(3);
});

test('with valid access the authorization step is skipped', async ({ page }) => {
  await page.goto('/connectors');
  await page.getByRole('article', { name: 'amoCRM' }).getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);

  await page.goto('/setup/amocrm/authorize');
  await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Data filtering' })).toBeVisible();
});

test('a tampered state is explained, never a blank page', async ({ page }) => {
  await page.goto('/api/oauth/amocrm/callback?code=x&state=forged&referer=demo.amocrm.ru');
  await expect(page).toHaveURL(/oauth_error=state_invalid/);
  await expect(page.getByRole('alert')).toContainText('could not be matched to this setup');
  await expect(page.getByRole('alert').getByRole('button', { name: 'Try again' })).toBeVisible();
});
