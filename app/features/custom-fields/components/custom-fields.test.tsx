import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

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

/**
 * An account at amoCRM's limits: 1,000 custom fields, named as mocks/fixtures/amocrm-limits.ts names them.
 * jsdom lays nothing out, so the long list is given the height a browser gives it (its CSS max-height,
 * about ten rows) and scrolling the way a browser scrolls (scrollTo moves scrollTop and fires scroll).
 */
describe('Mapping step: custom fields at the limits (1,000)', { timeout: 30_000 }, () => {
  const TOPICS = ['Источник', 'Сегмент', 'Регион', 'Продукт', 'Канал', 'Менеджер', 'Бюджет', 'Срок', 'Приоритет', 'Отрасль'];
  const FIELDS = 1000;
  const nameOf = (f: number) => `${TOPICS[Math.floor(f / 10) % TOPICS.length]} ${String(f + 1).padStart(4, '0')}`;
  function limitsSchema(): CrmSchema {
    const base = buildTestCrmSchema();
    const customFields = Array.from({ length: FIELDS }, (_, f) => ({
      id: String(2_000_001 + f),
      name: nameOf(f),
      code: null,
      type: f % 2 === 0 ? 'text' : 'numeric',
      enums: null,
      isNumeric: f % 2 === 1,
      isTracking: false,
    }));
    return { ...base, customFields, filterParameters: [] };
  }

  const clientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight');
  const scrollHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight');
  const hadScrollTo = Object.prototype.hasOwnProperty.call(Element.prototype, 'scrollTo');
  const scrollTo = Element.prototype.scrollTo;
  beforeAll(() => {
    Object.defineProperty(Element.prototype, 'clientHeight', {
      configurable: true,
      get(this: Element) {
        return this.matches('ul[data-virtual]') ? 400 : 0;
      },
    });
    // A spacer row is as tall as its style says; a field's row is a chip of one line (38 px) and the 6 px gap.
    Object.defineProperty(Element.prototype, 'scrollHeight', {
      configurable: true,
      get(this: Element) {
        if (!this.matches('ul[data-virtual]')) return 0;
        return Array.from(this.children).reduce((sum, row) => sum + (Number.parseFloat((row as HTMLElement).style.height) || 38) + 6, -6);
      },
    });
    Element.prototype.scrollTo = function (this: Element, options?: ScrollToOptions | number) {
      if (typeof options === 'object' && typeof options.top === 'number') this.scrollTop = options.top;
      this.dispatchEvent(new Event('scroll'));
    };
  });
  afterAll(() => {
    if (clientHeight) Object.defineProperty(Element.prototype, 'clientHeight', clientHeight);
    if (scrollHeight) Object.defineProperty(Element.prototype, 'scrollHeight', scrollHeight);
    if (hadScrollTo) Element.prototype.scrollTo = scrollTo;
    else delete (Element.prototype as Partial<Element>).scrollTo;
  });

  const fieldList = () => within(screen.getByRole('group', { name: 'Custom fields in the CRM' })).getByRole('list', { name: 'Custom fields in the CRM' });
  const rowOf = (element: Element) => element.closest('li') as HTMLElement;
  const tabStops = (list: HTMLElement) => Array.from(list.querySelectorAll<HTMLElement>('[tabindex="0"]'));

  it('renders only the rows in view, tells screen readers the whole list, and is one tab stop', async () => {
    const { user } = await openFields('en', limitsSchema());
    const list = fieldList();
    const rows = within(list).getAllByRole('listitem');
    // A few rows in and near the view, not 1,000; each says where it is in the whole list.
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]).toHaveAttribute('aria-posinset', '1');
    expect(rows[0]).toHaveAttribute('aria-setsize', '1000');
    expect(rows[1]).toHaveAttribute('aria-posinset', '2');
    expect(fieldNames(list)[0]).toBe(nameOf(0));

    // Tab enters the list once, on its first field, and the next Tab leaves it.
    expect(tabStops(list)).toHaveLength(1);
    within(screen.getByRole('group', { name: 'Custom fields in the CRM' })).getByRole('button', { name: 'Add all 1000' }).focus();
    await user.tab();
    expect(within(list).getByRole('button', { name: nameOf(0) })).toHaveFocus();
    await user.tab();
    expect(list).not.toContainElement(document.activeElement as HTMLElement);
    await user.tab({ shift: true });
    expect(within(list).getByRole('button', { name: nameOf(0) })).toHaveFocus();

    // The arrows move inside: Down to the next field, Right to its Add button, Up keeps the part.
    await user.keyboard('{ArrowDown}');
    expect(within(list).getByRole('button', { name: nameOf(1) })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(within(list).getByRole('button', { name: `Add ${nameOf(1)} to Other fields` })).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(within(list).getByRole('button', { name: `Add ${nameOf(0)} to Other fields` })).toHaveFocus();
    await user.keyboard('{ArrowLeft}');
    expect(within(list).getByRole('button', { name: nameOf(0) })).toHaveFocus();
    expect(tabStops(list)).toEqual([document.activeElement]);

    // End reaches the last of 1,000, a row that was not rendered: the list scrolls to it.
    expect(within(list).queryByRole('button', { name: nameOf(FIELDS - 1) })).not.toBeInTheDocument();
    await user.keyboard('{End}');
    await waitFor(() => expect(within(list).getByRole('button', { name: nameOf(FIELDS - 1) })).toHaveFocus());
    expect(rowOf(document.activeElement as Element)).toHaveAttribute('aria-posinset', '1000');
    expect(within(list).queryByRole('button', { name: nameOf(0) })).not.toBeInTheDocument();
    expect(within(list).getAllByRole('listitem').length).toBeLessThan(40);
    expect(tabStops(list)).toEqual([document.activeElement]);
    await user.keyboard('{ArrowUp}');
    expect(within(list).getByRole('button', { name: nameOf(FIELDS - 2) })).toHaveFocus();
    await user.keyboard('{Home}');
    await waitFor(() => expect(within(list).getByRole('button', { name: nameOf(0) })).toHaveFocus());
    expect(rowOf(document.activeElement as Element)).toHaveAttribute('aria-posinset', '1');

    // PageDown jumps ten rows.
    await user.keyboard('{PageDown}');
    await waitFor(() => expect(within(list).getByRole('button', { name: nameOf(10) })).toHaveFocus());
  });

  it('a field added by keyboard lands in Other fields, and the search narrows the 1,000', async () => {
    const { user } = await openFields('en', limitsSchema());
    const list = fieldList();
    const other = screen.getByRole('group', { name: 'Other fields' });

    // Down to the third field, Right to its Add button, Enter.
    within(list).getByRole('button', { name: nameOf(0) }).focus();
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowRight}{Enter}');
    expect(fieldNames(other)).toEqual([nameOf(2)]);
    expect(within(list).queryByRole('button', { name: nameOf(2) })).not.toBeInTheDocument();
    expect(within(list).getAllByRole('listitem')[0]).toHaveAttribute('aria-setsize', '999');
    // The keyboard stays in the list, on the neighbour's Add button.
    await waitFor(() => expect(within(list).getByRole('button', { name: `Add ${nameOf(3)} to Other fields` })).toHaveFocus());
    await waitFor(async () => expect(await savedOtherFields()).toEqual([String(2_000_001 + 2)]), { timeout: 3000 });

    // A keyboard drag of the field the arrows reached: Space, Right to Other fields, Space.
    await user.keyboard('{ArrowLeft}{End}');
    const last = await waitFor(() => {
      const chip = within(list).getByRole('button', { name: nameOf(FIELDS - 1) });
      expect(chip).toHaveFocus();
      return chip;
    });
    fireEvent.keyDown(last, { key: ' ', code: 'Space' });
    await waitFor(() => expect(last).toHaveAttribute('aria-pressed', 'true'));
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    fireEvent.keyDown(last, { key: 'ArrowRight', code: 'ArrowRight' });
    fireEvent.keyDown(last, { key: ' ', code: 'Space' });
    expect(fieldNames(other)).toEqual([nameOf(2), nameOf(FIELDS - 1)]);
    expect(within(other).getByRole('button', { name: nameOf(FIELDS - 1) })).toHaveFocus();
    await waitFor(async () => expect(await savedOtherFields()).toEqual([String(2_000_001 + 2), String(2_000_001 + FIELDS - 1)]), { timeout: 3000 });

    // The search: "Регион" names 100 of them (a long list still), "0555" one.
    const search = screen.getByRole('searchbox', { name: 'Search fields' });
    await user.type(search, 'Регион');
    await waitFor(() => expect(within(fieldList()).getAllByRole('listitem')[0]).toHaveAttribute('aria-setsize', '100'));
    expect(fieldNames(fieldList()).every((name) => name?.startsWith('Регион'))).toBe(true);
    await user.clear(search);
    await user.type(search, '0555');
    await waitFor(() => expect(fieldNames(fieldList())).toEqual([nameOf(554)]));
    expect(within(fieldList()).getByRole('listitem')).toHaveAttribute('aria-setsize', '1');
    expect(within(screen.getByRole('group', { name: 'Custom fields in the CRM' })).getByRole('button', { name: 'Add the 1 found' })).toBeInTheDocument();
  });
});
