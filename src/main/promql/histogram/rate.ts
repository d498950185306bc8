/**
 * Counter-reset detection and rate of native histograms (FloatHistogram.DetectReset and
 * Prometheus's histogramRate), on top of the sparse arithmetic in arith.ts.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import type { Labels } from '../../../common/model/labels';
import {
  annoMismatchedCustomBuckets,
  annoMixedExponentialCustomHistograms,
  annoNativeHistogramNotCounter,
  annoNativeHistogramNotGauge,
} from '../kernel/annotations';
import type { EvalNodeHelper } from '../kernel/helper';
import { getMetricName } from '../kernel/labels';
import type { HPointBuf } from '../kernel/types';
import { addHistograms, compactHistogram, HistogramError, subHistograms } from './arith';
import { usesCustomBuckets } from './float_histogram';

function bucketMap(h: FloatHistogram, positive: boolean, targetSchema: number): Map<number, number> {
  const spans = positive ? h.positiveSpans : h.negativeSpans;
  const buckets = positive ? h.positiveBuckets : h.negativeBuckets;
  const m = new Map<number, number>();
  let idx = 0;
  let pos = 0;
  const d = h.schema - targetSchema;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      const t = usesCustomBuckets(h) || d <= 0 ? idx : Math.floor((idx - 1) / Math.pow(2, d)) + 1;
      m.set(t, (m.get(t) ?? 0) + (buckets[pos] ?? 0));
      idx++;
      pos++;
    }
  }
  return m;
}

/** detectReset reports whether h (the later histogram) shows a counter reset relative to previous. */
export function detectReset(h: FloatHistogram, previous: FloatHistogram): boolean {
  if (h.counterResetHint === 'reset') return true;
  if (h.counterResetHint === 'not_reset') return false;
  if (h.count < previous.count) return true;
  if (usesCustomBuckets(h)) {
    if (!usesCustomBuckets(previous)) return true;
    const a = h.customValues ?? [];
    const b = previous.customValues ?? [];
    if (a.length !== b.length) return true;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  }
  if (h.schema > previous.schema) return true;
  if (h.zeroThreshold < previous.zeroThreshold) return true;
  if (h.zeroCount < previous.zeroCount) return true;
  for (const positive of [true, false]) {
    const cur = bucketMap(h, positive, h.schema);
    const prev = bucketMap(previous, positive, h.schema);
    for (const [i, c] of prev) {
      if (c > (cur.get(i) ?? 0)) return true;
    }
  }
  return false;
}

/**
 * histogramRate computes last - first (with counter-reset corrections for counters) over the
 * histogram points of a window. Returns null (with a warning) when the points cannot be combined.
 */
export function histogramRate(hs: HPointBuf, isCounter: boolean, metric: Labels, enh: EvalNodeHelper): FloatHistogram | null {
  const name = getMetricName(metric);
  let prev = hs.h[0]!;
  const last = hs.h[hs.n - 1]!;
  let usingCustom = usesCustomBuckets(prev);
  if (isCounter && (prev.counterResetHint === 'gauge' || last.counterResetHint === 'gauge')) {
    enh.warn(annoNativeHistogramNotCounter(name));
  }
  if (isCounter && hs.n > 1) {
    const second = hs.h[1]!;
    if (detectReset(second, prev)) {
      prev = {
        counterResetHint: 'unknown',
        schema: second.schema,
        zeroThreshold: 0,
        zeroCount: 0,
        count: 0,
        sum: 0,
        positiveSpans: [],
        negativeSpans: [],
        positiveBuckets: [],
        negativeBuckets: [],
        customValues: second.customValues,
      };
      usingCustom = usesCustomBuckets(second);
    }
  }
  if (usesCustomBuckets(last) !== usingCustom) {
    enh.warn(annoMixedExponentialCustomHistograms(name));
    return null;
  }
  for (let i = 1; i < hs.n - 1; i++) {
    const curr = hs.h[i]!;
    if (!isCounter) continue;
    if (curr.counterResetHint === 'gauge') enh.warn(annoNativeHistogramNotCounter(name));
    if (usesCustomBuckets(curr) !== usingCustom) {
      enh.warn(annoMixedExponentialCustomHistograms(name));
      return null;
    }
  }
  let h: FloatHistogram;
  try {
    const r = subHistograms(last, prev);
    if (r.reconciled) enh.info(annoMismatchedCustomBuckets('subtraction'));
    h = r.h;
    if (isCounter) {
      let p = hs.h[0]!;
      for (let i = 1; i < hs.n; i++) {
        const curr = hs.h[i]!;
        if (detectReset(curr, p)) {
          const a = addHistograms(h, p);
          if (a.reconciled) enh.info(annoMismatchedCustomBuckets('addition'));
          h = a.h;
        }
        p = curr;
      }
    } else if (hs.h[0]!.counterResetHint !== 'gauge' || last.counterResetHint !== 'gauge') {
      enh.warn(annoNativeHistogramNotGauge(name));
    }
  } catch (e) {
    if (e instanceof HistogramError) {
      enh.warn(annoMixedExponentialCustomHistograms(name));
      return null;
    }
    throw e;
  }
  h.counterResetHint = 'gauge';
  return compactHistogram(h);
}
