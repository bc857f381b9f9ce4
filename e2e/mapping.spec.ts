import { expect, test, type Locator, type Page } from '@playwright/test';

import type { ConfigEnvelope } from '../app/contracts/mapping-config';

import { dragByKeyboard, dragByMouse } from './fixtures/dnd';
import { authorizeViaSandbox, expectNoSeriousViolations } from './helpers/wizard';

/**
 * The mapping step in a real browser: statuses and custom fields by mouse, by keyboard only,
 * a reload in the middle, and axe on both sections. The demo account of the sandbox amoCRM
 * has the pipeline "Продажи лицензий" (7412301) with 7 statuses, including 142 and 143.
 */
const SALES = '7412301';

async function openMapping(page: Page, search = `?pipeline=${SALES}`) {
  await authorizeViaSandbox(page);
  await page.goto(`/setup/amocrm/mapping${search}`);
  await expect(page.getByRole('tab', { name: 'Statuses' })).toBeVisible();
}

const status = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const container = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
const unmapped = (page: Page) => page.getByRole('group', { name: 'Unmapped statuses' });
const chips = (group: Locator) => group.locator('[data-status-chip]');
const containerOrder = (page: Page) => page.getByRole('region', { name: /Containers/ }).getByRole('group');
const namesOf = (groups: Locator) => groups.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label')));
const fieldNames = (group: Locator) => group.locator('[data-field-name]');

async function addContainer(page: Page, name: string) {
  await page.getByRole('button', { name: 'Add container' }).click();
  const input = page.getByRole('textbox', { name: 'Container name' });
  await expect(input).toBeFocused();
  await input.fill(name);
  await input.press('Enter');
  await expect(container(page, name)).toBeVisible();
}

async function setMarker(page: Page, containerName: string, marker: string) {
  await page.getByRole('button', { name: new RegExp(`^Marker of ${containerName}:`) }).click();
  await page.getByRole('menuitemradio', { name: marker }).click();
  await expect(page.getByRole('button', { name: `Marker of ${containerName}: ${marker}` })).toBeVisible();
}

async function expectAllSaved(page: Page) {
  await expect(page.getByText('All changes saved')).toBeVisible();
}

test('maps a pipeline by mouse: list → container, container → container, into an empty one, back, reorder, markers, reload', async ({ page }) => {
  await openMapping(page);
  await expect(chips(unmapped(page))).toHaveCount(7);

  await addContainer(page, 'In work');
  await addContainer(page, 'Offer');
  await addContainer(page, 'Won');

  // List → container (into an empty container, then next to a status).
  await dragByMouse(page, status(page, 'Проработка заявки'), container(page, 'In work'));
  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки']);
  await dragByMouse(page, status(page, 'Расчет КП'), container(page, 'In work'), { at: 'bottom' });
  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки', 'Расчет КП']);
  // Within a container: Расчет КП above Проработка заявки.
  await dragByMouse(page, status(container(page, 'In work'), 'Расчет КП'), status(container(page, 'In work'), 'Проработка заявки'), { at: 'top' });
  await expect(chips(container(page, 'In work'))).toHaveText(['Расчет КП', 'Проработка заявки']);
  // Container → another (empty) container.
  await dragByMouse(page, status(page, 'Расчет КП'), container(page, 'Offer'));
  await expect(chips(container(page, 'Offer'))).toHaveText(['Расчет КП']);
  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки']);
  // Back to the list.
  await dragByMouse(page, status(page, 'Расчет КП'), unmapped(page));
  await expect(chips(unmapped(page))).toContainText(['Расчет КП']);
  await expect(chips(container(page, 'Offer'))).toHaveCount(0);

  await dragByMouse(page, status(page, 'Успешно реализовано'), container(page, 'Won'));
  await dragByMouse(page, status(page, 'Согласование договора'), container(page, 'Offer'));

  // Reorder containers by their handles: Won to the top.
  await dragByMouse(page, page.getByRole('button', { name: /^Reorder Won/ }), container(page, 'In work'), { at: 'top' });
  await expect.poll(() => namesOf(containerOrder(page))).toEqual(['Won', 'In work', 'Offer']);

  await setMarker(page, 'Won', 'Completed deal');
  await setMarker(page, 'Offer', 'Pause in processing');
  await expectAllSaved(page);

  // A reload in the middle of mapping resumes exactly.
  await page.reload();
  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки']);
  await expect(chips(container(page, 'Offer'))).toHaveText(['Согласование договора']);
  await expect(chips(container(page, 'Won'))).toHaveText(['Успешно реализовано']);
  await expect.poll(() => namesOf(containerOrder(page))).toEqual(['Won', 'In work', 'Offer']);
  await expect(page.getByRole('button', { name: 'Marker of Won: Completed deal' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Marker of Offer: Pause in processing' })).toBeVisible();
  await expect(chips(unmapped(page))).toHaveCount(4);

  const saved = await page.request.get('/api/connectors/amocrm/config');
  const config = (await saved.json()) as ConfigEnvelope;
  expect(config.config.pipelines.find((pipeline) => pipeline.pipelineId === SALES)?.containers).toEqual([
    expect.objectContaining({ name: 'Won', statusIds: ['142'], marker: 'completed' }),
    expect.objectContaining({ name: 'In work', statusIds: ['61874504'], marker: null }),
    expect.objectContaining({ name: 'Offer', statusIds: ['61874510'], marker: 'pause' }),
  ]);
});

test('maps a pipeline by keyboard only: pick up, arrows from target to target, drop, Escape cancels', async ({ page }) => {
  await openMapping(page);
  const addButton = page.getByRole('button', { name: 'Add container' });
  for (const name of ['Incoming', 'In work']) {
    await addButton.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('textbox', { name: 'Container name' })).toBeFocused();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(name);
    await page.keyboard.press('Enter');
    await expect(container(page, name)).toBeVisible();
  }

  // List → the first container (Right), → the second container (Right again).
  await dragByKeyboard(page, status(page, 'Неразобранное'), ['ArrowRight']);
  await expect(chips(container(page, 'Incoming'))).toHaveText(['Неразобранное']);
  await expect(status(page, 'Неразобранное')).toBeFocused();
  await dragByKeyboard(page, status(page, 'Проработка заявки'), ['ArrowRight', 'ArrowRight']);
  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки']);
  // Into a container at a position: Down walks positions, then on into the next container.
  await dragByKeyboard(page, status(page, 'Расчет КП'), ['ArrowRight', 'ArrowDown', 'ArrowDown']);
  await expect(chips(container(page, 'In work'))).toHaveText(['Расчет КП', 'Проработка заявки']);
  await dragByKeyboard(page, status(page, 'Расчет КП'), ['ArrowDown']);
  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки', 'Расчет КП']);
  // Escape cancels: nothing moves.
  await dragByKeyboard(page, status(page, 'Расчет КП'), ['ArrowLeft', 'ArrowLeft'], { end: 'Escape' });
  await expect(chips(container(page, 'In work'))).toHaveText(['Проработка заявки', 'Расчет КП']);
  // Back to the list with Left.
  await dragByKeyboard(page, status(page, 'Расчет КП'), ['ArrowLeft', 'ArrowLeft']);
  await expect(chips(unmapped(page))).toContainText(['Расчет КП']);

  // Reorder containers with the handle: In work up.
  await dragByKeyboard(page, page.getByRole('button', { name: /^Reorder In work/ }), ['ArrowUp']);
  await expect.poll(() => namesOf(containerOrder(page))).toEqual(['In work', 'Incoming']);

  // A marker by keyboard.
  await page.getByRole('button', { name: 'Marker of Incoming: No marker' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitemradio', { name: 'No marker' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitemradio', { name: 'Completed deal' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitemradio', { name: 'Refusal' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Marker of Incoming: Refusal' })).toBeVisible();

  // The live region names the status and the container with its position, never an id.
  await dragByKeyboard(page, status(page, 'Согласование договора'), ['ArrowRight', 'ArrowDown']);
  await expect(page.locator('[id^="DndLiveRegion"]').first()).toHaveText('Согласование договора dropped into In work, position 2 of 2.');
  await expectAllSaved(page);
});

test('custom fields by mouse and keyboard; axe finds nothing serious on either section', async ({ page }) => {
  await openMapping(page);
  await expectNoSeriousViolations(page);

  await page.getByRole('tab', { name: 'Custom fields' }).click();
  await expect(page).toHaveURL(/section=fields/);
  const other = page.getByRole('group', { name: 'Other fields' });
  await expect(other).toContainText('Empty: all 14 custom fields will be loaded.');
  await expect(page.getByText(/tracking fields .* are always transferred/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'utm_source', exact: true })).toHaveCount(0);

  await dragByMouse(page, page.getByRole('button', { name: 'LANDING', exact: true }), other);
  await expect(fieldNames(other)).toHaveText(['LANDING']);
  await dragByKeyboard(page, page.getByRole('button', { name: 'Регион', exact: true }), ['ArrowRight']);
  await expect(fieldNames(other)).toHaveText(['LANDING', 'Регион']);
  await dragByKeyboard(page, page.getByRole('button', { name: 'LANDING', exact: true }), ['ArrowLeft']);
  await expect(fieldNames(other)).toHaveText(['Регион']);
  await expectAllSaved(page);
  await expectNoSeriousViolations(page);

  await page.reload();
  await expect(page.getByRole('tab', { name: 'Custom fields' })).toHaveAttribute('aria-selected', 'true');
  await expect(fieldNames(page.getByRole('group', { name: 'Other fields' }))).toHaveText(['Регион']);
});

test.describe('touch', () => {
  test.use({ hasTouch: true });

  test('a long press picks a status up; a finger drags it into a container', async ({ page }) => {
    await openMapping(page);
    await addContainer(page, 'In work');
    const chip = status(page, 'Расчет КП');
    const from = await chip.boundingBox();
    const to = await container(page, 'In work').boundingBox();
    if (!from || !to) throw new Error('Board not visible');
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
    await touch('touchStart', from.x + from.width / 2, from.y + from.height / 2);
    // The drag starts only after the long press (the TouchSensor's delay), without moving.
    await expect(chip).toHaveAttribute('aria-pressed', 'true');
    const steps = 12;
    for (let i = 1; i <= steps; i += 1) {
      const x = from.x + from.width / 2 + ((to.x + to.width / 2 - (from.x + from.width / 2)) * i) / steps;
      const y = from.y + from.height / 2 + ((to.y + to.height / 2 - (from.y + from.height / 2)) * i) / steps;
      await touch('touchMove', x, y);
    }
    await touch('touchEnd', 0, 0);
    await expect(chips(container(page, 'In work'))).toHaveText(['Расчет КП']);
  });
});
