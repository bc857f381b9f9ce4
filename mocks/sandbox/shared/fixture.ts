import type { z } from 'zod';

/**
 * A sandbox's fixture (the CRM account it serves, as JSON) is checked with the CRM's own zod
 * schema before anything is built from it; a broken one is refused with every problem named.
 */

/**
 * `input` parsed by `schema`. When it does not fit, throws `fail(message)`, where the message is
 * `${title}:` and one line per problem, `  path.to.value: what is wrong` (`(root)` for the whole).
 */
export function validateFixture<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  title: string,
  fail: (message: string) => Error,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw fail(`${title}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
