import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';

import { emptyMappingConfig, type ConfigEnvelope, type MappingConfig, type PipelineMapping } from '@/contracts/mapping-config';
import { mswServer, renderApp, setupRealApi } from '@/testing/test-utils';

const api = setupRealApi();
const CONFIG_URL = `${window.location.origin}/api/connectors/amocrm/config`;
const KEPT = 'hub-connect.kept-draft.amocrm';
const SALES = '3177727';

const views: Array<ReturnType<typeof renderApp>> = [];
afterEach(async () => {
  cleanup();
  await waitFor(() => expect(views.every((view) => view.queryClient.isMutating() === 0)).toBe(true));
  views.length = 0;
});

async function savedConfig(): Promise<MappingConfig | null> {
  const workspace = await api.current.workspaceId();
  return (await api.current.server.repo.getConnection(workspace, 'amocrm'))?.config ?? null;
}
const savedVersion = async () => (await api.current.server.repo.getConnection(await api.current.workspaceId(), 'amocrm'))?.version ?? 0;
const salesBoard = async () => (await savedConfig())?.pipelines.find((pipeline) => pipeline.pipelineId === SALES) ?? null;

/** A new page load: a fresh app (new query client) on the mapping step. */
async function openMapping() {
  const view = renderApp('/setup/amocrm/mapping');
  views.push(view);
  await screen.findByRole('tabpanel', { name: 'Statuses' });
  return view;
}

async function addContainer(user: UserEvent, name: string) {
  await user.click(screen.getByRole('button', { name: 'Add container' }));
  const input = await screen.findByRole('textbox', { name: 'Container name' });
  await user.clear(input);
  await user.type(input, `${name}{Enter}`);
  await screen.findByRole('group', { name });
}

async function moveVia(user: UserEvent, status: string, target: string) {
  await user.click(screen.getByRole('button', { name: `Move ${status} to…` }));
  await user.click(await screen.findByRole('menuitem', { name: target }));
}

interface SeenPut {
  keepalive: boolean;
  credentials: RequestCredentials;
  ifMatch: string | null;
  contentType: string | null;
  bytes: number;
}

/** Records every PUT of the configuration (then lets it through to the real API, unless `fail`). */
function watchPuts(options: { fail?: boolean } = {}) {
  const puts: SeenPut[] = [];
  mswServer.use(
    http.put(CONFIG_URL, async ({ request }) => {
      const body = await request.clone().arrayBuffer();
      puts.push({
        keepalive: request.keepalive,
        credentials: request.credentials,
        ifMatch: request.headers.get('If-Match'),
        contentType: request.headers.get('Content-Type'),
        bytes: body.byteLength,
      });
      // The page is gone before the request made it: the server never hears of it.
      return options.fail ? HttpResponse.error() : undefined;
    }),
  );
  return puts;
}

/**
 * The page is gone: nothing it still had queued reaches the server (a test's unmount would
 * send it, as leaving a step does; the unload of a real page sends nothing more).
 */
async function pageGone(view: ReturnType<typeof renderApp>) {
  await waitFor(() => expect(view.queryClient.isMutating()).toBe(0));
  cleanup();
  await waitFor(() => expect(view.queryClient.isMutating()).toBe(0));
  mswServer.resetHandlers(...api.current.handlers);
}

const hidePage = () =>
  act(() => {
    window.dispatchEvent(new Event('pagehide'));
  });

/** Saves a configuration through the API, as another tab would (or the seed of a large account). */
async function saveElsewhere(change: (config: MappingConfig) => MappingConfig) {
  const read = await fetch(CONFIG_URL);
  const current = read.ok ? ((await read.json()) as ConfigEnvelope) : null;
  const response = await fetch(CONFIG_URL, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': `"${current?.version ?? 0}"` },
    body: JSON.stringify(change(current?.config ?? emptyMappingConfig('amocrm'))),
  });
  expect(response.status).toBe(200);
}

/** Near amoCRM's limit of 50 pipelines (the demo's own makes 50): 49 with 40 containers of long names each, well over 64 KiB as JSON. */
function largeAccountPipelines(): PipelineMapping[] {
  return Array.from({ length: 49 }, (_, p) => ({
    pipelineId: String(9_000_000 + p),
    containers: Array.from({ length: 40 }, (_, c) => ({
      id: `c-${p}-${c}`,
      name: `Container ${c} of pipeline ${p} with a long descriptive name`.padEnd(100, '.'),
      statusIds: [String(80_000_000 + p * 100 + c)],
      marker: null,
    })),
  }));
}

/** A drag (here: Move to…) into a new container, while the first save of the step is already done. */
async function moveIntoNewContainer(user: UserEvent) {
  await addContainer(user, 'In work');
  expect(await screen.findByText('All changes saved', {}, { timeout: 3000 })).toBeInTheDocument();
  await moveVia(user, 'Проработка заявки', 'In work');
  // Within the autosave delay: still queued.
  expect(screen.getByText('Saving…')).toBeInTheDocument();
}

describe('useDraftAutosave when the page goes away', () => {
  it('sends the pending draft at once on pagehide, as a keepalive PUT with If-Match, JSON and same-origin credentials', async () => {
    await api.current.seedConnectedAccount();
    const { user } = await openMapping();
    await moveIntoNewContainer(user);
    const version = await savedVersion();
    const puts = watchPuts();

    hidePage();
    await waitFor(() => expect(puts).toHaveLength(1));
    // Sent by the pagehide handler itself (the debounced autosave sends no keepalive request).
    expect(puts).toEqual([{ keepalive: true, credentials: 'same-origin', ifMatch: `"${version}"`, contentType: 'application/json', bytes: expect.any(Number) }]);
    await waitFor(async () => expect((await salesBoard())?.containers).toEqual([expect.objectContaining({ name: 'In work', statusIds: ['32392159'] })]));
    expect(await screen.findByText('All changes saved')).toBeInTheDocument();
    // Saved: nothing is kept in storage.
    expect(window.localStorage.getItem(KEPT)).toBeNull();
    // The debounce does not send it a second time.
    expect(puts).toHaveLength(1);
  });

  it('does the same when the tab is hidden (visibilitychange), and asks nothing on beforeunload', async () => {
    await api.current.seedConnectedAccount();
    const { user } = await openMapping();
    await moveIntoNewContainer(user);
    const puts = watchPuts();

    const unload = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(unload);
    expect(unload.defaultPrevented).toBe(false);

    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      act(() => {
        document.dispatchEvent(new Event('visibilitychange'));
      });
    } finally {
      if (visibility) Object.defineProperty(document, 'visibilityState', visibility);
      else Reflect.deleteProperty(document, 'visibilityState');
    }
    await waitFor(() => expect(puts.map((put) => put.keepalive)).toEqual([true]));
    await waitFor(async () => expect((await salesBoard())?.containers[0]?.statusIds).toEqual(['32392159']));
  });

  it('keeps a draft too large for keepalive in storage and saves it on the next load while the server is still at its version', async () => {
    await api.current.seedConnectedAccount();
    await saveElsewhere((config) => ({ ...config, pipelines: largeAccountPipelines() }));
    const first = await openMapping();
    await moveIntoNewContainer(first.user);
    const base = await savedVersion();
    const puts = watchPuts({ fail: true });

    hidePage();
    // Over the browsers' 64 KiB keepalive budget: an ordinary request, which the unloading page cuts off.
    await waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).toMatchObject({ keepalive: false, ifMatch: `"${base}"` });
    expect(puts[0]?.bytes).toBeGreaterThan(64 * 1024);
    const kept = JSON.parse(window.localStorage.getItem(KEPT) ?? 'null') as { baseVersion: number; sections: { pipelines: Record<string, PipelineMapping> } };
    expect(kept.baseVersion).toBe(base);
    expect(kept.sections.pipelines[SALES]?.containers).toEqual([expect.objectContaining({ name: 'In work', statusIds: ['32392159'] })]);
    // Only the changed section is kept, not the whole 50-pipeline document.
    expect(Object.keys(kept.sections.pipelines)).toEqual([SALES]);
    await pageGone(first);
    expect(await salesBoard()).toMatchObject({ containers: [expect.objectContaining({ statusIds: [] })] });

    // The next load: the server is still at the kept draft's version, so it is saved.
    await openMapping();
    await waitFor(async () => expect((await salesBoard())?.containers).toEqual([expect.objectContaining({ name: 'In work', statusIds: ['32392159'] })]));
    expect(await savedVersion()).toBe(base + 1);
    // The rest of the large document is untouched.
    expect((await savedConfig())?.pipelines).toHaveLength(50);
    await waitFor(() => expect(window.localStorage.getItem(KEPT)).toBeNull());
    expect(within(screen.getByRole('group', { name: 'In work' })).getByRole('button', { name: 'Проработка заявки' })).toBeInTheDocument();
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('does not save a kept draft over someone else’s newer save: it asks, and Discard drops it', async () => {
    await api.current.seedConnectedAccount();
    const first = await openMapping();
    await moveIntoNewContainer(first.user);
    watchPuts({ fail: true });
    hidePage();
    expect(window.localStorage.getItem(KEPT)).not.toBeNull();
    await pageGone(first);
    // Another tab saves meanwhile.
    await saveElsewhere((config) => ({ ...config, customFields: { otherFields: ['1016236'] } }));
    const moved = await savedVersion();
    const putsSoFar = () => api.current.requests.filter((request) => request.method === 'PUT').length;
    const before = putsSoFar();

    const { user } = await openMapping();
    const dialog = await screen.findByRole('alertdialog', { name: 'Restore your unsaved changes?' });
    expect(dialog).toHaveTextContent('changed elsewhere since');
    expect(await savedVersion()).toBe(moved);
    expect(putsSoFar()).toBe(before);

    await user.click(within(dialog).getByRole('button', { name: 'Discard' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(window.localStorage.getItem(KEPT)).toBeNull();
    expect(await savedVersion()).toBe(moved);
    expect((await salesBoard())?.containers[0]?.statusIds).toEqual([]);
  });

  it('after someone else’s save, "Restore my changes" puts the kept sections on top of it', async () => {
    await api.current.seedConnectedAccount();
    const first = await openMapping();
    await moveIntoNewContainer(first.user);
    watchPuts({ fail: true });
    hidePage();
    await pageGone(first);
    await saveElsewhere((config) => ({ ...config, customFields: { otherFields: ['1016236'] } }));

    const { user } = await openMapping();
    const dialog = await screen.findByRole('alertdialog', { name: 'Restore your unsaved changes?' });
    await user.click(within(dialog).getByRole('button', { name: 'Restore my changes' }));
    await waitFor(async () => expect((await salesBoard())?.containers[0]?.statusIds).toEqual(['32392159']));
    // The other tab's change stays.
    expect((await savedConfig())?.customFields.otherFields).toEqual(['1016236']);
    await waitFor(() => expect(window.localStorage.getItem(KEPT)).toBeNull());
  });
});
