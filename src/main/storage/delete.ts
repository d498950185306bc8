/**
 * Deletion (the admin API's delete_series): the samples of matching series in [mint, maxt] are
 * removed from block rows, flushed head chunks and the in-memory head in one transaction, with a
 * tombstone record in the log so replay removes them from the head again after a crash; series
 * left without samples are dropped.
 */
import type { Matcher } from '../../common/model/matcher';
import { SampleBuf, decodeChunkInto, encodeXor } from './chunkenc/index';
import { headRowKey, type StoreCore } from './core';
import type { BlockMeta, HeadSeries } from './head';
import { StorageError } from './interface';
import { encodeTombstones, type Tombstone } from './record';
import { decodeBlockRow, decodeHeadChunkRow, encodeBlockRow, encodeHeadChunkRow } from './rows';
import { encodeFrames, filterOut } from './samples';

/** deleteSeries removes the samples of matching series in [mint, maxt]; series left empty are dropped. */
export function deleteSeries(core: StoreCore, matchers: readonly Matcher[], mint: number, maxt: number): void {
  core.checkOpen();
  core.counters.deletedSeriesCalls++;
  const refs = core.index.select(matchers);
  if (refs.length === 0) return;
  if (!core.flushPending()) throw new StorageError('io', `storage ${core.path}: cannot delete series while head chunks cannot be written`);
  const H = core.h;
  const after: (() => void)[] = [];
  const stones: Tombstone[] = [];
  const blockDelta = new Map<number, BlockMeta>();
  try {
    core.tx(() => {
      for (const ref of refs) {
        const s = core.series[ref];
        if (s === undefined || H.minT[s.slot]! > maxt || H.dataMaxT[s.slot]! < mint) continue;
        stones.push({ ref, mint, maxt });
        for (const b of core.blockList) {
          if ((b + 1) * core.range <= mint || b * core.range > maxt) continue;
          const key = core.blockKey(b, ref);
          const old = core.st.getRow!.get(key) as Uint8Array | undefined;
          if (old === undefined) continue;
          const buf = new SampleBuf(512);
          try {
            for (const ch of decodeBlockRow(old)) decodeChunkInto(ch, buf);
          } catch (e) {
            core.reportCorrupt(`chunks row ${key}`, ref, e as Error);
            continue;
          }
          const before = buf.n;
          filterOut(buf, mint, maxt);
          if (buf.n === before) continue;
          const meta = core.blocks.get(b);
          let d = blockDelta.get(b);
          if (d === undefined && meta) {
            d = { ...meta };
            blockDelta.set(b, d);
          }
          if (buf.n === 0) {
            core.rows.delete(key);
            core.st.delRow!.run(key);
            if (d) {
              d.numSeries--;
              d.bytes -= old.length;
            }
          } else {
            const row = encodeBlockRow(encodeFrames(buf));
            core.rows.delete(key);
            core.st.putRow!.run(key, row);
            if (d) d.bytes += row.length - old.length;
          }
          if (d) d.numSamples -= before - buf.n;
        }
        for (const c of H.chunksOf(s.slot)) {
          const id = H.cId[c]!;
          if (H.cMaxT[c]! < mint || H.cMinT[c]! > maxt || id === 0) continue;
          const row = core.st.getHead!.get(id) as Uint8Array | undefined;
          if (row === undefined) continue;
          const buf = new SampleBuf(256);
          try {
            decodeChunkInto(decodeHeadChunkRow(row), buf);
          } catch (e) {
            core.reportCorrupt(`head_chunks row ${id}`, ref, e as Error);
            continue;
          }
          filterOut(buf, mint, maxt);
          if (buf.n === 0) {
            core.rows.delete(headRowKey(id));
            core.st.delHead!.run(id);
            after.push(() => H.unlinkChunk(s.slot, c));
          } else {
            const bytes = encodeXor(buf.t, buf.v, 0, buf.n);
            core.rows.delete(headRowKey(id));
            core.st.updHead!.run(buf.t[0]!, buf.t[buf.n - 1]!, buf.n, encodeHeadChunkRow(bytes), id);
            const n0 = buf.t[0]!;
            const n1 = buf.t[buf.n - 1]!;
            const nn = buf.n;
            after.push(() => {
              H.cMinT[c] = n0;
              H.cMaxT[c] = n1;
              H.cN[c] = nn;
            });
          }
        }
        after.push(() => deleteFromMemory(core, s, mint, maxt));
        if (mint <= H.minT[s.slot]! && maxt >= H.dataMaxT[s.slot]!) {
          core.st.delSeries!.run(ref);
          after.push(() => core.dropSeriesFromMemory(s));
        }
      }
      if (stones.length > 0) core.lastLogId = Number(core.st.insLog!.run(encodeTombstones(stones)).lastInsertRowid);
      for (const d of blockDelta.values()) core.st.putBlock!.run(d.block, d.minTime, d.maxTime, d.numSeries, d.numSamples, d.bytes);
    });
  } catch (e) {
    throw core.ioError('delete series', e);
  }
  for (const f of after) f();
  for (const d of blockDelta.values()) core.blocks.set(d.block, d);
}

/** deleteFromMemory removes [mint, maxt] from the open chunk and unflushed chunks of s. */
export function deleteFromMemory(core: StoreCore, s: HeadSeries, mint: number, maxt: number): void {
  const H = core.h;
  const A = H.arena;
  const slot = s.slot;
  if (A.cls[slot]! >= 0 && A.maxT[slot]! >= mint && A.minT[slot]! <= maxt) {
    const buf = new SampleBuf(A.numSamples[slot]! + 1);
    decodeChunkInto(A.snapshot(slot), buf);
    filterOut(buf, mint, maxt);
    const hint = A.sizeBytes(slot) + 32;
    A.drop(slot);
    if (buf.n > 0) {
      A.start(slot, buf.t[0]!, buf.v32[1]!, buf.v32[0]!, hint);
      for (let i = 1; i < buf.n; i++) A.append(slot, buf.t[i]!, buf.v32[2 * i + 1]!, buf.v32[2 * i]!);
    }
  }
  for (const c of H.chunksOf(slot)) {
    const bytes = H.cBytes[c];
    if (bytes === null || bytes === undefined || H.cMaxT[c]! < mint || H.cMinT[c]! > maxt) continue;
    const buf = new SampleBuf(H.cN[c]! + 1);
    decodeChunkInto(bytes, buf);
    filterOut(buf, mint, maxt);
    if (buf.n === 0) {
      core.pending = core.pending.filter((x) => x !== c);
      H.unlinkChunk(slot, c);
    } else {
      H.cBytes[c] = encodeXor(buf.t, buf.v, 0, buf.n);
      H.cN[c] = buf.n;
      H.cMinT[c] = buf.t[0]!;
      H.cMaxT[c] = buf.t[buf.n - 1]!;
    }
  }
}
