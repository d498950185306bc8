import { describe, expect, it } from 'vitest';
import { objectIndexFrom, roleTargetGroup, serviceTargetGroup } from '../../../src/main/discovery/kubernetes/roles';
import { group, makeExternalService, makeLoadBalancerService, makeMultiPortService, makeNamespace, makeService, opts } from './fixtures';

const noIndex = objectIndexFrom();

function clusterIPTarget(ns: string): Record<string, string> {
  return {
    __meta_kubernetes_service_port_protocol: 'TCP',
    __address__: `testservice.${ns}.svc:30900`,
    __meta_kubernetes_service_type: 'ClusterIP',
    __meta_kubernetes_service_cluster_ip: '10.0.0.1',
    __meta_kubernetes_service_port_name: 'testport',
    __meta_kubernetes_service_port_number: '30900',
  };
}

// Ported from Prometheus v0.314.0 discovery/kubernetes/service_test.go.
describe('service role (service_test.go)', () => {
  it('TestServiceDiscoveryAdd: ClusterIP, ExternalName and LoadBalancer services', () => {
    expect(serviceTargetGroup(makeService('default'), opts(), noIndex)).toEqual(
      group('svc/default/testservice', { __meta_kubernetes_service_name: 'testservice', __meta_kubernetes_namespace: 'default' }, [clusterIPTarget('default')]),
    );
    expect(serviceTargetGroup(makeExternalService(), opts(), noIndex)).toEqual(
      group('svc/default/testservice-external', { __meta_kubernetes_service_name: 'testservice-external', __meta_kubernetes_namespace: 'default' }, [
        {
          __meta_kubernetes_service_port_protocol: 'TCP',
          __address__: 'testservice-external.default.svc:31900',
          __meta_kubernetes_service_type: 'ExternalName',
          __meta_kubernetes_service_port_name: 'testport',
          __meta_kubernetes_service_port_number: '31900',
          __meta_kubernetes_service_external_name: 'FooExternalName',
        },
      ]),
    );
    expect(serviceTargetGroup(makeLoadBalancerService(), opts(), noIndex)).toEqual(
      group('svc/default/testservice-loadbalancer', { __meta_kubernetes_service_name: 'testservice-loadbalancer', __meta_kubernetes_namespace: 'default' }, [
        {
          __meta_kubernetes_service_port_protocol: 'TCP',
          __address__: 'testservice-loadbalancer.default.svc:31900',
          __meta_kubernetes_service_type: 'LoadBalancer',
          __meta_kubernetes_service_port_name: 'testport',
          __meta_kubernetes_service_port_number: '31900',
          __meta_kubernetes_service_cluster_ip: '10.0.0.1',
          __meta_kubernetes_service_loadbalancer_ip: '127.0.0.1',
        },
      ]),
    );
  });

  it('TestServiceDiscoveryDelete', () => {
    expect(roleTargetGroup('service', 'default/testservice', undefined, opts(), noIndex)).toEqual(group('svc/default/testservice', {}));
  });

  it('TestServiceDiscoveryUpdate (multi-port service)', () => {
    expect(serviceTargetGroup(makeMultiPortService(), opts(), noIndex)).toEqual(
      group(
        'svc/default/testservice',
        {
          __meta_kubernetes_service_name: 'testservice',
          __meta_kubernetes_namespace: 'default',
          __meta_kubernetes_service_label_test_label: 'testvalue',
          __meta_kubernetes_service_labelpresent_test_label: 'true',
          __meta_kubernetes_service_annotation_test_annotation: 'testannotationvalue',
          __meta_kubernetes_service_annotationpresent_test_annotation: 'true',
        },
        [
          { ...clusterIPTarget('default'), __meta_kubernetes_service_port_name: 'testport0' },
          {
            __meta_kubernetes_service_port_protocol: 'UDP',
            __address__: 'testservice.default.svc:30901',
            __meta_kubernetes_service_type: 'ClusterIP',
            __meta_kubernetes_service_cluster_ip: '10.0.0.1',
            __meta_kubernetes_service_port_name: 'testport1',
            __meta_kubernetes_service_port_number: '30901',
          },
        ],
      ),
    );
  });

  it('TestServiceDiscoveryNamespaces / OwnNamespace / AllNamespaces', () => {
    for (const ns of ['ns1', 'ns2', 'own-ns', 'non-own-ns']) {
      expect(serviceTargetGroup(makeService(ns), opts(), noIndex)).toEqual(
        group(`svc/${ns}/testservice`, { __meta_kubernetes_service_name: 'testservice', __meta_kubernetes_namespace: ns }, [clusterIPTarget(ns)]),
      );
    }
  });

  it('TestServiceDiscoveryWithNamespaceMetadata', () => {
    const index = objectIndexFrom({ namespaces: [makeNamespace('test-ns', { environment: 'production', team: 'backend' }, { owner: 'platform', version: 'v1.2.3' })] });
    expect(serviceTargetGroup(makeService('test-ns'), opts({ namespace: true }), index)).toEqual(
      group(
        'svc/test-ns/testservice',
        {
          __meta_kubernetes_namespace: 'test-ns',
          __meta_kubernetes_namespace_annotation_owner: 'platform',
          __meta_kubernetes_namespace_annotationpresent_owner: 'true',
          __meta_kubernetes_namespace_annotation_version: 'v1.2.3',
          __meta_kubernetes_namespace_annotationpresent_version: 'true',
          __meta_kubernetes_namespace_label_environment: 'production',
          __meta_kubernetes_namespace_labelpresent_environment: 'true',
          __meta_kubernetes_namespace_label_team: 'backend',
          __meta_kubernetes_namespace_labelpresent_team: 'true',
          __meta_kubernetes_service_name: 'testservice',
        },
        [clusterIPTarget('test-ns')],
      ),
    );
    // Without attach_metadata.namespace the namespace object is not read.
    expect(serviceTargetGroup(makeService('test-ns'), opts(), index).labels.some((l) => l.name.startsWith('__meta_kubernetes_namespace_'))).toBe(false);
  });

  it('TestServiceDiscoveryWithUpdatedNamespaceMetadata', () => {
    const index = objectIndexFrom({
      namespaces: [makeNamespace('test-ns', { environment: 'staging', team: 'frontend', region: 'us-west' }, { owner: 'sre', version: 'v2.1.0', 'cost-center': 'engineering' })],
    });
    expect(serviceTargetGroup(makeService('test-ns'), opts({ namespace: true }), index).labels).toEqual(
      group('', {
        __meta_kubernetes_namespace: 'test-ns',
        __meta_kubernetes_namespace_annotation_owner: 'sre',
        __meta_kubernetes_namespace_annotationpresent_owner: 'true',
        __meta_kubernetes_namespace_annotation_version: 'v2.1.0',
        __meta_kubernetes_namespace_annotationpresent_version: 'true',
        __meta_kubernetes_namespace_annotation_cost_center: 'engineering',
        __meta_kubernetes_namespace_annotationpresent_cost_center: 'true',
        __meta_kubernetes_namespace_label_environment: 'staging',
        __meta_kubernetes_namespace_labelpresent_environment: 'true',
        __meta_kubernetes_namespace_label_team: 'frontend',
        __meta_kubernetes_namespace_labelpresent_team: 'true',
        __meta_kubernetes_namespace_label_region: 'us-west',
        __meta_kubernetes_namespace_labelpresent_region: 'true',
        __meta_kubernetes_service_name: 'testservice',
      }).labels,
    );
  });
});

describe('service role (service.go behaviour)', () => {
  it('the load balancer IP is spec.loadBalancerIP only (not status.loadBalancer)', () => {
    const svc = makeLoadBalancerService();
    delete svc.spec!.loadBalancerIP;
    (svc as Record<string, unknown>)['status'] = { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } };
    expect(serviceTargetGroup(svc, opts(), noIndex).targets[0]!.some((l) => l.name === '__meta_kubernetes_service_loadbalancer_ip')).toBe(false);
  });

  it('a service without ports has labels but no targets', () => {
    const svc = makeService('default');
    delete svc.spec!.ports;
    expect(serviceTargetGroup(svc, opts(), noIndex)).toEqual(group('svc/default/testservice', { __meta_kubernetes_service_name: 'testservice', __meta_kubernetes_namespace: 'default' }));
  });
});
