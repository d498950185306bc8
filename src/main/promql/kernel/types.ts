/**
 * Internal value types of the engine, after Prometheus's promql/value.go, shared by the evaluator,
 * the functions and the histogram operations; and SeriesSource, a selector's input series.
 *
 * Every sub-expression evaluates to a Matrix: one ESeries per output series with one point per
 * evaluation step at most. Points are kept column-wise (timestamps and values in separate packed
 * number arrays) so that no object is allocated per point. An instant query is a range evaluation
 * with a single step.
 */
import type { Labels } from '../../../common/model/labels';
import type { FloatHistogram } from '../../../common/model/histogram';
import type { SampleIterator } from '../../storage/interface';

/** ESeries is one series of an evaluated Matrix. fi/hi are read cursors used while gathering. */
export class ESeries {
  metric: Labels;
  /** fT/fF are the float points (timestamps ms, values). */
  fT: number[];
  fF: number[];
  /** hT/hH are the histogram points. */
  hT: number[];
  hH: FloatHistogram[];
  /** dropName marks a series whose __name__ (and __type__/__unit__) goes at the end (delayed removal). */
  dropName: boolean;
  /** fi/hi: index of the next unread point (gatherVector advances them). */
  fi = 0;
  hi = 0;

  constructor(metric: Labels, dropName = false) {
    this.metric = metric;
    this.fT = [];
    this.fF = [];
    this.hT = [];
    this.hH = [];
    this.dropName = dropName;
  }

  /** pointCount is the number of points (floats + histograms). */
  pointCount(): number {
    return this.fT.length + this.hT.length;
  }
}

/** EMatrix is an evaluated range of series. */
export type EMatrix = ESeries[];

/** ESample is one element of an instant vector during evaluation. */
export interface ESample {
  metric: Labels;
  t: number;
  f: number;
  h: FloatHistogram | null;
  dropName: boolean;
}

/** EVector is an instant vector during evaluation. */
export type EVector = ESample[];

/** EString is a string value (only string literals produce one). */
export interface EString {
  kind: 'string';
  v: string;
  t: number;
}

/** sample builds an ESample. */
export function sample(metric: Labels, f: number, h: FloatHistogram | null = null, dropName = false, t = 0): ESample {
  return { metric, t, f, h, dropName };
}

/** PointBuf is a growable pair of Float64Arrays (timestamps, values) holding a window of float points. */
export class PointBuf {
  t: Float64Array;
  f: Float64Array;
  /** st holds start timestamps (0 = unknown) when the source provides them. */
  st: Float64Array | null = null;
  n = 0;
  /**
   * decreases counts the adjacent pairs with f[i] < f[i-1] (counter resets), kept up to date by
   * push and dropUpTo so that rate() skips its reset scan for windows without any.
   */
  decreases = 0;

  constructor(cap = 16) {
    this.t = new Float64Array(cap);
    this.f = new Float64Array(cap);
  }

  /** ensure makes room for cap points without changing the contents. */
  ensure(cap: number): void {
    while (this.t.length < cap) this.grow();
  }

  /** push appends a point, growing the arrays when full. */
  push(t: number, f: number): void {
    if (this.n === this.t.length) this.grow();
    if (this.n > 0 && f < this.f[this.n - 1]!) this.decreases++;
    this.t[this.n] = t;
    this.f[this.n] = f;
    this.n++;
  }

  /** pushST appends a point with a start timestamp. */
  pushST(t: number, f: number, st: number): void {
    if (this.n === this.t.length) this.grow();
    if (this.st === null) this.st = new Float64Array(this.t.length);
    if (this.n > 0 && f < this.f[this.n - 1]!) this.decreases++;
    this.t[this.n] = t;
    this.f[this.n] = f;
    this.st[this.n] = st;
    this.n++;
  }

  private grow(): void {
    const cap = this.t.length * 2;
    const t = new Float64Array(cap);
    t.set(this.t);
    const f = new Float64Array(cap);
    f.set(this.f);
    this.t = t;
    this.f = f;
    if (this.st !== null) {
      const st = new Float64Array(cap);
      st.set(this.st);
      this.st = st;
    }
  }

  /** dropBefore removes points with t <= mint from the front, keeping the rest at index 0. */
  dropUpTo(mint: number): void {
    const t = this.t;
    const n = this.n;
    let d = 0;
    while (d < n && t[d]! <= mint) d++;
    if (d === 0) return;
    if (this.decreases > 0) {
      const f = this.f;
      const last = d < n ? d : n - 1;
      for (let k = 0; k < last; k++) if (f[k + 1]! < f[k]!) this.decreases--;
    }
    const rest = n - d;
    if (rest > 64) {
      t.copyWithin(0, d, n);
      this.f.copyWithin(0, d, n);
      if (this.st !== null) this.st.copyWithin(0, d, n);
    } else if (rest > 0) {
      // A plain loop beats copyWithin's call overhead for the usual small windows.
      const f = this.f;
      for (let i = 0; i < rest; i++) {
        t[i] = t[i + d]!;
        f[i] = f[i + d]!;
      }
      const st = this.st;
      if (st !== null) for (let i = 0; i < rest; i++) st[i] = st[i + d]!;
    }
    this.n = rest;
  }

  /** reset empties the buffer. */
  reset(): void {
    this.n = 0;
    this.decreases = 0;
  }
}

/** HPointBuf is a window of histogram points. */
export class HPointBuf {
  t: number[] = [];
  h: FloatHistogram[] = [];
  st: number[] | null = null;
  n = 0;

  push(t: number, h: FloatHistogram, st?: number): void {
    this.t[this.n] = t;
    this.h[this.n] = h;
    if (st !== undefined) {
      if (this.st === null) this.st = [];
      this.st[this.n] = st;
    }
    this.n++;
  }

  dropUpTo(mint: number): void {
    let d = 0;
    while (d < this.n && this.t[d]! <= mint) d++;
    if (d === 0) return;
    this.t.splice(0, d);
    this.h.splice(0, d);
    if (this.st !== null) this.st.splice(0, d);
    this.n -= d;
  }

  reset(): void {
    this.n = 0;
    this.t.length = 0;
    this.h.length = 0;
    if (this.st !== null) this.st.length = 0;
  }
}

/**
 * RangeWindow is what a range-vector function sees for one series at one step: the float and
 * histogram points inside the selected range (left-open, right-closed), in time order.
 */
export interface RangeWindow {
  metric: Labels;
  floats: PointBuf;
  hists: HPointBuf;
}

/**
 * SampleIteratorWithST is a SampleIterator that also knows each sample's start timestamp
 * (0 = unknown). Stores that model start timestamps implement it; the engine checks for atST.
 */
export interface SampleIteratorWithST extends SampleIterator {
  atST(): number;
}

/** hasST reports whether it exposes start timestamps. */
export function hasST(it: SampleIterator): it is SampleIteratorWithST {
  return typeof (it as Partial<SampleIteratorWithST>).atST === 'function';
}

/** SeriesSource is one input series of a selector: labels and a way to iterate its samples. */
export interface SeriesSource {
  readonly labels: Labels;
  iterator(): SampleIterator;
}
