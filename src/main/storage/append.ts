/**
 * Head append, after Prometheus's head appender: an Appender collects a batch in typed arrays and
 * checks ordering per sample; commit() checks ordering again against what other appenders
 * committed meanwhile, writes the batch as one `log` row (plus any new series rows and
 * out-of-order head chunks) in one SQLite transaction, and only then applies it to the in-memory
 * head, where each series appends to its open XOR chunk and chunks are cut by Prometheus's rules.
 *
 * After the head has the batch, commit listeners (Storage.onCommit) get it, still in the
 * appender's buffers; without listeners that costs one length check per commit.
 *
 * This is the hot path: per sample it touches only typed arrays of the head and the batch.
 */
import type { FloatHistogram } from '../../common/model/histogram';
import type { Labels } from '../../common/model/labels';
import { SampleBuf, XorAppender, decodeChunkInto, MAX_CHUNK_SAMPLES } from './chunkenc/index';
import type { StoreCore } from './core';
import { F_HAS_LAST, HeadSeries, MAX_BYTES_PER_CHUNK, computeChunkEndTime, rangeEnd } from './head';
import { StorageError, type Appender, type CommitBatch, type CommitListener, type CommittedSeries, type SeriesRef } from './interface';
import { encodeSamples } from './record';
import { decodeBlockRow, decodeHeadChunkRow, encodeHeadChunkRow } from './rows';

const MAX_CHUNK_BYTES = MAX_BYTES_PER_CHUNK;

// classify's verdicts on a sample
const IN_ORDER = 0;
const OOO = 1;
const DUP_SAME = 2;
const E_DUP = 3;
const E_OOO = 4;
const E_BOUNDS = 5;
const E_TOO_OLD = 6;

/** OooSample is an accepted out-of-order sample of a batch, written as an out-of-order head chunk. */
interface OooSample {
  s: HeadSeries;
  t: number;
  hi: number;
  lo: number;
}

/** BatchBuffers hold one appender batch: refs, timestamps and values (with a bit view). */
class BatchBuffers {
  refs: Int32Array;
  ts: Float64Array;
  vals: Float64Array;
  v32: Uint32Array;

  constructor(cap: number) {
    this.refs = new Int32Array(cap);
    this.ts = new Float64Array(cap);
    this.vals = new Float64Array(cap);
    this.v32 = new Uint32Array(this.vals.buffer);
  }

  grow(): void {
    const size = this.refs.length * 2;
    const refs = new Int32Array(size);
    refs.set(this.refs);
    const ts = new Float64Array(size);
    ts.set(this.ts);
    const vals = new Float64Array(size);
    vals.set(this.vals);
    this.refs = refs;
    this.ts = ts;
    this.vals = vals;
    this.v32 = new Uint32Array(vals.buffer);
  }
}

/** HeadWriter hands out appenders and commits their batches into the head (one per TSDB). */
export class HeadWriter {
  private commitGen = 0;
  private appendGen = 0;
  private readonly batchPool: BatchBuffers[] = [];
  /** listeners are the commit listeners; replaced, never mutated, so a notification can iterate a snapshot. */
  private listeners: readonly CommitListener[] = [];
  /** announced is the lowest series ref not yet listed in a batch's newSeries (refs only grow). */
  private announced = 0;

  /** The constructor takes the store's state and the maintenance to run after each commit. */
  constructor(
    readonly core: StoreCore,
    private readonly afterCommit: () => void,
  ) {}

  /** appender returns a new Appender (one per scrape, rule evaluation or push). */
  appender(): Appender {
    this.core.checkOpen();
    return new HeadAppender(this, ++this.appendGen, this.batchPool.pop() ?? new BatchBuffers(256));
  }

  /** onCommit subscribes listener to committed batches and returns its unsubscribe function (see Storage.onCommit). */
  onCommit(listener: CommitListener): () => void {
    if (this.listeners.length === 0) {
      // announce from the oldest series not committed yet: older ones were in batches nobody saw
      const c = this.core;
      this.announced = c.unpersisted.length > 0 ? c.unpersisted[0]!.ref : c.nextRef;
    }
    this.listeners = [...this.listeners, listener];
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners = [...this.listeners.slice(0, i), ...this.listeners.slice(i + 1)];
    };
  }

  /** releaseBatch returns an appender's buffers for reuse. */
  releaseBatch(b: BatchBuffers): void {
    if (this.batchPool.length < 8) this.batchPool.push(b);
  }

  /** classify decides what happens to a sample given the series' last timestamp and value bits. */
  classify(lastT: number, lastHi: number, lastLo: number, hasLast: boolean, s: HeadSeries, t: number, hi: number, lo: number): number {
    const c = this.core;
    const minValid = c.inOrderMin();
    if (t > lastT) {
      if (t >= minValid) return IN_ORDER;
    } else if (t === lastT) {
      if (!hasLast) {
        this.resolveLast(s);
        lastHi = c.h.lastHi[s.slot]!;
        lastLo = c.h.lastLo[s.slot]!;
      }
      return lastHi === hi && lastLo === lo ? DUP_SAME : E_DUP;
    }
    if (c.oooWindow > 0) return t >= c.headMaxT - c.oooWindow ? OOO : E_TOO_OLD;
    return t < minValid ? E_BOUNDS : E_OOO;
  }

  /** rejection returns the StorageError for a classification code (and counts it). */
  rejection(code: number, s: HeadSeries, t: number): StorageError {
    const c = this.core;
    switch (code) {
      case E_DUP:
        c.counters.duplicateSamples++;
        return new StorageError('duplicate', `duplicate sample for timestamp ${t} with a different value (series ${s.ref})`);
      case E_OOO:
        c.counters.outOfOrderSamples++;
        return new StorageError('out_of_order', `out of order sample at ${t}, series ${s.ref} is at ${c.h.maxT[s.slot]}`);
      case E_BOUNDS:
        c.counters.outOfBoundSamples++;
        return new StorageError('out_of_bounds', `out of bounds sample at ${t}: older than the head's minimum valid time ${c.inOrderMin()}`);
      default:
        c.counters.tooOldSamples++;
        return new StorageError('too_old', `too old sample at ${t}: outside the out-of-order window of ${c.oooWindow} ms`);
    }
  }

  /** resolveLast finds the value bits of the series' newest sample (needed after a restart). */
  private resolveLast(s: HeadSeries): void {
    const c = this.core;
    const H = c.h;
    const slot = s.slot;
    const maxT = H.maxT[slot]!;
    const A = H.arena;
    if (A.has(slot) && A.maxT[slot] === maxT) {
      H.lastHi[slot] = A.lastHi(slot);
      H.lastLo[slot] = A.lastLo(slot);
      H.flags[slot] = H.flags[slot]! | F_HAS_LAST;
      return;
    }
    const buf = new SampleBuf(256);
    try {
      let found = -1;
      for (let ch = H.firstChunk[slot]!; ch >= 0; ch = H.cNext[ch]!) if (H.cOoo[ch] === 0 && H.cMaxT[ch] === maxT) found = ch;
      if (found >= 0) {
        const bytes = H.cBytes[found];
        if (bytes !== null && bytes !== undefined) decodeChunkInto(bytes, buf);
        else {
          const row = c.readHeadChunk(H.cId[found]!);
          if (row !== undefined) decodeChunkInto(decodeHeadChunkRow(row), buf);
        }
      } else {
        const row = c.readBlockRow(c.blockKey(Math.floor(maxT / c.range), s.ref));
        if (row !== undefined) for (const ch of decodeBlockRow(row)) decodeChunkInto(ch, buf);
      }
    } catch {
      // damaged: leave unknown (treated as a different value)
    }
    for (let i = buf.n - 1; i >= 0; i--) {
      if (buf.t[i] === maxT) {
        H.lastHi[slot] = buf.v32[2 * i + 1]!;
        H.lastLo[slot] = buf.v32[2 * i]!;
        H.flags[slot] = H.flags[slot]! | F_HAS_LAST;
        return;
      }
    }
  }

  /** commitBatch makes an appender's batch durable and visible; see Appender.commit. */
  commitBatch(n: number, refs: Int32Array, ts: Float64Array, vals: Float64Array, v32: Uint32Array): void {
    const c = this.core;
    c.checkOpen();
    if (n === 0 && c.unpersisted.length === 0) return;
    const listeners = this.listeners;
    const H = c.h;
    const cGen = H.cGen;
    const cT = H.cT;
    const cHi = H.cHi;
    const cLo = H.cLo;
    const gen = ++this.commitGen;
    const series = c.series;
    let k = 0;
    let ooo: OooSample[] | null = null;
    const minValid = c.inOrderMin();
    for (let i = 0; i < n; i++) {
      const s = series[refs[i]!];
      if (s === undefined) continue;
      const slot = s.slot;
      if (cGen[slot] !== gen) {
        cGen[slot] = gen;
        cT[slot] = H.maxT[slot]!;
        cHi[slot] = H.lastHi[slot]!;
        cLo[slot] = H.lastLo[slot]!;
      }
      const t = ts[i]!;
      const hi = v32[2 * i + 1]!;
      const lo = v32[2 * i]!;
      if (t > cT[slot]! && t >= minValid) {
        if (k !== i) {
          refs[k] = refs[i]!;
          ts[k] = t;
          v32[2 * k] = lo;
          v32[2 * k + 1] = hi;
        }
        k++;
        cT[slot] = t;
        cHi[slot] = hi;
        cLo[slot] = lo;
        continue;
      }
      const known = (H.flags[slot]! & F_HAS_LAST) !== 0 || cT[slot] !== H.maxT[slot];
      const code = this.classify(cT[slot]!, cHi[slot]!, cLo[slot]!, known, s, t, hi, lo);
      if (code === DUP_SAME) continue;
      if (code === OOO) {
        (ooo ??= []).push({ s, t, hi, lo });
        continue;
      }
      if (code !== IN_ORDER) this.rejection(code, s, t); // counted; the sample is dropped
    }
    const rec = k > 0 ? encodeSamples(k, refs, ts, vals, v32) : null;
    let logId = 0;
    let oooChunks: { s: HeadSeries; c: number }[] = [];
    const oooKept: OooSample[] | null = ooo !== null && listeners.length > 0 ? [] : null;
    try {
      c.tx(() => {
        c.persistNewSeries();
        if (rec !== null) logId = Number(c.st.insLog!.run(rec).lastInsertRowid);
        if (ooo !== null) oooChunks = this.writeOoo(ooo, oooKept);
      });
    } catch (e) {
      for (const { c: ch } of oooChunks) H.discardChunk(ch);
      c.counters.commitFailures++;
      throw c.ioError('commit', e);
    }
    c.unpersisted = [];
    c.counters.commits++;
    if (logId > 0) c.lastLogId = logId;
    for (let i = 0; i < k; i++) {
      const s = series[refs[i]!]!;
      appendHead(c, s.slot, s.ref, ts[i]!, v32[2 * i + 1]!, v32[2 * i]!, logId);
    }
    c.counters.samplesAppended += k;
    for (const { s, c: ch } of oooChunks) {
      H.linkChunk(s.slot, ch);
      c.noteTimes(s.slot, H.cMinT[ch]!, H.cMaxT[ch]!);
      c.counters.oooSamplesAppended += H.cN[ch]!;
    }
    if (listeners.length > 0) this.notify(listeners, k, refs, ts, vals, v32, oooKept);
    this.afterCommit();
  }

  /**
   * notify hands the committed batch to the listeners: the k in-order samples already at the front
   * of the buffers, then the out-of-order samples written (placed after them: the buffers hold at
   * least k of them plus every out-of-order one), and the series created since the last
   * notification (a successful commit has persisted every series created so far).
   */
  private notify(listeners: readonly CommitListener[], k: number, refs: Int32Array, ts: Float64Array, vals: Float64Array, v32: Uint32Array, oooKept: readonly OooSample[] | null): void {
    const c = this.core;
    let count = k;
    if (oooKept !== null) {
      for (const x of oooKept) {
        refs[count] = x.s.ref;
        ts[count] = x.t;
        v32[2 * count] = x.lo;
        v32[2 * count + 1] = x.hi;
        count++;
      }
    }
    const index = c.index;
    const newSeries: CommittedSeries[] = [];
    for (let ref = this.announced; ref < c.nextRef; ref++) if (index.has(ref)) newSeries.push({ ref, labels: index.labels(ref) });
    this.announced = c.nextRef;
    const batch: CommitBatch = { count, refs, timestamps: ts, values: vals, newSeries, labelsOf: (ref: SeriesRef): Labels => index.labels(ref) };
    for (const l of listeners) {
      try {
        l(batch);
      } catch (e) {
        c.warnLimited('commit-listener', `storage ${c.path}: a commit listener failed (the commit stands): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /**
   * writeOoo writes out-of-order samples as head chunks (one per series and block), in a
   * transaction; kept, when given, receives the samples written.
   */
  private writeOoo(ooo: OooSample[], kept: OooSample[] | null): { s: HeadSeries; c: number }[] {
    const c = this.core;
    ooo.sort((a, b) => a.s.ref - b.s.ref || a.t - b.t);
    const out: { s: HeadSeries; c: number }[] = [];
    let i = 0;
    while (i < ooo.length) {
      const s = ooo[i]!.s;
      const block = Math.floor(ooo[i]!.t / c.range);
      const a = new XorAppender(64);
      let lastT = NaN;
      while (i < ooo.length && ooo[i]!.s === s && Math.floor(ooo[i]!.t / c.range) === block && a.numSamples < MAX_CHUNK_SAMPLES) {
        const x = ooo[i++]!;
        if (x.t === lastT) continue;
        a.appendBits(x.t, x.hi, x.lo);
        lastT = x.t;
        if (kept !== null) kept.push(x);
      }
      const bytes = a.bytes();
      const id = Number(c.st.insHead!.run(s.ref, a.minT, a.maxT, a.numSamples, 1, encodeHeadChunkRow(bytes)).lastInsertRowid);
      out.push({ s, c: c.h.allocChunk(s.ref, id, a.minT, a.maxT, a.numSamples, true, null) });
    }
    return out;
  }
}

/** appendHead appends one in-order sample to the series' open chunk, cutting chunks as needed (commit and replay). */
export function appendHead(c: StoreCore, slot: number, ref: number, t: number, hi: number, lo: number, logId: number): void {
  const H = c.h;
  const A = H.arena;
  if (A.cls[slot]! >= 0) {
    const ns = A.numSamples[slot]!;
    if (ns === c.spc >> 2) H.nextAt[slot] = computeChunkEndTime(A.minT[slot]!, A.maxT[slot]!, H.nextAt[slot]!, 4);
    if (t >= H.nextAt[slot]! || ns >= 2 * c.spc || A.sizeBytes(slot) > MAX_CHUNK_BYTES) {
      c.closeOpen(slot, ref);
      A.start(slot, t, hi, lo, H.sizeHint[slot]! + 32);
      H.nextAt[slot] = rangeEnd(t, c.range);
      H.firstLogId[slot] = logId;
    } else {
      A.append(slot, t, hi, lo);
    }
  } else {
    A.start(slot, t, hi, lo, H.sizeHint[slot]! + 32);
    H.nextAt[slot] = rangeEnd(t, c.range);
    H.firstLogId[slot] = logId;
  }
  H.maxT[slot] = t;
  H.lastHi[slot] = hi;
  H.lastLo[slot] = lo;
  H.flags[slot] = H.flags[slot]! | F_HAS_LAST;
  if (t > H.dataMaxT[slot]!) H.dataMaxT[slot] = t;
  if (t < H.minT[slot]!) H.minT[slot] = t;
  if (t > c.headMaxT) c.headMaxT = t;
  if (t < c.headMinT) c.headMinT = t;
}

/** HeadAppender buffers one batch for HeadWriter.commitBatch. */
class HeadAppender implements Appender {
  private n = 0;
  private done = false;
  private readonly core: StoreCore;

  constructor(
    private readonly w: HeadWriter,
    private readonly gen: number,
    private b: BatchBuffers,
  ) {
    this.core = w.core;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new StorageError('closed', 'appender already committed or rolled back');
    const db = this.core;
    let s = ref > 0 ? db.seriesByRef(ref) : undefined;
    if (s === undefined) {
      if (ref > 0 && labels.length === 0) throw new StorageError('unknown_ref', `unknown series ref ${ref} (deleted by retention?) and no labels to recreate it`);
      s = db.seriesFor(labels);
    }
    if (!Number.isSafeInteger(t)) throw new StorageError('invalid', `timestamp ${t} is not an integer number of milliseconds`);
    const n = this.n;
    let b = this.b;
    if (n === b.refs.length) {
      b.grow();
      b = this.b;
    }
    b.vals[n] = v;
    const hi = b.v32[2 * n + 1]!;
    const lo = b.v32[2 * n]!;
    const H = db.h;
    const slot = s.slot;
    const pending = H.pendGen[slot] === this.gen;
    const lastT = pending ? H.pendT[slot]! : H.maxT[slot]!;
    if (!(t > lastT) || t < db.inOrderMin()) {
      const w = this.w;
      const code = w.classify(lastT, pending ? H.pendHi[slot]! : H.lastHi[slot]!, pending ? H.pendLo[slot]! : H.lastLo[slot]!, pending || (H.flags[slot]! & F_HAS_LAST) !== 0, s, t, hi, lo);
      if (code === DUP_SAME) return s.ref;
      if (code !== IN_ORDER && code !== OOO) throw w.rejection(code, s, t);
      if (code === OOO) {
        b.refs[n] = s.ref;
        b.ts[n] = t;
        this.n = n + 1;
        return s.ref;
      }
    }
    b.refs[n] = s.ref;
    b.ts[n] = t;
    this.n = n + 1;
    H.pendGen[slot] = this.gen;
    H.pendT[slot] = t;
    H.pendHi[slot] = hi;
    H.pendLo[slot] = lo;
    return s.ref;
  }

  appendHistogram(_ref: SeriesRef, _labels: Labels, _t: number, _h: FloatHistogram): SeriesRef {
    throw new StorageError('invalid', 'native histogram samples are not supported by this store yet');
  }

  commit(): void {
    if (this.done) throw new StorageError('closed', 'appender already committed or rolled back');
    this.done = true;
    const b = this.b;
    try {
      this.w.commitBatch(this.n, b.refs, b.ts, b.vals, b.v32);
    } finally {
      this.w.releaseBatch(b);
    }
  }

  rollback(): void {
    if (this.done) return;
    this.done = true;
    this.n = 0;
    this.w.releaseBatch(this.b);
  }
}
