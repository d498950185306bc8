/**
 * RowCache keeps recently read chunk rows (block rows and flushed head chunks) in memory within a
 * byte budget, least recently used first out. Rows are immutable between writes; the store drops
 * a key whenever it writes or deletes that row (and everything on bulk deletions), so a cached row
 * is always the committed one. Dashboards re-read the same recent rows at every refresh: a hit
 * skips SQLite's B-tree walk, its page cache (smaller than a few blocks) and the copy of the BLOB.
 */
export class RowCache {
  private readonly rows = new Map<number, Uint8Array>();
  private used = 0;
  /** hits and misses count look-ups (self-metrics). */
  hits = 0;
  misses = 0;

  /** maxBytes is the budget; 0 disables the cache. */
  constructor(readonly maxBytes: number) {}

  /** bytes is the size of the cached rows. */
  get bytes(): number {
    return this.used;
  }

  /** size is the number of cached rows. */
  get size(): number {
    return this.rows.size;
  }

  /** get returns the cached row of key (marking it recently used), or undefined. */
  get(key: number): Uint8Array | undefined {
    const v = this.rows.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert: Map iteration order is insertion order, so the oldest entry is the LRU one.
    this.rows.delete(key);
    this.rows.set(key, v);
    return v;
  }

  /** set caches a row just read from the database, evicting the least recently used ones. */
  set(key: number, row: Uint8Array): void {
    if (this.maxBytes <= 0 || row.length > this.maxBytes / 8) return;
    const old = this.rows.get(key);
    if (old !== undefined) {
      this.used -= old.length;
      this.rows.delete(key);
    }
    this.rows.set(key, row);
    this.used += row.length;
    if (this.used <= this.maxBytes) return;
    for (const [k, v] of this.rows) {
      this.rows.delete(k);
      this.used -= v.length;
      if (this.used <= this.maxBytes) break;
    }
  }

  /** delete forgets key (its row is being written or deleted). */
  delete(key: number): void {
    const v = this.rows.get(key);
    if (v === undefined) return;
    this.rows.delete(key);
    this.used -= v.length;
  }

  /** clear forgets everything (bulk deletions). */
  clear(): void {
    this.rows.clear();
    this.used = 0;
  }
}
