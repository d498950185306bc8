/**
 * Resource quantities (`"250m"`, `"1.5Gi"`, `"1e3"`) as kube-state-metrics reads them through
 * apimachinery's resource.Quantity: `Value()` is ceil(q) and `MilliValue()` ceil(q * 1000), both
 * rounded away from zero and computed exactly (BigInt), then turned into float64 as Go's int64
 * conversion does. `float` is KSM's convertValueToFloat64: MilliValue()/1000, or Value() when the
 * milli-value would overflow.
 */

/** Quantity is a parsed quantity: Value(), and convertValueToFloat64's result. */
export interface Quantity {
  /** value is float64(q.Value()). */
  value: number;
  /** float is float64(q.MilliValue())/1000, or float64(q.Value()) beyond resource.MaxMilliValue. */
  float: number;
}

const DECIMAL: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
const EXPONENT = /^[eE]([+-]?\d+)$/;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
/** MAX_MILLI is resource.MaxMilliValue: the largest value whose milli-value fits an int64. */
const MAX_MILLI = MAX_INT64 / 1000n;

function pow(base: bigint, e: number): bigint {
  return e <= 0 ? 1n : base ** BigInt(e);
}

/** scaled is ceil(|x| * 10^shift) with x's sign (away from zero), x = sign * digits * 10^exp10 * 2^exp2, clamped to int64. */
function scaled(neg: boolean, digits: bigint, exp10: number, exp2: number, shift: number): bigint {
  const e = exp10 + shift;
  const num = digits * pow(2n, exp2) * pow(10n, e);
  const den = pow(10n, -e);
  let q = num / den;
  if (num % den !== 0n) q += 1n;
  if (neg) q = -q;
  return q > MAX_INT64 ? MAX_INT64 : q < MIN_INT64 ? MIN_INT64 : q;
}

/** parseQuantity parses a quantity string as resource.ParseQuantity does, or returns null. */
export function parseQuantity(s: string): Quantity | null {
  const m = SYNTAX.exec(s);
  if (m === null) return null;
  const intPart = m[2]!;
  const frac = m[3] ?? '';
  if (intPart === '' && frac === '') return null;
  const suffix = m[4]!;
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in DECIMAL) exp10 = DECIMAL[suffix]!;
  else if (suffix in BINARY) exp2 = BINARY[suffix]!;
  else {
    const e = EXPONENT.exec(suffix);
    if (e === null) return null;
    exp10 = Number(e[1]);
    if (!Number.isSafeInteger(exp10) || Math.abs(exp10) > 1000) return null;
  }
  const digits = BigInt((intPart + frac).replace(/^0+(?=\d)/, '') || '0');
  const neg = m[1] === '-' && digits !== 0n;
  exp10 -= frac.length;
  const value = scaled(neg, digits, exp10, exp2, 0);
  const float = value > MAX_MILLI ? Number(value) : Number(scaled(neg, digits, exp10, exp2, 3)) / 1000;
  return { value: Number(value), float };
}

const cache = new Map<string, Quantity | null>();

/** quantity is parseQuantity with a cache (a cluster uses few distinct quantity strings). */
export function quantity(s: string): Quantity | null {
  let q = cache.get(s);
  if (q === undefined) {
    q = parseQuantity(s);
    if (cache.size >= 4096) cache.clear();
    cache.set(s, q);
  }
  return q;
}
