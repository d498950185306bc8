/**
 * The PromQL benchmark's dataset: a simulated Kubernetes cluster of 16 nodes scraped every 15 s
 * for 24 h, about 10,000 series: node-exporter (CPU seconds per CPU and mode, memory, filesystems,
 * network, disks, load), kubelet cAdvisor (container CPU, working set, network, filesystem, with
 * the pod-level series real cAdvisor exposes as `container=""`, i.e. without the label once stored), kube-state-metrics (resource
 * requests and limits, node capacity and allocatable, pod info, restarts), an instrumented app
 * (request counters by handler and code, a latency histogram with `le` buckets) and `up`.
 *
 * Values move like real ones (counters with irregular increments and decimals, byte gauges by
 * pages, constants, cumulative histogram buckets); every target has its own scrape offset and 5%
 * of its scrapes land a few milliseconds late. Everything is seeded: the same text every run.
 *
 * The data is produced as OpenMetrics text, one 2-hour window at a time (aligned with TSDB
 * blocks) and one metric family at a time, so that both stores read exactly the same samples:
 * Prometheus through promtool's OpenMetrics backfill, Vigil through its own OpenMetrics parser.
 */
import { mulberry32, type Rng } from '../../src/common/util/random';

/** DATASET_VERSION changes whenever the generated data changes (cached stores are rebuilt). */
export const DATASET_VERSION = 1;

/** START_MS is the first scrape window: 2025-01-01T00:00:00Z (a multiple of 2 h). */
export const START_MS = Date.UTC(2025, 0, 1);
/** HOURS of data. */
export const HOURS = 24;
/** INTERVAL_MS is the scrape interval. */
export const INTERVAL_MS = 15_000;
/** WINDOW_MS is the span of one generated chunk (a TSDB block range). */
export const WINDOW_MS = 2 * 3_600_000;
/** WINDOWS is the number of 2-hour windows. */
export const WINDOWS = (HOURS * 3_600_000) / WINDOW_MS;
/** END_MS is the end of the data. */
export const END_MS = START_MS + HOURS * 3_600_000;

const STEPS_PER_WINDOW = WINDOW_MS / INTERVAL_MS;

/** Target is one scraped endpoint: its scrape offset and timestamps. */
class Target {
  readonly offset: number;
  private readonly late: Float64Array;

  constructor(rng: Rng) {
    this.offset = Math.floor(rng() * INTERVAL_MS);
    const n = HOURS * 240;
    this.late = new Float64Array(n);
    for (let i = 0; i < n; i++) this.late[i] = rng() < 0.05 ? 3 + Math.floor(rng() * 28) : 0;
  }

  /** timestamps returns the OpenMetrics timestamp texts of window w. */
  timestamps(w: number): string[] {
    const out: string[] = new Array(STEPS_PER_WINDOW);
    for (let k = 0; k < STEPS_PER_WINDOW; k++) {
      const i = w * STEPS_PER_WINDOW + k;
      const t = START_MS + i * INTERVAL_MS + this.offset + this.late[i]!;
      const ms = t % 1000;
      out[k] = `${(t - ms) / 1000}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
    }
    return out;
  }
}

/** Gen produces the next value of a series (called once per scrape, in time order). */
type Gen = () => number;

/** ScalarSeries is a series with its own value generator. */
interface ScalarSeries {
  prefix: string;
  target: Target;
  next: Gen;
}

/** HistogramGroup is one classic histogram: bucket, sum and count series updated together. */
interface HistogramGroup {
  bucketPrefixes: string[];
  sumPrefix: string;
  countPrefix: string;
  target: Target;
  bounds: number[];
  rate: number;
  scale: number;
  counts: number[];
  sum: number;
  rng: Rng;
}

/** Family is one metric family of the exposition. */
interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  series: ScalarSeries[];
  hists: HistogramGroup[];
}

function labelText(rec: Record<string, string>): string {
  const parts: string[] = [];
  for (const k of Object.keys(rec).sort()) parts.push(`${k}="${rec[k]}"`);
  return `{${parts.join(',')}}`;
}

function round(v: number, decimals: number): number {
  const p = 10 ** decimals;
  return Math.round(v * p) / p;
}

/** Cluster is the whole simulated cluster. */
export class Cluster {
  readonly families: Family[] = [];
  private readonly byName = new Map<string, Family>();
  private readonly rng: Rng;

  constructor(seed = 20250101) {
    this.rng = mulberry32(seed);
    this.build();
  }

  /** seriesCount is the number of series. */
  get seriesCount(): number {
    let n = 0;
    for (const f of this.families) {
      n += f.series.length;
      for (const h of f.hists) n += h.bucketPrefixes.length + 2;
    }
    return n;
  }

  private family(name: string, type: Family['type']): Family {
    let f = this.byName.get(name);
    if (f === undefined) {
      f = { name, type, series: [], hists: [] };
      this.byName.set(name, f);
      this.families.push(f);
    }
    return f;
  }

  private add(family: string, type: Family['type'], metric: string, labels: Record<string, string>, target: Target, next: Gen): void {
    this.family(family, type).series.push({ prefix: metric + labelText(labels) + ' ', target, next });
  }

  // Value models.
  private constant(v: number): Gen {
    return () => v;
  }
  private counter(start: number, perScrape: number, decimals: number): Gen {
    const r = this.rng;
    let v = start;
    return () => (v = round(v + perScrape * (0.5 + r()), decimals));
  }
  private intCounter(start: number, perScrape: number, idleShare = 0): Gen {
    const r = this.rng;
    let v = start;
    return () => (r() < idleShare ? v : (v += Math.floor(perScrape * (0.5 + r()))));
  }
  private rareCounter(): Gen {
    const r = this.rng;
    let v = Math.floor(r() * 3);
    return () => (r() < 0.0005 ? ++v : v);
  }
  private pages(start: number, min: number, max: number, stepPages: number): Gen {
    const r = this.rng;
    let p = Math.floor(start / 4096);
    const lo = Math.floor(min / 4096);
    const hi = Math.floor(max / 4096);
    return () => {
      p += Math.floor((r() - 0.5) * stepPages);
      if (p < lo) p = lo;
      if (p > hi) p = hi;
      return p * 4096;
    };
  }
  private gauge(start: number, step: number, min: number, max: number, decimals: number): Gen {
    const r = this.rng;
    let v = start;
    return () => {
      v = round(Math.min(max, Math.max(min, v + (r() - 0.5) * step)), decimals);
      return v;
    };
  }

  private build(): void {
    const r = this.rng;
    const nodes = 16;
    const namespaces = ['default', 'kube-system', 'monitoring', 'payments', 'checkout', 'search', 'frontend', 'batch'];
    const nodeNames = Array.from({ length: nodes }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);
    const ksm = new Target(r);
    const up = (target: Target, job: string, instance: string): void => this.add('up', 'gauge', 'up', { job, instance }, target, this.constant(1));

    // node-exporter on every node.
    nodeNames.forEach((node, ni) => {
      const t = new Target(r);
      const base = { job: 'node-exporter', instance: `10.0.1.${ni + 1}:9100`, kubernetes_node: node };
      up(t, base.job, base.instance);
      const shares: Record<string, number> = { idle: 0.62, iowait: 0.02, irq: 0.005, nice: 0.001, softirq: 0.01, steal: 0.002, system: 0.09, user: 0.25 };
      for (let cpu = 0; cpu < 8; cpu++) {
        for (const mode of Object.keys(shares)) {
          const share = shares[mode]! * (0.6 + r() * 0.8);
          this.add('node_cpu_seconds', 'counter', 'node_cpu_seconds_total', { ...base, cpu: String(cpu), mode }, t, this.counter(round(1e5 * share, 2), 15 * share, 2));
        }
      }
      const total = 32 * 1024 ** 3;
      this.add('node_memory_MemTotal_bytes', 'gauge', 'node_memory_MemTotal_bytes', base, t, this.constant(total - 512 * 1024 ** 2));
      this.add('node_memory_MemFree_bytes', 'gauge', 'node_memory_MemFree_bytes', base, t, this.pages(total * 0.2, total * 0.05, total * 0.5, 3000));
      this.add('node_memory_MemAvailable_bytes', 'gauge', 'node_memory_MemAvailable_bytes', base, t, this.pages(total * 0.45, total * 0.2, total * 0.8, 3000));
      this.add('node_memory_Buffers_bytes', 'gauge', 'node_memory_Buffers_bytes', base, t, this.pages(300 * 1024 ** 2, 100 * 1024 ** 2, 800 * 1024 ** 2, 50));
      this.add('node_memory_Cached_bytes', 'gauge', 'node_memory_Cached_bytes', base, t, this.pages(total * 0.25, total * 0.1, total * 0.4, 2000));
      for (const [mp, dev, size] of [
        ['/', 'nvme0n1p2', 200],
        ['/var/lib/kubelet', 'nvme1n1', 500],
        ['/boot', 'nvme0n1p1', 1],
      ] as const) {
        const bytes = size * 1024 ** 3;
        const fs = { ...base, device: dev, fstype: 'ext4', mountpoint: mp };
        this.add('node_filesystem_size_bytes', 'gauge', 'node_filesystem_size_bytes', fs, t, this.constant(bytes));
        this.add('node_filesystem_avail_bytes', 'gauge', 'node_filesystem_avail_bytes', fs, t, this.pages(bytes * (0.3 + r() * 0.5), bytes * 0.05, bytes, 200));
      }
      for (const dev of ['eth0', 'cni0', 'lo']) {
        const rate = dev === 'lo' ? 2e4 : 2e5 + r() * 5e6;
        this.add('node_network_receive_bytes', 'counter', 'node_network_receive_bytes_total', { ...base, device: dev }, t, this.intCounter(Math.floor(r() * 1e12), rate));
        this.add('node_network_transmit_bytes', 'counter', 'node_network_transmit_bytes_total', { ...base, device: dev }, t, this.intCounter(Math.floor(r() * 1e12), rate * 0.7));
      }
      for (const dev of ['nvme0n1', 'nvme1n1']) {
        this.add('node_disk_read_bytes', 'counter', 'node_disk_read_bytes_total', { ...base, device: dev }, t, this.intCounter(Math.floor(r() * 1e12), 4096 * 200, 0.3));
        this.add('node_disk_written_bytes', 'counter', 'node_disk_written_bytes_total', { ...base, device: dev }, t, this.intCounter(Math.floor(r() * 1e12), 4096 * 900, 0.1));
      }
      const load = 1 + r() * 4;
      this.add('node_load1', 'gauge', 'node_load1', base, t, this.gauge(load, 0.6, 0, 16, 2));
      this.add('node_load5', 'gauge', 'node_load5', base, t, this.gauge(load, 0.2, 0, 16, 2));
      this.add('node_load15', 'gauge', 'node_load15', base, t, this.gauge(load, 0.08, 0, 16, 2));
      for (const [res, cap, alloc] of [
        ['cpu', 8, 7.91],
        ['memory', total, total - 1.5 * 1024 ** 3],
        ['pods', 110, 110],
      ] as const) {
        const l = { job: 'kube-state-metrics', instance: '10.0.2.1:8080', node, resource: res, unit: res === 'cpu' ? 'core' : res === 'memory' ? 'byte' : 'integer' };
        this.add('kube_node_status_capacity', 'gauge', 'kube_node_status_capacity', l, ksm, this.constant(cap));
        this.add('kube_node_status_allocatable', 'gauge', 'kube_node_status_allocatable', l, ksm, this.constant(alloc));
      }
    });

    // Pods: 20 per node, one or two containers each; kubelet cAdvisor and kube-state-metrics series.
    const kubelets = nodeNames.map((node) => {
      const t = new Target(r);
      up(t, 'kubelet', node);
      return t;
    });
    const apps: { ns: string; pod: string; ip: string }[] = [];
    let podIndex = 0;
    nodeNames.forEach((node, ni) => {
      const kt = kubelets[ni]!;
      for (let p = 0; p < 20; p++, podIndex++) {
        const ns = namespaces[podIndex % namespaces.length]!;
        const app = `${['api', 'worker', 'web', 'cache', 'db', 'queue'][podIndex % 6]}`;
        const pod = `${app}-${(podIndex * 2654435761).toString(36).slice(-5)}-${(podIndex * 40503).toString(36).slice(-5)}`;
        const ip = `10.244.${ni}.${p + 2}`;
        if (apps.length < 48 && (app === 'api' || app === 'web')) apps.push({ ns, pod, ip });
        const containers = podIndex % 2 === 0 ? [app, 'sidecar'] : [app];
        const cad = { job: 'kubelet', instance: node, node, namespace: ns, pod };
        this.add('kube_pod_info', 'gauge', 'kube_pod_info', { job: 'kube-state-metrics', instance: '10.0.2.1:8080', namespace: ns, pod, node, pod_ip: ip, host_ip: `10.0.1.${ni + 1}`, created_by_kind: 'ReplicaSet' }, ksm, this.constant(1));
        // Pod-level cgroup series come without a container label (cAdvisor's container="", which
        // ingestion drops as an empty label).
        let podCpu = 0;
        let podMem = 0;
        for (const c of containers) {
          const image = `registry.example.com/${c}:1.${podIndex % 7}.${podIndex % 3}`;
          const cl = { ...cad, container: c, image };
          const cpu = c === 'sidecar' ? 0.01 + r() * 0.02 : 0.05 + r() * 0.8;
          const mem = c === 'sidecar' ? 30 * 1024 ** 2 : (128 + r() * 1500) * 1024 ** 2;
          podCpu += cpu;
          podMem += mem;
          this.add('container_cpu_usage_seconds', 'counter', 'container_cpu_usage_seconds_total', cl, kt, this.counter(round(r() * 1e4, 6), 15 * cpu, 6));
          this.add('container_memory_working_set_bytes', 'gauge', 'container_memory_working_set_bytes', cl, kt, this.pages(mem, mem * 0.5, mem * 1.5, 400));
          this.add('container_fs_usage_bytes', 'gauge', 'container_fs_usage_bytes', cl, kt, this.pages(r() * 5e8, 4096, 2e9, 10));
          const kl = { job: 'kube-state-metrics', instance: '10.0.2.1:8080', namespace: ns, pod, node, container: c };
          const reqCpu = c === 'sidecar' ? 0.05 : [0.1, 0.25, 0.5, 1][podIndex % 4]!;
          const reqMem = c === 'sidecar' ? 64 * 1024 ** 2 : [256, 512, 1024, 2048][podIndex % 4]! * 1024 ** 2;
          this.add('kube_pod_container_resource_requests', 'gauge', 'kube_pod_container_resource_requests', { ...kl, resource: 'cpu', unit: 'core' }, ksm, this.constant(reqCpu));
          this.add('kube_pod_container_resource_requests', 'gauge', 'kube_pod_container_resource_requests', { ...kl, resource: 'memory', unit: 'byte' }, ksm, this.constant(reqMem));
          this.add('kube_pod_container_resource_limits', 'gauge', 'kube_pod_container_resource_limits', { ...kl, resource: 'cpu', unit: 'core' }, ksm, this.constant(reqCpu * 2));
          this.add('kube_pod_container_resource_limits', 'gauge', 'kube_pod_container_resource_limits', { ...kl, resource: 'memory', unit: 'byte' }, ksm, this.constant(reqMem * 2));
          this.add('kube_pod_container_status_restarts', 'counter', 'kube_pod_container_status_restarts_total', kl, ksm, this.rareCounter());
        }
        this.add('container_cpu_usage_seconds', 'counter', 'container_cpu_usage_seconds_total', cad, kt, this.counter(round(r() * 2e4, 6), 15 * podCpu, 6));
        this.add('container_memory_working_set_bytes', 'gauge', 'container_memory_working_set_bytes', cad, kt, this.pages(podMem, podMem * 0.5, podMem * 1.5, 600));
        const net = 1e4 + r() * 2e6;
        this.add('container_network_receive_bytes', 'counter', 'container_network_receive_bytes_total', { ...cad, interface: 'eth0' }, kt, this.intCounter(Math.floor(r() * 1e10), net));
        this.add('container_network_transmit_bytes', 'counter', 'container_network_transmit_bytes_total', { ...cad, interface: 'eth0' }, kt, this.intCounter(Math.floor(r() * 1e10), net * 0.6));
      }
    });
    up(ksm, 'kube-state-metrics', '10.0.2.1:8080');

    // The instrumented app: 48 pods of api/web.
    const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    const le = [...bounds.map((b) => String(b)), '+Inf'];
    for (const a of apps) {
      const t = new Target(r);
      const base = { job: 'app', instance: `${a.ip}:8080`, namespace: a.ns, pod: a.pod };
      up(t, base.job, base.instance);
      for (const handler of ['/', '/api/v1/orders', '/api/v1/users', '/api/v1/search', '/healthz', '/metrics']) {
        const weight = handler === '/healthz' || handler === '/metrics' ? 0.2 : 1 + r() * 5;
        for (const [code, share] of [
          ['200', 1],
          ['404', 0.02],
          ['500', 0.004],
        ] as const) {
          this.add('http_requests', 'counter', 'http_requests_total', { ...base, handler, code, method: 'GET' }, t, this.intCounter(Math.floor(r() * 1e5), 15 * weight * share * 10, share < 0.01 ? 0.7 : 0));
        }
        if (handler === '/healthz' || handler === '/metrics') continue;
        const hl = { ...base, handler };
        this.family('http_request_duration_seconds', 'histogram').hists.push({
          bucketPrefixes: le.map((b) => `http_request_duration_seconds_bucket${labelText({ ...hl, le: b })} `),
          sumPrefix: `http_request_duration_seconds_sum${labelText(hl)} `,
          countPrefix: `http_request_duration_seconds_count${labelText(hl)} `,
          target: t,
          bounds,
          rate: 15 * weight * 10,
          scale: handler === '/api/v1/search' ? 0.4 : 0.06,
          counts: le.map(() => 0),
          sum: 0,
          rng: mulberry32(Math.floor(r() * 2 ** 32)),
        });
      }
    }
  }

  /**
   * windowChunks yields window w's exposition one metric family at a time (each chunk starts with
   * its `# TYPE` line; the caller adds the final `# EOF`). Windows must be produced in order.
   */
  *windowChunks(w: number): Generator<string> {
    const tsCache = new Map<Target, string[]>();
    const ts = (t: Target): string[] => {
      let a = tsCache.get(t);
      if (a === undefined) {
        a = t.timestamps(w);
        tsCache.set(t, a);
      }
      return a;
    };
    for (const f of this.families) {
      const parts: string[] = [`# TYPE ${f.name} ${f.type}\n`];
      for (const s of f.series) {
        const tt = ts(s.target);
        let text = '';
        for (let k = 0; k < tt.length; k++) text += `${s.prefix}${s.next()} ${tt[k]}\n`;
        parts.push(text);
      }
      for (const h of f.hists) {
        const tt = ts(h.target);
        const nb = h.bounds.length;
        const lines: string[][] = h.bucketPrefixes.map(() => []);
        const sums: string[] = [];
        const counts: string[] = [];
        for (let k = 0; k < tt.length; k++) {
          const n = Math.floor(h.rate * (0.5 + h.rng()));
          // Latencies: log-normal around scale; observations at or below each bound from its CDF
          // (kept non-decreasing across bounds, so buckets stay cumulative).
          let below = 0;
          for (let b = 0; b < nb; b++) {
            const z = (Math.log(h.bounds[b]! / h.scale) / 0.9) * (0.9 + h.rng() * 0.2);
            const c = Math.max(below, Math.min(n, Math.round(n * 0.5 * (1 + erf(z / Math.SQRT2)))));
            h.counts[b]! += c;
            below = c;
          }
          h.counts[nb]! += n;
          h.sum = round(h.sum + n * h.scale * (0.8 + h.rng() * 0.4), 3);
          for (let b = 0; b < nb; b++) lines[b]!.push(`${h.bucketPrefixes[b]}${h.counts[b]} ${tt[k]}\n`);
          lines[nb]!.push(`${h.bucketPrefixes[nb]}${h.counts[nb]} ${tt[k]}\n`);
          sums.push(`${h.sumPrefix}${h.sum} ${tt[k]}\n`);
          counts.push(`${h.countPrefix}${h.counts[nb]} ${tt[k]}\n`);
        }
        for (const l of lines) parts.push(l.join(''));
        parts.push(sums.join(''), counts.join(''));
      }
      yield parts.join('');
    }
  }
}

/** erf is the error function (Abramowitz and Stegun 7.1.26, enough for synthetic latencies). */
function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
