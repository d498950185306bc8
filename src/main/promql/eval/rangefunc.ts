/**
 * Range-vector function calls: the series-by-series evaluation over sliding windows of a selector
 * or a subquery (Prometheus's matrixIterSlice loop in eval's Call case), absent_over_time's
 * result, and timestamp()/start_timestamp() of a plain selector.
 */
import { typeOf, type Call, type MatrixSelector, type SubqueryExpr, type VectorSelector } from '../../../common/promql/ast';
import { copyHistogram } from '../histogram/float_histogram';
import { annoPossibleNonCounter, annoPossibleNonCounterLabel } from '../kernel/annotations';
import { execError, tooManySamples } from '../kernel/context';
import { ANCHORED_SAFE_FUNCTIONS, SMOOTHED_SAFE_FUNCTIONS } from '../kernel/funcnames';
import type { RangeFunction } from '../kernel/helper';
import type { EvalHost } from '../kernel/host';
import { containsSameLabelset, dropMetadata, getLabel, getMetricName, labelsForAbsent, TypeLabel } from '../kernel/labels';
import { ESeries, type EMatrix, type EVector, type RangeWindow, type SeriesSource } from '../kernel/types';
import { ArrayIterator, MemoizedIterator, WindowFiller, type SelectedPoint } from './iterators';
import { matrixSamples, seriesSamples } from './samples';

/** MatrixSource is the input of a range function: a selector's series or a subquery's result. */
export interface MatrixSource {
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

/** evalSubqueryAsSource evaluates a subquery argument into a range-function input. */
export function evalSubqueryAsSource(ev: EvalHost, subq: SubqueryExpr): MatrixSource {
  const mat = ev.evalMatrix(subq);
  const offset = subq.timestamp !== null ? subq.originalOffset + (ev.start - subq.timestamp) : subq.offset;
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

/**
 * evalRangeFunction evaluates a call of a range-vector function series by series over sliding
 * windows (matrixIterSlice); sub is the already evaluated subquery argument, or null for a selector.
 */
export function evalRangeFunction(ev: EvalHost, e: Call, fn: RangeFunction, matrixArgIndex: number, sub: MatrixSource | null): EMatrix {
  const name = e.func.name;
  const delayed = ev.ctx.opts.enableDelayedNameRemoval;
  const evalVals: (EMatrix | null)[] = [];
  for (let i = 0; i < e.args.length; i++) {
    if (i === matrixArgIndex) {
      evalVals.push(null);
      continue;
    }
    const a = e.args[i]!;
    evalVals.push(typeOf(a) === 'string' ? null : ev.evalMatrix(a));
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
      series: ev.ctx.series(vs),
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
  const lb = ev.ctx.opts.lookbackDelta;
  const offset = src.offset;
  const selRange = src.range;
  const mat: EMatrix = [];
  const enh = ev.newEnh(e.args[0]!.pos);
  enh.rangeMs = selRange;
  enh.offsetMs = offset;
  enh.anchored = src.anchored;
  enh.smoothed = src.smoothed;
  const fnDropName = name !== 'last_over_time' && name !== 'first_over_time';
  const scalarIdx: number[] = [];
  for (let j = 0; j < e.args.length; j++) if (j !== matrixArgIndex) scalarIdx.push(j);
  const scalars: number[] = new Array(scalarIdx.length).fill(0);
  const recordST = ev.ctx.opts.enableStartTimestamps && !src.fromSubquery;
  const filler = new WindowFiller(recordST);
  const window: RangeWindow = { metric: [], floats: filler.floats, hists: filler.hists };
  const isRateLike = name === 'rate' || name === 'increase';
  for (let si = 0; si < src.series.length; si++) {
    ev.ctx.check();
    const s = src.series[si]!;
    filler.reset(s.iterator());
    const inDrop = src.dropNames !== null ? src.dropNames[si]! : false;
    const dropName = fnDropName || inDrop;
    let metric = s.labels;
    if (!delayed && fnDropName) metric = dropMetadata(metric);
    const ss = new ESeries(metric, dropName);
    window.metric = s.labels;
    let step = -1;
    let filled = false;
    for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
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
      ev.ctx.countSamples(ts, filler.floats.n + filler.hists.n);
    }
    const n = seriesSamples(ss);
    if (n > 0) {
      if (ev.currentSamples + n > ev.ctx.opts.maxSamples) throw tooManySamples();
      mat.push(ss);
      ev.currentSamples += n;
    }
    if (ev.currentSamples > ev.ctx.stats.peakSamples) ev.ctx.stats.peakSamples = ev.currentSamples;
    if (isRateLike) {
      const metricName = getMetricName(s.labels);
      if (metricName !== '' && ss.fT.length > 0) {
        if (ev.ctx.opts.enableTypeAndUnitLabels) {
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
    const steps = ev.numSteps();
    for (const s of mat) if (s.fT.length + s.hT.length === steps) return [];
    const found = new Set<number>();
    for (let i = 0; i < mat.length; i++) {
      for (const t of mat[i]!.fT) found.add(t);
      for (const t of mat[i]!.hT) found.add(t);
      if (i > 0 && found.size === steps) return [];
    }
    const out = new ESeries(labelsForAbsent(e.args[0]!), fnDropName);
    for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
      if (!found.has(ts)) {
        out.fT.push(ts);
        out.fF.push(1);
      }
    }
    return [out];
  }
  if (!delayed && containsSameLabelset(mat.map((s) => s.metric))) {
    throw execError('vector cannot contain metrics with the same labelset');
  }
  return mat;
}

/** evalTimestampOverSelector implements timestamp()/start_timestamp() of a plain selector. */
export function evalTimestampOverSelector(ev: EvalHost, vs: VectorSelector, e: Call, startTs: boolean): EMatrix {
  const lookback = ev.ctx.opts.lookbackDelta;
  const delayed = ev.ctx.opts.enableDelayedNameRemoval;
  const series = ev.ctx.series(vs);
  const its = series.map((s) => new MemoizedIterator(s.iterator(), lookback - 1));
  const pt: SelectedPoint = { ok: false, t: 0, f: 0, h: null, st: 0 };
  const impl = ev.ctx.opts.functions[e.func.name];
  return ev.rangeEval(
    null,
    (_v, _s, enh) => {
      const offset = vs.timestamp !== null ? enh.ts - vs.timestamp : vs.offset;
      if (startTs) {
        for (let i = 0; i < series.length; i++) {
          if (!its[i]!.select(offset, enh.ts, lookback, pt)) continue;
          let metric = series[i]!.labels;
          if (!delayed) metric = dropMetadata(metric);
          enh.out.push({ metric, t: pt.t, f: pt.st / 1000, h: null, dropName: true });
          ev.currentSamples++;
        }
        if (ev.currentSamples > ev.ctx.opts.maxSamples) throw tooManySamples();
        return enh.out;
      }
      const vec: EVector = [];
      for (let i = 0; i < series.length; i++) {
        if (!its[i]!.select(offset, enh.ts, lookback, pt)) continue;
        vec.push({ metric: series[i]!.labels, t: pt.t, f: 0, h: null, dropName: false });
        ev.currentSamples++;
      }
      if (ev.currentSamples > ev.ctx.opts.maxSamples) throw tooManySamples();
      if (impl === undefined || impl.kind !== 'instant') return enh.out;
      return impl.fn([vec], e.args, enh);
    },
    [],
  );
}
