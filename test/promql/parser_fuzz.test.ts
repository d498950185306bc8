/**
 * Property tests for the parser entry points: on any input (random strings, random mutations of
 * the conformance queries, random grammar-generated queries) parseExpr returns an Expr or throws a
 * ParseError, never another exception, within a bounded time; successful results can always be
 * printed, prettified and translated to JSON. Seeds are fixed; set PROMQL_FUZZ_SEED and
 * PROMQL_FUZZ_SCALE to explore more.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_PARSER_FEATURES,
  ParseError,
  type ParserOptions,
  exprToString,
  parseExpr,
  parseMetricSelector,
  parseSeriesDesc,
  prettify,
  translateAST,
} from '../../src/common/promql';
import { mulberry32, mutateQuery, randomQuery, type Rng, scriptQueries, scriptSeriesLines } from './parser/generators';

const SEED = Number(process.env.PROMQL_FUZZ_SEED ?? 424242);
const SCALE = Number(process.env.PROMQL_FUZZ_SCALE ?? 1);
/** A hang detector, not a speed goal: the parser takes microseconds per query. */
const MAX_MS_PER_INPUT = 1000;

function randomString(r: Rng): string {
  const alphabet = 'abcxyz_:019.eE+-*/%^=!~<>(){}[],@"\'`#\\ \t\nmshdwyoffsetbysumrate';
  const n = Math.floor(r() * 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.8) s += alphabet[Math.floor(r() * alphabet.length)];
    else if (k < 0.9) s += String.fromCharCode(Math.floor(r() * 0x80));
    else if (k < 0.95) s += String.fromCharCode(Math.floor(r() * 0x10000)); // includes lone surrogates
    else s += String.fromCodePoint(0x10000 + Math.floor(r() * 0x10000));
  }
  return s;
}

interface Outcome {
  ok: number;
  errors: number;
  maxMs: number;
  problems: string[];
}

function check(input: string, opts: ParserOptions, out: Outcome): void {
  const t0 = performance.now();
  try {
    const e = parseExpr(input, opts);
    exprToString(e);
    prettify(e);
    JSON.stringify(translateAST(e));
    // The printed form is PromQL again: it parses or fails with a ParseError, never crashes.
    try {
      parseExpr(exprToString(e), opts);
    } catch (err) {
      if (!(err instanceof ParseError)) out.problems.push(`re-parse of printed ${JSON.stringify(input)} threw ${String(err)}`);
    }
    out.ok++;
  } catch (err) {
    if (err instanceof ParseError) {
      out.errors++;
      if (typeof err.format() !== 'string' || err.positionRange.start < 0 || err.positionRange.start > input.length) {
        out.problems.push(`bad error for ${JSON.stringify(input)}: ${err.format()}`);
      }
    } else {
      out.problems.push(`${JSON.stringify(input)} threw ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  const ms = performance.now() - t0;
  out.maxMs = Math.max(out.maxMs, ms);
  if (ms > MAX_MS_PER_INPUT) out.problems.push(`${JSON.stringify(input)} took ${ms.toFixed(0)} ms`);
}

function newOutcome(): Outcome {
  return { ok: 0, errors: 0, maxMs: 0, problems: [] };
}

describe('parser fuzz', () => {
  it('random strings: Expr or ParseError', () => {
    const r = mulberry32(SEED);
    const out = newOutcome();
    for (let i = 0; i < 20000 * SCALE; i++) check(randomString(r), r() < 0.5 ? ALL_PARSER_FEATURES : {}, out);
    expect(out.problems.slice(0, 10)).toEqual([]);
    expect(out.ok + out.errors).toBe(20000 * SCALE);
    expect(out.errors).toBeGreaterThan(0);
  });

  it('mutations of the conformance queries: Expr or ParseError', () => {
    const r = mulberry32(SEED + 1);
    const queries = scriptQueries().map((s) => s.q);
    const out = newOutcome();
    for (let i = 0; i < 20000 * SCALE; i++) {
      const q = queries[Math.floor(r() * queries.length)]!;
      let m = mutateQuery(r, q, queries);
      if (r() < 0.3) m = mutateQuery(r, m, queries);
      check(m, r() < 0.8 ? ALL_PARSER_FEATURES : {}, out);
    }
    expect(out.problems.slice(0, 10)).toEqual([]);
    // Mutations keep a good share of valid queries, so both outcomes are exercised.
    expect(out.ok).toBeGreaterThan(1000);
    expect(out.errors).toBeGreaterThan(1000);
  });

  it('grammar-generated queries: Expr or ParseError', () => {
    const r = mulberry32(SEED + 2);
    const out = newOutcome();
    for (let i = 0; i < 10000 * SCALE; i++) check(randomQuery(r, 0.3), r() < 0.8 ? ALL_PARSER_FEATURES : {}, out);
    expect(out.problems.slice(0, 10)).toEqual([]);
    expect(out.ok).toBeGreaterThan(500);
  });

  it('every prefix of long queries: Expr or ParseError', () => {
    const out = newOutcome();
    const queries = scriptQueries().map((s) => s.q).filter((q) => q.length > 80).slice(0, 60);
    for (const q of queries) for (let i = 0; i <= q.length; i++) check(q.slice(0, i), ALL_PARSER_FEATURES, out);
    expect(out.problems.slice(0, 10)).toEqual([]);
  });

  it('series descriptions and metric selectors: result or ParseError', () => {
    const r = mulberry32(SEED + 3);
    const lines = scriptSeriesLines();
    const problems: string[] = [];
    const tryIt = (what: string, f: () => unknown) => {
      try {
        f();
      } catch (err) {
        if (!(err instanceof ParseError)) problems.push(`${what} threw ${err instanceof Error ? err.stack : String(err)}`);
      }
    };
    for (let i = 0; i < 10000 * SCALE; i++) {
      const line = lines[Math.floor(r() * lines.length)]!;
      const m = mutateQuery(r, line, lines);
      tryIt(`series ${JSON.stringify(m)}`, () => parseSeriesDesc(m, { maxValues: 100000 }));
      const s = r() < 0.5 ? randomString(r) : mutateQuery(r, 'foo{a="b", c=~"d.*"}');
      tryIt(`selector ${JSON.stringify(s)}`, () => parseMetricSelector(s));
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });
});
