import { expect, test, type Locator, type Page } from '@playwright/test';

import { dragByKeyboard, dragByMouse } from './fixtures/dnd';
import { authorizeViaSandbox } from './helpers/wizard';

/**
 * A reload right after a drag keeps the drag: the pending autosave is sent (keepalive) or kept
 * when the page goes away, without waiting for "All changes saved" and without the browser's
 * "Leave site?" question. Sales pipeline of the sandbox's demo account: "Продажи лицензий".
 */
const SALES = '7412301';

const container = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
const chips = (group: Locator) => group.locator('[data-status-chip]');
const fieldNames = (group: Locator) => group.locator('[data-field-name]');

/** Fails the test if the page asks "Leave site?" (a beforeunload dialog) on the way out. */
function refuseLeaveQuestions(page: Page): string[] {
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.type());
    void dialog.accept();
  });
  return asked;
}

test('a field dragged into Other fields is still there after an immediate reload', async ({ page }) => {
  const asked = refuseLeaveQuestions(page);
  await authorizeViaSandbox(page);
  await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}&section=fields`);
  const other = page.getByRole('group', { name: 'Other fields' });
  await expect(other).toContainText('Empty: all 14 custom fields will be loaded.');

  await dragByMouse(page, page.getByRole('button', { name: 'LANDING', exact: true }), other);
  // At once, within the autosave delay (no waiting for "All changes saved").
  await page.reload();

  await expect(fieldNames(page.getByRole('group', { name: 'Other fields' }))).toHaveText(['LANDING']);
  const saved = await page.request.get('/api/connectors/amocrm/config');
  expect(((await saved.json()) as { config: { customFields: { otherFields: string[] } } }).config.customFields.otherFields).toHaveLength(1);
  expect(asked).toEqual([]);
});

test('a status dropped into a container is still there after an immediate reload (keyboard move)', async ({ page }) => {
  const asked = refuseLeaveQuestions(page);
  await authorizeViaSandbox(page);
  await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
  await page.getByRole('button', { name: 'Add container' }).click();
  const input = page.getByRole('textbox', { name: 'Container name' });
  await input.fill('In work');
  await input.press('Enter');
  await expect(container(page, 'In work')).toBeVisible();
  await expect(page.getByText('All changes saved')).toBeVisible();

  await dragByKeyboard(page, page.getByRole('button', { name: 'Проработка заявки', exact: true }), ['ArrowRight']);
  await page.reload();

  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки']);
  expect(asked).toEqual([]);
});

test('a status dragged by mouse and the tab closed at once: the next visit has it', async ({ page, context }) => {
  const asked = refuseLeaveQuestions(page);
  await authorizeViaSandbox(page);
  await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
  await page.getByRole('button', { name: 'Add container' }).click();
  const input = page.getByRole('textbox', { name: 'Container name' });
  await input.fill('Offer');
  await input.press('Enter');
  await expect(page.getByText('All changes saved')).toBeVisible();

  await dragByMouse(page, page.getByRole('button', { name: 'Расчет КП', exact: true }), container(page, 'Offer'));
  // Closing the tab runs the page's unload handlers (beforeunload would ask here).
  await Promise.all([page.waitForEvent('close'), page.close({ runBeforeUnload: true })]);
  expect(asked).toEqual([]);

  const next = await context.newPage();
  await next.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
  await expect(chips(container(next, 'Offer'))).toHaveText(['Расчет КП']);
});
