/**
 * Kubernetes against a real control plane (kube-apiserver 1.35.4 and etcd 3.6.5, built by
 * .ci/build-k8s.sh): the scenarios of tier/runner.ts run inside a network namespace of their own
 * (`unshare -n`), and this test checks what they recorded. Parity: for all six roles, the
 * discovered labels of every target equal the reference Prometheus's on the same configuration.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from './tier/bed';

type Sample = { metric: Record<string, string>; value: [number, string] };
type Result = {
  error?: string;
  prometheus: { version: string; reference: boolean; note: string };
  parity: { prometheus: Record<string, string[]>; vigil: Record<string, string[]> };
  paths: {
    targets: { pool: string; cluster: string; pod: string; instance: string; health: string; lastError: string; path: string; reason: string }[];
    requests: { metric: Record<string, string>; value: [number, string] }[];
    cadvisor: { metric: Record<string, string>; value: [number, string] }[];
    upByCluster: { metric: Record<string, string>; value: [number, string] }[];
  };
  zero: {
    targets: { pool: string; job: string; cluster: string; instance: string; node: string; pod: string; health: string; lastError: string }[];
    cluster: { contexts: { context: string; skippedJobs: Record<string, string> }[] };
    kube: { contexts: { name: string; notes: string[] }[] };
    cadvisor: Sample[];
    kubeletPods: Sample[];
    viewerKubeState: Sample[];
    restarts: Sample[];
    lastTerminated: Sample[];
    denied: Sample[];
    lens: Record<string, Sample[]>;
  };
  churn: { addMs: number; relabelMs: number; deleteMs: number };
  outage: { restartMs: number; goneMs: number; removedMs: number; before: Record<string, number>; mid: Record<string, number>; after: Record<string, number>; targets: string[] };
  totalMs: number;
};

let r: Result;

beforeAll(() => {
  const missing = missingBinaries();
  if (missing.length > 0) throw new Error(`the real-cluster tier needs ${missing.join(' and ')}: run .ci/build-k8s.sh (or .ci/run, which builds them)`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tier-out-')), 'result.json');
  const root = path.resolve(__dirname, '../..');
  const p = spawnSync('unshare', ['-n', 'bash', '-c', `ip link set lo up && exec node --import tsx ${JSON.stringify(path.join(root, 'test/kube/tier/runner.ts'))} ${JSON.stringify(out)}`], { cwd: root, encoding: 'utf8', timeout: 280_000 });
  if (!fs.existsSync(out)) throw new Error(`the tier runner wrote nothing (exit ${p.status}, ${p.signal ?? ''}): ${p.stderr.slice(-3000)}`);
  r = JSON.parse(fs.readFileSync(out, 'utf8')) as Result;
  console.log(`real-cluster tier: ${r.prometheus?.note}; ${r.totalMs} ms`);
  if (r.error) throw new Error(`the tier failed: ${r.error}${(r as { zeroTargets?: string[] }).zeroTargets ? `\ntargets: ${(r as { zeroTargets?: string[] }).zeroTargets!.join("\n")}` : ""}`);
}, 300_000);

describe('a real kube-apiserver', () => {
  it('discovers, for all six roles, exactly the targets and labels the reference Prometheus discovers', () => {
    expect(r.prometheus.reference).toBe(true);
    const pools = ['k8s-node', 'k8s-pod', 'k8s-pod-selected', 'k8s-service', 'k8s-endpoints', 'k8s-endpointslice', 'k8s-ingress'];
    expect(Object.keys(r.parity.prometheus).sort()).toEqual([...pools].sort());
    for (const pool of pools) {
      expect(r.parity.prometheus[pool]!.length, pool).toBeGreaterThan(0);
      expect(r.parity.vigil[pool], pool).toEqual(r.parity.prometheus[pool]);
    }
    // The fixtures exercise what the roles expose (a few spot checks that the comparison is not empty).
    const all = Object.values(r.parity.vigil).flat().join('\n');
    for (const l of ['__meta_kubernetes_endpointslice_endpoint_conditions_terminating', '__meta_kubernetes_pod_container_init', '__meta_kubernetes_node_label_kubernetes_io_hostname', '__meta_kubernetes_namespace_label_team', '__meta_kubernetes_ingress_scheme', '__meta_kubernetes_service_external_name', '__meta_kubernetes_endpoint_ready']) {
      expect(all, l).toContain(l);
    }
  });

  it('scrapes one pod through the pod proxy, port-forward and directly, its service through the service proxy and the kubelets through the node proxy, with the same series', () => {
    const t = (pool: string, cluster: string, pod = ''): Result['paths']['targets'][number] => r.paths.targets.find((x) => x.pool === pool && x.cluster === cluster && x.pod === pod)!;
    expect(t('via-proxy', 'admin', 'web-1')).toMatchObject({ health: 'up', path: 'api-proxy' });
    expect(t('via-port-forward', 'admin', 'web-1')).toMatchObject({ health: 'up', path: 'port-forward' });
    expect(t('via-direct', 'admin', 'web-1')).toMatchObject({ health: 'up', path: 'direct' });
    expect(t('via-service', 'admin')).toMatchObject({ health: 'up', path: 'api-proxy' });
    const kubelets = r.paths.targets.filter((x) => x.pool === 'kubelet' && x.cluster === 'admin');
    expect(kubelets.map((k) => [k.instance, k.health, k.path]).sort()).toEqual([
      ['node-a', 'up', 'api-proxy'],
      ['node-b', 'up', 'api-proxy'],
    ]);
    const byJob = new Map<string, string>();
    for (const s of r.paths.requests) if (s.metric.pod === 'web-1') byJob.set(s.metric.job!, `${s.metric.code}=${s.value[1]} path=${s.metric.path}`);
    expect([...byJob.keys()].sort()).toEqual(['auto', 'proxy-only', 'via-direct', 'via-port-forward', 'via-proxy', 'via-service']);
    expect(new Set(byJob.values())).toEqual(new Set(['200=42 path=/metrics']));
    expect(r.paths.cadvisor.map((s) => s.metric.instance).sort()).toEqual(['node-a', 'node-b']);
    for (const s of r.paths.cadvisor) expect(s.metric).toMatchObject({ cluster: 'admin', container: 'app', namespace: 'default', pod: 'web-1', job: 'kubelet' });
  });

  it('gives a user without the proxy permissions the RBAC message and, where allowed, port-forward', () => {
    const t = (pool: string, pod = ''): Result['paths']['targets'][number] => r.paths.targets.find((x) => x.pool === pool && x.cluster === 'viewer' && x.pod === pod)!;
    expect(t('auto', 'web-1')).toMatchObject({ health: 'up', path: 'port-forward' });
    expect(t('auto', 'web-1').reason).toContain('user viewer lacks the permission "get pods/proxy" in namespace default (RBAC)');
    expect(t('proxy-only', 'web-1').health).toBe('down');
    expect(t('proxy-only', 'web-1').lastError).toContain('Check with `kubectl auth can-i get pods --subresource=proxy -n default --context viewer`');
    const kubelet = r.paths.targets.find((x) => x.pool === 'kubelet' && x.cluster === 'viewer')!;
    expect(kubelet.reason).toContain('lacks the permission "get nodes/proxy" at the cluster scope');
    expect(kubelet.lastError).toContain('kubectl auth can-i get nodes --subresource=proxy --context viewer');
    // Two contexts at once: one series per context.
    expect(r.paths.upByCluster.map((s) => [s.metric.cluster, s.value[1]]).sort()).toEqual([
      ['admin', '2'],
      ['viewer', '2'],
    ]);
  });

  it('with only a kubeconfig, the default jobs find every kubelet and annotated pod, with the labels Lens and the kubernetes-mixin select on', () => {
    const z = r.zero;
    const up = (pool: string): string[] => z.targets.filter((t) => t.pool === pool && t.health === 'up').map((t) => t.instance).sort();
    for (const job of ['kubelet', 'cadvisor', 'kubelet-resource', 'kubelet-probes']) expect(up(`${job}@admin`)).toEqual(['node-a', 'node-b']);
    for (const t of z.targets.filter((x) => x.pool === 'kubelet@admin')) expect(t).toMatchObject({ job: 'kubelet', cluster: 'admin', node: t.instance });
    // The annotated pod (prometheus.io/scrape) and the node-exporter pod (app.kubernetes.io/name).
    expect(z.targets.filter((t) => t.pool === 'kubernetes-pods@admin' && t.health === 'up').map((t) => t.pod)).toEqual(['web-1']);
    expect(z.targets.filter((t) => t.pool === 'node-exporter@admin' && t.health === 'up').map((t) => t.pod)).toEqual(['node-exporter-a']);
    expect(z.targets.find((t) => t.pool === 'vigil-kube-state@admin')).toMatchObject({ job: 'kube-state-metrics', cluster: 'admin', health: 'up' });
    // cAdvisor's series carry node, namespace, pod, container and cluster.
    expect(z.cadvisor.length).toBe(6);
    for (const s of z.cadvisor) {
      expect(s.metric).toMatchObject({ job: 'cadvisor', cluster: 'admin', namespace: 'default', metrics_path: '/metrics/cadvisor' });
      expect(s.metric.node).toBe(s.metric.instance);
      expect(s.metric.pod).toBeTruthy();
      expect(s.metric.container).toBeTruthy();
    }
    expect(z.kubeletPods.filter((s) => s.metric.cluster === 'admin').map((s) => `${s.metric.node}=${s.value[1]}`).sort()).toEqual(['node-a=2', 'node-b=2']);
    // The synthesized kube-state series follow the objects (a container restarted 3 times after an OOM kill).
    expect(z.restarts.filter((s) => s.metric.cluster === 'admin').map((s) => [s.metric.container, s.value[1]])).toEqual([['postgres', '3']]);
    expect(z.lastTerminated.filter((s) => s.metric.cluster === 'admin').map((s) => s.metric.reason)).toEqual(['OOMKilled']);
  });

  it("answers every Lens query that needs only kubelet, cAdvisor and kube_* series", () => {
    const empty = Object.entries(r.zero.lens).filter(([, v]) => v.length === 0 || v.some((s) => !Number.isFinite(Number(s.value[1])))).map(([k]) => k);
    expect(empty).toEqual([]);
    expect(Object.keys(r.zero.lens).length).toBe(28);
    const one = (k: string): number => r.zero.lens[k]!.reduce((a, s) => a + Number(s.value[1]), 0);
    // Both contexts watch the same cluster, so the kube_* sums count it twice (once per cluster label).
    expect(one('cluster.memoryCapacity')).toBe(2 * 2 * 8 * 1024 ** 3);
    expect(one('cluster.cpuRequests')).toBe(2 * 0.25);
    expect(one('cluster.podUsage')).toBe(4);
    expect(one('pvc.diskCapacity')).toBe(10737418240);
    expect(one('pods.cpuUsage')).toBeGreaterThan(0);
    expect(one('pods.networkReceive')).toBeGreaterThan(0);
  });

  it('tells a user without nodes/proxy why the kubelet jobs are skipped, and still gives them the kube_* series', () => {
    const z = r.zero;
    expect(z.targets.filter((t) => t.cluster === 'viewer' && /^(kubelet|cadvisor)/.test(t.pool))).toEqual([]);
    const viewer = z.cluster.contexts.find((c) => c.context === 'viewer')!;
    expect(Object.keys(viewer.skippedJobs).sort()).toEqual(['cadvisor', 'kubelet', 'kubelet-probes', 'kubelet-resource']);
    const notes = z.kube.contexts.find((c) => c.name === 'viewer')!.notes.join('\n');
    expect(notes).toContain('nodes/proxy');
    expect(notes).toContain('kubectl auth can-i');
    const families = new Set(z.viewerKubeState.map((s) => s.metric.__name__));
    for (const f of ['kube_pod_info', 'kube_pod_container_status_restarts_total', 'kube_node_status_capacity', 'kube_deployment_spec_replicas', 'kube_namespace_status_phase']) expect(families.has(f)).toBe(true);
    expect(z.targets.find((t) => t.pool === 'vigil-kube-state@viewer')).toMatchObject({ health: 'up' });
  });

  it('follows pods added, relabelled and deleted within 2 s', () => {
    expect(r.churn.addMs).toBeLessThan(2000);
    expect(r.churn.relabelMs).toBeLessThan(2000);
    expect(r.churn.deleteMs).toBeLessThan(2000);
  });

  it('survives an API-server restart and a forced 410 (etcd compaction) without a tight retry loop', () => {
    expect(r.outage.restartMs).toBeLessThan(40_000);
    expect(r.outage.goneMs).toBeLessThan(40_000);
    expect(r.outage.removedMs).toBeLessThan(2000);
    // The restart resumed the watch (no new list); the compaction forced exactly a relist.
    expect(r.outage.mid.lists - r.outage.before.lists).toBe(0);
    expect(r.outage.after.relists - r.outage.mid.relists).toBeGreaterThanOrEqual(1);
    expect(r.outage.after.lists - r.outage.mid.lists).toBeLessThanOrEqual(3);
    expect(r.outage.after.watches - r.outage.before.watches).toBeLessThan(20);
    expect(r.outage.targets.every((p) => p === 'churn-3')).toBe(true);
  });
});
