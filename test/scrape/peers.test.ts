/**
 * Real peers: Debian's prometheus-node-exporter and prometheus (2.42) started on loopback ports.
 * A snapshot proxy in the test fetches each target's /metrics once and serves those exact bytes
 * to both Prometheus and Vigil, so both scrape the same exposition; then the series label sets of
 * one scrape (Prometheus's /api/v1/series against Vigil's store) must be equal and every exposed
 * sample value must match. Neither Debian peer serves OpenMetrics, so the proxy also serves an
 * OpenMetrics exposition written here, which Prometheus's own OpenMetrics parser reads too.
 *
 * node_exporter is also asked for its protobuf exposition (job nodepb), which both parse too.
 *
 * Known, intended difference: Vigil follows Prometheus 3, which normalises `le` and `quantile`
 * label values of histograms and summaries (`le="1"` -> `le="1.0"`); Prometheus 2.42 does not,
 * so its label values are normalised the same way before comparing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsToString } from '../../src/common/model/labels';
import type { Label } from '../../src/common/model/labels';
import { formatOpenMetricsFloat, parseGoFloat, floatStatus } from '../../src/common/textparse/index';
import { loadConfig, staticTargetGroups } from '../../src/main/config/index';
import { ScrapeManager } from '../../src/main/scrape/manager';
import { ExemplarStorage } from '../../src/main/storage';
import { Matcher } from '../../src/common/model/matcher';
import { MemStorage } from './memstore';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const PROMETHEUS = '/usr/bin/prometheus';

function requireBinary(p: string, pkg: string): void {
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: install the Debian package ${pkg} (.ci/run installs it)`);
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (e) {
      lastErr = String(e);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} ${lastErr}`);
}

const children: ChildProcess[] = [];
const logs: Record<string, string> = {};

function start(name: string, bin: string, args: string[]): ChildProcess {
  const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  logs[name] = '';
  const keep = (d: Buffer): void => {
    logs[name] = (logs[name]! + d.toString()).slice(-4000);
  };
  c.stdout!.on('data', keep);
  c.stderr!.on('data', keep);
  children.push(c);
  return c;
}

interface Snapshot {
  body: Buffer;
  contentType: string;
}

let tmp = '';
let promPort = 0;
let nodePort = 0;
let proxy: http.Server;
let proxyPort = 0;
const snapshots = new Map<string, Snapshot>();
const upstreamFetches: Record<string, number> = {};

const OM_TS = Math.floor(Date.now() / 1000) - 10;
const OM_FIXTURE = [
  '# TYPE http_requests counter',
  '# HELP http_requests Requests served.',
  `http_requests_total{method="GET",code="200"} 1027 # {trace_id="abc"} 1 ${OM_TS}.5`,
  'http_requests_created{method="GET",code="200"} 1.7e9',
  'http_requests_total{method="POST",code="500"} 3',
  '# TYPE latency_seconds histogram',
  '# UNIT latency_seconds seconds',
  'latency_seconds_bucket{le="0.1"} 5',
  'latency_seconds_bucket{le="1"} 8',
  'latency_seconds_bucket{le="+Inf"} 9',
  'latency_seconds_sum 4.2',
  'latency_seconds_count 9',
  '# TYPE queue gaugehistogram',
  'queue_bucket{le="10"} 3',
  'queue_bucket{le="+Inf"} 4',
  'queue_gcount 4',
  'queue_gsum 17',
  '# TYPE build info',
  'build_info{version="1.2.3",revision="abc"} 1',
  '# TYPE feature stateset',
  'feature{feature="a"} 1',
  'feature{feature="b"} 0',
  '# TYPE temp gauge',
  `temp{room="kitchen \\"main\\"",city="Zürich"} 21.5 ${OM_TS}.25`,
  'temp{room="garage",city="n\\\\a"} NaN',
  'temp{room="attic",city="x"} -Inf',
  '# TYPE rpc summary',
  'rpc{quantile="0.5"} 0.1',
  'rpc{quantile="1"} 0.5',
  'rpc_sum 10',
  'rpc_count 20',
  '# TYPE mystery unknown',
  'mystery 42',
  '# EOF',
  '',
].join('\n');

async function snapshot(upstream: string): Promise<Snapshot> {
  let s = snapshots.get(upstream);
  if (s === undefined) {
    upstreamFetches[upstream] = (upstreamFetches[upstream] ?? 0) + 1;
    if (upstream === 'fixture') {
      s = { body: Buffer.from(OM_FIXTURE), contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8' };
    } else {
      // `#proto` asks the same upstream for the protobuf exposition instead of text.
      const proto = upstream.endsWith('#proto');
      const accept = proto
        ? 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'
        : 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5';
      const res = await fetch(upstream.replace(/#proto$/, ''), { headers: { Accept: accept } });
      s = { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
    }
    snapshots.set(upstream, s);
  }
  return s;
}

beforeAll(async () => {
  requireBinary(NODE_EXPORTER, 'prometheus-node-exporter');
  requireBinary(PROMETHEUS, 'prometheus');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-peers-'));
  nodePort = await freePort();
  promPort = await freePort();
  proxy = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const upstream = u.pathname.startsWith('/nodepb') ? `http://127.0.0.1:${nodePort}/metrics#proto` : u.pathname.startsWith('/node') ? `http://127.0.0.1:${nodePort}/metrics` : u.pathname.startsWith('/prom') ? `http://127.0.0.1:${promPort}/metrics` : 'fixture';
    snapshot(upstream).then(
      (s) => res.writeHead(200, { 'Content-Type': s.contentType }).end(s.body),
      (e) => res.writeHead(502).end(String(e)),
    );
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as AddressInfo).port;

  start('node_exporter', NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nodePort}`]);
  const cfg = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    ...[
      ['node', '/node/metrics'],
      ['nodepb', '/nodepb/metrics'],
      ['prometheus', '/prom/metrics'],
      ['openmetrics', '/fixture/metrics'],
    ].flatMap(([job, p]) => [`  - job_name: ${job}`, `    metrics_path: ${p}`, `    static_configs: [{targets: ["127.0.0.1:${proxyPort}"]}]`]),
  ].join('\n');
  fs.writeFileSync(path.join(tmp, 'prometheus.yml'), cfg + '\n');
  start('prometheus', PROMETHEUS, [`--config.file=${path.join(tmp, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(tmp, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn', '--enable-feature=exemplar-storage']);
  await waitFor('node exporter', async () => (await fetch(`http://127.0.0.1:${nodePort}/metrics`)).ok, 15_000);
  await waitFor('prometheus', async () => (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok, 20_000);
}, 45_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null) c.kill('SIGTERM');
  }
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((r) => {
          if (c.exitCode !== null) return r();
          const t = setTimeout(() => {
            c.kill('SIGKILL');
            r();
          }, 3000);
          c.on('exit', () => {
            clearTimeout(t);
            r();
          });
        }),
    ),
  );
  if (proxy) await new Promise((r) => proxy.close(r));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function promApi<T>(p: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${promPort}${p}`);
  const j = (await res.json()) as { status: string; data: T; error?: string };
  if (j.status !== 'success') throw new Error(`${p}: ${j.error}`);
  return j.data;
}

/** familyTypes maps metric family names to types, from Prometheus's /api/v1/metadata. */
let familyTypes: Record<string, string> = {};

function typeOf(metricName: string): string {
  const m = familyTypes[metricName] ?? familyTypes[metricName.replace(/_(bucket|sum|count|total|created|gsum|gcount|info)$/, '')];
  return m ?? 'unknown';
}

/** normalise renders a Prometheus 2.42 label set as Prometheus 3 (and Vigil) store it. */
function normalise(metric: Record<string, string>): string {
  const t = typeOf(metric.__name__ ?? '');
  const ls: Label[] = Object.entries(metric).map(([name, value]) => {
    if ((name === 'le' && t === 'histogram') || (name === 'quantile' && t === 'summary')) {
      const f = parseGoFloat(value, 0, value.length);
      if (floatStatus.err === '') return { name, value: formatOpenMetricsFloat(f) };
      floatStatus.err = '';
    }
    return { name, value };
  });
  ls.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return labelsToString(ls);
}

const REPORT = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

describe('against real peers', () => {
  it('Vigil stores the same series and values as Prometheus from node_exporter and Prometheus itself', async () => {
    // Prometheus has scraped every job.
    await waitFor(
      'prometheus to scrape all targets',
      async () => {
        const r = await promApi<{ result: { metric: Record<string, string>; value: [number, string] }[] }>('/api/v1/query?query=up');
        return r.result.length === 4 && r.result.every((x) => x.value[1] === '1');
      },
      20_000,
    );

    // Vigil scrapes the same snapshot bytes through its own config, manager, parser and loop.
    const cfg = loadConfig(fs.readFileSync(path.join(tmp, 'prometheus.yml'), 'utf8'), path.join(tmp, 'prometheus.yml'));
    const store = new MemStorage();
    const exemplars = new ExemplarStorage();
    const m = new ScrapeManager({ appendable: store, skipOffsetting: true, exemplars });
    m.applyConfig(cfg);
    m.sync(staticTargetGroups(cfg));
    try {
      await waitFor('vigil to scrape all targets', async () => m.targets().active.every((t) => t.health === 'up'), 15_000);
    } finally {
      await m.stop();
    }
    for (const t of m.targets().active) expect(t.lastError).toBe('');

    // Each upstream body was fetched once: both scrapers saw identical bytes.
    expect(Object.values(upstreamFetches)).toEqual([1, 1, 1, 1]);
    expect(snapshots.get(`http://127.0.0.1:${nodePort}/metrics`)!.body.length).toBeGreaterThan(10_000);
    expect(snapshots.get(`http://127.0.0.1:${promPort}/metrics`)!.body.length).toBeGreaterThan(10_000);
    expect(snapshots.get(`http://127.0.0.1:${nodePort}/metrics#proto`)!.contentType).toMatch(/^application\/vnd\.google\.protobuf;/);

    const meta = await promApi<Record<string, { type: string }[]>>('/api/v1/metadata');
    familyTypes = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, v[0]!.type]));
    expect(familyTypes.queue).toBe('gaugehistogram');
    const vigilSeries = store.seriesWithSamples();
    const vigilValues = store.lastValues();
    for (const job of ['node', 'nodepb', 'prometheus', 'openmetrics']) {
      const promSeries = await promApi<Record<string, string>[]>(`/api/v1/series?match[]=${encodeURIComponent(`{job="${job}"}`)}`);
      const want = promSeries.map(normalise).sort();
      const jobLabel = new RegExp(`[{ ]job="${job}"[,}]`);
      const got = vigilSeries.filter((s) => jobLabel.test(s)).sort();
      expect(got.length, job).toBeGreaterThan(job === 'openmetrics' ? 25 : 50);
      expect(got, `series of job ${job}`).toEqual(want);

      // Values: every exposed series is constant (the same bytes on every scrape) and must match.
      const q = await promApi<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(`{job="${job}"}`)}`);
      let compared = 0;
      for (const r of q.result) {
        if (REPORT.has(r.metric.__name__ ?? '')) continue;
        const key = normalise(r.metric);
        const mine = vigilValues[key];
        const theirs = Number(r.value[1] === '+Inf' ? 'Infinity' : r.value[1] === '-Inf' ? '-Infinity' : r.value[1]);
        expect(mine, key).not.toBe('stale');
        if (Number.isNaN(theirs)) expect(mine, key).toBeNaN();
        else expect(mine, key).toBe(theirs);
        compared++;
      }
      expect(compared, job).toBeGreaterThan(job === 'openmetrics' ? 20 : 50);
      // The report series agree on the counts of the same scrape.
      for (const n of ['scrape_samples_scraped', 'scrape_samples_post_metric_relabeling']) {
        const r = q.result.find((x) => x.metric.__name__ === n)!;
        expect(vigilValues[`${n}{instance="127.0.0.1:${proxyPort}", job="${job}"}`], `${job} ${n}`).toBe(Number(r.value[1]));
      }
    }

    // Exemplars: Prometheus (with exemplar storage enabled) and Vigil keep the same ones.
    const promEx = await promApi<unknown[]>(`/api/v1/query_exemplars?query=${encodeURIComponent('{job="openmetrics"}')}&start=0&end=${Date.now() / 1000 + 60}`);
    const vigilEx = exemplars.select(0, Date.now() + 60_000, [[new Matcher('=', 'job', 'openmetrics')]]).map((r) => ({
      seriesLabels: Object.fromEntries(r.seriesLabels.map((l) => [l.name, l.value])),
      exemplars: r.exemplars.map((e) => ({ labels: Object.fromEntries(e.labels.map((l) => [l.name, l.value])), value: String(e.value), timestamp: e.ts / 1000 })),
    }));
    expect(promEx.length).toBe(1);
    expect(vigilEx).toEqual(promEx);
  }, 60_000);
});
