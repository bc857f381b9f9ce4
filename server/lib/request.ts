import type { Context } from 'hono';
import type { z } from 'zod';

import { CONNECTOR_IDS, CONNECTOR_NAMES, connectorIdSchema, type ConnectorId } from '../../app/contracts/connector';
import { zodIssuesToFieldErrors } from '../../app/contracts/problem';
import { ProblemError } from './problem';

/** The `{connector}` path parameter: one of `CONNECTOR_IDS`, else 404 `unknown_connector`. */
export function parseConnector(raw: string | undefined): ConnectorId {
  const parsed = connectorIdSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProblemError(404, {
      code: 'unknown_connector',
      detail: `Unknown connector "${raw ?? ''}". Known connectors: ${CONNECTOR_IDS.join(', ')}.`,
    });
  }
  return parsed.data;
}

/** 400 `connector_not_supported`: a known connector the product cannot talk to yet. */
export function connectorNotSupported(connector: ConnectorId): ProblemError {
  return new ProblemError(400, {
    code: 'connector_not_supported',
    detail: `${CONNECTOR_NAMES[connector]} is not available yet.`,
  });
}

const isJson = (c: Context) => (c.req.header('Content-Type') ?? '').toLowerCase().startsWith('application/json');

/**
 * The request body parsed as JSON: 415 `json_required` unless it is `application/json`,
 * 400 `invalid_json` when it does not parse. With `optional`, an empty body is `undefined`
 * (and needs no Content-Type).
 */
export async function readJsonBody(c: Context, options: { optional?: boolean } = {}): Promise<unknown> {
  const text = await c.req.text();
  if (options.optional && text.trim() === '') return undefined;
  if (!isJson(c)) throw new ProblemError(415, { code: 'json_required', detail: 'Send the body as application/json.' });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProblemError(400, { code: 'invalid_json', detail: 'The request body is not valid JSON.' });
  }
}

/** Validates a body against a contract: 422 `validation_failed` with a JSON pointer per issue. */
export function validateBody<T extends z.ZodType>(schema: T, body: unknown, detail: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ProblemError(422, { code: 'validation_failed', detail, errors: zodIssuesToFieldErrors(parsed.error.issues) });
  }
  return parsed.data;
}
