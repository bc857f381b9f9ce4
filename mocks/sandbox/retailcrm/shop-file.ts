import { loadFixtureFile } from '../shared/fixture-file';

import { buildSandboxShop, type SandboxShop } from './fixture';

/** Reads and validates a shop fixture file (`SANDBOX_RETAILCRM_ACCOUNT=/path/to/shop.json`). */
export function loadSandboxShopFile(file: string): SandboxShop {
  return loadFixtureFile(file, 'sandbox RetailCRM shop fixture', buildSandboxShop);
}
