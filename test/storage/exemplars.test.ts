/**
 * The in-memory exemplar store: Prometheus's append rules (duplicate, out of order, label length),
 * the shared circular buffer (oldest evicted first, per-series chains kept intact), selection by
 * matcher sets and time range, resizing, and disabling.
 */
import { describe, expect, it } from 'vitest';
import { labelsFromRecord, type Labels } from '../../src/common/model/labels';
import { Matcher } from '../../src/common/model/matcher';
import { ExemplarAppendError, ExemplarStorage, exemplarSelfMetrics } from '../../src/main/storage';

const series = (job: string, name = 'http_requests_total'): Labels => labelsFromRecord({ __name__: name, job });
const ex = (ts: number, trace = `t${ts}`, value = ts / 10) => ({ labels: labelsFromRecord({ trace_id: trace }), value, ts });
const all = [[new Matcher('=~', '__name__', '.+')]];

function kindOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return e instanceof ExemplarAppendError ? e.kind : `other: ${String(e)}`;
  }
  return 'stored';
}

describe('ExemplarStorage', () => {
  it('stores exemplars per series and selects by matchers and time range, oldest first', () => {
    const s = new ExemplarStorage(10);
    s.add(series('a'), ex(1000));
    s.add(series('b'), ex(1500));
    s.add(series('a'), ex(2000));
    s.add(series('a'), ex(3000));
    const r = s.select(1500, 2500, [[new Matcher('=', 'job', 'a')]]);
    expect(r).toEqual([{ seriesLabels: series('a'), exemplars: [ex(2000)] }]);
    const both = s.select(0, 10_000, all);
    expect(both.map((x) => [x.seriesLabels[1]!.value, x.exemplars.map((e) => e.ts)])).toEqual([
      ['a', [1000, 2000, 3000]],
      ['b', [1500]],
    ]);
    // matcher sets are ORed
    expect(s.select(0, 10_000, [[new Matcher('=', 'job', 'b')], [new Matcher('=', 'job', 'nope')]]).length).toBe(1);
    expect(s.size).toBe(4);
    expect(s.seriesCount).toBe(2);
  });

  it('rejects duplicates, out-of-order exemplars and label sets over 128 runes, as Prometheus does', () => {
    const s = new ExemplarStorage(10);
    s.add(series('a'), ex(2000));
    expect(kindOf(() => s.add(series('a'), ex(2000)))).toBe('duplicate');
    expect(kindOf(() => s.add(series('a'), ex(2000, 'other')))).toBe('out_of_order');
    expect(kindOf(() => s.add(series('a'), ex(1999)))).toBe('out_of_order');
    expect(kindOf(() => s.add(series('b'), ex(1000)))).toBe('stored');
    const long = { labels: labelsFromRecord({ trace_id: 'x'.repeat(121) }), value: 1, ts: 5000 };
    expect(kindOf(() => s.add(series('a'), long))).toBe('label_length');
    // 8 + 120 = 128 runes is allowed; runes, not UTF-16 units or bytes
    const exact = { labels: labelsFromRecord({ trace_id: 'é'.repeat(120) }), value: 1, ts: 5000 };
    expect(kindOf(() => s.add(series('a'), exact))).toBe('stored');
    expect(s.outOfOrder).toBe(2);
    expect(s.appended).toBe(3);
  });

  it('evicts the oldest exemplar of the whole buffer when full, keeping every series chain intact', () => {
    const s = new ExemplarStorage(3);
    s.add(series('a'), ex(1));
    s.add(series('b'), ex(2));
    s.add(series('a'), ex(3));
    s.add(series('c'), ex(4)); // evicts a@1
    s.add(series('b'), ex(5)); // evicts b@2
    expect(s.select(0, 100, all).map((x) => [x.seriesLabels[1]!.value, x.exemplars.map((e) => e.ts)])).toEqual([
      ['a', [3]],
      ['b', [5]],
      ['c', [4]],
    ]);
    s.add(series('c'), ex(6)); // evicts a@3: series a disappears
    expect(s.select(0, 100, all).map((x) => x.seriesLabels[1]!.value)).toEqual(['b', 'c']);
    expect(s.seriesCount).toBe(2);
    expect(s.size).toBe(3);
    // a series evicted entirely accepts older exemplars again (nothing left to be out of order with)
    expect(kindOf(() => s.add(series('a'), ex(2)))).toBe('stored');
  });

  it('a long random run matches a simple model of the buffer', () => {
    const cap = 50;
    const s = new ExemplarStorage(cap);
    const model: { job: string; ts: number }[] = [];
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const last = new Map<string, number>();
    for (let t = 1; t <= 2000; t++) {
      const job = `j${Math.floor(rnd() * 12)}`;
      // evicted series forget their newest timestamp
      const alive = model.some((m) => m.job === job);
      const prev = alive ? last.get(job)! : -Infinity;
      const ts = alive && rnd() < 0.1 ? prev : t;
      const k = kindOf(() => s.add(series(job), ex(ts, 'x', 1)));
      if (ts <= prev) {
        expect(k === 'duplicate' || k === 'out_of_order').toBe(true);
        continue;
      }
      expect(k).toBe('stored');
      last.set(job, ts);
      model.push({ job, ts });
      if (model.length > cap) model.shift();
    }
    const want = new Map<string, number[]>();
    for (const m of model) want.set(m.job, [...(want.get(m.job) ?? []), m.ts]);
    const got = new Map(s.select(-Infinity, Infinity, all).map((r) => [r.seriesLabels[1]!.value, r.exemplars.map((e) => e.ts)]));
    expect(got).toEqual(want);
    expect(s.size).toBe(cap);
  });

  it('resizes keeping the newest exemplars, and a size of 0 disables it', () => {
    const s = new ExemplarStorage(5);
    for (let i = 1; i <= 5; i++) s.add(series(`j${i % 2}`), ex(i * 10));
    s.resize(3);
    expect(s.capacity).toBe(3);
    expect(s.select(0, 100, all).flatMap((x) => x.exemplars.map((e) => e.ts)).sort((a, b) => a - b)).toEqual([30, 40, 50]);
    s.resize(0);
    expect(s.size).toBe(0);
    expect(kindOf(() => s.add(series('a'), ex(60)))).toBe('disabled');
    expect(exemplarSelfMetrics(s)).toContain('prometheus_tsdb_exemplar_max_exemplars 0\n');
  });
});
