import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CrmSchema, CrmStatus } from '@/contracts/crm-schema';
import type { MappingConfig, PipelineMapping } from '@/contracts/mapping-config';
import { useHistoryStore } from '@/stores/history-store';
import { renderApp, setupRealApi } from '@/testing/test-utils';

import { buildTestCrmSchema, TEST_ACCOUNT } from '../../../../mocks/api/crm-schema-fixture';

/**
 * "Apply this mapping to…" on the Mapping step, through the real API behind MSW: the dialog's
 * choice and preview, applying (the boards, the saved draft, what a screen reader hears) and one
 * undo taking every target back.
 */

const api = setupRealApi();

const views: Array<ReturnType<typeof renderApp>> = [];
function render(path: string, language: 'en' | 'ru' = 'en') {
  const view = renderApp(path, { language });
  views.push(view);
  return view;
}

beforeEach(() => useHistoryStore.setState({ stacks: {} }));
afterEach(async () => {
  cleanup();
  await waitFor(() => expect(views.every((view) => view.queryClient.isMutating() === 0)).toBe(true));
  views.length = 0;
});

const SALES = '1';
const REPEAT = '2';
const WHOLESALE = '3';
const stage = (id: string, name: string, sort: number, kind: CrmStatus['kind'] = 'regular'): CrmStatus => ({ id, name, sort, color: '#99ccff', kind });

/** Three amoCRM pipelines: «Повторные продажи» shares two names and renamed 142; «Опт» shares none and is mapped already. */
function schema(): CrmSchema {
  const pipeline = (id: string, name: string, statuses: CrmStatus[]) => ({ id, name, sort: Number(id), isMain: id === SALES, isArchive: false, statuses });
  return buildTestCrmSchema({
    pipelines: [
      pipeline(SALES, 'Продажи', [
        stage('10', 'Неразобранное', 1, 'unsorted'),
        stage('11', 'Проработка заявки', 10),
        stage('12', 'Расчет КП', 20),
        stage('142', 'Успешно реализовано', 10000, 'won'),
        stage('143', 'Закрыто и не реализовано', 11000, 'lost'),
      ]),
      pipeline(REPEAT, 'Повторные продажи', [
        stage('20', 'Неразобранное', 1, 'unsorted'),
        stage('21', 'проработка  заявки', 10),
        stage('22', 'Предложение отправлено', 20),
        stage('142', 'Оплачено', 10000, 'won'),
        stage('143', 'Закрыто и не реализовано', 11000, 'lost'),
      ]),
      pipeline(WHOLESALE, 'Опт', [stage('30', 'Входящие', 1, 'unsorted'), stage('31', 'Совсем другое', 10), stage('142', 'Отгружено', 10000, 'won'), stage('143', 'Отказ опт', 11000, 'lost')]),
    ],
  });
}

const SALES_BOARD: PipelineMapping = {
  pipelineId: SALES,
  containers: [
    { id: 'leads', name: 'Лиды', statusIds: ['10', '11'], marker: null },
    { id: 'offer', name: 'КП', statusIds: ['12'], marker: null },
    { id: 'won', name: 'Продажа', statusIds: ['142'], marker: 'completed' },
    { id: 'lost', name: 'Отказ', statusIds: ['143'], marker: 'refusal' },
  ],
};
const WHOLESALE_BOARD: PipelineMapping = { pipelineId: WHOLESALE, containers: [{ id: 'all', name: 'Всё', statusIds: ['30', '31', '142', '143'], marker: null }] };

async function savedConfig(): Promise<MappingConfig | null> {
  const workspace = await api.current.workspaceId();
  return (await api.current.server.repo.getConnection(workspace, 'amocrm'))?.config ?? null;
}
const savedBoard = async (pipelineId: string) => (await savedConfig())?.pipelines.find((pipeline) => pipeline.pipelineId === pipelineId) ?? null;

async function seed(pipelines: PipelineMapping[]) {
  await api.current.seedConnectedAccount(schema());
  const response = await fetch(`${window.location.origin}/api/connectors/amocrm/config`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify({ schemaVersion: 2, connector: 'amocrm', account: TEST_ACCOUNT, pipelines }),
  });
  expect(response.status).toBe(200);
}

async function openMapping(pipelineId = SALES, language: 'en' | 'ru' = 'en') {
  const view = render(`/setup/amocrm/mapping?pipeline=${pipelineId}`, language);
  await screen.findByRole('tabpanel', { name: language === 'en' ? 'Statuses' : 'Статусы' });
  return view;
}

const containerNames = () =>
  screen
    .getAllByRole('group')
    .filter((group) => group.closest('ol'))
    .map((group) => group.getAttribute('aria-label') ?? '');

describe('Apply this mapping to…', { timeout: 20_000 }, () => {
  it('previews per target what matches before anything changes, applies, saves, announces, and one undo takes every target back', async () => {
    await seed([SALES_BOARD, WHOLESALE_BOARD]);
    const { user } = await openMapping();
    await user.click(screen.getByRole('button', { name: 'Apply this mapping to…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Apply the mapping of “Продажи”' });

    // The other pipelines only, with their state; a search narrows the list.
    const list = within(dialog).getByRole('group', { name: /Pipelines to apply it to/ });
    expect(within(list).getAllByRole('checkbox').map((box) => box.closest('label')?.textContent)).toEqual([
      'Повторные продажиnot mapped yet',
      'Оптmapped: 1 container, will be replaced',
    ]);
    await user.type(within(dialog).getByRole('searchbox', { name: 'Find a pipeline' }), '  ПОВТОР');
    expect(within(list).getAllByRole('checkbox')).toHaveLength(1);
    expect(within(dialog).getByRole('button', { name: 'Apply' })).toBeDisabled();
    expect(dialog).toHaveTextContent('Choose pipelines to see what will match in each.');
    // By keyboard: Space on the focused checkbox.
    within(list).getByRole('checkbox', { name: /Повторные продажи/ }).focus();
    await user.keyboard(' ');
    await user.clear(within(dialog).getByRole('searchbox', { name: 'Find a pipeline' }));
    await user.click(within(list).getByRole('checkbox', { name: /Опт/ }));

    const preview = within(dialog).getByRole('region', { name: 'Preview' });
    const repeat = await waitFor(() => {
      const found = preview.querySelector<HTMLElement>(`[data-target="${REPEAT}"]`);
      expect(found).not.toBeNull();
      return found!;
    });
    expect(repeat).toHaveTextContent('3 containers · 4 statuses matched · 1 without a match · 1 left unmapped');
    await user.click(within(repeat).getByText('Повторные продажи'));
    expect(repeat).toHaveTextContent('Лиды: Неразобранное (by name), проработка заявки (by name)');
    expect(repeat).toHaveTextContent('Продажа (Completed deal): Оплачено (by meaning)');
    expect(repeat).toHaveTextContent('Not created: none of their statuses is in this pipelineКП');
    expect(repeat).toHaveTextContent('Statuses without a match hereРасчет КП');
    expect(repeat).toHaveTextContent('Its statuses left unmappedПредложение отправлено');
    const wholesale = preview.querySelector<HTMLElement>(`[data-target="${WHOLESALE}"]`)!;
    expect(wholesale).toHaveTextContent('3 containers · 3 statuses matched · 2 without a match · 1 left unmapped');
    expect(wholesale).toHaveTextContent('Its current mapping (1 container) will be replaced.');
    expect(dialog).toHaveTextContent('1 of the chosen pipelines already has a mapping: it will be replaced. You can undo this.');
    // Nothing changed yet.
    expect(await savedBoard(REPEAT)).toBeNull();

    await user.click(within(dialog).getByRole('button', { name: 'Apply to 2 pipelines' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByText('The mapping of “Продажи” was applied to 2 pipelines. 2 statuses there are still unmapped.')).toHaveAttribute('role', 'status');
    expect(screen.getByRole('button', { name: 'Apply this mapping to…' })).toHaveFocus();
    await waitFor(async () => {
      expect((await savedBoard(REPEAT))?.containers.map((container) => [container.name, container.statusIds, container.marker])).toEqual([
        ['Лиды', ['20', '21'], null],
        ['Продажа', ['142'], 'completed'],
        ['Отказ', ['143'], 'refusal'],
      ]);
      expect((await savedBoard(WHOLESALE))?.containers.map((container) => [container.name, container.statusIds])).toEqual([
        ['Лиды', ['30']],
        ['Продажа', ['142']],
        ['Отказ', ['143']],
      ]);
    });
    // The target's board on screen.
    await user.click(screen.getByRole('tab', { name: 'Повторные продажи' }));
    await waitFor(() => expect(containerNames()).toEqual(['Лиды', 'Продажа', 'Отказ']));

    // One undo (Ctrl+Z) takes both back: «Опт» to its own mapping, «Повторные продажи» to none.
    const undo = screen.getByRole('button', { name: 'Undo' });
    expect(undo).toHaveAttribute('title', expect.stringContaining('apply the mapping of “Продажи” to 2 pipelines'));
    fireEvent.keyDown(document.body, { key: 'z', code: 'KeyZ', ctrlKey: true });
    await waitFor(() => expect(containerNames()).toEqual([]));
    await waitFor(async () => {
      expect(await savedBoard(REPEAT)).toBeNull();
      expect((await savedBoard(WHOLESALE))?.containers).toEqual(WHOLESALE_BOARD.containers);
      expect((await savedBoard(SALES))?.containers).toEqual(SALES_BOARD.containers);
    });
    expect(screen.getByRole('button', { name: 'Undo' })).toBeDisabled();
  });

  it('is offered on a mapped pipeline only; Escape closes the dialog without a change', async () => {
    await seed([SALES_BOARD]);
    const { user } = await openMapping(REPEAT, 'ru');
    expect(screen.getByRole('button', { name: 'Применить к другим воронкам…' })).toBeDisabled();
    await user.click(screen.getByRole('tab', { name: 'Продажи' }));
    await user.click(await screen.findByRole('button', { name: 'Применить к другим воронкам…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Применить сопоставление «Продажи»' });
    await user.click(within(dialog).getByRole('button', { name: 'Выбрать все показанные' }));
    expect(within(dialog).getByRole('button', { name: 'Применить к 2 воронкам' })).toBeEnabled();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(useHistoryStore.getState().stacks).toEqual({});
    expect((await savedConfig())?.pipelines.map((pipeline) => pipeline.pipelineId)).toEqual([SALES]);
  });
});
