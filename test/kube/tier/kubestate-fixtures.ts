/**
 * The objects of the kube-state parity run (test/kube/tier/kubestate-runner.ts): every family of
 * Vigil's kube-state series in the states kube-state-metrics tells apart. The API server has no
 * controllers and no kubelets, so statuses are written through the /status subresource.
 */
type Json = Record<string, unknown>;

const T0 = '2026-11-30T10:00:00Z';
const T1 = '2026-11-30T10:05:07Z';
const id = (n: string): string => `containerd://${n.padEnd(64, '0')}`;
const sha = (n: string): string => `docker.io/library/${n}@sha256:${'ab'.repeat(32)}`;

/** NAMESPACES are created first (`doomed` is deleted, and stays Terminating without a controller manager). */
export const NAMESPACES = ['team-a', 'team-b', 'doomed'];

/** PRIORITY_CLASS lets a pod name a priority class (admission resolves it). */
export const PRIORITY_CLASS: Json = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 };

/** NODES: a ready node with every kind of resource, an unschedulable one of unknown readiness with two InternalIPs, and one without status. */
export const NODES: Json[] = [
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } },
    spec: { providerID: 'vigil://node-a', podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      addresses: [
        { type: 'InternalIP', address: '198.18.1.1' },
        { type: 'Hostname', address: 'node-a' },
      ],
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: T0, lastTransitionTime: T0 },
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: T0, lastTransitionTime: T0 },
        { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', lastHeartbeatTime: T0, lastTransitionTime: T0 },
      ],
      capacity: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '512Mi', 'hugepages-1Gi': '0', 'nvidia.com/gpu': '2', 'example.com/dongle': '3', 'attachable-volumes-aws-ebs': '25' },
      allocatable: { cpu: '3800m', memory: '7800Mi', pods: '110', 'ephemeral-storage': '95Gi', 'hugepages-2Mi': '512Mi', 'hugepages-1Gi': '0', 'nvidia.com/gpu': '2', 'example.com/dongle': '3', 'attachable-volumes-aws-ebs': '25' },
      nodeInfo: { kernelVersion: '6.1.0-28-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.35.4', kubeProxyVersion: 'v1.35.4', operatingSystem: 'linux', architecture: 'amd64', machineID: 'm-a', systemUUID: '4c4c4544-0042-3010-8057-b4c04f4e4d32', bootID: 'b-a' },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-b' },
    spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    status: {
      addresses: [
        { type: 'InternalIP', address: '198.18.1.2' },
        { type: 'InternalIP', address: '198.18.1.12' },
        { type: 'ExternalIP', address: '203.0.113.7' },
      ],
      conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', lastHeartbeatTime: T0, lastTransitionTime: T0 }],
      capacity: { cpu: '2500m', memory: '3917104Ki', pods: '30' },
      allocatable: { cpu: '2', memory: '3.5Gi', pods: '30' },
      nodeInfo: { kernelVersion: '5.15.0', osImage: 'Ubuntu "22.04" LTS', containerRuntimeVersion: 'cri-o://1.30', kubeletVersion: 'v1.34.1', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'arm64', machineID: '', systemUUID: '', bootID: '' },
    },
  },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-c' } },
];

function ctr(name: string, image: string, resources?: Json, extra: Json = {}): Json {
  return { name, image, ...(resources ? { resources } : {}), ...extra };
}

function status(name: string, image: string, state: Json, o: { ready?: boolean; restarts?: number; last?: Json; started?: boolean } = {}): Json {
  return { name, image, imageID: sha(image.split(':')[0]!), containerID: id(name), ready: o.ready ?? false, restartCount: o.restarts ?? 0, state, ...(o.last ? { lastState: o.last } : {}), ...(o.started !== undefined ? { started: o.started } : {}) };
}

const running = { running: { startedAt: T0 } };
const terminated = (reason: string, exitCode: number): Json => ({ terminated: { exitCode, reason, startedAt: T0, finishedAt: T1 } });
const waiting = (reason: string): Json => ({ waiting: { reason, message: 'x' } });

function owned(kind: string, name: string, controller: boolean | undefined = true): Json {
  const apiVersion = kind === 'Job' ? 'batch/v1' : kind === 'Node' ? 'v1' : 'apps/v1';
  return { apiVersion, kind, name, uid: `0000${name.length}00-1111-2222-3333-444444444444`, ...(controller === undefined ? {} : { controller }) };
}

function pod(ns: string, name: string, spec: Json, st: Json, owners?: Json[], labels: Record<string, string> = {}): Json {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, ...(owners ? { ownerReferences: owners } : {}) }, spec, status: st };
}

const ready = (s: string): Json[] => [
  { type: 'PodScheduled', status: 'True', lastTransitionTime: T0 },
  { type: 'Ready', status: s, lastTransitionTime: T0 },
];

/** PODS: Pending (ContainerCreating), Running and ready, CrashLoopBackOff with restarts after an OOM kill, Succeeded, Failed, init containers, every owner kind and none, host network, priority class, every kind of resource. */
export const PODS: Json[] = [
  pod(
    'team-a',
    'web-5d8f-abcde',
    {
      nodeName: 'node-a',
      priorityClassName: 'high',
      initContainers: [
        ctr('migrate', 'example/migrate:2', { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } }),
        ctr('proxy', 'example/proxy:1', { requests: { cpu: '10m' } }, { restartPolicy: 'Always' }),
      ],
      containers: [
        ctr('app', 'example/web:1.2', {
          requests: { cpu: '250m', memory: '1.5Gi', 'ephemeral-storage': '2Gi', 'nvidia.com/gpu': '1', 'hugepages-2Mi': '4Mi' },
          limits: { cpu: '1500m', memory: '2Gi', 'ephemeral-storage': '4Gi', 'nvidia.com/gpu': '1', 'hugepages-2Mi': '4Mi' },
        }),
        ctr('sidecar', 'example/sidecar:3', { requests: { cpu: '0.1', memory: '100M' }, limits: { memory: '1e9' } }),
      ],
    },
    {
      phase: 'Running',
      hostIP: '198.18.1.1',
      hostIPs: [{ ip: '198.18.1.1' }],
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }],
      startTime: T0,
      conditions: ready('True'),
      initContainerStatuses: [status('migrate', 'example/migrate:2', terminated('Completed', 0), { ready: false }), status('proxy', 'example/proxy:1', running, { ready: true, started: true })],
      containerStatuses: [status('app', 'example/web:1.2', running, { ready: true, started: true }), status('sidecar', 'example/sidecar:3', running, { ready: true, started: true })],
    },
    [owned('ReplicaSet', 'web-5d8f')],
    { app: 'web' },
  ),
  pod(
    'team-a',
    'crash-0',
    { nodeName: 'node-a', containers: [ctr('app', 'example/crash:7', { requests: { cpu: '1', memory: '256Mi' }, limits: { cpu: '2', memory: '256Mi' } })] },
    { phase: 'Running', hostIP: '198.18.1.1', podIP: '10.244.0.6', startTime: T0, conditions: ready('False'), containerStatuses: [status('app', 'example/crash:7', waiting('CrashLoopBackOff'), { restarts: 17, last: terminated('OOMKilled', 137) })] },
    [owned('StatefulSet', 'crash')],
  ),
  pod(
    'team-a',
    'pending-1',
    { nodeName: 'node-b', containers: [ctr('app', 'example/web:1.2')] },
    { phase: 'Pending', hostIP: '198.18.1.2', startTime: T1, conditions: ready('False'), containerStatuses: [status('app', 'example/web:1.2', waiting('ContainerCreating'))] },
    [owned('DaemonSet', 'agent')],
  ),
  pod(
    'team-b',
    'job-1-xyz',
    { nodeName: 'node-a', restartPolicy: 'Never', containers: [ctr('work', 'example/batch:1', { requests: { cpu: '500m', 'example.com/dongle': '1' }, limits: { 'example.com/dongle': '1' } })] },
    { phase: 'Succeeded', hostIP: '198.18.1.1', podIP: '10.244.0.9', startTime: T0, conditions: ready('False'), containerStatuses: [status('work', 'example/batch:1', terminated('Completed', 0))] },
    [owned('Job', 'job-1')],
  ),
  pod(
    'team-b',
    'failed-1',
    { nodeName: 'node-a', restartPolicy: 'Never', containers: [ctr('work', 'example/batch:1'), ctr('helper', 'example/helper:1')] },
    {
      phase: 'Failed',
      hostIP: '198.18.1.1',
      startTime: T0,
      conditions: ready('False'),
      containerStatuses: [status('work', 'example/batch:1', terminated('Error', 1), { last: terminated('Error', 2), restarts: 1 }), status('helper', 'example/helper:1', terminated('OOMKilled', 137))],
    },
    [owned('Node', 'node-a', false), owned('Job', 'job-2', undefined)],
  ),
  pod('team-b', 'bare', { nodeName: 'node-b', hostNetwork: true, containers: [ctr('app', 'example/host:1', { limits: { cpu: '300m', memory: '1Ti' } })] }, { phase: 'Running', hostIP: '198.18.1.2', podIP: '198.18.1.2', startTime: T0, conditions: ready('True'), containerStatuses: [status('app', 'example/host:1', running, { ready: true })] }),
  pod('default', 'unscheduled', { containers: [ctr('app', 'example/web:1.2', { requests: { cpu: '1m', memory: '1' } })] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: T0 }] }),
];

const template = (app: string): Json => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } });

/** DEPLOYMENTS: one available, one progressing with an unknown reason, one paused with no replicas. */
export const DEPLOYMENTS: Json[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('web') },
    status: {
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', lastUpdateTime: T0, lastTransitionTime: T0 },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: T0, lastTransitionTime: T0 },
      ],
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'team-b' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template: template('api') },
    status: { observedGeneration: 1, replicas: 2, unavailableReplicas: 2, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', lastUpdateTime: T0, lastTransitionTime: T0 }, { type: 'Progressing', status: 'Unknown', reason: 'ReplicaSetUpdated', lastUpdateTime: T0, lastTransitionTime: T0 }] },
  },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'idle', namespace: 'team-b' }, spec: { replicas: 0, paused: true, selector: { matchLabels: { app: 'idle' } }, template: template('idle') } },
];

/** REPLICASETS: one owned by its Deployment, one orphan. */
export const REPLICASETS: Json[] = [
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f', namespace: 'team-a', ownerReferences: [{ ...owned('Deployment', 'web'), blockOwnerDeletion: true }] }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template('web') } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'orphan', namespace: 'team-b' }, spec: { replicas: 1, selector: { matchLabels: { app: 'orphan' } }, template: template('orphan') } },
];

/** STATEFULSETS: one rolling (two revisions), one without status. */
export const STATEFULSETS: Json[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'crash', namespace: 'team-a' },
    spec: { replicas: 3, serviceName: 'crash', selector: { matchLabels: { app: 'crash' } }, template: template('crash') },
    status: { observedGeneration: 1, replicas: 3, readyReplicas: 1, currentReplicas: 2, updatedReplicas: 1, availableReplicas: 1, currentRevision: 'crash-6c9f', updateRevision: 'crash-7d8e', collisionCount: 0 },
  },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'team-b' }, spec: { replicas: 1, selector: { matchLabels: { app: 'db' } }, template: template('db') } },
];

/** DAEMONSETS: one part-way through a rollout with a misscheduled pod. */
export const DAEMONSETS: Json[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'team-a' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') },
    status: { currentNumberScheduled: 2, desiredNumberScheduled: 3, numberAvailable: 1, numberMisscheduled: 1, numberReady: 1, numberUnavailable: 2, observedGeneration: 1, updatedNumberScheduled: 1 },
  },
];

const jobTemplate: Json = { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'example/batch:1' }] } };

/** JOBS: succeeded, failed for a known reason (BackoffLimitExceeded), failed for another, active; one owned by a CronJob. */
export const JOBS: Json[] = [
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'job-1', namespace: 'team-b', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: '99999999-1111-2222-3333-444444444444', controller: true }] },
    spec: { template: jobTemplate },
    status: { startTime: T0, completionTime: T1, succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: T1, lastTransitionTime: T1 }, { type: 'Complete', status: 'True', lastProbeTime: T1, lastTransitionTime: T1 }] },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'job-2', namespace: 'team-b' },
    spec: { backoffLimit: 1, template: jobTemplate },
    status: { startTime: T0, failed: 2, conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', lastProbeTime: T1, lastTransitionTime: T1 }, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastProbeTime: T1, lastTransitionTime: T1 }] },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'job-3', namespace: 'team-a' },
    spec: { template: jobTemplate },
    status: { startTime: T0, failed: 3, conditions: [{ type: 'FailureTarget', status: 'True', reason: 'PodFailurePolicy', lastProbeTime: T1, lastTransitionTime: T1 }, { type: 'Failed', status: 'True', reason: 'PodFailurePolicy', lastProbeTime: T1, lastTransitionTime: T1 }] },
  },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job-4', namespace: 'team-a' }, spec: { template: jobTemplate }, status: { startTime: T1, active: 2, failed: 1, ready: 1 } },
];

/** PVCS: bound with a storage class, pending with the beta annotation and Block mode, one with no class at all. */
export const PVCS: Json[] = [
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data-db-0', namespace: 'team-b' },
    spec: { storageClassName: 'fast', volumeName: 'pv-123', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], resources: { requests: { storage: '10Gi' } } },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'scratch', namespace: 'team-a', annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    spec: { volumeMode: 'Block', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1.5Gi' } } },
    status: { phase: 'Pending' },
  },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'plain', namespace: 'team-a' }, spec: { storageClassName: '', accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '500M' } } } },
];

/** SERVICES: ClusterIP, headless, NodePort, LoadBalancer (Local traffic policy, a load balancer IP), ExternalName. */
export const SERVICES: Json[] = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'crash', namespace: 'team-a' }, spec: { clusterIP: 'None', selector: { app: 'crash' }, ports: [{ port: 80 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', namespace: 'team-b' }, spec: { type: 'NodePort', selector: { app: 'api' }, ports: [{ port: 80, nodePort: 30080 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'team-b' }, spec: { type: 'LoadBalancer', loadBalancerIP: '203.0.113.10', externalTrafficPolicy: 'Local', selector: { app: 'api' }, ports: [{ port: 443 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'team-b' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
];

/** COLLECTION is where each kind of fixture is created. */
export function collectionOf(o: Json): string {
  const m = o.metadata as { namespace?: string };
  const ns = m.namespace ?? '';
  switch (o.kind) {
    case 'Node':
      return '/api/v1/nodes';
    case 'Pod':
      return `/api/v1/namespaces/${ns}/pods`;
    case 'Service':
      return `/api/v1/namespaces/${ns}/services`;
    case 'PersistentVolumeClaim':
      return `/api/v1/namespaces/${ns}/persistentvolumeclaims`;
    case 'Deployment':
      return `/apis/apps/v1/namespaces/${ns}/deployments`;
    case 'ReplicaSet':
      return `/apis/apps/v1/namespaces/${ns}/replicasets`;
    case 'StatefulSet':
      return `/apis/apps/v1/namespaces/${ns}/statefulsets`;
    case 'DaemonSet':
      return `/apis/apps/v1/namespaces/${ns}/daemonsets`;
    case 'Job':
      return `/apis/batch/v1/namespaces/${ns}/jobs`;
    case 'PriorityClass':
      return '/apis/scheduling.k8s.io/v1/priorityclasses';
    default:
      throw new Error(`no collection for ${String(o.kind)}`);
  }
}

/** ALL are the fixtures in creation order. */
export const ALL: Json[] = [PRIORITY_CLASS, ...NODES, ...PODS, ...DEPLOYMENTS, ...REPLICASETS, ...STATEFULSETS, ...DAEMONSETS, ...JOBS, ...PVCS, ...SERVICES];
