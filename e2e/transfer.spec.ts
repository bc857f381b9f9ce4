import fs from 'node:fs';
import path from 'node:path';

import { expect, test, type Page } from '@playwright/test';

import { connectFully, dealsLoaded, readConfig, saveCompleteMapping } from './helpers/wizard';

/**
 * Export then import into a fresh workspace, as a user does it: amoCRM connected and mapped in
 * one workspace, Export configuration in the card's ⋯ menu (a real download); then, in a fresh
 * browser context (a new workspace), amoCRM connected through the sandbox's consent page, and on
 * the first wizard step Import a configuration… with the file (one status the account does not
 * have added to it, so the review has a misfit to list); Import what fits; the Mapping step shows
 * the imported containers.
 *
 * `E2E_SHOTS_DIR`: also write the review's screenshots (390 and 1440 px, ru and en) there.
 */

const SALES = '7412301';
const UNKNOWN = { id: '99999999', name: 'Ждёт оплаты' };
const SHOTS_DIR = process.env.E2E_SHOTS_DIR;

interface ExportFile {
  format: string;
  config: { pipelines: Array<{ pipelineId: string; containers: Array<{ id: string; name: string; statusIds: string[] }> }> };
  names: { pipelines: Array<{ id: string; statuses: Array<{ id: string; name: string; kind: string | null }> }> };
}

/** Exports through the card's menu and returns the downloaded file's name and contents. */
async function exportFromMenu(page: Page) {
  await page.goto('/connectors');
  const card = page.getByRole('article', { name: 'amoCRM' });
  await expect(card.getByText('Connected', { exact: true })).toBeVisible();
  await card.getByRole('button', { name: 'Connector actions' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Export configuration' }).click();
  const file = await download;
  const saved = test.info().outputPath(file.suggestedFilename());
  await file.saveAs(saved);
  await expect(page.getByRole('status').filter({ hasText: `saved as ${file.suggestedFilename()}` })).toBeVisible();
  return { name: file.suggestedFilename(), text: fs.readFileSync(saved, 'utf8') };
}

/** The export with one status of «Продажи лицензий» that no account has, in its first container. */
function withUnknownStatus(text: string, name: string): string {
  const file = JSON.parse(text) as ExportFile;
  const sales = file.config.pipelines.find((pipeline) => pipeline.pipelineId === SALES)!;
  sales.containers[0]!.statusIds.push(UNKNOWN.id);
  file.names.pipelines.find((pipeline) => pipeline.id === SALES)!.statuses.push({ ...UNKNOWN, kind: 'regular' });
  const out = test.info().outputPath(name);
  fs.writeFileSync(out, JSON.stringify(file, null, 2));
  return out;
}

test('export in one workspace, import into a fresh one: the misfit listed, what fits imported, the mapping on the board', async ({ page, browser }) => {
  await connectFully(page);
  // Containers named so they are recognisable on the other side.
  await saveCompleteMapping(page);
  const { name, text } = await exportFromMenu(page);
  expect(name).toMatch(/^hub-connect-amocrm-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(text) as ExportFile;
  expect(exported.format).toBe('hub-connect.configuration');
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|def50200|token/i);
  const source = await readConfig(page);
  expect(exported.config).toEqual(source.body!.config);
  const upload = withUnknownStatus(text, name);

  // A fresh workspace: a new browser context, its own session.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  try {
    await fresh.goto('/connectors');
    await fresh.getByRole('article', { name: 'amoCRM' }).getByRole('button', { name: 'Connect' }).click();
    await fresh.getByRole('dialog', { name: 'Connect amoCRM?' }).getByRole('button', { name: 'Connect' }).click();
    await fresh.getByRole('button', { name: 'Allow' }).click();
    await fresh.waitForURL(/\/setup\/amocrm\/filter$/);
    await dealsLoaded(fresh);
    expect((await readConfig(fresh)).body?.config.pipelines ?? []).toEqual([]);

    await fresh.getByRole('button', { name: 'Import a configuration…' }).click();
    const dialog = fresh.getByRole('dialog', { name: 'Import a configuration into amoCRM' });
    // By keyboard: the focused button opens the system's file picker.
    const choose = dialog.getByRole('button', { name: 'Choose a file…' });
    await choose.focus();
    const chooser = fresh.waitForEvent('filechooser');
    await fresh.keyboard.press('Enter');
    await (await chooser).setFiles(upload);

    const review = fresh.getByRole('dialog', { name: 'Review the import into amoCRM' });
    await expect(review.getByRole('list', { name: '1 thing does not fit and is left out' }).getByRole('listitem')).toHaveText([
      `Status «${UNKNOWN.name}» (container «In work», pipeline «Продажи лицензий»): not in this pipeline.`,
    ]);
    // Nothing saved before the decision.
    expect((await readConfig(fresh)).status).toBe(404);

    await review.getByRole('button', { name: 'Import what fits' }).click();
    await fresh.waitForURL(/\/setup\/amocrm\/mapping/);
    await expect(fresh.getByRole('tab', { name: 'Statuses' })).toBeVisible();
    await fresh.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
    for (const container of ['In work', 'Won', 'Lost']) await expect(fresh.getByRole('group', { name: container, exact: true })).toBeVisible();
    await expect(fresh.getByRole('group', { name: 'Won', exact: true }).getByRole('button', { name: 'Успешно реализовано', exact: true })).toBeVisible();

    const imported = await readConfig(fresh);
    expect((imported.body!.config as { pipelines: unknown }).pipelines).toEqual(exported.config.pipelines);
    // The card of the fresh workspace: a draft to finish.
    await fresh.goto('/connectors');
    await expect(fresh.getByRole('article', { name: 'amoCRM' }).getByText('Setup not finished')).toBeVisible();
  } finally {
    await context.close();
  }
});

test('the import review at 390 and 1440 px, in English and Russian', async ({ page }) => {
  await connectFully(page);
  const { name, text } = await exportFromMenu(page);
  const upload = withUnknownStatus(text, name);
  const before = await readConfig(page);
  for (const language of ['en', 'ru'] as const) {
    await page.evaluate((value) => window.localStorage.setItem('hub-connect.language', value), language);
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await page.goto('/connectors');
      const card = page.getByRole('article', { name: 'amoCRM' });
      await card.getByRole('button', { name: language === 'en' ? 'Connector actions' : 'Действия с коннектором' }).click();
      await page.getByRole('menuitem', { name: language === 'en' ? 'Import configuration…' : 'Импортировать настройки…' }).click();
      const dialog = page.getByRole('dialog');
      const chooser = page.waitForEvent('filechooser');
      await dialog.getByRole('button', { name: language === 'en' ? 'Choose a file…' : 'Выбрать файл…' }).click();
      await (await chooser).setFiles(upload);
      await expect(dialog.getByRole('listitem')).toHaveCount(1);
      await expect(dialog.getByRole('button', { name: language === 'en' ? 'Import what fits' : 'Импортировать подходящее' })).toBeInViewport();
      const shot = `import-review-${language}-${width}.png`;
      await page.screenshot({ path: SHOTS_DIR ? path.join(SHOTS_DIR, shot) : test.info().outputPath(shot), animations: 'disabled', caret: 'hide' });
      await dialog.getByRole('button', { name: language === 'en' ? 'Cancel' : 'Отмена' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
    }
  }
  // Looking is not importing.
  expect(await readConfig(page)).toEqual(before);
});
