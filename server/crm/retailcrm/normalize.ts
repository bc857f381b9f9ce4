import { z } from 'zod';

import type { CrmCustomField, CrmPipeline } from '../../../app/contracts/crm-schema';
import type { CrmLead, CrmLeadFieldValue, CrmStatusChange } from '../types';

/**
 * RetailCRM API v5 answers (docs/crm-apis.md §3) and their normalization into the adapter
 * interface's types. Statuses and groups come as maps keyed by code; orders and history entries
 * omit empty fields; an empty `customFields` is `[]`; date-times are `Y-m-d H:i:s` in the account's
 * time, without an offset.
 */

/** The one pipeline: the shop's orders (all sites together; see the README). */
export const ORDERS_PIPELINE_ID = 'orders';
export const ORDERS_PIPELINE_NAME = 'Заказы';

/** Status groups whose statuses are won and lost (the wizard proposes Completed deal and Refusal). */
export const WON_GROUP = 'complete';
export const LOST_GROUP = 'cancel';

const GROUP_COLORS: Record<string, string> = {
  new: '#8ab4f8',
  approval: '#f6c26b',
  assembling: '#f39c6b',
  delivery: '#7fc8a9',
  complete: '#4caf50',
  cancel: '#e57373',
};
const OTHER_COLOR = '#b0bec5';

const paginationSchema = z.object({
  limit: z.number(),
  totalCount: z.number().int().min(0),
  currentPage: z.number().int().min(1),
  totalPageCount: z.number().int().min(0),
});

export const credentialsSchema = z.object({
  success: z.literal(true),
  scopes: z.array(z.string()).optional(),
  credentials: z.array(z.string()).optional(),
  siteAccess: z.string().optional(),
  sitesAvailable: z.array(z.string()).optional(),
});

export const statusesSchema = z.object({
  statuses: z.record(
    z.string(),
    z.object({ name: z.string(), code: z.string(), active: z.boolean().optional(), ordering: z.number().optional(), group: z.string().optional() }),
  ),
});

export const statusGroupsSchema = z.object({
  statusGroups: z.record(
    z.string(),
    z.object({ name: z.string(), code: z.string(), ordering: z.number().optional(), statuses: z.array(z.string()).optional() }),
  ),
});

export const sitesSchema = z.object({
  sites: z.union([
    z.record(z.string(), z.object({ name: z.string(), code: z.string(), currency: z.string().optional(), ordering: z.number().optional(), defaultForCrm: z.boolean().optional() })),
    z.array(z.never()),
  ]),
});

export const customFieldsPageSchema = z.object({
  pagination: paginationSchema,
  customFields: z.array(z.object({ name: z.string(), code: z.string(), type: z.string(), entity: z.string().optional(), ordering: z.number().optional() })),
});

const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);

const orderSchema = z.object({
  id: z.number().int(),
  number: z.string().optional(),
  status: z.string(),
  createdAt: z.string(),
  statusUpdatedAt: z.string().optional(),
  totalSumm: z.number().optional(),
  customFields: z.union([z.record(z.string(), fieldValue), z.array(z.unknown())]).optional(),
});
export type RetailOrder = z.infer<typeof orderSchema>;

export const ordersPageSchema = z.object({ pagination: paginationSchema, orders: z.array(orderSchema) });

const historyEntrySchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  created: z.boolean().optional(),
  field: z.string(),
  oldValue: z.unknown().optional(),
  newValue: z.unknown().optional(),
  order: z.object({ id: z.number().int() }).passthrough(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const historyPageSchema = z.object({ pagination: paginationSchema, history: z.array(historyEntrySchema) });

/** The account's local time, in minutes east of UTC (Moscow: 180, no DST since 2014). */
export const DEFAULT_UTC_OFFSET_MINUTES = 180;

/** `Y-m-d H:i:s` (or `Y-m-d`) in the account's time → Unix seconds; NaN when it is neither. */
export function parseDateTime(text: string, offsetMinutes: number): number {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(text.trim());
  if (!match) return Number.NaN;
  return Math.floor(Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}Z`) / 1000) - offsetMinutes * 60;
}

/** Unix seconds → `Y-m-d H:i:s` in the account's time. */
export function formatDateTime(seconds: number, offsetMinutes: number): string {
  return new Date((seconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

const codeOf = (value: unknown): string | null =>
  typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' ? value.code : null;

/** Statuses grouped by their status group, groups in `ordering` order, statuses in theirs inside a group. */
export function toPipeline(statuses: z.infer<typeof statusesSchema>['statuses'], groups: z.infer<typeof statusGroupsSchema>['statusGroups']): CrmPipeline {
  const orderedGroups = Object.values(groups).sort((a, b) => (a.ordering ?? 0) - (b.ordering ?? 0));
  const groupIndex = new Map(orderedGroups.map((group, index) => [group.code, index]));
  const groupOf = (status: { code: string; group?: string }) =>
    status.group ?? orderedGroups.find((group) => group.statuses?.includes(status.code))?.code ?? '';
  const ordered = Object.values(statuses)
    .map((status) => ({ ...status, group: groupOf(status) }))
    .sort(
      (a, b) =>
        (groupIndex.get(a.group) ?? Number.MAX_SAFE_INTEGER) - (groupIndex.get(b.group) ?? Number.MAX_SAFE_INTEGER) ||
        (a.ordering ?? 0) - (b.ordering ?? 0) ||
        a.code.localeCompare(b.code),
    );
  return {
    id: ORDERS_PIPELINE_ID,
    name: ORDERS_PIPELINE_NAME,
    sort: 0,
    isMain: true,
    isArchive: false,
    statuses: ordered.map((status, index) => ({
      id: status.code,
      name: status.name,
      sort: index,
      color: GROUP_COLORS[status.group] ?? OTHER_COLOR,
      kind: status.group === WON_GROUP ? 'won' : status.group === LOST_GROUP ? 'lost' : 'regular',
    })),
  };
}

const NUMERIC_TYPES = new Set(['integer', 'numeric']);

export function toCustomField(field: z.infer<typeof customFieldsPageSchema>['customFields'][number]): CrmCustomField {
  return {
    id: field.code,
    name: field.name,
    code: field.code,
    type: field.type,
    enums: null,
    isNumeric: NUMERIC_TYPES.has(field.type),
    isTracking: /^utm_/i.test(field.code),
  };
}

function fieldValues(values: RetailOrder['customFields']): CrmLeadFieldValue[] {
  if (!values || Array.isArray(values)) return [];
  return Object.entries(values).flatMap(([code, value]): CrmLeadFieldValue[] => {
    if (value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    const type = typeof list[0] === 'number' ? 'numeric' : typeof list[0] === 'boolean' ? 'boolean' : 'string';
    return [{ fieldId: code, code, type, values: list }];
  });
}

export function toLead(order: RetailOrder, offsetMinutes: number, changedAt?: number): CrmLead {
  const createdAt = parseDateTime(order.createdAt, offsetMinutes);
  const statusAt = order.statusUpdatedAt ? parseDateTime(order.statusUpdatedAt, offsetMinutes) : Number.NaN;
  const updatedAt = Math.max(createdAt, Number.isFinite(statusAt) ? statusAt : createdAt, changedAt ?? createdAt);
  return {
    id: String(order.id),
    name: order.number ?? String(order.id),
    price: order.totalSumm ?? null,
    pipelineId: ORDERS_PIPELINE_ID,
    statusId: order.status,
    createdAt,
    updatedAt,
    closedAt: null,
    customFields: fieldValues(order.customFields),
  };
}

/** The status entries of a history page as status changes (other fields' entries are left out). */
export function toStatusChanges(entries: readonly HistoryEntry[], offsetMinutes: number): CrmStatusChange[] {
  return entries.flatMap((entry): CrmStatusChange[] => {
    if (entry.field !== 'status') return [];
    const after = codeOf(entry.newValue);
    if (after === null) return [];
    const before = codeOf(entry.oldValue);
    return [
      {
        id: String(entry.id),
        leadId: String(entry.order.id),
        createdAt: parseDateTime(entry.createdAt, offsetMinutes),
        before: before === null ? null : { pipelineId: ORDERS_PIPELINE_ID, statusId: before },
        after: { pipelineId: ORDERS_PIPELINE_ID, statusId: after },
      },
    ];
  });
}
