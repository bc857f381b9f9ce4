import path from 'node:path';

import { z } from 'zod';

import { parseSandboxFaults, SandboxFaultsError } from '../mocks/sandbox/faults';

/**
 * The server's configuration, parsed once at boot. This is the only file that reads
 * `process.env`; everything else receives an `Env`.
 */

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(8787),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    STATIC_DIR: z.string().trim().min(1).default('./dist/web'),
    PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
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
    AMOCRM_REDIRECT_URI: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
    SANDBOX_ACCOUNT: optionalText,
    SANDBOX_FAULTS: optionalText,
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
    try {
      parseSandboxFaults(env.SANDBOX_FAULTS);
    } catch (error) {
      if (!(error instanceof SandboxFaultsError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['SANDBOX_FAULTS'], message: error.message });
    }
  });

export type Env = z.infer<typeof envSchema> & { publicUrl: string; dataDir: string; staticDir: string };

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  return {
    ...env,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    dataDir: path.resolve(env.DATA_DIR),
    staticDir: path.resolve(env.STATIC_DIR),
  };
}

export function loadEnv(): Env {
  return parseEnv(process.env);
}
