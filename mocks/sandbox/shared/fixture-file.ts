import fs from 'node:fs';

/**
 * Reads a fixture file (the file system stays out of the sandboxes themselves, which are pure):
 * the JSON in `file`, handed to `build` (the CRM's validating builder, whose errors pass through
 * as they are). A file that cannot be read or is not JSON throws `Cannot read the ${what} ${file}: …`
 * with the original error as its cause.
 */
export function loadFixtureFile<T>(file: string, what: string, build: (parsed: unknown) => T): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return build(parsed);
}

export interface FixtureReload<T> {
  /** The fixture file the sandbox was started with. */
  file: string;
  /** Reads and validates it (the CRM's `load…File`). */
  load: (file: string) => T;
  /** Hands the new fixture to the running sandbox (`replaceAccount`, `replacePortal`, `replaceShop`). */
  apply: (fixture: T) => void;
  /** Told after each re-read (the demo logs it). */
  onReload?: (fixture: T) => void;
  /** Told when the changed file cannot be read or is not valid: the sandbox keeps what it had. */
  onError?: (error: unknown) => void;
}

/**
 * A sandbox that re-reads its fixture file when the file changes, so a CRM can be changed while
 * the product runs (a stage added, one renamed, a field removed): before each request the file's
 * modification time and size are compared with those last read, and a changed file is loaded
 * and applied before the request is answered. A file that does not load (half written, invalid)
 * is reported and the sandbox goes on with the fixture it had; the next change is tried again.
 */
export function reloadingOnChange<T>(sandbox: { fetch(request: Request): Promise<Response> }, reload: FixtureReload<T>): { fetch(request: Request): Promise<Response> } {
  const stamp = () => {
    try {
      const stat = fs.statSync(reload.file);
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return 'missing';
    }
  };
  let seen = stamp();
  return {
    fetch(request) {
      const now = stamp();
      if (now !== seen && now !== 'missing') {
        seen = now;
        try {
          const fixture = reload.load(reload.file);
          reload.apply(fixture);
          reload.onReload?.(fixture);
        } catch (error) {
          reload.onError?.(error);
        }
      }
      return sandbox.fetch(request);
    },
  };
}
