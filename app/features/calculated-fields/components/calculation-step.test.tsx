import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { CrmSchema, SampleDeal } from '@/contracts/crm-schema';
import { renderApp, setupRealApi } from '@/testing/test-utils';

const api = setupRealApi();

const requests = (method: string, path: string) => api.current.requests.filter((request) => request.method === method && request.path === path);

async function putConfig(config: Record<string, unknown>) {
  const response = await fetch(`${window.location.origin}/api/connectors/amocrm/config`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify({ schemaVersion: 2, connector: 'amocrm', ...config }),
  });
  expect(response.status).toBe(200);
}

async function savedConfig() {
  const response = await fetch(`${window.location.origin}/api/connectors/amocrm/config`);
  return ((await response.json()) as { config: { calculatedFields: unknown[] } }).config;
}

const container = (id: string, name: string, statusIds: string[], marker: string | null = null) => ({ id, name, statusIds, marker });
const COMPLETE_PIPELINES = [
  {
    pipelineId: '3177727',
    containers: [
      container('a', 'В работе', ['32392156', '32392159', '32392162', '32392165', '32392168']),
      container('b', 'Успешно реализовано', ['142'], 'completed'),
      container('c', 'Закрыто и не реализовано', ['143'], 'refusal'),
    ],
  },
  {
    pipelineId: '3177730',
    containers: [
      container('d', 'В работе', ['32392200', '32392203']),
      container('e', 'Успешно реализовано', ['142'], 'completed'),
      container('f', 'Закрыто и не реализовано', ['143'], 'refusal'),
    ],
  },
];

async function openCalculation(config: Record<string, unknown> = { pipelines: COMPLETE_PIPELINES }, language: 'en' | 'ru' = 'en') {
  await api.current.seedConnectedAccount();
  await putConfig(config);
  const view = renderApp('/setup/amocrm/calculation', { language });
  // Generous: the first render loads the connectors, the config and the CRM schema.
  await screen.findByRole('region', { name: language === 'ru' ? 'Числовые поля' : 'Numeric fields' }, { timeout: 5000 });
  return view;
}

describe('Calculation step', () => {
  it('offers the deal amount and the numeric and monetary fields only', async () => {
    await openCalculation();
    const list = screen.getByRole('list', { name: 'Numeric fields' });
    expect(within(list).getAllByRole('button', { name: /^(Deal amount|Себестоимость|Количество лицензий)$/ })).toHaveLength(3);
    expect(within(list).queryByRole('button', { name: 'LANDING' })).not.toBeInTheDocument();
    expect(within(list).queryByRole('button', { name: 'utm_source' })).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Calculated fields' })).toHaveTextContent('No calculated fields yet.');
  });

  it('"Add" starts a calculated field with that field, to be named; the expression reads with field names', async () => {
    const { user } = await openCalculation();
    await user.click(screen.getByRole('button', { name: 'Add Себестоимость as a new calculated field' }));
    const card = await screen.findByRole('group', { name: 'Calculated field 1' });
    const name = within(card).getByRole('textbox', { name: 'Name' });
    expect(name).toHaveFocus();
    const expression = within(card).getByRole('textbox', { name: 'Expression' });
    expect(expression).toHaveValue('{cf:1016240}');
    expect(card).toHaveTextContent('Reads as: Себестоимость');
    expect(expression).toHaveAccessibleDescription(/The expression is valid\./);

    await user.type(name, 'Cost');
    expect(screen.getByRole('group', { name: 'Calculated field 1: Cost' })).toBeInTheDocument();
    // Names too long for their row end in an ellipsis: the full names stay in titles (and the accessible names).
    expect(screen.getByRole('button', { name: 'Себестоимость' })).toHaveAttribute('title', 'Себестоимость');
    expect(within(card).getByText('Cost')).toHaveAttribute('title', 'Cost');
    expect(within(card).getByText('Себестоимость')).toHaveAttribute('title', 'Себестоимость');
  });

  it('shows errors as you type: division by zero, unknown field, non-numeric field, syntax — with positions', async () => {
    const { user } = await openCalculation();
    await user.click(screen.getByRole('button', { name: 'Add Deal amount as a new calculated field' }));
    const expression = screen.getByRole('textbox', { name: 'Expression' });

    await user.type(expression, ' / 0');
    expect(expression).toHaveAccessibleDescription(/Division by zero at position 11/);
    expect(expression).toHaveAttribute('aria-invalid', 'true');

    await user.clear(expression);
    await user.type(expression, '{{price} - {{cf:99}');
    expect(expression).toHaveAccessibleDescription(/Field \{cf:99\} at position 11 does not exist in the CRM/);
    expect(screen.getByText('unknown field {cf:99}')).toBeInTheDocument();

    await user.clear(expression);
    await user.type(expression, '{{cf:1016236} * 2');
    expect(expression).toHaveAccessibleDescription(/Field “LANDING” at position 1 is not numeric/);

    await user.clear(expression);
    await user.type(expression, '({{price} +');
    expect(expression).toHaveAccessibleDescription(/The expression ends too early/);

    await user.clear(expression);
    await user.type(expression, '{{price} * 2');
    expect(expression).toHaveAccessibleDescription(/The expression is valid\./);
    expect(expression).not.toHaveAttribute('aria-invalid');
  });

  it('inserts field tokens at the cursor from the list', async () => {
    const { user } = await openCalculation();
    await user.click(screen.getByRole('button', { name: 'Add Deal amount as a new calculated field' }));
    const expression = screen.getByRole<HTMLInputElement>('textbox', { name: 'Expression' });
    await user.click(expression);
    await user.keyboard('{End} - ');
    await user.click(screen.getByRole('button', { name: 'Insert Себестоимость into the expression of calculated field 1' }));
    expect(expression).toHaveValue('{price} - {cf:1016240}');
    expect(expression).toHaveFocus();
    // Caret in the middle: after "{price}".
    expression.setSelectionRange(7, 7);
    await user.click(screen.getByRole('button', { name: 'Insert Количество лицензий into the expression of calculated field 1' }));
    expect(expression).toHaveValue('{price} {cf:1016244} - {cf:1016240}');
    expect(screen.getByRole('group', { name: 'Calculated field 1' })).toHaveTextContent(
      'Reads as: Deal amount Количество лицензий − Себестоимость',
    );
  });

  it('previews the value on sample deals from the CRM ("—" where a value is missing)', async () => {
    // Real access to the sandbox amoCRM: schema and sample deals come from the CRM.
    await api.current.connectSandbox();
    const schema = (await (await fetch(`${window.location.origin}/api/connectors/amocrm/schema`)).json()) as CrmSchema;
    const { deals } = (await (await fetch(`${window.location.origin}/api/connectors/amocrm/sample-deals`)).json()) as { deals: SampleDeal[] };
    const cost = schema.customFields.find((field) => field.isNumeric && !field.isTracking);
    expect(cost).toBeDefined();
    expect(deals.length).toBeGreaterThan(0);

    const { user } = renderApp('/setup/amocrm/calculation');
    await user.click(await screen.findByRole('button', { name: 'Add Deal amount as a new calculated field' }));
    await user.type(screen.getByRole('textbox', { name: 'Expression' }), ' - ');
    await user.click(screen.getByRole('button', { name: `Insert ${cost!.name} into the expression of calculated field 1` }));
    const table = await screen.findByRole('table', { name: 'Preview on sample deals from amoCRM' });
    const rows = within(table).getAllByRole('row').slice(1);
    const format = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
    const expected = deals.slice(0, 5).map((deal) => {
      const value = deal.values[cost!.id];
      return [deal.name, deal.price === null || value === undefined ? '—no value' : format.format(deal.price - value)];
    });
    expect(expected.some(([, value]) => value !== '—no value')).toBe(true);
    expect(rows.map((row) => [within(row).getByRole('rowheader').textContent, within(row).getByRole('cell').textContent])).toEqual(expected);
  });

  it('requires a name, unique names, and a valid expression before saving', async () => {
    const { user } = await openCalculation();
    await user.click(screen.getByRole('button', { name: 'Add Deal amount as a new calculated field' }));
    await user.click(screen.getByRole('button', { name: 'Add Себестоимость as a new calculated field' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const first = screen.getByRole('group', { name: 'Calculated field 1' });
    await waitFor(() => expect(within(first).getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription('Enter a name for the calculated field.'));
    expect(within(first).getByRole('textbox', { name: 'Name' })).toHaveFocus();

    await user.type(within(first).getByRole('textbox', { name: 'Name' }), 'Amount');
    await user.type(within(screen.getByRole('group', { name: 'Calculated field 2' })).getByRole('textbox', { name: 'Name' }), 'amount');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const second = screen.getByRole('group', { name: 'Calculated field 2: amount' });
    await waitFor(() =>
      expect(within(second).getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription(
        'Another calculated field already has this name: choose a different one.',
      ),
    );
    // The first field has a name: it is in the draft; nothing was activated.
    expect(requests('POST', '/api/connectors/amocrm/activate')).toHaveLength(0);
  });

  it('Next saves the calculated fields, activates the connector and shows the Done step', async () => {
    const { user, router } = await openCalculation();
    await user.click(screen.getByRole('button', { name: 'Add Deal amount as a new calculated field' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Margin');
    await user.type(screen.getByRole('textbox', { name: 'Expression' }), ' - ');
    await user.click(screen.getByRole('button', { name: 'Insert Себестоимость into the expression of calculated field 1' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/done'));
    expect(await screen.findByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeInTheDocument();
    expect(screen.getByText(/Account: Демо\./)).toBeInTheDocument();
    expect(screen.getByText('1 calculated field')).toBeInTheDocument();
    expect(requests('POST', '/api/connectors/amocrm/activate')).toHaveLength(1);
    const config = await savedConfig();
    expect(config.calculatedFields).toEqual([{ id: expect.any(String), name: 'Margin', expression: '{price} - {cf:1016240}' }]);

    await user.click(screen.getByRole('link', { name: 'Go to Connectors' }));
    const card = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(card).findByText('Connected')).toBeInTheDocument();
  });

  it('autosaves named fields with the expression as typed: after “All changes saved” a fresh app (a reload) shows them', async () => {
    const first = await openCalculation();
    await first.user.click(screen.getByRole('button', { name: 'Add Deal amount as a new calculated field' }));
    await first.user.type(screen.getByRole('textbox', { name: 'Name' }), 'Margin');
    // Half-typed (not valid yet): a draft keeps it anyway.
    await first.user.type(screen.getByRole('textbox', { name: 'Expression' }), ' - ');
    expect(await screen.findByText('All changes saved', {}, { timeout: 3000 })).toBeInTheDocument();
    expect((await savedConfig()).calculatedFields).toEqual([{ id: expect.any(String), name: 'Margin', expression: '{price} - ' }]);
    expect(requests('POST', '/api/connectors/amocrm/activate')).toHaveLength(0);
    first.unmount();

    renderApp('/setup/amocrm/calculation');
    const card = await screen.findByRole('group', { name: 'Calculated field 1: Margin' }, { timeout: 5000 });
    expect(within(card).getByRole('textbox', { name: 'Expression' })).toHaveValue('{price} - ');
  });

  it('a field without a name is not saved yet: the status says so, leaving asks, and naming it saves it', async () => {
    const { user, router } = await openCalculation();
    await user.click(screen.getByRole('button', { name: 'Add Deal amount as a new calculated field' }));
    expect(await screen.findByText('Calculated field 1 is not saved until it has a name of its own.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Back' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Leave without saving?' });
    expect(dialog).toHaveTextContent('Calculated field 1 cannot be saved until it has a name of its own.');
    await user.click(within(dialog).getByRole('button', { name: 'Stay' }));
    expect(router.state.location.pathname).toBe('/setup/amocrm/calculation');
    const name = screen.getByRole('textbox', { name: 'Name' });
    await waitFor(() => expect(name).toHaveFocus());

    await user.type(name, 'Amount');
    expect(await screen.findByText('All changes saved', {}, { timeout: 3000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    expect((await savedConfig()).calculatedFields).toEqual([{ id: expect.any(String), name: 'Amount', expression: '{price}' }]);
  });

  it('lists what stops activation (422 config_incomplete), each with a link to the step that fixes it', async () => {
    const { user, router } = await openCalculation({
      filter: { match: 'all', conditions: [{ field: 'LANDING', action: 'include', operator: 'equals', value: '' }] },
      pipelines: [COMPLETE_PIPELINES[0]],
    });
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const problems = await screen.findByRole('region', { name: 'A few things are missing before amoCRM can be connected' });
    expect(within(problems).getByRole('heading')).toHaveFocus();
    const items = within(problems).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      'Filter condition 1 (LANDING) has no value. Fix in Filter',
      'Pipeline “Повторные продажи” is not mapped yet. Fix in Mapping',
    ]);
    expect(within(items[0]!).getByRole('link', { name: 'Fix in Filter' })).toHaveAttribute('href', '/setup/amocrm/filter');
    expect(within(items[1]!).getByRole('link', { name: 'Fix in Mapping' })).toHaveAttribute('href', '/setup/amocrm/mapping');
    expect(router.state.location.pathname).toBe('/setup/amocrm/calculation');
  });

  it('Skip activates without changing the calculated fields', async () => {
    await api.current.seedConnectedAccount();
    await putConfig({ pipelines: COMPLETE_PIPELINES, calculatedFields: [{ id: 'x', name: 'Kept', expression: '{price} * 2' }] });
    const putsBefore = requests('PUT', '/api/connectors/amocrm/config').length;
    const { user, router } = renderApp('/setup/amocrm/calculation');
    expect(await screen.findByRole('group', { name: 'Calculated field 1: Kept' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Skip' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/done'));
    expect(await screen.findByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeInTheDocument();
    expect(requests('PUT', '/api/connectors/amocrm/config')).toHaveLength(putsBefore);
    expect((await savedConfig()).calculatedFields).toEqual([{ id: 'x', name: 'Kept', expression: '{price} * 2' }]);
  });

  it('removes a calculated field', async () => {
    await api.current.seedConnectedAccount();
    await putConfig({
      pipelines: COMPLETE_PIPELINES,
      calculatedFields: [
        { id: 'x', name: 'First', expression: '{price} * 2' },
        { id: 'y', name: 'Second', expression: '{price} / 2' },
      ],
    });
    const { user } = renderApp('/setup/amocrm/calculation');
    await user.click(await screen.findByRole('button', { name: 'Remove calculated field 1: First' }));
    expect(screen.queryByRole('group', { name: /First/ })).not.toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Calculated field 1: Second' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Calculated fields' })).toHaveFocus();
  });

  it('speaks Russian', async () => {
    const { user } = await openCalculation(undefined, 'ru');
    await user.click(screen.getByRole('button', { name: 'Добавить Сумма сделки как новое вычисляемое поле' }));
    const expression = screen.getByRole('textbox', { name: 'Выражение' });
    await user.type(expression, ' / 0');
    expect(expression).toHaveAccessibleDescription(/Деление на ноль в позиции 11/);
  });
});
