/**
 * Series-wise evaluation of vector/vector binary operators. The step-wise rangeEval path gathers an
 * instant vector per step and matches samples by signature at every step; when the pairing of
 * series cannot change from step to step (unique signatures on the "one" side, float samples
 * only, no fill modifiers) and no two results can collide, the same result is computed by walking
 * each matched pair of series once, which is much faster for large vectors. Returns null whenever
 * the general path is needed, so results and errors stay exactly Prometheus's.
 */
import { MetricName, type Labels } from '../../../common/model/labels';
import { isComparisonOp, type BinaryOp, type VectorMatching } from '../../../common/promql/ast';
import { goPow } from '../../../common/util/go/math';
import type { EvalNodeHelper } from '../kernel/helper';
import type { EvalHost } from '../kernel/host';
import { dropMetadata, keyOf, sigOn, sigWithout } from '../kernel/labels';
import { ESeries, type EMatrix } from '../kernel/types';
import { changesMetricSchema, resultMetric } from './binop';

/** seriesWiseSwitch turns the series-wise paths off (tests compare them with the step-wise path). */
export const seriesWiseSwitch = { enabled: true };

/** StepGrid is the evaluation grid of the step-wise path. */
export interface StepGrid {
  start: number;
  end: number;
  interval: number;
}

function stepCount(g: StepGrid): number {
  return Math.floor((g.end - g.start) / g.interval) + 1;
}

/** onGrid reports whether t is one of the grid's steps (others are never gathered). */
function onGrid(g: StepGrid, t: number): boolean {
  return t >= g.start && t <= g.end && (t - g.start) % g.interval === 0;
}

function signatureFn(matching: VectorMatching): (ls: Labels) => string {
  const names = new Set(matching.matchingLabels);
  if (matching.on) return (ls) => sigOn(ls, names);
  names.add(MetricName);
  return (ls) => sigWithout(ls, names);
}

function hasHistograms(m: EMatrix): boolean {
  for (const s of m) if (s.hT.length > 0) return true;
  return false;
}

function distinctLabels(list: readonly Labels[]): boolean {
  const seen = new Set<string>();
  for (const ls of list) {
    const k = keyOf(ls);
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

/** presence marks, per signature, the steps at which some series of m has a point. */
function presence(m: EMatrix, sigs: readonly string[], g: StepGrid): Map<string, Uint8Array> {
  const n = stepCount(g);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < m.length; i++) {
    const s = m[i]!;
    let p = out.get(sigs[i]!);
    if (p === undefined) {
      p = new Uint8Array(n);
      out.set(sigs[i]!, p);
    }
    for (let j = s.fi; j < s.fT.length; j++) {
      const t = s.fT[j]!;
      if (onGrid(g, t)) p[(t - g.start) / g.interval] = 1;
    }
  }
  return out;
}

function filterByPresence(s: ESeries, p: Uint8Array | undefined, want: boolean, g: StepGrid): ESeries {
  const out = new ESeries(s.metric, s.dropName);
  for (let j = s.fi; j < s.fT.length; j++) {
    const t = s.fT[j]!;
    if (!onGrid(g, t)) continue;
    const present = p !== undefined && p[(t - g.start) / g.interval] === 1;
    if (present === want) {
      out.fT.push(t);
      out.fF.push(s.fF[j]!);
    }
  }
  return out;
}

function nonEmpty(m: EMatrix): EMatrix {
  return m.filter((s) => s.fT.length > 0);
}

/** setOpSeriesWise evaluates `and`, `or` and `unless` series by series, or returns null. */
export function setOpSeriesWise(op: BinaryOp, lhs: EMatrix, rhs: EMatrix, matching: VectorMatching, g: StepGrid): EMatrix | null {
  if (hasHistograms(lhs) || hasHistograms(rhs)) return null;
  const sigf = signatureFn(matching);
  const lsigs = lhs.map((s) => sigf(s.metric));
  const rsigs = rhs.map((s) => sigf(s.metric));
  switch (op) {
    case 'and': {
      if (!distinctLabels(lhs.map((s) => s.metric))) return null;
      const pr = presence(rhs, rsigs, g);
      return nonEmpty(lhs.map((s, i) => filterByPresence(s, pr.get(lsigs[i]!), true, g)));
    }
    case 'unless': {
      if (!distinctLabels(lhs.map((s) => s.metric))) return null;
      const pr = presence(rhs, rsigs, g);
      return nonEmpty(lhs.map((s, i) => filterByPresence(s, pr.get(lsigs[i]!), false, g)));
    }
    case 'or': {
      if (!distinctLabels([...lhs.map((s) => s.metric), ...rhs.map((s) => s.metric)])) return null;
      const pl = presence(lhs, lsigs, g);
      const left = lhs.map((s) => filterByPresence(s, undefined, false, g));
      const right = rhs.map((s, i) => filterByPresence(s, pl.get(rsigs[i]!), false, g));
      return nonEmpty([...left, ...right]);
    }
    default:
      return null;
  }
}

function arith(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '^': return goPow(a, b);
    case 'atan2': return Math.atan2(a, b);
    default: return NaN;
  }
}

function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '>': return a > b;
    case '<': return a < b;
    case '>=': return a >= b;
    case '<=': return a <= b;
    default: return false;
  }
}

/**
 * binopSeriesWise evaluates arithmetic and comparison operators between two vectors series by
 * series (one-to-one, many-to-one and one-to-many matching), or returns null.
 */
export function binopSeriesWise(
  op: BinaryOp,
  lhsIn: EMatrix,
  rhsIn: EMatrix,
  matching: VectorMatching,
  returnBool: boolean,
  g: StepGrid,
  enh: EvalNodeHelper,
): EMatrix | null {
  if (op === '</' || op === '>/') return null;
  if (matching.card === 'many-to-many') return null;
  if (matching.fillValues !== undefined && (matching.fillValues.lhs !== null || matching.fillValues.rhs !== null)) return null;
  if (hasHistograms(lhsIn) || hasHistograms(rhsIn)) return null;
  const oneToMany = matching.card === 'one-to-many';
  // After the swap, "many" is the left side and "one" the right side, as in vectorBinop.
  const many = oneToMany ? rhsIn : lhsIn;
  const one = oneToMany ? lhsIn : rhsIn;
  const sigf = signatureFn(matching);
  const oneBySig = new Map<string, ESeries>();
  for (const s of one) {
    const k = sigf(s.metric);
    if (oneBySig.has(k)) return null;
    oneBySig.set(k, s);
  }
  const cmp = isComparisonOp(op);
  const pairs: { m: ESeries; o: ESeries; metric: Labels }[] = [];
  const seenSig = new Set<string>();
  for (const m of many) {
    const k = sigf(m.metric);
    const o = oneBySig.get(k);
    if (o === undefined) continue;
    if (matching.card === 'one-to-one') {
      if (seenSig.has(k)) return null;
      seenSig.add(k);
    }
    let metric = oneToMany ? resultMetric(m.metric, o.metric, op, matching, enh) : resultMetric(m.metric, o.metric, op, matching, enh);
    if (!enh.enableDelayedNameRemoval && returnBool) metric = dropMetadata(metric);
    pairs.push({ m, o, metric });
  }
  if (!distinctLabels(pairs.map((p) => p.metric))) return null;
  const out: EMatrix = [];
  for (const { m, o, metric } of pairs) {
    const ss = new ESeries(metric, returnBool);
    const mT = m.fT;
    const mF = m.fF;
    const oT = o.fT;
    const oF = o.fF;
    let j = o.fi;
    for (let i = m.fi; i < mT.length; i++) {
      const t = mT[i]!;
      while (j < oT.length && oT[j]! < t) j++;
      if (j >= oT.length) break;
      if (oT[j] !== t || !onGrid(g, t)) continue;
      // Operands in the written order: with group_right the "many" side is the right one.
      const a = oneToMany ? oF[j]! : mF[i]!;
      const b = oneToMany ? mF[i]! : oF[j]!;
      let v: number;
      let keep = true;
      if (cmp) {
        keep = compare(op, a, b);
        v = a;
      } else {
        v = arith(op, a, b);
      }
      if (returnBool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      ss.fT.push(t);
      ss.fF.push(v);
    }
    if (ss.fT.length > 0) out.push(ss);
  }
  return out;
}

/**
 * vectorScalarSeriesWise evaluates `vector op scalar` series by series instead of step by step
 * when that gives the same result: float-only inputs, a scalar value at every step, and no two
 * input series mapping to the same output labels. Returns null when the general path is needed.
 */
export function vectorScalarSeriesWise(ev: EvalHost, op: BinaryOp, vec: EMatrix, sc: EMatrix, swap: boolean, returnBool: boolean): EMatrix | null {
  if (op === '</' || op === '>/' || !seriesWiseSwitch.enabled) return null;
  const steps = ev.numSteps();
  if (sc.length !== 1 || sc[0]!.fT.length !== steps || sc[0]!.hT.length !== 0) return null;
  const scal = sc[0]!.fF;
  const schema = changesMetricSchema(op);
  const dropName = schema || returnBool;
  const keys = new Set<string>();
  const metrics: Labels[] = [];
  for (const s of vec) {
    if (s.hT.length > 0) return null;
    const m = dropName && !ev.ctx.opts.enableDelayedNameRemoval ? dropMetadata(s.metric) : s.metric;
    const k = keyOf(m);
    if (keys.has(k)) return null;
    keys.add(k);
    metrics.push(m);
  }
  const start = ev.start;
  const interval = ev.interval;
  const out: EMatrix = [];
  for (let i = 0; i < vec.length; i++) {
    const s = vec[i]!;
    const ss = new ESeries(metrics[i]!, dropName ? true : s.dropName);
    const T = s.fT;
    const F = s.fF;
    const oT = ss.fT;
    const oF = ss.fF;
    for (let j = s.fi; j < T.length; j++) {
      const t = T[j]!;
      const sv = scal[Math.round((t - start) / interval)]!;
      const a = swap ? sv : F[j]!;
      const b = swap ? F[j]! : sv;
      let v: number;
      let keep = true;
      switch (op) {
        case '+': v = a + b; break;
        case '-': v = a - b; break;
        case '*': v = a * b; break;
        case '/': v = a / b; break;
        case '%': v = a % b; break;
        case '^': v = goPow(a, b); break;
        case 'atan2': v = Math.atan2(a, b); break;
        case '==': keep = a === b; v = F[j]!; break;
        case '!=': keep = a !== b; v = F[j]!; break;
        case '>': keep = a > b; v = F[j]!; break;
        case '<': keep = a < b; v = F[j]!; break;
        case '>=': keep = a >= b; v = F[j]!; break;
        case '<=': keep = a <= b; v = F[j]!; break;
        default:
          return null;
      }
      if (returnBool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      oT.push(t);
      oF.push(v);
    }
    if (oT.length > 0) out.push(ss);
  }
  return out;
}
