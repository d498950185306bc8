/**
 * The demo cluster's model: a few nodes and pods whose resource use drifts over time, integrated
 * into monotonic counters. It is pure simulation (no I/O): exporters.ts renders it as the
 * exposition formats real exporters serve, and a later fake Kubernetes API server serves its
 * objects.
 */
import { mulberry32 } from '../../common/util/random';

/** DemoContainer is one container of a demo pod. */
export interface DemoContainer {
  name: string;
  image: string;
  id: string;
  cpuRequest: number;
  cpuLimit: number;
  memRequest: number;
  memLimit: number;
  // simulated state
  cpuRate: number;
  cpuSeconds: number;
  memWorkingSet: number;
  fsUsage: number;
  fsReads: number;
  fsWrites: number;
  startedAt: number;
  restarts: number;
}

/** DemoPod is one pod. `app` pods also expose application metrics. */
export interface DemoPod {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  ip: string;
  app: string;
  controllerKind: string;
  controllerName: string;
  phase: 'Running' | 'Pending' | 'Succeeded' | 'Failed';
  containers: DemoContainer[];
  metricsPort: number | null;
  netRx: number;
  netTx: number;
  rxRate: number;
  txRate: number;
  http: DemoHttp | null;
  createdAt: number;
}

/** DemoHttp is the request traffic of an application pod. */
export interface DemoHttp {
  handlers: { handler: string; method: string; share: number; medianSeconds: number }[];
  rps: number;
  /** requests[handler|method|code] cumulative (float; rendered floored). */
  requests: Map<string, number>;
  /** latency histogram per handler: cumulative float counts per bucket, count, sum. */
  latency: Map<string, { buckets: number[]; count: number; sum: number }>;
}

/** DemoNode is one node. */
export interface DemoNode {
  name: string;
  ip: string;
  cpus: number;
  memBytes: number;
  diskBytes: number;
  bootTime: number;
  zone: string;
  // simulated state
  cpuSeconds: Map<string, number[]>; // mode -> per cpu counters
  memFree: number;
  buffers: number;
  cached: number;
  fsUsed: number;
  netRx: number;
  netTx: number;
  diskRead: number;
  diskWritten: number;
  load1: number;
}

/** LATENCY_BUCKETS are the upper bounds of the demo apps' request-duration histograms. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const CPU_MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];


function hexId(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/** normalCdf approximates the standard normal CDF. */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989423 * Math.exp((-x * x) / 2);
  const p = d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
  return x > 0 ? 1 - p : p;
}

/** DemoCluster simulates the whole cluster. */
export class DemoCluster {
  readonly name: string;
  readonly nodes: DemoNode[] = [];
  readonly pods: DemoPod[] = [];
  private readonly rand: () => number;
  private last: number;

  constructor(now: number, opts: { name?: string; seed?: number; nodes?: number } = {}) {
    this.name = opts.name ?? 'demo';
    this.rand = mulberry32(opts.seed ?? 42);
    this.last = now;
    const nNodes = opts.nodes ?? 3;
    for (let i = 0; i < nNodes; i++) this.nodes.push(this.makeNode(i, now));
    this.addWorkload(now, 'shop', 'frontend', 'Deployment', 2, { cpu: 0.25, mem: 256 << 20, port: 8080, image: 'ghcr.io/vigil-demo/frontend:1.4.2' }, [
      { handler: '/', method: 'GET', share: 0.55, medianSeconds: 0.03 },
      { handler: '/product', method: 'GET', share: 0.3, medianSeconds: 0.06 },
      { handler: '/cart', method: 'POST', share: 0.15, medianSeconds: 0.12 },
    ]);
    this.addWorkload(now, 'shop', 'checkout', 'Deployment', 2, { cpu: 0.5, mem: 512 << 20, port: 8080, image: 'ghcr.io/vigil-demo/checkout:2.0.1' }, [
      { handler: '/api/checkout', method: 'POST', share: 0.7, medianSeconds: 0.18 },
      { handler: '/api/orders', method: 'GET', share: 0.3, medianSeconds: 0.05 },
    ]);
    this.addWorkload(now, 'shop', 'redis', 'StatefulSet', 1, { cpu: 0.1, mem: 128 << 20, port: null, image: 'redis:7.2' }, null);
    this.addWorkload(now, 'kube-system', 'coredns', 'Deployment', 2, { cpu: 0.1, mem: 70 << 20, port: null, image: 'registry.k8s.io/coredns/coredns:v1.11.1' }, null);
    this.addWorkload(now, 'monitoring', 'batch-report', 'Job', 1, { cpu: 0.2, mem: 64 << 20, port: null, image: 'ghcr.io/vigil-demo/report:0.3' }, null);
  }

  private makeNode(i: number, now: number): DemoNode {
    const cpus = i === 0 ? 4 : 2;
    const memBytes = (i === 0 ? 16 : 8) * 1024 ** 3;
    const cpuSeconds = new Map<string, number[]>();
    for (const m of CPU_MODES) cpuSeconds.set(m, Array.from({ length: cpus }, () => (m === 'idle' ? 50_000 : 2_000) * this.rand()));
    return {
      name: `demo-node-${i + 1}`,
      ip: `10.0.${i}.10`,
      cpus,
      memBytes,
      diskBytes: 100 * 1024 ** 3,
      bootTime: Math.floor(now / 1000) - 86_400 * (3 + i),
      zone: `zone-${String.fromCharCode(97 + (i % 3))}`,
      cpuSeconds,
      memFree: memBytes * 0.45,
      buffers: memBytes * 0.03,
      cached: memBytes * 0.2,
      fsUsed: 100 * 1024 ** 3 * (0.3 + 0.1 * i),
      netRx: 1e9 * this.rand(),
      netTx: 1e9 * this.rand(),
      diskRead: 5e9 * this.rand(),
      diskWritten: 5e9 * this.rand(),
      load1: 0.5,
    };
  }

  private addWorkload(
    now: number,
    namespace: string,
    app: string,
    kind: string,
    replicas: number,
    res: { cpu: number; mem: number; port: number | null; image: string },
    handlers: DemoHttp['handlers'] | null,
  ): void {
    const rs = hexId(this.rand, 10);
    for (let r = 0; r < replicas; r++) {
      const node = this.nodes[(this.pods.length + r) % this.nodes.length]!;
      const suffix = kind === 'StatefulSet' ? String(r) : `${kind === 'Deployment' ? rs + '-' : ''}${hexId(this.rand, 5)}`;
      const name = `${app}-${suffix}`;
      const container: DemoContainer = {
        name: app,
        image: res.image,
        id: `containerd://${hexId(this.rand, 64)}`,
        cpuRequest: res.cpu,
        cpuLimit: res.cpu * 2,
        memRequest: res.mem,
        memLimit: res.mem * 2,
        cpuRate: res.cpu * (0.4 + 0.4 * this.rand()),
        cpuSeconds: 1000 * this.rand(),
        memWorkingSet: res.mem * (0.5 + 0.3 * this.rand()),
        fsUsage: 20e6 + 50e6 * this.rand(),
        fsReads: 1e8 * this.rand(),
        fsWrites: 1e8 * this.rand(),
        startedAt: now - 3_600_000 * (1 + 24 * this.rand()),
        restarts: app === 'checkout' && r === 1 ? 3 : 0,
      };
      const http: DemoHttp | null = handlers
        ? { handlers, rps: app === 'frontend' ? 40 : 12, requests: new Map(), latency: new Map() }
        : null;
      if (http) {
        for (const h of handlers!) http.latency.set(h.handler, { buckets: LATENCY_BUCKETS.map(() => 0), count: 0, sum: 0 });
      }
      this.pods.push({
        namespace,
        name,
        uid: `${hexId(this.rand, 8)}-${hexId(this.rand, 4)}-${hexId(this.rand, 4)}-${hexId(this.rand, 4)}-${hexId(this.rand, 12)}`,
        node: node.name,
        ip: `10.244.${this.nodes.indexOf(node)}.${10 + this.pods.length}`,
        app,
        controllerKind: kind === 'Deployment' ? 'ReplicaSet' : kind,
        controllerName: kind === 'Deployment' ? `${app}-${rs}` : app,
        phase: kind === 'Job' ? 'Succeeded' : 'Running',
        containers: [container],
        metricsPort: res.port,
        netRx: 1e8 * this.rand(),
        netTx: 1e8 * this.rand(),
        rxRate: 20_000 + 80_000 * this.rand(),
        txRate: 10_000 + 50_000 * this.rand(),
        http,
        createdAt: container.startedAt,
      });
    }
  }

  /** walk is a mean-reverting random walk step. */
  private walk(v: number, mean: number, vol: number, dt: number, lo: number, hi: number): number {
    const next = v + (mean - v) * Math.min(1, 0.05 * dt) + vol * (this.rand() - 0.5) * Math.sqrt(dt);
    return Math.min(hi, Math.max(lo, next));
  }

  /**
   * advance moves the simulation to now (ms), integrating rates into counters. Calls with a time
   * not after the last one do nothing, so every exporter can call it before rendering.
   */
  advance(now: number): void {
    let dt = (now - this.last) / 1000;
    if (dt <= 0) return;
    this.last = now;
    // Long gaps (the app was stopped) integrate at most an hour of activity.
    dt = Math.min(dt, 3600);
    const dayPhase = Math.sin((2 * Math.PI * (now / 1000)) / 600); // a 10-minute "traffic wave"
    const nodeCpu = new Map<string, number>();
    for (const p of this.pods) {
      for (const c of p.containers) {
        if (p.phase !== 'Running') continue;
        const target = c.cpuRequest * (0.6 + 0.3 * dayPhase);
        c.cpuRate = this.walk(c.cpuRate, target, c.cpuRequest * 0.3, dt, 0.001, c.cpuLimit);
        c.cpuSeconds += c.cpuRate * dt;
        c.memWorkingSet = this.walk(c.memWorkingSet, c.memRequest * 0.7, c.memRequest * 0.02, dt, c.memRequest * 0.2, c.memLimit * 0.95);
        c.fsUsage += 2000 * dt * this.rand();
        c.fsReads += 5000 * dt * this.rand();
        c.fsWrites += 20000 * dt * this.rand();
        nodeCpu.set(p.node, (nodeCpu.get(p.node) ?? 0) + c.cpuRate);
      }
      if (p.phase === 'Running') {
        p.rxRate = this.walk(p.rxRate, 60_000 * (1 + 0.5 * dayPhase), 10_000, dt, 1000, 1e7);
        p.txRate = this.walk(p.txRate, 30_000 * (1 + 0.5 * dayPhase), 5_000, dt, 500, 1e7);
        p.netRx += p.rxRate * dt;
        p.netTx += p.txRate * dt;
      }
      if (p.http) this.advanceHttp(p.http, dt, dayPhase);
    }
    for (const n of this.nodes) {
      const busy = Math.min(n.cpus * 0.95, 0.15 * n.cpus + (nodeCpu.get(n.name) ?? 0));
      n.load1 = this.walk(n.load1, busy * 1.2, 0.2, dt, 0, n.cpus * 2);
      const perCpuBusy = busy / n.cpus;
      const shares: Record<string, number> = { user: 0.62, system: 0.25, iowait: 0.05, softirq: 0.04, irq: 0.01, nice: 0.02, steal: 0.01 };
      for (const [mode, counters] of n.cpuSeconds) {
        for (let i = 0; i < counters.length; i++) {
          const jitter = 0.9 + 0.2 * this.rand();
          const frac = mode === 'idle' ? 1 - perCpuBusy : perCpuBusy * (shares[mode] ?? 0);
          counters[i]! += Math.max(0, frac * jitter) * dt;
        }
      }
      let podMem = 0;
      for (const p of this.pods) if (p.node === n.name) for (const c of p.containers) podMem += c.memWorkingSet;
      const used = n.memBytes * 0.18 + podMem;
      n.cached = this.walk(n.cached, n.memBytes * 0.2, n.memBytes * 0.005, dt, n.memBytes * 0.05, n.memBytes * 0.35);
      n.buffers = this.walk(n.buffers, n.memBytes * 0.03, n.memBytes * 0.001, dt, 0, n.memBytes * 0.05);
      n.memFree = Math.max(n.memBytes * 0.02, n.memBytes - used - n.cached - n.buffers);
      n.fsUsed = Math.min(n.diskBytes * 0.97, n.fsUsed + 50_000 * dt * this.rand());
      n.netRx += 200_000 * (1 + 0.5 * dayPhase) * dt * this.rand() * 2;
      n.netTx += 120_000 * (1 + 0.5 * dayPhase) * dt * this.rand() * 2;
      n.diskRead += 400_000 * dt * this.rand();
      n.diskWritten += 900_000 * dt * this.rand();
    }
  }

  private advanceHttp(h: DemoHttp, dt: number, phase: number): void {
    const total = h.rps * (1 + 0.4 * phase) * dt * (0.9 + 0.2 * this.rand());
    for (const hd of h.handlers) {
      const n = total * hd.share;
      const errRate = hd.handler.includes('checkout') ? 0.02 + 0.03 * Math.max(0, phase) : 0.005;
      for (const [code, share] of [['200', 1 - errRate], ['500', errRate * 0.7], ['404', errRate * 0.3]] as const) {
        const key = `${hd.handler}|${hd.method}|${code}`;
        h.requests.set(key, (h.requests.get(key) ?? 0) + n * share);
      }
      const lat = h.latency.get(hd.handler)!;
      const median = hd.medianSeconds * (1 + 0.5 * Math.max(0, phase));
      const sigma = 0.6;
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        const z = (Math.log(LATENCY_BUCKETS[i]!) - Math.log(median)) / sigma;
        lat.buckets[i]! += n * normalCdf(z);
      }
      lat.count += n;
      lat.sum += n * median * Math.exp((sigma * sigma) / 2);
    }
  }
}
