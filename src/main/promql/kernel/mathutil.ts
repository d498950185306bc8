/**
 * Numeric helpers shared by the evaluator, aggregations and functions: Kahan-Neumaier summation as
 * Prometheus's kahansum.Inc, the quantile of a set of values, linear interpolation between two
 * points and a binary search.
 */

/**
 * Kahan performs Kahan-Neumaier summation steps (Prometheus's kahansum.Inc). Each module keeps one
 * instance and reads the result of the last step from sum and c, so no object is allocated per
 * step and hot loops call a method rather than an imported function.
 */
export class Kahan {
  /** sum and c are the new sum and compensation after the last inc. */
  sum = 0;
  c = 0;

  /** inc adds x to sum with compensation c; an infinite sum resets the compensation to 0. */
  inc(x: number, sum: number, c: number): void {
    const t = sum + x;
    if (t === Infinity || t === -Infinity) {
      c = 0;
    } else if (Math.abs(sum) >= Math.abs(x)) {
      c += sum - t + x;
    } else {
      c += x - t + sum;
    }
    this.sum = t;
    this.c = c;
  }
}

/** compareNaNFirst orders numbers ascending with NaN first (vectorByValueHeap's Less). */
export function compareNaNFirst(a: number, b: number): number {
  const an = a !== a;
  const bn = b !== b;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * quantile calculates the q-quantile of values (sorted in place), interpolating between
 * neighbours: NaN for no values or q NaN, -Inf for q < 0, +Inf for q > 1.
 */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(compareNaNFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return values[lowerIndex]! * (1 - weight) + values[upperIndex]! * weight;
}

/**
 * interpolate is linear interpolation between (t1, v1) and (t2, v2) at t. For counters, a drop
 * between the two points is read as a reset: the counter is taken to restart from 0 at t1.
 */
export function interpolate(t1: number, v1: number, t2: number, v2: number, t: number, isCounter: boolean): number {
  let y1 = v1;
  if (isCounter && v2 < y1) y1 = 0;
  return y1 + ((v2 - y1) * (t - t1)) / (t2 - t1);
}

/** searchFirst is Go's sort.Search: the smallest i in [0, n) with pred(i) true, or n (pred must be monotonic). */
export function searchFirst(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (!pred(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
