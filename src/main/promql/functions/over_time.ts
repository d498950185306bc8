/**
 * Aggregations over time of range vectors (the *_over_time family), linear regression (deriv,
 * predict_linear) and double_exponential_smoothing.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import {
  annoHistogramCounterResetCollision,
  annoHistogramIgnoredInMixedRange,
  annoInvalidQuantile,
  annoMismatchedCustomBuckets,
  annoMixedExponentialCustomHistograms,
  annoMixedFloatsHistograms,
} from '../kernel/annotations';
import { execError } from '../kernel/context';
import type { EvalNodeHelper, RangeFunction } from '../kernel/helper';
import { getMetricName } from '../kernel/labels';
import { quantile, Kahan } from '../kernel/mathutil';
import type { PointBuf, RangeWindow } from '../kernel/types';
import { addHistograms, compactHistogram, HistogramError } from '../histogram/arith';
import { copyHistogram, divHistogram } from '../histogram/float_histogram';

/** KS is this module's Kahan summation scratch state. */
const KS = new Kahan();

function mixedInfo(w: RangeWindow, enh: EvalNodeHelper): void {
  if (w.hists.n > 0) enh.info(annoHistogramIgnoredInMixedRange(getMetricName(w.metric)));
}

function trackHints(h: FloatHistogram, st: { reset: boolean; notReset: boolean }): void {
  if (h.counterResetHint === 'reset') st.reset = true;
  else if (h.counterResetHint === 'not_reset') st.notReset = true;
}

/** sumHistograms adds the histograms of a window; null (with a warning) when incompatible. */
function sumHistograms(w: RangeWindow, enh: EvalNodeHelper): FloatHistogram | null {
  const hs = w.hists;
  const hints = { reset: false, notReset: false };
  let sum = copyHistogram(hs.h[0]!);
  trackHints(sum, hints);
  let reconciled = false;
  try {
    for (let i = 1; i < hs.n; i++) {
      trackHints(hs.h[i]!, hints);
      const r = addHistograms(sum, hs.h[i]!);
      if (r.reconciled) reconciled = true;
      sum = r.h;
    }
  } catch (e) {
    if (e instanceof HistogramError) {
      enh.warn(annoMixedExponentialCustomHistograms(getMetricName(w.metric)));
      return null;
    }
    throw e;
  }
  if (hints.reset && hints.notReset) enh.warn(annoHistogramCounterResetCollision('aggregation'));
  if (reconciled) enh.info(annoMismatchedCustomBuckets('aggregation'));
  return compactHistogram(sum);
}

/** funcAvgOverTime implements avg_over_time(range-vector). */
export const funcAvgOverTime: RangeFunction = (w, _s, _a, enh) => {
  const fl = w.floats;
  if (fl.n > 0 && w.hists.n > 0) {
    enh.warn(annoMixedFloatsHistograms(getMetricName(w.metric)));
    return false;
  }
  if (fl.n === 0) {
    const sum = sumHistograms(w, enh);
    if (sum === null) return false;
    enh.outH = divHistogram(sum, w.hists.n);
    return true;
  }
  const F = fl.f;
  let sum = F[0]!;
  let count = 1;
  let mean = 0;
  let kahanC = 0;
  let incremental = false;
  for (let i = 1; i < fl.n; i++) {
    const f = F[i]!;
    count = i + 1;
    if (!incremental) {
      KS.inc(f, sum, kahanC);
      if (KS.sum !== Infinity && KS.sum !== -Infinity) {
        sum = KS.sum;
        kahanC = KS.c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      kahanC /= count - 1;
    }
    const q = (count - 1) / count;
    KS.inc(f / count, q * mean, q * kahanC);
    mean = KS.sum;
    kahanC = KS.c;
  }
  enh.outF = incremental ? mean + kahanC : sum / count + kahanC / count;
  return true;
};

/** funcSumOverTime implements sum_over_time(range-vector). */
export const funcSumOverTime: RangeFunction = (w, _s, _a, enh) => {
  const fl = w.floats;
  if (fl.n > 0 && w.hists.n > 0) {
    enh.warn(annoMixedFloatsHistograms(getMetricName(w.metric)));
    return false;
  }
  if (fl.n === 0) {
    const sum = sumHistograms(w, enh);
    if (sum === null) return false;
    enh.outH = sum;
    return true;
  }
  let sum = 0;
  let c = 0;
  for (let i = 0; i < fl.n; i++) {
    KS.inc(fl.f[i]!, sum, c);
    sum = KS.sum;
    c = KS.c;
  }
  enh.outF = sum === Infinity || sum === -Infinity ? sum : sum + c;
  return true;
};

/** funcCountOverTime implements count_over_time(range-vector). */
export const funcCountOverTime: RangeFunction = (w, _s, _a, enh) => {
  enh.outF = w.floats.n + w.hists.n;
  return true;
};

/** funcFirstOverTime implements first_over_time(range-vector): keeps the metric name. */
export const funcFirstOverTime: RangeFunction = (w, _s, _a, enh) => {
  const fl = w.floats;
  const hs = w.hists;
  if (hs.n === 0 || (fl.n > 0 && fl.t[0]! < hs.t[0]!)) {
    enh.outF = fl.f[0]!;
    return true;
  }
  enh.outH = copyHistogram(hs.h[0]!);
  return true;
};

/** funcLastOverTime implements last_over_time(range-vector): keeps the metric name. */
export const funcLastOverTime: RangeFunction = (w, _s, _a, enh) => {
  const fl = w.floats;
  const hs = w.hists;
  if (hs.n === 0 || (fl.n > 0 && hs.t[hs.n - 1]! < fl.t[fl.n - 1]!)) {
    enh.outF = fl.f[fl.n - 1]!;
    return true;
  }
  enh.outH = copyHistogram(hs.h[hs.n - 1]!);
  return true;
};

/** funcTsOfFirstOverTime implements ts_of_first_over_time(range-vector). */
export const funcTsOfFirstOverTime: RangeFunction = (w, _s, _a, enh) => {
  const tf = w.floats.n > 0 ? w.floats.t[0]! : Infinity;
  const th = w.hists.n > 0 ? w.hists.t[0]! : Infinity;
  enh.outF = Math.min(tf, th) / 1000;
  return true;
};

/** funcTsOfLastOverTime implements ts_of_last_over_time(range-vector). */
export const funcTsOfLastOverTime: RangeFunction = (w, _s, _a, enh) => {
  const tf = w.floats.n > 0 ? w.floats.t[w.floats.n - 1]! : 0;
  const th = w.hists.n > 0 ? w.hists.t[w.hists.n - 1]! : 0;
  enh.outF = Math.max(tf, th) / 1000;
  return true;
};

function compareOverTime(w: RangeWindow, enh: EvalNodeHelper, better: (cur: number, best: number) => boolean, returnTimestamp: boolean): boolean {
  const fl = w.floats;
  if (fl.n === 0) return false;
  mixedInfo(w, enh);
  let best = fl.f[0]!;
  let tsOfBest = fl.t[0]!;
  for (let i = 0; i < fl.n; i++) {
    const f = fl.f[i]!;
    if (better(f, best)) {
      best = f;
      tsOfBest = fl.t[i]!;
    }
  }
  enh.outF = returnTimestamp ? tsOfBest / 1000 : best;
  return true;
}

/** funcMaxOverTime implements max_over_time(range-vector). */
export const funcMaxOverTime: RangeFunction = (w, _s, _a, enh) => compareOverTime(w, enh, (c, m) => c > m || Number.isNaN(m), false);
/** funcMinOverTime implements min_over_time(range-vector). */
export const funcMinOverTime: RangeFunction = (w, _s, _a, enh) => compareOverTime(w, enh, (c, m) => c < m || Number.isNaN(m), false);
/** funcTsOfMaxOverTime implements ts_of_max_over_time(range-vector). */
export const funcTsOfMaxOverTime: RangeFunction = (w, _s, _a, enh) => compareOverTime(w, enh, (c, m) => c >= m || Number.isNaN(m), true);
/** funcTsOfMinOverTime implements ts_of_min_over_time(range-vector). */
export const funcTsOfMinOverTime: RangeFunction = (w, _s, _a, enh) => compareOverTime(w, enh, (c, m) => c <= m || Number.isNaN(m), true);

function floatValues(fl: PointBuf): number[] {
  const out: number[] = new Array(fl.n);
  for (let i = 0; i < fl.n; i++) out[i] = fl.f[i]!;
  return out;
}

/** funcQuantileOverTime implements quantile_over_time(scalar, range-vector). */
export const funcQuantileOverTime: RangeFunction = (w, scalars, _a, enh) => {
  const q = scalars[0]!;
  if (w.floats.n === 0) return false;
  if (Number.isNaN(q) || q < 0 || q > 1) enh.warn(annoInvalidQuantile(q));
  mixedInfo(w, enh);
  enh.outF = quantile(q, floatValues(w.floats));
  return true;
};

/** funcMadOverTime implements mad_over_time(range-vector): median absolute deviation. */
export const funcMadOverTime: RangeFunction = (w, _s, _a, enh) => {
  if (w.floats.n === 0) return false;
  mixedInfo(w, enh);
  const values = floatValues(w.floats);
  if (values.some((v) => Number.isNaN(v))) {
    enh.outF = NaN;
    return true;
  }
  const median = quantile(0.5, values.slice());
  const dev = values.map((v) => Math.abs(v - median));
  enh.outF = quantile(0.5, dev);
  return true;
};

function varianceOverTime(w: RangeWindow, enh: EvalNodeHelper, sqrt: boolean): boolean {
  const fl = w.floats;
  if (fl.n === 0) return false;
  mixedInfo(w, enh);
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = 0; i < fl.n; i++) {
    const f = fl.f[i]!;
    count++;
    const delta = f - (mean + cMean);
    KS.inc(delta / count, mean, cMean);
    mean = KS.sum;
    cMean = KS.c;
    KS.inc(delta * (f - (mean + cMean)), aux, cAux);
    aux = KS.sum;
    cAux = KS.c;
  }
  const variance = (aux + cAux) / count;
  enh.outF = sqrt ? Math.sqrt(variance) : variance;
  return true;
}

/** funcStddevOverTime implements stddev_over_time(range-vector). */
export const funcStddevOverTime: RangeFunction = (w, _s, _a, enh) => varianceOverTime(w, enh, true);
/** funcStdvarOverTime implements stdvar_over_time(range-vector). */
export const funcStdvarOverTime: RangeFunction = (w, _s, _a, enh) => varianceOverTime(w, enh, false);

/** funcPresentOverTime implements present_over_time(range-vector). */
export const funcPresentOverTime: RangeFunction = (_w, _s, _a, enh) => {
  enh.outF = 1;
  return true;
};

/** funcAbsentOverTime implements absent_over_time(range-vector): the engine turns these marks into the absent series. */
export const funcAbsentOverTime: RangeFunction = (_w, _s, _a, enh) => {
  enh.outF = 1;
  return true;
};

/** linearRegression returns slope and intercept (at interceptTime) of a least-squares fit. */
export function linearRegression(fl: PointBuf, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = fl.f[0]!;
  let constY = true;
  for (let i = 0; i < fl.n; i++) {
    const v = fl.f[i]!;
    if (constY && i > 0 && v !== initY) constY = false;
    n += 1;
    const x = (fl.t[i]! - interceptTime) / 1e3;
    KS.inc(x, sumX, cX);
    sumX = KS.sum;
    cX = KS.c;
    KS.inc(v, sumY, cY);
    sumY = KS.sum;
    cY = KS.c;
    KS.inc(x * v, sumXY, cXY);
    sumXY = KS.sum;
    cXY = KS.c;
    KS.inc(x * x, sumX2, cX2);
    sumX2 = KS.sum;
    cX2 = KS.c;
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** funcDeriv implements deriv(range-vector): per-second derivative by linear regression. */
export const funcDeriv: RangeFunction = (w, _s, _a, enh) => {
  const fl = w.floats;
  if (fl.n < 2) {
    if (fl.n === 1 && w.hists.n > 0) mixedInfo(w, enh);
    return false;
  }
  const [slope] = linearRegression(fl, fl.t[0]!);
  mixedInfo(w, enh);
  enh.outF = slope;
  return true;
};

/** funcPredictLinear implements predict_linear(range-vector, t scalar). */
export const funcPredictLinear: RangeFunction = (w, scalars, _a, enh) => {
  const fl = w.floats;
  const duration = scalars[0]!;
  if (fl.n < 2) {
    if (fl.n === 1 && w.hists.n > 0) mixedInfo(w, enh);
    return false;
  }
  const [slope, intercept] = linearRegression(fl, enh.ts);
  mixedInfo(w, enh);
  enh.outF = slope * duration + intercept;
  return true;
};

function goFmtF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return f.toFixed(6);
}

/** funcDoubleExponentialSmoothing implements double_exponential_smoothing(range-vector, sf scalar, tf scalar). */
export const funcDoubleExponentialSmoothing: RangeFunction = (w, scalars, _a, enh) => {
  const sf = scalars[0]!;
  const tf = scalars[1]!;
  if (sf <= 0 || sf >= 1) throw execError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goFmtF(sf)}`);
  if (tf <= 0 || tf >= 1) throw execError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goFmtF(tf)}`);
  const fl = w.floats;
  const l = fl.n;
  if (l < 2) {
    if (l === 1 && w.hists.n > 0) mixedInfo(w, enh);
    return false;
  }
  let s0 = 0;
  let s1 = fl.f[0]!;
  let b = fl.f[1]! - fl.f[0]!;
  for (let i = 1; i < l; i++) {
    const x = sf * fl.f[i]!;
    b = i - 1 === 0 ? b : tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  mixedInfo(w, enh);
  enh.outF = s1;
  return true;
};
