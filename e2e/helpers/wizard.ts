import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

import type { CrmSchema } from '../../app/contracts/crm-schema';

/** Shared steps for the connector, authorization, filter and calculation browser tests. */

/** Grants access through the sandbox amoCRM's consent page (skipped when access is already valid). */
export async function authorizeViaSandbox(page: Page): Promise<void> {
  const response = await page.request.post('/api/connectors/amocrm/authorize', { data: { force: false } });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { status: string; authorizeUrl?: string };
  if (body.status === 'redirect' && body.authorizeUrl) {
    await page.goto(body.authorizeUrl);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/setup\/amocrm\/filter$/);
  }
}

export async function readSchema(page: Page): Promise<CrmSchema> {
  const response = await page.request.get('/api/connectors/amocrm/schema');
  expect(response.ok()).toBe(true);
  return (await response.json()) as CrmSchema;
}

export async function readConfig(page: Page) {
  const response = await page.request.get('/api/connectors/amocrm/config');
  return { status: response.status(), body: response.ok() ? ((await response.json()) as { version: number; config: Record<string, unknown> }) : null };
}

export async function readConnector(page: Page) {
  const response = await page.request.get('/api/connectors');
  const body = (await response.json()) as { connectors: Array<{ id: string; state: string; hasAccess: boolean }> };
  return body.connectors.find((connector) => connector.id === 'amocrm');
}

/**
 * Saves a complete status mapping for every active pipeline through the API (the mapping
 * step itself is exercised by mapping.spec.ts): the working statuses in one container, 142
 * marked Completed deal, 143 marked Refusal.
 */
export async function saveCompleteMapping(page: Page, extra: Record<string, unknown> = {}): Promise<void> {
  const schema = await readSchema(page);
  const current = await readConfig(page);
  const pipelines = schema.pipelines
    .filter((pipeline) => !pipeline.isArchive)
    .map((pipeline) => ({
      pipelineId: pipeline.id,
      containers: [
        {
          id: `work-${pipeline.id}`,
          name: 'In work',
          statusIds: pipeline.statuses.filter((status) => status.kind === 'regular' || status.kind === 'unsorted').map((status) => status.id),
          marker: null,
        },
        { id: `won-${pipeline.id}`, name: 'Won', statusIds: pipeline.statuses.filter((s) => s.kind === 'won').map((s) => s.id), marker: 'completed' },
        { id: `lost-${pipeline.id}`, name: 'Lost', statusIds: pipeline.statuses.filter((s) => s.kind === 'lost').map((s) => s.id), marker: 'refusal' },
      ],
    }));
  const response = await page.request.put('/api/connectors/amocrm/config', {
    headers: { 'If-Match': `"${current.body?.version ?? 0}"` },
    data: { ...(current.body?.config ?? { schemaVersion: 1, connector: 'amocrm' }), pipelines, ...extra },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

/** Authorized, mapped and activated through the API: a connected card to act on. */
export async function connectFully(page: Page): Promise<void> {
  await authorizeViaSandbox(page);
  await saveCompleteMapping(page);
  const activated = await page.request.post('/api/connectors/amocrm/activate');
  expect(activated.ok(), await activated.text()).toBe(true);
}

/** axe: no serious or critical violations. */
export async function expectNoSeriousViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

const DRAGGING = '[aria-roledescription="draggable"][aria-pressed="true"]';

/** Pointer drag: past the activation distance in steps, wait for the drag, glide, release. */
export async function dragWithPointer(page: Page, source: Locator, target: Locator): Promise<void> {
  await source.scrollIntoViewIfNeeded();
  const from = await source.boundingBox();
  if (!from) throw new Error('source not visible');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 15, from.y + from.height / 2 + 5, { steps: 5 });
  await expect(page.locator(DRAGGING)).toHaveCount(1);
  const to = await target.boundingBox();
  if (!to) throw new Error('target not visible');
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
  await page.mouse.move(to.x + to.width / 2 + 2, to.y + to.height / 2 + 2, { steps: 2 });
  await page.mouse.up();
  await expect(page.locator(DRAGGING)).toHaveCount(0);
}

/** Keyboard drag: Space to pick up, wait for aria-pressed, the arrow keys, Space to drop. */
export async function dragWithKeyboard(page: Page, source: Locator, keys: string[]): Promise<void> {
  await source.focus();
  await page.keyboard.press('Space');
  await expect(source).toHaveAttribute('aria-pressed', 'true');
  for (const key of keys) {
    await settle(page);
    await page.keyboard.press(key);
  }
  await settle(page);
  await page.keyboard.press('Space');
  await expect(page.locator(DRAGGING)).toHaveCount(0);
}

/** Lets the page run the tasks a key press queued (dnd-kit listens for arrows after a zero-delay timer); not a sleep. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => setTimeout(() => requestAnimationFrame(() => resolve()), 0)));
}
