/**
 * Golden tests: Vigil's parser against answers recorded from Prometheus v3.14's own parser (see
 * test/promql/parser/oracle). Each record holds a query and Prometheus's AST (with positions),
 * String(), Prettify() and parse_query JSON, or its error message and position.
 */
import { describe, expect, it } from 'vitest';
import { checkFixture, readFixture } from './parser/compare';

function run(name: string) {
  const recs = readFixture(name);
  it(`${name}: ${recs.length} records agree with Prometheus`, () => {
    expect(recs.length).toBeGreaterThan(100);
    const failures: string[] = [];
    for (const rec of recs) {
      const d = checkFixture(rec);
      if (d.length) failures.push(`${JSON.stringify(rec.q)} [${rec.mode ?? 'expr'}/${rec.opts ?? 'all'}]\n${d.join('\n')}`);
    }
    expect(failures.slice(0, 20).join('\n\n')).toBe('');
    expect(failures.length).toBe(0);
  });
}

describe('parser golden fixtures', () => {
  run('cases.jsonl');
  run('conformance.jsonl');
  run('series.jsonl');
  run('fuzz.jsonl');
});
