/**
 * The engine caches parsed queries and runs each execution on a copy: a tree mutated by one
 * execution (offsets resolved for `@`, step-invariant wrapping, subquery times) must not leak
 * into the next. Every query here runs through one long-lived engine in a mixed order and is
 * compared with a fresh engine that parses it anew.
 */
import { describe, expect, it } from 'vitest';
import { labelsFromRecord } from '../../src/common/model/labels';
import { Engine, ParseCache, cloneTree } from '../../src/main/promql/engine';
import { MemStore } from '../../src/main/promql/promqltest/memstore';
import { QueryError, type QueryResult } from '../../src/main/promql/value';

const M = 60_000;

function data(): MemStore {
  const s = new MemStore();
  for (let i = 0; i <= 120; i++) {
    s.add(labelsFromRecord({ __name__: 'reqs', job: 'a', instance: 'x' }), i * M, i * 10, null);
    s.add(labelsFromRecord({ __name__: 'reqs', job: 'b', instance: 'y' }), i * M, i * i, null);
    s.add(labelsFromRecord({ __name__: 'temp', job: 'a' }), i * M, Math.sin(i / 7) * 50, null);
  }
  return s;
}

const QUERIES = [
  'rate(reqs[5m])',
  'reqs @ 3600',
  'reqs @ end() offset 10m',
  'sum by (job) (rate(reqs[10m] @ start()))',
  'max_over_time(temp[30m:1m] @ 5400)',
  'avg_over_time(rate(reqs[5m])[20m:2m] offset 5m)',
  'temp > bool 10',
  'time() - timestamp(reqs @ 1800)',
];

function plain(r: QueryResult): unknown {
  return JSON.parse(JSON.stringify(r.value));
}

describe('parsed-query cache', () => {
  it('gives every execution the result of a fresh parse, whatever ran before', () => {
    const store = data();
    const cached = new Engine({});
    const runs: [string, 'i' | 'r', number][] = [];
    for (let round = 0; round < 3; round++) {
      for (const q of QUERIES) {
        runs.push([q, 'i', (40 + round * 17) * M]);
        runs.push([q, 'r', (60 + round * 11) * M]);
      }
    }
    for (const [q, kind, t] of runs) {
      const fresh = new Engine({});
      const a = kind === 'i' ? cached.execInstant(store, q, t) : cached.execRange(store, q, t - 30 * M, t, 3 * M);
      const b = kind === 'i' ? fresh.execInstant(store, q, t) : fresh.execRange(store, q, t - 30 * M, t, 3 * M);
      expect(plain(a), `${kind} ${q} at ${t}`).toEqual(plain(b));
    }
  });

  it('resolves duration expressions per execution (the step and range of each query)', () => {
    const store = data();
    const cached = new Engine({ enableDurationExpressions: true });
    for (const [q, step, range] of [
      ['sum_over_time(reqs[step() * 3])', 1, 20],
      ['sum_over_time(reqs[step() * 3])', 4, 20],
      ['count_over_time(reqs[range()])', 2, 10],
      ['count_over_time(reqs[range()])', 2, 40],
      ['sum_over_time(reqs[step() * 3])', 2, 30],
    ] as const) {
      const t = 100 * M;
      const a = cached.execRange(store, q, t - range * M, t, step * M);
      const b = new Engine({ enableDurationExpressions: true }).execRange(store, q, t - range * M, t, step * M);
      expect(plain(a), `${q} step ${step}m range ${range}m`).toEqual(plain(b));
    }
  });

  it('still reports a syntax error on every execution, and the flags are part of the key', () => {
    const e = new Engine({});
    for (let i = 0; i < 2; i++) expect(() => e.execInstant(data(), 'sum(', 0)).toThrow(QueryError);
    const q = 'sort_by_label(reqs, "job")';
    // Experimental functions are off: the query is refused; switched on, the same text parses.
    expect(() => e.execInstant(data(), q, 10 * M)).toThrow(/is not enabled/);
    (e.opts as { enableExperimentalFunctions: boolean }).enableExperimentalFunctions = true;
    expect(e.execInstant(data(), q, 10 * M).value.type).toBe('vector');
  });

  it('copies plain nodes and shares the immutable matchers', () => {
    const tree = new Engine({}).parseQuery('rate(reqs{job=~"a|b"}[5m])') as unknown as { args: { vectorSelector: { matchers: unknown[]; offset: number } }[] };
    const copy = cloneTree(tree);
    expect(copy).not.toBe(tree);
    expect(copy.args[0]!.vectorSelector).not.toBe(tree.args[0]!.vectorSelector);
    expect(copy.args[0]!.vectorSelector.matchers[0]).toBe(tree.args[0]!.vectorSelector.matchers[0]);
    copy.args[0]!.vectorSelector.offset = 12345;
    expect(tree.args[0]!.vectorSelector.offset).not.toBe(12345);
  });

  it('hands out copies: what one execution changes in its tree, the next does not see', () => {
    const engine = new Engine({});
    const cache = new ParseCache(2);
    let parses = 0;
    const parse = (q: string) => () => {
      parses++;
      return engine.parseQuery(q);
    };
    const first = cache.get('a', parse('rate(reqs[5m]) + reqs @ 60')) as unknown as { lhs: unknown; rhs: unknown };
    first.lhs = 'changed';
    first.rhs = null;
    const second = cache.get('a', parse('rate(reqs[5m]) + reqs @ 60')) as unknown as { lhs: { kind: string }; rhs: { kind: string } };
    expect(parses).toBe(1);
    expect(second.lhs.kind).toBe('Call');
    expect(second.rhs.kind).toBe('VectorSelector');
    // Bounded: the least recently used tree goes first.
    cache.get('b', parse('reqs'));
    cache.get('a', parse('rate(reqs[5m]) + reqs @ 60'));
    cache.get('c', parse('temp'));
    expect(cache.size).toBe(2);
    expect(parses).toBe(3);
    cache.get('a', parse('rate(reqs[5m]) + reqs @ 60'));
    expect(parses).toBe(3);
    cache.get('b', parse('reqs'));
    expect(parses).toBe(4);
  });
});
