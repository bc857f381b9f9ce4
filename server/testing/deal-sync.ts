import type { ConnectorId } from '../../app/contracts/connector';
import { dealSyncSchema, type DealSync } from '../../app/contracts/deals';
import type { DealSyncService } from '../sync/deal-sync';

import type { TestClient } from './test-server';

/**
 * Loads the browser's workspace's deals the way the SPA does: `POST /api/connectors/{connector}/sync`
 * (202), waits for every run of the server's deal sync to end, then `GET …/sync`: the progress
 * (`done` when every deal is in). Throws when the API refuses the start.
 */
export async function syncThroughApi(browser: TestClient, server: { dealSync: DealSyncService }, connector: ConnectorId = 'amocrm'): Promise<DealSync> {
  const started = await browser.request(`/api/connectors/${connector}/sync`, { method: 'POST' });
  if (started.status !== 202) throw new Error(`POST …/sync answered ${started.status}: ${await started.text()}`);
  await server.dealSync.idle();
  const response = await browser.request(`/api/connectors/${connector}/sync`);
  if (response.status !== 200) throw new Error(`GET …/sync answered ${response.status}`);
  return dealSyncSchema.parse(await response.json());
}

/** The browser's workspace id, from its session cookie (one request first when it has none yet). */
export async function workspaceIdOf(browser: TestClient): Promise<string> {
  if (!browser.sessionCookie) await browser.request('/api/connectors');
  const cookie = browser.sessionCookie;
  if (!cookie) throw new Error('no session cookie');
  return decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)).split('.')[0]!;
}
