/**
 * The fake clusters of `npm run bench:cluster`, in a process of their own so that their memory and
 * CPU are not counted as Vigil's: per cluster a fake API server holding a realistic object mix
 * (namespaces; deployments with their ReplicaSets, statefulsets with PVCs, daemonsets and jobs,
 * and their pods with owners, resources, container statuses and managedFields; services with
 * endpoint slices; nodes with capacity, allocatable, conditions and node info), one HTTPS kubelet
 * on loopback behind every node, and one exporter behind every annotated pod. A control endpoint:
 *   GET  /counts         -> request counts by kind, per cluster
 *   POST /reset          -> zero them
 *   POST /churn?n=N[&cluster=I] -> N pod status updates (a container restart each), spread over the
 *                          clusters (or in cluster I only); answers {updated, ms}
 *   GET  /stats          -> {writesAfterEnd}: watch writes dropped after their response ended (see below)
 * Prints one JSON line {kubeconfig, contexts, namespaces, clusters, control} once ready; clusters[i]
 * says what the cluster holds (nodes, pods, annotatedRunning: the pods the kubernetes-pods job
 * keeps, and the object count of each kind).
 *   node --import tsx bench/cluster/fake.ts '[{"nodes":500,"pods":15000,"annotated":750}]'
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { FakeApiServer, RESOURCES } from '../../src/main/demo/apiserver';
import { CertificateAuthority } from '../../src/main/util/pki';

interface Spec {
  nodes: number;
  pods: number;
  annotated: number;
}

type Obj = Parameters<FakeApiServer['store']['put']>[1];

/**
 * The FakeApiServer's watch writes bookmarks and events without checking that its response is
 * still open: when a watch's timeoutSeconds ends it (res.end()) while its client is slow to read
 * (tens of MB queued after a burst of events), the 'close' that stops the bookmark timer comes
 * only once the queue drains, the next bookmark is a write after end, and the unhandled 'error'
 * kills the process. The benchmark drops such writes and counts them (GET /stats).
 */
let writesAfterEnd = 0;
const write = http.ServerResponse.prototype.write;
http.ServerResponse.prototype.write = function (this: http.ServerResponse, ...args: unknown[]): boolean {
  if (this.writableEnded) {
    writesAfterEnd++;
    return false;
  }
  return (write as (...a: unknown[]) => boolean).apply(this, args);
} as typeof write;

const T0 = '2026-11-01T08:00:00Z';
const managedFields = [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': {} } } }];

function hex(i: number, n: number): string {
  return (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(Math.ceil(n / 8)).slice(0, n);
}

function uid(i: number, salt: number): string {
  const h = hex(i * 31 + salt, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** populate fills one fake API server with a cluster of spec's size. */
function populate(api: FakeApiServer, spec: Spec, kubeletPort: number, appPort: number): { namespaces: string[]; annotatedRunning: number } {
  const s = api.store;
  const nss = Array.from({ length: Math.max(3, Math.min(50, Math.ceil(spec.pods / 300))) }, (_, i) => (i === 0 ? 'kube-system' : `team-${i}`));
  for (const ns of nss) s.put('namespaces', { metadata: { name: ns, uid: uid(nss.indexOf(ns), 1), creationTimestamp: T0, labels: { 'kubernetes.io/metadata.name': ns } }, status: { phase: 'Active' } });
  for (let n = 0; n < spec.nodes; n++) {
    s.put('nodes', {
      metadata: { name: `node-${n}`, uid: uid(n, 2), creationTimestamp: T0, labels: { 'kubernetes.io/hostname': `node-${n}`, 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': `zone-${n % 3}`, 'node.kubernetes.io/instance-type': 'm5.2xlarge' }, managedFields },
      spec: { podCIDR: `10.244.${n % 256}.0/24`, providerID: `aws:///eu-west-1a/i-${hex(n, 17)}` },
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: `node-${n}` }],
        daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
        capacity: { cpu: '8', memory: '32577888Ki', pods: '110', 'ephemeral-storage': '104845292Ki' },
        allocatable: { cpu: '7910m', memory: '31426912Ki', pods: '110', 'ephemeral-storage': '96625420948' },
        conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({ type, status: 'False', lastHeartbeatTime: T0, lastTransitionTime: T0, reason: `Kubelet Has No ${type}`, message: 'ok' })).concat([{ type: 'Ready', status: 'True', lastHeartbeatTime: T0, lastTransitionTime: T0, reason: 'KubeletReady', message: 'kubelet is posting ready status' }]),
        nodeInfo: { machineID: hex(n, 32), systemUUID: uid(n, 3), bootID: uid(n, 4), kernelVersion: '6.1.0-27-cloud-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.22', kubeletVersion: 'v1.35.4', kubeProxyVersion: 'v1.35.4', operatingSystem: 'linux', architecture: 'amd64' },
        images: [{ names: ['registry.example.com/app@sha256:' + hex(n, 64)], sizeBytes: 123456789 }],
      },
    });
  }
  const podsLeft = { n: spec.pods };
  let podIndex = 0;
  let annotatedLeft = spec.annotated;
  let annotatedRunning = 0;
  const addPod = (ns: string, name: string, owner: { kind: string; name: string; uid: string }, labels: Record<string, string>, phase = 'Running'): void => {
    const i = podIndex++;
    const annotated = annotatedLeft-- > 0;
    if (annotated && phase === 'Running') annotatedRunning++;
    const node = `node-${i % spec.nodes}`;
    const c2 = i % 3 === 0;
    const restart = i % 17 === 0 ? 3 : 0;
    const running = phase === 'Running';
    const statuses = [
      { name: 'app', image: 'registry.example.com/app:1.4.2', imageID: 'registry.example.com/app@sha256:' + hex(i, 64), containerID: `containerd://${hex(i, 64)}`, ready: running, started: running, restartCount: restart, state: running ? { running: { startedAt: T0 } } : { terminated: { exitCode: 0, reason: 'Completed', startedAt: T0, finishedAt: T0 } }, ...(restart ? { lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: T0, finishedAt: T0 } } } : {}) },
      ...(c2 ? [{ name: 'proxy', image: 'registry.example.com/proxy:2.0', imageID: 'registry.example.com/proxy@sha256:' + hex(i + 7, 64), containerID: `containerd://${hex(i + 3, 64)}`, ready: running, started: running, restartCount: 0, state: running ? { running: { startedAt: T0 } } : { terminated: { exitCode: 0, reason: 'Completed' } } }] : []),
    ];
    const pod: Obj = {
      metadata: {
        name,
        namespace: ns,
        uid: uid(i, 5),
        creationTimestamp: T0,
        labels,
        annotations: { ...(annotated ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(appPort) } : {}), 'kubectl.kubernetes.io/restartedAt': T0 },
        ownerReferences: [{ apiVersion: owner.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
        managedFields,
      },
      spec: {
        nodeName: node,
        serviceAccountName: 'default',
        priorityClassName: ns === 'kube-system' ? 'system-node-critical' : '',
        containers: [
          { name: 'app', image: 'registry.example.com/app:1.4.2', ports: [{ name: 'metrics', containerPort: annotated ? appPort : 8080, protocol: 'TCP' }], env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'CONFIG', value: 'x'.repeat(60) }], resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }, readinessProbe: { httpGet: { path: '/ready', port: 8080 } } },
          ...(c2 ? [{ name: 'proxy', image: 'registry.example.com/proxy:2.0', ports: [{ name: 'admin', containerPort: 15000 }], resources: { requests: { cpu: '10m', memory: '40Mi' } } }] : []),
        ],
        volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }],
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      },
      status: {
        phase,
        podIP: annotated ? '127.0.0.1' : `10.1.${(i >> 8) & 255}.${i & 255}`,
        podIPs: [{ ip: annotated ? '127.0.0.1' : `10.1.${(i >> 8) & 255}.${i & 255}` }],
        hostIP: `10.0.${(i % spec.nodes) >> 8}.${(i % spec.nodes) & 255}`,
        startTime: T0,
        qosClass: 'Burstable',
        conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: running || type === 'PodScheduled' || type === 'Initialized' ? 'True' : 'False', lastTransitionTime: T0 })),
        containerStatuses: statuses,
      },
    };
    s.put('pods', pod);
    podsLeft.n--;
  };
  // Daemonsets: one pod per node (kube-proxy, a log shipper) as long as pods are left.
  for (const ds of ['kube-proxy', 'log-shipper']) {
    if (podsLeft.n < spec.nodes * 2) break;
    const dsUid = uid(ds.length, 6);
    s.put('daemonsets', { metadata: { name: ds, namespace: 'kube-system', uid: dsUid, creationTimestamp: T0, generation: 1, labels: { 'app.kubernetes.io/name': ds } }, spec: { selector: { matchLabels: { app: ds } } }, status: { currentNumberScheduled: spec.nodes, desiredNumberScheduled: spec.nodes, numberAvailable: spec.nodes, numberMisscheduled: 0, numberReady: spec.nodes, numberUnavailable: 0, updatedNumberScheduled: spec.nodes, observedGeneration: 1 } });
    for (let n = 0; n < spec.nodes; n++) addPod('kube-system', `${ds}-${hex(n, 5)}`, { kind: 'DaemonSet', name: ds, uid: dsUid }, { app: ds, 'controller-revision-hash': '6b7d9f' });
  }
  // Jobs: 3% of the pods, completed.
  const jobs = Math.floor(spec.pods * 0.03);
  for (let j = 0; j < jobs && podsLeft.n > 0; j++) {
    const ns = nss[1 + (j % (nss.length - 1))]!;
    const jUid = uid(j, 7);
    s.put('jobs', { metadata: { name: `report-${j}`, namespace: ns, uid: jUid, creationTimestamp: T0, labels: { 'job-name': `report-${j}` } }, spec: { completions: 1, parallelism: 1 }, status: { succeeded: 1, active: 0, failed: 0, startTime: T0, completionTime: T0, conditions: [{ type: 'Complete', status: 'True' }] } });
    addPod(ns, `report-${j}-${hex(j, 5)}`, { kind: 'Job', name: `report-${j}`, uid: jUid }, { 'job-name': `report-${j}` }, 'Succeeded');
  }
  // Statefulsets of 5 with a PVC each pod.
  const sts = Math.floor((spec.pods * 0.03) / 5);
  for (let k = 0; k < sts && podsLeft.n >= 5; k++) {
    const ns = nss[1 + (k % (nss.length - 1))]!;
    const name = `db-${k}`;
    const sUid = uid(k, 8);
    s.put('statefulsets', { metadata: { name, namespace: ns, uid: sUid, creationTimestamp: T0, generation: 1 }, spec: { replicas: 5, serviceName: name, selector: { matchLabels: { app: name } } }, status: { replicas: 5, readyReplicas: 5, currentReplicas: 5, updatedReplicas: 5, availableReplicas: 5, observedGeneration: 1, currentRevision: `${name}-7c9d`, updateRevision: `${name}-7c9d` } });
    for (let r = 0; r < 5; r++) {
      s.put('persistentvolumeclaims', { metadata: { name: `data-${name}-${r}`, namespace: ns, uid: uid(k * 5 + r, 9), creationTimestamp: T0, labels: { app: name } }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', volumeName: `pvc-${uid(k * 5 + r, 10)}`, resources: { requests: { storage: '20Gi' } } }, status: { phase: 'Bound', capacity: { storage: '20Gi' } } });
      addPod(ns, `${name}-${r}`, { kind: 'StatefulSet', name, uid: sUid }, { app: name, 'statefulset.kubernetes.io/pod-name': `${name}-${r}` });
    }
  }
  // Deployments of 10 replicas (plus an old ReplicaSet scaled to 0 each), and a service each.
  let d = 0;
  while (podsLeft.n > 0) {
    const ns = nss[1 + (d % (nss.length - 1))]!;
    const name = `svc-${d}`;
    const replicas = Math.min(10, podsLeft.n);
    const dUid = uid(d, 11);
    const hash = hex(d, 10);
    s.put('deployments', { metadata: { name, namespace: ns, uid: dUid, creationTimestamp: T0, generation: 3, labels: { app: name } }, spec: { replicas, selector: { matchLabels: { app: name } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } } }, status: { replicas, availableReplicas: replicas, readyReplicas: replicas, updatedReplicas: replicas, unavailableReplicas: 0, observedGeneration: 3, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] } });
    const rsUid = uid(d, 12);
    s.put('replicasets', { metadata: { name: `${name}-${hash}`, namespace: ns, uid: rsUid, creationTimestamp: T0, labels: { app: name, 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: dUid, controller: true }] }, spec: { replicas }, status: { replicas, readyReplicas: replicas, availableReplicas: replicas, fullyLabeledReplicas: replicas, observedGeneration: 1 } });
    s.put('replicasets', { metadata: { name: `${name}-${hex(d + 1, 10)}`, namespace: ns, uid: uid(d, 13), creationTimestamp: T0, labels: { app: name }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: dUid, controller: true }] }, spec: { replicas: 0 }, status: { replicas: 0, observedGeneration: 2 } });
    s.put('services', { metadata: { name, namespace: ns, uid: uid(d, 14), creationTimestamp: T0, labels: { app: name } }, spec: { type: 'ClusterIP', clusterIP: `10.96.${(d >> 8) & 255}.${d & 255}`, clusterIPs: [`10.96.${(d >> 8) & 255}.${d & 255}`], ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { app: name } } });
    const first = podIndex;
    for (let r = 0; r < replicas; r++) addPod(ns, `${name}-${hash}-${hex(podIndex, 5)}`, { kind: 'ReplicaSet', name: `${name}-${hash}`, uid: rsUid }, { app: name, 'pod-template-hash': hash });
    s.put('endpointslices', {
      metadata: { name: `${name}-${hex(d, 5)}`, namespace: ns, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
      addressType: 'IPv4',
      endpoints: Array.from({ length: replicas }, (_, r) => ({ addresses: [`10.1.${((first + r) >> 8) & 255}.${(first + r) & 255}`], conditions: { ready: true, serving: true, terminating: false }, nodeName: `node-${(first + r) % spec.nodes}`, targetRef: { kind: 'Pod', namespace: ns, name: `${name}-${hash}-${hex(first + r, 5)}` } })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    d++;
  }
  return { namespaces: nss, annotatedRunning };
}

async function main(): Promise<void> {
  const specs = JSON.parse(process.argv[2] ?? '[{"nodes":500,"pods":15000,"annotated":750}]') as Spec[];
  // One kubelet (HTTPS, as the node proxy reaches it) and one exporter serve every node and pod.
  const ca = new CertificateAuthority('bench-kubelet-ca');
  const cert = ca.issue({ commonName: 'kubelet', ips: ['127.0.0.1'], usage: 'server' });
  const kubeletBodies: Record<string, string> = {
    '/metrics': '# TYPE kubelet_running_pods gauge\nkubelet_running_pods 30\n# TYPE kubelet_running_containers gauge\nkubelet_running_containers{container_state="running"} 45\n',
    '/metrics/cadvisor': '# TYPE machine_cpu_cores gauge\nmachine_cpu_cores 8\n# TYPE container_cpu_usage_seconds_total counter\ncontainer_cpu_usage_seconds_total{container="",id="/",image="",name="",namespace="",pod=""} 123456.7\n',
    '/metrics/resource': '# TYPE node_cpu_usage_seconds_total counter\nnode_cpu_usage_seconds_total 123456.7\n# TYPE node_memory_working_set_bytes gauge\nnode_memory_working_set_bytes 1.2e+10\n',
    '/metrics/probes': '# TYPE prober_probe_total counter\nprober_probe_total{probe_type="Readiness",result="successful"} 1000\n',
  };
  const kubelet = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const b = kubeletBodies[(req.url ?? '').split('?')[0]!];
    if (b === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(b);
  });
  kubelet.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const app = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 1027\nhttp_requests_total{code="500"} 3\n'));
  app.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const kubeletPort = (kubelet.address() as AddressInfo).port;
  const appPort = (app.address() as AddressInfo).port;
  const apis: FakeApiServer[] = [];
  const namespaces: string[][] = [];
  const clusters: { nodes: number; pods: number; annotatedRunning: number; objects: Record<string, number> }[] = [];
  for (const spec of specs) {
    const api = new FakeApiServer({ recordRequests: false, bookmarkIntervalMs: 60_000 });
    await api.start();
    const p = populate(api, spec, kubeletPort, appPort);
    namespaces.push(p.namespaces);
    clusters.push({ nodes: api.store.count('nodes'), pods: api.store.count('pods'), annotatedRunning: p.annotatedRunning, objects: Object.fromEntries(RESOURCES.map((r) => [r.resource, api.store.count(r.resource)])) });
    apis.push(api);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-cluster-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const contexts = specs.map((_, i) => `bench-${i}`);
  // One kubeconfig, one context per cluster (each fake has its own CA: one cluster entry each).
  const docs = apis.map((a, i) => a.kubeconfig([{ name: contexts[i]!, token: 'admin-token' }]));
  const merged = mergeKubeconfigs(docs, contexts);
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, merged, { mode: 0o600 });
  const control = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && u.pathname === '/reset') {
      for (const a of apis) for (const k of Object.keys(a.counts)) delete a.counts[k];
      res.end('ok');
      return;
    }
    if (req.method === 'POST' && u.pathname === '/churn') {
      const n = Number(u.searchParams.get('n') ?? 1000);
      const only = u.searchParams.get('cluster');
      const targets = only === null ? apis : apis.filter((_, i) => i === Number(only));
      const t0 = performance.now();
      let done = 0;
      for (const a of targets) {
        const pods = a.store.list('pods', '', [], null);
        for (let k = 0; k < Math.ceil(n / targets.length) && done < n; k++, done++) {
          const p = pods[k % pods.length]!;
          const st = p.status as { containerStatuses: { restartCount: number }[] };
          st.containerStatuses[0]!.restartCount++;
          a.store.put('pods', p);
        }
      }
      res.end(JSON.stringify({ updated: done, ms: Math.round(performance.now() - t0) }));
      return;
    }
    if (u.pathname === '/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ writesAfterEnd }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(apis.map((a) => a.counts)));
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  process.stdout.write(JSON.stringify({ kubeconfig, contexts, namespaces, clusters, control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` }) + '\n');
  process.on('SIGTERM', () => process.exit(0));
  // The driver holds our stdin open: when it goes away (even killed), so do we.
  if (!process.stdin.isTTY) {
    process.stdin.on('end', () => process.exit(0));
    process.stdin.on('error', () => process.exit(0));
    process.stdin.resume();
  }
}

/** mergeKubeconfigs joins single-context kubeconfigs (each with a cluster named `fake`) into one. */
function mergeKubeconfigs(docs: string[], contexts: string[]): string {
  const clusters: string[] = [];
  const users: string[] = [];
  const ctxs: string[] = [];
  docs.forEach((d, i) => {
    const server = /server: (.+)/.exec(d)![1]!;
    const ca = /certificate-authority-data: (.+)/.exec(d)![1]!;
    const token = /token: (.+)/.exec(d)![1]!;
    clusters.push(`- name: c${i}`, '  cluster:', `    server: ${server}`, `    certificate-authority-data: ${ca}`);
    users.push(`- name: u${i}`, '  user:', `    token: ${token}`);
    ctxs.push(`- name: ${contexts[i]}`, '  context:', `    cluster: c${i}`, `    user: u${i}`);
  });
  return ['apiVersion: v1', 'kind: Config', `current-context: ${contexts[0]}`, 'clusters:', ...clusters, 'users:', ...users, 'contexts:', ...ctxs].join('\n') + '\n';
}

void main();
