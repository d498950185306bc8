/**
 * Binary operators: scalar/scalar, vector/scalar and vector/vector arithmetic, comparisons and set
 * operators with on/ignoring, group_left/group_right, bool and the experimental fill modifiers
 * (Prometheus's VectorAnd/VectorOr/VectorUnless/VectorBinop/VectorscalarBinop).
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import { labelsString as labelsStr, MetricName, type Labels } from '../../../common/model/labels';
import type { BinaryOp, VectorMatching } from '../../../common/promql/ast';
import { isComparisonOp } from '../../../common/promql/ast';
import { goPow } from '../../../common/util/go/math';
import { copyHistogram, divHistogram, histogramsEqual, mulHistogram } from '../histogram/float_histogram';
import { addHistograms, HistogramError, subHistograms } from '../histogram/arith';
import { trimHistogram } from '../histogram/trim';
import {
  annoHistogramCounterResetCollision,
  annoIncompatibleBucketLayoutInBinOp,
  annoIncompatibleTypesInBinOp,
  annoMismatchedCustomBuckets,
} from '../kernel/annotations';
import { execError } from '../kernel/context';
import type { EvalNodeHelper } from '../kernel/helper';
import { dropMetadata, keyOf, LabelEditor, matchLabels, TypeLabel, UnitLabel } from '../kernel/labels';
import type { ESample, EVector } from '../kernel/types';

/** changesMetricSchema reports whether op changes the meaning of a metric (arithmetic). */
export function changesMetricSchema(op: BinaryOp): boolean {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '^':
    case '%':
    case 'atan2':
      return true;
    default:
      return false;
  }
}

/** scalarBinop evaluates op between two scalars. */
export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': return l / r;
    case '^': return goPow(l, r);
    case '%': return l % r;
    case '==': return l === r ? 1 : 0;
    case '!=': return l !== r ? 1 : 0;
    case '>': return l > r ? 1 : 0;
    case '<': return l < r ? 1 : 0;
    case '>=': return l >= r ? 1 : 0;
    case '<=': return l <= r ? 1 : 0;
    case 'atan2': return Math.atan2(l, r);
    default:
      throw execError(`operator "${op}" not allowed for Scalar operations`);
  }
}

/** ElemResult is the result of one element operation (reused, never retained). */
interface ElemResult {
  f: number;
  h: FloatHistogram | null;
  keep: boolean;
  /** info is an info-annotation text, err an annotation or error text (see kind). */
  info: string | null;
  err: string | null;
  errIsWarning: boolean;
}

const R: ElemResult = { f: 0, h: null, keep: false, info: null, err: null, errIsWarning: false };

function setR(f: number, h: FloatHistogram | null, keep: boolean): ElemResult {
  R.f = f;
  R.h = h;
  R.keep = keep;
  R.info = null;
  R.err = null;
  R.errIsWarning = false;
  return R;
}

function incompatible(l: string, op: BinaryOp, r: string): ElemResult {
  setR(0, null, false);
  R.err = annoIncompatibleTypesInBinOp(l, op, r);
  return R;
}

/** vectorElemBinop evaluates op between two vector elements (floats or histograms). */
export function vectorElemBinop(op: BinaryOp, lhs: number, rhs: number, hl: FloatHistogram | null, hr: FloatHistogram | null): ElemResult {
  if (hl === null && hr === null) {
    switch (op) {
      case '+': return setR(lhs + rhs, null, true);
      case '-': return setR(lhs - rhs, null, true);
      case '*': return setR(lhs * rhs, null, true);
      case '/': return setR(lhs / rhs, null, true);
      case '^': return setR(goPow(lhs, rhs), null, true);
      case '%': return setR(lhs % rhs, null, true);
      case '==': return setR(lhs, null, lhs === rhs);
      case '!=': return setR(lhs, null, lhs !== rhs);
      case '>': return setR(lhs, null, lhs > rhs);
      case '<': return setR(lhs, null, lhs < rhs);
      case '>=': return setR(lhs, null, lhs >= rhs);
      case '<=': return setR(lhs, null, lhs <= rhs);
      case 'atan2': return setR(Math.atan2(lhs, rhs), null, true);
      case '</':
      case '>/':
        return incompatible('float', op, 'float');
      default: break;
    }
  } else if (hl === null && hr !== null) {
    if (op === '*') return setR(0, mulHistogram(copyHistogram(hr), lhs), true);
    return incompatible('float', op, 'histogram');
  } else if (hl !== null && hr === null) {
    if (op === '*') return setR(0, mulHistogram(copyHistogram(hl), rhs), true);
    if (op === '/') return setR(0, divHistogram(copyHistogram(hl), rhs), true);
    if (op === '</') return setR(0, trimHistogram(copyHistogram(hl), rhs, true), true);
    if (op === '>/') return setR(0, trimHistogram(copyHistogram(hl), rhs, false), true);
    return incompatible('histogram', op, 'float');
  } else if (hl !== null && hr !== null) {
    switch (op) {
      case '+':
      case '-': {
        try {
          const res = op === '+' ? addHistograms(hl, hr) : subHistograms(hl, hr);
          if (op === '-') res.h.counterResetHint = 'gauge';
          setR(0, res.h, true);
          if (res.counterResetCollision) {
            R.err = annoHistogramCounterResetCollision(op === '+' ? 'addition' : 'subtraction');
            R.errIsWarning = true;
          }
          if (res.reconciled) R.info = annoMismatchedCustomBuckets(op === '+' ? 'addition' : 'subtraction');
          return R;
        } catch (e) {
          if (e instanceof HistogramError) {
            setR(0, null, false);
            R.err = annoIncompatibleBucketLayoutInBinOp(op);
            R.errIsWarning = true;
            return R;
          }
          throw e;
        }
      }
      case '==':
        return setR(0, hl, histogramsEqualCompact(hl, hr));
      case '!=':
        return setR(0, hl, !histogramsEqualCompact(hl, hr));
      default:
        return incompatible('histogram', op, 'histogram');
    }
  }
  throw execError(`operator "${op}" not allowed for operations between Vectors`);
}

function histogramsEqualCompact(a: FloatHistogram, b: FloatHistogram): boolean {
  return histogramsEqual(a, b);
}

/** vectorAnd is `lhs and rhs`. */
export function vectorAnd(lhs: EVector, rhs: EVector, lhsh: readonly number[], rhsh: readonly number[], enh: EvalNodeHelper): EVector {
  if (lhs.length === 0 || rhs.length === 0) return enh.out;
  const present = new Uint8Array(enh.numSigs);
  for (const s of rhsh) present[s] = 1;
  for (let i = 0; i < lhs.length; i++) if (present[lhsh[i]!] === 1) enh.out.push(lhs[i]!);
  return enh.out;
}

/** vectorOr is `lhs or rhs`. */
export function vectorOr(lhs: EVector, rhs: EVector, lhsh: readonly number[], rhsh: readonly number[], enh: EvalNodeHelper): EVector {
  if (lhs.length === 0) {
    for (const s of rhs) enh.out.push(s);
    return enh.out;
  }
  if (rhs.length === 0) {
    for (const s of lhs) enh.out.push(s);
    return enh.out;
  }
  const present = new Uint8Array(enh.numSigs);
  for (let i = 0; i < lhs.length; i++) {
    present[lhsh[i]!] = 1;
    enh.out.push(lhs[i]!);
  }
  for (let j = 0; j < rhs.length; j++) if (present[rhsh[j]!] !== 1) enh.out.push(rhs[j]!);
  return enh.out;
}

/** vectorUnless is `lhs unless rhs`. */
export function vectorUnless(lhs: EVector, rhs: EVector, lhsh: readonly number[], rhsh: readonly number[], enh: EvalNodeHelper): EVector {
  if (lhs.length === 0 || rhs.length === 0) {
    for (const s of lhs) enh.out.push(s);
    return enh.out;
  }
  const present = new Uint8Array(enh.numSigs);
  for (const s of rhsh) present[s] = 1;
  for (let i = 0; i < lhs.length; i++) if (present[lhsh[i]!] !== 1) enh.out.push(lhs[i]!);
  return enh.out;
}

/** resultMetric computes the labels of a binary-operation result (cached per lhs/rhs pair). */
export function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, matching: VectorMatching, enh: EvalNodeHelper): Labels {
  // Input label sets are the same objects at every step, so an identity-keyed cache avoids
  // building string keys per sample and step.
  let byRhs = enh.resultMetric.get(lhs);
  if (byRhs === undefined) {
    byRhs = new Map();
    enh.resultMetric.set(lhs, byRhs);
  }
  const hit = byRhs.get(rhs);
  if (hit !== undefined) return hit;
  const lb = new LabelEditor(lhs);
  if (changesMetricSchema(op)) lb.del(MetricName, TypeLabel, UnitLabel);
  if (matching.card === 'one-to-one') {
    if (matching.on) lb.keep(matching.matchingLabels);
    else lb.del(...matching.matchingLabels);
  }
  for (const ln of matching.include) {
    let v = '';
    for (const l of rhs) if (l.name === ln) v = l.value;
    if (v !== '') lb.set(ln, v);
    else lb.del(ln);
  }
  const ret = lb.labels();
  byRhs.set(rhs, ret);
  return ret;
}

function matchedLabelsString(ls: Labels, matching: VectorMatching): string {
  return labelsStr(matchLabels(ls, matching.on, matching.matchingLabels));
}

/** vectorBinop evaluates an arithmetic or comparison operation between two vectors. */
export function vectorBinop(
  op: BinaryOp,
  lhsIn: EVector,
  rhsIn: EVector,
  matching: VectorMatching,
  returnBool: boolean,
  lhshIn: readonly number[],
  rhshIn: readonly number[],
  enh: EvalNodeHelper,
): EVector {
  if (matching.card === 'many-to-many') throw execError('many-to-many only allowed for set operators');
  const fillL = matching.fillValues?.lhs ?? null;
  const fillR = matching.fillValues?.rhs ?? null;
  if ((lhsIn.length === 0 && rhsIn.length === 0) || ((lhsIn.length === 0 || rhsIn.length === 0) && fillR === null && fillL === null)) {
    return enh.out;
  }
  let lhs = lhsIn;
  let rhs = rhsIn;
  let lhsh = lhshIn;
  let rhsh = rhshIn;
  const oneToMany = matching.card === 'one-to-many';
  if (oneToMany) {
    lhs = rhsIn;
    rhs = lhsIn;
    lhsh = rhshIn;
    rhsh = lhshIn;
  }
  const rightSigs = enh.rightSigs;
  rightSigs.clear();
  for (let i = 0; i < rhs.length; i++) {
    const rs = rhs[i]!;
    const ord = rhsh[i]!;
    const dupl = rightSigs.get(ord);
    if (dupl !== undefined) {
      const oneSide = oneToMany ? 'left' : 'right';
      throw execError(
        `found duplicate series for the match group ${matchedLabelsString(rs.metric, matching)} on the ${oneSide} hand-side of the operation: [${labelsStr(rs.metric)}, ${labelsStr(dupl.metric)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    rightSigs.set(ord, rs);
  }
  const matchedSigs = enh.matchedSigs;
  matchedSigs.clear();

  const doBinOp = (ls: ESample, rs: ESample, ord: number): void => {
    let fl = ls.f;
    let fr = rs.f;
    let hl = ls.h;
    let hr = rs.h;
    if (oneToMany) {
      fl = rs.f;
      fr = ls.f;
      hl = rs.h;
      hr = ls.h;
    }
    const r = vectorElemBinop(op, fl, fr, hl, hr);
    if (r.err !== null) {
      if (r.errIsWarning) enh.warn(r.err);
      else enh.info(r.err);
      if (!r.keep) return;
    }
    if (r.info !== null) enh.info(r.info);
    let f = r.f;
    let h = r.h;
    const keep = r.keep;
    if (returnBool) {
      h = null;
      f = keep ? 1 : 0;
    }
    let metric = resultMetric(ls.metric, rs.metric, op, matching, enh);
    if (!enh.enableDelayedNameRemoval && returnBool) metric = dropMetadata(metric);
    const exists = matchedSigs.has(ord);
    if (matching.card === 'one-to-one') {
      if (exists) throw execError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matchedSigs.set(ord, null);
    } else {
      const insertSig = keyOf(metric);
      let inserted = matchedSigs.get(ord);
      if (!exists || inserted === null || inserted === undefined) {
        inserted = new Set();
        matchedSigs.set(ord, inserted);
      } else if (inserted.has(insertSig)) {
        throw execError('multiple matches for labels: grouping labels must ensure unique matches');
      }
      inserted.add(insertSig);
    }
    if (!keep && !returnBool) return;
    enh.out.push({ metric, t: 0, f, h, dropName: returnBool });
  };

  for (let i = 0; i < lhs.length; i++) {
    const ls = lhs[i]!;
    const ord = lhsh[i]!;
    let rs = rightSigs.get(ord);
    if (rs === undefined) {
      if (fillR === null) continue;
      rs = { metric: matchLabels(ls.metric, matching.on, matching.matchingLabels), t: 0, f: fillR, h: null, dropName: false };
    }
    doBinOp(ls, rs, ord);
  }
  if (fillL !== null) {
    for (const [ord, rs] of rightSigs) {
      if (matchedSigs.has(ord)) continue;
      const ls: ESample = { metric: matchLabels(rs.metric, matching.on, matching.matchingLabels), t: 0, f: fillL, h: null, dropName: false };
      doBinOp(ls, rs, ord);
    }
  }
  return enh.out;
}

/** vectorScalarBinop evaluates op between a vector and a scalar (swap: the scalar is on the left). */
export function vectorScalarBinop(op: BinaryOp, lhs: EVector, scalar: number, swap: boolean, returnBool: boolean, enh: EvalNodeHelper): EVector {
  const cmp = isComparisonOp(op);
  const schema = changesMetricSchema(op);
  for (let i = 0; i < lhs.length; i++) {
    const s = lhs[i]!;
    let lf = s.f;
    let rf = scalar;
    let lh: FloatHistogram | null = s.h;
    let rh: FloatHistogram | null = null;
    if (swap) {
      lf = scalar;
      rf = s.f;
      lh = null;
      rh = s.h;
    }
    const r = vectorElemBinop(op, lf, rf, lh, rh);
    if (r.err !== null && !r.errIsWarning) {
      enh.info(r.err);
      continue;
    }
    if (r.err !== null) enh.warn(r.err);
    let f = r.f;
    let h = r.h;
    let keep = r.keep;
    if (cmp && swap) {
      f = rf;
      h = rh;
    }
    if (returnBool) {
      f = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    let metric = s.metric;
    let dropName = s.dropName;
    if (schema || returnBool) {
      if (!enh.enableDelayedNameRemoval) metric = dropMetadata(metric);
      dropName = true;
    }
    enh.out.push({ metric, t: s.t, f, h, dropName });
  }
  return enh.out;
}
