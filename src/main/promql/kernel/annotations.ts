/**
 * Annotations: the warnings and infos a query returns next to its result, rendered exactly as
 * Prometheus's util/annotations renders them ("PromQL warning: ..." / "PromQL info: ...").
 * Like Prometheus, annotations are de-duplicated by their text; each remembers the position of the
 * expression it is about, which the HTTP API appends as ` (line:col)` (Annotations.AsStrings with
 * the query), while the test-script runner compares the bare texts.
 */
import type { PositionRange } from '../../../common/promql/ast';
import { startPosInput } from '../../../common/promql/errors';
import { formatFloatG, formatFloatGPrec, goQuote } from '../../../common/util/go/strconv';

/** MonotonicityDetail is what the forced-monotonicity info of histogram_quantile accumulates. */
interface MonotonicityDetail {
  minTs: number;
  maxTs: number;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
  /**
   * count is Prometheus's merge counter (it prints count+1): +1 per merged occurrence, and, like
   * Prometheus 3.14, doubled plus one at every further step of the function call that produced it
   * (its per-step annotations map is merged into the call's accumulated map, which holds the same
   * object). An int64 in Prometheus, so it wraps; kept as a bigint here.
   */
  count: bigint;
}

interface Entry {
  pos: PositionRange | null;
  mono: MonotonicityDetail | null;
  /** fresh marks a scoped entry created during the current step (not doubled at its end). */
  fresh?: boolean;
  /** inherited marks an entry merged in from a nested call: the enclosing call never doubles it. */
  inherited?: boolean;
}

/**
 * MonotonicityScope holds the forced-monotonicity infos of one evaluation of a histogram_quantile
 * call until it is merged into the enclosing scope (or the query's annotations).
 */
export class MonotonicityScope {
  /** entries are keyed by info text. */
  readonly entries = new Map<string, Entry>();
}

/** RenderedAnnotations are annotation texts as the HTTP API returns them. */
export interface RenderedAnnotations {
  warnings: string[];
  infos: string[];
}

/** MAX_API_ANNOTATIONS is how many warnings (and, separately, infos) the API returns, as Prometheus. */
export const MAX_API_ANNOTATIONS = 10;

/** Annotations collects the warnings and infos of one query evaluation. */
export class Annotations {
  private readonly warns = new Map<string, Entry>();
  private readonly infoMap = new Map<string, Entry>();
  private readonly scopes: MonotonicityScope[] = [];

  /**
   * warn adds a warning (the full "PromQL warning: ..." text) about the expression at pos (null for
   * storage warnings, which carry no position). A repeated text takes the newer position, as
   * Prometheus's generic annotation merge does.
   */
  warn(text: string, pos: PositionRange | null = null): void {
    this.warns.set(text, { pos, mono: null });
  }

  /** info adds an info (the full "PromQL info: ..." text); see warn. */
  info(text: string, pos: PositionRange | null = null): void {
    this.infoMap.set(text, { pos, mono: null });
  }

  /**
   * forcedMonotonicity adds histogram_quantile's forced-monotonicity info: occurrences with the same
   * text merge their time range, bucket range, largest difference and count (the first position stays).
   */
  forcedMonotonicity(text: string, pos: PositionRange, ts: number, minBucket: number, maxBucket: number, maxDiff: number): void {
    const scope = this.scopes[this.scopes.length - 1];
    const target = scope === undefined ? this.infoMap : scope.entries;
    const prev = target.get(text);
    const m = prev?.mono;
    if (prev === undefined || m === null || m === undefined) {
      target.set(text, { pos, mono: { minTs: ts, maxTs: ts, minBucket, maxBucket, maxDiff, count: 0n }, fresh: true });
      return;
    }
    mergeMono(m, { minTs: ts, maxTs: ts, minBucket, maxBucket, maxDiff, count: 0n });
  }

  /** beginScope starts collecting the forced-monotonicity infos of one function-call evaluation. */
  beginScope(): MonotonicityScope {
    const s = new MonotonicityScope();
    this.scopes.push(s);
    return s;
  }

  /** stepDone ends one evaluation step of the scope's call: entries from earlier steps double. */
  stepDone(scope: MonotonicityScope): void {
    for (const e of scope.entries.values()) {
      if (e.inherited) continue;
      if (e.fresh) {
        e.fresh = false;
        continue;
      }
      e.mono!.count = BigInt.asIntN(64, 2n * e.mono!.count + 1n);
    }
  }

  /** endScope merges a scope into the enclosing one (or the query's infos), as Annotations.Merge. */
  endScope(scope: MonotonicityScope): void {
    const i = this.scopes.lastIndexOf(scope);
    if (i >= 0) this.scopes.splice(i, 1);
    const parent = this.scopes[this.scopes.length - 1];
    const target = parent === undefined ? this.infoMap : parent.entries;
    for (const [text, e] of scope.entries) {
      const prev = target.get(text);
      if (prev?.mono) mergeMono(prev.mono, e.mono!);
      else target.set(text, { pos: e.pos, mono: e.mono, inherited: true });
    }
  }

  /** warnings returns the bare warning texts in insertion order. */
  warnings(): string[] {
    return [...this.warns.keys()];
  }

  /** infos returns the bare info texts in insertion order. */
  infos(): string[] {
    return [...this.infoMap.keys()];
  }

  /**
   * render returns the texts as Prometheus's API shows them for query: with ` (line:col)` of the
   * expression each is about, at most max of each kind plus an "N more ... omitted" line.
   */
  render(query: string, max = MAX_API_ANNOTATIONS): RenderedAnnotations {
    return { warnings: renderAll(this.warns, query, max, 'warning'), infos: renderAll(this.infoMap, query, max, 'info') };
  }
}

/** mergeMono folds occurrence o into the kept entry m (histogramQuantileForcedMonotonicityErr.Merge). */
function mergeMono(m: MonotonicityDetail, o: MonotonicityDetail): void {
  if (o.minTs < m.minTs) m.minTs = o.minTs;
  if (o.maxTs > m.maxTs) m.maxTs = o.maxTs;
  if (o.minBucket < m.minBucket) m.minBucket = o.minBucket;
  if (o.maxBucket > m.maxBucket) m.maxBucket = o.maxBucket;
  if (o.maxDiff > m.maxDiff) m.maxDiff = o.maxDiff;
  m.count = BigInt.asIntN(64, m.count + o.count + 1n);
}

function renderAll(m: Map<string, Entry>, query: string, max: number, kind: string): string[] {
  const out: string[] = [];
  let skipped = 0;
  for (const [text, e] of m) {
    if (max > 0 && out.length >= max) {
      skipped++;
      continue;
    }
    out.push(renderOne(text, e, query));
  }
  if (skipped > 0) out.push(`${skipped} more ${kind} annotations omitted`);
  return out;
}

function renderOne(text: string, e: Entry, query: string): string {
  if (e.pos === null) return text;
  const at = startPosInput(query, e.pos);
  const m = e.mono;
  if (m === null) return `${text} (${at})`;
  return (
    `${text}, from buckets ${formatFloatG(m.minBucket)} to ${formatFloatG(m.maxBucket)}, with a max diff of ${formatFloatGPrec(m.maxDiff, 2)}, ` +
    `over ${BigInt.asIntN(64, m.count + 1n)} samples from ${rfc3339Seconds(m.minTs)} to ${rfc3339Seconds(m.maxTs)} (${at})`
  );
}

/** rfc3339Seconds renders ms as Go's time.Unix(ms/1000, 0).UTC().Format(time.RFC3339). */
function rfc3339Seconds(ms: number): string {
  const iso = new Date(Math.trunc(ms / 1000) * 1000).toISOString();
  return iso.replace(/\.000Z$/, 'Z');
}

const W = 'PromQL warning: ';
const I = 'PromQL info: ';

function forMetric(metricName: string): string {
  return metricName === '' ? '' : ` for metric name ${goQuote(metricName)}`;
}

/** annoInvalidQuantile is NewInvalidQuantileWarning. */
export function annoInvalidQuantile(q: number): string {
  return `${W}quantile value should be between 0 and 1, got ${formatFloatG(q)}`;
}

/** annoInvalidRatio is NewInvalidRatioWarning. */
export function annoInvalidRatio(q: number, to: number): string {
  return `${W}ratio value should be between -1 and 1, got ${formatFloatG(q)}, capping to ${formatFloatG(to)}`;
}

/** annoBadBucketLabel is NewBadBucketLabelWarning. */
export function annoBadBucketLabel(metricName: string, le: string): string {
  return `${W}bucket label "le" is missing or has a malformed value of ${goQuote(le)}${forMetric(metricName)}`;
}

/** annoMixedFloatsHistograms is NewMixedFloatsHistogramsWarning. */
export function annoMixedFloatsHistograms(metricName: string): string {
  return `${W}encountered a mix of histograms and floats for metric name ${goQuote(metricName)}`;
}

/** annoMixedFloatsHistogramsAgg is NewMixedFloatsHistogramsAggWarning. */
export function annoMixedFloatsHistogramsAgg(): string {
  return `${W}encountered a mix of histograms and floats for aggregation`;
}

/** annoMixedClassicNativeHistograms is NewMixedClassicNativeHistogramsWarning. */
export function annoMixedClassicNativeHistograms(metricName: string): string {
  return `${W}vector contains a mix of classic and native histograms${forMetric(metricName)}`;
}

/** annoNativeHistogramNotCounter is NewNativeHistogramNotCounterWarning. */
export function annoNativeHistogramNotCounter(metricName: string): string {
  return `${W}this native histogram metric is not a counter: ${goQuote(metricName)}`;
}

/** annoNativeHistogramNotGauge is NewNativeHistogramNotGaugeWarning. */
export function annoNativeHistogramNotGauge(metricName: string): string {
  return `${W}this native histogram metric is not a gauge: ${goQuote(metricName)}`;
}

/** annoMixedExponentialCustomHistograms is NewMixedExponentialCustomHistogramsWarning. */
export function annoMixedExponentialCustomHistograms(metricName: string): string {
  return `${W}vector contains a mix of histograms with exponential and custom buckets schemas for metric name ${goQuote(metricName)}`;
}

/** annoIncompatibleBucketLayoutInBinOp is NewIncompatibleBucketLayoutInBinOpWarning. */
export function annoIncompatibleBucketLayoutInBinOp(op: string): string {
  return `${W}incompatible bucket layout encountered for binary operator ${op}`;
}

/** annoHistogramCounterResetCollision is NewHistogramCounterResetCollisionWarning. */
export function annoHistogramCounterResetCollision(operation: 'aggregation' | 'addition' | 'subtraction'): string {
  return `${W}conflicting counter resets during histogram ${operation}`;
}

/** annoSortInRangeQuery is the warning for sort functions in range queries. */
export function annoSortInRangeQuery(): string {
  return `${W}sort is ineffective for range queries since results are always ordered by labels`;
}

/** annoStartTimeOverlap warns about a start timestamp before the previous sample. */
export function annoStartTimeOverlap(metricName: string): string {
  return `${W}sample has start time that overlaps with previous sample timestamp for metric ${goQuote(metricName)}`;
}

/** annoPossibleNonCounter is NewPossibleNonCounterInfo. */
export function annoPossibleNonCounter(metricName: string): string {
  return `${I}metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${goQuote(metricName)}`;
}

/** annoPossibleNonCounterLabel is NewPossibleNonCounterLabelInfo. */
export function annoPossibleNonCounterLabel(metricName: string, typeLabel: string): string {
  return `${I}metric might not be a counter, __type__ label is not set to "counter" or "histogram", got ${goQuote(typeLabel)}: ${goQuote(metricName)}`;
}

/** annoHistogramQuantileForcedMonotonicity is NewHistogramQuantileForcedMonotonicityInfo. */
export function annoHistogramQuantileForcedMonotonicity(metricName: string): string {
  return `${I}input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)${forMetric(metricName)}`;
}

/** annoIncompatibleTypesInBinOp is NewIncompatibleTypesInBinOpInfo. */
export function annoIncompatibleTypesInBinOp(lhsType: string, op: string, rhsType: string): string {
  return `${I}incompatible sample types encountered for binary operator ${goQuote(op)}: ${lhsType} ${op} ${rhsType}`;
}

/** annoHistogramIgnoredInAggregation is NewHistogramIgnoredInAggregationInfo. */
export function annoHistogramIgnoredInAggregation(agg: string): string {
  return `${I}ignored histogram in ${agg} aggregation`;
}

/** annoHistogramIgnoredInMixedRange is NewHistogramIgnoredInMixedRangeInfo. */
export function annoHistogramIgnoredInMixedRange(metricName: string): string {
  return `${I}ignored histograms in a range containing both floats and histograms for metric name ${goQuote(metricName)}`;
}

/** annoMismatchedCustomBuckets is NewMismatchedCustomBucketsHistogramsInfo. */
export function annoMismatchedCustomBuckets(operation: 'aggregation' | 'addition' | 'subtraction'): string {
  return `${I}mismatched custom buckets were reconciled during ${operation}`;
}

/** annoNativeHistogramQuantileNaNResult is NewNativeHistogramQuantileNaNResultInfo. */
export function annoNativeHistogramQuantileNaNResult(metricName: string): string {
  return `${I}input to histogram_quantile has NaN observations, result is NaN${forMetric(metricName)}`;
}

/** annoNativeHistogramQuantileNaNSkew is NewNativeHistogramQuantileNaNSkewInfo. */
export function annoNativeHistogramQuantileNaNSkew(metricName: string): string {
  return `${I}input to histogram_quantile has NaN observations, result is skewed higher${forMetric(metricName)}`;
}

/** annoNativeHistogramFractionNaNs is NewNativeHistogramFractionNaNsInfo. */
export function annoNativeHistogramFractionNaNs(metricName: string): string {
  return `${I}input to histogram_fraction has NaN observations, which are excluded from all fractions${forMetric(metricName)}`;
}
