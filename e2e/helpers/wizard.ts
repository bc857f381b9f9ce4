import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

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
  await dealsLoaded(page);
}

/** Waits until the deal sync the authorization started has finished (the wizard's figures then come from every deal). */
export async function dealsLoaded(page: Page, connector = 'amocrm'): Promise<void> {
  await expect
    .poll(async () => ((await (await page.request.get(`/api/connectors/${connector}/sync`)).json()) as { state: string }).state, {
      message: `the ${connector} deals load`,
      timeout: 30_000,
    })
    .toBe('done');
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
    data: { ...(current.body?.config ?? { schemaVersion: 2, connector: 'amocrm' }), pipelines, ...extra },
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
