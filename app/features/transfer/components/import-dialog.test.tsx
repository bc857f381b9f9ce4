import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { configExportSchema, type ConfigExport } from '@/contracts/config-transfer';
import { configEnvelopeSchema, type MappingConfigInput } from '@/contracts/mapping-config';
import { completeConfigFor } from '@/contracts/testing/sample-config';
import { renderApp, setupRealApi } from '@/testing/test-utils';

/**
 * Export and import in the SPA, through MSW to the real API (mocks/api/bridge.ts): the card's
 * menu, the file picked, the dry run's review, Import what fits saving the draft, and the
 * refusals, each leaving the stored configuration as it was.
 */

const api = setupRealApi();

afterEach(() => {
  vi.restoreAllMocks();
});

const origin = () => window.location.origin;

async function storedConfig() {
  const response = await fetch(`${origin()}/api/connectors/amocrm/config`);
  return response.status === 404 ? null : configEnvelopeSchema.parse(await response.json());
}

/** The test account connected, a complete configuration (a formula and Other fields too) saved and activated. */
async function connected() {
  const schema = await api.current.seedConnectedAccount();
  const config: MappingConfigInput = {
    ...completeConfigFor(schema),
    customFields: { otherFields: ['1016240'] },
    calculatedFields: [{ id: 'k1', name: 'Маржа', expression: '{price} - {cf:1016240}' }],
  };
  const put = await fetch(`${origin()}/api/connectors/amocrm/config`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'If-Match': '"0"' },
    body: JSON.stringify(config),
  });
  expect(put.status).toBe(200);
  expect((await fetch(`${origin()}/api/connectors/amocrm/activate`, { method: 'POST' })).status).toBe(200);
  return schema;
}

async function exportedFile(): Promise<ConfigExport> {
  const response = await fetch(`${origin()}/api/connectors/amocrm/export`);
  expect(response.status).toBe(200);
  return configExportSchema.parse(await response.json());
}

async function openImport(user: ReturnType<typeof renderApp>['user']) {
  const amo = await screen.findByRole('article', { name: 'amoCRM' });
  await user.click(await within(amo).findByRole('button', { name: 'Connector actions' }));
  await user.click(await screen.findByRole('menuitem', { name: 'Import configuration…' }));
  return screen.findByRole('dialog', { name: 'Import a configuration into amoCRM' });
}

function fileInput(dialog: HTMLElement): HTMLInputElement {
  const input = dialog.querySelector<HTMLInputElement>('input[type="file"]');
  expect(input).not.toBeNull();
  return input!;
}

const jsonFile = (content: unknown, name = 'hub-connect-amocrm-demo.json') =>
  new File([typeof content === 'string' ? content : JSON.stringify(content)], name, { type: 'application/json' });

describe('Export configuration', () => {
  it('downloads the configuration as a named JSON file from the card’s menu and says so', async () => {
    await connected();
    const blobs: Blob[] = [];
    const created = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:test-export';
    });
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const { user } = renderApp('/connectors');
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    await user.click(await within(amo).findByRole('button', { name: 'Connector actions' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Export configuration' }));
    const day = new Date().toISOString().slice(0, 10);
    expect(await screen.findByText(`amoCRM configuration saved as hub-connect-amocrm-demo-${day}.json.`)).toBeInTheDocument();
    expect(clicked).toEqual([`hub-connect-amocrm-demo-${day}.json`]);
    const text = await blobs[0]!.text();
    const file = configExportSchema.parse(JSON.parse(text));
    expect(file.config).toEqual((await storedConfig())!.config);
    expect(text).not.toMatch(/token|secret|v1\.test-only/i);
  });
});

describe('Import configuration', () => {
  it('a file with an unknown status: the review lists it, Import what fits saves the rest as the draft and opens the Mapping step', async () => {
    await connected();
    const exported = await exportedFile();
    // One status the test account does not have, named in the file.
    const file: ConfigExport = structuredClone(exported);
    file.config.pipelines[0]!.containers[0]!.statusIds.push('99999999');
    file.names.pipelines[0]!.statuses.push({ id: '99999999', name: 'Ждёт оплаты', kind: 'regular' });
    const before = await storedConfig();

    const { user, router } = renderApp('/connectors');
    const dialog = await openImport(user);
    expect(dialog).toHaveTextContent('replaces the current amoCRM settings');
    await user.upload(fileInput(dialog), jsonFile(file));

    const review = await screen.findByRole('dialog', { name: 'Review the import into amoCRM' });
    expect(review).toHaveTextContent('Exported from this account.');
    expect(review).toHaveTextContent('Fits: 2 pipelines, 6 containers, 11 statuses, 1 field, 1 calculated field.');
    const list = within(review).getByRole('list', { name: '1 thing does not fit and is left out' });
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Status «Ждёт оплаты» (container «In work», pipeline «Продажи»): not in this pipeline.',
    ]);
    // The dry run saved nothing.
    expect(await storedConfig()).toEqual(before);

    const sent = api.current.requests.length;
    await user.click(within(review).getByRole('button', { name: 'Import what fits' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    const after = await storedConfig();
    expect(after!.version).toBe(before!.version + 1);
    // What fits is exactly the active configuration again: the connector stays connected.
    expect(after!.config).toEqual(exported.config);
    expect(after!.status).toBe('connected');
    expect(api.current.requests.slice(sent).filter((request) => request.method === 'PUT')).toEqual([{ method: 'PUT', path: '/api/connectors/amocrm/config' }]);
  });

  it('Cancel after the review saves nothing and gives focus back to the ⋯ button', async () => {
    await connected();
    const before = await storedConfig();
    const { user } = renderApp('/connectors');
    const dialog = await openImport(user);
    await user.upload(fileInput(dialog), jsonFile(await exportedFile()));
    const review = await screen.findByRole('dialog', { name: 'Review the import into amoCRM' });
    expect(review).toHaveTextContent('Everything in the file fits this account.');
    await user.click(within(review).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Connector actions' })).toHaveFocus();
    expect(await storedConfig()).toEqual(before);
  });

  it('a broken, foreign or oversized file is explained with what to do next; nothing is saved', async () => {
    await connected();
    const exported = await exportedFile();
    const before = await storedConfig();
    const { user } = renderApp('/connectors');
    const dialog = await openImport(user);

    await user.upload(fileInput(dialog), jsonFile('{"format": "hub-connect.configuration", "config": {', 'broken.json'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'broken.json: This file is not valid JSON, so it is not a configuration file (or it was edited). Choose the file Export configuration saved, unchanged.',
    );

    await user.upload(fileInput(dialog), jsonFile({ ...exported, config: { ...exported.config, connector: 'bitrix24' } }, 'bitrix.json'));
    await waitFor(() =>
      expect(within(dialog).getByRole('alert')).toHaveTextContent('This file holds a Bitrix24 configuration; it cannot go into amoCRM. Import it into the Bitrix24 connector.'),
    );

    await user.upload(fileInput(dialog), jsonFile({ hello: 'world' }, 'notes.json'));
    await waitFor(() => expect(within(dialog).getByRole('alert')).toHaveTextContent('This file is not a Hub Connect configuration.'));

    const requests = api.current.requests.length;
    const huge = new File([new Uint8Array(4 * 1024 * 1024 + 1)], 'huge.json', { type: 'application/json' });
    await user.upload(fileInput(dialog), huge);
    await waitFor(() => expect(within(dialog).getByRole('alert')).toHaveTextContent('huge.json: The file is 4 MB, larger than any configuration file (at most 4 MB).'));
    // Refused in the browser: never sent.
    expect(api.current.requests.slice(requests).some((request) => request.path.endsWith('/import'))).toBe(false);

    expect(await storedConfig()).toEqual(before);
  });

  it('in Russian, the review and its list', async () => {
    await connected();
    const file = structuredClone(await exportedFile());
    file.config.customFields.otherFields.push('7777777');
    file.names.customFields.push({ id: '7777777', name: 'Промокод', code: null });
    const { user } = renderApp('/connectors', { language: 'ru' });
    const amo = await screen.findByRole('article', { name: 'amoCRM' });
    await user.click(await within(amo).findByRole('button', { name: 'Действия с коннектором' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Импортировать настройки…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Импорт настроек в amoCRM' });
    await user.upload(fileInput(dialog), jsonFile(file));
    const review = await screen.findByRole('dialog', { name: 'Проверьте импорт в amoCRM' });
    expect(within(review).getByRole('list', { name: '1 элемент не подошёл и будет пропущен' })).toHaveTextContent(
      'Поле «Промокод» из «Остальных полей»: нет в этом аккаунте.',
    );
    expect(within(review).getByRole('button', { name: 'Импортировать подходящее' })).toBeEnabled();
  });

  it('the first wizard step of a fresh connector offers the import; once saved, the wizard goes on to the Mapping step', async () => {
    const schema = await api.current.seedConnectedAccount();
    const { user, router } = renderApp('/setup/amocrm/filter');
    await user.click(await screen.findByRole('button', { name: 'Import a configuration…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import a configuration into amoCRM' });
    expect(dialog).not.toHaveTextContent('replaces');
    // A bare configuration document (not an export) of this account.
    await user.upload(fileInput(dialog), jsonFile(completeConfigFor(schema)));
    const review = await screen.findByRole('dialog', { name: 'Review the import into amoCRM' });
    expect(review).toHaveTextContent('The file carries no CRM names (not an export): matched by id only.');
    await user.click(within(review).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/setup/amocrm/mapping'));
    expect((await storedConfig())!.config.pipelines.map((pipeline) => pipeline.pipelineId)).toEqual(schema.pipelines.map((pipeline) => pipeline.id));
  });
});
