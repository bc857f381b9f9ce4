import { expect, test, type Locator, type Page } from '@playwright/test';

import type { ConnectorList } from '../app/contracts/connector';
import type { CrmPipeline, CrmSchema } from '../app/contracts/crm-schema';
import type { ConfigEnvelope } from '../app/contracts/mapping-config';

import { authorizeViaSandbox } from './helpers/wizard';

/**
 * RetailCRM as a new user meets it, with the sandbox RetailCRM (`npm start` runs it): Connect, the
 * API-key form with the sandbox's address and key from its note (a wrong key first, corrected on
 * the spot), the orders pipeline mapped with Completed deal and Refusal proposed from the status
 * groups, Done, and the card Connected. By mouse, by keyboard; then three CRMs in one workspace.
 */

const exact = { exact: true } as const;

async function sandboxCredentials(page: Page): Promise<{ accountUrl: string; apiKey: string }> {
  const note = page.getByRole('region', { name: 'Sandbox credentials' });
  await expect(note.locator('code')).toHaveCount(2);
  const [accountUrl, apiKey] = await note.locator('code').allTextContents();
  expect(accountUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(apiKey?.length).toBeGreaterThan(16);
  return { accountUrl: accountUrl!, apiKey: apiKey! };
}

async function retailSchema(page: Page): Promise<CrmSchema> {
  const response = await page.request.get('/api/connectors/retailcrm/schema');
  expect(response.ok()).toBe(true);
  return (await response.json()) as CrmSchema;
}

const won = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'won')!;
const lost = (pipeline: CrmPipeline) => pipeline.statuses.filter((status) => status.kind === 'lost');

async function expectConnected(page: Page, schema: CrmSchema) {
  const envelope = (await (await page.request.get('/api/connectors/retailcrm/config')).json()) as ConfigEnvelope;
  expect(envelope.status).toBe('connected');
  expect(envelope.config.account).toEqual(schema.account);
  const [orders] = schema.pipelines;
  const mapping = envelope.config.pipelines.find((item) => item.pipelineId === orders!.id)!;
  expect(mapping.containers.find((container) => container.marker === 'completed')?.statusIds).toEqual([won(orders!).id]);
  expect(mapping.containers.find((container) => container.marker === 'refusal')?.statusIds).toEqual(lost(orders!).map((status) => status.id));
  // The key never reaches the browser, whatever the API answers.
  const list = (await (await page.request.get('/api/connectors')).json()) as ConnectorList;
  expect(list.connectors.find((item) => item.id === 'retailcrm')).toMatchObject({ state: 'connected', hasAccess: true });
}

test.describe('RetailCRM', () => {
  test.describe.configure({ timeout: 240_000 });

  test('by mouse: Connect, a wrong key corrected on the spot, the orders pipeline with the proposed markers, Connected', async ({ page }) => {
    await page.goto('/connectors');
    const card = page.getByRole('article', { name: 'RetailCRM' });
    await card.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Connect RetailCRM?' }).getByRole('button', { name: 'Connect' }).click();
    await expect(page).toHaveURL(/\/setup\/retailcrm\/authorize$/);

    const { accountUrl, apiKey } = await sandboxCredentials(page);
    const address = page.getByRole('textbox', { name: 'Account address' });
    const key = page.getByLabel('API key', { exact: true });
    await expect(key).toHaveAttribute('type', 'password');
    await address.fill(accountUrl);
    await key.fill(`${apiKey}x`);
    await page.getByRole('button', { name: 'Check and connect' }).click();
    await expect(page.getByText(/RetailCRM does not accept this key/)).toBeVisible();
    await expect(key).toHaveAttribute('aria-invalid', 'true');
    await key.fill(apiKey);
    await page.getByRole('button', { name: 'Show key' }).click();
    await expect(key).toHaveAttribute('type', 'text');
    await page.getByRole('button', { name: 'Check and connect' }).click();

    await expect(page).toHaveURL(/\/setup\/retailcrm\/filter$/);
    await page.getByRole('button', { name: 'Skip' }).click();
    await expect(page).toHaveURL(/\/setup\/retailcrm\/mapping/);
    const schema = await retailSchema(page);
    const [orders] = schema.pipelines;
    expect(schema.pipelines).toHaveLength(1);
    await page.getByRole('button', { name: 'One container per status' }).click();
    await page.getByRole('button', { name: `Accept Completed deal for ${won(orders!).name}` }).click();
    await page.getByRole('button', { name: `Accept Refusal for ${lost(orders!)[0]!.name}` }).click();
    const refusal = page.getByRole('group', { name: lost(orders!)[0]!.name, exact: true });
    for (const status of lost(orders!)) await expect(refusal).toContainText(status.name);
    await expect(page.getByText('All changes saved')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();

    await expect(page).toHaveURL(/\/setup\/retailcrm\/calculation$/);
    await page.getByRole('button', { name: 'Skip' }).click();
    await expect(page.getByRole('heading', { name: 'Congratulations — RetailCRM is connected.' })).toBeVisible();
    await page.getByRole('link', { name: 'Go to Connectors' }).click();
    await expect(card.getByText('Connected', exact)).toBeVisible();
    await expect(card).toContainText(schema.account.name);
    await expectConnected(page, schema);
  });

  test('by keyboard alone, and Change access reopens the form with the address filled in', async ({ page }) => {
    const enter = (locator: Locator) => locator.press('Enter');
    await page.goto('/connectors');
    await enter(page.getByRole('article', { name: 'RetailCRM' }).getByRole('button', { name: 'Connect' }));
    await enter(page.getByRole('dialog', { name: 'Connect RetailCRM?' }).getByRole('button', { name: 'Connect' }));
    const { accountUrl, apiKey } = await sandboxCredentials(page);
    const address = page.getByRole('textbox', { name: 'Account address' });
    await address.focus();
    await page.keyboard.type(accountUrl);
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('API key', { exact: true })).toBeFocused();
    await page.keyboard.type(apiKey);
    await page.keyboard.press('Enter');

    await expect(page).toHaveURL(/\/setup\/retailcrm\/filter$/);
    await enter(page.getByRole('button', { name: 'Skip' }));
    await expect(page).toHaveURL(/\/setup\/retailcrm\/mapping/);
    const schema = await retailSchema(page);
    const [orders] = schema.pipelines;
    await enter(page.getByRole('button', { name: 'One container per status' }));
    await enter(page.getByRole('button', { name: `Accept Completed deal for ${won(orders!).name}` }));
    await enter(page.getByRole('button', { name: `Accept Refusal for ${lost(orders!)[0]!.name}` }));
    await expect(page.getByText('All changes saved')).toBeVisible();
    await enter(page.getByRole('button', { name: 'Next' }));
    await expect(page).toHaveURL(/\/setup\/retailcrm\/calculation$/);
    await enter(page.getByRole('button', { name: 'Skip' }));
    await expect(page.getByRole('heading', { name: 'Congratulations — RetailCRM is connected.' })).toBeVisible();
    await enter(page.getByRole('link', { name: 'Go to Connectors' }));
    const card = page.getByRole('article', { name: 'RetailCRM' });
    await expect(card.getByText('Connected', exact)).toBeVisible();
    await expectConnected(page, schema);

    // Change access: the form again, the address filled in, the key never shown.
    const trigger = card.getByRole('button', { name: 'Connector actions' });
    await trigger.focus();
    await enter(trigger);
    await enter(page.getByRole('menuitem', { name: 'Change access' }));
    await expect(page).toHaveURL(/\/setup\/retailcrm\/authorize\?change=1$/);
    await expect(address).toHaveValue(accountUrl);
    await expect(page.getByLabel('API key', { exact: true })).toHaveValue('');
  });
});

test.describe('three CRMs in one workspace', () => {
  test.describe.configure({ timeout: 180_000 });

  test('amoCRM, Bitrix24 and RetailCRM connected side by side', async ({ page }) => {
    await page.goto('/connectors');
    await authorizeViaSandbox(page);

    await page.goto('/connectors');
    await page.getByRole('article', { name: 'Bitrix24' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Connect Bitrix24?' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(/\/setup\/bitrix24\/filter$/);

    await page.goto('/connectors');
    await page.getByRole('article', { name: 'RetailCRM' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Connect RetailCRM?' }).getByRole('button', { name: 'Connect' }).click();
    const { accountUrl, apiKey } = await sandboxCredentials(page);
    await page.getByRole('textbox', { name: 'Account address' }).fill(accountUrl);
    await page.getByLabel('API key', { exact: true }).fill(apiKey);
    await page.getByRole('button', { name: 'Check and connect' }).click();
    await expect(page).toHaveURL(/\/setup\/retailcrm\/filter$/);

    const list = (await (await page.request.get('/api/connectors')).json()) as ConnectorList;
    const byId = new Map(list.connectors.map((connector) => [connector.id, connector]));
    for (const id of ['amocrm', 'bitrix24', 'retailcrm']) expect(byId.get(id), id).toMatchObject({ hasAccess: true });
    const accounts = new Set(list.connectors.map((connector) => connector.account?.id));
    expect(accounts.size).toBe(3);
    await page.goto('/connectors');
    for (const name of ['Bitrix24', 'RetailCRM']) {
      await expect(page.getByRole('article', { name }).getByText('Setup not finished', exact)).toBeVisible();
    }
  });
});
