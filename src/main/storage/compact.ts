/**
 * Compaction: once the head spans 1.5 block ranges, the oldest 2 h block is compacted, a slice of
 * series per step, from head chunks into one dense row per series and block in `chunks` (DD or
 * XOR encoded, merged with a row already there). Steps run after commits and in maintain(); each
 * is one transaction, so a failed step is retried from the same cursor.
 */
import { SampleBuf, decodeChunkInto } from './chunkenc/index';
import { addBlockDelta, headRowKey, type StoreCore } from './core';
import { F_LIVE, HeadSeries, type BlockMeta } from './head';
import type { Retention } from './retention';
import { decodeBlockRow, decodeHeadChunkRow, encodeBlockRow } from './rows';
import { encodeFrames, sortDedupe } from './samples';

/** CompactionState is the progress of the block being compacted. */
export interface CompactionState {
  block: number;
  end: number;
  cursor: number;
  seconds: number;
  samples: number;
}

/** Compactor moves the oldest complete head block into block rows; retention runs after each block. */
export class Compactor {
  /** compaction is the block being compacted, or null. */
  compaction: CompactionState | null = null;

  /** The constructor takes the store's state and the retention to apply after each compacted block. */
  constructor(
    private readonly core: StoreCore,
    private readonly retention: Retention,
  ) {}

  /** shouldCompact reports whether the head spans enough time to compact its oldest block. */
  shouldCompact(): boolean {
    const core = this.core;
    if (!Number.isFinite(core.headMaxT) || !Number.isFinite(core.headMinT)) return false;
    const b = Math.floor(core.headMinT / core.range);
    return core.headMaxT >= (b + 1) * core.range + core.range / 2;
  }

  /** start closes the open chunks reaching into the oldest head block, flushes them and starts compacting it. */
  start(): void {
    const core = this.core;
    const block = Math.floor(core.headMinT / core.range);
    const end = (block + 1) * core.range;
    const H = core.h;
    const A = H.arena;
    for (let r = 1; r < core.series.length; r++) {
      const s = core.series[r];
      if (s !== undefined && A.cls[s.slot]! >= 0 && A.minT[s.slot]! < end) core.closeOpen(s.slot, s.ref);
    }
    if (!core.flushPending(() => core.st.setMeta!.run('flushed_until', Math.max(end, core.flushedUntil)))) return;
    if (end > core.flushedUntil) core.flushedUntil = end;
    this.compaction = { block, end, cursor: 1, seconds: 0, samples: 0 };
  }

  /** step compacts series from the cursor until about budget samples were written. */
  step(budget: number): void {
    const core = this.core;
    const c = this.compaction;
    if (c === null) return;
    if (core.pending.length > 0 && !core.flushPending()) return;
    const H = core.h;
    const t0 = performance.now();
    const startCursor = c.cursor;
    const after: (() => void)[] = [];
    const blockDelta = new Map<number, BlockMeta>();
    let done = 0;
    try {
      core.tx(() => {
        while (c.cursor < core.series.length && done < budget) {
          const s = core.series[c.cursor++];
          if (s === undefined || H.firstChunk[s.slot]! < 0) continue;
          const take = H.chunksOf(s.slot).filter((ch) => H.cMaxT[ch]! < c.end);
          if (take.length === 0) continue;
          done += this.compactSeries(s, take, blockDelta);
          after.push(() => {
            for (const ch of take) H.unlinkChunk(s.slot, ch);
          });
        }
        for (const d of blockDelta.values()) core.putBlockMeta(d);
      });
    } catch (e) {
      c.cursor = startCursor;
      core.counters.compactionFailures++;
      core.warnLimited('compaction', `storage ${core.path}: compaction step failed, will retry: ${core.ioError('compaction', e).message}`);
      return;
    }
    for (const f of after) f();
    for (const d of blockDelta.values()) core.blocks.set(d.block, d);
    core.refreshBlockList();
    c.samples += done;
    c.seconds += (performance.now() - t0) / 1000;
    if (c.cursor >= core.series.length) this.finish(c);
  }

  /** finish ends a compaction: the head's new minimum time, log truncation, retention. */
  private finish(c: CompactionState): void {
    const core = this.core;
    this.compaction = null;
    core.counters.compactions++;
    core.counters.compactionSeconds += c.seconds;
    core.counters.compactionSamples += c.samples;
    const H = core.h;
    const A = H.arena;
    let minT = Infinity;
    const lim = H.slotLimit();
    for (let slot = 0; slot < lim; slot++) {
      if ((H.flags[slot]! & F_LIVE) === 0) continue;
      if (A.cls[slot]! >= 0 && A.minT[slot]! < minT) minT = A.minT[slot]!;
      for (let ch = H.firstChunk[slot]!; ch >= 0; ch = H.cNext[ch]!) if (H.cMinT[ch]! < minT) minT = H.cMinT[ch]!;
    }
    core.headMinT = minT;
    core.truncateLog();
    this.retention.apply();
  }

  /** compactSeries moves the given head chunks (pool indexes) of s into block rows; returns samples written. */
  private compactSeries(s: HeadSeries, take: number[], blockDelta: Map<number, BlockMeta>): number {
    const core = this.core;
    const H = core.h;
    const byBlock = new Map<number, number[]>();
    for (const ch of take) {
      const b = Math.floor(H.cMinT[ch]! / core.range);
      const l = byBlock.get(b);
      if (l) l.push(ch);
      else byBlock.set(b, [ch]);
    }
    let written = 0;
    for (const [b, list] of byBlock) {
      const buf = new SampleBuf(512);
      let sorted = true;
      let overlaps = false;
      for (const ch of list) {
        const before = buf.n;
        try {
          const bytes = H.cBytes[ch];
          if (bytes !== null && bytes !== undefined) decodeChunkInto(bytes, buf);
          else {
            const row = core.readHeadChunk(H.cId[ch]!);
            if (row !== undefined) decodeChunkInto(decodeHeadChunkRow(row), buf);
          }
        } catch (e) {
          buf.n = before;
          core.reportCorrupt(`head_chunks row ${H.cId[ch]}`, s.ref, e as Error);
        }
        if (before > 0 && buf.n > before && buf.t[before]! <= buf.t[before - 1]!) sorted = false;
        if (H.cOoo[ch] === 1) overlaps = true;
      }
      for (const ch of list) {
        core.rows.delete(headRowKey(H.cId[ch]!));
        core.st.delHead!.run(H.cId[ch]!);
      }
      if (buf.n === 0) continue;
      if (!sorted || overlaps) sortDedupe(buf);
      const key = core.blockKey(b, s.ref);
      let row = encodeBlockRow(encodeFrames(buf));
      let newSeries = 1;
      let bytesDelta = row.length;
      let samples = buf.n;
      core.rows.delete(key);
      if (core.st.insRowIgnore!.run(key, row).changes === 0) {
        // the block already has a row for this series (backfill, or out-of-order data): merge
        const old = core.st.getRow!.get(key) as Uint8Array;
        const merged = new SampleBuf(buf.n + 512);
        let oldN = 0;
        try {
          for (const ch of decodeBlockRow(old)) decodeChunkInto(ch, merged);
          oldN = merged.n;
        } catch (e) {
          merged.n = 0;
          core.reportCorrupt(`chunks row ${key}`, s.ref, e as Error);
        }
        merged.ensure(merged.n + buf.n);
        merged.t.set(buf.t.subarray(0, buf.n), merged.n);
        merged.v.set(buf.v.subarray(0, buf.n), merged.n);
        merged.n += buf.n;
        sortDedupe(merged);
        row = encodeBlockRow(encodeFrames(merged));
        core.rows.delete(key);
        core.st.putRow!.run(key, row);
        newSeries = 0;
        bytesDelta = row.length - old.length;
        samples = merged.n - oldN;
      }
      core.st.updSeriesTimes!.run(buf.t[0]!, buf.t[0]!, buf.t[buf.n - 1]!, buf.t[buf.n - 1]!, s.ref);
      addBlockDelta(blockDelta, b, buf.t[0]!, buf.t[buf.n - 1]!, newSeries, samples, bytesDelta);
      written += buf.n;
    }
    return written;
  }
}
