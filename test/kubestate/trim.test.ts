import { describe, expect, it } from 'vitest';
import { TRIMMERS, trimPod, type TrimKind } from '../../src/main/kube/objects/trim';
import { renderObjects, RESOURCE_NAMES } from '../../src/main/kubestate';
import { render } from './helpers';

const T = '2026-11-30T10:00:00Z';

/** A pod as the API sends it, with everything no consumer reads. */
function fullPod(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-1',
      namespace: 'a',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 1,
      creationTimestamp: T,
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"blob"}' },
      managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }],
      finalizers: ['x/y'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: 'n1',
      serviceAccountName: 'default',
      volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      tolerations: [{ key: 'k', operator: 'Exists' }],
      affinity: { nodeAffinity: {} },
      containers: [
        {
          name: 'app',
          image: 'web:1',
          command: ['/bin/web'],
          args: ['--port=8080'],
          env: [{ name: 'SECRET', value: 'hunter2' }],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
          volumeMounts: [{ name: 'token', mountPath: '/var/run' }],
          securityContext: { runAsNonRoot: true },
        },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: '10.0.0.1',
      podIP: '10.1.0.1',
      podIPs: [{ ip: '10.1.0.1' }],
      qosClass: 'Burstable',
      startTime: T,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: T },
        { type: 'Ready', status: 'True', lastTransitionTime: T, message: 'all good' },
      ],
      containerStatuses: [
        {
          name: 'app',
          image: 'web:1',
          imageID: 'sha',
          containerID: 'containerd://c',
          ready: true,
          started: true,
          restartCount: 2,
          state: { running: { startedAt: T } },
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, message: 'killed', startedAt: T, finishedAt: T } },
          allocatedResources: { cpu: '100m' },
          volumeMounts: [{ name: 'token', mountPath: '/var/run' }],
        },
      ],
    },
  };
}

const JUNK = ['managedFields', 'finalizers', 'resourceVersion', 'volumes', 'tolerations', 'affinity', 'command', 'args', 'env', 'hunter2', 'livenessProbe', 'volumeMounts', 'securityContext', 'serviceAccountName', 'qosClass', 'podIPs', 'lastTransitionTime', 'message', 'startedAt', 'finishedAt', 'exitCode', 'allocatedResources', 'started', 'blockOwnerDeletion', 'apiVersion', 'PodScheduled'];

describe('trimming for the kube-state series', () => {
  it('keeps what the series read and nothing of the rest', () => {
    const t = trimPod(fullPod());
    const text = JSON.stringify(t);
    for (const j of JUNK) expect(text, j).not.toContain(`"${j}"`);
    expect(text).not.toContain('hunter2');
    expect(t.metadata!.creationTimestamp).toBe(1796032800);
    expect(t.status!.startTime).toBe(1796032800);
    expect(t.metadata!.ownerReferences).toEqual([{ kind: 'ReplicaSet', name: 'web-5d8f', controller: true }]);
    expect(t.spec!.containers![0]!.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(t.status!.containerStatuses![0]).toEqual({ name: 'app', containerID: 'containerd://c', image: 'web:1', imageID: 'sha', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled' } } });
  });

  it('a trimmed object yields the series of the untrimmed one', () => {
    const full = fullPod();
    // What the series read, and nothing else: the same text must come out.
    const minimal = {
      metadata: { name: 'web-1', namespace: 'a', uid: 'u-1', creationTimestamp: T, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f', controller: true }] },
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'web:1', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }] },
      status: { phase: 'Running', hostIP: '10.0.0.1', podIP: '10.1.0.1', startTime: T, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', image: 'web:1', imageID: 'sha', containerID: 'containerd://c', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled' } } }] },
    };
    const a = render('pods', [full]);
    expect(a.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length).toBeGreaterThan(20);
    expect(a).toBe(render('pods', [minimal]));
    // A field the series read changes the output (the comparison is not vacuous).
    (minimal.status.containerStatuses[0] as { restartCount: number }).restartCount = 3;
    expect(a).not.toBe(render('pods', [minimal]));
  });

  it('is safe on arbitrary JSON for every kind, and renders it without throwing', () => {
    const odd: unknown[] = [null, 42, 'x', [], {}, { metadata: null, spec: 'x', status: [] }, { metadata: { creationTimestamp: 5, generation: 'x', ownerReferences: [null, 1, { controller: 'yes' }] } }, { spec: { replicas: 'x', containers: [null, { resources: { requests: { cpu: 1, memory: null, x: 'bad' } } }] }, status: { containerStatuses: [{ state: { waiting: 'x', running: 1, terminated: null } }], conditions: 'x', capacity: [], startTime: 'yesterday', nodeInfo: 7 } }];
    const kinds = Object.keys(TRIMMERS) as TrimKind[];
    const byResource: Record<string, TrimKind> = { daemonsets: 'daemonset', deployments: 'deployment', jobs: 'job', namespaces: 'namespace', nodes: 'node', persistentvolumeclaims: 'persistentvolumeclaim', pods: 'pod', replicasets: 'replicaset', services: 'service', statefulsets: 'statefulset' };
    for (const k of kinds) for (const raw of odd) expect(() => TRIMMERS[k](raw)).not.toThrow();
    for (const r of RESOURCE_NAMES) {
      const objs = odd.map((raw) => TRIMMERS[byResource[r]!](raw));
      expect(() => renderObjects({ [r]: [objs] }), r).not.toThrow();
    }
    // A numeric quantity (hand-written JSON) reads as its decimal form; other values are dropped.
    const t = trimPod({ spec: { containers: [{ name: 'c', resources: { requests: { cpu: 1, memory: null, x: 'bad' } } }] } });
    expect(t.spec!.containers![0]!.resources).toEqual({ requests: { cpu: '1', x: 'bad' } });
    expect(render('pods', [{ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { requests: { cpu: 1, x: 'bad' } } }] } }])).toContain('resource="cpu",unit="core"} 1\n');
  });
});
