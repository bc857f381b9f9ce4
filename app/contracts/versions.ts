import { z } from 'zod';

import { configChangeSchema } from './config-diff';
import { mappingConfigSchema } from './mapping-config';

/**
 * The version history of a connector's configuration (`GET /api/connectors/{connector}/versions`,
 * `…/versions/{n}`, `POST …/versions/{n}/restore`). Saves within a minute of the newest kept
 * draft replace it; every activation, reset and restore is kept; at most `limit` versions.
 */

/** Who saved a version: the workspace's session for now (there are no user accounts yet). */
export const versionAuthorSchema = z.literal('workspace');

export const configVersionSummarySchema = z.object({
  /** 1, 2, 3…: never reused. */
  number: z.number().int().positive(),
  /** The draft version (`ConfigEnvelope.version`) this is a copy of. */
  configVersion: z.number().int().positive(),
  savedAt: z.string().datetime(),
  /** save: an edit of the draft; reset: the mapping cleared; restore: an older version made the draft again. */
  kind: z.enum(['save', 'reset', 'restore']),
  /** The version a restore copied; null otherwise. */
  restoredFrom: z.number().int().positive().nullable(),
  /** Whether this version was activated (the analytics read it). */
  activated: z.boolean(),
  activatedAt: z.string().datetime().nullable(),
  /** Whether this version is the current draft. */
  current: z.boolean(),
  savedBy: versionAuthorSchema,
  /** What changed from the version kept before it (the first: from an empty configuration). */
  changes: z.array(configChangeSchema),
});
export type ConfigVersionSummary = z.infer<typeof configVersionSummarySchema>;

export const configVersionListSchema = z.object({
  /** Newest first. */
  versions: z.array(configVersionSummarySchema),
  /** How many versions are kept at most (the oldest drafts are pruned first). */
  limit: z.number().int().positive(),
});
export type ConfigVersionList = z.infer<typeof configVersionListSchema>;

export const configVersionSchema = configVersionSummarySchema.extend({ config: mappingConfigSchema });
export type ConfigVersion = z.infer<typeof configVersionSchema>;
