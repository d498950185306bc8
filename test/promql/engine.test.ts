/**
 * Engine API tests: result shapes, step semantics, options (lookback, @, negative offsets,
 * experimental features, delayed name removal, start timestamps), limits as typed errors,
 * annotations and stats, and the implementation table agreeing with the parser's signatures.
 */
import { describe, expect, it } from 'vitest';
import { labelsFromRecord, type Labels } from '../../src/common/model/labels';
import { StaleNaN } from '../../src/common/model/value';
import { FUNCTION_LIST } from '../../src/common/promql';
import { Engine } from '../../src/main/promql/engine';
import { FUNCTIONS } from '../../src/main/promql/functions/index';
import { MemStore } from '../../src/main/promql/promqltest/memstore';
import { QueryError, type QueryResult, type Value } from '../../src/main/promql/value';
import { StorageError, type Queryable } from '../../src/main/storage/interface';

const M = 60_000;

function L(rec: Record<string, string>): Labels {
  return labelsFromRecord(rec);
}

/** store builds a MemStore from series of values at `interval` steps (null = no sample). */
function store(series: [Record<string, string>, (number | null)[]][], interval = M): MemStore {
  const s = new MemStore();
  for (const [labels, vals] of series) {
    vals.forEach((v, i) => {
      if (v !== null) s.add(L(labels), i * interval, v, null);
    });
  }
  return s;
}

function vec(v: Value): Record<string, number> {
  if (v.type !== 'vector') throw new Error(`expected vector, got ${v.type}`);
  const out: Record<string, number> = {};
  for (const s of v.samples) out[JSON.stringify(Object.fromEntries(s.metric.map((l) => [l.name, l.value])))] = s.f;
  return out;
}

async function errorOf(p: Promise<QueryResult>): Promise<QueryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error('expected the query to fail');
}

describe('engine: results', () => {
  const st = store([
    [{ __name__: 'up', job: 'a' }, [1, 1, null, 0, 1]],
    [{ __name__: 'up', job: 'b' }, [0, 0, 0, 0, 0]],
  ]);
  const ng = new Engine();

  it('returns instant vectors at the evaluation time with the metric name kept', async () => {
    const r = await ng.instantQuery(st, 'up', 2 * M);
    expect(r.value.type).toBe('vector');
    if (r.value.type !== 'vector') return;
    expect(r.value.samples.every((s) => s.t === 2 * M)).toBe(true);
    expect(vec(r.value)).toEqual({ '{"__name__":"up","job":"a"}': 1, '{"__name__":"up","job":"b"}': 0 });
  });

  it('returns scalars and strings', async () => {
    expect((await ng.instantQuery(st, '1 + 2 * 3', 0)).value).toEqual({ type: 'scalar', t: 0, v: 7 });
    expect((await ng.instantQuery(st, '"x"', 5)).value).toEqual({ type: 'string', t: 5, v: 'x' });
  });

  it('evaluates range queries on the step grid, sorted by labels', async () => {
    const r = await ng.rangeQuery(st, 'sum by (job) (up)', 0, 4 * M, 2 * M);
    if (r.value.type !== 'matrix') throw new Error('expected matrix');
    expect(r.value.series.map((s) => s.metric)).toEqual([L({ job: 'a' }), L({ job: 'b' })]);
    expect(r.value.series[0]!.floats).toEqual([
      { t: 0, f: 1 },
      { t: 2 * M, f: 1 },
      { t: 4 * M, f: 1 },
    ]);
  });

  it('returns a matrix for an instant range-vector query, and rejects it as a range query', async () => {
    const r = await ng.instantQuery(st, 'up{job="a"}[3m]', 4 * M);
    if (r.value.type !== 'matrix') throw new Error('expected matrix');
    expect(r.value.series[0]!.floats.map((p) => p.t)).toEqual([3 * M, 4 * M]);
    const e = await errorOf(ng.rangeQuery(st, 'up[1m]', 0, M, M));
    expect(e.errorType).toBe('bad_data');
    expect(e.message).toBe('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
  });

  it('honours stale markers and the per-query lookback delta', async () => {
    const s = store([[{ __name__: 'm' }, [1, null, null]]]);
    s.add(L({ __name__: 'm' }), 2 * M, StaleNaN, null);
    expect(vec((await ng.instantQuery(s, 'm', M)).value)).toEqual({ '{"__name__":"m"}': 1 });
    expect((await ng.instantQuery(s, 'm', 2 * M)).value).toEqual({ type: 'vector', samples: [] });
    expect((await ng.instantQuery(s, 'm', M, { lookbackDeltaMs: 30_000 })).value).toEqual({ type: 'vector', samples: [] });
  });

  it('supports offset (also negative), @ and subqueries aligned to absolute time', async () => {
    const s = store([[{ __name__: 'c' }, [0, 10, 20, 30, 40, 50]]]);
    expect(vec((await ng.instantQuery(s, 'c offset 2m', 5 * M)).value)).toEqual({ '{"__name__":"c"}': 30 });
    expect(vec((await ng.instantQuery(s, 'c offset -2m', M)).value)).toEqual({ '{"__name__":"c"}': 30 });
    expect(vec((await ng.instantQuery(s, 'c @ 120', 5 * M)).value)).toEqual({ '{"__name__":"c"}': 20 });
    const sub = await ng.instantQuery(s, 'sum_over_time(c[3m:1m])', 5 * M + 30_000);
    expect(vec(sub.value)).toEqual({ '{}': 30 + 40 + 50 });
  });

  it('drops the metric name in arithmetic and keeps it for comparisons', async () => {
    expect(Object.keys(vec((await ng.instantQuery(st, 'up * 2', 0)).value))).toEqual(['{"job":"a"}', '{"job":"b"}']);
    expect(Object.keys(vec((await ng.instantQuery(st, 'up > 0', 0)).value))).toEqual(['{"__name__":"up","job":"a"}']);
  });
});

describe('engine: errors and limits', () => {
  const st = store([
    [{ __name__: 'x', a: '1' }, [1, 2, 3]],
    [{ __name__: 'y', a: '1' }, [1, 2, 3]],
  ]);

  it('reports parse errors as bad_data with Prometheus text and a position', async () => {
    const e = await errorOf(new Engine().instantQuery(st, 'sum(x', 0));
    expect(e.errorType).toBe('bad_data');
    expect(e.message).toMatch(/^1:\d+: parse error: /);
    expect(e.position).not.toBeNull();
  });

  it('reports every executed query to the query logger, with its error, and not those that do not parse', async () => {
    const eng = new Engine({ maxSamples: 3 });
    const seen: import('../../src/main/promql/value').QueryLogEntry[] = [];
    eng.setQueryLogger((e) => seen.push(e));
    const okRes = await eng.rangeQuery(st, 'x', 0, 2 * M, M);
    expect(okRes.stats).toBeNull(); // gathered for the log only
    await errorOf(eng.instantQuery(st, 'sum(x', 0));
    const e = await errorOf(eng.rangeQuery(st, '{a="1"}', 0, 2 * M, M));
    expect(e.message).toMatch(/too many samples/);
    expect(seen.map((x) => [x.params.query, x.params.step, x.error ?? ''])).toEqual([
      ['x', 60, ''],
      ['{a="1"}', 60, e.message],
    ]);
    expect(seen[0]!.params.start).toBe('1970-01-01T00:00:00.000Z');
    expect(seen[0]!.params.end).toBe('1970-01-01T00:02:00.000Z');
    expect(seen[0]!.stats.samples.totalQueryableSamples).toBe(3);
    eng.setQueryLogger(null);
    await eng.instantQuery(st, 'x', 0);
    expect(seen).toHaveLength(2);
  });

  it('reports evaluation errors as execution errors', async () => {
    const e = await errorOf(new Engine().instantQuery(st, '{a="1"} * 1', 0));
    expect(e.errorType).toBe('execution');
    expect(e.message).toBe('vector cannot contain metrics with the same labelset');
  });

  it('turns storage failures into internal errors', async () => {
    const broken: Queryable = {
      querier: () => {
        throw new StorageError('corrupt', 'chunk 7 of series 3 is corrupt');
      },
    };
    const e = await errorOf(new Engine().instantQuery(broken, 'up', 0));
    expect(e.errorType).toBe('internal');
    expect(e.message).toContain('chunk 7 of series 3 is corrupt');
  });

  it('enforces max samples', async () => {
    const e = await errorOf(new Engine({ maxSamples: 2 }).rangeQuery(st, 'x + y', 0, 2 * M, M));
    expect(e.errorType).toBe('execution');
    expect(e.message).toBe('query processing would load too many samples into memory in query execution');
    await expect(new Engine({ maxSamples: 100 }).rangeQuery(st, 'x + y', 0, 2 * M, M)).resolves.toBeTruthy();
  });

  it('times out with a typed error', async () => {
    const slow: Queryable = {
      querier: (mint, maxt) => {
        const q = st.querier(mint, maxt);
        return {
          ...q,
          select: (sort, hints, ms) => {
            const end = Date.now() + 30;
            while (Date.now() < end) {
              // simulate a slow store
            }
            return q.select(sort, hints, ms);
          },
          labelValues: q.labelValues.bind(q),
          labelNames: q.labelNames.bind(q),
          close: q.close.bind(q),
        };
      },
    };
    const e = await errorOf(new Engine({ timeoutMs: 5 }).rangeQuery(slow, 'x', 0, 1000 * M, M));
    expect(e.errorType).toBe('timeout');
    expect(e.message).toBe('query timed out in expression evaluation');
  });

  it('stops a cancelled query', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await errorOf(new Engine().instantQuery(st, 'x', 0, { signal: ac.signal }));
    expect(e.errorType).toBe('canceled');
  });

  it('keeps experimental syntax and @/negative offsets behind options', async () => {
    expect((await errorOf(new Engine().instantQuery(st, 'limitk(1, x)', 0))).errorType).toBe('bad_data');
    await expect(new Engine({ enableExperimentalFunctions: true }).instantQuery(st, 'limitk(1, x)', 0)).resolves.toBeTruthy();
    expect((await errorOf(new Engine({ enableAtModifier: false }).instantQuery(st, 'x @ 10', 0))).message).toBe('@ modifier is disabled');
    expect((await errorOf(new Engine({ enableNegativeOffset: false }).instantQuery(st, 'x offset -1m', 0))).message).toBe(
      'negative offset is disabled',
    );
  });
});

describe('engine: annotations, stats and options', () => {
  it('renders annotations as Prometheus does', async () => {
    const st = store([[{ __name__: 'requests', job: 'a' }, [0, 60, 120]]]);
    // The API forms append the position of the expression concerned, as Prometheus's API does.
    const r = await new Engine().instantQuery(st, 'rate(requests[2m])', 2 * M);
    expect(r.infos).toEqual(['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "requests" (1:6)']);
    const s = await new Engine().rangeQuery(st, 'sort(requests)', 0, M, M);
    expect(s.warnings).toEqual(['PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:1)']);
    const q = await new Engine().instantQuery(st, 'quantile(2, requests)', 0);
    expect(q.warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)']);
    // Lines and byte columns; a repeated text keeps the later position.
    // (Checked against Prometheus 3.14 with the same shape of query.)
    const t = await new Engine().instantQuery(st, 'rate(requests[2m])\n + {x="é"} + ignoring(x) rate(requests[2m])', 2 * M);
    expect(t.infos).toEqual(['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "requests" (2:32)']);
    // Sort inside a step-invariant range query runs once: no warning; inside a subquery it warns.
    expect((await new Engine().rangeQuery(st, 'sort(requests @ 60)', 0, M, M)).warnings).toEqual([]);
    expect((await new Engine().instantQuery(st, 'max_over_time(sort(requests)[2m:1m])', 2 * M)).warnings).toEqual([
      'PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:15)',
    ]);
    // execExpr without the query text gives the bare texts (as the test scripts compare them).
    const ng = new Engine();
    expect(ng.execExpr(st, ng.parseQuery('quantile(2, requests)'), 0, 0, 0).warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 2']);
  });

  it('merges forced-monotonicity infos of histogram_quantile and limits the API to 10 annotations of each kind', async () => {
    // Bucket le=0.5 falls below le=0.25 at two of the three steps (by 3 and by 1). Prometheus 3.14
    // merges the info's counter into itself at every step after the first (count = 2*count+1), plus
    // one per further occurrence: step 1 -> 1, step 2 -> (1+1)*2+1 = 5, printed as count+1 = 6.
    const b = (le: string, vals: number[]): [Record<string, string>, number[]] => [{ __name__: 'lat_bucket', le }, vals];
    const st = store([b('0.25', [10, 10, 10]), b('0.5', [7, 12, 9]), b('+Inf', [20, 20, 20])]);
    const r = await new Engine().rangeQuery(st, 'histogram_quantile(0.5, lat_bucket)', 0, 2 * M, M);
    const mono =
      'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)';
    expect(r.infos).toEqual([`${mono}, from buckets 0.5 to 0.5, with a max diff of 3, over 6 samples from 1970-01-01T00:00:00Z to 1970-01-01T00:02:00Z (1:25)`]);
    const i = await new Engine().instantQuery(st, 'histogram_quantile(0.5, lat_bucket)', 2 * M);
    expect(i.infos).toEqual([`${mono}, from buckets 0.5 to 0.5, with a max diff of 1, over 1 samples from 1970-01-01T00:02:00Z to 1970-01-01T00:02:00Z (1:25)`]);
    const many = Array.from({ length: 12 }, (_, i) => `quantile(${i + 2}, lat_bucket)`).join(' or ');
    const w = (await new Engine().instantQuery(st, many, 0)).warnings;
    expect(w).toHaveLength(11);
    expect(w[10]).toBe('2 more warning annotations omitted');
  });

  it('returns stats when asked', async () => {
    const st = store([[{ __name__: 'm' }, [1, 2, 3]]]);
    const r = await new Engine().rangeQuery(st, 'm', 0, 2 * M, M, { stats: true });
    expect(r.stats).not.toBeNull();
    expect(r.stats!.samples.totalQueryableSamples).toBe(3);
    expect(r.stats!.samples.peakSamples).toBeGreaterThanOrEqual(3);
    expect((await new Engine().rangeQuery(st, 'm', 0, 2 * M, M)).stats).toBeNull();
    const all = await new Engine().rangeQuery(st, 'count_over_time(m[90s])', 0, 2 * M, M, { stats: 'all' });
    expect(all.stats!.samples.totalQueryableSamplesPerStep).toEqual([
      [0, 1],
      [M, 2],
      [2 * M, 2],
    ]);
  });

  it('removes __name__ late only with delayed name removal', async () => {
    const st = store([[{ __name__: 'm_total', env: '1' }, [0, 60, 120]]]);
    const q = 'sum by (__name__) (rate(m_total[2m]))';
    expect(Object.keys(vec((await new Engine().instantQuery(st, q, 2 * M)).value))).toEqual(['{}']);
    const delayed = new Engine({ enableDelayedNameRemoval: true });
    expect(Object.keys(vec((await delayed.instantQuery(st, q, 2 * M)).value))).toEqual(['{}']);
    const keep = 'label_replace(rate(m_total[2m]), "__name__", "x", "", "")';
    expect(Object.keys(vec((await delayed.instantQuery(st, keep, 2 * M)).value))).toEqual(['{"__name__":"x","env":"1"}']);
  });

  it('uses start timestamps for counter resets only when enabled', async () => {
    const s = new MemStore();
    const ls = L({ __name__: 'd_total' });
    // A delta-like series: every sample starts where the previous one was taken.
    for (let i = 1; i <= 5; i++) s.add(ls, i * M, 60, null, (i - 1) * M);
    const q = 'increase(d_total[4m])';
    expect(vec((await new Engine().instantQuery(s, q, 5 * M)).value)).toEqual({ '{}': 0 });
    const withST = await new Engine({ enableStartTimestamps: true }).instantQuery(s, q, 5 * M);
    expect(vec(withST.value)['{}']).toBeCloseTo(240, 6);
  });
});

describe('function tables', () => {
  it('the implementation table and the parser signature table list the same functions', () => {
    const impl = Object.keys(FUNCTIONS).sort();
    const sigs = FUNCTION_LIST.map((f) => f.name).sort();
    expect(impl).toEqual(sigs);
  });
});
