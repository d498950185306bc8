/**
 * The real-cluster scenarios, run inside a network namespace of their own:
 *   unshare -n npx tsx test/kube/tier/runner.ts OUT.json
 * (test/kube/real-cluster.test.ts does it and checks OUT.json). It starts the control plane of
 * bed.ts with nodes, pods, a service with Endpoints and an EndpointSlice, and an ingress, then:
 *  - parity: the reference Prometheus and Vigil run the same kubernetes_sd_configs (all six roles,
 *    attach_metadata, selectors) against it; the discovered labels of every target are recorded;
 *  - paths: one pod scraped through the pod proxy, port-forward and directly, its service through
 *    the service proxy, the kubelets through the node proxy; the series of each;
 *  - rbac: a user without pods/proxy and nodes/proxy, with port-forward;
 *  - churn: pods added, relabelled and deleted, with the time each change took to show;
 *  - outage: an API-server restart, then etcd compaction under a restart (a forced 410).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bed, FakeKubelet, insideOwnNamespace, missingBinaries, startApp, addAddress } from './bed';
import { findPrometheus } from '../../peers/prometheus';
import { startCore, type Core } from '../../../src/main/host/core';
import { nopLogger } from '../../../src/main/util/log';
import { discoveredByPool, node, pod, parityConfig, PARITY_POOLS, SERVICES, ENDPOINTS, ENDPOINT_SLICE, INGRESS } from './fixtures';

type Json = Record<string, unknown>;

const out: Json = {};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function getJson(url: string): Promise<Json> {
  return (await (await fetch(url)).json()) as Json;
}

type Target = { labels: Record<string, string>; discoveredLabels: Record<string, string>; scrapePool: string; health: string; lastError: string; scrapePath?: string; scrapePathReason?: string };

async function targets(base: string): Promise<Target[]> {
  const r = (await getJson(`${base}/api/v1/targets`)) as { data: { activeTargets: Target[] } };
  return r.data.activeTargets;
}

async function query(base: string, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = (await getJson(`${base}/api/v1/query?query=${encodeURIComponent(q)}`)) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return r.data.result;
}

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const missing = missingBinaries();
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (run .ci/build-k8s.sh)`);
  if (!insideOwnNamespace()) throw new Error('run me under `unshare -n`: the tier needs a network namespace of its own');
  const started = Date.now();
  const bed = new Bed();
  const children: ChildProcess[] = [];
  const cores: Core[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tier-'));
  try {
    await bed.start();
    out.bedReadyMs = Date.now() - started;
    const viewer = bed.addToken('viewer');
    await bed.stopApi();
    await bed.startApi(); // with the new token file
    // RBAC: viewer may read everything and port-forward, but not use the proxies.
    const rules = [
      { apiGroups: ['', 'discovery.k8s.io', 'networking.k8s.io', 'apps', 'batch'], resources: ['nodes', 'pods', 'services', 'endpoints', 'endpointslices', 'ingresses', 'namespaces', 'replicasets', 'jobs', 'deployments'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/portforward'], verbs: ['get', 'create'] },
    ];
    await bed.apply('/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'vigil-viewer' }, rules });
    await bed.apply('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'vigil-viewer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'vigil-viewer' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }] });
    const certAdmin = bed.ca.issue({ commonName: 'cert-admin', organizations: ['system:masters'], usage: 'client' });
    const kubeconfig = bed.kubeconfig(path.join(dir, 'kubeconfig'), [{ name: 'admin', token: bed.adminToken }, { name: 'viewer', token: viewer }, { name: 'cert-admin', cert: certAdmin }]);

    // The cluster: two nodes with kubelets, three pods (one a real node-exporter), a service.
    const kubeletBody = (n: string) => (p: string): string | null => {
      if (p === '/metrics') return `# TYPE kubelet_running_pods gauge\nkubelet_running_pods{node="${n}"} 2\n`;
      if (p === '/metrics/cadvisor') return `# TYPE container_cpu_usage_seconds_total counter\ncontainer_cpu_usage_seconds_total{container="app",namespace="default",pod="web-1"} 12.5\n`;
      if (p === '/metrics/resource') return `# TYPE node_cpu_usage_seconds_total counter\nnode_cpu_usage_seconds_total 100\n`;
      return null;
    };
    const kubelets = [new FakeKubelet('node-a', '198.18.1.1', 10250, bed, kubeletBody('node-a')), new FakeKubelet('node-b', '198.18.1.2', 10250, bed, kubeletBody('node-b'))];
    for (const k of kubelets) await k.start();
    for (const [n, ip] of [['node-a', '198.18.1.1'], ['node-b', '198.18.1.2']] as const) await bed.apply('/api/v1/nodes', node(n, ip));
    const app = (name: string) => (p: string): string => `# TYPE requests counter\nrequests_total{code="200",pod="${name}",path="${p}"} 42\n`;
    for (const [name, ip] of [['web-1', '198.18.2.1'], ['web-2', '198.18.2.2']] as const) {
      await startApp(bed, ip, 8080, app(name));
      kubelets[0]!.pods.set(`default/${name}`, ip);
      kubelets[1]!.pods.set(`default/${name}`, ip);
    }
    addAddress('198.18.2.3');
    const ne = spawn('setpriv', ['--pdeathsig', 'KILL', 'prometheus-node-exporter', '--web.listen-address=198.18.2.3:9100', '--collector.disable-defaults', '--collector.loadavg', '--collector.meminfo'], { stdio: 'ignore' });
    children.push(ne);
    await bed.apply('/api/v1/namespaces/default/pods', pod('web-1', '198.18.2.1', 'node-a', { app: 'web', tier: 'front' }, { 'prometheus.io/scrape': 'true' }));
    await bed.apply('/api/v1/namespaces/default/pods', pod('web-2', '198.18.2.2', 'node-b', { app: 'web' }));
    const nePod = pod('node-exporter-a', '198.18.2.3', 'node-a', { 'app.kubernetes.io/name': 'node-exporter' });
    (nePod.spec as { containers: { ports?: unknown[] }[] }).containers[0]!.ports = [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }];
    await bed.apply('/api/v1/namespaces/default/pods', nePod);
    await bed.request('PATCH', '/api/v1/namespaces/default', { metadata: { labels: { team: 'web' }, annotations: { owner: 'vigil' } } });
    for (const svc of SERVICES) await bed.apply('/api/v1/namespaces/default/services', svc);
    await bed.apply('/api/v1/namespaces/default/endpoints', ENDPOINTS);
    await bed.apply('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', ENDPOINT_SLICE);
    await bed.apply('/apis/networking.k8s.io/v1/namespaces/default/ingresses', INGRESS);

    // --- parity with the reference Prometheus -----------------------------------------------
    const peer = await findPrometheus();
    out.prometheus = { version: peer.version, reference: peer.reference, note: peer.note };
    fs.writeFileSync(path.join(dir, 'parity.yml'), parityConfig(kubeconfig));
    const promPort = 19090;
    const prom = spawn('setpriv', ['--pdeathsig', 'KILL', peer.prometheus, `--config.file=${path.join(dir, 'parity.yml')}`, `--storage.tsdb.path=${path.join(dir, 'prom-data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let promLog = '';
    prom.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-20000)));
    children.push(prom);
    const vParity = await startCore({ dataDir: path.join(dir, 'v-parity'), configFile: path.join(dir, 'parity.yml'), host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: nopLogger, kubeconfig });
    cores.push(vParity);
    const pools = PARITY_POOLS;
    const discovered = (base: string): Promise<Record<string, string[]>> => discoveredByPool(base);
    // Wait until both have settled on the same counts (discovery is asynchronous on both sides).
    let pSide: Record<string, string[]> = {};
    let vSide: Record<string, string[]> = {};
    await until(
      'both sides to discover every pool',
      async () => {
        pSide = await discovered(`http://127.0.0.1:${promPort}`);
        vSide = await discovered(vParity.url);
        return pools.every((p) => (pSide[p]?.length ?? 0) > 0 && pSide[p]!.length === (vSide[p]?.length ?? -1)) ? true : undefined;
      },
      60_000,
    ).catch((e: Error) => {
      out.promLog = promLog.slice(-3000);
      throw e;
    });
    await sleep(2000);
    out.parity = { prometheus: await discovered(`http://127.0.0.1:${promPort}`), vigil: await discovered(vParity.url) };
    prom.kill('SIGKILL');

    // --- scrape paths ---------------------------------------------------------------------
    const pathsYaml = `global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: via-proxy
    kubernetes_transport: api-proxy
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=web"}]}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}, {source_labels: [__meta_kubernetes_pod_name], target_label: pod_name}]
  - job_name: via-port-forward
    kubernetes_transport: port-forward
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=web"}]}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}, {source_labels: [__meta_kubernetes_pod_name], target_label: pod_name}]
  - job_name: via-direct
    kubernetes_transport: direct
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=web"}]}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}, {source_labels: [__meta_kubernetes_pod_name], target_label: pod_name}]
  - job_name: via-service
    kubernetes_sd_configs: [{role: service}]
    relabel_configs: [{source_labels: [__meta_kubernetes_service_name], regex: web, action: keep}]
  - job_name: kubelet
    scheme: https
    metrics_path: /metrics/cadvisor
    kubernetes_sd_configs: [{role: node}]
  - job_name: auto
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=web"}]}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}, {source_labels: [__meta_kubernetes_pod_name], target_label: pod_name}]
  - job_name: proxy-only
    kubernetes_transport: api-proxy
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=web"}]}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}, {source_labels: [__meta_kubernetes_pod_name], target_label: pod_name}]
`;
    fs.writeFileSync(path.join(dir, 'paths.yml'), pathsYaml);
    const v = await startCore({ dataDir: path.join(dir, 'v-paths'), configFile: path.join(dir, 'paths.yml'), host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: nopLogger, kubeconfig, contexts: ['admin', 'viewer'] });
    cores.push(v);
    await until('every target of the paths run to be scraped', async () => ((await targets(v.url)).every((t) => t.health !== 'unknown') && (await targets(v.url)).length >= 16 ? true : undefined), 60_000);
    await sleep(2500);
    out.paths = {
      targets: (await targets(v.url)).map((t) => ({ pool: t.scrapePool, cluster: t.labels.cluster, pod: t.labels.pod_name ?? '', instance: t.labels.instance, health: t.health, lastError: t.lastError, path: t.scrapePath, reason: t.scrapePathReason })),
      requests: await query(v.url, 'requests_total{cluster="admin"}'),
      cadvisor: await query(v.url, 'container_cpu_usage_seconds_total'),
      upByCluster: await query(v.url, 'sum by (cluster) (up{job="auto"})'),
    };

    // --- churn ---------------------------------------------------------------------------
    const churnYaml = `global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: churn
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: "app=churn"}]}]
    relabel_configs: [{source_labels: [__meta_kubernetes_pod_name], target_label: pod_name}, {source_labels: [__meta_kubernetes_pod_label_tier], target_label: tier}]
`;
    fs.writeFileSync(path.join(dir, 'churn.yml'), churnYaml);
    const c = await startCore({ dataDir: path.join(dir, 'v-churn'), configFile: path.join(dir, 'churn.yml'), host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: nopLogger, kubeconfig, contexts: ['admin'] });
    cores.push(c);
    const churnPod = (name: string, tier: string): Json => {
      const p = pod(name, '198.18.2.1', 'node-a', { app: 'churn', tier });
      (p.metadata as { ownerReferences?: unknown }).ownerReferences = undefined;
      return p;
    };
    const timed = async (what: string, change: () => Promise<void>, ok: (ts: Target[]) => boolean): Promise<number> => {
      const t0 = Date.now();
      await change();
      await until(what, async () => (ok(await targets(c.url)) ? true : undefined), 10_000);
      return Date.now() - t0;
    };
    await until('the churn run to start', async () => ((await targets(c.url)).length === 0 ? true : undefined), 10_000);
    out.churn = {
      addMs: await timed('churn-1 to appear', () => bed.apply('/api/v1/namespaces/default/pods', churnPod('churn-1', 'a')), (ts) => ts.some((t) => t.labels.pod_name === 'churn-1')),
      relabelMs: await timed('churn-1 relabelled', async () => {
        const cur = JSON.parse((await bed.request('GET', '/api/v1/namespaces/default/pods/churn-1')).body) as Json;
        (cur.metadata as { labels: Record<string, string> }).labels.tier = 'b';
        const r = await bed.request('PUT', '/api/v1/namespaces/default/pods/churn-1', cur);
        if (r.status >= 300) throw new Error(r.body);
      }, (ts) => ts.some((t) => t.labels.pod_name === 'churn-1' && t.labels.tier === 'b')),
      deleteMs: await timed('churn-1 to vanish', () => bed.remove('/api/v1/namespaces/default/pods', 'churn-1'), (ts) => ts.every((t) => t.labels.pod_name !== 'churn-1')),
    };

    // --- outage: an API-server restart, then a forced 410 ---------------------------------------
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${c.url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) if (line.startsWith(name + '{') && line.includes('/api/v1/pods')) sum += Number(line.split(' ').pop());
      return sum;
    };
    const before = { lists: await metric('vigil_kube_informer_lists_total'), watches: await metric('vigil_kube_informer_watches_total'), relists: await metric('vigil_kube_informer_relists_total') };
    await bed.stopApi();
    await sleep(5000);
    await bed.startApi();
    const restartMs = await timed('churn-2 after the restart', () => bed.apply('/api/v1/namespaces/default/pods', churnPod('churn-2', 'a')), (ts) => ts.some((t) => t.labels.pod_name === 'churn-2'));
    const mid = { lists: await metric('vigil_kube_informer_lists_total'), watches: await metric('vigil_kube_informer_watches_total'), relists: await metric('vigil_kube_informer_relists_total') };
    // Compact etcd and restart: the informer's resourceVersion is gone, the watch gets 410.
    for (let i = 0; i < 5; i++) await bed.apply('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bump-${i}` }, data: { x: String(i) } });
    await bed.stopApi();
    await bed.compactEtcd();
    await bed.startApi();
    const goneMs = await timed('churn-3 after the 410', () => bed.apply('/api/v1/namespaces/default/pods', churnPod('churn-3', 'a')), (ts) => ts.some((t) => t.labels.pod_name === 'churn-3'));
    await bed.remove('/api/v1/namespaces/default/pods', 'churn-2');
    const removedMs = await timed('churn-2 to vanish after the 410', async () => {}, (ts) => ts.every((t) => t.labels.pod_name !== 'churn-2'));
    const after = { lists: await metric('vigil_kube_informer_lists_total'), watches: await metric('vigil_kube_informer_watches_total'), relists: await metric('vigil_kube_informer_relists_total') };
    out.outage = { restartMs, goneMs, removedMs, before, mid, after, targets: (await targets(c.url)).map((t) => t.labels.pod_name).sort() };
    out.totalMs = Date.now() - started;
  } catch (e) {
    out.error = (e as Error).stack ?? String(e);
  } finally {
    for (const core of cores) await core.stop().catch(() => {});
    for (const ch of children) ch.kill('SIGKILL');
    await bed.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(file, JSON.stringify(out, null, 1));
  }
}

void main().then(() => process.exit(0));
