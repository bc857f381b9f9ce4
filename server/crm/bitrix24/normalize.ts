import { z } from 'zod';

import { CRM_ID_PATTERN } from '../../../app/contracts/connector';
import { HEX_COLOR, type CrmCustomField, type CrmPipeline, type CrmStatus, type StatusKind } from '../../../app/contracts/crm-schema';
import type { CrmLead, CrmLeadFieldValue, CrmStatusChange, CrmTokens } from '../types';

/**
 * Bitrix24 REST payloads (docs/crm-apis.md §2) → the shared contracts. The schemas read only
 * what is used and ignore the rest. Bitrix24 writes most numbers as strings (`"ID":"37"`,
 * `"SORT":"10"`, `"OPPORTUNITY":"19999.99"`) and some as numbers (`crm.category.list`,
 * `crm.stagehistory.list`), so ids and sorts accept both.
 */

const intLike = z.union([z.number().int(), z.string().trim().regex(/^-?\d+$/).transform(Number)]);
const numberLike = z.union([z.number(), z.string().trim().regex(/^-?\d+(?:\.\d+)?$/).transform(Number)]);
const text = z.string().nullable().optional();

// ---- OAuth -------------------------------------------------------------------------------

/** The OAuth server's answer to both grants (§2.1); the code grant also names the portal. */
export const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: numberLike.pipe(z.number().positive()),
  member_id: z.string().optional(),
  client_endpoint: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof tokenAnswerSchema>;

export function toTokens(body: TokenAnswer, now: number): CrmTokens {
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: now + body.expires_in * 1000 };
}

/** A portal's `member_id` as an account id (32 hex digits on real portals). */
export const memberIdOf = (body: TokenAnswer): string | null =>
  body.member_id !== undefined && CRM_ID_PATTERN.test(body.member_id) ? body.member_id : null;

// ---- envelopes ---------------------------------------------------------------------------

/** `{error, error_description}`: `error` is a code, `""` (crm.deal.list) or even `0` (crm.stagehistory.list). */
export function errorOf(body: unknown): { code: string; description: string } | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const { error } = body;
  const description = 'error_description' in body && typeof body.error_description === 'string' ? body.error_description : '';
  return { code: typeof error === 'string' ? error : '', description };
}

/** A list's `next` and `total` (absent on the last page, and on methods that are not lists). */
export const envelopeSchema = z.object({
  result: z.unknown(),
  next: intLike.optional(),
  total: intLike.optional(),
});

/** `batch`'s inner parts, keyed by command; PHP writes an empty one as `[]`, numeric keys as a list. */
const phpMap = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).transform((value): Record<string, unknown> =>
  Array.isArray(value) ? Object.fromEntries(value.map((item, index) => [String(index), item])) : value,
);
export const batchResultSchema = z.object({
  result: phpMap.default({}),
  result_error: phpMap.default({}),
  result_total: phpMap.default({}),
  result_next: phpMap.default({}),
});

// ---- pipelines and stages ----------------------------------------------------------------

const categorySchema = z.object({
  id: intLike,
  name: z.string(),
  sort: numberLike.default(0),
  isDefault: z.string().optional(),
});
export const categoriesSchema = z.object({ categories: z.array(categorySchema) });
export type Category = z.infer<typeof categorySchema>;

const statusSchema = z.object({
  STATUS_ID: z.string(),
  NAME: z.string(),
  SORT: numberLike.default(0),
  COLOR: text,
  SEMANTICS: text,
  EXTRA: z.object({ SEMANTICS: text }).partial().nullable().optional(),
});
export const statusesSchema = z.array(statusSchema);
type Status = z.infer<typeof statusSchema>;

/** The colour of a stage whose COLOR is missing or not a hex colour. */
export const NEUTRAL_STATUS_COLOR = '#c1c1c1';

/** The lead pipeline: leads have exactly one, the `STATUS` directory (§2.6). */
export const LEAD_PIPELINE_ID = 'leads';
export const LEAD_PIPELINE_NAME = 'Лиды';

/** `crm.status.list` directory of a deal pipeline: `DEAL_STAGE` for the default one (id 0), `DEAL_STAGE_{id}` for others. */
export const stageDirectory = (categoryId: number): string => (categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`);
export const LEAD_DIRECTORY = 'STATUS';

/** Stable sort by `sort`, keeping Bitrix24's own order for ties. */
export const bySort = <T>(items: readonly T[], sortOf: (item: T) => number): T[] =>
  items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => sortOf(a.item) - sortOf(b.item) || a.index - b.index)
    .map(({ item }) => item);

/** `SEMANTICS` S / F (or, where it is missing, `EXTRA.SEMANTICS` success / failure / apology). */
function kindOf(status: Status): StatusKind {
  const semantics = status.SEMANTICS ?? '';
  if (semantics === 'S') return 'won';
  if (semantics === 'F') return 'lost';
  const extra = status.EXTRA?.SEMANTICS ?? '';
  if (semantics === '' && extra === 'success') return 'won';
  if (semantics === '' && (extra === 'failure' || extra === 'apology')) return 'lost';
  return 'regular';
}

export function toStatuses(statuses: readonly Status[]): CrmStatus[] {
  return bySort(statuses, (status) => status.SORT)
    .filter((status) => CRM_ID_PATTERN.test(status.STATUS_ID))
    .map((status) => ({
      id: status.STATUS_ID,
      name: status.NAME,
      sort: status.SORT,
      // The colour goes into the SPA's inline styles: anything but a hex colour becomes neutral grey.
      color: status.COLOR && HEX_COLOR.test(status.COLOR) ? status.COLOR : NEUTRAL_STATUS_COLOR,
      kind: kindOf(status),
    }));
}

export function toDealPipeline(category: Category, statuses: readonly Status[]): CrmPipeline {
  return {
    id: String(category.id),
    name: category.name,
    sort: category.sort,
    isMain: category.isDefault === 'Y',
    isArchive: false,
    statuses: toStatuses(statuses),
  };
}

/** The lead pipeline, after the deal pipelines. */
export function toLeadPipeline(statuses: readonly Status[], sort: number): CrmPipeline {
  return { id: LEAD_PIPELINE_ID, name: LEAD_PIPELINE_NAME, sort, isMain: false, isArchive: false, statuses: toStatuses(statuses) };
}

// ---- custom fields -----------------------------------------------------------------------

const enumItem = z.object({ ID: intLike, VALUE: z.string(), SORT: numberLike.optional() });

/** `crm.deal.fields`: every field by its code; user fields carry `isDynamic` and the labels. */
export const dealFieldsSchema = z.record(
  z.string(),
  z.object({
    type: z.string(),
    isDynamic: z.boolean().optional(),
    title: text,
    listLabel: text,
    formLabel: text,
    filterLabel: text,
    items: z.array(enumItem).nullable().optional(),
  }),
);
export type DealFields = z.infer<typeof dealFieldsSchema>;

/** `crm.deal.userfield.list` with `filter.LANG`: the labels in that language (null where the field has none). */
export const userFieldsSchema = z.array(
  z.object({
    FIELD_NAME: z.string(),
    USER_TYPE_ID: z.string().optional(),
    LIST_COLUMN_LABEL: text,
    EDIT_FORM_LABEL: text,
    LIST_FILTER_LABEL: text,
    LIST: z.array(enumItem).nullable().optional(),
  }),
);
export type UserFields = z.infer<typeof userFieldsSchema>;

export const NUMERIC_FIELD_TYPES: readonly string[] = ['integer', 'double', 'money'];
/** Standard deal fields (not `UF_CRM_*`), offered as tracking parameters like amoCRM's UTM fields. */
export const UTM_FIELDS = ['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM'] as const;
const USER_FIELD = /^UF_CRM_/;

const firstLabel = (...labels: Array<string | null | undefined>): string | undefined =>
  labels.map((label) => label?.trim()).find((label): label is string => label !== undefined && label !== '');

/**
 * The deal's user fields (`UF_CRM_*`), in the user-field list's order (SORT, ID), named by the
 * label in the requested language, else `crm.deal.fields`' `listLabel` (the portal's language),
 * else the code; then the UTM fields as tracking fields.
 */
export function toCustomFields(fields: DealFields, userFields: UserFields): CrmCustomField[] {
  const position = new Map(userFields.map((field, index) => [field.FIELD_NAME, index]));
  const byName = new Map(userFields.map((field) => [field.FIELD_NAME, field]));
  const codes = Object.keys(fields).filter((code) => USER_FIELD.test(code) && fields[code]!.isDynamic !== false && CRM_ID_PATTERN.test(code));
  const ordered = bySort(codes, (code) => position.get(code) ?? Number.MAX_SAFE_INTEGER);
  const custom = ordered.map((code): CrmCustomField => {
    const field = fields[code]!;
    const listed = byName.get(code);
    const items = field.items ?? (listed?.LIST ? bySort(listed.LIST, (item) => item.SORT ?? 0) : null);
    return {
      id: code,
      name:
        firstLabel(listed?.LIST_COLUMN_LABEL, listed?.EDIT_FORM_LABEL, listed?.LIST_FILTER_LABEL, field.listLabel, field.formLabel, field.filterLabel) ??
        code,
      code,
      type: field.type,
      enums: items ? items.map((item) => ({ id: String(item.ID), value: item.VALUE })) : field.type === 'enumeration' ? [] : null,
      isNumeric: NUMERIC_FIELD_TYPES.includes(field.type),
      isTracking: false,
    };
  });
  const tracking = UTM_FIELDS.filter((code) => code in fields).map(
    (code): CrmCustomField => ({
      id: code,
      name: code.toLowerCase(),
      code,
      type: fields[code]!.type,
      enums: null,
      isNumeric: false,
      isTracking: true,
    }),
  );
  return [...custom, ...tracking];
}

// ---- deals -------------------------------------------------------------------------------

/** What `crm.deal.list` is asked for: the funnel's fields, the UTM fields and every single-value user field. */
export const DEAL_SELECT = ['ID', 'TITLE', 'CATEGORY_ID', 'STAGE_ID', 'OPPORTUNITY', 'DATE_CREATE', 'DATE_MODIFY', 'CLOSEDATE', 'CLOSED', ...UTM_FIELDS, 'UF_*'];

/** A Bitrix24 datetime (`2025-03-04T10:15:00+03:00`) in Unix seconds; null when empty or not a date. */
export function unixSeconds(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** Unix seconds as a filter value, the way Bitrix24 writes datetimes: `2025-03-04T07:15:00+00:00`. */
export const filterDateTime = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');

const datetime = z
  .string()
  .refine((value) => unixSeconds(value) !== null, { message: 'not a datetime' })
  .transform((value) => unixSeconds(value)!);

export const dealRowSchema = z.looseObject({
  ID: intLike,
  TITLE: text,
  CATEGORY_ID: intLike.nullable().optional(),
  STAGE_ID: z.string(),
  OPPORTUNITY: z.union([numberLike, z.literal(''), z.null()]).optional(),
  DATE_CREATE: datetime,
  DATE_MODIFY: text,
  CLOSEDATE: text,
  CLOSED: text,
});
export const dealRowsSchema = z.array(dealRowSchema);
type DealRow = z.infer<typeof dealRowSchema>;

/** A money field's value: `"68000|RUB"` (amount before the bar). */
const MONEY = /^(-?\d+(?:\.\d+)?)\|[A-Z]{3}$/;

/**
 * One user-field or UTM value as the deal carries it, or null when empty (`null`, `""`, `[]`).
 * `crm.deal.list` writes every value as a string and carries no types, so `type` says only what
 * the value shows: `money` for `amount|CURRENCY` (the amount is kept), else `string`.
 */
function toFieldValue(code: string, raw: unknown): CrmLeadFieldValue | null {
  const items = (Array.isArray(raw) ? raw : [raw]).filter(
    (item): item is string | number | boolean => (typeof item === 'string' && item !== '') || typeof item === 'number' || typeof item === 'boolean',
  );
  if (items.length === 0) return null;
  let money = false;
  const values = items.map((item) => {
    const match = typeof item === 'string' ? MONEY.exec(item) : null;
    if (!match) return item;
    money = true;
    return match[1]!;
  });
  return { fieldId: code, code, type: money ? 'money' : 'string', values };
}

export function toLead(row: DealRow): CrmLead {
  const price = row.OPPORTUNITY === undefined || row.OPPORTUNITY === null || row.OPPORTUNITY === '' ? null : row.OPPORTUNITY;
  const customFields = Object.entries(row).flatMap(([code, value]) =>
    (USER_FIELD.test(code) || (UTM_FIELDS as readonly string[]).includes(code)) && CRM_ID_PATTERN.test(code) ? (toFieldValue(code, value) ?? []) : [],
  );
  return {
    id: String(row.ID),
    name: row.TITLE ?? '',
    price,
    pipelineId: String(row.CATEGORY_ID ?? 0),
    statusId: row.STAGE_ID,
    createdAt: row.DATE_CREATE,
    updatedAt: unixSeconds(row.DATE_MODIFY) ?? row.DATE_CREATE,
    // CLOSEDATE is the planned close date of an open deal: it is the close date only once CLOSED is Y.
    closedAt: row.CLOSED === 'N' ? null : unixSeconds(row.CLOSEDATE),
    customFields,
  };
}

// ---- stage history -----------------------------------------------------------------------

const historyRowSchema = z.object({
  ID: intLike,
  TYPE_ID: intLike,
  OWNER_ID: intLike,
  CREATED_TIME: datetime,
  CATEGORY_ID: intLike.nullable().optional(),
  STAGE_ID: z.string(),
});
export const historyPageSchema = z.object({ items: z.array(historyRowSchema) });
type HistoryRow = z.infer<typeof historyRowSchema>;

/** `TYPE_ID` 1: the deal was created (in its first stage); 5: it moved to another pipeline. */
export const HISTORY_CREATED = 1;

/**
 * Stage-history rows as status changes, oldest first. `before` is the same deal's previous row
 * when this page has it, else null (and always null for a creation row).
 */
export function toStatusChanges(rows: readonly HistoryRow[]): CrmStatusChange[] {
  const last = new Map<number, { pipelineId: string; statusId: string }>();
  return bySort(rows, (row) => row.ID).map((row) => {
    const after = { pipelineId: String(row.CATEGORY_ID ?? 0), statusId: row.STAGE_ID };
    const before = row.TYPE_ID === HISTORY_CREATED ? null : (last.get(row.OWNER_ID) ?? null);
    last.set(row.OWNER_ID, after);
    return { id: String(row.ID), leadId: String(row.OWNER_ID), createdAt: row.CREATED_TIME, before, after };
  });
}
