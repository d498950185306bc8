import { describe, expect, it } from 'vitest';
import { nodeTargetGroup, roleTargetGroup, type Node } from '../../../src/main/discovery/kubernetes/roles';
import { EMPTY_OBJECT_INDEX } from '../../../src/main/discovery/kubernetes/roles/objectindex';
import { group, makeNode, opts } from './fixtures';

// Ported from Prometheus v0.314.0 discovery/kubernetes/node_test.go.
describe('node role (node_test.go)', () => {
  it('TestNodeDiscoveryBeforeStart', () => {
    const node = makeNode('test', '1.2.3.4', 'aws:///nl-north-7b/i-03149834983492827', { 'test-label': 'testvalue' }, { 'test-annotation': 'testannotationvalue' });
    expect(nodeTargetGroup(node)).toEqual(
      group(
        'node/test',
        {
          __meta_kubernetes_node_name: 'test',
          __meta_kubernetes_node_provider_id: 'aws:///nl-north-7b/i-03149834983492827',
          __meta_kubernetes_node_label_test_label: 'testvalue',
          __meta_kubernetes_node_labelpresent_test_label: 'true',
          __meta_kubernetes_node_annotation_test_annotation: 'testannotationvalue',
          __meta_kubernetes_node_annotationpresent_test_annotation: 'true',
        },
        [{ __address__: '1.2.3.4:10250', instance: 'test', __meta_kubernetes_node_address_InternalIP: '1.2.3.4' }],
      ),
    );
  });

  it('TestNodeDiscoveryAdd (makeEnumeratedNode)', () => {
    const node = makeNode('test1', '1.2.3.4', 'aws:///de-west-3a/i-1', {}, {});
    expect(nodeTargetGroup(node)).toEqual(
      group('node/test1', { __meta_kubernetes_node_name: 'test1', __meta_kubernetes_node_provider_id: 'aws:///de-west-3a/i-1' }, [
        { __address__: '1.2.3.4:10250', instance: 'test1', __meta_kubernetes_node_address_InternalIP: '1.2.3.4' },
      ]),
    );
  });

  it('TestNodeDiscoveryDelete: a deleted node is the empty group of its source', () => {
    expect(roleTargetGroup('node', 'test0', undefined, opts(), EMPTY_OBJECT_INDEX)).toEqual({ source: 'node/test0', targets: [], labels: [] });
  });

  it('TestNodeDiscoveryUpdate', () => {
    const node = makeNode('test0', '1.2.3.4', 'aws:///fr-south-1c/i-49508290343823952', { Unschedulable: 'true' }, {});
    expect(nodeTargetGroup(node)).toEqual(
      group(
        'node/test0',
        {
          __meta_kubernetes_node_label_Unschedulable: 'true',
          __meta_kubernetes_node_labelpresent_Unschedulable: 'true',
          __meta_kubernetes_node_name: 'test0',
          __meta_kubernetes_node_provider_id: 'aws:///fr-south-1c/i-49508290343823952',
        },
        [{ __address__: '1.2.3.4:10250', instance: 'test0', __meta_kubernetes_node_address_InternalIP: '1.2.3.4' }],
      ),
    );
  });

  describe('TestNodeDiscoveryConditions', () => {
    const base = { __meta_kubernetes_node_name: 'test', __meta_kubernetes_node_provider_id: 'aws:///test-zone/i-test' };
    const cases: { name: string; conditions: { type: string; status: string }[] | undefined; expected: Record<string, string> }[] = [
      { name: 'node ready true', conditions: [{ type: 'Ready', status: 'True' }], expected: { ...base, __meta_kubernetes_node_condition_ready: 'true' } },
      { name: 'node ready false', conditions: [{ type: 'Ready', status: 'False' }], expected: { ...base, __meta_kubernetes_node_condition_ready: 'false' } },
      { name: 'node ready unknown', conditions: [{ type: 'Ready', status: 'Unknown' }], expected: { ...base, __meta_kubernetes_node_condition_ready: 'unknown' } },
      { name: 'node no conditions', conditions: undefined, expected: base },
      {
        name: 'node multiple conditions',
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'True' },
          { type: 'DiskPressure', status: 'False' },
        ],
        expected: {
          ...base,
          __meta_kubernetes_node_condition_memorypressure: 'false',
          __meta_kubernetes_node_condition_ready: 'true',
          __meta_kubernetes_node_condition_diskpressure: 'false',
        },
      },
    ];
    for (const tc of cases) {
      it(tc.name, () => {
        const node = makeNode('test', '1.2.3.4', 'aws:///test-zone/i-test', {}, {}, tc.conditions);
        expect(nodeTargetGroup(node)).toEqual(
          group('node/test', tc.expected, [{ __address__: '1.2.3.4:10250', instance: 'test', __meta_kubernetes_node_address_InternalIP: '1.2.3.4' }]),
        );
      });
    }
  });
});

describe('node role (node.go behaviour)', () => {
  const withAddresses = (addresses: { type: string; address: string }[]): Node => ({
    metadata: { name: 'n' },
    status: { addresses, daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
  });

  it('chooses the address by InternalIP, InternalDNS, ExternalIP, ExternalDNS, LegacyHostIP, Hostname', () => {
    const all = [
      { type: 'Hostname', address: 'host' },
      { type: 'LegacyHostIP', address: '9.9.9.9' },
      { type: 'ExternalDNS', address: 'ext.example.com' },
      { type: 'ExternalIP', address: '8.8.8.8' },
      { type: 'InternalDNS', address: 'int.example.com' },
      { type: 'InternalIP', address: '10.0.0.1' },
    ];
    const expected = ['10.0.0.1:10250', 'int.example.com:10250', '8.8.8.8:10250', 'ext.example.com:10250', '9.9.9.9:10250', 'host:10250'];
    for (let i = 0; i < expected.length; i++) {
      const tg = nodeTargetGroup(withAddresses(all.slice(0, all.length - i)))!;
      expect(tg.targets[0]!.find((l) => l.name === '__address__')?.value).toBe(expected[i]);
    }
  });

  it('labels the first address of each type, and brackets an IPv6 address', () => {
    const tg = nodeTargetGroup(
      withAddresses([
        { type: 'InternalIP', address: 'fd00::1' },
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: 'h' },
        { type: 'Weird-Type', address: 'w' },
      ]),
    )!;
    expect(tg.targets).toEqual(
      group('node/n', {}, [
        {
          __address__: '[fd00::1]:10250',
          instance: 'n',
          __meta_kubernetes_node_address_InternalIP: 'fd00::1',
          __meta_kubernetes_node_address_Hostname: 'h',
          __meta_kubernetes_node_address_Weird_Type: 'w',
        },
      ]).targets,
    );
  });

  it('a node without a known address sends nothing (null), as Prometheus', () => {
    expect(nodeTargetGroup(withAddresses([]))).toBeNull();
    expect(nodeTargetGroup(withAddresses([{ type: 'Other', address: 'x' }]))).toBeNull();
    expect(nodeTargetGroup({ metadata: { name: 'n' } })).toBeNull();
  });

  it('a missing kubelet port reads as 0 (Go zero value)', () => {
    const tg = nodeTargetGroup({ metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '1.1.1.1' }] } })!;
    expect(tg.targets[0]!.find((l) => l.name === '__address__')?.value).toBe('1.1.1.1:0');
  });

  it('sanitizes condition types, label and annotation names', () => {
    const tg = nodeTargetGroup({
      metadata: { name: 'n', labels: { 'topology.kubernetes.io/zone': 'z1', 'ünï': 'x' }, annotations: { 'a-b.c/d': 'v' } },
      status: { addresses: [{ type: 'InternalIP', address: '1.1.1.1' }], conditions: [{ type: 'Network-Unavailable', status: 'False' }] },
    })!;
    expect(tg.labels).toEqual(
      group('node/n', {
        __meta_kubernetes_node_name: 'n',
        __meta_kubernetes_node_label_topology_kubernetes_io_zone: 'z1',
        __meta_kubernetes_node_labelpresent_topology_kubernetes_io_zone: 'true',
        __meta_kubernetes_node_label__n_: 'x',
        __meta_kubernetes_node_labelpresent__n_: 'true',
        __meta_kubernetes_node_annotation_a_b_c_d: 'v',
        __meta_kubernetes_node_annotationpresent_a_b_c_d: 'true',
        __meta_kubernetes_node_condition_network_unavailable: 'false',
      }).labels,
    );
  });
});
