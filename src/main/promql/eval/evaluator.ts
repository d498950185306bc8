/**
 * The evaluator: evaluates an expression over a fixed grid of steps [start, end] / interval,
 * after Prometheus's promql/engine.go evaluator. Every node evaluates to an EMatrix; range
 * functions run series by series over sliding windows (matrixIterSlice), everything else step by
 * step over gathered instant vectors (rangeEval). An instant query is the one-step case.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import { isValidLabelName, MetricName, type Labels } from '../../../common/model/labels';
import {
  typeOf,
  type AggregateExpr,
  type PositionRange,
  type BinaryExpr,
  type Call,
  type Expr,
  type SubqueryExpr,
  type UnaryExpr,
  type VectorMatching,
} from '../../../common/promql/ast';
import { goQuote } from '../../../common/util/go/strconv';
import { copyHistogram, histogramSizeInSamples, mulHistogram } from '../histogram/float_histogram';
import { annoSortInRangeQuery } from '../kernel/annotations';
import { execError, tooManySamples, type QueryContext } from '../kernel/context';
import { SORT_FUNCTIONS } from '../kernel/funcnames';
import { EvalNodeHelper } from '../kernel/helper';
import type { EvalHost, RangeEvalFn } from '../kernel/host';
import { containsSameLabelset, dropMetadata, keyOf, sigOn, sigWithout } from '../kernel/labels';
import { ESeries, type EMatrix, type ESample, type EString, type EVector } from '../kernel/types';
import { aggregationCountValues, FParams, rangeEvalAgg } from './aggregate';
import { scalarBinop, vectorAnd, vectorBinop, vectorOr, vectorScalarBinop, vectorUnless } from './binop';
import { binopSeriesWise, seriesWiseSwitch, setOpSeriesWise, vectorScalarSeriesWise } from './binop_series';
import { evalInfo } from './info';
import { evalLabelJoin, evalLabelReplace } from './labelfuncs';
import { setOffsetForAtModifier } from './preprocess';
import { evalRangeFunction, evalSubqueryAsSource, evalTimestampOverSelector, type MatrixSource } from './rangefunc';
import { matrixSamples, seriesWiseDone } from './samples';
import { evalMatrixSelector, evalSeries, evalSmoothedSeries } from './selectors';

/** EvalValue is what eval returns. */
export type EvalValue = EMatrix | EString;

function isString(v: EvalValue): v is EString {
  return !Array.isArray(v);
}

function unwrapStepInvariant(e: Expr): Expr {
  return e.kind === 'StepInvariantExpr' ? e.expr : e;
}

/** AccEntry is one output series being built, with the step it last received a point at. */
interface AccEntry {
  s: ESeries;
  ts: number;
}

/**
 * SeriesAccumulator collects the per-step output vectors of rangeEval into series. Label sets are
 * looked up by object identity first (they are usually the same objects at every step) and by
 * content only on a miss; a second point for the same labels at one step is an error.
 */
class SeriesAccumulator {
  private readonly byObj = new Map<Labels, AccEntry>();
  private readonly byKey = new Map<string, AccEntry>();

  add(smp: ESample, ts: number): void {
    let e = this.byObj.get(smp.metric);
    if (e === undefined) {
      const k = keyOf(smp.metric);
      e = this.byKey.get(k);
      if (e === undefined) {
        e = { s: new ESeries(smp.metric, smp.dropName), ts: -Infinity };
        this.byKey.set(k, e);
      }
      this.byObj.set(smp.metric, e);
    }
    if (e.ts === ts) throw execError('vector cannot contain metrics with the same labelset');
    e.ts = ts;
    if (smp.h === null) {
      e.s.fT.push(ts);
      e.s.fF.push(smp.f);
    } else {
      e.s.hT.push(ts);
      e.s.hH.push(smp.h);
    }
  }

  matrix(): EMatrix {
    const out: EMatrix = [];
    for (const e of this.byKey.values()) out.push(e.s);
    return out;
  }
}

/** Evaluator evaluates expressions over one step grid. */
export class Evaluator implements EvalHost {
  readonly ctx: QueryContext;
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  currentSamples = 0;

  constructor(ctx: QueryContext, start: number, end: number, interval: number) {
    this.ctx = ctx;
    this.start = start;
    this.end = end;
    this.interval = interval;
  }

  private get delayed(): boolean {
    return this.ctx.opts.enableDelayedNameRemoval;
  }

  /** numSteps is the number of evaluation steps. */
  numSteps(): number {
    return Math.floor((this.end - this.start) / this.interval) + 1;
  }

  /** newEnh returns a node helper bound to this query's annotations, referring to pos. */
  newEnh(pos: PositionRange | null = null): EvalNodeHelper {
    const enh = new EvalNodeHelper(this.ctx.annos, this.delayed, this.ctx.opts.enableTypeAndUnitLabels);
    enh.pos = pos;
    enh.queryStart = this.ctx.queryStart;
    enh.queryEnd = this.ctx.queryEnd;
    enh.queryStep = this.ctx.queryStep;
    return enh;
  }

  private child(start: number, end: number, interval: number): Evaluator {
    const c = new Evaluator(this.ctx, start, end, interval);
    c.currentSamples = this.currentSamples;
    return c;
  }

  /** addSamples counts n more samples in memory and enforces the limit. */
  addSamples(n: number): void {
    this.currentSamples += n;
    if (this.currentSamples > this.ctx.stats.peakSamples) this.ctx.stats.peakSamples = this.currentSamples;
    if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
  }

  /** evalTop evaluates the top-level expression and applies delayed name removal. */
  evalTop(e: Expr): EvalValue {
    let v = this.eval(e);
    if (this.delayed && !isString(v)) v = this.cleanupMetricLabels(v);
    return v;
  }

  /** evalMatrix evaluates e, which must not be a string. */
  evalMatrix(e: Expr): EMatrix {
    const v = this.eval(e);
    if (isString(v)) throw execError('unexpected string value');
    return v;
  }

  /** eval evaluates one expression node. */
  eval(e: Expr): EvalValue {
    this.ctx.check();
    if (this.end < this.start) return [];
    switch (e.kind) {
      case 'AggregateExpr':
        return this.evalAggregate(e);
      case 'Call':
        return this.evalCall(e);
      case 'ParenExpr':
        return this.eval(e.expr);
      case 'UnaryExpr':
        return this.evalUnary(e);
      case 'BinaryExpr':
        return this.evalBinary(e);
      case 'NumberLiteral': {
        const v = e.val;
        const s = new ESeries([]);
        for (let ts = this.start; ts <= this.end; ts += this.interval) {
          s.fT.push(ts);
          s.fF.push(v);
        }
        this.addSamples(s.fT.length);
        return [s];
      }
      case 'StringLiteral':
        return { kind: 'string', v: e.val, t: this.start };
      case 'VectorSelector': {
        const series = this.ctx.series(e);
        if (e.smoothed) return evalSmoothedSeries(this, series, e.offset);
        return evalSeries(this, series, e.offset, false);
      }
      case 'MatrixSelector':
        if (this.start !== this.end) throw execError('cannot do range evaluation of matrix selector');
        return evalMatrixSelector(this, e);
      case 'SubqueryExpr':
        return this.evalSubqueryExpr(e);
      case 'StepInvariantExpr':
        return this.evalStepInvariant(e.expr);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // rangeEval: step-by-step evaluation over gathered vectors.

  /**
   * rangeEval evaluates exprs, then calls fn once per step with the vectors at that step; pos is
   * what the step function's annotations refer to.
   */
  rangeEval(matching: VectorMatching | null, fn: RangeEvalFn, exprs: readonly Expr[], pos: PositionRange | null = null): EMatrix {
    const originalNumSamples = this.currentSamples;
    const matrixes: EMatrix[] = [];
    for (const e of exprs) {
      if (typeOf(e) !== 'string') matrixes.push(this.evalMatrix(e));
      else matrixes.push([]);
    }
    return this.rangeEvalMatrices(matching, fn, matrixes, originalNumSamples, pos);
  }

  /** rangeEvalMatrices is rangeEval over already evaluated inputs. */
  private rangeEvalMatrices(matching: VectorMatching | null, fn: RangeEvalFn, matrixes: EMatrix[], originalNumSamples: number, pos: PositionRange | null = null): EMatrix {
    const vectors: EVector[] = matrixes.map(() => []);
    const slots: (ESample | undefined)[][] = matrixes.map((m) => new Array<ESample | undefined>(m.length));
    const enh = this.newEnh(pos);
    const acc = new SeriesAccumulator();
    let tempNumSamples = this.currentSamples;
    let seriesSigs: Int32Array[] | null = null;
    let bufSigs: number[][] | null = null;
    if (matching !== null) {
      const names = new Set(matching.matchingLabels);
      let sigf: (ls: Labels) => string;
      if (matching.on) {
        sigf = (ls) => sigOn(ls, names);
      } else {
        names.add(MetricName);
        sigf = (ls) => sigWithout(ls, names);
      }
      const sigToOrd = new Map<string, number>();
      seriesSigs = [];
      bufSigs = [];
      for (const m of matrixes) {
        const arr = new Int32Array(m.length);
        for (let si = 0; si < m.length; si++) {
          const k = sigf(m[si]!.metric);
          let ord = sigToOrd.get(k);
          if (ord === undefined) {
            ord = enh.numSigs++;
            sigToOrd.set(k, ord);
          }
          arr[si] = ord;
        }
        seriesSigs.push(arr);
        bufSigs.push([]);
      }
    }
    for (let ts = this.start; ts <= this.end; ts += this.interval) {
      this.ctx.check();
      this.currentSamples = tempNumSamples;
      for (let i = 0; i < matrixes.length; i++) {
        this.gatherVector(ts, matrixes[i]!, vectors[i]!, bufSigs === null ? null : bufSigs[i]!, seriesSigs === null ? null : seriesSigs[i]!, slots[i]!);
      }
      enh.ts = ts;
      const result = fn(vectors, bufSigs, enh);
      enh.out = [];
      let vecNumSamples = 0;
      for (const s of result) vecNumSamples += s.h === null ? 1 : histogramSizeInSamples(s.h);
      this.currentSamples += vecNumSamples;
      tempNumSamples += vecNumSamples;
      if (this.currentSamples > this.ctx.stats.peakSamples) this.ctx.stats.peakSamples = this.currentSamples;
      if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
      if (this.end === this.start) {
        if (!this.delayed && containsSameLabelset(result.map((s) => s.metric))) {
          throw execError('vector cannot contain metrics with the same labelset');
        }
        const mat: EMatrix = [];
        for (const s of result) {
          const ss = new ESeries(s.metric, s.dropName);
          if (s.h === null) {
            ss.fT.push(ts);
            ss.fF.push(s.f);
          } else {
            ss.hT.push(ts);
            ss.hH.push(s.h);
          }
          mat.push(ss);
        }
        this.currentSamples = originalNumSamples + matrixSamples(mat);
        return mat;
      }
      for (let i = 0; i < result.length; i++) acc.add(result[i]!, ts);
    }
    const mat = acc.matrix();
    this.currentSamples = originalNumSamples + matrixSamples(mat);
    return mat;
  }

  /** gatherVector collects the points at ts of every series of input into out (advancing cursors). */
  private gatherVector(
    ts: number,
    input: EMatrix,
    out: EVector,
    bufSigs: number[] | null,
    seriesSigs: Int32Array | null,
    slots: (ESample | undefined)[],
  ): void {
    let n = 0;
    let nb = 0;
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      let f = 0;
      let h: FloatHistogram | null = null;
      const fi = s.fi;
      if (fi < s.fT.length && s.fT[fi] === ts) {
        f = s.fF[fi]!;
        s.fi = fi + 1;
      } else if (s.hi < s.hT.length && s.hT[s.hi] === ts) {
        h = s.hH[s.hi]!;
        s.hi++;
      } else {
        continue;
      }
      // One sample object per input series, reused at every step: functions consume the vector
      // of a step before the next one is gathered and never modify input samples.
      let smp = slots[i];
      if (smp === undefined) {
        smp = { metric: s.metric, t: ts, f, h, dropName: s.dropName };
        slots[i] = smp;
      } else {
        smp.t = ts;
        smp.f = f;
        smp.h = h;
      }
      // Indexed writes plus a final length keep the arrays' capacity across steps.
      out[n++] = smp;
      if (bufSigs !== null) bufSigs[nb++] = seriesSigs![i]!;
    }
    if (out.length !== n) out.length = n;
    if (bufSigs !== null && bufSigs.length !== nb) bufSigs.length = nb;
    this.currentSamples += n;
    if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
  }

  // ---------------------------------------------------------------------------------------------
  // Selectors.

  // ---------------------------------------------------------------------------------------------
  // Aggregations.

  private evalAggregate(e: AggregateExpr): EMatrix {
    const sortedGrouping = [...e.grouping].sort();
    if (e.op === 'count_values') {
      const param = e.param;
      if (param === null || param.kind !== 'StringLiteral') throw execError('count_values requires a string parameter');
      const valueLabel = param.val;
      if (!isValidLabelName(valueLabel)) throw execError(`invalid label name ${goQuote(valueLabel)}`);
      let grouping = sortedGrouping;
      if (!e.without) grouping = [...sortedGrouping, valueLabel].sort();
      return this.rangeEval(null, (v, _s, enh) => aggregationCountValues(e, grouping, valueLabel, v[0]!, enh), [e.expr]);
    }
    const originalNumSamples = this.currentSamples;
    let fp: FParams;
    if (e.param === null) {
      fp = new FParams();
    } else {
      let p = e.param;
      while (p.kind === 'ParenExpr') p = p.expr;
      const constParam = p.kind === 'NumberLiteral';
      const v = this.eval(p);
      fp = FParams.fromMatrix(isString(v) ? null : v, constParam);
    }
    const input = this.evalMatrix(e.expr);
    const result = rangeEvalAgg(this, e, sortedGrouping, input, fp);
    this.currentSamples = originalNumSamples + matrixSamples(result);
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Function calls.

  private evalCall(e: Call): EvalValue {
    const v = this.evalCallInner(e);
    // Prometheus warns when a sort function runs over more than one step (also inside subqueries).
    if (this.start !== this.end && SORT_FUNCTIONS.has(e.func.name)) this.ctx.annos.warn(annoSortInRangeQuery(), e.pos);
    return v;
  }

  private evalCallInner(e: Call): EvalValue {
    const name = e.func.name;
    const impl = this.ctx.opts.functions[name];
    if (impl === undefined) throw execError(`unknown function: ${name}`);
    if (name === 'timestamp' || name === 'start_timestamp') {
      const arg = unwrapStepInvariant(e.args[0]!);
      if (arg.kind === 'VectorSelector') return evalTimestampOverSelector(this, arg, e, name === 'start_timestamp');
      if (name === 'start_timestamp') {
        // Start timestamps are only known for samples straight from storage.
        this.evalMatrix(e.args[0]!);
        return [];
      }
    }
    let matrixArgIndex = -1;
    let source: MatrixSource | null = null;
    for (let i = 0; i < e.args.length; i++) {
      const a = e.args[i]!;
      if (a.kind === 'MatrixSelector') {
        matrixArgIndex = i;
        break;
      }
      if (a.kind === 'SubqueryExpr') {
        matrixArgIndex = i;
        source = evalSubqueryAsSource(this, a);
        break;
      }
    }
    switch (name) {
      case 'label_replace':
        return evalLabelReplace(this, e.args);
      case 'label_join':
        return evalLabelJoin(this, e.args);
      case 'info':
        return evalInfo(this, e.args);
      default:
        break;
    }
    if (matrixArgIndex < 0) {
      if (impl.kind === 'instant') {
        const fn = impl.fn;
        if (name === 'histogram_quantile' || name === 'histogram_quantiles') {
          // Their forced-monotonicity infos merge per call and step as in Prometheus (see Annotations).
          const annos = this.ctx.annos;
          const scope = annos.beginScope();
          try {
            return this.rangeEval(
              null,
              (v, _s, enh) => {
                const out = fn(v, e.args, enh);
                annos.stepDone(scope);
                return out;
              },
              e.args,
              e.args[0]?.pos ?? null,
            );
          } finally {
            annos.endScope(scope);
          }
        }
        return this.rangeEval(null, (v, _s, enh) => fn(v, e.args, enh), e.args, e.args[0]?.pos ?? null);
      }
      // A range function whose range argument was wrapped (step invariant): no usable input.
      return this.rangeEval(null, (_v, _s, enh) => enh.out, e.args);
    }
    if (impl.kind !== 'range') throw execError(`function ${name} does not accept a range vector`);
    try {
      return evalRangeFunction(this, e, impl.fn, matrixArgIndex, source);
    } finally {
      if (source !== null) this.currentSamples -= source.samples;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operators.

  private evalUnary(e: UnaryExpr): EvalValue {
    const v = this.eval(e.expr);
    if (isString(v)) return v;
    if (e.op === '-') {
      for (const s of v) {
        if (!this.delayed) s.metric = dropMetadata(s.metric);
        s.dropName = true;
        for (let j = 0; j < s.fF.length; j++) s.fF[j] = -s.fF[j]!;
        for (let j = 0; j < s.hH.length; j++) s.hH[j] = mulHistogram(copyHistogram(s.hH[j]!), -1);
      }
      if (!this.delayed) return this.mergeSeriesWithSameLabelset(v);
    }
    return v;
  }

  private evalBinary(e: BinaryExpr): EMatrix {
    const lt = typeOf(e.lhs);
    const rt = typeOf(e.rhs);
    const op = e.op;
    if (lt === 'scalar' && rt === 'scalar') {
      return this.rangeEval(
        null,
        (v, _s, enh) => {
          enh.out.push({ metric: [], t: 0, f: scalarBinop(op, v[0]![0]!.f, v[1]![0]!.f), h: null, dropName: false });
          return enh.out;
        },
        [e.lhs, e.rhs],
            e.pos,
      );
    }
    if (lt === 'vector' && rt === 'vector') {
      const matching = e.matching ?? { card: 'one-to-one', matchingLabels: [], on: false, include: [] };
      if (this.start !== this.end && seriesWiseSwitch.enabled) {
        // Range mode: try the series-wise path first; it gives the same result when the pairing
        // of series cannot change between steps, and falls back otherwise.
        const originalNumSamples = this.currentSamples;
        const l = this.evalMatrix(e.lhs);
        const r = this.evalMatrix(e.rhs);
        const grid = { start: this.start, end: this.end, interval: this.interval };
        const fast =
          op === 'and' || op === 'or' || op === 'unless'
            ? setOpSeriesWise(op, l, r, matching, grid)
            : binopSeriesWise(op, l, r, matching, e.returnBool, grid, this.newEnh(e.pos));
        if (fast !== null) return seriesWiseDone(this, [l, r], fast, originalNumSamples);
        switch (op) {
          case 'and':
            return this.rangeEvalMatrices(matching, (v, sh, enh) => vectorAnd(v[0]!, v[1]!, sh![0]!, sh![1]!, enh), [l, r], originalNumSamples, e.pos);
          case 'or':
            return this.rangeEvalMatrices(matching, (v, sh, enh) => vectorOr(v[0]!, v[1]!, sh![0]!, sh![1]!, enh), [l, r], originalNumSamples, e.pos);
          case 'unless':
            return this.rangeEvalMatrices(matching, (v, sh, enh) => vectorUnless(v[0]!, v[1]!, sh![0]!, sh![1]!, enh), [l, r], originalNumSamples, e.pos);
          default:
            return this.rangeEvalMatrices(
              matching,
              (v, sh, enh) => vectorBinop(op, v[0]!, v[1]!, matching, e.returnBool, sh![0]!, sh![1]!, enh),
              [l, r],
              originalNumSamples,
              e.pos,
            );
        }
      }
      switch (op) {
        case 'and':
          return this.rangeEval(matching, (v, sh, enh) => vectorAnd(v[0]!, v[1]!, sh![0]!, sh![1]!, enh), [e.lhs, e.rhs], e.pos);
        case 'or':
          return this.rangeEval(matching, (v, sh, enh) => vectorOr(v[0]!, v[1]!, sh![0]!, sh![1]!, enh), [e.lhs, e.rhs], e.pos);
        case 'unless':
          return this.rangeEval(matching, (v, sh, enh) => vectorUnless(v[0]!, v[1]!, sh![0]!, sh![1]!, enh), [e.lhs, e.rhs], e.pos);
        default:
          return this.rangeEval(
            matching,
            (v, sh, enh) => vectorBinop(op, v[0]!, v[1]!, matching, e.returnBool, sh![0]!, sh![1]!, enh),
            [e.lhs, e.rhs],
            e.pos,
          );
      }
    }
    if ((lt === 'vector' && rt === 'scalar') || (lt === 'scalar' && rt === 'vector')) {
      const swap = lt === 'scalar';
      const originalNumSamples = this.currentSamples;
      const l = this.evalMatrix(e.lhs);
      const r = this.evalMatrix(e.rhs);
      const fast = vectorScalarSeriesWise(this, op, swap ? r : l, swap ? l : r, swap, e.returnBool);
      if (fast !== null) return seriesWiseDone(this, [l, r], fast, originalNumSamples);
      if (swap) {
        return this.rangeEvalMatrices(null, (v, _s, enh) => vectorScalarBinop(op, v[1]!, v[0]![0]!.f, true, e.returnBool, enh), [l, r], originalNumSamples, e.pos);
      }
      return this.rangeEvalMatrices(null, (v, _s, enh) => vectorScalarBinop(op, v[0]!, v[1]![0]!.f, false, e.returnBool, enh), [l, r], originalNumSamples, e.pos);
    }
    throw execError(`invalid binary operation between ${lt} and ${rt}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Subqueries and step invariance.

  private evalSubqueryExpr(e: SubqueryExpr): EMatrix {
    const offsetMillis = e.offset;
    const rangeMillis = e.range;
    const interval = e.step !== 0 ? e.step : this.ctx.opts.noStepSubqueryInterval;
    if (interval <= 0) throw execError('subquery step must be positive');
    const endTs = this.end - offsetMillis;
    let startTs = interval * Math.trunc((this.start - offsetMillis - rangeMillis) / interval);
    if (startTs <= this.start - offsetMillis - rangeMillis) startTs += interval;
    if (startTs !== this.start) setOffsetForAtModifier(startTs, e.expr);
    const child = this.child(startTs, endTs, interval);
    const res = child.evalMatrix(e.expr);
    this.currentSamples = child.currentSamples;
    return res;
  }

  private evalStepInvariant(inner: Expr): EvalValue {
    const child = this.child(this.start, this.start, this.interval);
    const res = child.eval(inner);
    this.currentSamples = child.currentSamples;
    if (isString(res)) return res;
    if (inner.kind === 'MatrixSelector' || inner.kind === 'SubqueryExpr') return res;
    for (const s of res) {
      if (s.fT.length + s.hT.length !== 1) throw execError('unexpected number of samples');
      for (let ts = this.start + this.interval; ts <= this.end; ts += this.interval) {
        if (s.fT.length > 0) {
          s.fT.push(ts);
          s.fF.push(s.fF[0]!);
          this.currentSamples++;
        } else {
          s.hT.push(ts);
          s.hH.push(s.hH[0]!);
          this.currentSamples += histogramSizeInSamples(s.hH[0]!);
        }
        if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
      }
    }
    return res;
  }

  // ---------------------------------------------------------------------------------------------
  // Delayed name removal.

  private cleanupMetricLabels(m: EMatrix): EMatrix {
    for (const s of m) if (s.dropName) s.metric = dropMetadata(s.metric);
    return this.mergeSeriesWithSameLabelset(m);
  }

  /** mergeSeriesWithSameLabelset merges series that ended up with equal labels (non-overlapping). */
  mergeSeriesWithSameLabelset(mat: EMatrix): EMatrix {
    if (mat.length <= 1) return mat;
    if (!containsSameLabelset(mat.map((s) => s.metric))) return mat;
    const byKey = new Map<string, ESeries[]>();
    for (const s of mat) {
      const k = keyOf(s.metric);
      const l = byKey.get(k);
      if (l === undefined) byKey.set(k, [s]);
      else l.push(s);
    }
    const merged: EMatrix = [];
    for (const list of byKey.values()) {
      if (list.length === 1) {
        merged.push(list[0]!);
        continue;
      }
      const base = list[0]!;
      const fl: [number, number][] = [];
      const hl: [number, FloatHistogram][] = [];
      for (const s of list) {
        for (let i = s.fi; i < s.fT.length; i++) fl.push([s.fT[i]!, s.fF[i]!]);
        for (let i = s.hi; i < s.hT.length; i++) hl.push([s.hT[i]!, s.hH[i]!]);
      }
      fl.sort((a, b) => a[0] - b[0]);
      hl.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < fl.length; i++) if (fl[i]![0] === fl[i - 1]![0]) throw execError('vector cannot contain metrics with the same labelset');
      for (let i = 1; i < hl.length; i++) if (hl[i]![0] === hl[i - 1]![0]) throw execError('vector cannot contain metrics with the same labelset');
      const ns = new ESeries(base.metric, base.dropName);
      for (const [t, f] of fl) {
        ns.fT.push(t);
        ns.fF.push(f);
      }
      for (const [t, h] of hl) {
        ns.hT.push(t);
        ns.hH.push(h);
      }
      merged.push(ns);
    }
    return merged;
  }
}
