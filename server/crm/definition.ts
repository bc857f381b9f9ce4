import type { z } from 'zod';

import type { AuthKind, ConnectorId, ConnectorLogo } from '../../app/contracts/connector';
import type { Logger } from '../lib/logger';

import type { RateLimitPolicy, SharedRateStore } from './http/rate-limiter';
import type { CrmAdapter } from './types';

/**
 * One CRM as the product knows it: the single entry a new CRM adds to `registry.ts`. Its
 * adapter lives in `server/crm/<id>/`, its sandbox in `mocks/sandbox/<id>/`, its message
 * strings in `app/locales/<lang>/connectors.ts` (`description.<id>`); everything else (the
 * catalogue, the routes, OpenAPI, the configuration variables, the SPA) reads this entry.
 */

/** What every adapter is created with, whatever the CRM. */
export interface CrmCommonOptions {
  /** The product's public origin, e.g. `https://hub.example` (OAuth redirect URIs). */
  publicUrl: string;
  /** Per CRM request, connect to last byte (`CRM_TIMEOUT_MS`). */
  timeoutMs: number;
  logger: Logger;
  /** The rate limit every server on the database shares (PostgreSQL); absent: each server's own. */
  sharedRate?: SharedRateStore;
}

export interface ConnectorDefinition<TEnv> {
  id: ConnectorId;
  /** The CRM's name as users write it; also the `{name}` of every message about it. */
  name: string;
  authKind: AuthKind;
  logo: ConnectorLogo;
  /** How fast one account may be called (the CRM's documented limit). */
  rateLimit: RateLimitPolicy;
  /**
   * This CRM's configuration variables (`AMOCRM_CLIENT_ID`, …). Every one is optional: a CRM
   * without credentials is simply not configured. Issues are reported under the variable's name.
   */
  env: z.ZodType<TEnv>;
  /** The adapter for these variables, or null when they configure nothing. */
  create(env: TEnv, common: CrmCommonOptions): CrmAdapter | null;
  /** OAuth CRMs: the product's callback the CRM redirects to (what the CRM's app settings must name). */
  redirectUri?(env: TEnv, publicUrl: string): string;
  /** One start-up line: what this CRM talks to ("the sandbox at …", "Bitrix24 itself"). */
  describe(env: TEnv): string;
  /** The variables that configure it, for the "no CRM is configured" message. */
  credentialVariables: readonly string[];
}

/** A connector shown in the catalogue as "Coming soon": no adapter yet. */
export interface PlannedConnector {
  id: ConnectorId;
  name: string;
  authKind: AuthKind;
  logo: ConnectorLogo;
}

/** A definition with its variables parsed: ready to create its adapter. */
export interface ConfiguredConnector {
  id: ConnectorId;
  name: string;
  /** The start-up line. */
  description: string;
  /** OAuth CRMs: the callback URL the CRM redirects to; null for api_key CRMs. */
  redirectUri: string | null;
  create(common: CrmCommonOptions): CrmAdapter | null;
}

/** A registry entry, its variable types closed over so entries of different CRMs share one list. */
export interface RegisteredConnector {
  readonly id: ConnectorId;
  readonly name: string;
  readonly authKind: AuthKind;
  readonly logo: ConnectorLogo;
  readonly rateLimit: RateLimitPolicy;
  readonly credentialVariables: readonly string[];
  /** Parses this CRM's variables out of the whole environment. */
  configure(
    source: Record<string, string | undefined>,
    publicUrl: string,
  ): { ok: true; connector: ConfiguredConnector } | { ok: false; issues: string[] };
}

export function defineConnector<TEnv>(definition: ConnectorDefinition<TEnv>): RegisteredConnector {
  return {
    id: definition.id,
    name: definition.name,
    authKind: definition.authKind,
    logo: definition.logo,
    rateLimit: definition.rateLimit,
    credentialVariables: definition.credentialVariables,
    configure(source, publicUrl) {
      const result = definition.env.safeParse(source);
      if (!result.success) {
        return { ok: false, issues: result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`) };
      }
      const env = result.data;
      return {
        ok: true,
        connector: {
          id: definition.id,
          name: definition.name,
          description: definition.describe(env),
          redirectUri: definition.redirectUri ? definition.redirectUri(env, publicUrl) : null,
          create: (common) => definition.create(env, common),
        },
      };
    },
  };
}
