/**
 * Package storage: Vigil's time-series database on one SQLite file (see FORMAT.md and README.md).
 *
 * Entry point: openStorage(opts) returns a StorageEngine, which implements the Storage contract of
 * interface.ts (appenders, queriers, deleteSeries, stats, selfMetrics, close) plus backfill
 * (importer) and maintenance hooks.
 */
import type { Storage } from './interface';
import type { Importer, ImporterOptions } from './importer';
import { RetryFresh, TSDB, type StorageOptions } from './store';

export type { StorageOptions } from './store';
export type { BlockMeta } from './head';
export type { Importer, ImporterOptions, ImportResult } from './importer';
export type { StorageLogger } from './db';
export * from './interface';
export { ExemplarStorage, ExemplarAppendError, DEFAULT_MAX_EXEMPLARS, exemplarSelfMetrics } from './exemplars';
export type { StoredExemplar, ExemplarQueryResult } from './exemplars';

/** StorageEngine is the Storage returned by openStorage, with backfill and maintenance. */
export interface StorageEngine extends Storage {
  /** path is the database file. */
  readonly path: string;
  /** movedAside names where a damaged database file was moved at open, or null. */
  readonly movedAside: string | null;
  /** importer starts a backfill; see Importer's doc comment for the contract. */
  importer(opts?: ImporterOptions): Importer;
  /** maintain runs flushing, log truncation, compaction, retention and a checkpoint now (a timer also does). */
  maintain(): void;
  /** checkpoint copies SQLite's WAL into the database file and truncates it. */
  checkpoint(): void;
  /** fileBytes returns the size of the database file and its WAL. */
  fileBytes(): number;
}

/**
 * openStorage opens or creates the store at opts.path (':memory:' for tests).
 * Throws a StorageError naming the file if it cannot be opened; a file that is not a database or
 * fails its integrity check is renamed to <file>.corrupt-<time> and a fresh store is created (the
 * logger gets an error line and movedAside says where it went).
 */
export function openStorage(opts: StorageOptions): StorageEngine {
  try {
    return new TSDB(opts);
  } catch (e) {
    if (!(e instanceof RetryFresh)) throw e;
    const st = new TSDB(opts);
    st.movedAside = e.movedTo;
    return st;
  }
}
