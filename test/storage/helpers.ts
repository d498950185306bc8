/**
 * Shared helpers for the storage tests: a seeded PRNG, float bit comparison, temp files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export { SeededRandom as Rng } from '../../src/common/util/random';

const f = new Float64Array(1);
const u = new Uint32Array(f.buffer);

/** bits returns the IEEE-754 bits of v as a hex string (exact comparison, NaN payloads included). */
export function bits(v: number): string {
  f[0] = v;
  return u[1]!.toString(16).padStart(8, '0') + u[0]!.toString(16).padStart(8, '0');
}

/** fromBits builds a float64 from its high and low 32-bit halves. */
export function fromBits(hi: number, lo: number): number {
  u[0] = lo;
  u[1] = hi;
  return f[0]!;
}

/** tempDir makes a fresh temporary directory. */
export function tempDir(prefix = 'vigil-storage-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** raw returns the SQLite connection behind a store (tests only; other code never sees it). */
export function raw(st: unknown): import('better-sqlite3').Database {
  return (st as { sqlite(): import('better-sqlite3').Database }).sqlite();
}

/**
 * crash drops a store's SQLite connection without any of close()'s work (no flush, no log
 * truncation), releasing the file lock so the test can reopen the file as after a crash.
 */
export function crash(st: unknown): void {
  (st as { sqlite(): import('better-sqlite3').Database }).sqlite().close();
}
