import { z } from 'zod';

/** One validation error: where (RFC 6901 JSON pointer into the request body) and what. */
export const fieldErrorSchema = z.object({
  pointer: z.string(),
  message: z.string(),
  /** A stable machine-readable code the UI can translate. */
  code: z.string().optional(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

/**
 * Every API error is an RFC 9457 problem document (`application/problem+json`).
 * `code` is stable and meant for programs and the UI's message catalogue.
 */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
  /** With 409: the version the client should re-read. */
  currentVersion: z.number().int().optional(),
  /** With `crm_rate_limited`: seconds to wait before trying again (also sent as `Retry-After`). */
  retryAfter: z.number().int().optional(),
  /** With `key_scopes_missing`: the read scopes the API key lacks. */
  missingScopes: z.array(z.string()).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** Turns a zod issue path into a JSON pointer (`/pipelines/0/containers/1/name`). */
export function toJsonPointer(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '';
  return `/${path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export function zodIssuesToFieldErrors(issues: ReadonlyArray<z.core.$ZodIssue>): FieldError[] {
  return issues.map((issue) => ({ pointer: toJsonPointer(issue.path), message: issue.message, code: issue.code }));
}
