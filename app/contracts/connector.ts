import { z } from 'zod';

/**
 * A connector's id (`amocrm`, `bitrix24`, `retailcrm`): lower-case letters and digits. Which
 * connectors exist is the API's connector registry (`server/crm/registry.ts`), served by
 * `GET /api/connectors`; the SPA knows no list of its own.
 */
export const connectorIdSchema = z.string().regex(/^[a-z][a-z0-9]{1,31}$/, { message: 'Must be a connector id like amocrm' });
export type ConnectorId = z.infer<typeof connectorIdSchema>;

/** How a workspace gets access: an OAuth consent (amoCRM, Bitrix24) or an API key the user pastes (RetailCRM). */
export const AUTH_KINDS = ['oauth2', 'api_key'] as const;
export const authKindSchema = z.enum(AUTH_KINDS);
export type AuthKind = z.infer<typeof authKindSchema>;

/** A connector's brand mark in the catalogue: up to 4 letters on a two-colour gradient. */
export const connectorLogoSchema = z.object({
  text: z.string().min(1).max(4),
  from: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  to: z.string().regex(/^#[0-9a-fA-F]{6}$/),
});
export type ConnectorLogo = z.infer<typeof connectorLogoSchema>;

/**
 * A connector's state in one workspace:
 * - `available`: nothing saved yet;
 * - `draft`: a configuration is being edited (or access is granted but setup is unfinished);
 * - `connected`: the configuration was activated and the analytics pipeline reads it;
 * - `attention`: it was connected, but something needs the user (access revoked, CRM changed).
 */
export const CONNECTOR_STATES = ['available', 'draft', 'connected', 'attention'] as const;
export const connectorStateSchema = z.enum(CONNECTOR_STATES);
export type ConnectorState = z.infer<typeof connectorStateSchema>;

/**
 * A CRM id as the contract carries it: a string for every CRM (amoCRM `142`, Bitrix24
 * `C1:WON` or `UF_CRM_1713790573`, RetailCRM `complete`). Letters, digits and `_ . : -`,
 * so an id is safe in a URL, a JSON pointer and a formula reference.
 */
export const CRM_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const crmIdSchema = z.string().regex(CRM_ID_PATTERN, { message: 'Must be a CRM id: letters, digits, _ . : - (at most 64)' });
export type CrmId = z.infer<typeof crmIdSchema>;

export const crmAccountSchema = z.object({
  /** The CRM's own account id (amoCRM account id, Bitrix24 `member_id`, RetailCRM site code). */
  id: crmIdSchema,
  /**
   * The account's address as the user knows it: `example.amocrm.ru`, `portal.bitrix24.ru`.
   */
  domain: z.string().min(1).max(255),
  name: z.string().max(500),
});
export type CrmAccount = z.infer<typeof crmAccountSchema>;

export const connectorSummarySchema = z.object({
  id: connectorIdSchema,
  name: z.string(),
  /** false for connectors the product shows but does not support yet ("Coming soon"). */
  supported: z.boolean(),
  authKind: authKindSchema,
  logo: connectorLogoSchema,
  /**
   * Authorization needs the account's address typed first (Bitrix24's portal): an example to
   * show, and `value`, the only address this server accepts (a sandbox), else null.
   */
  address: z.object({ example: z.string(), value: z.string().nullable() }).nullable(),
  /**
   * API-key CRMs (`authKind: api_key`): where the key is found, the read scopes it needs, and with
   * a sandbox its address and key (a demo key, shown so a person can try it); null for OAuth CRMs.
   */
  apiKey: z
    .object({
      helpUrl: z.url(),
      requiredScopes: z.array(z.string()),
      sandbox: z.object({ accountUrl: z.string(), apiKey: z.string() }).nullable(),
    })
    .nullable()
    .optional(),
  state: connectorStateSchema,
  /** Whether the workspace holds CRM access (tokens) for this connector. */
  hasAccess: z.boolean(),
  account: crmAccountSchema.nullable(),
  /** Why the connector needs attention, when `state` is `attention`. */
  attentionReason: z.string().nullable(),
  /**
   * CRM drift of a connected connector (see `./drift.ts`): how many changes the CRM made since the
   * configuration was activated and how many of them need a decision; the changes themselves are
   * `GET /api/connectors/{connector}/changes`. null when nothing changed or nothing was checked.
   */
  drift: z
    .object({ changes: z.number().int().min(1), pending: z.number().int().min(0), checkedAt: z.string().datetime() })
    .nullable()
    .default(null),
  createdAt: z.string().datetime().nullable(),
  updatedAt: z.string().datetime().nullable(),
  connectedAt: z.string().datetime().nullable(),
});
export type ConnectorSummary = z.infer<typeof connectorSummarySchema>;

export const connectorListSchema = z.object({ connectors: z.array(connectorSummarySchema) });
export type ConnectorList = z.infer<typeof connectorListSchema>;

export const healthSchema = z.object({ status: z.literal('ok'), version: z.string() });
