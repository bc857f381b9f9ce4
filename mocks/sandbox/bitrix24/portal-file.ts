import fs from 'node:fs';

import { buildSandboxPortal, type SandboxPortal } from './fixture';

/** Reads and validates a portal fixture file (`SANDBOX_BITRIX24_ACCOUNT=/path/to/portal.json`). */
export function loadSandboxPortalFile(file: string): SandboxPortal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the sandbox Bitrix24 portal fixture ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return buildSandboxPortal(parsed);
}
