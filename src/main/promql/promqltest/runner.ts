/**
 * The conformance runner: executes test scripts against the engine and an in-memory store and
 * checks results, errors and annotations as Prometheus's promqltest harness does, including its
 * implicit checks (FORMAT.md §5.5): every instant eval is re-run with `@ <eval time>` added to all
 * selectors at five other times, and as a range query whose middle step must agree.
 */
import type { FloatHistogram, Span } from '../../../common/model/histogram';
import { labelsCompare, labelsKey, labelsString, MetricName, type Labels } from '../../../common/model/labels';
import { isStaleNaN } from '../../../common/model/value';
import { children, type Expr } from '../../../common/promql/ast';
import { ParseError } from '../../../common/promql';
import { Engine } from '../engine';
import { AT_MODIFIER_UNSAFE_FUNCTIONS } from '../kernel/funcnames';
import { compactHistogram } from '../histogram/arith';
import { histogramString, usesCustomBuckets } from '../histogram/float_histogram';
import { QueryError, type EngineOpts, type QueryResult, type Sample, type Value } from '../value';
import { MemStore } from './memstore';
import { isFail, isOrdered, type EvalCmd, type ExpectMatcher, type LoadCmd } from './script';
import type { SequenceValue } from './seriesdesc';

/** CONFORMANCE_ENGINE_OPTS are the engine settings the test scripts assume (FORMAT.md §5.6). */
export const CONFORMANCE_ENGINE_OPTS: Partial<EngineOpts> = {
  maxSamples: 10000,
  timeoutMs: 100_000,
  lookbackDeltaMs: 300_000,
  noStepSubqueryIntervalMs: 60_000,
  enableAtModifier: true,
  enableNegativeOffset: true,
  enableDelayedNameRemoval: true,
  enableExperimentalFunctions: true,
  enableDurationExpressions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
  // Upstream's test engine does not switch type-and-unit labels on in the engine (only the
  // metadata-label removal rules apply, which are always on); doing so would change rate()'s info.
  enableTypeAndUnitLabels: false,
  enableStartTimestamps: true,
};

const DEFAULT_EPSILON = 0.000001;
const MIN_NORMAL = 2.2250738585072014e-308;

/** almostEqual is util/almost.Equal with the stale-marker rules. */
export function almostEqual(a: number, b: number, epsilon = DEFAULT_EPSILON): boolean {
  if (isStaleNaN(a) || isStaleNaN(b)) return isStaleNaN(a) && isStaleNaN(b);
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

function allEmpty(s: readonly Span[]): boolean {
  return s.every((x) => x.length === 0);
}

function spansMatch(s1: readonly Span[], s2: readonly Span[]): boolean {
  if (s1.length === 0 && s2.length === 0) return true;
  let i1 = 0;
  let i2 = 0;
  for (;;) {
    if (i1 >= s1.length) return allEmpty(s2.slice(i2));
    if (i2 >= s2.length) return allEmpty(s1.slice(i1));
    const a = { ...s1[i1++]! };
    const b = { ...s2[i2++]! };
    if (a.length === 0) {
      for (; i1 < s1.length && s1[i1]!.length === 0; i1++) a.offset += s1[i1]!.offset;
      if (i1 < s1.length) {
        a.offset += s1[i1]!.offset;
        a.length = s1[i1]!.length;
        i1++;
      }
    }
    if (b.length === 0) {
      for (; i2 < s2.length && s2[i2]!.length === 0; i2++) b.offset += s2[i2]!.offset;
      if (i2 < s2.length) {
        b.offset += s2[i2]!.offset;
        b.length = s2[i2]!.length;
        i2++;
      }
    }
    if (a.length === 0 && b.length === 0) return true;
    if (a.offset !== b.offset || a.length !== b.length) return false;
  }
}

function bucketsMatch(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!almostEqual(a[i]!, b[i]!)) return false;
  return true;
}

/** compareHistograms is compareNativeHistogram on compacted histograms. */
export function compareHistograms(expIn: FloatHistogram, curIn: FloatHistogram, hintSet: boolean): boolean {
  const exp = compactHistogram(expIn);
  const cur = compactHistogram(curIn);
  if (exp.schema !== cur.schema || !almostEqual(exp.count, cur.count) || !almostEqual(exp.sum, cur.sum)) return false;
  if (usesCustomBuckets(exp)) {
    const a = exp.customValues ?? [];
    const b = cur.customValues ?? [];
    if (a.length !== b.length || a.some((v, i) => v !== b[i])) return false;
  }
  if (exp.zeroThreshold !== cur.zeroThreshold || !almostEqual(exp.zeroCount, cur.zeroCount)) return false;
  if (!spansMatch(exp.negativeSpans, cur.negativeSpans) || !bucketsMatch(exp.negativeBuckets, cur.negativeBuckets)) return false;
  if (!spansMatch(exp.positiveSpans, cur.positiveSpans) || !bucketsMatch(exp.positiveBuckets, cur.positiveBuckets)) return false;
  if (hintSet && exp.counterResetHint !== cur.counterResetHint) return false;
  return true;
}

function fmtVal(v: SequenceValue): string {
  if (v.omitted) return '_';
  if (v.histogram !== null) return histogramString(v.histogram);
  return String(v.value);
}

function checkMatch(m: ExpectMatcher, s: string): boolean {
  if (m.regex === null) return m.message === s;
  m.regex.lastIndex = 0;
  return m.regex.test(s);
}

function checkExpectedFailure(cmd: EvalCmd, err: Error): string | null {
  const msg = err.message;
  if (cmd.expectedFailMessage !== null && cmd.expectedFailMessage !== msg) {
    return `expected error ${JSON.stringify(cmd.expectedFailMessage)} evaluating query, but got: ${msg}`;
  }
  if (cmd.expectedFailRegexp !== null) {
    cmd.expectedFailRegexp.lastIndex = 0;
    if (!cmd.expectedFailRegexp.test(msg)) return `expected error matching pattern ${cmd.expectedFailRegexp.source} evaluating query, but got: ${msg}`;
  }
  const f = cmd.expectFail[0];
  if (f !== undefined && !checkMatch(f, msg)) {
    return `expected error matching ${JSON.stringify(f.message ?? f.regex?.source ?? '')} evaluating query, but got: ${msg}`;
  }
  return null;
}

function validateAnnos(expected: ExpectMatcher[], actual: string[], kind: string): string | null {
  if (expected.length === 0) return null;
  if (actual.length === 0) return `expected ${kind} annotations but none were found`;
  for (const e of expected) {
    if (!actual.some((a) => checkMatch(e, a))) {
      return `expected ${kind} annotation matching ${e.regex === null ? 'message' : 'pattern'} ${JSON.stringify(e.message ?? e.regex!.source)} but no matching annotation was found, found: ${JSON.stringify(actual)}`;
    }
  }
  for (const a of actual) {
    if (!expected.some((e) => checkMatch(e, a))) return `unexpected ${kind} annotation ${JSON.stringify(a)} found`;
  }
  return null;
}

/** checkAnnotations asserts the expect warn/info/no_warn/no_info lines. */
export function checkAnnotations(cmd: EvalCmd, res: QueryResult): string | null {
  if (cmd.warn && res.warnings.length === 0) return 'expected warnings evaluating query but got none';
  if (cmd.info && res.infos.length === 0) return 'expected info annotations evaluating query but got none';
  const w = validateAnnos(cmd.expectWarn, res.warnings, 'warn');
  if (w !== null) return w;
  const i = validateAnnos(cmd.expectInfo, res.infos, 'info');
  if (i !== null) return i;
  if (cmd.expectNoWarn && res.warnings.length > 0) return `unexpected warning annotations evaluating query: ${JSON.stringify(res.warnings)}`;
  if (cmd.expectNoInfo && res.infos.length > 0) return `unexpected info annotations evaluating query: ${JSON.stringify(res.infos)}`;
  return null;
}

function assertMatrixSorted(series: readonly { metric: Labels }[]): string | null {
  for (let i = 0; i + 1 < series.length; i++) {
    if (labelsCompare(series[i]!.metric, series[i + 1]!.metric) > 0) {
      return `matrix results should always be sorted by labels, but matrix is not sorted: series at index ${i + 1} with labels ${labelsString(series[i + 1]!.metric)} sorts before series at index ${i} with labels ${labelsString(series[i]!.metric)}`;
    }
  }
  return null;
}

function compareVector(cmd: EvalCmd, samples: readonly Sample[]): string | null {
  if (cmd.expectScalar) return `expected scalar result, but got vector of ${samples.length} samples`;
  const seen = new Set<string>();
  for (let pos = 0; pos < samples.length; pos++) {
    const v = samples[pos]!;
    const k = labelsKey(v.metric);
    const exp = cmd.expected.get(k);
    if (exp === undefined) {
      return `unexpected metric ${labelsString(v.metric)} in result, has value ${v.h !== null ? histogramString(v.h) : String(v.f)}`;
    }
    if (isOrdered(cmd) && exp.pos !== pos + 1) {
      return `expected metric ${labelsString(v.metric)} at position ${exp.pos} but was at ${pos + 1}`;
    }
    const e0 = exp.vals[0]!;
    if (e0.histogram === null && v.h !== null) return `expected float value ${fmtVal(e0)} for ${labelsString(v.metric)} but got histogram ${histogramString(v.h)}`;
    if (e0.histogram !== null && v.h === null) return `expected histogram ${fmtVal(e0)} for ${labelsString(v.metric)} but got float value ${v.f}`;
    if (e0.histogram !== null && v.h !== null && !compareHistograms(e0.histogram, v.h, e0.counterResetHintSet)) {
      return `expected ${fmtVal(e0)} for ${labelsString(v.metric)} but got ${histogramString(v.h)}`;
    }
    if (e0.histogram === null && !almostEqual(e0.value, v.f)) return `expected ${e0.value} for ${labelsString(v.metric)} but got ${v.f}`;
    seen.add(k);
  }
  for (const [k, e] of cmd.expected) {
    if (!seen.has(k)) return `expected metric ${labelsString(e.labels)} with ${JSON.stringify(e.vals.map(fmtVal))} not found`;
  }
  return null;
}

/** compareResult compares a query result with the expectation of an eval command. */
export function compareResult(cmd: EvalCmd, value: Value): string | null {
  switch (value.type) {
    case 'matrix': {
      if (isOrdered(cmd)) return 'expected ordered result, but query returned a matrix';
      if (cmd.expectScalar) return 'expected scalar result, but got matrix';
      const ns = assertMatrixSorted(value.series);
      if (ns !== null) return ns;
      const seen = new Set<string>();
      for (const s of value.series) {
        const k = labelsKey(s.metric);
        const exp = cmd.expected.get(k);
        if (exp === undefined) return `unexpected metric ${labelsString(s.metric)} in result, has ${describeSeries(s.floats, s.histograms.length)}`;
        seen.add(k);
        const ef: { t: number; f: number }[] = [];
        const eh: { t: number; h: FloatHistogram; set: boolean }[] = [];
        for (let i = 0; i < exp.vals.length; i++) {
          const ts = cmd.start + i * cmd.step;
          if (ts > cmd.end) return `expected ${exp.vals.length} points for ${labelsString(exp.labels)}, but query time range cannot return this many points`;
          const e = exp.vals[i]!;
          if (e.histogram !== null) eh.push({ t: ts, h: e.histogram, set: e.counterResetHintSet });
          else if (!e.omitted) ef.push({ t: ts, f: e.value });
        }
        if (ef.length !== s.floats.length || eh.length !== s.histograms.length) {
          return `expected ${ef.length} float points and ${eh.length} histogram points for ${labelsString(exp.labels)}, but got ${describeSeries(s.floats, s.histograms.length)}`;
        }
        for (let i = 0; i < ef.length; i++) {
          const a = s.floats[i]!;
          if (ef[i]!.t !== a.t) return `expected float value at index ${i} for ${labelsString(exp.labels)} to have timestamp ${ef[i]!.t}, but it had timestamp ${a.t}`;
          if (!almostEqual(a.f, ef[i]!.f)) return `expected float value at index ${i} (t=${a.t}) for ${labelsString(exp.labels)} to be ${ef[i]!.f}, but got ${a.f}`;
        }
        for (let i = 0; i < eh.length; i++) {
          const a = s.histograms[i]!;
          if (eh[i]!.t !== a.t) return `expected histogram value at index ${i} for ${labelsString(exp.labels)} to have timestamp ${eh[i]!.t}, but it had timestamp ${a.t}`;
          if (!compareHistograms(eh[i]!.h, a.h, eh[i]!.set)) {
            return `expected histogram value at index ${i} (t=${a.t}) for ${labelsString(exp.labels)} to be ${histogramString(eh[i]!.h)}, but got ${histogramString(a.h)}`;
          }
        }
      }
      for (const [k, e] of cmd.expected) if (!seen.has(k)) return `expected metric ${labelsString(e.labels)} not found`;
      return null;
    }
    case 'vector':
      return compareVector(cmd, value.samples);
    case 'scalar': {
      if (!cmd.expectScalar) return `expected vector or matrix result, but got scalar ${value.v}`;
      if (!almostEqual(cmd.scalar, value.v)) return `expected scalar ${cmd.scalar} but got ${value.v}`;
      return null;
    }
    case 'string': {
      const exp = cmd.expectedString ?? '';
      if (exp !== value.v) return `expected string "${exp}" but got "${value.v}"`;
      return null;
    }
  }
}

function describeSeries(floats: readonly { t: number; f: number }[], nh: number): string {
  return `${floats.length} float point(s) [${floats.map((p) => `${p.f} @[${p.t}]`).join(' ')}] and ${nh} histogram point(s)`;
}

/** rewriteWithAt adds `@ ts` to every selector and subquery without one (not inside subqueries). */
export function rewriteWithAt(e: Expr, ts: number): void {
  switch (e.kind) {
    case 'VectorSelector':
      if (e.timestamp === null) {
        e.timestamp = ts;
        e.startOrEnd = null;
      }
      return;
    case 'MatrixSelector':
      if (e.vectorSelector.timestamp === null) {
        e.vectorSelector.timestamp = ts;
        e.vectorSelector.startOrEnd = null;
      }
      return;
    case 'SubqueryExpr':
      if (e.timestamp === null) {
        e.timestamp = ts;
        e.startOrEnd = null;
      }
      return;
    default:
      for (const c of children(e)) rewriteWithAt(c, ts);
  }
}

/** containsAtUnsafeCall reports whether e calls an @-unsafe function outside of subqueries. */
export function containsAtUnsafeCall(e: Expr): boolean {
  if (e.kind === 'SubqueryExpr') return false;
  if (e.kind === 'Call' && AT_MODIFIER_UNSAFE_FUNCTIONS.has(e.func.name)) return true;
  for (const c of children(e)) if (containsAtUnsafeCall(c)) return true;
  return false;
}

/** selectorsOf lists every vector selector of e (also inside range selectors and subqueries). */
export function selectorsOf(e: Expr): Extract<Expr, { kind: 'VectorSelector' }>[] {
  const out: Extract<Expr, { kind: 'VectorSelector' }>[] = [];
  const visit = (n: Expr): void => {
    if (n.kind === 'VectorSelector') out.push(n);
    for (const c of children(n)) visit(c);
  };
  visit(e);
  return out;
}

const RE_QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;

/** EvalContext is what the runner needs to execute evals. */
export interface EvalContext {
  engine: Engine;
  store: MemStore;
  parse: (q: string) => Expr;
}

function runQuery(ctx: EvalContext, expr: () => Expr, start: number, end: number, step: number): { res: QueryResult | null; err: Error | null } {
  try {
    return { res: ctx.engine.execExpr(ctx.store, expr(), start, end, step), err: null };
  } catch (e) {
    if (e instanceof QueryError) return { res: null, err: e };
    if (e instanceof ParseError) return { res: null, err: e };
    return { res: null, err: new Error(`internal error: ${(e as Error).stack ?? String(e)}`) };
  }
}

function execRangeEval(ctx: EvalContext, cmd: EvalCmd): string | null {
  const { res, err } = runQuery(ctx, () => ctx.parse(cmd.expr), cmd.start, cmd.end, cmd.step);
  if (err !== null) {
    if (isFail(cmd)) return checkExpectedFailure(cmd, err);
    return `error evaluating query: ${err.message}`;
  }
  if (isFail(cmd)) return 'expected error evaluating query but got none';
  const a = checkAnnotations(cmd, res!);
  if (a !== null) return a;
  return compareResult(cmd, res!.value);
}

function runInstantVariant(ctx: EvalContext, cmd: EvalCmd, mk: () => Expr, evalTime: number, label: string): string | null {
  const { res, err } = runQuery(ctx, mk, evalTime, evalTime, 0);
  if (err !== null) {
    if (isFail(cmd)) return checkExpectedFailure(cmd, err);
    return `${label}: error evaluating query: ${err.message}`;
  }
  if (isFail(cmd)) return `${label}: expected error evaluating query but got none`;
  const a = checkAnnotations(cmd, res!);
  if (a !== null) return `${label}: ${a}`;
  const c = compareResult(cmd, res!.value);
  if (c !== null) return `${label}: ${c}`;
  if (cmd.excludeFromRangeQuery || RE_QUERY_CONTEXT_FUNCS.test(cmd.expr)) return null;
  const r = runQuery(ctx, mk, evalTime - 60_000, evalTime + 60_000, 60_000);
  if (r.err !== null) return `${label} range mode: error evaluating query: ${r.err.message}`;
  if (isOrdered(cmd)) return null;
  const v = r.res!.value;
  if (v.type !== 'matrix') return `${label} range mode: expected a matrix, got ${v.type}`;
  const ns = assertMatrixSorted(v.series);
  if (ns !== null) return `${label} range mode: ${ns}`;
  const vec: Sample[] = [];
  for (const s of v.series) {
    const fp = s.floats.find((p) => p.t === evalTime);
    if (fp !== undefined) vec.push({ metric: s.metric, t: fp.t, f: fp.f, h: null });
    const hp = s.histograms.find((p) => p.t === evalTime);
    if (hp !== undefined) vec.push({ metric: s.metric, t: hp.t, f: 0, h: hp.h });
  }
  let c2: string | null;
  if (res!.value.type === 'scalar') {
    c2 = vec.length === 0 ? 'expected a scalar point at the evaluation time' : compareResult(cmd, { type: 'scalar', t: evalTime, v: vec[0]!.f });
  } else {
    c2 = compareResult(cmd, { type: 'vector', samples: vec });
  }
  return c2 === null ? null : `${label} range mode: ${c2}`;
}

function execInstantEval(ctx: EvalContext, cmd: EvalCmd): string | null {
  const t = cmd.evalTime;
  const variants: { mk: () => Expr; time: number; label: string }[] = [{ mk: () => ctx.parse(cmd.expr), time: t, label: 'instant' }];
  let probe: Expr | null = null;
  try {
    probe = ctx.parse(cmd.expr);
  } catch {
    probe = null;
  }
  if (probe !== null && !containsAtUnsafeCall(probe)) {
    const times = t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
    for (const et of times) {
      variants.push({
        mk: () => {
          const e = ctx.parse(cmd.expr);
          rewriteWithAt(e, t);
          return e;
        },
        time: et,
        label: `with @ ${t / 1000} at ${et / 1000}s`,
      });
    }
  }
  for (const v of variants) {
    const f = runInstantVariant(ctx, cmd, v.mk, v.time, v.label);
    if (f !== null) return f;
  }
  return null;
}

/** execEval runs one eval command; returns a failure message or null. */
export function execEval(ctx: EvalContext, cmd: EvalCmd): string | null {
  return cmd.isRange ? execRangeEval(ctx, cmd) : execInstantEval(ctx, cmd);
}

/** usesHistogramNotation reports whether the expected result uses `{{...}}`. */
export function usesHistogramNotation(cmd: EvalCmd): boolean {
  for (const e of cmd.expected.values()) for (const v of e.vals) if (v.histogram !== null) return true;
  return false;
}

/** shouldSkipNative implements the --skip-native-histograms rule for one eval. */
export function shouldSkipNative(ctx: EvalContext, cmd: EvalCmd): boolean {
  if (usesHistogramNotation(cmd)) return true;
  let e: Expr;
  try {
    e = ctx.parse(cmd.expr);
  } catch {
    return false;
  }
  for (const vs of selectorsOf(e)) if (ctx.store.hasHistogramSeries(vs.matchers)) return true;
  return false;
}

const BUCKET_SUFFIX = '_bucket';

interface TempHistogram {
  buckets: Map<number, number>;
  count: number | null;
  sum: number | null;
}

/** loadInto appends a load command's samples (and NHCB histograms for load_with_nhcb). */
export function loadInto(store: MemStore, cmd: LoadCmd): void {
  const app = store.appender();
  for (const s of cmd.series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (v.omitted) continue;
      const t = i * cmd.intervalMs;
      const off = s.startOffsets?.[i];
      const st = off === null || off === undefined ? 0 : t + off;
      app.appendWithST(s.labels, t, v.value, v.histogram, st);
    }
  }
  app.commit();
  if (!cmd.withNHCB) return;
  const families = new Map<string, { labels: Labels; byTs: Map<number, TempHistogram> }>();
  for (const s of cmd.series) {
    const name = s.labels.find((l) => l.name === MetricName)?.value ?? '';
    let base: string;
    let kind: 'bucket' | 'count' | 'sum';
    if (name.endsWith(BUCKET_SUFFIX)) {
      base = name.slice(0, -BUCKET_SUFFIX.length);
      kind = 'bucket';
    } else if (name.endsWith('_count')) {
      base = name.slice(0, -6);
      kind = 'count';
    } else if (name.endsWith('_sum')) {
      base = name.slice(0, -4);
      kind = 'sum';
    } else {
      continue;
    }
    let le = NaN;
    if (kind === 'bucket') {
      const leStr = s.labels.find((l) => l.name === 'le')?.value;
      if (leStr === undefined) continue;
      le = leStr.toLowerCase() === '+inf' || leStr.toLowerCase() === 'inf' ? Infinity : Number(leStr);
      if (Number.isNaN(le) || leStr.trim() === '') continue;
    }
    const labels = s.labels.filter((l) => l.name !== 'le').map((l) => (l.name === MetricName ? { name: MetricName, value: base } : l));
    const key = labelsKey(labels);
    let fam = families.get(key);
    if (fam === undefined) {
      fam = { labels, byTs: new Map() };
      families.set(key, fam);
    }
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (v.omitted || v.histogram !== null) continue;
      const t = i * cmd.intervalMs;
      let th = fam.byTs.get(t);
      if (th === undefined) {
        th = { buckets: new Map(), count: null, sum: null };
        fam.byTs.set(t, th);
      }
      if (kind === 'bucket') th.buckets.set(le, v.value);
      else if (kind === 'count') th.count = v.value;
      else th.sum = v.value;
    }
  }
  const app2 = store.appender();
  for (const fam of families.values()) {
    for (const [t, th] of [...fam.byTs].sort((a, b) => a[0] - b[0])) {
      const les = [...th.buckets.keys()].sort((a, b) => a - b);
      if (les.length === 0 && th.count === null && th.sum === null) continue;
      const bounds = les.filter((x) => x !== Infinity);
      const counts: number[] = [];
      let prev = 0;
      for (const le of les) {
        const c = th.buckets.get(le)!;
        counts.push(c - prev);
        prev = c;
      }
      if (les.length === 0 || les[les.length - 1] !== Infinity) counts.push((th.count ?? prev) - prev);
      const h: FloatHistogram = {
        counterResetHint: 'unknown',
        schema: -53,
        zeroThreshold: 0,
        zeroCount: 0,
        count: th.count ?? prev,
        sum: th.sum ?? 0,
        positiveSpans: counts.length > 0 ? [{ offset: 0, length: counts.length }] : [],
        negativeSpans: [],
        positiveBuckets: counts,
        negativeBuckets: [],
        customValues: bounds,
      };
      app2.appendHistogram(0, fam.labels, t, h);
    }
  }
  app2.commit();
}
