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
    // The zero-config scenario switches the kubelets to full bodies (cAdvisor's labels, kubelet's
    // pod counts and volume stats), with counters that grow with time.
    let fullKubelets = false;
    const kubeletBody = (n: string) => (p: string): string | null => {
      if (fullKubelets) return fullKubeletBody(n, p);
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

    // --- zero-config: only a kubeconfig, the default jobs, the synthesized kube-state series ----
    fullKubelets = true;
    // As users do, the annotated pod names its metrics port (else every container port is a target, as in Prometheus).
    await bed.request('PATCH', '/api/v1/namespaces/default/pods/web-1', { metadata: { annotations: { 'prometheus.io/port': '8080' } } });
    const db = pod('db-0', '198.18.2.4', 'node-b', { app: 'db' });
    const dbSpec = db.spec as { containers: Json[]; initContainers?: unknown; volumes?: unknown };
    dbSpec.initContainers = undefined;
    dbSpec.containers = [{ name: 'postgres', image: 'postgres:16', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }, volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }] }];
    dbSpec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }];
    const dbStatus = db.status as { initContainerStatuses?: unknown; containerStatuses: Json[] };
    dbStatus.initContainerStatuses = undefined;
    dbStatus.containerStatuses = [{ name: 'postgres', image: 'postgres:16', imageID: '', ready: true, restartCount: 3, containerID: 'containerd://' + 'd'.repeat(64), state: { running: { startedAt: '2026-12-01T00:00:02Z' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-12-01T00:00:00Z', finishedAt: '2026-12-01T00:00:01Z' } } }];
    await bed.apply('/api/v1/namespaces/default/pods', db);
    await bed.apply('/api/v1/namespaces/default/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-0' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'standard' } });
    await bed.apply('/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'example/web:1.2' }] } } } });
    const zdata = path.join(dir, 'v-zero');
    fs.mkdirSync(zdata, { recursive: true });
    fs.writeFileSync(path.join(zdata, 'settings.json'), JSON.stringify({ cluster: { scrapeInterval: '2s' } }));
    const z = await startCore({ dataDir: zdata, configFile: null, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, kubeconfig, contexts: ['admin', 'viewer'] });
    cores.push(z);
    const upPools = (ts: Target[]): Set<string> => new Set(ts.filter((t) => t.health === 'up').map((t) => t.scrapePool));
    await until(
      'the default jobs of both contexts to be up',
      async () => {
        const up = upPools(await targets(z.url));
        const want = ['kubelet@admin', 'cadvisor@admin', 'kubelet-resource@admin', 'kubernetes-pods@admin', 'node-exporter@admin', 'vigil-kube-state@admin', 'vigil-kube-state@viewer', 'kubernetes-pods@viewer'];
        return want.every((p) => up.has(p)) ? true : undefined;
      },
      60_000,
    ).catch(async (e: Error) => {
      out.zeroTargets = (await targets(z.url)).filter((t) => !t.scrapePool.startsWith('kubernetes-service')).map((t) => `${t.scrapePool} ${t.health} ${t.lastError}`);
      throw e;
    });
    // Three scrapes more, so rate() has samples.
    await sleep(7000);
    const n = 'node-a|node-b';
    const pods = 'web-1|web-2|db-0';
    const sel = 'pod';
    const lens: Record<string, string> = {
      'cluster.workloadMemoryUsage': `sum(container_memory_working_set_bytes{container!="POD",container!="",image!="",instance=~"${n}"}) by (component)`,
      'cluster.memoryRequests': `sum(kube_pod_container_resource_requests{node=~"${n}", resource="memory"}) by (component)`,
      'cluster.memoryLimits': `sum(kube_pod_container_resource_limits{node=~"${n}", resource="memory"}) by (component)`,
      'cluster.memoryCapacity': `sum(kube_node_status_capacity{node=~"${n}", resource="memory"}) by (component)`,
      'cluster.memoryAllocatableCapacity': `sum(kube_node_status_allocatable{node=~"${n}", resource="memory"}) by (component)`,
      'cluster.cpuRequests': `sum(kube_pod_container_resource_requests{node=~"${n}", resource="cpu"}) by (component)`,
      'cluster.cpuLimits': `sum(kube_pod_container_resource_limits{node=~"${n}", resource="cpu"}) by (component)`,
      'cluster.cpuCapacity': `sum(kube_node_status_capacity{node=~"${n}", resource="cpu"}) by (component)`,
      'cluster.cpuAllocatableCapacity': `sum(kube_node_status_allocatable{node=~"${n}", resource="cpu"}) by (component)`,
      'cluster.podUsage': `sum({__name__=~"kubelet_running_pod_count|kubelet_running_pods", instance=~"${n}"})`,
      'cluster.podCapacity': `sum(kube_node_status_capacity{node=~"${n}", resource="pods"}) by (component)`,
      'cluster.podAllocatableCapacity': `sum(kube_node_status_allocatable{node=~"${n}", resource="pods"}) by (component)`,
      'nodes.workloadMemoryUsage': 'sum(container_memory_working_set_bytes{container!="POD",container!=""}) by (instance)',
      'nodes.cpuCapacity': 'sum(kube_node_status_allocatable{resource="cpu"}) by (node)',
      'nodes.memoryCapacity': 'sum(kube_node_status_capacity{resource="memory"}) by (node)',
      'pods.cpuUsage': `sum(rate(container_cpu_usage_seconds_total{container!="POD",container!="",image!="",pod=~"${pods}",namespace="default"}[1m])) by (${sel})`,
      'pods.cpuRequests': `sum(kube_pod_container_resource_requests{pod=~"${pods}",resource="cpu",namespace="default"}) by (${sel})`,
      'pods.cpuLimits': `sum(kube_pod_container_resource_limits{pod=~"${pods}",resource="cpu",namespace="default"}) by (${sel})`,
      'pods.memoryUsage': `sum(container_memory_working_set_bytes{container!="POD",container!="",image!="",pod=~"${pods}",namespace="default"}) by (${sel})`,
      'pods.memoryRequests': `sum(kube_pod_container_resource_requests{pod=~"${pods}",resource="memory",namespace="default"}) by (${sel})`,
      'pods.memoryLimits': `sum(kube_pod_container_resource_limits{pod=~"${pods}",resource="memory",namespace="default"}) by (${sel})`,
      'pods.fsUsage': `sum(container_fs_usage_bytes{container!="POD",container!="",image!="",pod=~"${pods}",namespace="default"}) by (${sel})`,
      'pods.fsWrites': `sum(rate(container_fs_writes_bytes_total{container!="",image!="",pod=~"${pods}",namespace="default"}[1m])) by (${sel})`,
      'pods.fsReads': `sum(rate(container_fs_reads_bytes_total{container!="",image!="",pod=~"${pods}",namespace="default"}[1m])) by (${sel})`,
      'pods.networkReceive': `sum(rate(container_network_receive_bytes_total{pod=~"${pods}",namespace="default"}[1m])) by (${sel})`,
      'pods.networkTransmit': `sum(rate(container_network_transmit_bytes_total{pod=~"${pods}",namespace="default"}[1m])) by (${sel})`,
      'pvc.diskUsage': 'sum(kubelet_volume_stats_used_bytes{persistentvolumeclaim="data-db-0",namespace="default"}) by (persistentvolumeclaim, namespace)',
      'pvc.diskCapacity': 'sum(kubelet_volume_stats_capacity_bytes{persistentvolumeclaim="data-db-0",namespace="default"}) by (persistentvolumeclaim, namespace)',
    };
    const lensResults: Record<string, { metric: Record<string, string>; value: [number, string] }[]> = {};
    for (const [k, q] of Object.entries(lens)) lensResults[k] = await query(z.url, q);
    const zt = await targets(z.url);
    out.zero = {
      targets: zt.map((t) => ({ pool: t.scrapePool, job: t.labels.job, cluster: t.labels.cluster, instance: t.labels.instance, node: t.labels.node ?? '', pod: t.labels.pod ?? '', health: t.health, lastError: t.lastError })),
      cluster: ((await getJson(`${z.url}/api/v1/vigil/cluster`)) as { data: unknown }).data,
      kube: ((await getJson(`${z.url}/api/v1/vigil/contexts`)) as { data: unknown }).data,
      cadvisor: await query(z.url, 'container_cpu_usage_seconds_total{job="cadvisor"}'),
      kubeletPods: await query(z.url, 'kubelet_running_pods'),
      viewerKubeState: await query(z.url, 'count by (__name__) ({cluster="viewer",__name__=~"kube_.+"})'),
      restarts: await query(z.url, 'kube_pod_container_status_restarts_total{pod="db-0"}'),
      lastTerminated: await query(z.url, 'kube_pod_container_status_last_terminated_reason{pod="db-0"}'),
      denied: await query(z.url, 'vigil_cluster_rbac_denied'),
      lens: lensResults,
    };
    await z.stop();
    cores.splice(cores.indexOf(z), 1);
    fullKubelets = false;

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
    // Changes show within 10 s; after an API-server restart the informers' back-off may take longer (the test allows 40 s).
    const timed = async (what: string, change: () => Promise<void>, ok: (ts: Target[]) => boolean, ms = 10_000): Promise<number> => {
      const t0 = Date.now();
      await change();
      await until(what, async () => (ok(await targets(c.url)) ? true : undefined), ms);
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
    const restartMs = await timed('churn-2 after the restart', () => bed.apply('/api/v1/namespaces/default/pods', churnPod('churn-2', 'a')), (ts) => ts.some((t) => t.labels.pod_name === 'churn-2'), 40_000);
    const mid = { lists: await metric('vigil_kube_informer_lists_total'), watches: await metric('vigil_kube_informer_watches_total'), relists: await metric('vigil_kube_informer_relists_total') };
    // Compact etcd and restart: the informer's resourceVersion is gone, the watch gets 410.
    for (let i = 0; i < 5; i++) await bed.apply('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bump-${i}` }, data: { x: String(i) } });
    await bed.stopApi();
    await bed.compactEtcd();
    await bed.startApi();
    const goneMs = await timed('churn-3 after the 410', () => bed.apply('/api/v1/namespaces/default/pods', churnPod('churn-3', 'a')), (ts) => ts.some((t) => t.labels.pod_name === 'churn-3'), 40_000);
    await bed.remove('/api/v1/namespaces/default/pods', 'churn-2');
    const removedMs = await timed('churn-2 to vanish after the 410', async () => {}, (ts) => ts.every((t) => t.labels.pod_name !== 'churn-2'), 40_000);
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

/** POD_CONTAINERS are the tier's containers per node, as the full kubelet bodies report them. */
const POD_CONTAINERS: Record<string, { ns: string; pod: string; uid: string; containers: [string, string][] }[]> = {
  'node-a': [
    { ns: 'default', pod: 'web-1', uid: 'a1', containers: [['app', 'example/web:1.2'], ['sidecar', 'example/sidecar:3']] },
    { ns: 'default', pod: 'node-exporter-a', uid: 'a2', containers: [['app', 'example/web:1.2']] },
  ],
  'node-b': [
    { ns: 'default', pod: 'web-2', uid: 'b1', containers: [['app', 'example/web:1.2'], ['sidecar', 'example/sidecar:3']] },
    { ns: 'default', pod: 'db-0', uid: 'b2', containers: [['postgres', 'postgres:16']] },
  ],
};
const T0 = Date.now();

/** fullKubeletBody is what a kubelet of 1.35 answers, cut to the families Lens's queries read. */
function fullKubeletBody(node: string, p: string): string | null {
  const s = (Date.now() - T0) / 1000;
  const q = (v: string): string => JSON.stringify(v);
  const lines: string[] = [];
  const pods = POD_CONTAINERS[node] ?? [];
  if (p === '/metrics') {
    lines.push('# HELP kubelet_running_pods [ALPHA] Number of pods that have a running pod sandbox', '# TYPE kubelet_running_pods gauge', `kubelet_running_pods ${pods.length}`);
    lines.push('# HELP kubelet_volume_stats_used_bytes [ALPHA] Number of used bytes in the volume', '# TYPE kubelet_volume_stats_used_bytes gauge');
    lines.push('# HELP kubelet_volume_stats_capacity_bytes [ALPHA] Capacity in bytes of the volume', '# TYPE kubelet_volume_stats_capacity_bytes gauge');
    if (node === 'node-b') {
      lines.push(`kubelet_volume_stats_used_bytes{namespace="default",persistentvolumeclaim="data-db-0"} ${2.5e9 + Math.round(s * 1000)}`);
      lines.push(`kubelet_volume_stats_capacity_bytes{namespace="default",persistentvolumeclaim="data-db-0"} 10737418240`);
    }
    return lines.join('\n') + '\n';
  }
  if (p === '/metrics/cadvisor') {
    const fam = (name: string, type: string, help: string, rows: string[]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows);
    };
    const per = (f: (c: string, pod: { ns: string; pod: string; uid: string }, image: string, i: number) => string): string[] => pods.flatMap((pd) => pd.containers.map(([c, image], i) => f(c, pd, image, i)));
    const base = (c: string, pd: { ns: string; pod: string; uid: string }, image: string): string => `container=${q(c)},id=${q(`/kubepods/pod${pd.uid}/${c}`)},image=${q(image)},name=${q(`${pd.pod}-${c}`)},namespace=${q(pd.ns)},pod=${q(pd.pod)}`;
    fam('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.', per((c, pd, im, i) => `container_cpu_usage_seconds_total{${base(c, pd, im)}} ${(100 + s * (0.05 + i * 0.02)).toFixed(3)}`));
    fam('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.', per((c, pd, im, i) => `container_memory_working_set_bytes{${base(c, pd, im)}} ${(64 + i * 32) * 1048576}`));
    fam('container_fs_usage_bytes', 'gauge', 'Number of bytes that are consumed by the container on this filesystem.', per((c, pd, im) => `container_fs_usage_bytes{${base(c, pd, im)},device="/dev/vda1"} 24576`));
    fam('container_fs_writes_bytes_total', 'counter', 'Cumulative count of bytes written', per((c, pd, im) => `container_fs_writes_bytes_total{${base(c, pd, im)},device="/dev/vda"} ${Math.round(1e6 + s * 4096)}`));
    fam('container_fs_reads_bytes_total', 'counter', 'Cumulative count of bytes read', per((c, pd, im) => `container_fs_reads_bytes_total{${base(c, pd, im)},device="/dev/vda"} ${Math.round(2e6 + s * 8192)}`));
    const podNet = (dir: string, rate: number): string[] => pods.map((pd) => `container_network_${dir}_bytes_total{container="",id=${q(`/kubepods/pod${pd.uid}`)},image="",interface="eth0",name="",namespace=${q(pd.ns)},pod=${q(pd.pod)}} ${Math.round(5e6 + s * rate)}`);
    fam('container_network_receive_bytes_total', 'counter', 'Cumulative count of bytes received', podNet('receive', 20_000));
    fam('container_network_transmit_bytes_total', 'counter', 'Cumulative count of bytes transmitted', podNet('transmit', 10_000));
    fam('machine_cpu_cores', 'gauge', 'Number of logical CPU cores.', [`machine_cpu_cores{boot_id="${node}",machine_id="${node}",system_uuid="${node}"} 4`]);
    return lines.join('\n') + '\n';
  }
  if (p === '/metrics/resource') {
    lines.push('# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds', '# TYPE node_cpu_usage_seconds_total counter', `node_cpu_usage_seconds_total ${(1000 + s * 0.4).toFixed(3)}`);
    lines.push('# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes', '# TYPE node_memory_working_set_bytes gauge', 'node_memory_working_set_bytes 2147483648');
    return lines.join('\n') + '\n';
  }
  if (p === '/metrics/probes') return '# TYPE prober_probe_total counter\n';
  return null;
}

void main().then(() => process.exit(0));
