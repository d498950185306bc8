/**
 * Sample values, as in Prometheus's model/value: the staleness marker and its bit-exact test.
 */
import { formatFloatF } from '../util/go/strconv';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian hosts are assumed everywhere (x86-64, arm64); checked once here.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
if (!LITTLE_ENDIAN) throw new Error('vigil requires a little-endian host');

/** STALE_NAN_HI and STALE_NAN_LO are the two 32-bit halves of the stale marker 0x7ff0000000000002. */
export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;

/** StaleNaN is the special NaN (bits 0x7ff0000000000002) that marks a series as stale. */
export const StaleNaN: number = (() => {
  u32[0] = STALE_NAN_LO;
  u32[1] = STALE_NAN_HI;
  return f64[0]!;
})();

/**
 * isStaleNaN reports whether v carries the exact stale-marker bit pattern.
 *
 * V8 keeps a NaN's payload in variables, object fields, Maps, element stores into a Float64Array
 * and DataView writes. It canonicalizes NaNs stored in plain double arrays (`number[]`, including
 * `new Float64Array([x])` built from one) and may in arithmetic. Carry sample values that can be
 * stale markers in typed arrays or objects, never in `number[]`.
 */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  f64[0] = v;
  return u32[0] === STALE_NAN_LO && u32[1] === STALE_NAN_HI;
}

/** float64Bits returns the IEEE-754 bits of v as [lo, hi] 32-bit halves. */
export function float64Bits(v: number): [number, number] {
  f64[0] = v;
  return [u32[0]!, u32[1]!];
}

/** formatSampleValue renders a float as Prometheus's API does: strconv.FormatFloat(v, 'f', -1, 64), i.e. formatFloatF. */
export const formatSampleValue: (v: number) => string = formatFloatF;
