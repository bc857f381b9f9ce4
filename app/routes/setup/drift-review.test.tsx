import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';

import type { CrmSchema } from '@/contracts/crm-schema';
import { CRM_CHANGED_REASON, diffSchema, needsDecision, type ConnectorChanges } from '@/contracts/drift';
import { mappingConfigSchema, type MappingConfig } from '@/contracts/mapping-config';
import { mswServer, renderApp, setupRealApi } from '@/testing/test-utils';

/**
 * CRM drift in the SPA: the Connectors card's sentence and "Review changes", and the Mapping
 * step's review tray. The real API behind MSW holds an activated configuration; the CRM then
 * changes (a new schema in the API's cache, attention `crm_changed`). What the server says
 * about the changes (the summary's `drift`, `GET …/changes`) is computed here with the shared
 * `diffSchema` and served by MSW on top of the real API until the API serves it itself.
 */

const api = setupRealApi();
const ORIGIN = window.location.origin;
const CONFIG_URL = `${ORIGIN}/api/connectors/amocrm/config`;
const SALES = '3177727';
const CHECKED_AT = '2026-12-03T10:00:00.000Z';

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

const container = (id: string, name: string, statusIds: string[], marker: string | null = null) => ({ id, name, statusIds, marker });

function activatedConfig(): MappingConfig {
  return mappingConfigSchema.parse({
    schemaVersion: 2,
    connector: 'amocrm',
    pipelines: [
      {
        pipelineId: SALES,
        containers: [
          container('first', 'Проработка заявки', ['32392156', '32392159']),
          container('work', 'В работе', ['32392162', '32392165', '32392168']),
          container('won', 'Успешно реализовано', ['142'], 'completed'),
          container('lost', 'Закрыто и не реализовано', ['143'], 'refusal'),
        ],
      },
      {
        pipelineId: '3177730',
        containers: [
          container('again', 'В работе', ['32392200', '32392203']),
          container('won2', 'Успешно реализовано', ['142'], 'completed'),
          container('lost2', 'Закрыто и не реализовано', ['143'], 'refusal'),
        ],
      },
    ],
  });
}

/**
 * The CRM after the activation: in «Продажи» «Проработка заявки» is renamed «Квалификация»,
 * «Расчет КП» is gone and «Договор подписан» is new between two statuses of «В работе».
 */
function changedSchema(base: CrmSchema): CrmSchema {
  const [sales, ...rest] = base.pipelines;
  if (!sales) throw new Error('no pipeline');
  const statuses = sales.statuses
    .filter((status) => status.id !== '32392162')
    .map((status) => (status.id === '32392159' ? { ...status, name: 'Квалификация' } : status));
  statuses.splice(3, 0, { id: '32392170', name: 'Договор подписан', sort: 45, color: '#ffcc99', kind: 'regular' });
  return { ...base, pipelines: [{ ...sales, statuses }, ...rest] };
}

/** Activates the configuration against the base schema, then the CRM changes under it. */
async function connectThenChange(
  change: (base: CrmSchema) => CrmSchema = changedSchema,
  config: MappingConfig = activatedConfig(),
): Promise<ConnectorChanges> {
  const base = await api.current.seedConnectedAccount();
  const put = await fetch(CONFIG_URL, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify({ ...config, account: base.account }),
  });
  expect(put.status).toBe(200);
  expect((await fetch(`${ORIGIN}/api/connectors/amocrm/activate`, { method: 'POST' })).status).toBe(200);

  const current = change(base);
  const workspace = await api.current.workspaceId();
  await api.current.server.repo.setCachedSchema(workspace, 'amocrm', JSON.stringify(current));
  await api.current.server.repo.setAttention(workspace, 'amocrm', CRM_CHANGED_REASON);

  const changes = diffSchema(config, base, current);
  const body: ConnectorChanges = {
    changes,
    pipelineNames: Object.fromEntries(current.pipelines.map((pipeline) => [pipeline.id, pipeline.name])),
    baselineAt: '2026-12-01T10:00:00.000Z',
    checkedAt: CHECKED_AT,
  };
  const drift = { changes: changes.length, pending: changes.filter(needsDecision).length, checkedAt: CHECKED_AT };
  // Until the configuration is activated again, as the API reports a drifted connector: attention
  // crm_changed with the counts (saving a draft does not clear it; activating does).
  let activatedAgain = false;
  mswServer.use(
    http.post(`${ORIGIN}/api/connectors/amocrm/activate`, () => {
      activatedAgain = true;
      return undefined;
    }),
    http.get(`${ORIGIN}/api/connectors/amocrm/changes`, () => HttpResponse.json(body)),
    // The real list, with the drift (a request marked `x-real` goes through to the real API).
    http.get(`${ORIGIN}/api/connectors`, async ({ request }) => {
      if (request.headers.get('x-real')) return undefined;
      const real = (await (await fetch(request.url, { headers: { 'x-real': '1' } })).json()) as { connectors: Array<{ id: string }> };
      const drifted = (item: { id: string }) => item.id === 'amocrm' && !activatedAgain;
      return HttpResponse.json({
        connectors: real.connectors.map((item) => (drifted(item) ? { ...item, state: 'attention', attentionReason: CRM_CHANGED_REASON, drift } : item)),
      });
    }),
  );
  return body;
}

/** Every PUT of the configuration as sent on the network (then through to the real API). */
function watchPuts() {
  const bodies: MappingConfig[] = [];
  mswServer.use(
    http.put(CONFIG_URL, async ({ request }) => {
      bodies.push(mappingConfigSchema.parse(await request.clone().json()));
      return undefined;
    }),
  );
  return bodies;
}

async function savedSales() {
  const connection = await api.current.server.repo.getConnection(await api.current.workspaceId(), 'amocrm');
  return connection?.config.pipelines.find((pipeline) => pipeline.pipelineId === SALES) ?? null;
}

/** The review tray, once the step has loaded (the step's first render compiles the board). */
async function findTray(name = 'What changed in amoCRM') {
  await screen.findAllByRole('tabpanel', {}, { timeout: 5000 });
  return screen.findByRole('region', { name });
}

const changeItem = (tray: HTMLElement, text: RegExp) => {
  const item = within(tray)
    .getAllByRole('listitem')
    .find((element) => text.test(element.textContent ?? ''));
  if (!item) throw new Error(`no change ${String(text)}`);
  return item;
};

describe('the Connectors card of a connector the CRM changed under', () => {
  it('says what changed in one sentence and offers Review changes, which opens the review', async () => {
    const body = await connectThenChange();
    expect(body.changes.map((change) => change.kind).sort()).toEqual(['status_added', 'status_removed', 'status_renamed']);
    const { user, router } = render('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(amo).findByText('Needs attention')).toBeInTheDocument();
    expect(await within(amo).findByText('Changed in amoCRM: 1 new status, 1 removed, 1 renamed in «Продажи».', { exact: false })).toBeInTheDocument();
    expect(within(amo).queryByRole('button', { name: 'Authorize again' })).not.toBeInTheDocument();
    await user.click(within(amo).getByRole('link', { name: 'Review changes' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    const tray = await screen.findByRole('region', { name: 'What changed in amoCRM' });
    await waitFor(() => expect(within(tray).getByRole('heading', { name: 'What changed in amoCRM' })).toHaveFocus());
  });

  it('speaks Russian', async () => {
    await connectThenChange();
    render('/connectors', 'ru');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(amo).findByText(/Изменения в amoCRM: 1 новый статус, 1 удалён, 1 переименован в воронке «Продажи»\./)).toBeInTheDocument();
    expect(within(amo).getByRole('link', { name: 'Разобрать изменения' })).toHaveAttribute('href', '/setup/amocrm/mapping?review=1');
  });

  it('a connector whose access was revoked still offers Authorize again, without a drift sentence', async () => {
    await api.current.seedConnectedAccount();
    const config = activatedConfig();
    await fetch(CONFIG_URL, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' }, body: JSON.stringify(config) });
    await fetch(`${ORIGIN}/api/connectors/amocrm/activate`, { method: 'POST' });
    await api.current.server.repo.setAttention(await api.current.workspaceId(), 'amocrm', 'crm_access_revoked');
    render('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    expect(await within(amo).findByRole('button', { name: 'Authorize again' })).toBeInTheDocument();
    expect(within(amo).queryByRole('link', { name: 'Review changes' })).not.toBeInTheDocument();
    expect(api.current.requests).not.toContainEqual({ method: 'GET', path: '/api/connectors/amocrm/changes' });
  });
});

describe('the review tray in the Mapping step', () => {
  it('places the new status in its suggested container with one click and saves it; focus goes to the next change', async () => {
    await connectThenChange();
    const puts = watchPuts();
    const { user } = render('/setup/amocrm/mapping?review=1');
    const tray = await findTray();
    expect(within(tray).getByText('0 of 3 decided')).toBeInTheDocument();

    const added = changeItem(tray, /Договор подписан/);
    expect(added).toHaveTextContent('New status «Договор подписан» in «Продажи» is in no container.');
    // «Продажи» is on the board already: no way there is offered; the suggested container is.
    expect(within(added).queryByRole('button', { name: 'Show «Продажи» on the board' })).not.toBeInTheDocument();
    await user.click(within(added).getByRole('button', { name: 'Put «Договор подписан» in «В работе»' }));

    await waitFor(() => expect(puts.some((config) => config.pipelines.find((p) => p.pipelineId === SALES)?.containers.find((c) => c.id === 'work')?.statusIds.includes('32392170'))).toBe(true));
    // Only that: every other container as it was.
    const sent = puts.at(-1)?.pipelines.find((pipeline) => pipeline.pipelineId === SALES);
    expect(sent?.containers.map((c) => [c.id, c.name, c.statusIds])).toEqual([
      ['first', 'Проработка заявки', ['32392156', '32392159']],
      ['work', 'В работе', ['32392162', '32392165', '32392168', '32392170']],
      ['won', 'Успешно реализовано', ['142']],
      ['lost', 'Закрыто и не реализовано', ['143']],
    ]);
    expect(within(tray).getByText('1 of 3 decided')).toBeInTheDocument();
    expect(changeItem(tray, /Договор подписан/)).toHaveTextContent('Decided: in «В работе»');
    // The decided change's buttons are gone; focus is on the next change's first decision.
    const next = tray.querySelector('[data-pending="true"] button');
    expect(next).not.toBeNull();
    expect(next).toHaveFocus();
    expect(within(tray).getByRole('status')).toHaveTextContent('Put «Договор подписан» in «В работе». 1 of 3 decided');
    await waitFor(async () => expect((await savedSales())?.containers.find((c) => c.id === 'work')?.statusIds).toContain('32392170'));
  });

  it('a removed status alone in its container takes the emptied container with it (an empty one could not be activated)', async () => {
    const base = activatedConfig();
    const [sales, ...others] = base.pipelines;
    const alone = mappingConfigSchema.parse({
      ...base,
      pipelines: [
        {
          ...sales!,
          containers: [
            container('first', 'Проработка заявки', ['32392156', '32392159']),
            container('quote', 'Расчет КП', ['32392162']),
            container('work', 'В работе', ['32392165', '32392168']),
            ...sales!.containers.slice(2),
          ],
        },
        ...others,
      ],
    });
    await connectThenChange(changedSchema, alone);
    const { user } = render('/setup/amocrm/mapping?review=1');
    const tray = await findTray();
    await user.click(within(changeItem(tray, /Расчет КП/)).getByRole('button', { name: 'Take «Расчет КП» out and remove the container «Расчет КП», empty then' }));
    await within(tray).findByText('1 of 3 decided');
    await waitFor(async () => expect((await savedSales())?.containers.map((c) => c.name)).toEqual(['Проработка заявки', 'В работе', 'Успешно реализовано', 'Закрыто и не реализовано']));
  });

  it('takes a removed status out, renames the container, and with every change decided lets the user go on', async () => {
    await connectThenChange();
    const puts = watchPuts();
    const { user, router } = render('/setup/amocrm/mapping?review=1');
    const tray = await findTray();

    // Next with changes undecided: the tray says so and nothing moves on.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await within(tray).findByRole('alert')).toHaveTextContent('Decide the remaining changes first: 3 still need a decision.');
    expect(router.state.location.pathname).toBe('/setup/amocrm/mapping');

    await user.click(within(changeItem(tray, /Расчет КП/)).getByRole('button', { name: 'Take «Расчет КП» out of «В работе»' }));
    await within(tray).findByText('1 of 3 decided');
    await user.click(within(changeItem(tray, /Квалификация/)).getByRole('button', { name: 'Rename the container to «Квалификация»' }));
    await within(tray).findByText('2 of 3 decided');
    await user.click(within(changeItem(tray, /Договор подписан/)).getByRole('button', { name: 'Put «Договор подписан» in «В работе»' }));
    await within(tray).findByText('3 of 3 decided');
    expect(within(tray).getByText('Every change has a decision. Activate the settings on the Done step.')).toBeInTheDocument();
    expect(within(tray).queryByRole('alert')).not.toBeInTheDocument();
    // Focus lands on the count once nothing is left to decide.
    expect(within(tray).getByText('3 of 3 decided')).toHaveFocus();

    await waitFor(async () =>
      expect((await savedSales())?.containers.map((c) => [c.name, c.statusIds])).toEqual([
        ['Квалификация', ['32392156', '32392159']],
        ['В работе', ['32392165', '32392168', '32392170']],
        ['Успешно реализовано', ['142']],
        ['Закрыто и не реализовано', ['143']],
      ]),
    );
    expect(puts.length).toBeGreaterThan(0);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/calculation'));

    // Calculation's Skip activates the decided settings again (which clears the attention on the server).
    await user.click(await screen.findByRole('button', { name: 'Skip' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/done'));
    expect(await screen.findByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeInTheDocument();
    // The setup's activation, then this one.
    expect(api.current.requests.filter((request) => request.method === 'POST' && request.path === '/api/connectors/amocrm/activate')).toHaveLength(2);
  });

  it('the Done step, opened with the changes decided, activates again', async () => {
    await connectThenChange();
    const { user } = render('/setup/amocrm/mapping');
    const tray = await findTray();
    await user.click(within(changeItem(tray, /Расчет КП/)).getByRole('button', { name: 'Take «Расчет КП» out of «В работе»' }));
    await user.click(within(changeItem(tray, /Квалификация/)).getByRole('button', { name: 'Keep the container name «Проработка заявки»' }));
    await user.click(within(changeItem(tray, /Договор подписан/)).getByRole('button', { name: 'Put «Договор подписан» in «В работе»' }));
    await within(tray).findByText('3 of 3 decided');
    await user.click(screen.getByRole('link', { name: /Done/ }));
    expect(await screen.findByRole('heading', { name: 'Activate the updated settings of amoCRM' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Activate again' }));
    expect(await screen.findByRole('heading', { name: 'Congratulations — amoCRM is connected.' })).toBeInTheDocument();
    // The setup's activation, then this one.
    expect(api.current.requests.filter((request) => request.method === 'POST' && request.path === '/api/connectors/amocrm/activate')).toHaveLength(2);
  });

  it('keeps the container name when asked, and collapses', async () => {
    await connectThenChange();
    const { user } = render('/setup/amocrm/mapping');
    const tray = await findTray();
    const renamed = changeItem(tray, /Квалификация/);
    expect(renamed).toHaveTextContent('«Проработка заявки» in «Продажи» is now called «Квалификация».');
    await user.click(within(renamed).getByRole('button', { name: 'Keep the container name «Проработка заявки»' }));
    await within(tray).findByText('1 of 3 decided');
    expect((await savedSales())?.containers[0]?.name).toBe('Проработка заявки');
    // The answer leaves nothing in the draft, yet holds across the wizard's steps.
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await screen.findByRole('heading', { level: 2, name: 'Data filtering' });
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const again = await findTray();
    expect(within(again).getByText('1 of 3 decided')).toBeInTheDocument();
    expect(changeItem(again, /Квалификация/)).toHaveTextContent('Decided');

    const toggle = within(again).getByRole('button', { name: 'Hide the changes' });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await user.click(toggle);
    expect(within(again).getByRole('button', { name: 'Show the changes' })).toHaveAttribute('aria-expanded', 'false');
    expect(within(again).queryByRole('listitem')).not.toBeInTheDocument();
  });

  it('drops a removed field from Other fields and removes the mapping of a removed pipeline', async () => {
    const config = { ...activatedConfig(), customFields: { otherFields: ['1016236', '1016244'] } };
    const body = await connectThenChange(
      (base) => ({
        ...base,
        pipelines: base.pipelines.filter((pipeline) => pipeline.id !== '3177730'),
        customFields: base.customFields.filter((field) => field.id !== '1016236'),
      }),
      config,
    );
    expect(body.changes.map((change) => change.kind)).toEqual(['pipeline_removed', 'field_removed']);
    const puts = watchPuts();
    const { user } = render('/setup/amocrm/mapping');
    const tray = await findTray();
    expect(within(tray).getByText('0 of 2 decided')).toBeInTheDocument();
    const field = changeItem(tray, /LANDING/);
    expect(field).toHaveTextContent('Field «LANDING» no longer exists in amoCRM; it is used in Other fields.');
    await user.click(within(field).getByRole('button', { name: 'Remove «LANDING» from Other fields' }));
    await within(tray).findByText('1 of 2 decided');
    const pipeline = changeItem(tray, /Повторные продажи/);
    expect(pipeline).toHaveTextContent('Pipeline «Повторные продажи» no longer exists in amoCRM.');
    await user.click(within(pipeline).getByRole('button', { name: 'Remove the mapping of «Повторные продажи»' }));
    await within(tray).findByText('2 of 2 decided');
    await waitFor(() => {
      const last = puts.at(-1);
      expect(last?.customFields.otherFields).toEqual(['1016244']);
      expect(last?.pipelines.map((mapping) => mapping.pipelineId)).toEqual([SALES]);
    });
  });

  it('speaks Russian', async () => {
    await connectThenChange();
    const { user } = render('/setup/amocrm/mapping', 'ru');
    const tray = await findTray('Что изменилось в amoCRM');
    expect(within(tray).getByText('Решено 0 из 3')).toBeInTheDocument();
    const removed = changeItem(tray, /Расчет КП/);
    expect(removed).toHaveTextContent('Статуса «Расчет КП» больше нет в воронке «Продажи»; он остаётся в контейнере «В работе».');
    await user.click(within(removed).getByRole('button', { name: 'Убрать «Расчет КП» из контейнера «В работе»' }));
    expect(await within(tray).findByText('Решено 1 из 3')).toBeInTheDocument();
    expect(changeItem(tray, /Расчет КП/)).toHaveTextContent('Решено');
  });

  it('says so when the changes cannot be read, and reads them again on Try again', async () => {
    const body = await connectThenChange();
    let fail = true;
    mswServer.use(
      http.get(`${ORIGIN}/api/connectors/amocrm/changes`, () =>
        fail ? HttpResponse.json({ type: 'about:blank', title: 'CRM unavailable', status: 502, code: 'crm_unavailable' }, { status: 502 }) : HttpResponse.json(body),
      ),
    );
    const { user } = render('/setup/amocrm/mapping');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The list of changes could not be loaded.');
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await findTray()).toHaveTextContent('0 of 3 decided');
  });

  it('a connector without drift has no tray and asks for no changes', async () => {
    await api.current.seedConnectedAccount();
    render('/setup/amocrm/mapping');
    await screen.findByRole('tabpanel', { name: 'Statuses' });
    expect(screen.queryByRole('region', { name: 'What changed in amoCRM' })).not.toBeInTheDocument();
    expect(api.current.requests).not.toContainEqual({ method: 'GET', path: '/api/connectors/amocrm/changes' });
  });
});
