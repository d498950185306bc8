import { describe, expect, it } from 'vitest';
import { renderObjects } from '../../src/main/kubestate';
import { trimDeployment, trimNamespace } from '../../src/main/kube/objects/trim';
import { render, series, values } from './helpers';

describe('node families', () => {
  const node = {
    metadata: { name: 'n1', creationTimestamp: '2026-11-30T10:00:00Z' },
    spec: { providerID: 'aws:///i-1', podCIDR: '10.0.0.0/24', unschedulable: true },
    status: {
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: 'n1' },
        { type: 'InternalIP', address: '10.0.0.9' },
      ],
      conditions: [
        { type: 'Ready', status: 'True', message: 'kubelet is posting ready status' },
        { type: 'MemoryPressure', status: 'False' },
        { type: 'NetworkUnavailable', status: 'Unknown' },
      ],
      capacity: { cpu: '4', memory: '3917104Ki', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '2Gi', 'nvidia.com/gpu': '8', 'attachable-volumes-csi-ebs': '39', 'kubernetes.io/batch': '1', example: '1' },
      allocatable: { cpu: '3500m', memory: '1.5', pods: '110' },
      nodeInfo: { kernelVersion: '6.1', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7', kubeletVersion: 'v1.35.4', kubeProxyVersion: 'v1.35.4', systemUUID: 'u-1', machineID: 'm' },
    },
  };

  it('capacity and allocatable: cpu in cores, memory and storage in bytes (milli-value / 1000), pods and extended resources as integers, other native names left out', () => {
    const t = render('nodes', [node]);
    expect(values(t, 'kube_node_status_capacity', 1)).toEqual({
      'resource="cpu",unit="core"': '4',
      'resource="memory",unit="byte"': '4.011114496e+09',
      'resource="pods",unit="integer"': '110',
      'resource="ephemeral_storage",unit="byte"': '1.073741824e+11',
      'resource="hugepages_1Gi",unit="byte"': '2.147483648e+09',
      'resource="nvidia_com_gpu",unit="integer"': '8',
      'resource="attachable_volumes_csi_ebs",unit="byte"': '39',
    });
    // A node's memory of 1.5 bytes stays 1.5 (convertValueToFloat64), where a container's reads 2.
    expect(values(t, 'kube_node_status_allocatable', 1)).toEqual({ 'resource="cpu",unit="core"': '3.5', 'resource="memory",unit="byte"': '1.5', 'resource="pods",unit="integer"': '110' });
  });

  it('info (the last InternalIP), conditions over true/false/unknown, unschedulable and creation time', () => {
    const t = render('nodes', [node, { metadata: { name: 'bare' } }]);
    expect(series(t, 'kube_node_info')).toEqual([
      'kube_node_info{node="n1",kernel_version="6.1",os_image="Debian",container_runtime_version="containerd://1.7",kubelet_version="v1.35.4",kubeproxy_version="deprecated",provider_id="aws:///i-1",pod_cidr="10.0.0.0/24",system_uuid="u-1",internal_ip="10.0.0.9"} 1',
      'kube_node_info{node="bare",kernel_version="",os_image="",container_runtime_version="",kubelet_version="",kubeproxy_version="deprecated",provider_id="",pod_cidr="",system_uuid="",internal_ip=""} 1',
    ]);
    const cond = values(t, 'kube_node_status_condition', 1);
    expect(cond).toEqual({
      'condition="Ready",status="true"': '1',
      'condition="Ready",status="false"': '0',
      'condition="Ready",status="unknown"': '0',
      'condition="MemoryPressure",status="true"': '0',
      'condition="MemoryPressure",status="false"': '1',
      'condition="MemoryPressure",status="unknown"': '0',
      'condition="NetworkUnavailable",status="true"': '0',
      'condition="NetworkUnavailable",status="false"': '0',
      'condition="NetworkUnavailable",status="unknown"': '1',
    });
    expect(series(t, 'kube_node_spec_unschedulable')).toEqual(['kube_node_spec_unschedulable{node="n1"} 1', 'kube_node_spec_unschedulable{node="bare"} 0']);
    expect(series(t, 'kube_node_created')).toEqual(['kube_node_created{node="n1"} 1.7960328e+09']);
  });
});

describe('workload families', () => {
  it('deployments: replicas, status counts, generations, paused, and conditions with unknown reasons folded', () => {
    const t = render('deployments', [
      {
        metadata: { name: 'web', namespace: 'a', generation: 4, creationTimestamp: '2026-11-30T10:00:00Z' },
        spec: { replicas: 3 },
        status: { replicas: 3, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 1, updatedReplicas: 3, observedGeneration: 3, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }] },
      },
    ]);
    const one = (f: string): string[] => series(t, f).map((l) => l.slice(l.indexOf('}') + 2));
    expect([one('kube_deployment_spec_replicas'), one('kube_deployment_status_replicas'), one('kube_deployment_status_replicas_ready'), one('kube_deployment_status_replicas_available'), one('kube_deployment_status_replicas_unavailable'), one('kube_deployment_status_replicas_updated')]).toEqual([['3'], ['3'], ['2'], ['2'], ['1'], ['3']]);
    expect([one('kube_deployment_metadata_generation'), one('kube_deployment_status_observed_generation'), one('kube_deployment_spec_paused')]).toEqual([['4'], ['3'], ['0']]);
    expect(values(t, 'kube_deployment_status_condition', 2)).toEqual({
      'reason="MinimumReplicasUnavailable",condition="Available",status="true"': '0',
      'reason="MinimumReplicasUnavailable",condition="Available",status="false"': '1',
      'reason="MinimumReplicasUnavailable",condition="Available",status="unknown"': '0',
      'reason="unknown",condition="ReplicaFailure",status="true"': '1',
      'reason="unknown",condition="ReplicaFailure",status="false"': '0',
      'reason="unknown",condition="ReplicaFailure",status="unknown"': '0',
    });
    expect(series(t, 'kube_deployment_spec_replicas')[0]).toBe('kube_deployment_spec_replicas{namespace="a",deployment="web"} 3');
  });

  it('statefulsets: kube_statefulset_replicas only when spec.replicas is set, revisions always', () => {
    const t = render('statefulsets', [{ metadata: { name: 'db', namespace: 'a' }, spec: { replicas: 2 }, status: { replicas: 2, currentReplicas: 1, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-2' } }, { metadata: { name: 'x', namespace: 'a' } }]);
    expect(series(t, 'kube_statefulset_replicas')).toEqual(['kube_statefulset_replicas{namespace="a",statefulset="db"} 2']);
    expect(series(t, 'kube_statefulset_status_update_revision')).toEqual(['kube_statefulset_status_update_revision{namespace="a",statefulset="db",revision="db-2"} 1', 'kube_statefulset_status_update_revision{namespace="a",statefulset="x",revision=""} 1']);
    expect(series(t, 'kube_statefulset_status_replicas_current')).toEqual(['kube_statefulset_status_replicas_current{namespace="a",statefulset="db"} 1', 'kube_statefulset_status_replicas_current{namespace="a",statefulset="x"} 0']);
  });

  it('daemonsets: the scheduling counts', () => {
    const t = render('daemonsets', [{ metadata: { name: 'agent', namespace: 'kube-system' }, status: { desiredNumberScheduled: 5, currentNumberScheduled: 4, numberReady: 3, numberAvailable: 3, numberUnavailable: 2, numberMisscheduled: 1, updatedNumberScheduled: 4 } }]);
    const v = (f: string): string => series(t, f)[0]!.split(' ')[1]!;
    expect(['desired_number_scheduled', 'current_number_scheduled', 'number_ready', 'number_available', 'number_unavailable', 'number_misscheduled', 'updated_number_scheduled', 'observed_generation'].map((f) => v(`kube_daemonset_status_${f}`))).toEqual(['5', '4', '3', '3', '2', '1', '4', '0']);
  });

  it('replicasets: the owner (the Deployment), or empty labels for an orphan', () => {
    const t = render('replicasets', [{ metadata: { name: 'web-1', namespace: 'a', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true, uid: 'x' }] } }, { metadata: { name: 'orphan', namespace: 'a' } }]);
    expect(series(t, 'kube_replicaset_owner')).toEqual(['kube_replicaset_owner{namespace="a",replicaset="web-1",owner_kind="Deployment",owner_name="web",owner_is_controller="true"} 1', 'kube_replicaset_owner{namespace="a",replicaset="orphan",owner_kind="",owner_name="",owner_is_controller=""} 1']);
  });

  it('jobs: counts, times, Complete/Failed conditions and failures by reason', () => {
    const t = render('jobs', [
      { metadata: { name: 'ok', namespace: 'a' }, status: { succeeded: 1, startTime: '2026-11-30T10:00:00Z', completionTime: '2026-11-30T10:01:00Z', conditions: [{ type: 'Complete', status: 'True' }] } },
      { metadata: { name: 'backoff', namespace: 'a' }, status: { failed: 2, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } },
      { metadata: { name: 'other', namespace: 'a' }, status: { failed: 3, active: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'PodFailurePolicy' }] } },
      { metadata: { name: 'running', namespace: 'a' }, status: { failed: 1, active: 2 } },
    ]);
    expect(series(t, 'kube_job_status_failed')).toEqual([
      'kube_job_status_failed{namespace="a",job_name="ok"} 0',
      'kube_job_status_failed{namespace="a",job_name="backoff",reason="BackoffLimitExceeded"} 1',
      'kube_job_status_failed{namespace="a",job_name="backoff",reason="DeadlineExceeded"} 0',
      'kube_job_status_failed{namespace="a",job_name="backoff",reason="Evicted"} 0',
      'kube_job_status_failed{namespace="a",job_name="other",reason="BackoffLimitExceeded"} 0',
      'kube_job_status_failed{namespace="a",job_name="other",reason="DeadlineExceeded"} 0',
      'kube_job_status_failed{namespace="a",job_name="other",reason="Evicted"} 0',
      'kube_job_status_failed{namespace="a",job_name="other",reason=""} 3',
      'kube_job_status_failed{namespace="a",job_name="running",reason=""} 1',
    ]);
    expect(series(t, 'kube_job_complete')).toEqual(['true 1', 'false 0', 'unknown 0'].map((x) => `kube_job_complete{namespace="a",job_name="ok",condition="${x.split(' ')[0]}"} ${x.split(' ')[1]}`));
    expect(series(t, 'kube_job_failed').filter((l) => l.endsWith(' 1'))).toEqual(['kube_job_failed{namespace="a",job_name="backoff",condition="true"} 1', 'kube_job_failed{namespace="a",job_name="other",condition="true"} 1']);
    expect(series(t, 'kube_job_status_start_time')).toEqual(['kube_job_status_start_time{namespace="a",job_name="ok"} 1.7960328e+09']);
    expect(series(t, 'kube_job_status_completion_time')).toEqual(['kube_job_status_completion_time{namespace="a",job_name="ok"} 1.79603286e+09']);
    expect(series(t, 'kube_job_status_active').map((l) => l.split(' ')[1])).toEqual(['0', '0', '1', '2']);
  });
});

describe('namespace, PVC and service families', () => {
  it('namespaces: Active and Terminating', () => {
    const t = render('namespaces', [{ metadata: { name: 'a' }, status: { phase: 'Active' } }, { metadata: { name: 'b' }, status: { phase: 'Terminating' } }]);
    expect(series(t, 'kube_namespace_status_phase')).toEqual(['kube_namespace_status_phase{namespace="a",phase="Active"} 1', 'kube_namespace_status_phase{namespace="a",phase="Terminating"} 0', 'kube_namespace_status_phase{namespace="b",phase="Active"} 0', 'kube_namespace_status_phase{namespace="b",phase="Terminating"} 1']);
  });

  it('PVCs: storage class (the beta annotation first), volume, mode, phase, access modes and requested bytes', () => {
    const t = render('persistentvolumeclaims', [
      { metadata: { name: 'data', namespace: 'a', annotations: { other: 'x' } }, spec: { storageClassName: 'fast', volumeName: 'pv-1', volumeMode: 'Filesystem', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } }, status: { phase: 'Bound' } },
      { metadata: { name: 'old', namespace: 'a', annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } }, spec: { storageClassName: 'fast', resources: { requests: { storage: '1.5G' } } }, status: { phase: 'Pending' } },
      { metadata: { name: 'none', namespace: 'a' }, spec: {} },
    ]);
    expect(series(t, 'kube_persistentvolumeclaim_info')).toEqual([
      'kube_persistentvolumeclaim_info{namespace="a",persistentvolumeclaim="data",storageclass="fast",volumename="pv-1",volumemode="Filesystem"} 1',
      'kube_persistentvolumeclaim_info{namespace="a",persistentvolumeclaim="old",storageclass="legacy",volumename="",volumemode=""} 1',
      'kube_persistentvolumeclaim_info{namespace="a",persistentvolumeclaim="none",storageclass="",volumename="",volumemode=""} 1',
    ]);
    expect(series(t, 'kube_persistentvolumeclaim_resource_requests_storage_bytes')).toEqual(['kube_persistentvolumeclaim_resource_requests_storage_bytes{namespace="a",persistentvolumeclaim="data"} 1.073741824e+10', 'kube_persistentvolumeclaim_resource_requests_storage_bytes{namespace="a",persistentvolumeclaim="old"} 1.5e+09']);
    expect(series(t, 'kube_persistentvolumeclaim_status_phase').filter((l) => l.endsWith(' 1'))).toEqual(['kube_persistentvolumeclaim_status_phase{namespace="a",persistentvolumeclaim="data",phase="Bound"} 1', 'kube_persistentvolumeclaim_status_phase{namespace="a",persistentvolumeclaim="old",phase="Pending"} 1']);
    expect(series(t, 'kube_persistentvolumeclaim_access_mode')).toEqual(['kube_persistentvolumeclaim_access_mode{namespace="a",persistentvolumeclaim="data",access_mode="ReadWriteOnce"} 1']);
  });

  it('services: cluster IP, external name, load balancer IP, traffic policy and type', () => {
    const t = render('services', [
      { metadata: { name: 'web', namespace: 'a', uid: 'u1' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10' } },
      { metadata: { name: 'ext', namespace: 'a', uid: 'u2' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
      { metadata: { name: 'lb', namespace: 'a', uid: 'u3' }, spec: { type: 'LoadBalancer', clusterIP: '10.96.0.11', loadBalancerIP: '203.0.113.1', externalTrafficPolicy: 'Local' } },
    ]);
    expect(series(t, 'kube_service_info')).toEqual([
      'kube_service_info{namespace="a",service="web",uid="u1",cluster_ip="10.96.0.10",external_name="",load_balancer_ip="",external_traffic_policy=""} 1',
      'kube_service_info{namespace="a",service="ext",uid="u2",cluster_ip="",external_name="db.example.com",load_balancer_ip="",external_traffic_policy=""} 1',
      'kube_service_info{namespace="a",service="lb",uid="u3",cluster_ip="10.96.0.11",external_name="",load_balancer_ip="203.0.113.1",external_traffic_policy="Local"} 1',
    ]);
    expect(series(t, 'kube_service_spec_type').map((l) => l.slice(l.indexOf('type='), l.indexOf('}')))).toEqual(['type="ClusterIP"', 'type="ExternalName"', 'type="LoadBalancer"']);
  });
});

describe('the exposition as a whole', () => {
  it('resources in KSM order, headers only for a first collection with objects, the other collections headerless', () => {
    const ns = (name: string): object => trimNamespace({ metadata: { name }, status: { phase: 'Active' } });
    const dep = (name: string, namespace: string): object => trimDeployment({ metadata: { name, namespace }, spec: { replicas: 1 } });
    const t = renderObjects({ namespaces: [[ns('a')]], deployments: [[], [dep('web', 'b')]] }).toString('utf8');
    // Deployments sort before namespaces; their first collection is empty, so no HELP/TYPE for them.
    expect(t.indexOf('kube_deployment_created')).toBe(-1);
    expect(t.startsWith('kube_deployment_status_replicas{namespace="b",deployment="web"} 0\n')).toBe(true);
    expect(t).not.toContain('# HELP kube_deployment');
    expect(t).toContain('# HELP kube_namespace_created [STABLE] Unix creation timestamp\n# TYPE kube_namespace_created gauge\n# HELP kube_namespace_status_phase');
    expect(renderObjects({ namespaces: [[]] }).length).toBe(0);
  });
});
