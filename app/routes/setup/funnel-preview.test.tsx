import { cleanup, screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';

import { decodeDealsSnapshot, dealsSnapshotSchema, funnelReportSchema, type FunnelDeal } from '@/contracts/deals';
import { renderApp, setupRealApi } from '@/testing/test-utils';

/**
 * The wizard's figures through the real API after a real sync of the sandbox's demo account
 * (321 deals): the Mapping step's funnel panel follows a move at once and agrees with the
 * API's funnel of the same draft; the Filter step counts the matching deals; the Calculation
 * step totals a field over them; the deals' loading state is shown and can be started.
 */

const api = setupRealApi();
const SALES = '7412301';
const LANDING = '1016201';

const views: Array<ReturnType<typeof renderApp>> = [];
function render(path: string, language: 'en' | 'ru' = 'en') {
  const view = renderApp(path, { language });
  views.push(view);
  return view;
}
afterEach(async () => {
  cleanup();
  await waitFor(() => expect(views.every((view) => view.queryClient.isMutating() === 0)).toBe(true));
  views.length = 0;
});

async function connectAndSync(): Promise<FunnelDeal[]> {
  await api.current.connectSandbox();
  const workspace = await api.current.workspaceId();
  await api.current.server.dealSync.start(workspace, 'amocrm');
  expect(await api.current.server.dealSync.settled(workspace, 'amocrm')).toMatchObject({ state: 'done' });
  const response = await fetch(`${window.location.origin}/api/connectors/amocrm/deals/snapshot`);
  return decodeDealsSnapshot(dealsSnapshotSchema.parse(await response.json())).deals;
}

const container = (id: string, name: string, statusIds: string[], marker: string | null = null) => ({ id, name, statusIds, marker });

async function putDraft(config: Record<string, unknown>) {
  const schema = (await (await fetch(`${window.location.origin}/api/connectors/amocrm/schema`)).json()) as { account: unknown };
  const response = await fetch(`${window.location.origin}/api/connectors/amocrm/config`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify({ schemaVersion: 2, connector: 'amocrm', account: schema.account, ...config }),
  });
  expect(response.status).toBe(200);
}

const digits = (text: string | null | undefined) => Number((text ?? '').replace(/[^\d]/g, ''));

function figure(panel: HTMLElement, name: string): string {
  return panel.querySelector(`[data-figure="${name}"]`)?.textContent ?? '';
}

async function moveVia(user: UserEvent, status: string, target: string) {
  await user.click(screen.getByRole('button', { name: `Move ${status} to…` }));
  await user.click(await screen.findByRole('menuitem', { name: target }));
}

describe('the funnel in the wizard', () => {
  it('the Mapping panel shows the API’s figures for the draft and follows a move into Completed deal at once', async () => {
    const deals = await connectAndSync();
    await putDraft({
      pipelines: [
        {
          pipelineId: SALES,
          containers: [
            container('new', 'Новые', ['61874501', '61874504']),
            container('work', 'В работе', ['61874507', '61874510', '61874513']),
            container('won', 'Успех', [], 'completed'),
            container('lost', 'Отказ', ['143'], 'refusal'),
          ],
        },
      ],
    });
    const { user } = render(`/setup/amocrm/mapping?pipeline=${SALES}`);
    const panel = await screen.findByRole('region', { name: 'Funnel preview' });
    const stages = await within(panel).findByRole('table', { name: 'Funnel of Продажи лицензий under this mapping' }, { timeout: 5000 });

    // The same figures as the API's funnel of the same draft.
    const report = funnelReportSchema.parse(await (await fetch(`${window.location.origin}/api/connectors/amocrm/funnel?config=draft`)).json());
    const sales = report.pipelines.find((pipeline) => pipeline.pipelineId === SALES)!;
    const reached = within(stages).getAllByRole('row').slice(1).map((row) => digits(row.querySelector('[data-figure="reached"]')?.textContent));
    expect(reached).toEqual(sales.containers.filter((c) => c.kind === 'stage').map((c) => c.reached));
    expect(digits(figure(panel, 'won'))).toBe(0);

    // Successful deals of this pipeline, counted from the snapshot by hand.
    const wonDeals = deals.filter((deal) => deal.pipelineId === SALES && deal.statusId === '142');
    expect(wonDeals.length).toBeGreaterThan(0);
    const volume = wonDeals.reduce((sum, deal) => sum + (deal.amount ?? 0), 0);
    expect(digits(figure(panel, 'sales-volume'))).toBe(0);
    // Until then the successful deals are in a status no container holds.
    expect(within(panel).getByText(`${wonDeals.length} deals are in statuses no container holds: they are left out.`)).toBeInTheDocument();

    await moveVia(user, 'Успешно реализовано', 'Успех');
    await waitFor(() => expect(digits(figure(panel, 'won'))).toBe(wonDeals.length));
    expect(digits(figure(panel, 'sales-volume'))).toBe(volume);
    expect(within(panel).queryByText(/no container holds/)).not.toBeInTheDocument();
  });

  it('the Filter step says how many deals match as a condition is typed', async () => {
    const deals = await connectAndSync();
    await putDraft({ filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: '' }] } });
    const { user } = render('/setup/amocrm/filter');
    // The deals snapshot loads after the step: wait for the count the user sees.
    const count = await screen.findByTestId('filter-match-count', {}, { timeout: 5000 });
    // A condition without its value is not counted yet: every deal matches.
    expect(count).toHaveTextContent(`${deals.length} of ${deals.length} deals match`);
    await user.type(screen.getByRole('textbox', { name: /value/i }), 'site-42');
    const matching = deals.filter((deal) => (deal.fields[LANDING] ?? []).includes('site-42')).length;
    expect(matching).toBeGreaterThan(0);
    expect(matching).toBeLessThan(deals.length);
    await waitFor(() => expect(screen.getByTestId('filter-match-count')).toHaveTextContent(`${matching} of ${deals.length} deals match`));
  });

  it('shows that the deals have not loaded, and loads them on request with the result', async () => {
    await api.current.connectSandbox();
    const { user } = render(`/setup/amocrm/mapping?pipeline=${SALES}`);
    const panel = await screen.findByRole('region', { name: 'Funnel preview' });
    expect(await within(panel).findByText('The deals have not been loaded yet.')).toBeInTheDocument();
    await user.click(within(panel).getByRole('button', { name: 'Load deals' }));
    expect(await within(panel).findByText('321 deals loaded', {}, { timeout: 8000 })).toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Load again' })).toBeInTheDocument();
  });
  it('the Calculation step totals and averages a field over the matching deals', async () => {
    const deals = await connectAndSync();
    await putDraft({
      filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' }] },
      calculatedFields: [{ id: 'budget', name: 'Бюджет', expression: '{price}' }],
    });
    render('/setup/amocrm/calculation');
    const totals = await screen.findByTestId('calculated-totals', {}, { timeout: 5000 });
    const priced = deals.filter((deal) => (deal.fields[LANDING] ?? []).includes('site-42') && deal.amount !== null);
    const total = priced.reduce((sum, deal) => sum + deal.amount!, 0);
    const format = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
    expect(within(totals).getByText('Total').nextSibling).toHaveTextContent(format.format(total));
    expect(within(totals).getByText('Average').nextSibling).toHaveTextContent(format.format(total / priced.length));
    expect(totals).toHaveTextContent(`over ${priced.length} matching deals`);
  });
});
