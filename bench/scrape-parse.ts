/** Parse-throughput part of bench:scrape (see bench/scrape.ts). */
import { createParser, Entry } from '../src/common/textparse/index';
import { nodeExporterBody } from './scrape-fixtures';
import { delimited, family, type PbFamily } from '../test/textparse/pbwire';

/**
 * toProtobuf re-encodes a text exposition as the protobuf exposition: one family per metric
 * name, counters and gauges typed, every other sample untyped, so it has the same samples.
 */
function toProtobuf(text: string): Uint8Array {
  const p = createParser(text, 'text/plain; version=0.0.4');
  const fams = new Map<string, PbFamily>();
  const types = new Map<string, string>();
  for (;;) {
    const e = p.next();
    if (e === EOF) break;
    if (e === Entry.Type) types.set(p.family(), p.type());
    if (e !== SERIES) continue;
    const name = p.metricName();
    let f = fams.get(name);
    const t = types.get(name);
    if (f === undefined) {
      f = { name, help: 'help text', type: t === 'counter' ? 0 : t === 'gauge' ? 1 : 3, metric: [] };
      fams.set(name, f);
    }
    const label = p.labels().filter((l) => l.name !== '__name__').map((l) => ({ name: l.name, value: l.value }));
    const v = { value: p.value() };
    f.metric.push(f.type === 0 ? { label, counter: v } : f.type === 1 ? { label, gauge: v } : { label, untyped: v });
  }
  return delimited([...fams.values()].map(family));
}

interface Result {
  samples: number;
  /** best and median CPU seconds of one whole parse. */
  best: number;
  median: number;
  bytes: number;
}

// Module-level copies: tsx compiles imports to getters, which would slow the measured loop.
const EOF = Entry.EOF;
const SERIES = Entry.Series;

function parseOnce(bytes: Uint8Array, contentType: string, withLabels: boolean): number {
  const p = createParser(bytes, contentType);
  let n = 0;
  let acc = 0;
  for (;;) {
    const e = p.next();
    if (e === EOF) break;
    if (e !== SERIES) continue;
    n++;
    acc += p.series().length + p.value() + (p.timestamp() ?? 0);
    if (withLabels) acc += p.labels().length;
  }
  if (acc === -1) console.log('');
  return n;
}

function measure(bytes: Uint8Array, contentType: string, withLabels: boolean, minSeconds: number): Result {
  // Warm up for ~0.5 s so the JIT has optimized the parser before anything is timed (three
  // parses of a 10k body took 10 ms, which left the first case measuring unoptimized code).
  const warmEnd = performance.now() + 500;
  for (let i = 0; i < 3 || performance.now() < warmEnd; i++) parseOnce(bytes, contentType, withLabels);
  const times: number[] = [];
  let samples = 0;
  const deadline = performance.now() + minSeconds * 1000;
  while (performance.now() < deadline || times.length < 5) {
    // CPU time, not wall time: the machine is shared and wall time would count preemption.
    const c0 = process.cpuUsage();
    samples = parseOnce(bytes, contentType, withLabels);
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { samples, best: times[0]!, median: times[Math.floor(times.length / 2)]!, bytes: bytes.length };
}

/** runParseBench prints the parse throughput table. */
export function runParseBench(): void {
  console.log('# Exposition parse throughput (CPU time of one core, includes UTF-8 decoding of the body)');
  console.log('format       body      mode     samples  MB      samples/s (best / median)      MB/s (best / median)');
  for (const n of [10_000, 100_000]) {
    for (const format of ['text', 'openmetrics', 'protobuf'] as const) {
      const om = format === 'openmetrics';
      const body = format === 'protobuf' ? toProtobuf(nodeExporterBody(n, 7, false)) : Buffer.from(nodeExporterBody(n, 7, om));
      const ct = om ? 'application/openmetrics-text; version=1.0.0' : format === 'protobuf' ? 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited' : 'text/plain; version=0.0.4';
      for (const withLabels of [false, true]) {
        const r = measure(body, ct, withLabels, n >= 100_000 ? 3 : 1.5);
        const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(10);
        console.log(
          `${format.padEnd(12)} ${(n / 1000 + 'k').padEnd(9)} ${(withLabels ? 'labels' : 'series').padEnd(8)} ${String(r.samples).padStart(7)}  ${(r.bytes / 1e6).toFixed(2).padStart(5)}  ${fmt(r.samples / r.best)} / ${fmt(r.samples / r.median)}    ${(r.bytes / r.best / 1e6).toFixed(0).padStart(4)} / ${(r.bytes / r.median / 1e6).toFixed(0).padStart(4)}`,
        );
      }
    }
  }
  console.log('goal: >= 3,000,000 samples/s for the text formats ("series" mode, as Prometheus BenchmarkParse no-decode-metric).');
  console.log('best = fastest whole parse (least disturbed by other load on a shared machine), median = typical.');
}
