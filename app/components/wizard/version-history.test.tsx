import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { configEnvelopeSchema, type MappingConfig } from '@/contracts/mapping-config';
import { renderApp, setupRealApi } from '@/testing/test-utils';

import { TEST_ACCOUNT } from '../../../mocks/api/crm-schema-fixture';

/**
 * The History panel through the real API behind MSW (mocks/api/bridge.ts forwards every
 * /api/* request, the versions endpoints among them): the list, a version's difference from the
 * current draft, Restore (the server's draft, the board on screen, the list read again, what a
 * screen reader hears) and focus going back to the button.
 */

const api = setupRealApi();
const views: Array<ReturnType<typeof renderApp>> = [];
afterEach(async () => {
  cleanup();
  await waitFor(() => expect(views.every((view) => view.queryClient.isMutating() === 0)).toBe(true));
  views.length = 0;
});

const SALES = '3177727';
const CONFIG_URL = () => `${window.location.origin}/api/connectors/amocrm/config`;

const board = (work: string) => ({
  schemaVersion: 2,
  connector: 'amocrm',
  account: TEST_ACCOUNT,
  pipelines: [
    {
      pipelineId: SALES,
      containers: [
        { id: 'work', name: work, statusIds: ['32392162'], marker: null },
        { id: 'deal', name: 'Deal', statusIds: ['142'], marker: 'completed' },
      ],
    },
  ],
});

async function put(body: unknown, version: number) {
  const response = await fetch(CONFIG_URL(), { method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': `"${version}"` }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return configEnvelopeSchema.parse(await response.json()).version;
}

/** Version 1: «In work»; version 2: the reset; version 3: «Working» (the current draft). */
async function seedHistory() {
  await api.current.seedConnectedAccount();
  await put(board('In work'), 0);
  expect((await fetch(`${window.location.origin}/api/connectors/amocrm/reset`, { method: 'POST' })).status).toBe(200);
  await put(board('Working'), 2);
}

async function savedDraft(): Promise<MappingConfig> {
  return configEnvelopeSchema.parse(await (await fetch(CONFIG_URL())).json()).config;
}

describe('History panel', () => {
  it('lists versions, shows how one differs from the draft, restores it and gives focus back', async () => {
    await seedHistory();
    const view = renderApp(`/setup/amocrm/mapping?pipeline=${SALES}`);
    views.push(view);
    const { user } = view;
    const open = await screen.findByRole('button', { name: 'History' });
    await user.click(open);
    const dialog = await screen.findByRole('dialog', { name: 'Version history' });
    const rows = await within(dialog).findAllByRole('button', { name: /^Version \d/ });
    expect(rows.map((row) => row.getAttribute('data-version'))).toEqual(['3', '2', '1']);
    expect(rows[0]).toHaveTextContent('Draft');
    expect(rows[0]).toHaveTextContent('Current');
    expect(rows[0]).toHaveTextContent('this workspace');
    expect(rows[1]).toHaveTextContent('Settings reset');
    expect(rows[1]).toHaveTextContent('pipeline “Продажи” no longer mapped');
    expect(rows[0]).toHaveTextContent('moved 2 statuses, pipeline “Продажи” mapped');

    await user.click(rows[2]!);
    expect(rows[2]).toHaveAttribute('aria-pressed', 'true');
    expect(await within(dialog).findByText('container “Working” renamed “In work”')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Restore' }));

    await waitFor(async () => expect((await savedDraft()).pipelines[0]!.containers[0]!.name).toBe('In work'));
    expect(within(dialog).getByText('Version 1 restored as the current draft.')).toBeInTheDocument();
    expect(screen.getAllByRole('status').some((node) => node.textContent === 'Version 1 restored as the current draft.')).toBe(true);
    // The list is read again: the restore is the newest version, nothing older rewritten.
    await waitFor(() => expect(within(dialog).getAllByRole('button', { name: /^Version \d/ }).map((row) => row.getAttribute('data-version'))).toEqual(['4', '3', '2', '1']));
    expect(within(dialog).getAllByRole('button', { name: /^Version \d/ })[0]).toHaveTextContent('Restored version 1');

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(open).toHaveFocus();
    // The board on screen is the restored one.
    expect(screen.getAllByText('In work').length).toBeGreaterThan(0);
    expect(screen.queryByText('Working')).toBeNull();
  });

  it('a version equal to the draft cannot be restored; in Russian', async () => {
    await seedHistory();
    const view = renderApp(`/setup/amocrm/mapping?pipeline=${SALES}`, { language: 'ru' });
    views.push(view);
    await view.user.click(await screen.findByRole('button', { name: 'История' }));
    const dialog = await screen.findByRole('dialog', { name: 'История версий' });
    const rows = await within(dialog).findAllByRole('button', { name: /^Версия \d/ });
    expect(rows[0]).toHaveTextContent('Черновик');
    expect(rows[0]).toHaveTextContent('перемещено 2 статуса');
    await view.user.click(rows[0]!);
    expect(await within(dialog).findByText('Совпадает с текущим черновиком.')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Восстановить' })).toBeDisabled();
  });

  it('200 versions: every one listed, newest first', async () => {
    await seedHistory();
    const workspaceId = await api.current.workspaceId();
    const repo = api.current.server.repo;
    // Restores are never coalesced: 197 more versions at once, 200 in all.
    for (let i = 0; i < 197; i += 1) {
      const connection = (await repo.getConnection(workspaceId, 'amocrm'))!;
      const older = (await repo.getVersion(workspaceId, 'amocrm', 1 + (i % 3)))!;
      expect((await repo.saveConfig(workspaceId, 'amocrm', connection.version, older.config, { kind: 'restore', from: older.number })).ok).toBe(true);
    }
    const view = renderApp(`/setup/amocrm/mapping?pipeline=${SALES}`);
    views.push(view);
    await view.user.click(await screen.findByRole('button', { name: 'History' }));
    const dialog = await screen.findByRole('dialog', { name: 'Version history' });
    await waitFor(() => expect(within(dialog).getAllByRole('button', { name: /^Version \d/ })).toHaveLength(200));
    const rows = within(dialog).getAllByRole('button', { name: /^Version \d/ });
    expect(rows[0]).toHaveAttribute('data-version', '200');
    expect(rows[199]).toHaveAttribute('data-version', '1');
  });
});
