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
