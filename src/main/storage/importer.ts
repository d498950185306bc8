/**
 * Backfill (`vigil import`, like promtool tsdb create-blocks-from openmetrics): samples of any
 * series, in any order, are buffered per series, then sorted and written straight into block rows
 * in large transactions, bypassing the head and the log. Data older than the head is accepted.
 */
import type { Labels } from '../../common/model/labels';
import { SampleBuf, decodeChunkInto } from './chunkenc/index';
import { addBlockDelta, type StoreCore } from './core';
import type { BlockMeta, HeadSeries } from './head';
import { StorageError, type Appendable, type Appender } from './interface';
import { decodeBlockRow, encodeBlockRow } from './rows';
import { encodeFrames, sortDedupe } from './samples';

/** ImportTarget is what the importer needs from the store (implemented by StoreImportTarget). */
export interface ImportTarget {
  /** seriesFor returns (creating if needed) the series with these labels. */
  seriesFor(ls: Labels): HeadSeries;
  /** seriesByRef returns a live series. */
  seriesByRef(ref: number): HeadSeries | undefined;
  /** importTx runs fn in one transaction with block bookkeeping. */
  importTx(fn: (blockDelta: Map<number, BlockMeta>) => { s: HeadSeries; minT: number; maxT: number }[]): void;
  /** writeImported merges sorted samples of one series into block rows. */
  writeImported(s: HeadSeries, buf: SampleBuf, blockDelta: Map<number, BlockMeta>): number;
  /** counters receives the imported sample count. */
  readonly counters: { importedSamples: number };
}

/** ImportResult totals a backfill. */
export interface ImportResult {
  /** series is the number of distinct series imported. */
  series: number;
  /** samples is the number of samples written (new timestamps only). */
  samples: number;
  /** duplicates counts input samples dropped for repeating a timestamp of the same series (the later one wins). */
  duplicates: number;
}

/** ImporterOptions tune a backfill. */
export interface ImporterOptions {
  /** maxBufferedSamples triggers a flush when this many samples are buffered (default 4,000,000, about 64 MB). */
  maxBufferedSamples?: number;
}

/**
 * Importer writes historical samples into the store.
 *
 * Contract:
 *  - Resolve each series once with seriesRef(labels) (labels sorted by name, as everywhere), then
 *    append(ref, t, v) its samples; add(labels, t, v) does both. Samples may arrive in any order,
 *    across and within series. t is integer milliseconds.
 *  - Nothing is visible to queriers until a flush: flush() writes everything buffered in one SQLite
 *    transaction (atomic, durable on return); buffers also flush on their own when they reach
 *    maxBufferedSamples. commit() flushes the rest and ends the import; abort() drops what is not
 *    flushed yet (flushed batches stay).
 *  - Within a flush, a repeated timestamp of a series keeps the last value added. Against data
 *    already stored (earlier flushes, the head, compacted blocks), stored samples win.
 *  - Imported data older than the retention time is deleted by the next retention pass.
 *  - Flushes do not notify commit listeners (Storage.onCommit): backfill bypasses the head.
 *  - Errors: StorageError 'invalid' for a bad timestamp or label set, 'io' when writing fails (the
 *    failed flush's samples are not stored; the importer can be flushed again), 'closed'.
 */
export class Importer {
  private readonly bufs = new Map<number, { s: HeadSeries; buf: SampleBuf }>();
  private buffered = 0;
  private readonly maxBuffered: number;
  private readonly seen = new Set<number>();
  private samples = 0;
  private duplicates = 0;
  private done = false;

  constructor(
    private readonly db: ImportTarget,
    opts: ImporterOptions = {},
  ) {
    this.maxBuffered = opts.maxBufferedSamples ?? 4_000_000;
  }

  /** seriesRef returns the ref of the series with these labels, creating the series if needed. */
  seriesRef(labels: Labels): number {
    this.check();
    return this.db.seriesFor(labels).ref;
  }

  /** append buffers one sample of a series resolved with seriesRef. */
  append(ref: number, t: number, v: number): void {
    this.check();
    if (!Number.isSafeInteger(t)) throw new StorageError('invalid', `import: timestamp ${t} is not an integer number of milliseconds`);
    let e = this.bufs.get(ref);
    if (e === undefined) {
      const s = this.db.seriesByRef(ref);
      if (s === undefined) throw new StorageError('invalid', `import: unknown series ref ${ref}`);
      e = { s, buf: new SampleBuf(64) };
      this.bufs.set(ref, e);
    }
    const b = e.buf;
    if (b.n === b.t.length) b.ensure(b.n + 1);
    b.t[b.n] = t;
    b.v[b.n] = v;
    b.n++;
    if (++this.buffered >= this.maxBuffered) this.flush();
  }

  /** add buffers one sample of the series with these labels. */
  add(labels: Labels, t: number, v: number): void {
    this.append(this.seriesRef(labels), t, v);
  }

  /**
   * appendable lets a scrape loop (or anything that writes through Appendable) backfill: its
   * appenders buffer into this import. Their commit and rollback do nothing; the import's own
   * flush, commit or abort decide what is stored. Histograms are not imported.
   */
  appendable(): Appendable {
    const appender: Appender = {
      append: (ref, labels, t, v) => {
        const r = ref !== 0 ? ref : this.seriesRef(labels);
        this.append(r, t, v);
        return r;
      },
      appendHistogram: () => {
        throw new StorageError('invalid', 'import: native histograms are not imported');
      },
      commit: () => {},
      rollback: () => {},
    };
    return { appender: () => appender };
  }

  /** flush writes the buffered samples in one transaction. */
  flush(): void {
    this.check();
    if (this.buffered === 0) return;
    const entries = [...this.bufs.values()];
    let written = 0;
    let dups = 0;
    this.db.importTx((blockDelta) => {
      written = 0;
      dups = 0;
      const touched: { s: HeadSeries; minT: number; maxT: number }[] = [];
      for (const { s, buf } of entries) {
        if (buf.n === 0) continue;
        const sorted = sortKeepLast(buf);
        dups += buf.n - sorted.n;
        written += this.db.writeImported(s, sorted, blockDelta);
        touched.push({ s, minT: sorted.t[0]!, maxT: sorted.t[sorted.n - 1]! });
      }
      return touched;
    });
    this.duplicates += dups;
    for (const { s } of entries) this.seen.add(s.ref);
    this.samples += written;
    this.db.counters.importedSamples += written;
    this.bufs.clear();
    this.buffered = 0;
  }

  /** commit flushes the rest and returns the totals. */
  commit(): ImportResult {
    this.flush();
    this.done = true;
    return { series: this.seen.size, samples: this.samples, duplicates: this.duplicates };
  }

  /** abort drops everything not flushed yet. */
  abort(): void {
    this.bufs.clear();
    this.buffered = 0;
    this.done = true;
  }

  private check(): void {
    if (this.done) throw new StorageError('closed', 'importer already committed or aborted');
  }
}

/** StoreImportTarget is the ImportTarget of a TSDB: block rows written directly, past the head and the log. */
export class StoreImportTarget implements ImportTarget {
  /** counters receives the imported sample count (the store's counters). */
  readonly counters: { importedSamples: number };

  /** The constructor takes the store's state. */
  constructor(private readonly core: StoreCore) {
    this.counters = core.counters;
  }

  /** seriesFor returns (creating if needed) the series with these labels. */
  seriesFor(ls: Labels): HeadSeries {
    return this.core.seriesFor(ls);
  }

  /** seriesByRef returns a live series. */
  seriesByRef(ref: number): HeadSeries | undefined {
    return this.core.seriesByRef(ref);
  }

  /**
   * writeImported merges sorted samples of one series into block rows, inside the caller's
   * transaction. ts must strictly increase. Returns the number of new samples written.
   */
  writeImported(s: HeadSeries, buf: SampleBuf, blockDelta: Map<number, BlockMeta>): number {
    const core = this.core;
    let written = 0;
    let i = 0;
    while (i < buf.n) {
      const b = Math.floor(buf.t[i]! / core.range);
      const end = (b + 1) * core.range;
      let j = i;
      while (j < buf.n && buf.t[j]! < end) j++;
      const part = new SampleBuf(j - i + 256);
      part.t.set(buf.t.subarray(i, j));
      part.v.set(buf.v.subarray(i, j));
      part.n = j - i;
      const key = core.blockKey(b, s.ref);
      const old = core.st.getRow!.get(key) as Uint8Array | undefined;
      let oldN = 0;
      let newSeries = 1;
      let oldLen = 0;
      if (old !== undefined) {
        newSeries = 0;
        oldLen = old.length;
        const prev = new SampleBuf(512);
        try {
          for (const ch of decodeBlockRow(old)) decodeChunkInto(ch, prev);
        } catch (e) {
          prev.n = 0;
          core.reportCorrupt(`chunks row ${key}`, s.ref, e as Error);
        }
        oldN = prev.n;
        // existing samples win on equal timestamps: put them first, then dedupe
        prev.ensure(prev.n + part.n);
        prev.t.set(part.t.subarray(0, part.n), prev.n);
        prev.v.set(part.v.subarray(0, part.n), prev.n);
        prev.n += part.n;
        sortDedupe(prev);
        part.t = prev.t;
        part.v = prev.v;
        part.v32 = prev.v32;
        part.n = prev.n;
      }
      const row = encodeBlockRow(encodeFrames(part));
      core.rows.delete(key);
      core.st.putRow!.run(key, row);
      core.st.updSeriesTimes!.run(part.t[0]!, part.t[0]!, part.t[part.n - 1]!, part.t[part.n - 1]!, s.ref);
      addBlockDelta(blockDelta, b, part.t[0]!, part.t[part.n - 1]!, newSeries, part.n - oldN, row.length - oldLen);
      written += part.n - oldN;
      i = j;
    }
    return written;
  }

  /** importTx runs fn in a transaction with the block bookkeeping of an import batch. */
  importTx(fn: (blockDelta: Map<number, BlockMeta>) => { s: HeadSeries; minT: number; maxT: number }[]): void {
    const core = this.core;
    core.checkOpen();
    const blockDelta = new Map<number, BlockMeta>();
    let touched: { s: HeadSeries; minT: number; maxT: number }[] = [];
    try {
      core.tx(() => {
        core.persistNewSeries();
        touched = fn(blockDelta);
        for (const d of blockDelta.values()) core.putBlockMeta(d);
      });
    } catch (e) {
      throw core.ioError('import', e);
    }
    core.unpersisted = [];
    for (const d of blockDelta.values()) core.blocks.set(d.block, d);
    core.refreshBlockList();
    const H = core.h;
    for (const x of touched) {
      if (x.minT < H.minT[x.s.slot]!) H.minT[x.s.slot] = x.minT;
      if (x.maxT > H.dataMaxT[x.s.slot]!) H.dataMaxT[x.s.slot] = x.maxT;
    }
  }
}

/** sortKeepLast returns buf's samples sorted by timestamp, keeping the last added of equal timestamps. */
function sortKeepLast(buf: SampleBuf): SampleBuf {
  const n = buf.n;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (buf.t[i]! <= buf.t[i - 1]!) sorted = false;
  if (sorted) return buf;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => buf.t[a]! - buf.t[b]! || a - b);
  const out = new SampleBuf(n);
  let k = 0;
  for (const i of idx) {
    const t = buf.t[i]!;
    if (k > 0 && out.t[k - 1] === t) k--; // a later duplicate replaces the earlier one
    out.t[k] = t;
    out.v32[2 * k] = buf.v32[2 * i]!;
    out.v32[2 * k + 1] = buf.v32[2 * i + 1]!;
    k++;
  }
  out.n = k;
  return out;
}
