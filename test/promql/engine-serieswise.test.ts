import { mulberry32 as rng } from '../../src/common/util/random';
/**
 * The series-wise paths for binary operators and aggregations in range queries must give exactly
 * what the step-wise rangeEval path gives: same series, points, order, annotations, errors, peak samples
 * and max-samples failures. Random data with gaps, stale markers and colliding signatures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { labelsFromRecord } from '../../src/common/model/labels';
import { StaleNaN } from '../../src/common/model/value';
import { Engine } from '../../src/main/promql/engine';
import { seriesWiseSwitch } from '../../src/main/promql/eval/binop_series';
import { MemStore } from '../../src/main/promql/promqltest/memstore';
import type { EngineOpts } from '../../src/main/promql/value';

const M = 60_000;


function buildStore(seed: number): MemStore {
  const r = rng(seed);
  const st = new MemStore();
  const add = (rec: Record<string, string>): void => {
    const ls = labelsFromRecord(rec);
    const from = Math.floor(r() * 20);
    const to = 40 + Math.floor(r() * 20);
    for (let i = from; i < to; i++) {
      const x = r();
      if (x < 0.1) continue;
      const v = x < 0.13 ? StaleNaN : x < 0.15 ? NaN : Math.round(r() * 2000) / 100 - 5.05;
      st.add(ls, i * M, v, null);
    }
  };
  for (const job of ['a', 'b', 'c']) {
    for (const inst of ['1', '2', '3']) {
      add({ __name__: 'x', job, instance: inst });
      add({ __name__: 'y', job, instance: inst });
    }
    add({ __name__: 'one', job });
  }
  // A second "one" series for job c only in part of the range: duplicate signatures on the "one"
  // side at some steps.
  add({ __name__: 'one', job: 'c', extra: 'dup' });
  add({ __name__: 'z', job: 'a', instance: '1', other: 'o' });
  return st;
}

const QUERIES = [
  'x / y',
  'x + on(job, instance) y',
  'x > y',
  'x >= bool y',
  'x != ignoring(instance) group_left one',
  'x * on(job) group_left one',
  'one * on(job) group_right(extra) x',
  'one - on(job) group_right x',
  'x == bool on(job) group_left one',
  'x ^ ignoring(__name__) y',
  'atan2(x, y)' /* not an operator, stays valid */,
  'x atan2 y',
  'x % y',
  'x and y',
  'x and on(job) one',
  'x or y',
  'x or z',
  'x unless on(job) one',
  'x unless ignoring(instance) z',
  'sum by(job) (x) / on(job) one',
  'x or x',
  'x + 1',
  '2 > bool x',
  'x * x',
  'x + ignoring(instance) y',
  // Consumers that depend on the order of their input series.
  'sum(x / y)',
  'sum(x or y)',
  'limitk(1, x or y)',
  'limitk(2, x * on(job) group_left one)',
  // Series-wise aggregations (sum, avg, count, min, max, group) and their fallbacks.
  'sum by (job) (x)',
  'sum(x) + sum without (instance) (y)',
  'avg by (instance) (x)',
  'avg(x * 1e308)',
  'avg by (job) (x * -1e308 or y * 1e308)',
  'count without (instance) (x)',
  'min by (job) (x)',
  'max(x or y)',
  'group by (instance) (x)',
  'sum by (job) (rate(x[5m]))',
  'max by (job) (x) - min by (job) (x)',
  'stddev by (job) (x)',
  'sum(x @ 600)',
];

async function runBoth(st: MemStore, q: string, opts: Partial<EngineOpts>): Promise<[string, string]> {
  const ng = new Engine(opts);
  const once = async (): Promise<string> => {
    try {
      const r = await ng.rangeQuery(st, q, 0, 59 * M, M, { stats: 'all' });
      // Numbers as text: NaN, infinities and -0 must match too.
      const num = (_k: string, v: unknown): unknown => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v);
      return JSON.stringify({ v: r.value, w: r.warnings, i: r.infos, peak: r.stats?.samples.peakSamples }, num);
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  seriesWiseSwitch.enabled = true;
  const fast = await once();
  seriesWiseSwitch.enabled = false;
  const slow = await once();
  seriesWiseSwitch.enabled = true;
  return [fast, slow];
}

describe('series-wise binary operators and aggregations', () => {
  afterEach(() => {
    seriesWiseSwitch.enabled = true;
  });

  it('agree with step-wise evaluation', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const st = buildStore(seed);
      for (const delayed of [false, true]) {
        for (const q of QUERIES) {
          const [fast, slow] = await runBoth(st, q, { enableDelayedNameRemoval: delayed, enableExperimentalFunctions: true });
          expect(fast, `seed ${seed}, delayed ${delayed}: ${q}`).toBe(slow);
        }
      }
    }
  });

  it('fail on the same max-samples limits', async () => {
    const st = buildStore(7);
    for (const q of ['x / y', 'x and y', 'x or y', 'x + 1', 'sum by (job) (x)', 'avg(x)']) {
      for (let limit = 100; limit < 2000; limit += 37) {
        const [fast, slow] = await runBoth(st, q, { maxSamples: limit });
        expect(fast, `${q} with maxSamples ${limit}`).toBe(slow);
      }
    }
  });
});
