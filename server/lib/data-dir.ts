import fs from 'node:fs';

/**
 * `DATA_DIR` holds the database (CRM tokens, encrypted) and the generated secrets: when the
 * server creates it (and any missing parent), only its owner may enter it (0700). An existing
 * directory is left as its owner set it up.
 */
export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Makes `file` readable and writable by its owner only (0600), creating it empty if missing. */
export function ensurePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
}

/** 0600 for a file that may or may not exist (SQLite's -wal and -shm). */
export function restrictIfExists(file: string): void {
  try {
    fs.chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
