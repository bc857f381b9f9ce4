import type { ClientResponse } from 'hono/client';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

import { problemSchema, type Problem } from '@/contracts/problem';

/** An API failure, carrying the server's problem document when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? problem?.title ?? `Request failed with status ${status}`);
    this.name = 'ApiError';
  }

  get code(): string {
    return this.problem?.code ?? (this.status === 0 ? 'network_error' : 'http_error');
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  json?: unknown;
  /** A body that is JSON text already (a file's contents, sent unchanged); instead of `json`. */
  jsonText?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Lets the request outlive the page (sent while it is hidden or unloaded); browsers cap such bodies at 64 KiB in all. */
  keepalive?: boolean;
}

/**
 * The `fetch` of the typed client (app/api/client.ts): same-origin with the session cookie,
 * JSON accepted; a network failure or an error status becomes an `ApiError` with the server's
 * problem document, so a caller only ever reads a successful answer.
 */
export async function apiFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  let response: Response;
  try {
    response = await fetch(input, { ...init, headers, credentials: 'same-origin' });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, null);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    const parsed = problemSchema.safeParse(body);
    throw new ApiError(response.status, parsed.success ? parsed.data : null);
  }
  return response;
}

/**
 * A typed client's answer validated with the shared contract. `schema` must accept what the
 * route's definition says it answers: when the two disagree, this does not compile.
 */
export async function readJson<R extends ClientResponse<unknown, number, string>, S extends z.ZodType>(
  request: Promise<R>,
  schema: S & (SuccessBody<R> extends z.input<S> ? unknown : { routeAnswerDoesNotFitTheContract: SuccessBody<R> }),
): Promise<z.output<S>> {
  return schema.parse(await (await request).json());
}

/** What a typed client's call answers when it succeeds (error statuses throw in `apiFetch`). */
type SuccessBody<R> = R extends ClientResponse<infer Body, infer Status, 'json'> ? (Status extends SuccessStatusCode ? Body : never) : never;

/**
 * Calls the product's API and validates the response with the shared contract, so the UI
 * never works with a shape it did not expect.
 */
export async function apiRequest<T>(path: string, schema: z.ZodType<T> | null, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined || options.jsonText !== undefined) headers['Content-Type'] = 'application/json';
  const response = await apiFetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.jsonText ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
    signal: options.signal,
    keepalive: options.keepalive,
  });
  if (schema === null || response.status === 204) return undefined as T;
  return schema.parse(await response.json());
}
