/**
 * Operations on native histograms (FloatHistogram) needed by the evaluator. The full native
 * histogram arithmetic arrives with the native-histogram issue; what is here is what the engine
 * needs to carry histogram samples through selectors, functions and aggregations.
 */
import { copyHistogram, CUSTOM_BUCKETS_SCHEMA, type FloatHistogram, type Span } from '../../../common/model/histogram';

export { copyHistogram, CUSTOM_BUCKETS_SCHEMA };

/** usesCustomBuckets reports whether h has custom bucket bounds. */
export function usesCustomBuckets(h: FloatHistogram): boolean {
  return h.schema === CUSTOM_BUCKETS_SCHEMA;
}

/** mulHistogram scales h in place by factor (counts, sum, buckets) and returns it. */
export function mulHistogram(h: FloatHistogram, factor: number): FloatHistogram {
  h.zeroCount *= factor;
  h.count *= factor;
  h.sum *= factor;
  for (let i = 0; i < h.positiveBuckets.length; i++) h.positiveBuckets[i]! *= factor;
  for (let i = 0; i < h.negativeBuckets.length; i++) h.negativeBuckets[i]! *= factor;
  return h;
}

/** divHistogram divides h in place by scalar. Division by zero gives Inf/NaN counts as in Go. */
export function divHistogram(h: FloatHistogram, scalar: number): FloatHistogram {
  h.zeroCount /= scalar;
  h.count /= scalar;
  h.sum /= scalar;
  for (let i = 0; i < h.positiveBuckets.length; i++) h.positiveBuckets[i]! /= scalar;
  for (let i = 0; i < h.negativeBuckets.length; i++) h.negativeBuckets[i]! /= scalar;
  return h;
}

/** histogramSizeInSamples estimates how many float samples h weighs for the max-samples limit. */
export function histogramSizeInSamples(h: FloatHistogram): number {
  // Prometheus: HPoint.size() = H.Size() / 16 where Size counts the fixed struct and the slices.
  const bytes = 96 + 8 * (h.positiveSpans.length + h.negativeSpans.length) +
    8 * (h.positiveBuckets.length + h.negativeBuckets.length) + 8 * (h.customValues?.length ?? 0);
  return Math.max(1, Math.floor(bytes / 16));
}

/** Bucket is one bucket of a histogram with its bounds. */
export interface Bucket {
  lower: number;
  upper: number;
  count: number;
  lowerInclusive: boolean;
  upperInclusive: boolean;
  index: number;
}

function exponentialBound(idx: number, schema: number): number {
  // Upper bound of bucket idx for the given schema: 2^(idx * 2^-schema).
  if (schema < 0) {
    return Math.pow(2, idx * Math.pow(2, -schema));
  }
  const frac = Math.pow(2, -schema);
  return Math.pow(2, idx * frac);
}

/** bucketUpperBound returns the upper bound of bucket index idx of h (positive side). */
export function bucketUpperBound(h: FloatHistogram, idx: number): number {
  if (usesCustomBuckets(h)) {
    const cv = h.customValues ?? [];
    return idx >= cv.length ? Infinity : cv[idx]!;
  }
  return exponentialBound(idx, h.schema);
}

function* spanIndexes(spans: readonly Span[], counts: readonly number[]): Generator<[number, number]> {
  let idx = 0;
  let pos = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      yield [idx, counts[pos] ?? 0];
      idx++;
      pos++;
    }
  }
}

/** allBuckets lists the buckets of h from the lowest to the highest (negative, zero, positive). */
export function allBuckets(h: FloatHistogram): Bucket[] {
  const out: Bucket[] = [];
  if (usesCustomBuckets(h)) {
    const cv = h.customValues ?? [];
    for (const [idx, c] of spanIndexes(h.positiveSpans, h.positiveBuckets)) {
      out.push({
        lower: idx === 0 ? -Infinity : cv[idx - 1]!,
        upper: idx >= cv.length ? Infinity : cv[idx]!,
        count: c,
        lowerInclusive: false,
        upperInclusive: true,
        index: idx,
      });
    }
    return out;
  }
  const neg: Bucket[] = [];
  for (const [idx, c] of spanIndexes(h.negativeSpans, h.negativeBuckets)) {
    neg.push({
      lower: -exponentialBound(idx, h.schema),
      upper: -exponentialBound(idx - 1, h.schema),
      count: c,
      lowerInclusive: true,
      upperInclusive: false,
      index: idx,
    });
  }
  neg.reverse();
  out.push(...neg);
  if (h.zeroCount > 0 || h.zeroThreshold > 0 || true) {
    if (h.zeroCount > 0) {
      out.push({ lower: -h.zeroThreshold, upper: h.zeroThreshold, count: h.zeroCount, lowerInclusive: true, upperInclusive: true, index: 0 });
    }
  }
  for (const [idx, c] of spanIndexes(h.positiveSpans, h.positiveBuckets)) {
    out.push({
      lower: exponentialBound(idx - 1, h.schema),
      upper: exponentialBound(idx, h.schema),
      count: c,
      lowerInclusive: false,
      upperInclusive: true,
      index: idx,
    });
  }
  return out;
}

function fmtNum(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return String(f);
}

/**
 * histogramString renders h like FloatHistogram.String():
 * `{count:20, sum:10, [-2,-1):2, [-0.001,0.001]:2, (0.5,1]:1}`.
 */
export function histogramString(h: FloatHistogram): string {
  const parts: string[] = [`count:${fmtNum(h.count)}`, `sum:${fmtNum(h.sum)}`];
  for (const b of allBuckets(h)) {
    if (b.count === 0) continue;
    const l = b.lowerInclusive ? '[' : '(';
    const r = b.upperInclusive ? ']' : ')';
    parts.push(`${l}${fmtNum(b.lower)},${fmtNum(b.upper)}${r}:${fmtNum(b.count)}`);
  }
  return `{${parts.join(', ')}}`;
}

/** histogramsEqual reports whether two histograms are identical (as FloatHistogram.Equals). */
export function histogramsEqual(a: FloatHistogram, b: FloatHistogram): boolean {
  if (a.schema !== b.schema || a.count !== b.count || a.sum !== b.sum) {
    if (!(Number.isNaN(a.sum) && Number.isNaN(b.sum) && a.schema === b.schema && a.count === b.count)) return false;
  }
  if (a.zeroThreshold !== b.zeroThreshold || a.zeroCount !== b.zeroCount) return false;
  const ab = allBuckets(a).filter((x) => x.count !== 0);
  const bb = allBuckets(b).filter((x) => x.count !== 0);
  if (ab.length !== bb.length) return false;
  for (let i = 0; i < ab.length; i++) {
    if (ab[i]!.lower !== bb[i]!.lower || ab[i]!.upper !== bb[i]!.upper || ab[i]!.count !== bb[i]!.count) return false;
  }
  if (usesCustomBuckets(a)) {
    const ca = a.customValues ?? [];
    const cb = b.customValues ?? [];
    if (ca.length !== cb.length) return false;
    for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) return false;
  }
  return true;
}
