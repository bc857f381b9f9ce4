import { formatDate, formatDateTime, type B24Value } from './context';
import type { SandboxDeal, SandboxLead, SandboxUserField, UserFieldValue, UtmField } from './fixture';
import type { FieldKind, ListField } from './list';

/**
 * The standard fields of deals and leads: their `crm.deal.fields` / `crm.lead.fields`
 * description, how `crm.deal.list` writes them (IDs, amounts and flags as strings, datetimes with
 * the portal's offset) and how filters and order compare them. Plus the user fields (`UF_CRM_*`).
 */

export interface StandardField<Row> extends ListField<Row> {
  /** crm_rest_field_description `type`. */
  type: string;
  title: { ru: string; en: string };
  readOnly?: boolean;
  immutable?: boolean;
  multiple?: boolean;
  statusType?: string;
  settings?: Record<string, B24Value>;
  deprecated?: boolean;
  /** Described by `*.fields` but never returned by the list (CONTACT_IDS). */
  notListed?: boolean;
  /** How the list writes it. */
  out(row: Row, offset: string): B24Value;
}

const str = (value: number | null) => (value === null ? null : String(value));
const flag = (value: boolean) => (value ? 'Y' : 'N');
const money = (value: number) => value.toFixed(2);

type Spec<Row> = [
  name: string,
  type: string,
  ru: string,
  en: string,
  kind: FieldKind,
  value: (row: Row) => string | number | null,
  out: (row: Row, offset: string) => B24Value,
  extra?: Partial<Pick<StandardField<Row>, 'readOnly' | 'immutable' | 'multiple' | 'statusType' | 'settings' | 'deprecated' | 'notListed'>>,
];

const build = <Row>(specs: Array<Spec<Row>>): Array<StandardField<Row>> =>
  specs.map(([name, type, ru, en, kind, value, out, extra]) => ({ name, type, title: { ru, en }, kind, value, out, ...extra }));

const always = <Row>(value: B24Value) => (_row: Row) => value;
const nothing = () => null;
const ro = { readOnly: true };

const UTM_TITLES: Record<UtmField, [string, string]> = {
  UTM_SOURCE: ['Рекламная система', 'Advertising System'],
  UTM_MEDIUM: ['Тип трафика', 'Traffic Type'],
  UTM_CAMPAIGN: ['Обозначение рекламной кампании', 'Campaign Identifier'],
  UTM_CONTENT: ['Содержание кампании', 'Campaign Content'],
  UTM_TERM: ['Условие поиска кампании', 'Campaign Search Condition'],
};
const utmSpecs = <Row extends { utm: Record<UtmField, string | null> }>(): Array<Spec<Row>> =>
  (Object.keys(UTM_TITLES) as UtmField[]).map((name) => [name, 'string', UTM_TITLES[name][0], UTM_TITLES[name][1], 'string', (row) => row.utm[name], (row) => row.utm[name]]);

/** Deal fields in the order `crm.deal.get` / `crm.deal.list` write them. */
export const DEAL_FIELDS: Array<StandardField<SandboxDeal>> = build<SandboxDeal>([
  ['ID', 'integer', 'ID', 'ID', 'int', (d) => d.id, (d) => String(d.id), ro],
  ['TITLE', 'string', 'Название', 'Title', 'string', (d) => d.title, (d) => d.title],
  ['TYPE_ID', 'crm_status', 'Тип', 'Type', 'status', (d) => d.typeId, (d) => d.typeId, { statusType: 'DEAL_TYPE' }],
  ['STAGE_ID', 'crm_status', 'Стадия сделки', 'Deal Stage', 'status', (d) => d.stageId, (d) => d.stageId, { statusType: 'DEAL_STAGE' }],
  ['PROBABILITY', 'integer', 'Вероятность', 'Probability', 'int', nothing, always(null)],
  ['CURRENCY_ID', 'crm_currency', 'Валюта', 'Currency', 'string', (d) => d.currencyId, (d) => d.currencyId],
  ['OPPORTUNITY', 'double', 'Сумма', 'Amount', 'number', (d) => d.opportunity, (d) => money(d.opportunity)],
  ['IS_MANUAL_OPPORTUNITY', 'char', 'IS_MANUAL_OPPORTUNITY', 'IS_MANUAL_OPPORTUNITY', 'string', () => 'N', always('N')],
  ['TAX_VALUE', 'double', 'Ставка налога', 'Tax Rate', 'number', () => 0, always('0.00')],
  ['LEAD_ID', 'crm_lead', 'Лид', 'Lead', 'int', (d) => d.leadId, (d) => str(d.leadId), { readOnly: true, settings: { parentEntityTypeId: 1 } }],
  ['COMPANY_ID', 'crm_company', 'Компания', 'Company', 'int', () => 0, always('0'), { settings: { parentEntityTypeId: 4 } }],
  ['CONTACT_ID', 'crm_contact', 'Контакт', 'Contact', 'int', nothing, always(null), { deprecated: true }],
  ['CONTACT_IDS', 'crm_contact', 'Контакты', 'Contacts', 'int', nothing, always(null), { multiple: true, notListed: true }],
  ['QUOTE_ID', 'crm_quote', 'Предложение', 'Estimate', 'int', nothing, always(null), { readOnly: true, settings: { parentEntityTypeId: 7 } }],
  ['BEGINDATE', 'date', 'Дата начала', 'Start Date', 'datetime', (d) => d.beginDate, (d, offset) => formatDate(d.beginDate, offset)],
  ['CLOSEDATE', 'date', 'Предполагаемая дата закрытия', 'Close Date', 'datetime', (d) => d.closeDate, (d, offset) => formatDate(d.closeDate, offset)],
  ['ASSIGNED_BY_ID', 'user', 'Ответственный', 'Responsible', 'int', (d) => d.assignedById, (d) => String(d.assignedById)],
  ['CREATED_BY_ID', 'user', 'Кем создана', 'Created By', 'int', (d) => d.createdById, (d) => String(d.createdById), ro],
  ['MODIFY_BY_ID', 'user', 'Кем изменена', 'Modified By', 'int', (d) => d.assignedById, (d) => String(d.assignedById), ro],
  ['DATE_CREATE', 'datetime', 'Дата создания', 'Creation Date', 'datetime', (d) => d.createdAt, (d, offset) => formatDateTime(d.createdAt, offset), ro],
  ['DATE_MODIFY', 'datetime', 'Дата изменения', 'Modification Date', 'datetime', (d) => d.modifiedAt, (d, offset) => formatDateTime(d.modifiedAt, offset), ro],
  ['OPENED', 'char', 'Доступна для всех', 'Available to All', 'string', () => 'Y', always('Y')],
  ['CLOSED', 'char', 'Закрыта', 'Closed', 'string', (d) => flag(d.closed), (d) => flag(d.closed)],
  ['COMMENTS', 'string', 'Комментарий', 'Comment', 'string', nothing, always(null)],
  ['ADDITIONAL_INFO', 'string', 'Дополнительная информация', 'Additional Information', 'string', nothing, always(null)],
  ['LOCATION_ID', 'location', 'Местоположение', 'Location', 'string', nothing, always(null)],
  ['CATEGORY_ID', 'crm_category', 'Воронка', 'Sales Funnel', 'int', (d) => d.categoryId, (d) => String(d.categoryId), { immutable: true }],
  ['STAGE_SEMANTIC_ID', 'string', 'Группа стадии', 'Stage Group', 'string', (d) => d.semantic, (d) => d.semantic, ro],
  ['IS_NEW', 'char', 'Новая сделка', 'New Deal', 'string', (d) => flag(d.isNew), (d) => flag(d.isNew), ro],
  ['IS_RECURRING', 'char', 'Регулярная сделка', 'Recurring Deal', 'string', () => 'N', always('N')],
  ['IS_RETURN_CUSTOMER', 'char', 'Повторная сделка', 'Repeat Deal', 'string', (d) => flag(d.isReturnCustomer), (d) => flag(d.isReturnCustomer)],
  ['IS_REPEATED_APPROACH', 'char', 'Повторное обращение', 'Repeated Approach', 'string', () => 'N', always('N')],
  ['SOURCE_ID', 'crm_status', 'Источник', 'Source', 'status', (d) => d.sourceId, (d) => d.sourceId, { statusType: 'SOURCE' }],
  ['SOURCE_DESCRIPTION', 'string', 'Дополнительно об источнике', 'Additional Info about Source', 'string', nothing, always(null)],
  ['ORIGINATOR_ID', 'string', 'Внешний источник', 'External Source', 'string', nothing, always(null)],
  ['ORIGIN_ID', 'string', 'Идентификатор элемента во внешнем источнике', 'Identifier in External Source', 'string', nothing, always(null)],
  ['MOVED_BY_ID', 'user', 'MOVED_BY_ID', 'MOVED_BY_ID', 'int', (d) => d.assignedById, (d) => String(d.assignedById), ro],
  ['MOVED_TIME', 'datetime', 'MOVED_TIME', 'MOVED_TIME', 'datetime', (d) => d.movedAt, (d, offset) => formatDateTime(d.movedAt, offset), ro],
  ['LAST_ACTIVITY_TIME', 'datetime', 'LAST_ACTIVITY_TIME', 'LAST_ACTIVITY_TIME', 'datetime', (d) => d.modifiedAt, (d, offset) => formatDateTime(d.modifiedAt, offset), ro],
  ...utmSpecs<SandboxDeal>(),
  ['LAST_ACTIVITY_BY', 'user', 'LAST_ACTIVITY_BY', 'LAST_ACTIVITY_BY', 'int', (d) => d.assignedById, (d) => String(d.assignedById), ro],
]);

/** Lead fields (the funnel's subset), in `crm.lead.get` order. */
export const LEAD_FIELDS: Array<StandardField<SandboxLead>> = build<SandboxLead>([
  ['ID', 'integer', 'ID', 'ID', 'int', (l) => l.id, (l) => String(l.id), ro],
  ['TITLE', 'string', 'Название лида', 'Lead Name', 'string', (l) => l.title, (l) => l.title],
  ['NAME', 'string', 'Имя', 'First Name', 'string', nothing, always(null)],
  ['LAST_NAME', 'string', 'Фамилия', 'Last Name', 'string', nothing, always(null)],
  ['COMPANY_TITLE', 'string', 'Название компании', 'Company Name', 'string', nothing, always(null)],
  ['SOURCE_ID', 'crm_status', 'Источник', 'Source', 'status', (l) => l.sourceId, (l) => l.sourceId, { statusType: 'SOURCE' }],
  ['SOURCE_DESCRIPTION', 'string', 'Дополнительно об источнике', 'Source Information', 'string', nothing, always(null)],
  ['STATUS_ID', 'crm_status', 'Стадия', 'Stage', 'status', (l) => l.statusId, (l) => l.statusId, { statusType: 'STATUS' }],
  ['STATUS_DESCRIPTION', 'string', 'Дополнительно о стадии', 'Stage Information', 'string', nothing, always(null)],
  ['STATUS_SEMANTIC_ID', 'string', 'Группа стадии', 'Stage Group', 'string', (l) => l.semantic, (l) => l.semantic, ro],
  ['CURRENCY_ID', 'crm_currency', 'Валюта', 'Currency', 'string', (l) => l.currencyId, (l) => l.currencyId],
  ['OPPORTUNITY', 'double', 'Предполагаемая сумма', 'Amount', 'number', (l) => l.opportunity, (l) => money(l.opportunity)],
  ['IS_MANUAL_OPPORTUNITY', 'char', 'IS_MANUAL_OPPORTUNITY', 'IS_MANUAL_OPPORTUNITY', 'string', () => 'N', always('N')],
  ['OPENED', 'char', 'Доступен для всех', 'Available to Everyone', 'string', () => 'Y', always('Y')],
  ['ASSIGNED_BY_ID', 'user', 'Ответственный', 'Responsible Person', 'int', (l) => l.assignedById, (l) => String(l.assignedById)],
  ['CREATED_BY_ID', 'user', 'Кем создан', 'Created By', 'int', (l) => l.assignedById, (l) => String(l.assignedById), ro],
  ['MODIFY_BY_ID', 'user', 'Кем изменён', 'Modified By', 'int', (l) => l.assignedById, (l) => String(l.assignedById), ro],
  ['MOVED_BY_ID', 'user', 'MOVED_BY_ID', 'MOVED_BY_ID', 'int', (l) => l.assignedById, (l) => String(l.assignedById), ro],
  ['DATE_CREATE', 'datetime', 'Дата создания', 'Created On', 'datetime', (l) => l.createdAt, (l, offset) => formatDateTime(l.createdAt, offset), ro],
  ['DATE_MODIFY', 'datetime', 'Дата изменения', 'Modified On', 'datetime', (l) => l.modifiedAt, (l, offset) => formatDateTime(l.modifiedAt, offset), ro],
  ['DATE_CLOSED', 'datetime', 'Дата закрытия', 'Completion Date', 'datetime', (l) => l.closedAt, (l, offset) => (l.closedAt === null ? '' : formatDateTime(l.closedAt, offset)), ro],
  ['MOVED_TIME', 'datetime', 'MOVED_TIME', 'MOVED_TIME', 'datetime', (l) => l.movedAt, (l, offset) => formatDateTime(l.movedAt, offset), ro],
  ['IS_RETURN_CUSTOMER', 'char', 'Повторный лид', 'Repeat Lead', 'string', () => 'N', always('N'), ro],
  ['COMMENTS', 'string', 'Комментарий', 'Comment', 'string', nothing, always(null)],
  ['LAST_ACTIVITY_TIME', 'datetime', 'LAST_ACTIVITY_TIME', 'LAST_ACTIVITY_TIME', 'datetime', (l) => l.modifiedAt, (l, offset) => formatDateTime(l.modifiedAt, offset), ro],
  ...utmSpecs<SandboxLead>(),
  ['LAST_ACTIVITY_BY', 'user', 'LAST_ACTIVITY_BY', 'LAST_ACTIVITY_BY', 'int', (l) => l.assignedById, (l) => String(l.assignedById), ro],
]);

/** A standard field's `*.fields` description (crm_rest_field_description), titled in the portal's language. */
export function describeStandard<Row>(field: StandardField<Row>, language: string) {
  return {
    type: field.type,
    isRequired: false,
    isReadOnly: field.readOnly ?? false,
    isImmutable: field.immutable ?? false,
    isMultiple: field.multiple ?? false,
    isDynamic: false,
    ...(field.deprecated ? { isDeprecated: true } : {}),
    ...(field.statusType ? { statusType: field.statusType } : {}),
    title: language === 'ru' ? field.title.ru : field.title.en,
    ...(field.settings ? { settings: field.settings } : {}),
  };
}

// ---- user fields -------------------------------------------------------------------------

/** The settings Bitrix24 gives a new user field of each type (unless the fixture sets its own). */
export function userFieldSettings(field: SandboxUserField): Record<string, B24Value> {
  if (field.settings) return field.settings;
  switch (field.type) {
    case 'string':
      return { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '' };
    case 'integer':
      return { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: null };
    case 'double':
      return { PRECISION: 2, SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: null };
    case 'money':
      return { DEFAULT_VALUE: '' };
    case 'enumeration':
      return { DISPLAY: 'LIST', LIST_HEIGHT: 1, CAPTION_NO_VALUE: '', SHOW_NO_VALUE: 'Y' };
    case 'url':
      return { POPUP: 'Y', SIZE: 20, MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '', RE: '' };
    case 'boolean':
      return { DEFAULT_VALUE: 0, DISPLAY: 'CHECKBOX', LABEL: ['', ''], LABEL_CHECKBOX: '' };
    default:
      return {};
  }
}

/** A user field's label in a language; the portal's, then any, for `crm.deal.fields`. */
export const labelIn = (field: SandboxUserField, language: string): string | undefined => field.labels[language];
export const anyLabel = (field: SandboxUserField, language: string): string =>
  field.labels[language] ?? Object.values(field.labels)[0] ?? field.fieldName;

/** A user field's `crm.deal.fields` entry: `title` is the code; the name is in the three labels. */
export function describeUserField(field: SandboxUserField, language: string) {
  const label = anyLabel(field, language);
  return {
    type: field.type,
    isRequired: field.mandatory,
    isReadOnly: false,
    isImmutable: false,
    isMultiple: field.multiple,
    isDynamic: true,
    title: field.fieldName,
    listLabel: label,
    formLabel: label,
    filterLabel: label,
    settings: userFieldSettings(field),
    ...(field.type === 'enumeration' ? { items: (field.items ?? []).map((item) => ({ ID: String(item.id), VALUE: item.value })) } : {}),
  };
}

/**
 * How `crm.deal.list` writes a user-field value: text as is, numbers as strings, money as
 * `amount|CURRENCY`, enumeration items by ID (a string), flags `1`/`0`, dates with the offset;
 * an empty single field is `null`, an empty multiple field `[]`.
 */
export function userFieldOut(field: SandboxUserField, value: UserFieldValue | undefined, offset: string, currency: string): B24Value {
  const one = (item: string | number | boolean): B24Value => {
    if (typeof item === 'boolean') return item ? '1' : '0';
    switch (field.type) {
      case 'money':
        return `${item}|${currency}`;
      case 'date':
        return typeof item === 'number' ? formatDate(item, offset) : item;
      case 'datetime':
        return typeof item === 'number' ? formatDateTime(item, offset) : item;
      default:
        return String(item);
    }
  };
  if (field.multiple) return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(one);
  if (value === undefined) return null;
  return one(Array.isArray(value) ? (value[0] ?? '') : value);
}

const USER_FIELD_KINDS: Partial<Record<SandboxUserField['type'], FieldKind>> = {
  integer: 'number',
  double: 'number',
  money: 'number',
  enumeration: 'int',
  boolean: 'int',
  date: 'datetime',
  datetime: 'datetime',
};

/** User fields as list fields (filters and order compare amounts for money, item IDs for enumerations). */
export function userListFields(fields: readonly SandboxUserField[]): Array<ListField<SandboxDeal>> {
  return fields.map((field) => ({
    name: field.fieldName,
    kind: USER_FIELD_KINDS[field.type] ?? 'string',
    value: (deal) => {
      const value = deal.values[field.fieldName];
      const comparable = (item: string | number | boolean) => (typeof item === 'boolean' ? (item ? 1 : 0) : item);
      if (value === undefined) return field.multiple ? [] : null;
      if (Array.isArray(value)) return value.map(comparable);
      return comparable(value);
    },
  }));
}
