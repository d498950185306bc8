/**
 * Encoding of engine values into the Prometheus API's JSON shapes.
 */
import { labelsToRecord } from '../../common/model/labels';
import { formatSampleValue } from '../../common/model/value';
import type { FloatHistogram } from '../../common/model/histogram';
import type { ApiHistogram, ApiQueryData } from '../../common/api/types';
import type { Value } from './value';

/** unixSeconds renders ms as the API's float seconds. */
export function unixSeconds(ms: number): number {
  return ms / 1000;
}

/** encodeValue converts an engine Value to the data of a query response. */
export function encodeValue(v: Value): ApiQueryData {
  switch (v.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [unixSeconds(v.t), formatSampleValue(v.v)] };
    case 'string':
      return { resultType: 'string', result: [unixSeconds(v.t), v.v] };
    case 'vector':
      return {
        resultType: 'vector',
        result: v.samples.map((s) =>
          s.h
            ? { metric: labelsToRecord(s.metric), histogram: [unixSeconds(s.t), encodeHistogram(s.h)] }
            : { metric: labelsToRecord(s.metric), value: [unixSeconds(s.t), formatSampleValue(s.f)] },
        ),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series.map((s) => {
          const out: { metric: Record<string, string>; values?: [number, string][]; histograms?: [number, ApiHistogram][] } = {
            metric: labelsToRecord(s.metric),
          };
          if (s.floats.length > 0) out.values = s.floats.map((p) => [unixSeconds(p.t), formatSampleValue(p.f)]);
          if (s.histograms.length > 0) out.histograms = s.histograms.map((p) => [unixSeconds(p.t), encodeHistogram(p.h)]);
          return out;
        }),
      };
  }
}

/**
 * encodeHistogram renders a native histogram with its buckets as
 * [boundaryRule, lower, upper, count] (0 open left, 1 open right, 2 open both, 3 closed both).
 */
export function encodeHistogram(h: FloatHistogram): ApiHistogram {
  const buckets: [number, string, string, string][] = [];
  const push = (rule: number, lo: number, hi: number, c: number): void => {
    if (c !== 0) buckets.push([rule, formatSampleValue(lo), formatSampleValue(hi), formatSampleValue(c)]);
  };
  if (h.schema === -53 && h.customValues) {
    const cv = h.customValues;
    let idx = 0;
    let bi = 0;
    for (const sp of h.positiveSpans) {
      bi += sp.offset;
      for (let k = 0; k < sp.length; k++, idx++, bi++) {
        const lo = bi === 0 ? -Infinity : cv[bi - 1]!;
        const hi = bi < cv.length ? cv[bi]! : Infinity;
        push(0, lo, hi, h.positiveBuckets[idx]!);
      }
    }
  } else {
    const base = Math.pow(2, Math.pow(2, -h.schema));
    // Negative buckets, highest absolute index first.
    const neg: [number, number, number][] = [];
    let idx = 0;
    let bi = 0;
    for (const sp of h.negativeSpans) {
      bi += sp.offset;
      for (let k = 0; k < sp.length; k++, idx++, bi++) {
        neg.push([-Math.pow(base, bi), -Math.pow(base, bi - 1), h.negativeBuckets[idx]!]);
      }
    }
    for (let i = neg.length - 1; i >= 0; i--) push(1, neg[i]![0], neg[i]![1], neg[i]![2]);
    if (h.zeroCount !== 0) push(3, -h.zeroThreshold, h.zeroThreshold, h.zeroCount);
    idx = 0;
    bi = 0;
    for (const sp of h.positiveSpans) {
      bi += sp.offset;
      for (let k = 0; k < sp.length; k++, idx++, bi++) {
        push(0, Math.pow(base, bi - 1), Math.pow(base, bi), h.positiveBuckets[idx]!);
      }
    }
  }
  const out: ApiHistogram = { count: formatSampleValue(h.count), sum: formatSampleValue(h.sum) };
  if (buckets.length > 0) out.buckets = buckets;
  return out;
}
