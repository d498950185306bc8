/**
 * Real clients: `promtool query instant|range|series|labels` (Prometheus's own API client) against
 * Vigil's server and against the reference Prometheus holding the same data must print the same
 * text. Both are backfilled from one generated OpenMetrics file (test/api/promtool-data.ts):
 * Prometheus with `promtool tsdb create-blocks-from openmetrics`, Vigil with `vigil import`; then
 * `prometheus` and `vigil serve` run on loopback ports with temporary data directories.
 *
 * The same queries are also sent as raw HTTP requests and the parsed JSON bodies compared, since
 * promtool re-formats numbers (it would hide, e.g., a value string Prometheus spells differently).
 *
 * Normalisation, and why: the order of an instant vector that is not sorted by the query
 * (`sort`, `sort_desc`) is unspecified in Prometheus (aggregation groups come out in Go map
 * order), so those lines are sorted before comparing; range results (matrices) are sorted by
 * Prometheus and compared as they come. Warnings and infos are sorted too (Prometheus holds them in
 * a map). Nothing else is normalised.
 *
 * Peers: the reference Prometheus v3.14 (see test/peers/prometheus.ts), or Debian's 2.42 as a
 * fallback, which the output then says; no Prometheus at all fails the test. Against 2.42 two known
 * differences of Prometheus 3 are normalised away (Vigil follows 3.14): values are compared at 12
 * significant digits (3.x sums with Kahan compensation in sum, avg and *_over_time), and
 * annotations are not compared (2.42 has no infos and no positions).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlocks, findPrometheus, run, startPrometheus, type PrometheusPeer, type RunningPrometheus } from '../peers/prometheus';
import { quietConfig, startVigil, vigilImport, type VigilProcess } from '../peers/vigil';
import { DURATION_S, START_S, generatePromtoolData } from './promtool-data';

let peer: PrometheusPeer;
let prom: RunningPrometheus | null = null;
let vigil: VigilProcess | null = null;
let tmp = '';

beforeAll(async () => {
  peer = await findPrometheus();
  console.log(`promtool test: comparing Vigil with ${peer.note}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-promtool-'));
  const file = path.join(tmp, 'data.om');
  fs.writeFileSync(file, generatePromtoolData());
  const promDir = path.join(tmp, 'prometheus');
  const vigilDir = path.join(tmp, 'vigil');
  await Promise.all([
    (async () => {
      await createBlocks(peer, file, promDir);
      prom = await startPrometheus(peer, promDir);
    })(),
    (async () => {
      await vigilImport(file, vigilDir);
      vigil = await startVigil(['--config', quietConfig(tmp)], { dataDir: vigilDir });
    })(),
  ]);
});

afterAll(async () => {
  await Promise.all([prom?.stop(), vigil?.stop()]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** T is the instant queries' evaluation time: 2 h 30 m into the data. */
const T = START_S + 9000;
/** RANGE covers the last two hours of data and 5 minutes beyond, at a dashboard step. */
const RANGE = { start: START_S + 3600, end: START_S + DURATION_S + 300, step: '60s' };

interface Case {
  expr: string;
  /** ordered marks queries whose instant result order is defined (sort, sort_desc). */
  ordered?: boolean;
}

const CASES: Case[] = [
  // Selectors with each matcher type.
  { expr: 'http_requests_total{handler="/login"}' },
  { expr: 'http_requests_total{code!="200",handler=~"/api.*"}' },
  { expr: 'node_cpu_seconds_total{mode!~"idle|iowait",cpu="1"}' },
  { expr: '{__name__=~"node_memory_.*|temperature_celsius",instance!="10.0.0.2:9100"}' },
  // Counters.
  { expr: 'rate(http_requests_total[5m])' },
  { expr: 'increase(node_cpu_seconds_total{mode="user"}[10m])' },
  { expr: 'irate(http_requests_total{code="200"}[1m])' },
  { expr: 'resets(http_requests_total[1h]) + on (instance) group_left changes(node_uname_info[1h])' },
  // Aggregations.
  { expr: 'sum by (handler) (rate(http_requests_total[5m]))' },
  { expr: 'sum without (instance, code) (rate(http_requests_total[5m]))' },
  { expr: 'topk(3, rate(http_requests_total[5m]))' },
  { expr: 'bottomk(2, node_memory_MemAvailable_bytes)' },
  { expr: 'count by (mode) (node_cpu_seconds_total)' },
  { expr: 'avg by (cpu) (rate(node_cpu_seconds_total{mode!="idle"}[2m])) * 100' },
  { expr: 'quantile(0.9, temperature_celsius)' },
  { expr: 'stddev(temperature_celsius) + stdvar(temperature_celsius)' },
  { expr: 'count_values("code_value", http_requests_total{handler="/login"} > 0)' },
  // Classic histograms.
  { expr: 'histogram_quantile(0.9, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))' },
  { expr: 'histogram_quantile(0.5, rate(http_request_duration_seconds_bucket{instance="10.0.0.1:9100"}[10m]))' },
  { expr: 'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])' },
  { expr: 'histogram_quantile(0.75, legacy_latency_seconds_bucket)' },
  // Annotations (compared in the JSON bodies): infos and warnings with their positions.
  { expr: 'rate(node_memory_MemAvailable_bytes[5m])\n  * on () group_left quantile(1.5, temperature_celsius)' },
  // Binary operators and vector matching.
  { expr: 'sum by (instance, handler) (rate(http_requests_total[5m])) * on (instance) group_left (nodename) node_uname_info' },
  { expr: 'sum by (instance) (rate(http_requests_total{code="500"}[5m])) / ignoring (code) sum by (instance) (rate(http_requests_total[5m]))' },
  { expr: 'http_requests_total > bool 20000' },
  { expr: 'node_memory_MemAvailable_bytes < 5e9 or temperature_celsius unless temperature_celsius{sensor="cpu"}' },
  { expr: 'http_requests_total{code="500"} and on (instance, handler) http_requests_total{code="200"} > 1000' },
  // Modifiers and subqueries.
  { expr: 'node_memory_MemAvailable_bytes offset 30m' },
  { expr: 'node_memory_MemAvailable_bytes - node_memory_MemAvailable_bytes offset -10m' },
  { expr: `temperature_celsius @ ${START_S + 3600}` },
  { expr: 'rate(http_requests_total{handler="/"}[5m] @ start())' },
  // A subquery range that is not a multiple of its step: no subquery point on the range's left
  // edge, where Prometheus 2.x (closed) and 3.x (left-open) differ.
  { expr: 'max_over_time(rate(http_requests_total{code="200"}[2m])[30m10s:1m])' },
  { expr: 'avg_over_time(temperature_celsius[15m])' },
  { expr: 'deriv(temperature_celsius[20m])' },
  { expr: 'predict_linear(node_memory_MemAvailable_bytes[30m], 3600)' },
  { expr: 'quantile_over_time(0.75, temperature_celsius[30m])' },
  // Label functions, absence, scalars, sorting.
  { expr: 'label_replace(node_memory_MemAvailable_bytes, "host", "$1", "instance", "([^:]+):.*")' },
  { expr: 'label_join(node_uname_info, "id", "/", "nodename", "release")' },
  { expr: 'absent(nonexistent_metric{job="x"})' },
  { expr: 'absent_over_time(http_requests_total{instance="10.0.0.2:9100",handler="/",code="500"}[5m])' },
  { expr: 'scalar(sum(node_memory_MemAvailable_bytes))' },
  { expr: 'time() - 3600 * 2 + scalar(count(up))' },
  { expr: '(1 + 2 * 3) ^ 2 % 7' },
  { expr: 'vector(1) + on () group_left sum(http_requests_total)' },
  { expr: 'sort_desc(sum by (instance) (rate(http_requests_total[5m])))', ordered: true },
  { expr: 'sort(max by (sensor) (temperature_celsius))', ordered: true },
  { expr: 'clamp(temperature_celsius, -5, 40) + abs(round(temperature_celsius, 0.5))' },
];

/** SIG is how many significant digits values keep against a 2.x fallback. */
const SIG = 12;

function roundValue(v: string): string {
  const n = Number(v);
  return Number.isFinite(n) ? String(Number(n.toPrecision(SIG))) : v;
}

/** normText rounds the values of promtool's output when the peer is the 2.x fallback. */
function normText(text: string): string {
  if (peer.reference) return text;
  return text.replace(/(^|=> |scalar: )(\S+) @\[/gm, (_m, pre: string, v: string) => `${pre}${roundValue(v)} @[`);
}

function vectorLines(text: string, ordered: boolean): string {
  text = normText(text);
  if (ordered) return text;
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort()
    .join('\n');
}

async function promtool(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = await run(peer.promtool, args, { timeoutMs: 30_000 });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

async function both<T>(fn: (url: string) => Promise<T>): Promise<{ prom: T; vigil: T }> {
  const [p, v] = await Promise.all([fn(prom!.url), fn(vigil!.url)]);
  return { prom: p, vigil: v };
}

interface ApiBody {
  status: string;
  data?: { resultType: string; result: unknown };
  [k: string]: unknown;
}

async function api(url: string, pathAndQuery: string): Promise<{ status: number; body: ApiBody }> {
  const r = await fetch(url + pathAndQuery);
  return { status: r.status, body: (await r.json()) as ApiBody };
}

/**
 * canonical sorts what Prometheus leaves unordered: an instant vector's samples (unless the query
 * sorts) and the warnings and infos (Prometheus keeps them in a Go map).
 */
function canonical(body: ApiBody, ordered: boolean): ApiBody {
  if (!peer.reference) body = fallbackBody(body);
  const out: ApiBody = { ...body };
  for (const k of ['warnings', 'infos']) if (Array.isArray(out[k])) out[k] = [...(out[k] as string[])].sort();
  if (!ordered && body.data?.resultType === 'vector' && Array.isArray(body.data.result)) {
    const rows = (body.data.result as { metric: Record<string, string> }[]).map((r) => [JSON.stringify(Object.entries(r.metric).sort()), r] as const);
    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out.data = { ...body.data, result: rows.map((r) => r[1]) };
  }
  return out;
}

/** fallbackBody drops annotations and rounds values (2.x fallback only, see the file comment). */
function fallbackBody(body: ApiBody): ApiBody {
  const out = JSON.parse(JSON.stringify(body)) as ApiBody;
  delete out.warnings;
  delete out.infos;
  const r = out.data?.result;
  const point = (p: unknown): void => {
    if (Array.isArray(p) && typeof p[1] === 'string') p[1] = roundValue(p[1]);
  };
  if (Array.isArray(r)) {
    if (out.data!.resultType === 'scalar') point(r);
    for (const x of r as { value?: unknown; values?: unknown[] }[]) {
      if (x !== null && typeof x === 'object') {
        point(x.value);
        x.values?.forEach(point);
      }
    }
  }
  return out;
}

/** sameText compares promtool results (values rounded against a 2.x fallback). */
function sameText(v: { code: number | null; out: string; err: string }, p: { code: number | null; out: string; err: string }, what?: string): void {
  expect({ ...v, out: normText(v.out) }, what).toEqual({ ...p, out: normText(p.out) });
}

describe(`promtool as a client: Vigil and Prometheus answer alike`, () => {
  it('the data is loaded on both sides', async () => {
    const r = await both((u) => promtool(['query', 'instant', u, 'count({__name__=~".+"})', `--time=${T}`]));
    expect(r.prom.err).toBe('');
    expect(r.prom.out).toMatch(/^\{\} => 105 @\[/);
    sameText(r.vigil, r.prom);
  });

  it.each(CASES)('instant: $expr', async ({ expr, ordered }) => {
    const r = await both((u) => promtool(['query', 'instant', u, expr, `--time=${T}`]));
    expect(r.prom.err, 'Prometheus rejected the query').toBe('');
    expect(r.prom.code).toBe(0);
    expect(r.prom.out.trim(), 'the query should select something').not.toBe('');
    expect({ code: r.vigil.code, err: r.vigil.err, out: vectorLines(r.vigil.out, !!ordered) }).toEqual({
      code: r.prom.code,
      err: r.prom.err,
      out: vectorLines(r.prom.out, !!ordered),
    });
    const q = `/api/v1/query?query=${encodeURIComponent(expr)}&time=${T}`;
    const j = await both((u) => api(u, q));
    expect(j.vigil.status).toBe(j.prom.status);
    expect(canonical(j.vigil.body, !!ordered)).toEqual(canonical(j.prom.body, !!ordered));
  });

  it.each(CASES)('range: $expr', async ({ expr }) => {
    const r = await both((u) => promtool(['query', 'range', u, expr, `--start=${RANGE.start}`, `--end=${RANGE.end}`, `--step=${RANGE.step}`]));
    expect(r.prom.err, 'Prometheus rejected the query').toBe('');
    expect(r.prom.out.trim()).not.toBe('');
    sameText(r.vigil, r.prom);
    const q = `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${RANGE.start}&end=${RANGE.end}&step=${RANGE.step}`;
    const j = await both((u) => api(u, q));
    expect(j.vigil.status).toBe(j.prom.status);
    expect(canonical(j.vigil.body, true)).toEqual(canonical(j.prom.body, true));
  });

  it('range queries at an odd step and with a start between samples', async () => {
    for (const expr of ['rate(http_requests_total{handler="/login"}[3m])', 'temperature_celsius', 'sum(rate(node_cpu_seconds_total[90s])) by (instance)']) {
      const args = ['query', 'range', '', expr, `--start=${START_S + 1234.5}`, `--end=${START_S + 5000}`, '--step=37s'];
      const r = await both((u) => promtool(args.map((a, i) => (i === 2 ? u : a))));
      expect(r.prom.err).toBe('');
      sameText(r.vigil, r.prom);
    }
  });

  // Without --start/--end promtool asks for the last 5 minutes before now, where the data is not.
  const ALL = [`--start=${START_S}`, `--end=${START_S + DURATION_S}`];

  it('series: matchers of each type, several --match, a time range', async () => {
    const cases: string[][] = [
      ['--match=http_requests_total{code="500"}', ...ALL],
      ['--match=node_cpu_seconds_total{mode=~"user|system",cpu!="0"}', '--match=node_uname_info', ...ALL],
      ['--match={__name__=~"http_request_duration_seconds_(sum|count)",handler!~"/api.*"}', ...ALL],
      // The series that starts after 1 h is outside this range; the one that stops at 2 h inside.
      ['--match=http_requests_total{handler="/login"}', `--start=${START_S}`, `--end=${START_S + 1800}`],
      ['--match=http_requests_total{handler="/"}', `--start=${START_S + 7500}`, `--end=${START_S + 9000}`],
    ];
    for (const c of cases) {
      const r = await both((u) => promtool(['query', 'series', u, ...c]));
      expect(r.prom.err).toBe('');
      expect(r.prom.out.trim()).not.toBe('');
      expect(r.vigil, c.join(' ')).toEqual(r.prom);
    }
  });

  it('labels: values of a label, also restricted by --match and time', async () => {
    const cases: string[][] = [
      ['__name__', ...ALL],
      ['handler', ...ALL],
      ['le', ...ALL],
      ['mode', '--match=node_cpu_seconds_total{cpu="0"}', ...ALL],
      ['code', '--match=http_requests_total{handler="/login"}', `--start=${START_S}`, `--end=${START_S + 1800}`],
    ];
    for (const c of cases) {
      const r = await both((u) => promtool(['query', 'labels', u, ...c]));
      expect(r.prom.err).toBe('');
      expect(r.prom.out.trim()).not.toBe('');
      expect(r.vigil, c.join(' ')).toEqual(r.prom);
    }
  });

  it('errors: parse and type errors are reported alike', async () => {
    for (const expr of ['sum(rate(http_requests_total[5m])', 'rate(http_requests_total)', 'http_requests_total{handler="/"} + on(instance) http_requests_total']) {
      const r = await both((u) => promtool(['query', 'instant', u, expr, `--time=${T}`]));
      expect(r.prom.code).not.toBe(0);
      expect(r.vigil, expr).toEqual(r.prom);
    }
  });
});
