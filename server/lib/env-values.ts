import { z } from 'zod';

/**
 * Value shapes shared by the product's configuration (`server/env.ts`) and each CRM's own
 * variables (its registry entry): an empty string counts as unset.
 */

export const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const httpUrl = z.url({ protocol: /^https?$/ });

/** An origin (scheme, host, port; no path), normalized without the trailing slash. */
export const optionalOrigin = optionalText.pipe(
  httpUrl
    .refine((value) => new URL(value).origin === value.replace(/\/$/, ''), {
      message: 'must be an origin (scheme, host and port, no path), e.g. http://127.0.0.1:8788',
    })
    .transform((value) => new URL(value).origin)
    .optional(),
);

export const optionalHttpUrl = optionalText.pipe(httpUrl.optional());

/**
 * The rules every OAuth CRM's variables follow: the client id and secret come together, and a
 * sandbox origin needs them (the sandbox integration's credentials).
 */
export function checkOAuthCredentials(
  env: Record<string, string | undefined>,
  ctx: z.RefinementCtx,
  names: { id: string; secret: string; sandbox: string },
): void {
  const id = env[names.id];
  const secret = env[names.secret];
  if (Boolean(id) !== Boolean(secret)) {
    ctx.addIssue({
      code: 'custom',
      path: [id ? names.secret : names.id],
      message: `${names.id} and ${names.secret} must be set together`,
    });
  }
  if (env[names.sandbox] && !id && !secret) {
    ctx.addIssue({
      code: 'custom',
      path: [names.sandbox],
      message: `needs ${names.id} and ${names.secret} (the sandbox integration's credentials)`,
    });
  }
}
