import { describe, expect, it } from 'vitest';
import { render, series, values } from './helpers';

const T0 = '2026-11-30T10:00:00Z'; // 1796032800
const T0S = '1.7960328e+09';

function pod(name: string, spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return { metadata: { name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: T0, managedFields: [{ manager: 'x' }], ...meta }, spec, status };
}

const cs = (name: string, state: Record<string, unknown>, o: Record<string, unknown> = {}): Record<string, unknown> => ({ name, image: `img/${name}:1`, imageID: `sha/${name}`, containerID: `containerd://${name}`, ready: false, restartCount: 0, state, ...o });

describe('pod families', () => {
  it('writes the phase as five series, only the current one 1, and none for a pod without a phase', () => {
    for (const phase of ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']) {
      const v = values(render('pods', [pod('p', {}, { phase })]), 'kube_pod_status_phase', 3);
      expect(Object.keys(v)).toEqual(['phase="Pending"', 'phase="Succeeded"', 'phase="Failed"', 'phase="Unknown"', 'phase="Running"']);
      for (const [k, x] of Object.entries(v)) expect(x, `${phase} ${k}`).toBe(k === `phase="${phase}"` ? '1' : '0');
    }
    const none = render('pods', [pod('p', {}, {})]);
    expect(series(none, 'kube_pod_status_phase')).toEqual([]);
    // The family's HELP and TYPE are still there: the collection has an object.
    expect(none).toContain('# HELP kube_pod_status_phase [STABLE] The pods current phase.\n# TYPE kube_pod_status_phase gauge\n');
  });

  it('starts every series with namespace, pod and uid, and escapes label values', () => {
    const t = render('pods', [pod('p"1', { nodeName: 'n\\1', containers: [{ name: 'c', image: 'a\nb' }] }, { phase: 'Running', containerStatuses: [cs('c', { running: {} })] })]);
    expect(series(t, 'kube_pod_info')).toEqual(['kube_pod_info{namespace="ns",pod="p\\"1",uid="uid-p"1",host_ip="",pod_ip="",node="n\\\\1",created_by_kind="",created_by_name="",priority_class="",host_network="false"} 1'.replace('uid-p"1', 'uid-p\\"1')]);
    expect(series(t, 'kube_pod_container_info')).toEqual(['kube_pod_container_info{namespace="ns",pod="p\\"1",uid="uid-p\\"1",container="c",image_spec="a\\nb",image="img/c:1",image_id="sha/c",container_id="containerd://c"} 1']);
  });

  it('kube_pod_info names the controller (the first owner with controller: true), the IPs, node, priority class and host network', () => {
    const t = render('pods', [
      pod('p', { nodeName: 'n1', priorityClassName: 'high', hostNetwork: true }, { hostIP: '10.0.0.1', podIP: '10.1.0.1' }, { ownerReferences: [{ kind: 'Node', name: 'n1' }, { kind: 'ReplicaSet', name: 'rs-1', controller: true }, { kind: 'Other', name: 'o', controller: true }] }),
    ]);
    expect(series(t, 'kube_pod_info')).toEqual(['kube_pod_info{namespace="ns",pod="p",uid="uid-p",host_ip="10.0.0.1",pod_ip="10.1.0.1",node="n1",created_by_kind="ReplicaSet",created_by_name="rs-1",priority_class="high",host_network="true"} 1']);
  });

  it('kube_pod_owner has one series per owner reference, or empty owner labels without any', () => {
    const owners = [
      { kind: 'ReplicaSet', name: 'web-1', controller: true },
      { kind: 'StatefulSet', name: 'db', controller: false },
      { kind: 'DaemonSet', name: 'agent' },
      { kind: 'Job', name: 'job-1', controller: true },
    ];
    const t = render('pods', [pod('owned', {}, {}, { ownerReferences: owners }), pod('bare', {}, {})]);
    expect(series(t, 'kube_pod_owner')).toEqual([
      'kube_pod_owner{namespace="ns",pod="owned",uid="uid-owned",owner_kind="ReplicaSet",owner_name="web-1",owner_is_controller="true"} 1',
      'kube_pod_owner{namespace="ns",pod="owned",uid="uid-owned",owner_kind="StatefulSet",owner_name="db",owner_is_controller="false"} 1',
      'kube_pod_owner{namespace="ns",pod="owned",uid="uid-owned",owner_kind="DaemonSet",owner_name="agent",owner_is_controller="false"} 1',
      'kube_pod_owner{namespace="ns",pod="owned",uid="uid-owned",owner_kind="Job",owner_name="job-1",owner_is_controller="true"} 1',
      'kube_pod_owner{namespace="ns",pod="bare",uid="uid-bare",owner_kind="",owner_name="",owner_is_controller=""} 1',
    ]);
  });

  it('container states: one series per status for running/waiting/terminated, reasons only in that state', () => {
    const t = render('pods', [
      pod(
        'p',
        { containers: [{ name: 'crash' }, { name: 'creating' }, { name: 'oom' }, { name: 'err' }, { name: 'done' }, { name: 'up' }] },
        {
          containerStatuses: [
            cs('crash', { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } }, { restartCount: 17, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }),
            cs('creating', { waiting: { reason: 'ContainerCreating' } }),
            cs('oom', { terminated: { reason: 'OOMKilled', exitCode: 137 } }),
            cs('err', { terminated: { reason: 'Error', exitCode: 1 } }, { lastState: { terminated: { reason: 'Error' } }, restartCount: 2 }),
            cs('done', { terminated: { reason: 'Completed', exitCode: 0 } }),
            cs('up', { running: { startedAt: T0 } }, { ready: true }),
          ],
        },
      ),
    ]);
    expect(values(t, 'kube_pod_container_status_waiting', 3)).toEqual({ 'container="crash"': '1', 'container="creating"': '1', 'container="oom"': '0', 'container="err"': '0', 'container="done"': '0', 'container="up"': '0' });
    expect(values(t, 'kube_pod_container_status_running', 3)).toEqual({ 'container="crash"': '0', 'container="creating"': '0', 'container="oom"': '0', 'container="err"': '0', 'container="done"': '0', 'container="up"': '1' });
    expect(values(t, 'kube_pod_container_status_terminated', 3)).toEqual({ 'container="crash"': '0', 'container="creating"': '0', 'container="oom"': '1', 'container="err"': '1', 'container="done"': '1', 'container="up"': '0' });
    expect(values(t, 'kube_pod_container_status_waiting_reason', 3)).toEqual({ 'container="crash",reason="CrashLoopBackOff"': '1', 'container="creating",reason="ContainerCreating"': '1' });
    expect(values(t, 'kube_pod_container_status_terminated_reason', 3)).toEqual({ 'container="oom",reason="OOMKilled"': '1', 'container="err",reason="Error"': '1', 'container="done",reason="Completed"': '1' });
    expect(values(t, 'kube_pod_container_status_last_terminated_reason', 3)).toEqual({ 'container="crash",reason="OOMKilled"': '1', 'container="err",reason="Error"': '1' });
    expect(values(t, 'kube_pod_container_status_restarts_total', 3)).toMatchObject({ 'container="crash"': '17', 'container="err"': '2', 'container="up"': '0' });
    expect(values(t, 'kube_pod_container_status_ready', 3)).toMatchObject({ 'container="up"': '1', 'container="crash"': '0' });
    expect(t).toContain('# TYPE kube_pod_container_status_restarts_total counter\n');
    // container_info needs a spec container and a status of the same name.
    expect(series(t, 'kube_pod_container_info')).toHaveLength(6);
  });

  it('requests and limits: cpu in cores, memory and storage in bytes, extended resources as integers; init containers have their own families', () => {
    const t = render('pods', [
      pod(
        'p',
        {
          nodeName: 'n1',
          initContainers: [{ name: 'init', resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1' } } }],
          containers: [
            { name: 'app', resources: { requests: { cpu: '250m', memory: '1.5Gi', 'ephemeral-storage': '2G', 'nvidia.com/gpu': '1', 'hugepages-2Mi': '4Mi', pods: '1', 'example.com/odd': '2500m' }, limits: { cpu: '1500m', memory: '100M' } } },
            { name: 'side', resources: { requests: { memory: '1500m' } } },
          ],
        },
        {},
      ),
    ]);
    expect(values(t, 'kube_pod_container_resource_requests', 3)).toEqual({
      'container="app",node="n1",resource="cpu",unit="core"': '0.25',
      'container="app",node="n1",resource="memory",unit="byte"': '1.610612736e+09',
      'container="app",node="n1",resource="ephemeral_storage",unit="byte"': '2e+09',
      'container="app",node="n1",resource="nvidia_com_gpu",unit="integer"': '1',
      'container="app",node="n1",resource="hugepages_2Mi",unit="byte"': '4.194304e+06',
      // Value() rounds up: 2.5 dongles read as 3, 1.5 bytes as 2; `pods` is no container resource.
      'container="app",node="n1",resource="example_com_odd",unit="integer"': '3',
      'container="side",node="n1",resource="memory",unit="byte"': '2',
    });
    expect(values(t, 'kube_pod_container_resource_limits', 3)).toEqual({
      'container="app",node="n1",resource="cpu",unit="core"': '1.5',
      'container="app",node="n1",resource="memory",unit="byte"': '1e+08',
    });
    expect(values(t, 'kube_pod_init_container_resource_requests', 3)).toEqual({ 'container="init",node="n1",resource="cpu",unit="core"': '0.05', 'container="init",node="n1",resource="memory",unit="byte"': '6.7108864e+07' });
    expect(values(t, 'kube_pod_init_container_resource_limits', 3)).toEqual({ 'container="init",node="n1",resource="cpu",unit="core"': '1' });
    expect(t).toContain('# HELP kube_pod_init_container_resource_requests The number of requested request resource by an init container.\n');
  });

  it('init container families read the init container statuses, and init info carries the restart policy', () => {
    const t = render('pods', [pod('p', { initContainers: [{ name: 'sidecar', image: 'proxy:1', restartPolicy: 'Always' }, { name: 'migrate', image: 'm:1' }], containers: [{ name: 'app' }] }, { initContainerStatuses: [cs('migrate', { terminated: { reason: 'Completed' } }), cs('sidecar', { running: {} }, { ready: true, restartCount: 4 })], containerStatuses: [cs('app', { waiting: { reason: 'PodInitializing' } })] })]);
    expect(series(t, 'kube_pod_init_container_info')).toEqual([
      'kube_pod_init_container_info{namespace="ns",pod="p",uid="uid-p",container="sidecar",image_spec="proxy:1",image="img/sidecar:1",image_id="sha/sidecar",container_id="containerd://sidecar",restart_policy="Always"} 1',
      'kube_pod_init_container_info{namespace="ns",pod="p",uid="uid-p",container="migrate",image_spec="m:1",image="img/migrate:1",image_id="sha/migrate",container_id="containerd://migrate",restart_policy=""} 1',
    ]);
    expect(values(t, 'kube_pod_init_container_status_terminated_reason', 3)).toEqual({ 'container="migrate",reason="Completed"': '1' });
    expect(values(t, 'kube_pod_init_container_status_restarts_total', 3)).toEqual({ 'container="migrate"': '0', 'container="sidecar"': '4' });
    expect(values(t, 'kube_pod_init_container_status_running', 3)).toEqual({ 'container="migrate"': '0', 'container="sidecar"': '1' });
    expect(values(t, 'kube_pod_container_status_waiting_reason', 3)).toEqual({ 'container="app",reason="PodInitializing"': '1' });
  });

  it('ready condition, creation and start times', () => {
    const t = render('pods', [pod('p', {}, { startTime: '2026-11-30T10:05:07.9Z', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', lastTransitionTime: T0 }] }), pod('q', {}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }, { creationTimestamp: 'not a time' })]);
    expect(series(t, 'kube_pod_status_ready').filter((l) => l.includes('pod="p"'))).toEqual(['true 0', 'false 1', 'unknown 0'].map((x) => `kube_pod_status_ready{namespace="ns",pod="p",uid="uid-p",condition="${x.split(' ')[0]}"} ${x.split(' ')[1]}`));
    expect(series(t, 'kube_pod_status_ready').filter((l) => l.includes('pod="q"') && l.endsWith(' 1'))).toEqual(['kube_pod_status_ready{namespace="ns",pod="q",uid="uid-q",condition="unknown"} 1']);
    expect(series(t, 'kube_pod_created')).toEqual([`kube_pod_created{namespace="ns",pod="p",uid="uid-p"} ${T0S}`]);
    // Whole seconds, floored: 10:05:07.9 is 1796033107.
    expect(series(t, 'kube_pod_start_time')).toEqual(['kube_pod_start_time{namespace="ns",pod="p",uid="uid-p"} 1.796033107e+09']);
  });
});
