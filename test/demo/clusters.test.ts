/**
 * Demo clusters behind their fake API servers: kubectl reads them through the written kubeconfig,
 * the node and pod proxies and port-forward reach the simulated kubelets and apps over the fake's
 * HTTPS with the token, and the objects follow the simulation over simulated time (watch events
 * for scaling, crash-loops, OOM kills, jobs and NotReady nodes, with rising resourceVersions).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoClusters, type DemoClusters } from '../../src/main/demo/clusters';
import type { KubeObj, StoreEvent } from '../../src/main/demo/apiserver';

/** T0 is the simulated start; the clock only moves when a test moves it. */
const T0 = Date.UTC(2026, 2, 3, 8, 0, 0);
let clock = T0;
let demo: DemoClusters;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-demo-clusters-'));
  demo = await startDemoClusters({ count: 2, dir, now: () => clock, tickMs: 0 });
});

afterAll(async () => {
  await demo?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** kubectl runs kubectl against the demo kubeconfig (asynchronously: the fake serves in this process). */
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', demo.kubeconfigPath, '--request-timeout=20s', ...args], { encoding: 'utf8', timeout: 30_000 });
  return stdout;
}

function items(json: string): KubeObj[] {
  return (JSON.parse(json) as { items: KubeObj[] }).items;
}

/** get requests a path of a cluster's API server with its token, verifying its CA. */
function get(i: number, p: string, o: { signal?: AbortSignal; accept?: string } = {}): Promise<{ status: number; body: string; type: string }> {
  const c = demo.clusters[i]!;
  return new Promise((resolve, reject) => {
    const req = https.get(`${c.api.url}${p}`, { ca: c.api.ca.certPem, headers: { Authorization: `Bearer ${c.token}`, ...(o.accept ? { Accept: o.accept } : {}) }, signal: o.signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
  });
}

describe('demo clusters behind fake API servers', () => {
  it('writes a kubeconfig kubectl reads: two contexts, token auth, the fake CA', async () => {
    expect(demo.contexts).toEqual(['demo', 'demo-2']);
    expect(fs.statSync(demo.kubeconfigPath).mode & 0o777).toBe(0o600);
    expect((await kubectl('config', 'get-contexts', '-o', 'name')).trim().split('\n')).toEqual(['demo', 'demo-2']);
    expect((await kubectl('config', 'current-context')).trim()).toBe('demo');
    const nodes = items(await kubectl('get', 'nodes', '-o', 'json'));
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    for (const n of nodes) {
      const st = n.status as { capacity: Record<string, string>; allocatable: Record<string, string>; nodeInfo: { kubeletVersion: string }; addresses: { type: string }[]; daemonEndpoints: { kubeletEndpoint: { Port: number } } };
      expect(st.capacity.cpu).toMatch(/^\d+$/);
      expect(st.allocatable.memory).toMatch(/^\d+(Ki|Mi)$/);
      expect(st.nodeInfo.kubeletVersion).toMatch(/^v1\.\d+\.\d+$/);
      expect(st.addresses.map((a) => a.type)).toContain('InternalIP');
      expect(st.daemonEndpoints.kubeletEndpoint.Port).toBe(10250);
    }
    const pods = items(await kubectl('get', 'pods', '-A', '-o', 'json'));
    expect(pods.length).toBeGreaterThanOrEqual(20);
    expect(new Set(pods.map((p) => p.metadata.namespace)).size).toBeGreaterThanOrEqual(3);
    const deploys = items(await kubectl('get', 'deployments', '-A', '-o', 'json'));
    expect(deploys.length).toBeGreaterThanOrEqual(4);
    for (const kind of ['statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicasets', 'services', 'endpoints', 'endpointslices', 'persistentvolumeclaims', 'namespaces']) {
      expect(items(await kubectl('get', kind, '-A', '-o', 'json')).length, kind).toBeGreaterThan(0);
    }
    // The other context is another cluster.
    const nodes2 = items(await kubectl('--context', 'demo-2', 'get', 'nodes', '-o', 'json'));
    expect(nodes2.map((n) => n.metadata.name).filter((n) => nodes.some((x) => x.metadata.name === n))).toEqual([]);
    const pods2 = items(await kubectl('--context', 'demo-2', 'get', 'pods', '-A', '-o', 'json'));
    expect(pods2.map((p) => p.metadata.uid).filter((u) => pods.some((x) => x.metadata.uid === u))).toEqual([]);
  });

  it('chains owners Deployment -> ReplicaSet -> Pod, with the labels and annotations discovery reads', async () => {
    const pods = items(await kubectl('get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=frontend', '-o', 'json'));
    expect(pods.length).toBeGreaterThanOrEqual(2);
    const rss = items(await kubectl('get', 'replicasets', '-n', 'shop', '-o', 'json'));
    const deploy = items(await kubectl('get', 'deployments', '-n', 'shop', '-o', 'json')).find((d) => d.metadata.name === 'frontend')!;
    for (const p of pods) {
      const ref = (p.metadata.ownerReferences as { kind: string; name: string; uid: string; controller: boolean }[])[0]!;
      expect(ref).toMatchObject({ kind: 'ReplicaSet', controller: true });
      const rs = rss.find((r) => r.metadata.uid === ref.uid)!;
      expect(rs.metadata.name).toBe(ref.name);
      expect(p.metadata.labels!['pod-template-hash']).toBe(rs.metadata.labels!['pod-template-hash']);
      expect((rs.metadata.ownerReferences as { kind: string; uid: string }[])[0]).toMatchObject({ kind: 'Deployment', uid: deploy.metadata.uid });
      expect(p.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
      const spec = p.spec as { containers: { resources: { requests: Record<string, string> }; ports: { containerPort: number }[] }[] };
      expect(spec.containers[0]!.resources.requests).toMatchObject({ cpu: '250m', memory: '256Mi' });
      const st = p.status as { podIP: string; hostIP: string; phase: string; containerStatuses: { restartCount: number; containerID: string }[] };
      expect(st.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(st.containerStatuses[0]!.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    }
    // node-exporter runs on every node, on the node's address, found by its label.
    const ne = items(await kubectl('get', 'pods', '-A', '-l', 'app.kubernetes.io/name=node-exporter', '-o', 'json'));
    const nodes = items(await kubectl('get', 'nodes', '-o', 'json'));
    expect(ne.map((p) => (p.spec as { nodeName: string }).nodeName).sort()).toEqual(nodes.map((n) => n.metadata.name).sort());
    for (const p of ne) expect((p.status as { podIP: string }).podIP).toBe((p.status as { hostIP: string }).hostIP);
    // The kubernetes Service's endpoint is the fake API server itself.
    const ep = items(await kubectl('get', 'endpoints', '-n', 'default', '-o', 'json')).find((e) => e.metadata.name === 'kubernetes')!;
    expect((ep.subsets as { addresses: { ip: string }[]; ports: { port: number }[] }[])[0]).toMatchObject({ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: demo.clusters[0]!.api.port }] });
  });

  it('reaches kubelets, node-exporters and apps through the node and pod proxies, in-process', async () => {
    const c = demo.clusters[0]!;
    const node = c.sim.spec.nodes[0]!;
    const cadvisor = await get(0, `/api/v1/nodes/https:${node.name}:10250/proxy/metrics/cadvisor`);
    expect(cadvisor.status).toBe(200);
    expect(cadvisor.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(cadvisor.body).toMatch(/^container_cpu_usage_seconds_total\{container="",cpu="total",id="\/"/m);
    // The same body renderAt gives for the same time: history and live scrapes agree.
    expect(cadvisor.body).toBe(demo.renderAt('demo', node.ip, 10250, '/metrics/cadvisor', clock));
    const kubelet = await get(0, `/api/v1/nodes/${node.name}/proxy/metrics`);
    expect(kubelet.body).toMatch(/^kubelet_running_pods \d+$/m);
    expect((await get(0, `/api/v1/nodes/${node.name}/proxy/metrics/resource`)).body).toMatch(/^node_cpu_usage_seconds_total [\d.e+]+ \d+$/m);
    expect((await get(0, `/api/v1/nodes/${node.name}/proxy/metrics/probes`)).body).toMatch(/^prober_probe_total\{/m);
    const pods = items((await get(0, '/api/v1/pods')).body);
    const ne = pods.find((p) => p.metadata.labels!['app.kubernetes.io/name'] === 'node-exporter')!;
    const neBody = await get(0, `/api/v1/namespaces/monitoring/pods/${ne.metadata.name}:9100/proxy/metrics`);
    expect(neBody.body).toMatch(/^node_cpu_seconds_total\{cpu="0",mode="idle"\} /m);
    const fe = pods.find((p) => p.metadata.labels!['app.kubernetes.io/name'] === 'frontend' && (p.status as { phase: string }).phase === 'Running')!;
    const app = await get(0, `/api/v1/namespaces/shop/pods/http:${fe.metadata.name}:8080/proxy/metrics`, { accept: 'application/openmetrics-text;version=1.0.0' });
    expect(app.type).toMatch(/^application\/openmetrics-text/);
    expect(app.body).toMatch(/^http_requests_total\{code="200",handler="\/",method="GET"\} \d+$/m);
    expect(app.body.trimEnd().endsWith('# EOF')).toBe(true);
    // The annotated service (kube-dns) through the service proxy.
    const dns = await get(0, '/api/v1/namespaces/kube-system/services/kube-dns:metrics/proxy/metrics');
    expect(dns.body).toMatch(/^coredns_dns_requests_total\{/m);
  });

  it('forwards a port to a simulated pod (v4.channel.k8s.io)', async () => {
    const c = demo.clusters[0]!;
    const fe = c.sim.podsAt(clock / 1000).find((p) => p.w.name === 'frontend' && c.sim.podRunning(p, clock / 1000))!;
    const ws = new WebSocket(`${c.api.url.replace('https', 'wss')}/api/v1/namespaces/shop/pods/${fe.name}/portforward?ports=8080`, ['v4.channel.k8s.io'], { ca: c.api.ca.certPem, headers: { Authorization: `Bearer ${c.token}` } });
    const chunks: Buffer[] = [];
    const done = new Promise<string>((resolve, reject) => {
      let opened = 0;
      ws.on('message', (m: Buffer) => {
        if (m[0] !== 0) return;
        // The first frame of each channel carries the port; then the data.
        if (opened++ === 0) return ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
        chunks.push(m.subarray(1));
      });
      ws.on('close', () => resolve(Buffer.concat(chunks).toString()));
      ws.on('error', reject);
    });
    const text = await done;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toMatch(/http_requests_total\{code="200"/);
  });

  it('leaves a proxy request to a cut-off node hanging until the client gives up', async () => {
    const c = demo.clusters[0]!;
    const o = c.sim.outages(clock / 1000, clock / 1000 + 86_400).find((x) => x.status === 'Unknown')!;
    const saved = clock;
    clock = Math.round(((o.start + o.end) / 2) * 1000);
    try {
      const node = c.sim.spec.nodes[o.node]!;
      const t0 = Date.now();
      await expect(get(0, `/api/v1/nodes/${node.name}/proxy/metrics`, { signal: AbortSignal.timeout(700) })).rejects.toThrow(/abort/i);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    } finally {
      clock = saved;
    }
  });

  it('moves its objects with simulated time: scaling, jobs, crash-loops, OOM kills and NotReady nodes, as watch events', () => {
    const c = demo.clusters[0]!;
    const events: StoreEvent[] = [];
    const unsub = c.api.store.onEvent((e) => events.push(e));
    const saved = clock;
    try {
      for (clock = T0; clock <= T0 + 3 * 3600_000; clock += 10_000) c.sync();
    } finally {
      unsub();
      clock = saved;
      c.sync();
    }
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    for (let i = 1; i < rvs.length; i++) expect(rvs[i]).toBeGreaterThan(rvs[i - 1]!);
    const of = (resource: string, type?: StoreEvent['type']): StoreEvent[] => events.filter((e) => e.resource === resource && (!type || e.type === type));
    // A deployment scaled up and down: its replicas moved, pods were added and deleted.
    const replicas = new Set(of('deployments').filter((e) => e.object.metadata.name === 'frontend').map((e) => (e.object.spec as { replicas: number }).replicas));
    expect([...replicas].sort()).toEqual([3, 5]);
    const fe = (e: StoreEvent): boolean => e.object.metadata.labels?.['app.kubernetes.io/name'] === 'frontend';
    expect(of('pods', 'ADDED').filter(fe).length).toBeGreaterThanOrEqual(2);
    expect(of('pods', 'DELETED').filter(fe).length).toBeGreaterThanOrEqual(2);
    // Jobs were created, completed and cleaned up; their pods Succeeded.
    expect(of('jobs', 'ADDED').length).toBeGreaterThanOrEqual(10);
    expect(of('jobs', 'MODIFIED').some((e) => (e.object.status as { succeeded?: number }).succeeded === 1)).toBe(true);
    expect(of('jobs', 'DELETED').length).toBeGreaterThanOrEqual(8);
    expect(of('pods', 'MODIFIED').some((e) => (e.object.status as { phase: string }).phase === 'Succeeded')).toBe(true);
    type CS = { restartCount: number; state: { waiting?: { reason: string } }; lastState: { terminated?: { reason: string; exitCode: number } } };
    const statuses = (name: string): CS[] => of('pods', 'MODIFIED').filter((e) => e.object.metadata.labels?.['app.kubernetes.io/name'] === name).map((e) => (e.object.status as { containerStatuses: CS[] }).containerStatuses[0]!);
    // The crash-looping container: CrashLoopBackOff, lastState Error, restartCount rising.
    const recs = statuses('recommendations');
    expect(recs.some((s) => s.state.waiting?.reason === 'CrashLoopBackOff' && s.lastState.terminated?.reason === 'Error' && s.lastState.terminated.exitCode === 1)).toBe(true);
    expect(Math.max(...recs.map((s) => s.restartCount))).toBeGreaterThanOrEqual(10);
    // The leaking cache is OOM-killed now and then.
    const redis = statuses('redis');
    expect(redis.some((s) => s.lastState.terminated?.reason === 'OOMKilled' && s.lastState.terminated.exitCode === 137)).toBe(true);
    // A node went NotReady and came back; its pods were not Ready meanwhile.
    const ready = (o: KubeObj): string => (o.status as { conditions: { type: string; status: string }[] }).conditions.find((x) => x.type === 'Ready')!.status;
    const nodeEvents = of('nodes', 'MODIFIED');
    const down = nodeEvents.find((e) => ready(e.object) !== 'True')!;
    expect(down).toBeDefined();
    expect(['False', 'Unknown']).toContain(ready(down.object));
    expect(nodeEvents.some((e) => e.rv > down.rv && e.object.metadata.name === down.object.metadata.name && ready(e.object) === 'True')).toBe(true);
    const onNode = of('pods', 'MODIFIED').filter((e) => e.rv > down.rv && (e.object.spec as { nodeName: string }).nodeName === down.object.metadata.name);
    expect(onNode.some((e) => ready(e.object) === 'False')).toBe(true);
    // Endpoints followed the pods.
    expect(of('endpoints', 'MODIFIED').length).toBeGreaterThan(5);
    expect(of('endpointslices', 'MODIFIED').length).toBeGreaterThan(5);
  });
});
