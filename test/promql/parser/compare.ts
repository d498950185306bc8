/**
 * compareWithOracle runs Vigil's parser on one oracle record (a query plus Prometheus's result for
 * it) and returns a list of human-readable differences (empty when they agree).
 */
import { ParseError, ParseErrors } from '../../../src/common/promql/errors';
import { ALL_PARSER_FEATURES, parseExpr, parseMetricSelector } from '../../../src/common/promql/parser';
import { exprToString, prettify } from '../../../src/common/promql/printer';
import { translateAST } from '../../../src/common/promql/json';
import { parseSeriesDesc } from '../../../src/common/promql/seriesdesc';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bytePos, compactDump, compactValues, type Dump, dumpExpr, fmtFloat, normalizeOracleDump } from './dump';
import type { Expr } from '../../../src/common/promql/ast';

export interface OracleRecord {
  q: string;
  mode?: string;
  opts?: string;
  error?: string;
  errors?: Array<{ s: number; e: number; m: string }>;
  ast?: Dump;
  string?: string;
  pretty?: string;
  json?: Dump;
  panic?: string;
  labels?: Record<string, string>;
  values?: Dump[];
  matchers?: string[][];
}

function canon(d: unknown): string {
  return JSON.stringify(d, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v as object).sort()) o[k] = (v as Record<string, unknown>)[k];
      return o;
    }
    return v;
  });
}

export interface CompareOptions {
  /** fullErrors compares every error, not just the first. */
  fullErrors?: boolean;
}

export function compareWithOracle(rec: OracleRecord, copts: CompareOptions = {}): string[] {
  const diffs: string[] = [];
  const opts = rec.opts === 'none' ? {} : ALL_PARSER_FEATURES;
  const mode = rec.mode ?? 'expr';
  let err: unknown = null;
  let expr: Expr | null = null;
  let other: unknown = null;
  try {
    if (mode === 'expr') expr = parseExpr(rec.q, opts);
    else if (mode === 'selector') other = parseMetricSelector(rec.q).map((m) => [m.type, m.name, m.value]);
    else {
      const sd = parseSeriesDesc(rec.q);
      other = {
        labels: Object.fromEntries(sd.labels.map((l) => [l.name, l.value])),
        values: sd.values.map((v) => {
          if (v.kind === 'omitted') return '_';
          if (v.kind === 'float') return fmtFloat(v.value);
          const h = v.histogram;
          return {
            schema: h.schema, zt: fmtFloat(h.zeroThreshold), zc: fmtFloat(h.zeroCount), count: fmtFloat(h.count), sum: fmtFloat(h.sum),
            ps: h.positiveSpans.map((s) => [s.offset, s.length]), pb: h.positiveBuckets.map(fmtFloat),
            ns: h.negativeSpans.map((s) => [s.offset, s.length]), nb: h.negativeBuckets.map(fmtFloat),
            cv: (h.customValues ?? []).map(fmtFloat), hint: h.counterResetHint, hintSet: v.counterResetHintSet,
          };
        }),
      };
    }
  } catch (e) {
    if (!(e instanceof ParseError)) {
      diffs.push(`threw non-ParseError: ${String(e)}${e instanceof Error && e.stack ? '\n' + e.stack : ''}`);
      return diffs;
    }
    err = e;
  }
  if (rec.error !== undefined) {
    if (!err) {
      diffs.push(`expected error ${JSON.stringify(rec.error)}, got success`);
      return diffs;
    }
    const pe = err as ParseErrors;
    if (pe.format() !== rec.error) diffs.push(`error: want ${JSON.stringify(rec.error)} got ${JSON.stringify(pe.format())}`);
    const want = rec.errors ?? [];
    const got = (pe.errors ?? [pe]).map((x) => {
      const [s, e] = bytePos(rec.q, x.positionRange);
      return { s, e, m: x.message };
    });
    const n = copts.fullErrors ? Math.max(want.length, got.length) : 1;
    for (let i = 0; i < n; i++) {
      if (canon(want[i]) !== canon(got[i])) diffs.push(`errors[${i}]: want ${canon(want[i])} got ${canon(got[i])}`);
    }
    return diffs;
  }
  if (err) {
    diffs.push(`unexpected error ${(err as ParseError).format()}`);
    return diffs;
  }
  if (mode === 'expr') {
    const got = dumpExpr(rec.q, expr);
    const want = normalizeOracleDump(rec.ast ?? null);
    if (canon(got) !== canon(want)) diffs.push(`ast:\n  want ${canon(want)}\n  got  ${canon(got)}`);
    const s = exprToString(expr!);
    if (s !== rec.string) diffs.push(`string: want ${JSON.stringify(rec.string)} got ${JSON.stringify(s)}`);
    const p = prettify(expr!);
    if (p !== rec.pretty) diffs.push(`pretty: want ${JSON.stringify(rec.pretty)} got ${JSON.stringify(p)}`);
    const j = translateAST(expr);
    if (rec.json && !(typeof rec.json === 'object' && rec.json !== null && 'unencodable' in rec.json) && JSON.stringify(j) !== JSON.stringify(rec.json)) {
      diffs.push(`json:\n  want ${JSON.stringify(rec.json)}\n  got  ${JSON.stringify(j)}`);
    }
  } else if (mode === 'selector') {
    if (canon(other) !== canon(rec.matchers)) diffs.push(`matchers: want ${canon(rec.matchers)} got ${canon(other)}`);
  } else {
    const labels = Object.fromEntries(Object.entries(rec.labels ?? {}).filter(([, v]) => v !== ''));
    const want = { labels, values: rec.values ?? [] };
    if (canon(other) !== canon(want)) diffs.push(`series:\n  want ${canon(want)}\n  got  ${canon(other)}`);
  }
  return diffs;
}

/** FixtureRecord is one line of ../fixtures/*.jsonl (see oracle/make-fixtures.ts). */
export interface FixtureRecord {
  q: string;
  mode?: 'expr' | 'selector' | 'series';
  opts?: 'all' | 'none';
  error?: string;
  range?: [number, number];
  ast?: Dump;
  string?: string;
  pretty?: string;
  json?: Dump;
  labels?: Record<string, string>;
  values?: Dump;
  matchers?: string[][];
}

function histogramDump(h: import('../../../src/common/model/histogram').FloatHistogram, hintSet: boolean): Dump {
  return {
    schema: h.schema, zt: fmtFloat(h.zeroThreshold), zc: fmtFloat(h.zeroCount), count: fmtFloat(h.count), sum: fmtFloat(h.sum),
    ps: h.positiveSpans.map((s) => [s.offset, s.length]), pb: h.positiveBuckets.map(fmtFloat),
    ns: h.negativeSpans.map((s) => [s.offset, s.length]), nb: h.negativeBuckets.map(fmtFloat),
    cv: (h.customValues ?? []).map(fmtFloat), hint: h.counterResetHint, hintSet,
  };
}

/** checkFixture compares Vigil's parser with one golden fixture record; returns the differences. */
export function checkFixture(rec: FixtureRecord): string[] {
  const diffs: string[] = [];
  const opts = rec.opts === 'none' ? {} : ALL_PARSER_FEATURES;
  const mode = rec.mode ?? 'expr';
  let result: unknown;
  try {
    if (mode === 'expr') result = parseExpr(rec.q, opts);
    else if (mode === 'selector') result = parseMetricSelector(rec.q).map((m) => [m.type, m.name, m.value]);
    else {
      const sd = parseSeriesDesc(rec.q);
      result = {
        labels: Object.fromEntries(sd.labels.map((l) => [l.name, l.value])),
        values: compactValues(sd.values.map((v) => (v.kind === 'omitted' ? '_' : v.kind === 'float' ? fmtFloat(v.value) : histogramDump(v.histogram, v.counterResetHintSet)))),
      };
    }
  } catch (e) {
    if (!(e instanceof ParseError)) return [`threw ${e instanceof Error ? e.stack : String(e)}`];
    if (rec.error === undefined) return [`unexpected error ${e.format()}`];
    if (e.format() !== rec.error) diffs.push(`error: want ${JSON.stringify(rec.error)} got ${JSON.stringify(e.format())}`);
    const got = bytePos(rec.q, e.positionRange);
    if (rec.range && (got[0] !== rec.range[0] || got[1] !== rec.range[1])) diffs.push(`range: want ${JSON.stringify(rec.range)} got ${JSON.stringify(got)}`);
    return diffs;
  }
  if (rec.error !== undefined) return [`expected error ${JSON.stringify(rec.error)}, parsed fine`];
  if (mode === 'expr') {
    const e = result as Expr;
    const ast = compactDump(dumpExpr(rec.q, e));
    if (canon(ast) !== canon(rec.ast)) diffs.push(`ast:\n  want ${canon(rec.ast)}\n  got  ${canon(ast)}`);
    const s = exprToString(e);
    if (s !== rec.string) diffs.push(`string: want ${JSON.stringify(rec.string)} got ${JSON.stringify(s)}`);
    const p = prettify(e);
    if (p !== (rec.pretty ?? rec.string)) diffs.push(`pretty: want ${JSON.stringify(rec.pretty ?? rec.string)} got ${JSON.stringify(p)}`);
    if (rec.json !== undefined && !(rec.json && typeof rec.json === 'object' && 'unencodable' in rec.json)) {
      const j = translateAST(e);
      if (JSON.stringify(j) !== JSON.stringify(rec.json)) diffs.push(`json:\n  want ${JSON.stringify(rec.json)}\n  got  ${JSON.stringify(j)}`);
    }
  } else if (mode === 'selector') {
    if (canon(result) !== canon(rec.matchers)) diffs.push(`matchers: want ${canon(rec.matchers)} got ${canon(result)}`);
  } else {
    // Vigil's label sets never hold empty values (empty means absent), so `{a=""}` loses `a`.
    const labels = Object.fromEntries(Object.entries(rec.labels ?? {}).filter(([, v]) => v !== ''));
    const want = { labels, values: rec.values ?? [] };
    if (canon(result) !== canon(want)) diffs.push(`series:\n  want ${canon(want)}\n  got  ${canon(result)}`);
  }
  return diffs;
}

/** readFixture reads a JSONL fixture file of this directory. */
export function readFixture(name: string): FixtureRecord[] {
  return readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FixtureRecord);
}
