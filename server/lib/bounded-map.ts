/** How many of the least recently used entries one new key looks at for forgettable ones. */
const SWEEP_LIMIT = 64;

/**
 * A map with at most `maxKeys` entries, in order of last use. When a new key would exceed it,
 * forgettable entries among the least recently used go first — a bounded look, so a flood of
 * new keys costs constant work per key, not a sweep of the whole map — and if none of those is
 * forgettable, the least recently used one goes. Used for the API's per-client buckets and the
 * CRM's per-account limiters.
 */
export class BoundedMap<V> {
  /** In order of last use, least recent first (a Map keeps insertion order). */
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly maxKeys: number,
    /** Whether dropping an entry loses nothing (a full bucket, an idle limiter). */
    private readonly forgettable: (value: V) => boolean,
  ) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, not ${maxKeys}`);
  }

  /** The entry for `key`, made the most recently used; `create` makes it (room made first) when there is none. */
  use(key: string, create: () => V): V {
    let value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
    } else {
      this.makeRoom();
      value = create();
    }
    this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  private makeRoom(): void {
    if (this.entries.size < this.maxKeys) return;
    let looked = 0;
    for (const [key, value] of this.entries) {
      if (looked++ === SWEEP_LIMIT) break;
      if (this.forgettable(value)) this.entries.delete(key);
    }
    if (this.entries.size < this.maxKeys) return;
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
