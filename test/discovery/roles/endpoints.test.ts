import { describe, expect, it } from 'vitest';
import { endpointsTargetGroup, objectIndexFrom, roleTargetGroup, type Endpoints, type Pod, type Service } from '../../../src/main/discovery/kubernetes/roles';
import { group, makeEndpoints, makeNamespace, makeNode, opts } from './fixtures';

const noIndex = objectIndexFrom();

/** The targets of makeEndpoints, as endpoints_test.go expects them (without node metadata). */
const MAKE_ENDPOINTS_TARGETS: Record<string, string>[] = [
  {
    __address__: '1.2.3.4:9000',
    __meta_kubernetes_endpoint_hostname: 'testendpoint1',
    __meta_kubernetes_endpoint_node_name: 'foobar',
    __meta_kubernetes_endpoint_port_name: 'testport',
    __meta_kubernetes_endpoint_port_protocol: 'TCP',
    __meta_kubernetes_endpoint_ready: 'true',
  },
  { __address__: '2.3.4.5:9001', __meta_kubernetes_endpoint_port_name: 'testport', __meta_kubernetes_endpoint_port_protocol: 'TCP', __meta_kubernetes_endpoint_ready: 'true' },
  { __address__: '2.3.4.5:9001', __meta_kubernetes_endpoint_port_name: 'testport', __meta_kubernetes_endpoint_port_protocol: 'TCP', __meta_kubernetes_endpoint_ready: 'false' },
  {
    __address__: '6.7.8.9:9002',
    __meta_kubernetes_endpoint_address_target_kind: 'Node',
    __meta_kubernetes_endpoint_address_target_name: 'barbaz',
    __meta_kubernetes_endpoint_port_name: 'testport',
    __meta_kubernetes_endpoint_port_protocol: 'TCP',
    __meta_kubernetes_endpoint_ready: 'true',
  },
];

function endpointsLabels(ns: string): Record<string, string> {
  return {
    __meta_kubernetes_namespace: ns,
    __meta_kubernetes_endpoints_name: 'testendpoints',
    __meta_kubernetes_endpoints_annotation_test_annotation: 'test',
    __meta_kubernetes_endpoints_annotationpresent_test_annotation: 'true',
  };
}

const SVC_APP_NAME_TEST: Service = { metadata: { name: 'testendpoints', namespace: 'default', labels: { 'app/name': 'test' } } };
const SVC_LABELS = { __meta_kubernetes_service_label_app_name: 'test', __meta_kubernetes_service_labelpresent_app_name: 'true', __meta_kubernetes_service_name: 'testendpoints' };

function podWith(ns: string, podIP: string, containers: NonNullable<Pod['spec']>['containers'], initContainers?: NonNullable<Pod['spec']>['initContainers']): Pod {
  return {
    metadata: { name: 'testpod', namespace: ns, uid: 'deadbeef' },
    spec: { nodeName: 'testnode', containers, ...(initContainers ? { initContainers } : {}) },
    status: { hostIP: '2.3.4.5', podIP },
  };
}

function podTargetLabels(podIP: string): Record<string, string> {
  return {
    __meta_kubernetes_pod_name: 'testpod',
    __meta_kubernetes_pod_ip: podIP,
    __meta_kubernetes_pod_ready: 'unknown',
    __meta_kubernetes_pod_phase: '',
    __meta_kubernetes_pod_node_name: 'testnode',
    __meta_kubernetes_pod_host_ip: '2.3.4.5',
    __meta_kubernetes_pod_uid: 'deadbeef',
  };
}

function podBackedEndpoints(ns: string, name: string, ip: string, ports: NonNullable<Endpoints['subsets']>[number]['ports']): Endpoints {
  return { metadata: { name, namespace: ns }, subsets: [{ addresses: [{ ip, targetRef: { kind: 'Pod', name: 'testpod', namespace: ns } }], ports }] };
}

// Ported from Prometheus v0.314.0 discovery/kubernetes/endpoints_test.go.
describe('endpoints role (endpoints_test.go)', () => {
  it('TestEndpointsDiscoveryBeforeRun', () => {
    expect(endpointsTargetGroup(makeEndpoints('default'), opts(), noIndex)).toEqual(group('endpoints/default/testendpoints', endpointsLabels('default'), MAKE_ENDPOINTS_TARGETS));
  });

  it('TestEndpointsDiscoveryAdd: a pod-backed address and the pod’s other container port', () => {
    const pod = podWith('default', '1.2.3.4', [
      { name: 'c1', image: 'c1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] },
      { name: 'c2', image: 'c2:latest', ports: [{ name: 'sideport', containerPort: 9001, protocol: 'TCP' }] },
    ]);
    const eps = podBackedEndpoints('default', 'testendpoints', '4.3.2.1', [{ name: 'testport', port: 9000, protocol: 'TCP' }]);
    expect(endpointsTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }))).toEqual(
      group('endpoints/default/testendpoints', { __meta_kubernetes_endpoints_name: 'testendpoints', __meta_kubernetes_namespace: 'default' }, [
        {
          __address__: '4.3.2.1:9000',
          __meta_kubernetes_endpoint_port_name: 'testport',
          __meta_kubernetes_endpoint_port_protocol: 'TCP',
          __meta_kubernetes_endpoint_ready: 'true',
          __meta_kubernetes_endpoint_address_target_kind: 'Pod',
          __meta_kubernetes_endpoint_address_target_name: 'testpod',
          ...podTargetLabels('1.2.3.4'),
          __meta_kubernetes_pod_container_name: 'c1',
          __meta_kubernetes_pod_container_image: 'c1:latest',
          __meta_kubernetes_pod_container_port_name: 'mainport',
          __meta_kubernetes_pod_container_port_number: '9000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
        },
        {
          __address__: '1.2.3.4:9001',
          ...podTargetLabels('1.2.3.4'),
          __meta_kubernetes_pod_container_name: 'c2',
          __meta_kubernetes_pod_container_image: 'c2:latest',
          __meta_kubernetes_pod_container_port_name: 'sideport',
          __meta_kubernetes_pod_container_port_number: '9001',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
        },
      ]),
    );
  });

  it('TestEndpointsDiscoveryDelete', () => {
    expect(roleTargetGroup('endpoints', 'default/testendpoints', undefined, opts(), noIndex)).toEqual(group('endpoints/default/testendpoints', {}));
  });

  it('TestEndpointsDiscoveryUpdate', () => {
    const eps: Endpoints = {
      metadata: { name: 'testendpoints', namespace: 'default' },
      subsets: [
        { addresses: [{ ip: '1.2.3.4' }], ports: [{ name: 'testport', port: 9000, protocol: 'TCP' }] },
        { addresses: [{ ip: '2.3.4.5' }], ports: [{ name: 'testport', port: 9001, protocol: 'TCP' }] },
      ],
    };
    expect(endpointsTargetGroup(eps, opts(), noIndex)).toEqual(
      group('endpoints/default/testendpoints', { __meta_kubernetes_namespace: 'default', __meta_kubernetes_endpoints_name: 'testendpoints' }, [
        { __address__: '1.2.3.4:9000', __meta_kubernetes_endpoint_port_name: 'testport', __meta_kubernetes_endpoint_port_protocol: 'TCP', __meta_kubernetes_endpoint_ready: 'true' },
        { __address__: '2.3.4.5:9001', __meta_kubernetes_endpoint_port_name: 'testport', __meta_kubernetes_endpoint_port_protocol: 'TCP', __meta_kubernetes_endpoint_ready: 'true' },
      ]),
    );
  });

  it('TestEndpointsDiscoveryEmptySubsets', () => {
    expect(endpointsTargetGroup({ metadata: { name: 'testendpoints', namespace: 'default' }, subsets: [] }, opts(), noIndex)).toEqual(
      group('endpoints/default/testendpoints', { __meta_kubernetes_namespace: 'default', __meta_kubernetes_endpoints_name: 'testendpoints' }),
    );
  });

  it('TestEndpointsDiscoveryWithService / WithServiceUpdate', () => {
    expect(endpointsTargetGroup(makeEndpoints('default'), opts(), objectIndexFrom({ services: [SVC_APP_NAME_TEST] }))).toEqual(
      group('endpoints/default/testendpoints', { ...endpointsLabels('default'), ...SVC_LABELS }, MAKE_ENDPOINTS_TARGETS),
    );
    const updated: Service = { metadata: { name: 'testendpoints', namespace: 'default', labels: { 'app/name': 'svc', component: 'testing' } } };
    expect(endpointsTargetGroup(makeEndpoints('default'), opts(), objectIndexFrom({ services: [updated] }))).toEqual(
      group(
        'endpoints/default/testendpoints',
        {
          ...endpointsLabels('default'),
          __meta_kubernetes_service_label_app_name: 'svc',
          __meta_kubernetes_service_labelpresent_app_name: 'true',
          __meta_kubernetes_service_name: 'testendpoints',
          __meta_kubernetes_service_label_component: 'testing',
          __meta_kubernetes_service_labelpresent_component: 'true',
        },
        MAKE_ENDPOINTS_TARGETS,
      ),
    );
  });

  it('TestEndpointsDiscoveryWithNodeMetadata: by the address’s nodeName, else a Node target reference', () => {
    const index = objectIndexFrom({ services: [SVC_APP_NAME_TEST], nodes: [makeNode('foobar', '', '', { az: 'us-east1' }), makeNode('barbaz', '', '', { az: 'us-west2' })] });
    const targets = structuredClone(MAKE_ENDPOINTS_TARGETS);
    Object.assign(targets[0]!, { __meta_kubernetes_node_label_az: 'us-east1', __meta_kubernetes_node_labelpresent_az: 'true', __meta_kubernetes_node_name: 'foobar' });
    Object.assign(targets[3]!, { __meta_kubernetes_node_label_az: 'us-west2', __meta_kubernetes_node_labelpresent_az: 'true', __meta_kubernetes_node_name: 'barbaz' });
    expect(endpointsTargetGroup(makeEndpoints('default'), opts({ node: true }), index)).toEqual(
      group('endpoints/default/testendpoints', { ...endpointsLabels('default'), ...SVC_LABELS }, targets),
    );
    // TestEndpointsDiscoveryWithUpdatedNodeMetadata expects the *old* node labels after the node's
    // update: Prometheus's node index misses addresses without a target reference, so the update
    // recomputes nothing (see deps.test.ts). Recomputed from scratch, the new labels show.
    const updated = objectIndexFrom({ services: [SVC_APP_NAME_TEST], nodes: [makeNode('foobar', '', '', { az: 'eu-central1' }), makeNode('barbaz', '', '', { az: 'us-west2' })] });
    expect(endpointsTargetGroup(makeEndpoints('default'), opts({ node: true }), updated).targets[0]!.find((l) => l.name === '__meta_kubernetes_node_label_az')?.value).toBe('eu-central1');
  });

  it('TestEndpointsDiscoveryNamespaces', () => {
    const ep1 = makeEndpoints('ns1');
    const ep2 = podBackedEndpoints('ns2', 'testendpoints', '4.3.2.1', [{ name: 'testport', port: 9000, protocol: 'TCP' }]);
    const svc: Service = { metadata: { name: 'testendpoints', namespace: 'ns1', labels: { app: 'app1' } } };
    const pod = podWith('ns2', '4.3.2.1', [{ name: 'c1', image: 'c1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] }]);
    const index = objectIndexFrom({ services: [svc], pods: [pod] });
    expect(endpointsTargetGroup(ep1, opts(), index)).toEqual(
      group(
        'endpoints/ns1/testendpoints',
        { ...endpointsLabels('ns1'), __meta_kubernetes_service_label_app: 'app1', __meta_kubernetes_service_labelpresent_app: 'true', __meta_kubernetes_service_name: 'testendpoints' },
        MAKE_ENDPOINTS_TARGETS,
      ),
    );
    expect(endpointsTargetGroup(ep2, opts(), index)).toEqual(
      group('endpoints/ns2/testendpoints', { __meta_kubernetes_namespace: 'ns2', __meta_kubernetes_endpoints_name: 'testendpoints' }, [
        {
          __address__: '4.3.2.1:9000',
          __meta_kubernetes_endpoint_port_name: 'testport',
          __meta_kubernetes_endpoint_port_protocol: 'TCP',
          __meta_kubernetes_endpoint_ready: 'true',
          __meta_kubernetes_endpoint_address_target_kind: 'Pod',
          __meta_kubernetes_endpoint_address_target_name: 'testpod',
          ...podTargetLabels('4.3.2.1'),
          __meta_kubernetes_pod_container_name: 'c1',
          __meta_kubernetes_pod_container_image: 'c1:latest',
          __meta_kubernetes_pod_container_port_name: 'mainport',
          __meta_kubernetes_pod_container_port_number: '9000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
        },
      ]),
    );
  });

  it('TestEndpointsDiscoveryOwnNamespace: the pod of another namespace is not joined', () => {
    const ep = makeEndpoints('own-ns');
    expect(endpointsTargetGroup(ep, opts(), noIndex)).toEqual(group('endpoints/own-ns/testendpoints', endpointsLabels('own-ns'), MAKE_ENDPOINTS_TARGETS));
  });

  it('TestEndpointsDiscoveryEmptyPodStatus: a pod without IP gets no extra container-port targets', () => {
    const pod: Pod = { metadata: { name: 'testpod', namespace: 'ns', uid: 'deadbeef' }, spec: { nodeName: 'testnode', containers: [{ name: 'p1', image: 'p1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] }] }, status: {} };
    const eps = podBackedEndpoints('ns', 'testendpoints', '4.3.2.1', [{ name: 'other', port: 9999, protocol: 'TCP' }]);
    const tg = endpointsTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }));
    expect(tg.targets).toHaveLength(1);
    expect(tg.targets[0]!.find((l) => l.name === '__meta_kubernetes_pod_container_name')).toBeUndefined();
  });

  it('TestEndpointsDiscoveryUpdatePod: the pod’s phase and readiness as they are now', () => {
    const pod = podWith('default', '4.3.2.1', [{ name: 'c1', image: 'c1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] }]);
    pod.status!.phase = 'Running';
    pod.status!.conditions = [{ type: 'Ready', status: 'True' }];
    const eps = podBackedEndpoints('default', 'testendpoints', '4.3.2.1', [{ name: 'mainport', port: 9000, protocol: 'TCP' }]);
    expect(endpointsTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }))).toEqual(
      group('endpoints/default/testendpoints', { __meta_kubernetes_namespace: 'default', __meta_kubernetes_endpoints_name: 'testendpoints' }, [
        {
          __address__: '4.3.2.1:9000',
          __meta_kubernetes_endpoint_port_name: 'mainport',
          __meta_kubernetes_endpoint_port_protocol: 'TCP',
          __meta_kubernetes_endpoint_ready: 'true',
          __meta_kubernetes_endpoint_address_target_kind: 'Pod',
          __meta_kubernetes_endpoint_address_target_name: 'testpod',
          ...podTargetLabels('4.3.2.1'),
          __meta_kubernetes_pod_ready: 'true',
          __meta_kubernetes_pod_phase: 'Running',
          __meta_kubernetes_pod_container_name: 'c1',
          __meta_kubernetes_pod_container_image: 'c1:latest',
          __meta_kubernetes_pod_container_port_name: 'mainport',
          __meta_kubernetes_pod_container_port_number: '9000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
        },
      ]),
    );
  });

  it('TestEndpointsDiscoverySidecarContainer: init container ports', () => {
    const pod = podWith(
      'default',
      '4.3.2.1',
      [{ name: 'c1', image: 'c1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] }],
      [
        { name: 'ic1', image: 'ic1:latest', ports: [{ name: 'initport', containerPort: 1111, protocol: 'TCP' }] },
        { name: 'ic2', image: 'ic2:latest', ports: [{ name: 'initport', containerPort: 9111, protocol: 'TCP' }] },
      ],
    );
    const eps = podBackedEndpoints('default', 'testsidecar', '4.3.2.1', [
      { name: 'testport', port: 9000, protocol: 'TCP' },
      { name: 'initport', port: 9111, protocol: 'TCP' },
    ]);
    const ref = { __meta_kubernetes_endpoint_address_target_kind: 'Pod', __meta_kubernetes_endpoint_address_target_name: 'testpod', __meta_kubernetes_endpoint_ready: 'true', __meta_kubernetes_endpoint_port_protocol: 'TCP' };
    expect(endpointsTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }))).toEqual(
      group('endpoints/default/testsidecar', { __meta_kubernetes_endpoints_name: 'testsidecar', __meta_kubernetes_namespace: 'default' }, [
        {
          __address__: '4.3.2.1:9000',
          ...ref,
          __meta_kubernetes_endpoint_port_name: 'testport',
          ...podTargetLabels('4.3.2.1'),
          __meta_kubernetes_pod_container_image: 'c1:latest',
          __meta_kubernetes_pod_container_name: 'c1',
          __meta_kubernetes_pod_container_port_name: 'mainport',
          __meta_kubernetes_pod_container_port_number: '9000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
        },
        {
          __address__: '4.3.2.1:9111',
          ...ref,
          __meta_kubernetes_endpoint_port_name: 'initport',
          ...podTargetLabels('4.3.2.1'),
          __meta_kubernetes_pod_container_image: 'ic2:latest',
          __meta_kubernetes_pod_container_name: 'ic2',
          __meta_kubernetes_pod_container_port_name: 'initport',
          __meta_kubernetes_pod_container_port_number: '9111',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'true',
        },
        {
          __address__: '4.3.2.1:1111',
          ...podTargetLabels('4.3.2.1'),
          __meta_kubernetes_pod_container_image: 'ic1:latest',
          __meta_kubernetes_pod_container_name: 'ic1',
          __meta_kubernetes_pod_container_port_name: 'initport',
          __meta_kubernetes_pod_container_port_number: '1111',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'true',
        },
      ]),
    );
  });

  const nsLabels = (labels: Record<string, string>, annotations: Record<string, string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) Object.assign(out, { [`__meta_kubernetes_namespace_label_${k}`]: v, [`__meta_kubernetes_namespace_labelpresent_${k}`]: 'true' });
    for (const [k, v] of Object.entries(annotations)) Object.assign(out, { [`__meta_kubernetes_namespace_annotation_${k.replace('-', '_')}`]: v, [`__meta_kubernetes_namespace_annotationpresent_${k.replace('-', '_')}`]: 'true' });
    return out;
  };

  it('TestEndpointsDiscoveryWithNamespaceMetadata / WithUpdatedNamespaceMetadata', () => {
    for (const [labels, annotations] of [
      [{ environment: 'production', team: 'backend' }, { owner: 'platform', version: 'v1.2.3' }],
      [{ environment: 'staging', team: 'frontend', region: 'us-west' }, { owner: 'sre', version: 'v2.1.0', 'cost-center': 'engineering' }],
    ] as const) {
      const index = objectIndexFrom({ namespaces: [makeNamespace('test-ns', { ...labels }, { ...annotations })] });
      expect(endpointsTargetGroup(makeEndpoints('test-ns'), opts({ namespace: true }), index)).toEqual(
        group('endpoints/test-ns/testendpoints', { ...endpointsLabels('test-ns'), ...nsLabels(labels, annotations) }, MAKE_ENDPOINTS_TARGETS),
      );
    }
  });
});

describe('endpoints role (endpoints.go behaviour)', () => {
  it('nodeName "" is a set node name: no Node-reference fallback for node metadata', () => {
    const eps: Endpoints = { metadata: { name: 'e', namespace: 'd' }, subsets: [{ addresses: [{ ip: '1.1.1.1', nodeName: '', targetRef: { kind: 'Node', name: 'barbaz' } }], ports: [{ port: 80 }] }] };
    const tg = endpointsTargetGroup(eps, opts({ node: true }), objectIndexFrom({ nodes: [makeNode('barbaz', '', '')] }));
    expect(tg.targets[0]!.some((l) => l.name === '__meta_kubernetes_node_name')).toBe(false);
  });

  it('the matching container port of the last container declaring it wins; its protocol is the endpoint port’s', () => {
    const pod = podWith('d', '10.0.0.1', [
      { name: 'a', image: 'a', ports: [{ name: 'pa', containerPort: 80, protocol: 'TCP' }] },
      { name: 'b', image: 'b', ports: [{ name: 'pb', containerPort: 80, protocol: 'TCP' }] },
    ]);
    const eps = podBackedEndpoints('d', 'e', '10.0.0.1', [{ name: 'http', port: 80, protocol: 'UDP' }]);
    const tg = endpointsTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }));
    expect(tg.targets).toHaveLength(1);
    const t = Object.fromEntries(tg.targets[0]!.map((l) => [l.name, l.value]));
    expect(t['__meta_kubernetes_pod_container_name']).toBe('b');
    expect(t['__meta_kubernetes_pod_container_port_protocol']).toBe('UDP');
  });

  it('attaches deployment and job metadata to pod-backed targets', () => {
    const pod = podWith('d', '10.0.0.1', [{ name: 'a', image: 'a', ports: [{ containerPort: 80 }] }]);
    pod.metadata!.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }];
    const eps = podBackedEndpoints('d', 'e', '10.0.0.1', [{ port: 80 }]);
    const index = objectIndexFrom({ pods: [pod], replicaSets: [{ metadata: { name: 'web-abc', namespace: 'd', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } }] });
    const t = Object.fromEntries(endpointsTargetGroup(eps, opts({ deployment: true }), index).targets[0]!.map((l) => [l.name, l.value]));
    expect(t['__meta_kubernetes_pod_deployment_name']).toBe('web');
    expect(t['__meta_kubernetes_pod_controller_kind']).toBe('ReplicaSet');
  });
});
