/**
 * Runs Prometheus's own PromQL test scripts through the conformance runner with
 * --skip-native-histograms and fails on any failure not listed in known-failures.txt, or on a
 * listed entry that now passes; the scripts come from the Prometheus Go module (see upstream.ts),
 * and where they cannot be found the test is skipped with a line saying what to install. Runs
 * Vigil's own regression scripts (testdata/) the same way, where every eval must pass. Also checks
 * that the runner itself is not vacuous: wrong expectations fail, the implicit @-variants and
 * range-mode cross-checks really run, and the native-histogram skipping rule is exact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { children, type Expr } from '../../src/common/promql/ast';
import { parseExpr, ALL_PARSER_FEATURES } from '../../src/common/promql';
import { StaleNaN } from '../../src/common/model/value';
import { Engine } from '../../src/main/promql/engine';
import { runConformance, runScript } from '../../src/main/promql/promqltest';
import { MemStore } from '../../src/main/promql/promqltest/memstore';
import {
  almostEqual,
  CONFORMANCE_ENGINE_OPTS,
  containsAtUnsafeCall,
  execEval,
  loadInto,
  rewriteWithAt,
  type EvalContext,
} from '../../src/main/promql/promqltest/runner';
import { parseScript, type EvalCmd, type LoadCmd } from '../../src/main/promql/promqltest/script';
import type { QueryOpts, QueryResult } from '../../src/main/promql/value';
import type { Queryable } from '../../src/main/storage/interface';
import { findUpstreamTestdata } from './upstream';

const UPSTREAM = findUpstreamTestdata();
const OWN = path.resolve(__dirname, 'testdata');
const KNOWN = path.resolve(__dirname, 'known-failures.txt');

if (UPSTREAM.dir === null) console.warn(`conformance: skipped: ${UPSTREAM.reason}`);

function knownFailures(): Set<string> {
  const out = new Set<string>();
  for (const l of fs.readFileSync(KNOWN, 'utf8').split('\n')) {
    const t = l.trim();
    if (t === '' || t.startsWith('#')) continue;
    out.add(t);
  }
  return out;
}

describe('conformance: Prometheus test scripts', () => {
  it.skipIf(UPSTREAM.dir === null)('passes every eval not listed as a known failure, and no listed entry passes', async () => {
    const lines: string[] = [];
    const res = await runConformance(UPSTREAM.dir!, { skipNativeHistograms: true, json: false }, (l) => lines.push(l));
    const actual = new Set<string>();
    const details = new Map<string, string>();
    for (const f of res.files) {
      for (const fl of f.failures) {
        const k = `${fl.file}:${fl.line}`;
        actual.add(k);
        details.set(k, `${k}: ${fl.query}\n  ${fl.message}`);
      }
    }
    const known = knownFailures();
    const unexpected = [...actual].filter((k) => !known.has(k)).map((k) => details.get(k)!);
    const fixed = [...known].filter((k) => !actual.has(k));
    expect(unexpected, 'new conformance failures').toEqual([]);
    expect(fixed, 'listed in known-failures.txt but passing now: remove them').toEqual([]);
    expect(lines[lines.length - 2]).toBe(`${res.passed} passed, ${res.failed} failed`);
    expect(lines[lines.length - 1]).toBe(`${res.skipped} skipped`);
    // Sanity: the directory holds ~2,195 evals; most run even with native histograms skipped.
    expect(res.passed + res.failed + res.skipped).toBeGreaterThan(2000);
    expect(res.passed).toBeGreaterThan(1200);
  }, 120_000);
});

describe('conformance: Vigil regression scripts (test/promql/testdata)', () => {
  it('passes every eval, with nothing skipped', async () => {
    const lines: string[] = [];
    const res = await runConformance(OWN, { skipNativeHistograms: false, json: false }, (l) => lines.push(l));
    const failures = res.files.flatMap((f) => f.failures.map((fl) => `${fl.file}:${fl.line}: ${fl.query}\n  ${fl.message}`));
    expect(failures).toEqual([]);
    expect(res.skipped).toBe(0);
    expect(res.files.length).toBe(fs.readdirSync(OWN).filter((f) => f.endsWith('.test')).length);
    expect(res.passed).toBeGreaterThan(0);
  }, 120_000);
});

const SCRIPT = `
load 1m
  up{job="a"} 1 1 _ stale 0+2x2

eval instant at 1m up
  up{job="a"} 1

eval instant at 3m up

eval range from 4m to 6m step 1m up * 2
  {job="a"} 0 4 8
`;

describe('conformance runner', () => {
  it('passes a correct script and fails wrong values, wrong series and wrong kinds', () => {
    expect(runScript('ok.test', SCRIPT, { skipNativeHistograms: false })).toMatchObject({ passed: 3, failed: 0 });
    const bad = `
load 1m
  up{job="a"} 1 2 3

eval instant at 1m up
  up{job="a"} 3

eval instant at 1m up
  up{job="b"} 2

eval instant at 0 1 + 1
  3

eval range from 0 to 2m step 1m up
  up{job="a"} 1 2 4

eval instant at 1m up
  expect fail

eval instant at 1m sum(up) / 0
  expect warn
  {} +Inf
`;
    const r = runScript('bad.test', bad, { skipNativeHistograms: false });
    expect(r.passed).toBe(0);
    expect(r.failures.map((f) => f.line)).toEqual([5, 8, 11, 14, 17, 20]);
    expect(r.failures[0]!.message).toContain('expected 3');
  });

  it('reports script errors at their line and goes on', () => {
    const r = runScript('err.test', 'frobnicate 1\n\neval instant at 0 1\n  1\n', { skipNativeHistograms: false });
    expect(r.failures).toEqual([{ file: 'err.test', line: 1, query: '', message: expect.stringContaining('invalid command') }]);
    expect(r.passed).toBe(1);
  });

  it('checks error messages and annotations exactly', () => {
    const s = `
load 1m
  x{a="1"} 1
  x{a="2"} 2

eval instant at 0 count_values("a\\xc5z", x)
  expect fail msg:invalid label name "a\\xc5z"

eval instant at 0 count_values("a\\xc5z", x)
  expect fail msg:something else

eval range from 0 to 1m step 1m sort(x)
  expect warn msg: PromQL warning: sort is ineffective for range queries since results are always ordered by labels
  x{a="1"} 1 1
  x{a="2"} 2 2

eval range from 0 to 1m step 1m x
  expect warn
  x{a="1"} 1 1
  x{a="2"} 2 2
`;
    const r = runScript('msg.test', s, { skipNativeHistograms: false });
    expect(r.failures.map((f) => f.line)).toEqual([9, 17]);
  });

  it('runs the @-variants and the range-mode cross-check for instant evals', () => {
    const calls: [number, number, number][] = [];
    class SpyEngine extends Engine {
      override execExpr(q: Queryable, expr: Expr, s: number, e: number, step: number, opts?: QueryOpts): QueryResult {
        calls.push([s, e, step]);
        return super.execExpr(q, expr, s, e, step, opts);
      }
    }
    const parse = (q: string): Expr => parseExpr(q, ALL_PARSER_FEATURES);
    const ctx: EvalContext = { engine: new SpyEngine(CONFORMANCE_ENGINE_OPTS), store: new MemStore(), parse };
    const cmds = parseScript(SCRIPT, { checkExpr: (q) => void parse(q), compileRegex: (p) => new RegExp(p) });
    loadInto(ctx.store, cmds[0] as LoadCmd);
    expect(execEval(ctx, cmds[1] as EvalCmd)).toBeNull();
    const T = 60_000;
    const instants = calls.filter(([s, e, st]) => s === e && st === 0).map(([s]) => s);
    const ranges = calls.filter(([, , st]) => st !== 0);
    expect(instants).toEqual([T, -10 * T, 0, T / 5, T, 10 * T]);
    expect(ranges).toHaveLength(6);
    expect(ranges[0]).toEqual([0, 2 * T, T]);
  });

  it('rewrites selectors with @ but leaves subquery insides and explicit @ alone', () => {
    const e = parseExpr('rate(a[5m]) + b @ 10 + sum_over_time(c[5m:1m])', ALL_PARSER_FEATURES);
    rewriteWithAt(e, 42_000);
    const seen: Record<string, number | null> = {};
    const walk = (n: Expr): void => {
      if (n.kind === 'VectorSelector') seen[n.name] = n.timestamp;
      if (n.kind === 'SubqueryExpr') seen['subquery'] = n.timestamp;
      for (const c of children(n)) walk(c);
    };
    walk(e);
    expect(seen).toEqual({ a: 42_000, b: 10_000, c: null, subquery: 42_000 });
    expect(containsAtUnsafeCall(parseExpr('timestamp(up)', ALL_PARSER_FEATURES))).toBe(true);
    expect(containsAtUnsafeCall(parseExpr('sum_over_time(minute()[5m:1m] @ 60)', ALL_PARSER_FEATURES))).toBe(false);
  });

  it('skips exactly the evals that involve native histograms', () => {
    const s = `
load 1m
  h {{count:1 sum:1}}
  f 1

eval instant at 0 f
  f 1

eval instant at 0 h
  h {{count:1 sum:1}}

eval instant at 0 count({__name__=~"f|h"})
  {} 2

eval instant at 0 vector(1)
  {} {{count:1}}

eval instant at 0 f * 2
  {} 2
`;
    const r = runScript('skip.test', s, { skipNativeHistograms: true });
    expect(r).toMatchObject({ passed: 2, skipped: 3, failed: 0 });
    const all = runScript('skip.test', s, { skipNativeHistograms: false });
    expect(all.passed + all.failed).toBe(5);
  });

  it('compares floats like almost.Equal, with stale markers only equal to stale markers', () => {
    expect(almostEqual(1, 1 + 1e-9)).toBe(true);
    expect(almostEqual(1, 1.001)).toBe(false);
    expect(almostEqual(NaN, NaN)).toBe(true);
    expect(almostEqual(StaleNaN, NaN)).toBe(false);
    expect(almostEqual(StaleNaN, StaleNaN)).toBe(true);
    expect(almostEqual(0, 1e-300)).toBe(false);
    expect(almostEqual(Infinity, Infinity)).toBe(true);
  });
});
