import type { ConnectorId } from '../../app/contracts/connector';
import type { TokenCipher } from '../lib/secrets';
import { ProblemError } from '../lib/problem';

import { amocrmConnector } from './amocrm/index';
import { bitrix24Connector } from './bitrix24/index';
import type { PlannedConnector, RegisteredConnector } from './definition';
import { retailcrmConnector } from './retailcrm/index';
import type { CrmAdapter } from './types';

/**
 * The connector registry: every CRM the product knows, in catalogue order. A CRM with an
 * adapter is a `defineConnector` entry from its own folder; one still to come is a
 * `PlannedConnector` ("Coming soon" in the catalogue). The catalogue (`GET /api/connectors`),
 * the `{connector}` routes, OpenAPI, the configuration variables and the start-up lines all
 * read this list; nothing else names a CRM.
 */
export const CATALOGUE: ReadonlyArray<RegisteredConnector | PlannedConnector> = [
  amocrmConnector,
  bitrix24Connector,
  retailcrmConnector,
];

export const isRegistered = (entry: RegisteredConnector | PlannedConnector): entry is RegisteredConnector => 'configure' in entry;

/** The connectors with an adapter, in catalogue order. */
export const REGISTERED_CONNECTORS: readonly RegisteredConnector[] = CATALOGUE.filter(isRegistered);

export const CONNECTOR_IDS: readonly ConnectorId[] = CATALOGUE.map((entry) => entry.id);

export function catalogueEntry(id: ConnectorId): RegisteredConnector | PlannedConnector | undefined {
  return CATALOGUE.find((entry) => entry.id === id);
}

/** The `{connector}` path parameter: a catalogue id, else 404 `unknown_connector`. */
export function parseConnector(raw: string | undefined): ConnectorId {
  const entry = CATALOGUE.find((candidate) => candidate.id === raw);
  if (!entry) {
    throw new ProblemError(404, {
      code: 'unknown_connector',
      detail: `Unknown connector "${raw ?? ''}". Known connectors: ${CONNECTOR_IDS.join(', ')}.`,
    });
  }
  return entry.id;
}

/** 400 `connector_not_supported`: a known connector this server cannot talk to (no adapter, or not configured). */
export function connectorNotSupported(connector: ConnectorId): ProblemError {
  const entry = catalogueEntry(connector);
  return new ProblemError(400, {
    code: 'connector_not_supported',
    detail:
      entry && isRegistered(entry)
        ? `${entry.name} is not configured on this server (${entry.credentialVariables.join(', ')}).`
        : `${entry?.name ?? connector} is not available yet.`,
  });
}

/** What the CRM-backed routes need: an adapter per configured CRM and the token cipher. */
export interface CrmDeps {
  adapters: Partial<Record<ConnectorId, CrmAdapter>>;
  cipher: TokenCipher;
  /** Unix ms; injectable for tests (state expiry). */
  now?: () => number;
}

/** The `{connector}` path parameter and its adapter: 404 for an unknown connector, 400 for one not configured. */
export function adapterFor(deps: CrmDeps, raw: string | undefined): { connector: ConnectorId; adapter: CrmAdapter } {
  const connector = parseConnector(raw);
  const adapter = deps.adapters[connector];
  if (!adapter) throw connectorNotSupported(connector);
  return { connector, adapter };
}
