/**
 * The float-histogram arithmetic that the series-description language needs for its
 * `{{A}}+{{B}}xN` and `{{A}}-{{B}}xN` forms: Prometheus's FloatHistogram.Add and Sub
 * (model/histogram/float_histogram.go), including schema reduction, zero-bucket reconciliation
 * and custom-bucket intersection. Bucket layouts are rebuilt from a dense index map; empty
 * buckets that either side had are kept, as upstream's addBuckets keeps them.
 */
import { copyHistogram, CUSTOM_BUCKETS_SCHEMA, type CounterResetHint, type FloatHistogram, type Span } from '../model/histogram';

export { copyHistogram, CUSTOM_BUCKETS_SCHEMA };

/** ERR_INCOMPATIBLE_SCHEMA is Prometheus's ErrHistogramsIncompatibleSchema text. */
export const ERR_INCOMPATIBLE_SCHEMA = 'cannot apply this operation on histograms with a mix of exponential and custom bucket schemas';

function toMap(spans: readonly Span[], buckets: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  let idx = 0;
  let b = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      if (b < buckets.length) m.set(idx, (m.get(idx) ?? 0) + buckets[b]!);
      b++;
      idx++;
    }
  }
  return m;
}

function fromMap(m: Map<number, number>): { spans: Span[]; buckets: number[] } {
  const idxs = [...m.keys()].sort((a, b) => a - b);
  const spans: Span[] = [];
  const buckets: number[] = [];
  let prevEnd = 0;
  for (const i of idxs) {
    const last = spans[spans.length - 1];
    if (last && i === prevEnd) last.length++;
    else spans.push({ offset: spans.length === 0 ? i : i - prevEnd, length: 1 });
    buckets.push(m.get(i)!);
    prevEnd = i + 1;
  }
  return { spans, buckets };
}

function reduce(m: Map<number, number>, from: number, to: number): Map<number, number> {
  if (from === to) return m;
  const out = new Map<number, number>();
  for (const [i, v] of m) {
    const t = ((i - 1) >> (from - to)) + 1;
    out.set(t, (out.get(t) ?? 0) + v);
  }
  return out;
}

/** upperBound is the upper bound of exponential bucket idx (getBoundExponential). */
function upperBound(idx: number, schema: number): number {
  return Math.pow(2, idx / Math.pow(2, schema));
}

function lowerBound(idx: number, schema: number): number {
  return upperBound(idx - 1, schema);
}

/** zeroCountForLargerThreshold moves buckets inside a larger zero threshold into the zero count. */
function zeroCountForLargerThreshold(h: FloatHistogram, larger: number): { zeroCount: number; threshold: number } {
  if (larger === h.zeroThreshold) return { zeroCount: h.zeroCount, threshold: larger };
  const pos = toMap(h.positiveSpans, h.positiveBuckets);
  const neg = toMap(h.negativeSpans, h.negativeBuckets);
  for (;;) {
    let zc = h.zeroCount;
    let redo = false;
    for (const [i, v] of [...pos].sort((a, b) => a[0] - b[0])) {
      if (lowerBound(i, h.schema) >= larger) break;
      zc += v;
      if (upperBound(i, h.schema) > larger) {
        if (v !== 0) larger = upperBound(i, h.schema);
        break;
      }
    }
    for (const [i, v] of [...neg].sort((a, b) => a[0] - b[0])) {
      if (-upperBound(i, h.schema) <= -larger) break;
      zc += v;
      if (-lowerBound(i, h.schema) < -larger) {
        if (v !== 0) {
          larger = lowerBound(i, h.schema);
          redo = true;
        }
        break;
      }
    }
    if (!redo) return { zeroCount: zc, threshold: larger };
  }
}

function trimBucketsInZeroBucket(h: FloatHistogram): void {
  const pos = toMap(h.positiveSpans, h.positiveBuckets);
  for (const i of [...pos.keys()].sort((a, b) => a - b)) {
    if (lowerBound(i, h.schema) >= h.zeroThreshold) break;
    pos.delete(i);
  }
  const neg = toMap(h.negativeSpans, h.negativeBuckets);
  for (const i of [...neg.keys()].sort((a, b) => a - b)) {
    if (-upperBound(i, h.schema) <= -h.zeroThreshold) break;
    neg.delete(i);
  }
  const p = fromMap(pos);
  const n = fromMap(neg);
  h.positiveSpans = p.spans;
  h.positiveBuckets = p.buckets;
  h.negativeSpans = n.spans;
  h.negativeBuckets = n.buckets;
}

function adjustCounterReset(h: FloatHistogram, other: FloatHistogram): void {
  const a: CounterResetHint = h.counterResetHint;
  const b: CounterResetHint = other.counterResetHint;
  if (a === b || a === 'gauge') return;
  if (b === 'gauge') h.counterResetHint = 'gauge';
  else h.counterResetHint = 'unknown';
}

function intersectBounds(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return out;
}

function boundsEqual(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** mapCustom maps custom buckets to the bucket of the intersected bounds that covers them. */
function mapCustom(m: Map<number, number>, bounds: readonly number[], inter: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const [i, v] of m) {
    let t = inter.length;
    if (i < bounds.length) {
      const b = bounds[i]!;
      const k = inter.findIndex((x) => x >= b);
      if (k >= 0) t = k;
    }
    out.set(t, (out.get(t) ?? 0) + v);
  }
  return out;
}

/**
 * addHistograms returns a + b (or a - b when negate), as Prometheus's FloatHistogram.Add/Sub.
 * Throws Error(ERR_INCOMPATIBLE_SCHEMA) when one side has custom buckets and the other not.
 */
export function addHistograms(a: FloatHistogram, b: FloatHistogram, negate: boolean): FloatHistogram {
  const aCustom = a.schema === CUSTOM_BUCKETS_SCHEMA;
  const bCustom = b.schema === CUSTOM_BUCKETS_SCHEMA;
  if (aCustom !== bCustom) throw new Error(ERR_INCOMPATIBLE_SCHEMA);
  const h = copyHistogram(a);
  const sign = negate ? -1 : 1;
  adjustCounterReset(h, b);
  if (!aCustom) {
    let otherZeroCount = b.zeroCount;
    let otherThreshold = b.zeroThreshold;
    while (otherThreshold !== h.zeroThreshold) {
      if (h.zeroThreshold > otherThreshold) {
        const r = zeroCountForLargerThreshold(b, h.zeroThreshold);
        otherZeroCount = r.zeroCount;
        otherThreshold = r.threshold;
      }
      if (otherThreshold > h.zeroThreshold) {
        const r = zeroCountForLargerThreshold(h, otherThreshold);
        h.zeroCount = r.zeroCount;
        h.zeroThreshold = r.threshold;
        trimBucketsInZeroBucket(h);
      }
    }
    h.zeroCount += sign * otherZeroCount;
  }
  h.count += sign * b.count;
  h.sum += sign * b.sum;

  const combine = (x: Map<number, number>, y: Map<number, number>, skipBelow: number | null): Map<number, number> => {
    const out = new Map(x);
    let lower = true;
    for (const i of [...y.keys()].sort((p, q) => p - q)) {
      if (lower && skipBelow !== null && upperBound(i, h.schema) <= skipBelow) continue;
      lower = false;
      out.set(i, (out.get(i) ?? 0) + sign * y.get(i)!);
    }
    return out;
  };

  if (aCustom) {
    let x = toMap(h.positiveSpans, h.positiveBuckets);
    let y = toMap(b.positiveSpans, b.positiveBuckets);
    if (!boundsEqual(h.customValues, b.customValues)) {
      const inter = intersectBounds(h.customValues ?? [], b.customValues ?? []);
      x = mapCustom(x, h.customValues ?? [], inter);
      y = mapCustom(y, b.customValues ?? [], inter);
      h.customValues = inter;
    }
    const p = fromMap(combine(x, y, null));
    h.positiveSpans = p.spans;
    h.positiveBuckets = p.buckets;
    return h;
  }

  let hp = toMap(h.positiveSpans, h.positiveBuckets);
  let hn = toMap(h.negativeSpans, h.negativeBuckets);
  let bp = toMap(b.positiveSpans, b.positiveBuckets);
  let bn = toMap(b.negativeSpans, b.negativeBuckets);
  if (b.schema < h.schema) {
    hp = reduce(hp, h.schema, b.schema);
    hn = reduce(hn, h.schema, b.schema);
    h.schema = b.schema;
  } else if (b.schema > h.schema) {
    bp = reduce(bp, b.schema, h.schema);
    bn = reduce(bn, b.schema, h.schema);
  }
  const p = fromMap(combine(hp, bp, h.zeroThreshold));
  const n = fromMap(combine(hn, bn, h.zeroThreshold));
  h.positiveSpans = p.spans;
  h.positiveBuckets = p.buckets;
  h.negativeSpans = n.spans;
  h.negativeBuckets = n.buckets;
  return h;
}
