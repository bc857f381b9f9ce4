import { z } from 'zod';

import type { CrmAccount } from '../../../app/contracts/connector';
import { HEX_COLOR, type CrmCustomField, type CrmPipeline, type CrmStatus } from '../../../app/contracts/crm-schema';
import type { CrmLead, CrmStatusChange, CrmTokens } from '../types';

/**
 * amoCRM API v4 payloads (docs/crm-apis.md §1) → the shared contracts. The schemas read
 * only what is used and ignore the rest, so additions on amoCRM's side change nothing.
 */

const int = z.number().int();

export const tokenResponseSchema = z.object({
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  server_time: z.number().optional(),
});

export function toTokens(body: z.infer<typeof tokenResponseSchema>, now: number): CrmTokens {
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: now + body.expires_in * 1000 };
}

export const accountSchema = z.object({
  id: int,
  name: z.string(),
  subdomain: z.string(),
  _links: z.object({ self: z.object({ href: z.string() }).optional() }).optional(),
});

/** amoCRM's and Kommo's cloud hosts: an account's own address is `<subdomain>.<one of these>`. */
const CLOUD_DOMAINS = ['amocrm.ru', 'amocrm.com', 'kommo.com'];

/**
 * The account; its `domain` is the cloud host its own `self` link names (`demo.amocrm.ru`,
 * `demo.kommo.com`), else `<subdomain>.amocrm.ru` (a sandbox links to its own origin).
 */
export function toAccount(body: z.infer<typeof accountSchema>): CrmAccount {
  let domain = `${body.subdomain}.amocrm.ru`;
  const href = body._links?.self?.href;
  const host = href && URL.canParse(href) ? new URL(href).hostname : '';
  const cloud = CLOUD_DOMAINS.find((suffix) => host === `${body.subdomain}.${suffix}`);
  if (cloud) domain = host;
  return { id: String(body.id), domain, name: body.name };
}

/** The colour of a status whose CRM colour is missing or not a hex colour (amoCRM's own grey). */
export const NEUTRAL_STATUS_COLOR = '#c1c1c1';

const statusSchema = z.object({
  id: int,
  name: z.string(),
  sort: z.number(),
  color: z.string().nullable().optional(),
  type: z.number().int().optional(),
});
const pipelineSchema = z.object({
  id: int,
  name: z.string(),
  sort: z.number(),
  is_main: z.boolean().optional(),
  is_archive: z.boolean().optional(),
  _embedded: z.object({ statuses: z.array(statusSchema).default([]) }).optional(),
});
export const pipelinesSchema = z.object({ _embedded: z.object({ pipelines: z.array(pipelineSchema) }) });

/** Stable sort by `sort`, keeping the CRM's own order for ties. */
const bySort = <T extends { sort: number }>(items: T[]): T[] =>
  items.map((item, index) => ({ item, index })).sort((a, b) => a.item.sort - b.item.sort || a.index - b.index).map(({ item }) => item);

function toStatus(status: z.infer<typeof statusSchema>): CrmStatus {
  // 142 and 143 repeat in every pipeline and carry type 0; only the unsorted status has type 1.
  const kind = status.type === 1 ? 'unsorted' : status.id === 142 ? 'won' : status.id === 143 ? 'lost' : 'regular';
  // The colour goes into the SPA's inline styles: anything but a hex colour becomes neutral grey.
  const color = status.color && HEX_COLOR.test(status.color) ? status.color : NEUTRAL_STATUS_COLOR;
  return { id: String(status.id), name: status.name, sort: status.sort, color, kind };
}

export function toPipelines(body: z.infer<typeof pipelinesSchema>): CrmPipeline[] {
  return bySort(body._embedded.pipelines).map((pipeline) => ({
    id: String(pipeline.id),
    name: pipeline.name,
    sort: pipeline.sort,
    isMain: pipeline.is_main ?? false,
    isArchive: pipeline.is_archive ?? false,
    statuses: bySort(pipeline._embedded?.statuses ?? []).map(toStatus),
  }));
}

const customFieldSchema = z.object({
  id: int,
  name: z.string(),
  code: z.string().nullable().optional(),
  type: z.string(),
  sort: z.number().optional(),
  enums: z.array(z.object({ id: int, value: z.string(), sort: z.number().optional() })).nullable().optional(),
});
export const customFieldsPageSchema = z.object({
  _links: z.object({ next: z.object({ href: z.string() }).optional() }).optional(),
  _embedded: z.object({ custom_fields: z.array(customFieldSchema) }),
});

export const NUMERIC_FIELD_TYPES: readonly string[] = ['numeric', 'monetary'];
export const TRACKING_FIELD_TYPES: readonly string[] = ['tracking_data'];

export function toCustomField(field: z.infer<typeof customFieldSchema>): CrmCustomField {
  return {
    id: String(field.id),
    name: field.name,
    code: field.code ?? null,
    type: field.type,
    enums: field.enums
      ? bySort(field.enums.map((option) => ({ ...option, sort: option.sort ?? 0 }))).map((option) => ({ id: String(option.id), value: option.value }))
      : null,
    isNumeric: NUMERIC_FIELD_TYPES.includes(field.type),
    isTracking: TRACKING_FIELD_TYPES.includes(field.type),
  };
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).nullable();
const leadSchema = z.object({
  id: int,
  name: z.string().nullable().optional(),
  price: z.number().nullable().optional(),
  pipeline_id: int,
  status_id: int,
  created_at: z.number(),
  updated_at: z.number(),
  closed_at: z.number().nullable().optional(),
  custom_fields_values: z
    .array(
      z.object({
        field_id: int,
        field_code: z.string().nullable().optional(),
        field_type: z.string().optional(),
        values: z.array(z.object({ value: scalar.optional(), enum_id: int.optional() })),
      }),
    )
    .nullable()
    .optional(),
});
export const leadsPageSchema = z.object({
  _links: z.object({ next: z.object({ href: z.string() }).optional() }).optional(),
  _embedded: z.object({ leads: z.array(leadSchema) }),
});

export function toLead(lead: z.infer<typeof leadSchema>): CrmLead {
  return {
    id: String(lead.id),
    name: lead.name ?? '',
    price: lead.price ?? null,
    pipelineId: String(lead.pipeline_id),
    statusId: String(lead.status_id),
    createdAt: lead.created_at,
    updatedAt: lead.updated_at,
    closedAt: lead.closed_at ?? null,
    customFields: (lead.custom_fields_values ?? []).map((field) => ({
      fieldId: String(field.field_id),
      code: field.field_code ?? null,
      type: field.field_type ?? 'text',
      values: field.values.flatMap((entry) => (entry.value === undefined || entry.value === null ? [] : [entry.value])),
    })),
  };
}

const leadStatus = z.object({ lead_status: z.object({ id: int, pipeline_id: int }) });
const eventSchema = z.object({
  id: z.union([z.string(), z.number()]),
  type: z.string(),
  entity_id: int,
  created_at: z.number(),
  value_after: z.array(leadStatus.partial()).optional(),
  value_before: z.array(leadStatus.partial()).optional(),
});
export const eventsPageSchema = z.object({
  _links: z.object({ next: z.object({ href: z.string() }).optional() }).optional(),
  _embedded: z.object({ events: z.array(eventSchema) }),
});

export function toStatusChange(event: z.infer<typeof eventSchema>): CrmStatusChange | null {
  const after = event.value_after?.[0]?.lead_status;
  if (event.type !== 'lead_status_changed' || !after) return null;
  const before = event.value_before?.[0]?.lead_status;
  return {
    id: String(event.id),
    leadId: String(event.entity_id),
    createdAt: event.created_at,
    before: before ? { pipelineId: String(before.pipeline_id), statusId: String(before.id) } : null,
    after: { pipelineId: String(after.pipeline_id), statusId: String(after.id) },
  };
}

/** amoCRM's 429 body carries `retry_after` (seconds); a `Retry-After` header may too. */
export function retryAfterSeconds(body: unknown, header: string | null): number | null {
  if (typeof body === 'object' && body !== null && 'retry_after' in body) {
    const value = Number(body.retry_after);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  }
  return null;
}
