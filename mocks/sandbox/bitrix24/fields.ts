import { seededRandom } from '../shared/random';

import { B24Error, type B24Context } from './context';
import { DEAL_FIELDS, describeStandard, describeUserField, LEAD_FIELDS, labelIn, userFieldSettings } from './entity-fields';
import type { SandboxUserField } from './fixture';
import { listResult, paginate, query, type ListField } from './list';
import type { MethodTable } from './methods';
import { objectParam, param } from './params';

/**
 * Field descriptions (docs/crm-apis.md §2.4, §2.6 "Custom-field labels"):
 *
 * - `crm.deal.fields` / `crm.lead.fields`: every field keyed by its code; the deal's user fields
 *   carry `isDynamic: true`, `title` = the code, the human name in `listLabel`/`formLabel`/
 *   `filterLabel` (the portal's language), `settings`, and `items [{ID, VALUE}]` for enumerations.
 * - `crm.deal.userfield.list`: the user fields only, string-typed, `LIST` for enumerations;
 *   the labels (`EDIT_FORM_LABEL`, `LIST_COLUMN_LABEL`, `LIST_FILTER_LABEL`, `ERROR_MESSAGE`,
 *   `HELP_MESSAGE`) only with `filter.LANG`, as strings in that language (null when the field has
 *   no label in it); default order `SORT`, `ID`; pages of 50.
 */

const yes = (value: boolean) => (value ? 'Y' : 'N');

const USER_FIELD_FIELDS: Array<ListField<SandboxUserField>> = [
  { name: 'ID', kind: 'int', value: (f) => f.id },
  { name: 'FIELD_NAME', kind: 'string', value: (f) => f.fieldName },
  { name: 'USER_TYPE_ID', kind: 'string', value: (f) => f.type },
  { name: 'XML_ID', kind: 'string', value: (f) => f.xmlId },
  { name: 'SORT', kind: 'int', value: (f) => f.sort },
  { name: 'MULTIPLE', kind: 'string', value: (f) => yes(f.multiple) },
  { name: 'MANDATORY', kind: 'string', value: (f) => yes(f.mandatory) },
  { name: 'SHOW_FILTER', kind: 'string', value: () => 'E' },
  { name: 'SHOW_IN_LIST', kind: 'string', value: () => 'Y' },
  { name: 'EDIT_IN_LIST', kind: 'string', value: () => 'Y' },
  { name: 'IS_SEARCHABLE', kind: 'string', value: () => 'N' },
];
const USER_FIELD_ORDER = new Set(['ID', 'FIELD_NAME', 'USER_TYPE_ID', 'XML_ID', 'SORT']);

/** A stable 32-hex XML_ID for an enumeration item, as Bitrix24 generates them. */
function itemXmlId(id: number): string {
  const random = seededRandom(id);
  return Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
}

function userFieldJson(field: SandboxUserField, language: string | undefined) {
  return {
    ID: String(field.id),
    ENTITY_ID: 'CRM_DEAL',
    FIELD_NAME: field.fieldName,
    USER_TYPE_ID: field.type,
    XML_ID: field.xmlId,
    SORT: String(field.sort),
    MULTIPLE: yes(field.multiple),
    MANDATORY: yes(field.mandatory),
    SHOW_FILTER: 'E',
    SHOW_IN_LIST: 'Y',
    EDIT_IN_LIST: 'Y',
    IS_SEARCHABLE: 'N',
    SETTINGS: userFieldSettings(field),
    ...(language === undefined
      ? {}
      : {
          EDIT_FORM_LABEL: labelIn(field, language) ?? null,
          LIST_COLUMN_LABEL: labelIn(field, language) ?? null,
          LIST_FILTER_LABEL: labelIn(field, language) ?? null,
          ERROR_MESSAGE: null,
          HELP_MESSAGE: null,
        }),
    ...(field.type === 'enumeration'
      ? {
          LIST: (field.items ?? []).map((item, index) => ({
            ID: String(item.id),
            SORT: String(item.sort ?? (index + 1) * 10),
            VALUE: item.value,
            DEF: yes(item.def),
            XML_ID: item.xmlId ?? itemXmlId(item.id),
          })),
        }
      : {}),
  };
}

export function fieldMethods(ctx: B24Context): MethodTable {
  const { fixture, userFields } = ctx.portal;
  const { language } = fixture.portal;

  return {
    'crm.deal.fields': () => ({
      result: Object.fromEntries([
        ...DEAL_FIELDS.map((field) => [field.name, describeStandard(field, language)] as const),
        ...userFields.map((field) => [field.fieldName, describeUserField(field, language)] as const),
      ]),
    }),

    'crm.lead.fields': () => ({
      result: Object.fromEntries(LEAD_FIELDS.map((field) => [field.name, describeStandard(field, language)])),
    }),

    'crm.deal.userfield.list': (params) => {
      const filter = objectParam(param(params, 'filter'));
      const order = objectParam(param(params, 'order'));
      if (!filter) throw new B24Error(400, '', "Parameter 'filter' must be array.");
      if (!order) throw new B24Error(400, '', "Parameter 'order' must be array.");
      const langKey = Object.keys(filter).find((key) => key.toUpperCase() === 'LANG');
      const lang = langKey === undefined ? undefined : filter[langKey];
      const allowedOrder = Object.fromEntries(Object.entries(order).filter(([key]) => USER_FIELD_ORDER.has(key.toUpperCase())));
      const ordered = [...userFields].sort((a, b) => a.sort - b.sort || a.id - b.id);
      const rows = query(ordered, USER_FIELD_FIELDS, { filter, order: allowedOrder, dialect: 'lenient', offset: fixture.portal.utcOffset, skip: ['LANG'] });
      const language = typeof lang === 'string' && lang.trim() !== '' ? lang.trim().toLowerCase() : undefined;
      return listResult(paginate(rows, param(params, 'start'), (field) => userFieldJson(field, language)));
    },
  };
}
