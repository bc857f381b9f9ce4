import type { ConnectorId } from '../../app/contracts/connector';
import { connectorNotSupported, parseConnector } from '../lib/request';
import type { TokenCipher } from '../lib/secrets';
import type { CrmAdapter } from './types';

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
