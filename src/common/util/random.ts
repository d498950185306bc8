/**
 * Small deterministic randomness for simulations, benchmarks and property tests (not for secrets).
 */

/** Rng returns a float in [0, 1). */
export type Rng = () => number;

/** mulberry32 returns a fast seeded PRNG, so simulated data and test failures reproduce. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SeededRandom wraps mulberry32 with the helpers generators and tests use. */
export class SeededRandom {
  private readonly r: Rng;
  constructor(seed: number) {
    this.r = mulberry32(seed);
  }
  /** next returns a float in [0, 1). */
  next(): number {
    return this.r();
  }
  /** int returns an integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  /** pick returns a random element of xs (non-empty). */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}
