/**
 * Every `eval` query of the upstream PromQL test scripts (../shared/conformance/promql beside the
 * repository) must parse with every experimental feature on, print back exactly as Prometheus
 * prints it, and survive a print/parse round trip unchanged.
 */
import { describe, expect, it } from 'vitest';
import { ALL_PARSER_FEATURES, exprToString, parseExpr, prettify } from '../../src/common/promql';
import type { Dump } from './parser/dump';
import { dumpExpr } from './parser/dump';
import { readFixture } from './parser/compare';
import { CONFORMANCE_DIR, scriptQueries } from './parser/generators';

/**
 * stripPositions removes what printing legitimately changes so trees of different texts can be
 * compared: positions, the order of label matchers (printed sorted) and a unary plus in an offset
 * duration (`offset +step()` prints as `offset step()`).
 */
function stripPositions(d: Dump): Dump {
  if (Array.isArray(d)) return d.map(stripPositions);
  if (d === null || typeof d !== 'object') return d;
  if (d.k === 'dur' && d.op === '+' && d.l === null) return stripPositions(d.r!);
  const out: { [k: string]: Dump } = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'pos') continue;
    out[k] = k === 'm' && Array.isArray(v) ? [...v].map((x) => JSON.stringify(x)).sort() : stripPositions(v);
  }
  return out;
}

describe('conformance script queries', () => {
  const queries = scriptQueries();
  const golden = new Map(readFixture('conformance.jsonl').map((r) => [r.q, r]));

  it(`finds the eval queries in ${CONFORMANCE_DIR}`, () => {
    expect(queries.length).toBeGreaterThan(2000);
  });

  it('parses every query', () => {
    const failures: string[] = [];
    for (const { file, line, q } of queries) {
      try {
        parseExpr(q, ALL_PARSER_FEATURES);
      } catch (e) {
        failures.push(`${file}:${line}: ${q}\n  ${String(e)}`);
      }
    }
    expect(failures.join('\n')).toBe('');
  });

  it('prints every query as Prometheus does (golden String() and Prettify())', () => {
    const failures: string[] = [];
    for (const { file, line, q } of queries) {
      const g = golden.get(q);
      if (!g) {
        failures.push(`${file}:${line}: no golden record for ${q} (regenerate the fixtures)`);
        continue;
      }
      const e = parseExpr(q, ALL_PARSER_FEATURES);
      if (exprToString(e) !== g.string) failures.push(`${file}:${line}: String() ${JSON.stringify(exprToString(e))} != ${JSON.stringify(g.string)}`);
      if (prettify(e) !== (g.pretty ?? g.string)) failures.push(`${file}:${line}: Prettify() differs for ${q}`);
    }
    expect(failures.join('\n')).toBe('');
  });

  it('round-trips: parse(print(parse(q))) has the same tree as parse(q)', () => {
    const failures: string[] = [];
    for (const { file, line, q } of queries) {
      const e1 = parseExpr(q, ALL_PARSER_FEATURES);
      const printed = exprToString(e1);
      let e2;
      try {
        e2 = parseExpr(printed, ALL_PARSER_FEATURES);
      } catch (err) {
        failures.push(`${file}:${line}: printed form does not parse: ${printed}\n  ${String(err)}`);
        continue;
      }
      const a = JSON.stringify(stripPositions(dumpExpr(q, e1)));
      const b = JSON.stringify(stripPositions(dumpExpr(printed, e2)));
      if (a !== b) failures.push(`${file}:${line}: ${q}\n  printed ${printed}\n  ${a}\n  ${b}`);
      // Printing is a fixed point after one round.
      if (exprToString(e2) !== printed) failures.push(`${file}:${line}: printing is not stable for ${q}`);
    }
    expect(failures.join('\n')).toBe('');
  });
});
