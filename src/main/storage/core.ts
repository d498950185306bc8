/**
 * StoreCore: the state every part of the TSDB shares (the SQLite file and its statements, the
 * series index, the head, block metadata, the log watermarks, counters) and the small operations
 * on it that more than one part needs: transactions, error wrapping, series creation, cutting and
 * flushing head chunks, log truncation, and reading chunk rows.
 *
 * The parts of the store hold a reference to one StoreCore: head append and commit (append.ts),
 * loading and replay (load.ts), compaction (compact.ts), retention (retention.ts), deletion
 * (delete.ts), selection (select.ts), statistics (stats.ts) and backfill (importer.ts); TSDB
 * (store.ts) wires them together behind the Storage interface. Its fields are package-internal:
 * nothing outside src/main/storage sees a StoreCore.
 */
import type { Labels } from '../../common/model/labels';
import { openDatabase, sqliteCode, type SqliteDb, type StorageLogger } from './db';
import { Head, HeadSeries, DEFAULT_SAMPLES_PER_CHUNK, type BlockMeta } from './head';
import { StorageError } from './interface';
import { SeriesIndex } from './labelindex';
import { StoreCounters } from './metrics';
import type { StoreReader } from './querier';
import { RowCache } from './rowcache';
import { encodeHeadChunkRow, encodeLabels } from './rows';
import type Database from 'better-sqlite3';
import * as fs from 'node:fs';

const TWO32 = 4294967296;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LEAKED_QUERIER_MS = 5 * 60_000;

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

function defaultLogger(level: 'info' | 'warn' | 'error', msg: string): void {
  if (level === 'info') return;
  process.stderr.write(`ts=${new Date().toISOString()} level=${level} component=storage msg=${JSON.stringify(msg)}\n`);
}

/** Statements are the prepared statements of the store, by name. */
export type Statements = Record<string, Database.Statement>;

/** headRowKey is the row cache's key of head_chunks row id (block-row keys are never negative). */
export function headRowKey(id: number): number {
  return -1 - id;
}

/**
 * addBlockDelta adds rows written for one series to the delta of block b (created on first use):
 * time bounds [minT, maxT], series (1 for a new row, else 0), samples and bytes added.
 */
export function addBlockDelta(blockDelta: Map<number, BlockMeta>, b: number, minT: number, maxT: number, series: number, samples: number, bytes: number): void {
  let d = blockDelta.get(b);
  if (d === undefined) {
    d = { block: b, minTime: minT, maxTime: maxT, numSeries: 0, numSamples: 0, bytes: 0 };
    blockDelta.set(b, d);
  }
  d.minTime = Math.min(d.minTime, minT);
  d.maxTime = Math.max(d.maxTime, maxT);
  d.numSeries += series;
  d.numSamples += samples;
  d.bytes += bytes;
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

/** StoreCore is the shared state of one TSDB and the operations several of its parts use. */
export class StoreCore implements StoreReader {
  /** path is the database file. */
  readonly path: string;
  /** counters are the store's internal counters (rendered by selfMetrics). */
  readonly counters = new StoreCounters();
  readonly db: SqliteDb;
  readonly log: StorageLogger;
  /** range is the block range in ms (the file's value wins over the configured one, see load). */
  range: number;
  /** spc is the head chunk size target in samples. */
  readonly spc: number;
  readonly oooWindow: number;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly index = new SeriesIndex();
  /** h is the head: per-series state in slots, open chunks, closed chunks. */
  readonly h = new Head();
  /** series maps refs to head handles (undefined for unknown or deleted refs). */
  series: (HeadSeries | undefined)[] = [undefined];
  nextRef = 1;
  /** unpersisted lists series created since the last commit, not yet in the series table. */
  unpersisted: { ref: number; labels: Uint8Array }[] = [];
  /** pending lists closed chunks (pool indexes) not yet written to head_chunks. */
  pending: number[] = [];
  headMaxT = -Infinity;
  headMinT = Infinity;
  flushedUntil = -Infinity;
  blocks = new Map<number, BlockMeta>();
  blockList: number[] = [];
  /** queriers maps open queriers to their opening time; row deletions wait for them (see readersActive). */
  readonly queriers = new Map<number, number>();
  querierSeq = 0;
  closed = false;
  readonly corruptSeen = new Set<string>();
  commitsSinceTruncate = 0;
  truncatedBelow = 0;
  lastLogId = 0;
  readonly st: Statements;
  /** rows caches chunk rows: block rows by key, flushed head chunks by headRowKey(id). */
  readonly rows: RowCache;
  /** movedAside is where a damaged file was moved at open, or null. */
  movedAside: string | null;
  private readonly lastWarn = new Map<string, number>();

  /** The constructor opens (or creates) the file and prepares the statements; load.ts fills the state. */
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
  }

  // ------------------------------------------------------------------------------------------
  // Small helpers

  /** tx runs fn in one SQLite write transaction, rolling back if it throws. */
  tx<T>(fn: () => T): T {
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

  /** warnLimited logs a warning at most once a minute per topic. */
  warnLimited(topic: string, msg: string): void {
    const now = Date.now();
    if (now - (this.lastWarn.get(topic) ?? 0) < 60_000) return;
    this.lastWarn.set(topic, now);
    this.log('warn', msg);
  }

  /** ioError wraps a failure of `what` as a StorageError of kind io, naming full or read-only files. */
  ioError(what: string, e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const code = sqliteCode(e);
    let why = e instanceof Error ? e.message : String(e);
    if (code === 'SQLITE_FULL') why = `disk or database is full (${why})`;
    else if (code.startsWith('SQLITE_READONLY')) why = `database is read-only (${why})`;
    return new StorageError('io', `storage ${this.path}: ${what} failed: ${why}`);
  }

  /** checkOpen throws a StorageError of kind closed once the store is closed. */
  checkOpen(): void {
    if (this.closed) throw new StorageError('closed', `storage ${this.path} is closed`);
  }

  /** inOrderMin is the oldest timestamp an in-order sample may have (Prometheus's min valid time). */
  inOrderMin(): number {
    return Math.max(this.flushedUntil, this.oooWindow > 0 ? -Infinity : this.headMaxT - this.range / 2);
  }

  /** blockKey returns the chunks key of (block, ref). */
  blockKey(block: number, ref: number): number {
    return block * TWO32 + ref;
  }

  /** noteTimes widens the time bounds of a slot and of the head by a chunk's [minT, maxT]. */
  noteTimes(slot: number, minT: number, maxT: number): void {
    const H = this.h;
    if (minT < H.minT[slot]!) H.minT[slot] = minT;
    if (maxT > H.dataMaxT[slot]!) H.dataMaxT[slot] = maxT;
    if (minT < this.headMinT) this.headMinT = minT;
  }

  /** refreshBlockList rebuilds the sorted list of blocks with rows. */
  refreshBlockList(): void {
    this.blockList = [...this.blocks.keys()].sort((a, b) => a - b);
  }

  /** usedBytes returns the bytes of database pages in use (file size minus free pages). */
  usedBytes(): number {
    const pc = this.db.pragma('page_count', { simple: true }) as number;
    const fl = this.db.pragma('freelist_count', { simple: true }) as number;
    const ps = this.db.pragma('page_size', { simple: true }) as number;
    return (pc - fl) * ps;
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

  // ------------------------------------------------------------------------------------------
  // Series

  /** seriesByRef returns the head state of a live series. */
  seriesByRef(ref: number): HeadSeries | undefined {
    return this.series[ref];
  }

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
  persistNewSeries(): void {
    if (this.unpersisted.length === 0) return;
    for (const u of this.unpersisted) this.st.insSeries!.run(u.ref, u.labels);
    this.st.setMeta!.run('next_ref', this.nextRef);
  }

  /** dropSeriesFromMemory forgets a series whose rows are gone. */
  dropSeriesFromMemory(s: HeadSeries): void {
    this.series[s.ref] = undefined;
    this.h.freeSlot(s.slot);
    this.index.remove(s.ref);
    this.counters.seriesRemoved++;
  }

  // ------------------------------------------------------------------------------------------
  // Head chunks and the log

  /** closeOpen closes the slot's open chunk into a pending closed chunk. */
  closeOpen(slot: number, ref: number): void {
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

  /** flushPending writes closed in-memory chunks to head_chunks (and runs extra in the same transaction); returns false if it failed. */
  flushPending(extra?: () => void): boolean {
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

  /** truncateLog deletes log records whose samples are all in head chunks or blocks. */
  truncateLog(): void {
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

  /** putBlockMeta merges a delta into the blocks table row of its block (inside a transaction). */
  putBlockMeta(d: BlockMeta): void {
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

  // ------------------------------------------------------------------------------------------
  // Readers

  /**
   * readersActive reports whether an open querier may still read rows that compaction or retention
   * would delete. A querier left open for more than 5 minutes is considered leaked: it is logged and
   * no longer holds maintenance back (its iterators may then miss moved data).
   */
  readersActive(): boolean {
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
}
