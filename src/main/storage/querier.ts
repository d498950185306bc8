/**
 * Read side: a selected series is a list of chunk sources (block rows, closed head chunks, the open
 * head chunk as it was when the querier selected it). Its iterator decodes one source at a time into
 * Float64Array batches and walks them; sources that overlap in time (out-of-order chunks, backfilled
 * rows) are merged by timestamp, the first source winning on equal timestamps.
 */
import type { FloatHistogram } from '../../common/model/histogram';
import type { Labels } from '../../common/model/labels';
import { SampleBuf, decodeChunkInto } from './chunkenc/index';
import { StorageError, ValueType, type BatchSampleIterator, type SampleBatch, type SampleIterator, type Series, type Warnings } from './interface';
import { decodeBlockRow, decodeHeadChunkRow } from './rows';

/** SourceKind tells where a chunk source lives. */
export const SourceKind = { BlockRow: 0, HeadChunk: 1, Open: 2 } as const;
/** SourceKind is one of the SourceKind values. */
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

/** ChunkSource is one place holding samples of a series, with its time bounds. */
export interface ChunkSource {
  kind: SourceKind;
  minT: number;
  maxT: number;
  /** key of the chunks row (BlockRow), head_chunks id (HeadChunk, when flushed). */
  key: number;
  /** chunk bytes held in memory (HeadChunk not yet flushed, Open). */
  bytes: Uint8Array | null;
  /** number of samples to read (Open: the count when selected; -1 = all). */
  limit: number;
}

/** StoreReader is what iterators need from the store. */
export interface StoreReader {
  /** readBlockRow returns the chunks.data value of key, or undefined. */
  readBlockRow(key: number): Uint8Array | undefined;
  /** readHeadChunk returns the head_chunks.data value of id, or undefined. */
  readHeadChunk(id: number): Uint8Array | undefined;
  /** reportCorrupt counts and logs a damaged chunk (once per location) and returns a warning. */
  reportCorrupt(where: string, ref: number, err: Error): string;
}

/** StoredSeries is a Series backed by chunk sources. */
export class StoredSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly ref: number,
    private readonly sources: ChunkSource[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly reader: StoreReader,
    private readonly warnings: Warnings,
  ) {}

  /** iterator returns a fresh iterator over the samples in the querier's range. */
  iterator(): SampleIterator {
    return new SeriesIterator(this.ref, this.sources, this.mint, this.maxt, this.reader, this.warnings);
  }
}

function overlapping(sources: readonly ChunkSource[]): boolean {
  for (let i = 1; i < sources.length; i++) if (sources[i]!.minT <= sources[i - 1]!.maxT) return true;
  return false;
}

/**
 * Decode buffers are pooled: a query walks thousands of series one after the other, and a fresh
 * pair of Float64Arrays per series was a large share of its allocations. An iterator takes a
 * buffer at its first load and gives it back when it reaches the end (an iterator abandoned
 * earlier just leaves its buffer to the garbage collector).
 */
const POOL: SampleBuf[] = [];
const POOL_MAX = 16;
/** EMPTY is the buffer of iterators that hold none (never pooled, never written). */
const EMPTY = new SampleBuf(0);

function acquireBuf(cap: number): SampleBuf {
  const b = POOL.pop() ?? new SampleBuf(Math.max(cap, 128));
  b.n = 0;
  b.ensure(cap);
  return b;
}

function releaseBuf(b: SampleBuf): void {
  if (b !== EMPTY && POOL.length < POOL_MAX && b.t.length <= 1 << 16) POOL.push(b);
}

/** SeriesIterator implements SampleIterator (and BatchSampleIterator) over a series' chunk sources. */
export class SeriesIterator implements BatchSampleIterator {
  private buf = EMPTY;
  private i = -1;
  private start = 0;
  private end = 0;
  private src = 0;
  private readonly sources: ChunkSource[];
  private error: Error | null = null;

  constructor(
    private readonly ref: number,
    sources: ChunkSource[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly reader: StoreReader,
    private readonly warnings: Warnings,
  ) {
    if (overlapping(sources)) {
      this.sources = [];
      this.mergeAll(sources);
    } else {
      this.sources = sources;
    }
  }

  /** next advances to the next sample. */
  next(): ValueType {
    if (++this.i < this.end) return ValueType.Float;
    while (this.src < this.sources.length) {
      this.load(this.sources[this.src++]!);
      if (this.end > this.start) {
        this.i = this.start;
        return ValueType.Float;
      }
    }
    this.finish();
    return ValueType.None;
  }

  /** batch exposes the current source's samples from the current one on. */
  batch(out: SampleBatch): boolean {
    if (this.i < this.start || this.i >= this.end) return false;
    out.t = this.buf.t;
    out.v = this.buf.v;
    out.i = this.i;
    out.end = this.end;
    return true;
  }

  /** advance moves to index j of the current batch (j === end: on to the next source). */
  advance(j: number): ValueType {
    if (j < this.end) {
      if (j > this.i) this.i = j;
      return ValueType.Float;
    }
    this.i = this.end - 1;
    return this.next();
  }

  /** finish ends iteration and returns the decode buffer to the pool. */
  private finish(): void {
    releaseBuf(this.buf);
    this.buf = EMPTY;
    this.start = 0;
    this.end = 0;
    this.i = 0;
    this.src = this.sources.length;
  }

  /** seek advances to the first sample at or after t. */
  seek(t: number): ValueType {
    const tb = this.buf.t;
    if (this.i >= this.start && this.i < this.end) {
      if (tb[this.i]! >= t) return ValueType.Float;
      if (tb[this.end - 1]! >= t) {
        this.i = lowerBound(tb, this.i, this.end, t);
        return ValueType.Float;
      }
    } else if (this.i < this.start && this.end > this.start && tb[this.end - 1]! >= t) {
      this.i = lowerBound(tb, this.start, this.end, t);
      return ValueType.Float;
    }
    while (this.src < this.sources.length) {
      const s = this.sources[this.src++]!;
      if (s.maxT < t) continue;
      this.load(s);
      const b = this.buf.t;
      if (this.end > this.start && b[this.end - 1]! >= t) {
        this.i = lowerBound(b, this.start, this.end, t);
        return ValueType.Float;
      }
    }
    this.finish();
    return ValueType.None;
  }

  /** atT returns the current sample's timestamp. */
  atT(): number {
    return this.buf.t[this.i]!;
  }

  /** atF returns the current sample's value (bit-exact, stale markers included). */
  atF(): number {
    return this.buf.v[this.i]!;
  }

  /** atFH is not available: this store holds float samples only so far. */
  atFH(): FloatHistogram {
    throw new StorageError('invalid', 'the current sample is not a histogram');
  }

  /** err returns the error that ended iteration early, or null (damaged chunks are skipped with a warning). */
  err(): Error | null {
    return this.error;
  }

  /** decodeSource decodes one source into buf (appending); returns false if it was damaged. */
  private decodeSource(s: ChunkSource, buf: SampleBuf): boolean {
    try {
      if (s.kind === SourceKind.BlockRow) {
        const row = this.reader.readBlockRow(s.key);
        if (row === undefined) return true;
        for (const c of decodeBlockRow(row)) decodeChunkInto(c, buf);
      } else if (s.bytes !== null) {
        decodeChunkInto(s.bytes, buf, s.limit);
      } else {
        const row = this.reader.readHeadChunk(s.key);
        if (row === undefined) return true;
        decodeChunkInto(decodeHeadChunkRow(row), buf, s.limit);
      }
      return true;
    } catch (e) {
      const where = s.kind === SourceKind.BlockRow ? `chunks row ${s.key}` : s.bytes !== null ? 'in-memory head chunk' : `head_chunks row ${s.key}`;
      this.warnings.push(this.reader.reportCorrupt(where, this.ref, e as Error));
      return false;
    }
  }

  private load(s: ChunkSource): void {
    if (this.buf === EMPTY) this.buf = acquireBuf(512);
    const buf = this.buf;
    buf.n = 0;
    if (!this.decodeSource(s, buf)) buf.n = 0;
    this.window();
  }

  /** window restricts [start, end) to the querier's time range. */
  private window(): void {
    const b = this.buf;
    const n = b.n;
    this.start = n > 0 && b.t[0]! >= this.mint ? 0 : lowerBound(b.t, 0, n, this.mint);
    this.end = n > 0 && b.t[n - 1]! <= this.maxt ? n : lowerBound(b.t, this.start, n, this.maxt + 1);
    this.i = this.start - 1;
  }

  /** mergeAll decodes every source and merges them by timestamp into buf (first source wins ties). */
  private mergeAll(sources: readonly ChunkSource[]): void {
    const all = new SampleBuf(256);
    const bounds: number[] = [0];
    for (const s of sources) {
      const before = all.n;
      if (!this.decodeSource(s, all)) all.n = before;
      bounds.push(all.n);
    }
    const n = all.n;
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    // indices are in source order already, so a stable sort by timestamp lets the first source win
    const sorted = Array.from(idx).sort((a, b) => all.t[a]! - all.t[b]! || a - b);
    if (this.buf === EMPTY) this.buf = acquireBuf(n);
    const out = this.buf;
    out.ensure(n);
    let k = 0;
    for (let j = 0; j < n; j++) {
      const x = sorted[j]!;
      const t = all.t[x]!;
      if (k > 0 && out.t[k - 1] === t) continue;
      out.t[k] = t;
      out.v32[2 * k] = all.v32[2 * x]!;
      out.v32[2 * k + 1] = all.v32[2 * x + 1]!;
      k++;
    }
    out.n = k;
    this.window();
  }
}

/** lowerBound returns the first index in [lo, hi) with a[i] >= x (hi if none). */
export function lowerBound(a: Float64Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
