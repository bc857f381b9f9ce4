import type { ConnectorId, CrmAccount } from '../../app/contracts/connector';
import type { CrmCustomField, CrmPipeline } from '../../app/contracts/crm-schema';

/**
 * The CRM adapter interface. amoCRM is the first implementation (`amocrm/adapter.ts`);
 * Bitrix24 and RetailCRM will be others. Routes only ever see these types, which
 * normalize into `app/contracts`, so nothing CRM-specific leaks into the API or the SPA.
 */

/** A token pair. Never logged, never returned by the API; stored only encrypted. */
export interface CrmTokens {
  accessToken: string;
  refreshToken: string;
  /** Unix ms when the access token expires. */
  expiresAt: number;
}

/** What the token store hands an adapter: where the account lives and its current tokens. */
export interface StoredAccess {
  baseUrl: string;
  account: CrmAccount;
  tokens: CrmTokens;
  /** Opaque version of `tokens` for compare-and-swap rotation. */
  version: string;
}

/**
 * One workspace's access to one CRM, as the adapters use it. Implemented over the
 * repository and the token cipher (`token-store.ts`).
 */
export interface CrmConnection {
  /** Stable key for this workspace's access (in-process coordination of refreshes). */
  readonly key: string;
  read(): Promise<StoredAccess | null>;
  /**
   * Replaces the tokens only if they are still at `expectedVersion` (another refresh may
   * have rotated them first). Returns the new access, or null when this call lost.
   */
  rotate(expectedVersion: string, tokens: CrmTokens): Promise<StoredAccess | null>;
  /** The CRM says the access is gone for good (refresh token revoked, integration disabled). */
  revoked(): Promise<void>;
}

/** The result of a successful authorization-code exchange. */
export interface CrmGrant {
  baseUrl: string;
  tokens: CrmTokens;
  account: CrmAccount;
}

/** A custom-field value on a deal, as the CRM sent it (numbers of numeric fields may be strings). */
export interface CrmLeadFieldValue {
  fieldId: string;
  code: string | null;
  type: string;
  values: Array<string | number | boolean>;
}

export interface CrmLead {
  id: string;
  name: string;
  /** The deal amount ("Бюджет сделки" in amoCRM). */
  price: number | null;
  pipelineId: string;
  statusId: string;
  /** Unix seconds. */
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  customFields: CrmLeadFieldValue[];
}

/** A deal moving between statuses (amoCRM `lead_status_changed`). */
export interface CrmStatusChange {
  id: string;
  leadId: string;
  /** Unix seconds. */
  createdAt: number;
  before: { pipelineId: string; statusId: string } | null;
  after: { pipelineId: string; statusId: string };
}

export interface CrmPage<T> {
  items: T[];
  /** The next page number, or null on the last page. */
  nextPage: number | null;
  /**
   * How many items the whole list (every page, under the same filter) holds, when the CRM says
   * (Bitrix24's `total`); absent or null when it cannot tell (amoCRM).
   */
  total?: number | null;
}

export interface ListLeadsQuery {
  page?: number;
  limit?: number;
  order?: { by: 'created_at' | 'updated_at' | 'id'; direction: 'asc' | 'desc' };
  pipelineIds?: string[];
  /** Unix seconds, inclusive. */
  createdFrom?: number;
  createdTo?: number;
  /** Unix seconds, inclusive: deals changed at or after this time (the incremental sync). */
  updatedFrom?: number;
}

export interface ListEventsQuery {
  page?: number;
  limit?: number;
  /** Unix seconds, inclusive. */
  createdFrom?: number;
  createdTo?: number;
  leadIds?: string[];
}

/**
 * The account address a user types before authorizing, for CRMs without one central consent
 * page (Bitrix24: the portal, `company.bitrix24.ru`). `value`: the only address accepted (a
 * sandbox's host), else null.
 */
export interface AccountAddressPrompt {
  example: string;
  value: string | null;
}

/** Who an OAuth callback is for. */
export interface ExchangeContext {
  /** The workspace whose state the callback carries: its CRM requests wait in that workspace's line. */
  workspaceId?: string;
}

/** What a person types to connect an API-key CRM: both untrusted. */
export interface ApiKeyCredentials {
  accountUrl: string;
  apiKey: string;
}

/** How an API-key CRM (`authKind: api_key`) is authorized, instead of the OAuth round trip. */
export interface ApiKeyAuthorization {
  /**
   * Checks the address (only the CRM's hosts, or its sandbox; throws `ApiKeyError` before any
   * request), then the key with the CRM (wrong key, missing scopes: `ApiKeyError`; the CRM failing:
   * `CrmError`), and returns what to store: the key as the grant's access token.
   */
  connect(credentials: ApiKeyCredentials, context?: ExchangeContext): Promise<CrmGrant>;
  /** With a sandbox: its address and key, shown to people trying the product; null otherwise. */
  readonly sandbox: ApiKeyCredentials | null;
  /** Where the key is found in the CRM (a help page), for the form's link. */
  readonly helpUrl: string;
  /** The read scopes the connector needs. */
  readonly requiredScopes: readonly string[];
}

export interface CrmAdapter {
  readonly connector: ConnectorId;
  /** API-key CRMs: how access is granted (the OAuth methods below then refuse). */
  readonly apiKey?: ApiKeyAuthorization;
  /** Present when authorization needs the account's address (see `authorizeUrl`). */
  readonly accountAddress?: AccountAddressPrompt;
  /**
   * The consent page the browser must visit; `state` comes back on the callback. `address` is
   * what the user typed when `accountAddress` is present: untrusted — the adapter accepts only
   * its CRM's hosts (or its sandbox) and throws `CrmAddressError` otherwise.
   */
  authorizeUrl(state: string, address?: string): string;
  /**
   * Exchanges the callback's code for tokens and reads the account. Validates the callback
   * first (which host to contact): throws `OAuthCallbackError` with the wizard's error code.
   */
  exchangeCode(callback: URLSearchParams, context?: ExchangeContext): Promise<CrmGrant>;
  /** One refresh-token grant. Throws `CrmError('crm_access_revoked')` when the CRM refuses it. */
  refresh(baseUrl: string, refreshToken: string): Promise<CrmTokens>;
  getAccount(connection: CrmConnection): Promise<CrmAccount>;
  /** In CRM order, statuses in CRM order. */
  listPipelines(connection: CrmConnection): Promise<CrmPipeline[]>;
  /** Every deal custom field (all pages). */
  listCustomFields(connection: CrmConnection): Promise<CrmCustomField[]>;
  listLeads(connection: CrmConnection, query?: ListLeadsQuery): Promise<CrmPage<CrmLead>>;
  listEvents(connection: CrmConnection, query?: ListEventsQuery): Promise<CrmPage<CrmStatusChange>>;
  /** The account's currency (ISO 4217, e.g. `RUB`): what deal amounts are in; null when the CRM does not say. */
  accountCurrency?(connection: CrmConnection): Promise<string | null>;
}
