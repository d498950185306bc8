/**
 * MemStore: a small in-memory time-series store for the conformance runner and engine tests. It
 * implements the storage Queryable and an Appender, keeps samples sorted per series (floats, native
 * histograms and stale markers bit-exactly) and models start timestamps (iterators expose atST()).
 * Queriers only return samples inside their [mint, maxt].
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import { labelsCompare, labelsGet, labelsKey, type Labels } from '../../../common/model/labels';
import type { Matcher } from '../../../common/model/matcher';
import {
  ValueType,
  type Appender,
  type LabelHints,
  type Querier,
  type Queryable,
  type SampleIterator,
  type SelectHints,
  type Series,
  type SeriesRef,
  type SeriesSet,
} from '../../storage/interface';
import type { SampleIteratorWithST } from '../kernel/types';

/** MemSeries holds the samples of one series in time order. */
class MemSeries {
  readonly labels: Labels;
  t: Float64Array = new Float64Array(8);
  v: Float64Array = new Float64Array(8);
  st: Float64Array = new Float64Array(8);
  /** h holds the histogram of each sample (null for floats); allocated on the first histogram. */
  h: (FloatHistogram | null)[] | null = null;
  n = 0;
  hasHistogram = false;

  constructor(labels: Labels) {
    this.labels = labels;
  }

  private grow(): void {
    const cap = this.t.length * 2;
    for (const k of ['t', 'v', 'st'] as const) {
      const a = new Float64Array(cap);
      a.set(this[k]);
      this[k] = a;
    }
  }

  /** add inserts a sample in time order; a sample at an existing timestamp replaces it. */
  add(t: number, v: number, h: FloatHistogram | null, st: number): void {
    if (h !== null && this.h === null) this.h = new Array<FloatHistogram | null>(this.n).fill(null);
    if (h !== null) this.hasHistogram = true;
    let i = this.n;
    if (i > 0 && this.t[i - 1]! >= t) {
      let lo = 0;
      let hi = this.n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.t[mid]! < t) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
      if (i < this.n && this.t[i] === t) {
        this.v[i] = v;
        if (this.h !== null) this.h[i] = h;
        this.st[i] = st;
        return;
      }
    }
    if (this.n === this.t.length) this.grow();
    if (i < this.n) {
      this.t.copyWithin(i + 1, i, this.n);
      this.v.copyWithin(i + 1, i, this.n);
      this.st.copyWithin(i + 1, i, this.n);
      if (this.h !== null) this.h.splice(i, 0, h);
    } else if (this.h !== null) {
      this.h[i] = h;
    }
    this.t[i] = t;
    this.v[i] = v;
    this.st[i] = st;
    this.n++;
  }

  /** lowerBound returns the first index with t >= x. */
  lowerBound(x: number, from = 0): number {
    let lo = from;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** MemIterator iterates the samples of a series between two indexes. */
class MemIterator implements SampleIteratorWithST {
  private readonly s: MemSeries;
  private i: number;
  private readonly end: number;
  private started = false;

  constructor(s: MemSeries, begin: number, end: number) {
    this.s = s;
    this.i = begin;
    this.end = end;
  }

  private kind(): ValueType {
    if (this.i >= this.end) return ValueType.None;
    const h = this.s.h;
    return h !== null && h[this.i] ? ValueType.Histogram : ValueType.Float;
  }

  next(): ValueType {
    if (!this.started) {
      this.started = true;
      return this.kind();
    }
    if (this.i < this.end) this.i++;
    return this.kind();
  }

  seek(t: number): ValueType {
    if (this.started && this.i < this.end && this.s.t[this.i]! >= t) return this.kind();
    this.started = true;
    this.i = Math.min(this.end, Math.max(this.i, this.s.lowerBound(t, this.i)));
    return this.kind();
  }

  atT(): number {
    return this.s.t[this.i]!;
  }

  atF(): number {
    return this.s.v[this.i]!;
  }

  atFH(): FloatHistogram {
    return this.s.h![this.i]!;
  }

  atST(): number {
    return this.s.st[this.i]!;
  }

  err(): Error | null {
    return null;
  }
}

class MemQuerier implements Querier {
  private readonly store: MemStore;
  private readonly mint: number;
  private readonly maxt: number;

  constructor(store: MemStore, mint: number, maxt: number) {
    this.store = store;
    this.mint = mint;
    this.maxt = maxt;
  }

  select(sortSeries: boolean, _hints: SelectHints | null, matchers: readonly Matcher[]): SeriesSet {
    const out: Series[] = [];
    for (const s of this.store.matching(matchers)) {
      const begin = s.lowerBound(this.mint);
      const end = s.lowerBound(this.maxt + 1);
      out.push({ labels: s.labels, iterator: (): SampleIterator => new MemIterator(s, begin, end) });
    }
    if (sortSeries) out.sort((a, b) => labelsCompare(a.labels, b.labels));
    return { series: out, warnings: [] };
  }

  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): string[] {
    const set = new Set<string>();
    for (const s of this.store.matching(matchers)) {
      const v = labelsGet(s.labels, name);
      if (v !== '') set.add(v);
    }
    const out = [...set].sort();
    return hints?.limit ? out.slice(0, hints.limit) : out;
  }

  labelNames(matchers: readonly Matcher[], hints?: LabelHints): string[] {
    const set = new Set<string>();
    for (const s of this.store.matching(matchers)) for (const l of s.labels) set.add(l.name);
    const out = [...set].sort();
    return hints?.limit ? out.slice(0, hints.limit) : out;
  }

  close(): void {}
}

interface Pending {
  labels: Labels;
  t: number;
  v: number;
  h: FloatHistogram | null;
  st: number;
}

/** MemAppender buffers samples until commit. */
export class MemAppender implements Appender {
  private readonly store: MemStore;
  private pending: Pending[] = [];

  constructor(store: MemStore) {
    this.store = store;
  }

  append(_ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    this.pending.push({ labels, t, v, h: null, st: 0 });
    return 0;
  }

  appendHistogram(_ref: SeriesRef, labels: Labels, t: number, h: FloatHistogram): SeriesRef {
    this.pending.push({ labels, t, v: 0, h, st: 0 });
    return 0;
  }

  /** appendWithST adds a float or histogram sample with a start timestamp (0 = unknown). */
  appendWithST(labels: Labels, t: number, v: number, h: FloatHistogram | null, st: number): void {
    this.pending.push({ labels, t, v, h, st });
  }

  commit(): void {
    for (const p of this.pending) this.store.add(p.labels, p.t, p.v, p.h, p.st);
    this.pending = [];
  }

  rollback(): void {
    this.pending = [];
  }
}

/** MemStore is the in-memory store. */
export class MemStore implements Queryable {
  private readonly byKey = new Map<string, MemSeries>();

  /** appender returns a new appender (nothing is visible until commit). */
  appender(): MemAppender {
    return new MemAppender(this);
  }

  /** add stores one sample immediately. */
  add(labels: Labels, t: number, v: number, h: FloatHistogram | null, st = 0): void {
    const key = labelsKey(labels);
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = new MemSeries(labels);
      this.byKey.set(key, s);
    }
    s.add(t, v, h, st);
  }

  /** clear drops everything. */
  clear(): void {
    this.byKey.clear();
  }

  /** matching lists the series matching all matchers, in label order. */
  matching(matchers: readonly Matcher[]): MemSeries[] {
    const out: MemSeries[] = [];
    for (const s of this.byKey.values()) {
      let ok = true;
      for (const m of matchers) {
        if (!m.matches(labelsGet(s.labels, m.name))) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(s);
    }
    out.sort((a, b) => labelsCompare(a.labels, b.labels));
    return out;
  }

  /** hasHistogramSeries reports whether a series matching all matchers holds a native histogram. */
  hasHistogramSeries(matchers: readonly Matcher[]): boolean {
    for (const s of this.matching(matchers)) if (s.hasHistogram) return true;
    return false;
  }

  querier(mint: number, maxt: number): Querier {
    return new MemQuerier(this, mint, maxt);
  }
}
