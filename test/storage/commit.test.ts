/**
 * Storage.onCommit: listeners see exactly what each successful commit stored (bit-exact values,
 * out-of-order samples, new series), nothing of rolled-back or failed commits or of backfill, can
 * unsubscribe, and cannot break a commit by throwing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { labelsFromStrings, type Labels } from '../../src/common/model/labels';
import { Matcher } from '../../src/common/model/matcher';
import { StaleNaN } from '../../src/common/model/value';
import { openStorage, StorageError, ValueType, type CommitBatch, type StorageEngine, type StorageOptions } from '../../src/main/storage/index';
import { bits, fromBits, raw } from './helpers';

const T0 = Date.UTC(2026, 0, 1);

const open: StorageEngine[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function mk(opts: Partial<StorageOptions> = {}, logs: string[] = []): StorageEngine {
  const st = openStorage({ path: ':memory:', autoMaintain: false, logger: (l, m) => logs.push(`${l} ${m}`), ...opts });
  open.push(st);
  return st;
}

const up = (job: string): Labels => labelsFromStrings('__name__', 'up', 'job', job);

/** Seen is a copy of one batch, made during the listener call (the batch is only valid then). */
interface Seen {
  samples: { labels: string; t: number; v: string }[];
  newSeries: { ref: number; labels: string }[];
}

/** record subscribes a listener that copies every batch, reading values by their bits. */
function record(st: StorageEngine): { seen: Seen[]; stop: () => void } {
  const seen: Seen[] = [];
  const stop = st.onCommit((b: CommitBatch) => {
    const v32 = new Uint32Array(b.values.buffer, b.values.byteOffset, b.values.length * 2);
    const samples: Seen['samples'] = [];
    for (let i = 0; i < b.count; i++) {
      samples.push({ labels: JSON.stringify(b.labelsOf(b.refs[i]!)), t: b.timestamps[i]!, v: bits(fromBits(v32[2 * i + 1]!, v32[2 * i]!)) });
    }
    seen.push({ samples, newSeries: b.newSeries.map((s) => ({ ref: s.ref, labels: JSON.stringify(s.labels) })) });
  });
  return { seen, stop };
}

/** stored returns every sample in the store as the listener copies them, in (series, time) order. */
function stored(st: StorageEngine): Seen['samples'] {
  const q = st.querier(-1e15, 1e15);
  const out: Seen['samples'] = [];
  for (const s of q.select(true, null, [new Matcher('=~', '__name__', '.+')]).series) {
    const it = s.iterator();
    while (it.next() === ValueType.Float) out.push({ labels: JSON.stringify(s.labels), t: it.atT(), v: bits(it.atF()) });
  }
  q.close();
  return out;
}

const byKey = (a: Seen['samples'][number], b: Seen['samples'][number]): number => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : a.t - b.t);

describe('commit listeners', () => {
  it('see exactly the committed samples, values bit-exact (stale markers, NaN payloads, -0, infinities), and each new series once', () => {
    const st = mk();
    const { seen } = record(st);
    // built from bits in a Float64Array: a plain number[] of doubles quiets signalling NaNs such as the stale marker
    const want = ['3ff8000000000000', '7ff0000000000002', '8000000000000000', '7ff0000000000000', 'fff0000000000000', '7ff8000000000123', '0000000000000001', '3fd3333333333334'];
    const values = new Float64Array(want.length);
    const v32 = new Uint32Array(values.buffer);
    want.forEach((h, i) => v32.set([parseInt(h.slice(8), 16), parseInt(h.slice(0, 8), 16)], 2 * i));
    expect(bits(values[1]!)).toBe(bits(StaleNaN));
    let a = st.appender();
    const refs = Array.from(values, (v, i) => a.append(0, up(`j${i}`), T0, v));
    a.commit();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.samples.map((s) => s.v)).toEqual(want);
    expect(seen[0]!.samples.map((s) => s.t)).toEqual(want.map(() => T0));
    expect(seen[0]!.newSeries).toEqual(refs.map((ref, i) => ({ ref, labels: JSON.stringify(up(`j${i}`)) })));
    // a second batch on known series: no new series, and the appender's duplicate of an identical sample is not in it
    a = st.appender();
    for (let i = 0; i < values.length; i++) a.append(refs[i]!, up(`j${i}`), T0 + 15_000, values[values.length - 1 - i]!);
    a.append(refs[0]!, up('j0'), T0 + 15_000, values[values.length - 1]!);
    a.commit();
    expect(seen).toHaveLength(2);
    expect(seen[1]!.newSeries).toEqual([]);
    expect(seen[1]!.samples).toHaveLength(values.length);
    // together the batches are exactly what the store holds
    expect(seen.flatMap((s) => s.samples).sort(byKey)).toEqual(stored(st));
  });

  it('leave out samples rejected at append or dropped at commit, and include accepted out-of-order samples', () => {
    const st = mk({ outOfOrderWindowMs: 3_600_000 });
    const { seen } = record(st);
    let a = st.appender();
    const r = a.append(0, up('a'), T0 + 60_000, 1);
    a.commit();
    // out of order within the window: accepted, after the in-order samples of the batch
    a = st.appender();
    expect(() => a.append(r, up('a'), T0 + 60_000, 99)).toThrow(StorageError); // duplicate with another value
    a.append(r, up('a'), T0 + 120_000, 2);
    a.append(r, up('a'), T0 + 30_000, 3);
    a.append(0, up('b'), T0, StaleNaN);
    a.commit();
    expect(seen[1]!.samples.map((s) => [s.labels, s.t, s.v])).toEqual([
      [JSON.stringify(up('a')), T0 + 120_000, bits(2)],
      [JSON.stringify(up('b')), T0, bits(StaleNaN)],
      [JSON.stringify(up('a')), T0 + 30_000, bits(3)],
    ]);
    // two appenders with the same timestamp and different values: the second commit drops its sample
    const a1 = st.appender();
    const a2 = st.appender();
    a1.append(r, up('a'), T0 + 180_000, 4);
    a2.append(r, up('a'), T0 + 180_000, 5);
    a1.commit();
    a2.commit();
    expect(seen[2]!.samples.map((s) => s.v)).toEqual([bits(4)]);
    expect(seen[3]!.samples).toEqual([]);
    expect(seen.flatMap((s) => s.samples).sort(byKey)).toEqual(stored(st));
  });

  it('are not called for rolled-back appenders, failed commits, empty appenders or backfill', () => {
    const st = mk();
    const { seen } = record(st);
    st.appender().commit();
    let a = st.appender();
    a.append(0, up('a'), T0, 1);
    a.rollback();
    expect(seen).toEqual([]);
    raw(st).pragma('query_only = 1');
    a = st.appender();
    a.append(0, up('b'), T0, 2);
    expect(() => a.commit()).toThrow(/read-only/);
    expect(seen).toEqual([]);
    raw(st).pragma('query_only = 0');
    const imp = st.importer();
    imp.add(up('imported'), T0 - 86_400_000, 3);
    imp.commit();
    expect(seen).toEqual([]);
    // the next commit has only its own samples, and lists every series created since the last batch
    a = st.appender();
    a.append(0, up('c'), T0, 4);
    a.commit();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.samples.map((s) => [s.labels, s.t, s.v])).toEqual([[JSON.stringify(up('c')), T0, bits(4)]]);
    expect(seen[0]!.newSeries.map((s) => s.labels)).toEqual(['a', 'b', 'imported', 'c'].map((j) => JSON.stringify(up(j))));
  });

  it('list series created before the first listener subscribed only if no commit has stored them yet', () => {
    const st = mk();
    let a = st.appender();
    a.append(0, up('old'), T0, 1);
    a.commit();
    const pending = st.appender();
    pending.append(0, up('pending'), T0, 1);
    const { seen } = record(st);
    a = st.appender();
    a.append(0, up('old'), T0 + 1000, 2);
    a.append(0, up('new'), T0 + 1000, 2);
    a.commit();
    pending.commit();
    expect(seen[0]!.newSeries.map((s) => s.labels)).toEqual(['pending', 'new'].map((j) => JSON.stringify(up(j))));
    expect(seen[0]!.samples.map((s) => s.labels)).toEqual(['old', 'new'].map((j) => JSON.stringify(up(j))));
    expect(seen[1]!.newSeries).toEqual([]);
    expect(seen[1]!.samples.map((s) => s.labels)).toEqual([JSON.stringify(up('pending'))]);
  });

  it('stop being called once unsubscribed, also from within a notification', () => {
    const st = mk();
    const first = record(st);
    let calls = 0;
    const stopSelf: () => void = st.onCommit(() => {
      calls++;
      stopSelf();
    });
    const last = record(st);
    const commit = (t: number): void => {
      const a = st.appender();
      a.append(0, up('a'), t, 1);
      a.commit();
    };
    commit(T0);
    expect([first.seen.length, calls, last.seen.length]).toEqual([1, 1, 1]);
    first.stop();
    first.stop(); // idempotent
    commit(T0 + 1000);
    expect([first.seen.length, calls, last.seen.length]).toEqual([1, 1, 2]);
    last.stop();
    commit(T0 + 2000);
    expect([first.seen.length, calls, last.seen.length]).toEqual([1, 1, 2]);
    expect(stored(st)).toHaveLength(3);
  });

  it('that throw are logged and break neither the commit nor other listeners', () => {
    const logs: string[] = [];
    const st = mk({}, logs);
    st.onCommit(() => {
      throw new Error('listener broke');
    });
    const { seen } = record(st);
    const a = st.appender();
    a.append(0, up('a'), T0, 1);
    expect(() => a.commit()).not.toThrow();
    expect(seen).toHaveLength(1);
    expect(stored(st)).toHaveLength(1);
    expect(logs.some((l) => l.startsWith('warn') && l.includes('listener broke'))).toBe(true);
    expect(st.selfMetrics()).toMatch(/^vigil_tsdb_commits_total 1$/m);
  });
});
