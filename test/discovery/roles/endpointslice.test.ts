import { describe, expect, it } from 'vitest';
import { endpointSliceTargetGroup, objectIndexFrom, roleTargetGroup, type EndpointSlice, type Pod, type Service } from '../../../src/main/discovery/kubernetes/roles';
import { clone, group, makeEndpointSliceV1, makeNamespace, makeNode, opts } from './fixtures';

const noIndex = objectIndexFrom();

/** The targets of makeEndpointSliceV1 (target kind and name of the empty targetRef are "" and left out). */
const SLICE_TARGETS: Record<string, string>[] = [
  {
    __address__: '1.2.3.4:9000',
    __meta_kubernetes_endpointslice_address_target_kind: '',
    __meta_kubernetes_endpointslice_address_target_name: '',
    __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
    __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
    __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
    __meta_kubernetes_endpointslice_endpoint_hostname: 'testendpoint1',
    __meta_kubernetes_endpointslice_endpoint_node_name: 'foobar',
    __meta_kubernetes_endpointslice_endpoint_topology_present_topology: 'true',
    __meta_kubernetes_endpointslice_endpoint_topology_topology: 'value',
    __meta_kubernetes_endpointslice_endpoint_zone: 'us-east-1a',
    __meta_kubernetes_endpointslice_port: '9000',
    __meta_kubernetes_endpointslice_port_app_protocol: 'http',
    __meta_kubernetes_endpointslice_port_name: 'testport',
    __meta_kubernetes_endpointslice_port_protocol: 'TCP',
  },
  {
    __address__: '2.3.4.5:9000',
    __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
    __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
    __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
    __meta_kubernetes_endpointslice_endpoint_zone: 'us-east-1b',
    __meta_kubernetes_endpointslice_port: '9000',
    __meta_kubernetes_endpointslice_port_app_protocol: 'http',
    __meta_kubernetes_endpointslice_port_name: 'testport',
    __meta_kubernetes_endpointslice_port_protocol: 'TCP',
  },
  {
    __address__: '3.4.5.6:9000',
    __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'false',
    __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
    __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'true',
    __meta_kubernetes_endpointslice_endpoint_zone: 'us-east-1c',
    __meta_kubernetes_endpointslice_port: '9000',
    __meta_kubernetes_endpointslice_port_app_protocol: 'http',
    __meta_kubernetes_endpointslice_port_name: 'testport',
    __meta_kubernetes_endpointslice_port_protocol: 'TCP',
  },
  {
    __address__: '4.5.6.7:9000',
    __meta_kubernetes_endpointslice_address_target_kind: 'Node',
    __meta_kubernetes_endpointslice_address_target_name: 'barbaz',
    __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
    __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
    __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
    __meta_kubernetes_endpointslice_endpoint_zone: 'us-east-1a',
    __meta_kubernetes_endpointslice_port: '9000',
    __meta_kubernetes_endpointslice_port_app_protocol: 'http',
    __meta_kubernetes_endpointslice_port_name: 'testport',
    __meta_kubernetes_endpointslice_port_protocol: 'TCP',
  },
];

function sliceLabels(ns: string): Record<string, string> {
  return {
    __meta_kubernetes_endpointslice_address_type: 'IPv4',
    __meta_kubernetes_namespace: ns,
    __meta_kubernetes_endpointslice_name: 'testendpoints',
    __meta_kubernetes_endpointslice_label_kubernetes_io_service_name: 'testendpoints',
    __meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name: 'true',
    __meta_kubernetes_endpointslice_annotation_test_annotation: 'test',
    __meta_kubernetes_endpointslice_annotationpresent_test_annotation: 'true',
  };
}

function svcAppName(ns: string, labels: Record<string, string> = { 'app/name': 'test' }): Service {
  return { metadata: { name: 'testendpoints', namespace: ns, labels } };
}

const SVC_LABELS = { __meta_kubernetes_service_label_app_name: 'test', __meta_kubernetes_service_labelpresent_app_name: 'true', __meta_kubernetes_service_name: 'testendpoints' };

function testPod(ns: string, podIP: string, containers: NonNullable<Pod['spec']>['containers'], initContainers?: NonNullable<Pod['spec']>['initContainers']): Pod {
  return {
    metadata: { name: 'testpod', namespace: ns, uid: 'deadbeef' },
    spec: { nodeName: 'testnode', containers, ...(initContainers ? { initContainers } : {}) },
    status: { hostIP: '2.3.4.5', podIP },
  };
}

function podLabels(podIP: string): Record<string, string> {
  return {
    __meta_kubernetes_pod_host_ip: '2.3.4.5',
    __meta_kubernetes_pod_ip: podIP,
    __meta_kubernetes_pod_name: 'testpod',
    __meta_kubernetes_pod_node_name: 'testnode',
    __meta_kubernetes_pod_phase: '',
    __meta_kubernetes_pod_ready: 'unknown',
    __meta_kubernetes_pod_uid: 'deadbeef',
  };
}

function podSlice(ns: string, name: string, ports: EndpointSlice['ports'], conditions?: { ready?: boolean }): EndpointSlice {
  return {
    metadata: { name, namespace: ns },
    addressType: 'IPv4',
    ports,
    endpoints: [{ addresses: ['4.3.2.1'], targetRef: { kind: 'Pod', name: 'testpod', namespace: ns }, ...(conditions ? { conditions } : {}) }],
  };
}

const PLAIN_SLICE_LABELS = (ns: string, name = 'testendpoints'): Record<string, string> => ({
  __meta_kubernetes_endpointslice_address_type: 'IPv4',
  __meta_kubernetes_endpointslice_name: name,
  __meta_kubernetes_namespace: ns,
});

function withNode(t: Record<string, string>, node: string, az: string): Record<string, string> {
  return { ...t, __meta_kubernetes_node_label_az: az, __meta_kubernetes_node_labelpresent_az: 'true', __meta_kubernetes_node_name: node };
}

// Ported from Prometheus v0.314.0 discovery/kubernetes/endpointslice_test.go.
describe('endpointslice role (endpointslice_test.go)', () => {
  it('TestEndpointSliceDiscoveryBeforeRun', () => {
    expect(endpointSliceTargetGroup(makeEndpointSliceV1('default'), opts(), noIndex)).toEqual(group('endpointslice/default/testendpoints', sliceLabels('default'), SLICE_TARGETS));
  });

  it('TestEndpointSliceDiscoveryAdd: a pod-backed endpoint and the pod’s other container port', () => {
    const pod = testPod('default', '1.2.3.4', [
      { name: 'c1', image: 'c1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] },
      { name: 'c2', image: 'c2:latest', ports: [{ name: 'sideport', containerPort: 9001, protocol: 'TCP' }] },
    ]);
    const eps = podSlice('default', 'testendpoints', [{ name: 'testport', port: 9000, protocol: 'TCP' }], { ready: false });
    expect(endpointSliceTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }))).toEqual(
      group('endpointslice/default/testendpoints', PLAIN_SLICE_LABELS('default'), [
        {
          __address__: '4.3.2.1:9000',
          __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
          __meta_kubernetes_endpointslice_address_target_name: 'testpod',
          __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'false',
          __meta_kubernetes_endpointslice_port: '9000',
          __meta_kubernetes_endpointslice_port_name: 'testport',
          __meta_kubernetes_endpointslice_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_name: 'c1',
          __meta_kubernetes_pod_container_image: 'c1:latest',
          __meta_kubernetes_pod_container_port_name: 'mainport',
          __meta_kubernetes_pod_container_port_number: '9000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
          ...podLabels('1.2.3.4'),
        },
        {
          __address__: '1.2.3.4:9001',
          __meta_kubernetes_pod_container_name: 'c2',
          __meta_kubernetes_pod_container_image: 'c2:latest',
          __meta_kubernetes_pod_container_port_name: 'sideport',
          __meta_kubernetes_pod_container_port_number: '9001',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
          ...podLabels('1.2.3.4'),
        },
      ]),
    );
  });

  it('TestEndpointSliceDiscoveryDelete', () => {
    expect(roleTargetGroup('endpointslice', 'default/testendpoints', undefined, opts(), noIndex)).toEqual(group('endpointslice/default/testendpoints', {}));
  });

  it('TestEndpointSliceDiscoveryUpdate: no labels, annotations or service; two endpoints', () => {
    const eps = makeEndpointSliceV1('default');
    delete eps.metadata!.labels;
    delete eps.metadata!.annotations;
    eps.endpoints = eps.endpoints!.slice(0, 2);
    // The service of the slice is no longer named: the index's service is not joined.
    expect(endpointSliceTargetGroup(eps, opts(), objectIndexFrom({ services: [svcAppName('default')] }))).toEqual(
      group('endpointslice/default/testendpoints', PLAIN_SLICE_LABELS('default'), SLICE_TARGETS.slice(0, 2)),
    );
  });

  it('TestEndpointSliceDiscoveryEmptyEndpoints', () => {
    const eps = makeEndpointSliceV1('default');
    eps.endpoints = [];
    expect(endpointSliceTargetGroup(eps, opts(), noIndex)).toEqual(group('endpointslice/default/testendpoints', sliceLabels('default')));
  });

  it('TestEndpointSliceDiscoveryWithService / WithServiceUpdate', () => {
    expect(endpointSliceTargetGroup(makeEndpointSliceV1('default'), opts(), objectIndexFrom({ services: [svcAppName('default')] }))).toEqual(
      group('endpointslice/default/testendpoints', { ...sliceLabels('default'), ...SVC_LABELS }, SLICE_TARGETS),
    );
    const updated = svcAppName('default', { 'app/name': 'svc', component: 'testing' });
    expect(endpointSliceTargetGroup(makeEndpointSliceV1('default'), opts(), objectIndexFrom({ services: [updated] }))).toEqual(
      group(
        'endpointslice/default/testendpoints',
        {
          ...sliceLabels('default'),
          __meta_kubernetes_service_label_app_name: 'svc',
          __meta_kubernetes_service_label_component: 'testing',
          __meta_kubernetes_service_labelpresent_app_name: 'true',
          __meta_kubernetes_service_labelpresent_component: 'true',
          __meta_kubernetes_service_name: 'testendpoints',
        },
        SLICE_TARGETS,
      ),
    );
  });

  it('TestEndpointsSlicesDiscoveryWithNodeMetadata / WithUpdatedNodeMetadata', () => {
    const index = objectIndexFrom({ services: [svcAppName('default')], nodes: [makeNode('foobar', '', '', { az: 'us-east1' }), makeNode('barbaz', '', '', { az: 'us-west2' })] });
    const targets = clone(SLICE_TARGETS);
    targets[0] = withNode(targets[0]!, 'foobar', 'us-east1');
    targets[3] = withNode(targets[3]!, 'barbaz', 'us-west2');
    expect(endpointSliceTargetGroup(makeEndpointSliceV1('default'), opts({ node: true }), index)).toEqual(
      group('endpointslice/default/testendpoints', { ...sliceLabels('default'), ...SVC_LABELS }, targets),
    );
    // The upstream "updated" test expects the old labels: the endpoint on foobar has an empty
    // targetRef (kind ""), which the node index skips, so the update recomputes nothing (deps.test.ts).
  });

  it('TestEndpointSliceDiscoveryNamespaces', () => {
    const ep1 = makeEndpointSliceV1('ns1');
    const ep2 = podSlice('ns2', 'testendpoints', [{ name: 'testport', port: 9000, protocol: 'TCP' }]);
    const svc = svcAppName('ns1', { app: 'app1' });
    const pod = testPod('ns2', '4.3.2.1', [{ name: 'c1', image: 'c1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] }]);
    const index = objectIndexFrom({ services: [svc], pods: [pod] });
    expect(endpointSliceTargetGroup(ep1, opts(), index)).toEqual(
      group(
        'endpointslice/ns1/testendpoints',
        { ...sliceLabels('ns1'), __meta_kubernetes_service_label_app: 'app1', __meta_kubernetes_service_labelpresent_app: 'true', __meta_kubernetes_service_name: 'testendpoints' },
        SLICE_TARGETS,
      ),
    );
    expect(endpointSliceTargetGroup(ep2, opts(), index)).toEqual(
      group('endpointslice/ns2/testendpoints', PLAIN_SLICE_LABELS('ns2'), [
        {
          __address__: '4.3.2.1:9000',
          __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
          __meta_kubernetes_endpointslice_address_target_name: 'testpod',
          __meta_kubernetes_endpointslice_port: '9000',
          __meta_kubernetes_endpointslice_port_name: 'testport',
          __meta_kubernetes_endpointslice_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_name: 'c1',
          __meta_kubernetes_pod_container_image: 'c1:latest',
          __meta_kubernetes_pod_container_port_name: 'mainport',
          __meta_kubernetes_pod_container_port_number: '9000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
          ...podLabels('4.3.2.1'),
        },
      ]),
    );
  });

  it('TestEndpointSliceDiscoveryOwnNamespace', () => {
    expect(endpointSliceTargetGroup(makeEndpointSliceV1('own-ns'), opts(), noIndex)).toEqual(group('endpointslice/own-ns/testendpoints', sliceLabels('own-ns'), SLICE_TARGETS));
  });

  it('TestEndpointSliceDiscoverySidecarContainer', () => {
    const pod = testPod(
      'default',
      '4.3.2.1',
      [{ name: 'c1', image: 'c1:latest', ports: [{ name: 'mainport', containerPort: 9000, protocol: 'TCP' }] }],
      [
        { name: 'ic1', image: 'ic1:latest', ports: [{ name: 'initport', containerPort: 1111, protocol: 'TCP' }] },
        { name: 'ic2', image: 'ic2:latest', ports: [{ name: 'initport', containerPort: 9111, protocol: 'TCP' }] },
      ],
    );
    const eps = podSlice('default', 'testsidecar', [
      { name: 'testport', port: 9000, protocol: 'TCP' },
      { name: 'initport', port: 9111, protocol: 'TCP' },
    ]);
    const ref = { __meta_kubernetes_endpointslice_address_target_kind: 'Pod', __meta_kubernetes_endpointslice_address_target_name: 'testpod', __meta_kubernetes_endpointslice_port_protocol: 'TCP' };
    expect(endpointSliceTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }))).toEqual(
      group('endpointslice/default/testsidecar', PLAIN_SLICE_LABELS('default', 'testsidecar'), [
        {
          __address__: '4.3.2.1:9000',
          ...ref,
          __meta_kubernetes_endpointslice_port: '9000',
          __meta_kubernetes_endpointslice_port_name: 'testport',
          __meta_kubernetes_pod_container_image: 'c1:latest',
          __meta_kubernetes_pod_container_name: 'c1',
          __meta_kubernetes_pod_container_port_name: 'mainport',
          __meta_kubernetes_pod_container_port_number: '9000',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'false',
          ...podLabels('4.3.2.1'),
        },
        {
          __address__: '4.3.2.1:9111',
          ...ref,
          __meta_kubernetes_endpointslice_port: '9111',
          __meta_kubernetes_endpointslice_port_name: 'initport',
          __meta_kubernetes_pod_container_image: 'ic2:latest',
          __meta_kubernetes_pod_container_name: 'ic2',
          __meta_kubernetes_pod_container_port_name: 'initport',
          __meta_kubernetes_pod_container_port_number: '9111',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'true',
          ...podLabels('4.3.2.1'),
        },
        {
          __address__: '4.3.2.1:1111',
          __meta_kubernetes_pod_container_image: 'ic1:latest',
          __meta_kubernetes_pod_container_name: 'ic1',
          __meta_kubernetes_pod_container_port_name: 'initport',
          __meta_kubernetes_pod_container_port_number: '1111',
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
          __meta_kubernetes_pod_container_init: 'true',
          ...podLabels('4.3.2.1'),
        },
      ]),
    );
  });

  it('TestEndpointsSlicesDiscoveryWithNamespaceMetadata / WithUpdatedNamespaceMetadata', () => {
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ service: 'web', layer: 'frontend' }, { contact: 'platform', release: 'v5.6.7' }],
      [{ component: 'cache', layer: 'backend', region: 'us-central' }, { contact: 'sre', release: 'v6.7.8', monitoring: 'enabled' }],
    ];
    for (const [labels, annotations] of cases) {
      const index = objectIndexFrom({ namespaces: [makeNamespace('test-ns', labels, annotations)], services: [svcAppName('test-ns')] });
      const nsl: Record<string, string> = {};
      for (const [k, v] of Object.entries(labels)) Object.assign(nsl, { [`__meta_kubernetes_namespace_label_${k}`]: v, [`__meta_kubernetes_namespace_labelpresent_${k}`]: 'true' });
      for (const [k, v] of Object.entries(annotations)) Object.assign(nsl, { [`__meta_kubernetes_namespace_annotation_${k}`]: v, [`__meta_kubernetes_namespace_annotationpresent_${k}`]: 'true' });
      expect(endpointSliceTargetGroup(makeEndpointSliceV1('test-ns'), opts({ namespace: true }), index)).toEqual(
        group('endpointslice/test-ns/testendpoints', { ...sliceLabels('test-ns'), ...nsl, ...SVC_LABELS }, SLICE_TARGETS),
      );
    }
  });

  describe('dual stack', () => {
    const dualStackService = (policy: string, families: string[]): Service => ({ metadata: { name: 'testsvc', namespace: 'default' }, spec: { ipFamilyPolicy: policy, ipFamilies: families } });
    const dualStackSlice = (name: string, addrType: string, addr: string): EndpointSlice => ({
      metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'testsvc' } },
      addressType: addrType,
      ports: [{ name: 'http', port: 9000, protocol: 'TCP' }],
      endpoints: [{ addresses: [addr], conditions: { ready: true } }],
    });
    const groupLabels = (addrType: string, sliceName: string): Record<string, string> => ({
      __meta_kubernetes_namespace: 'default',
      __meta_kubernetes_endpointslice_address_type: addrType,
      __meta_kubernetes_endpointslice_name: sliceName,
      __meta_kubernetes_endpointslice_label_kubernetes_io_service_name: 'testsvc',
      __meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name: 'true',
      __meta_kubernetes_service_name: 'testsvc',
    });
    const target = (addr: string): Record<string, string> => ({
      __address__: addr,
      __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
      __meta_kubernetes_endpointslice_port: '9000',
      __meta_kubernetes_endpointslice_port_name: 'http',
      __meta_kubernetes_endpointslice_port_protocol: 'TCP',
    });
    const v4 = dualStackSlice('testsvc-ipv4', 'IPv4', '1.2.3.4');
    const v6 = dualStackSlice('testsvc-ipv6', 'IPv6', 'fd00::1');
    const build = (svc: Service, eps: EndpointSlice): ReturnType<typeof endpointSliceTargetGroup> => endpointSliceTargetGroup(eps, opts(), objectIndexFrom({ services: [svc] }));

    for (const policy of ['PreferDualStack', 'RequireDualStack']) {
      it(`TestEndpointSliceDiscoveryDualStack${policy === 'PreferDualStack' ? 'Preferred' : 'Required'}SkipsSecondarySlice`, () => {
        const svc = dualStackService(policy, ['IPv4', 'IPv6']);
        expect(build(svc, v4)).toEqual(group('endpointslice/default/testsvc-ipv4', groupLabels('IPv4', 'testsvc-ipv4'), [target('1.2.3.4:9000')]));
        expect(build(svc, v6)).toEqual(group('endpointslice/default/testsvc-ipv6', groupLabels('IPv6', 'testsvc-ipv6'), []));
      });
    }
    it('TestEndpointSliceDiscoverySingleStackIPv4Unaffected', () => {
      expect(build(dualStackService('SingleStack', ['IPv4']), v4)).toEqual(group('endpointslice/default/testsvc-ipv4', groupLabels('IPv4', 'testsvc-ipv4'), [target('1.2.3.4:9000')]));
    });
    it('TestEndpointSliceDiscoverySingleStackIPv6Unaffected', () => {
      expect(build(dualStackService('SingleStack', ['IPv6']), v6)).toEqual(group('endpointslice/default/testsvc-ipv6', groupLabels('IPv6', 'testsvc-ipv6'), [target('[fd00::1]:9000')]));
    });
    it('TestEndpointSliceDiscoveryDualStackPreferredIPv6Primary', () => {
      const svc = dualStackService('PreferDualStack', ['IPv6', 'IPv4']);
      expect(build(svc, v6)).toEqual(group('endpointslice/default/testsvc-ipv6', groupLabels('IPv6', 'testsvc-ipv6'), [target('[fd00::1]:9000')]));
      expect(build(svc, v4)).toEqual(group('endpointslice/default/testsvc-ipv4', groupLabels('IPv4', 'testsvc-ipv4'), []));
    });
  });
});

describe('endpointslice role (endpointslice.go behaviour)', () => {
  it('a port without number: the address alone, no port label, no container match', () => {
    const pod = testPod('d', '4.3.2.1', [{ name: 'c1', image: 'c1', ports: [{ name: 'p', containerPort: 9000, protocol: 'TCP' }] }]);
    const eps = podSlice('d', 's', [{ name: 'noport' }]);
    const tg = endpointSliceTargetGroup(eps, opts(), objectIndexFrom({ pods: [pod] }));
    const t0 = Object.fromEntries(tg.targets[0]!.map((l) => [l.name, l.value]));
    expect(t0['__address__']).toBe('4.3.2.1');
    expect(t0['__meta_kubernetes_endpointslice_port']).toBeUndefined();
    expect(t0['__meta_kubernetes_pod_container_name']).toBeUndefined();
    // The container port was not covered: it gets its own target.
    expect(tg.targets).toHaveLength(2);
    expect(Object.fromEntries(tg.targets[1]!.map((l) => [l.name, l.value]))['__address__']).toBe('4.3.2.1:9000');
  });

  it('node metadata: a Node target reference wins over nodeName', () => {
    const eps: EndpointSlice = { metadata: { name: 's', namespace: 'd' }, addressType: 'IPv4', ports: [{ port: 80 }], endpoints: [{ addresses: ['1.1.1.1'], nodeName: 'a', targetRef: { kind: 'Node', name: 'b' } }] };
    const index = objectIndexFrom({ nodes: [makeNode('a', '', ''), makeNode('b', '', '')] });
    const t = Object.fromEntries(endpointSliceTargetGroup(eps, opts({ node: true }), index).targets[0]!.map((l) => [l.name, l.value]));
    expect(t['__meta_kubernetes_node_name']).toBe('b');
    expect(t['__meta_kubernetes_endpointslice_endpoint_node_name']).toBe('a');
  });

  it('an empty kubernetes.io/service-name label still looks the service up (by the empty name)', () => {
    const eps = makeEndpointSliceV1('default');
    eps.metadata!.labels = { 'kubernetes.io/service-name': '' };
    expect(endpointSliceTargetGroup(eps, opts(), objectIndexFrom({ services: [svcAppName('default')] })).labels.some((l) => l.name === '__meta_kubernetes_service_name')).toBe(false);
  });
});
