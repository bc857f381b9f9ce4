import path from 'node:path';

import { z } from 'zod';

/**
 * The server's configuration, parsed once at boot. This is the only file that reads
 * `process.env`; everything else receives an `Env`. The product's variables only: the
 * sandbox CRMs are a separate program (`mocks/sandbox/serve.ts`) with their own.
 */

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpUrl = z.url({ protocol: /^https?$/ });

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(8787),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    STATIC_DIR: z.string().trim().min(1).default('./dist/web'),
    PUBLIC_URL: optionalText.pipe(httpUrl.optional()),
    SESSION_SECRET: optionalText.pipe(
      z.string().min(32, { message: 'must be at least 32 characters long' }).optional(),
    ),
    TOKEN_ENCRYPTION_KEY: optionalText.pipe(
      z
        .string()
        .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
          message: 'must be 32 bytes, as 64 hex characters or 44 base64 characters',
        })
        .optional(),
    ),
    AMOCRM_CLIENT_ID: optionalText,
    AMOCRM_CLIENT_SECRET: optionalText,
    AMOCRM_REDIRECT_URI: optionalText.pipe(httpUrl.optional()),
    AMOCRM_SANDBOX_ORIGIN: optionalText.pipe(
      httpUrl
        .refine((value) => new URL(value).origin === value.replace(/\/$/, ''), {
          message: 'must be an origin (scheme, host and port, no path), e.g. http://127.0.0.1:8788',
        })
        .transform((value) => new URL(value).origin)
        .optional(),
    ),
    CRM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.AMOCRM_CLIENT_ID) !== Boolean(env.AMOCRM_CLIENT_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.AMOCRM_CLIENT_ID ? 'AMOCRM_CLIENT_SECRET' : 'AMOCRM_CLIENT_ID'],
        message: 'AMOCRM_CLIENT_ID and AMOCRM_CLIENT_SECRET must be set together',
      });
    }
    if (env.AMOCRM_SANDBOX_ORIGIN && !env.AMOCRM_CLIENT_ID && !env.AMOCRM_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AMOCRM_SANDBOX_ORIGIN'],
        message: "needs AMOCRM_CLIENT_ID and AMOCRM_CLIENT_SECRET (the sandbox integration's credentials)",
      });
    }
  });

export type Env = z.infer<typeof envSchema> & {
  publicUrl: string;
  dataDir: string;
  staticDir: string;
  /** `AMOCRM_REDIRECT_URI`, else `$PUBLIC_URL/api/oauth/amocrm/callback`. */
  amocrmRedirectUri: string;
};

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  const publicUrl = (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, '');
  return {
    ...env,
    publicUrl,
    dataDir: path.resolve(env.DATA_DIR),
    staticDir: path.resolve(env.STATIC_DIR),
    amocrmRedirectUri: env.AMOCRM_REDIRECT_URI ?? `${publicUrl}/api/oauth/amocrm/callback`,
  };
}

export function loadEnv(): Env {
  return parseEnv(process.env);
}
