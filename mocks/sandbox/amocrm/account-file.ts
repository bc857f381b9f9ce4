import fs from 'node:fs';

import { buildSandboxAccount, type SandboxAccount } from './fixture';

/** Reads and validates a fixture file (`SANDBOX_AMOCRM_ACCOUNT=/path/to/account.json`). */
export function loadSandboxAccountFile(file: string): SandboxAccount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the sandbox account fixture ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return buildSandboxAccount(parsed);
}
