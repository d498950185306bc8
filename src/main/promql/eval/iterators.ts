/**
 * Iteration helpers between storage iterators and the evaluator, after Prometheus's
 * storage/memoized_iterator.go (instant selection with lookback) and storage/buffer.go plus
 * engine.go's matrixIterSlice (sliding range windows).
 */
import type { FloatHistogram } from '../../../common/model/histogram';
import { isStaleNaN } from '../../../common/model/value';
import { hasBatches, ValueType, type BatchSampleIterator, type SampleBatch, type SampleIterator } from '../../storage/interface';
import { hasST, HPointBuf, PointBuf, type ESeries, type SampleIteratorWithST } from '../kernel/types';

/**
 * MemoizedIterator remembers the sample before the current one so that an instant selector can
 * look back without seeking backwards (Prometheus's MemoizedSeriesIterator).
 */
export class MemoizedIterator {
  private it: SampleIterator;
  private readonly delta: number;
  private vt: ValueType = ValueType.None;
  private lastT = -Infinity;
  private curF = 0;
  private curH: FloatHistogram | null = null;
  private curST = 0;
  /** prevT is -Infinity when there is no previous sample. */
  prevT = -Infinity;
  prevF = 0;
  prevH: FloatHistogram | null = null;
  prevST = 0;
  private readonly withST: boolean;

  constructor(it: SampleIterator, delta: number) {
    this.it = it;
    this.delta = delta;
    this.withST = hasST(it);
    this.vt = it.next();
    this.load();
  }

  private load(): void {
    if (this.vt === ValueType.None) {
      const e = this.it.err();
      if (e) throw e;
      return;
    }
    this.lastT = this.it.atT();
    if (this.vt === ValueType.Float) {
      this.curF = this.it.atF();
      this.curH = null;
    } else {
      this.curF = 0;
      this.curH = this.it.atFH();
    }
    this.curST = this.withST ? (this.it as SampleIteratorWithST).atST() : 0;
  }

  private step(): ValueType {
    if (this.vt === ValueType.None) return ValueType.None;
    this.prevT = this.lastT;
    this.prevF = this.curF;
    this.prevH = this.curH;
    this.prevST = this.curST;
    this.vt = this.it.next();
    this.load();
    return this.vt;
  }

  /** seek advances to the first sample at or after t, remembering the one before. */
  seek(t: number): ValueType {
    const t0 = t - this.delta;
    if (this.vt !== ValueType.None && t0 > this.lastT) {
      this.prevT = -Infinity;
      this.vt = this.it.seek(t0);
      if (this.vt === ValueType.None) {
        const e = this.it.err();
        if (e) throw e;
        return ValueType.None;
      }
      this.load();
    }
    if (this.lastT >= t) return this.vt;
    while (this.vt !== ValueType.None) {
      this.step();
      if (this.lastT >= t) break;
    }
    return this.vt;
  }

  /**
   * select evaluates an instant selector for this series at ts (vectorSelectorSingle): the newest
   * sample in (ts - offset - lookback, ts - offset], unless it is a stale marker. Writes into out.
   */
  select(offset: number, ts: number, lookback: number, out: SelectedPoint): boolean {
    const refTime = ts - offset;
    const vt = this.seek(refTime);
    let t = 0;
    let f = 0;
    let h: FloatHistogram | null = null;
    let st = 0;
    if (vt !== ValueType.None) {
      t = this.lastT;
      f = this.curF;
      h = this.curH;
      st = this.curST;
    }
    if (vt === ValueType.None || t > refTime) {
      if (this.prevT === -Infinity) {
        out.ok = false;
        return false;
      }
      t = this.prevT;
      f = this.prevF;
      h = this.prevH;
      st = this.prevST;
      if (t <= refTime - lookback) {
        out.ok = false;
        return false;
      }
    }
    if (h === null ? f !== f && isStaleNaN(f) : h.sum !== h.sum && isStaleNaN(h.sum)) {
      out.ok = false;
      return false;
    }
    out.ok = true;
    out.t = t;
    out.f = f;
    out.h = h;
    out.st = st;
    return true;
  }

  /** atT/atF/atH/atST give the current sample. */
  atT(): number {
    return this.lastT;
  }
  atF(): number {
    return this.curF;
  }
  atH(): FloatHistogram | null {
    return this.curH;
  }
  atST(): number {
    return this.curST;
  }
}

/** SelectedPoint is the result of an instant selection (see selectSingle). */
export interface SelectedPoint {
  ok: boolean;
  t: number;
  f: number;
  h: FloatHistogram | null;
  st: number;
}

/** selectSingle is it.select(offset, ts, lookback, out). */
export function selectSingle(it: MemoizedIterator, offset: number, ts: number, lookback: number, out: SelectedPoint): boolean {
  return it.select(offset, ts, lookback, out);
}

/**
 * WindowFiller keeps the points of one series inside a sliding range (mint, maxt] for successive,
 * non-decreasing windows: points leaving the window are dropped from the front, new points are
 * read from the storage iterator exactly once (matrixIterSlice with its buffered iterator).
 */
export class WindowFiller {
  readonly floats: PointBuf;
  readonly hists: HPointBuf;
  private it: SampleIterator | null = null;
  private vt: ValueType = ValueType.None;
  private started = false;
  private withST = false;
  /** batches is the iterator when it hands out samples in bulk (and no start timestamps are wanted). */
  private batches: BatchSampleIterator | null = null;
  private readonly view: SampleBatch = { t: EMPTY_F64, v: EMPTY_F64, i: 0, end: 0 };
  /** lastT is the timestamp of the newest point read into the window (to avoid duplicates). */
  private lastRead = -Infinity;
  /** recordST enables collecting start timestamps (rate-like functions with start timestamps). */
  recordST: boolean;

  constructor(recordST: boolean) {
    this.floats = new PointBuf(16);
    this.hists = new HPointBuf();
    this.recordST = recordST;
  }

  /** reset starts over with a new iterator. */
  reset(it: SampleIterator): void {
    this.it = it;
    this.vt = ValueType.None;
    this.started = false;
    this.withST = this.recordST && hasST(it);
    this.batches = !this.withST && hasBatches(it) ? it : null;
    this.lastRead = -Infinity;
    this.floats.reset();
    this.floats.st = null;
    this.hists.reset();
    this.hists.st = null;
  }

  /** fill makes the window hold exactly the non-stale points in (mint, maxt]. Returns the point count. */
  fill(mint: number, maxt: number): number {
    this.floats.dropUpTo(mint);
    this.hists.dropUpTo(mint);
    if (mint >= maxt) return this.floats.n + this.hists.n;
    const it = this.it!;
    if (!this.started) {
      this.started = true;
      this.vt = it.seek(mint + 1);
    } else if (this.vt !== ValueType.None && it.atT() <= mint) {
      this.vt = it.seek(mint + 1);
    }
    let vt = this.vt;
    let lastRead = this.lastRead;
    const floats = this.floats;
    const withST = this.withST;
    const bi = this.batches;
    if (bi !== null) {
      // Bulk path: copy runs of float samples straight from the iterator's decoded arrays.
      const view = this.view;
      while (vt === ValueType.Float && bi.batch(view)) {
        const T = view.t;
        const V = view.v;
        const end = view.end;
        let j = view.i;
        floats.ensure(floats.n + (end - j));
        const ft = floats.t;
        const ff = floats.f;
        let n = floats.n;
        let dec = floats.decreases;
        while (j < end) {
          const t = T[j]!;
          if (t > maxt) break;
          if (t > mint && t > lastRead) {
            const f = V[j]!;
            if (f === f || !isStaleNaN(f)) {
              if (n > 0 && f < ff[n - 1]!) dec++;
              ft[n] = t;
              ff[n] = f;
              n++;
            }
            lastRead = t;
          }
          j++;
        }
        floats.n = n;
        floats.decreases = dec;
        vt = bi.advance(j);
        if (j < end) break;
      }
    }
    while (vt !== ValueType.None) {
      const t = it.atT();
      if (t > maxt) break;
      if (t > mint && t > lastRead) {
        if (vt === ValueType.Float) {
          const f = it.atF();
          if (f === f || !isStaleNaN(f)) {
            if (withST) floats.pushST(t, f, (it as SampleIteratorWithST).atST());
            else floats.push(t, f);
          }
        } else {
          const h = it.atFH();
          if (h.sum === h.sum || !isStaleNaN(h.sum)) {
            if (withST) this.hists.push(t, h, (it as SampleIteratorWithST).atST());
            else this.hists.push(t, h);
          }
        }
        lastRead = t;
      }
      vt = it.next();
    }
    this.vt = vt;
    this.lastRead = lastRead;
    if (this.vt === ValueType.None) {
      const e = it.err();
      if (e) throw e;
    }
    return this.floats.n + this.hists.n;
  }
}

const EMPTY_F64 = new Float64Array(0);

/**
 * ArrayIterator iterates an evaluated ESeries (for subquery results used as range-vector input)
 * through the SampleIterator interface.
 */
export class ArrayIterator implements SampleIterator {
  private readonly s: ESeries;
  private fi = -1;
  private hi = -1;
  private cur: ValueType = ValueType.None;
  private started = false;

  constructor(s: ESeries) {
    this.s = s;
  }

  private pick(): ValueType {
    const ft = this.fi < this.s.fT.length ? this.s.fT[this.fi]! : Infinity;
    const ht = this.hi < this.s.hT.length ? this.s.hT[this.hi]! : Infinity;
    if (ft === Infinity && ht === Infinity) {
      this.cur = ValueType.None;
    } else if (ft <= ht) {
      this.cur = ValueType.Float;
    } else {
      this.cur = ValueType.Histogram;
    }
    return this.cur;
  }

  next(): ValueType {
    if (!this.started) {
      this.started = true;
      this.fi = 0;
      this.hi = 0;
      return this.pick();
    }
    if (this.cur === ValueType.Float) this.fi++;
    else if (this.cur === ValueType.Histogram) this.hi++;
    else return ValueType.None;
    return this.pick();
  }

  seek(t: number): ValueType {
    if (!this.started) {
      this.started = true;
      this.fi = 0;
      this.hi = 0;
    } else if (this.cur !== ValueType.None && this.atT() >= t) {
      return this.cur;
    }
    this.fi = lowerBound(this.s.fT, t, this.fi);
    this.hi = lowerBound(this.s.hT, t, this.hi);
    return this.pick();
  }

  atT(): number {
    return this.cur === ValueType.Float ? this.s.fT[this.fi]! : this.s.hT[this.hi]!;
  }
  atF(): number {
    return this.s.fF[this.fi]!;
  }
  atFH(): FloatHistogram {
    return this.s.hH[this.hi]!;
  }
  err(): Error | null {
    return null;
  }
}

/** lowerBound returns the first index >= from with a[i] >= t. */
export function lowerBound(a: ArrayLike<number>, t: number, from = 0): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
