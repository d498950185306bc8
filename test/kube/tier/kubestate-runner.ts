/**
 * The kube-state parity scenarios on the real control plane, run inside a network namespace of
 * their own:
 *   unshare -n node --import tsx test/kube/tier/kubestate-runner.ts OUT.json
 * (test/kubestate/real-ksm.test.ts does it and compares what it recorded). It starts the control
 * plane of bed.ts with the objects of kubestate-fixtures.ts, runs the real kube-state-metrics
 * v2.18.0 (its own kubeconfig, `--resources`, `--metric-allowlist` of exactly the families Vigil
 * writes, loopback ports in the namespace) and Vigil's KubeState against it, and records both
 * expositions once each has settled:
 *  - cluster: every resource, cluster-wide;
 *  - churn: after pods, deployments and services changed, were added and deleted;
 *  - namespaced: `--namespaces=team-b,team-a` (namespaced kinds per namespace, plus nodes);
 *  - rbac: a user who may not list deployments and jobs (KubeState names the refusals).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bed, KSM, insideOwnNamespace, missingBinaries } from './bed';
import { ALL, NAMESPACES, collectionOf } from './kubestate-fixtures';
import { KubeClient } from '../../../src/main/kube/client';
import { createAuthenticator } from '../../../src/main/kube/credentials';
import { emptyAuthInfo } from '../../../src/main/kube/kubeconfig';
import { SharedInformers } from '../../../src/main/kube/informers';
import { FAMILY_NAMES, KubeState, RESOURCE_NAMES, type ResourceName } from '../../../src/main/kubestate';

type Json = Record<string, unknown>;

const out: Json = { scenarios: {} };
const scenarios = out.scenarios as Record<string, Json>;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function sortedLines(t: string): string {
  return t.split('\n').sort().join('\n');
}

async function scrape(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (r.status !== 200) throw new Error(`kube-state-metrics answered ${r.status}`);
  return await r.text();
}

/** settle polls both sides until ready() holds and neither changed over the last poll. */
async function settle(ksm: () => Promise<string>, vigil: () => string, ready: (k: string, v: string) => boolean, ms = 45_000): Promise<{ ksm: string; vigil: string; settledMs: number; timedOut: boolean }> {
  const t0 = Date.now();
  let prev = '';
  for (;;) {
    const k = await ksm().catch(() => '');
    const v = vigil();
    const cur = sortedLines(k) + '\x00' + sortedLines(v);
    if (k !== '' && ready(k, v) && cur === prev) return { ksm: k, vigil: v, settledMs: Date.now() - t0, timedOut: false };
    prev = cur;
    if (Date.now() - t0 > ms) return { ksm: k, vigil: v, settledMs: Date.now() - t0, timedOut: true };
    await sleep(400);
  }
}

function clientFor(bed: Bed, user: string, token: string): KubeClient {
  return new KubeClient({
    context: user,
    cluster: 'bed',
    user,
    endpoint: { server: bed.server, ca: Buffer.from(bed.ca.certPem), insecureSkipTlsVerify: false, tlsServerName: '', proxyUrl: '' },
    auth: createAuthenticator({ name: user, file: '(tier)', line: 1, value: { ...emptyAuthInfo(), token } }),
    limits: { controlQps: 1000, controlBurst: 1000 },
  });
}

const ALLOWLIST = FAMILY_NAMES.map((f) => `^${f}$`).join(',');

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const missing = [...missingBinaries(), ...(fs.existsSync(KSM) ? [] : [KSM])];
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (run .ci/build-k8s.sh)`);
  if (!insideOwnNamespace()) throw new Error('run me under `unshare -n`: the tier needs a network namespace of its own');
  const started = Date.now();
  const bed = new Bed();
  const limitedToken = bed.addToken('limited');
  const children: ChildProcess[] = [];
  const stops: (() => void)[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ksm-'));
  let ksmLog = '';
  let nextPort = 18080;
  const runKsm = async (name: string, token: string, args: string[]): Promise<number> => {
    const port = nextPort;
    nextPort += 2;
    const kc = bed.kubeconfig(path.join(dir, `${name}.kubeconfig`), [{ name, token }]);
    const p = spawn('setpriv', ['--pdeathsig', 'KILL', KSM, `--kubeconfig=${kc}`, '--host=127.0.0.1', `--port=${port}`, '--telemetry-host=127.0.0.1', `--telemetry-port=${port + 1}`, `--metric-allowlist=${ALLOWLIST}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr!.on('data', (d: Buffer) => (ksmLog = (ksmLog + d.toString()).slice(-20000)));
    children.push(p);
    const end = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false))) {
      if (p.exitCode !== null) throw new Error(`kube-state-metrics exited with ${p.exitCode}: ${ksmLog.slice(-3000)}`);
      if (Date.now() > end) throw new Error(`kube-state-metrics did not come up: ${ksmLog.slice(-3000)}`);
      await sleep(200);
    }
    return port;
  };
  const runVigil = (user: string, token: string, namespaces: string[], resources?: readonly ResourceName[]): KubeState => {
    const client = clientFor(bed, user, token);
    const informers = new SharedInformers();
    const ks = new KubeState({ client, informers, namespaces, resources });
    ks.start();
    stops.push(() => {
      ks.stop();
      informers.stopAll();
      client.close();
    });
    return ks;
  };
  try {
    await bed.start();
    out.bedReadyMs = Date.now() - started;
    // The limited user may list and watch everything the series read but deployments and jobs.
    const rules = [
      { apiGroups: [''], resources: ['nodes', 'pods', 'services', 'namespaces', 'persistentvolumeclaims'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets', 'statefulsets', 'daemonsets'], verbs: ['list', 'watch'] },
    ];
    await bed.apply('/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'vigil-limited' }, rules });
    await bed.apply('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'vigil-limited' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'vigil-limited' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'limited' }] });
    for (const ns of NAMESPACES) await bed.apply('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: ns } } });
    for (const o of ALL) await bed.apply(collectionOf(o), o);
    // Without a namespace controller, a deleted namespace stays Terminating.
    const del = await bed.request('DELETE', '/api/v1/namespaces/doomed');
    if (del.status >= 300) throw new Error(`DELETE namespace doomed: ${del.status} ${del.body}`);
    out.setupMs = Date.now() - started;

    // --- cluster-wide, every resource ---------------------------------------------------------
    const everything = `--resources=${RESOURCE_NAMES.join(',')}`;
    const kAll = await runKsm('ksm', bed.adminToken, [everything]);
    const vAll = runVigil('admin', bed.adminToken, ['']);
    const allHeaders = (t: string): boolean => FAMILY_NAMES.every((f) => t.includes(`# TYPE ${f} `));
    scenarios.cluster = await settle(() => scrape(kAll), () => vAll.renderText(), (k, v) => allHeaders(k) && allHeaders(v) && vAll.synced);

    // --- churn: changes, additions, deletions ----------------------------------------------------
    const crash = JSON.parse((await bed.request('GET', '/api/v1/namespaces/team-a/pods/crash-0')).body) as Json;
    const st = crash.status as { containerStatuses: Json[]; conditions: Json[] };
    st.containerStatuses[0] = { ...st.containerStatuses[0], restartCount: 18, ready: true, state: { running: { startedAt: '2026-11-30T11:00:00Z' } } };
    st.conditions = st.conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'True' } : c));
    const upd = await bed.request('PUT', '/api/v1/namespaces/team-a/pods/crash-0/status', crash);
    if (upd.status >= 300) throw new Error(`PUT crash-0 status: ${upd.status} ${upd.body}`);
    await bed.remove('/apis/apps/v1/namespaces/team-b/deployments', 'idle');
    await bed.remove('/api/v1/namespaces/team-b/pods', 'bare');
    await bed.apply('/api/v1/namespaces/team-b/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'new', namespace: 'team-b' }, spec: { type: 'ClusterIP', ports: [{ port: 8080 }] } });
    const churned = (t: string): boolean => t.includes('service="new"') && !t.includes('deployment="idle"') && !t.includes('pod="bare"') && /kube_pod_container_status_restarts_total\{namespace="team-a",pod="crash-0",[^}]*\} 18\n/.test(t);
    scenarios.churn = await settle(() => scrape(kAll), () => vAll.renderText(), (k, v) => churned(k) && churned(v));

    // --- a namespace list: namespaced kinds per namespace (team-b first), nodes once ---------
    const namespaced = RESOURCE_NAMES.filter((r) => r !== 'namespaces');
    const kNs = await runKsm('ksm-ns', bed.adminToken, [`--resources=${namespaced.join(',')}`, '--namespaces=team-b,team-a']);
    const vNs = runVigil('admin', bed.adminToken, ['team-b', 'team-a'], namespaced);
    const nsReady = (t: string): boolean => t.includes('# TYPE kube_pod_info ') && t.includes('kube_daemonset_created{namespace="team-a"') && t.includes('kube_node_info{');
    scenarios.namespaced = await settle(() => scrape(kNs), () => vNs.renderText(), (k, v) => nsReady(k) && nsReady(v) && vNs.synced);

    // --- RBAC: deployments and jobs refused -------------------------------------------------------
    const kRbac = await runKsm('ksm-limited', limitedToken, [everything]);
    const vRbac = runVigil('limited', limitedToken, ['']);
    const rbacReady = (t: string): boolean => t.includes('# TYPE kube_pod_info ') && t.includes('# TYPE kube_statefulset_replicas ');
    scenarios.rbac = { ...(await settle(() => scrape(kRbac), () => vRbac.renderText(), (k, v) => rbacReady(k) && rbacReady(v) && vRbac.refusals().length === 2)), refusals: vRbac.refusals(), synced: vRbac.synced };
    out.totalMs = Date.now() - started;
  } catch (e) {
    out.error = (e as Error).stack ?? String(e);
    out.ksmLog = ksmLog.slice(-3000);
  } finally {
    for (const s of stops) s();
    for (const ch of children) ch.kill('SIGKILL');
    await bed.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(file, JSON.stringify(out, null, 1));
  }
}

void main().then(() => process.exit(0));
