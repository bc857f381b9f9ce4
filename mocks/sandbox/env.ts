import path from 'node:path';

import { z } from 'zod';

import { parseSandboxFaults, SandboxFaultsError, type SandboxFaults } from './amocrm/index';
import { parseBitrix24Faults, type Bitrix24SandboxFaults } from './bitrix24/index';
import { parseRetailCrmFaults, type RetailCrmSandboxFaults } from './retailcrm/index';

/**
 * The sandbox program's own configuration (the product's is `server/env.ts`), parsed once
 * at start; a wrong value stops it with a message naming the variable. Only the variables of
 * the sandboxes the demo starts are checked (the others read as their defaults).
 *
 * The sandbox amoCRM:
 * - `SANDBOX_PORT` (8788; 0 = any free port), on 127.0.0.1;
 * - `SANDBOX_AMOCRM_ACCOUNT` (alias `SANDBOX_ACCOUNT`): its account fixture file; default the demo account;
 * - `SANDBOX_FAULTS`: fault injection, `rate429=0.2,error500=0.1,latencyMs=300,accessTtlSec=60`.
 *
 * The sandbox Bitrix24:
 * - `SANDBOX_BITRIX24_PORT` (8789; 0 = any free port), on 127.0.0.1;
 * - `SANDBOX_BITRIX24_ACCOUNT`: its portal fixture file; default the demo portal;
 * - `SANDBOX_BITRIX24_FAULTS`: fault injection, `rate503=0.2,error500=0.1,latencyMs=300,accessTtlSec=60,revokedRefresh`.
 *
 * The sandbox RetailCRM:
 * - `SANDBOX_RETAILCRM_PORT` (8790; 0 = any free port), on 127.0.0.1;
 * - `SANDBOX_RETAILCRM_ACCOUNT`: its shop fixture file; default the demo shop;
 * - `SANDBOX_RETAILCRM_FAULTS`: fault injection, `rate503=0.2,error500=0.1,latencyMs=300,perSecond=10,unpaid,forbidden`.
 */

export interface SandboxEnv {
  /** `SANDBOX_PORT`: the sandbox amoCRM's. */
  port: number;
  amocrm: {
    /** An account fixture file (absolute), or undefined for the built-in demo account. */
    accountFile: string | undefined;
    /** The variable that named the file, for error messages. */
    accountVariable: 'SANDBOX_AMOCRM_ACCOUNT' | 'SANDBOX_ACCOUNT';
    faults: SandboxFaults;
  };
  bitrix24: {
    /** `SANDBOX_BITRIX24_PORT`. */
    port: number;
    /** A portal fixture file (absolute), or undefined for the built-in demo portal. */
    portalFile: string | undefined;
    faults: Bitrix24SandboxFaults;
  };
  retailcrm: {
    /** `SANDBOX_RETAILCRM_PORT`. */
    port: number;
    /** A shop fixture file (absolute), or undefined for the built-in demo shop. */
    shopFile: string | undefined;
    faults: RetailCrmSandboxFaults;
  };
}

/** Which sandboxes the demo starts (whose variables are checked). */
export interface SandboxNeeds {
  amocrm: boolean;
  bitrix24: boolean;
  retailcrm?: boolean;
}

export class SandboxEnvError extends Error {}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const faultsIssue = (ctx: z.RefinementCtx, variable: string, parse: () => unknown) => {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof SandboxFaultsError)) throw error;
    ctx.addIssue({ code: 'custom', path: [variable], message: error.message });
  }
};

const amocrmSchema = z
  .object({
    SANDBOX_PORT: port(8788),
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
    faultsIssue(ctx, 'SANDBOX_FAULTS', () => parseSandboxFaults(env.SANDBOX_FAULTS));
  });

const bitrix24Schema = z
  .object({
    SANDBOX_BITRIX24_PORT: port(8789),
    SANDBOX_BITRIX24_ACCOUNT: optionalText,
    SANDBOX_BITRIX24_FAULTS: optionalText,
  })
  .superRefine((env, ctx) => faultsIssue(ctx, 'SANDBOX_BITRIX24_FAULTS', () => parseBitrix24Faults(env.SANDBOX_BITRIX24_FAULTS)));

const retailcrmSchema = z
  .object({
    SANDBOX_RETAILCRM_PORT: port(8790),
    SANDBOX_RETAILCRM_ACCOUNT: optionalText,
    SANDBOX_RETAILCRM_FAULTS: optionalText,
  })
  .superRefine((env, ctx) => faultsIssue(ctx, 'SANDBOX_RETAILCRM_FAULTS', () => parseRetailCrmFaults(env.SANDBOX_RETAILCRM_FAULTS)));

/** `Invalid configuration:` and one line per variable, like the product's. */
export function sandboxConfigError(variable: string, message: string): SandboxEnvError {
  return new SandboxEnvError(`Invalid configuration:\n  ${variable}: ${message}`);
}

const issueLines = (error: z.ZodError) => error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);

export function parseSandboxEnv(source: Record<string, string | undefined>, needs: SandboxNeeds = { amocrm: true, bitrix24: true }): SandboxEnv {
  const amocrm = amocrmSchema.safeParse(needs.amocrm ? source : {});
  const bitrix24 = bitrix24Schema.safeParse(needs.bitrix24 ? source : {});
  const retailcrm = retailcrmSchema.safeParse(needs.retailcrm ? source : {});
  const lines = [
    ...(amocrm.success ? [] : issueLines(amocrm.error)),
    ...(bitrix24.success ? [] : issueLines(bitrix24.error)),
    ...(retailcrm.success ? [] : issueLines(retailcrm.error)),
  ];
  if (amocrm.success && bitrix24.success && needs.amocrm && needs.bitrix24) {
    const { SANDBOX_PORT: amoPort } = amocrm.data;
    if (amoPort !== 0 && amoPort === bitrix24.data.SANDBOX_BITRIX24_PORT) {
      lines.push(`  SANDBOX_BITRIX24_PORT: ${amoPort} is SANDBOX_PORT too (the sandbox amoCRM's); give each sandbox its own port`);
    }
  }
  if (amocrm.success && bitrix24.success && retailcrm.success && needs.retailcrm) {
    const retailPort = retailcrm.data.SANDBOX_RETAILCRM_PORT;
    const taken = [
      ...(needs.amocrm ? [['SANDBOX_PORT', amocrm.data.SANDBOX_PORT] as const] : []),
      ...(needs.bitrix24 ? [['SANDBOX_BITRIX24_PORT', bitrix24.data.SANDBOX_BITRIX24_PORT] as const] : []),
    ].find(([, other]) => other === retailPort);
    if (retailPort !== 0 && taken) lines.push(`  SANDBOX_RETAILCRM_PORT: ${retailPort} is ${taken[0]} too; give each sandbox its own port`);
  }
  if (!amocrm.success || !bitrix24.success || !retailcrm.success || lines.length > 0) throw new SandboxEnvError(`Invalid configuration:\n${lines.join('\n')}`);
  const amo = amocrm.data;
  const b24 = bitrix24.data;
  const account = amo.SANDBOX_AMOCRM_ACCOUNT ?? amo.SANDBOX_ACCOUNT;
  return {
    port: amo.SANDBOX_PORT,
    amocrm: {
      accountFile: account === undefined ? undefined : path.resolve(account),
      accountVariable: amo.SANDBOX_AMOCRM_ACCOUNT ? 'SANDBOX_AMOCRM_ACCOUNT' : 'SANDBOX_ACCOUNT',
      faults: parseSandboxFaults(amo.SANDBOX_FAULTS),
    },
    bitrix24: {
      port: b24.SANDBOX_BITRIX24_PORT,
      portalFile: b24.SANDBOX_BITRIX24_ACCOUNT === undefined ? undefined : path.resolve(b24.SANDBOX_BITRIX24_ACCOUNT),
      faults: parseBitrix24Faults(b24.SANDBOX_BITRIX24_FAULTS),
    },
    retailcrm: {
      port: retailcrm.data.SANDBOX_RETAILCRM_PORT,
      shopFile: retailcrm.data.SANDBOX_RETAILCRM_ACCOUNT === undefined ? undefined : path.resolve(retailcrm.data.SANDBOX_RETAILCRM_ACCOUNT),
      faults: parseRetailCrmFaults(retailcrm.data.SANDBOX_RETAILCRM_FAULTS),
    },
  };
}
