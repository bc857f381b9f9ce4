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
