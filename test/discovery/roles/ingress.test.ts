import { describe, expect, it } from 'vitest';
import { ingressTargetGroup, matchesHostnamePattern, objectIndexFrom, roleTargetGroup, rulePaths } from '../../../src/main/discovery/kubernetes/roles';
import { group, makeIngress, makeNamespace, opts, type TLSMode } from './fixtures';

const noIndex = objectIndexFrom();

const INGRESS_LABELS = {
  __meta_kubernetes_ingress_name: 'testingress',
  __meta_kubernetes_ingress_label_test_label: 'testvalue',
  __meta_kubernetes_ingress_labelpresent_test_label: 'true',
  __meta_kubernetes_ingress_annotation_test_annotation: 'testannotationvalue',
  __meta_kubernetes_ingress_annotationpresent_test_annotation: 'true',
  __meta_kubernetes_ingress_class_name: 'testclass',
};

/** expectedTargetGroups is ingress_test.go's expectedTargetGroups. */
function expectedTargetGroups(ns: string, tls: TLSMode, extraLabels: Record<string, string> = {}): ReturnType<typeof group> {
  const scheme1 = tls === 'yes' || tls === 'mixed' ? 'https' : 'http';
  const scheme2 = tls === 'yes' || tls === 'wildcard' ? 'https' : 'http';
  return group(`ingress/${ns}/testingress`, { ...INGRESS_LABELS, __meta_kubernetes_namespace: ns, ...extraLabels }, [
    { __meta_kubernetes_ingress_scheme: scheme1, __meta_kubernetes_ingress_host: 'example.com', __meta_kubernetes_ingress_path: '/', __address__: 'example.com' },
    { __meta_kubernetes_ingress_scheme: scheme1, __meta_kubernetes_ingress_host: 'example.com', __meta_kubernetes_ingress_path: '/foo', __address__: 'example.com' },
    { __meta_kubernetes_ingress_scheme: scheme2, __meta_kubernetes_ingress_host: 'test.example.com', __address__: 'test.example.com', __meta_kubernetes_ingress_path: '/' },
  ]);
}

// Ported from Prometheus v0.314.0 discovery/kubernetes/ingress_test.go.
describe('ingress role (ingress_test.go)', () => {
  it('TestIngressDiscoveryAdd', () => expect(ingressTargetGroup(makeIngress('default', 'no'), opts(), noIndex)).toEqual(expectedTargetGroups('default', 'no')));
  it('TestIngressDiscoveryAddTLS', () => expect(ingressTargetGroup(makeIngress('default', 'yes'), opts(), noIndex)).toEqual(expectedTargetGroups('default', 'yes')));
  it('TestIngressDiscoveryAddMixed', () => expect(ingressTargetGroup(makeIngress('default', 'mixed'), opts(), noIndex)).toEqual(expectedTargetGroups('default', 'mixed')));
  it('TLSWildcard (expectedTargetGroups case)', () => expect(ingressTargetGroup(makeIngress('default', 'wildcard'), opts(), noIndex)).toEqual(expectedTargetGroups('default', 'wildcard')));
  it('TestIngressDiscoveryNamespaces / OwnNamespace', () => {
    for (const ns of ['ns1', 'ns2', 'own-ns']) expect(ingressTargetGroup(makeIngress(ns, 'no'), opts(), noIndex)).toEqual(expectedTargetGroups(ns, 'no'));
  });
  it('a deleted ingress is the empty group of its source', () => {
    expect(roleTargetGroup('ingress', 'default/testingress', undefined, opts(), noIndex)).toEqual(group('ingress/default/testingress', {}));
  });

  it('TestIngressDiscoveryWithNamespaceMetadata', () => {
    const index = objectIndexFrom({ namespaces: [makeNamespace('test-ns', { service: 'web', layer: 'frontend' }, { contact: 'platform', release: 'v5.6.7' })] });
    expect(ingressTargetGroup(makeIngress('test-ns', 'no'), opts({ namespace: true }), index)).toEqual(
      expectedTargetGroups('test-ns', 'no', {
        __meta_kubernetes_namespace_annotation_contact: 'platform',
        __meta_kubernetes_namespace_annotationpresent_contact: 'true',
        __meta_kubernetes_namespace_annotation_release: 'v5.6.7',
        __meta_kubernetes_namespace_annotationpresent_release: 'true',
        __meta_kubernetes_namespace_label_service: 'web',
        __meta_kubernetes_namespace_labelpresent_service: 'true',
        __meta_kubernetes_namespace_label_layer: 'frontend',
        __meta_kubernetes_namespace_labelpresent_layer: 'true',
      }),
    );
  });

  it('TestIngressDiscoveryWithUpdatedNamespaceMetadata', () => {
    const index = objectIndexFrom({
      namespaces: [makeNamespace('test-ns', { component: 'cache', layer: 'backend', region: 'us-central' }, { contact: 'sre', release: 'v6.7.8', monitoring: 'enabled' })],
    });
    expect(ingressTargetGroup(makeIngress('test-ns', 'no'), opts({ namespace: true }), index)).toEqual(
      expectedTargetGroups('test-ns', 'no', {
        __meta_kubernetes_namespace_annotation_contact: 'sre',
        __meta_kubernetes_namespace_annotationpresent_contact: 'true',
        __meta_kubernetes_namespace_annotation_release: 'v6.7.8',
        __meta_kubernetes_namespace_annotationpresent_release: 'true',
        __meta_kubernetes_namespace_annotation_monitoring: 'enabled',
        __meta_kubernetes_namespace_annotationpresent_monitoring: 'true',
        __meta_kubernetes_namespace_label_component: 'cache',
        __meta_kubernetes_namespace_labelpresent_component: 'true',
        __meta_kubernetes_namespace_label_layer: 'backend',
        __meta_kubernetes_namespace_labelpresent_layer: 'true',
        __meta_kubernetes_namespace_label_region: 'us-central',
        __meta_kubernetes_namespace_labelpresent_region: 'true',
      }),
    );
  });
});

describe('ingress role (ingress.go behaviour)', () => {
  it('rulePaths: no http → `/`, http without paths → none, empty path → `/`', () => {
    expect(rulePaths({ host: 'a' })).toEqual(['/']);
    expect(rulePaths({ host: 'a', http: {} })).toEqual([]);
    expect(rulePaths({ host: 'a', http: { paths: [] } })).toEqual([]);
    expect(rulePaths({ host: 'a', http: { paths: [{}, { path: '' }, { path: '/x' }] } })).toEqual(['/', '/', '/x']);
  });

  it('matchesHostnamePattern: equality or a one-label leading wildcard', () => {
    expect(matchesHostnamePattern('example.com', 'example.com')).toBe(true);
    expect(matchesHostnamePattern('*.example.com', 'test.example.com')).toBe(true);
    expect(matchesHostnamePattern('*.example.com', 'a.b.example.com')).toBe(false);
    expect(matchesHostnamePattern('*.example.com', 'example.com')).toBe(false);
    expect(matchesHostnamePattern('test.*.com', 'test.example.com')).toBe(false);
    expect(matchesHostnamePattern('*', 'anything')).toBe(true);
  });

  it('no class name and no rules: labels only', () => {
    const tg = ingressTargetGroup({ metadata: { name: 'i', namespace: 'n' } }, opts(), noIndex);
    expect(tg).toEqual(group('ingress/n/i', { __meta_kubernetes_namespace: 'n', __meta_kubernetes_ingress_name: 'i' }));
  });

  it('a rule without host has no __address__ (Prometheus: empty, the target is then dropped)', () => {
    const tg = ingressTargetGroup({ metadata: { name: 'i', namespace: 'n' }, spec: { rules: [{}] } }, opts(), noIndex);
    expect(tg.targets).toEqual([group('', {}, [{ __meta_kubernetes_ingress_scheme: 'http', __meta_kubernetes_ingress_path: '/' }]).targets[0]]);
  });
});
