import { describe, expect, it } from 'vitest';
import {
  DependencyIndex,
  changedDependencyKeys,
  dependencyKeys,
  primariesToRecompute,
  type KubeObject,
  type ObjectChange,
  type RoleOptions,
} from '../../../src/main/discovery/kubernetes/roles';
import type { KubernetesRole } from '../../../src/main/discovery/kubernetes/config';
import { makeEndpointSliceV1, makeEndpoints, makeIngress, makeOwnedPod, makePods, makeService, opts } from './fixtures';

/** indexOf builds a role's DependencyIndex over primaries keyed `<ns>/<name>`. */
function indexOf(role: KubernetesRole, primaries: KubeObject[], o: RoleOptions): DependencyIndex {
  const idx = new DependencyIndex();
  for (const p of primaries) idx.set(`${p.metadata!.namespace}/${p.metadata!.name}`, dependencyKeys(role, p, o));
  return idx;
}

const change = (kind: ObjectChange['kind'], type: ObjectChange['type'], key: string, old?: KubeObject, cur?: KubeObject): ObjectChange => ({ kind, type, key, old, cur });

describe('pod role dependencies (pod.go handlers)', () => {
  const onNode = makePods('default');
  const elsewhere = makePods('other');
  elsewhere.spec!.nodeName = 'node-b';
  const rsPod = makeOwnedPod('apps', 'ReplicaSet', 'web-abc');
  const jobPod = makeOwnedPod('batch', 'Job', 'job-1');
  const pods = [onNode, elsewhere, rsPod, jobPod];

  it('a pod change recomputes the pod itself', () => {
    expect(primariesToRecompute('pod', change('pod', 'delete', 'default/testpod'), opts(), new DependencyIndex())).toEqual(['default/testpod']);
  });

  it('node add/update/delete recomputes the pods on the node, with attach_metadata.node only', () => {
    const o = opts({ node: true });
    const idx = indexOf('pod', pods, o);
    for (const type of ['add', 'update', 'delete'] as const) {
      expect(primariesToRecompute('pod', change('node', type, 'testnode'), o, idx)).toEqual(['apps/testpod', 'batch/testpod', 'default/testpod']);
      expect(primariesToRecompute('pod', change('node', type, 'node-b'), o, idx)).toEqual(['other/testpod']);
    }
    expect(primariesToRecompute('pod', change('node', 'update', 'testnode'), opts(), indexOf('pod', pods, opts()))).toEqual([]);
  });

  it('namespace update (only) recomputes the namespace’s pods, with attach_metadata.namespace', () => {
    const o = opts({ namespace: true });
    const idx = indexOf('pod', pods, o);
    expect(primariesToRecompute('pod', change('namespace', 'update', 'default'), o, idx)).toEqual(['default/testpod']);
    // Creation and deletion: the namespaced objects' own events cover them.
    expect(primariesToRecompute('pod', change('namespace', 'add', 'default'), o, idx)).toEqual([]);
    expect(primariesToRecompute('pod', change('namespace', 'delete', 'default'), o, idx)).toEqual([]);
  });

  it('ReplicaSet changes recompute the pods it controls (attach_metadata.deployment)', () => {
    const o = opts({ deployment: true });
    const idx = indexOf('pod', pods, o);
    for (const type of ['add', 'update', 'delete'] as const) expect(primariesToRecompute('pod', change('replicaset', type, 'apps/web-abc'), o, idx)).toEqual(['apps/testpod']);
    expect(primariesToRecompute('pod', change('job', 'update', 'batch/job-1'), o, idx)).toEqual([]);
  });

  it('Job changes recompute the pods it controls (attach_metadata.job or cronjob)', () => {
    for (const o of [opts({ job: true }), opts({ cronjob: true })]) {
      const idx = indexOf('pod', pods, o);
      expect(primariesToRecompute('pod', change('job', 'update', 'batch/job-1'), o, idx)).toEqual(['batch/testpod']);
    }
    expect(dependencyKeys('pod', jobPod, opts())).toEqual([]);
  });

  it('dependencyKeys lists the pod role’s index values', () => {
    expect(dependencyKeys('pod', rsPod, opts({ node: true, namespace: true, deployment: true, job: true }))).toEqual(['node/testnode', 'namespace/apps', 'replicaset/apps/web-abc']);
  });
});

describe('service and ingress role dependencies (namespace updates)', () => {
  for (const [role, obj] of [
    ['service', makeService('default')],
    ['ingress', makeIngress('default', 'no')],
  ] as const) {
    it(role, () => {
      const o = opts({ namespace: true });
      const idx = indexOf(role, [obj], o);
      const key = `default/${obj.metadata!.name}`;
      expect(primariesToRecompute(role, change('namespace', 'update', 'default'), o, idx)).toEqual([key]);
      expect(primariesToRecompute(role, change('namespace', 'update', 'other'), o, idx)).toEqual([]);
      expect(primariesToRecompute(role, change('namespace', 'update', 'default'), opts(), indexOf(role, [obj], opts()))).toEqual([]);
      expect(primariesToRecompute(role, change('node', 'update', 'testnode'), opts({ node: true, namespace: true }), idx)).toEqual([]);
    });
  }
});

describe('endpoints role dependencies (endpoints.go handlers)', () => {
  const withPods = {
    metadata: { name: 'web', namespace: 'default' },
    subsets: [
      {
        addresses: [{ ip: '1.1.1.1', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }],
        notReadyAddresses: [{ ip: '1.1.1.2', nodeName: 'node-b', targetRef: { kind: 'Pod', name: 'web-2', namespace: 'default' } }],
        ports: [{ port: 80 }],
      },
    ],
  };
  const eps = [makeEndpoints('default'), withPods];

  it('service add/update/delete recomputes the Endpoints of the same name', () => {
    const idx = indexOf('endpoints', eps, opts());
    for (const type of ['add', 'update', 'delete'] as const) expect(primariesToRecompute('endpoints', change('service', type, 'default/web'), opts(), idx)).toEqual(['default/web']);
    expect(primariesToRecompute('endpoints', change('service', 'update', 'default/none'), opts(), idx)).toEqual([]);
  });

  it('a pod update recomputes the Endpoints targeting it only when its phase changed (#11305)', () => {
    const idx = indexOf('endpoints', eps, opts());
    const before = { metadata: { name: 'web-1', namespace: 'default' }, status: { phase: 'Pending' } };
    const after = { metadata: { name: 'web-1', namespace: 'default' }, status: { phase: 'Running' } };
    expect(primariesToRecompute('endpoints', change('pod', 'update', 'default/web-1', before, after), opts(), idx)).toEqual(['default/web']);
    expect(primariesToRecompute('endpoints', change('pod', 'update', 'default/web-1', after, after), opts(), idx)).toEqual([]);
    expect(primariesToRecompute('endpoints', change('pod', 'add', 'default/web-1', undefined, after), opts(), idx)).toEqual([]);
    expect(primariesToRecompute('endpoints', change('pod', 'delete', 'default/web-1', after), opts(), idx)).toEqual([]);
    // Only ready addresses are indexed by pod.
    expect(primariesToRecompute('endpoints', change('pod', 'update', 'default/web-2', before, after), opts(), idx)).toEqual([]);
  });

  it('node changes (attach_metadata.node): only addresses with a target reference are indexed', () => {
    const o = opts({ node: true });
    const idx = indexOf('endpoints', eps, o);
    // TestEndpointsDiscoveryWithUpdatedNodeMetadata: foobar is only an address's nodeName, without
    // target reference: Prometheus does not recompute (its test expects the old labels).
    expect(primariesToRecompute('endpoints', change('node', 'update', 'foobar'), o, idx)).toEqual([]);
    expect(primariesToRecompute('endpoints', change('node', 'update', 'barbaz'), o, idx)).toEqual(['default/testendpoints']);
    expect(primariesToRecompute('endpoints', change('node', 'delete', 'node-a'), o, idx)).toEqual(['default/web']);
    expect(primariesToRecompute('endpoints', change('node', 'update', 'node-b'), o, idx)).toEqual([]);
    expect(primariesToRecompute('endpoints', change('node', 'update', 'barbaz'), opts(), indexOf('endpoints', eps, opts()))).toEqual([]);
  });

  it('namespace updates (attach_metadata.namespace); ReplicaSet and Job changes never', () => {
    const o = opts({ namespace: true, deployment: true, job: true, cronjob: true });
    const idx = indexOf('endpoints', eps, o);
    expect(primariesToRecompute('endpoints', change('namespace', 'update', 'default'), o, idx)).toEqual(['default/testendpoints', 'default/web']);
    expect(primariesToRecompute('endpoints', change('replicaset', 'update', 'default/x'), o, idx)).toEqual([]);
    expect(primariesToRecompute('endpoints', change('job', 'update', 'default/x'), o, idx)).toEqual([]);
  });
});

describe('endpointslice role dependencies (endpointslice.go handlers)', () => {
  const slice = makeEndpointSliceV1('default');
  const podSlice = {
    metadata: { name: 'web-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    endpoints: [{ addresses: ['1.1.1.1'], nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }],
  };
  const slices = [slice, podSlice];

  it('service changes recompute the slices labelled with its name', () => {
    const idx = indexOf('endpointslice', slices, opts());
    expect(primariesToRecompute('endpointslice', change('service', 'update', 'default/testendpoints'), opts(), idx)).toEqual(['default/testendpoints']);
    expect(primariesToRecompute('endpointslice', change('service', 'delete', 'default/web'), opts(), idx)).toEqual(['default/web-x']);
  });

  it('pod changes never recompute slices (no handler)', () => {
    const idx = indexOf('endpointslice', slices, opts());
    const p = (phase: string): KubeObject => ({ metadata: { name: 'web-1', namespace: 'default' }, status: { phase } } as KubeObject);
    expect(primariesToRecompute('endpointslice', change('pod', 'update', 'default/web-1', p('Pending'), p('Running')), opts(), idx)).toEqual([]);
  });

  it('node changes: a Pod reference by nodeName, a Node reference by name; an empty targetRef not at all', () => {
    const o = opts({ node: true });
    const idx = indexOf('endpointslice', slices, o);
    // TestEndpointsSlicesDiscoveryWithUpdatedNodeMetadata expects the old labels for foobar.
    expect(primariesToRecompute('endpointslice', change('node', 'update', 'foobar'), o, idx)).toEqual([]);
    expect(primariesToRecompute('endpointslice', change('node', 'update', 'barbaz'), o, idx)).toEqual(['default/testendpoints']);
    expect(primariesToRecompute('endpointslice', change('node', 'add', 'node-a'), o, idx)).toEqual(['default/web-x']);
  });

  it('namespace updates with attach_metadata.namespace', () => {
    const o = opts({ namespace: true });
    expect(primariesToRecompute('endpointslice', change('namespace', 'update', 'default'), o, indexOf('endpointslice', slices, o))).toEqual(['default/testendpoints', 'default/web-x']);
  });

  it('dependencyKeys of a slice without service label', () => {
    expect(dependencyKeys('endpointslice', { metadata: { name: 'x', namespace: 'n' } }, opts({ node: true }))).toEqual([]);
  });
});

describe('node role and DependencyIndex', () => {
  it('the node role depends on nothing else', () => {
    expect(changedDependencyKeys('node', change('namespace', 'update', 'default'), opts({ node: true, namespace: true }))).toEqual([]);
    expect(primariesToRecompute('node', change('node', 'update', 'n1'), opts(), new DependencyIndex())).toEqual(['n1']);
  });

  it('set replaces a primary’s keys; delete forgets it', () => {
    const idx = new DependencyIndex();
    idx.set('a/p', ['node/n1', 'namespace/a']);
    idx.set('a/q', ['node/n1']);
    expect([...idx.lookup('node/n1')].sort()).toEqual(['a/p', 'a/q']);
    idx.set('a/p', ['node/n2']);
    expect([...idx.lookup('node/n1')]).toEqual(['a/q']);
    expect([...idx.lookup('namespace/a')]).toEqual([]);
    idx.delete('a/q');
    expect([...idx.lookup('node/n1')]).toEqual([]);
    expect(idx.size).toBe(1);
    idx.set('a/p', []);
    expect(idx.size).toBe(0);
  });
});
