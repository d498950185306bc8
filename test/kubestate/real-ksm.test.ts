/**
 * Parity with the real kube-state-metrics v2.18.0 on the real control plane (kube-apiserver
 * 1.35.4 and etcd 3.6.5; all three built by .ci/build-k8s.sh): the scenarios of
 * test/kube/tier/kubestate-runner.ts run inside a network namespace of their own (`unshare -n`),
 * and this test compares what KSM and Vigil's KubeState wrote for the same objects: the same
 * families in the same order with the same HELP and TYPE, and the same series lines byte for byte.
 * The one deliberate difference is the one src/main/kubestate/README.md lists.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KSM, missingBinaries } from '../kube/tier/bed';
import { FAMILY_NAMES } from '../../src/main/kubestate';
import { compareExpositions, parseExposition } from './compare';

type Scenario = { ksm: string; vigil: string; settledMs: number; timedOut: boolean };
type Result = {
  error?: string;
  ksmLog?: string;
  scenarios: { cluster: Scenario; churn: Scenario; namespaced: Scenario; rbac: Scenario & { refusals: { resource: string; namespace: string; permission: string; message: string }[]; synced: boolean } };
  totalMs: number;
};

let r: Result;
const root = path.resolve(__dirname, '../..');

beforeAll(() => {
  const missing = [...missingBinaries(), ...(fs.existsSync(KSM) ? [] : [KSM])];
  if (missing.length > 0) throw new Error(`the kube-state parity tier needs ${missing.join(' and ')}: run .ci/build-k8s.sh (or .ci/run, which builds them)`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ksm-out-')), 'result.json');
  const p = spawnSync('unshare', ['-n', 'bash', '-c', `ip link set lo up && exec node --import tsx ${JSON.stringify(path.join(root, 'test/kube/tier/kubestate-runner.ts'))} ${JSON.stringify(out)}`], { cwd: root, encoding: 'utf8', timeout: 200_000 });
  if (!fs.existsSync(out)) throw new Error(`the kube-state runner wrote nothing (exit ${p.status}, ${p.signal ?? ''}): ${p.stderr.slice(-3000)}`);
  r = JSON.parse(fs.readFileSync(out, 'utf8')) as Result;
  console.log(`kube-state parity tier: ${r.totalMs} ms`);
  if (r.error) throw new Error(`the tier failed: ${r.error}\n${r.ksmLog ?? ''}`);
}, 240_000);

/** deliberateDifferences are the bullets of the README's "Deliberate differences" section. */
function deliberateDifferences(): string[] {
  const readme = fs.readFileSync(path.join(root, 'src/main/kubestate/README.md'), 'utf8');
  const section = readme.split('## Deliberate differences')[1]?.split('\n## ')[0] ?? '';
  const bullets: string[] = [];
  for (const l of section.split('\n')) {
    if (l.startsWith('- ')) bullets.push(l.slice(2));
    else if (l.startsWith('  ') && bullets.length > 0) bullets[bullets.length - 1] += ' ' + l.trim();
  }
  return bullets;
}

describe('kube-state parity with kube-state-metrics v2.18.0 on a real kube-apiserver', () => {
  it('writes, cluster-wide, exactly what kube-state-metrics writes: families, HELP, TYPE and every series', () => {
    const s = r.scenarios.cluster;
    expect(s.timedOut).toBe(false);
    expect(compareExpositions(s.ksm, s.vigil)).toEqual([]);
    const k = parseExposition(s.ksm);
    // Every family Vigil writes was exercised, and the comparison covered them all.
    expect(k.families.map((f) => f.name)).toEqual([...FAMILY_NAMES]);
    expect(k.count).toBeGreaterThan(350);
    console.log(`cluster: ${k.count} series in ${k.families.length} families compared, identical`);
  });

  it('covers the states kube-state-metrics tells apart', () => {
    const v = r.scenarios.cluster.vigil;
    const has = (re: RegExp): void => expect(v, String(re)).toMatch(re);
    has(/kube_pod_container_status_waiting_reason\{[^}]*pod="crash-0"[^}]*reason="CrashLoopBackOff"\} 1/);
    has(/kube_pod_container_status_waiting_reason\{[^}]*pod="pending-1"[^}]*reason="ContainerCreating"\} 1/);
    has(/kube_pod_container_status_terminated_reason\{[^}]*container="helper",reason="OOMKilled"\} 1/);
    has(/kube_pod_container_status_terminated_reason\{[^}]*container="work",reason="Error"\} 1/);
    has(/kube_pod_container_status_terminated_reason\{[^}]*pod="job-1-xyz"[^}]*reason="Completed"\} 1/);
    has(/kube_pod_container_status_last_terminated_reason\{[^}]*pod="crash-0"[^}]*reason="OOMKilled"\} 1/);
    has(/kube_pod_container_status_restarts_total\{[^}]*pod="crash-0"[^}]*\} 17/);
    for (const ph of ['Pending', 'Running', 'Succeeded', 'Failed']) has(new RegExp(`kube_pod_status_phase\\{[^}]*phase="${ph}"\\} 1`));
    for (const kind of ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'Node']) has(new RegExp(`kube_pod_owner\\{[^}]*owner_kind="${kind}"`));
    has(/kube_pod_owner\{[^}]*pod="bare"[^}]*owner_kind="",owner_name="",owner_is_controller=""\} 1/);
    has(/kube_pod_init_container_resource_requests\{[^}]*container="migrate"[^}]*resource="cpu",unit="core"\} 0.05/);
    has(/kube_pod_container_resource_requests\{[^}]*resource="nvidia_com_gpu",unit="integer"\} 1/);
    has(/kube_pod_container_resource_limits\{[^}]*container="sidecar"[^}]*resource="memory",unit="byte"\} 1e\+09/);
    has(/kube_node_status_condition\{node="node-b",condition="Ready",status="unknown"\} 1/);
    has(/kube_node_spec_unschedulable\{node="node-b"\} 1/);
    has(/kube_node_status_capacity\{node="node-a",resource="hugepages_2Mi",unit="byte"\} 5.36870912e\+08/);
    has(/kube_persistentvolumeclaim_resource_requests_storage_bytes\{namespace="team-a",persistentvolumeclaim="scratch"\} 1.610612736e\+09/);
    has(/kube_service_info\{[^}]*service="ext"[^}]*external_name="db.example.com"/);
    has(/kube_job_status_failed\{namespace="team-b",job_name="job-2",reason="BackoffLimitExceeded"\} 1/);
    has(/kube_namespace_status_phase\{namespace="doomed",phase="Terminating"\} 1/);
    has(/kube_deployment_status_condition\{namespace="team-b",deployment="api",reason="unknown",condition="ReplicaFailure",status="true"\} 1/);
  });

  it('follows objects changed, added and deleted as kube-state-metrics does', () => {
    const s = r.scenarios.churn;
    expect(s.timedOut).toBe(false);
    expect(compareExpositions(s.ksm, s.vigil)).toEqual([]);
    expect(s.vigil).toMatch(/kube_pod_container_status_restarts_total\{namespace="team-a",pod="crash-0",[^}]*\} 18/);
    expect(s.vigil).toContain('service="new"');
    expect(s.vigil).not.toContain('deployment="idle"');
  });

  it('with a namespace list, differs only as the README says: kube-state-metrics writes cluster-scoped series once per namespace', () => {
    const s = r.scenarios.namespaced;
    expect(s.timedOut).toBe(false);
    const diffs = compareExpositions(s.ksm, s.vigil);
    const vigilNodeLines = s.vigil.split('\n').filter((l) => l.startsWith('kube_node_'));
    expect(vigilNodeLines.length).toBeGreaterThan(20);
    // Exactly one extra copy (two namespaces) of every node series, nothing else.
    expect(diffs.sort()).toEqual(vigilNodeLines.map((l) => `only in kube-state-metrics: ${l}`).sort());
    const ksmNodeLines = s.ksm.split('\n').filter((l) => l.startsWith('kube_node_'));
    expect(ksmNodeLines.sort()).toEqual([...vigilNodeLines, ...vigilNodeLines].sort());
    // KSM's header rule held on both sides: the first namespace (team-b) has no DaemonSet, so neither writes its HELP.
    expect(s.vigil).toContain('kube_daemonset_created{namespace="team-a"');
    expect(s.vigil).not.toContain('# HELP kube_daemonset_created');
    expect(deliberateDifferences()).toHaveLength(1);
    expect(deliberateDifferences()[0]).toMatch(/once per namespace/);
  });

  it('without the permission to list deployments and jobs, names the refusals and writes the rest as kube-state-metrics does', () => {
    const s = r.scenarios.rbac;
    expect(s.timedOut).toBe(false);
    expect(compareExpositions(s.ksm, s.vigil)).toEqual([]);
    expect(s.refusals.map((x) => x.permission).sort()).toEqual(['list deployments.apps', 'list jobs.batch']);
    for (const x of s.refusals) expect(x.message).toContain('kubectl auth can-i list');
    expect(s.synced).toBe(false);
    expect(s.vigil).not.toContain('kube_deployment_');
    expect(s.vigil).not.toContain('kube_job_');
    expect(s.vigil).toContain('# TYPE kube_pod_info gauge');
  });

  it('the comparison reports a mutated, a missing and an extra series, and a changed HELP', () => {
    const s = r.scenarios.cluster;
    const line = s.vigil.split('\n').find((l) => l.startsWith('kube_pod_container_status_restarts_total{') && l.includes('crash-0'))!;
    const mutated = s.vigil.replace(line, line.replace(/ 17$/, ' 16'));
    expect(compareExpositions(s.ksm, mutated).sort()).toEqual([`only in kube-state-metrics: ${line}`, `only in vigil: ${line.replace(/ 17$/, ' 16')}`].sort());
    expect(compareExpositions(s.ksm, s.vigil.replace(line + '\n', ''))).toEqual([`only in kube-state-metrics: ${line}`]);
    expect(compareExpositions(s.ksm, s.vigil + line.replace('crash-0', 'crash-9') + '\n')).toEqual([`only in vigil: ${line.replace('crash-0', 'crash-9')}`]);
    expect(compareExpositions(s.ksm, s.vigil.replace('[STABLE] The pods current phase.', 'The pods current phase.'))).toEqual(['family kube_pod_status_phase: HELP "[STABLE] The pods current phase." in kube-state-metrics, "The pods current phase." in vigil']);
  });
});
