import { expect, test, type Locator, type Page } from '@playwright/test';

import { dragByKeyboard } from './fixtures/dnd';
import { authorizeViaSandbox, readConfig } from './helpers/wizard';

/**
 * Undo in a real browser: a status moved by keyboard, Ctrl+Z, and a reload shows it where it
 * was (the undone state went through the autosave). Sales pipeline of the sandbox's demo
 * account: "Продажи лицензий".
 */
const SALES = '7412301';
const STATUS = 'Проработка заявки';

const container = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
const chips = (group: Locator) => group.locator('[data-status-chip]');

/** The saved containers of the Sales pipeline: [name, status names…] as the server holds them. */
async function savedHomes(page: Page): Promise<string[][]> {
  const schema = (await (await page.request.get('/api/connectors/amocrm/schema')).json()) as {
    pipelines: Array<{ id: string; statuses: Array<{ id: string; name: string }> }>;
  };
  const names = new Map(schema.pipelines.find((pipeline) => pipeline.id === SALES)?.statuses.map((status) => [status.id, status.name]));
  const config = (await readConfig(page)).body?.config as { pipelines: Array<{ pipelineId: string; containers: Array<{ name: string; statusIds: string[] }> }> } | undefined;
  const board = config?.pipelines.find((pipeline) => pipeline.pipelineId === SALES);
  return (board?.containers ?? []).map((item) => [item.name, ...item.statusIds.map((id) => names.get(id) ?? id)]);
}

test('a status moved by keyboard, undone with Ctrl+Z: after a reload it is back in the unmapped statuses', async ({ page }) => {
  await authorizeViaSandbox(page);
  await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
  await page.getByRole('button', { name: 'Add container' }).click();
  const input = page.getByRole('textbox', { name: 'Container name' });
  await input.fill('In work');
  await input.press('Enter');
  await expect(container(page, 'In work')).toBeVisible();
  await expect(page.getByText('All changes saved')).toBeVisible();

  const undo = page.getByRole('button', { name: 'Undo', exact: true });
  const redo = page.getByRole('button', { name: 'Redo', exact: true });
  await expect(undo).toHaveAttribute('title', 'Undo: add the container “In work” (Ctrl+Z)');

  await dragByKeyboard(page, page.getByRole('button', { name: STATUS, exact: true }), ['ArrowRight']);
  await expect(chips(container(page, 'In work'))).toHaveText([STATUS]);
  await expect(undo).toHaveAttribute('title', `Undo: move “${STATUS}” to “In work” (Ctrl+Z)`);
  await expect.poll(() => savedHomes(page)).toEqual([['In work', STATUS]]);

  // Focus is on the dropped status (a button, not a text field): the shortcut is the wizard's.
  await page.keyboard.press('Control+z');
  await expect(chips(container(page, 'In work'))).toHaveText([]);
  await expect(chips(page.getByRole('group', { name: 'Unmapped statuses' }))).toContainText([STATUS]);
  await expect(page.getByRole('status').filter({ hasText: `Undone: move “${STATUS}” to “In work”` })).toHaveCount(1);
  await expect(redo).toBeEnabled();
  await expect(redo).toHaveAttribute('title', `Redo: move “${STATUS}” to “In work” (Ctrl+Shift+Z)`);
  // The container is still there: only the move was undone.
  await expect(undo).toHaveAttribute('title', 'Undo: add the container “In work” (Ctrl+Z)');
  await expect.poll(() => savedHomes(page)).toEqual([['In work']]);
  await expect(page.getByText('All changes saved')).toBeVisible();

  await page.reload();
  await expect(container(page, 'In work')).toBeVisible();
  await expect(chips(container(page, 'In work'))).toHaveText([]);
  await expect(chips(page.getByRole('group', { name: 'Unmapped statuses' }))).toContainText([STATUS]);
  // The history is the tab's session in memory: a reload starts without one.
  await expect(undo).toBeDisabled();
  await expect(redo).toBeDisabled();
});
