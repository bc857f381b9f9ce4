import type { Context, Hono } from 'hono';

import { noContent } from '../shared/http';
import { bracketParams, leaves } from '../shared/params';

import { accountIdOf, hal, self, type AmoContext } from './context';
import type { FixtureCustomField } from './fixture';
import { orderBy, pageHref, paginate } from './lists';

const CUSTOM_FIELDS_LIMIT = { default: 50, max: 250 };

/** `GET /api/v4/leads/custom_fields[/{id}]`: pages of 50 by default, at most 250, `filter[type][]`, `order[sort|id]`. */
export function customFieldsPart(ctx: AmoContext) {
  const { fixture } = ctx.account;
  const accountId = accountIdOf(ctx);

  const fieldJson = (c: Context, field: FixtureCustomField) => ({
    id: field.id,
    name: field.name,
    type: field.type,
    account_id: accountId,
    code: field.code,
    sort: field.sort,
    is_api_only: field.is_api_only,
    enums: field.enums?.map((option) => ({ id: option.id, value: option.value, sort: option.sort, code: option.code })) ?? null,
    group_id: field.group_id,
    required_statuses: [],
    is_deletable: field.is_deletable,
    is_predefined: field.is_predefined,
    entity_type: 'leads',
    is_computed: false,
    tracking_callback: null,
    remind: null,
    triggers: [],
    currency: field.currency,
    hidden_statuses: [],
    chained_lists: null,
    _links: self(c, `/api/v4/leads/custom_fields/${field.id}`),
  });

  return (app: Hono) => {
    app.get('/api/v4/leads/custom_fields', (c) => {
      const url = new URL(c.req.url);
      const types = leaves(bracketParams(url.searchParams, 'filter').type);
      const matching = fixture.custom_fields.filter((field) => types.length === 0 || types.includes(field.type));
      const sorted = orderBy(
        [...matching].sort((a, b) => a.sort - b.sort || a.id - b.id),
        url,
        { sort: (field) => field.sort, id: (field) => field.id },
        'sort',
      );
      const page = paginate(sorted, url, CUSTOM_FIELDS_LIMIT);
      if (page instanceof Response) return page;
      if (page.items.length === 0) return noContent();
      return hal({
        _total_items: matching.length,
        _page: page.page,
        _page_count: page.pageCount,
        _links: {
          self: pageHref(url, page.page, page.limit),
          ...(page.page < page.pageCount ? { next: pageHref(url, page.page + 1, page.limit) } : {}),
          last: pageHref(url, page.pageCount, page.limit),
        },
        _embedded: { custom_fields: page.items.map((field) => fieldJson(c, field)) },
      });
    });
    app.get('/api/v4/leads/custom_fields/:id{[0-9]+}', (c) => {
      const field = fixture.custom_fields.find((candidate) => candidate.id === Number(c.req.param('id')));
      return field ? hal(fieldJson(c, field)) : noContent();
    });
  };
}
