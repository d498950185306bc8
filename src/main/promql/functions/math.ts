/**
 * Element-wise math functions over instant vectors (abs, ceil, exp, trigonometry, clamp, round,
 * sgn, ...) and the scalar/vector conversions.
 */
import type { EvalNodeHelper, InstantFunction } from '../eval/helper';
import { dropMetadata } from '../eval/labelutil';
import type { EVector } from '../eval/types';

/** simpleFloatFunc applies f to every float sample; histograms are skipped; the name is dropped. */
export function simpleFloatFunc(vals: EVector[], enh: EvalNodeHelper, f: (v: number) => number): EVector {
  const v = vals[0]!;
  for (let i = 0; i < v.length; i++) {
    const el = v[i]!;
    if (el.h !== null) continue;
    enh.out.push({ metric: enh.enableDelayedNameRemoval ? el.metric : dropMetadata(el.metric), t: el.t, f: f(el.f), h: null, dropName: true });
  }
  return enh.out;
}

function simple(f: (v: number) => number): InstantFunction {
  return (vals, _args, enh) => simpleFloatFunc(vals, enh, f);
}

/** Element-wise functions keyed by name. */
export const funcAbs = simple(Math.abs);
export const funcCeil = simple(Math.ceil);
export const funcFloor = simple(Math.floor);
export const funcExp = simple(Math.exp);
export const funcSqrt = simple(Math.sqrt);
export const funcLn = simple(Math.log);
export const funcLog2 = simple(Math.log2);
export const funcLog10 = simple(Math.log10);
export const funcSin = simple(Math.sin);
export const funcCos = simple(Math.cos);
export const funcTan = simple(Math.tan);
export const funcAsin = simple(Math.asin);
export const funcAcos = simple(Math.acos);
export const funcAtan = simple(Math.atan);
export const funcSinh = simple(Math.sinh);
export const funcCosh = simple(Math.cosh);
export const funcTanh = simple(Math.tanh);
export const funcAsinh = simple(Math.asinh);
export const funcAcosh = simple(Math.acosh);
export const funcAtanh = simple(Math.atanh);
export const funcRad = simple((v) => (v * Math.PI) / 180);
export const funcDeg = simple((v) => (v * 180) / Math.PI);
export const funcSgn = simple((v) => (v < 0 ? -1 : v > 0 ? 1 : v));

/** pi() */
export const funcPi: InstantFunction = (_vals, _args, enh) => {
  enh.out.push({ metric: [], t: 0, f: Math.PI, h: null, dropName: false });
  return enh.out;
};

function clamp(vec: EVector, minVal: number, maxVal: number, enh: EvalNodeHelper): EVector {
  if (maxVal < minVal) return enh.out;
  for (const el of vec) {
    if (el.h !== null) continue;
    enh.out.push({
      metric: enh.enableDelayedNameRemoval ? el.metric : dropMetadata(el.metric),
      t: el.t,
      f: Math.max(minVal, Math.min(maxVal, el.f)),
      h: null,
      dropName: true,
    });
  }
  return enh.out;
}

/** clamp(v, min, max) */
export const funcClamp: InstantFunction = (vals, _a, enh) => clamp(vals[0]!, vals[1]![0]!.f, vals[2]![0]!.f, enh);
/** clamp_max(v, max) */
export const funcClampMax: InstantFunction = (vals, _a, enh) => clamp(vals[0]!, -Infinity, vals[1]![0]!.f, enh);
/** clamp_min(v, min) */
export const funcClampMin: InstantFunction = (vals, _a, enh) => clamp(vals[0]!, vals[1]![0]!.f, Infinity, enh);

/** round(v, to_nearest=1): ties round up. */
export const funcRound: InstantFunction = (vals, args, enh) => {
  const toNearest = args.length >= 2 ? vals[1]![0]!.f : 1;
  const inv = 1.0 / toNearest;
  return simpleFloatFunc(vals, enh, (f) => Math.floor(f * inv + 0.5) / inv);
};

/** scalar(v): the single float value of v, or NaN. */
export const funcScalar: InstantFunction = (vals, _a, enh) => {
  let value = 0;
  let found = false;
  for (const s of vals[0]!) {
    if (s.h !== null) continue;
    if (found) {
      enh.out.push({ metric: [], t: 0, f: NaN, h: null, dropName: false });
      return enh.out;
    }
    found = true;
    value = s.f;
  }
  enh.out.push({ metric: [], t: 0, f: found ? value : NaN, h: null, dropName: false });
  return enh.out;
};

/** vector(s): the scalar as a one-element vector without labels. */
export const funcVector: InstantFunction = (vals, _a, enh) => {
  enh.out.push({ metric: [], t: 0, f: vals[0]![0]!.f, h: null, dropName: false });
  return enh.out;
};

/** min_of(a, b): the smaller scalar (NaN if either is NaN). */
export const funcMinOf: InstantFunction = (vals, _a, enh) => {
  enh.out.push({ metric: [], t: 0, f: Math.min(vals[0]![0]!.f, vals[1]![0]!.f), h: null, dropName: false });
  return enh.out;
};

/** max_of(a, b): the larger scalar (NaN if either is NaN). */
export const funcMaxOf: InstantFunction = (vals, _a, enh) => {
  enh.out.push({ metric: [], t: 0, f: Math.max(vals[0]![0]!.f, vals[1]![0]!.f), h: null, dropName: false });
  return enh.out;
};
