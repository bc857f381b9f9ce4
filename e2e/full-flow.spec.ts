import { expect, test, type Locator, type Page } from '@playwright/test';

import type { CrmPipeline } from '../app/contracts/crm-schema';
import type { ConfigEnvelope } from '../app/contracts/mapping-config';

import { dragByKeyboard, dragByMouse } from './fixtures/dnd';
import { readSchema } from './helpers/wizard';

/**
 * The whole product as a new user meets it: Connectors → Connect → the sandbox amoCRM's
 * consent page → Filter → Mapping of every pipeline and the custom fields → Calculation →
 * Done → the card says Connected; then the saved configuration is read back through the API
 * and compared with what was done in the UI. Once by mouse, once by keyboard alone, once in
 * Russian.
 */

const exact = { exact: true } as const;
const parameters = (page: Page) => page.getByRole('region', { name: 'Parameters' });
const conditions = (page: Page) => page.getByRole('region', { name: 'Conditions' });
const container = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
const statusItem = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/**
 * Opens a tab (a pipeline, a section) by click or Enter and waits until it shows as
 * selected: the tab lives in the URL, so on a busy machine the previous board stays on
 * screen for a moment, and a button pressed meanwhile belongs to that board.
 */
async function openTab(page: Page, name: string, how: 'click' | 'Enter' = 'click') {
  const tab = page.getByRole('tab', { name, exact: true });
  if (how === 'click') await tab.click();
  else await tab.press('Enter');
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

async function savedConfig(page: Page) {
  const response = await page.request.get('/api/connectors/amocrm/config');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as ConfigEnvelope).config;
}

/** Waits until every edit has reached the server. */
async function expectAllSaved(page: Page, text = 'All changes saved') {
  await expect(page.getByText(text)).toBeVisible();
}

const activePipelines = async (page: Page): Promise<CrmPipeline[]> =>
  (await readSchema(page)).pipelines.filter((pipeline) => !pipeline.isArchive);

const regularStatuses = (pipeline: CrmPipeline) =>
  pipeline.statuses.filter((status) => status.kind === 'regular' || status.kind === 'unsorted');
const won = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'won')!;
const lost = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'lost')!;

/** What both the mouse and the keyboard runs must have saved. */
async function expectSavedLikeTheUi(page: Page, pipelines: CrmPipeline[]) {
  const config = await savedConfig(page);
  const schema = await readSchema(page);
  const landing = schema.customFields.find((field) => field.code === 'LANDING')!;
  const cost = schema.customFields.find((field) => field.name === 'Себестоимость')!;
  expect(config.account).toMatchObject({ id: schema.account.id, domain: schema.account.domain });
  expect(config.filter).toEqual({
    match: 'all',
    conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' }],
  });
  const [first, ...others] = pipelines;
  const firstMapping = config.pipelines.find((mapping) => mapping.pipelineId === first!.id)!;
  expect(firstMapping.containers.map((c) => [c.name, c.marker])).toEqual([
    ['In work', null],
    ['Won', 'completed'],
    ['Lost', 'refusal'],
  ]);
  expect([...firstMapping.containers[0]!.statusIds].sort()).toEqual(regularStatuses(first!).map((s) => s.id).sort());
  expect(firstMapping.containers[1]!.statusIds).toEqual([won(first!).id]);
  expect(firstMapping.containers[2]!.statusIds).toEqual([lost(first!).id]);
  for (const pipeline of others) {
    const mapping = config.pipelines.find((item) => item.pipelineId === pipeline.id)!;
    // One container per status, in CRM order, named after it; 142/143 carry the accepted markers.
    expect(mapping.containers.map((c) => c.statusIds)).toEqual(pipeline.statuses.map((s) => [s.id]));
    expect(mapping.containers.map((c) => c.name)).toEqual(pipeline.statuses.map((s) => s.name));
    expect(mapping.containers.filter((c) => c.marker).map((c) => [c.statusIds[0], c.marker])).toEqual([
      [won(pipeline).id, 'completed'],
      [lost(pipeline).id, 'refusal'],
    ]);
  }
  expect(config.customFields.otherFields).toEqual([landing.id]);
  expect(config.calculatedFields).toEqual([{ id: expect.any(String) as unknown as string, name: 'Margin', expression: `{price} - {cf:${cost.id}}` }]);

  const connectors = (await (await page.request.get('/api/connectors')).json()) as { connectors: Array<{ id: string; state: string }> };
  expect(connectors.connectors.find((item) => item.id === 'amocrm')?.state).toBe('connected');
}

test.describe('the whole flow', () => {
  test.describe.configure({ timeout: 240_000 });

  test('by mouse: connect, filter, map every pipeline, custom fields, a calculated field, done, Connected', async ({ page }) => {
    await page.goto('/connectors');
    await page.getByRole('article', { name: 'amoCRM' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Connect amoCRM?' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);

    // Filter: LANDING equals site-42.
    await dragByMouse(page, parameters(page).getByRole('button', { name: 'LANDING', ...exact }), conditions(page));
    await page.getByRole('group', { name: 'Condition 1: LANDING' }).getByRole('textbox', { name: 'Value' }).fill('site-42');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/mapping/);

    const pipelines = await activePipelines(page);
    expect(pipelines.length).toBeGreaterThan(1);
    const [first, ...others] = pipelines;

    // The first pipeline by drag and drop: a grouped "In work", then Won and Lost.
    await openTab(page, first!.name);
    for (const name of ['In work', 'Won', 'Lost']) {
      await page.getByRole('button', { name: 'Add container' }).click();
      const input = page.getByRole('textbox', { name: 'Container name' });
      await input.fill(name);
      await input.press('Enter');
      await expect(container(page, name)).toBeVisible();
    }
    await dragByMouse(page, statusItem(page, won(first!).name), container(page, 'Won'));
    await dragByMouse(page, statusItem(page, lost(first!).name), container(page, 'Lost'));
    const [head, ...rest] = regularStatuses(first!);
    await dragByMouse(page, statusItem(page, head!.name), container(page, 'In work'));
    for (const status of rest) await dragByMouse(page, statusItem(page, status.name), container(page, 'In work'), { at: 'bottom' });
    await page.getByRole('button', { name: 'Accept Completed deal for Won' }).click();
    await page.getByRole('button', { name: 'Accept Refusal for Lost' }).click();

    // The other pipelines with the quick action, accepting the proposed markers.
    for (const pipeline of others) {
      await openTab(page, pipeline.name);
      await page.getByRole('button', { name: 'One container per status' }).click();
      await page.getByRole('button', { name: `Accept Completed deal for ${won(pipeline).name}` }).click();
      await page.getByRole('button', { name: `Accept Refusal for ${lost(pipeline).name}` }).click();
    }

    // Custom fields: LANDING into Other fields.
    await openTab(page, 'Custom fields');
    await dragByMouse(page, page.getByRole('button', { name: 'LANDING', ...exact }), page.getByRole('group', { name: 'Other fields' }));
    await expectAllSaved(page);
    await page.getByRole('button', { name: 'Next' }).click();

    // Calculation: the deal amount dragged in, then the cost inserted from the list.
    await expect(page).toHaveURL(/\/setup\/amocrm\/calculation$/);
    const numeric = page.getByRole('list', { name: 'Numeric fields' });
    await dragByMouse(page, numeric.getByRole('button', { name: 'Deal amount', ...exact }), page.locator('[data-calc-new-zone]'));
    await page.getByRole('group', { name: 'Calculated field 1' }).getByRole('textbox', { name: 'Name' }).fill('Margin');
    const expression = page.getByRole('group', { name: 'Calculated field 1: Margin' }).getByRole('textbox', { name: 'Expression' });
    await expression.fill('{price} - ');
    await page.getByRole('button', { name: 'Insert Себестоимость into the expression of calculated field 1' }).click();
    await expect(expression).toHaveAccessibleDescription(/The expression is valid\./);
    await page.getByRole('button', { name: 'Next' }).click();

    await expect(page.getByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeVisible();
    await page.getByRole('link', { name: 'Go to Connectors' }).click();
    const card = page.getByRole('article', { name: 'amoCRM' });
    await expect(card.getByText('Connected', exact)).toBeVisible();
    await expect(card).toContainText('Демо: Агентство');

    await expectSavedLikeTheUi(page, pipelines);

    // Edit re-opens the wizard with every choice intact.
    await card.hover();
    await card.getByRole('button', { name: 'Connector actions' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await expect(page.getByRole('group', { name: 'Condition 1: LANDING' }).getByRole('textbox', { name: 'Value' })).toHaveValue('site-42');
    await page.getByRole('button', { name: 'Next' }).click();
    await openTab(page, first!.name);
    await expect(container(page, 'In work').locator('[data-status-chip]')).toHaveCount(regularStatuses(first!).length);
    await expect(page.getByRole('button', { name: 'Marker of Won: Completed deal' })).toBeVisible();
  });

  test('by keyboard alone', async ({ page }) => {
    const enter = (locator: Locator) => locator.press('Enter');

    await page.goto('/connectors');
    await enter(page.getByRole('article', { name: 'amoCRM' }).getByRole('button', { name: 'Connect' }));
    await enter(page.getByRole('dialog', { name: 'Connect amoCRM?' }).getByRole('button', { name: 'Connect' }));
    await enter(page.getByRole('button', { name: 'Allow' }));
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);

    await dragByKeyboard(page, parameters(page).getByRole('button', { name: 'LANDING', ...exact }), ['ArrowRight']);
    const value = page.getByRole('group', { name: 'Condition 1: LANDING' }).getByRole('textbox', { name: 'Value' });
    await value.focus();
    await page.keyboard.type('site-42');
    await enter(page.getByRole('button', { name: 'Next' }));
    await expect(page).toHaveURL(/\/setup\/amocrm\/mapping/);

    const pipelines = await activePipelines(page);
    const [first, ...others] = pipelines;
    await openTab(page, first!.name, 'Enter');
    for (const name of ['In work', 'Won', 'Lost']) {
      await enter(page.getByRole('button', { name: 'Add container' }));
      await expect(page.getByRole('textbox', { name: 'Container name' })).toBeFocused();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type(name);
      await page.keyboard.press('Enter');
      await expect(container(page, name)).toBeVisible();
    }
    // From the list, Right goes to the first container, again to the next one.
    await dragByKeyboard(page, statusItem(page, won(first!).name), ['ArrowRight', 'ArrowRight']);
    await expect(container(page, 'Won')).toContainText(won(first!).name);
    await dragByKeyboard(page, statusItem(page, lost(first!).name), ['ArrowRight', 'ArrowRight', 'ArrowRight']);
    await expect(container(page, 'Lost')).toContainText(lost(first!).name);
    for (const status of regularStatuses(first!)) {
      await dragByKeyboard(page, statusItem(page, status.name), ['ArrowRight']);
      await expect(container(page, 'In work')).toContainText(status.name);
    }
    await enter(page.getByRole('button', { name: 'Accept Completed deal for Won' }));
    await enter(page.getByRole('button', { name: 'Accept Refusal for Lost' }));

    for (const pipeline of others) {
      await openTab(page, pipeline.name, 'Enter');
      await enter(page.getByRole('button', { name: 'One container per status' }));
      await enter(page.getByRole('button', { name: `Accept Completed deal for ${won(pipeline).name}` }));
      await enter(page.getByRole('button', { name: `Accept Refusal for ${lost(pipeline).name}` }));
    }

    await openTab(page, 'Custom fields', 'Enter');
    await dragByKeyboard(page, page.getByRole('button', { name: 'LANDING', ...exact }), ['ArrowRight']);
    await expect(page.getByRole('group', { name: 'Other fields' })).toContainText('LANDING');
    await expectAllSaved(page);
    await enter(page.getByRole('button', { name: 'Next' }));

    await expect(page).toHaveURL(/\/setup\/amocrm\/calculation$/);
    const numeric = page.getByRole('list', { name: 'Numeric fields' });
    // The drop starts a field and puts the keyboard in its name: typing goes straight there.
    await dragByKeyboard(page, numeric.getByRole('button', { name: 'Deal amount', ...exact }), ['ArrowRight']);
    const name = page.getByRole('group', { name: 'Calculated field 1' }).getByRole('textbox', { name: 'Name' });
    await expect(name).toBeFocused();
    await page.keyboard.type('Margin');
    const expression = page.getByRole('group', { name: 'Calculated field 1: Margin' }).getByRole('textbox', { name: 'Expression' });
    await expression.focus();
    await page.keyboard.press('End');
    await page.keyboard.type(' - ');
    await dragByKeyboard(page, numeric.getByRole('button', { name: 'Себестоимость', ...exact }), ['ArrowRight']);
    await expect(expression).toHaveAccessibleDescription(/The expression is valid\./);
    await enter(page.getByRole('button', { name: 'Next' }));

    await expect(page.getByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeVisible();
    await enter(page.getByRole('link', { name: 'Go to Connectors' }));
    await expect(page.getByRole('article', { name: 'amoCRM' }).getByText('Connected', exact)).toBeVisible();

    await expectSavedLikeTheUi(page, pipelines);
  });
});

test.describe('in Russian', () => {
  test.use({ locale: 'ru-RU' });
  test.describe.configure({ timeout: 180_000 });

  test('the main path: подключить, фильтр, сопоставление, калькуляция, «Подключено»', async ({ page }) => {
    await page.goto('/connectors');
    await expect(page.getByRole('heading', { level: 1, name: 'Коннекторы' })).toBeVisible();
    await page.getByRole('article', { name: 'amoCRM' }).getByRole('button', { name: 'Подключить' }).click();
    await page.getByRole('dialog', { name: 'Подключить amoCRM?' }).getByRole('button', { name: 'Подключить' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
    await expect(page.getByRole('heading', { level: 2, name: 'Фильтрация данных' })).toBeVisible();
    await page.getByRole('button', { name: 'Пропустить' }).click();

    await expect(page.getByRole('tab', { name: 'Статусы' })).toBeVisible();
    for (const pipeline of await activePipelines(page)) {
      await openTab(page, pipeline.name);
      await page.getByRole('button', { name: 'Контейнер на каждый статус' }).click();
      await page.getByRole('button', { name: `Принять маркер «Завершённая сделка» для ${won(pipeline).name}` }).click();
      await page.getByRole('button', { name: `Принять маркер «Отказ» для ${lost(pipeline).name}` }).click();
    }
    await expectAllSaved(page, 'Все изменения сохранены');
    await page.getByRole('button', { name: 'Далее' }).click();

    await expect(page).toHaveURL(/\/setup\/amocrm\/calculation$/);
    await page.getByRole('button', { name: 'Пропустить' }).click();
    await expect(page.getByRole('heading', { name: 'Поздравляем — amoCRM подключён.' })).toBeVisible();
    await page.goto('/connectors');
    await expect(page.getByRole('article', { name: 'amoCRM' }).getByText('Подключено', exact)).toBeVisible();
    const config = await savedConfig(page);
    expect(config.customFields.otherFields).toEqual([]);
    expect(config.pipelines.every((mapping) => mapping.containers.some((c) => c.marker === 'completed'))).toBe(true);
  });
});
