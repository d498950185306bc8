/**
 * The native-histogram trim operators `h </ x` (keep observations below x) and `h >/ x` (keep
 * observations above x), after Prometheus v3.14's trimHistogram: buckets entirely on the removed
 * side are emptied, the bucket containing x keeps an interpolated share (linear for custom and zero
 * buckets, exponential for exponential buckets), and count and sum are adjusted.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import { compactHistogram } from './arith';
import { bucketUpperBound, usesCustomBuckets } from './float_histogram';

interface TBucket {
  lower: number;
  upper: number;
  count: number;
}

function handleInfinityBuckets(isUpperTrim: boolean, b: TBucket, rhs: number): [number, number] {
  if (b.lower === -Infinity) {
    if (isUpperTrim) {
      if (rhs >= b.upper) return [b.count, 0];
      if (rhs >= 0 && b.upper > rhs && b.upper !== Infinity) return [(b.count * rhs) / b.upper, (rhs + b.upper) / 2];
      return [0, b.upper];
    }
    if (rhs <= b.lower) return [b.count, 0];
    if (rhs >= 0 && b.upper > rhs && b.upper !== Infinity) return [b.count * (1 - rhs / b.upper), rhs / 2];
    return [0, b.upper];
  }
  if (isUpperTrim) return [0, b.lower];
  if (rhs <= b.lower) return [b.count, 0];
  return [0, b.lower];
}

function computeSplit(b: TBucket, rhs: number, isPositive: boolean, isLinear: boolean): number {
  if (rhs <= b.lower) return 0;
  if (rhs >= b.upper) return b.count;
  let fraction: number;
  if (isLinear) {
    fraction = (rhs - b.lower) / (b.upper - b.lower);
  } else {
    const logLower = Math.log2(Math.abs(b.lower));
    const logUpper = Math.log2(Math.abs(b.upper));
    const logV = Math.log2(Math.abs(rhs));
    fraction = isPositive ? (logV - logLower) / (logUpper - logLower) : 1 - (logV - logUpper) / (logLower - logUpper);
  }
  return b.count * fraction;
}

function computeMidpoint(b: TBucket, product: number, isLinear: boolean, isPositive: boolean): number {
  if (isLinear) return (b.lower + b.upper) / 2;
  return isPositive ? Math.sqrt(product) : -Math.sqrt(product);
}

function computeBucketTrim(b: TBucket, rhs: number, isUpperTrim: boolean, isPositive: boolean, isCustom: boolean): [number, number] {
  if (b.lower === -Infinity || b.upper === Infinity) return handleInfinityBuckets(isUpperTrim, b, rhs);
  const under = computeSplit(b, rhs, isPositive, isCustom);
  if (isUpperTrim) return [under, computeMidpoint(b, Math.abs(b.lower) * Math.abs(rhs), isCustom, isPositive)];
  return [b.count - under, computeMidpoint(b, Math.abs(rhs) * Math.abs(b.upper), isCustom, isPositive)];
}

function positiveBounds(h: FloatHistogram, idx: number): [number, number] {
  if (usesCustomBuckets(h)) {
    const cv = h.customValues ?? [];
    return [idx === 0 ? -Infinity : cv[idx - 1]!, idx >= cv.length ? Infinity : cv[idx]!];
  }
  return [bucketUpperBound(h, idx - 1), bucketUpperBound(h, idx)];
}

/** zeroBounds is the zero bucket's range, closed at 0 on a side without buckets (natural bound). */
function zeroBounds(h: FloatHistogram): [number, number] {
  const hasNeg = h.negativeBuckets.some((c) => c !== 0);
  const hasPos = h.positiveBuckets.some((c) => c !== 0);
  if (!hasNeg && hasPos) return [0, h.zeroThreshold];
  if (!hasPos && hasNeg) return [-h.zeroThreshold, 0];
  return [-h.zeroThreshold, h.zeroThreshold];
}

function keptSum(h: FloatHistogram, rhs: number, isUpperTrim: boolean, zb: [number, number]): number {
  let sum = 0;
  const add = (positive: boolean): void => {
    const spans = positive ? h.positiveSpans : h.negativeSpans;
    const buckets = positive ? h.positiveBuckets : h.negativeBuckets;
    let idx = 0;
    let i = 0;
    for (const sp of spans) {
      idx += sp.offset;
      for (let j = 0; j < sp.length; j++, idx++, i++) {
        const count = buckets[i] ?? 0;
        if (count === 0) continue;
        const [pl, pu] = positiveBounds(h, idx);
        let lower = positive ? pl : -pu;
        let upper = positive ? pu : -pl;
        if (isUpperTrim && rhs < upper) upper = rhs;
        if (!isUpperTrim && rhs > lower) lower = rhs;
        const mid = positive ? Math.sqrt(lower * upper) : -Math.sqrt(lower * upper);
        sum += count * mid;
      }
    }
  };
  add(true);
  add(false);
  if (h.zeroCount > 0) {
    let [lower, upper] = zb;
    if (isUpperTrim && rhs < upper) upper = rhs;
    if (!isUpperTrim && rhs > lower) lower = rhs;
    sum += h.zeroCount * ((lower + upper) / 2);
  }
  return sum;
}

/** trimHistogram trims h in place (isUpperTrim: keep below rhs) and returns its compact form. */
export function trimHistogram(h: FloatHistogram, rhs: number, isUpperTrim: boolean): FloatHistogram {
  if (!usesCustomBuckets(h) && ((isUpperTrim && rhs === Infinity) || (!isUpperTrim && rhs === -Infinity))) return compactHistogram(h);
  const zb = zeroBounds(h);
  let updatedCount = 0;
  const origSum = h.sum;
  let removedSum = 0;
  let hasPositive = false;
  let hasNegative = false;
  const isCustom = usesCustomBuckets(h);

  const visit = (positive: boolean): void => {
    const spans = positive ? h.positiveSpans : h.negativeSpans;
    const buckets = positive ? h.positiveBuckets : h.negativeBuckets;
    let idx = 0;
    let i = 0;
    for (const sp of spans) {
      idx += sp.offset;
      for (let j = 0; j < sp.length; j++, idx++, i++) {
        const count = buckets[i] ?? 0;
        if (count === 0) continue;
        let lower: number;
        let upper: number;
        if (positive) {
          [lower, upper] = positiveBounds(h, idx);
        } else {
          const [pl, pu] = positiveBounds(h, idx);
          lower = -pu;
          upper = -pl;
        }
        const b: TBucket = { lower, upper, count };
        if (positive) {
          if (isCustom) {
            if (b.upper <= 0) {
              hasNegative = true;
            } else {
              if (b.lower < 0) hasNegative = true;
              hasPositive = true;
            }
          } else {
            hasPositive = true;
          }
        } else {
          hasNegative = true;
        }
        let [keepCount, mid] = computeBucketTrim(b, rhs, isUpperTrim, positive, isCustom);
        const entirelyKept = isUpperTrim ? b.upper <= rhs : b.lower >= rhs;
        const contains = isUpperTrim ? b.lower < rhs : b.upper > rhs;
        if (entirelyKept) {
          updatedCount += b.count;
        } else if (contains) {
          removedSum += (b.count - keepCount) * mid;
          updatedCount += keepCount;
          buckets[i] = keepCount;
        } else {
          if (!isCustom || !positive) mid = Math.sqrt(b.lower * b.upper);
          removedSum += b.count * mid;
          buckets[i] = 0;
        }
      }
    }
  };
  visit(true);
  visit(false);
  if (h.zeroCount > 0) {
    const [zl, zu] = isCustom ? [-h.zeroThreshold, h.zeroThreshold] : zb;
    let keep = computeSplit({ lower: zl, upper: zu, count: h.zeroCount }, rhs, true, true);
    if (!isUpperTrim) keep = h.zeroCount - keep;
    h.zeroCount = keep;
    updatedCount += keep;
  }
  if (!isCustom) {
    // Exponential schemas: the sum is re-estimated from what is kept, each bucket's observations
    // sitting at the (geometric, or for the zero bucket arithmetic) middle of its kept part.
    h.count = updatedCount;
    h.sum = keptSum(h, rhs, isUpperTrim, zb);
    return compactHistogram(h);
  }
  let newSum = 0;
  if (updatedCount !== 0) {
    newSum = origSum - removedSum;
    if (!hasNegative && newSum < 0) newSum = 0;
    if (!hasPositive && newSum > 0) newSum = 0;
  }
  h.count = updatedCount;
  h.sum = newSum;
  return compactHistogram(h);
}
