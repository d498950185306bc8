import { describe, expect, it } from 'vitest';
import {
  TRIMMERS,
  endpointSliceTargetGroup,
  endpointsTargetGroup,
  ingressTargetGroup,
  nodeTargetGroup,
  objectIndexFrom,
  podTargetGroup,
  serviceTargetGroup,
  trimEndpointSlice,
  trimEndpoints,
  trimIngress,
  trimJob,
  trimNamespace,
  trimNode,
  trimPod,
  trimReplicaSet,
  trimService,
  type ObjectLists,
  type RoleOptions,
  type TrimKind,
} from '../../../src/main/discovery/kubernetes/roles';
import {
  bloat,
  makeEndpointSliceV1,
  makeEndpoints,
  makeExternalService,
  makeIngress,
  makeInitContainerPods,
  makeLoadBalancerService,
  makeMultiPortPods,
  makeMultiPortService,
  makeNamespace,
  makeNode,
  makeOwned,
  makeOwnedPod,
  makePods,
  makeService,
  opts,
} from './fixtures';

const ALL: RoleOptions = opts({ node: true, namespace: true, deployment: true, job: true, cronjob: true });
const OPTION_SETS: RoleOptions[] = [opts(), ALL, opts({ node: true }), opts({ namespace: true }), opts({ deployment: true, cronjob: true })];

/** A small cluster: the secondary objects every role joins, bloated as the API would send them. */
function cluster(): Required<ObjectLists> {
  const sidecarPod = makePods('default');
  sidecarPod.metadata!.name = 'sidecar';
  sidecarPod.spec!.initContainers = [{ name: 'ic', image: 'ic', ports: [{ name: 'admin', containerPort: 15000, protocol: 'TCP' }] }];
  const rsPod = makeOwnedPod('default', 'ReplicaSet', 'web-abc');
  rsPod.metadata!.name = 'rs-pod';
  const jobPod = makeOwnedPod('default', 'Job', 'job-1');
  jobPod.metadata!.name = 'job-pod';
  return {
    pods: [makePods('default'), makeMultiPortPods(), sidecarPod, rsPod, jobPod].map(bloat),
    services: [{ metadata: { name: 'testendpoints', namespace: 'default', labels: { 'app/name': 'test' } }, spec: { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] } }, makeService('default')].map(bloat),
    nodes: [makeNode('foobar', '10.0.0.1', 'p1', { az: 'a' }, { n: 'x' }), makeNode('barbaz', '10.0.0.2', 'p2', { az: 'b' }), makeNode('testnode', 'fd00::9', 'p3', {}, {}, [{ type: 'Ready', status: 'True' }])].map(bloat),
    namespaces: [makeNamespace('default', { team: 't' }, { 'owner/x': 'o' })].map(bloat),
    replicaSets: [makeOwned('web-abc', 'default', 'Deployment', 'web')].map(bloat),
    jobs: [makeOwned('job-1', 'default', 'CronJob', 'cron')].map(bloat),
  };
}

function trimmedCluster(c: Required<ObjectLists>): ObjectLists {
  return {
    pods: c.pods.map(trimPod),
    services: c.services.map(trimService),
    nodes: c.nodes.map(trimNode),
    namespaces: c.namespaces.map(trimNamespace),
    replicaSets: c.replicaSets.map(trimReplicaSet),
    jobs: c.jobs.map(trimJob),
  };
}

/**
 * JUNK are keys bloat adds that no consumer reads (the node's conditions are all read; creation
 * and start times, generation, resources, node info and container states are read by the
 * kube-state series, test/kubestate/trim.test.ts checks those).
 */
const JUNK = ['managedFields', 'resourceVersion', 'finalizers', 'volumes', 'tolerations', 'env', 'livenessProbe', 'hostPort', 'targetPort', 'nodePort', 'backend', 'hints', 'images', 'qosClass', 'apiVersion', 'sessionAffinity', 'lastTransitionTime'];

function expectNoJunk(o: unknown): void {
  const text = JSON.stringify(o);
  for (const j of JUNK) expect(text, j).not.toContain(`"${j}":`);
  expect(text).not.toContain('hunter2');
  expect(Object.keys(o as object)).not.toContain('kind');
}

describe('trim round-trips: a trimmed object yields the groups of the untrimmed one', () => {
  const c = cluster();
  const fullIndex = objectIndexFrom(c);
  const trimIndex = objectIndexFrom(trimmedCluster(c));

  it('node', () => {
    for (const n of c.nodes) {
      const t = trimNode(n);
      expectNoJunk(t);
      expect(nodeTargetGroup(t)).toEqual(nodeTargetGroup(n));
    }
    const multi = bloat(makeNode('m', '1.1.1.1', 'p'));
    multi.status!.addresses!.push({ type: 'InternalIP', address: '2.2.2.2' }, { type: 'Hostname', address: 'h' }, { type: 'Hostname', address: 'h2' });
    expect(nodeTargetGroup(trimNode(multi))).toEqual(nodeTargetGroup(multi));
    // The first address of each type, then the last InternalIP (kube_node_info's internal_ip).
    expect(trimNode(multi).status!.addresses).toEqual([
      { type: 'InternalIP', address: '1.1.1.1' },
      { type: 'Hostname', address: 'h' },
      { type: 'InternalIP', address: '2.2.2.2' },
    ]);
  });

  it('pod', () => {
    const pods = [...c.pods, bloat(makeInitContainerPods()), bloat({ ...makePods('default'), status: { podIP: '' } })];
    for (const o of OPTION_SETS) {
      for (const p of pods) {
        const t = trimPod(p);
        expectNoJunk(t);
        expect(podTargetGroup(t, o, trimIndex)).toEqual(podTargetGroup(p, o, fullIndex));
      }
    }
  });

  it('service', () => {
    for (const s of [makeService('default'), makeMultiPortService(), makeExternalService(), makeLoadBalancerService()].map(bloat)) {
      const t = trimService(s);
      expectNoJunk(t);
      for (const o of OPTION_SETS) expect(serviceTargetGroup(t, o, trimIndex)).toEqual(serviceTargetGroup(s, o, fullIndex));
    }
  });

  it('endpoints', () => {
    const podBacked = bloat({
      metadata: { name: 'testendpoints', namespace: 'default' },
      subsets: [
        {
          addresses: [
            { ip: '1.2.3.4', nodeName: 'testnode', targetRef: { kind: 'Pod', name: 'testpod', namespace: 'default' } },
            { ip: '1.2.3.5', targetRef: { kind: 'Pod', name: 'sidecar', namespace: 'default' } },
            { ip: '1.2.3.6', nodeName: '', targetRef: { kind: 'Node', name: 'barbaz' } },
          ],
          notReadyAddresses: [{ ip: '1.2.3.7', targetRef: { kind: 'Pod', name: 'rs-pod', namespace: 'default' } }],
          ports: [{ name: 'p', port: 9000, protocol: 'TCP' }, { port: 9001 }],
        },
      ],
    });
    for (const e of [bloat(makeEndpoints('default')), podBacked]) {
      const t = trimEndpoints(e);
      expectNoJunk(t);
      for (const o of OPTION_SETS) expect(endpointsTargetGroup(t, o, trimIndex)).toEqual(endpointsTargetGroup(e, o, fullIndex));
    }
  });

  it('endpointslice', () => {
    const podBacked = bloat({
      metadata: { name: 'pods', namespace: 'default', labels: { 'kubernetes.io/service-name': 'testservice' } },
      addressType: 'IPv4',
      ports: [{ name: 'p', port: 9000, protocol: 'TCP', appProtocol: 'h2c' }, { name: 'noport' }],
      endpoints: [
        { addresses: ['1.2.3.4'], nodeName: 'testnode', targetRef: { kind: 'Pod', name: 'testpod', namespace: 'default' }, conditions: { ready: true } },
        { addresses: ['1.2.3.5', '1.2.3.6'], targetRef: { kind: 'Pod', name: 'job-pod', namespace: 'default' }, conditions: {} },
      ],
    });
    for (const e of [bloat(makeEndpointSliceV1('default')), podBacked]) {
      const t = trimEndpointSlice(e);
      expectNoJunk(t);
      for (const o of OPTION_SETS) expect(endpointSliceTargetGroup(t, o, trimIndex)).toEqual(endpointSliceTargetGroup(e, o, fullIndex));
    }
  });

  it('ingress', () => {
    for (const mode of ['no', 'yes', 'mixed', 'wildcard'] as const) {
      const i = bloat(makeIngress('default', mode));
      (i.spec!.rules as unknown[]).push({ host: 'nohttp.example.com' });
      const t = trimIngress(i);
      expectNoJunk(t);
      for (const o of OPTION_SETS) expect(ingressTargetGroup(t, o, trimIndex)).toEqual(ingressTargetGroup(i, o, fullIndex));
    }
  });

  it('keeps the owner references (kind, name, controller) and only the Ready conditions', () => {
    const p = bloat(makeMultiPortPods());
    p.metadata!.ownerReferences = [{ kind: 'A', name: 'a', apiVersion: 'v1', uid: 'u1' } as never, { kind: 'B', name: 'b', controller: true }, { kind: 'C', name: 'c', controller: true }];
    p.status!.conditions = [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'False' }, { type: 'Ready', status: 'True' }];
    const t = trimPod(p);
    expect(t.metadata!.ownerReferences).toEqual([{ kind: 'A', name: 'a' }, { kind: 'B', name: 'b', controller: true }, { kind: 'C', name: 'c', controller: true }]);
    expect(t.status!.conditions).toEqual([{ type: 'Ready', status: 'False' }, { type: 'Ready', status: 'True' }]);
    expect(podTargetGroup(t, ALL, objectIndexFrom())).toEqual(podTargetGroup(p, ALL, objectIndexFrom()));
  });
});

describe('trim is safe on arbitrary JSON', () => {
  const kinds = Object.keys(TRIMMERS) as TrimKind[];
  const odd: unknown[] = [
    null,
    undefined,
    42,
    'pod',
    [],
    [{}],
    {},
    { metadata: null, spec: 'x', status: [] },
    { metadata: { name: 7, labels: ['a'], annotations: { a: 1, b: null, c: 'ok' }, ownerReferences: 'no' } },
    { spec: { containers: [null, 1, { ports: 'x' }, { ports: [null, { containerPort: 'x' }] }], rules: [null, { http: [] }], ports: [null] }, status: { conditions: {}, addresses: [null, { type: 1 }] } },
    { subsets: [null, { addresses: [null, { targetRef: 'x', nodeName: 3 }], ports: [{}] }], endpoints: [null, { addresses: [1, null, 'a'], conditions: 'x', deprecatedTopology: [] }] },
  ];

  it('returns an object with metadata for any input, and the builders do not throw on it', () => {
    const index = objectIndexFrom();
    for (const k of kinds) {
      for (const raw of odd) {
        const t = TRIMMERS[k](raw) as { metadata?: unknown };
        expect(typeof t).toBe('object');
        expect(t.metadata).toBeTypeOf('object');
      }
    }
    for (const raw of odd) {
      for (const o of OPTION_SETS) {
        expect(() => nodeTargetGroup(trimNode(raw))).not.toThrow();
        expect(() => podTargetGroup(trimPod(raw), o, index)).not.toThrow();
        expect(() => serviceTargetGroup(trimService(raw), o, index)).not.toThrow();
        expect(() => endpointsTargetGroup(trimEndpoints(raw), o, index)).not.toThrow();
        expect(() => endpointSliceTargetGroup(trimEndpointSlice(raw), o, index)).not.toThrow();
        expect(() => ingressTargetGroup(trimIngress(raw), o, index)).not.toThrow();
      }
    }
  });

  it('drops values of the wrong type and keeps the right ones', () => {
    const t = trimPod({ metadata: { name: 'p', namespace: 3, labels: { a: 'x', b: 2 } }, spec: { containers: [null, { name: 'c', ports: [{ containerPort: '80' }, { containerPort: 81 }] }] } });
    expect(t).toEqual({ metadata: { name: 'p', labels: { a: 'x', b: '' } }, spec: { containers: [{}, { name: 'c', ports: [{}, { containerPort: 81 }] }] } });
  });

  it('preserves presence where Go tells absent from empty', () => {
    expect(trimIngress({ spec: { rules: [{ host: 'a', http: {} }, { host: 'b' }] } }).spec!.rules).toEqual([{ host: 'a', http: {} }, { host: 'b' }]);
    expect(trimEndpointSlice({ endpoints: [{ addresses: ['1.1.1.1'], targetRef: {}, hostname: '' }] }).endpoints).toEqual([{ addresses: ['1.1.1.1'], targetRef: {}, hostname: '' }]);
    expect(trimEndpoints({ subsets: [{ addresses: [{ ip: '1.1.1.1', nodeName: '' }] }] }).subsets).toEqual([{ addresses: [{ ip: '1.1.1.1', nodeName: '' }] }]);
  });

  it('survives random JSON', () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const keys = ['metadata', 'spec', 'status', 'name', 'namespace', 'labels', 'containers', 'ports', 'podIP', 'addresses', 'subsets', 'endpoints', 'rules', 'http', 'paths', 'targetRef', 'kind', 'conditions', 'tls', 'hosts', 'port', 'containerPort', 'nodeName', 'Port'];
    const gen = (depth: number): unknown => {
      const r = rnd();
      if (depth > 4 || r < 0.2) return [null, true, 1, 'x', '', 'Pod', 'Node'][Math.floor(rnd() * 7)];
      if (r < 0.4) return Array.from({ length: Math.floor(rnd() * 3) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 4; i++) o[keys[Math.floor(rnd() * keys.length)]!] = gen(depth + 1);
      return o;
    };
    const index = objectIndexFrom();
    for (let i = 0; i < 300; i++) {
      const raw = gen(0);
      expect(() => {
        nodeTargetGroup(trimNode(raw));
        podTargetGroup(trimPod(raw), ALL, index);
        serviceTargetGroup(trimService(raw), ALL, index);
        endpointsTargetGroup(trimEndpoints(raw), ALL, index);
        endpointSliceTargetGroup(trimEndpointSlice(raw), ALL, index);
        ingressTargetGroup(trimIngress(raw), ALL, index);
      }).not.toThrow();
    }
  });
});
