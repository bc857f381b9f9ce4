import path from 'node:path';

import { z } from 'zod';

import { parseSandboxFaults, SandboxFaultsError, type SandboxFaults } from './amocrm/index';

/**
 * The sandbox program's own configuration (the product's is `server/env.ts`), parsed once
 * at start; a wrong value stops it with a message naming the variable.
 *
 * - `SANDBOX_PORT` (8788; 0 = any free port): the sandbox amoCRM, on 127.0.0.1;
 * - `SANDBOX_AMOCRM_ACCOUNT` (alias `SANDBOX_ACCOUNT`): its account fixture file; default the demo account;
 * - `SANDBOX_FAULTS`: fault injection, `rate429=0.2,error500=0.1,latencyMs=300,accessTtlSec=60`.
 */

export interface SandboxEnv {
  port: number;
  amocrm: {
    /** An account fixture file (absolute), or undefined for the built-in demo account. */
    accountFile: string | undefined;
    /** The variable that named the file, for error messages. */
    accountVariable: 'SANDBOX_AMOCRM_ACCOUNT' | 'SANDBOX_ACCOUNT';
    faults: SandboxFaults;
  };
}

export class SandboxEnvError extends Error {}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const schema = z
  .object({
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
    SANDBOX_AMOCRM_ACCOUNT: optionalText,
    SANDBOX_ACCOUNT: optionalText,
    SANDBOX_FAULTS: optionalText,
  })
  .superRefine((env, ctx) => {
    if (env.SANDBOX_AMOCRM_ACCOUNT && env.SANDBOX_ACCOUNT && env.SANDBOX_AMOCRM_ACCOUNT !== env.SANDBOX_ACCOUNT) {
      ctx.addIssue({
        code: 'custom',
        path: ['SANDBOX_ACCOUNT'],
        message: 'is the old name of SANDBOX_AMOCRM_ACCOUNT, which names another file; set only SANDBOX_AMOCRM_ACCOUNT',
      });
    }
    try {
      parseSandboxFaults(env.SANDBOX_FAULTS);
    } catch (error) {
      if (!(error instanceof SandboxFaultsError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['SANDBOX_FAULTS'], message: error.message });
    }
  });

/** `Invalid configuration:` and one line per variable, like the product's. */
export function sandboxConfigError(variable: string, message: string): SandboxEnvError {
  return new SandboxEnvError(`Invalid configuration:\n  ${variable}: ${message}`);
}

export function parseSandboxEnv(source: Record<string, string | undefined>): SandboxEnv {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new SandboxEnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  const account = env.SANDBOX_AMOCRM_ACCOUNT ?? env.SANDBOX_ACCOUNT;
  return {
    port: env.SANDBOX_PORT,
    amocrm: {
      accountFile: account === undefined ? undefined : path.resolve(account),
      accountVariable: env.SANDBOX_AMOCRM_ACCOUNT ? 'SANDBOX_AMOCRM_ACCOUNT' : 'SANDBOX_ACCOUNT',
      faults: parseSandboxFaults(env.SANDBOX_FAULTS),
    },
  };
}
