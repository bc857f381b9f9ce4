import { loadFixtureFile } from '../shared/fixture-file';

import { buildSandboxPortal, type SandboxPortal } from './fixture';

/** Reads and validates a portal fixture file (`SANDBOX_BITRIX24_ACCOUNT=/path/to/portal.json`). */
export function loadSandboxPortalFile(file: string): SandboxPortal {
  return loadFixtureFile(file, 'sandbox Bitrix24 portal fixture', buildSandboxPortal);
}
