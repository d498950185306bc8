/**
 * Native-histogram addition and subtraction (FloatHistogram.Add/Sub), working on a sparse
 * index->count representation: both operands are brought to the coarser schema, buckets are added
 * index-wise and the result is rebuilt in compact form (no empty buckets, spans split at gaps).
 */
import type { CounterResetHint, FloatHistogram, Span } from '../../../common/model/histogram';
import { usesCustomBuckets } from './float_histogram';

/** HistogramError is raised when two histograms cannot be combined (exponential vs custom buckets). */
export class HistogramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistogramError';
  }
}

/** ArithResult is the outcome of an addition or subtraction. */
export interface ArithResult {
  h: FloatHistogram;
  counterResetCollision: boolean;
  /** reconciled is true when differing custom bounds had to be reconciled. */
  reconciled: boolean;
}

function targetIdx(idx: number, originSchema: number, targetSchema: number): number {
  const d = originSchema - targetSchema;
  if (d === 0) return idx;
  return Math.floor((idx - 1) / Math.pow(2, d)) + 1;
}

function toMap(spans: readonly Span[], buckets: readonly number[], schema: number, target: number, into: Map<number, number>, sign: number): void {
  let idx = 0;
  let pos = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      const c = buckets[pos] ?? 0;
      const t = usesCustomSchema(schema) ? idx : targetIdx(idx, schema, target);
      into.set(t, (into.get(t) ?? 0) + sign * c);
      idx++;
      pos++;
    }
  }
}

function usesCustomSchema(schema: number): boolean {
  return schema === -53;
}

/** fromMap builds compact spans and buckets from an index->count map (zero counts dropped). */
export function fromMap(m: Map<number, number>): { spans: Span[]; buckets: number[] } {
  const idxs = [...m.entries()].filter(([, c]) => c !== 0).map(([i]) => i).sort((a, b) => a - b);
  const spans: Span[] = [];
  const buckets: number[] = [];
  let prevEnd = 0;
  let first = true;
  for (const i of idxs) {
    if (!first && i === prevEnd) {
      spans[spans.length - 1]!.length++;
    } else {
      spans.push({ offset: first ? i : i - prevEnd, length: 1 });
    }
    first = false;
    prevEnd = i + 1;
    buckets.push(m.get(i)!);
  }
  return { spans, buckets };
}

function combineHints(a: CounterResetHint, b: CounterResetHint): { hint: CounterResetHint; collision: boolean } {
  if (a === b) return { hint: a, collision: false };
  if (a === 'gauge' || b === 'gauge') return { hint: 'gauge', collision: false };
  if ((a === 'reset' && b === 'not_reset') || (a === 'not_reset' && b === 'reset')) return { hint: 'unknown', collision: true };
  return { hint: 'unknown', collision: false };
}

function combine(a: FloatHistogram, b: FloatHistogram, sign: number): ArithResult {
  const ca = usesCustomBuckets(a);
  const cb = usesCustomBuckets(b);
  if (ca !== cb) throw new HistogramError('cannot apply this operation on histograms with a mix of exponential and custom bucket schemas');
  let reconciled = false;
  const { hint, collision } = combineHints(a.counterResetHint, b.counterResetHint);
  if (ca) {
    const av = a.customValues ?? [];
    const bv = b.customValues ?? [];
    let same = av.length === bv.length;
    for (let i = 0; same && i < av.length; i++) if (av[i] !== bv[i]) same = false;
    if (!same) {
      // Reconcile to the bounds both share, merging buckets accordingly.
      reconciled = true;
      const common = av.filter((x) => bv.includes(x));
      const remap = (h: FloatHistogram, vals: readonly number[], into: Map<number, number>, s: number): void => {
        let idx = 0;
        let pos = 0;
        for (const sp of h.positiveSpans) {
          idx += sp.offset;
          for (let j = 0; j < sp.length; j++) {
            const upper = idx < vals.length ? vals[idx]! : Infinity;
            let t = common.findIndex((x) => x >= upper);
            if (t < 0) t = common.length;
            into.set(t, (into.get(t) ?? 0) + s * (h.positiveBuckets[pos] ?? 0));
            idx++;
            pos++;
          }
        }
      };
      const m = new Map<number, number>();
      remap(a, av, m, 1);
      remap(b, bv, m, sign);
      const { spans, buckets } = fromMap(m);
      return {
        h: {
          counterResetHint: hint,
          schema: a.schema,
          zeroThreshold: 0,
          zeroCount: 0,
          count: a.count + sign * b.count,
          sum: a.sum + sign * b.sum,
          positiveSpans: spans,
          negativeSpans: [],
          positiveBuckets: buckets,
          negativeBuckets: [],
          customValues: common.slice(),
        },
        counterResetCollision: collision,
        reconciled,
      };
    }
  }
  const target = ca ? a.schema : Math.min(a.schema, b.schema);
  const pos = new Map<number, number>();
  const neg = new Map<number, number>();
  toMap(a.positiveSpans, a.positiveBuckets, a.schema, target, pos, 1);
  toMap(b.positiveSpans, b.positiveBuckets, b.schema, target, pos, sign);
  toMap(a.negativeSpans, a.negativeBuckets, a.schema, target, neg, 1);
  toMap(b.negativeSpans, b.negativeBuckets, b.schema, target, neg, sign);
  const p = fromMap(pos);
  const n = fromMap(neg);
  const h: FloatHistogram = {
    counterResetHint: hint,
    schema: target,
    zeroThreshold: Math.max(a.zeroThreshold, b.zeroThreshold),
    zeroCount: a.zeroCount + sign * b.zeroCount,
    count: a.count + sign * b.count,
    sum: a.sum + sign * b.sum,
    positiveSpans: p.spans,
    negativeSpans: n.spans,
    positiveBuckets: p.buckets,
    negativeBuckets: n.buckets,
  };
  if (ca) h.customValues = (a.customValues ?? []).slice();
  return { h, counterResetCollision: collision, reconciled };
}

/** addHistograms returns a + b (new object). */
export function addHistograms(a: FloatHistogram, b: FloatHistogram): ArithResult {
  return combine(a, b, 1);
}

/** subHistograms returns a - b (new object). */
export function subHistograms(a: FloatHistogram, b: FloatHistogram): ArithResult {
  return combine(a, b, -1);
}

/** compactHistogram returns h in compact form (no empty buckets). */
export function compactHistogram(h: FloatHistogram): FloatHistogram {
  const pos = new Map<number, number>();
  const neg = new Map<number, number>();
  toMap(h.positiveSpans, h.positiveBuckets, h.schema, h.schema, pos, 1);
  toMap(h.negativeSpans, h.negativeBuckets, h.schema, h.schema, neg, 1);
  const p = fromMap(pos);
  const n = fromMap(neg);
  const out: FloatHistogram = { ...h, positiveSpans: p.spans, positiveBuckets: p.buckets, negativeSpans: n.spans, negativeBuckets: n.buckets };
  if (h.customValues !== undefined) out.customValues = h.customValues.slice();
  return out;
}
