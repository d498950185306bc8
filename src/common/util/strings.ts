/**
 * flatCopy returns a copy of s that does not share memory with a larger string it was sliced
 * from. V8 represents a substring of 13 or more characters as a view into its parent, so a label
 * value sliced from a scrape body keeps the whole body alive for as long as the value is kept;
 * anything stored for long (a cache key, an interned symbol) is copied first.
 */
export function flatCopy(s: string): string {
  return (' ' + s).slice(1);
}
