/**
 * The in-memory head: per-series state (the open XOR chunk, the closed head chunks waiting for
 * compaction, ordering state) and Prometheus's chunk-cutting rules (tsdb/head_append.go): a chunk
 * is cut at the 2 h block boundary, at a predicted end time computed when it holds a quarter of the
 * target sample count, at twice the target count, or past 1 KiB.
 */
import type { XorAppender } from './chunkenc/xor';

/** DEFAULT_SAMPLES_PER_CHUNK is Prometheus's samples-per-chunk target. */
export const DEFAULT_SAMPLES_PER_CHUNK = 120;

/** MAX_BYTES_PER_CHUNK is the size at which a head chunk is cut regardless of its sample count. */
export const MAX_BYTES_PER_CHUNK = 1024;

/** HeadChunk is a closed chunk of the head: in memory until flushed, then a head_chunks row. */
export class HeadChunk {
  constructor(
    /** id is the head_chunks rowid, 0 while only in memory. */
    public id: number,
    public minT: number,
    public maxT: number,
    public numSamples: number,
    /** bytes is the XOR chunk while not yet flushed (null once it is a row). */
    public bytes: Uint8Array | null,
    /** ooo marks chunks of out-of-order samples (they may overlap others). */
    public ooo: boolean,
  ) {}
}

/** HeadSeries is the head's state of one series. */
export class HeadSeries {
  /** app is the open chunk, or null. */
  app: XorAppender | null = null;
  /** nextAt is the timestamp at which the open chunk is cut. */
  nextAt = 0;
  /** firstLogId is the log record holding the open chunk's first sample. */
  firstLogId = 0;
  /** maxT is the newest in-order timestamp (committed), the ordering watermark. */
  maxT = -Infinity;
  /** lastHi/lastLo are the bits of the value at maxT; hasLast says whether they are known. */
  lastHi = 0;
  lastLo = 0;
  hasLast = false;
  /** minT and dataMaxT bound every sample of the series in any location (for time filtering). */
  minT = Infinity;
  dataMaxT = -Infinity;
  /** chunks are the closed head chunks, sorted by minT. */
  chunks: HeadChunk[] = [];
  /** sizeHint is the byte size of the last closed chunk (initial capacity of the next). */
  sizeHint = 128;
  /** live is false once the series is deleted. */
  live = true;
  // Appender scratch state (generation-tagged so it never needs resetting).
  pendGen = 0;
  pendT = 0;
  pendHi = 0;
  pendLo = 0;
  cGen = 0;
  cT = 0;
  cHi = 0;
  cLo = 0;

  constructor(readonly ref: number) {}

  /** hasHeadData reports whether the series holds anything in the head. */
  hasHeadData(): boolean {
    return this.app !== null || this.chunks.length > 0;
  }
}

/** rangeEnd returns the end (exclusive) of the block range holding t. */
export function rangeEnd(t: number, width: number): number {
  return (Math.floor(t / width) + 1) * width;
}

/**
 * computeChunkEndTime estimates the end time of a chunk that started at start and reached cur after
 * 1/ratioToFull of its target, so that the rest of the range up to maxT splits into equal chunks.
 */
export function computeChunkEndTime(start: number, cur: number, maxT: number, ratioToFull: number): number {
  const n = (maxT - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return maxT;
  return Math.floor(start + (maxT - start) / Math.floor(n));
}

/** BlockMeta describes one block range's persisted rows (the blocks table). */
export interface BlockMeta {
  block: number;
  minTime: number;
  maxTime: number;
  numSeries: number;
  numSamples: number;
  bytes: number;
}
