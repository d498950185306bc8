/**
 * The storage contract, after Prometheus's storage/interface.go. The rest of Vigil reaches samples
 * only through these interfaces: scrape and rules append through an Appendable's Appender (and
 * exemplars through an ExemplarAppender); the PromQL engine reads through a Queryable. Nothing
 * outside src/main/storage imports better-sqlite3.
 *
 * All calls are synchronous: the store is in-process and SQLite (better-sqlite3) is synchronous.
 * Timestamps are integer milliseconds; values are float64. A second sample kind (native
 * histograms) travels through the same iterators as ValueType.Histogram.
 */
import type { Labels } from '../../common/model/labels';
import type { Matcher } from '../../common/model/matcher';
import type { FloatHistogram } from '../../common/model/histogram';

/** SeriesRef is a store-assigned number for a series; 0 means "unknown, look up by labels". */
export type SeriesRef = number;

/** ValueType is the kind of sample an iterator is positioned at. */
export enum ValueType {
  None = 0,
  Float = 1,
  Histogram = 2,
}

/**
 * SampleIterator walks one series' samples in time order, like chunkenc.Iterator.
 * After next() or seek() returns Float, atT()/atF() give the sample; after Histogram, atT()/atFH().
 */
export interface SampleIterator {
  /** next advances to the next sample and returns its kind, or None at the end. */
  next(): ValueType;
  /**
   * seek advances to the first sample with timestamp >= t (never moves backwards; if the current
   * sample already satisfies it, stays) and returns its kind, or None.
   */
  seek(t: number): ValueType;
  atT(): number;
  atF(): number;
  atFH(): FloatHistogram;
  /** err is the error that ended iteration early (e.g. a corrupt chunk), or null. */
  err(): Error | null;
}

/**
 * SampleBatch is a view of decoded float samples an iterator exposes for bulk reading: t[i..end)
 * and v[i..end), time-ordered, starting at the iterator's current sample. Values are bit-exact
 * (stale markers included). The arrays are only valid until the iterator moves on.
 */
export interface SampleBatch {
  t: Float64Array;
  v: Float64Array;
  i: number;
  end: number;
}

/**
 * BatchSampleIterator is a SampleIterator that can hand out runs of samples in bulk, so readers
 * copy from typed arrays instead of calling atT/atF/next per sample. Storage iterators implement
 * it; callers check for it with hasBatches and fall back to the per-sample methods.
 */
export interface BatchSampleIterator extends SampleIterator {
  /**
   * batch fills out with the float samples from the current one to the end of the current chunk
   * source and returns true; false when the iterator is not positioned at a float sample.
   */
  batch(out: SampleBatch): boolean;
  /**
   * advance moves to index j of the batch last returned (i <= j <= end) and returns the kind of
   * sample there; j === end continues with the next source, as next() after the batch's last sample.
   */
  advance(j: number): ValueType;
}

/** hasBatches reports whether it implements BatchSampleIterator. */
export function hasBatches(it: SampleIterator): it is BatchSampleIterator {
  return typeof (it as Partial<BatchSampleIterator>).batch === 'function';
}

/** Series is one selected series. */
export interface Series {
  readonly labels: Labels;
  /** iterator returns a fresh iterator over the series' samples within the querier's range. */
  iterator(): SampleIterator;
}

/** SelectHints narrow a select, as Prometheus's storage.SelectHints (all optional). */
export interface SelectHints {
  start?: number;
  end?: number;
  step?: number;
  func?: string;
  range?: number;
}

/** Warnings accumulate non-fatal problems of a query (e.g. a corrupt chunk skipped). */
export type Warnings = string[];

/** SeriesSet is the result of a select: series sorted by labels when requested. */
export interface SeriesSet {
  readonly series: readonly Series[];
  readonly warnings: Warnings;
}

/** LabelHints narrow label-name/value look-ups. */
export interface LabelHints {
  limit?: number;
}

/** Querier reads the samples between mint and maxt (inclusive, ms). */
export interface Querier {
  select(sortSeries: boolean, hints: SelectHints | null, matchers: readonly Matcher[]): SeriesSet;
  /** labelValues returns the sorted values of name over series matching all matchers. */
  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): string[];
  /** labelNames returns the sorted label names over series matching all matchers. */
  labelNames(matchers: readonly Matcher[], hints?: LabelHints): string[];
  close(): void;
}

/** Queryable opens queriers over a time range. */
export interface Queryable {
  querier(mint: number, maxt: number): Querier;
}

/**
 * Appender collects samples for one atomic commit (one scrape, one rule evaluation, one push).
 * Nothing appended is visible to queriers until commit() returns; commit() is durable on return.
 */
export interface Appender {
  /**
   * append adds a float sample. Pass ref 0 and the labels for a series the caller has not seen;
   * pass the ref returned earlier to skip the label look-up (the labels may then be empty, so a
   * caller need not keep them). Returns the series ref.
   * Throws a StorageError (kind out_of_order, duplicate, out_of_bounds) for a rejected sample;
   * kind unknown_ref when labels are empty and the ref names no series (deleted by retention or
   * the delete API: append again with the labels); the rest of the batch is unaffected.
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /** appendHistogram adds a native-histogram sample (later issue); same contract as append. */
  appendHistogram(ref: SeriesRef, labels: Labels, t: number, h: FloatHistogram): SeriesRef;
  commit(): void;
  rollback(): void;
}

/** Appendable hands out appenders: the storage, or a test double (what scrape and rules write to). */
export interface Appendable {
  appender(): Appender;
}

/** Exemplar is one exemplar of a series: its own labels (trace id ...), value and timestamp (ms). */
export interface Exemplar {
  labels: Labels;
  value: number;
  ts: number;
}

/**
 * ExemplarAppender stores exemplars by series (the labels of the series they belong to); add
 * throws for a duplicate or out-of-order exemplar, which callers count or ignore.
 */
export interface ExemplarAppender {
  add(lset: Labels, e: Exemplar): void;
}

/** StorageErrorKind classifies rejected appends and failed operations. */
export type StorageErrorKind =
  | 'out_of_order'
  | 'duplicate'
  | 'out_of_bounds'
  | 'too_old'
  | 'io'
  | 'corrupt'
  | 'closed'
  | 'unknown_ref'
  | 'invalid';

/** StorageError is the typed error of the storage subsystem. */
export class StorageError extends Error {
  readonly kind: StorageErrorKind;
  constructor(kind: StorageErrorKind, message: string) {
    super(message);
    this.name = 'StorageError';
    this.kind = kind;
  }
}

/** StatEntry is one entry of the head-statistics lists (status/tsdb). */
export interface StatEntry {
  name: string;
  value: number;
}

/** StorageStats backs /api/v1/status/tsdb and the self-metrics. */
export interface StorageStats {
  numSeries: number;
  numChunks: number;
  numSamples: number;
  minTime: number;
  maxTime: number;
  bytesOnDisk: number;
  seriesCountByMetricName: StatEntry[];
  labelValueCountByLabelName: StatEntry[];
  memoryInBytesByLabelName: StatEntry[];
  seriesCountByLabelValuePair: StatEntry[];
}

/** CommittedSeries is a series first made durable by a commit, with its labels. */
export interface CommittedSeries {
  ref: SeriesRef;
  labels: Labels;
}

/**
 * CommitBatch is what one successful Appender.commit() stored, as handed to CommitListeners:
 * samples i in [0, count) are (refs[i], timestamps[i], values[i]); in-order samples come first,
 * in append order, then the out-of-order samples accepted within the out-of-order window, sorted
 * by series and time. Samples rejected or dropped as identical duplicates are not in the batch.
 * Values are bit-exact (stale markers included): read them from the typed array, or through a
 * Uint32Array view of values.buffer, never via a plain number[] (see README.md).
 *
 * The arrays and the batch are only valid during the listener call: they are the appender's
 * buffers and are reused by later appenders, and may be longer than count. Copy what you keep.
 */
export interface CommitBatch {
  /** count is the number of samples in the batch. */
  readonly count: number;
  readonly refs: Int32Array;
  /** timestamps are integer milliseconds. */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /**
   * newSeries lists, in ref order, the series created since the previous batch (by any appender,
   * rolled back or not, or by the importer) that still exist; each series appears once, in the
   * first batch committed after its creation, so never after a batch with samples of it. Series
   * committed before the first listener subscribed are not listed: resolve them with labelsOf.
   */
  readonly newSeries: readonly CommittedSeries[];
  /** labelsOf returns the labels of a series of the batch (any ref in refs or newSeries). */
  labelsOf(ref: SeriesRef): Labels;
}

/**
 * CommitListener receives every committed batch, synchronously, right after the commit applied it
 * to the head (before Appender.commit() returns). A listener that throws is caught and logged (a
 * warning at most once a minute); it fails neither the commit nor other listeners. Keep it quick:
 * it runs on the append path.
 */
export type CommitListener = (batch: CommitBatch) => void;

/** Storage is the whole store: append, query, admin. */
export interface Storage extends Queryable, Appendable {
  /**
   * onCommit subscribes listener to every successful Appender.commit() (scrape, rules, push) and
   * returns a function that unsubscribes it. Rolled-back appenders and failed commits notify
   * nothing; neither does backfill through the importer, which writes blocks past the head.
   * Without listeners, commits cost nothing extra.
   */
  onCommit(listener: CommitListener): () => void;
  /** deleteSeries removes samples of matching series in [mint, maxt]. */
  deleteSeries(matchers: readonly Matcher[], mint: number, maxt: number): void;
  stats(limit?: number): StorageStats;
  /** selfMetrics renders the store's internal metrics in the Prometheus text format. */
  selfMetrics(): string;
  close(): void;
}
