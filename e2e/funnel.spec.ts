import { expect, test } from '@playwright/test';

import { decodeDealsSnapshot, dealsSnapshotSchema, type FunnelDeal } from '../app/contracts/deals';
import type { Marker } from '../app/contracts/mapping-config';

import { dragByMouse } from './fixtures/dnd';
import { saveConfig } from './helpers/states';
import { authorizeViaSandbox } from './helpers/wizard';

/**
 * The funnel the mapping produces, live, in a real browser on the sandbox's demo account: the
 * deals load after authorization, and dragging the "won" status into the Completed deal
 * container changes the won count and the sales volume on screen at once (before the save).
 */
const SALES = '7412301';

const container = (id: string, name: string, statusIds: string[], marker: Marker | null = null) => ({ id, name, statusIds, marker });

test('dragging a status into the Completed deal container updates the won deals and the sales volume', async ({ page }) => {
  await authorizeViaSandbox(page);
  await saveConfig(page, {
    pipelines: [
      {
        pipelineId: SALES,
        containers: [
          container('new', 'New', ['61874501', '61874504']),
          container('work', 'In work', ['61874507', '61874510', '61874513']),
          container('won', 'Won', [], 'completed'),
          container('lost', 'Lost', ['143'], 'refusal'),
        ],
      },
    ],
  });
  const snapshot = decodeDealsSnapshot(dealsSnapshotSchema.parse(await (await page.request.get('/api/connectors/amocrm/deals/snapshot')).json()));
  const won: FunnelDeal[] = snapshot.deals.filter((deal) => deal.pipelineId === SALES && deal.statusId === '142');
  expect(won.length).toBeGreaterThan(0);
  const volume = won.reduce((sum, deal) => sum + (deal.amount ?? 0), 0);

  await page.goto(`/setup/amocrm/mapping?pipeline=${SALES}`);
  const panel = page.getByRole('region', { name: 'Funnel preview' });
  await expect(panel.getByRole('table', { name: 'Funnel of Продажи лицензий under this mapping' })).toBeVisible();
  await expect(panel.locator('[data-figure="won"]')).toHaveText('0');
  await expect(panel.getByText(`${won.length} deals are in statuses no container holds`, { exact: false })).toBeVisible();

  await dragByMouse(page, page.getByRole('button', { name: 'Успешно реализовано', exact: true }), page.getByRole('group', { name: 'Won', exact: true }));
  await expect(panel.locator('[data-figure="won"]')).toHaveText(new Intl.NumberFormat('en-US').format(won.length));
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: snapshot.currency, currencyDisplay: 'narrowSymbol', maximumFractionDigits: 0 }).format(volume);
  await expect(panel.locator('[data-figure="sales-volume"]')).toHaveText(money);
  await expect(panel.getByText('no container holds', { exact: false })).toHaveCount(0);
  // The Won stage now has its deals in the table (a screen reader reads the same figures).
  await expect(panel.getByRole('row', { name: /^Won/ })).toContainText(new Intl.NumberFormat('en-US').format(won.length));
});
