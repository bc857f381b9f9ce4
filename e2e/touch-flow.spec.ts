import { expect, test, type Page } from '@playwright/test';

import type { CrmPipeline } from '../app/contracts/crm-schema';
import type { ConfigEnvelope } from '../app/contracts/mapping-config';

import { dragByTouch, tap } from './fixtures/touch';
import { readSchema } from './helpers/wizard';

/**
 * The whole amoCRM flow on a phone-sized touch screen (project `phone`: 390×844, isMobile,
 * hasTouch), every step by tap: Connect → Allow on the sandbox consent page → Filter (a
 * parameter's Add button) → Mapping by "Move to…" menus and one real long-press drag of a
 * status into a container → Custom fields → Calculation skipped → Done → the card says
 * Connected; then the saved configuration is read back and compared with what was done.
 * The desktop mouse and keyboard versions are in full-flow.spec.ts.
 */

const exact = { exact: true } as const;
const container = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
const unmapped = (page: Page) => page.getByRole('group', { name: 'Unmapped statuses' });
const regularStatuses = (pipeline: CrmPipeline) => pipeline.statuses.filter((status) => status.kind === 'regular' || status.kind === 'unsorted');
const won = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'won')!;
const lost = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'lost')!;

/** A tab by tap; its panel is used only once the tab shows as selected (the board re-renders). */
async function openTab(page: Page, name: string): Promise<void> {
  const tab = page.getByRole('tab', { name, exact: true });
  await tap(tab);
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

/** A status's "Move to…" menu, by tap, into a container. */
async function moveByMenu(page: Page, status: string, target: string): Promise<void> {
  await tap(page.getByRole('button', { name: `Move ${status} to…`, ...exact }));
  await tap(page.getByRole('menu').getByRole('menuitem', { name: target, ...exact }));
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(container(page, target).getByRole('button', { name: status, ...exact })).toBeVisible();
}

test.describe('on a phone, by touch', () => {
  test.describe.configure({ timeout: 240_000 });

  test('connect, filter, map (Move to… and a long-press drag), custom fields, skip calculation, done, Connected', async ({ page }) => {
    await page.goto('/connectors');
    expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
    await tap(page.getByRole('article', { name: 'amoCRM' }).getByRole('button', { name: 'Connect' }));
    await tap(page.getByRole('dialog', { name: 'Connect amoCRM?' }).getByRole('button', { name: 'Connect' }));
    await tap(page.getByRole('button', { name: 'Allow' }));
    await expect(page).toHaveURL(/\/setup\/amocrm\/filter$/);

    // Filter: LANDING by its Add button, equals site-42.
    await tap(page.getByRole('button', { name: 'Add LANDING as a condition', ...exact }));
    const value = page.getByRole('group', { name: 'Condition 1: LANDING' }).getByRole('textbox', { name: 'Value' });
    await expect(value).toBeVisible();
    await tap(value);
    await value.fill('site-42');
    await expect(page.getByText('All changes saved')).toBeVisible();
    await tap(page.getByRole('button', { name: 'Next' }));
    await expect(page).toHaveURL(/\/setup\/amocrm\/mapping/);

    const pipelines = (await readSchema(page)).pipelines.filter((pipeline) => !pipeline.isArchive);
    expect(pipelines.length).toBeGreaterThan(1);
    const [first, ...others] = pipelines;

    // The first pipeline: three containers, statuses moved by their "Move to…" menus…
    await openTab(page, first!.name);
    for (const name of ['In work', 'Won', 'Lost']) {
      await tap(page.getByRole('button', { name: 'Add container' }));
      const input = page.getByRole('textbox', { name: 'Container name' });
      await expect(input).toBeFocused();
      await input.fill(name);
      await input.press('Enter');
      await expect(container(page, name)).toBeVisible();
    }
    await moveByMenu(page, won(first!).name, 'Won');
    await moveByMenu(page, lost(first!).name, 'Lost');
    const [dragged, ...rest] = regularStatuses(first!);
    for (const status of rest) await moveByMenu(page, status.name, 'In work');
    // …and the last one by a finger: a long press, then a drag into "In work".
    await dragByTouch(page, unmapped(page).getByRole('button', { name: dragged!.name, ...exact }), container(page, 'In work'));
    await expect(container(page, 'In work').getByRole('button', { name: dragged!.name, ...exact })).toBeVisible();
    await expect(unmapped(page).getByRole('button', { name: dragged!.name, ...exact })).toHaveCount(0);
    await tap(page.getByRole('button', { name: 'Accept Completed deal for Won' }));
    await tap(page.getByRole('button', { name: 'Accept Refusal for Lost' }));
    await expect(page.getByRole('button', { name: 'Marker of Won: Completed deal' })).toBeVisible();

    // The other pipelines with the quick action, accepting the proposed markers.
    for (const pipeline of others) {
      await openTab(page, pipeline.name);
      await tap(page.getByRole('button', { name: 'One container per status' }));
      await tap(page.getByRole('button', { name: `Accept Completed deal for ${won(pipeline).name}` }));
      await tap(page.getByRole('button', { name: `Accept Refusal for ${lost(pipeline).name}` }));
    }

    // Custom fields: LANDING into Other fields by its Add button.
    await openTab(page, 'Custom fields');
    await tap(page.getByRole('button', { name: 'Add LANDING to Other fields', ...exact }));
    await expect(container(page, 'Other fields').getByRole('button', { name: 'LANDING', ...exact })).toBeVisible();
    await expect(page.getByText('All changes saved')).toBeVisible();
    await tap(page.getByRole('button', { name: 'Next' }));

    // Calculation is optional: Skip connects.
    await expect(page).toHaveURL(/\/setup\/amocrm\/calculation$/);
    await tap(page.getByRole('button', { name: 'Skip' }));
    await expect(page.getByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeVisible();
    await tap(page.getByRole('link', { name: 'Go to Connectors' }));
    const card = page.getByRole('article', { name: 'amoCRM' });
    await expect(card.getByText('Connected', exact)).toBeVisible();

    // What was saved is what was done.
    const response = await page.request.get('/api/connectors/amocrm/config');
    expect(response.ok()).toBe(true);
    const { config, status } = (await response.json()) as ConfigEnvelope;
    const schema = await readSchema(page);
    expect(status).toBe('connected');
    expect(config.filter.conditions).toEqual([{ field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' }]);
    const firstMapping = config.pipelines.find((mapping) => mapping.pipelineId === first!.id)!;
    expect(firstMapping.containers.map((c) => [c.name, c.marker])).toEqual([
      ['In work', null],
      ['Won', 'completed'],
      ['Lost', 'refusal'],
    ]);
    expect([...firstMapping.containers[0]!.statusIds].sort()).toEqual(regularStatuses(first!).map((s) => s.id).sort());
    for (const pipeline of others) {
      const mapping = config.pipelines.find((item) => item.pipelineId === pipeline.id)!;
      expect(mapping.containers.map((c) => c.statusIds)).toEqual(pipeline.statuses.map((s) => [s.id]));
    }
    expect(config.customFields.otherFields).toEqual([schema.customFields.find((field) => field.code === 'LANDING')!.id]);
    expect(config.calculatedFields).toEqual([]);
  });
});
