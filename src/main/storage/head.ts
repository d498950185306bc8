/**
 * The in-memory head, in struct-of-arrays form so 100k+ active series cost no per-series boxed
 * numbers or buffers: per-series state (ordering watermark, last value bits, chunk-cut time, time
 * bounds, appender scratch) lives in typed arrays indexed by a dense slot; open XOR chunks live in an
 * XorArena indexed by the same slot; closed head chunks are entries of a chunk pool, linked per slot
 * in minT order.
 *
 * Chunk cutting follows Prometheus (tsdb/head_append.go): a chunk is cut at the block boundary, at
 * a predicted end time computed when it holds a quarter of the target sample count, at twice the
 * target count, or past 1 KiB.
 */
import { XorArena } from './chunkenc/arena';

/** DEFAULT_SAMPLES_PER_CHUNK is Prometheus's samples-per-chunk target. */
export const DEFAULT_SAMPLES_PER_CHUNK = 120;

/** MAX_BYTES_PER_CHUNK is the size at which a head chunk is cut regardless of its sample count. */
export const MAX_BYTES_PER_CHUNK = 1024;

/** F_LIVE marks a slot in use. */
export const F_LIVE = 1;
/** F_HAS_LAST says lastHi/lastLo hold the bits of the value at maxT. */
export const F_HAS_LAST = 2;

/** HeadSeries is a series' handle: its ref (stable, persisted) and its slot in the head arrays. */
export class HeadSeries {
  constructor(
    readonly ref: number,
    readonly slot: number,
  ) {}
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

/** Head holds the per-series state and the closed head chunks. */
export class Head {
  /** arena holds the open chunk of each slot. */
  readonly arena = new XorArena(1024);
  cap = 0;
  flags = new Uint8Array(0);
  /** maxT is the newest in-order timestamp (the ordering watermark). */
  maxT = new Float64Array(0);
  /** minT and dataMaxT bound every sample of the series in any location. */
  minT = new Float64Array(0);
  dataMaxT = new Float64Array(0);
  /** nextAt is the time at which the open chunk is cut. */
  nextAt = new Float64Array(0);
  /** firstLogId is the log record holding the open chunk's first sample. */
  firstLogId = new Float64Array(0);
  lastHi = new Uint32Array(0);
  lastLo = new Uint32Array(0);
  sizeHint = new Int32Array(0);
  /** firstChunk is the first closed chunk of the slot (-1: none). */
  firstChunk = new Int32Array(0);
  // appender scratch, tagged by generation so it never needs resetting
  pendGen = new Int32Array(0);
  pendT = new Float64Array(0);
  pendHi = new Uint32Array(0);
  pendLo = new Uint32Array(0);
  cGen = new Int32Array(0);
  cT = new Float64Array(0);
  cHi = new Uint32Array(0);
  cLo = new Uint32Array(0);
  private nextSlot = 0;
  private readonly freeSlots: number[] = [];

  // chunk pool (closed head chunks)
  ccap = 0;
  /** cId is the head_chunks rowid (0 while the chunk is only in memory). */
  cId = new Float64Array(0);
  cMinT = new Float64Array(0);
  cMaxT = new Float64Array(0);
  cN = new Int32Array(0);
  cRef = new Int32Array(0);
  /** cOoo marks chunks of out-of-order samples (they may overlap others). */
  cOoo = new Uint8Array(0);
  cNext = new Int32Array(0);
  /** cBytes holds the XOR chunk until it is flushed. */
  cBytes: (Uint8Array | null)[] = [];
  private nextChunk = 0;
  private readonly freeChunks: number[] = [];

  constructor() {
    this.growSlots(1024);
    this.growChunks(1024);
  }

  private growSlots(min: number): void {
    const size = Math.max(min, this.cap * 2);
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    const u32 = (a: Uint32Array): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(size);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const u8 = new Uint8Array(size);
    u8.set(this.flags);
    this.flags = u8;
    this.maxT = f64(this.maxT);
    this.minT = f64(this.minT);
    this.dataMaxT = f64(this.dataMaxT);
    this.nextAt = f64(this.nextAt);
    this.firstLogId = f64(this.firstLogId);
    this.lastHi = u32(this.lastHi);
    this.lastLo = u32(this.lastLo);
    this.sizeHint = i32(this.sizeHint);
    this.firstChunk = i32(this.firstChunk);
    this.pendGen = i32(this.pendGen);
    this.pendT = f64(this.pendT);
    this.pendHi = u32(this.pendHi);
    this.pendLo = u32(this.pendLo);
    this.cGen = i32(this.cGen);
    this.cT = f64(this.cT);
    this.cHi = u32(this.cHi);
    this.cLo = u32(this.cLo);
    this.arena.ensureIds(size);
    this.cap = size;
  }

  /** allocSlot returns a fresh slot with empty state. */
  allocSlot(): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.nextSlot++;
    if (slot >= this.cap) this.growSlots(slot + 1);
    this.flags[slot] = F_LIVE;
    this.maxT[slot] = -Infinity;
    this.minT[slot] = Infinity;
    this.dataMaxT[slot] = -Infinity;
    this.nextAt[slot] = 0;
    this.firstLogId[slot] = 0;
    this.lastHi[slot] = 0;
    this.lastLo[slot] = 0;
    // A new series starts small (48-byte slot): most series are slow and grow their slot in steps of 1.5x;
    // later chunks start at the size of the last one.
    this.sizeHint[slot] = 16;
    this.firstChunk[slot] = -1;
    this.pendGen[slot] = 0;
    this.cGen[slot] = 0;
    return slot;
  }

  /** freeSlot releases a slot, its open chunk and its closed chunks. */
  freeSlot(slot: number): void {
    this.arena.drop(slot);
    for (let c = this.firstChunk[slot]!; c >= 0; ) {
      const next = this.cNext[c]!;
      this.freeChunk(c);
      c = next;
    }
    this.firstChunk[slot] = -1;
    this.flags[slot] = 0;
    this.freeSlots.push(slot);
  }

  /** slotLimit returns one past the highest slot ever used. */
  slotLimit(): number {
    return this.nextSlot;
  }

  /** hasOpen reports whether the slot has an open chunk. */
  hasOpen(slot: number): boolean {
    return this.arena.cls[slot]! >= 0;
  }

  /** hasHeadData reports whether the slot holds samples in the head. */
  hasHeadData(slot: number): boolean {
    return this.arena.cls[slot]! >= 0 || this.firstChunk[slot]! >= 0;
  }

  private growChunks(min: number): void {
    const size = Math.max(min, this.ccap * 2);
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.cId = f64(this.cId);
    this.cMinT = f64(this.cMinT);
    this.cMaxT = f64(this.cMaxT);
    this.cN = i32(this.cN);
    this.cRef = i32(this.cRef);
    this.cNext = i32(this.cNext);
    const o = new Uint8Array(size);
    o.set(this.cOoo);
    this.cOoo = o;
    while (this.cBytes.length < size) this.cBytes.push(null);
    this.ccap = size;
  }

  /** allocChunk records a closed chunk and returns its pool index (not yet linked to a slot). */
  allocChunk(ref: number, id: number, minT: number, maxT: number, n: number, ooo: boolean, bytes: Uint8Array | null): number {
    const c = this.freeChunks.length > 0 ? this.freeChunks.pop()! : this.nextChunk++;
    if (c >= this.ccap) this.growChunks(c + 1);
    this.cRef[c] = ref;
    this.cId[c] = id;
    this.cMinT[c] = minT;
    this.cMaxT[c] = maxT;
    this.cN[c] = n;
    this.cOoo[c] = ooo ? 1 : 0;
    this.cBytes[c] = bytes;
    this.cNext[c] = -1;
    return c;
  }

  /** discardChunk frees a chunk that was never linked to a slot. */
  discardChunk(c: number): void {
    this.freeChunk(c);
  }

  private freeChunk(c: number): void {
    this.cBytes[c] = null;
    this.cN[c] = 0;
    this.freeChunks.push(c);
  }

  /** linkChunk inserts chunk c into the slot's list, keeping minT order. */
  linkChunk(slot: number, c: number): void {
    const t = this.cMinT[c]!;
    let prev = -1;
    let cur = this.firstChunk[slot]!;
    while (cur >= 0 && this.cMinT[cur]! <= t) {
      prev = cur;
      cur = this.cNext[cur]!;
    }
    this.cNext[c] = cur;
    if (prev < 0) this.firstChunk[slot] = c;
    else this.cNext[prev] = c;
  }

  /** unlinkChunk removes chunk c from the slot's list and frees it. */
  unlinkChunk(slot: number, c: number): void {
    let prev = -1;
    let cur = this.firstChunk[slot]!;
    while (cur >= 0 && cur !== c) {
      prev = cur;
      cur = this.cNext[cur]!;
    }
    if (cur < 0) return;
    if (prev < 0) this.firstChunk[slot] = this.cNext[c]!;
    else this.cNext[prev] = this.cNext[c]!;
    this.freeChunk(c);
  }

  /** chunksOf returns the pool indexes of the slot's closed chunks in minT order. */
  chunksOf(slot: number): number[] {
    const out: number[] = [];
    for (let c = this.firstChunk[slot]!; c >= 0; c = this.cNext[c]!) out.push(c);
    return out;
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
