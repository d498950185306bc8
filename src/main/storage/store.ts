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
 * TSDB wires the parts together over one shared StoreCore: append.ts (appenders, commit),
 * load.ts (open and replay), compact.ts, retention.ts, delete.ts, select.ts, stats.ts and
 * importer.ts; it owns the maintenance schedule (after commits, on a timer, at close).
 *
 * Everything is synchronous; one TSDB per file and process.
 */
import type { Matcher } from '../../common/model/matcher';
import { HeadWriter } from './append';
import { Compactor } from './compact';
import { StoreCore, type StorageOptions } from './core';
import { describe, isCorruption, moveAside, type SqliteDb } from './db';
import { deleteSeries } from './delete';
import type { Head } from './head';
import { Importer, StoreImportTarget, type ImporterOptions } from './importer';
import { StorageError, type Appender, type CommitListener, type Querier, type Storage, type StorageStats } from './interface';
import { loadHead } from './load';
import type { StoreCounters } from './metrics';
import { Retention } from './retention';
import { openQuerier } from './select';
import { selfMetrics, storageStats } from './stats';

export type { StorageOptions } from './core';

/** RetryFresh is thrown by the constructor after moving a damaged file aside; openStorage retries. */
export class RetryFresh extends Error {
  constructor(readonly movedTo: string) {
    super(`storage file moved aside to ${movedTo}`);
  }
}

/** TSDB implements Storage on one SQLite database file. */
export class TSDB implements Storage {
  /** path is the database file. */
  readonly path: string;
  /** counters are the store's internal counters (rendered by selfMetrics). */
  readonly counters: StoreCounters;
  /** h is the head: per-series state in slots, open chunks, closed chunks. */
  readonly h: Head;
  /** movedAside is where a damaged file was moved at open, or null. */
  movedAside: string | null;
  private readonly core: StoreCore;
  private readonly writer: HeadWriter;
  private readonly retention: Retention;
  private readonly compactor: Compactor;
  private timer: NodeJS.Timeout | null = null;

  constructor(o: StorageOptions) {
    const core = new StoreCore(o);
    this.core = core;
    this.path = core.path;
    this.counters = core.counters;
    this.h = core.h;
    this.movedAside = core.movedAside;
    this.retention = new Retention(core);
    this.compactor = new Compactor(core, this.retention);
    this.writer = new HeadWriter(core, () => this.afterCommit());
    try {
      loadHead(core);
    } catch (e) {
      core.db.close();
      if (e instanceof StorageError) throw e;
      if (isCorruption(e) && o.path !== ':memory:') {
        // damage the open-time check did not catch: never a crash loop, start fresh beside the old file
        const dest = moveAside(o.path);
        core.log('error', `storage file ${o.path} is damaged (${describe(e)} while loading); moved it aside to ${dest} and started a fresh database`);
        throw new RetryFresh(dest);
      }
      throw new StorageError('io', `cannot load storage file ${o.path}: ${describe(e)}`);
    }
    if ((o.autoMaintain ?? true) && o.path !== ':memory:') {
      this.timer = setInterval(() => this.maintain(), o.maintainIntervalMs ?? 10_000);
      this.timer.unref();
    }
  }

  /** appender returns a new Appender (one per scrape, rule evaluation or push). */
  appender(): Appender {
    return this.writer.appender();
  }

  /** onCommit subscribes listener to every committed batch; see Storage.onCommit and CommitBatch. */
  onCommit(listener: CommitListener): () => void {
    return this.writer.onCommit(listener);
  }

  /** querier opens a Querier over [mint, maxt] (ms, inclusive). Close it when done. */
  querier(mint: number, maxt: number): Querier {
    return openQuerier(this.core, mint, maxt);
  }

  /** deleteSeries removes the samples of matching series in [mint, maxt]; series left empty are dropped. */
  deleteSeries(matchers: readonly Matcher[], mint: number, maxt: number): void {
    deleteSeries(this.core, matchers, mint, maxt);
  }

  /** stats returns the figures behind /api/v1/status/tsdb (top `limit` entries per list, default 10). */
  stats(limit?: number): StorageStats {
    return storageStats(this.core, limit);
  }

  /** selfMetrics renders the store's metrics in the Prometheus text format. */
  selfMetrics(): string {
    return selfMetrics(this.core);
  }

  /** importer starts a backfill (see Importer for the contract). */
  importer(opts?: ImporterOptions): Importer {
    this.core.checkOpen();
    return new Importer(new StoreImportTarget(this.core), opts);
  }

  /** fileBytes returns the size of the database file plus its -wal file. */
  fileBytes(): number {
    return this.core.fileBytes();
  }

  // ------------------------------------------------------------------------------------------
  // Maintenance

  /** afterCommit is the maintenance after each commit: flush, periodic log truncation, a compaction step. */
  private afterCommit(): void {
    const core = this.core;
    const cp = this.compactor;
    try {
      if (core.pending.length > 0) core.flushPending();
      if (++core.commitsSinceTruncate >= 256) core.truncateLog();
      if (!core.readersActive()) {
        if (cp.compaction !== null) cp.step(50_000);
        else if (cp.shouldCompact()) cp.start();
      }
    } catch (e) {
      core.warnLimited('maintenance', `storage ${core.path}: maintenance after commit failed: ${(e as Error).message}`);
    }
  }

  /**
   * maintain runs the periodic work: flushing closed chunks, truncating the log, compacting the
   * oldest head block, retention, space reclamation and a WAL checkpoint. The timer calls it; tests
   * and tools may call it directly. Work that would delete rows waits while queriers are open.
   */
  maintain(): void {
    const core = this.core;
    if (core.closed) return;
    const cp = this.compactor;
    try {
      core.flushPending();
      core.truncateLog();
      if (!core.readersActive()) {
        if (cp.compaction === null && cp.shouldCompact()) cp.start();
        let guard = 0;
        while (cp.compaction !== null && guard++ < 10_000) {
          const before = cp.compaction.cursor;
          cp.step(200_000);
          if (cp.compaction !== null && cp.compaction.cursor === before) break;
          if (cp.compaction === null && cp.shouldCompact()) cp.start();
        }
        if (Date.now() - this.retention.lastRetention > 60_000) this.retention.apply();
      }
      core.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      core.warnLimited('maintenance', `storage ${core.path}: maintenance failed: ${(e as Error).message}`);
    }
  }

  /** compactAll forces compaction of every head block that is complete by time (tools, tests). */
  compactAll(): void {
    this.maintain();
  }

  /** checkpoint copies the SQLite WAL into the main file and truncates it. */
  checkpoint(): void {
    this.core.checkOpen();
    this.core.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  /** close flushes closed chunks, truncates the log, checkpoints and closes the file. */
  close(): void {
    const core = this.core;
    if (core.closed) return;
    if (this.timer !== null) clearInterval(this.timer);
    try {
      core.flushPending();
      core.truncateLog();
      if (core.path !== ':memory:') core.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (e) {
      core.log('warn', `storage ${core.path}: final flush failed: ${(e as Error).message}`);
    }
    core.closed = true;
    core.db.close();
  }

  /** headInfo exposes head figures for tests and benchmarks. */
  headInfo(): { headMinT: number; headMaxT: number; flushedUntil: number; blocks: number[]; pending: number; compacting: boolean; logRows: number } {
    const core = this.core;
    return {
      headMinT: core.headMinT,
      headMaxT: core.headMaxT,
      flushedUntil: core.flushedUntil,
      blocks: [...core.blockList],
      pending: core.pending.length,
      compacting: this.compactor.compaction !== null,
      logRows: core.db.prepare('SELECT count(*) FROM log').pluck().get() as number,
    };
  }

  /** sqlite exposes the connection to tests and tools of this package (not for other subsystems). */
  sqlite(): SqliteDb {
    return this.core.db;
  }
}
