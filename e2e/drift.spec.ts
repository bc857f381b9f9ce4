import fs from 'node:fs';

import { expect, test, type Page } from '@playwright/test';

import type { CrmPipeline } from '../app/contracts/crm-schema';

import { dealsLoaded, readConfig, readConnector, readSchema } from './helpers/wizard';

/**
 * CRM drift as a user meets it: amoCRM is connected through the sandbox and the wizard is
 * finished; then the CRM changes while the product runs (the sandbox's account file is
 * rewritten: in «Продажи лицензий» one status renamed, one removed, one added). The Connectors
 * card turns to attention with a one-sentence summary; Review changes opens the Mapping step
 * with the review tray, where each change is decided; the Done step activates again and the
 * card is Connected.
 *
 * The sandbox's accounts are shared by every workspace of the run (every spec): the file is
 * restored after this spec even when it fails, and the spec runs its tests one after another.
 */

const ACCOUNT_FILE = process.env.E2E_AMOCRM_ACCOUNT_FILE;
const exact = { exact: true } as const;

const SALES = '7412301';
const RENAMED = { id: 61874504, from: 'Проработка заявки', to: 'Квалификация лида' };
const REMOVED = { id: 61874507, name: 'Расчет КП' };
const ADDED = { id: 61874599, name: 'Договор подписан' };

interface FixtureStatus {
  id: number;
  name: string;
  sort: number;
  color: string;
}
interface Fixture {
  pipelines: Array<{ id: number; name: string; statuses: FixtureStatus[] }>;
}

/** Replaces the file in one step (a rename), so the sandbox never reads it half written. */
function writeAtomically(file: string, content: string) {
  const next = `${file}.next`;
  fs.writeFileSync(next, content);
  fs.renameSync(next, file);
}

/** The CRM after the activation: what a manager changed in amoCRM's pipeline settings. */
function changeTheCrm(original: string): string {
  const fixture = JSON.parse(original) as Fixture;
  const sales = fixture.pipelines.find((pipeline) => String(pipeline.id) === SALES);
  if (!sales) throw new Error(`pipeline ${SALES} is not in the sandbox account`);
  const at = sales.statuses.findIndex((status) => status.id === REMOVED.id);
  const removed = sales.statuses[at]!;
  sales.statuses = sales.statuses
    .filter((status) => status.id !== REMOVED.id)
    .map((status) => (status.id === RENAMED.id ? { ...status, name: RENAMED.to } : status));
  // Where the removed one was, between two statuses of the same pipeline.
  sales.statuses.splice(at, 0, { id: ADDED.id, name: ADDED.name, sort: removed.sort + 1, color: '#ffcc99' });
  return JSON.stringify(fixture, null, 2);
}

const amoCard = (page: Page) => page.getByRole('article', { name: 'amoCRM' });
const won = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'won')!;
const lost = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'lost')!;

async function openTab(page: Page, name: string) {
  const tab = page.getByRole('tab', { name, exact: true });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

test.describe('when the CRM changes', () => {
  test.describe.configure({ mode: 'serial', timeout: 180_000 });

  let original: string | undefined;

  test.beforeAll(() => {
    if (!ACCOUNT_FILE) throw new Error('E2E_AMOCRM_ACCOUNT_FILE is not set (see playwright.config.ts)');
    original = fs.readFileSync(ACCOUNT_FILE, 'utf8');
  });

  test.afterAll(() => {
    if (ACCOUNT_FILE && original !== undefined) writeAtomically(ACCOUNT_FILE, original);
  });

  test('the card asks for attention, the tray decides each change, Activate again: Connected', async ({ page }) => {
    // Connect and finish the wizard: no filter, a container per status, the markers accepted.
    await page.goto('/connectors');
    await amoCard(page).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Connect amoCRM?' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);
    await dealsLoaded(page);
    await page.getByRole('button', { name: 'Skip' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/mapping/);
    const pipelines = (await readSchema(page)).pipelines.filter((pipeline) => !pipeline.isArchive);
    const sales = pipelines.find((pipeline) => pipeline.id === SALES)!;
    expect(sales.statuses.map((status) => status.name)).toEqual(expect.arrayContaining([RENAMED.from, REMOVED.name]));
    for (const pipeline of pipelines) {
      await openTab(page, pipeline.name);
      await page.getByRole('button', { name: 'One container per status' }).click();
      await page.getByRole('button', { name: `Accept Completed deal for ${won(pipeline).name}` }).click();
      await page.getByRole('button', { name: `Accept Refusal for ${lost(pipeline).name}` }).click();
    }
    await expect(page.getByText('All changes saved')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/calculation$/);
    await page.getByRole('button', { name: 'Skip' }).click();
    await expect(page.getByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeVisible();
    await page.getByRole('link', { name: 'Go to Connectors' }).click();
    await expect(amoCard(page).getByText('Connected', exact)).toBeVisible();
    const activatedVersion = (await readConfig(page)).body!.version;

    // The CRM changes while the product runs.
    writeAtomically(ACCOUNT_FILE!, changeTheCrm(original!));

    // The user comes back to Connectors (and reloads) until the card says so: each listing
    // starts a check of the CRM in the background, whose result the next look shows.
    const review = amoCard(page).getByRole('link', { name: 'Review changes' });
    await expect(async () => {
      await page.reload();
      await expect(review).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(amoCard(page)).toContainText('Changed in amoCRM: 1 new status, 1 removed, 1 renamed in «Продажи лицензий».');
    await expect(amoCard(page).getByText('Connected', exact)).toBeHidden();
    expect((await readConnector(page))?.state).not.toBe('connected');

    // Review changes: the Mapping step of the changed pipeline, with the tray.
    await review.click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/mapping/);
    const tray = page.getByRole('region', { name: 'What changed in amoCRM' });
    await expect(tray).toBeVisible();
    await expect(tray.getByText('0 of 3 decided', exact)).toBeVisible();
    await expect(tray).toContainText(`New status «${ADDED.name}» in «${sales.name}» is in no container.`);
    await expect(tray).toContainText(`Status «${REMOVED.name}» no longer exists in «${sales.name}»; it is still in «${REMOVED.name}».`);
    await expect(tray).toContainText(`«${RENAMED.from}» in «${sales.name}» is now called «${RENAMED.to}».`);

    // The new status into the container the tray suggests, the removed one out, the container renamed.
    const place = tray.getByRole('button', { name: new RegExp(`^Put «${ADDED.name}» in «(.+)»$`) });
    const suggested = /^Put «.+» in «(.+)»$/.exec((await place.getAttribute('aria-label')) ?? (await place.innerText()))?.[1];
    await place.click();
    await expect(tray.getByText('1 of 3 decided', exact)).toBeVisible();
    // It was alone in its container: the container goes with it.
    await tray.getByRole('button', { name: `Take «${REMOVED.name}» out and remove the container «${REMOVED.name}», empty then` }).click();
    await expect(tray.getByText('2 of 3 decided', exact)).toBeVisible();
    await tray.getByRole('button', { name: `Rename the container to «${RENAMED.to}»` }).click();
    await expect(tray.getByText('3 of 3 decided', exact)).toBeVisible();
    await expect(tray).toContainText('Every change has a decision. Activate the settings on the Done step.');
    // The board shows the decisions: the renamed container, the new status in the suggested one
    // (which may be the renamed one: the new status sits next to it in the CRM).
    expect(suggested).toBeTruthy();
    await expect(page.getByRole('group', { name: RENAMED.to, exact: true })).toContainText(RENAMED.to);
    const into = suggested === RENAMED.from ? RENAMED.to : suggested!;
    await expect(page.getByRole('group', { name: into, exact: true })).toContainText(ADDED.name);
    await expect(page.getByRole('group', { name: REMOVED.name, exact: true })).toHaveCount(0);
    await expect(page.getByText('All changes saved')).toBeVisible();

    // As the tray says, on to the Done step, which offers to activate again.
    await page.getByRole('navigation', { name: 'Setup steps' }).getByRole('link', { name: /^Done\b/ }).click();
    await expect(page).toHaveURL(/\/setup\/amocrm\/done$/);
    await expect(page.getByRole('heading', { name: 'Activate the updated settings of amoCRM' })).toBeVisible();
    await page.getByRole('button', { name: 'Activate again' }).click();
    await expect(page.getByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeVisible();
    await page.getByRole('link', { name: 'Go to Connectors' }).click();
    await expect(amoCard(page).getByText('Connected', exact)).toBeVisible();
    await expect(amoCard(page).getByRole('link', { name: 'Review changes' })).toBeHidden();

    // What was activated follows the CRM: the new status mapped, the removed one gone, the container renamed.
    const saved = await readConfig(page);
    expect(saved.body!.version).toBeGreaterThan(activatedVersion);
    const mapping = (saved.body!.config as { pipelines: Array<{ pipelineId: string; containers: Array<{ name: string; statusIds: string[] }> }> }).pipelines.find(
      (item) => item.pipelineId === SALES,
    )!;
    const ids = mapping.containers.flatMap((c) => c.statusIds);
    expect(ids).toContain(String(ADDED.id));
    expect(ids).not.toContain(String(REMOVED.id));
    expect(mapping.containers.find((c) => c.statusIds.includes(String(RENAMED.id)))?.name).toBe(RENAMED.to);
    expect((await readConnector(page))?.state).toBe('connected');
  });
});
