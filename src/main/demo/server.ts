/**
 * Demo mode: serves the simulated cluster's exporters over HTTP on loopback, and describes them as
 * ordinary scrape configs, so demo data goes through exactly the path real targets take
 * (config -> scrape manager -> parser -> storage).
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { DemoCluster } from './model';
import { renderApp, renderCadvisor, renderKubeState, renderKubelet, renderNodeExporter } from './exporters';

/** DemoServer is a running demo cluster. */
export interface DemoServer {
  readonly cluster: DemoCluster;
  readonly baseUrl: string;
  /** scrapeConfigYaml is a prometheus.yml `scrape_configs` list (YAML) for the demo's targets. */
  scrapeConfigYaml(interval: string): string;
  close(): Promise<void>;
}

/** startDemo starts the simulated cluster and its exporters. */
export async function startDemo(opts: { now?: () => number; seed?: number; cluster?: DemoCluster } = {}): Promise<DemoServer> {
  const now = opts.now ?? Date.now;
  const cluster = opts.cluster ?? new DemoCluster(now(), { seed: opts.seed });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Instrumented apps answer in OpenMetrics (with exemplars) when the scraper asks for it.
    const om = /application\/openmetrics-text/.test(String(req.headers.accept ?? ''));
    const r = render(cluster, url.pathname, now(), om);
    if (r === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = r.body;
    const headers: Record<string, string> = { 'Content-Type': r.openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8' };
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      const gz = zlib.gzipSync(body, { level: 1 });
      headers['Content-Encoding'] = 'gzip';
      res.writeHead(200, headers).end(gz);
    } else {
      res.writeHead(200, headers).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const address = `127.0.0.1:${port}`;
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

function render(c: DemoCluster, path: string, now: number, openMetrics: boolean): { body: string; openMetrics: boolean } | null {
  c.advance(now);
  const text = (body: string): { body: string; openMetrics: boolean } => ({ body, openMetrics: false });
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'nodes' && parts.length === 4 && parts[3] === 'metrics') {
    const node = c.nodes.find((n) => n.name === parts[1]);
    if (!node) return null;
    if (parts[2] === 'node-exporter') return text(renderNodeExporter(c, node));
    if (parts[2] === 'cadvisor') return text(renderCadvisor(c, node));
    if (parts[2] === 'kubelet') return text(renderKubelet(c, node));
    return null;
  }
  if (parts[0] === 'kube-state-metrics' && parts[1] === 'metrics') return text(renderKubeState(c));
  if (parts[0] === 'pods' && parts.length === 4 && parts[3] === 'metrics') {
    const pod = c.pods.find((p) => p.namespace === parts[1] && p.name === parts[2]);
    if (!pod || pod.metricsPort === null) return null;
    return { body: renderApp(c, pod, openMetrics ? { now } : null), openMetrics };
  }
  return null;
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

/**
 * demoJobs lists the demo's exporters by job. Target labels carry the Kubernetes-style labels
 * Lens-compatible dashboards expect (node, kubernetes_node, namespace, pod, cluster), and
 * `instance` names the simulated host rather than the loopback address.
 */
export function demoJobs(c: DemoCluster): DemoJob[] {
  const withCluster = (ts: DemoTarget[]): DemoTarget[] => ts.map((t) => ({ path: t.path, labels: { cluster: c.name, ...t.labels } }));
  return [
    { name: 'node-exporter', targets: withCluster(c.nodes.map((n) => ({ path: `/nodes/${n.name}/node-exporter/metrics`, labels: { instance: `${n.ip}:9100`, node: n.name, kubernetes_node: n.name } }))) },
    { name: 'kubelet', targets: withCluster(c.nodes.map((n) => ({ path: `/nodes/${n.name}/kubelet/metrics`, labels: { instance: n.name, node: n.name, metrics_path: '/metrics' } }))) },
    { name: 'cadvisor', targets: withCluster(c.nodes.map((n) => ({ path: `/nodes/${n.name}/cadvisor/metrics`, labels: { instance: n.name, node: n.name, metrics_path: '/metrics/cadvisor' } }))) },
    { name: 'kube-state-metrics', targets: withCluster([{ path: '/kube-state-metrics/metrics', labels: { instance: 'kube-state-metrics.monitoring.svc:8080' } }]) },
    {
      name: 'kubernetes-pods',
      targets: withCluster(
        c.pods
          .filter((p) => p.metricsPort !== null && p.phase === 'Running')
          .map((p) => ({ path: `/pods/${p.namespace}/${p.name}/metrics`, labels: { instance: `${p.ip}:${p.metricsPort}`, namespace: p.namespace, pod: p.name, app: p.app, node: p.node } })),
      ),
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
