/**
 * Element-wise math functions over instant vectors (abs, ceil, exp, trigonometry, clamp, round,
 * sgn, ...) and the scalar/vector conversions.
 */
import type { EvalNodeHelper, InstantFunction } from '../kernel/helper';
import { dropMetadata } from '../kernel/labels';
import type { EVector } from '../kernel/types';

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

/** funcAbs implements abs(). */
export const funcAbs = simple(Math.abs);
/** funcCeil implements ceil(). */
export const funcCeil = simple(Math.ceil);
/** funcFloor implements floor(). */
export const funcFloor = simple(Math.floor);
/** funcExp implements exp(). */
export const funcExp = simple(Math.exp);
/** funcSqrt implements sqrt(). */
export const funcSqrt = simple(Math.sqrt);
/** funcLn implements ln(). */
export const funcLn = simple(Math.log);
/** funcLog2 implements log2(). */
export const funcLog2 = simple(Math.log2);
/** funcLog10 implements log10(). */
export const funcLog10 = simple(Math.log10);
/** funcSin implements sin(). */
export const funcSin = simple(Math.sin);
/** funcCos implements cos(). */
export const funcCos = simple(Math.cos);
/** funcTan implements tan(). */
export const funcTan = simple(Math.tan);
/** funcAsin implements asin(). */
export const funcAsin = simple(Math.asin);
/** funcAcos implements acos(). */
export const funcAcos = simple(Math.acos);
/** funcAtan implements atan(). */
export const funcAtan = simple(Math.atan);
/** funcSinh implements sinh(). */
export const funcSinh = simple(Math.sinh);
/** funcCosh implements cosh(). */
export const funcCosh = simple(Math.cosh);
/** funcTanh implements tanh(). */
export const funcTanh = simple(Math.tanh);
/** funcAsinh implements asinh(). */
export const funcAsinh = simple(Math.asinh);
/** funcAcosh implements acosh(). */
export const funcAcosh = simple(Math.acosh);
/** funcAtanh implements atanh(). */
export const funcAtanh = simple(Math.atanh);
/** funcRad implements rad(). */
export const funcRad = simple((v) => (v * Math.PI) / 180);
/** funcDeg implements deg(). */
export const funcDeg = simple((v) => (v * 180) / Math.PI);
/** funcSgn implements sgn(). */
export const funcSgn = simple((v) => (v < 0 ? -1 : v > 0 ? 1 : v));

/** funcPi implements pi() */
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

/** funcClamp implements clamp(v, min, max) */
export const funcClamp: InstantFunction = (vals, _a, enh) => clamp(vals[0]!, vals[1]![0]!.f, vals[2]![0]!.f, enh);
/** funcClampMax implements clamp_max(v, max) */
export const funcClampMax: InstantFunction = (vals, _a, enh) => clamp(vals[0]!, -Infinity, vals[1]![0]!.f, enh);
/** funcClampMin implements clamp_min(v, min) */
export const funcClampMin: InstantFunction = (vals, _a, enh) => clamp(vals[0]!, vals[1]![0]!.f, Infinity, enh);

/** funcRound implements round(v, to_nearest=1): ties round up. */
export const funcRound: InstantFunction = (vals, args, enh) => {
  const toNearest = args.length >= 2 ? vals[1]![0]!.f : 1;
  const inv = 1.0 / toNearest;
  return simpleFloatFunc(vals, enh, (f) => Math.floor(f * inv + 0.5) / inv);
};

/** funcScalar implements scalar(v): the single float value of v, or NaN. */
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

/** funcVector implements vector(s): the scalar as a one-element vector without labels. */
export const funcVector: InstantFunction = (vals, _a, enh) => {
  enh.out.push({ metric: [], t: 0, f: vals[0]![0]!.f, h: null, dropName: false });
  return enh.out;
};

/** funcMinOf implements min_of(a, b): the smaller scalar (NaN if either is NaN). */
export const funcMinOf: InstantFunction = (vals, _a, enh) => {
  enh.out.push({ metric: [], t: 0, f: Math.min(vals[0]![0]!.f, vals[1]![0]!.f), h: null, dropName: false });
  return enh.out;
};

/** funcMaxOf implements max_of(a, b): the larger scalar (NaN if either is NaN). */
export const funcMaxOf: InstantFunction = (vals, _a, enh) => {
  enh.out.push({ metric: [], t: 0, f: Math.max(vals[0]![0]!.f, vals[1]![0]!.f), h: null, dropName: false });
  return enh.out;
};
