import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';

import type { CrmSchema, CrmStatus } from '@/contracts/crm-schema';
import type { MappingConfig } from '@/contracts/mapping-config';
import { mswServer, renderApp, setupRealApi } from '@/testing/test-utils';

import { buildTestCrmSchema } from '../../../../mocks/api/crm-schema-fixture';

const api = setupRealApi();

const views: Array<ReturnType<typeof renderApp>> = [];
function render(path: string, language: 'en' | 'ru' = 'en') {
  const view = renderApp(path, { language });
  views.push(view);
  return view;
}

// Unmount while the API is still up: leaving the step sends what is not saved yet; let it land.
afterEach(async () => {
  cleanup();
  await waitFor(() => expect(views.every((view) => view.queryClient.isMutating() === 0)).toBe(true));
  views.length = 0;
});

const SALES = '3177727';
const REPEAT = '3177730';

/** What the server has saved (the same document `GET /api/connectors/amocrm/config` returns). */
async function savedConfig(): Promise<MappingConfig | null> {
  const workspace = await api.current.workspaceId();
  return (await api.current.server.repo.getConnection(workspace, 'amocrm'))?.config ?? null;
}

async function savedPipeline(pipelineId: string) {
  return (await savedConfig())?.pipelines.find((pipeline) => pipeline.pipelineId === pipelineId) ?? null;
}

async function openMapping(path = '/setup/amocrm/mapping', language: 'en' | 'ru' = 'en') {
  await api.current.seedConnectedAccount();
  const view = render(path, language);
  await screen.findByRole('tabpanel', { name: language === 'en' ? 'Statuses' : 'Статусы' });
  return view;
}

async function addContainer(user: UserEvent, name: string) {
  await user.click(screen.getByRole('button', { name: 'Add container' }));
  const input = await screen.findByRole('textbox', { name: 'Container name' });
  expect(input).toHaveFocus();
  await user.clear(input);
  await user.type(input, `${name}{Enter}`);
  return screen.findByRole('group', { name });
}

async function moveVia(user: UserEvent, status: string, target: string) {
  await user.click(screen.getByRole('button', { name: `Move ${status} to…` }));
  await user.click(await screen.findByRole('menuitem', { name: target }));
}

/** A Bitrix24-like account: the default pipeline's id is '0'; the other pipelines' stage ids carry a colon (`C1:WON`). */
function bitrixSchema(): CrmSchema {
  const stage = (id: string, name: string, sort: number, kind: CrmStatus['kind'] = 'regular'): CrmStatus => ({ id, name, sort, color: '#99ccff', kind });
  return buildTestCrmSchema({
    pipelines: [
      {
        id: '0',
        name: 'Общая',
        sort: 0,
        isMain: true,
        isArchive: false,
        statuses: [stage('NEW', 'Новая', 10), stage('WON', 'Сделка успешна', 20, 'won'), stage('LOSE', 'Сделка провалена', 30, 'lost')],
      },
      {
        id: '1',
        name: 'Опт',
        sort: 1,
        isMain: false,
        isArchive: false,
        statuses: [stage('C1:NEW', 'Заявка опт', 10), stage('C1:PREPARATION', 'Счёт опт', 20), stage('C1:WON', 'Отгружено', 30, 'won'), stage('C1:LOSE', 'Отказ опт', 40, 'lost')],
      },
    ],
  });
}

const unmappedList = () => screen.getByRole('group', { name: 'Unmapped statuses' });
const statusNames = (group: HTMLElement) =>
  within(group)
    .queryAllByRole('button', { name: /./ })
    .filter((button) => button.hasAttribute('data-status-chip'))
    .map((button) => button.textContent);

// Each test drives the real API through several debounced saves: give it room on a busy CI machine.
describe('Mapping step: statuses', { timeout: 20_000 }, () => {
  it('shows the pipelines with their progress and the first pipeline’s statuses in CRM order', async () => {
    await openMapping();
    const pipelines = screen.getByRole('tablist', { name: 'Pipelines' });
    expect(within(pipelines).getByRole('tab', { name: 'Продажи' })).toHaveAttribute('aria-selected', 'true');
    expect(within(pipelines).getByRole('tab', { name: 'Продажи' })).toHaveTextContent('0 of 7 statuses mapped');
    expect(within(pipelines).getByRole('tab', { name: 'Повторные продажи' })).toHaveTextContent('0 of 4 statuses mapped');
    expect(statusNames(unmappedList())).toEqual([
      'Неразобранное',
      'Проработка заявки',
      'Расчет КП',
      'Согласование договора',
      'Акты по лицензиям выставлены',
      'Успешно реализовано',
      'Закрыто и не реализовано',
    ]);
    expect(unmappedList()).toHaveTextContent('7 statuses are not in a container yet');
  });

  it('adds, renames (Enter saves, Escape cancels, empty refused) and deletes containers; the statuses return to the list', async () => {
    const { user } = await openMapping();
    const inWork = await addContainer(user, 'In work');

    await user.click(within(inWork).getByRole('button', { name: 'Rename In work' }));
    const input = screen.getByRole('textbox', { name: 'Container name' });
    await user.clear(input);
    await user.keyboard('{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Enter a name for the container.');
    expect(input).toHaveFocus();
    await user.type(input, 'Something else{Escape}');
    expect(screen.queryByRole('textbox', { name: 'Container name' })).not.toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'In work' })).toBeInTheDocument();
    // Back on the pencil in the same commit (not a frame later, when the user may be elsewhere).
    expect(screen.getByRole('button', { name: 'Rename In work' })).toHaveFocus();

    await moveVia(user, 'Проработка заявки', 'In work');
    await moveVia(user, 'Расчет КП', 'In work');
    expect(statusNames(screen.getByRole('group', { name: 'In work' }))).toEqual(['Проработка заявки', 'Расчет КП']);
    expect(statusNames(unmappedList())).not.toContain('Проработка заявки');

    await user.click(screen.getByRole('button', { name: 'Actions for In work' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Delete container' }));
    expect(screen.queryByRole('group', { name: 'In work' })).not.toBeInTheDocument();
    expect(statusNames(unmappedList())).toContain('Проработка заявки');
    expect(statusNames(unmappedList())).toHaveLength(7);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Add container' })).toHaveFocus());
  });

  it('moves a status with "Move to…", autosaves it, and resumes it after a reload', async () => {
    const first = await openMapping();
    const { user } = first;
    await addContainer(user, 'In work');
    await moveVia(user, 'Проработка заявки', 'In work');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Проработка заявки' })).toHaveFocus());
    expect(screen.getByRole('tab', { name: 'Продажи' })).toHaveTextContent('1 of 7 statuses mapped');

    await waitFor(
      async () => {
        const saved = await savedPipeline(SALES);
        expect(saved?.containers).toEqual([expect.objectContaining({ name: 'In work', statusIds: ['32392159'], marker: null })]);
      },
      { timeout: 3000 },
    );
    expect(await screen.findByText('All changes saved')).toBeInTheDocument();

    // A reload (a fresh app on the same server) shows the same board.
    first.unmount();
    render('/setup/amocrm/mapping');
    const inWork = await screen.findByRole('group', { name: 'In work' });
    expect(statusNames(inWork)).toEqual(['Проработка заявки']);
  });

  it('moves between containers and back to the list, and sends a pending change when leaving the step', async () => {
    const { user, router } = await openMapping();
    await addContainer(user, 'In work');
    await addContainer(user, 'Offer');
    await moveVia(user, 'Проработка заявки', 'In work');
    await moveVia(user, 'Проработка заявки', 'Offer');
    expect(statusNames(screen.getByRole('group', { name: 'Offer' }))).toEqual(['Проработка заявки']);
    expect(statusNames(screen.getByRole('group', { name: 'In work' }))).toEqual([]);
    await moveVia(user, 'Проработка заявки', 'Back to the list');
    expect(statusNames(unmappedList())).toContain('Проработка заявки');
    await moveVia(user, 'Расчет КП', 'Offer');

    // Back right away, before the debounce: the change is sent on the way out.
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/filter'));
    await waitFor(async () => {
      const saved = await savedPipeline(SALES);
      expect(saved?.containers.map((container) => [container.name, container.statusIds])).toEqual([
        ['In work', []],
        ['Offer', ['32392162']],
      ]);
    });
  });

  it('a keyboard drop puts the keyboard on the dropped status at once, and never takes it back once the user has moved on', async () => {
    const { user } = await openMapping();
    await addContainer(user, 'In work');
    const chip = screen.getByRole('button', { name: 'Проработка заявки' });
    chip.focus();
    // Key events sent one by one, synchronously: nothing waits for a frame in between.
    fireEvent.keyDown(chip, { key: ' ', code: 'Space' });
    await waitFor(() => expect(chip).toHaveAttribute('aria-pressed', 'true'));
    // dnd-kit's keyboard sensor starts listening for the arrows in a zero-delay timer after the pick-up.
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    fireEvent.keyDown(chip, { key: 'ArrowRight', code: 'ArrowRight' });
    await waitFor(() => expect(screen.getByRole('group', { name: 'In work' }).closest('li')).toHaveAttribute('data-drop', 'end'));
    fireEvent.keyDown(chip, { key: ' ', code: 'Space' });

    // In the commit of the drop: the status's new element, in the container, has focus.
    const inWork = screen.getByRole('group', { name: 'In work' });
    const dropped = within(inWork).getByRole('button', { name: 'Проработка заявки' });
    expect(dropped).toHaveFocus();
    // The user moves on before the next frame; the frame leaves focus where the user put it.
    const next = screen.getByRole('button', { name: 'Расчет КП' });
    next.focus();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(next).toHaveFocus();
  });

  it('names an untouched new container after the first status dropped into it', async () => {
    const { user } = await openMapping();
    await user.click(screen.getByRole('button', { name: 'Add container' }));
    await user.keyboard('{Escape}');
    expect(screen.getByRole('group', { name: 'New container' })).toBeInTheDocument();
    await moveVia(user, 'Расчет КП', 'New container');
    expect(screen.getByRole('group', { name: 'Расчет КП' })).toBeInTheDocument();
    await moveVia(user, 'Согласование договора', 'A new container');
    expect(statusNames(screen.getByRole('group', { name: 'Согласование договора' }))).toEqual(['Согласование договора']);
  });

  it('reorders containers with Move up / Move down', async () => {
    const { user } = await openMapping();
    await addContainer(user, 'First');
    await addContainer(user, 'Second');
    const order = () => within(screen.getByRole('region', { name: /Containers/ })).getAllByRole('group').map((group) => group.getAttribute('aria-label'));
    expect(order()).toEqual(['First', 'Second']);
    const firstMenu = screen.getByRole('button', { name: 'Actions for First' });
    await user.click(firstMenu);
    expect(await screen.findByRole('menuitem', { name: 'Move up' })).toHaveAttribute('aria-disabled', 'true');
    await user.click(screen.getByRole('menuitem', { name: 'Move down' }));
    expect(order()).toEqual(['Second', 'First']);
    await waitFor(async () => expect((await savedPipeline(SALES))?.containers.map((container) => container.name)).toEqual(['Second', 'First']), {
      timeout: 3000,
    });
  });

  it('quick actions: one container per status, with 142/143 markers proposed and accepted, then Next', async () => {
    const { user, router } = await openMapping();
    await user.click(screen.getByRole('button', { name: 'One container per status' }));
    const won = screen.getByRole('group', { name: 'Успешно реализовано' });
    const lost = screen.getByRole('group', { name: 'Закрыто и не реализовано' });
    expect(statusNames(unmappedList())).toEqual([]);
    expect(unmappedList()).toHaveTextContent('Every status is in a container');
    // Proposed, not set.
    expect(within(won).getByRole('button', { name: 'Marker of Успешно реализовано: No marker' })).toBeInTheDocument();
    expect(won).toHaveTextContent('Suggested marker: Completed deal');
    expect(lost).toHaveTextContent('Suggested marker: Refusal');

    await user.click(within(won).getByRole('button', { name: 'Accept Completed deal for Успешно реализовано' }));
    await user.click(within(lost).getByRole('button', { name: 'Accept Refusal for Закрыто и не реализовано' }));
    expect(within(won).getByRole('button', { name: 'Marker of Успешно реализовано: Completed deal' })).toBeInTheDocument();
    expect(within(lost).getByRole('button', { name: 'Marker of Закрыто и не реализовано: Refusal' })).toBeInTheDocument();
    expect(won).not.toHaveTextContent('Suggested marker');
    expect(screen.getByRole('tab', { name: 'Продажи' })).toHaveTextContent('7 of 7 statuses mapped');
    expect(screen.getByRole('tab', { name: 'Продажи' })).toHaveAccessibleDescription('7 of 7 statuses mapped done');

    // The second pipeline is not mapped yet: Next says so and where to fix it.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const problems = await screen.findByRole('alert');
    expect(problems).toHaveTextContent('Finish the mapping before going on');
    expect(problems).toHaveTextContent('Повторные продажи');
    expect(problems).toHaveTextContent('4 statuses are not in a container: Неразобранное, Предложение отправлено, Успешно реализовано, Закрыто и не реализовано');
    expect(problems).not.toHaveTextContent('Продажи:');
    await user.click(within(problems).getByRole('button', { name: 'Fix Повторные продажи' }));
    expect(router.state.location.search).toContain(`pipeline=${REPEAT}`);
    expect(screen.getByRole('tab', { name: 'Повторные продажи' })).toHaveAttribute('aria-selected', 'true');

    // "Put the remaining statuses into…" and the markers finish it.
    await addContainer(user, 'Работа');
    await addContainer(user, 'Продано');
    await moveVia(user, 'Успешно реализовано', 'Продано');
    await user.click(screen.getByRole('button', { name: 'Put the remaining statuses into…' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Работа' }));
    expect(statusNames(screen.getByRole('group', { name: 'Работа' }))).toEqual([
      'Неразобранное',
      'Предложение отправлено',
      'Закрыто и не реализовано',
    ]);
    await user.click(within(screen.getByRole('group', { name: 'Продано' })).getByRole('button', { name: 'Accept Completed deal for Продано' }));
    await user.click(screen.getByRole('button', { name: 'Marker of Работа: No marker' }));
    await user.click(await screen.findByRole('menuitemradio', { name: 'Refusal' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/calculation'));
    const saved = await savedConfig();
    expect(saved?.pipelines.map((pipeline) => pipeline.pipelineId).sort()).toEqual([SALES, REPEAT].sort());
    expect(saved?.pipelines.find((pipeline) => pipeline.pipelineId === SALES)?.containers).toHaveLength(7);
    expect(saved?.pipelines.find((pipeline) => pipeline.pipelineId === REPEAT)?.containers).toEqual([
      expect.objectContaining({ name: 'Работа', statusIds: ['32392200', '32392203', '143'], marker: 'refusal' }),
      expect.objectContaining({ name: 'Продано', statusIds: ['142'], marker: 'completed' }),
    ]);
  });

  it('keeps each marker on one container: a used marker says where, and moving it asks first', async () => {
    const { user } = await openMapping();
    await user.click(screen.getByRole('button', { name: 'One container per status' }));
    await user.click(screen.getByRole('button', { name: 'Accept Completed deal for Успешно реализовано' }));

    await user.click(screen.getByRole('button', { name: 'Marker of Акты по лицензиям выставлены: No marker' }));
    const completed = await screen.findByRole('menuitemradio', { name: 'Completed deal' });
    expect(completed).toHaveAccessibleDescription('used in Успешно реализовано');
    expect(screen.getByRole('menuitemradio', { name: 'Return' })).not.toHaveAccessibleDescription();
    await user.click(completed);

    const dialog = await screen.findByRole('alertdialog', { name: 'Move the “Completed deal” marker?' });
    expect(dialog).toHaveTextContent('“Completed deal” is set on “Успешно реализовано”');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Marker of Акты по лицензиям выставлены: No marker' })).toHaveFocus());
    expect(screen.getByRole('button', { name: 'Marker of Успешно реализовано: Completed deal' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Marker of Акты по лицензиям выставлены: No marker' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Marker of Акты по лицензиям выставлены: No marker' }));
    await user.click(await screen.findByRole('menuitemradio', { name: 'Completed deal' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Move marker' }));
    expect(screen.getByRole('button', { name: 'Marker of Акты по лицензиям выставлены: Completed deal' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Marker of Акты по лицензиям выставлены: Completed deal' })).toHaveFocus());
    expect(screen.getByRole('button', { name: 'Marker of Успешно реализовано: No marker' })).toBeInTheDocument();
    // Once Completed deal is set somewhere, 142 is no longer proposed for it.
    expect(screen.getByRole('group', { name: 'Успешно реализовано' })).not.toHaveTextContent('Suggested marker');

    // The other markers and "No marker".
    await user.click(screen.getByRole('button', { name: 'Marker of Расчет КП: No marker' }));
    await user.click(await screen.findByRole('menuitemradio', { name: 'Pause in processing' }));
    await user.click(screen.getByRole('button', { name: 'Marker of Расчет КП: Pause in processing' }));
    await user.click(await screen.findByRole('menuitemradio', { name: 'No marker' }));
    expect(screen.getByRole('button', { name: 'Marker of Расчет КП: No marker' })).toBeInTheDocument();

    await waitFor(
      async () => {
        const saved = await savedPipeline(SALES);
        expect(saved?.containers.filter((container) => container.marker).map((container) => [container.name, container.marker])).toEqual([
          ['Акты по лицензиям выставлены', 'completed'],
        ]);
      },
      { timeout: 3000 },
    );
  });

  it('never snaps back on a failed save: says so with Try again, and asks before leaving unsaved changes', async () => {
    const { user, router } = await openMapping();
    let failedPuts = 0;
    mswServer.use(
      http.put('*/api/connectors/amocrm/config', () => {
        failedPuts += 1;
        return HttpResponse.json(
          { type: 'about:blank', title: 'Unavailable', status: 503, code: 'storage_unavailable', detail: 'The database is busy.' },
          { status: 503, headers: { 'Content-Type': 'application/problem+json' } },
        );
      }),
    );
    await addContainer(user, 'In work');
    await moveVia(user, 'Проработка заявки', 'In work');
    const failure = await screen.findByRole('alert', {}, { timeout: 3000 });
    expect(failure).toHaveTextContent('The database is busy.');
    expect(statusNames(screen.getByRole('group', { name: 'In work' }))).toEqual(['Проработка заявки']);
    // One autosave per pause in editing (two edits: one or two saves, as fast as the user was), none retried on its own.
    const failedAutosaves = failedPuts;
    expect(failedAutosaves).toBeGreaterThanOrEqual(1);
    expect(failedAutosaves).toBeLessThanOrEqual(2);

    // Leaving tries once more; when that fails too, it asks.
    await user.click(screen.getByRole('button', { name: 'Back' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Leave without saving?' });
    await user.click(within(dialog).getByRole('button', { name: 'Stay' }));
    expect(router.state.location.pathname).toBe('/setup/amocrm/mapping');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Try again' })).toHaveFocus());
    expect(statusNames(screen.getByRole('group', { name: 'In work' }))).toEqual(['Проработка заявки']);
    // One more on the way out, and nothing else: no retry storm.
    expect(failedPuts).toBe(failedAutosaves + 1);

    // The server is back: Try again saves the board as it is.
    mswServer.resetHandlers(...api.current.handlers);
    await user.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('All changes saved')).toBeInTheDocument();
    expect((await savedPipeline(SALES))?.containers).toEqual([expect.objectContaining({ name: 'In work', statusIds: ['32392159'] })]);
  });

  it('flags a status the CRM no longer has and lets the user take it out', async () => {
    const schema = await api.current.seedConnectedAccount();
    const workspace = await api.current.workspaceId();
    await api.current.server.repo.saveConfig(workspace, 'amocrm', 0, {
      schemaVersion: 2,
      connector: 'amocrm',
      account: schema.account,
      filter: { match: 'all', conditions: [] },
      pipelines: [{ pipelineId: SALES, containers: [{ id: 'old', name: 'Old stage', statusIds: ['999', '32392159'], marker: null }] }],
      customFields: { otherFields: [] },
      calculatedFields: [],
    });
    const { user } = render('/setup/amocrm/mapping');
    const old = await screen.findByRole('group', { name: 'Old stage' });
    expect(statusNames(old)).toEqual(['A status removed from the CRM (#999)', 'Проработка заявки']);

    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('1 status no longer exists in the CRM: take it out of its container');

    await user.click(within(old).getByRole('button', { name: 'Move A status removed from the CRM (#999) to…' }));
    const only = await screen.findAllByRole('menuitem');
    expect(only.map((item) => item.textContent)).toEqual(['Remove from the mapping']);
    await user.click(only[0]!);
    expect(statusNames(old)).toEqual(['Проработка заявки']);
    expect(screen.getByRole('alert')).not.toHaveTextContent('no longer exists');
  });

  it('keeps the section and the pipeline in the URL', async () => {
    const { user, router } = await openMapping(`/setup/amocrm/mapping?pipeline=${REPEAT}`);
    expect(screen.getByRole('tab', { name: 'Повторные продажи' })).toHaveAttribute('aria-selected', 'true');
    expect(statusNames(unmappedList())).toHaveLength(4);
    await user.click(screen.getByRole('tab', { name: 'Продажи' }));
    expect(router.state.location.search).toContain(`pipeline=${SALES}`);
    await user.click(screen.getByRole('tab', { name: 'Custom fields' }));
    expect(router.state.location.search).toContain('section=fields');
    expect(screen.getByRole('group', { name: 'Other fields' })).toBeInTheDocument();
  });

  it('speaks Russian', async () => {
    const { user } = await openMapping('/setup/amocrm/mapping', 'ru');
    expect(screen.getByRole('tab', { name: 'Статусы' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'Кастомные поля' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Продажи' })).toHaveTextContent('Сопоставлено 0 из 7 статусов');
    expect(screen.getByRole('group', { name: 'Статусы без контейнера' })).toHaveTextContent('7 статусов ещё не в контейнерах');
    await user.click(screen.getByRole('button', { name: 'Контейнер на каждый статус' }));
    expect(screen.getByRole('group', { name: 'Успешно реализовано' })).toHaveTextContent('Предлагаемый маркер: Завершённая сделка');
    expect(screen.getByRole('button', { name: 'Маркер Неразобранное: Без маркера' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Маркер Неразобранное: Без маркера' }));
    for (const marker of ['Завершённая сделка', 'Отказ', 'Возврат', 'Пауза в обработке']) {
      expect(await screen.findByRole('menuitemradio', { name: marker })).toBeInTheDocument();
    }
  });

  it('Bitrix24 ids: pipeline "0" is a pipeline like any other; stage ids with a colon move, keep the keyboard and are saved as they are', async () => {
    const schema = bitrixSchema();
    await api.current.seedConnectedAccount(schema);
    const workspace = await api.current.workspaceId();
    // Pipeline "0" is mapped already, so without ?pipeline= the step opens the first unfinished one ("1").
    await api.current.server.repo.saveConfig(workspace, 'amocrm', 0, {
      schemaVersion: 2,
      connector: 'amocrm',
      account: schema.account,
      filter: { match: 'all', conditions: [] },
      pipelines: [
        {
          pipelineId: '0',
          containers: [
            { id: 'n', name: 'Новая', statusIds: ['NEW'], marker: null },
            { id: 'w', name: 'Успех', statusIds: ['WON'], marker: 'completed' },
            { id: 'l', name: 'Отказ', statusIds: ['LOSE'], marker: 'refusal' },
          ],
        },
      ],
      customFields: { otherFields: [] },
      calculatedFields: [],
    });
    const { user, router } = render('/setup/amocrm/mapping?pipeline=0');
    await screen.findByRole('tabpanel', { name: 'Statuses' });
    expect(screen.getByRole('tab', { name: 'Общая' })).toHaveAttribute('aria-selected', 'true');
    expect(router.state.location.search).toContain('pipeline=0');
    expect(screen.getByRole('tab', { name: 'Общая' })).toHaveTextContent('3 of 3 statuses mapped');

    await user.click(screen.getByRole('tab', { name: 'Опт' }));
    expect(router.state.location.search).toContain('pipeline=1');
    expect(statusNames(unmappedList())).toEqual(['Заявка опт', 'Счёт опт', 'Отгружено', 'Отказ опт']);
    await addContainer(user, 'В работе');
    // "Move to…": the keyboard follows the status to its new place (found by data-status-id="C1:NEW").
    await moveVia(user, 'Заявка опт', 'В работе');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Заявка опт' })).toHaveFocus());

    // A keyboard drop: the dropped status has the keyboard in the commit of the drop.
    const chip = screen.getByRole('button', { name: 'Счёт опт' });
    chip.focus();
    fireEvent.keyDown(chip, { key: ' ', code: 'Space' });
    await waitFor(() => expect(chip).toHaveAttribute('aria-pressed', 'true'));
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    fireEvent.keyDown(chip, { key: 'ArrowRight', code: 'ArrowRight' });
    fireEvent.keyDown(chip, { key: 'ArrowDown', code: 'ArrowDown' });
    await waitFor(() => expect(screen.getByRole('group', { name: 'В работе' }).closest('li')).toHaveAttribute('data-drop', 'end'));
    fireEvent.keyDown(chip, { key: ' ', code: 'Space' });
    const inWork = screen.getByRole('group', { name: 'В работе' });
    expect(within(inWork).getByRole('button', { name: 'Счёт опт' })).toHaveFocus();
    expect(statusNames(inWork)).toEqual(['Заявка опт', 'Счёт опт']);

    await waitFor(
      async () => {
        expect((await savedPipeline('1'))?.containers).toEqual([expect.objectContaining({ name: 'В работе', statusIds: ['C1:NEW', 'C1:PREPARATION'] })]);
      },
      { timeout: 3000 },
    );
    expect((await savedPipeline('0'))?.containers).toHaveLength(3);

    // Back to pipeline "0" by its tab: selected, and in the URL.
    await user.click(screen.getByRole('tab', { name: 'Общая' }));
    expect(router.state.location.search).toContain('pipeline=0');
    expect(screen.getByRole('tab', { name: 'Общая' })).toHaveAttribute('aria-selected', 'true');
  });
});
