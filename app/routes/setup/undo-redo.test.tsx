import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { MappingConfig } from '@/contracts/mapping-config';
import { useHistoryStore } from '@/stores/history-store';
import { mswServer, renderApp, setupRealApi } from '@/testing/test-utils';

import { TEST_ACCOUNT } from '../../../mocks/api/crm-schema-fixture';

/**
 * Undo and Redo in the wizard's chrome, through the real API behind MSW: what each state saves
 * (the PUT bodies as they leave the page), the shortcuts and where they do nothing, the
 * buttons' states and descriptions, and what a screen reader hears.
 */

const api = setupRealApi();

const views: Array<ReturnType<typeof renderApp>> = [];
function render(path: string, language: 'en' | 'ru' = 'en') {
  const view = renderApp(path, { language });
  views.push(view);
  return view;
}

// The history lives in memory for the tab: each test starts without one.
beforeEach(() => useHistoryStore.setState({ stacks: {} }));
// Unmount while the API is still up: leaving the step sends what is not saved yet; let it land.
afterEach(async () => {
  cleanup();
  await waitFor(() => expect(views.every((view) => view.queryClient.isMutating() === 0)).toBe(true));
  views.length = 0;
});

const SALES = '3177727';
const ZAYAVKA = '32392159'; // «Проработка заявки»
const CONFIG_URL = () => `${window.location.origin}/api/connectors/amocrm/config`;

/** A saved draft of «Продажи» with two containers, none holding «Проработка заявки». */
async function seedDraft(names: { work: string; deal: string } = { work: 'In work', deal: 'Deal' }) {
  await api.current.seedConnectedAccount();
  const response = await fetch(CONFIG_URL(), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify({
      schemaVersion: 2,
      connector: 'amocrm',
      account: TEST_ACCOUNT,
      pipelines: [
        {
          pipelineId: SALES,
          containers: [
            { id: 'work', name: names.work, statusIds: ['32392162'], marker: null },
            { id: 'deal', name: names.deal, statusIds: ['142'], marker: 'completed' },
          ],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
}

/** Every configuration the page PUTs, as sent (then passed on to the real API, or failed). */
function watchPuts(options: { fail?: () => boolean } = {}) {
  const bodies: MappingConfig[] = [];
  mswServer.use(
    http.put(CONFIG_URL(), async ({ request }) => {
      bodies.push((await request.clone().json()) as MappingConfig);
      return options.fail?.() ? HttpResponse.json({ title: 'Unavailable' }, { status: 503 }) : undefined;
    }),
  );
  return bodies;
}

/** Where «Проработка заявки» is in a sent configuration: the container's name, or null when in none. */
function homeIn(config: MappingConfig | undefined): string | null {
  const board = config?.pipelines.find((pipeline) => pipeline.pipelineId === SALES);
  return board?.containers.find((container) => container.statusIds.includes(ZAYAVKA))?.name ?? null;
}

async function openMapping(language: 'en' | 'ru' = 'en') {
  const view = render(`/setup/amocrm/mapping?pipeline=${SALES}`, language);
  await screen.findByRole('tabpanel', { name: language === 'en' ? 'Statuses' : 'Статусы' });
  return view;
}

async function moveVia(user: UserEvent, status: string, target: string) {
  await user.click(screen.getByRole('button', { name: `Move ${status} to…` }));
  await user.click(await screen.findByRole('menuitem', { name: target }));
}

const undoButton = () => screen.getByRole('button', { name: /^(Undo|Отменить)$/ });
const redoButton = () => screen.getByRole('button', { name: /^(Redo|Повторить)$/ });
const inContainer = (name: string, status = 'Проработка заявки') => within(screen.getByRole('group', { name })).queryByRole('button', { name: status });
const unmapped = () => screen.getByRole('group', { name: 'Unmapped statuses' });
const saved = () => screen.findByText('All changes saved', {}, { timeout: 3000 });
/** The last PUT, once it is the `count`-th (a save is debounced). */
async function putNumber(bodies: MappingConfig[], count: number) {
  await waitFor(() => expect(bodies).toHaveLength(count), { timeout: 3000 });
  return bodies[count - 1];
}

describe('undo and redo in the wizard', () => {
  it('a moved status undone and redone: the board and the saved configuration follow each state', async () => {
    await seedDraft();
    const { user } = await openMapping();
    const puts = watchPuts();

    await moveVia(user, 'Проработка заявки', 'In work');
    expect(homeIn(await putNumber(puts, 1))).toBe('In work');
    await saved();

    await user.click(undoButton());
    expect(within(unmapped()).getByRole('button', { name: 'Проработка заявки' })).toBeInTheDocument();
    expect(inContainer('In work')).toBeNull();
    const undone = await putNumber(puts, 2);
    expect(homeIn(undone)).toBeNull();
    // Only the undone status moved back: the rest of the board is as it was.
    expect(undone?.pipelines.find((pipeline) => pipeline.pipelineId === SALES)?.containers.map((c) => [c.name, c.statusIds, c.marker])).toEqual([
      ['In work', ['32392162'], null],
      ['Deal', ['142'], 'completed'],
    ]);
    await saved();

    await user.click(redoButton());
    expect(inContainer('In work')).not.toBeNull();
    expect(homeIn(await putNumber(puts, 3))).toBe('In work');
    await saved();

    // What the server holds now is the redone state, as a reload would read it.
    const workspace = await api.current.workspaceId();
    const stored = (await api.current.server.repo.getConnection(workspace, 'amocrm'))?.config;
    expect(homeIn(stored ?? undefined)).toBe('In work');
  });

  it('the buttons are disabled with nothing to undo or redo and say what they would undo; a new change clears Redo', async () => {
    await seedDraft();
    const { user } = await openMapping();
    expect(undoButton()).toBeDisabled();
    expect(redoButton()).toBeDisabled();
    expect(undoButton()).toHaveAccessibleDescription('Nothing to undo');

    await moveVia(user, 'Проработка заявки', 'In work');
    expect(undoButton()).toBeEnabled();
    expect(undoButton()).toHaveAccessibleDescription('Undo: move “Проработка заявки” to “In work” (Ctrl+Z)');
    expect(redoButton()).toBeDisabled();

    await user.click(undoButton());
    expect(undoButton()).toBeDisabled();
    expect(redoButton()).toBeEnabled();
    expect(redoButton()).toHaveAccessibleDescription('Redo: move “Проработка заявки” to “In work” (Ctrl+Shift+Z)');
    // Focus does not fall to the page when the pressed button turns disabled.
    await waitFor(() => expect(redoButton()).toHaveFocus());

    await moveVia(user, 'Расчет КП', 'Deal');
    expect(redoButton()).toBeDisabled();
    expect(undoButton()).toHaveAccessibleDescription('Undo: move “Расчет КП” to “Deal” (Ctrl+Z)');
  });

  it('in Russian the buttons and their descriptions are Russian', async () => {
    await seedDraft({ work: 'В работе', deal: 'Сделка' });
    const { user } = await openMapping('ru');
    await user.click(screen.getByRole('button', { name: 'Переместить Проработка заявки в…' }));
    await user.click(await screen.findByRole('menuitem', { name: 'В работе' }));
    expect(undoButton()).toHaveAccessibleDescription('Отменить: перемещение «Проработка заявки» в «В работе» (Ctrl+Z)');
    await user.click(undoButton());
    expect(await screen.findByText('Отменено: перемещение «Проработка заявки» в «В работе»')).toBeInTheDocument();
  });

  it('Ctrl+Z undoes and Ctrl+Shift+Z and Ctrl+Y redo, from anywhere on the page but a text field', async () => {
    await seedDraft();
    const { user } = await openMapping();
    const puts = watchPuts();
    await moveVia(user, 'Проработка заявки', 'In work');
    await saved();

    // Focus on a button of the board (a status): the shortcut is the wizard's.
    screen.getByRole('button', { name: 'Расчет КП' }).focus();
    await user.keyboard('{Control>}z{/Control}');
    expect(inContainer('In work')).toBeNull();
    expect(homeIn(await putNumber(puts, 2))).toBeNull();

    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    expect(inContainer('In work')).not.toBeNull();
    await user.keyboard('{Control>}z{/Control}');
    expect(inContainer('In work')).toBeNull();
    await user.keyboard('{Control>}y{/Control}');
    expect(inContainer('In work')).not.toBeNull();
    // On a Mac, Cmd+Z.
    await user.keyboard('{Meta>}z{/Meta}');
    expect(inContainer('In work')).toBeNull();
  });

  it('Ctrl+Z in a text field is the field’s own: the board does not change', async () => {
    await seedDraft();
    const { user } = await openMapping();
    await moveVia(user, 'Проработка заявки', 'In work');

    // The container's name being edited: a text field.
    await user.click(screen.getByRole('button', { name: 'Rename In work' }));
    const input = await screen.findByRole('textbox', { name: 'Container name' });
    expect(input).toHaveFocus();
    await user.keyboard('{Control>}z{/Control}');
    expect(within(unmapped()).queryByRole('button', { name: 'Проработка заявки' })).toBeNull();
    expect(undoButton()).toBeEnabled();
    expect(screen.queryByText(/^Undone:/)).toBeNull();
    await user.keyboard('{Escape}');

    // An open menu (Move to…) keeps its keys too.
    await user.click(screen.getByRole('button', { name: 'Move Расчет КП to…' }));
    await screen.findByRole('menu');
    await user.keyboard('{Control>}z{/Control}');
    expect(screen.queryByText(/^Undone:/)).toBeNull();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    expect(inContainer('In work')).not.toBeNull();
    expect(undoButton()).toBeEnabled();
  });

  it('the screen reader hears what was undone and redone', async () => {
    await seedDraft();
    const { user } = await openMapping();
    await moveVia(user, 'Проработка заявки', 'In work');
    await user.click(undoButton());
    const announcement = await screen.findByText('Undone: move “Проработка заявки” to “In work”');
    expect(announcement).toHaveAttribute('role', 'status');
    await user.click(redoButton());
    await waitFor(() => expect(announcement.textContent?.trim()).toBe('Redone: move “Проработка заявки” to “In work”'));
    // The same sentence twice in a row is heard twice: the region's text still changes.
    await user.keyboard('{Control>}y{/Control}');
    await waitFor(() => expect(announcement.textContent?.trim()).toBe('Nothing to redo'));
    const first = announcement.textContent;
    await user.keyboard('{Control>}y{/Control}');
    await waitFor(() => expect(announcement.textContent).not.toBe(first));
    expect(announcement.textContent?.trim()).toBe('Nothing to redo');
  });

  it('an undo whose save fails shows as any failed save, and Try again saves the undone state', async () => {
    await seedDraft();
    const { user } = await openMapping();
    let failing = false;
    const puts = watchPuts({ fail: () => failing });
    await moveVia(user, 'Проработка заявки', 'In work');
    await saved();

    failing = true;
    await user.click(undoButton());
    await screen.findByRole('button', { name: 'Try again' }, { timeout: 3000 });
    failing = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await saved();
    expect(homeIn(puts.at(-1))).toBeNull();
  });

  it('each step keeps its history when the user goes to another step and back', async () => {
    await seedDraft();
    const { user, router } = await openMapping();
    await moveVia(user, 'Проработка заявки', 'In work');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/filter'));
    // The filter has its own history: nothing to undo there.
    await waitFor(() => expect(undoButton()).toBeDisabled());

    await router.navigate(`/setup/amocrm/mapping?pipeline=${SALES}`);
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    await screen.findByRole('tabpanel', { name: 'Statuses' }, { timeout: 3000 });
    expect(undoButton()).toHaveAccessibleDescription('Undo: move “Проработка заявки” to “In work” (Ctrl+Z)');
    await user.click(undoButton());
    expect(inContainer('In work')).toBeNull();
  });

  it('on the Filter step, an added condition is undone and redone, and what is typed in its value is one step', async () => {
    await api.current.seedConnectedAccount();
    const { user } = render('/setup/amocrm/filter');
    await screen.findByRole('region', { name: 'Parameters' }, { timeout: 5000 });
    const puts = watchPuts();

    await user.click(screen.getByRole('button', { name: 'Add utm_source as a condition' }));
    await screen.findByRole('group', { name: 'Condition 1: utm_source' });
    expect(undoButton()).toHaveAccessibleDescription('Undo: add the condition on “utm_source” (Ctrl+Z)');
    await user.type(screen.getByRole('textbox', { name: /value/i }), 'ads');
    expect(undoButton()).toHaveAccessibleDescription('Undo: change the condition on “utm_source” (Ctrl+Z)');
    await saved();

    // The typing is one step: Undo empties the value, the condition stays.
    await user.click(undoButton());
    expect(screen.getByRole('textbox', { name: /value/i })).toHaveValue('');
    expect(undoButton()).toHaveAccessibleDescription('Undo: add the condition on “utm_source” (Ctrl+Z)');
    // The form showing the undone filter is not a new change: Redo is still there.
    expect(redoButton()).toBeEnabled();
    await user.click(undoButton());
    await waitFor(() => expect(screen.queryByRole('group', { name: 'Condition 1: utm_source' })).toBeNull());
    await waitFor(() => expect(puts.at(-1)?.filter.conditions).toEqual([]), { timeout: 3000 });
    expect(redoButton()).toBeEnabled();

    await user.click(redoButton());
    await user.click(redoButton());
    expect(await screen.findByRole('textbox', { name: /value/i })).toHaveValue('ads');
    await waitFor(() => expect(puts.at(-1)?.filter.conditions).toMatchObject([{ field: 'UTM_SOURCE', value: 'ads' }]), { timeout: 3000 });
  });

  it('on the Calculation step, an added calculated field is undone and redone', async () => {
    await seedDraft();
    const complete = {
      pipelineId: SALES,
      containers: [
        { id: 'a', name: 'В работе', statusIds: ['32392156', '32392159', '32392162', '32392165', '32392168'], marker: null },
        { id: 'b', name: 'Успех', statusIds: ['142'], marker: 'completed' },
        { id: 'c', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
      ],
    };
    const repeat = {
      pipelineId: '3177730',
      containers: [
        { id: 'd', name: 'В работе', statusIds: ['32392200', '32392203'], marker: null },
        { id: 'e', name: 'Успех', statusIds: ['142'], marker: 'completed' },
        { id: 'f', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
      ],
    };
    const response = await fetch(CONFIG_URL(), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-Match': '"1"' },
      body: JSON.stringify({ schemaVersion: 2, connector: 'amocrm', account: TEST_ACCOUNT, pipelines: [complete, repeat] }),
    });
    expect(response.status).toBe(200);
    const { user } = render('/setup/amocrm/calculation');
    await screen.findByRole('region', { name: 'Numeric fields' }, { timeout: 5000 });
    const puts = watchPuts();

    await user.click(screen.getByRole('button', { name: 'Add Себестоимость as a new calculated field' }));
    const card = await screen.findByRole('group', { name: 'Calculated field 1' });
    // Unnamed, the field is not in the draft yet: nothing to undo.
    expect(undoButton()).toBeDisabled();
    await user.type(within(card).getByRole('textbox', { name: 'Name' }), 'Cost');
    await waitFor(() => expect(puts.at(-1)?.calculatedFields).toMatchObject([{ name: 'Cost' }]), { timeout: 3000 });
    // Adding it and typing its name is one step.
    expect(undoButton()).toHaveAccessibleDescription('Undo: add the calculated field “Cost” (Ctrl+Z)');

    await user.click(undoButton());
    expect(screen.queryByRole('group', { name: /^Calculated field 1/ })).toBeNull();
    await waitFor(() => expect(puts.at(-1)?.calculatedFields).toEqual([]), { timeout: 3000 });
    expect(undoButton()).toBeDisabled();
    await user.click(redoButton());
    expect(await screen.findByRole('group', { name: 'Calculated field 1: Cost' })).toBeInTheDocument();
    await waitFor(() => expect(puts.at(-1)?.calculatedFields).toMatchObject([{ name: 'Cost' }]), { timeout: 3000 });
  });

  it('Reset settings clears the history: nothing of the old mapping can be undone back in', async () => {
    await seedDraft();
    const { user, router } = await openMapping();
    await moveVia(user, 'Проработка заявки', 'In work');
    expect(undoButton()).toBeEnabled();

    await router.navigate('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' }, { timeout: 3000 });
    await user.click(await within(amo).findByRole('button', { name: 'Connector actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Reset settings' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Reset the amoCRM settings?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset settings' }));
    await within(amo).findByRole('link', { name: 'Continue setup' });

    await router.navigate(`/setup/amocrm/mapping?pipeline=${SALES}`);
    await screen.findByRole('tabpanel', { name: 'Statuses' }, { timeout: 3000 });
    expect(undoButton()).toBeDisabled();
    expect(redoButton()).toBeDisabled();
  });

  it('Ctrl+Z during a drag does nothing: the board does not change under the status being moved', async () => {
    await seedDraft();
    const { user } = await openMapping();
    await moveVia(user, 'Проработка заявки', 'In work');
    const chip = screen.getByRole('button', { name: 'Расчет КП' });
    chip.focus();
    fireEvent.keyDown(chip, { key: ' ', code: 'Space' });
    await waitFor(() => expect(chip).toHaveAttribute('aria-pressed', 'true'));
    fireEvent.keyDown(chip, { key: 'z', code: 'KeyZ', ctrlKey: true });
    expect(inContainer('In work')).not.toBeNull();
    expect(screen.queryByText(/^Undone:/)).toBeNull();
    fireEvent.keyDown(chip, { key: 'Escape', code: 'Escape' });
    await waitFor(() => expect(chip).not.toHaveAttribute('aria-pressed', 'true'));
    // After the drag, the same keys undo again.
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'z', code: 'KeyZ', ctrlKey: true });
    expect(inContainer('In work')).toBeNull();
  });

  it('a field added to Other fields is undone from the Statuses tab: the Custom fields tab opens with it gone, and the save has it gone', async () => {
    await seedDraft();
    const { user, router } = render(`/setup/amocrm/mapping?pipeline=${SALES}&section=fields`);
    const other = await screen.findByRole('group', { name: 'Other fields' }, { timeout: 3000 });
    const puts = watchPuts();
    await user.click(screen.getByRole('button', { name: 'Add LANDING to Other fields' }));
    await waitFor(() => expect(within(other).getByText('LANDING')).toBeInTheDocument());
    expect(undoButton()).toHaveAccessibleDescription('Undo: add “LANDING” to Other fields (Ctrl+Z)');
    await waitFor(() => expect(puts.at(-1)?.customFields.otherFields).toHaveLength(1), { timeout: 3000 });

    await user.click(screen.getByRole('tab', { name: 'Statuses' }));
    await user.click(undoButton());
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('section')).toBe('fields'));
    expect(within(screen.getByRole('group', { name: 'Other fields' })).queryByText('LANDING')).toBeNull();
    await waitFor(() => expect(puts.at(-1)?.customFields.otherFields).toEqual([]), { timeout: 3000 });
  });

  it('on a Mac the tooltips name ⌘Z and ⇧⌘Z', async () => {
    const platform = vi.spyOn(navigator, 'platform', 'get').mockReturnValue('MacIntel');
    try {
      await seedDraft();
      const { user } = await openMapping();
      await moveVia(user, 'Проработка заявки', 'In work');
      expect(undoButton()).toHaveAccessibleDescription('Undo: move “Проработка заявки” to “In work” (⌘Z)');
      await user.click(undoButton());
      expect(redoButton()).toHaveAccessibleDescription('Redo: move “Проработка заявки” to “In work” (⇧⌘Z)');
    } finally {
      platform.mockRestore();
    }
  });
});
