import type { Context, Hono } from 'hono';

import { httpProblem, noContent } from '../shared/http';
import { bracketParams, child, inRange, leaves, numbers, range } from '../shared/params';

import { accountIdOf, hal, self, type AmoContext } from './context';
import type { SandboxLead, SandboxStatusChange } from './fixture';
import { orderBy, pageHref, paginate, statusPairs } from './lists';

const LEADS_LIMIT = { default: 50, max: 250 };
const EVENTS_LIMIT = { default: 100, max: 100 };

/**
 * `GET /api/v4/leads[/{id}]` (filters by id, pipeline, status pairs, responsible user,
 * created/updated/closed dates and price; `order[id|created_at|updated_at]`) and
 * `GET /api/v4/events` (`lead_status_changed` only, newest first).
 */
export function leadsPart(ctx: AmoContext) {
  const { account } = ctx;
  const accountId = accountIdOf(ctx);
  const fieldsById = new Map(account.fixture.custom_fields.map((field) => [field.id, field]));
  const leadsById = new Map(account.leads.map((lead) => [lead.id, lead]));

  const leadJson = (c: Context, lead: SandboxLead) => ({
    id: lead.id,
    name: lead.name,
    price: lead.price,
    responsible_user_id: lead.responsibleUserId,
    group_id: 0,
    status_id: lead.statusId,
    pipeline_id: lead.pipelineId,
    loss_reason_id: null,
    created_by: lead.responsibleUserId,
    updated_by: lead.responsibleUserId,
    created_at: lead.createdAt,
    updated_at: lead.updatedAt,
    closed_at: lead.closedAt,
    closest_task_at: null,
    is_deleted: false,
    custom_fields_values:
      lead.values.length === 0
        ? null
        : lead.values.map((entry) => {
            const field = fieldsById.get(entry.fieldId)!;
            return {
              field_id: field.id,
              field_name: field.name,
              field_code: field.code,
              field_type: field.type,
              values: entry.values.map((value) => {
                const option = field.enums?.find((candidate) => candidate.id === value);
                if (option) return { value: option.value, enum_id: option.id, enum_code: option.code };
                // amoCRM sends numbers of numeric and monetary fields as strings ("1.5").
                return { value: typeof value === 'number' && !['date', 'date_time', 'birthday'].includes(field.type) ? String(value) : value };
              }),
            };
          }),
    score: null,
    account_id: accountId,
    labor_cost: null,
    _links: self(c, `/api/v4/leads/${lead.id}`),
    _embedded: { tags: [], companies: [] },
  });

  const eventJson = (c: Context, event: SandboxStatusChange, withLeadName: boolean) => ({
    id: event.id,
    type: 'lead_status_changed',
    entity_id: event.leadId,
    entity_type: 'lead',
    created_by: event.createdBy,
    created_at: event.createdAt,
    value_after: [{ lead_status: { id: event.after.statusId, pipeline_id: event.after.pipelineId } }],
    value_before: [{ lead_status: { id: event.before.statusId, pipeline_id: event.before.pipelineId } }],
    account_id: accountId,
    _links: self(c, `/api/v4/events/${event.id}`),
    _embedded: {
      entity: {
        id: event.leadId,
        ...(withLeadName ? { name: leadsById.get(event.leadId)?.name ?? '' } : {}),
        _links: self(c, `/api/v4/leads/${event.leadId}`),
      },
    },
  });

  return (app: Hono) => {
    app.get('/api/v4/leads', (c) => {
      const url = new URL(c.req.url);
      const filter = bracketParams(url.searchParams, 'filter');
      const ids = numbers(filter.id);
      const pipelineIds = numbers(filter.pipeline_id);
      const statuses = statusPairs(filter.statuses);
      const responsible = numbers(filter.responsible_user_id);
      const created = range(filter.created_at);
      const updated = range(filter.updated_at);
      const closed = range(filter.closed_at);
      const price = range(filter.price);
      const matching = account.leads.filter(
        (lead) =>
          (ids.length === 0 || ids.includes(lead.id)) &&
          (pipelineIds.length === 0 || pipelineIds.includes(lead.pipelineId)) &&
          (statuses.length === 0 ||
            statuses.some((pair) => pair.pipelineId === lead.pipelineId && (pair.statusId === null || pair.statusId === lead.statusId))) &&
          (responsible.length === 0 || responsible.includes(lead.responsibleUserId)) &&
          inRange(lead.createdAt, created) &&
          inRange(lead.updatedAt, updated) &&
          inRange(lead.closedAt, closed) &&
          inRange(lead.price, price),
      );
      const sorted = orderBy(
        matching,
        url,
        { id: (lead) => lead.id, created_at: (lead) => lead.createdAt, updated_at: (lead) => lead.updatedAt },
        'id',
      );
      const page = paginate(sorted, url, LEADS_LIMIT);
      if (page instanceof Response) return page;
      if (page.items.length === 0) return noContent();
      return hal({
        _page: page.page,
        _links: {
          self: pageHref(url, page.page, page.limit),
          ...(page.page < page.pageCount ? { next: pageHref(url, page.page + 1, page.limit) } : {}),
          ...(page.page > 1 ? { first: pageHref(url, 1, page.limit), prev: pageHref(url, page.page - 1, page.limit) } : {}),
        },
        _embedded: { leads: page.items.map((lead) => leadJson(c, lead)) },
      });
    });
    app.get('/api/v4/leads/:id{[0-9]+}', (c) => {
      const lead = account.leads.find((candidate) => candidate.id === Number(c.req.param('id')));
      return lead ? hal(leadJson(c, lead)) : noContent();
    });

    app.get('/api/v4/events', (c) => {
      const url = new URL(c.req.url);
      const filter = bracketParams(url.searchParams, 'filter');
      const types = leaves(filter.type);
      const entities = leaves(filter.entity);
      const entityIds = numbers(filter.entity_id);
      if (entityIds.length > 10) return httpProblem(400, 'Bad Request', 'Request validation failed');
      const created = range(filter.created_at);
      const after = statusPairs(child(filter.value_after, 'leads_statuses'));
      const relevant =
        (types.length === 0 || types.includes('lead_status_changed')) && (entities.length === 0 || entities.includes('lead'));
      const matching = relevant
        ? account.events.filter(
            (event) =>
              (entityIds.length === 0 || entityIds.includes(event.leadId)) &&
              inRange(event.createdAt, created) &&
              (after.length === 0 ||
                after.some(
                  (pair) =>
                    pair.pipelineId === event.after.pipelineId && (pair.statusId === null || pair.statusId === event.after.statusId),
                )),
          )
        : [];
      // Newest first, like amoCRM's events feed.
      const sorted = [...matching].sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
      const page = paginate(sorted, url, EVENTS_LIMIT);
      if (page instanceof Response) return page;
      if (page.items.length === 0) return noContent();
      const withLeadName = (c.req.query('with') ?? '').split(',').includes('lead_name');
      return hal({
        _page: page.page,
        _links: {
          self: pageHref(url, page.page, page.limit),
          ...(page.page < page.pageCount ? { next: pageHref(url, page.page + 1, page.limit) } : {}),
        },
        _embedded: { events: page.items.map((event) => eventJson(c, event, withLeadName)) },
      });
    });
  };
}
