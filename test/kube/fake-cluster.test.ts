/**
 * Kubernetes discovery and scraping end to end against the fake API server: targets found through
 * the user's contexts, scraped through the pod, service and node proxies, port-forward and
 * directly (the same series each way), RBAC refusals and their fallbacks, 429s, pods coming and
 * going, two contexts at once, and politeness bounds.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../src/main/demo/apiserver';
import { startCore, type Core } from '../../src/main/host/core';
import { nopLogger } from '../../src/main/util/log';

let api: FakeApiServer;
let app: http.Server;
let appPort = 0;
let kubelet: http.Server;
let kubeletPort = 0;
let dir: string;
const cores: Core[] = [];

type Target = { labels: Record<string, string>; discoveredLabels: Record<string, string>; health: string; lastError: string; scrapePool: string; scrapePath: string; scrapePathReason: string };

async function targets(core: Core): Promise<Target[]> {
  const r = (await (await fetch(`${core.url}/api/v1/targets`)).json()) as { data: { activeTargets: Target[] } };
  return r.data.activeTargets;
}

async function query(core: Core, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = (await (await fetch(`${core.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return r.data.result;
}

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function pod(name: string, labels: Record<string, string> = { app: 'web' }): Parameters<FakeApiServer['store']['put']>[1] {
  return {
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'web', image: 'example/web:1', ports: [{ name: 'metrics', containerPort: appPort, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: '127.0.0.1', hostIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

async function core(config: string, contexts: string[], extra: Partial<Parameters<typeof startCore>[0]> = {}): Promise<Core> {
  const d = fs.mkdtempSync(path.join(dir, 'core-'));
  fs.writeFileSync(path.join(d, 'prometheus.yml'), config);
  const c = await startCore({ dataDir: path.join(d, 'data'), configFile: path.join(d, 'prometheus.yml'), host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: nopLogger, kubeconfig: path.join(dir, 'kubeconfig'), contexts, ...extra });
  cores.push(c);
  return c;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fake-cluster-'));
  // One app serves every pod's metrics (the fake's pod IPs are loopback); the path tells them apart.
  app = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(`# TYPE requests counter\nrequests_total{code="200"} 42\nrequests_total{code="500"} 3\n`));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appPort = (app.address() as AddressInfo).port;
  kubelet = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`# TYPE kubelet_running_pods gauge\nkubelet_running_pods 3\n# path ${req.url}\n`));
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  kubeletPort = (kubelet.address() as AddressInfo).port;
  api = new FakeApiServer({
    users: [
      { name: 'admin', groups: ['system:masters'], tokens: ['admin-token'] },
      { name: 'bob', tokens: ['bob-token'], deny: ['get pods/proxy'] },
      { name: 'carol', tokens: ['carol-token'], deny: ['get pods/proxy', 'get nodes/proxy', 'create pods/portforward'] },
    ],
  });
  await api.start();
  fs.writeFileSync(path.join(dir, 'kubeconfig'), api.kubeconfig([{ name: 'admin', token: 'admin-token' }, { name: 'bob', token: 'bob-token' }, { name: 'carol', token: 'carol-token' }]));
  api.store.put('nodes', { metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } }, conditions: [{ type: 'Ready', status: 'True' }] } });
  api.store.put('pods', pod('web-1'));
  api.store.put('services', { metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [{ name: 'metrics', port: 8080, targetPort: appPort, protocol: 'TCP' }] } });
  api.store.put('endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }], ports: [{ name: 'metrics', port: appPort, protocol: 'TCP' }] }] });
});

afterAll(async () => {
  for (const c of cores) await c.stop();
  await api.stop();
  await new Promise<void>((r) => app.close(() => r()));
  await new Promise<void>((r) => kubelet.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const GLOBAL = 'global: {scrape_interval: 500ms, scrape_timeout: 500ms}\n';

describe('Kubernetes targets through the fake API server', () => {
  it('scrape the same pod through the pod proxy, port-forward and directly, and a service through its proxy, with the same series', async () => {
    const c = await core(
      GLOBAL +
        `scrape_configs:
  - job_name: via-proxy
    kubernetes_transport: api-proxy
    kubernetes_sd_configs: [{role: pod}]
  - job_name: via-port-forward
    kubernetes_transport: port-forward
    kubernetes_sd_configs: [{role: pod}]
  - job_name: via-direct
    kubernetes_transport: direct
    kubernetes_sd_configs: [{role: pod}]
  - job_name: via-service
    kubernetes_sd_configs: [{role: service}]
  - job_name: kubelet
    kubernetes_sd_configs: [{role: node}]
`,
      ['admin'],
    );
    const ts = await until(async () => {
      const t = await targets(c);
      return t.length === 5 && t.every((x) => x.health === 'up') ? t : undefined;
    }, 15_000, 'five healthy targets');
    const byPool = Object.fromEntries(ts.map((t) => [t.scrapePool, t]));
    expect(byPool['via-proxy']!.scrapePath).toBe('api-proxy');
    expect(byPool['via-port-forward']!.scrapePath).toBe('port-forward');
    expect(byPool['via-direct']!.scrapePath).toBe('direct');
    expect(byPool['via-service']!.scrapePath).toBe('api-proxy');
    expect(byPool['via-service']!.scrapePathReason).toMatch(/service proxy/);
    expect(byPool.kubelet!.scrapePath).toBe('api-proxy');
    // Every series carries the context's cluster label; the four ways give the same series.
    const rows = await query(c, 'requests_total');
    const seen = new Map<string, string[]>();
    for (const r of rows) {
      expect(r.metric.cluster).toBe('admin');
      const { job, instance, ...rest } = r.metric;
      void instance;
      const k = JSON.stringify(rest);
      seen.set(k, [...(seen.get(k) ?? []), `${job}=${r.value[1]}`]);
    }
    expect([...seen.values()].map((v) => v.sort())).toEqual([
      ['via-direct=42', 'via-port-forward=42', 'via-proxy=42', 'via-service=42'],
      ['via-direct=3', 'via-port-forward=3', 'via-proxy=3', 'via-service=3'],
    ]);
    expect((await query(c, 'kubelet_running_pods'))[0]!.metric).toMatchObject({ cluster: 'admin', job: 'kubelet', instance: 'node-a' });
    // The proxies were used (the fake counts them), port-forward reuses its tunnel.
    expect(api.counts.proxy ?? 0).toBeGreaterThanOrEqual(3);
    expect(api.counts.portforward ?? 0).toBeGreaterThanOrEqual(1);
    const pfBefore = api.counts.portforward ?? 0;
    await new Promise((r) => setTimeout(r, 1600));
    expect((api.counts.portforward ?? 0) - pfBefore).toBeLessThanOrEqual(1);
  });

  it('name the missing permission and the can-i command, and fall back to port-forward where allowed', async () => {
    const c = await core(
      GLOBAL +
        `scrape_configs:
  - job_name: auto
    kubernetes_sd_configs: [{role: pod}]
  - job_name: proxy-only
    kubernetes_transport: api-proxy
    kubernetes_sd_configs: [{role: pod}]
  - job_name: kubelet
    kubernetes_sd_configs: [{role: node}]
`,
      ['bob', 'carol'],
    );
    const ts = await until(async () => {
      const t = await targets(c);
      return t.length === 6 && t.every((x) => x.health !== 'unknown') ? t : undefined;
    }, 15_000, 'six scraped targets');
    const get = (pool: string, cluster: string): Target => ts.find((t) => t.scrapePool === pool && t.labels.cluster === cluster)!;
    // bob may not use the pod proxy: auto falls back to port-forward and says why.
    expect(get('auto', 'bob')).toMatchObject({ health: 'up', scrapePath: 'port-forward' });
    expect(get('auto', 'bob').scrapePathReason).toContain('user bob lacks the permission "get pods/proxy" in namespace default (RBAC)');
    expect(get('auto', 'bob').scrapePathReason).toContain('kubectl auth can-i get pods --subresource=proxy -n default --context bob');
    // With the proxy forced, the refusal is the target's error.
    expect(get('proxy-only', 'bob').health).toBe('down');
    expect(get('proxy-only', 'bob').lastError).toContain('lacks the permission "get pods/proxy"');
    // carol may use neither the proxy nor port-forward: auto ends at the direct path.
    expect(get('auto', 'carol')).toMatchObject({ health: 'up', scrapePath: 'direct' });
    expect(get('kubelet', 'carol').health).toBe('up'); // the kubelet is reachable directly here
    expect(get('kubelet', 'carol').scrapePath).toBe('direct');
    expect(get('kubelet', 'carol').scrapePathReason).toContain('kubectl auth can-i get nodes --subresource=proxy --context carol');
    // Two contexts at once: one up series per context and job.
    const up = await query(c, 'sum by (cluster) (up{job="auto"})');
    expect(up.map((r) => [r.metric.cluster, r.value[1]]).sort()).toEqual([
      ['bob', '1'],
      ['carol', '1'],
    ]);
  });

  it('follow pods as they are added, relabelled and deleted within 2 s', async () => {
    const c = await core(
      GLOBAL +
        `scrape_configs:
  - job_name: pods
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=web"}]}]
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
      - {source_labels: [__meta_kubernetes_pod_label_tier], target_label: tier}
`,
      ['admin'],
    );
    await until(async () => ((await targets(c)).length === 1 ? true : undefined), 10_000, 'the first pod');
    const t0 = Date.now();
    api.store.put('pods', pod('web-2'));
    await until(async () => ((await targets(c)).some((t) => t.labels.pod === 'web-2') ? true : undefined), 2000, 'web-2 to appear');
    api.store.put('pods', pod('web-2', { app: 'web', tier: 'front' }));
    await until(async () => ((await targets(c)).some((t) => t.labels.pod === 'web-2' && t.labels.tier === 'front') ? true : undefined), 2000, 'web-2 relabelled');
    api.store.put('pods', pod('web-2', { app: 'other' })); // out of the selector
    await until(async () => ((await targets(c)).every((t) => t.labels.pod !== 'web-2') ? true : undefined), 2000, 'web-2 to leave the selector');
    api.store.put('pods', pod('web-3'));
    await until(async () => ((await targets(c)).some((t) => t.labels.pod === 'web-3') ? true : undefined), 2000, 'web-3');
    api.store.delete('pods', 'default', 'web-3');
    await until(async () => ((await targets(c)).every((t) => t.labels.pod !== 'web-3') ? true : undefined), 2000, 'web-3 to vanish');
    expect(Date.now() - t0).toBeLessThan(10_000);
    api.store.delete('pods', 'default', 'web-2');
  });

  it('delay a target after a 429 by its Retry-After, and bound scrapes in flight per API server', async () => {
    for (let i = 0; i < 12; i++) api.store.put('pods', pod(`many-${i}`, { app: 'many' }));
    api.faults.latencyMs = 150;
    api.maxProxyInFlight = 0;
    const c = await core(
      `global: {scrape_interval: 2s, scrape_timeout: 2s}
scrape_configs:
  - job_name: many
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=many"}]}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_name], target_label: pod}]
`,
      ['admin'],
      { kubeLimits: { maxScrapesInFlight: 4, scrapeQps: 1000, scrapeBurst: 1000, controlQps: 100, controlBurst: 100 } },
    );
    await until(async () => ((await targets(c)).filter((t) => t.health === 'up').length === 12 ? true : undefined), 15_000, '12 targets up');
    expect(api.maxProxyInFlight).toBeGreaterThan(0);
    expect(api.maxProxyInFlight).toBeLessThanOrEqual(4);
    api.faults.latencyMs = 0;
    // One 429 with Retry-After: 3 for many-0: its next request waits at least 3 s.
    const p0 = `/pods/http:many-0:${appPort}/proxy`;
    api.faults.tooManyRequests = { count: 1, retryAfterS: 3, match: new RegExp(p0.replace(/[.:]/g, '\\$&')) };
    const at = (): number[] => api.requests.filter((r) => r.path.includes(p0)).map((r) => r.time);
    const before = at().length;
    await until(() => (api.faults.tooManyRequests?.count === 0 ? true : undefined), 5000, 'the 429');
    const t429 = Date.now();
    await until(() => (at().length >= before + 2 ? true : undefined), 8000, 'the retried request');
    const next = at().find((t) => t > t429 + 50)!;
    expect(next - t429).toBeGreaterThanOrEqual(2800);
    const t = (await targets(c)).find((x) => x.discoveredLabels.__meta_kubernetes_pod_name === 'many-0')!;
    expect(t.health).toBe('up');
    api.faults.tooManyRequests = null;
    for (let i = 0; i < 12; i++) api.store.delete('pods', 'default', `many-${i}`);
  });

  it('keeps its targets across an API-server outage, with a bounded number of retries', async () => {
    // The fake's pods share one address: the pod label keeps their targets apart.
    const c = await core(GLOBAL + 'scrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=web"}]}]\n    relabel_configs: [{source_labels: [__meta_kubernetes_pod_name], target_label: pod}]\n', ['admin']);
    await until(async () => ((await targets(c)).length === 1 ? true : undefined), 10_000, 'the pod');
    const watchesBefore = api.counts.watch ?? 0;
    const listsBefore = api.counts.list ?? 0;
    await api.stop();
    await new Promise((r) => setTimeout(r, 4000));
    // The target stays (discovery keeps what it knew); its scrapes fail while the server is down.
    const during = await targets(c);
    expect(during).toHaveLength(1);
    expect(during[0]!.health).toBe('down');
    expect(during[0]!.lastError).toMatch(/cannot reach the API server|connection refused/);
    api.store.put('pods', pod('web-after'));
    await api.start();
    await until(async () => ((await targets(c)).some((t) => t.discoveredLabels.__meta_kubernetes_pod_name === 'web-after') ? true : undefined), 40_000, 'the pod added during the outage');
    await until(async () => ((await targets(c)).every((t) => t.health === 'up') ? true : undefined), 10_000, 'healthy again');
    // Every core's informers reconnected once or a few times, not in a tight loop.
    const watches = (api.counts.watch ?? 0) - watchesBefore;
    const lists = (api.counts.list ?? 0) - listsBefore;
    expect(watches).toBeLessThan(30);
    expect(lists).toBeLessThan(30);
    api.store.delete('pods', 'default', 'web-after');
  });
});
