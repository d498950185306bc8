import { describe, expect, it } from 'vitest';
import { objectIndexFrom, podTargetGroup, roleTargetGroup, type Pod } from '../../../src/main/discovery/kubernetes/roles';
import { POD_TARGET, clone, group, makeInitContainerPods, makeMultiPortPods, makeNamespace, makeNode, makeOwned, makeOwnedPod, makePods, opts, podGroupLabels } from './fixtures';

const noIndex = objectIndexFrom();

function expectedPodGroup(ns: string, extraLabels: Record<string, string> = {}): ReturnType<typeof group> {
  return group(`pod/${ns}/testpod`, { ...podGroupLabels(ns), ...extraLabels }, [POD_TARGET]);
}

// Ported from Prometheus v0.314.0 discovery/kubernetes/pod_test.go.
describe('pod role (pod_test.go)', () => {
  it('TestPodDiscoveryBeforeRun (multi-port pod)', () => {
    expect(podTargetGroup(makeMultiPortPods(), opts(), noIndex)).toEqual(
      group(
        'pod/default/testpod',
        {
          __meta_kubernetes_pod_name: 'testpod',
          __meta_kubernetes_namespace: 'default',
          __meta_kubernetes_pod_label_test_label: 'testvalue',
          __meta_kubernetes_pod_labelpresent_test_label: 'true',
          __meta_kubernetes_pod_annotation_test_annotation: 'testannotationvalue',
          __meta_kubernetes_pod_annotationpresent_test_annotation: 'true',
          __meta_kubernetes_pod_node_name: 'testnode',
          __meta_kubernetes_pod_ip: '1.2.3.4',
          __meta_kubernetes_pod_host_ip: '2.3.4.5',
          __meta_kubernetes_pod_ready: 'true',
          __meta_kubernetes_pod_phase: 'Running',
          __meta_kubernetes_pod_uid: 'abc123',
          __meta_kubernetes_pod_controller_kind: 'testcontrollerkind',
          __meta_kubernetes_pod_controller_name: 'testcontrollername',
        },
        [
          {
            __address__: '1.2.3.4:9000',
            __meta_kubernetes_pod_container_name: 'testcontainer0',
            __meta_kubernetes_pod_container_image: 'testcontainer0:latest',
            __meta_kubernetes_pod_container_port_name: 'testport0',
            __meta_kubernetes_pod_container_port_number: '9000',
            __meta_kubernetes_pod_container_port_protocol: 'TCP',
            __meta_kubernetes_pod_container_init: 'false',
            __meta_kubernetes_pod_container_id: 'docker://a1b2c3d4e5f6',
          },
          {
            __address__: '1.2.3.4:9001',
            __meta_kubernetes_pod_container_name: 'testcontainer0',
            __meta_kubernetes_pod_container_image: 'testcontainer0:latest',
            __meta_kubernetes_pod_container_port_name: 'testport1',
            __meta_kubernetes_pod_container_port_number: '9001',
            __meta_kubernetes_pod_container_port_protocol: 'UDP',
            __meta_kubernetes_pod_container_init: 'false',
            __meta_kubernetes_pod_container_id: 'docker://a1b2c3d4e5f6',
          },
          {
            __address__: '1.2.3.4',
            __meta_kubernetes_pod_container_name: 'testcontainer1',
            __meta_kubernetes_pod_container_image: 'testcontainer1:latest',
            __meta_kubernetes_pod_container_init: 'false',
            __meta_kubernetes_pod_container_id: 'containerd://6f5e4d3c2b1a',
          },
        ],
      ),
    );
  });

  it('TestPodDiscoveryInitContainer', () => {
    const expected = group('pod/default/testpod', { ...podGroupLabels('default'), __meta_kubernetes_pod_phase: 'Pending', __meta_kubernetes_pod_ready: 'false' }, [
      POD_TARGET,
      {
        __address__: '1.2.3.4',
        __meta_kubernetes_pod_container_name: 'initcontainer',
        __meta_kubernetes_pod_container_image: 'initcontainer:latest',
        __meta_kubernetes_pod_container_init: 'true',
        __meta_kubernetes_pod_container_id: 'containerd://6f5e4d3c2b1a',
      },
    ]);
    expect(podTargetGroup(makeInitContainerPods(), opts(), noIndex)).toEqual(expected);
  });

  it('TestPodDiscoveryAdd / TestPodDiscoveryUpdate', () => {
    expect(podTargetGroup(makePods('default'), opts(), noIndex)).toEqual(expectedPodGroup('default'));
  });

  it('TestPodDiscoveryUpdate: the state before the update (no phase, no conditions, uid xyz321)', () => {
    const pod = makePods('default');
    pod.metadata!.uid = 'xyz321';
    delete pod.status!.phase;
    delete pod.status!.conditions;
    delete pod.status!.containerStatuses;
    const { __meta_kubernetes_pod_container_id: _id, ...target } = POD_TARGET;
    expect(podTargetGroup(pod, opts(), noIndex)).toEqual(
      group('pod/default/testpod', { ...podGroupLabels('default'), __meta_kubernetes_pod_uid: 'xyz321', __meta_kubernetes_pod_phase: '', __meta_kubernetes_pod_ready: 'unknown' }, [target]),
    );
  });

  it('TestPodDiscoveryDelete', () => {
    expect(roleTargetGroup('pod', 'default/testpod', undefined, opts(), noIndex)).toEqual(group('pod/default/testpod', {}));
  });

  it('TestPodDiscoveryUpdateEmptyPodIP', () => {
    const pod = makePods('default');
    pod.status!.podIP = '';
    expect(podTargetGroup(pod, opts(), noIndex)).toEqual(group('pod/default/testpod', {}));
  });

  it('TestPodDiscoveryNamespaces / OwnNamespace: the namespace is the pod’s', () => {
    for (const ns of ['ns1', 'ns2', 'own-ns']) expect(podTargetGroup(makePods(ns), opts(), noIndex)).toEqual(expectedPodGroup(ns));
  });

  it('TestPodDiscoveryWithNodeMetadata / WithNodeMetadataUpdateNode', () => {
    for (const lbls of [{ l1: 'v1' }, { l2: 'v2' }] as Record<string, string>[]) {
      const index = objectIndexFrom({ nodes: [makeNode('testnode', '', '', lbls)] });
      const extra: Record<string, string> = { __meta_kubernetes_node_name: 'testnode' };
      for (const [k, v] of Object.entries(lbls)) {
        extra[`__meta_kubernetes_node_label_${k}`] = v;
        extra[`__meta_kubernetes_node_labelpresent_${k}`] = 'true';
      }
      expect(podTargetGroup(makePods('default'), opts({ node: true }), index)).toEqual(expectedPodGroup('default', extra));
    }
  });

  it('TestPodDiscoveryWithNamespaceMetadata', () => {
    const index = objectIndexFrom({ namespaces: [makeNamespace('test-ns', { app: 'web', tier: 'frontend' }, { maintainer: 'devops', build: 'v3.4.5' })] });
    expect(podTargetGroup(makePods('test-ns'), opts({ namespace: true }), index)).toEqual(
      expectedPodGroup('test-ns', {
        __meta_kubernetes_namespace_annotation_maintainer: 'devops',
        __meta_kubernetes_namespace_annotationpresent_maintainer: 'true',
        __meta_kubernetes_namespace_annotation_build: 'v3.4.5',
        __meta_kubernetes_namespace_annotationpresent_build: 'true',
        __meta_kubernetes_namespace_label_app: 'web',
        __meta_kubernetes_namespace_labelpresent_app: 'true',
        __meta_kubernetes_namespace_label_tier: 'frontend',
        __meta_kubernetes_namespace_labelpresent_tier: 'true',
      }),
    );
  });

  it('TestPodDiscoveryWithUpdatedNamespaceMetadata', () => {
    const index = objectIndexFrom({
      namespaces: [makeNamespace('test-ns', { app: 'service', tier: 'backend', zone: 'us-east' }, { maintainer: 'sre', build: 'v4.5.6', deployment: 'canary' })],
    });
    expect(podTargetGroup(makePods('test-ns'), opts({ namespace: true }), index)).toEqual(
      expectedPodGroup('test-ns', {
        __meta_kubernetes_namespace_annotation_maintainer: 'sre',
        __meta_kubernetes_namespace_annotationpresent_maintainer: 'true',
        __meta_kubernetes_namespace_annotation_build: 'v4.5.6',
        __meta_kubernetes_namespace_annotationpresent_build: 'true',
        __meta_kubernetes_namespace_annotation_deployment: 'canary',
        __meta_kubernetes_namespace_annotationpresent_deployment: 'true',
        __meta_kubernetes_namespace_label_app: 'service',
        __meta_kubernetes_namespace_labelpresent_app: 'true',
        __meta_kubernetes_namespace_label_tier: 'backend',
        __meta_kubernetes_namespace_labelpresent_tier: 'true',
        __meta_kubernetes_namespace_label_zone: 'us-east',
        __meta_kubernetes_namespace_labelpresent_zone: 'true',
      }),
    );
  });

  it('TestPodDiscoveryWithNodeSelector: pods on nodes outside the node store yield empty groups', () => {
    // The node selector `node-type=worker` leaves only worker-node in the node store.
    const index = objectIndexFrom({ nodes: [makeNode('worker-node', '10.0.0.1', '', { 'node-type': 'worker' })] });
    const onWorker = makePods('default');
    onWorker.metadata!.name = 'pod-on-worker';
    onWorker.metadata!.uid = 'worker-pod-123';
    onWorker.spec!.nodeName = 'worker-node';
    onWorker.status!.podIP = '192.168.1.1';
    const onFiltered = clone(onWorker);
    onFiltered.metadata!.name = 'pod-on-filtered-node';
    onFiltered.metadata!.uid = 'filtered-pod-456';
    onFiltered.spec!.nodeName = 'filtered-node';
    onFiltered.status!.podIP = '192.168.1.2';
    expect(podTargetGroup(onWorker, opts({ node: true }), index)).toEqual(
      group(
        'pod/default/pod-on-worker',
        {
          __meta_kubernetes_namespace: 'default',
          __meta_kubernetes_pod_name: 'pod-on-worker',
          __meta_kubernetes_pod_ip: '192.168.1.1',
          __meta_kubernetes_pod_ready: 'true',
          __meta_kubernetes_pod_phase: 'Running',
          __meta_kubernetes_pod_node_name: 'worker-node',
          __meta_kubernetes_pod_host_ip: '2.3.4.5',
          __meta_kubernetes_pod_uid: 'worker-pod-123',
          __meta_kubernetes_node_name: 'worker-node',
          __meta_kubernetes_node_label_node_type: 'worker',
          __meta_kubernetes_node_labelpresent_node_type: 'true',
        },
        [{ ...POD_TARGET, __address__: '192.168.1.1:9000' }],
      ),
    );
    expect(podTargetGroup(onFiltered, opts({ node: true }), index)).toEqual(group('pod/default/pod-on-filtered-node', {}));
  });

  const rsPod = makeOwnedPod('default', 'ReplicaSet', 'testdeployment-rs-abc');
  const rsIndex = objectIndexFrom({ replicaSets: [makeOwned('testdeployment-rs-abc', 'default', 'Deployment', 'testdeployment')] });
  const ownedLabels = (kind: string, name: string, extra: Record<string, string>): Record<string, string> => ({
    ...podGroupLabels('default'),
    __meta_kubernetes_pod_uid: 'pod123',
    __meta_kubernetes_pod_controller_kind: kind,
    __meta_kubernetes_pod_controller_name: name,
    ...extra,
  });

  it('TestPodDiscoveryWithDeployment / WithDeploymentUpdate', () => {
    expect(podTargetGroup(rsPod, opts({ deployment: true }), rsIndex)).toEqual(
      group('pod/default/testpod', ownedLabels('ReplicaSet', 'testdeployment-rs-abc', { __meta_kubernetes_pod_deployment_name: 'testdeployment' }), [POD_TARGET]),
    );
    // Without attach_metadata.deployment, or with an unknown ReplicaSet, no deployment name.
    expect(podTargetGroup(rsPod, opts(), rsIndex)).toEqual(group('pod/default/testpod', ownedLabels('ReplicaSet', 'testdeployment-rs-abc', {}), [POD_TARGET]));
    expect(podTargetGroup(rsPod, opts({ deployment: true }), noIndex)).toEqual(group('pod/default/testpod', ownedLabels('ReplicaSet', 'testdeployment-rs-abc', {}), [POD_TARGET]));
  });

  it('TestPodDiscoveryWithJob / WithJobUpdate', () => {
    const pod = makeOwnedPod('default', 'Job', 'testjob');
    const index = objectIndexFrom({ jobs: [makeOwned('testjob', 'default')] });
    expect(podTargetGroup(pod, opts({ job: true }), index)).toEqual(
      group('pod/default/testpod', ownedLabels('Job', 'testjob', { __meta_kubernetes_pod_job_name: 'testjob' }), [POD_TARGET]),
    );
  });

  it('TestPodDiscoveryWithCronJob: attach_metadata.job alone gives the job name, not the cronjob', () => {
    const pod = makeOwnedPod('default', 'Job', 'testcronjob-job-abc');
    const index = objectIndexFrom({ jobs: [makeOwned('testcronjob-job-abc', 'default', 'CronJob', 'testcronjob')] });
    expect(podTargetGroup(pod, opts({ job: true }), index)).toEqual(
      group('pod/default/testpod', ownedLabels('Job', 'testcronjob-job-abc', { __meta_kubernetes_pod_job_name: 'testcronjob-job-abc' }), [POD_TARGET]),
    );
  });

  it('TestPodDiscoveryWithCronJobUpdate: attach_metadata.cronjob gives the cronjob name', () => {
    const pod = makeOwnedPod('default', 'Job', 'testcronjob-job-abc');
    const index = objectIndexFrom({ jobs: [makeOwned('testcronjob-job-abc', 'default', 'CronJob', 'testcronjob')] });
    expect(podTargetGroup(pod, opts({ cronjob: true }), index)).toEqual(
      group('pod/default/testpod', ownedLabels('Job', 'testcronjob-job-abc', { __meta_kubernetes_pod_cronjob_name: 'testcronjob' }), [POD_TARGET]),
    );
    expect(podTargetGroup(pod, opts({ job: true, cronjob: true }), index)).toEqual(
      group(
        'pod/default/testpod',
        ownedLabels('Job', 'testcronjob-job-abc', { __meta_kubernetes_pod_job_name: 'testcronjob-job-abc', __meta_kubernetes_pod_cronjob_name: 'testcronjob' }),
        [POD_TARGET],
      ),
    );
  });
});

describe('pod role (pod.go behaviour)', () => {
  it('only an owner reference with controller: true is the controller', () => {
    const pod = makePods('default');
    pod.metadata!.ownerReferences = [{ kind: 'Node', name: 'n' }, { kind: 'StatefulSet', name: 'web', controller: true }];
    const tg = podTargetGroup(pod, opts(), noIndex);
    expect(tg.labels.filter((l) => l.name.startsWith('__meta_kubernetes_pod_controller_'))).toEqual([
      { name: '__meta_kubernetes_pod_controller_kind', value: 'StatefulSet' },
      { name: '__meta_kubernetes_pod_controller_name', value: 'web' },
    ]);
  });

  it('an IPv6 pod IP is bracketed in __address__ (net.JoinHostPort)', () => {
    const pod = makePods('default');
    pod.status!.podIP = 'fd00::5';
    expect(podTargetGroup(pod, opts(), noIndex).targets[0]![0]).toEqual({ name: '__address__', value: '[fd00::5]:9000' });
  });

  it('init container ports are targets too, with their init container IDs', () => {
    const pod: Pod = makePods('default');
    pod.spec!.initContainers = [{ name: 'sidecar', image: 'envoy', ports: [{ name: 'admin', containerPort: 15000, protocol: 'TCP' }] }];
    pod.status!.initContainerStatuses = [{ name: 'sidecar', containerID: 'containerd://side' }];
    const tg = podTargetGroup(pod, opts(), noIndex);
    expect(tg.targets[1]).toEqual(
      group('', {}, [
        {
          __address__: '1.2.3.4:15000',
          __meta_kubernetes_pod_container_name: 'sidecar',
          __meta_kubernetes_pod_container_image: 'envoy',
          __meta_kubernetes_pod_container_port_name: 'admin',
          __meta_kubernetes_pod_container_port_number: '15000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'true',
          __meta_kubernetes_pod_container_id: 'containerd://side',
        },
      ]).targets[0],
    );
  });

  it('with attach_metadata.node, the node filter applies even without a node name', () => {
    const pod = makePods('default');
    delete pod.spec!.nodeName;
    expect(podTargetGroup(pod, opts({ node: true }), objectIndexFrom({ nodes: [makeNode('testnode', '', '')] }))).toEqual(group('pod/default/testpod', {}));
  });
});
