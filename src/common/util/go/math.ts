/**
 * Go's math functions where they differ from JavaScript's Math: Round (half away from zero) and
 * Pow (a base of ±1 and NaN or infinite exponents).
 */

/** goRound is Go's math.Round: half away from zero. */
export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  if (Math.abs(x - t) >= 0.5) return t + Math.sign(x);
  return t === 0 ? 0 * Math.sign(x) || 0 : t;
}

/** goPow is Go's math.Pow, which differs from Math.pow for a base of ±1 and NaN/Inf exponents. */
export function goPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}
