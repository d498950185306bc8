import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { labelsFromStrings, type Labels } from '../../src/common/model/labels';
import { Matcher } from '../../src/common/model/matcher';
import { openStorage, StorageError, ValueType, type StorageEngine, type StorageOptions } from '../../src/main/storage/index';
import { crash, raw, tempDir } from './helpers';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const up = (job: string): Labels => labelsFromStrings('__name__', 'up', 'job', job);

const open: StorageEngine[] = [];
afterEach(() => {
  for (const s of open.splice(0)) {
    try {
      s.close();
    } catch {
      // closed already
    }
  }
});

function mk(file: string, logs: string[] = [], opts: Partial<StorageOptions> = {}): StorageEngine {
  const st = openStorage({ path: file, autoMaintain: false, blockRangeMs: 2 * H, logger: (l, m) => logs.push(`${l}: ${m}`), ...opts });
  open.push(st);
  return st;
}

function counts(st: StorageEngine): { series: Map<string, number>; warnings: string[] } {
  const q = st.querier(-1e15, 1e15);
  const ss = q.select(true, null, [new Matcher('=~', 'job', '.+')]);
  const series = new Map<string, number>();
  for (const s of ss.series) {
    const it = s.iterator();
    let n = 0;
    while (it.next() === ValueType.Float) n++;
    series.set(s.labels.find((l) => l.name === 'job')!.value, n);
  }
  q.close();
  return { series, warnings: ss.warnings };
}

function fill(st: StorageEngine, jobs: string[], n: number, t0 = T0): void {
  const a = st.appender();
  for (const j of jobs) for (let i = 0; i < n; i++) a.append(0, up(j), t0 + i * 15_000, i);
  a.commit();
}

function metric(st: StorageEngine, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(st.selfMetrics())?.[1] ?? NaN);
}

describe('corruption is contained', () => {
  it('skips a damaged block row, serves every other series, counts and logs it', () => {
    const file = path.join(tempDir(), 'c.db');
    let st = mk(file);
    fill(st, ['a', 'b', 'c'], 1200); // 5 h: the first blocks get compacted
    st.maintain();
    st.close();
    const dbh = new Database(file);
    const key = dbh.prepare('SELECT min(key) FROM chunks').pluck().get() as number;
    const blob = Buffer.from(dbh.prepare('SELECT data FROM chunks WHERE key = ?').pluck().get(key) as Buffer);
    blob[blob.length >> 1]! ^= 0x5a;
    dbh.prepare('UPDATE chunks SET data = ? WHERE key = ?').run(blob, key);
    dbh.close();
    const logs: string[] = [];
    st = mk(file, logs);
    const { series, warnings } = counts(st);
    const damaged = [...series].filter(([, n]) => n < 1200);
    expect(damaged).toHaveLength(1);
    expect(damaged[0]![1]).toBeGreaterThan(0); // the rest of that series is still served
    expect([...series.values()].filter((n) => n === 1200)).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/damaged/);
    expect(logs.join('\n')).toMatch(/error: .*chunks row \d+ .*damaged/);
    expect(metric(st, 'vigil_tsdb_corruptions_total')).toBe(1);
    counts(st); // reported once
    expect(metric(st, 'vigil_tsdb_corruptions_total')).toBe(1);
  });

  it('drops a damaged log record at startup, keeps the records after it, and quarantines it', () => {
    const file = path.join(tempDir(), 'l.db');
    const st1 = openStorage({ path: file, autoMaintain: false });
    for (let r = 0; r < 10; r++) {
      const a = st1.appender();
      for (const j of ['a', 'b']) a.append(0, up(j), T0 + r * 15_000, r);
      a.commit();
    }
    crash(st1);
    const dbh = new Database(file);
    const ids = dbh.prepare('SELECT id FROM log ORDER BY id').pluck().all() as number[];
    expect(ids.length).toBe(10);
    const rec = Buffer.from(dbh.prepare('SELECT rec FROM log WHERE id = ?').pluck().get(ids[4]) as Buffer);
    rec[rec.length - 3]! ^= 0xff;
    dbh.prepare('UPDATE log SET rec = ? WHERE id = ?').run(rec, ids[4]);
    dbh.close();
    const logs: string[] = [];
    const st = mk(file, logs); // st1 was never closed: a crash
    const { series } = counts(st);
    expect(series.get('a')).toBe(9);
    expect(series.get('b')).toBe(9);
    expect(metric(st, 'vigil_tsdb_log_corruptions_total')).toBe(1);
    expect(logs.join('\n')).toMatch(/log record \d+ .* damaged/);
    expect(raw(st).prepare("SELECT count(*) FROM quarantine WHERE source = 'log'").pluck().get()).toBe(1);
    // the store keeps accepting data
    fill(st, ['a'], 1, T0 + 20 * 15_000);
    expect(counts(st).series.get('a')).toBe(10);
  });

  it('opens after the SQLite -wal file is truncated mid-frame, with a consistent prefix', () => {
    const dir = tempDir();
    const file = path.join(dir, 'w.db');
    const st1 = openStorage({ path: file, autoMaintain: false });
    for (let r = 0; r < 50; r++) fill(st1, ['a', 'b'], 1, T0 + r * 15_000);
    const wal = file + '-wal';
    const size = fs.statSync(wal).size;
    fs.copyFileSync(file, path.join(dir, 'copy.db'));
    fs.copyFileSync(wal, path.join(dir, 'copy.db-wal'));
    fs.truncateSync(path.join(dir, 'copy.db-wal'), Math.floor(size * 0.6) + 100);
    const st = mk(path.join(dir, 'copy.db'));
    const { series } = counts(st);
    const a = series.get('a') ?? 0;
    expect(a).toBeLessThan(50);
    expect(series.get('b') ?? 0).toBe(a); // whole commits only
    expect(raw(st).pragma('integrity_check', { simple: true })).toBe('ok');
    crash(st1);
  });

  it('moves a file that fails the integrity check aside and starts fresh', () => {
    const file = path.join(tempDir(), 'm.db');
    let st = mk(file);
    fill(
      st,
      Array.from({ length: 30 }, (_, i) => `j${i}`),
      1000,
    );
    st.maintain();
    st.close();
    // scribble over pages in the middle of the file (b-tree pages of the tables)
    const fd = fs.openSync(file, 'r+');
    const size = fs.fstatSync(fd).size;
    fs.writeSync(fd, Buffer.alloc(8192 * 3, 0xa5), 0, 8192 * 3, Math.floor(size / 2 / 8192) * 8192);
    fs.closeSync(fd);
    const logs: string[] = [];
    st = mk(file, logs);
    expect(st.movedAside).not.toBeNull();
    expect(fs.existsSync(st.movedAside!)).toBe(true);
    expect(logs.join('\n')).toMatch(/error: storage file .* is damaged .*moved it aside to .*corrupt-/);
    expect(counts(st).series.size).toBe(0);
    fill(st, ['fresh'], 3);
    expect(counts(st).series.get('fresh')).toBe(3);
  });

  it('moves a file aside when damage shows up only while loading (integrity check off)', () => {
    const file = path.join(tempDir(), 'late.db');
    let st = mk(file);
    fill(
      st,
      Array.from({ length: 300 }, (_, i) => `series-with-a-longish-name-${i}`),
      10,
    );
    st.close();
    const dbh = new Database(file);
    const root = dbh.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'series'").pluck().get() as number;
    const pageSize = dbh.pragma('page_size', { simple: true }) as number;
    dbh.close();
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0x33), 0, pageSize, (root - 1) * pageSize);
    fs.closeSync(fd);
    const logs: string[] = [];
    st = mk(file, logs, { integrityCheck: 'off' });
    expect(st.movedAside).toMatch(/late\.db\.corrupt-/);
    expect(logs.join('\n')).toMatch(/damaged .*while loading/);
    fill(st, ['fresh'], 2);
    expect(counts(st).series.get('fresh')).toBe(2);
  });

  it('moves a file that is not a database aside', () => {
    const file = path.join(tempDir(), 'n.db');
    fs.writeFileSync(file, 'this is not a database, it is a text file that is long enough to have a header'.repeat(100));
    const logs: string[] = [];
    const st = mk(file, logs);
    expect(st.movedAside).toMatch(/n\.db\.corrupt-/);
    expect(fs.readFileSync(st.movedAside!, 'utf8')).toMatch(/^this is not a database/);
  });
});

describe('open errors name the file', () => {
  it('refuses a file that another store holds open', () => {
    const file = path.join(tempDir(), 'lock.db');
    mk(file);
    expect(() => openStorage({ path: file, autoMaintain: false })).toThrow(/in use by another process/);
  });

  it('throws a StorageError for a missing directory and for a directory path', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'nope', 'x.db');
    expect(() => openStorage({ path: missing, autoMaintain: false })).toThrow(StorageError);
    expect(() => openStorage({ path: missing, autoMaintain: false })).toThrow(new RegExp(`${missing.replace(/[.]/g, '\\.')}.*does not exist`));
    expect(() => openStorage({ path: dir, autoMaintain: false })).toThrow(/not a regular file/);
  });
});

describe('disk full and read-only database', () => {
  it('fails appends with a clear error when the database is full, loses nothing, and recovers when space returns', () => {
    const file = path.join(tempDir(), 'f.db');
    const st = mk(file);
    fill(st, ['keep'], 100);
    const db = raw(st);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    let err: unknown = null;
    for (let r = 0; r < 200 && err === null; r++) {
      try {
        const a = st.appender();
        for (let s = 0; s < 500; s++) a.append(0, labelsFromStrings('__name__', 'fill', 'job', `f${s}`, 'round', String(r)), T0 + 100 * 15_000, s);
        a.commit();
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).kind).toBe('io');
    expect((err as StorageError).message).toMatch(/full/);
    expect(metric(st, 'vigil_tsdb_commit_failures_total')).toBeGreaterThanOrEqual(1);
    // reads keep working and nothing stored was lost
    expect(counts(st).series.get('keep')).toBe(100);
    db.pragma('max_page_count = 1073741823');
    fill(st, ['after'], 5, T0 + 200 * 15_000);
    expect(counts(st).series.get('after')).toBe(5);
    st.close();
    const st2 = mk(file);
    expect(counts(st2).series.get('keep')).toBe(100);
    expect(counts(st2).series.get('after')).toBe(5);
  });

  it('fails appends with a clear error while the database is read-only, then recovers', () => {
    const file = path.join(tempDir(), 'r.db');
    const st = mk(file);
    fill(st, ['keep'], 10);
    raw(st).pragma('query_only = 1');
    const a = st.appender();
    a.append(0, up('lost'), T0 + 20 * 15_000, 1);
    a.append(0, up('keep'), T0 + 20 * 15_000, 1);
    expect(() => a.commit()).toThrow(/read-only/);
    expect(counts(st).series.get('keep')).toBe(10);
    raw(st).pragma('query_only = 0');
    fill(st, ['keep'], 1, T0 + 30 * 15_000);
    expect(counts(st).series.get('keep')).toBe(11);
  });
});

describe('the SQLite -wal file stays bounded', () => {
  it('under continuous ingest (one commit per batch) with queries between commits and maintenance on its timer', async () => {
    const file = path.join(tempDir(), 'wal.db');
    const st = mk(file, [], { autoMaintain: true, maintainIntervalMs: 200 });
    const labels = Array.from({ length: 2000 }, (_, i) => labelsFromStrings('__name__', 'load', 'job', `j${i % 20}`, 'instance', `i${i}`));
    const refs = new Array<number>(labels.length).fill(0);
    let t = T0;
    let maxWal = 0;
    let written = 0;
    let queried = 0;
    const end = Date.now() + 4000;
    while (Date.now() < end) {
      const a = st.appender();
      for (let k = 0; k < 5; k++) {
        t += 15_000;
        for (let i = 0; i < labels.length; i++) refs[i] = a.append(refs[i]!, labels[i]!, t, Math.sin(t / 1e6 + i) * 100);
      }
      a.commit();
      written += 5 * labels.length;
      // a dashboard refresh between scrapes: read the last hour of one job
      const q = st.querier(t - H, t);
      for (const s of q.select(false, null, [new Matcher('=', 'job', `j${written % 20}`)]).series) {
        const it = s.iterator();
        while (it.next() === ValueType.Float) queried++;
      }
      q.close();
      maxWal = Math.max(maxWal, fs.existsSync(file + '-wal') ? fs.statSync(file + '-wal').size : 0);
      await new Promise((r) => setImmediate(r)); // let the maintenance timer run
    }
    expect(written).toBeGreaterThan(1_000_000);
    expect(queried).toBeGreaterThan(0);
    // Checkpoints keep resetting the WAL although more than its bound went through it.
    expect(maxWal).toBeLessThan(64 * 1024 * 1024);
    console.log(`wal bound: ${written} samples written, ${queried} read, max -wal ${(maxWal / 1e6).toFixed(1)} MB, db ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
  }, 20_000);
});
