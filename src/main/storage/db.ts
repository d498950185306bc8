/**
 * The SQLite side of the store: opening the database file with the pragmas the format depends on,
 * integrity checking (a damaged file is moved aside and replaced), and the schema (FORMAT.md).
 * This file and store.ts are the only places that touch better-sqlite3.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StorageError } from './interface';

/** FORMAT_VERSION is the schema version written to meta.format_version. */
export const FORMAT_VERSION = 1;

/** SqliteDb is the better-sqlite3 connection type. */
export type SqliteDb = Database.Database;

/** StorageLogger is the logger the store writes to. */
export type StorageLogger = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** DbOptions configure openDatabase. */
export interface DbOptions {
  path: string;
  /** synchronous is SQLite's synchronous pragma in WAL mode: 'normal' (default) or 'full'. */
  synchronous: 'normal' | 'full';
  pageSize: number;
  cacheSizeKiB: number;
  /** integrityCheck runs at open: 'quick' (PRAGMA quick_check, default), 'full' or 'off'. */
  integrityCheck: 'quick' | 'full' | 'off';
  logger: StorageLogger;
}

/** OpenResult is an open database and, when the old file was damaged, where it was moved. */
export interface OpenResult {
  db: SqliteDb;
  movedAside: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value ANY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS series (
  ref      INTEGER PRIMARY KEY,
  labels   BLOB NOT NULL,
  min_time INTEGER,
  max_time INTEGER
);
CREATE TABLE IF NOT EXISTS log (
  id  INTEGER PRIMARY KEY,
  rec BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS head_chunks (
  id          INTEGER PRIMARY KEY,
  series      INTEGER NOT NULL,
  min_time    INTEGER NOT NULL,
  max_time    INTEGER NOT NULL,
  num_samples INTEGER NOT NULL,
  flags       INTEGER NOT NULL,
  data        BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
  key  INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS blocks (
  block       INTEGER PRIMARY KEY,
  min_time    INTEGER NOT NULL,
  max_time    INTEGER NOT NULL,
  num_series  INTEGER NOT NULL,
  num_samples INTEGER NOT NULL,
  bytes       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
  id     INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  ref    INTEGER,
  reason TEXT NOT NULL,
  data   BLOB
);
`;

/** sqliteCode returns the SQLite error code of an error thrown by better-sqlite3, or ''. */
export function sqliteCode(e: unknown): string {
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' ? c : '';
}

/** isCorruption reports whether an error means the file is not a usable database. */
export function isCorruption(e: unknown): boolean {
  const c = sqliteCode(e);
  return c === 'SQLITE_NOTADB' || c.startsWith('SQLITE_CORRUPT');
}

/** describe renders an error with its SQLite code. */
export function describe(e: unknown): string {
  const c = sqliteCode(e);
  const m = e instanceof Error ? e.message : String(e);
  return c ? `${m} (${c})` : m;
}

/** moveAside renames a damaged database (and its -wal/-shm) to <file>.corrupt-<time>. */
export function moveAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dest = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, dest);
  for (const sfx of ['-wal', '-shm']) {
    if (fs.existsSync(file + sfx)) fs.renameSync(file + sfx, dest + sfx);
  }
  return dest;
}

function checkPath(file: string): void {
  if (file === ':memory:') return;
  const dir = path.dirname(path.resolve(file));
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new StorageError('io', `cannot open storage file ${file}: directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new StorageError('io', `cannot open storage file ${file}: ${dir} is not a directory`);
  if (fs.existsSync(file)) {
    const fst = fs.statSync(file);
    if (!fst.isFile()) throw new StorageError('io', `cannot open storage file ${file}: not a regular file`);
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch {
      throw new StorageError('io', `cannot open storage file ${file}: permission denied`);
    }
  }
}

/** configure applies and verifies the pragmas; throws on corruption (the caller moves aside). */
function configure(db: SqliteDb, o: DbOptions): void {
  // One process owns the store, as Prometheus locks its data directory: the exclusive lock is taken
  // by the first read below and held until close (the OS drops it if the process dies).
  if (o.path !== ':memory:') db.pragma('locking_mode = EXCLUSIVE');
  const fresh = (db.pragma('page_count', { simple: true }) as number) === 0;
  if (fresh) {
    db.pragma(`page_size = ${o.pageSize}`);
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  if (o.path !== ':memory:') {
    const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (String(mode).toLowerCase() !== 'wal') throw new StorageError('io', `storage file ${o.path}: cannot enable WAL journal mode (got ${mode})`);
  }
  const want = o.synchronous === 'full' ? 2 : 1;
  db.pragma(`synchronous = ${want}`);
  const got = db.pragma('synchronous', { simple: true }) as number;
  if (got !== want) throw new StorageError('io', `storage file ${o.path}: synchronous is ${got}, wanted ${want}`);
  db.pragma(`cache_size = -${o.cacheSizeKiB}`);
  db.pragma('wal_autocheckpoint = 2000');
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
}

function integrity(db: SqliteDb, mode: 'quick' | 'full'): string | null {
  const rows = db.pragma(mode === 'full' ? 'integrity_check(20)' : 'quick_check(20)') as { integrity_check?: string; quick_check?: string }[];
  const msgs = rows.map((r) => r.integrity_check ?? r.quick_check ?? '');
  if (msgs.length === 1 && msgs[0] === 'ok') return null;
  const all = msgs.join('; ').replace(/\s+/g, ' ');
  return all.length > 300 ? all.slice(0, 300) + '...' : all;
}

/**
 * openDatabase opens (creating if needed) the store's SQLite file. If the file is not a database
 * or fails the integrity check, it is renamed to <file>.corrupt-<time> (with its -wal and -shm), an
 * error is logged, and a fresh database is created. Other failures throw a StorageError naming the
 * file.
 */
export function openDatabase(o: DbOptions): OpenResult {
  checkPath(o.path);
  let movedAside: string | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    let db: SqliteDb | null = null;
    try {
      db = new Database(o.path, { timeout: 500 });
      configure(db, o);
      if (o.integrityCheck !== 'off' && o.path !== ':memory:') {
        const problem = integrity(db, o.integrityCheck);
        if (problem !== null) {
          const err = new Error(`integrity check failed: ${problem}`) as Error & { code: string };
          err.code = 'SQLITE_CORRUPT';
          throw err;
        }
      }
      db.exec(SCHEMA);
      const ver = db.prepare("SELECT value FROM meta WHERE key = 'format_version'").pluck().get() as number | undefined;
      if (ver === undefined) {
        db.prepare("INSERT INTO meta (key, value) VALUES ('format_version', ?)").run(FORMAT_VERSION);
      } else if (ver !== FORMAT_VERSION) {
        throw new StorageError('corrupt', `storage file ${o.path}: unsupported format version ${ver} (this build reads ${FORMAT_VERSION})`);
      }
      return { db, movedAside };
    } catch (e) {
      try {
        db?.close();
      } catch {
        // ignore close errors of a failed open
      }
      if (e instanceof StorageError) throw e;
      if (sqliteCode(e) === 'SQLITE_BUSY' || sqliteCode(e).startsWith('SQLITE_BUSY')) {
        throw new StorageError('io', `cannot open storage file ${o.path}: it is in use by another process (database is locked)`);
      }
      if (isCorruption(e) && o.path !== ':memory:' && attempt === 0 && fs.existsSync(o.path)) {
        movedAside = moveAside(o.path);
        o.logger('error', `storage file ${o.path} is damaged (${describe(e)}); moved it aside to ${movedAside} and started a fresh database`);
        continue;
      }
      throw new StorageError('io', `cannot open storage file ${o.path}: ${describe(e)}`);
    }
  }
  throw new StorageError('io', `cannot open storage file ${o.path}`);
}
