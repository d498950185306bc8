/**
 * Loading and replay: at open, the series table, block metadata and head-chunk index are read into
 * memory, then the log is replayed into the head (samples newer than what head chunks hold, and
 * tombstones). Damage found on the way (unreadable labels, head chunks of unknown series, records
 * failing their checksum) is contained: moved to the quarantine table or dropped, counted, logged.
 */
import type { Labels } from '../../common/model/labels';
import { appendHead } from './append';
import { headRowKey, type StoreCore } from './core';
import { deleteFromMemory } from './delete';
import { F_HAS_LAST, HeadSeries } from './head';
import { RecSamples, RecTombstones, decodeSamples, decodeTombstones, verifyRecord } from './record';
import { decodeLabels } from './rows';

/** loadHead fills a freshly opened store's state from its file and replays the log. */
export function loadHead(c: StoreCore): void {
  const t0 = performance.now();
  const db = c.db;
  const H = c.h;
  const fu = c.st.getMeta!.get('flushed_until') as number | undefined;
  if (typeof fu === 'number') c.flushedUntil = fu;
  const nr = c.st.getMeta!.get('next_ref') as number | undefined;
  if (typeof nr === 'number') c.nextRef = nr;
  // the block range is part of the format (it defines the chunks keys): the file's value wins
  const br = c.st.getMeta!.get('block_range') as number | undefined;
  if (typeof br === 'number' && br >= 1000) {
    if (br !== c.range) c.log('warn', `storage ${c.path}: the file uses a block range of ${br} ms; ignoring the configured ${c.range} ms`);
    c.range = br;
  } else {
    c.st.setMeta!.run('block_range', c.range);
  }
  // series
  const badSeries: number[] = [];
  for (const row of db.prepare('SELECT ref, labels, min_time, max_time FROM series ORDER BY ref').iterate() as Iterable<{ ref: number; labels: Uint8Array; min_time: number | null; max_time: number | null }>) {
    let ls: Labels;
    try {
      ls = decodeLabels(row.labels);
    } catch (e) {
      badSeries.push(row.ref);
      c.counters.corruptions++;
      c.log('error', `storage ${c.path}: series ${row.ref} has damaged labels (${(e as Error).message}); dropped it`);
      continue;
    }
    if (c.index.lookup(ls) !== 0) {
      badSeries.push(row.ref);
      c.log('warn', `storage ${c.path}: series ${row.ref} duplicates another series' labels; dropped it`);
      continue;
    }
    c.index.add(row.ref, ls);
    const s = new HeadSeries(row.ref, H.allocSlot());
    if (row.min_time !== null) H.minT[s.slot] = row.min_time;
    if (row.max_time !== null) {
      H.maxT[s.slot] = row.max_time;
      H.dataMaxT[s.slot] = row.max_time;
    }
    c.series[row.ref] = s;
    if (row.ref >= c.nextRef) c.nextRef = row.ref + 1;
  }
  // blocks
  for (const b of db.prepare('SELECT block, min_time, max_time, num_series, num_samples, bytes FROM blocks').iterate() as Iterable<{ block: number; min_time: number; max_time: number; num_series: number; num_samples: number; bytes: number }>) {
    c.blocks.set(b.block, { block: b.block, minTime: b.min_time, maxTime: b.max_time, numSeries: b.num_series, numSamples: b.num_samples, bytes: b.bytes });
  }
  c.refreshBlockList();
  // head chunks
  const orphanHead: number[] = [];
  for (const r of db.prepare('SELECT id, series, min_time, max_time, num_samples, flags FROM head_chunks ORDER BY id').iterate() as Iterable<{ id: number; series: number; min_time: number; max_time: number; num_samples: number; flags: number }>) {
    const s = c.series[r.series];
    if (s === undefined) {
      orphanHead.push(r.id);
      continue;
    }
    const ooo = (r.flags & 1) === 1;
    H.linkChunk(s.slot, H.allocChunk(s.ref, r.id, r.min_time, r.max_time, r.num_samples, ooo, null));
    if (!ooo && r.max_time > H.maxT[s.slot]!) {
      H.maxT[s.slot] = r.max_time;
      H.flags[s.slot] = H.flags[s.slot]! & ~F_HAS_LAST;
    }
    c.noteTimes(s.slot, r.min_time, r.max_time);
    if (!ooo && r.max_time > c.headMaxT) c.headMaxT = r.max_time;
  }
  // replay the log
  const badRecords: { id: number; reason: string; rec: Uint8Array }[] = [];
  let replayed = 0;
  for (const row of db.prepare('SELECT id, rec FROM log ORDER BY id').iterate() as Iterable<{ id: number; rec: Uint8Array }>) {
    c.lastLogId = row.id;
    try {
      const type = verifyRecord(row.rec);
      if (type === RecSamples) {
        const b = decodeSamples(row.rec);
        const v32 = new Uint32Array(b.vals.buffer, b.vals.byteOffset, b.n * 2);
        const shared = b.ts.length === 1 && b.n !== 1;
        for (let i = 0; i < b.n; i++) {
          const s = c.series[b.refs[i]!];
          if (s === undefined) continue;
          const t = shared ? b.ts[0]! : b.ts[i]!;
          if (t <= H.maxT[s.slot]! || t < c.flushedUntil) continue;
          appendHead(c, s.slot, s.ref, t, v32[2 * i + 1]!, v32[2 * i]!, row.id);
          replayed++;
        }
      } else if (type === RecTombstones) {
        for (const ts of decodeTombstones(row.rec)) {
          const s = c.series[ts.ref];
          if (s !== undefined) deleteFromMemory(c, s, ts.mint, ts.maxt);
        }
      } else {
        throw new Error(`unknown record type ${type}`);
      }
    } catch (e) {
      badRecords.push({ id: row.id, reason: (e as Error).message, rec: row.rec });
    }
  }
  c.truncatedBelow = 0;
  // contain damage found while loading
  if (badSeries.length > 0 || orphanHead.length > 0 || badRecords.length > 0) {
    c.tx(() => {
      for (const ref of badSeries) {
        c.st.quarantine!.run('series', ref, 'damaged labels', null);
        c.st.delSeries!.run(ref);
      }
      for (const id of orphanHead) {
        c.rows.delete(headRowKey(id));
        c.st.delHead!.run(id);
      }
      for (const r of badRecords) {
        c.st.quarantine!.run('log', r.id, r.reason, r.rec);
        db.prepare('DELETE FROM log WHERE id = ?').run(r.id);
      }
    });
    for (const r of badRecords) {
      c.counters.corruptions++;
      c.counters.logCorruptions++;
      c.log('error', `storage ${c.path}: log record ${r.id} (${r.rec.length} bytes) is damaged (${r.reason}); its samples were dropped and the record moved to the quarantine table`);
    }
  }
  c.flushPending();
  c.counters.replayedSamples += replayed;
  c.counters.replaySeconds += (performance.now() - t0) / 1000;
  if (replayed > 0) c.log('info', `storage ${c.path}: replayed ${replayed} samples from the log in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}

