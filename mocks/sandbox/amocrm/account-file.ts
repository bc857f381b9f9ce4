import { loadFixtureFile } from '../shared/fixture-file';

import { buildSandboxAccount, type SandboxAccount } from './fixture';

/** Reads and validates a fixture file (`SANDBOX_AMOCRM_ACCOUNT=/path/to/account.json`). */
export function loadSandboxAccountFile(file: string): SandboxAccount {
  return loadFixtureFile(file, 'sandbox account fixture', buildSandboxAccount);
}
