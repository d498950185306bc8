/**
 * The evaluator: evaluates an expression over a fixed grid of steps [start, end] / interval,
 * after Prometheus's promql/engine.go evaluator. Every node evaluates to an EMatrix; range
 * functions run series by series over sliding windows (matrixIterSlice), everything else step by
 * step over gathered instant vectors (rangeEval). An instant query is the one-step case.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import { isValidLabelName, labelsString, MetricName, type Labels } from '../../../common/model/labels';
import {
  typeOf,
  type AggregateExpr,
  type PositionRange,
  type BinaryOp,
  type BinaryExpr,
  type Call,
  type Expr,
  type MatrixSelector,
  type SubqueryExpr,
  type UnaryExpr,
  type VectorMatching,
  type VectorSelector,
} from '../../../common/promql/ast';
import { copyHistogram, histogramSizeInSamples, mulHistogram } from '../histogram/float_histogram';
import { ANCHORED_SAFE_FUNCTIONS, SMOOTHED_SAFE_FUNCTIONS, SORT_FUNCTIONS } from '../kernel/funcnames';
import { labelsForAbsent } from '../kernel/labels';
import { aggregationCountValues, FParams, rangeEvalAgg } from './aggregate';
import { annoPossibleNonCounter, annoPossibleNonCounterLabel, annoSortInRangeQuery } from '../kernel/annotations';
import { goPow } from '../../../common/util/go/math';
import { changesMetricSchema, vectorAnd, vectorBinop, vectorOr, vectorScalarBinop, vectorUnless, scalarBinop } from './binop';
import { execError, tooManySamples, type QueryContext } from '../kernel/context';
import { goQuote } from '../../../common/util/go/strconv';
import { EvalNodeHelper, type RangeFunction } from '../kernel/helper';
import { type EvalHost } from '../kernel/host';
import { evalInfo } from './info';
import { ArrayIterator, MemoizedIterator, WindowFiller, type SelectedPoint } from './iterators';
import { type SeriesSource } from '../kernel/types';
import { evalLabelJoin, evalLabelReplace } from './labelfuncs';
import { containsSameLabelset, dropMetadata, getLabel, getMetricName, keyOf, sigOn, sigWithout, TypeLabel } from '../kernel/labels';
import { interpolate, searchFirst } from '../kernel/mathutil';
import { binopSeriesWise, seriesWiseSwitch, setOpSeriesWise } from './binop_series';
import { setOffsetForAtModifier } from './preprocess';
import { ESeries, type EMatrix, type ESample, type EString, type EVector, type RangeWindow } from '../kernel/types';

/** RangeEvalFn is called once per step by rangeEval with the gathered input vectors. */
type RangeEvalFn = (vectors: EVector[], sigs: number[][] | null, enh: EvalNodeHelper) => EVector;

/** EvalValue is what eval returns. */
export type EvalValue = EMatrix | EString;

function isString(v: EvalValue): v is EString {
  return !Array.isArray(v);
}

/** pointSamples is the max-samples weight of a series' points. */
function seriesSamples(s: ESeries): number {
  let n = s.fT.length;
  for (const h of s.hH) n += histogramSizeInSamples(h);
  return n;
}

function matrixSamples(m: EMatrix): number {
  let n = 0;
  for (const s of m) n += seriesSamples(s);
  return n;
}

function unwrapStepInvariant(e: Expr): Expr {
  return e.kind === 'StepInvariantExpr' ? e.expr : e;
}

/** MatrixSource is the input of a range function: a selector's series or a subquery's result. */
interface MatrixSource {
  series: SeriesSource[];
  dropNames: boolean[] | null;
  offset: number;
  range: number;
  timestamp: number | null;
  anchored: boolean;
  smoothed: boolean;
  /** fromSubquery cuts start timestamps. */
  fromSubquery: boolean;
  samples: number;
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

  private get lookback(): number {
    return this.ctx.opts.lookbackDelta;
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

  private addSamples(n: number): void {
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
        if (e.smoothed) return this.smoothSeries(series, e.offset);
        return this.evalSeries(series, e.offset, false);
      }
      case 'MatrixSelector':
        if (this.start !== this.end) throw execError('cannot do range evaluation of matrix selector');
        return this.matrixSelector(e);
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

  /** evalSeries evaluates an instant vector selector at every step (vectorSelectorSingle). */
  evalSeries(series: readonly SeriesSource[], offset: number, recordOrigT: boolean): EMatrix {
    const mat: EMatrix = [];
    const pt: SelectedPoint = { ok: false, t: 0, f: 0, h: null, st: 0 };
    const lb = this.lookback;
    const countStats = this.ctx.stats.perStep !== null;
    for (const src of series) {
      this.ctx.check();
      const it = new MemoizedIterator(src.iterator(), lb);
      const ss = new ESeries(src.labels);
      for (let ts = this.start; ts <= this.end; ts += this.interval) {
        if (!it.select(offset, ts, lb, pt)) continue;
        if (countStats) this.ctx.countSamples(ts, 1);
        if (pt.h === null) {
          ss.fT.push(ts);
          ss.fF.push(recordOrigT ? pt.t : pt.f);
          this.currentSamples++;
        } else {
          if (recordOrigT) throw execError(`this should be an info metric, with float samples: ${labelsString(ss.metric)}`);
          ss.hT.push(ts);
          ss.hH.push(pt.h);
          this.currentSamples += histogramSizeInSamples(pt.h);
        }
        if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
      }
      if (!countStats) this.ctx.stats.totalSamples += ss.fT.length + ss.hT.length;
      if (ss.fT.length + ss.hT.length > 0) mat.push(ss);
    }
    if (this.currentSamples > this.ctx.stats.peakSamples) this.ctx.stats.peakSamples = this.currentSamples;
    return mat;
  }

  /** smoothSeries evaluates a `smoothed` instant selector: interpolation between neighbours. */
  private smoothSeries(series: readonly SeriesSource[], offset: number): EMatrix {
    const lb = this.lookback;
    const mat: EMatrix = [];
    for (const src of series) {
      this.ctx.check();
      const w = new WindowFiller(false);
      w.reset(src.iterator());
      const ss = new ESeries(src.labels);
      for (let ts = this.start; ts <= this.end; ts += this.interval) {
        const t = ts - offset;
        w.fill(t - lb, t + lb);
        const fl = w.floats;
        if (fl.n === 0 && w.hists.n === 0) continue;
        if (w.hists.n > 0) throw execError('smoothed and anchored modifiers do not work with native histograms');
        let i = 0;
        while (i < fl.n && fl.t[i]! < t) i++;
        if (i < fl.n && fl.t[i] === t) {
          ss.fT.push(ts);
          ss.fF.push(fl.f[i]!);
        } else if (i > 0 && i < fl.n) {
          ss.fT.push(ts);
          ss.fF.push(interpolate(fl.t[i - 1]!, fl.f[i - 1]!, fl.t[i]!, fl.f[i]!, t, false));
        } else if (i > 0) {
          ss.fT.push(ts);
          ss.fF.push(fl.f[i - 1]!);
        }
      }
      this.currentSamples += ss.fT.length;
      if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
      mat.push(ss);
    }
    return mat;
  }

  /** matrixSelector evaluates a range selector at the (single) evaluation time. */
  private matrixSelector(node: MatrixSelector): EMatrix {
    const vs = node.vectorSelector;
    const offset = vs.offset;
    let maxt = this.start - offset;
    let mint = maxt - node.range;
    const matrixMint = mint;
    const matrixMaxt = maxt;
    const lb = this.lookback;
    if (vs.anchored) {
      mint -= lb;
    } else if (vs.smoothed) {
      mint -= lb;
      maxt += lb;
    }
    const series = this.ctx.series(vs);
    const mat: EMatrix = [];
    const w = new WindowFiller(false);
    for (const src of series) {
      this.ctx.check();
      w.reset(src.iterator());
      w.fill(mint, maxt);
      const ss = new ESeries(src.labels);
      for (let i = 0; i < w.floats.n; i++) {
        ss.fT.push(w.floats.t[i]!);
        ss.fF.push(w.floats.f[i]!);
      }
      for (let i = 0; i < w.hists.n; i++) {
        ss.hT.push(w.hists.t[i]!);
        ss.hH.push(w.hists.h[i]!);
      }
      if (vs.anchored || vs.smoothed) {
        if (ss.hT.length > 0) throw execError('anchored modifier is not supported with histograms');
        if (ss.fT.length > 0) extendFloats(ss, matrixMint, matrixMaxt, vs.smoothed);
      }
      const n = ss.fT.length + ss.hT.length;
      this.ctx.countSamples(this.start, n);
      if (n > 0) mat.push(ss);
      this.addSamples(n);
    }
    return mat;
  }

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
      if (arg.kind === 'VectorSelector') return this.evalTimestampOverSelector(arg, e, name === 'start_timestamp');
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
        source = this.evalSubqueryAsSource(a);
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
      return this.evalRangeFunction(e, impl.fn, matrixArgIndex, source);
    } finally {
      if (source !== null) this.currentSamples -= source.samples;
    }
  }

  /** evalSubqueryAsSource evaluates a subquery argument into a range-function input. */
  private evalSubqueryAsSource(subq: SubqueryExpr): MatrixSource {
    const mat = this.evalMatrix(subq);
    const offset = subq.timestamp !== null ? subq.originalOffset + (this.start - subq.timestamp) : subq.offset;
    const series: SeriesSource[] = [];
    const dropNames: boolean[] = [];
    for (const s of mat) {
      for (let i = 0; i < s.hH.length; i++) {
        const h = s.hH[i]!;
        if (h.counterResetHint === 'not_reset' || h.counterResetHint === 'reset') {
          const c = copyHistogram(h);
          c.counterResetHint = 'unknown';
          s.hH[i] = c;
        }
      }
      series.push({ labels: s.metric, iterator: () => new ArrayIterator(s) });
      dropNames.push(s.dropName);
    }
    return {
      series,
      dropNames,
      offset,
      range: subq.range,
      timestamp: subq.timestamp,
      anchored: false,
      smoothed: false,
      fromSubquery: true,
      samples: matrixSamples(mat),
    };
  }

  private evalRangeFunction(e: Call, fn: RangeFunction, matrixArgIndex: number, sub: MatrixSource | null): EMatrix {
    const name = e.func.name;
    const evalVals: (EMatrix | null)[] = [];
    for (let i = 0; i < e.args.length; i++) {
      if (i === matrixArgIndex) {
        evalVals.push(null);
        continue;
      }
      const a = e.args[i]!;
      evalVals.push(typeOf(a) === 'string' ? null : this.evalMatrix(a));
    }
    let src: MatrixSource;
    if (sub !== null) {
      src = sub;
    } else {
      const sel = e.args[matrixArgIndex] as MatrixSelector;
      const vs = sel.vectorSelector;
      if (vs.anchored && !ANCHORED_SAFE_FUNCTIONS.has(name)) {
        throw execError(`anchored modifier can only be used with: ${[...ANCHORED_SAFE_FUNCTIONS].sort().join(', ')} - not with ${name}`);
      }
      if (vs.smoothed && !SMOOTHED_SAFE_FUNCTIONS.has(name)) {
        throw execError(`smoothed modifier can only be used with: ${[...SMOOTHED_SAFE_FUNCTIONS].sort().join(', ')} - not with ${name}`);
      }
      src = {
        series: this.ctx.series(vs),
        dropNames: null,
        offset: vs.offset,
        range: sel.range,
        timestamp: vs.timestamp,
        anchored: vs.anchored,
        smoothed: vs.smoothed,
        fromSubquery: false,
        samples: 0,
      };
    }
    const lb = this.lookback;
    const offset = src.offset;
    const selRange = src.range;
    const mat: EMatrix = [];
    const enh = this.newEnh(e.args[0]!.pos);
    enh.rangeMs = selRange;
    enh.offsetMs = offset;
    enh.anchored = src.anchored;
    enh.smoothed = src.smoothed;
    const fnDropName = name !== 'last_over_time' && name !== 'first_over_time';
    const scalarIdx: number[] = [];
    for (let j = 0; j < e.args.length; j++) if (j !== matrixArgIndex) scalarIdx.push(j);
    const scalars: number[] = new Array(scalarIdx.length).fill(0);
    const recordST = this.ctx.opts.enableStartTimestamps && !src.fromSubquery;
    const filler = new WindowFiller(recordST);
    const window: RangeWindow = { metric: [], floats: filler.floats, hists: filler.hists };
    const isRateLike = name === 'rate' || name === 'increase';
    for (let si = 0; si < src.series.length; si++) {
      this.ctx.check();
      const s = src.series[si]!;
      filler.reset(s.iterator());
      const inDrop = src.dropNames !== null ? src.dropNames[si]! : false;
      const dropName = fnDropName || inDrop;
      let metric = s.labels;
      if (!this.delayed && fnDropName) metric = dropMetadata(metric);
      const ss = new ESeries(metric, dropName);
      window.metric = s.labels;
      let step = -1;
      let filled = false;
      for (let ts = this.start; ts <= this.end; ts += this.interval) {
        step++;
        for (let k = 0; k < scalarIdx.length; k++) {
          const m = evalVals[scalarIdx[k]!];
          scalars[k] = m !== null && m !== undefined && m.length > 0 ? (m[0]!.fF[step] ?? 0) : 0;
        }
        if (!filled || src.timestamp === null) {
          let maxt = ts - offset;
          let mint = maxt - selRange;
          if (src.anchored) {
            mint -= lb;
          } else if (src.smoothed) {
            mint -= lb;
            maxt += lb;
          }
          filler.fill(mint, maxt);
          filled = true;
        }
        if (filler.floats.n + filler.hists.n === 0) continue;
        if ((src.anchored || src.smoothed) && filler.hists.n > 0 && filler.floats.n > 0) {
          throw execError('smoothed and anchored modifiers do not work with native histograms');
        }
        enh.ts = ts;
        enh.outH = null;
        if (fn(window, scalars, e.args, enh)) {
          if (enh.outH === null) {
            ss.fT.push(ts);
            ss.fF.push(enh.outF);
          } else {
            ss.hT.push(ts);
            ss.hH.push(enh.outH);
          }
        }
        this.ctx.countSamples(ts, filler.floats.n + filler.hists.n);
      }
      const n = seriesSamples(ss);
      if (n > 0) {
        if (this.currentSamples + n > this.ctx.opts.maxSamples) throw tooManySamples();
        mat.push(ss);
        this.currentSamples += n;
      }
      if (this.currentSamples > this.ctx.stats.peakSamples) this.ctx.stats.peakSamples = this.currentSamples;
      if (isRateLike) {
        const metricName = getMetricName(s.labels);
        if (metricName !== '' && ss.fT.length > 0) {
          if (this.ctx.opts.enableTypeAndUnitLabels) {
            const typeLabel = getLabel(s.labels, TypeLabel);
            if (typeLabel !== 'counter' && typeLabel !== 'histogram') enh.info(annoPossibleNonCounterLabel(metricName, typeLabel));
          } else if (
            !metricName.endsWith('_total') &&
            !metricName.endsWith('_sum') &&
            !metricName.endsWith('_count') &&
            !metricName.endsWith('_bucket')
          ) {
            enh.info(annoPossibleNonCounter(metricName));
          }
        }
      }
    }
    if (name === 'absent_over_time') {
      const steps = this.numSteps();
      for (const s of mat) if (s.fT.length + s.hT.length === steps) return [];
      const found = new Set<number>();
      for (let i = 0; i < mat.length; i++) {
        for (const t of mat[i]!.fT) found.add(t);
        for (const t of mat[i]!.hT) found.add(t);
        if (i > 0 && found.size === steps) return [];
      }
      const out = new ESeries(labelsForAbsent(e.args[0]!), fnDropName);
      for (let ts = this.start; ts <= this.end; ts += this.interval) {
        if (!found.has(ts)) {
          out.fT.push(ts);
          out.fF.push(1);
        }
      }
      return [out];
    }
    if (!this.delayed && containsSameLabelset(mat.map((s) => s.metric))) {
      throw execError('vector cannot contain metrics with the same labelset');
    }
    return mat;
  }

  /** evalTimestampOverSelector implements timestamp()/start_timestamp() of a plain selector. */
  private evalTimestampOverSelector(vs: VectorSelector, e: Call, startTs: boolean): EMatrix {
    const series = this.ctx.series(vs);
    const its = series.map((s) => new MemoizedIterator(s.iterator(), this.lookback - 1));
    const pt: SelectedPoint = { ok: false, t: 0, f: 0, h: null, st: 0 };
    const impl = this.ctx.opts.functions[e.func.name];
    return this.rangeEval(
      null,
      (_v, _s, enh) => {
        const offset = vs.timestamp !== null ? enh.ts - vs.timestamp : vs.offset;
        if (startTs) {
          for (let i = 0; i < series.length; i++) {
            if (!its[i]!.select(offset, enh.ts, this.lookback, pt)) continue;
            let metric = series[i]!.labels;
            if (!this.delayed) metric = dropMetadata(metric);
            enh.out.push({ metric, t: pt.t, f: pt.st / 1000, h: null, dropName: true });
            this.currentSamples++;
          }
          if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
          return enh.out;
        }
        const vec: EVector = [];
        for (let i = 0; i < series.length; i++) {
          if (!its[i]!.select(offset, enh.ts, this.lookback, pt)) continue;
          vec.push({ metric: series[i]!.labels, t: pt.t, f: 0, h: null, dropName: false });
          this.currentSamples++;
        }
        if (this.currentSamples > this.ctx.opts.maxSamples) throw tooManySamples();
        if (impl === undefined || impl.kind !== 'instant') return enh.out;
        return impl.fn([vec], e.args, enh);
      },
      [],
    );
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
        if (fast !== null) return this.seriesWiseDone([l, r], fast, originalNumSamples);
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
      const fast = this.vectorScalarSeriesWise(op, swap ? r : l, swap ? l : r, swap, e.returnBool);
      if (fast !== null) return this.seriesWiseDone([l, r], fast, originalNumSamples);
      if (swap) {
        return this.rangeEvalMatrices(null, (v, _s, enh) => vectorScalarBinop(op, v[1]!, v[0]![0]!.f, true, e.returnBool, enh), [l, r], originalNumSamples, e.pos);
      }
      return this.rangeEvalMatrices(null, (v, _s, enh) => vectorScalarBinop(op, v[0]!, v[1]![0]!.f, false, e.returnBool, enh), [l, r], originalNumSamples, e.pos);
    }
    throw execError(`invalid binary operation between ${lt} and ${rt}`);
  }

  /**
   * vectorScalarSeriesWise evaluates `vector op scalar` series by series instead of step by step
   * when that gives the same result: float-only inputs, a scalar value at every step, and no two
   * input series mapping to the same output labels. Returns null when the general path is needed.
   */
  private vectorScalarSeriesWise(op: BinaryOp, vec: EMatrix, sc: EMatrix, swap: boolean, returnBool: boolean): EMatrix | null {
    if (op === '</' || op === '>/' || !seriesWiseSwitch.enabled) return null;
    const steps = this.numSteps();
    if (sc.length !== 1 || sc[0]!.fT.length !== steps || sc[0]!.hT.length !== 0) return null;
    const scal = sc[0]!.fF;
    const schema = changesMetricSchema(op);
    const dropName = schema || returnBool;
    const keys = new Set<string>();
    const metrics: Labels[] = [];
    for (const s of vec) {
      if (s.hT.length > 0) return null;
      const m = dropName && !this.delayed ? dropMetadata(s.metric) : s.metric;
      const k = keyOf(m);
      if (keys.has(k)) return null;
      keys.add(k);
      metrics.push(m);
    }
    const start = this.start;
    const interval = this.interval;
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

  /**
   * seriesWiseDone finishes a series-wise evaluation that replaced rangeEvalMatrices over inputs:
   * it replays rangeEval's sample accounting step by step (same limit errors and peak), then
   * orders the output as rangeEval would have created it (by first step, stable).
   */
  private seriesWiseDone(inputs: readonly EMatrix[], out: EMatrix, originalNumSamples: number): EMatrix {
    this.ctx.check();
    const steps = this.numSteps();
    const gathered = new Int32Array(steps);
    const produced = new Int32Array(steps);
    const start = this.start;
    const interval = this.interval;
    const count = (counts: Int32Array, T: readonly number[], from: number): void => {
      for (let j = from; j < T.length; j++) {
        const k = (T[j]! - start) / interval;
        if (k >= 0 && k < steps && Number.isInteger(k)) counts[k]!++;
      }
    };
    for (const m of inputs) {
      for (const s of m) {
        count(gathered, s.fT, s.fi);
        count(gathered, s.hT, s.hi);
      }
    }
    for (const s of out) count(produced, s.fT, 0);
    const max = this.ctx.opts.maxSamples;
    const stats = this.ctx.stats;
    let temp = this.currentSamples;
    for (let k = 0; k < steps; k++) {
      let cur = temp + gathered[k]!;
      if (cur > max) throw tooManySamples();
      cur += produced[k]!;
      temp += produced[k]!;
      if (cur > stats.peakSamples) stats.peakSamples = cur;
      if (cur > max) throw tooManySamples();
    }
    out.sort((a, b) => a.fT[0]! - b.fT[0]!);
    this.currentSamples = originalNumSamples + matrixSamples(out);
    return out;
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

/** extendFloats replaces the points of s by the anchored/smoothed boundary-extended points. */
function extendFloats(s: ESeries, mint: number, maxt: number, smoothed: boolean): void {
  const T = s.fT;
  const F = s.fF;
  let last = T.length - 1;
  let first = Math.max(0, searchFirst(last, (i) => T[i]! > mint) - 1);
  if (smoothed) last = searchFirst(last, (i) => T[i]! >= maxt);
  if (T[last]! <= mint) {
    s.fT = [];
    s.fF = [];
    return;
  }
  const left = smoothed && T[first]! < mint ? interpolate(T[first]!, F[first]!, T[first + 1]!, F[first + 1]!, mint, false) : F[first]!;
  const right = smoothed && last > 0 && T[last]! > maxt ? interpolate(T[last - 1]!, F[last - 1]!, T[last]!, F[last]!, maxt, false) : F[last]!;
  if (T[first]! <= mint) first++;
  if (T[last]! >= maxt) last--;
  const nt = [mint];
  const nf = [left];
  for (let i = first; i <= last; i++) {
    nt.push(T[i]!);
    nf.push(F[i]!);
  }
  nt.push(maxt);
  nf.push(right);
  s.fT = nt;
  s.fF = nf;
}
