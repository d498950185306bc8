/**
 * The demo simulation as a function of time: a fresh simulation renders every target exactly as
 * one that has run for hours, counters never go back except where the simulation restarted the
 * container behind them, the expositions parse strictly, and the Waves' integrals are exact.
 */
import { describe, expect, it } from 'vitest';
import { createParser, Entry } from '../../src/common/textparse';
import { labelsGet } from '../../src/common/model/labels';
import { ClusterSim, type PodInstance } from '../../src/main/demo/sim/sim';
import { clusterSpec } from '../../src/main/demo/sim/spec';
import { Wave } from '../../src/main/demo/sim/wave';
import { KUBELET_PORT, NODE_EXPORTER_PORT, SimNetwork } from '../../src/main/demo/network';
import type { ContainerSpec } from '../../src/main/demo/sim/spec';

/** T0 is a simulated time well inside an era of the default seed. */
const T0 = Date.UTC(2026, 2, 3, 8, 0, 0);

type Address = { host: string; port: number; path: string; pod?: PodInstance; c?: ContainerSpec };

/** addresses lists every scrapeable address of the cluster at s: kubelets, node-exporters, apps. */
function addresses(sim: ClusterSim, s: number): Address[] {
  const out: Address[] = [];
  for (const n of sim.spec.nodes) {
    for (const path of ['/metrics', '/metrics/cadvisor', '/metrics/resource', '/metrics/probes']) out.push({ host: n.ip, port: KUBELET_PORT, path });
    out.push({ host: n.ip, port: NODE_EXPORTER_PORT, path: '/metrics' });
  }
  for (const p of sim.podsAt(s)) {
    for (const c of p.w.containers) if (c.metricsPort && !p.w.hostNetwork) out.push({ host: p.ip, port: c.metricsPort, path: c.metricsPath ?? '/metrics', pod: p, c });
  }
  return out;
}

/** counters returns the counter samples of a body (counters, histogram buckets, sums and counts) by series. */
function counters(body: string): Map<string, { value: number; labels: ReturnType<ReturnType<typeof createParser>['labels']> }> {
  const out = new Map<string, { value: number; labels: ReturnType<ReturnType<typeof createParser>['labels']> }>();
  const p = createParser(body, 'text/plain; version=0.0.4');
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    if (e !== Entry.Series) continue;
    const t = p.currentType();
    if (t !== 'counter' && t !== 'histogram') continue;
    out.set(p.series(), { value: p.value(), labels: p.labels() });
  }
  return out;
}

describe('demo simulation', () => {
  it('renders every target at a time the same whether the simulation is fresh or has run for hours', () => {
    const long = new ClusterSim(clusterSpec('demo', 0, 1));
    const longNet = new SimNetwork(long);
    let compared = 0;
    for (let k = 0; k <= 120; k++) {
      const t = T0 + k * 30_000;
      const bodies = addresses(long, t / 1000).map((a) => longNet.renderAt(a.host, a.port, a.path, t, { openMetrics: true }));
      if (k % 30 !== 15) continue;
      const fresh = new ClusterSim(clusterSpec('demo', 0, 1));
      const freshNet = new SimNetwork(fresh);
      const again = addresses(fresh, t / 1000).map((a) => freshNet.renderAt(a.host, a.port, a.path, t, { openMetrics: true }));
      expect(again).toEqual(bodies);
      compared += bodies.filter((b) => b !== null).length;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('never moves a counter back except at a restart of the container behind it', () => {
    const sim = new ClusterSim(clusterSpec('demo', 0, 1));
    const net = new SimNetwork(sim);
    const last = new Map<string, { value: number; s: number; pod?: PodInstance; c?: ContainerSpec }>();
    let resets = 0;
    let checked = 0;
    for (let k = 0; k <= 3 * 120; k++) {
      const s = T0 / 1000 + k * 30;
      const pods = sim.podsAt(s);
      for (const a of addresses(sim, s)) {
        const body = net.renderAt(a.host, a.port, a.path, s * 1000);
        if (body === null) continue;
        for (const [series, { value, labels }] of counters(body)) {
          // Series are keyed as a scrape would key them: the target (its pod, for apps) and the labels.
          let pod = a.pod;
          let c = a.c;
          const podName = labelsGet(labels, 'pod');
          if (!pod && podName) {
            pod = pods.find((p) => p.name === podName && p.w.namespace === labelsGet(labels, 'namespace'));
            c = pod?.w.containers.find((x) => x.name === labelsGet(labels, 'container'));
          }
          const key = `${a.host}:${a.port}${a.path}|${pod?.uid ?? ''}|${series}`;
          const prev = last.get(key);
          last.set(key, { value, s, pod, c });
          if (!prev) continue;
          checked++;
          if (value >= prev.value) continue;
          // A decrease: the simulation must have restarted this very container in between.
          expect(pod && c ? sim.restartsBetween(pod, c, prev.s, s) : 0, `${key} went from ${prev.value} to ${value}`).toBeGreaterThan(0);
          resets++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50_000);
    // The crash-looping and OOM-killed containers did restart in these 3 hours, and their
    // resource-metrics counters started again.
    expect(resets).toBeGreaterThan(5);
  });

  it('serves expositions that parse strictly, cAdvisor and resource metrics with timestamps', () => {
    const sim = new ClusterSim(clusterSpec('demo', 0, 1));
    const net = new SimNetwork(sim);
    const s = T0 / 1000 + 1234;
    const node = sim.spec.nodes[0]!;
    for (const a of addresses(sim, s)) {
      const body = net.renderAt(a.host, a.port, a.path, s * 1000);
      if (body === null) continue;
      const p = createParser(body, 'text/plain; version=0.0.4', { strict: true });
      let n = 0;
      for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
        if (e !== Entry.Series) continue;
        n++;
        if (a.path === '/metrics/cadvisor' && p.metricName() !== 'cadvisor_version_info' && !p.metricName().startsWith('machine_')) expect(p.timestamp()).toBe(s * 1000);
      }
      expect(n).toBeGreaterThan(0);
    }
    const cadvisor = net.renderAt(node.ip, KUBELET_PORT, '/metrics/cadvisor', s * 1000)!;
    // The root cgroup, pod cgroups (container="") and containers, with cAdvisor's label set.
    expect(cadvisor).toMatch(/^container_cpu_usage_seconds_total\{container="",cpu="total",id="\/",image="",name="",namespace="",pod=""\} /m);
    expect(cadvisor).toMatch(/^container_memory_working_set_bytes\{container="",id="\/kubepods\.slice\/kubepods-burstable\.slice\/kubepods-burstable-pod[0-9a-f_]+\.slice",image="",name="",namespace="[a-z-]+",pod="[a-z0-9-]+"\} /m);
    expect(cadvisor).toMatch(/^container_memory_working_set_bytes\{container="[a-z-]+",id="\/kubepods\.slice\/.*\/cri-containerd-[0-9a-f]{64}\.scope",image="[^"]+",name="[0-9a-f]{64}",namespace="[a-z-]+",pod="[a-z0-9-]+"\} /m);
    expect(cadvisor).toMatch(/^container_network_receive_bytes_total\{container="",id="[^"]+pod[^"]+",image="",interface="eth0",name="",namespace=/m);
    expect(cadvisor).toMatch(/^machine_cpu_cores\{boot_id="[0-9a-f-]+",machine_id="[0-9a-f]{32}",system_uuid="[0-9a-f-]+"\} 4 \d+$/m);
    const resource = net.renderAt(node.ip, KUBELET_PORT, '/metrics/resource', s * 1000)!;
    for (const name of ['node_cpu_usage_seconds_total', 'node_memory_working_set_bytes', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'pod_cpu_usage_seconds_total', 'pod_memory_working_set_bytes']) {
      expect(resource).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? \\S+ ${s * 1000}$`, 'm'));
    }
    expect(resource).toMatch(/^resource_scrape_error 0$/m);
    expect(resource).toMatch(/^scrape_error 0$/m);
  });

  it('exposes every series the Lens dashboards query', () => {
    const sim = new ClusterSim(clusterSpec('demo', 0, 1));
    const net = new SimNetwork(sim);
    const t = T0 + 600_000;
    const all = addresses(sim, t / 1000)
      .map((a) => net.renderAt(a.host, a.port, a.path, t) ?? '')
      .join('');
    for (const name of [
      'node_memory_MemTotal_bytes',
      'node_memory_MemFree_bytes',
      'node_memory_Buffers_bytes',
      'node_memory_Cached_bytes',
      'node_cpu_seconds_total',
      'node_filesystem_size_bytes',
      'node_filesystem_avail_bytes',
      'container_memory_working_set_bytes',
      'container_cpu_usage_seconds_total',
      'container_fs_usage_bytes',
      'container_fs_reads_bytes_total',
      'container_fs_writes_bytes_total',
      'container_network_receive_bytes_total',
      'container_network_transmit_bytes_total',
      'kubelet_running_pods',
      'kubelet_volume_stats_used_bytes',
      'kubelet_volume_stats_capacity_bytes',
      'prober_probe_total',
      'http_requests_total',
      'http_request_duration_seconds',
      'coredns_dns_requests_total',
    ]) {
      expect(all, name).toContain(`# TYPE ${name} `);
    }
    // Lens's container filters select real containers: image set, container not "" nor POD.
    expect(all).toMatch(/container_cpu_usage_seconds_total\{container="frontend",cpu="total",id="[^"]+",image="ghcr\.io\/vigil-demo\/frontend:[^"]+"/);
  });

  it('serves apps in strict OpenMetrics with one exemplar per handler and the same samples as the text format', () => {
    const sim = new ClusterSim(clusterSpec('demo', 0, 1));
    const net = new SimNetwork(sim);
    const t = T0 + 600_000;
    const app = addresses(sim, t / 1000).find((a) => a.c?.serves === 'http-app')!;
    const dump = (body: string, contentType: string): { samples: string[]; exemplars: string[] } => {
      const p = createParser(body, contentType, { strict: true });
      const samples: string[] = [];
      const exemplars: string[] = [];
      for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
        if (e !== Entry.Series) continue;
        samples.push(`${p.series()} ${p.value()}`);
        const ex = p.exemplar();
        if (ex) exemplars.push(`${p.series()} ${labelsGet(ex.labels, 'trace_id')} ${ex.value} ${ex.timestamp}`);
      }
      return { samples, exemplars };
    };
    const om = dump(net.renderAt(app.host, app.port, app.path, t, { openMetrics: true })!, 'application/openmetrics-text; version=1.0.0');
    const text = dump(net.renderAt(app.host, app.port, app.path, t)!, 'text/plain; version=0.0.4');
    expect(om.samples.map((x) => x.replace(/^http_requests_total/, 'http_requests_total'))).toEqual(text.samples);
    expect(text.exemplars).toEqual([]);
    expect(om.exemplars).toHaveLength(app.c!.http!.handlers.length);
    for (const ex of om.exemplars) expect(ex).toMatch(new RegExp(`^http_request_duration_seconds_bucket\\{.*\\} [0-9a-f]{16} [\\d.]+ ${t}$`));
    // Buckets are cumulative and end at the count.
    const buckets = text.samples.filter((x) => x.startsWith(`http_request_duration_seconds_bucket{handler="${app.c!.http!.handlers[0]!.handler}"`)).map((x) => Number(x.split(' ').pop()));
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
    expect(buckets[buckets.length - 1]).toBeGreaterThan(0);
  });

  it('answers a cut-off node with nothing, a down container with a refusal', () => {
    const sim = new ClusterSim(clusterSpec('demo', 0, 1));
    const net = new SimNetwork(sim);
    const o = sim.outages(T0 / 1000, T0 / 1000 + 86_400).find((x) => x.status === 'Unknown')!;
    const node = sim.spec.nodes[o.node]!;
    const mid = (o.start + o.end) / 2;
    expect(net.resolve(node.ip, KUBELET_PORT, mid)).toBe('unreachable');
    expect(net.resolve(node.ip, NODE_EXPORTER_PORT, mid)).toBe('unreachable');
    expect(net.resolve(node.ip, KUBELET_PORT, o.end + 1)).toMatchObject({ kind: 'kubelet' });
    expect(net.renderAt(node.ip, KUBELET_PORT, '/metrics', mid * 1000)).toBeNull();
    // The crash-looping container refuses while it waits in back-off.
    const s = T0 / 1000 + 7200;
    const recs = sim.podsAt(s).find((p) => p.w.name === 'recommendations')!;
    const c = recs.w.containers[0]!;
    let waiting = s;
    while (sim.containerAt(recs, c, waiting).run) waiting += 1;
    expect(sim.containerAt(recs, c, waiting).waiting).toBe('CrashLoopBackOff');
    if (sim.outageAt(recs.node, waiting)?.status !== 'Unknown') expect(net.resolve(recs.ip, 8080, waiting)).toBe('refused');
    // Addresses outside the cluster are not the simulation's (loopback is dialed for real).
    expect(net.resolve('127.0.0.1', 443, s)).toBeNull();
    expect(net.resolve('192.0.2.7', 80, s)).toBe('unreachable');
  });

  it('integrates Waves and their products exactly', () => {
    const a = Wave.of(2, [[0.5, 600, 0.3], [0.2, 3600, 1.1]]);
    const b = Wave.of(1, [[0.3, 600, 2.0], [0.1, 250, 0.4]]);
    const p = a.times(b);
    const s0 = 1_770_000_000;
    for (const s of [s0, s0 + 17.5, s0 + 4000]) expect(p.at(s)).toBeCloseTo(a.at(s) * b.at(s), 8);
    // Numeric integration (Simpson) agrees with the closed form.
    const simpson = (f: (s: number) => number, x0: number, x1: number, n = 20_000): number => {
      const h = (x1 - x0) / n;
      let sum = f(x0) + f(x1);
      for (let i = 1; i < n; i++) sum += f(x0 + i * h) * (i % 2 ? 4 : 2);
      return (sum * h) / 3;
    };
    expect(p.integral(s0, s0 + 7200)).toBeCloseTo(simpson((s) => a.at(s) * b.at(s), s0, s0 + 7200), 4);
    expect(a.integral(s0, s0 + 999)).toBeCloseTo(simpson((s) => a.at(s), s0, s0 + 999), 6);
    expect(a.lower()).toBeCloseTo(1.3, 12);
  });

  it('gives two clusters their own nodes, pods and uids', () => {
    const a = new ClusterSim(clusterSpec('demo', 0, 1));
    const b = new ClusterSim(clusterSpec('demo-2', 1, 1));
    const s = T0 / 1000;
    const pa = a.podsAt(s);
    const pb = b.podsAt(s);
    expect(pa.length).toBeGreaterThanOrEqual(20);
    expect(pb.length).toBeGreaterThanOrEqual(15);
    const names = (ps: PodInstance[]): Set<string> => new Set(ps.map((p) => `${p.w.namespace}/${p.name}`));
    const uids = (ps: PodInstance[]): Set<string> => new Set(ps.map((p) => p.uid));
    expect([...names(pa)].filter((n) => names(pb).has(n) && !/-0$/.test(n))).toEqual([]);
    expect([...uids(pa)].filter((u) => uids(pb).has(u))).toEqual([]);
    expect(a.spec.nodes.map((n) => n.name)).not.toEqual(b.spec.nodes.map((n) => n.name));
    expect(a.spec.nodes.map((n) => n.ip).filter((ip) => b.spec.nodes.some((x) => x.ip === ip))).toEqual([]);
  });
});
