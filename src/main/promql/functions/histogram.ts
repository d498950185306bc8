/**
 * Histogram functions: histogram_quantile, histogram_quantiles and histogram_fraction over classic
 * histograms (buckets as `le`-labelled series, with Prometheus's monotonicity and precision fixes)
 * and native histograms, and histogram_count/sum/avg/stddev/stdvar over native histograms.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import type { Expr } from '../../../common/promql/ast';
import { formatOpenMetricsFloat, type Labels } from '../../../common/model/labels';
import {
  annoBadBucketLabel,
  annoHistogramQuantileForcedMonotonicity,
  annoInvalidQuantile,
  annoMixedClassicNativeHistograms,
  annoNativeHistogramFractionNaNs,
  annoNativeHistogramQuantileNaNResult,
  annoNativeHistogramQuantileNaNSkew,
} from '../kernel/annotations';
import { floatStatus, parseFloatRange } from '../../../common/util/go/strconv';
import type { EvalNodeHelper, InstantFunction } from '../kernel/helper';
import { dropMetadata, dropMetricName, getLabel, getMetricName, keyOf, LabelEditor } from '../kernel/labels';
import { Kahan } from '../kernel/mathutil';
import type { ESample, EVector } from '../kernel/types';
import { allBuckets, usesCustomBuckets } from '../histogram/float_histogram';

/** KS is this module's Kahan summation scratch state. */
const KS = new Kahan();

/** ClassicBucket is one bucket of a classic histogram: upper bound and cumulative count. */
export interface ClassicBucket {
  upperBound: number;
  count: number;
}

function coalesceBuckets(b: ClassicBucket[]): ClassicBucket[] {
  let last = { ...b[0]! };
  let i = 0;
  for (let j = 1; j < b.length; j++) {
    const x = b[j]!;
    if (x.upperBound === last.upperBound) {
      last.count += x.count;
    } else {
      b[i] = last;
      last = { ...x };
      i++;
    }
  }
  b[i] = last;
  b.length = i + 1;
  return b;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

function almostEqualRel(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  const minNormal = 2.2250738585072014e-308;
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * ensureMonotonicAndIgnoreSmallDeltas silently flattens numerically insignificant differences
 * between successive cumulative counts (floating point artefacts) and forces monotonicity by
 * removing any decrease. Returns whether monotonicity had to be forced.
 */
function ensureMonotonicAndIgnoreSmallDeltas(b: ClassicBucket[], tolerance: number, fix: MonotonicityFix | null): boolean {
  let forced = false;
  let prev = b[0]!.count;
  for (let i = 1; i < b.length; i++) {
    const curr = b[i]!.count;
    if (curr === prev) continue;
    if (almostEqualRel(prev, curr, tolerance)) {
      b[i]!.count = prev;
      continue;
    }
    if (curr < prev) {
      b[i]!.count = prev;
      forced = true;
      if (fix !== null) {
        const ub = b[i]!.upperBound;
        if (ub < fix.minBucket) fix.minBucket = ub;
        if (ub > fix.maxBucket) fix.maxBucket = ub;
        if (prev - curr > fix.maxDiff) fix.maxDiff = prev - curr;
      }
      continue;
    }
    prev = curr;
  }
  return forced;
}

/** MonotonicityFix describes a forced monotonicity: the bucket range fixed and the largest decrease. */
export interface MonotonicityFix {
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
}

function sortBuckets(b: ClassicBucket[]): void {
  b.sort((x, y) => (x.upperBound < y.upperBound ? -1 : x.upperBound > y.upperBound ? 1 : 0));
}

/**
 * bucketQuantile computes the q-quantile from classic buckets (sorted here), interpolating
 * linearly within a bucket. Returns the value and whether monotonicity had to be forced.
 */
export function bucketQuantile(q: number, buckets: ClassicBucket[], fix: MonotonicityFix | null = null): { v: number; forced: boolean } {
  if (Number.isNaN(q)) return { v: NaN, forced: false };
  if (q < 0) return { v: -Infinity, forced: false };
  if (q > 1) return { v: Infinity, forced: false };
  sortBuckets(buckets);
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return { v: NaN, forced: false };
  buckets = coalesceBuckets(buckets);
  const forced = ensureMonotonicAndIgnoreSmallDeltas(buckets, SMALL_DELTA_TOLERANCE, fix);
  if (buckets.length < 2) return { v: NaN, forced: false };
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return { v: NaN, forced: false };
  let rank = q * observations;
  let b = 0;
  {
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (buckets[mid]!.count >= rank) hi = mid;
      else lo = mid + 1;
    }
    b = lo;
  }
  if (b === buckets.length - 1) return { v: buckets[buckets.length - 2]!.upperBound, forced };
  if (b === 0 && buckets[0]!.upperBound <= 0) return { v: buckets[0]!.upperBound, forced };
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return { v: bucketStart + (bucketEnd - bucketStart) * (rank / count), forced };
}

/** bucketFraction estimates the fraction of observations in [lower, upper] from classic buckets. */
export function bucketFraction(lower: number, upper: number, buckets: ClassicBucket[]): number {
  if (buckets.length === 0) return NaN;
  sortBuckets(buckets);
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return NaN;
  buckets = coalesceBuckets(buckets);
  ensureMonotonicAndIgnoreSmallDeltas(buckets, SMALL_DELTA_TOLERANCE, null);
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    let lowerBound = i > 0 ? buckets[i - 1]!.upperBound : -Infinity;
    const upperBound = b.upperBound;
    if (i === 0 && upperBound > 0) lowerBound = 0;
    // A bucket of infinite width gives no basis for interpolation: its observations sit at its
    // infinite end, so a finite bound inside it takes all (-Inf side) or none (+Inf side) of them.
    const interpolate = (v: number): number => {
      if (lowerBound === -Infinity) return b.count;
      if (upperBound === Infinity) return rank;
      return rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    };
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

/**
 * histogramQuantile is the q-quantile of a native histogram: linear interpolation within custom
 * buckets and the zero bucket, exponential interpolation within exponential buckets; a natural
 * bound of 0 is assumed when all buckets are on one side of zero. Adds the NaN-observation infos.
 */
export function histogramQuantile(q: number, h: FloatHistogram, metricName: string, enh: EvalNodeHelper): number {
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (h.count === 0 || Number.isNaN(q)) return NaN;
  const custom = usesCustomBuckets(h);
  const buckets = allBuckets(h);
  const forward = Number.isNaN(h.sum) || q < 0.5;
  let rank = forward ? q * h.count : (1 - q) * h.count;
  const order = forward ? buckets : buckets.slice().reverse();
  let count = 0;
  let b = { lower: 0, upper: 0, count: 0 };
  for (const x of order) {
    if (x.count === 0) continue;
    b = { lower: x.lower, upper: x.upper, count: x.count };
    count += x.count;
    if (count >= rank) break;
  }
  if (Number.isNaN(h.sum)) {
    let total = 0;
    for (const x of buckets) total += x.count;
    if (rank > total) enh.info(annoNativeHistogramQuantileNaNResult(metricName));
    else if (total < h.count) enh.info(annoNativeHistogramQuantileNaNSkew(metricName));
  }
  if (!custom && b.lower < 0 && b.upper > 0) {
    if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) b.lower = 0;
    else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) b.upper = 0;
  } else if (custom) {
    if (b.lower === -Infinity) {
      if (b.upper <= 0) return b.upper;
      b.lower = 0;
    } else if (b.upper === Infinity) {
      return b.lower;
    }
  }
  if (count > h.count) count = h.count;
  if (count < rank) return b.upper;
  if (forward) rank -= count - b.count;
  else rank = count - rank;
  const fraction = rank / b.count;
  if (custom || (b.lower <= 0 && b.upper >= 0)) return b.lower + (b.upper - b.lower) * fraction;
  const logLower = Math.log2(Math.abs(b.lower));
  const logUpper = Math.log2(Math.abs(b.upper));
  if (b.lower > 0) return Math.pow(2, logLower + (logUpper - logLower) * fraction);
  return -Math.pow(2, logUpper + (logLower - logUpper) * (1 - fraction));
}

/** histogramFraction estimates the fraction of observations of h in [lower, upper]. */
export function histogramFraction(lower: number, upper: number, h: FloatHistogram, metricName: string, enh: EvalNodeHelper): number {
  if (h.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  if (Number.isNaN(h.sum)) enh.info(annoNativeHistogramFractionNaNs(metricName));
  const custom = usesCustomBuckets(h);
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (const x of allBuckets(h)) {
    const b = { lower: x.lower, upper: x.upper, count: x.count };
    let zeroBucket = false;
    if (!custom && b.lower <= 0 && b.upper >= 0) {
      zeroBucket = true;
      if (h.negativeBuckets.length === 0 && h.positiveBuckets.length > 0) b.lower = 0;
      else if (h.positiveBuckets.length === 0 && h.negativeBuckets.length > 0) b.upper = 0;
    }
    if (custom && b.lower === -Infinity && b.upper > 0) b.lower = 0;
    const interp = (v: number): number => {
      if (b.lower === -Infinity) return rank + b.count;
      if (b.upper === Infinity) return rank;
      if (custom || zeroBucket) return rank + (b.count * (v - b.lower)) / (b.upper - b.lower);
      const logLower = Math.log2(Math.abs(b.lower));
      const logUpper = Math.log2(Math.abs(b.upper));
      const logV = Math.log2(Math.abs(v));
      const fraction = v > 0 ? (logV - logLower) / (logUpper - logLower) : 1 - (logV - logUpper) / (logLower - logUpper);
      return rank + b.count * fraction;
    };
    if (!lowerSet && b.lower >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && b.lower >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && b.lower < lower && b.upper > lower) {
      lowerRank = interp(lower);
      lowerSet = true;
    }
    if (!upperSet && b.lower < upper && b.upper > upper) {
      upperRank = interp(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += b.count;
  }
  if (!lowerSet || lowerRank > h.count) lowerRank = h.count;
  if (!upperSet || upperRank > h.count) upperRank = h.count;
  return (upperRank - lowerRank) / h.count;
}

interface MetricWithBuckets {
  metric: Labels;
  buckets: ClassicBucket[];
}

/** splitHistograms separates native histograms and classic buckets (resetHistograms). */
function splitHistograms(inVec: EVector, enh: EvalNodeHelper, arg: Expr): { natives: (ESample | null)[]; classic: Map<string, MetricWithBuckets> } {
  const classic = new Map<string, MetricWithBuckets>();
  const natives: (ESample | null)[] = [];
  for (const s of inVec) {
    if (s.h !== null) {
      natives.push(s);
      continue;
    }
    const le = getLabel(s.metric, 'le');
    const upperBound = parseFloatRange(le, 0, le.length);
    if (floatStatus.err !== '') {
      enh.annos.warn(annoBadBucketLabel(enh.enableDelayedNameRemoval ? getMetricName(s.metric) : '', le), arg.pos);
      continue;
    }
    const withoutLe = s.metric.filter((l) => l.name !== 'le');
    const key = keyOf(withoutLe);
    let mb = classic.get(key);
    if (mb === undefined) {
      mb = { metric: withoutLe, buckets: [] };
      classic.set(key, mb);
    }
    mb.buckets.push({ upperBound, count: s.f });
  }
  for (let i = 0; i < natives.length; i++) {
    const s = natives[i]!;
    const key = keyOf(s.metric);
    const mb = classic.get(key);
    if (mb !== undefined && mb.buckets.length > 0) {
      enh.annos.warn(annoMixedClassicNativeHistograms(enh.enableDelayedNameRemoval ? getMetricName(s.metric) : ''), arg.pos);
      classic.delete(key);
      natives[i] = null;
    }
  }
  return { natives, classic };
}

function validateQuantile(q: number, enh: EvalNodeHelper, arg: Expr): void {
  if (Number.isNaN(q) || q < 0 || q > 1) enh.annos.warn(annoInvalidQuantile(q), arg.pos);
}

/** quantileOfBuckets is bucketQuantile plus Prometheus's forced-monotonicity info (about arg). */
function quantileOfBuckets(q: number, mb: MetricWithBuckets, buckets: ClassicBucket[], enh: EvalNodeHelper, arg: Expr): number {
  const fix: MonotonicityFix = { minBucket: Infinity, maxBucket: -Infinity, maxDiff: 0 };
  const r = bucketQuantile(q, buckets, fix);
  if (r.forced) {
    const text = annoHistogramQuantileForcedMonotonicity(enh.enableDelayedNameRemoval ? getMetricName(mb.metric) : '');
    enh.annos.forcedMonotonicity(text, arg.pos, enh.ts, fix.minBucket, fix.maxBucket, fix.maxDiff);
  }
  return r.v;
}

function outMetric(ls: Labels, enh: EvalNodeHelper): Labels {
  return enh.enableDelayedNameRemoval ? ls : dropMetadata(ls);
}

/** funcHistogramQuantile implements histogram_quantile(q scalar, v instant-vector). */
export const funcHistogramQuantile: InstantFunction = (vals, args, enh) => {
  if (vals.length < 2 || vals[0]!.length === 0) return enh.out;
  const q = vals[0]![0]!.f;
  validateQuantile(q, enh, args[0]!);
  const { natives, classic } = splitHistograms(vals[1]!, enh, args[1]!);
  for (const s of natives) {
    if (s === null) continue;
    const v = histogramQuantile(q, s.h!, getMetricName(s.metric), enh);
    enh.out.push({ metric: outMetric(s.metric, enh), t: 0, f: v, h: null, dropName: true });
  }
  for (const mb of classic.values()) {
    if (mb.buckets.length === 0) continue;
    const v = quantileOfBuckets(q, mb, mb.buckets, enh, args[1]!);
    enh.out.push({ metric: outMetric(mb.metric, enh), t: 0, f: v, h: null, dropName: true });
  }
  return enh.out;
};

/** funcHistogramQuantiles implements histogram_quantiles(v instant-vector, label string, q scalar...). */
export const funcHistogramQuantiles: InstantFunction = (vals, args, enh) => {
  const inVec = vals[0]!;
  const labelArg = args[1]!;
  const quantileLabel = labelArg.kind === 'StringLiteral' ? labelArg.val : '';
  const qs: number[] = [];
  for (let i = 2; i < vals.length; i++) {
    const q = vals[i]![0]!.f;
    validateQuantile(q, enh, args[i]!);
    qs.push(q);
  }
  const { natives, classic } = splitHistograms(inVec, enh, args[0]!);
  const lb = new LabelEditor([]);
  const withQ = (ls: Labels, q: number): Labels => lb.reset(ls).set(quantileLabel, formatOpenMetricsFloat(q)).labels();
  for (const q of qs) {
    for (const s of natives) {
      if (s === null) continue;
      const v = histogramQuantile(q, s.h!, getMetricName(s.metric), enh);
      enh.out.push({ metric: withQ(outMetric(s.metric, enh), q), t: 0, f: v, h: null, dropName: true });
    }
    for (const mb of classic.values()) {
      if (mb.buckets.length === 0) continue;
      const v = quantileOfBuckets(q, mb, mb.buckets.map((b) => ({ ...b })), enh, args[0]!);
      enh.out.push({ metric: withQ(outMetric(mb.metric, enh), q), t: 0, f: v, h: null, dropName: true });
    }
  }
  return enh.out;
};

/** funcHistogramFraction implements histogram_fraction(lower scalar, upper scalar, v instant-vector). */
export const funcHistogramFraction: InstantFunction = (vals, args, enh) => {
  if (vals.length < 3 || vals[0]!.length === 0 || vals[1]!.length === 0) return enh.out;
  const lower = vals[0]![0]!.f;
  const upper = vals[1]![0]!.f;
  const { natives, classic } = splitHistograms(vals[2]!, enh, args[2]!);
  for (const s of natives) {
    if (s === null) continue;
    const v = histogramFraction(lower, upper, s.h!, getMetricName(s.metric), enh);
    enh.out.push({ metric: outMetric(s.metric, enh), t: 0, f: v, h: null, dropName: true });
  }
  for (const mb of classic.values()) {
    if (mb.buckets.length === 0) continue;
    enh.out.push({ metric: outMetric(mb.metric, enh), t: 0, f: bucketFraction(lower, upper, mb.buckets), h: null, dropName: true });
  }
  return enh.out;
};

function simpleHistogramFunc(vals: EVector[], enh: EvalNodeHelper, f: (h: FloatHistogram) => number): EVector {
  for (const el of vals[0]!) {
    if (el.h === null) continue;
    enh.out.push({ metric: enh.enableDelayedNameRemoval ? el.metric : dropMetricName(el.metric), t: el.t, f: f(el.h), h: null, dropName: true });
  }
  return enh.out;
}

/** funcHistogramCount implements histogram_count(v) */
export const funcHistogramCount: InstantFunction = (vals, _a, enh) => simpleHistogramFunc(vals, enh, (h) => h.count);
/** funcHistogramSum implements histogram_sum(v) */
export const funcHistogramSum: InstantFunction = (vals, _a, enh) => simpleHistogramFunc(vals, enh, (h) => h.sum);
/** funcHistogramAvg implements histogram_avg(v) */
export const funcHistogramAvg: InstantFunction = (vals, _a, enh) => simpleHistogramFunc(vals, enh, (h) => h.sum / h.count);

function histogramVariance(h: FloatHistogram): number {
  const mean = h.sum / h.count;
  let variance = 0;
  let c = 0;
  for (const b of allBuckets(h)) {
    if (b.count === 0) continue;
    let val: number;
    if (usesCustomBuckets(h)) val = (b.upper + b.lower) / 2;
    else if (b.lower <= 0 && b.upper >= 0) val = 0;
    else {
      val = Math.sqrt(b.upper * b.lower);
      if (b.upper < 0) val = -val;
    }
    const delta = val - mean;
    KS.inc(b.count * delta * delta, variance, c);
    variance = KS.sum;
    c = KS.c;
  }
  return (variance + c) / h.count;
}

/** funcHistogramStdDev implements histogram_stddev(v) */
export const funcHistogramStdDev: InstantFunction = (vals, _a, enh) => simpleHistogramFunc(vals, enh, (h) => Math.sqrt(histogramVariance(h)));
/** funcHistogramStdVar implements histogram_stdvar(v) */
export const funcHistogramStdVar: InstantFunction = (vals, _a, enh) => simpleHistogramFunc(vals, enh, histogramVariance);
