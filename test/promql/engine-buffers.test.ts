/**
 * Window buffers: PointBuf keeps its counter-reset count (used by rate/increase to skip the reset
 * scan) equal to a recount after any sequence of pushes, front drops and resets.
 */
import { describe, expect, it } from 'vitest';
import { PointBuf } from '../../src/main/promql/kernel/types';

function recount(b: PointBuf): number {
  let c = 0;
  for (let i = 1; i < b.n; i++) if (b.f[i]! < b.f[i - 1]!) c++;
  return c;
}

describe('PointBuf', () => {
  it('tracks decreases through push, dropUpTo and reset', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const b = new PointBuf(4);
    let t = 0;
    for (let op = 0; op < 20000; op++) {
      const x = rnd();
      if (x < 0.6) {
        const v = rnd() < 0.05 ? NaN : Math.floor(rnd() * 10);
        if (rnd() < 0.5) b.push(t, v);
        else b.pushST(t, v, 0);
        t += 1;
      } else if (x < 0.98) {
        b.dropUpTo(t - 1 - Math.floor(rnd() * 80));
      } else {
        b.reset();
      }
      expect(b.decreases).toBe(recount(b));
    }
  });
});
