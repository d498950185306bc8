import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labelsFromStrings, type Labels } from '../../src/common/model/labels';
import { Matcher } from '../../src/common/model/matcher';
import { StaleNaN } from '../../src/common/model/value';
import { openStorage, StorageError, ValueType, type StorageEngine, type StorageOptions } from '../../src/main/storage/index';
import type { Querier } from '../../src/main/storage/interface';
import { bits, crash, raw, tempDir } from './helpers';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const open: StorageEngine[] = [];
afterEach(() => {
  for (const s of open.splice(0)) {
    try {
      s.close();
    } catch {
      // already closed
    }
  }
});

function mk(opts: Partial<StorageOptions> & { path?: string } = {}): StorageEngine {
  const logs: string[] = [];
  const st = openStorage({ path: ':memory:', autoMaintain: false, logger: (l, m) => logs.push(`${l} ${m}`), ...opts });
  open.push(st);
  return st;
}

function dbFile(): string {
  return path.join(tempDir(), 'vigil.db');
}

interface Dump {
  t: number[];
  v: string[];
}

/** read returns every sample of the matching series, keyed by their labels, with value bits. */
function read(st: StorageEngine, ms: Matcher[] = [new Matcher('=~', '__name__', '.+')], mint = -1e15, maxt = 1e15): Map<string, Dump> {
  const q = st.querier(mint, maxt);
  const out = new Map<string, Dump>();
  try {
    for (const s of q.select(true, null, ms).series) {
      const it = s.iterator();
      const d: Dump = { t: [], v: [] };
      while (it.next() === ValueType.Float) {
        d.t.push(it.atT());
        d.v.push(bits(it.atF()));
      }
      expect(it.err()).toBeNull();
      out.set(JSON.stringify(s.labels), d);
    }
  } finally {
    q.close();
  }
  return out;
}

const up = (job: string, extra: string[] = []): Labels => labelsFromStrings('__name__', 'up', 'job', job, ...extra);
const key = (ls: Labels): string => JSON.stringify(ls);

describe('appending and querying', () => {
  it('stores committed samples and hides rolled-back ones', () => {
    const st = mk();
    let a = st.appender();
    const r1 = a.append(0, up('a'), T0, 1);
    const r2 = a.append(0, up('b'), T0, 2);
    expect(r1).not.toBe(r2);
    a.commit();
    a = st.appender();
    expect(a.append(r1, up('a'), T0 + 15_000, 3)).toBe(r1);
    a.rollback();
    a = st.appender();
    a.append(r1, up('a'), T0 + 30_000, 4);
    a.commit();
    const d = read(st);
    expect(d.get(key(up('a')))!.t).toEqual([T0, T0 + 30_000]);
    expect(d.get(key(up('b')))!.t).toEqual([T0]);
    expect(() => a.commit()).toThrow(StorageError);
  });

  it('validates label sets and timestamps', () => {
    const st = mk();
    const a = st.appender();
    expect(() => a.append(0, [], T0, 1)).toThrow(/empty label set/);
    expect(() => a.append(0, [{ name: 'b', value: '1' }, { name: 'a', value: '2' }], T0, 1)).toThrow(/not sorted/);
    expect(() => a.append(0, [{ name: 'a', value: '' }], T0, 1)).toThrow(/empty value/);
    expect(() => a.append(0, up('x'), 1.5, 1)).toThrow(/not an integer/);
  });

  it('selects by matchers over the querier range and sorts series by labels', () => {
    const st = mk();
    const a = st.appender();
    for (const job of ['c', 'a', 'b']) for (let i = 0; i < 10; i++) a.append(0, up(job, ['env', job === 'a' ? 'prod' : 'dev']), T0 + i * 1000, i);
    a.commit();
    const q = st.querier(T0 + 2000, T0 + 4000);
    const ss = q.select(true, null, [new Matcher('!=', 'env', 'prod')]);
    expect(ss.series.map((s) => s.labels.find((l) => l.name === 'job')!.value)).toEqual(['b', 'c']);
    const it = ss.series[0]!.iterator();
    const ts: number[] = [];
    while (it.next()) ts.push(it.atT());
    expect(ts).toEqual([T0 + 2000, T0 + 3000, T0 + 4000]);
    expect(q.labelValues('job', [])).toEqual(['a', 'b', 'c']);
    expect(q.labelValues('job', [new Matcher('=', 'env', 'dev')])).toEqual(['b', 'c']);
    expect(q.labelNames([])).toEqual(['__name__', 'env', 'job']);
    q.close();
    expect(() => q.select(false, null, [])).toThrow(/closed/);
  });

  it("orders an unsorted select as Prometheus's TSDB does: creation order in the head, label order once a block is read", () => {
    const st = mk({ blockRangeMs: 2 * H });
    const jobs = ['c', 'a', 'b'];
    const a = st.appender();
    for (const job of jobs) for (let i = 0; i < 10; i++) a.append(0, up(job), T0 + 10 * H + i * 15_000, i);
    a.commit();
    const jobsOf = (q: Querier): string[] => q.select(false, null, [new Matcher('=', '__name__', 'up')]).series.map((s) => s.labels.find((l) => l.name === 'job')!.value);
    let q = st.querier(T0 + 10 * H, T0 + 11 * H);
    expect(jobsOf(q)).toEqual(jobs);
    q.close();
    const imp = st.importer();
    for (const job of ['z', ...jobs]) imp.add(up(job), T0 + 1000, 1);
    imp.commit();
    q = st.querier(T0, T0 + 11 * H);
    expect(jobsOf(q)).toEqual(['a', 'b', 'c', 'z']);
    q.close();
    q = st.querier(T0 + 10 * H, T0 + 11 * H); // head only: creation order
    expect(jobsOf(q)).toEqual(jobs);
    q.close();
  });

  it('seeks within and across chunks', () => {
    const st = mk({ blockRangeMs: 2 * H });
    const a = st.appender();
    for (let i = 0; i < 1000; i++) a.append(0, up('s'), T0 + i * 15_000, i);
    a.commit();
    const q = st.querier(-1e15, 1e15);
    const it = q.select(false, null, [new Matcher('=', 'job', 's')]).series[0]!.iterator();
    expect(it.seek(T0 + 100 * 15_000 + 1)).toBe(ValueType.Float);
    expect(it.atF()).toBe(101);
    expect(it.seek(T0)).toBe(ValueType.Float); // never moves backwards
    expect(it.atF()).toBe(101);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.atF()).toBe(102);
    expect(it.seek(T0 + 900 * 15_000)).toBe(ValueType.Float);
    expect(it.atF()).toBe(900);
    expect(it.seek(T0 + 2000 * 15_000)).toBe(ValueType.None);
    q.close();
  });

  it('gives queriers a consistent snapshot: later commits are invisible to an open querier', () => {
    const st = mk();
    let a = st.appender();
    for (let i = 0; i < 50; i++) a.append(0, up('snap'), T0 + i * 1000, i);
    a.commit();
    const q = st.querier(-1e15, 1e15);
    const ss = q.select(false, null, [new Matcher('=', 'job', 'snap')]);
    a = st.appender();
    for (let i = 50; i < 400; i++) a.append(0, up('snap'), T0 + i * 1000, i); // grows and cuts the open chunk
    a.commit();
    const it = ss.series[0]!.iterator();
    let n = 0;
    while (it.next()) {
      expect(it.atF()).toBe(n);
      n++;
    }
    expect(n).toBe(50);
    q.close();
    expect(read(st).get(key(up('snap')))!.t.length).toBe(400);
  });

  it('round-trips stale markers and NaN payloads bit-exactly through head, head chunks, compaction and restart', () => {
    const file = dbFile();
    let st = mk({ path: file, blockRangeMs: 2 * H });
    const a = st.appender();
    const want: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const v = i % 10 === 9 ? StaleNaN : i % 10 === 5 ? NaN : i * 0.5;
      a.append(0, up('stale'), T0 + i * 15_000, v);
      want.push(bits(v));
    }
    a.commit();
    expect(read(st).get(key(up('stale')))!.v).toEqual(want);
    st.maintain(); // compacts the first blocks (DD declines NaN -> XOR)
    expect(read(st).get(key(up('stale')))!.v).toEqual(want);
    st.close();
    st = mk({ path: file, blockRangeMs: 2 * H });
    const got = read(st).get(key(up('stale')))!;
    expect(got.v).toEqual(want);
    expect(got.v[9]).toBe('7ff0000000000002');
  });
});

describe('ordering rules (as Prometheus)', () => {
  it('rejects out-of-order and duplicate samples with typed errors and counters, ignores identical duplicates', () => {
    const st = mk();
    let a = st.appender();
    const ref = a.append(0, up('o'), T0 + 10_000, 1);
    a.commit();
    a = st.appender();
    expect(a.append(ref, up('o'), T0 + 10_000, 1)).toBe(ref); // identical: silently dropped
    const err = (f: () => void): StorageError => {
      try {
        f();
      } catch (e) {
        return e as StorageError;
      }
      throw new Error('no error');
    };
    expect(err(() => a.append(ref, up('o'), T0 + 10_000, 2)).kind).toBe('duplicate');
    expect(err(() => a.append(ref, up('o'), T0 + 5_000, 2)).kind).toBe('out_of_order');
    a.append(ref, up('o'), T0 + 20_000, 3);
    expect(err(() => a.append(ref, up('o'), T0 + 15_000, 2)).kind).toBe('out_of_order'); // against the pending batch
    a.append(0, up('other'), T0 + 3 * H, 1); // moves the head's max time on commit
    a.commit();
    a = st.appender();
    // older than head max - 1h (chunk range / 2): out of bounds, even for a new series
    expect(err(() => a.append(0, up('new'), T0 + 3 * H - 2 * H, 1)).kind).toBe('out_of_bounds');
    a.commit();
    const m = st.selfMetrics();
    expect(m).toMatch(/vigil_tsdb_out_of_order_samples_total 2/);
    expect(m).toMatch(/vigil_tsdb_duplicate_samples_total 1/);
    expect(m).toMatch(/vigil_tsdb_out_of_bound_samples_total 1/);
    expect(read(st).get(key(up('o')))!.t).toEqual([T0 + 10_000, T0 + 20_000]);
  });

  it('accepts out-of-order samples inside the configured window and merges them on read', () => {
    const file = dbFile();
    let st = mk({ path: file, outOfOrderWindowMs: 30 * 60_000 });
    let a = st.appender();
    for (let i = 0; i < 10; i++) a.append(0, up('w'), T0 + i * 60_000, i);
    a.commit();
    a = st.appender();
    a.append(0, up('w'), T0 + 4 * 60_000 + 30_000, 4.5);
    a.append(0, up('w'), T0 + 4 * 60_000, 99); // same timestamp as an in-order sample: the in-order one wins
    expect(() => a.append(0, up('w'), T0 + 9 * 60_000 - 31 * 60_000, 1)).toThrow(/too old/);
    a.commit();
    const want = [0, 1, 2, 3, 4, 4.5, 5, 6, 7, 8, 9];
    const got = read(st).get(key(up('w')))!;
    expect(got.v).toEqual(want.map(bits));
    expect(st.selfMetrics()).toMatch(/vigil_tsdb_out_of_order_samples_appended_total 2/);
    st.close();
    st = mk({ path: file, outOfOrderWindowMs: 30 * 60_000 });
    expect(read(st).get(key(up('w')))!.v).toEqual(want.map(bits));
  });
});

describe('durability and recovery', () => {
  it('recovers the head from the log after an unclean stop and truncates the log as chunks are flushed', () => {
    const file = dbFile();
    const st1 = openStorage({ path: file, autoMaintain: false });
    const want = new Map<string, number>();
    for (let r = 0; r < 300; r++) {
      const a = st1.appender();
      for (let s = 0; s < 20; s++) a.append(0, up(`j${s}`), T0 + r * 15_000, r * s);
      a.commit();
    }
    for (let s = 0; s < 20; s++) want.set(key(up(`j${s}`)), 300);
    crash(st1); // no close(): nothing is flushed, the head must come back from the log
    const st2 = mk({ path: file });
    const got = read(st2);
    for (const [k, n] of want) {
      expect(got.get(k)!.t.length).toBe(n);
      expect(got.get(k)!.t[299]).toBe(T0 + 299 * 15_000);
    }
    const logRows = raw(st2).prepare('SELECT count(*) FROM log').pluck().get() as number;
    expect(logRows).toBeLessThan(300); // records fully covered by head chunks were truncated
  });

  it('replays deletions (tombstones) in order after a restart', () => {
    const file = dbFile();
    let st = mk({ path: file });
    let a = st.appender();
    for (let i = 0; i < 100; i++) a.append(0, up('del'), T0 + i * 1000, i);
    a.commit();
    st.deleteSeries([new Matcher('=', 'job', 'del')], T0 + 10_000, T0 + 19_000);
    a = st.appender();
    a.append(0, up('del'), T0 + 100_000, 100);
    a.commit();
    const before = read(st).get(key(up('del')))!;
    expect(before.t.length).toBe(91);
    expect(before.t).not.toContain(T0 + 15_000);
    crash(st);
    st = mk({ path: file });
    expect(read(st).get(key(up('del')))).toEqual(before);
  });

  it('keeps the block range the file was created with', () => {
    const file = dbFile();
    let st = mk({ path: file, blockRangeMs: H });
    const a = st.appender();
    for (let i = 0; i < 800; i++) a.append(0, up('br'), T0 + i * 15_000, i);
    a.commit();
    st.maintain();
    st.close();
    const logs: string[] = [];
    st = mk({ path: file, logger: (_l, m) => logs.push(m) }); // default 2 h requested
    expect(logs.join('\n')).toMatch(/block range of 3600000 ms/);
    expect(read(st).get(key(up('br')))!.t.length).toBe(800);
  });

  it('deletes whole series and persisted block data', () => {
    const st = mk({ blockRangeMs: 2 * H });
    const a = st.appender();
    for (let i = 0; i < 2000; i++) {
      a.append(0, up('x'), T0 + i * 15_000, i);
      a.append(0, up('y'), T0 + i * 15_000, i);
    }
    a.commit();
    st.maintain();
    st.deleteSeries([new Matcher('=', 'job', 'x')], -1e15, 1e15);
    st.deleteSeries([new Matcher('=', 'job', 'y')], T0, T0 + 3 * H);
    const d = read(st);
    expect(d.has(key(up('x')))).toBe(false);
    expect(d.get(key(up('y')))!.t[0]).toBe(T0 + 3 * H + 15_000);
    expect(st.stats().numSeries).toBe(1);
  });
});

describe('compaction, retention and space', () => {
  it('compacts old head blocks into dense block rows and keeps every sample', () => {
    const st = mk({ blockRangeMs: 2 * H });
    const a = st.appender();
    const n = 24 * 240; // 24 h at 15 s
    for (let i = 0; i < n; i++) {
      a.append(0, up('c', ['k', 'counter']), T0 + i * 15_000, i * 1024);
      a.append(0, up('c', ['k', 'gauge']), T0 + i * 15_000, Math.round(Math.sin(i / 50) * 1000) / 100);
    }
    a.commit();
    st.maintain();
    const db = raw(st);
    const blocks = db.prepare('SELECT count(*) FROM blocks').pluck().get() as number;
    expect(blocks).toBeGreaterThanOrEqual(10);
    const bytes = db.prepare('SELECT sum(length(data)) FROM chunks').pluck().get() as number;
    const samples = db.prepare('SELECT sum(num_samples) FROM blocks').pluck().get() as number;
    expect(bytes / samples).toBeLessThan(0.6); // regular counter + 2-decimal gauge: well under a byte
    const d = read(st);
    expect(d.get(key(up('c', ['k', 'counter'])))!.t.length).toBe(n);
    expect(d.get(key(up('c', ['k', 'gauge'])))!.v[100]).toBe(bits(Math.round(Math.sin(2) * 1000) / 100));
  });

  it('waits with compaction while a querier is open, so its snapshot stays complete', () => {
    const st = mk({ blockRangeMs: 2 * H });
    const a = st.appender();
    for (let i = 0; i < 1200; i++) a.append(0, up('q'), T0 + i * 15_000, i); // 5 h
    a.commit();
    const q = st.querier(-1e15, 1e15);
    const ss = q.select(false, null, [new Matcher('=', 'job', 'q')]);
    st.maintain();
    expect(raw(st).prepare('SELECT count(*) FROM chunks').pluck().get()).toBe(0);
    const it = ss.series[0]!.iterator();
    let n = 0;
    while (it.next() === ValueType.Float) n++;
    expect(n).toBe(1200);
    q.close();
    st.maintain();
    expect(raw(st).prepare('SELECT count(*) FROM chunks').pluck().get()).toBeGreaterThan(0);
    expect(read(st).get(key(up('q')))!.t.length).toBe(1200);
  });

  it('drops blocks beyond the time retention, removes series left empty, and reclaims pages', () => {
    const file = dbFile();
    const st = mk({ path: file, blockRangeMs: 2 * H, retentionMs: 6 * H });
    let a = st.appender();
    // 100 short-lived series in the first hours, then one long-lived series for two days
    for (let s = 0; s < 100; s++) for (let i = 0; i < 240; i++) a.append(0, up('old', ['i', String(s)]), T0 + i * 15_000, Math.random());
    a.commit();
    for (let h = 0; h < 48; h++) {
      a = st.appender();
      for (let i = 0; i < 240; i++) a.append(0, up('live'), T0 + h * H + i * 15_000, Math.random());
      a.commit();
      st.maintain();
    }
    const db = raw(st);
    const oldest = db.prepare('SELECT min(block) FROM blocks').pluck().get() as number;
    expect(oldest * 2 * H).toBeGreaterThanOrEqual(T0 + 48 * H - 6 * H - 4 * H);
    expect(read(st).has(key(up('old', ['i', '0'])))).toBe(false);
    expect(st.stats().numSeries).toBe(1);
    expect(db.prepare('SELECT count(*) FROM series').pluck().get()).toBe(1);
    // free pages are returned to the file system instead of piling up
    const pc = db.pragma('page_count', { simple: true }) as number;
    const fl = db.pragma('freelist_count', { simple: true }) as number;
    expect(fl).toBeLessThanOrEqual(Math.max(128, pc * 0.1));
    expect(st.selfMetrics()).toMatch(/vigil_tsdb_time_retentions_total [1-9]/);
  });

  it('drops the oldest blocks to stay under the size retention and shrinks the file', () => {
    const file = dbFile();
    const st = mk({ path: file, blockRangeMs: 2 * H, retentionMs: 0, retentionBytes: 0 });
    for (let h = 0; h < 24; h++) {
      const a = st.appender();
      for (let s = 0; s < 200; s++) for (let i = 0; i < 120; i++) a.append(0, up('big', ['i', String(s)]), T0 + h * H + i * 30_000, Math.random());
      a.commit();
      st.maintain();
    }
    st.checkpoint();
    const full = fs.statSync(file).size;
    st.close();
    const limit = Math.floor(full / 3);
    const st2 = mk({ path: file, blockRangeMs: 2 * H, retentionMs: 0, retentionBytes: limit });
    st2.maintain();
    st2.checkpoint();
    const db = raw(st2);
    const used = ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) * (db.pragma('page_size', { simple: true }) as number);
    expect(used).toBeLessThanOrEqual(limit);
    expect(fs.statSync(file).size).toBeLessThan(full * 0.6);
    // the newest data is still there
    const d = read(st2, [new Matcher('=', 'i', '7')]);
    expect([...d.values()][0]!.t.at(-1)).toBe(T0 + 23 * H + 119 * 30_000);
    expect(st2.selfMetrics()).toMatch(/vigil_tsdb_size_retentions_total [1-9]/);
  });
});

describe('backfill', () => {
  it('imports unsorted samples of many series, older than the head, merging with stored data', () => {
    const st = mk({ blockRangeMs: 2 * H });
    let a = st.appender();
    for (let i = 0; i < 100; i++) a.append(0, up('im'), T0 + 10 * H + i * 15_000, i);
    a.commit();
    const imp = st.importer({ maxBufferedSamples: 1000 });
    const order = Array.from({ length: 2000 }, (_, i) => i).sort((x, y) => ((x * 7919) % 2000) - ((y * 7919) % 2000));
    for (const i of order) {
      imp.add(up('im'), T0 + i * 15_000, -i); // 0..8.3h: before the head
      imp.add(up('im2'), T0 + i * 15_000, i);
    }
    imp.add(up('im2'), T0, 12345); // duplicate in a later batch: stored data wins against earlier flushes
    const res = imp.commit();
    expect(res.series).toBe(2);
    expect(res.samples).toBe(4000);
    const d = read(st);
    const im = d.get(key(up('im')))!;
    expect(im.t.length).toBe(2100);
    expect(im.t[0]).toBe(T0);
    expect(im.v[1]).toBe(bits(-1));
    expect(im.t.at(-1)).toBe(T0 + 10 * H + 99 * 15_000);
    expect(d.get(key(up('im2')))!.v[0]).toBe(bits(0));
    // the head keeps working after a backfill
    a = st.appender();
    a.append(0, up('im'), T0 + 11 * H, 7);
    a.commit();
    expect(read(st).get(key(up('im')))!.t.length).toBe(2101);
    expect(() => imp.add(up('im'), T0, 1)).toThrow(/already committed/);
  });
});

describe('row cache', () => {
  it('never serves a row that a backfill merge, a deletion or retention has rewritten or dropped', () => {
    const st = mk({ blockRangeMs: 2 * H });
    let imp = st.importer();
    for (let i = 0; i < 100; i++) imp.add(up('rc'), T0 + i * 15_000, i);
    imp.commit();
    const before = read(st).get(key(up('rc')))!; // cached now
    expect(before.t.length).toBe(100);
    imp = st.importer(); // merges into the same block row
    for (let i = 100; i < 150; i++) imp.add(up('rc'), T0 + i * 15_000, i);
    imp.commit();
    expect(read(st).get(key(up('rc')))!.t.length).toBe(150);
    expect(read(st).get(key(up('rc')))!.t.length).toBe(150);
    st.deleteSeries([new Matcher('=', 'job', 'rc')], T0, T0 + 49 * 15_000);
    expect(read(st).get(key(up('rc')))!.t[0]).toBe(T0 + 50 * 15_000);
    expect(st.selfMetrics()).toMatch(/vigil_tsdb_row_cache_hits_total [1-9]/);
  });
});

describe('stats and self-metrics', () => {
  it('reports head figures and cardinality lists', () => {
    const st = mk();
    const a = st.appender();
    for (let i = 0; i < 5; i++) a.append(0, up(`s${i}`), T0, i);
    a.append(0, labelsFromStrings('__name__', 'x', 'job', 's0'), T0, 1);
    a.commit();
    const s = st.stats(2);
    expect(s.numSeries).toBe(6);
    expect(s.numSamples).toBe(6);
    expect(s.minTime).toBe(T0);
    expect(s.maxTime).toBe(T0);
    expect(s.seriesCountByMetricName).toEqual([
      { name: 'up', value: 5 },
      { name: 'x', value: 1 },
    ]);
    expect(s.labelValueCountByLabelName[0]).toEqual({ name: 'job', value: 5 });
    expect(s.seriesCountByLabelValuePair).toHaveLength(2);
    const m = st.selfMetrics();
    for (const name of ['vigil_tsdb_head_series 6', 'vigil_tsdb_head_chunks 6', 'vigil_tsdb_head_samples_appended_total 6', 'vigil_tsdb_storage_bytes', 'vigil_tsdb_compaction_duration_seconds', 'vigil_tsdb_corruptions_total 0']) {
      expect(m).toContain(name);
    }
    expect(m).toMatch(/^# HELP vigil_tsdb_head_series /m);
    expect(m).toMatch(/^# TYPE vigil_tsdb_head_samples_appended_total counter$/m);
    expect(m).toMatch(/^# TYPE vigil_tsdb_compaction_duration_seconds summary$/m);
    expect(m).toMatch(/^vigil_tsdb_compaction_duration_seconds_count 0$/m);
  });
});
