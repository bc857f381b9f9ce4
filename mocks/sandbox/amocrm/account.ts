import type { Context, Hono } from 'hono';

import { noContent } from '../shared/http';

import { accountIdOf, hal, ownerOf, self, type AmoContext } from './context';
import type { FixturePipeline, FixtureStatus } from './fixture';

/** `GET /api/v4/account` and `/api/v4/leads/pipelines[/{id}[/statuses[/{id}]]]`. */
export function accountPart(ctx: AmoContext) {
  const { fixture } = ctx.account;
  const accountId = accountIdOf(ctx);

  const statusJson = (c: Context, pipeline: FixturePipeline, status: FixtureStatus) => ({
    id: status.id,
    name: status.name,
    sort: status.sort,
    is_editable: status.type !== 1 && status.id !== 142 && status.id !== 143,
    pipeline_id: pipeline.id,
    color: status.color,
    type: status.type,
    account_id: accountId,
    ...(c.req.query('with')?.split(',').includes('descriptions') ? { descriptions: [] } : {}),
    _links: self(c, `/api/v4/leads/pipelines/${pipeline.id}/statuses/${status.id}`),
  });
  const pipelineJson = (c: Context, pipeline: FixturePipeline) => ({
    id: pipeline.id,
    name: pipeline.name,
    sort: pipeline.sort,
    is_main: pipeline.is_main,
    is_unsorted_on: pipeline.is_unsorted_on,
    is_archive: pipeline.is_archive,
    account_id: accountId,
    _links: self(c, `/api/v4/leads/pipelines/${pipeline.id}`),
    _embedded: { statuses: pipeline.statuses.map((status) => statusJson(c, pipeline, status)) },
  });
  const findPipeline = (c: Context) => fixture.pipelines.find((pipeline) => pipeline.id === Number(c.req.param('id')));

  return (app: Hono) => {
    app.get('/api/v4/account', (c) =>
      hal({
        id: accountId,
        name: fixture.account.name,
        subdomain: fixture.account.subdomain,
        created_at: fixture.account.created_at,
        created_by: 0,
        updated_at: fixture.account.created_at,
        updated_by: 0,
        current_user_id: ownerOf(ctx).id,
        country: fixture.account.country,
        currency: fixture.account.currency,
        currency_symbol: fixture.account.currency_symbol,
        customers_mode: 'disabled',
        is_unsorted_on: fixture.pipelines.some((pipeline) => pipeline.is_unsorted_on),
        mobile_feature_version: 0,
        is_loss_reason_enabled: true,
        is_helpbot_enabled: false,
        is_technical_account: false,
        contact_name_display_order: 1,
        _links: self(c, '/api/v4/account'),
      }),
    );

    app.get('/api/v4/leads/pipelines', (c) =>
      hal({
        _total_items: fixture.pipelines.length,
        _links: self(c, '/api/v4/leads/pipelines'),
        _embedded: { pipelines: fixture.pipelines.map((pipeline) => pipelineJson(c, pipeline)) },
      }),
    );
    app.get('/api/v4/leads/pipelines/:id{[0-9]+}', (c) => {
      const pipeline = findPipeline(c);
      return pipeline ? hal(pipelineJson(c, pipeline)) : noContent();
    });
    app.get('/api/v4/leads/pipelines/:id{[0-9]+}/statuses', (c) => {
      const pipeline = findPipeline(c);
      if (!pipeline) return noContent();
      return hal({
        _total_items: pipeline.statuses.length,
        _links: self(c, `/api/v4/leads/pipelines/${pipeline.id}/statuses`),
        _embedded: { statuses: pipeline.statuses.map((status) => statusJson(c, pipeline, status)) },
      });
    });
    app.get('/api/v4/leads/pipelines/:id{[0-9]+}/statuses/:status{[0-9]+}', (c) => {
      const pipeline = findPipeline(c);
      const status = pipeline?.statuses.find((candidate) => candidate.id === Number(c.req.param('status')));
      return pipeline && status ? hal(statusJson(c, pipeline, status)) : noContent();
    });
  };
}
