/**
 * The demo's instrumented applications: the shop's HTTP services (request counters by handler,
 * method and code, request-latency histograms, with trace-id exemplars in OpenMetrics) and CoreDNS.
 * Counters count from the start of the container's current run: a restart resets them, as a
 * restarted process does. Latencies are a mix of fast and slow requests whose weight drifts, and
 * errors come and go, each a closed-form integral (see sim/wave.ts).
 */
import type { ClusterSim, PodInstance, Run } from '../sim/sim';
import type { ContainerSpec, HttpHandler } from '../sim/spec';
import { Wave } from '../sim/wave';
import { between } from '../sim/hash';
import { round, TextWriter, traceId } from './text';

/** LATENCY_BUCKETS are the upper bounds of the apps' request-duration histograms. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const SIGMA = 0.6;
const SLOW = 4;

/** normalCdf approximates the standard normal CDF (Abramowitz and Stegun 26.2.17). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989423 * Math.exp((-x * x) / 2);
  const p = d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
  return x > 0 ? 1 - p : p;
}

/** lognormalCdf is the share of requests of median m faster than le. */
function lognormalCdf(le: number, m: number): number {
  return normalCdf((Math.log(le) - Math.log(m)) / SIGMA);
}

/** HandlerTotals are one handler's counters at a time. */
export interface HandlerTotals {
  h: HttpHandler;
  total: number;
  errors: number;
  buckets: number[];
  sum: number;
  /** meanNow is the current mean latency (the exemplar's value). */
  meanNow: number;
}

/** httpTotals computes an app container's request counters for its run, at s. */
export function httpTotals(sim: ClusterSim, p: PodInstance, c: ContainerSpec, r: Run, s: number): HandlerTotals[] {
  const http = c.http!;
  const rps = sim.wave(`rps|${p.uid}|${c.name}`, http.rps, true);
  const k = `${sim.spec.key}|${p.w.name}`;
  const errBase = p.w.name === 'checkout' ? 0.02 : 0.004;
  const err = Wave.of(errBase, [[errBase * 0.8, 1500, between(0, 6.28, k, 'err')]]);
  const slow = Wave.of(0.08, [[0.06, 1100, between(0, 6.28, k, 'slow')]]);
  return http.handlers.map((h) => {
    const rate = rps.scale(h.share);
    const total = rate.integral(r.start, s);
    const errors = rate.times(err).integral(r.start, s);
    const slowN = rate.times(slow).integral(r.start, s);
    const meanFast = h.medianS * Math.exp((SIGMA * SIGMA) / 2);
    const buckets = LATENCY_BUCKETS.map((le) => {
      const f = lognormalCdf(le, h.medianS);
      return f * total + (lognormalCdf(le, h.medianS * SLOW) - f) * slowN;
    });
    const w = slow.at(s);
    return { h, total, errors, buckets, sum: meanFast * total + meanFast * (SLOW - 1) * slowN, meanNow: meanFast * (1 + (SLOW - 1) * w) };
  });
}

/**
 * renderHttpApp renders an app's /metrics. With openMetrics the body is OpenMetrics and each
 * handler's histogram carries an exemplar (a trace id for a request of about the current mean
 * latency, timestamped at s) on the bucket that holds it, as apps with tracing expose them.
 */
export function renderHttpApp(sim: ClusterSim, p: PodInstance, c: ContainerSpec, r: Run, s: number, openMetrics = false): string {
  const w = new TextWriter({ openMetrics });
  const totals = httpTotals(sim, p, c, r, s);
  w.family('http_requests_total', 'counter', 'Total HTTP requests processed, by handler, method and status code.');
  for (const t of totals) {
    const ok = Math.floor(t.total - t.errors);
    w.sample('http_requests_total', { code: '200', handler: t.h.handler, method: t.h.method }, ok);
    w.sample('http_requests_total', { code: '404', handler: t.h.handler, method: t.h.method }, Math.floor(t.errors * 0.3));
    w.sample('http_requests_total', { code: '500', handler: t.h.handler, method: t.h.method }, Math.floor(t.errors * 0.7));
  }
  w.family('http_request_duration_seconds', 'histogram', 'HTTP request latencies in seconds.');
  for (const t of totals) {
    const count = Math.floor(t.total);
    const mean = round(t.meanNow, 4);
    const exIdx = openMetrics && count > 0 ? LATENCY_BUCKETS.findIndex((le) => mean <= le) : -2;
    const exemplar = (i: number): { labels: Record<string, string>; value: number; tsMs: number } | undefined =>
      i === exIdx || (exIdx === -1 && i === LATENCY_BUCKETS.length) ? { labels: { trace_id: traceId(`${p.w.namespace}/${p.name}/${t.h.handler}/${Math.floor(s)}`) }, value: mean, tsMs: s * 1000 } : undefined;
    // Cumulative buckets, never above the count (floors of exact values keep both monotonic).
    let prev = 0;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      prev = Math.min(count, Math.max(prev, Math.floor(t.buckets[i]!)));
      w.sample('http_request_duration_seconds_bucket', { handler: t.h.handler, le: String(LATENCY_BUCKETS[i]) }, prev, exemplar(i));
    }
    w.sample('http_request_duration_seconds_bucket', { handler: t.h.handler, le: '+Inf' }, count, exemplar(LATENCY_BUCKETS.length));
    w.sample('http_request_duration_seconds_sum', { handler: t.h.handler }, round(t.sum, 4));
    w.sample('http_request_duration_seconds_count', { handler: t.h.handler }, count);
  }
  processMetrics(w, sim, p, c, r, s);
  return w.toString();
}

function processMetrics(w: TextWriter, sim: ClusterSim, p: PodInstance, c: ContainerSpec, r: Run, s: number): void {
  const u = sim.usage(p, c, r, s);
  w.one('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', round(u.cpu * 0.93, 2));
  w.one('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', Math.round(u.rss / 4096) * 4096);
  w.one('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', round(r.start, 2));
}

/** renderCoreDns renders CoreDNS's /metrics (port 9153). */
export function renderCoreDns(sim: ClusterSim, p: PodInstance, c: ContainerSpec, r: Run, s: number): string {
  const w = new TextWriter();
  const q = sim.wave(`dns|${p.uid}`, 38, true);
  const n = q.integral(r.start, s);
  const server = 'dns://:53';
  const types: [string, number][] = [['A', 0.52], ['AAAA', 0.33], ['PTR', 0.03], ['SRV', 0.08], ['other', 0.04]];
  w.family('coredns_build_info', 'gauge', 'A metric with a constant \'1\' value labeled by version, revision, and goversion from which CoreDNS was built.').sample('coredns_build_info', { goversion: 'go1.21.11', revision: 'a6338e9', version: '1.11.3' }, 1);
  w.family('coredns_cache_entries', 'gauge', 'The number of elements in the cache.');
  w.sample('coredns_cache_entries', { server, type: 'denial', view: '', zones: '.' }, 60 + Math.floor(20 * q.at(s) / 38));
  w.sample('coredns_cache_entries', { server, type: 'success', view: '', zones: '.' }, 180 + Math.floor(70 * q.at(s) / 38));
  w.family('coredns_cache_hits_total', 'counter', 'The count of cache hits.');
  w.sample('coredns_cache_hits_total', { server, type: 'denial', view: '', zones: '.' }, Math.floor(n * 0.21));
  w.sample('coredns_cache_hits_total', { server, type: 'success', view: '', zones: '.' }, Math.floor(n * 0.62));
  w.family('coredns_cache_misses_total', 'counter', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.').sample('coredns_cache_misses_total', { server, view: '', zones: '.' }, Math.floor(n * 0.17));
  w.family('coredns_cache_requests_total', 'counter', 'The count of cache requests.').sample('coredns_cache_requests_total', { server, view: '', zones: '.' }, Math.floor(n));
  w.family('coredns_dns_request_duration_seconds', 'histogram', 'Histogram of the time (in seconds) each request took per zone.');
  const dnsBuckets = [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];
  for (const [type, share] of types) {
    const count = Math.floor(n * share);
    let prev = 0;
    for (const le of dnsBuckets) {
      // Cache hits answer in well under a millisecond; misses wait for the upstream resolver.
      const f = 0.83 * normalCdf((Math.log(le) - Math.log(0.0002)) / 0.5) + 0.17 * normalCdf((Math.log(le) - Math.log(0.012)) / 0.7);
      prev = Math.min(count, Math.max(prev, Math.floor(count * f)));
      w.sample('coredns_dns_request_duration_seconds_bucket', { server, type, view: '', zone: '.', le: String(le) }, prev);
    }
    w.sample('coredns_dns_request_duration_seconds_bucket', { server, type, view: '', zone: '.', le: '+Inf' }, count);
    w.sample('coredns_dns_request_duration_seconds_sum', { server, type, view: '', zone: '.' }, round(count * 0.0023, 6));
    w.sample('coredns_dns_request_duration_seconds_count', { server, type, view: '', zone: '.' }, count);
  }
  w.family('coredns_dns_requests_total', 'counter', 'Counter of DNS requests made per zone, protocol and family.');
  for (const [type, share] of types) {
    w.sample('coredns_dns_requests_total', { family: '1', proto: 'tcp', server, type, view: '', zone: '.' }, Math.floor(n * share * 0.02));
    w.sample('coredns_dns_requests_total', { family: '1', proto: 'udp', server, type, view: '', zone: '.' }, Math.floor(n * share) - Math.floor(n * share * 0.02));
  }
  w.family('coredns_dns_responses_total', 'counter', 'Counter of response status codes.');
  for (const [rcode, share] of [['NOERROR', 0.7], ['NXDOMAIN', 0.295], ['SERVFAIL', 0.005]] as const) {
    w.sample('coredns_dns_responses_total', { plugin: rcode === 'NOERROR' ? 'cache' : '', rcode, server, view: '', zone: '.' }, Math.floor(n * share));
  }
  w.family('coredns_forward_requests_total', 'counter', 'Counter of requests made per upstream.').sample('coredns_forward_requests_total', { to: `${sim.spec.nodes[0]!.ip.replace(/\.\d+$/, '.2')}:53` }, Math.floor(n * 0.17));
  w.family('coredns_panics_total', 'counter', 'A metrics that counts the number of panics.').sample('coredns_panics_total', {}, 0);
  processMetrics(w, sim, p, c, r, s);
  return w.toString();
}
