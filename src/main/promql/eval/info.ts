/**
 * The experimental info() function: enriches series with the data labels of matching info series
 * (target_info by default), joined on the identifying labels instance and job
 * (Prometheus's promql/info.go).
 */
import { labelsString, MetricName, type Labels } from '../../../common/model/labels';
import { Matcher } from '../../../common/model/matcher';
import type { Expr } from '../../../common/promql/ast';
import type { SelectHints } from '../../storage/interface';
import type { EvalHost } from '../kernel/host';
import { execError, tooManySamples } from '../kernel/context';
import { walk } from './preprocess';
import { evalSeries } from './selectors';
import { getLabel, getMetricName, keyOf, LabelEditor } from '../kernel/labels';
import { ESeries, type EMatrix, type ESample, type EVector } from '../kernel/types';

const TARGET_INFO = 'target_info';
const IDENTIFYING_LABELS = ['instance', 'job'];

function matchersMatch(ms: readonly Matcher[], v: string): boolean {
  for (const m of ms) if (!m.matches(v)) return false;
  return true;
}

function isPositive(m: Matcher): boolean {
  return m.type === '=' || m.type === '=~';
}

function hasPositive(ms: readonly Matcher[]): boolean {
  return ms.some(isPositive);
}

function escapeRegex(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** evalInfo implements info(v [, label-selector]). */
export function evalInfo(ev: EvalHost, args: readonly Expr[]): EMatrix {
  const mat = ev.evalMatrix(args[0]!);
  const dataLabelMatchers = new Map<string, Matcher[]>();
  let infoNameMatchers: Matcher[] = [];
  if (args.length > 1) {
    const sel = args[1]!;
    if (sel.kind !== 'VectorSelector') throw execError('info(): the second argument must be a label selector');
    for (const m of sel.matchers) {
      const l = dataLabelMatchers.get(m.name);
      if (l === undefined) dataLabelMatchers.set(m.name, [m]);
      else l.push(m);
      if (m.name === MetricName) infoNameMatchers.push(m);
    }
  } else {
    infoNameMatchers = [new Matcher('=', MetricName, TARGET_INFO)];
  }
  const ignoreSeries = new Set<string>();
  for (const s of mat) {
    const name = getMetricName(s.metric);
    if (hasPositive(infoNameMatchers) && matchersMatch(infoNameMatchers, name)) ignoreSeries.add(keyOf(s.metric));
  }
  const hints = infoSelectHints(ev, args[0]!);
  const infoMat = fetchInfoSeries(ev, mat, ignoreSeries, dataLabelMatchers, hints);
  return combineWithInfoSeries(ev, mat, infoMat, ignoreSeries, dataLabelMatchers);
}

function infoSelectHints(ev: EvalHost, expr: Expr): SelectHints {
  let nodeTimestamp: number | null = null;
  let offset = 0;
  let done = false;
  walk(expr, (n) => {
    if (done || n.kind !== 'VectorSelector') return;
    if (n.timestamp !== null) nodeTimestamp = n.timestamp;
    offset = n.originalOffset;
    done = true;
  });
  let start = ev.start;
  let end = ev.end;
  if (nodeTimestamp !== null) {
    start = nodeTimestamp;
    end = nodeTimestamp;
  }
  start -= ev.ctx.opts.lookbackDelta - 1;
  start -= offset;
  end -= offset;
  return { start, end, step: ev.interval, func: 'info' };
}

function removeNameMatchers(dataLabelMatchers: Map<string, Matcher[]>): void {
  for (const [name, ms] of [...dataLabelMatchers]) {
    const rest = ms.filter((m) => m.name !== MetricName);
    if (rest.length > 0) dataLabelMatchers.set(name, rest);
    else dataLabelMatchers.delete(name);
  }
}

function fetchInfoSeries(
  ev: EvalHost,
  mat: EMatrix,
  ignoreSeries: Set<string>,
  dataLabelMatchers: Map<string, Matcher[]>,
  hints: SelectHints,
): EMatrix {
  const idLblValues = new Map<string, Set<string>>();
  for (const s of mat) {
    if (ignoreSeries.has(keyOf(s.metric))) continue;
    for (const l of IDENTIFYING_LABELS) {
      const v = getLabel(s.metric, l);
      if (v === '') continue;
      let set = idLblValues.get(l);
      if (set === undefined) {
        set = new Set();
        idLblValues.set(l, set);
      }
      set.add(v);
    }
  }
  if (idLblValues.size === 0) {
    removeNameMatchers(dataLabelMatchers);
    return [];
  }
  const infoLabelMatchers: Matcher[] = [];
  for (const [name, vals] of idLblValues) {
    infoLabelMatchers.push(new Matcher('=~', name, [...vals].map(escapeRegex).join('|')));
  }
  let hasNameMatcher = false;
  let hasPositiveNameMatcher = false;
  for (const ms of dataLabelMatchers.values()) {
    for (const m of ms) {
      if (m.name === MetricName) {
        hasNameMatcher = true;
        if (isPositive(m)) hasPositiveNameMatcher = true;
      }
      infoLabelMatchers.push(m);
    }
  }
  removeNameMatchers(dataLabelMatchers);
  if (!hasNameMatcher) infoLabelMatchers.unshift(new Matcher('=', MetricName, TARGET_INFO));
  // Only negative name matchers: still restrict the candidates to info metrics.
  else if (!hasPositiveNameMatcher) infoLabelMatchers.unshift(new Matcher('=~', MetricName, '.+_info'));
  const infoSeries = ev.ctx.selectWith(hints, infoLabelMatchers);
  return evalSeries(ev, infoSeries, 0, true);
}

function combineWithInfoSeries(
  ev: EvalHost,
  mat: EMatrix,
  infoMat: EMatrix,
  ignoreSeries: Set<string>,
  dataLabelMatchers: Map<string, Matcher[]>,
): EMatrix {
  const sigFunction = (name: string) => (ls: Labels): string => {
    let s = MetricName + '\xff' + name + '\xff';
    for (const l of ls) if (IDENTIFYING_LABELS.includes(l.name)) s += l.name + '\xff' + l.value + '\xff';
    return s;
  };
  const infoMetrics = new Set<string>();
  for (const s of infoMat) infoMetrics.add(getMetricName(s.metric));
  const sigfs = new Map<string, (ls: Labels) => string>();
  for (const n of infoMetrics) sigfs.set(n, sigFunction(n));
  const baseSigs = new Map<string, Map<string, string>>();
  for (const s of mat) {
    const sigs = new Map<string, string>();
    for (const n of infoMetrics) sigs.set(n, sigfs.get(n)!(s.metric));
    baseSigs.set(keyOf(s.metric), sigs);
  }
  const infoSigs = new Map<string, string>();
  for (const s of infoMat) infoSigs.set(keyOf(s.metric), sigfs.get(getMetricName(s.metric))!(s.metric));

  const originalNumSamples = ev.currentSamples;
  let tempNumSamples = ev.currentSamples;
  const seriess = new Map<string, { s: ESeries; ts: number }>();
  const baseVec: EVector = [];
  const infoVec: EVector = [];
  const gather = (ts: number, input: EMatrix, out: EVector): void => {
    out.length = 0;
    for (const s of input) {
      if (s.fi < s.fT.length && s.fT[s.fi] === ts) {
        out.push({ metric: s.metric, t: ts, f: s.fF[s.fi]!, h: null, dropName: s.dropName });
        s.fi++;
      } else if (s.hi < s.hT.length && s.hT[s.hi] === ts) {
        out.push({ metric: s.metric, t: ts, f: 0, h: s.hH[s.hi]!, dropName: s.dropName });
        s.hi++;
      }
    }
  };
  for (let ts = ev.start; ts <= ev.end; ts += ev.interval) {
    ev.ctx.check();
    ev.currentSamples = tempNumSamples;
    gather(ts, mat, baseVec);
    gather(ts, infoMat, infoVec);
    const result = combineWithInfoVector(baseVec, infoVec, ignoreSeries, baseSigs, infoSigs, dataLabelMatchers);
    ev.currentSamples += result.length;
    tempNumSamples += result.length;
    if (ev.currentSamples > ev.ctx.opts.maxSamples) throw tooManySamples();
    for (const sample of result) {
      const k = keyOf(sample.metric);
      let e = seriess.get(k);
      if (e !== undefined) {
        if (e.ts === ts) throw execError('vector cannot contain metrics with the same labelset');
        e.ts = ts;
      } else {
        e = { s: new ESeries(sample.metric, sample.dropName), ts };
        seriess.set(k, e);
      }
      if (sample.h === null) {
        e.s.fT.push(ts);
        e.s.fF.push(sample.f);
      } else {
        e.s.hT.push(ts);
        e.s.hH.push(sample.h);
      }
    }
  }
  const out: EMatrix = [];
  let n = 0;
  for (const e of seriess.values()) {
    out.push(e.s);
    n += e.s.pointCount();
  }
  ev.currentSamples = originalNumSamples + n;
  return out;
}

function combineWithInfoVector(
  base: EVector,
  info: EVector,
  ignoreSeries: Set<string>,
  baseSigs: Map<string, Map<string, string>>,
  infoSigs: Map<string, string>,
  dataLabelMatchers: Map<string, Matcher[]>,
): EVector {
  const out: EVector = [];
  if (base.length === 0) return out;
  const rightSigs = new Map<string, ESample>();
  for (const s of info) {
    if (s.h !== null) throw execError('info sample should be float');
    const origT = Math.trunc(s.f);
    const sig = infoSigs.get(keyOf(s.metric))!;
    const existing = rightSigs.get(sig);
    if (existing !== undefined) {
      const existingOrigT = Math.trunc(existing.f);
      if (existingOrigT > origT) continue;
      if (existingOrigT < origT) {
        rightSigs.set(sig, s);
        continue;
      }
      throw execError(
        `found duplicate series for info metric: existing ${labelsString(existing.metric)} @ ${existingOrigT}, new ${labelsString(s.metric)} @ ${origT}`,
      );
    }
    rightSigs.set(sig, s);
  }
  const lb = new LabelEditor([]);
  for (const bs of base) {
    const hash = keyOf(bs.metric);
    if (ignoreSeries.has(hash)) {
      out.push({ metric: bs.metric, t: 0, f: bs.f, h: bs.h, dropName: false });
      continue;
    }
    const baseLabels = new Set(bs.metric.map((l) => l.name));
    lb.reset([]);
    const seen = new Set<string>();
    for (const [infoName, sig] of baseSigs.get(hash) ?? new Map<string, string>()) {
      const is = rightSigs.get(sig);
      if (is === undefined || seen.has(infoName)) continue;
      for (const l of is.metric) {
        if (l.name === MetricName) continue;
        if (dataLabelMatchers.size > 0 && !dataLabelMatchers.has(l.name)) continue;
        const v = lb.get(l.name);
        if (v !== '' && v !== l.value) throw execError(`conflicting label: ${l.name}`);
        if (baseLabels.has(l.name)) continue;
        lb.set(l.name, l.value);
      }
      seen.add(infoName);
    }
    const infoLbls = lb.labels();
    if (seen.size === 0) {
      let allMatchEmpty = true;
      for (const ms of dataLabelMatchers.values()) {
        for (const m of ms) {
          if (!m.matches('')) {
            allMatchEmpty = false;
            break;
          }
        }
      }
      if (!allMatchEmpty) continue;
    }
    const b2 = new LabelEditor(bs.metric);
    for (const l of infoLbls) b2.set(l.name, l.value);
    out.push({ metric: b2.labels(), t: 0, f: bs.f, h: bs.h, dropName: false });
  }
  return out;
}
