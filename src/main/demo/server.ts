/**
 * LEGACY (remove once host/core.ts runs the demo through startDemoClusters): the old demo path,
 * which serves the simulated cluster's exporters over loopback HTTP and describes them as static
 * scrape configs. The expositions come from the same simulation and exporters as the API-server
 * path (sim/, exporters/); only the addressing is the old one.
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { DemoCluster } from './model';
import { KUBELET_PORT, NODE_EXPORTER_PORT } from './network';
import { Snapshot } from './sim/objects';
import type { PodInstance } from './sim/sim';
import { TextWriter } from './exporters/text';

/** DemoServer is a running demo cluster. */
export interface DemoServer {
  readonly cluster: DemoCluster;
  readonly baseUrl: string;
  /** scrapeConfigYaml is a prometheus.yml `scrape_configs` list (YAML) for the demo's targets. */
  scrapeConfigYaml(interval: string): string;
  close(): Promise<void>;
}

/** startDemo starts the simulated cluster's exporters on a loopback port. */
export async function startDemo(opts: { now?: () => number; seed?: number; cluster?: DemoCluster } = {}): Promise<DemoServer> {
  const now = opts.now ?? Date.now;
  const cluster = opts.cluster ?? new DemoCluster(now(), { seed: opts.seed });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const om = /application\/openmetrics-text/.test(String(req.headers.accept ?? ''));
    const r = render(cluster, url.pathname, now(), om);
    if (r === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': r.openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8' };
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      headers['Content-Encoding'] = 'gzip';
      res.writeHead(200, headers).end(zlib.gzipSync(r.body, { level: 1 }));
    } else {
      res.writeHead(200, headers).end(r.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    cluster,
    baseUrl: `http://${address}`,
    scrapeConfigYaml: (interval) => demoScrapeConfigs(cluster, address, interval),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** renderDemoPath renders the exposition served at path at time now (null for an unknown path), in the text format. */
export function renderDemoPath(c: DemoCluster, path: string, now: number): string | null {
  return render(c, path, now, false)?.body ?? null;
}

/** appSlot is the running app pod that fills replica slot i of a workload at s. */
function appSlot(c: DemoCluster, ns: string, workload: string, i: number, s: number): PodInstance | null {
  const pods = c.sim
    .podsAt(s)
    .filter((p) => p.w.namespace === ns && p.w.name === workload && c.sim.podRunning(p, s) && s < p.deleting)
    .sort((a, b) => a.replica - b.replica);
  return pods[i] ?? null;
}

function render(c: DemoCluster, path: string, nowMs: number, openMetrics: boolean): { body: string; openMetrics: boolean } | null {
  const s = nowMs / 1000;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const text = (body: string | null): { body: string; openMetrics: boolean } | null => (body === null ? null : { body, openMetrics: false });
  if (parts[0] === 'nodes' && parts.length === 4 && parts[3] === 'metrics') {
    const node = c.sim.spec.nodes.find((n) => n.name === parts[1]);
    if (!node) return null;
    if (parts[2] === 'node-exporter') return text(c.network.renderAt(node.ip, NODE_EXPORTER_PORT, '/metrics', nowMs));
    if (parts[2] === 'cadvisor') return text(c.network.renderAt(node.ip, KUBELET_PORT, '/metrics/cadvisor', nowMs));
    if (parts[2] === 'kubelet') return text(c.network.renderAt(node.ip, KUBELET_PORT, '/metrics', nowMs));
    return null;
  }
  if (parts[0] === 'kube-state-metrics' && parts[1] === 'metrics') return text(renderKubeState(c, s));
  if (parts[0] === 'pods' && parts.length === 5 && parts[4] === 'metrics') {
    const p = appSlot(c, parts[1]!, parts[2]!, Number(parts[3]), s);
    const ct = p?.w.containers[0];
    if (!p || !ct?.metricsPort) return null;
    const body = c.network.renderAt(p.ip, ct.metricsPort, ct.metricsPath ?? '/metrics', nowMs, { openMetrics });
    return body === null ? null : { body, openMetrics: openMetrics && ct.serves === 'http-app' };
  }
  return null;
}

/** renderKubeState renders a few kube-state-metrics series from the simulation's objects (the old demo had a KSM job). */
function renderKubeState(c: DemoCluster, s: number): string {
  const snap = new Snapshot(c.sim, s);
  const w = new TextWriter();
  w.family('kube_node_info', 'gauge', 'Information about a cluster node.');
  for (const n of c.sim.spec.nodes) w.sample('kube_node_info', { node: n.name, internal_ip: n.ip, kubelet_version: c.sim.spec.kubeletVersion }, 1);
  w.family('kube_pod_info', 'gauge', 'Information about pod.');
  for (const p of snap.pods) w.sample('kube_pod_info', { namespace: p.w.namespace, pod: p.name, uid: p.uid, node: p.node.name, host_ip: p.node.ip, pod_ip: p.ip, created_by_kind: p.ownerKind, created_by_name: p.ownerName }, 1);
  w.family('kube_pod_container_status_restarts_total', 'counter', 'The number of container restarts per container.');
  for (const p of snap.pods) for (const ct of p.w.containers) w.sample('kube_pod_container_status_restarts_total', { namespace: p.w.namespace, pod: p.name, uid: p.uid, container: ct.name }, c.sim.containerAt(p, ct, s).restarts);
  for (const kind of ['requests', 'limits'] as const) {
    const name = `kube_pod_container_resource_${kind}`;
    w.family(name, 'gauge', `The number of requested ${kind === 'requests' ? 'request' : 'limit'} resource by a container.`);
    for (const p of snap.pods) {
      for (const ct of p.w.containers) {
        const cpu = kind === 'requests' ? ct.cpuRequest : ct.cpuLimit;
        const mem = kind === 'requests' ? ct.memRequest : ct.memLimit;
        const l = { namespace: p.w.namespace, pod: p.name, uid: p.uid, container: ct.name, node: p.node.name };
        if (cpu !== null) w.sample(name, { ...l, resource: 'cpu', unit: 'core' }, cpu);
        if (mem !== null) w.sample(name, { ...l, resource: 'memory', unit: 'byte' }, mem);
      }
    }
  }
  return w.toString();
}

function q(s: string): string {
  return JSON.stringify(s);
}

/** DemoTarget is one simulated exporter endpoint and the labels its scrape config gives it. */
export interface DemoTarget {
  path: string;
  labels: Record<string, string>;
}

/** DemoJob is one scrape config of the demo. */
export interface DemoJob {
  name: string;
  targets: DemoTarget[];
}

/** demoJobs lists the demo's exporters by job, with Lens-style target labels. */
export function demoJobs(c: DemoCluster): DemoJob[] {
  const withCluster = (ts: DemoTarget[]): DemoTarget[] => ts.map((t) => ({ path: t.path, labels: { cluster: c.name, ...t.labels } }));
  const nodes = c.sim.spec.nodes;
  const apps = c.sim.spec.workloads.filter((w) => w.containers[0]?.serves === 'http-app');
  return [
    { name: 'node-exporter', targets: withCluster(nodes.map((n) => ({ path: `/nodes/${n.name}/node-exporter/metrics`, labels: { instance: `${n.ip}:9100`, node: n.name, kubernetes_node: n.name } }))) },
    { name: 'kubelet', targets: withCluster(nodes.map((n) => ({ path: `/nodes/${n.name}/kubelet/metrics`, labels: { instance: n.name, node: n.name, metrics_path: '/metrics' } }))) },
    { name: 'cadvisor', targets: withCluster(nodes.map((n) => ({ path: `/nodes/${n.name}/cadvisor/metrics`, labels: { instance: n.name, node: n.name, metrics_path: '/metrics/cadvisor' } }))) },
    { name: 'kube-state-metrics', targets: withCluster([{ path: '/kube-state-metrics/metrics', labels: { instance: 'kube-state-metrics.monitoring.svc:8080' } }]) },
    {
      name: 'kubernetes-pods',
      targets: withCluster(apps.flatMap((w) => Array.from({ length: w.replicas }, (_, i) => ({ path: `/pods/${w.namespace}/${w.name}/${i}/metrics`, labels: { instance: `${w.name}-${i}`, namespace: w.namespace, app: w.name } })))),
    },
  ];
}

/** demoScrapeConfigs renders demoJobs as a prometheus.yml `scrape_configs` list. */
export function demoScrapeConfigs(c: DemoCluster, address: string, interval: string): string {
  const lines: string[] = [];
  for (const job of demoJobs(c)) {
    lines.push(`- job_name: ${q(job.name)}`, `  scrape_interval: ${interval}`, `  scrape_timeout: ${interval}`, '  static_configs:');
    for (const t of job.targets) {
      lines.push(`  - targets: [${q(address)}]`, '    labels:', `      __metrics_path__: ${q(t.path)}`);
      for (const [k, v] of Object.entries(t.labels)) lines.push(`      ${k}: ${q(v)}`);
    }
  }
  return lines.join('\n') + '\n';
}
