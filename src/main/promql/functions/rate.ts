/**
 * Counter and gauge change functions over range vectors: rate, increase, delta (extrapolated, or
 * exact for `anchored`/`smoothed` ranges), irate, idelta, resets and changes. Start timestamps,
 * when the store provides them, mark counter resets and let rate/increase start counting at the
 * first sample's start time instead of extrapolating.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import type { RangeFunction } from '../kernel/helper';
import type { EvalNodeHelper } from '../kernel/helper';
import {
  annoMixedFloatsHistograms,
  annoNativeHistogramNotCounter,
  annoNativeHistogramNotGauge,
  annoStartTimeOverlap,
} from '../kernel/annotations';
import { getMetricName } from '../kernel/labels';
import type { PointBuf, RangeWindow } from '../kernel/types';
import { copyHistogram, divHistogram, histogramsEqual, mulHistogram } from '../histogram/float_histogram';
import { detectReset, histogramRate } from '../histogram/rate';
import { interpolate, searchFirst } from '../kernel/mathutil';
import { subHistograms } from '../histogram/arith';

/** validST reports whether a start timestamp is usable: known (non-zero) and before its sample. */
export function validST(st: number, t: number): boolean {
  return st !== 0 && st < t;
}

/**
 * isStartTimestampReset tells from start timestamps whether the counter was reset between the
 * previous and the current sample: the current start lies after the previous sample, or exactly at
 * it when the previous sample's own start is known (a delta series).
 */
export function isStartTimestampReset(prevST: number, prevT: number, curST: number, curT: number): boolean {
  if (!validST(curST, curT)) return false;
  if (curST < prevT) return false;
  if (curST > prevT) return true;
  return validST(prevST, prevT);
}

function warnSTOverlap(f: PointBuf, w: RangeWindow, enh: EvalNodeHelper): void {
  const st = f.st;
  if (st === null) return;
  for (let i = 1; i < f.n; i++) {
    const cur = st[i]!;
    if (cur !== 0 && cur < f.t[i - 1]! && cur !== st[i - 1]!) {
      enh.warn(annoStartTimeOverlap(getMetricName(w.metric)));
      return;
    }
  }
}

/** extendedRate computes rate/increase/delta exactly for anchored and smoothed ranges. */
function extendedRate(w: RangeWindow, enh: EvalNodeHelper, isCounter: boolean, isRate: boolean): boolean {
  const f = w.floats;
  const T = f.t;
  const F = f.f;
  const rangeStart = enh.ts - (enh.rangeMs + enh.offsetMs);
  const rangeEnd = enh.ts - enh.offsetMs;
  let last = f.n - 1;
  if (last < 0) return false;
  let first = Math.max(0, searchFirst(last, (i) => T[i]! > rangeStart) - 1);
  if (enh.smoothed) last = searchFirst(last, (i) => T[i]! >= rangeEnd);
  if (T[last]! <= rangeStart) return false;
  // No data at or before the end of the range (everything lies after it).
  if (T[first]! > rangeEnd) return false;
  const left = enh.smoothed && T[first]! < rangeStart ? interpolate(T[first]!, F[first]!, T[first + 1]!, F[first + 1]!, rangeStart, isCounter) : F[first]!;
  const right =
    enh.smoothed && last > 0 && T[last]! > rangeEnd ? interpolate(T[last - 1]!, F[last - 1]!, T[last]!, F[last]!, rangeEnd, isCounter) : F[last]!;
  let result = right - left;
  if (isCounter) {
    if (T[first]! <= rangeStart) first++;
    if (T[last]! >= rangeEnd) last--;
    let correction = 0;
    let prev = left;
    for (let i = first; i <= last; i++) {
      if (F[i]! < prev) correction += prev;
      prev = F[i]!;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (isRate) result /= enh.rangeMs / 1000;
  enh.outF = result;
  return true;
}

/** extrapolatedRate is the shared implementation of rate, increase and delta. */
function extrapolatedRate(w: RangeWindow, enh: EvalNodeHelper, isCounter: boolean, isRate: boolean): boolean {
  if (enh.anchored || enh.smoothed) {
    if (w.hists.n > 0) return false;
    return extendedRate(w, enh, isCounter, isRate);
  }
  const rangeStart = enh.ts - (enh.rangeMs + enh.offsetMs);
  const rangeEnd = enh.ts - enh.offsetMs;
  const fl = w.floats;
  const hs = w.hists;
  if (hs.n > 0 && fl.n > 0) {
    enh.warn(annoMixedFloatsHistograms(getMetricName(w.metric)));
    return false;
  }
  let resultFloat = 0;
  let resultHistogram: FloatHistogram | null = null;
  let firstT = 0;
  let lastT = 0;
  let numSamplesMinusOne = 0;
  let stStart = -1;
  if (hs.n > 1) {
    numSamplesMinusOne = hs.n - 1;
    firstT = hs.t[0]!;
    lastT = hs.t[numSamplesMinusOne]!;
    resultHistogram = histogramRate(hs, isCounter, w.metric, enh);
    if (resultHistogram === null) return false;
  } else if (fl.n > 0 && fl.n + hs.n >= 1) {
    const T = fl.t;
    const F = fl.f;
    const st = isCounter ? fl.st : null;
    const n = fl.n;
    if (st !== null) {
      warnSTOverlap(fl, w, enh);
      const st0 = st[0]!;
      if (validST(st0, T[0]!) && st0 > rangeStart) stStart = st0;
    }
    if (n < 2 && stStart < 0) return false;
    numSamplesMinusOne = n - 1;
    firstT = T[0]!;
    lastT = T[n - 1]!;
    resultFloat = F[n - 1]! - (stStart >= 0 ? 0 : F[0]!);
    if (isCounter && (st !== null || fl.decreases > 0)) {
      for (let i = 1; i < n; i++) {
        if (F[i]! < F[i - 1]! || (st !== null && isStartTimestampReset(st[i - 1]!, T[i - 1]!, st[i]!, T[i]!))) resultFloat += F[i - 1]!;
      }
    }
    if (stStart >= 0) {
      // Counting starts at the first sample's start time (value 0 there): no extrapolation to the left.
      const sampledInterval = (lastT - stStart) / 1000;
      let durationToEnd = 0;
      if (numSamplesMinusOne > 0) {
        const avg = (lastT - firstT) / 1000 / numSamplesMinusOne;
        durationToEnd = (rangeEnd - lastT) / 1000;
        if (durationToEnd >= avg * 1.1) durationToEnd = avg / 2;
      }
      let factor = (sampledInterval + durationToEnd) / sampledInterval;
      if (isRate) factor /= enh.rangeMs / 1000;
      enh.outF = resultFloat * factor;
      return true;
    }
  } else {
    return false;
  }
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / numSamplesMinusOne;
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (resultFloat > 0 && fl.n > 0 && fl.f[0]! >= 0) {
      durationToZero = sampledInterval * (fl.f[0]! / resultFloat);
    } else if (resultHistogram !== null && resultHistogram.count > 0 && hs.n > 0 && hs.h[0]!.count >= 0) {
      durationToZero = sampledInterval * (hs.h[0]!.count / resultHistogram.count);
    }
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= enh.rangeMs / 1000;
  if (resultHistogram === null) {
    enh.outF = resultFloat * factor;
  } else {
    enh.outH = mulHistogram(resultHistogram, factor);
  }
  return true;
}

/** funcRate implements rate(v range-vector): per-second average rate of increase of a counter. */
export const funcRate: RangeFunction = (w, _s, _a, enh) => extrapolatedRate(w, enh, true, true);
/** funcIncrease implements increase(v range-vector): increase of a counter over the range. */
export const funcIncrease: RangeFunction = (w, _s, _a, enh) => extrapolatedRate(w, enh, true, false);
/** funcDelta implements delta(v range-vector): difference of a gauge over the range. */
export const funcDelta: RangeFunction = (w, _s, _a, enh) => extrapolatedRate(w, enh, false, false);

interface Pt {
  t: number;
  f: number;
  h: FloatHistogram | null;
  st: number;
}

/** instantValue is the shared implementation of irate and idelta (last two samples). */
function instantValue(w: RangeWindow, enh: EvalNodeHelper, isRate: boolean): boolean {
  const fl = w.floats;
  const hs = w.hists;
  if (fl.n + hs.n < 2) return false;
  const ss: Pt[] = [];
  for (let i = Math.max(0, fl.n - 2); i < fl.n; i++) ss.push({ t: fl.t[i]!, f: fl.f[i]!, h: null, st: fl.st !== null ? fl.st[i]! : 0 });
  for (let i = Math.max(0, hs.n - 2); i < hs.n; i++) {
    const s: Pt = { t: hs.t[i]!, f: 0, h: hs.h[i]!, st: hs.st !== null ? hs.st[i]! : 0 };
    if (ss.length === 0) ss.push(s);
    else if (ss.length === 1) {
      if (s.t < ss[0]!.t) ss.unshift(s);
      else ss.push(s);
    } else if (s.t < ss[0]!.t) {
      // older than both: discard
    } else if (s.t > ss[1]!.t) {
      ss[0] = ss[1]!;
      ss[1] = s;
    } else {
      ss[0] = s;
    }
  }
  const a = ss[0]!;
  const b = ss[1]!;
  const sampledInterval = b.t - a.t;
  if (sampledInterval === 0) return false;
  let resF = b.f;
  let resH: FloatHistogram | null = null;
  if (a.h === null && b.h === null) {
    if (!isRate || !(b.f < a.f || isStartTimestampReset(a.st, a.t, b.st, b.t))) resF = b.f - a.f;
  } else if (a.h !== null && b.h !== null) {
    resH = copyHistogram(b.h);
    if (isRate && (b.h.counterResetHint === 'gauge' || a.h.counterResetHint === 'gauge')) {
      enh.warn(annoNativeHistogramNotCounter(getMetricName(w.metric)));
    }
    if (!isRate && (b.h.counterResetHint !== 'gauge' || a.h.counterResetHint !== 'gauge')) {
      enh.warn(annoNativeHistogramNotGauge(getMetricName(w.metric)));
    }
    if (!isRate || (!isStartTimestampReset(a.st, a.t, b.st, b.t) && !detectReset(b.h, a.h))) {
      const sub = histogramSub(resH, a.h);
      if (sub === null) return false;
      resH = sub;
    }
    resH.counterResetHint = 'gauge';
  } else {
    enh.warn(annoMixedFloatsHistograms(getMetricName(w.metric)));
    return false;
  }
  if (isRate) {
    if (resH === null) resF /= sampledInterval / 1000;
    else resH = divHistogram(resH, sampledInterval / 1000);
  }
  if (resH === null) enh.outF = resF;
  else enh.outH = resH;
  return true;
}

function histogramSub(a: FloatHistogram, b: FloatHistogram): FloatHistogram | null {
  try {
    return subHistograms(a, b).h;
  } catch {
    return null;
  }
}

/** funcIrate implements irate(v range-vector): per-second rate from the last two samples. */
export const funcIrate: RangeFunction = (w, _s, _a, enh) => instantValue(w, enh, true);
/** funcIdelta implements idelta(v range-vector): difference of the last two samples. */
export const funcIdelta: RangeFunction = (w, _s, _a, enh) => instantValue(w, enh, false);

/** pickFirstSampleIndex: for anchored ranges, the last sample at or before the range start. */
function pickFirstSampleIndex(f: PointBuf, enh: EvalNodeHelper): number {
  if (!enh.anchored) return 0;
  const rangeStart = enh.ts - (enh.rangeMs + enh.offsetMs);
  if (f.n === 0 || f.t[f.n - 1]! <= rangeStart) return -1;
  return Math.max(0, searchFirst(f.n - 1, (i) => f.t[i]! > rangeStart) - 1);
}

/** walkMerged visits float and histogram samples in time order starting at float index fi0. */
function countTransitions(
  w: RangeWindow,
  enh: EvalNodeHelper,
  count: (prevF: number, prevH: FloatHistogram | null, curF: number, curH: FloatHistogram | null, prevST: number, prevT: number, curST: number, curT: number) => boolean,
): boolean {
  const fl = w.floats;
  const hs = w.hists;
  if (fl.n === 0 && hs.n === 0) return false;
  let fi = pickFirstSampleIndex(fl, enh);
  if (fi < 0) return false;
  let hi = 0;
  let n = 0;
  let first = true;
  let pF = 0;
  let pH: FloatHistogram | null = null;
  let pST = 0;
  let pT = 0;
  while (fi < fl.n || hi < hs.n) {
    let cF = 0;
    let cH: FloatHistogram | null = null;
    let cST = 0;
    let cT = 0;
    if (hi >= hs.n || (fi < fl.n && fl.t[fi]! < hs.t[hi]!)) {
      cF = fl.f[fi]!;
      cST = fl.st !== null ? fl.st[fi]! : 0;
      cT = fl.t[fi]!;
      fi++;
    } else {
      cH = hs.h[hi]!;
      cST = hs.st !== null ? hs.st[hi]! : 0;
      cT = hs.t[hi]!;
      hi++;
    }
    if (first) {
      first = false;
    } else if (count(pF, pH, cF, cH, pST, pT, cST, cT)) {
      n++;
    }
    pF = cF;
    pH = cH;
    pST = cST;
    pT = cT;
  }
  enh.outF = n;
  return true;
}

/** funcResets implements resets(v range-vector): number of counter resets. */
export const funcResets: RangeFunction = (w, _s, _a, enh) =>
  countTransitions(w, enh, (pF, pH, cF, cH, pST, pT, cST, cT) => {
    if (pH === null && cH === null) return cF < pF || isStartTimestampReset(pST, pT, cST, cT);
    if (pH === null || cH === null) return true;
    return isStartTimestampReset(pST, pT, cST, cT) || detectReset(cH, pH);
  });

/** funcChanges implements changes(v range-vector): number of value changes. */
export const funcChanges: RangeFunction = (w, _s, _a, enh) =>
  countTransitions(w, enh, (pF, pH, cF, cH) => {
    if (pH === null && cH === null) return cF !== pF && !(Number.isNaN(cF) && Number.isNaN(pF));
    if (pH === null || cH === null) return true;
    return !histogramsEqual(cH, pH);
  });
