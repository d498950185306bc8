/**
 * Selectors: instant vector selectors at every step (with lookback, or interpolated when
 * `smoothed`), and range selectors at the single evaluation time of an instant query, including
 * the boundary points of `anchored` and `smoothed` ranges (Prometheus's vectorSelectorSingle,
 * matrixSelector and extendedRate's boundary logic).
 */
import { labelsString } from '../../../common/model/labels';
import type { MatrixSelector } from '../../../common/promql/ast';
import { histogramSizeInSamples } from '../histogram/float_histogram';
import { execError, tooManySamples } from '../kernel/context';
import type { EvalHost } from '../kernel/host';
import { interpolate, searchFirst } from '../kernel/mathutil';
import { ESeries, type EMatrix, type SeriesSource } from '../kernel/types';
import { MemoizedIterator, WindowFiller, type SelectedPoint } from './iterators';

/** evalSeries evaluates an instant vector selector at every step (vectorSelectorSingle). */
export function evalSeries(ev: EvalHost, series: readonly SeriesSource[], offset: number, recordOrigT: boolean): EMatrix {
  const mat: EMatrix = [];
  const pt: SelectedPoint = { ok: false, t: 0, f: 0, h: null, st: 0 };
  const lb = ev.ctx.opts.lookbackDelta;
  const countStats = ev.ctx.stats.perStep !== null;
  for (const src of series) {
    ev.ctx.check();
    const it = new MemoizedIterator(src.iterator(), lb);
    const ss = new ESeries(src.labels);
    for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
      if (!it.select(offset, ts, lb, pt)) continue;
      if (countStats) ev.ctx.countSamples(ts, 1);
      if (pt.h === null) {
        ss.fT.push(ts);
        ss.fF.push(recordOrigT ? pt.t : pt.f);
        ev.currentSamples++;
      } else {
        if (recordOrigT) throw execError(`this should be an info metric, with float samples: ${labelsString(ss.metric)}`);
        ss.hT.push(ts);
        ss.hH.push(pt.h);
        ev.currentSamples += histogramSizeInSamples(pt.h);
      }
      if (ev.currentSamples > ev.ctx.opts.maxSamples) throw tooManySamples();
    }
    if (!countStats) ev.ctx.stats.totalSamples += ss.fT.length + ss.hT.length;
    if (ss.fT.length + ss.hT.length > 0) mat.push(ss);
  }
  if (ev.currentSamples > ev.ctx.stats.peakSamples) ev.ctx.stats.peakSamples = ev.currentSamples;
  return mat;
}

/** evalSmoothedSeries evaluates a `smoothed` instant selector: interpolation between neighbours. */
export function evalSmoothedSeries(ev: EvalHost, series: readonly SeriesSource[], offset: number): EMatrix {
  const lb = ev.ctx.opts.lookbackDelta;
  const mat: EMatrix = [];
  for (const src of series) {
    ev.ctx.check();
    const w = new WindowFiller(false);
    w.reset(src.iterator());
    const ss = new ESeries(src.labels);
    for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
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
    ev.currentSamples += ss.fT.length;
    if (ev.currentSamples > ev.ctx.opts.maxSamples) throw tooManySamples();
    mat.push(ss);
  }
  return mat;
}

/** evalMatrixSelector evaluates a range selector at the (single) evaluation time. */
export function evalMatrixSelector(ev: EvalHost, node: MatrixSelector): EMatrix {
  const vs = node.vectorSelector;
  const offset = vs.offset;
  let maxt = ev.start - offset;
  let mint = maxt - node.range;
  const matrixMint = mint;
  const matrixMaxt = maxt;
  const lb = ev.ctx.opts.lookbackDelta;
  if (vs.anchored) {
    mint -= lb;
  } else if (vs.smoothed) {
    mint -= lb;
    maxt += lb;
  }
  const series = ev.ctx.series(vs);
  const mat: EMatrix = [];
  const w = new WindowFiller(false);
  for (const src of series) {
    ev.ctx.check();
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
    ev.ctx.countSamples(ev.start, n);
    if (n > 0) mat.push(ss);
    ev.addSamples(n);
  }
  return mat;
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
