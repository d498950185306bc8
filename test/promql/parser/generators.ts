/**
 * Seeded generators of PromQL inputs for the parser's golden and fuzz tests: random mutations of
 * real queries (prefixes, deletions, insertions of tokens and fragments) and random expressions
 * from a grammar with occasional corruption. Deterministic for a given seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { mulberry32, type Rng } from '../../../src/common/util/random';

export { mulberry32, type Rng };

function pick<T>(r: Rng, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)]!;
}

/** CONFORMANCE_DIR is the upstream PromQL test scripts, beside the repository (CI has it). */
export const CONFORMANCE_DIR = path.resolve(__dirname, '../../../../shared/conformance/promql');

/** ScriptQuery is one `eval` query of a test script. */
export interface ScriptQuery {
  file: string;
  line: number;
  q: string;
}

/** scriptQueries returns the query of every eval command in the conformance scripts. */
export function scriptQueries(dir = CONFORMANCE_DIR): ScriptQuery[] {
  const out: ScriptQuery[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((raw, i) => {
      const l = raw.trim();
      if (!l.split(/\s+/)[0]!.toLowerCase().startsWith('eval')) return;
      const m = /^\S+\s+instant\s+at\s+\S+\s+(.*)$/.exec(l) ?? /^\S+\s+range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+\s+(.*)$/.exec(l);
      if (!m) throw new Error(`${file}:${i + 1}: cannot find the query of ${JSON.stringify(l)}`);
      out.push({ file, line: i + 1, q: m[1]! });
    });
  }
  return out;
}

/** scriptSeriesLines returns every series line (load bodies and expected results) of the scripts, without `@st` lines. */
export function scriptSeriesLines(dir = CONFORMANCE_DIR): string[] {
  const out: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
    let mode: 'load' | 'eval' | null = null;
    for (const raw of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const l = raw.trim();
      if (l === '' || l.startsWith('#')) {
        mode = null;
        continue;
      }
      const w = l.split(/\s+/)[0]!.toLowerCase();
      if (w.startsWith('load')) {
        mode = 'load';
        continue;
      }
      if (w.startsWith('eval')) {
        mode = 'eval';
        continue;
      }
      if (w === 'clear' || !mode) {
        mode = null;
        continue;
      }
      if (mode === 'eval') {
        if (w === 'expect' || w === 'expected_fail_message' || w === 'expected_fail_regexp') continue;
        if (/^[-+]?(0x[0-9a-f]+|[0-9.]+(e[-+]?[0-9]+)?|inf|nan)$/i.test(l)) continue;
      }
      if (/^\S+@st\s/.test(l)) continue;
      out.push(l);
    }
  }
  return out;
}

const SNIPPETS = [
  '(', ')', '[', ']', '{', '}', ',', ':', '@', '+', '-', '*', '/', '^', '%', '==', '!=', '>', '<', '>=', '<=', '=~', '!~', '=', '!',
  ' by ', ' without ', ' on ', ' ignoring ', ' group_left ', ' group_right ', ' bool ', ' offset ', ' and ', ' or ', ' unless ', ' atan2 ',
  '5m', '1', '0', '-1', '1.5', 'Inf', 'NaN', '"s"', "'x'", '`r`', 'foo', 'sum', 'rate', 'step()', 'range()', 'start()', 'end()', 'min_of(',
  'max_of(', ' anchored', ' smoothed', ' fill(0)', ' fill_left(1)', ' fill_right(2)', '#c\n', '\n', ' ', '0x1F', '1e3', '1_000', '__name__',
  '"a.b"', 'topk(', 'count_values(', '</', '>/', '..', '\\', '$', '[5m:', ':1m]', '{a="b"}', 'é', '\u00a0', '😀',
];

/** mutateQuery returns a random mutation of q. */
export function mutateQuery(r: Rng, q: string, donors: readonly string[] = []): string {
  const k = r();
  const i = Math.floor(r() * (q.length + 1));
  const j = Math.min(q.length, i + 1 + Math.floor(r() * 4));
  if (k < 0.25) return q.slice(0, i);
  if (k < 0.45) return q.slice(0, i) + q.slice(j);
  if (k < 0.75) return q.slice(0, i) + pick(r, SNIPPETS) + q.slice(i);
  if (k < 0.9 || donors.length === 0) return q.slice(0, i) + pick(r, SNIPPETS) + q.slice(j);
  const o = pick(r, donors);
  const p = Math.floor(r() * o.length);
  return q.slice(0, i) + o.slice(p, p + 1 + Math.floor(r() * 10)) + q.slice(j);
}

const NAMES = ['foo', 'bar', 'a', 'b_c', 'x:y', 'sum', 'by', 'offset', 'start', 'step', 'anchored', 'fill', 'and', 'inf', 'NaN', 'Inf', 'min_of', 'range'];
const FUNCS = [
  'rate', 'abs', 'time', 'vector', 'scalar', 'label_replace', 'round', 'clamp', 'histogram_quantile', 'info', 'sort_by_label', 'step', 'start',
  'end', 'range', 'min_of', 'max_of', 'pi', 'count_over_time', 'nosuch', 'Rate', 'double_exponential_smoothing', 'mad_over_time', 'days_in_month',
  'label_join',
];
const AGGS = ['sum', 'avg', 'count', 'min', 'max', 'topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio', 'group', 'stddev', 'SUM'];
const PARAM_AGGS = new Set(['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);
const BINOPS = ['+', '-', '*', '/', '%', '^', 'atan2', '==', '!=', '>', '<', '>=', '<=', 'and', 'or', 'unless', '</', '>/'];
const DURS = ['5m', '1h', '30s', '0', '1', '1.5', '300', '2m', '0s', '1ms', '10y', '-1m', '1m30s', '1h1m', '1hs', 'step()', 'range()', 'STEP()'];
const CORRUPT = ['(', ')', '[', ']', '{', '}', ',', ':', '@', 'by', 'offset', '"', "'", '#', '\n', '==', '=', '!', '~', '.', '5m', 'x', ' '];

/** randomQuery returns a random, mostly well-formed query; corrupt controls how often it is damaged. */
export function randomQuery(r: Rng, corrupt = 0.3): string {
  const chance = (p: number) => r() < p;
  const dur = (d = 0): string => {
    if (d > 2 || chance(0.5)) return pick(r, DURS);
    const k = r();
    if (k < 0.3) return dur(d + 1) + pick(r, ['+', '-', '*', '/', '%', '^', ' + ', ' * ']) + dur(d + 1);
    if (k < 0.5) return '(' + dur(d + 1) + ')';
    if (k < 0.65) return pick(r, ['-', '+']) + dur(d + 1);
    if (k < 0.8) return pick(r, ['min_of', 'max_of']) + '(' + dur(d + 1) + ', ' + dur(d + 1) + ')';
    return pick(r, DURS);
  };
  const matcher = (): string => {
    if (chance(0.1)) return '"' + pick(r, ['foo', 'a.b', '']) + '"';
    return pick(r, ['a', 'job', '__name__', '"a.b"', 'x', 'on', 'by']) + pick(r, ['=', '!=', '=~', '!~']) + pick(r, ['"x"', '""', "'y'", '`z`', '".*"', '"a|b"', '".+"', '"(a"']);
  };
  const selector = (): string => {
    let s = chance(0.8) ? pick(r, NAMES) : '';
    if (chance(0.5) || s === '') s += '{' + Array.from({ length: Math.floor(r() * 3) }, matcher).join(pick(r, [',', ', '])) + (chance(0.1) ? ',' : '') + '}';
    return s;
  };
  const mods = (e: string): string => {
    if (chance(0.3)) e += '[' + dur() + (chance(0.3) ? ':' + (chance(0.3) ? '' : dur()) : '') + ']';
    if (chance(0.15)) e += pick(r, [' anchored', ' smoothed']);
    if (chance(0.2)) e += ' offset ' + (chance(0.3) ? pick(r, ['-', '+', '--']) : '') + dur();
    if (chance(0.15)) e += ' @ ' + pick(r, ['10', '-5', '+1.5', 'start()', 'end()', '1m', 'Inf', '1e20', '1.0005']);
    return e;
  };
  const labels = () => '(' + Array.from({ length: Math.floor(r() * 3) }, () => pick(r, ['a', 'b', 'job', '"x.y"', 'on', 'bool', 'sum', 'without', '1', '""'])).join(', ') + ')';
  const expr = (d = 0): string => {
    const k = r();
    if (d > 3 || k < 0.2) return mods(selector());
    if (k < 0.3) return pick(r, ['1', '2.5', '-3', '0x1F', '5m', 'Inf', '-NaN', '1e3', '1_000', '08', '0755', '.5', '"str"', "'s'"]);
    if (k < 0.5) {
      let m = '';
      if (chance(0.2)) m += ' bool';
      if (chance(0.3)) {
        m += pick(r, [' on', ' ignoring']) + labels();
        if (chance(0.5)) m += pick(r, [' group_left', ' group_right']) + (chance(0.6) ? labels() : '');
      }
      if (chance(0.15)) m += pick(r, [' fill(0)', ' fill_left(1)', ' fill_right(-2)', ' fill_left(1) fill_right(2)', ' fill_right(NaN) fill_left(5m)']);
      return expr(d + 1) + ' ' + pick(r, BINOPS) + m + ' ' + expr(d + 1);
    }
    if (k < 0.65) return mods(pick(r, FUNCS) + '(' + Array.from({ length: Math.floor(r() * 4) }, () => expr(d + 1)).join(', ') + ')');
    if (k < 0.8) {
      const a = pick(r, AGGS);
      const g = chance(0.5) ? pick(r, [' by', ' without']) + labels() : '';
      const args = (PARAM_AGGS.has(a.toLowerCase()) ? expr(d + 1) + ', ' : '') + expr(d + 1);
      return chance(0.5) ? `${a}${g} (${args})` : `${a}(${args})${g}`;
    }
    if (k < 0.9) return mods('(' + expr(d + 1) + ')');
    return pick(r, ['-', '+']) + expr(d + 1);
  };
  let q = expr();
  if (chance(corrupt)) {
    const p = Math.floor(r() * (q.length + 1));
    q = chance(0.5) ? q.slice(0, p) + pick(r, CORRUPT) + q.slice(p) : q.slice(0, p) + q.slice(p + 1);
  }
  return q;
}
