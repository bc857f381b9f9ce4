import type { Context } from 'hono';
import type { z } from 'zod';

import { zodIssuesToFieldErrors } from '../../app/contracts/problem';

import { ProblemError } from './problem';

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
