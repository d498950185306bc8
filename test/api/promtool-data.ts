/**
 * The OpenMetrics fixture of the promtool test: three hours of node-exporter- and app-like data
 * (counters, gauges, a classic histogram, an info-style series) written with timestamps, loaded
 * into Prometheus by `promtool tsdb create-blocks-from openmetrics` and into Vigil by
 * `vigil import`.
 *
 * Samples are 15 s (some series 30 s) apart plus a per-sample jitter of 50..2950 ms that is never a
 * whole second, so with queries at whole seconds no sample sits on a range boundary (Prometheus 2.x
 * selects closed ranges, 3.x left-open ones; the data must not tell them apart when the Debian
 * fallback is used). Also in the data: a counter reset, a classic histogram with non-monotonic buckets, a series that stops after 2 h and one that
 * starts after 1 h (lookback and absence), decimal and negative gauges, integer and decimal
 * counters. The generator is seeded: the file is the same on every run.
 */
import { mulberry32 } from '../../src/common/util/random';

/** START_S is the first sample's second: 2025-01-01T00:00:00Z. */
export const START_S = 1_735_689_600;
/** DURATION_S is the span of the data (3 h). */
export const DURATION_S = 3 * 3600;

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function tsText(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/** timestamps returns a series' sample times in ms over [from, to) seconds. */
function timestamps(rnd: () => number, intervalS: number, fromS = START_S, toS = START_S + DURATION_S): number[] {
  const out: number[] = [];
  for (let s = fromS; s < toS; s += intervalS) {
    let jitter = 50 + Math.floor(rnd() * 2900);
    if (jitter % 1000 === 0) jitter += 7;
    out.push(s * 1000 + jitter);
  }
  return out;
}

/** generatePromtoolData returns the OpenMetrics text (ending in `# EOF`). */
export function generatePromtoolData(): string {
  const rnd = mulberry32(20250101);
  const lines: string[] = [];
  const sample = (name: string, labels: Record<string, string>, t: number, v: number): void => {
    lines.push(`${name}${labelText(labels)} ${v} ${tsText(t)}`);
  };
  const instances = ['10.0.0.1:9100', '10.0.0.2:9100', '10.0.0.3:9100'];

  // Requests of an API server: integer counters, one reset, one series that starts late and one
  // that stops early.
  lines.push('# TYPE http_requests counter', '# HELP http_requests Requests handled.');
  for (const instance of instances) {
    for (const handler of ['/', '/api/v1/query', '/login']) {
      for (const code of ['200', '500']) {
        const labels = { job: 'api', instance, handler, code };
        const late = instance === '10.0.0.3:9100' && handler === '/login' && code === '500';
        const early = instance === '10.0.0.2:9100' && handler === '/' && code === '500';
        const ts = timestamps(rnd, 15, late ? START_S + 3600 : START_S, early ? START_S + 7200 : START_S + DURATION_S);
        const rate = code === '200' ? 5 + rnd() * 20 : rnd() * 1.5;
        let v = Math.floor(rnd() * 1000);
        const resetAt = instance === '10.0.0.1:9100' && handler === '/api/v1/query' && code === '200' ? Math.floor(ts.length / 2) : -1;
        ts.forEach((t, i) => {
          if (i === resetAt) v = 0;
          v += Math.floor(rate * 15 * (0.5 + rnd()));
          sample('http_requests_total', labels, t, v);
        });
      }
    }
  }

  // CPU seconds per mode with two decimals, 30 s apart on one instance.
  lines.push('# TYPE node_cpu_seconds counter');
  for (const instance of instances) {
    const interval = instance === '10.0.0.2:9100' ? 30 : 15;
    for (const cpu of ['0', '1']) {
      for (const mode of ['idle', 'iowait', 'system', 'user']) {
        const share = { idle: 0.7, iowait: 0.02, system: 0.08, user: 0.2 }[mode]!;
        let v = round(10_000 * share + rnd() * 100, 2);
        for (const t of timestamps(rnd, interval)) {
          v = round(v + interval * share * (0.8 + rnd() * 0.4), 2);
          sample('node_cpu_seconds_total', { job: 'node', instance, cpu, mode }, t, v);
        }
      }
    }
  }

  // Memory gauges in pages.
  lines.push('# TYPE node_memory_MemAvailable_bytes gauge', '# UNIT node_memory_MemAvailable_bytes bytes');
  for (const instance of instances) {
    let pages = 1_000_000 + Math.floor(rnd() * 500_000);
    for (const t of timestamps(rnd, 15)) {
      pages += Math.floor((rnd() - 0.5) * 20_000);
      sample('node_memory_MemAvailable_bytes', { job: 'node', instance }, t, pages * 4096);
    }
  }

  // Temperatures with decimals, some below zero.
  lines.push('# TYPE temperature_celsius gauge');
  for (const [sensor, base] of [
    ['cpu', 55],
    ['board', 38],
    ['outside', -3.5],
    ['freezer', -18],
  ] as const) {
    let v: number = base;
    for (const t of timestamps(rnd, 15)) {
      v = round(v + (rnd() - 0.5) * 1.5, 3);
      sample('temperature_celsius', { job: 'sensors', instance: 'sensors-1', sensor }, t, v);
    }
  }

  // Info-style series for group_left joins.
  lines.push('# TYPE node_uname_info gauge');
  instances.forEach((instance, i) => {
    for (const t of timestamps(rnd, 15)) sample('node_uname_info', { job: 'node', instance, nodename: `node-${i + 1}`, release: '6.1.0-28-amd64' }, t, 1);
  });

  // A classic histogram. The bounds are not integers so Prometheus 2.x and 3.x spell them alike
  // (3.x normalises `le="1"` to `le="1.0"`).
  lines.push('# TYPE http_request_duration_seconds histogram', '# UNIT http_request_duration_seconds seconds');
  const bounds = ['0.05', '0.1', '0.25', '0.5', '2.5', '+Inf'];
  for (const instance of instances) {
    for (const handler of ['/', '/api/v1/query']) {
      const labels = { job: 'api', instance, handler };
      const ts = timestamps(rnd, 15);
      const counts = bounds.map(() => 0);
      let sum = 0;
      const series: { t: number; counts: number[]; sum: number }[] = [];
      const slow = handler === '/api/v1/query' ? 2.5 : 1;
      for (const t of ts) {
        const n = 10 + Math.floor(rnd() * 40);
        for (let k = 0; k < n; k++) {
          const d = Math.min(5, -Math.log(1 - rnd() * 0.999) * 0.08 * slow);
          sum += d;
          for (let b = 0; b < bounds.length; b++) if (b === bounds.length - 1 || d <= Number(bounds[b])) counts[b]!++;
        }
        series.push({ t, counts: [...counts], sum: round(sum, 4) });
      }
      for (let b = 0; b < bounds.length; b++) {
        for (const p of series) sample('http_request_duration_seconds_bucket', { ...labels, le: bounds[b]! }, p.t, p.counts[b]!);
      }
      for (const p of series) sample('http_request_duration_seconds_sum', labels, p.t, p.sum);
      for (const p of series) sample('http_request_duration_seconds_count', labels, p.t, p.counts[bounds.length - 1]!);
    }
  }
  // A classic histogram from a buggy exporter: bucket le="0.5" sometimes counts fewer observations
  // than le="0.25" (histogram_quantile must force monotonicity and say so).
  lines.push('# TYPE legacy_latency_seconds histogram');
  {
    const ts = timestamps(rnd, 15);
    const lbounds = ['0.1', '0.25', '0.5', '+Inf'];
    const series = ts.map((t, i) => {
      const base = 100 + i * 7;
      const c25 = base + 40 + (i % 5);
      const c50 = i % 9 === 4 ? c25 - 1 - (i % 4) : c25 + 10;
      return { t, counts: [base, c25, c50, c50 + 5], sum: round(base * 0.2, 2) };
    });
    for (let b = 0; b < lbounds.length; b++) for (const p of series) sample('legacy_latency_seconds_bucket', { job: 'legacy', le: lbounds[b]! }, p.t, p.counts[b]!);
    for (const p of series) sample('legacy_latency_seconds_sum', { job: 'legacy' }, p.t, p.sum);
    for (const p of series) sample('legacy_latency_seconds_count', { job: 'legacy' }, p.t, p.counts[3]!);
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
