/**
 * Deterministic randomness for the simulation: every "random" choice is a hash of the seed and
 * what is being chosen (a pod's uid, a time slot's index, ...), never a generator's state, so any
 * moment of the cluster can be computed on its own, in any order, by any process.
 */

/** hash32 hashes its parts (FNV-1a over their text, then a murmur3 finalizer) to a uint32. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = typeof p === 'number' ? String(p) : p;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x1f, 0x01000193); // part separator
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** frac returns a number in [0, 1) determined by its parts. */
export function frac(...parts: (string | number)[]): number {
  return hash32(...parts) / 4294967296;
}

/** between returns a number in [lo, hi) determined by its parts. */
export function between(lo: number, hi: number, ...parts: (string | number)[]): number {
  return lo + (hi - lo) * frac(...parts);
}

/** hexOf returns n hex digits determined by its parts. */
export function hexOf(n: number, ...parts: (string | number)[]): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += hash32(...parts, i).toString(16).padStart(8, '0');
  return s.slice(0, n);
}

/** uidOf returns an RFC 4122 version-4-shaped uid determined by its parts. */
export function uidOf(...parts: (string | number)[]): string {
  const h = hexOf(32, 'uid', ...parts);
  const variant = '89ab'[parseInt(h[16]!, 16) & 3]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** SAFE_ALPHABET is the alphabet of the random suffixes Kubernetes generates (no vowels, no 0/1/3). */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** suffixOf returns n characters of Kubernetes's name-suffix alphabet determined by its parts. */
export function suffixOf(n: number, ...parts: (string | number)[]): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE_ALPHABET[hash32('suffix', ...parts, i) % SAFE_ALPHABET.length];
  return s;
}
