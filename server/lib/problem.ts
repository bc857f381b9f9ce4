import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import type { FieldError, Problem } from '../../app/contracts/problem';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface ProblemInit {
  code: string;
  detail?: string;
  errors?: FieldError[];
  currentVersion?: number;
  retryAfter?: number;
  missingScopes?: string[];
}

export function problemBody(status: number, init: ProblemInit): Problem {
  return {
    type: `https://hub-connect.dev/problems/${init.code}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...init,
  };
}

/** Sends an RFC 9457 problem document; `retryAfter` also becomes the `Retry-After` header. */
export function problem(c: Context, status: ContentfulStatusCode, init: ProblemInit): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' };
  if (init.retryAfter !== undefined) headers['Retry-After'] = String(init.retryAfter);
  return c.body(JSON.stringify(problemBody(status, init)), status, headers);
}

/** Thrown inside handlers to end the request with a problem document. */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly init: ProblemInit,
  ) {
    super(init.detail ?? init.code);
  }
}
