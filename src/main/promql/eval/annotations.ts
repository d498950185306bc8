/**
 * Annotations: the warnings and infos a query returns next to its result, rendered exactly as
 * Prometheus's util/annotations renders them ("PromQL warning: ..." / "PromQL info: ...").
 * Like Prometheus, annotations are de-duplicated by their text.
 */
import { fmtG, goQuote } from './format';

/** Annotations collects the warnings and infos of one query evaluation. */
export class Annotations {
  private readonly warns = new Set<string>();
  private readonly infoSet = new Set<string>();

  /** warn adds a warning (the full "PromQL warning: ..." text). */
  warn(text: string): void {
    this.warns.add(text);
  }

  /** info adds an info (the full "PromQL info: ..." text). */
  info(text: string): void {
    this.infoSet.add(text);
  }

  /** warnings returns the warning texts in insertion order. */
  warnings(): string[] {
    return [...this.warns];
  }

  /** infos returns the info texts in insertion order. */
  infos(): string[] {
    return [...this.infoSet];
  }
}

const W = 'PromQL warning: ';
const I = 'PromQL info: ';

function forMetric(metricName: string): string {
  return metricName === '' ? '' : ` for metric name ${goQuote(metricName)}`;
}

/** annoInvalidQuantile is NewInvalidQuantileWarning. */
export function annoInvalidQuantile(q: number): string {
  return `${W}quantile value should be between 0 and 1, got ${fmtG(q)}`;
}

/** annoInvalidRatio is NewInvalidRatioWarning. */
export function annoInvalidRatio(q: number, to: number): string {
  return `${W}ratio value should be between -1 and 1, got ${fmtG(q)}, capping to ${fmtG(to)}`;
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
