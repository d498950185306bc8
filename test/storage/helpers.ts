/**
 * Shared helpers for the storage tests: a seeded PRNG, float bit comparison, temp files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Rng is mulberry32: deterministic, seeded. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

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
