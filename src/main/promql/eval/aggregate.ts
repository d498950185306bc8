/**
 * Aggregation operators (sum, avg, count, min, max, group, stddev, stdvar, quantile, topk, bottomk,
 * limitk, limit_ratio, count_values) over a range of steps, after Prometheus's rangeEvalAgg,
 * aggregation, aggregationK and aggregationCountValues.
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import { MetricName, type Labels } from '../../../common/model/labels';
import type { AggregateExpr } from '../../../common/promql/ast';
import { formatSampleValue } from '../../../common/model/value';
import { copyHistogram, divHistogram, histogramString } from '../histogram/float_histogram';
import { addHistograms, compactHistogram, HistogramError, subHistograms } from '../histogram/arith';
import {
  annoHistogramCounterResetCollision,
  annoHistogramIgnoredInAggregation,
  annoInvalidQuantile,
  annoInvalidRatio,
  annoMismatchedCustomBuckets,
  annoMixedExponentialCustomHistograms,
  annoMixedFloatsHistogramsAgg,
} from '../kernel/annotations';
import { execError, tooManySamples } from '../kernel/context';
import { formatFloatG } from '../../../common/util/go/strconv';
import type { EvalNodeHelper } from '../kernel/helper';
import type { EvalHost } from '../kernel/host';
import { getMetricName, keyOf, LabelEditor } from '../kernel/labels';
import { quantile, Kahan } from '../kernel/mathutil';
import { ESeries, type EMatrix, type ESample, type EVector } from '../kernel/types';
import { labelsHash } from './xxhash';
import { seriesWiseSwitch } from './binop_series';

/** KS is this module's Kahan summation scratch state. */
const KS = new Kahan();

const MAX_INT64 = 9223372036854774784;
const MIN_INT64 = -9223372036854775808;

/** FParams is the evaluated parameter of topk/bottomk/limitk/limit_ratio/quantile over all steps. */
export class FParams {
  private values: number[] = [];
  private pos = 0;
  private isConstant = false;
  private constValue = 0;
  minValue = 0;
  maxValue = 0;
  hasAnyNaN = false;
  present = false;

  /** fromMatrix builds the parameter from an evaluated scalar expression. */
  static fromMatrix(m: EMatrix | null, constParam: boolean): FParams {
    const fp = new FParams();
    if (m === null || m.length === 0) return fp;
    const s = m[0]!;
    fp.present = true;
    fp.values = s.fF;
    fp.isConstant = constParam;
    if (constParam) {
      fp.constValue = s.fF[0] ?? 0;
      fp.minValue = fp.constValue;
      fp.maxValue = fp.constValue;
      fp.hasAnyNaN = Number.isNaN(fp.constValue);
      return fp;
    }
    fp.minValue = Number.MAX_VALUE;
    fp.maxValue = -Number.MAX_VALUE;
    for (const v of s.fF) {
      fp.maxValue = Math.max(fp.maxValue, v);
      fp.minValue = Math.min(fp.minValue, v);
      if (Number.isNaN(v)) fp.hasAnyNaN = true;
    }
    return fp;
  }

  /** next returns the parameter of the next step. */
  next(): number {
    if (this.isConstant) return this.constValue;
    if (this.pos < this.values.length) return this.values[this.pos++]!;
    return 0;
  }
}

interface Group {
  floatValue: number;
  histogramValue: FloatHistogram | null;
  floatMean: number;
  floatKahanC: number;
  groupCount: number;
  heap: ESample[];
  values: number[];
  seen: boolean;
  hasFloat: boolean;
  hasHistogram: boolean;
  incompatibleHistograms: boolean;
  groupAggrComplete: boolean;
  incrementalMean: boolean;
  counterResetSeen: boolean;
  notCounterResetSeen: boolean;
  dropName: boolean;
}

function newGroup(): Group {
  return {
    floatValue: 0,
    histogramValue: null,
    floatMean: 0,
    floatKahanC: 0,
    groupCount: 0,
    heap: [],
    values: [],
    seen: false,
    hasFloat: false,
    hasHistogram: false,
    incompatibleHistograms: false,
    groupAggrComplete: false,
    incrementalMean: false,
    counterResetSeen: false,
    notCounterResetSeen: false,
    dropName: false,
  };
}

const SEP = '\xff';

/** groupingKey is generateGroupingKey: by -> only grouping labels; without -> all but grouping and __name__. */
export function groupingKey(metric: Labels, grouping: readonly string[], without: boolean): string {
  let s = '';
  if (without) {
    for (const l of metric) {
      if (l.name === MetricName || grouping.includes(l.name)) continue;
      s += l.name + SEP + l.value + SEP;
    }
    return s;
  }
  if (grouping.length === 0) return '';
  for (const l of metric) if (grouping.includes(l.name)) s += l.name + SEP + l.value + SEP;
  return s;
}

/** groupingLabels is generateGroupingLabels. */
export function groupingLabels(metric: Labels, without: boolean, grouping: readonly string[]): Labels {
  if (without) return metric.filter((l) => l.name !== MetricName && !grouping.includes(l.name));
  if (grouping.length > 0) return metric.filter((l) => grouping.includes(l.name));
  return [];
}

/** NV receives the result of nextValues (reused to avoid an allocation per series and step). */
const NV = { ok: false, f: 0, h: null as FloatHistogram | null };

/** nextValues consumes the point of s at ts, if any, into NV. */
function nextValues(ts: number, s: ESeries): typeof NV {
  if (s.fi < s.fT.length && s.fT[s.fi] === ts) {
    NV.ok = true;
    NV.f = s.fF[s.fi++]!;
    NV.h = null;
  } else if (s.hi < s.hT.length && s.hT[s.hi] === ts) {
    NV.ok = true;
    NV.f = 0;
    NV.h = s.hH[s.hi++]!;
  } else {
    NV.ok = false;
  }
  return NV;
}

/** resetGroup reinitialises a group for a new step without allocating. */
function resetGroup(g: Group): void {
  g.floatValue = 0;
  g.histogramValue = null;
  g.floatMean = 0;
  g.floatKahanC = 0;
  g.groupCount = 0;
  g.heap = [];
  g.values = [];
  g.seen = false;
  g.hasFloat = false;
  g.hasHistogram = false;
  g.incompatibleHistograms = false;
  g.groupAggrComplete = false;
  g.incrementalMean = false;
  g.counterResetSeen = false;
  g.notCounterResetSeen = false;
  g.dropName = false;
}

function addPoint(ss: ESeries, ts: number, f: number, h: FloatHistogram | null): void {
  if (h === null) {
    ss.fT.push(ts);
    ss.fF.push(f);
  } else {
    ss.hT.push(ts);
    ss.hH.push(h);
  }
}

/** rangeEvalAgg evaluates an aggregation (other than count_values) over all steps. */
export function rangeEvalAgg(ev: EvalHost, e: AggregateExpr, sortedGrouping: string[], input: EMatrix, params: FParams): EMatrix {
  const enh = ev.newEnh(e.expr.pos);
  const tempNumSamples = ev.currentSamples;
  const groupToIndex = new Map<string, number>();
  const seriesToResult = new Int32Array(input.length);
  let result: EMatrix = [];
  const op = e.op;
  const isK = op === 'topk' || op === 'bottomk' || op === 'limitk' || op === 'limit_ratio';
  let groupCount = 0;
  for (let si = 0; si < input.length; si++) {
    const s = input[si]!;
    const key = groupingKey(s.metric, sortedGrouping, e.without);
    let idx = groupToIndex.get(key);
    if (idx === undefined) {
      if (!isK) result.push(new ESeries(groupingLabels(s.metric, e.without, sortedGrouping)));
      idx = groupCount++;
      groupToIndex.set(key, idx);
    }
    seriesToResult[si] = idx;
  }
  const groups: Group[] = [];
  for (let i = 0; i < groupCount; i++) groups.push(newGroup());
  let seriess: Map<string, ESeries> | null = null;
  switch (op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
      if (params.maxValue < 1) return [];
      if (params.hasAnyNaN) throw execError('Parameter value is NaN');
      if (params.minValue <= MIN_INT64) throw execError(`Scalar value ${formatFloatG(params.minValue)} underflows int64`);
      if (params.maxValue >= MAX_INT64) throw execError(`Scalar value ${formatFloatG(params.maxValue)} overflows int64`);
      seriess = new Map();
      break;
    case 'limit_ratio':
      if (params.maxValue === 0 && params.minValue === 0) return [];
      if (params.hasAnyNaN) throw execError('Ratio value is NaN');
      if (params.maxValue > 1) enh.annos.warn(annoInvalidRatio(params.maxValue, 1), e.param?.pos ?? null);
      if (params.minValue < -1) enh.annos.warn(annoInvalidRatio(params.minValue, -1), e.param?.pos ?? null);
      seriess = new Map();
      break;
    case 'quantile':
      if (params.hasAnyNaN) enh.annos.warn(annoInvalidQuantile(NaN), e.param?.pos ?? null);
      if (params.maxValue > 1) enh.annos.warn(annoInvalidQuantile(params.maxValue), e.param?.pos ?? null);
      if (params.minValue < 0) enh.annos.warn(annoInvalidQuantile(params.minValue), e.param?.pos ?? null);
      break;
    default:
      break;
  }
  if (!isK && ev.start !== ev.end && seriesWiseSwitch.enabled) {
    const done = aggregateSeriesWise(ev, op, input, result, seriesToResult, groupCount);
    if (done !== null) {
      ev.currentSamples = tempNumSamples;
      if (ev.currentSamples > ev.ctx.opts.maxSamples) throw tooManySamples();
      return done;
    }
  }
  for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
    const fParam = params.next();
    ev.ctx.check();
    ev.currentSamples = tempNumSamples;
    enh.ts = ts;
    if (isK) {
      const r = aggregationK(ev, e, fParam, input, seriesToResult, groups, enh, seriess!);
      if (ev.start === ev.end) return r;
    } else {
      aggregation(e, fParam, input, result, seriesToResult, groups, enh);
    }
    if (ev.currentSamples > ev.ctx.opts.maxSamples) throw tooManySamples();
  }
  if (isK) {
    result = [...seriess!.values()];
  } else {
    result = result.filter((s) => s.fT.length > 0 || s.hT.length > 0);
  }
  return result;
}

/**
 * aggregateSeriesWise evaluates sum, avg, count, min, max and group over float-only input series by
 * series instead of step by step: one accumulator per (group, step), updated in input-series
 * order, so every cell sees exactly the sequence of values aggregation() would give it at that step
 * (same Kahan compensation, NaN rules and avg overflow switch; same results bit for bit). Returns
 * null when the input holds histograms or the operator needs the step-wise path.
 */
function aggregateSeriesWise(ev: EvalHost, op: string, input: EMatrix, result: EMatrix, seriesToResult: Int32Array, groupCount: number): EMatrix | null {
  const code = op === 'sum' ? 0 : op === 'avg' ? 1 : op === 'count' ? 2 : op === 'min' ? 3 : op === 'max' ? 4 : op === 'group' ? 5 : -1;
  if (code < 0) return null;
  for (const s of input) if (s.hi < s.hT.length) return null;
  const start = ev.start;
  const interval = ev.interval;
  const steps = Math.floor((ev.end - start) / interval) + 1;
  const cells = groupCount * steps;
  if (cells > 50_000_000) return null;
  const cnt = new Float64Array(cells);
  const val = new Float64Array(cells);
  const comp = new Float64Array(cells);
  const mean = code === 1 ? new Float64Array(cells) : null;
  const incr = code === 1 ? new Uint8Array(cells) : null;
  const drop = new Uint8Array(cells);
  const ks = KS;
  for (let si = 0; si < input.length; si++) {
    ev.ctx.check();
    const s = input[si]!;
    const base = seriesToResult[si]! * steps;
    const T = s.fT;
    const F = s.fF;
    const dn = s.dropName ? 1 : 0;
    for (let j = s.fi; j < T.length; j++) {
      const k = (T[j]! - start) / interval;
      if (k < 0 || k >= steps || k !== Math.floor(k)) return null;
      const x = base + k;
      const f = F[j]!;
      const c = cnt[x]!;
      if (c === 0) {
        cnt[x] = 1;
        val[x] = f;
        if (mean !== null) mean[x] = f;
        drop[x] = dn;
        continue;
      }
      const n = c + 1;
      cnt[x] = n;
      if (dn) drop[x] = 1;
      switch (code) {
        case 0:
          ks.inc(f, val[x]!, comp[x]!);
          val[x] = ks.sum;
          comp[x] = ks.c;
          break;
        case 1: {
          if (incr![x] === 0) {
            ks.inc(f, val[x]!, comp[x]!);
            if (Number.isFinite(ks.sum) || Number.isNaN(ks.sum)) {
              val[x] = ks.sum;
              comp[x] = ks.c;
              break;
            }
            incr![x] = 1;
            mean![x] = val[x]! / (n - 1);
            comp[x] = comp[x]! / (n - 1);
          }
          const q = (n - 1) / n;
          ks.inc(f / n, q * mean![x]!, q * comp[x]!);
          mean![x] = ks.sum;
          comp[x] = ks.c;
          break;
        }
        case 3:
          if (val[x]! > f || Number.isNaN(val[x]!)) val[x] = f;
          break;
        case 4:
          if (val[x]! < f || Number.isNaN(val[x]!)) val[x] = f;
          break;
        default:
          break;
      }
    }
  }
  for (let g = 0; g < groupCount; g++) {
    const ss = result[g]!;
    const base = g * steps;
    let lastDrop = -1;
    for (let k = 0; k < steps; k++) {
      const x = base + k;
      const n = cnt[x]!;
      if (n === 0) continue;
      let v: number;
      switch (code) {
        case 0:
          v = val[x]! + comp[x]!;
          break;
        case 1:
          v = incr![x] === 1 ? mean![x]! + comp[x]! : val[x]! / n + comp[x]! / n;
          break;
        case 2:
          v = n;
          break;
        case 5:
          v = 1;
          break;
        default:
          v = val[x]!;
      }
      ss.fT.push(start + k * interval);
      ss.fF.push(v);
      lastDrop = drop[x]!;
    }
    if (lastDrop >= 0) ss.dropName = lastDrop === 1;
  }
  return result.filter((s) => s.fT.length > 0);
}

function aggregation(
  e: AggregateExpr,
  q: number,
  input: EMatrix,
  output: EMatrix,
  seriesToResult: Int32Array,
  groups: Group[],
  enh: EvalNodeHelper,
): void {
  const op = e.op;
  for (const g of groups) g.seen = false;
  for (let si = 0; si < input.length; si++) {
    const s = input[si]!;
    const nv = nextValues(enh.ts, s);
    if (!nv.ok) continue;
    const f = nv.f;
    const h = nv.h;
    const group = groups[seriesToResult[si]!]!;
    if (!group.seen) {
      resetGroup(group);
      group.seen = true;
      group.floatValue = f;
      group.floatMean = f;
      group.groupCount = 1;
      group.dropName = s.dropName;
      switch (op) {
        case 'avg':
        case 'sum':
          if (h === null) {
            group.hasFloat = true;
          } else {
            group.histogramValue = copyHistogram(h);
            group.hasHistogram = true;
            if (h.counterResetHint === 'reset') group.counterResetSeen = true;
            else if (h.counterResetHint === 'not_reset') group.notCounterResetSeen = true;
          }
          break;
        case 'stdvar':
        case 'stddev':
          if (h !== null) {
            group.seen = false;
            enh.info(annoHistogramIgnoredInAggregation(op));
          } else if (Number.isNaN(f) || !Number.isFinite(f)) {
            group.floatValue = NaN;
          } else {
            group.floatValue = 0;
          }
          break;
        case 'quantile':
          if (h !== null) {
            group.seen = false;
            enh.info(annoHistogramIgnoredInAggregation('quantile'));
          }
          group.values = [f];
          break;
        case 'group':
          group.floatValue = 1;
          break;
        case 'min':
        case 'max':
          if (h !== null) {
            group.seen = false;
            enh.info(annoHistogramIgnoredInAggregation(op));
          }
          break;
        default:
          break;
      }
      continue;
    }
    if (group.incompatibleHistograms) continue;
    if (s.dropName) group.dropName = true;
    switch (op) {
      case 'sum':
        if (h !== null) {
          group.hasHistogram = true;
          if (group.histogramValue !== null) {
            if (h.counterResetHint === 'reset') group.counterResetSeen = true;
            else if (h.counterResetHint === 'not_reset') group.notCounterResetSeen = true;
            try {
              const r = addHistograms(group.histogramValue, h);
              group.histogramValue = r.h;
              if (r.reconciled) enh.info(annoMismatchedCustomBuckets('aggregation'));
            } catch (err) {
              if (!(err instanceof HistogramError)) throw err;
              enh.warn(annoMixedExponentialCustomHistograms(getMetricName(s.metric)));
              group.incompatibleHistograms = true;
            }
          }
        } else {
          group.hasFloat = true;
          KS.inc(f, group.floatValue, group.floatKahanC);
          group.floatValue = KS.sum;
          group.floatKahanC = KS.c;
        }
        break;
      case 'avg':
        group.groupCount++;
        if (h !== null) {
          group.hasHistogram = true;
          if (group.histogramValue !== null) {
            if (h.counterResetHint === 'reset') group.counterResetSeen = true;
            else if (h.counterResetHint === 'not_reset') group.notCounterResetSeen = true;
            try {
              const left = divHistogram(copyHistogram(h), group.groupCount);
              const right = divHistogram(copyHistogram(group.histogramValue), group.groupCount);
              const toAdd = subHistograms(left, right);
              if (toAdd.reconciled) enh.info(annoMismatchedCustomBuckets('aggregation'));
              const r = addHistograms(group.histogramValue, toAdd.h);
              if (r.reconciled) enh.info(annoMismatchedCustomBuckets('aggregation'));
              group.histogramValue = r.h;
            } catch (err) {
              if (!(err instanceof HistogramError)) throw err;
              enh.warn(annoMixedExponentialCustomHistograms(getMetricName(s.metric)));
              group.incompatibleHistograms = true;
              continue;
            }
          }
        } else {
          group.hasFloat = true;
          if (!group.incrementalMean) {
            KS.inc(f, group.floatValue, group.floatKahanC);
            if (Number.isFinite(KS.sum) || Number.isNaN(KS.sum)) {
              group.floatValue = KS.sum;
              group.floatKahanC = KS.c;
              break;
            }
            group.incrementalMean = true;
            group.floatMean = group.floatValue / (group.groupCount - 1);
            group.floatKahanC /= group.groupCount - 1;
          }
          const qq = (group.groupCount - 1) / group.groupCount;
          KS.inc(f / group.groupCount, qq * group.floatMean, qq * group.floatKahanC);
          group.floatMean = KS.sum;
          group.floatKahanC = KS.c;
        }
        break;
      case 'group':
        break;
      case 'max':
        if (h !== null) {
          enh.info(annoHistogramIgnoredInAggregation('max'));
          continue;
        }
        if (group.floatValue < f || Number.isNaN(group.floatValue)) group.floatValue = f;
        break;
      case 'min':
        if (h !== null) {
          enh.info(annoHistogramIgnoredInAggregation('min'));
          continue;
        }
        if (group.floatValue > f || Number.isNaN(group.floatValue)) group.floatValue = f;
        break;
      case 'count':
        group.groupCount++;
        break;
      case 'stdvar':
      case 'stddev':
        if (h === null) {
          group.groupCount++;
          const delta = f - group.floatMean;
          group.floatMean += delta / group.groupCount;
          group.floatValue += delta * (f - group.floatMean);
        } else {
          enh.info(annoHistogramIgnoredInAggregation(op));
        }
        break;
      case 'quantile':
        if (h !== null) {
          enh.info(annoHistogramIgnoredInAggregation('quantile'));
          continue;
        }
        group.values.push(f);
        break;
      default:
        throw execError(`expected aggregation operator but got "${op}"`);
    }
  }
  for (let ri = 0; ri < groups.length; ri++) {
    const aggr = groups[ri]!;
    if (!aggr.seen) continue;
    switch (op) {
      case 'avg':
        if (aggr.hasFloat && aggr.hasHistogram) {
          enh.warn(annoMixedFloatsHistogramsAgg());
          continue;
        }
        if (aggr.incompatibleHistograms) continue;
        if (aggr.hasHistogram) aggr.histogramValue = compactHistogram(aggr.histogramValue!);
        else if (aggr.incrementalMean) aggr.floatValue = aggr.floatMean + aggr.floatKahanC;
        else aggr.floatValue = aggr.floatValue / aggr.groupCount + aggr.floatKahanC / aggr.groupCount;
        break;
      case 'count':
        aggr.floatValue = aggr.groupCount;
        break;
      case 'stdvar':
        aggr.floatValue /= aggr.groupCount;
        break;
      case 'stddev':
        aggr.floatValue = Math.sqrt(aggr.floatValue / aggr.groupCount);
        break;
      case 'quantile':
        aggr.floatValue = quantile(q, aggr.values);
        break;
      case 'sum':
        if (aggr.hasFloat && aggr.hasHistogram) {
          enh.warn(annoMixedFloatsHistogramsAgg());
          continue;
        }
        if (aggr.incompatibleHistograms) continue;
        if (aggr.hasHistogram) aggr.histogramValue = compactHistogram(aggr.histogramValue!);
        else aggr.floatValue += aggr.floatKahanC;
        break;
      default:
        break;
    }
    if (aggr.counterResetSeen && aggr.notCounterResetSeen) enh.warn(annoHistogramCounterResetCollision('aggregation'));
    const ss = output[ri]!;
    addPoint(ss, enh.ts, aggr.floatValue, aggr.histogramValue);
    ss.dropName = aggr.dropName;
  }
}

function lessByValue(a: ESample, b: ESample): boolean {
  if (Number.isNaN(a.f)) return true;
  return a.f < b.f;
}

function lessByReverseValue(a: ESample, b: ESample): boolean {
  if (Number.isNaN(a.f)) return true;
  return a.f > b.f;
}

function heapUp(h: ESample[], j: number, less: (a: ESample, b: ESample) => boolean): void {
  for (;;) {
    const i = Math.trunc((j - 1) / 2);
    if (i === j || !less(h[j]!, h[i]!)) break;
    const t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
    j = i;
  }
}

function heapDown(h: ESample[], i0: number, n: number, less: (a: ESample, b: ESample) => boolean): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h[j2]!, h[j1]!)) j = j2;
    if (!less(h[j]!, h[i]!)) break;
    const t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
    i = j;
  }
  return i > i0;
}

function heapPush(h: ESample[], s: ESample, less: (a: ESample, b: ESample) => boolean): void {
  h.push(s);
  heapUp(h, h.length - 1, less);
}

function heapFix(h: ESample[], i: number, less: (a: ESample, b: ESample) => boolean): void {
  if (!heapDown(h, i, h.length, less)) heapUp(h, i, less);
}

function sortReverse(h: ESample[], less: (a: ESample, b: ESample) => boolean): void {
  // sort.Sort(sort.Reverse(heap)): ascending by the reversed Less.
  h.sort((a, b) => (less(b, a) ? -1 : less(a, b) ? 1 : 0));
}

const FLOAT64_MAX_UINT64 = 18446744073709551615;

/** ratioSampleOffset is HashRatioSampler.SampleOffset: labels hash / MaxUint64. */
function ratioSampleOffset(metric: Labels): number {
  return Number(labelsHash(metric)) / FLOAT64_MAX_UINT64;
}

function addRatioSample(ratioLimit: number, s: ESample): boolean {
  const off = ratioSampleOffset(s.metric);
  return (ratioLimit >= 0 && off < ratioLimit) || (ratioLimit < 0 && off >= 1.0 + ratioLimit);
}

function aggregationK(
  ev: EvalHost,
  e: AggregateExpr,
  fParam: number,
  input: EMatrix,
  seriesToResult: Int32Array,
  groups: Group[],
  enh: EvalNodeHelper,
  seriess: Map<string, ESeries>,
): EMatrix {
  const op = e.op;
  let groupsRemaining = groups.length;
  for (const g of groups) g.seen = false;
  const advanceRemainingSeries = (ts: number, startIdx: number): void => {
    for (let i = startIdx; i < input.length; i++) nextValues(ts, input[i]!);
  };
  seriesLoop: for (let si = 0; si < input.length; si++) {
    const nv = nextValues(enh.ts, input[si]!);
    if (!nv.ok) continue;
    const s: ESample = { metric: input[si]!.metric, t: 0, f: nv.f, h: nv.h, dropName: input[si]!.dropName };
    let k = 0;
    let r = 0;
    switch (op) {
      case 'topk':
      case 'bottomk':
      case 'limitk':
        k = Math.min(Math.trunc(fParam), input.length);
        if (k < 1) {
          if (enh.ts !== ev.end) advanceRemainingSeries(enh.ts, si + 1);
          return [];
        }
        break;
      case 'limit_ratio':
        if (fParam === 0) {
          if (enh.ts !== ev.end) advanceRemainingSeries(enh.ts, si + 1);
          return [];
        }
        r = fParam < -1 ? -1 : fParam > 1 ? 1 : fParam;
        break;
      default:
        break;
    }
    const group = groups[seriesToResult[si]!]!;
    if (!group.seen) {
      resetGroup(group);
      group.seen = true;
      switch (op) {
        case 'limit_ratio':
          if (addRatioSample(r, s)) heapPush(group.heap, s, lessByValue);
          break;
        case 'limitk':
          group.heap = [s];
          break;
        case 'topk':
          if (s.h !== null) {
            group.seen = false;
            enh.annos.info(annoHistogramIgnoredInAggregation('topk'), e.pos);
          } else {
            heapPush(group.heap, s, lessByValue);
          }
          break;
        case 'bottomk':
          if (s.h !== null) {
            group.seen = false;
            enh.annos.info(annoHistogramIgnoredInAggregation('bottomk'), e.pos);
          } else {
            heapPush(group.heap, s, lessByReverseValue);
          }
          break;
        default:
          break;
      }
      continue;
    }
    switch (op) {
      case 'topk':
        if (s.h !== null) {
          enh.annos.info(annoHistogramIgnoredInAggregation('topk'), e.pos);
        } else if (group.heap.length < k) {
          heapPush(group.heap, s, lessByValue);
        } else if (group.heap[0]!.f < s.f || (Number.isNaN(group.heap[0]!.f) && !Number.isNaN(s.f))) {
          group.heap[0] = s;
          if (k > 1) heapFix(group.heap, 0, lessByValue);
        }
        break;
      case 'bottomk':
        if (s.h !== null) {
          enh.annos.info(annoHistogramIgnoredInAggregation('bottomk'), e.pos);
        } else if (group.heap.length < k) {
          heapPush(group.heap, s, lessByReverseValue);
        } else if (group.heap[0]!.f > s.f || (Number.isNaN(group.heap[0]!.f) && !Number.isNaN(s.f))) {
          group.heap[0] = s;
          if (k > 1) heapFix(group.heap, 0, lessByReverseValue);
        }
        break;
      case 'limitk':
        if (group.heap.length < k) heapPush(group.heap, s, lessByValue);
        if (!group.groupAggrComplete && group.heap.length === k) {
          group.groupAggrComplete = true;
          groupsRemaining--;
          if (groupsRemaining === 0) {
            if (enh.ts !== ev.end) advanceRemainingSeries(enh.ts, si + 1);
            break seriesLoop;
          }
        }
        break;
      case 'limit_ratio':
        if (addRatioSample(r, s)) heapPush(group.heap, s, lessByValue);
        break;
      default:
        throw execError(`expected aggregation operator but got "${op}"`);
    }
  }
  const instant = ev.start === ev.end;
  const mat: EMatrix = [];
  const add = (metric: Labels, f: number, h: FloatHistogram | null, dropName: boolean): void => {
    if (instant) {
      const ss = new ESeries(metric, dropName);
      addPoint(ss, enh.ts, f, h);
      mat.push(ss);
      return;
    }
    const key = keyOf(metric);
    let ss = seriess.get(key);
    if (ss === undefined) {
      ss = new ESeries(metric, dropName);
      seriess.set(key, ss);
    }
    addPoint(ss, enh.ts, f, h);
  };
  for (const aggr of groups) {
    if (!aggr.seen) continue;
    switch (op) {
      case 'topk':
        if (aggr.heap.length > 1) sortReverse(aggr.heap, lessByValue);
        break;
      case 'bottomk':
        if (aggr.heap.length > 1) sortReverse(aggr.heap, lessByReverseValue);
        break;
      default:
        break;
    }
    for (const v of aggr.heap) add(v.metric, v.f, v.h, v.dropName);
  }
  return mat;
}

/** aggregationCountValues evaluates count_values at one step. */
export function aggregationCountValues(e: AggregateExpr, grouping: readonly string[], valueLabel: string, vec: EVector, enh: EvalNodeHelper): EVector {
  const result = new Map<string, { labels: Labels; count: number }>();
  const lb = new LabelEditor([]);
  for (const s of vec) {
    lb.reset(s.metric);
    lb.set(valueLabel, s.h === null ? formatSampleValue(s.f) : histogramString(s.h));
    const metric = lb.labels();
    const key = groupingKey(metric, grouping, e.without);
    const g = result.get(key);
    if (g === undefined) {
      result.set(key, { labels: groupingLabels(metric, e.without, grouping), count: 1 });
      continue;
    }
    g.count++;
  }
  for (const g of result.values()) enh.out.push({ metric: g.labels, t: 0, f: g.count, h: null, dropName: false });
  return enh.out;
}
