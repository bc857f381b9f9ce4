import path from 'node:path';

import { z } from 'zod';

import type { ConfiguredConnector } from './crm/definition';
import { REGISTERED_CONNECTORS } from './crm/registry';
import { httpUrl, optionalText } from './lib/env-values';

/**
 * The server's configuration, parsed once at boot. This is the only file that reads
 * `process.env`; everything else receives an `Env`. The product's variables only: the
 * sandbox CRMs are a separate program (`mocks/sandbox/serve.ts`) with their own.
 */

const envSchema = z.object({
    PORT: z.coerce.number().int().min(1).max(65535).default(8787),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    STATIC_DIR: z.string().trim().min(1).default('./dist/web'),
    PUBLIC_URL: optionalText.pipe(httpUrl.optional()),
    /** postgres://… : PostgreSQL (several servers on one database) instead of SQLite in DATA_DIR. */
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(?:ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
        .optional(),
    ),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    /** On SIGTERM: how long requests in flight may take to finish before their connections are cut. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
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
    // CRM drift (server/crm/drift.ts): how often every connected connector is compared with its CRM
    // (0 turns the periodic check off), and the oldest cached CRM schema a comparison accepts.
    DRIFT_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).max(7 * 24 * 3600_000).default(15 * 60_000),
    DRIFT_SCHEMA_MAX_AGE_MS: z.coerce.number().int().min(0).max(24 * 3600_000).default(10 * 60_000),
    CRM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    // Slow and greedy clients (server/lib/http-limits.ts): Node's timeouts and connection caps.
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(1_024),
    HTTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).max(1_000_000).default(64),
    // Per-client rate limit on /api/* (server/lib/rate-limit.ts); RATE_LIMIT_PER_SECOND=0 turns it off.
    RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(20),
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
    RATE_LIMIT_MAX_CLIENTS: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
    TRUST_PROXY: optionalText.pipe(z.enum(['true', 'false', '1', '0']).optional()).transform((value) => value === 'true' || value === '1'),
  })
  .refine((env) => env.HTTP_HEADERS_TIMEOUT_MS <= env.HTTP_REQUEST_TIMEOUT_MS, {
    path: ['HTTP_HEADERS_TIMEOUT_MS'],
    message: 'must not be longer than HTTP_REQUEST_TIMEOUT_MS',
  });

export type Env = z.infer<typeof envSchema> & {
  publicUrl: string;
  dataDir: string;
  staticDir: string;
  /** Every registered CRM with its own variables parsed (configured or not), in catalogue order. */
  connectors: ConfiguredConnector[];
};

export class EnvError extends Error {}

/**
 * The product's variables, and each registered CRM's own (its registry entry declares them);
 * every problem of either kind is listed, one line per variable.
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  const lines = result.success ? [] : result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  const publicUrl = result.success ? (result.data.PUBLIC_URL ?? `http://${result.data.HOST}:${result.data.PORT}`).replace(/\/$/, '') : '';
  const connectors: ConfiguredConnector[] = [];
  for (const entry of REGISTERED_CONNECTORS) {
    const configured = entry.configure(source, publicUrl);
    if (configured.ok) connectors.push(configured.connector);
    else lines.push(...configured.issues);
  }
  if (!result.success || lines.length > 0) throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  const env = result.data;
  return {
    ...env,
    publicUrl,
    dataDir: path.resolve(env.DATA_DIR),
    staticDir: path.resolve(env.STATIC_DIR),
    connectors,
  };
}

export function loadEnv(): Env {
  return parseEnv(process.env);
}
