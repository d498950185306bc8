/**
 * `npm run bench:rules`: the rule engine's cost on a laptop. 500 rules (the starter pack's 13
 * alerts plus 487 generated recording rules) over ~10,000 synthetic series in a real storage (a
 * database file in a temporary folder), evaluated every 15 s with the engine Vigil runs.
 *
 * The series look like a small cluster's (kube_* of 20 nodes and 500 pods, the kubelet's
 * resource and volume metrics, node-exporter's filesystems, `up`) plus the applications' (request
 * counters and latency histograms of 40 services, container CPU and memory); 20 minutes of history
 * at 15 s are written first, then one scrape of every series is written before each cycle, as the
 * scrape loops would. Each cycle evaluates every group in order (rules/group.ts, the same code the
 * rule manager schedules).
 *
 * Reports the evaluation time per cycle (median and p99 over the cycles), the CPU of the
 * evaluations as a share of one core over the run (goal < 5%), and the process's whole CPU share
 * (with the synthetic scrapes' writes). Saves bench/results/rules-<date>.md with the machine.
 *
 * Options: --minutes N (default 3), --quick (1 minute, 5 minutes of history: a smoke test, not
 * saved), --no-save.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labelsFromRecord, type Labels } from '../src/common/model/labels';
import { Engine } from '../src/main/promql/engine';
import { openStorage, type StorageEngine } from '../src/main/storage';
import { loadRuleFile, type RuleGroup } from '../src/main/rules/file';
import { Group } from '../src/main/rules/group';
import { engineQueryFunc } from '../src/main/rules/manager';

const ROOT = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const SAVE = !QUICK && !argv.includes('--no-save');
const MINUTES = ((): number => {
  const i = argv.indexOf('--minutes');
  return i >= 0 ? Math.max(1, Number(argv[i + 1])) : QUICK ? 1 : 3;
})();
const INTERVAL_MS = 15_000;
const HISTORY_MS = (QUICK ? 5 : 20) * 60_000;
const TOTAL_RULES = 500;

// ---- the synthetic series ----

interface Series {
  labels: Labels;
  /** value at a time (ms): counters grow, gauges wave. */
  at(t: number): number;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
}

function seriesSet(): Series[] {
  const out: Series[] = [];
  const add = (rec: Record<string, string>, at: (t: number) => number): void => void out.push({ labels: labelsFromRecord({ cluster: 'bench', ...rec }), at });
  const counter = (rec: Record<string, string>, perS: number): void => add(rec, (t) => Math.floor((t / 1000) * perS * (0.5 + hash(JSON.stringify(rec)))));
  const gauge = (rec: Record<string, string>, base: number, amp: number): void => {
    const ph = hash(JSON.stringify(rec)) * 6.28;
    add(rec, (t) => base + amp * Math.sin(t / 600_000 + ph));
  };
  const ksm = { job: 'kube-state-metrics', instance: 'vigil-kube-state' };
  for (let n = 0; n < 20; n++) {
    const node = `node-${n}`;
    const kubelet = { instance: node, node };
    counter({ __name__: 'node_cpu_usage_seconds_total', job: 'kubelet-resource', metrics_path: '/metrics/resource', ...kubelet }, 1.5);
    gauge({ __name__: 'node_memory_working_set_bytes', job: 'kubelet-resource', metrics_path: '/metrics/resource', ...kubelet }, 6e9, 1e9);
    for (const condition of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'])
      for (const status of ['true', 'false', 'unknown']) add({ __name__: 'kube_node_status_condition', ...ksm, node, condition, status }, () => ((condition === 'Ready') === (status === 'true') || (condition !== 'Ready' && status === 'false') ? 1 : 0));
    for (const [resource, unit, v] of [['cpu', 'core', 4], ['memory', 'byte', 16e9]] as const) {
      add({ __name__: 'kube_node_status_allocatable', ...ksm, node, resource, unit }, () => v * 0.95);
      add({ __name__: 'kube_node_status_capacity', ...ksm, node, resource, unit }, () => v);
    }
    for (const [device, fstype, mountpoint] of [['/dev/sda1', 'ext4', '/'], ['tmpfs', 'tmpfs', '/run']]) {
      const ne = { job: 'node-exporter', instance: node, node, device: device!, fstype: fstype!, mountpoint: mountpoint! };
      gauge({ __name__: 'node_filesystem_avail_bytes', ...ne }, 40e9, 5e9);
      add({ __name__: 'node_filesystem_size_bytes', ...ne }, () => 100e9);
    }
    for (const job of ['kubelet', 'cadvisor', 'kubelet-resource', 'kubelet-probes', 'node-exporter']) add({ __name__: 'up', job, instance: node }, () => 1);
  }
  for (let p = 0; p < 500; p++) {
    const namespace = `ns-${p % 20}`;
    const pod = `app-${p}`;
    const uid = `uid-${p}`;
    const c = { ...ksm, namespace, pod, uid, container: 'main' };
    counter({ __name__: 'kube_pod_container_status_restarts_total', ...c }, p % 50 === 0 ? 0.01 : 0);
    if (p % 10 === 0) add({ __name__: 'kube_pod_container_status_waiting_reason', ...c, reason: p % 50 === 0 ? 'CrashLoopBackOff' : 'ContainerCreating' }, () => 1);
    add({ __name__: 'kube_pod_container_status_last_terminated_reason', ...c, reason: p % 100 === 0 ? 'OOMKilled' : 'Completed' }, () => 1);
    for (const condition of ['true', 'false', 'unknown']) add({ __name__: 'kube_pod_status_ready', ...ksm, namespace, pod, uid, condition }, () => (condition === (p % 40 === 0 ? 'false' : 'true') ? 1 : 0));
    for (const phase of ['Running', 'Succeeded']) add({ __name__: 'kube_pod_status_phase', ...ksm, namespace, pod, uid, phase }, () => (phase === 'Running' ? 1 : 0));
    add({ __name__: 'kube_pod_owner', ...ksm, namespace, pod, uid, owner_kind: 'ReplicaSet', owner_name: `app-${p % 50}-abc`, owner_is_controller: 'true' }, () => 1);
    counter({ __name__: 'container_cpu_usage_seconds_total', job: 'cadvisor', instance: `node-${p % 20}`, namespace, pod, container: 'main' }, 0.2);
    gauge({ __name__: 'container_memory_working_set_bytes', job: 'cadvisor', instance: `node-${p % 20}`, namespace, pod, container: 'main' }, 2e8, 5e7);
    add({ __name__: 'up', job: 'kubernetes-pods', instance: `10.0.${p >> 8}.${p & 255}:8080`, namespace, pod }, () => 1);
  }
  for (let d = 0; d < 50; d++) {
    const dep = { ...ksm, namespace: `ns-${d % 20}`, deployment: `app-${d}` };
    add({ __name__: 'kube_deployment_status_replicas_unavailable', ...dep }, () => (d === 7 ? 1 : 0));
    add({ __name__: 'kube_deployment_spec_paused', ...dep }, () => 0);
  }
  for (let v = 0; v < 50; v++) {
    const vol = { job: 'kubelet', instance: `node-${v % 20}`, node: `node-${v % 20}`, namespace: `ns-${v % 20}`, persistentvolumeclaim: `data-${v}` };
    gauge({ __name__: 'kubelet_volume_stats_available_bytes', ...vol }, 5e9, 1e9);
    add({ __name__: 'kubelet_volume_stats_capacity_bytes', ...vol }, () => 10e9);
    gauge({ __name__: 'kubelet_volume_stats_used_bytes', ...vol }, 5e9, 1e9);
  }
  add({ __name__: 'vigil_cluster_up', job: 'vigil', instance: '127.0.0.1:9090', context: 'bench', state: 'connected' }, () => 1);
  const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  for (let s = 0; s < 40; s++) {
    for (let i = 0; i < 5; i++) {
      const base = { job: `svc-${s}`, instance: `svc-${s}-${i}:8080`, namespace: `ns-${s % 20}` };
      for (const code of ['200', '404', '500']) counter({ __name__: 'http_requests_total', ...base, code }, code === '200' ? 20 : code === '404' ? 1 : 0.2);
      LE.forEach((le, k) => counter({ __name__: 'http_request_duration_seconds_bucket', ...base, le }, 20 * Math.min(1, (k + 1) / 10)));
      counter({ __name__: 'http_request_duration_seconds_count', ...base }, 20);
      counter({ __name__: 'http_request_duration_seconds_sum', ...base }, 2);
      add({ __name__: 'up', ...base }, () => 1);
    }
  }
  return out;
}

// ---- the rules ----

function generatedRules(n: number): string {
  const templates: ((i: number) => { record: string; expr: string })[] = [
    (i) => ({ record: `svc_${i % 40}:http_requests:rate5m`, expr: `sum by (cluster, job, code) (rate(http_requests_total{job="svc-${i % 40}"}[5m]))` }),
    (i) => ({ record: `svc_${i % 40}:http_request_duration_seconds:p99_5m`, expr: `histogram_quantile(0.99, sum by (cluster, job, le) (rate(http_request_duration_seconds_bucket{job="svc-${i % 40}"}[5m])))` }),
    (i) => ({ record: `svc_${i % 40}:http_errors:ratio_rate5m`, expr: `sum by (cluster, job) (rate(http_requests_total{job="svc-${i % 40}",code="500"}[5m])) / sum by (cluster, job) (rate(http_requests_total{job="svc-${i % 40}"}[5m]))` }),
    (i) => ({ record: `svc_${i % 40}:http_request_duration_seconds:mean_1m`, expr: `sum by (cluster, job) (rate(http_request_duration_seconds_sum{job="svc-${i % 40}"}[1m])) / sum by (cluster, job) (rate(http_request_duration_seconds_count{job="svc-${i % 40}"}[1m]))` }),
    (i) => ({ record: `ns_${i % 20}:container_memory_working_set_bytes:sum`, expr: `sum by (cluster, namespace) (container_memory_working_set_bytes{namespace="ns-${i % 20}"})` }),
    (i) => ({ record: `ns_${i % 20}:container_cpu_usage_seconds:rate5m`, expr: `sum by (cluster, namespace) (rate(container_cpu_usage_seconds_total{namespace="ns-${i % 20}"}[5m]))` }),
    (i) => ({ record: `svc_${i % 40}:up:avg_over_time5m`, expr: `avg by (cluster, job) (avg_over_time(up{job="svc-${i % 40}"}[5m]))` }),
    (i) => ({ record: `ns_${i % 20}:kube_pod_ready:count`, expr: `count by (cluster, namespace) (kube_pod_status_ready{namespace="ns-${i % 20}",condition="true"} == 1)` }),
    (i) => ({ record: `svc_${i % 40}:http_requests:increase1h`, expr: `sum by (cluster, job) (increase(http_requests_total{job="svc-${i % 40}"}[1h]))` }),
    (i) => ({ record: `svc_${i % 40}:http_requests:rate1m`, expr: `sum by (cluster, job, instance) (irate(http_requests_total{job="svc-${i % 40}"}[1m]))` }),
  ];
  const groups: string[] = ['groups:'];
  const seen = new Set<string>();
  let made = 0;
  for (let i = 0; made < n; i++) {
    const t = templates[i % templates.length]!(Math.floor(i / templates.length));
    let record = t.record;
    if (seen.has(record)) record = `${record}_v${i}`;
    seen.add(record);
    if (made % 25 === 0) groups.push(`  - name: generated-${made / 25}`, '    interval: 15s', '    rules:');
    groups.push(`      - record: ${record}`, `        expr: ${JSON.stringify(t.expr)}`);
    made++;
  }
  return groups.join('\n') + '\n';
}

// ---- the run ----

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
}

function writeScrape(st: StorageEngine, series: Series[], t: number): void {
  const app = st.appender();
  for (const s of series) app.append(0, s.labels, t, s.at(t));
  app.commit();
}

async function main(): Promise<void> {
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
  const loadAtStart = os.loadavg().map((x) => x.toFixed(2)).join(', ');
  console.log(`bench:rules${QUICK ? ' --quick' : ''} on ${machine}; load average ${loadAtStart}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-rules-'));
  const st = openStorage({ path: path.join(dir, 'vigil.db'), retentionMs: 0, retentionBytes: 0 });
  try {
    const series = seriesSet();
    const start = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
    const t0 = performance.now();
    for (let t = start - HISTORY_MS; t < start; t += INTERVAL_MS) writeScrape(st, series, t);
    const historyS = (performance.now() - t0) / 1000;
    console.log(`${series.length} series, ${HISTORY_MS / 60_000} min of history at 15 s written in ${historyS.toFixed(1)} s`);

    const starterText = fs.readFileSync(path.join(ROOT, 'resources', 'rules', 'vigil-starter.rules.yml'), 'utf8');
    const starter = loadRuleFile(starterText);
    const starterRules = starter.groups.reduce((n, g) => n + g.rules.length, 0);
    const gen = loadRuleFile(generatedRules(TOTAL_RULES - starterRules));
    if (starter.errors.length || gen.errors.length) throw new Error(`rules do not load: ${JSON.stringify([...starter.errors, ...gen.errors])}`);
    const engine = new Engine();
    let now = start;
    const mk = (g: RuleGroup, file: string): Group =>
      new Group(g, file, { intervalMs: INTERVAL_MS, queryOffsetMs: 0 }, {
        query: engineQueryFunc(engine, st),
        appendable: st,
        queryable: st,
        externalLabels: {},
        externalURL: 'http://127.0.0.1:9090',
        logger: () => {},
        now: () => now,
        forGracePeriodMs: 10 * 60_000,
        outageToleranceMs: 60 * 60_000,
        resendDelayMs: 60_000,
        notify: () => {},
      }, false);
    const groups = [...starter.groups.map((g) => mk(g, 'vigil-starter.rules.yml')), ...gen.groups.map((g) => mk(g, 'generated.rules.yml'))];
    const ruleCount = groups.reduce((n, g) => n + g.rules.length, 0);
    console.log(`${ruleCount} rules in ${groups.length} groups (${starterRules} starter alerts, ${ruleCount - starterRules} recording rules), every 15 s for ${MINUTES} min`);

    const cycles: { wallMs: number; cpuMs: number; samples: number; failures: number }[] = [];
    const proc0 = process.cpuUsage();
    const wall0 = performance.now();
    const end = wall0 + MINUTES * 60_000;
    let next = performance.now();
    while (next < end) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      now = Date.now();
      const ts = Math.floor(now / INTERVAL_MS) * INTERVAL_MS;
      // the scrapes of this interval
      if (!cycles.length || ts > start) writeScrape(st, series, ts + 1);
      // No forced GC before a cycle: the app does not force one, and the sweeper threads a forced
      // full GC leaves running would be counted in the cycle's process CPU.
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      let samples = 0;
      let failures = 0;
      for (const g of groups) {
        const f0 = g.stats.failures;
        g.iterate(ts + 2);
        samples += g.stats.samples;
        failures += g.stats.failures - f0;
      }
      const c = process.cpuUsage(c0);
      cycles.push({ wallMs: performance.now() - w0, cpuMs: (c.user + c.system) / 1000, samples, failures });
      const last = cycles[cycles.length - 1]!;
      console.log(`  cycle ${cycles.length}: ${last.wallMs.toFixed(0)} ms (CPU ${last.cpuMs.toFixed(0)} ms), ${last.samples} samples written${last.failures ? `, ${last.failures} FAILED` : ''}`);
      next += INTERVAL_MS;
    }
    const elapsedMs = performance.now() - wall0;
    const proc = process.cpuUsage(proc0);
    const evalCpuMs = cycles.reduce((n, c) => n + c.cpuMs, 0);
    const wall = cycles.map((c) => c.wallMs);
    const cpu = cycles.map((c) => c.cpuMs);
    const share = (evalCpuMs / elapsedMs) * 100;
    const procShare = ((proc.user + proc.system) / 1000 / elapsedMs) * 100;
    const failures = cycles.reduce((n, c) => n + c.failures, 0);
    const rows: [string, string, string, string][] = [
      ['evaluation time per cycle, median', `${quantile(wall, 0.5).toFixed(0)} ms`, '(report)', '-'],
      ['evaluation time per cycle, p99', `${quantile(wall, 0.99).toFixed(0)} ms`, '(report)', '-'],
      ['evaluation CPU time per cycle, median / p99', `${quantile(cpu, 0.5).toFixed(0)} / ${quantile(cpu, 0.99).toFixed(0)} ms`, '(report)', '-'],
      [`CPU of the evaluations, share of one core (${(elapsedMs / 60_000).toFixed(1)} min)`, `${share.toFixed(2)}%`, '< 5%', share < 5 ? 'yes' : 'NO'],
      ['CPU of the whole process, with the synthetic scrapes written', `${procShare.toFixed(2)}%`, '(report)', '-'],
      ['rule evaluation failures', String(failures), '0', failures === 0 ? 'yes' : 'NO'],
    ];
    for (const r of rows) console.log(`${r[0]}: ${r[1]} (goal ${r[2]}, met: ${r[3]})`);
    if (SAVE) {
      const date = new Date().toISOString().slice(0, 10);
      const w = [Math.max(6, ...rows.map((r) => r[0].length)), Math.max(5, ...rows.map((r) => r[1].length)), 8, 4];
      const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |`;
      const md = [
        `# bench:rules, ${date}`,
        '',
        `Machine: ${machine}.`,
        '',
        `Command: \`npm run bench:rules\` (${MINUTES} min of cycles). In one process: a real storage (a database file), the PromQL engine and rules/group.ts.`,
        '',
        `Load: ${ruleCount} rules in ${groups.length} groups (the starter pack's ${starterRules} alerts and ${ruleCount - starterRules} generated recording rules: rates, ratios, histogram quantiles, sums over namespaces, increase over 1 h) over ${series.length.toLocaleString('en-US')} synthetic series (a 20-node / 500-pod cluster's kube_*, kubelet and node-exporter series, 40 services' request counters and latency histograms), ${HISTORY_MS / 60_000} min of history at 15 s, a scrape of every series written before each cycle; evaluated every 15 s, ${cycles.length} cycles.`,
        '',
        line(['figure', 'value', 'goal', 'met?']),
        line(w.map((n) => '-'.repeat(n))),
        ...rows.map((r) => line(r)),
        '',
        '## Details',
        '',
        `- load average at start: ${loadAtStart}, at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (${os.cpus().length} cores shared with other work: wall-clock times per cycle include waiting for a core; the CPU times do not)`,
        `- history written in ${historyS.toFixed(1)} s`,
        `- per cycle (ms, wall): ${wall.map((x) => x.toFixed(0)).join(', ')}`,
        `- per cycle (ms, CPU): ${cpu.map((x) => x.toFixed(0)).join(', ')}`,
        `- samples written per cycle: ${cycles[cycles.length - 1]?.samples ?? 0}`,
        '',
      ].join('\n');
      const file = path.join(ROOT, 'bench', 'results', `rules-${date}.md`);
      fs.writeFileSync(file, md);
      console.log(`saved ${path.relative(ROOT, file)}`);
    }
  } finally {
    st.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
