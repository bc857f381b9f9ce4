import { expect, test, type Page } from '@playwright/test';

import { dragByKeyboard } from './fixtures/dnd';
import { connectFully, expectNoSeriousViolations, readConfig } from './helpers/wizard';

/**
 * Version history in a real browser: a connected mapping (version 1, activated), edited on the
 * board (a container added and a status moved into it: version 2, a draft), then History →
 * version 1 → Restore: the board is as it was, the server's draft is version 1's, and the
 * connector is still Connected. Sales pipeline of the sandbox's demo account.
 */
const SALES = '7412301';
const STATUS = 'Проработка заявки';

const container = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

async function containerNames(page: Page): Promise<string[]> {
  const config = (await readConfig(page)).body?.config as { pipelines: Array<{ pipelineId: string; containers: Array<{ name: string }> }> } | undefined;
  return config?.pipelines.find((pipeline) => pipeline.pipelineId === SALES)?.containers.map((item) => item.name) ?? [];
}

test('restore an older version: the board is back as it was and the connector still connected', async ({ page }) => {
  await connectFully(page);
  await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
  await expect(container(page, 'In work')).toBeVisible();

  await page.getByRole('button', { name: 'Add container' }).click();
  const input = page.getByRole('textbox', { name: 'Container name' });
  await input.fill('Later');
  await input.press('Enter');
  await expect(container(page, 'Later')).toBeVisible();
  await expect(page.getByText('All changes saved')).toBeVisible();
  // Edit again: a status moved into the new container.
  await dragByKeyboard(page, page.getByRole('button', { name: STATUS, exact: true }), ['ArrowDown', 'ArrowDown', 'ArrowDown']);
  await expect.poll(() => containerNames(page)).toContain('Later');
  await expect(page.getByText('All changes saved')).toBeVisible();

  const open = page.getByRole('button', { name: 'History', exact: true });
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'Version history' });
  const rows = dialog.locator('[data-version]');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('Draft');
  await expect(rows.nth(0)).toContainText('container “Later” added');
  await expect(rows.nth(1)).toContainText('Activated');
  await rows.nth(1).click();
  await expect(rows.nth(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(dialog.getByText('container “Later” deleted')).toBeVisible();
  await expectNoSeriousViolations(page);
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog.getByText('Version 1 restored as the current draft.')).toBeVisible();
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('Restored version 1');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  // The board as it was, on screen and on the server; after a reload too.
  await expect(container(page, 'Later')).toHaveCount(0);
  await expect(container(page, 'In work')).toBeVisible();
  expect(await containerNames(page)).toEqual(['In work', 'Won', 'Lost']);
  await page.reload();
  await expect(container(page, 'In work')).toBeVisible();
  await expect(container(page, 'Later')).toHaveCount(0);
  // Still connected with the active configuration; the draft is the restored one.
  const summary = (await (await page.request.get('/api/connectors')).json()) as { connectors: Array<{ id: string; state: string }> };
  expect(summary.connectors.find((item) => item.id === 'amocrm')?.state).toBe('connected');
  await page.goto('/connectors');
  await expect(page.getByText('Connected').first()).toBeVisible();
});
