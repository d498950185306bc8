/**
 * `npm run bench:kubestate`: what the kube-state series cost on a big cluster.
 *
 * 1. Memory: V8 heap (after GC) per trimmed object held as an informer holds it (a Map by
 *    namespace/name), for 15,000 pods and 500 nodes decoded from realistic API JSON (managed
 *    fields, env, volumes, probes, statuses), next to the untrimmed objects for comparison.
 * 2. Render: the whole exposition of those 15,000 pods and 500 nodes as a Buffer (lines, bytes),
 *    the first render (base labels computed) and later ones (cached), median of seven.
 *
 * Run with `node --expose-gc` (the npm script does). Options: --pods N (15000), --nodes N (500).
 */
import { trimNode, trimPod } from '../src/main/kube/objects/trim';
import { renderObjects } from '../src/main/kubestate';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const PODS = arg('pods', 15_000);
const NODES = arg('nodes', 500);

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:kubestate does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const hex = (i: number, n: number): string => i.toString(16).padStart(n, '0');
const T = '2026-11-30T10:00:00Z';

/** rawPod is pod i as the API sends it (JSON text, decoded by the caller as the informer does). */
function rawPod(i: number): string {
  // 300 Deployments of 50 replicas in 40 namespaces: the pods of one share their ReplicaSet, labels and images.
  const d = i % 300;
  const ns = `team-${d % 40}`;
  const app = `svc-${d}`;
  const hash = hex(d * 7919, 10);
  const name = `${app}-${hash}-${hex(i, 5)}`;
  const node = `node-${i % NODES}`;
  const crash = i % 50 === 0;
  const containers = [
    { name: 'app', image: `registry.example.com/${app}:1.${d % 9}`, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'DB_URL', value: `postgres://db.${ns}:5432/app` }, { name: 'LOG_LEVEL', value: 'info' }], resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }, livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 }, readinessProbe: { httpGet: { path: '/ready', port: 8080 } }, volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }], terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent' },
    ...(d % 3 === 0 ? [{ name: 'sidecar', image: 'registry.example.com/proxy:2.4', resources: { requests: { cpu: '50m', memory: '64Mi' } }, volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }] : []),
  ];
  const status = (c: { name: string; image: string }, j: number): unknown => ({ name: c.name, image: c.image, imageID: `${c.image.split(':')[0]}@sha256:${hex(d * 31 + j, 64)}`, containerID: `containerd://${hex(i * 131 + j, 64)}`, ready: !crash, started: !crash, restartCount: crash ? 12 : 0, state: crash ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } } : { running: { startedAt: T } }, ...(crash ? { lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T, finishedAt: T } } } : {}) });
  return JSON.stringify({
    metadata: {
      name,
      generateName: `${app}-${hash}-`,
      namespace: ns,
      uid: `${hex(i, 8)}-1111-4222-8333-${hex(i * 17, 12)}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: T,
      labels: { app, 'pod-template-hash': hash, 'app.kubernetes.io/part-of': ns },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: `${hex(d, 8)}-2222-4222-8333-444444444444`, controller: true, blockOwnerDeletion: true }],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: T, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {}, 'f:ownerReferences': {} }, 'f:spec': { 'f:containers': {} } } }, { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: T, fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {} } } }],
    },
    spec: { volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt' } }] } }], containers, restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', nodeName: node, securityContext: {}, schedulerName: 'default-scheduler', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority' },
    status: {
      phase: 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: crash && type.includes('Ready') ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: T })),
      hostIP: `10.0.${(i % NODES) >> 8}.${(i % NODES) & 255}`,
      hostIPs: [{ ip: `10.0.${(i % NODES) >> 8}.${(i % NODES) & 255}` }],
      podIP: `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
      podIPs: [{ ip: `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}` }],
      startTime: T,
      containerStatuses: containers.map(status),
      qosClass: 'Burstable',
    },
  });
}

function rawNode(i: number): string {
  const name = `node-${i}`;
  return JSON.stringify({
    metadata: { name, uid: `${hex(i, 8)}-0000-4000-8000-000000000000`, resourceVersion: String(i), creationTimestamp: T, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'm6i.2xlarge', 'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}` }, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' }, managedFields: [{ manager: 'kubelet', operation: 'Update', time: T, fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } }] },
    spec: { podCIDR: `10.64.${i}.0/24`, podCIDRs: [`10.64.${i}.0/24`], providerID: `aws:///eu-west-1a/i-${hex(i, 17)}` },
    status: {
      capacity: { cpu: '8', 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '32386544Ki', pods: '110' },
      allocatable: { cpu: '7910m', 'ephemeral-storage': '95551679124', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '31369712Ki', pods: '110' },
      conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({ type, status: type === 'Ready' ? 'True' : 'False', lastHeartbeatTime: T, lastTransitionTime: T, reason: `Kubelet${type}`, message: `kubelet reports ${type}` })),
      addresses: [{ type: 'InternalIP', address: `10.0.${i >> 8}.${i & 255}` }, { type: 'InternalDNS', address: `ip-10-0-${i >> 8}-${i & 255}.eu-west-1.compute.internal` }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: { machineID: hex(i, 32), systemUUID: `ec2${hex(i, 5)}-0000-0000-0000-000000000000`, bootID: hex(i * 3, 32), kernelVersion: '6.1.112-124.190.amzn2023.x86_64', osImage: 'Amazon Linux 2023.6.20241031', containerRuntimeVersion: 'containerd://1.7.23', kubeletVersion: 'v1.35.4-eks-94953ac', kubeProxyVersion: 'v1.35.4-eks-94953ac', operatingSystem: 'linux', architecture: 'amd64' },
      images: Array.from({ length: 20 }, (_, j) => ({ names: [`registry.example.com/img-${j}@sha256:${hex(j, 64)}`, `registry.example.com/img-${j}:1`], sizeBytes: 1e8 + j })),
    },
  });
}

/** hold keeps n objects in a Map as an informer store does, returning the heap they take. */
function hold(n: number, make: (i: number) => object): { map: Map<string, object>; bytes: number } {
  const before = gcHeap();
  const map = new Map<string, object>();
  for (let i = 0; i < n; i++) map.set(`k/${i}`, make(i));
  const bytes = gcHeap() - before;
  return { map, bytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmtB = (b: number): string => `${Math.round(b).toLocaleString('en')} B`;
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

function main(): void {
  console.log(`kube-state bench: ${PODS.toLocaleString('en')} pods, ${NODES} nodes (Node ${process.version})`);
  const rawBytes = rawPod(1).length;
  const raw = hold(Math.min(PODS, 3000), (i) => JSON.parse(rawPod(i)) as object);
  const rawPer = raw.bytes / raw.map.size;
  raw.map.clear();
  const pods = hold(PODS, (i) => trimPod(JSON.parse(rawPod(i))));
  const nodes = hold(NODES, (i) => trimNode(JSON.parse(rawNode(i))));
  console.log(`memory: ${fmtB(pods.bytes / PODS)} of V8 heap per trimmed pod held (${mb(pods.bytes)} for ${PODS.toLocaleString('en')}; untrimmed ${fmtB(rawPer)}, JSON ${fmtB(rawBytes)}), ${fmtB(nodes.bytes / NODES)} per trimmed node`);

  const input = { pods: [[...pods.map.values()]], nodes: [[...nodes.map.values()]] };
  const bases = new WeakMap<object, string>();
  let t0 = performance.now();
  const body = renderObjects(input, bases);
  const first = performance.now() - t0;
  let lines = 0;
  for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, i + 1)) lines++;
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    t0 = performance.now();
    renderObjects(input, bases, body.length);
    times.push(performance.now() - t0);
  }
  const heapWithCache = gcHeap();
  console.log(`render (to a Buffer): ${lines.toLocaleString('en')} lines, ${mb(body.length)}; first ${first.toFixed(0)} ms (base labels computed), then median ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}); ${(lines / (median(times) / 1000) / 1e6).toFixed(2)} M lines/s`);
  console.log(`heap after rendering (base-label cache included): ${mb(heapWithCache)}`);
}

main();
