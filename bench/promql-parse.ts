/**
 * Parser throughput: time to parse (and type-check) typical dashboard queries, and to print and
 * prettify them, plus a pass over every conformance query. Run with `npm run bench:promql-parse`.
 * Goal: a 200-character query parses in well under 1 ms.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_PARSER_FEATURES, exprToString, parseExpr, prettify } from '../src/common/promql';
import { findUpstreamTestdata } from '../test/promql/upstream';

const QUERIES: Record<string, string> = {
  short: 'up{job="node"}',
  rate: 'sum by (job) (rate(http_requests_total{job="api-server", code=~"5.."}[5m]))',
  histogram: 'histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="api-server", handler=~"/api/v1/.*"}[5m])))',
  '200 chars':
    'sum by (job, instance) (rate(node_cpu_seconds_total{mode!="idle", job="node"}[5m])) / on(job, instance) group_left count by (job, instance) (node_cpu_seconds_total{mode="idle", job="node"}) > bool 0.85',
  subquery: 'max_over_time(deriv(rate(process_cpu_seconds_total{job=~"prometheus|node"}[5m])[30m:1m])[1h:5m] offset 1d)',
};

function timeIt(label: string, n: number, f: () => void): number {
  for (let i = 0; i < Math.min(n, 2000); i++) f(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`${label.padEnd(40)} ${us.toFixed(2).padStart(9)} µs/op`);
  return us;
}

console.log(`node ${process.version}`);
for (const [name, q] of Object.entries(QUERIES)) {
  timeIt(`parse ${name} (${q.length} chars)`, 20000, () => parseExpr(q, ALL_PARSER_FEATURES));
}
const e = parseExpr(QUERIES['200 chars']!);
timeIt('exprToString 200 chars', 20000, () => exprToString(e));
timeIt('prettify 200 chars', 20000, () => prettify(e));

const upstream = findUpstreamTestdata();
if (upstream.dir === null) {
  console.log(`conformance queries skipped: ${upstream.reason}`);
  process.exit(0);
}
const dir = upstream.dir;
const queries: string[] = [];
for (const f of readdirSync(dir).filter((x) => x.endsWith('.test'))) {
  for (const l of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
    const m = /^\s*eval\S*\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/.exec(l);
    if (m) queries.push(m[1]!);
  }
}
const per = timeIt(`all ${queries.length} conformance queries (per query)`, 20, () => {
  for (const q of queries) parseExpr(q, ALL_PARSER_FEATURES);
}) / queries.length;
console.log(`  = ${per.toFixed(2)} µs per conformance query`);
