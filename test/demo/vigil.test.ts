/**
 * Vigil monitors a demo cluster through the code a real cluster goes through: the written
 * kubeconfig's context, kubernetes_sd_configs discovery against the fake API server, scrapes through
 * its node and pod proxies (answered by the simulated kubelets and apps), storage and PromQL.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoClusters, type DemoClusters } from '../../src/main/demo/clusters';
import { startCore, type Core } from '../../src/main/host/core';
import { nopLogger } from '../../src/main/util/log';

let demo: DemoClusters;
let core: Core;
let dir: string;

// Demo contexts are scraped through the API server only: their addresses exist only in the simulation.
const CONFIG = `global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: cadvisor
    scheme: https
    metrics_path: /metrics/cadvisor
    kubernetes_transport: api-proxy
    kubernetes_sd_configs: [{role: node}]
  - job_name: pods
    kubernetes_transport: api-proxy
    kubernetes_sd_configs: [{role: pod}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], regex: "true", action: keep}
      - {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path], regex: "(.+)", target_label: __metrics_path__}
      - {source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port], regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: __address__}
      - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
`;

async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = (await (await fetch(`${core.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return r.data.result;
}

async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-demo-e2e-'));
  demo = await startDemoClusters({ count: 1, dir: path.join(dir, 'demo') });
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), CONFIG);
  core = await startCore({ dataDir: path.join(dir, 'data'), configFile: path.join(dir, 'prometheus.yml'), host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, kubeconfig: demo.kubeconfigPath, contexts: ['demo'] });
});

afterAll(async () => {
  await core?.stop();
  await demo?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Vigil on a demo cluster', () => {
  it('discovers the nodes and annotated pods and scrapes them through the API server proxies', async () => {
    const nodes = demo.clusters[0]!.sim.spec.nodes.map((n) => n.name);
    // cAdvisor series of running containers arrive with the cluster label, from at least two nodes
    // (a node may be in a simulated outage right now).
    const cpu = await until(
      async () => {
        const r = await query('sum by (instance) (container_cpu_usage_seconds_total{job="cadvisor",container!="",image!=""})');
        return r.length >= 2 ? r : undefined;
      },
      20_000,
      'cAdvisor series from the nodes',
    );
    for (const r of cpu) expect(nodes).toContain(r.metric.instance);
    const apps = await until(
      async () => {
        const r = await query('sum by (pod) (http_requests_total{job="pods",cluster="demo"})');
        return r.length >= 3 ? r : undefined;
      },
      20_000,
      'the annotated app pods',
    );
    for (const r of apps) expect(r.metric.pod).toMatch(/^(frontend|checkout|catalog)-/);
    // catalog is scraped on its annotated port and path.
    const catalog = await query('count(http_requests_total{job="pods",pod=~"catalog-.*",handler="/api/products"})');
    expect(Number(catalog[0]?.value[1] ?? 0)).toBeGreaterThan(0);
    const up = await query('up{job="pods"}');
    expect(up.some((r) => r.value[1] === '1')).toBe(true);
  }, 60_000);
});
