import { expect, test, type Locator, type Page } from '@playwright/test';

import type { CrmPipeline, CrmSchema } from '../app/contracts/crm-schema';
import type { ConfigEnvelope } from '../app/contracts/mapping-config';

import { authorizeViaSandbox, readSchema } from './helpers/wizard';

/**
 * Bitrix24 as a new user meets it, through the sandbox Bitrix24 (`npm start` runs it): the
 * card says Connect, the portal's consent page, the same steps as amoCRM on Bitrix24's schema
 * (string stage ids such as `C3:WON`, the default pipeline `0`, two failure stages), every
 * pipeline mapped with the proposed markers, the card Connected, and the saved configuration
 * equal to what the UI showed. Once by mouse, once by keyboard; then both CRMs side by side,
 * and an amoCRM configuration of schema version 1 that still opens in Edit.
 */

const exact = { exact: true } as const;

async function bitrixSchema(page: Page): Promise<CrmSchema> {
  const response = await page.request.get('/api/connectors/bitrix24/schema');
  expect(response.ok()).toBe(true);
  return (await response.json()) as CrmSchema;
}

async function savedBitrixConfig(page: Page) {
  const response = await page.request.get('/api/connectors/bitrix24/config');
  expect(response.ok()).toBe(true);
  return (await response.json()) as ConfigEnvelope;
}

async function openTab(page: Page, name: string, how: 'click' | 'Enter' = 'click') {
  const tab = page.getByRole('tab', { name, exact: true });
  if (how === 'click') await tab.click();
  else await tab.press('Enter');
  await expect(tab).toHaveAttribute('aria-selected', 'true');
}

const won = (pipeline: CrmPipeline) => pipeline.statuses.find((status) => status.kind === 'won')!;
const lostStatuses = (pipeline: CrmPipeline) => pipeline.statuses.filter((status) => status.kind === 'lost');

/** One container per status, the failure stages together: what "One container per status" makes. */
function expectedContainers(pipeline: CrmPipeline) {
  const lost = lostStatuses(pipeline).map((status) => status.id);
  const rows: Array<{ name: string; statusIds: string[]; marker: string | null }> = [];
  for (const status of pipeline.statuses) {
    if (status.kind === 'lost' && status.id !== lost[0]) continue;
    rows.push({
      name: status.name,
      statusIds: status.kind === 'lost' ? lost : [status.id],
      marker: status.kind === 'won' ? 'completed' : status.kind === 'lost' ? 'refusal' : null,
    });
  }
  return rows;
}

async function expectSavedLikeTheUi(page: Page, schema: CrmSchema) {
  const envelope = await savedBitrixConfig(page);
  expect(envelope.status).toBe('connected');
  expect(envelope.config.schemaVersion).toBe(2);
  expect(envelope.config.account).toEqual(schema.account);
  expect(envelope.config.pipelines.map((mapping) => mapping.pipelineId)).toEqual(schema.pipelines.filter((p) => !p.isArchive).map((p) => p.id));
  for (const pipeline of schema.pipelines.filter((p) => !p.isArchive)) {
    const mapping = envelope.config.pipelines.find((item) => item.pipelineId === pipeline.id)!;
    expect(mapping.containers.map(({ name, statusIds, marker }) => ({ name, statusIds, marker }))).toEqual(expectedContainers(pipeline));
  }
  const list = (await (await page.request.get('/api/connectors')).json()) as { connectors: Array<{ id: string; state: string }> };
  expect(list.connectors.find((item) => item.id === 'bitrix24')?.state).toBe('connected');
}

test.describe('Bitrix24', () => {
  test.describe.configure({ timeout: 240_000 });

  test('by mouse: Connect, the portal consent page, every pipeline with the proposed markers, Connected', async ({ page }) => {
    await page.goto('/connectors');
    const card = page.getByRole('article', { name: 'Bitrix24' });
    await card.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Connect Bitrix24?' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(/\/setup\/bitrix24\/filter$/);
    await page.getByRole('button', { name: 'Skip' }).click();

    await expect(page).toHaveURL(/\/setup\/bitrix24\/mapping/);
    const schema = await bitrixSchema(page);
    const pipelines = schema.pipelines.filter((pipeline) => !pipeline.isArchive);
    // The demo portal: the default pipeline "0", string stage ids, a pipeline with two failure stages.
    expect(pipelines.map((pipeline) => pipeline.id)).toContain('0');
    expect(pipelines.some((pipeline) => lostStatuses(pipeline).length >= 2)).toBe(true);

    for (const pipeline of pipelines) {
      await openTab(page, pipeline.name);
      await page.getByRole('button', { name: 'One container per status' }).click();
      await page.getByRole('button', { name: `Accept Completed deal for ${won(pipeline).name}` }).click();
      await page.getByRole('button', { name: `Accept Refusal for ${lostStatuses(pipeline)[0]!.name}` }).click();
      // The failure stages share the Refusal container.
      const refusal = page.getByRole('group', { name: lostStatuses(pipeline)[0]!.name, exact: true });
      for (const status of lostStatuses(pipeline)) await expect(refusal).toContainText(status.name);
    }
    await expect(page.getByText('All changes saved')).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();

    await expect(page).toHaveURL(/\/setup\/bitrix24\/calculation$/);
    await page.getByRole('button', { name: 'Skip' }).click();
    await expect(page.getByRole('heading', { name: 'Congratulations — Bitrix24 is connected.' })).toBeVisible();
    await page.getByRole('link', { name: 'Go to Connectors' }).click();
    await expect(card.getByText('Connected', exact)).toBeVisible();
    await expect(card).toContainText(schema.account.name);

    await expectSavedLikeTheUi(page, schema);
  });

  test('by keyboard alone', async ({ page }) => {
    const enter = (locator: Locator) => locator.press('Enter');
    await page.goto('/connectors');
    await enter(page.getByRole('article', { name: 'Bitrix24' }).getByRole('button', { name: 'Connect' }));
    await enter(page.getByRole('dialog', { name: 'Connect Bitrix24?' }).getByRole('button', { name: 'Connect' }));
    await enter(page.getByRole('button', { name: 'Allow' }));
    await expect(page).toHaveURL(/\/setup\/bitrix24\/filter$/);
    await enter(page.getByRole('button', { name: 'Skip' }));

    await expect(page).toHaveURL(/\/setup\/bitrix24\/mapping/);
    const schema = await bitrixSchema(page);
    for (const pipeline of schema.pipelines.filter((p) => !p.isArchive)) {
      await openTab(page, pipeline.name, 'Enter');
      await enter(page.getByRole('button', { name: 'One container per status' }));
      await enter(page.getByRole('button', { name: `Accept Completed deal for ${won(pipeline).name}` }));
      await enter(page.getByRole('button', { name: `Accept Refusal for ${lostStatuses(pipeline)[0]!.name}` }));
    }
    await expect(page.getByText('All changes saved')).toBeVisible();
    await enter(page.getByRole('button', { name: 'Next' }));
    await expect(page).toHaveURL(/\/setup\/bitrix24\/calculation$/);
    await enter(page.getByRole('button', { name: 'Skip' }));
    await expect(page.getByRole('heading', { name: 'Congratulations — Bitrix24 is connected.' })).toBeVisible();
    await enter(page.getByRole('link', { name: 'Go to Connectors' }));
    await expect(page.getByRole('article', { name: 'Bitrix24' }).getByText('Connected', exact)).toBeVisible();

    await expectSavedLikeTheUi(page, schema);
  });
});

test.describe('two CRMs in one workspace', () => {
  test.describe.configure({ timeout: 180_000 });

  test('amoCRM and Bitrix24 connected side by side, each with its own configuration; a version-1 amoCRM document opens in Edit', async ({ page }) => {
    await page.goto('/connectors');
    // amoCRM, authorized through its sandbox, with a configuration sent as schema version 1
    // (amoCRM's numbers), as a tab opened before the upgrade would send it.
    await authorizeViaSandbox(page);
    const amo = await readSchema(page);
    const active = amo.pipelines.filter((pipeline) => !pipeline.isArchive);
    const v1 = {
      schemaVersion: 1,
      connector: 'amocrm',
      pipelines: active.map((pipeline) => ({
        pipelineId: Number(pipeline.id),
        containers: [
          { id: `w${pipeline.id}`, name: 'In work', marker: null, statusIds: pipeline.statuses.filter((s) => s.kind === 'regular' || s.kind === 'unsorted').map((s) => Number(s.id)) },
          { id: `c${pipeline.id}`, name: 'Won', marker: 'completed', statusIds: pipeline.statuses.filter((s) => s.kind === 'won').map((s) => Number(s.id)) },
          { id: `r${pipeline.id}`, name: 'Lost', marker: 'refusal', statusIds: pipeline.statuses.filter((s) => s.kind === 'lost').map((s) => Number(s.id)) },
        ],
      })),
    };
    const current = await page.request.get('/api/connectors/amocrm/config');
    const version = current.ok() ? ((await current.json()) as ConfigEnvelope).version : 0;
    const put = await page.request.put('/api/connectors/amocrm/config', { headers: { 'If-Match': `"${version}"` }, data: v1 });
    expect(put.ok(), await put.text()).toBe(true);
    expect((await page.request.post('/api/connectors/amocrm/activate')).ok()).toBe(true);

    // Bitrix24 through its consent page in the UI.
    await page.goto('/connectors');
    await page.getByRole('article', { name: 'Bitrix24' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('dialog', { name: 'Connect Bitrix24?' }).getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(/\/setup\/bitrix24\/filter$/);

    // Each sees only its own account and structure.
    const bitrix = await bitrixSchema(page);
    expect(bitrix.account.id).not.toBe(amo.account.id);
    const bitrixStatusIds = new Set(bitrix.pipelines.flatMap((pipeline) => pipeline.statuses.map((status) => status.id)));
    expect(amo.pipelines.flatMap((pipeline) => pipeline.statuses.map((status) => status.id)).filter((id) => bitrixStatusIds.has(id) && !['142', '143'].includes(id))).toEqual([]);
    const amoConfig = (await (await page.request.get('/api/connectors/amocrm/config')).json()) as ConfigEnvelope;
    expect(amoConfig.status).toBe('connected');
    expect(amoConfig.config.schemaVersion).toBe(2);

    // The amoCRM card's Edit opens the upgraded mapping with every choice intact.
    await page.goto('/connectors');
    const card = page.getByRole('article', { name: 'amoCRM' });
    await expect(card.getByText('Connected', exact)).toBeVisible();
    await expect(page.getByRole('article', { name: 'Bitrix24' }).getByText('Setup not finished', exact)).toBeVisible();
    await card.hover();
    await card.getByRole('button', { name: 'Connector actions' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await openTab(page, active[0]!.name);
    await expect(page.getByRole('group', { name: 'In work', exact: true }).locator('[data-status-chip]')).toHaveCount(
      active[0]!.statuses.filter((s) => s.kind === 'regular' || s.kind === 'unsorted').length,
    );
    await expect(page.getByRole('button', { name: 'Marker of Won: Completed deal' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Marker of Lost: Refusal' })).toBeVisible();
  });
});
