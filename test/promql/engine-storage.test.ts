/**
 * The engine over Vigil's real storage gives exactly what it gives over the conformance runner's
 * in-memory store for the same samples. The storage iterators hand out decoded chunks in bulk
 * (BatchSampleIterator), pool their decode buffers and merge overlapping sources; the in-memory
 * store goes through the per-sample SampleIterator methods only. Data: irregular scrapes, counter
 * resets, stale markers, gaps beyond the lookback, spread over imported block rows, compacted
 * blocks, flushed and open head chunks, and rows overlapping head chunks.
 */
import { describe, expect, it } from 'vitest';
import { labelsFromRecord, type Labels } from '../../src/common/model/labels';
import { StaleNaN } from '../../src/common/model/value';
import { mulberry32 } from '../../src/common/util/random';
import { Engine } from '../../src/main/promql/engine';
import { MemStore } from '../../src/main/promql/promqltest/memstore';
import { openStorage } from '../../src/main/storage/index';

const H = 3_600_000;
const T0 = 100 * H;

interface Sample {
  labels: Labels;
  t: number;
  v: number;
}

function generate(): Sample[] {
  const rnd = mulberry32(7);
  const out: Sample[] = [];
  for (let s = 0; s < 12; s++) {
    const labels = labelsFromRecord({ __name__: s % 3 === 0 ? 'g' : 'x_total', job: `j${s % 4}`, instance: `i${s}` });
    let v = Math.floor(rnd() * 100);
    let t = T0 + Math.floor(rnd() * 15_000);
    while (t < T0 + 6 * H) {
      if (rnd() < 0.003) t += 10 * 60_000; // a gap longer than the lookback
      if (rnd() < 0.01) {
        out.push({ labels, t, v: StaleNaN });
      } else {
        v = rnd() < 0.01 ? 0 : v + Math.floor(rnd() * 50) / 4;
        out.push({ labels, t, v });
      }
      t += 15_000 + Math.floor(rnd() * 40);
    }
  }
  return out;
}

const QUERIES = [
  'x_total',
  'g',
  'rate(x_total[5m])',
  'increase(x_total[3m])',
  'irate(x_total[2m])',
  'avg_over_time(g[10m])',
  'count_over_time({__name__=~".+"}[2m])',
  'last_over_time(x_total[7m])',
  'max_over_time(g[1h])',
  'resets(x_total[30m])',
  'changes(g[20m])',
  'deriv(g[15m])',
  'x_total offset 7m',
  'sum by (job) (rate(x_total[5m]))',
  'timestamp(g)',
  'rate(x_total[5m] @ end())',
  'max_over_time(rate(x_total[2m])[20m:1m])',
];

describe('engine over storage equals engine over the in-memory store', () => {
  it('for range functions, instant selectors, offsets, @ and subqueries at several steps', () => {
    const samples = generate();
    const mem = new MemStore();
    for (const s of samples) mem.add(s.labels, s.t, s.v, null);
    const st = openStorage({ path: ':memory:', blockRangeMs: H, samplesPerChunk: 60 });
    try {
      // Hours 0-2: imported block rows; hours 2-6: appended to the head (compacted in part), and
      // a few samples of hour 4 imported afterwards so that block rows overlap head chunks.
      const imp = st.importer();
      const late: Sample[] = [];
      const app = st.appender();
      for (const s of samples) {
        if (s.t < T0 + 2 * H) imp.add(s.labels, s.t, s.v);
        else if (s.t >= T0 + 4 * H && s.t < T0 + 4 * H + 600_000 && Math.floor(s.t / 1000) % 3 === 0) late.push(s);
        else app.append(0, s.labels, s.t, s.v);
      }
      imp.commit();
      app.commit();
      st.maintain();
      const imp2 = st.importer();
      for (const s of late) imp2.add(s.labels, s.t, s.v);
      imp2.commit();
      const engine = new Engine();
      let compared = 0;
      for (const [start, end, step] of [
        [T0 + 30 * 60_000, T0 + 6 * H, 60_000],
        [T0 + 11 * 60_000 + 123, T0 + 5 * H, 37_000],
        [T0, T0 + 6 * H + 600_000, 300_000],
      ] as const) {
        for (const q of QUERIES) {
          const a = engine.execRange(mem, q, start, end, step);
          const b = engine.execRange(st, q, start, end, step);
          expect(b.value, `${q} step ${step}`).toEqual(a.value);
          expect(b.warnings).toEqual(a.warnings);
          if (a.value.type === 'matrix') compared += a.value.series.reduce((n, s) => n + s.floats.length, 0);
        }
      }
      expect(compared).toBeGreaterThan(50_000);
    } finally {
      st.close();
    }
  });
});
