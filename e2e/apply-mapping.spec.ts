import { expect, test, type Page } from '@playwright/test';

import { expectLayoutFits } from './helpers/layout';
import { PHONE } from './helpers/viewports';
import { authorizeViaSandbox, expectNoSeriousViolations, readConfig, readSchema } from './helpers/wizard';

/**
 * "Apply this mapping to…" in a real browser, on the sandbox's demo account: «Продажи лицензий»
 * mapped, its mapping applied to «Повторные продажи» after the preview, the target's board shown
 * and saved, then one Ctrl+Z takes it back (saved too).
 */
const SALES = '7412301';
const REPEAT = '7412303';

type SavedBoard = { pipelineId: string; containers: Array<{ name: string; statusIds: string[]; marker: string | null }> };

/** A pipeline's saved containers as [name, marker, status names…]. */
async function savedBoard(page: Page, pipelineId: string): Promise<Array<Array<string | null>> | null> {
  const schema = await readSchema(page);
  const names = new Map(schema.pipelines.find((pipeline) => pipeline.id === pipelineId)?.statuses.map((status) => [status.id, status.name]));
  const config = (await readConfig(page)).body?.config as { pipelines: SavedBoard[] } | undefined;
  const board = config?.pipelines.find((pipeline) => pipeline.pipelineId === pipelineId);
  return board ? board.containers.map((item) => [item.name, item.marker, ...item.statusIds.map((id) => names.get(id) ?? id)]) : null;
}

/** «Продажи лицензий» mapped through the API: two working stages, won and lost with their markers. */
async function mapSales(page: Page): Promise<void> {
  const current = await readConfig(page);
  const response = await page.request.put('/api/connectors/amocrm/config', {
    headers: { 'If-Match': `"${current.body?.version ?? 0}"` },
    data: {
      ...(current.body?.config ?? { schemaVersion: 2, connector: 'amocrm' }),
      pipelines: [
        {
          pipelineId: SALES,
          containers: [
            { id: 'leads', name: 'Лиды', statusIds: ['61874501', '61874504'], marker: null },
            { id: 'deal', name: 'Сделка', statusIds: ['61874507', '61874510', '61874513'], marker: null },
            { id: 'won', name: 'Продажа', statusIds: ['142'], marker: 'completed' },
            { id: 'lost', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
          ],
        },
      ],
    },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

test('a mapping applied to another pipeline after its preview, then undone with Ctrl+Z', async ({ page }) => {
  await authorizeViaSandbox(page);
  await mapSales(page);
  await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);

  await page.getByRole('button', { name: 'Apply this mapping to…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Apply the mapping of “Продажи лицензий”' });
  await expect(dialog).toBeVisible();
  // The other active pipelines (the archived one is not mapped on this step).
  await expect(dialog.getByRole('checkbox')).toHaveCount(2);
  await dialog.getByRole('searchbox', { name: 'Find a pipeline' }).fill('повторные');
  await expect(dialog.getByRole('checkbox')).toHaveCount(1);
  // By keyboard: Tab to the checkbox, Space.
  await dialog.getByRole('searchbox', { name: 'Find a pipeline' }).press('Tab');
  await expect(dialog.getByRole('checkbox', { name: /Повторные продажи/ })).toBeFocused();
  await page.keyboard.press('Space');

  const target = dialog.locator(`[data-target="${REPEAT}"]`);
  await expect(target).toContainText('3 containers · 3 statuses matched · 4 without a match · 3 left unmapped');
  await target.getByText('Повторные продажи').click();
  await expect(target).toContainText('Лиды: Неразобранное (by name)');
  await expect(target).toContainText('Продажа (Completed deal): Успешно реализовано (by name)');
  await expect(target.getByRole('listitem').filter({ hasText: /^Сделка$/ })).toHaveCount(1);
  await expect(target).toContainText('Клиент на контроле');
  // Nothing saved before applying.
  expect(await savedBoard(page, REPEAT)).toBeNull();

  await dialog.getByRole('button', { name: 'Apply to 1 pipeline' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'The mapping of “Продажи лицензий” was applied to 1 pipeline. 3 statuses there are still unmapped.' })).toHaveCount(1);
  await expect
    .poll(() => savedBoard(page, REPEAT))
    .toEqual([
      ['Лиды', null, 'Неразобранное'],
      ['Продажа', 'completed', 'Успешно реализовано'],
      ['Отказ', 'refusal', 'Закрыто и не реализовано'],
    ]);

  await page.getByRole('tab', { name: 'Повторные продажи' }).click();
  await expect(page.getByRole('group', { name: 'Лиды', exact: true })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Продажа', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toHaveAttribute(
    'title',
    'Undo: apply the mapping of “Продажи лицензий” to 1 pipeline (Ctrl+Z)',
  );

  // Focus on the board (a tab, not a text field): the shortcut is the wizard's.
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('group', { name: 'Лиды', exact: true })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Undone: apply the mapping of “Продажи лицензий” to 1 pipeline' })).toHaveCount(1);
  await expect.poll(() => savedBoard(page, REPEAT)).toBeNull();
  expect(await savedBoard(page, SALES)).toHaveLength(4);
});

for (const [locale, lang] of [
  ['ru-RU', 'ru'],
  ['en-US', 'en'],
] as const) {
  test.describe(`on a phone, ${lang}`, () => {
    test.use({ ...PHONE.use, locale });

    test('the dialog with every pipeline chosen and a preview open fits the width; axe finds nothing serious', async ({ page }) => {
      await authorizeViaSandbox(page);
      await mapSales(page);
      await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
      await page.locator('[data-apply-mapping-trigger]').click();
      const dialog = page.locator('[data-apply-mapping]');
      await expect(dialog.getByRole('checkbox')).toHaveCount(2);
      for (const box of await dialog.getByRole('checkbox').all()) await box.check();
      await expect(dialog.locator('[data-target]')).toHaveCount(2);
      await dialog.locator(`[data-target="${REPEAT}"] summary`).click();
      await expect(dialog.locator(`[data-target="${REPEAT}"] ol li`)).toHaveCount(3);
      await expectLayoutFits(page, 'the “Apply this mapping to…” dialog with a preview open');
      await expectNoSeriousViolations(page);
      // The buttons are reached by scrolling the dialog itself.
      await dialog.locator('button[type="submit"]').scrollIntoViewIfNeeded();
      await expect(dialog.locator('button[type="submit"]')).toBeInViewport();
    });
  });
}
