import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { mswServer, renderApp, setupRealApi } from '@/testing/test-utils';

const api = setupRealApi();

const puts = () => api.current.requests.filter((request) => request.method === 'PUT');

async function savedConfig() {
  const response = await fetch(`${window.location.origin}/api/connectors/amocrm/config`);
  if (response.status === 404) return null;
  return ((await response.json()) as { config: { filter: unknown } }).config;
}

async function openFilterStep(options: { language?: 'en' | 'ru' } = {}) {
  await api.current.seedConnectedAccount();
  const view = renderApp('/setup/amocrm/filter', options);
  // Generous: the first render loads the connectors, the config and the CRM schema.
  await screen.findByRole('region', { name: options.language === 'ru' ? 'Параметры' : 'Parameters' }, { timeout: 5000 });
  return view;
}

describe('Filter step', () => {
  it('lists the CRM parameters grouped and searchable, with an empty conditions area', async () => {
    const { user } = await openFilterStep();
    const parameters = screen.getByRole('region', { name: 'Parameters' });
    expect(within(parameters).getByRole('list', { name: 'Tracking (UTM)' })).toBeInTheDocument();
    expect(within(parameters).getByRole('list', { name: 'Custom fields' })).toBeInTheDocument();
    expect(within(parameters).getByRole('button', { name: 'LANDING' })).toHaveAttribute('aria-roledescription', 'draggable');

    await user.type(within(parameters).getByRole('searchbox', { name: 'Search parameters' }), 'utm');
    await waitFor(() => expect(within(parameters).queryByRole('button', { name: 'LANDING' })).not.toBeInTheDocument());
    expect(within(parameters).getByRole('button', { name: 'utm_source' })).toBeInTheDocument();

    const conditions = screen.getByRole('region', { name: 'Conditions' });
    expect(conditions).toHaveTextContent('No conditions yet: all deals will be loaded.');
  });

  it('double-clicking a parameter adds a condition that reads Include — when LANDING — Equals — Enter value', async () => {
    const { user } = await openFilterStep();
    await user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    const condition = await screen.findByRole('group', { name: 'Condition 1: LANDING' });
    expect(within(condition).getByRole('combobox', { name: 'Include or exclude' })).toHaveDisplayValue('Include');
    expect(condition).toHaveTextContent('when');
    expect(within(condition).getByRole('combobox', { name: 'Comparison' })).toHaveDisplayValue('Equals');
    const value = within(condition).getByRole('textbox', { name: 'Value' });
    expect(value).toHaveAttribute('placeholder', 'Enter value');
    expect(value).toHaveFocus();
    expect(screen.getByText('in 1 condition')).toBeInTheDocument();
    // A name too long for its row ends in an ellipsis: the full name stays in the title (and the accessible name).
    expect(screen.getByRole('button', { name: 'LANDING' })).toHaveAttribute('title', 'LANDING');
    expect(within(condition).getByText('LANDING')).toHaveAttribute('title', 'LANDING');
  });

  it('the "Add" button adds a condition too (the non-drag alternative)', async () => {
    const { user } = await openFilterStep();
    await user.click(screen.getByRole('button', { name: 'Add utm_source as a condition' }));
    expect(await screen.findByRole('group', { name: 'Condition 1: utm_source' })).toBeInTheDocument();
    // Announced for screen readers.
    expect(screen.getByText('utm_source was added as condition 1.')).toHaveAttribute('role', 'status');
  });

  it('requires a value for value operators, hides it for Is empty, and saves the filter on Next', async () => {
    const { user, router } = await openFilterStep();
    await user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    await user.click(screen.getByRole('button', { name: 'Add utm_source as a condition' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));

    const first = screen.getByRole('group', { name: 'Condition 1: LANDING' });
    const value = within(first).getByRole('textbox', { name: 'Value' });
    await waitFor(() => expect(value).toHaveAccessibleDescription('Enter a value, or choose “Is empty” / “Is not empty”.'));
    expect(value).toHaveAttribute('aria-invalid', 'true');
    expect(value).toHaveFocus();
    expect(screen.getByText('Correct 2 highlighted fields before going on.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/setup/amocrm/filter');

    await user.type(value, 'site-42');
    await waitFor(() => expect(value).not.toHaveAttribute('aria-invalid'));

    const second = screen.getByRole('group', { name: 'Condition 2: utm_source' });
    await user.selectOptions(within(second).getByRole('combobox', { name: 'Include or exclude' }), 'Exclude');
    await user.selectOptions(within(second).getByRole('combobox', { name: 'Comparison' }), 'Is empty');
    expect(within(second).queryByRole('textbox', { name: 'Value' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Any condition' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    expect(await savedConfig()).toMatchObject({
      filter: {
        match: 'any',
        conditions: [
          { field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' },
          { field: 'UTM_SOURCE', action: 'exclude', operator: 'is_empty', value: '' },
        ],
      },
    });
  });

  it('shows the saved filter when the step is opened again, and a condition can be removed', async () => {
    await api.current.seedConnectedAccount();
    await fetch(`${window.location.origin}/api/connectors/amocrm/config`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
      body: JSON.stringify({
        schemaVersion: 2,
        connector: 'amocrm',
        filter: {
          match: 'all',
          conditions: [
            { field: 'LANDING', action: 'include', operator: 'equals', value: 'site-42' },
            { field: 'cf:1016252', action: 'exclude', operator: 'contains', value: 'VIP' },
          ],
        },
      }),
    });
    const { user, router } = renderApp('/setup/amocrm/filter');
    const first = await screen.findByRole('group', { name: 'Condition 1: LANDING' });
    expect(within(first).getByRole('textbox', { name: 'Value' })).toHaveValue('site-42');
    const second = screen.getByRole('group', { name: 'Condition 2: Тип клиента' });
    expect(within(second).getByRole('combobox', { name: 'Include or exclude' })).toHaveDisplayValue('Exclude');
    expect(screen.getByRole('radio', { name: 'All conditions' })).toHaveAttribute('aria-checked', 'true');

    await user.click(screen.getByRole('button', { name: 'Remove condition 1: LANDING' }));
    expect(screen.queryByRole('group', { name: /LANDING/ })).not.toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Condition 1: Тип клиента' })).toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: 'All conditions' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    expect(await savedConfig()).toMatchObject({
      filter: { conditions: [{ field: 'cf:1016252', action: 'exclude', operator: 'contains', value: 'VIP' }] },
    });
  });

  it('Skip goes to mapping without saving anything', async () => {
    const { user, router } = await openFilterStep();
    await user.click(screen.getByRole('button', { name: 'Skip' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    expect(puts()).toHaveLength(0);
    expect(await savedConfig()).toBeNull();
  });

  it('autosaves what is typed: after “All changes saved” a fresh app (a reload) shows the condition and its value', async () => {
    const first = await openFilterStep();
    await first.user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    await first.user.click(screen.getByRole('button', { name: 'Add utm_source as a condition' }));
    await first.user.type(within(screen.getByRole('group', { name: 'Condition 1: LANDING' })).getByRole('textbox', { name: 'Value' }), 'site-4');
    expect(await screen.findByText('All changes saved', {}, { timeout: 3000 })).toBeInTheDocument();
    // A draft may hold an empty value (Next asks for it).
    expect(await savedConfig()).toMatchObject({
      filter: {
        conditions: [
          { field: 'LANDING', operator: 'equals', value: 'site-4' },
          { field: 'UTM_SOURCE', operator: 'equals', value: '' },
        ],
      },
    });
    first.unmount();

    renderApp('/setup/amocrm/filter');
    const condition = await screen.findByRole('group', { name: 'Condition 1: LANDING' }, { timeout: 5000 });
    expect(within(condition).getByRole('textbox', { name: 'Value' })).toHaveValue('site-4');
    expect(screen.getByRole('group', { name: 'Condition 2: utm_source' })).toBeInTheDocument();
  });

  it('Skip right after typing sends the draft before leaving (nothing asks, nothing is lost)', async () => {
    const { user, router } = await openFilterStep();
    await user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    await user.type(screen.getByRole('textbox', { name: 'Value' }), 'VIP');
    await user.click(screen.getByRole('button', { name: 'Skip' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(await savedConfig()).toMatchObject({ filter: { conditions: [{ field: 'LANDING', value: 'VIP' }] } });
  });

  it('Back leads to the Connectors page (authorization would move straight on again), saving the draft first', async () => {
    const { user, router } = await openFilterStep();
    await user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    await user.type(screen.getByRole('textbox', { name: 'Value' }), 'site-42');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/connectors'));
    expect(await savedConfig()).toMatchObject({ filter: { conditions: [{ field: 'LANDING', value: 'site-42' }] } });
  });

  it('when the draft cannot be saved, says so with Try again, and leaving asks: Stay keeps the edits, Leave goes', async () => {
    const { user, router } = await openFilterStep();
    mswServer.use(
      http.put(`${window.location.origin}/api/connectors/amocrm/config`, () =>
        HttpResponse.json(
          { type: 'about:blank', title: 'Unavailable', status: 503, code: 'storage_unavailable', detail: 'The database is busy.' },
          { status: 503, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );
    await user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    expect(await screen.findByRole('alert', {}, { timeout: 3000 })).toHaveTextContent('The database is busy.');

    await user.click(screen.getByRole('button', { name: 'Skip' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Leave without saving?' });
    expect(dialog).toHaveTextContent('Your latest changes could not be saved.');
    await user.click(within(dialog).getByRole('button', { name: 'Stay' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(router.state.location.pathname).toBe('/setup/amocrm/filter');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Try again' })).toHaveFocus());
    expect(screen.getByRole('group', { name: 'Condition 1: LANDING' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Skip' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Leave' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    expect(await savedConfig()).toBeNull();
  });

  it('puts the server’s 422 field errors on the fields they point at', async () => {
    const { user, router } = await openFilterStep();
    mswServer.use(
      http.put(`${window.location.origin}/api/connectors/amocrm/config`, () =>
        HttpResponse.json(
          {
            type: 'about:blank',
            title: 'Unprocessable Content',
            status: 422,
            code: 'validation_failed',
            errors: [{ pointer: '/filter/conditions/0/value', code: 'too_big', message: 'Too big' }],
          },
          { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );
    await user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    await user.type(screen.getByRole('textbox', { name: 'Value' }), 'x');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const value = screen.getByRole('textbox', { name: 'Value' });
    await waitFor(() => expect(value).toHaveAccessibleDescription('The value is too long: at most 1000 characters.'));
    expect(screen.getByRole('alert')).toHaveTextContent('Some values are not valid and were not saved.');
    expect(router.state.location.pathname).toBe('/setup/amocrm/filter');
  });

  it('speaks Russian', async () => {
    const { user } = await openFilterStep({ language: 'ru' });
    await user.dblClick(screen.getByRole('button', { name: 'LANDING' }));
    const condition = await screen.findByRole('group', { name: 'Условие 1: LANDING' });
    expect(within(condition).getByRole('combobox', { name: 'Включить или исключить' })).toHaveDisplayValue('Включить');
    expect(within(condition).getByRole('combobox', { name: 'Сравнение' })).toHaveDisplayValue('Равно');
    expect(within(condition).getByRole('textbox', { name: 'Значение' })).toHaveAttribute('placeholder', 'Введите значение');
    expect(screen.getByRole('button', { name: 'Далее' })).toBeInTheDocument();
  });
});
