import { describe, expect, it } from 'vitest';

import { demoPortal } from './index';
import { call, connected, grant, ORIGIN, sandboxWithClock } from './test-helpers';

/** `batch`: up to 50 commands in one HTTP request, results keyed by command, HTTP 200 whatever the sub-calls did. */

type Row = Record<string, unknown>;
interface BatchResult {
  result: Row | unknown[];
  result_error: Row | unknown[];
  result_total: Row | unknown[];
  result_next: Row | unknown[];
  result_time: Row | unknown[];
}

const portal = demoPortal();
const dealHistory = portal.history.filter((row) => row.entityTypeId === 2);

describe('batch', () => {
  it('runs list and directory calls in one request: results, totals, next and times keyed by command', async () => {
    const api = await connected();
    const before = api.sandbox.requests.length;
    const { status, body } = await api.call<BatchResult>('batch', {
      halt: 0,
      cmd: {
        h0: 'crm.stagehistory.list?entityTypeId=2&order[ID]=ASC&filter[>ID]=0&start=0',
        h1: 'crm.stagehistory.list?entityTypeId=2&order[ID]=ASC&filter[>ID]=0&start=50',
        stages: 'crm.status.list?filter[ENTITY_ID]=DEAL_STAGE&order[SORT]=ASC',
        profile: 'profile',
      },
    });
    expect(status).toBe(200);
    expect(api.sandbox.requests.length - before).toBe(1);
    const result = body.result;
    expect(Object.keys(result)).toEqual(['result', 'result_error', 'result_total', 'result_next', 'result_time']);
    const results = result.result as Record<string, { items?: Row[] } | Row[]>;
    expect(Object.keys(results)).toEqual(['h0', 'h1', 'stages', 'profile']);
    expect((results.h0 as { items: Row[] }).items.map((row) => row.ID)).toEqual(dealHistory.slice(0, 50).map((row) => row.id));
    expect((results.h1 as { items: Row[] }).items.map((row) => row.ID)).toEqual(dealHistory.slice(50, 100).map((row) => row.id));
    // A sub-call's result is the very result of the same call made alone.
    const alone = await api.call('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE' }, order: { SORT: 'ASC' } });
    expect(results.stages).toEqual(alone.body.result);
    expect(result.result_error).toEqual([]);
    expect(result.result_total).toEqual({ h0: dealHistory.length, h1: dealHistory.length, stages: 9 });
    expect(result.result_next).toEqual({ h0: 50, h1: 100 });
    expect(Object.keys(result.result_time)).toEqual(['h0', 'h1', 'stages', 'profile']);
    expect((result.result_time as Record<string, Row>).h0).toEqual({
      start: expect.any(Number),
      finish: expect.any(Number),
      duration: expect.any(Number),
      processing: expect.any(Number),
      date_start: expect.stringMatching(/\+03:00$/),
      date_finish: expect.stringMatching(/\+03:00$/),
    });
  });

  it('writes a list of commands as JSON lists, and empty parts as []', async () => {
    const api = await connected();
    const { body } = await api.call<BatchResult>('batch', { cmd: ['crm.category.list?entityTypeId=2', 'app.info'] });
    expect(Array.isArray(body.result.result)).toBe(true);
    expect((body.result.result as Array<{ categories?: unknown[] }>)[0]!.categories).toHaveLength(3);
    expect(body.result.result_total).toEqual([3]);
    expect(body.result.result_next).toEqual([]);
    expect(body.result.result_error).toEqual([]);
  });

  it('resolves $result[key][…] references to earlier results', async () => {
    const api = await connected();
    const { body } = await api.call<BatchResult>('batch', {
      halt: 1,
      cmd: {
        first: 'crm.deal.list?select[]=ID&order[ID]=ASC&start=0',
        after: 'crm.deal.list?select[]=ID&order[ID]=ASC&start=-1&filter[>ID]=$result[first][49][ID]',
      },
    });
    const results = body.result.result as Record<string, Row[]>;
    expect(results.after!.map((row) => row.ID)).toEqual(portal.deals.slice(50, 100).map((deal) => String(deal.id)));
  });

  it('with halt=0 runs every command and collects the errors; with halt=1 stops at the first', async () => {
    const api = await connected();
    const cmd = {
      ok: 'profile',
      bad: 'crm.stagehistory.list?entityTypeId=2&filter[TITLE]=x',
      missing: 'crm.nothing',
      later: 'app.info',
    };
    const all = (await api.call<BatchResult>('batch', { halt: 0, cmd })).body.result;
    expect(Object.keys(all.result)).toEqual(['ok', 'later']);
    expect(all.result_error).toEqual({
      bad: { error: 'INVALID_ARG_VALUE', error_description: "Invalid filter: field 'TITLE' is not allowed in filter" },
      missing: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
    });
    const halted = await api.call<BatchResult>('batch', { halt: 1, cmd });
    expect(halted.status).toBe(200);
    expect(Object.keys(halted.body.result.result)).toEqual(['ok']);
    expect(Object.keys(halted.body.result.result_error)).toEqual(['bad']);
    expect(Object.keys(halted.body.result.result_time)).toEqual(['ok']);
  });

  it('answers with every part empty when every command fails', async () => {
    const api = await connected();
    const { status, body } = await api.call<BatchResult>('batch', { halt: 0, cmd: { a: 'crm.nothing', b: 'crm.category.list?entityTypeId=1' } });
    expect(status).toBe(200);
    expect(body.result).toEqual({
      result: [],
      result_error: {
        a: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
        b: { error: 'ENTITY_TYPE_NOT_SUPPORTED', error_description: 'Entity type `Lead` is not supported' },
      },
      result_total: [],
      result_next: [],
      result_time: [],
    });
  });

  it('takes at most 50 commands', async () => {
    const api = await connected();
    const commands = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`c${index}`, 'profile']));
    const fifty = await api.call<BatchResult>('batch', { cmd: commands(50) });
    expect(fifty.status).toBe(200);
    expect(Object.keys(fifty.body.result.result)).toHaveLength(50);
    expect(await api.call('batch', { cmd: commands(51) })).toEqual({
      status: 400,
      body: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' },
    });
  });

  it('refuses a nested batch as that command’s error', async () => {
    const api = await connected();
    const { status, body } = await api.call<BatchResult>('batch', { cmd: { inner: 'batch?cmd[a]=profile', me: 'profile' } });
    expect(status).toBe(200);
    expect(body.result.result_error).toEqual({ inner: { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' } });
    expect(Object.keys(body.result.result)).toEqual(['me']);
  });

  it('takes its commands from a URL too, double-encoded', async () => {
    const api = await connected();
    const command = 'crm.deal.list?select[]=ID&filter[@CATEGORY_ID][]=3&filter[@CATEGORY_ID][]=7&start=0';
    const { body } = await api.call<BatchResult>('batch', `halt=0&cmd[deals]=${encodeURIComponent(command)}`);
    const expected = portal.deals.filter((deal) => deal.categoryId !== 0);
    expect((body.result.result_total as Row).deals).toBe(expected.length);
    expect((body.result.result as Record<string, Row[]>).deals!.map((row) => row.ID)).toEqual(expected.slice(0, 50).map((deal) => String(deal.id)));
  });

  it('counts as one request for the rate limit, however many commands it holds', async () => {
    const { sandbox } = sandboxWithClock({ faults: { bucket: 2 } });
    const { access_token: token } = await grant(sandbox);
    const cmd = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`c${index}`, 'profile']));
    expect((await call(sandbox, token, 'batch', { cmd })).status).toBe(200);
    expect((await call(sandbox, token, 'batch', { cmd })).status).toBe(200);
    expect((await call(sandbox, token, 'batch', { cmd })).body.error).toBe('QUERY_LIMIT_EXCEEDED');
    expect(sandbox.requests.filter((request) => request.path === '/rest/batch')).toHaveLength(3);
    expect(ORIGIN).toBe('http://127.0.0.1:8789');
  });
});
