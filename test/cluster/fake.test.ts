/**
 * Zero-config monitoring against the fake API server: with nothing but a kubeconfig, the default
 * jobs find the kubelet (through the node proxy, over HTTPS), annotated pods and services,
 * node-exporter and the API server itself, with the labels dashboards expect; a user without
 * nodes/proxy or /metrics gets the rest and a note naming the permission; a user who may list
 * pods only in one namespace gets that namespace; the settings switch jobs and intervals; the
 * synthesized kube-state target follows the objects (stale when one goes) and steps aside while
 * the cluster's own kube-state-metrics is scraped.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../src/main/demo/apiserver';
import { startCore, type Core } from '../../src/main/host/core';
import type { KubeStateFactory } from '../../src/main/cluster/kubestate';
import { watchSpec } from '../../src/main/kube/objects';
import { nopLogger } from '../../src/main/util/log';
import { CertificateAuthority } from '../../src/main/util/pki';

let api: FakeApiServer;
let dir: string;
const servers: (http.Server | https.Server)[] = [];
const cores: Core[] = [];
const dataDirs = new Map<Core, string>();
let kubeletPaths: string[] = [];

type Target = { labels: Record<string, string>; discoveredLabels: Record<string, string>; health: string; lastError: string; scrapePool: string; scrapePath: string; scrapePathReason: string; scrapeInterval: string };

async function targets(c: Core): Promise<Target[]> {
  return ((await (await fetch(`${c.url}/api/v1/targets`)).json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
}

async function query(c: Core, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = (await (await fetch(`${c.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (r.status !== 'success') throw new Error(r.error);
  return r.data.result;
}

async function until<T>(fn: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function listen<T extends http.Server | https.Server>(s: T): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

function text(body: string): http.RequestListener {
  return (_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
}

/** stubKubeState renders one series per watched pod, through the shared pod informer. */
const stubKubeState: KubeStateFactory = ({ client, informers, namespaces }) => {
  const handles = namespaces.map((ns) => informers.acquire(client, watchSpec('pod', ns)));
  return {
    start() {},
    stop() {
      for (const h of handles) h.release();
    },
    get synced() {
      return handles.every((h) => h.informer.hasSynced);
    },
    render() {
      const lines = ['# HELP kube_pod_info Information about pod.', '# TYPE kube_pod_info gauge'];
      for (const h of handles) for (const [, p] of h.informer.store) lines.push(`kube_pod_info{namespace="${p.metadata.namespace}",pod="${p.metadata.name}"} 1`);
      return lines.join('\n') + '\n';
    },
  };
};

async function core(contexts: string[], settings: unknown = { cluster: { scrapeInterval: '1s' } }, configFile: string | null = null): Promise<Core> {
  const d = fs.mkdtempSync(path.join(dir, 'core-'));
  fs.mkdirSync(path.join(d, 'data'));
  fs.writeFileSync(path.join(d, 'data', 'settings.json'), JSON.stringify(settings));
  const c = await startCore({ dataDir: path.join(d, 'data'), configFile, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, kubeconfig: path.join(dir, 'kubeconfig'), contexts, kubeState: stubKubeState });
  cores.push(c);
  dataDirs.set(c, path.join(d, 'data'));
  return c;
}

function podObj(ns: string, name: string, port: number, o: { labels?: Record<string, string>; annotations?: Record<string, string>; portName?: string } = {}): Parameters<FakeApiServer['store']['put']>[1] {
  return {
    metadata: { name, namespace: ns, labels: o.labels ?? {}, annotations: o.annotations ?? {} },
    spec: { nodeName: 'node-a', containers: [{ name: 'main', image: `example/${name}:1`, ports: [{ name: o.portName ?? 'http', containerPort: port, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: '127.0.0.1', hostIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cluster-'));
  // The kubelet: HTTPS, as the node proxy reaches it.
  const ca = new CertificateAuthority('kubelet-ca');
  const cert = ca.issue({ commonName: 'node-a', ips: ['127.0.0.1'], usage: 'server' });
  const kubeletPort = await listen(
    https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      kubeletPaths.push(req.url ?? '');
      const bodies: Record<string, string> = {
        '/metrics': '# TYPE kubelet_running_pods gauge\nkubelet_running_pods 3\n',
        '/metrics/cadvisor': '# TYPE container_cpu_usage_seconds_total counter\ncontainer_cpu_usage_seconds_total{container="main",id="/kubepods/pod1/c1",image="example/app:1",name="c1",namespace="shop",pod="app-1"} 12.5\ncontainer_cpu_usage_seconds_total{container="",id="/",image="",name="",namespace="",pod=""} 300\n',
        '/metrics/resource': '# TYPE node_cpu_usage_seconds_total counter\nnode_cpu_usage_seconds_total 1234.5\n# TYPE node_memory_working_set_bytes gauge\nnode_memory_working_set_bytes 2.5e+09\n',
        '/metrics/probes': '# TYPE prober_probe_total counter\nprober_probe_total{container="main",namespace="shop",pod="app-1",probe_type="Readiness",result="successful"} 40\n',
      };
      const b = bodies[(req.url ?? '').split('?')[0]!];
      if (b === undefined) res.writeHead(404).end();
      else text(b)(req, res);
    }),
  );
  const appPort = await listen(http.createServer((req, res) => text(req.url === '/custom?format=prom' ? '# TYPE app_requests_total counter\napp_requests_total 7\n' : 'wrong_path 1\n')(req, res)));
  const svcAppPort = await listen(http.createServer(text('# TYPE svc_up gauge\nsvc_up 1\n')));
  const nodeExporterPort = await listen(http.createServer(text('# TYPE node_load1 gauge\nnode_load1 0.5\n')));
  const ksmPort = await listen(http.createServer(text('# TYPE kube_pod_info gauge\nkube_pod_info{namespace="real",pod="from-real-ksm"} 1\n')));
  (globalThis as { ksmPort?: number }).ksmPort = ksmPort;
  api = new FakeApiServer({
    users: [
      { name: 'admin', groups: ['system:masters'], tokens: ['admin-token'] },
      { name: 'carol', tokens: ['carol-token'], deny: ['get nodes/proxy', 'get /metrics'] },
      { name: 'dave', tokens: ['dave-token'], deny: ['list pods@team-a'] },
    ],
  });
  await api.start();
  fs.writeFileSync(path.join(dir, 'kubeconfig'), api.kubeconfig([{ name: 'admin', token: 'admin-token' }, { name: 'carol', token: 'carol-token' }, { name: 'dave', token: 'dave-token' }]));
  for (const ns of ['shop', 'team-a', 'monitoring']) api.store.put('namespaces', { metadata: { name: ns }, status: { phase: 'Active' } });
  api.store.put('nodes', { metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } }, conditions: [{ type: 'Ready', status: 'True' }] } });
  api.store.put('pods', podObj('shop', 'app-1', appPort, { labels: { app: 'shop' }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(appPort), 'prometheus.io/path': '/custom', 'prometheus.io/param_format': 'prom' } }));
  api.store.put('pods', podObj('shop', 'quiet-1', appPort, { labels: { app: 'quiet' } }));
  api.store.put('pods', podObj('team-a', 'team-app', appPort, { annotations: { 'prometheus.io/scrape': 'true' } }));
  api.store.put('pods', podObj('monitoring', 'node-exporter-x', nodeExporterPort, { labels: { 'app.kubernetes.io/name': 'node-exporter' }, portName: 'metrics' }));
  api.store.put('pods', podObj('shop', 'svc-backend', svcAppPort, { labels: { app: 'backend' } }));
  api.store.put('services', { metadata: { name: 'backend', namespace: 'shop', labels: { tier: 'api' }, annotations: { 'prometheus.io/scrape': 'true' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, targetPort: svcAppPort, protocol: 'TCP' }] } });
  api.store.put('endpointslices', {
    metadata: { name: 'backend-x', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'backend' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'svc-backend', namespace: 'shop' }, nodeName: 'node-a' }],
    ports: [{ name: 'http', port: svcAppPort, protocol: 'TCP' }],
  });
});

afterAll(async () => {
  for (const c of cores) await c.stop();
  await api.stop();
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('zero-config cluster monitoring through the fake API server', () => {
  it('finds the kubelet, annotated pods and services, node-exporter and the API server with nothing but a kubeconfig', async () => {
    const c = await core(['admin']);
    const want = ['kubelet@admin', 'cadvisor@admin', 'kubelet-resource@admin', 'kubelet-probes@admin', 'kubernetes-pods@admin', 'kubernetes-service-endpoints@admin', 'node-exporter@admin', 'apiserver@admin', 'vigil-kube-state@admin'];
    const ts = await until(async () => {
      const t = await targets(c);
      return want.every((p) => t.some((x) => x.scrapePool === p && x.health === 'up')) ? t : undefined;
    }, 20_000, 'every default job up');
    const pool = (p: string): Target[] => ts.filter((t) => t.scrapePool === p);
    // The kubelet through the node proxy over HTTPS, with kube-prometheus's labels.
    expect(pool('cadvisor@admin')[0]!.labels).toEqual({ cluster: 'admin', instance: 'node-a', job: 'cadvisor', metrics_path: '/metrics/cadvisor', node: 'node-a' });
    expect(pool('kubelet@admin')[0]!.scrapePath).toBe('api-proxy');
    expect(pool('kubelet@admin')[0]!.scrapeInterval).toBe('1s');
    expect(new Set(kubeletPaths.map((p) => p.split('?')[0]))).toEqual(new Set(['/metrics', '/metrics/cadvisor', '/metrics/resource', '/metrics/probes']));
    // Only the annotated pods, at their annotated port and path with the param_ annotation.
    const pods = pool('kubernetes-pods@admin');
    expect(pods.map((t) => `${t.labels.namespace}/${t.labels.pod}`).sort()).toEqual(['shop/app-1', 'team-a/team-app']);
    expect(pods.find((t) => t.labels.pod === 'app-1')!.labels).toMatchObject({ app: 'shop', node: 'node-a', job: 'kubernetes-pods', cluster: 'admin' });
    expect(pool('kubernetes-service-endpoints@admin').map((t) => t.labels)).toEqual([expect.objectContaining({ service: 'backend', namespace: 'shop', tier: 'api', node: 'node-a' })]);
    expect(pool('node-exporter@admin')[0]!.labels).toMatchObject({ instance: 'node-a', node: 'node-a', kubernetes_node: 'node-a', job: 'node-exporter' });
    expect(pool('apiserver@admin')[0]!.scrapePath).toBe('api-server');
    // The series carry the labels Lens's and the mixin's queries select on.
    const cpu = await until(async () => (await query(c, 'container_cpu_usage_seconds_total{container!=""}')).find(() => true), 10_000, 'cadvisor series');
    expect(cpu.metric).toEqual({ __name__: 'container_cpu_usage_seconds_total', cluster: 'admin', container: 'main', id: '/kubepods/pod1/c1', image: 'example/app:1', instance: 'node-a', job: 'cadvisor', metrics_path: '/metrics/cadvisor', name: 'c1', namespace: 'shop', node: 'node-a', pod: 'app-1' });
    expect((await query(c, 'app_requests_total'))[0]!.value[1]).toBe('7');
    expect((await query(c, 'sum by (cluster) (rate(node_cpu_usage_seconds_total[1m]) >= 0) or sum by (cluster) (node_memory_working_set_bytes)'))[0]!.metric.cluster).toBe('admin');
    expect((await query(c, 'kubelet_running_pods{instance=~"node-a"}'))[0]!.metric.job).toBe('kubelet');
    expect((await query(c, 'count(apiserver_request_total{job="apiserver"}) > 0')).length).toBe(1);
    // The defaults are shown as configuration.
    const cfg = await (await fetch(`${c.url}/api/v1/vigil/cluster/config?context=admin`)).text();
    expect(cfg).toContain('- job_name: "kubelet@admin"');
    expect(cfg).toContain('context: "admin"');
  });

  it('skips the kubelet jobs and the API server for a user who may not reach them, saying why, and keeps the rest', async () => {
    const c = await core(['carol']);
    await until(async () => (await targets(c)).some((t) => t.scrapePool === 'vigil-kube-state@carol' && t.health === 'up'), 20_000, 'kube-state target');
    const pools = new Set((await targets(c)).map((t) => t.scrapePool));
    for (const p of ['kubelet@carol', 'cadvisor@carol', 'kubelet-resource@carol', 'kubelet-probes@carol', 'apiserver@carol']) expect(pools.has(p)).toBe(false);
    expect(pools.has('kubernetes-pods@carol')).toBe(true);
    const ctx = ((await (await fetch(`${c.url}/api/v1/vigil/contexts`)).json()) as { data: { contexts: { name: string; notes: string[] }[] } }).data.contexts.find((x) => x.name === 'carol')!;
    expect(ctx.notes.join('\n')).toContain('the user may not get nodes/proxy (check with `kubectl auth can-i get nodes --subresource=proxy --context carol`): kubelet, cAdvisor and resource metrics are not scraped');
    await until(async () => ((await (await fetch(`${c.url}/api/v1/vigil/contexts`)).json()) as { data: { contexts: { name: string; notes: string[] }[] } }).data.contexts.find((x) => x.name === 'carol')!.notes.some((n) => n.includes('/metrics is not scraped')), 10_000, 'the /metrics note');
    const cluster = ((await (await fetch(`${c.url}/api/v1/vigil/cluster`)).json()) as { data: { contexts: { context: string; skippedJobs: Record<string, string> }[] } }).data.contexts[0]!;
    expect(Object.keys(cluster.skippedJobs).sort()).toEqual(['cadvisor', 'kubelet', 'kubelet-probes', 'kubelet-resource']);
    // The kube-state series still come.
    await until(async () => (await query(c, 'kube_pod_info{cluster="carol"}')).length >= 5, 10_000, 'kube-state series');
    // The refusal is part of the context's state, exported as a series.
    const self = await (await fetch(`${c.url}/metrics`)).text();
    expect(self).toContain('vigil_cluster_rbac_denied{cluster="carol",context="carol",resource="get nodes/proxy"} 1');
    expect(self).not.toContain('resource="list nodes"} 1');
  });

  it('discovers pods in the namespaces a user may list them in when listing them cluster-wide is refused', async () => {
    const c = await core(['dave']);
    const pods = await until(async () => {
      const p = (await targets(c)).filter((t) => t.scrapePool === 'kubernetes-pods@dave');
      return p.length > 0 ? p : undefined;
    }, 20_000, 'pods in team-a');
    expect(pods.map((t) => `${t.labels.namespace}/${t.labels.pod}`)).toEqual(['team-a/team-app']);
    const notes = ((await (await fetch(`${c.url}/api/v1/vigil/contexts`)).json()) as { data: { contexts: { name: string; notes: string[] }[] } }).data.contexts.find((x) => x.name === 'dave')!.notes;
    expect(notes.join('\n')).toContain('listing pods is refused cluster-wide: watching the namespaces team-a');
    // The kube-state series are scoped the same way.
    const kp = await until(async () => {
      const r = await query(c, 'kube_pod_info{cluster="dave"}');
      return r.length > 0 ? r : undefined;
    }, 10_000, 'kube-state series of team-a');
    expect(kp.map((r) => r.metric.namespace)).toEqual(['team-a']);
    const ks = (await targets(c)).find((t) => t.scrapePool === 'vigil-kube-state@dave')!;
    expect(ks.scrapePathReason).toContain('only namespaces team-a');
  });

  it('applies a changed interval and a switched-off job at once, and lets the user\'s file replace a default job', async () => {
    const d = fs.mkdtempSync(path.join(dir, 'user-'));
    const file = path.join(d, 'prometheus.yml');
    fs.writeFileSync(file, 'scrape_configs:\n  - job_name: node-exporter@admin\n    static_configs: [{targets: ["127.0.0.1:1"]}]\n');
    const c = await core(['admin'], { cluster: { scrapeInterval: '1s' } }, file);
    await until(async () => (await targets(c)).some((t) => t.scrapePool === 'kubelet-probes@admin' && t.health === 'up'), 20_000, 'kubelet-probes up');
    const ne = (await targets(c)).filter((t) => t.scrapePool === 'node-exporter@admin');
    expect(ne.map((t) => t.labels.instance)).toEqual(['127.0.0.1:1']);
    const r = await fetch(`${c.url}/api/v1/vigil/cluster/settings`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'context=admin&scrape_interval=2s&disabled_jobs[]=kubelet-probes' });
    expect(r.status).toBe(200);
    await until(async () => {
      const t = await targets(c);
      return !t.some((x) => x.scrapePool === 'kubelet-probes@admin') && t.find((x) => x.scrapePool === 'kubelet@admin')?.scrapeInterval === '2s';
    }, 10_000, 'the new settings applied');
    expect(JSON.parse(fs.readFileSync(path.join(dataDirs.get(c)!, 'settings.json'), 'utf8')).cluster).toEqual({ scrapeInterval: '1s', contexts: { admin: { scrapeInterval: '2s', disabledJobs: ['kubelet-probes'] } } });
    const bad = await fetch(`${c.url}/api/v1/vigil/cluster/settings`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'context=admin&disabled_jobs[]=everything' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('unknown job "everything"');
  });

  it('marks the series of a deleted object stale, and steps aside while the cluster\'s own kube-state-metrics is scraped', async () => {
    const c = await core(['admin']);
    api.store.put('pods', podObj('shop', 'short-lived', 1, {}));
    await until(async () => (await query(c, 'kube_pod_info{pod="short-lived",job="kube-state-metrics"}')).length === 1, 15_000, 'the new pod\'s series');
    api.store.delete('pods', 'shop', 'short-lived');
    await until(async () => (await query(c, 'kube_pod_info{pod="short-lived"}')).length === 0, 10_000, 'the deleted pod\'s series to go stale');
    // A real kube-state-metrics appears: its series replace the synthesized ones.
    const ksmPort = (globalThis as { ksmPort?: number }).ksmPort!;
    api.store.put('pods', podObj('monitoring', 'kube-state-metrics-0', ksmPort, { labels: { 'app.kubernetes.io/name': 'kube-state-metrics' }, portName: 'http-metrics' }));
    await until(async () => (await targets(c)).find((t) => t.scrapePool === 'vigil-kube-state@admin')?.scrapePathReason.startsWith('off: the cluster\'s own kube-state-metrics is scraped (kube-state-metrics@admin'), 15_000, 'the synthesized target to step aside');
    await until(async () => {
      const r = await query(c, 'kube_pod_info{job="kube-state-metrics"}');
      return r.length === 1 && r[0]!.metric.pod === 'from-real-ksm';
    }, 10_000, 'only the real kube-state-metrics series');
    api.store.delete('pods', 'monitoring', 'kube-state-metrics-0');
    await until(async () => (await query(c, 'kube_pod_info{job="kube-state-metrics",pod="app-1"}')).length === 1, 15_000, 'the synthesized series back');
  });
});
