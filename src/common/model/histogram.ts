/**
 * Native histograms (float flavour), as in Prometheus's model/histogram.FloatHistogram.
 * The full arithmetic arrives with the native-histogram issue; the shape is fixed now so storage
 * and the engine carry a second sample kind without a rewrite.
 */

/** Span is a run of consecutive buckets: offset from the previous span's end, and length. */
export interface Span {
  offset: number;
  length: number;
}

/** CounterResetHint tells whether a histogram continues, resets or is a gauge. */
export type CounterResetHint = 'unknown' | 'reset' | 'not_reset' | 'gauge';

/** FloatHistogram is a sparse exponential (or custom-bucket, schema -53) histogram. */
export interface FloatHistogram {
  counterResetHint: CounterResetHint;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  /** Absolute bucket counts. */
  positiveBuckets: number[];
  negativeBuckets: number[];
  /** Upper bounds for schema -53 (custom buckets). */
  customValues?: number[];
}

/** CUSTOM_BUCKETS_SCHEMA is the schema of native histograms with custom bucket bounds (NHCB). */
export const CUSTOM_BUCKETS_SCHEMA = -53;

/** copyHistogram returns a deep copy of h. */
export function copyHistogram(h: FloatHistogram): FloatHistogram {
  const c: FloatHistogram = {
    counterResetHint: h.counterResetHint,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    positiveSpans: h.positiveSpans.map((s) => ({ offset: s.offset, length: s.length })),
    negativeSpans: h.negativeSpans.map((s) => ({ offset: s.offset, length: s.length })),
    positiveBuckets: h.positiveBuckets.slice(),
    negativeBuckets: h.negativeBuckets.slice(),
  };
  if (h.customValues !== undefined) c.customValues = h.customValues.slice();
  return c;
}
