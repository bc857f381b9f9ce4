import { z } from 'zod';

/** The CRMs Hub Connect knows about, in catalogue order. */
export const CONNECTOR_IDS = ['amocrm', 'bitrix24', 'retailcrm'] as const;
export const connectorIdSchema = z.enum(CONNECTOR_IDS);
export type ConnectorId = z.infer<typeof connectorIdSchema>;

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

export const crmAccountSchema = z.object({
  id: z.number().int().positive(),
  subdomain: z.string().min(1).max(200),
  name: z.string().max(500),
});
export type CrmAccount = z.infer<typeof crmAccountSchema>;

export const connectorSummarySchema = z.object({
  id: connectorIdSchema,
  name: z.string(),
  /** false for connectors the product shows but does not support yet. */
  supported: z.boolean(),
  state: connectorStateSchema,
  /** Whether the workspace holds CRM access (tokens) for this connector. */
  hasAccess: z.boolean(),
  account: crmAccountSchema.nullable(),
  /** Why the connector needs attention, when `state` is `attention`. */
  attentionReason: z.string().nullable(),
  createdAt: z.string().datetime().nullable(),
  updatedAt: z.string().datetime().nullable(),
  connectedAt: z.string().datetime().nullable(),
});
export type ConnectorSummary = z.infer<typeof connectorSummarySchema>;

export const connectorListSchema = z.object({ connectors: z.array(connectorSummarySchema) });
export type ConnectorList = z.infer<typeof connectorListSchema>;

export const CONNECTOR_NAMES: Record<ConnectorId, string> = {
  amocrm: 'amoCRM',
  bitrix24: 'Bitrix24',
  retailcrm: 'RetailCRM',
};

/** Connectors whose adapter exists. */
export const SUPPORTED_CONNECTORS: readonly ConnectorId[] = ['amocrm'];

export const healthSchema = z.object({ status: z.literal('ok'), version: z.string() });
