/**
 * TSDB: Vigil's time-series store on one SQLite file (FORMAT.md describes the file).
 *
 * Write path (after Prometheus's head): an Appender collects a batch; commit() checks ordering,
 * writes the batch as one `log` row (plus any new series rows) in one SQLite transaction, and only
 * then applies it to the in-memory head, where each series appends to an open XOR chunk. Closed
 * chunks are flushed to `head_chunks` right after the commit; the log is truncated up to the oldest
 * open chunk. Once the head spans 1.5 block ranges, the oldest 2 h block is compacted, a slice of
 * series at a time, into one dense row per series in `chunks` (DD or XOR encoded).
 *
 * Read path: a querier resolves matchers on the in-memory postings, then reads block rows, head
 * chunks and the open chunk as they were at select time.
 *
 * Everything is synchronous; one TSDB per file and process.
 */
import { RowCache } from './rowcache';
import type { FloatHistogram } from '../../common/model/histogram';
import type { Labels } from '../../common/model/labels';
import type { Matcher } from '../../common/model/matcher';
import { SampleBuf, XorAppender, decodeChunkInto, encodeBest, encodeXor, MAX_CHUNK_SAMPLES } from './chunkenc/index';
import { describe, isCorruption, moveAside, openDatabase, sqliteCode, type SqliteDb, type StorageLogger } from './db';
import { F_HAS_LAST, F_LIVE, Head, HeadSeries, DEFAULT_SAMPLES_PER_CHUNK, MAX_BYTES_PER_CHUNK, computeChunkEndTime, rangeEnd, type BlockMeta } from './head';
import {
  StorageError,
  type Appender,
  type LabelHints,
  type Querier,
  type SelectHints,
  type SeriesRef,
  type SeriesSet,
  type StatEntry,
  type Storage,
  type StorageStats,
  type Warnings,
} from './interface';
import { Importer, type ImporterOptions } from './importer';
import { SeriesIndex } from './labelindex';
import { StoreCounters, renderFamilies, type MetricFamily } from './metrics';
import { SourceKind, StoredSeries, type ChunkSource, type StoreReader } from './querier';
import { RecSamples, RecTombstones, decodeSamples, decodeTombstones, encodeSamples, encodeTombstones, verifyRecord, type Tombstone } from './record';
import { decodeBlockRow, decodeHeadChunkRow, decodeLabels, encodeBlockRow, encodeHeadChunkRow, encodeLabels } from './rows';
import type Database from 'better-sqlite3';
import * as fs from 'node:fs';

const TWO32 = 4294967296;
const HOUR = 3_600_000;
const MAX_CHUNK_BYTES = MAX_BYTES_PER_CHUNK;
const LEAKED_QUERIER_MS = 5 * 60_000;
const DAY = 24 * HOUR;

/** StorageOptions configure openStorage. */
export interface StorageOptions {
  /** path is the database file; ':memory:' keeps everything in memory (tests). */
  path: string;
  /** retentionMs drops blocks older than this relative to the newest sample (default 15 d; 0 = off). */
  retentionMs?: number;
  /** retentionBytes drops the oldest blocks while the file's used size exceeds this (default 2 GiB; 0 = off). */
  retentionBytes?: number;
  /** outOfOrderWindowMs accepts samples up to this much older than the newest sample (default 0). */
  outOfOrderWindowMs?: number;
  /** logger receives notable events (corruption, retention, failures). Default: warn/error to stderr. */
  logger?: StorageLogger;
  /** synchronous is SQLite's synchronous mode: 'normal' (default; survives process crashes) or 'full' (also power loss). */
  synchronous?: 'normal' | 'full';
  /** blockRangeMs is the block (and maximum chunk) time range, default 2 h. Tests use smaller ranges. */
  blockRangeMs?: number;
  /** samplesPerChunk is the head chunk size target (default 120). */
  samplesPerChunk?: number;
  /** cacheSizeKiB is SQLite's page cache size (default 16 MiB). */
  cacheSizeKiB?: number;
  /**
   * rowCacheBytes bounds the in-memory cache of recently read chunk rows (default 64 MiB; 0 = off),
   * which spares repeated queries (dashboard refreshes) SQLite's look-ups and BLOB copies.
   */
  rowCacheBytes?: number;
  /** pageSize is the page size of a new database file (default 16384). */
  pageSize?: number;
  /** integrityCheck at open: 'quick' (default), 'full' or 'off'. */
  integrityCheck?: 'quick' | 'full' | 'off';
  /** autoMaintain runs maintain() on a timer every maintainIntervalMs (default true). */
  autoMaintain?: boolean;
  /** maintainIntervalMs is the maintenance timer period (default 10 s). */
  maintainIntervalMs?: number;
}

interface CompactionState {
  block: number;
  end: number;
  cursor: number;
  seconds: number;
  samples: number;
}

const IN_ORDER = 0;
const OOO = 1;
const DUP_SAME = 2;
const E_DUP = 3;
const E_OOO = 4;
const E_BOUNDS = 5;
const E_TOO_OLD = 6;

function defaultLogger(level: 'info' | 'warn' | 'error', msg: string): void {
  if (level === 'info') return;
  process.stderr.write(`ts=${new Date().toISOString()} level=${level} component=storage msg=${JSON.stringify(msg)}\n`);
}

type Stmt = Database.Statement;

/** RetryFresh is thrown by the constructor after moving a damaged file aside; openStorage retries. */
export class RetryFresh extends Error {
  constructor(readonly movedTo: string) {
    super(`storage file moved aside to ${movedTo}`);
  }
}

/** TSDB implements Storage on one SQLite database file. */
export class TSDB implements Storage, StoreReader {
  /** path is the database file. */
  readonly path: string;
  /** counters are the store's internal counters (rendered by selfMetrics). */
  readonly counters = new StoreCounters();
  private readonly db: SqliteDb;
  private readonly log: StorageLogger;
  private range: number;
  private readonly spc: number;
  private readonly oooWindow: number;
  private readonly retentionMs: number;
  private readonly retentionBytes: number;
  private readonly index = new SeriesIndex();
  /** h is the head: per-series state in slots, open chunks, closed chunks. */
  readonly h = new Head();
  /** series maps refs to head handles (undefined for unknown or deleted refs). */
  private series: (HeadSeries | undefined)[] = [undefined];
  private nextRef = 1;
  private unpersisted: { ref: number; labels: Uint8Array }[] = [];
  /** pending lists closed chunks (pool indexes) not yet written to head_chunks. */
  private pending: number[] = [];
  private headMaxT = -Infinity;
  private headMinT = Infinity;
  private flushedUntil = -Infinity;
  private blocks = new Map<number, BlockMeta>();
  private blockList: number[] = [];
  private compaction: CompactionState | null = null;
  /** queriers maps open queriers to their opening time; row deletions wait for them (see readersActive). */
  private readonly queriers = new Map<number, number>();
  private querierSeq = 0;
  private commitGen = 0;
  private appendGen = 0;
  private closed = false;
  private corruptSeen = new Set<string>();
  private commitsSinceTruncate = 0;
  private truncatedBelow = 0;
  private lastLogId = 0;
  private lastRetention = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly st: Record<string, Stmt>;
  /** rows caches chunk rows: block rows by key, flushed head chunks by headRowKey(id). */
  private readonly rows: RowCache;
  /** movedAside is where a damaged file was moved at open, or null. */
  movedAside: string | null;

  constructor(o: StorageOptions) {
    this.path = o.path;
    this.log = o.logger ?? defaultLogger;
    this.range = o.blockRangeMs ?? 2 * HOUR;
    if (!(this.range >= 1000) || !Number.isInteger(this.range)) throw new StorageError('invalid', `blockRangeMs must be an integer >= 1000, got ${o.blockRangeMs}`);
    this.spc = o.samplesPerChunk ?? DEFAULT_SAMPLES_PER_CHUNK;
    this.oooWindow = Math.max(0, o.outOfOrderWindowMs ?? 0);
    this.retentionMs = o.retentionMs ?? 15 * DAY;
    this.retentionBytes = o.retentionBytes ?? 2 * 1024 * 1024 * 1024;
    const opened = openDatabase({
      path: o.path,
      synchronous: o.synchronous ?? 'normal',
      pageSize: o.pageSize ?? 16384,
      cacheSizeKiB: o.cacheSizeKiB ?? 16 * 1024,
      integrityCheck: o.integrityCheck ?? 'quick',
      logger: this.log,
    });
    this.db = opened.db;
    this.movedAside = opened.movedAside;
    this.rows = new RowCache(o.rowCacheBytes ?? 64 * 1024 * 1024);
    const db = this.db;
    this.st = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      insSeries: db.prepare('INSERT INTO series (ref, labels) VALUES (?, ?)'),
      delSeries: db.prepare('DELETE FROM series WHERE ref = ?'),
      updSeriesTimes: db.prepare('UPDATE series SET min_time = min(coalesce(min_time, ?), ?), max_time = max(coalesce(max_time, ?), ?) WHERE ref = ?'),
      insLog: db.prepare('INSERT INTO log (rec) VALUES (?)'),
      truncLog: db.prepare('DELETE FROM log WHERE id < ?'),
      insHead: db.prepare('INSERT INTO head_chunks (series, min_time, max_time, num_samples, flags, data) VALUES (?, ?, ?, ?, ?, ?)'),
      getHead: db.prepare('SELECT data FROM head_chunks WHERE id = ?').pluck(),
      delHead: db.prepare('DELETE FROM head_chunks WHERE id = ?'),
      updHead: db.prepare('UPDATE head_chunks SET min_time = ?, max_time = ?, num_samples = ?, data = ? WHERE id = ?'),
      getRow: db.prepare('SELECT data FROM chunks WHERE key = ?').pluck(),
      insRowIgnore: db.prepare('INSERT OR IGNORE INTO chunks (key, data) VALUES (?, ?)'),
      putRow: db.prepare('INSERT OR REPLACE INTO chunks (key, data) VALUES (?, ?)'),
      delRow: db.prepare('DELETE FROM chunks WHERE key = ?'),
      putBlock: db.prepare('INSERT OR REPLACE INTO blocks (block, min_time, max_time, num_series, num_samples, bytes) VALUES (?, ?, ?, ?, ?, ?)'),
      delBlocksBelow: db.prepare('DELETE FROM blocks WHERE block < ?'),
      delRowsBelow: db.prepare('DELETE FROM chunks WHERE key < ?'),
      quarantine: db.prepare('INSERT INTO quarantine (source, ref, reason, data) VALUES (?, ?, ?, ?)'),
    };
    try {
      this.load();
    } catch (e) {
      this.db.close();
      if (e instanceof StorageError) throw e;
      if (isCorruption(e) && o.path !== ':memory:') {
        // damage the open-time check did not catch: never a crash loop, start fresh beside the old file
        const dest = moveAside(o.path);
        this.log('error', `storage file ${o.path} is damaged (${describe(e)} while loading); moved it aside to ${dest} and started a fresh database`);
        throw new RetryFresh(dest);
      }
      throw new StorageError('io', `cannot load storage file ${o.path}: ${describe(e)}`);
    }
    if ((o.autoMaintain ?? true) && o.path !== ':memory:') {
      this.timer = setInterval(() => this.maintain(), o.maintainIntervalMs ?? 10_000);
      this.timer.unref();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Loading and replay

  private load(): void {
    const t0 = performance.now();
    const db = this.db;
    const H = this.h;
    const fu = this.st.getMeta!.get('flushed_until') as number | undefined;
    if (typeof fu === 'number') this.flushedUntil = fu;
    const nr = this.st.getMeta!.get('next_ref') as number | undefined;
    if (typeof nr === 'number') this.nextRef = nr;
    // the block range is part of the format (it defines the chunks keys): the file's value wins
    const br = this.st.getMeta!.get('block_range') as number | undefined;
    if (typeof br === 'number' && br >= 1000) {
      if (br !== this.range) this.log('warn', `storage ${this.path}: the file uses a block range of ${br} ms; ignoring the configured ${this.range} ms`);
      this.range = br;
    } else {
      this.st.setMeta!.run('block_range', this.range);
    }
    // series
    const badSeries: number[] = [];
    for (const row of db.prepare('SELECT ref, labels, min_time, max_time FROM series ORDER BY ref').iterate() as Iterable<{ ref: number; labels: Uint8Array; min_time: number | null; max_time: number | null }>) {
      let ls: Labels;
      try {
        ls = decodeLabels(row.labels);
      } catch (e) {
        badSeries.push(row.ref);
        this.counters.corruptions++;
        this.log('error', `storage ${this.path}: series ${row.ref} has damaged labels (${(e as Error).message}); dropped it`);
        continue;
      }
      if (this.index.lookup(ls) !== 0) {
        badSeries.push(row.ref);
        this.log('warn', `storage ${this.path}: series ${row.ref} duplicates another series' labels; dropped it`);
        continue;
      }
      this.index.add(row.ref, ls);
      const s = new HeadSeries(row.ref, H.allocSlot());
      if (row.min_time !== null) H.minT[s.slot] = row.min_time;
      if (row.max_time !== null) {
        H.maxT[s.slot] = row.max_time;
        H.dataMaxT[s.slot] = row.max_time;
      }
      this.series[row.ref] = s;
      if (row.ref >= this.nextRef) this.nextRef = row.ref + 1;
    }
    // blocks
    for (const b of db.prepare('SELECT block, min_time, max_time, num_series, num_samples, bytes FROM blocks').iterate() as Iterable<{ block: number; min_time: number; max_time: number; num_series: number; num_samples: number; bytes: number }>) {
      this.blocks.set(b.block, { block: b.block, minTime: b.min_time, maxTime: b.max_time, numSeries: b.num_series, numSamples: b.num_samples, bytes: b.bytes });
    }
    this.refreshBlockList();
    // head chunks
    const orphanHead: number[] = [];
    for (const r of db.prepare('SELECT id, series, min_time, max_time, num_samples, flags FROM head_chunks ORDER BY id').iterate() as Iterable<{ id: number; series: number; min_time: number; max_time: number; num_samples: number; flags: number }>) {
      const s = this.series[r.series];
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
      this.noteTimes(s.slot, r.min_time, r.max_time);
      if (!ooo && r.max_time > this.headMaxT) this.headMaxT = r.max_time;
    }
    // replay the log
    const badRecords: { id: number; reason: string; rec: Uint8Array }[] = [];
    let replayed = 0;
    for (const row of db.prepare('SELECT id, rec FROM log ORDER BY id').iterate() as Iterable<{ id: number; rec: Uint8Array }>) {
      this.lastLogId = row.id;
      try {
        const type = verifyRecord(row.rec);
        if (type === RecSamples) {
          const b = decodeSamples(row.rec);
          const v32 = new Uint32Array(b.vals.buffer, b.vals.byteOffset, b.n * 2);
          const shared = b.ts.length === 1 && b.n !== 1;
          for (let i = 0; i < b.n; i++) {
            const s = this.series[b.refs[i]!];
            if (s === undefined) continue;
            const t = shared ? b.ts[0]! : b.ts[i]!;
            if (t <= H.maxT[s.slot]! || t < this.flushedUntil) continue;
            this.appendHead(s.slot, s.ref, t, v32[2 * i + 1]!, v32[2 * i]!, row.id);
            replayed++;
          }
        } else if (type === RecTombstones) {
          for (const ts of decodeTombstones(row.rec)) {
            const s = this.series[ts.ref];
            if (s !== undefined) this.deleteFromMemory(s, ts.mint, ts.maxt);
          }
        } else {
          throw new Error(`unknown record type ${type}`);
        }
      } catch (e) {
        badRecords.push({ id: row.id, reason: (e as Error).message, rec: row.rec });
      }
    }
    this.truncatedBelow = 0;
    // contain damage found while loading
    if (badSeries.length > 0 || orphanHead.length > 0 || badRecords.length > 0) {
      this.tx(() => {
        for (const ref of badSeries) {
          this.st.quarantine!.run('series', ref, 'damaged labels', null);
          this.st.delSeries!.run(ref);
        }
        for (const id of orphanHead) {
          this.rows.delete(headRowKey(id));
          this.st.delHead!.run(id);
        }
        for (const r of badRecords) {
          this.st.quarantine!.run('log', r.id, r.reason, r.rec);
          db.prepare('DELETE FROM log WHERE id = ?').run(r.id);
        }
      });
      for (const r of badRecords) {
        this.counters.corruptions++;
        this.counters.logCorruptions++;
        this.log('error', `storage ${this.path}: log record ${r.id} (${r.rec.length} bytes) is damaged (${r.reason}); its samples were dropped and the record moved to the quarantine table`);
      }
    }
    this.flushPending();
    this.counters.replayedSamples += replayed;
    this.counters.replaySeconds += (performance.now() - t0) / 1000;
    if (replayed > 0) this.log('info', `storage ${this.path}: replayed ${replayed} samples from the log in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  }

  private noteTimes(slot: number, minT: number, maxT: number): void {
    const H = this.h;
    if (minT < H.minT[slot]!) H.minT[slot] = minT;
    if (maxT > H.dataMaxT[slot]!) H.dataMaxT[slot] = maxT;
    if (minT < this.headMinT) this.headMinT = minT;
  }

  private refreshBlockList(): void {
    this.blockList = [...this.blocks.keys()].sort((a, b) => a - b);
  }

  // ------------------------------------------------------------------------------------------
  // Small helpers

  private tx<T>(fn: () => T): T {
    this.st.begin!.run();
    try {
      const r = fn();
      this.st.commit!.run();
      return r;
    } catch (e) {
      if (this.db.inTransaction) {
        try {
          this.st.rollback!.run();
        } catch {
          // the transaction is gone already
        }
      }
      throw e;
    }
  }

  private readonly lastWarn = new Map<string, number>();

  /** warnLimited logs a warning at most once a minute per topic. */
  private warnLimited(topic: string, msg: string): void {
    const now = Date.now();
    if (now - (this.lastWarn.get(topic) ?? 0) < 60_000) return;
    this.lastWarn.set(topic, now);
    this.log('warn', msg);
  }

  private ioError(what: string, e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const code = sqliteCode(e);
    let why = e instanceof Error ? e.message : String(e);
    if (code === 'SQLITE_FULL') why = `disk or database is full (${why})`;
    else if (code.startsWith('SQLITE_READONLY')) why = `database is read-only (${why})`;
    return new StorageError('io', `storage ${this.path}: ${what} failed: ${why}`);
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('closed', `storage ${this.path} is closed`);
  }

  /** inOrderMin is the oldest timestamp an in-order sample may have (Prometheus's min valid time). */
  inOrderMin(): number {
    return Math.max(this.flushedUntil, this.oooWindow > 0 ? -Infinity : this.headMaxT - this.range / 2);
  }

  /** blockKey returns the chunks key of (block, ref). */
  private blockKey(block: number, ref: number): number {
    return block * TWO32 + ref;
  }

  // ------------------------------------------------------------------------------------------
  // Series

  /** seriesFor returns the series with these labels, creating it (unpersisted until a commit). */
  seriesFor(ls: Labels): HeadSeries {
    const ref = this.index.lookup(ls);
    if (ref !== 0) return this.series[ref]!;
    validateLabels(ls);
    const nref = this.nextRef++;
    this.index.add(nref, ls);
    const s = new HeadSeries(nref, this.h.allocSlot());
    this.series[nref] = s;
    this.unpersisted.push({ ref: nref, labels: encodeLabels(ls) });
    this.counters.seriesCreated++;
    return s;
  }

  /** persistNewSeries writes series created since the last commit (inside a transaction). */
  private persistNewSeries(): void {
    if (this.unpersisted.length === 0) return;
    for (const u of this.unpersisted) this.st.insSeries!.run(u.ref, u.labels);
    this.st.setMeta!.run('next_ref', this.nextRef);
  }

  // ------------------------------------------------------------------------------------------
  // Appending

  /** appender returns a new Appender (one per scrape, rule evaluation or push). */
  appender(): Appender {
    this.checkOpen();
    return new HeadAppender(this, ++this.appendGen, this.batchPool.pop() ?? new BatchBuffers(256));
  }

  private readonly batchPool: BatchBuffers[] = [];

  /** releaseBatch returns an appender's buffers for reuse. */
  releaseBatch(b: BatchBuffers): void {
    if (this.batchPool.length < 8) this.batchPool.push(b);
  }

  /** classify decides what happens to a sample given the series' last timestamp and value bits. */
  classify(lastT: number, lastHi: number, lastLo: number, hasLast: boolean, s: HeadSeries, t: number, hi: number, lo: number): number {
    const minValid = this.inOrderMin();
    if (t > lastT) {
      if (t >= minValid) return IN_ORDER;
    } else if (t === lastT) {
      if (!hasLast) {
        this.resolveLast(s);
        lastHi = this.h.lastHi[s.slot]!;
        lastLo = this.h.lastLo[s.slot]!;
      }
      return lastHi === hi && lastLo === lo ? DUP_SAME : E_DUP;
    }
    if (this.oooWindow > 0) return t >= this.headMaxT - this.oooWindow ? OOO : E_TOO_OLD;
    return t < minValid ? E_BOUNDS : E_OOO;
  }

  /** rejection returns the StorageError for a classification code (and counts it). */
  rejection(code: number, s: HeadSeries, t: number): StorageError {
    switch (code) {
      case E_DUP:
        this.counters.duplicateSamples++;
        return new StorageError('duplicate', `duplicate sample for timestamp ${t} with a different value (series ${s.ref})`);
      case E_OOO:
        this.counters.outOfOrderSamples++;
        return new StorageError('out_of_order', `out of order sample at ${t}, series ${s.ref} is at ${this.h.maxT[s.slot]}`);
      case E_BOUNDS:
        this.counters.outOfBoundSamples++;
        return new StorageError('out_of_bounds', `out of bounds sample at ${t}: older than the head's minimum valid time ${this.inOrderMin()}`);
      default:
        this.counters.tooOldSamples++;
        return new StorageError('too_old', `too old sample at ${t}: outside the out-of-order window of ${this.oooWindow} ms`);
    }
  }

  /** resolveLast finds the value bits of the series' newest sample (needed after a restart). */
  private resolveLast(s: HeadSeries): void {
    const H = this.h;
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
      for (let c = H.firstChunk[slot]!; c >= 0; c = H.cNext[c]!) if (H.cOoo[c] === 0 && H.cMaxT[c] === maxT) found = c;
      if (found >= 0) {
        const bytes = H.cBytes[found];
        if (bytes !== null && bytes !== undefined) decodeChunkInto(bytes, buf);
        else {
          const row = this.readHeadChunk(H.cId[found]!);
          if (row !== undefined) decodeChunkInto(decodeHeadChunkRow(row), buf);
        }
      } else {
        const row = this.readBlockRow(this.blockKey(Math.floor(maxT / this.range), s.ref));
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
    this.checkOpen();
    if (n === 0 && this.unpersisted.length === 0) return;
    const H = this.h;
    const cGen = H.cGen;
    const cT = H.cT;
    const cHi = H.cHi;
    const cLo = H.cLo;
    const gen = ++this.commitGen;
    const series = this.series;
    let k = 0;
    let ooo: { s: HeadSeries; t: number; hi: number; lo: number }[] | null = null;
    const minValid = this.inOrderMin();
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
    try {
      this.tx(() => {
        this.persistNewSeries();
        if (rec !== null) logId = Number(this.st.insLog!.run(rec).lastInsertRowid);
        if (ooo !== null) oooChunks = this.writeOoo(ooo);
      });
    } catch (e) {
      for (const { c } of oooChunks) H.discardChunk(c);
      this.counters.commitFailures++;
      throw this.ioError('commit', e);
    }
    this.unpersisted = [];
    this.counters.commits++;
    if (logId > 0) this.lastLogId = logId;
    for (let i = 0; i < k; i++) {
      const s = series[refs[i]!]!;
      this.appendHead(s.slot, s.ref, ts[i]!, v32[2 * i + 1]!, v32[2 * i]!, logId);
    }
    this.counters.samplesAppended += k;
    for (const { s, c } of oooChunks) {
      H.linkChunk(s.slot, c);
      this.noteTimes(s.slot, H.cMinT[c]!, H.cMaxT[c]!);
      this.counters.oooSamplesAppended += H.cN[c]!;
    }
    this.afterCommit();
  }

  /** writeOoo writes out-of-order samples as head chunks (one per series and block), in a transaction. */
  private writeOoo(ooo: { s: HeadSeries; t: number; hi: number; lo: number }[]): { s: HeadSeries; c: number }[] {
    ooo.sort((a, b) => a.s.ref - b.s.ref || a.t - b.t);
    const out: { s: HeadSeries; c: number }[] = [];
    let i = 0;
    while (i < ooo.length) {
      const s = ooo[i]!.s;
      const block = Math.floor(ooo[i]!.t / this.range);
      const a = new XorAppender(64);
      let lastT = NaN;
      while (i < ooo.length && ooo[i]!.s === s && Math.floor(ooo[i]!.t / this.range) === block && a.numSamples < MAX_CHUNK_SAMPLES) {
        const x = ooo[i++]!;
        if (x.t === lastT) continue;
        a.appendBits(x.t, x.hi, x.lo);
        lastT = x.t;
      }
      const bytes = a.bytes();
      const id = Number(this.st.insHead!.run(s.ref, a.minT, a.maxT, a.numSamples, 1, encodeHeadChunkRow(bytes)).lastInsertRowid);
      out.push({ s, c: this.h.allocChunk(s.ref, id, a.minT, a.maxT, a.numSamples, true, null) });
    }
    return out;
  }

  /** appendHead appends one in-order sample to the series' open chunk, cutting chunks as needed. */
  private appendHead(slot: number, ref: number, t: number, hi: number, lo: number, logId: number): void {
    const H = this.h;
    const A = H.arena;
    if (A.cls[slot]! >= 0) {
      const ns = A.numSamples[slot]!;
      if (ns === this.spc >> 2) H.nextAt[slot] = computeChunkEndTime(A.minT[slot]!, A.maxT[slot]!, H.nextAt[slot]!, 4);
      if (t >= H.nextAt[slot]! || ns >= 2 * this.spc || A.sizeBytes(slot) > MAX_CHUNK_BYTES) {
        this.closeOpen(slot, ref);
        A.start(slot, t, hi, lo, H.sizeHint[slot]! + 32);
        H.nextAt[slot] = rangeEnd(t, this.range);
        H.firstLogId[slot] = logId;
      } else {
        A.append(slot, t, hi, lo);
      }
    } else {
      A.start(slot, t, hi, lo, H.sizeHint[slot]! + 32);
      H.nextAt[slot] = rangeEnd(t, this.range);
      H.firstLogId[slot] = logId;
    }
    H.maxT[slot] = t;
    H.lastHi[slot] = hi;
    H.lastLo[slot] = lo;
    H.flags[slot] = H.flags[slot]! | F_HAS_LAST;
    if (t > H.dataMaxT[slot]!) H.dataMaxT[slot] = t;
    if (t < H.minT[slot]!) H.minT[slot] = t;
    if (t > this.headMaxT) this.headMaxT = t;
    if (t < this.headMinT) this.headMinT = t;
  }

  /** closeOpen closes the slot's open chunk into a pending closed chunk. */
  private closeOpen(slot: number, ref: number): void {
    const H = this.h;
    const A = H.arena;
    const minT = A.minT[slot]!;
    const maxT = A.maxT[slot]!;
    const n = A.numSamples[slot]!;
    const bytes = A.close(slot);
    const c = H.allocChunk(ref, 0, minT, maxT, n, false, bytes);
    H.linkChunk(slot, c);
    H.sizeHint[slot] = bytes.length;
    this.pending.push(c);
    this.counters.chunksCut++;
  }

  /** flushPending writes closed in-memory chunks to head_chunks; returns false if it failed. */
  private flushPending(extra?: () => void): boolean {
    if (this.pending.length === 0 && extra === undefined) return true;
    const H = this.h;
    const ids: number[] = [];
    try {
      this.tx(() => {
        for (const c of this.pending) {
          ids.push(Number(this.st.insHead!.run(H.cRef[c]!, H.cMinT[c]!, H.cMaxT[c]!, H.cN[c]!, 0, encodeHeadChunkRow(H.cBytes[c]!)).lastInsertRowid));
        }
        extra?.();
      });
    } catch (e) {
      this.counters.flushFailures++;
      this.warnLimited('flush', `storage ${this.path}: flushing ${this.pending.length} head chunks failed, keeping them in memory and the log: ${this.ioError('flush', e).message}`);
      return false;
    }
    for (let i = 0; i < ids.length; i++) {
      const c = this.pending[i]!;
      H.cId[c] = ids[i]!;
      H.cBytes[c] = null;
    }
    this.counters.headChunksFlushed += ids.length;
    this.pending = [];
    return true;
  }

  private afterCommit(): void {
    try {
      if (this.pending.length > 0) this.flushPending();
      if (++this.commitsSinceTruncate >= 256) this.truncateLog();
      if (!this.readersActive()) {
        if (this.compaction !== null) this.compactStep(50_000);
        else if (this.shouldCompact()) this.startCompaction();
      }
    } catch (e) {
      this.warnLimited('maintenance', `storage ${this.path}: maintenance after commit failed: ${(e as Error).message}`);
    }
  }

  /** truncateLog deletes log records whose samples are all in head chunks or blocks. */
  private truncateLog(): void {
    this.commitsSinceTruncate = 0;
    if (this.pending.length > 0) return;
    let minPin = this.lastLogId + 1;
    const H = this.h;
    const cls = H.arena.cls;
    const first = H.firstLogId;
    const lim = H.slotLimit();
    for (let slot = 0; slot < lim; slot++) if (cls[slot]! >= 0 && first[slot]! < minPin) minPin = first[slot]!;
    // keep the newest record so record ids keep increasing across restarts (rowid = max + 1)
    if (minPin > this.lastLogId) minPin = this.lastLogId;
    if (minPin <= this.truncatedBelow) return;
    try {
      this.st.truncLog!.run(minPin);
      this.truncatedBelow = minPin;
      this.counters.logTruncations++;
    } catch (e) {
      this.warnLimited('truncate', `storage ${this.path}: log truncation failed: ${this.ioError('truncate', e).message}`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Compaction: head chunks of the oldest block -> one dense row per series in `chunks`

  private shouldCompact(): boolean {
    if (!Number.isFinite(this.headMaxT) || !Number.isFinite(this.headMinT)) return false;
    const b = Math.floor(this.headMinT / this.range);
    return this.headMaxT >= (b + 1) * this.range + this.range / 2;
  }

  private startCompaction(): void {
    const block = Math.floor(this.headMinT / this.range);
    const end = (block + 1) * this.range;
    const H = this.h;
    const A = H.arena;
    for (let r = 1; r < this.series.length; r++) {
      const s = this.series[r];
      if (s !== undefined && A.cls[s.slot]! >= 0 && A.minT[s.slot]! < end) this.closeOpen(s.slot, s.ref);
    }
    if (!this.flushPending(() => this.st.setMeta!.run('flushed_until', Math.max(end, this.flushedUntil)))) return;
    if (end > this.flushedUntil) this.flushedUntil = end;
    this.compaction = { block, end, cursor: 1, seconds: 0, samples: 0 };
  }

  /** compactStep compacts series from the cursor until about budget samples were written. */
  private compactStep(budget: number): void {
    const c = this.compaction;
    if (c === null) return;
    if (this.pending.length > 0 && !this.flushPending()) return;
    const H = this.h;
    const t0 = performance.now();
    const startCursor = c.cursor;
    const after: (() => void)[] = [];
    const blockDelta = new Map<number, BlockMeta>();
    let done = 0;
    try {
      this.tx(() => {
        while (c.cursor < this.series.length && done < budget) {
          const s = this.series[c.cursor++];
          if (s === undefined || H.firstChunk[s.slot]! < 0) continue;
          const take = H.chunksOf(s.slot).filter((ch) => H.cMaxT[ch]! < c.end);
          if (take.length === 0) continue;
          done += this.compactSeries(s, take, blockDelta);
          after.push(() => {
            for (const ch of take) H.unlinkChunk(s.slot, ch);
          });
        }
        for (const d of blockDelta.values()) this.putBlockMeta(d);
      });
    } catch (e) {
      c.cursor = startCursor;
      this.counters.compactionFailures++;
      this.warnLimited('compaction', `storage ${this.path}: compaction step failed, will retry: ${this.ioError('compaction', e).message}`);
      return;
    }
    for (const f of after) f();
    for (const d of blockDelta.values()) this.blocks.set(d.block, d);
    this.refreshBlockList();
    c.samples += done;
    c.seconds += (performance.now() - t0) / 1000;
    if (c.cursor >= this.series.length) this.finishCompaction(c);
  }

  private finishCompaction(c: CompactionState): void {
    this.compaction = null;
    this.counters.compactions++;
    this.counters.compactionSeconds += c.seconds;
    this.counters.compactionSamples += c.samples;
    const H = this.h;
    const A = H.arena;
    let minT = Infinity;
    const lim = H.slotLimit();
    for (let slot = 0; slot < lim; slot++) {
      if ((H.flags[slot]! & F_LIVE) === 0) continue;
      if (A.cls[slot]! >= 0 && A.minT[slot]! < minT) minT = A.minT[slot]!;
      for (let ch = H.firstChunk[slot]!; ch >= 0; ch = H.cNext[ch]!) if (H.cMinT[ch]! < minT) minT = H.cMinT[ch]!;
    }
    this.headMinT = minT;
    this.truncateLog();
    this.applyRetention();
  }

  /** putBlockMeta merges a delta into the blocks table row of its block (inside a transaction). */
  private putBlockMeta(d: BlockMeta): void {
    const cur = this.blocks.get(d.block);
    const m: BlockMeta = cur
      ? { block: d.block, minTime: Math.min(cur.minTime, d.minTime), maxTime: Math.max(cur.maxTime, d.maxTime), numSeries: cur.numSeries + d.numSeries, numSamples: cur.numSamples + d.numSamples, bytes: cur.bytes + d.bytes }
      : d;
    this.st.putBlock!.run(m.block, m.minTime, m.maxTime, m.numSeries, m.numSamples, m.bytes);
    d.minTime = m.minTime;
    d.maxTime = m.maxTime;
    d.numSeries = m.numSeries;
    d.numSamples = m.numSamples;
    d.bytes = m.bytes;
  }

  /** compactSeries moves the given head chunks (pool indexes) of s into block rows; returns samples written. */
  private compactSeries(s: HeadSeries, take: number[], blockDelta: Map<number, BlockMeta>): number {
    const H = this.h;
    const byBlock = new Map<number, number[]>();
    for (const ch of take) {
      const b = Math.floor(H.cMinT[ch]! / this.range);
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
            const row = this.readHeadChunk(H.cId[ch]!);
            if (row !== undefined) decodeChunkInto(decodeHeadChunkRow(row), buf);
          }
        } catch (e) {
          buf.n = before;
          this.reportCorrupt(`head_chunks row ${H.cId[ch]}`, s.ref, e as Error);
        }
        if (before > 0 && buf.n > before && buf.t[before]! <= buf.t[before - 1]!) sorted = false;
        if (H.cOoo[ch] === 1) overlaps = true;
      }
      for (const ch of list) {
        this.rows.delete(headRowKey(H.cId[ch]!));
        this.st.delHead!.run(H.cId[ch]!);
      }
      if (buf.n === 0) continue;
      if (!sorted || overlaps) sortDedupe(buf);
      const key = this.blockKey(b, s.ref);
      let row = encodeBlockRow(encodeFrames(buf));
      let newSeries = 1;
      let bytesDelta = row.length;
      let samples = buf.n;
      this.rows.delete(key);
      if (this.st.insRowIgnore!.run(key, row).changes === 0) {
        // the block already has a row for this series (backfill, or out-of-order data): merge
        const old = this.st.getRow!.get(key) as Uint8Array;
        const merged = new SampleBuf(buf.n + 512);
        let oldN = 0;
        try {
          for (const ch of decodeBlockRow(old)) decodeChunkInto(ch, merged);
          oldN = merged.n;
        } catch (e) {
          merged.n = 0;
          this.reportCorrupt(`chunks row ${key}`, s.ref, e as Error);
        }
        merged.ensure(merged.n + buf.n);
        merged.t.set(buf.t.subarray(0, buf.n), merged.n);
        merged.v.set(buf.v.subarray(0, buf.n), merged.n);
        merged.n += buf.n;
        sortDedupe(merged);
        row = encodeBlockRow(encodeFrames(merged));
        this.rows.delete(key);
        this.st.putRow!.run(key, row);
        newSeries = 0;
        bytesDelta = row.length - old.length;
        samples = merged.n - oldN;
      }
      this.st.updSeriesTimes!.run(buf.t[0]!, buf.t[0]!, buf.t[buf.n - 1]!, buf.t[buf.n - 1]!, s.ref);
      let d = blockDelta.get(b);
      if (d === undefined) {
        d = { block: b, minTime: buf.t[0]!, maxTime: buf.t[buf.n - 1]!, numSeries: 0, numSamples: 0, bytes: 0 };
        blockDelta.set(b, d);
      }
      d.minTime = Math.min(d.minTime, buf.t[0]!);
      d.maxTime = Math.max(d.maxTime, buf.t[buf.n - 1]!);
      d.numSeries += newSeries;
      d.numSamples += samples;
      d.bytes += bytesDelta;
      written += buf.n;
    }
    return written;
  }

  // ------------------------------------------------------------------------------------------
  // Retention and space reclamation

  private applyRetention(): void {
    if (this.readersActive()) return;
    this.lastRetention = Date.now();
    let newest = this.headMaxT;
    for (const b of this.blocks.values()) if (b.maxTime > newest) newest = b.maxTime;
    if (this.retentionMs > 0 && Number.isFinite(newest)) {
      const cutBlock = Math.floor((newest - this.retentionMs) / this.range);
      if (this.blockList.length > 0 && this.blockList[0]! < cutBlock) {
        if (this.dropBlocksBelow(cutBlock)) {
          this.counters.timeRetentions++;
          this.log('info', `storage ${this.path}: time retention dropped blocks older than ${new Date(cutBlock * this.range).toISOString()}`);
        }
      }
    }
    if (this.retentionBytes > 0) {
      let used = this.usedBytes();
      const before = used;
      let dropped = 0;
      while (used > this.retentionBytes && this.blockList.length > 0) {
        const oldest = this.blockList[0]!;
        if (!this.dropBlocksBelow(oldest + 1)) break;
        dropped++;
        used = this.usedBytes();
      }
      if (dropped > 0) {
        this.counters.sizeRetentions++;
        this.log('info', `storage ${this.path}: size retention dropped ${dropped} block(s): ${before} -> ${used} bytes used (limit ${this.retentionBytes})`);
      }
    }
    this.vacuum();
  }

  /** usedBytes returns the bytes of database pages in use (file size minus free pages). */
  usedBytes(): number {
    const pc = this.db.pragma('page_count', { simple: true }) as number;
    const fl = this.db.pragma('freelist_count', { simple: true }) as number;
    const ps = this.db.pragma('page_size', { simple: true }) as number;
    return (pc - fl) * ps;
  }

  /** dropBlocksBelow deletes blocks < cutBlock and series left without data; false if it failed. */
  private dropBlocksBelow(cutBlock: number): boolean {
    const cutT = cutBlock * this.range;
    const H = this.h;
    const gone: HeadSeries[] = [];
    try {
      this.tx(() => {
        this.rows.clear();
        this.st.delRowsBelow!.run(this.blockKey(cutBlock, 0));
        this.st.delBlocksBelow!.run(cutBlock);
        for (const s of this.series) {
          if (s === undefined || H.hasHeadData(s.slot) || H.dataMaxT[s.slot]! >= cutT) continue;
          this.st.delSeries!.run(s.ref);
          gone.push(s);
        }
      });
    } catch (e) {
      this.log('warn', `storage ${this.path}: retention failed: ${this.ioError('retention', e).message}`);
      return false;
    }
    for (const b of [...this.blocks.keys()]) if (b < cutBlock) this.blocks.delete(b);
    this.refreshBlockList();
    for (const s of gone) this.dropSeriesFromMemory(s);
    for (const s of this.series) if (s !== undefined && H.minT[s.slot]! < cutT) H.minT[s.slot] = cutT;
    return true;
  }

  private dropSeriesFromMemory(s: HeadSeries): void {
    this.series[s.ref] = undefined;
    this.h.freeSlot(s.slot);
    this.index.remove(s.ref);
    this.counters.seriesRemoved++;
  }

  /** vacuum returns free pages to the file system when more than ~10% of the file is free. */
  private vacuum(): void {
    try {
      const pc = this.db.pragma('page_count', { simple: true }) as number;
      const fl = this.db.pragma('freelist_count', { simple: true }) as number;
      const reserve = Math.max(64, Math.floor(pc * 0.05));
      if (fl > Math.max(128, pc * 0.1)) {
        const n = Math.min(fl - reserve, 16384);
        this.db.pragma(`incremental_vacuum(${n})`);
        this.counters.vacuumedPages += n;
      }
    } catch (e) {
      this.log('warn', `storage ${this.path}: incremental vacuum failed: ${(e as Error).message}`);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Maintenance

  /**
   * maintain runs the periodic work: flushing closed chunks, truncating the log, compacting the
   * oldest head block, retention, space reclamation and a WAL checkpoint. The timer calls it; tests
   * and tools may call it directly. Work that would delete rows waits while queriers are open.
   */
  maintain(): void {
    if (this.closed) return;
    try {
      this.flushPending();
      this.truncateLog();
      if (!this.readersActive()) {
        if (this.compaction === null && this.shouldCompact()) this.startCompaction();
        let guard = 0;
        while (this.compaction !== null && guard++ < 10_000) {
          const before = this.compaction.cursor;
          this.compactStep(200_000);
          if (this.compaction !== null && this.compaction.cursor === before) break;
          if (this.compaction === null && this.shouldCompact()) this.startCompaction();
        }
        if (Date.now() - this.lastRetention > 60_000) this.applyRetention();
      }
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      this.warnLimited('maintenance', `storage ${this.path}: maintenance failed: ${(e as Error).message}`);
    }
  }

  /** compactAll forces compaction of every head block that is complete by time (tools, tests). */
  compactAll(): void {
    this.maintain();
  }

  /** checkpoint copies the SQLite WAL into the main file and truncates it. */
  checkpoint(): void {
    this.checkOpen();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  // ------------------------------------------------------------------------------------------
  // Reading

  /** querier opens a Querier over [mint, maxt] (ms, inclusive). Close it when done. */
  querier(mint: number, maxt: number): Querier {
    this.checkOpen();
    const id = ++this.querierSeq;
    this.queriers.set(id, Date.now());
    return new TSDBQuerier(this, id, mint, maxt);
  }

  /** releaseQuerier is called by a querier's close(). */
  releaseQuerier(id: number): void {
    this.queriers.delete(id);
  }

  /**
   * readersActive reports whether an open querier may still read rows that compaction or retention
   * would delete. A querier left open for more than 5 minutes is considered leaked: it is logged and
   * no longer holds maintenance back (its iterators may then miss moved data).
   */
  private readersActive(): boolean {
    if (this.queriers.size === 0) return false;
    const now = Date.now();
    let active = false;
    for (const [id, t] of this.queriers) {
      if (now - t < LEAKED_QUERIER_MS) active = true;
      else {
        this.queriers.delete(id);
        this.log('warn', `storage ${this.path}: a querier was left open for more than ${LEAKED_QUERIER_MS / 60_000} minutes; maintenance no longer waits for it (close queriers when done)`);
      }
    }
    return active;
  }

  /** readBlockRow returns the chunks.data of key (StoreReader). */
  readBlockRow(key: number): Uint8Array | undefined {
    if (this.corruptSeen.size > 0 && this.corruptSeen.has(`chunks row ${key}`)) return undefined;
    const hit = this.rows.get(key);
    if (hit !== undefined) return hit;
    const row = this.st.getRow!.get(key) as Uint8Array | undefined;
    if (row !== undefined) this.rows.set(key, row);
    return row;
  }

  /** readHeadChunk returns head_chunks.data of id (StoreReader). */
  readHeadChunk(id: number): Uint8Array | undefined {
    if (this.corruptSeen.size > 0 && this.corruptSeen.has(`head_chunks row ${id}`)) return undefined;
    const hit = this.rows.get(headRowKey(id));
    if (hit !== undefined) return hit;
    const row = this.st.getHead!.get(id) as Uint8Array | undefined;
    if (row !== undefined) this.rows.set(headRowKey(id), row);
    return row;
  }

  /** reportCorrupt counts and logs damaged data once per location (StoreReader). */
  reportCorrupt(where: string, ref: number, err: Error): string {
    const labels = this.index.has(ref) ? labelsString(this.index.labels(ref)) : `ref ${ref}`;
    const msg = `storage ${this.path}: ${where} of series ${labels} is damaged (${err.message}); its samples are skipped`;
    if (!this.corruptSeen.has(where)) {
      this.corruptSeen.add(where);
      this.counters.corruptions++;
      this.log('error', msg);
    }
    return msg;
  }

  /** selectSeries implements Querier.select for TSDBQuerier. */
  selectSeries(mint: number, maxt: number, sortSeries: boolean, matchers: readonly Matcher[]): SeriesSet {
    this.checkOpen();
    const H = this.h;
    const A = H.arena;
    const warnings: Warnings = [];
    const refs = this.index.select(matchers);
    const blocks = this.blockList.filter((b) => b * this.range <= maxt && (b + 1) * this.range > mint);
    // Series come in the order Prometheus's TSDB gives for an unsorted select: creation order when
    // only the head is read, label order as soon as a block is involved (series in a block index are
    // sorted, and merging head and blocks sorts). The order reaches results (aggregation and error
    // messages follow it), so matching it keeps answers identical, float rounding included.
    if (sortSeries || blocks.length > 0) this.index.sortByLabels(refs);
    const out: StoredSeries[] = [];
    for (const ref of refs) {
      const s = this.series[ref];
      if (s === undefined) continue;
      const slot = s.slot;
      const sMin = H.minT[slot]!;
      const sMax = H.dataMaxT[slot]!;
      if (sMin > maxt || sMax < mint) continue;
      const sources: ChunkSource[] = [];
      for (const b of blocks) {
        const bs = b * this.range;
        const be = bs + this.range - 1;
        if (bs > sMax || be < sMin) continue;
        sources.push({ kind: SourceKind.BlockRow, minT: bs, maxT: be, key: this.blockKey(b, ref), bytes: null, limit: -1 });
      }
      for (let c = H.firstChunk[slot]!; c >= 0; c = H.cNext[c]!) {
        if (H.cMaxT[c]! < mint || H.cMinT[c]! > maxt) continue;
        sources.push({ kind: SourceKind.HeadChunk, minT: H.cMinT[c]!, maxT: H.cMaxT[c]!, key: H.cId[c]!, bytes: H.cBytes[c] ?? null, limit: -1 });
      }
      if (A.cls[slot]! >= 0 && A.maxT[slot]! >= mint && A.minT[slot]! <= maxt) {
        // the open chunk is copied: later appends and slot reuse cannot change what this querier sees
        sources.push({ kind: SourceKind.Open, minT: A.minT[slot]!, maxT: A.maxT[slot]!, key: 0, bytes: A.snapshot(slot), limit: -1 });
      }
      if (sources.length === 0) continue;
      if (!sortedByMinT(sources)) sources.sort((a, b) => a.minT - b.minT);
      out.push(new StoredSeries(this.index.labels(ref), ref, sources, mint, maxt, this, warnings));
    }
    return { series: out, warnings };
  }

  /** refsInRange returns the live refs matching matchers with data overlapping [mint, maxt]. */
  refsInRange(mint: number, maxt: number, matchers: readonly Matcher[]): number[] {
    const H = this.h;
    const refs = this.index.select(matchers);
    return refs.filter((r) => {
      const s = this.series[r];
      return s !== undefined && H.minT[s.slot]! <= maxt && H.dataMaxT[s.slot]! >= mint;
    });
  }

  /** labelValuesIn implements Querier.labelValues. */
  labelValuesIn(mint: number, maxt: number, name: string, matchers: readonly Matcher[], hints?: LabelHints): string[] {
    this.checkOpen();
    const vals = this.index.labelValues(name, this.refsInRange(mint, maxt, matchers));
    return hints?.limit !== undefined && hints.limit > 0 ? vals.slice(0, hints.limit) : vals;
  }

  /** labelNamesIn implements Querier.labelNames. */
  labelNamesIn(mint: number, maxt: number, matchers: readonly Matcher[], hints?: LabelHints): string[] {
    this.checkOpen();
    const names = this.index.labelNames(this.refsInRange(mint, maxt, matchers));
    return hints?.limit !== undefined && hints.limit > 0 ? names.slice(0, hints.limit) : names;
  }

  // ------------------------------------------------------------------------------------------
  // Deletion

  /** deleteSeries removes the samples of matching series in [mint, maxt]; series left empty are dropped. */
  deleteSeries(matchers: readonly Matcher[], mint: number, maxt: number): void {
    this.checkOpen();
    this.counters.deletedSeriesCalls++;
    const refs = this.index.select(matchers);
    if (refs.length === 0) return;
    if (!this.flushPending()) throw new StorageError('io', `storage ${this.path}: cannot delete series while head chunks cannot be written`);
    const H = this.h;
    const after: (() => void)[] = [];
    const stones: Tombstone[] = [];
    const blockDelta = new Map<number, BlockMeta>();
    try {
      this.tx(() => {
        for (const ref of refs) {
          const s = this.series[ref];
          if (s === undefined || H.minT[s.slot]! > maxt || H.dataMaxT[s.slot]! < mint) continue;
          stones.push({ ref, mint, maxt });
          for (const b of this.blockList) {
            if ((b + 1) * this.range <= mint || b * this.range > maxt) continue;
            const key = this.blockKey(b, ref);
            const old = this.st.getRow!.get(key) as Uint8Array | undefined;
            if (old === undefined) continue;
            const buf = new SampleBuf(512);
            try {
              for (const ch of decodeBlockRow(old)) decodeChunkInto(ch, buf);
            } catch (e) {
              this.reportCorrupt(`chunks row ${key}`, ref, e as Error);
              continue;
            }
            const before = buf.n;
            filterOut(buf, mint, maxt);
            if (buf.n === before) continue;
            const meta = this.blocks.get(b);
            let d = blockDelta.get(b);
            if (d === undefined && meta) {
              d = { ...meta };
              blockDelta.set(b, d);
            }
            if (buf.n === 0) {
              this.rows.delete(key);
              this.st.delRow!.run(key);
              if (d) {
                d.numSeries--;
                d.bytes -= old.length;
              }
            } else {
              const row = encodeBlockRow(encodeFrames(buf));
              this.rows.delete(key);
        this.st.putRow!.run(key, row);
              if (d) d.bytes += row.length - old.length;
            }
            if (d) d.numSamples -= before - buf.n;
          }
          for (const c of H.chunksOf(s.slot)) {
            const id = H.cId[c]!;
            if (H.cMaxT[c]! < mint || H.cMinT[c]! > maxt || id === 0) continue;
            const row = this.st.getHead!.get(id) as Uint8Array | undefined;
            if (row === undefined) continue;
            const buf = new SampleBuf(256);
            try {
              decodeChunkInto(decodeHeadChunkRow(row), buf);
            } catch (e) {
              this.reportCorrupt(`head_chunks row ${id}`, ref, e as Error);
              continue;
            }
            filterOut(buf, mint, maxt);
            if (buf.n === 0) {
              this.rows.delete(headRowKey(id));
              this.st.delHead!.run(id);
              after.push(() => H.unlinkChunk(s.slot, c));
            } else {
              const bytes = encodeXor(buf.t, buf.v, 0, buf.n);
              this.rows.delete(headRowKey(id));
              this.st.updHead!.run(buf.t[0]!, buf.t[buf.n - 1]!, buf.n, encodeHeadChunkRow(bytes), id);
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
          after.push(() => this.deleteFromMemory(s, mint, maxt));
          if (mint <= H.minT[s.slot]! && maxt >= H.dataMaxT[s.slot]!) {
            this.st.delSeries!.run(ref);
            after.push(() => this.dropSeriesFromMemory(s));
          }
        }
        if (stones.length > 0) this.lastLogId = Number(this.st.insLog!.run(encodeTombstones(stones)).lastInsertRowid);
        for (const d of blockDelta.values()) this.st.putBlock!.run(d.block, d.minTime, d.maxTime, d.numSeries, d.numSamples, d.bytes);
      });
    } catch (e) {
      throw this.ioError('delete series', e);
    }
    for (const f of after) f();
    for (const d of blockDelta.values()) this.blocks.set(d.block, d);
  }

  /** deleteFromMemory removes [mint, maxt] from the open chunk and unflushed chunks of s. */
  private deleteFromMemory(s: HeadSeries, mint: number, maxt: number): void {
    const H = this.h;
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
        this.pending = this.pending.filter((x) => x !== c);
        H.unlinkChunk(slot, c);
      } else {
        H.cBytes[c] = encodeXor(buf.t, buf.v, 0, buf.n);
        H.cN[c] = buf.n;
        H.cMinT[c] = buf.t[0]!;
        H.cMaxT[c] = buf.t[buf.n - 1]!;
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Backfill (used by importer.ts)

  /** importer starts a backfill (see Importer for the contract). */
  importer(opts?: ImporterOptions): Importer {
    this.checkOpen();
    return new Importer(this, opts);
  }

  /**
   * writeImported merges sorted samples of one series into block rows, inside the caller's
   * transaction. ts must strictly increase. Returns the number of new samples written.
   */
  writeImported(s: HeadSeries, buf: SampleBuf, blockDelta: Map<number, BlockMeta>): number {
    let written = 0;
    let i = 0;
    while (i < buf.n) {
      const b = Math.floor(buf.t[i]! / this.range);
      const end = (b + 1) * this.range;
      let j = i;
      while (j < buf.n && buf.t[j]! < end) j++;
      const part = new SampleBuf(j - i + 256);
      part.t.set(buf.t.subarray(i, j));
      part.v.set(buf.v.subarray(i, j));
      part.n = j - i;
      const key = this.blockKey(b, s.ref);
      const old = this.st.getRow!.get(key) as Uint8Array | undefined;
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
          this.reportCorrupt(`chunks row ${key}`, s.ref, e as Error);
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
      this.rows.delete(key);
        this.st.putRow!.run(key, row);
      this.st.updSeriesTimes!.run(part.t[0]!, part.t[0]!, part.t[part.n - 1]!, part.t[part.n - 1]!, s.ref);
      let d = blockDelta.get(b);
      if (d === undefined) {
        d = { block: b, minTime: part.t[0]!, maxTime: part.t[part.n - 1]!, numSeries: 0, numSamples: 0, bytes: 0 };
        blockDelta.set(b, d);
      }
      d.minTime = Math.min(d.minTime, part.t[0]!);
      d.maxTime = Math.max(d.maxTime, part.t[part.n - 1]!);
      d.numSeries += newSeries;
      d.numSamples += part.n - oldN;
      d.bytes += row.length - oldLen;
      written += part.n - oldN;
      i = j;
    }
    return written;
  }

  /** importTx runs fn in a transaction with the block bookkeeping of an import batch. */
  importTx(fn: (blockDelta: Map<number, BlockMeta>) => { s: HeadSeries; minT: number; maxT: number }[]): void {
    this.checkOpen();
    const blockDelta = new Map<number, BlockMeta>();
    let touched: { s: HeadSeries; minT: number; maxT: number }[] = [];
    try {
      this.tx(() => {
        this.persistNewSeries();
        touched = fn(blockDelta);
        for (const d of blockDelta.values()) this.putBlockMeta(d);
      });
    } catch (e) {
      throw this.ioError('import', e);
    }
    this.unpersisted = [];
    for (const d of blockDelta.values()) this.blocks.set(d.block, d);
    this.refreshBlockList();
    const H = this.h;
    for (const x of touched) {
      if (x.minT < H.minT[x.s.slot]!) H.minT[x.s.slot] = x.minT;
      if (x.maxT > H.dataMaxT[x.s.slot]!) H.dataMaxT[x.s.slot] = x.maxT;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Stats and self-metrics

  /** stats returns the figures behind /api/v1/status/tsdb (top `limit` entries per list, default 10). */
  stats(limit = 10): StorageStats {
    this.checkOpen();
    let numChunks = 0;
    let numSamples = 0;
    let minTime = Infinity;
    let maxTime = -Infinity;
    for (const b of this.blocks.values()) {
      numChunks += b.numSeries;
      numSamples += b.numSamples;
      if (b.minTime < minTime) minTime = b.minTime;
      if (b.maxTime > maxTime) maxTime = b.maxTime;
    }
    const H = this.h;
    const A = H.arena;
    for (const s of this.series) {
      if (s === undefined) continue;
      const slot = s.slot;
      for (let c = H.firstChunk[slot]!; c >= 0; c = H.cNext[c]!) {
        numChunks++;
        numSamples += H.cN[c]!;
      }
      if (A.cls[slot]! >= 0) {
        numChunks++;
        numSamples += A.numSamples[slot]!;
      }
      if (H.hasHeadData(slot)) {
        if (H.minT[slot]! < minTime) minTime = H.minT[slot]!;
        if (H.dataMaxT[slot]! > maxTime) maxTime = H.dataMaxT[slot]!;
      }
    }
    const strs = this.index.syms.strs;
    const byName: StatEntry[] = [];
    const valueCount = new Map<number, number>();
    const memByName = new Map<number, number>();
    const pairs: StatEntry[] = [];
    const nameId = this.index.syms.get('__name__');
    this.index.forEachPosting((n, v, list) => {
      const live = this.index.liveCount(list);
      if (live === 0) return;
      valueCount.set(n, (valueCount.get(n) ?? 0) + 1);
      memByName.set(n, (memByName.get(n) ?? 0) + strs[v]!.length);
      if (n === nameId) byName.push({ name: strs[v]!, value: live });
      pairs.push({ name: `${strs[n]!}=${strs[v]!}`, value: live });
    });
    const top = (l: StatEntry[]): StatEntry[] => l.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1)).slice(0, limit);
    return {
      numSeries: this.index.numSeries,
      numChunks,
      numSamples,
      minTime: Number.isFinite(minTime) ? minTime : 0,
      maxTime: Number.isFinite(maxTime) ? maxTime : 0,
      bytesOnDisk: this.fileBytes(),
      seriesCountByMetricName: top(byName),
      labelValueCountByLabelName: top([...valueCount].map(([n, c]) => ({ name: strs[n]!, value: c }))),
      memoryInBytesByLabelName: top([...memByName].map(([n, c]) => ({ name: strs[n]!, value: c }))),
      seriesCountByLabelValuePair: top(pairs),
    };
  }

  /** fileBytes returns the size of the database file plus its -wal file. */
  fileBytes(): number {
    if (this.path === ':memory:') return this.usedBytes();
    let n = 0;
    for (const f of [this.path, this.path + '-wal']) {
      try {
        n += fs.statSync(f).size;
      } catch {
        // absent
      }
    }
    return n;
  }

  /** selfMetrics renders the store's metrics in the Prometheus text format. */
  selfMetrics(): string {
    const c = this.counters;
    let headSeries = 0;
    let headChunks = 0;
    const H = this.h;
    for (const s of this.series) {
      if (s === undefined || !H.hasHeadData(s.slot)) continue;
      headSeries++;
      for (let ch = H.firstChunk[s.slot]!; ch >= 0; ch = H.cNext[ch]!) headChunks++;
      if (H.hasOpen(s.slot)) headChunks++;
    }
    let blockBytes = 0;
    for (const b of this.blocks.values()) blockBytes += b.bytes;
    const g = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'gauge', samples: [{ value }] });
    const k = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: 'counter', samples: [{ value }] });
    const fams: MetricFamily[] = [
      g('vigil_tsdb_head_series', 'Number of series with samples in the head.', headSeries),
      g('vigil_tsdb_series', 'Number of series in the index (head and blocks).', this.index.numSeries),
      g('vigil_tsdb_head_chunks', 'Number of chunks in the head (open and closed).', headChunks),
      g('vigil_tsdb_head_min_time', 'Lowest timestamp in the head (ms).', Number.isFinite(this.headMinT) ? this.headMinT : 0),
      g('vigil_tsdb_head_max_time', 'Highest in-order timestamp in the head (ms).', Number.isFinite(this.headMaxT) ? this.headMaxT : 0),
      g('vigil_tsdb_blocks_loaded', 'Number of block ranges with persisted rows.', this.blocks.size),
      g('vigil_tsdb_block_bytes', 'Bytes of persisted block rows.', blockBytes),
      g('vigil_tsdb_storage_bytes', 'Size of the database file and its WAL.', this.fileBytes()),
      g('vigil_tsdb_retention_limit_bytes', 'Size retention limit (0 = off).', this.retentionBytes),
      g('vigil_tsdb_retention_limit_seconds', 'Time retention limit (0 = off).', this.retentionMs / 1000),
      k('vigil_tsdb_head_samples_appended_total', 'Samples appended to the head in order.', c.samplesAppended),
      k('vigil_tsdb_out_of_order_samples_appended_total', 'Out-of-order samples accepted within the out-of-order window.', c.oooSamplesAppended),
      k('vigil_tsdb_out_of_order_samples_total', 'Samples rejected as out of order.', c.outOfOrderSamples),
      k('vigil_tsdb_out_of_bound_samples_total', 'Samples rejected as older than the head can accept.', c.outOfBoundSamples),
      k('vigil_tsdb_too_old_samples_total', 'Samples rejected as older than the out-of-order window.', c.tooOldSamples),
      k('vigil_tsdb_duplicate_samples_total', 'Samples rejected for a timestamp that already has a different value.', c.duplicateSamples),
      k('vigil_tsdb_commits_total', 'Committed appender batches.', c.commits),
      k('vigil_tsdb_commit_failures_total', 'Commits that failed (e.g. disk full); their samples were not stored.', c.commitFailures),
      k('vigil_tsdb_head_series_created_total', 'Series created.', c.seriesCreated),
      k('vigil_tsdb_head_series_removed_total', 'Series removed by retention or deletion.', c.seriesRemoved),
      k('vigil_tsdb_head_chunks_created_total', 'Head chunks closed.', c.chunksCut),
      k('vigil_tsdb_head_chunks_flushed_total', 'Closed head chunks written to the head_chunks table.', c.headChunksFlushed),
      k('vigil_tsdb_head_chunk_flush_failures_total', 'Failed head chunk flushes (retried).', c.flushFailures),
      k('vigil_tsdb_row_cache_hits_total', 'Chunk rows served from the in-memory row cache.', this.rows.hits),
      k('vigil_tsdb_row_cache_misses_total', 'Chunk rows read from the database file.', this.rows.misses),
      g('vigil_tsdb_row_cache_bytes', 'Bytes of chunk rows held by the row cache.', this.rows.bytes),
      k('vigil_tsdb_compactions_total', 'Completed block compactions.', c.compactions),
      k('vigil_tsdb_compactions_failed_total', 'Failed compaction steps (retried).', c.compactionFailures),
      k('vigil_tsdb_compaction_samples_total', 'Samples written by compactions.', c.compactionSamples),
      {
        name: 'vigil_tsdb_compaction_duration_seconds',
        help: 'Time spent compacting blocks, per completed compaction.',
        type: 'summary',
        samples: [
          { suffix: '_sum', value: c.compactionSeconds },
          { suffix: '_count', value: c.compactions },
        ],
      },
      k('vigil_tsdb_log_truncations_total', 'Write-ahead log truncations.', c.logTruncations),
      k('vigil_tsdb_corruptions_total', 'Damaged chunks, records or series found (each is skipped and logged).', c.corruptions),
      k('vigil_tsdb_log_corruptions_total', 'Damaged write-ahead log records dropped at startup.', c.logCorruptions),
      k('vigil_tsdb_time_retentions_total', 'Times blocks were deleted by time retention.', c.timeRetentions),
      k('vigil_tsdb_size_retentions_total', 'Times blocks were deleted by size retention.', c.sizeRetentions),
      k('vigil_tsdb_vacuumed_pages_total', 'Free pages returned to the file system.', c.vacuumedPages),
      k('vigil_tsdb_imported_samples_total', 'Samples written by backfill imports.', c.importedSamples),
      g('vigil_tsdb_data_replay_duration_seconds', 'Time the last startup spent loading the head and replaying the log.', c.replaySeconds),
      g('vigil_tsdb_replayed_samples', 'Samples replayed from the log at startup.', c.replayedSamples),
    ];
    return renderFamilies(fams);
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  /** close flushes closed chunks, truncates the log, checkpoints and closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.timer !== null) clearInterval(this.timer);
    try {
      this.flushPending();
      this.truncateLog();
      if (this.path !== ':memory:') this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (e) {
      this.log('warn', `storage ${this.path}: final flush failed: ${(e as Error).message}`);
    }
    this.closed = true;
    this.db.close();
  }

  /** headInfo exposes head figures for tests and benchmarks. */
  headInfo(): { headMinT: number; headMaxT: number; flushedUntil: number; blocks: number[]; pending: number; compacting: boolean; logRows: number } {
    return {
      headMinT: this.headMinT,
      headMaxT: this.headMaxT,
      flushedUntil: this.flushedUntil,
      blocks: [...this.blockList],
      pending: this.pending.length,
      compacting: this.compaction !== null,
      logRows: this.db.prepare('SELECT count(*) FROM log').pluck().get() as number,
    };
  }

  /** sqlite exposes the connection to tests and tools of this package (not for other subsystems). */
  sqlite(): SqliteDb {
    return this.db;
  }

  /** seriesByRef returns the head state of a live series (importer). */
  seriesByRef(ref: number): HeadSeries | undefined {
    return this.series[ref];
  }
}

/** headRowKey is the row cache's key of head_chunks row id (block-row keys are never negative). */
function headRowKey(id: number): number {
  return -1 - id;
}

function sortedByMinT(src: readonly ChunkSource[]): boolean {
  for (let i = 1; i < src.length; i++) if (src[i]!.minT < src[i - 1]!.minT) return false;
  return true;
}

/** validateLabels checks a label set the way Prometheus's head does before creating a series. */
function validateLabels(ls: Labels): void {
  if (ls.length === 0) throw new StorageError('invalid', 'empty label set');
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (l.name === '') throw new StorageError('invalid', 'empty label name');
    if (l.value === '') throw new StorageError('invalid', `label ${l.name} has an empty value`);
    if (i > 0 && ls[i - 1]!.name >= l.name) throw new StorageError('invalid', `labels not sorted or duplicate label name ${l.name}`);
  }
}

function labelsString(ls: Labels): string {
  return '{' + ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(', ') + '}';
}

/** filterOut removes samples with mint <= t <= maxt from buf in place. */
function filterOut(buf: SampleBuf, mint: number, maxt: number): void {
  let k = 0;
  for (let i = 0; i < buf.n; i++) {
    const t = buf.t[i]!;
    if (t >= mint && t <= maxt) continue;
    if (k !== i) {
      buf.t[k] = t;
      buf.v32[2 * k] = buf.v32[2 * i]!;
      buf.v32[2 * k + 1] = buf.v32[2 * i + 1]!;
    }
    k++;
  }
  buf.n = k;
}

/** sortDedupe sorts buf by timestamp (stable) and keeps the first sample of each timestamp. */
function sortDedupe(buf: SampleBuf): void {
  const n = buf.n;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => buf.t[a]! - buf.t[b]! || a - b);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  const v32 = new Uint32Array(v.buffer);
  let k = 0;
  for (const i of idx) {
    const ti = buf.t[i]!;
    if (k > 0 && t[k - 1] === ti) continue;
    t[k] = ti;
    v32[2 * k] = buf.v32[2 * i]!;
    v32[2 * k + 1] = buf.v32[2 * i + 1]!;
    k++;
  }
  buf.t = t;
  buf.v = v;
  buf.v32 = v32;
  buf.n = k;
}

/** encodeFrames encodes sorted samples as one or more chunks of at most MAX_CHUNK_SAMPLES. */
function encodeFrames(buf: SampleBuf): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.n; i += MAX_CHUNK_SAMPLES) out.push(encodeBest(buf.t, buf.v, i, Math.min(buf.n, i + MAX_CHUNK_SAMPLES)));
  return out;
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

/** HeadAppender buffers one batch for TSDB.commitBatch. */
class HeadAppender implements Appender {
  private n = 0;
  private done = false;

  constructor(
    private readonly db: TSDB,
    private readonly gen: number,
    private b: BatchBuffers,
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new StorageError('closed', 'appender already committed or rolled back');
    const db = this.db;
    let s = ref > 0 ? db.seriesByRef(ref) : undefined;
    if (s === undefined) {
      if (ref > 0 && labels.length === 0) throw new StorageError('invalid', `unknown series ref ${ref} (deleted by retention?) and no labels to recreate it`);
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
      const code = db.classify(lastT, pending ? H.pendHi[slot]! : H.lastHi[slot]!, pending ? H.pendLo[slot]! : H.lastLo[slot]!, pending || (H.flags[slot]! & F_HAS_LAST) !== 0, s, t, hi, lo);
      if (code === DUP_SAME) return s.ref;
      if (code !== IN_ORDER && code !== OOO) throw db.rejection(code, s, t);
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
      this.db.commitBatch(this.n, b.refs, b.ts, b.vals, b.v32);
    } finally {
      this.db.releaseBatch(b);
    }
  }

  rollback(): void {
    if (this.done) return;
    this.done = true;
    this.n = 0;
    this.db.releaseBatch(this.b);
  }
}

/** TSDBQuerier reads a fixed time range of a TSDB. */
class TSDBQuerier implements Querier {
  private closed = false;

  constructor(
    private readonly db: TSDB,
    private readonly id: number,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  select(sortSeries: boolean, _hints: SelectHints | null, matchers: readonly Matcher[]): SeriesSet {
    this.check();
    return this.db.selectSeries(this.mint, this.maxt, sortSeries, matchers);
  }

  labelValues(name: string, matchers: readonly Matcher[], hints?: LabelHints): string[] {
    this.check();
    return this.db.labelValuesIn(this.mint, this.maxt, name, matchers, hints);
  }

  labelNames(matchers: readonly Matcher[], hints?: LabelHints): string[] {
    this.check();
    return this.db.labelNamesIn(this.mint, this.maxt, matchers, hints);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.releaseQuerier(this.id);
  }

  private check(): void {
    if (this.closed) throw new StorageError('closed', 'querier is closed');
  }
}
