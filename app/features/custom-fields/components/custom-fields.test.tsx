import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import type { CrmSchema } from '@/contracts/crm-schema';
import { renderApp, setupRealApi } from '@/testing/test-utils';

import { buildTestCrmSchema } from '../../../../mocks/api/crm-schema-fixture';

const api = setupRealApi();

const views: Array<ReturnType<typeof renderApp>> = [];
async function openFields(language: 'en' | 'ru' = 'en', schema?: CrmSchema) {
  await api.current.seedConnectedAccount(schema);
  const view = renderApp('/setup/amocrm/mapping?section=fields', { language });
  views.push(view);
  await screen.findByRole('tabpanel', { name: language === 'en' ? 'Custom fields' : 'Кастомные поля' });
  return view;
}

afterEach(async () => {
  cleanup();
  await waitFor(() => expect(views.every((view) => view.queryClient.isMutating() === 0)).toBe(true));
  views.length = 0;
});

async function savedOtherFields() {
  const workspace = await api.current.workspaceId();
  return (await api.current.server.repo.getConnection(workspace, 'amocrm'))?.config.customFields.otherFields ?? null;
}

const fieldNames = (group: HTMLElement) =>
  within(group)
    .queryAllByRole('button')
    .filter((button) => button.hasAttribute('data-field-id'))
    .map((button) => button.getAttribute('aria-label'));

describe('Mapping step: custom fields', { timeout: 20_000 }, () => {
  it('offers every custom field except tracking ones, says those are always sent, and explains an empty Other fields', async () => {
    await openFields();
    expect(screen.getByText('The 2 tracking fields (UTM and others) are always transferred, so they are not listed here.')).toBeInTheDocument();
    const list = screen.getByRole('group', { name: 'Custom fields in the CRM' });
    expect(fieldNames(list)).toEqual(['LANDING', 'Себестоимость', 'Количество лицензий', 'CID Яндекс.Метрики', 'Тип клиента']);
    expect(fieldNames(list)).not.toContain('utm_source');
    const other = screen.getByRole('group', { name: 'Other fields' });
    expect(other).toHaveTextContent('Empty: all 5 custom fields will be loaded.');
    expect(other).toHaveTextContent('A fixed container: it cannot be added, renamed or deleted.');
    // Fixed: no rename, no delete.
    expect(within(other).queryByRole('button', { name: /Rename|Delete|Actions/ })).not.toBeInTheDocument();
  });

  it('adds and removes fields, searches, and autosaves the choice', async () => {
    const { user } = await openFields();
    const list = screen.getByRole('group', { name: 'Custom fields in the CRM' });
    const other = screen.getByRole('group', { name: 'Other fields' });

    await user.click(within(list).getByRole('button', { name: 'Add LANDING to Other fields' }));
    await user.click(within(list).getByRole('button', { name: 'Add Тип клиента to Other fields' }));
    expect(fieldNames(other)).toEqual(['LANDING', 'Тип клиента']);
    expect(fieldNames(list)).toEqual(['Себестоимость', 'Количество лицензий', 'CID Яндекс.Метрики']);
    expect(other).not.toHaveTextContent('Empty');
    await waitFor(async () => expect(await savedOtherFields()).toEqual(['1016236', '1016252']), { timeout: 3000 });

    await user.type(screen.getByRole('searchbox', { name: 'Search fields' }), 'лиц');
    await waitFor(() => expect(fieldNames(list)).toEqual(['Количество лицензий']));
    await user.click(within(list).getByRole('button', { name: 'Add the 1 found' }));
    await user.clear(screen.getByRole('searchbox', { name: 'Search fields' }));
    await waitFor(() => expect(fieldNames(other)).toEqual(['LANDING', 'Тип клиента', 'Количество лицензий']));

    await user.click(within(other).getByRole('button', { name: 'Remove LANDING from Other fields' }));
    expect(fieldNames(other)).toEqual(['Тип клиента', 'Количество лицензий']);
    await waitFor(async () => expect(await savedOtherFields()).toEqual(['1016252', '1016244']), { timeout: 3000 });

    await user.click(within(other).getByRole('button', { name: 'Remove all' }));
    expect(other).toHaveTextContent('Empty: all 5 custom fields will be loaded.');
    await waitFor(async () => expect(await savedOtherFields()).toEqual([]), { timeout: 3000 });
  });

  it('speaks Russian', async () => {
    await openFields('ru');
    expect(screen.getByRole('group', { name: 'Остальные поля' })).toHaveTextContent('Пусто: будут загружены все 5 кастомных полей.');
    expect(screen.getByText('2 поля отслеживания (UTM и другие) передаются всегда, поэтому их здесь нет.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Добавить LANDING в «Остальные поля»' })).toBeInTheDocument();
  });

  it('a keyboard drop puts the keyboard on the dropped field, whatever its id looks like (Bitrix24: UF_CRM_…)', async () => {
    const base = buildTestCrmSchema();
    const bitrixField = { id: 'UF_CRM_1713790573', name: 'Регион', code: null, type: 'string', enums: null, isNumeric: false, isTracking: false };
    await openFields('en', { ...base, customFields: [...base.customFields, bitrixField] });
    const chip = within(screen.getByRole('group', { name: 'Custom fields in the CRM' })).getByRole('button', { name: 'Регион' });
    chip.focus();
    fireEvent.keyDown(chip, { key: ' ', code: 'Space' });
    await waitFor(() => expect(chip).toHaveAttribute('aria-pressed', 'true'));
    // dnd-kit's keyboard sensor starts listening for the arrows in a zero-delay timer after the pick-up.
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    fireEvent.keyDown(chip, { key: 'ArrowRight', code: 'ArrowRight' });
    fireEvent.keyDown(chip, { key: ' ', code: 'Space' });

    // The field is a new element in Other fields, and it has the keyboard in the commit of the drop.
    const other = screen.getByRole('group', { name: 'Other fields' });
    expect(fieldNames(other)).toEqual(['Регион']);
    expect(within(other).getByRole('button', { name: 'Регион' })).toHaveFocus();
    await waitFor(async () => expect(await savedOtherFields()).toEqual(['UF_CRM_1713790573']), { timeout: 3000 });
  });
});
