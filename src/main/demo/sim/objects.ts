/**
 * The Kubernetes objects of a demo cluster at one time, as the API server would return them:
 * namespaces, nodes (capacity, allocatable, conditions, taints, nodeInfo, addresses, daemon
 * endpoints), Deployments -> ReplicaSets -> Pods, StatefulSets with their claims, DaemonSets,
 * a CronJob -> Jobs -> Pods, Services with Endpoints and EndpointSlices. Every field is a function
 * of the simulation and the time, so two calls at the same time give the same objects and a
 * change between two times is a real event (a pod created, a container restarted, a node NotReady).
 */
import type { KubeObj } from '../apiserver/store';
import { hexOf, suffixOf, uidOf } from './hash';
import { ClusterSim, type PodInstance } from './sim';
import { GRACE_S, PENDING_S, type ContainerSpec, type NodeSpec, type ServiceSpec, type WorkloadSpec } from './spec';

/** READY_DELAY_S is how long after its start a probed container turns ready. */
export const READY_DELAY_S = 4;

const MiB = 1024 ** 2;

/** iso renders a time (seconds) as a Kubernetes timestamp. */
export function iso(s: number): string {
  return new Date(Math.floor(s) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** cpuQuantity renders cores as a Kubernetes quantity ("250m", "2"). */
export function cpuQuantity(cores: number): string {
  const m = Math.round(cores * 1000);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** memQuantity renders bytes as a Kubernetes quantity ("256Mi", "1Gi", "16318592Ki"). */
export function memQuantity(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}Gi`;
  if (bytes % MiB === 0) return `${bytes / MiB}Mi`;
  if (bytes % 1024 === 0) return `${bytes / 1024}Ki`;
  return String(Math.round(bytes));
}

/** ObjectsByResource holds a snapshot's objects per resource (the fake API server's names). */
export type ObjectsByResource = Map<string, KubeObj[]>;

/** SnapshotOptions are what the objects need from outside the simulation. */
export interface SnapshotOptions {
  /** apiServer is the API server's address (the `kubernetes` Service's endpoint). */
  apiServer?: { ip: string; port: number };
}

function owner(apiVersion: string, kind: string, name: string, uid: string): Record<string, unknown> {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** imageId returns the digest reference of an image (what the runtime reports as imageID). */
export function imageId(image: string): string {
  const repo = image.replace(/:[^/:]+$/, '');
  return `${repo}@sha256:${hexOf(64, 'image', image)}`;
}

/** nodeCapacity is what a node's kubelet reports as capacity and allocatable. */
export function nodeCapacity(n: NodeSpec): { cpu: number; mem: number; allocCpu: number; allocMem: number; pods: number; disk: number; allocDisk: number } {
  const mem = Math.floor((n.memBytes * 0.975) / 1024) * 1024;
  return { cpu: n.cpus, mem, allocCpu: n.cpus - 0.08, allocMem: mem - 300 * MiB, pods: 110, disk: n.diskBytes, allocDisk: Math.floor(n.diskBytes * 0.9) };
}

/** Snapshot builds the objects at one time. */
export class Snapshot {
  readonly pods: PodInstance[];
  private readonly out: ObjectsByResource = new Map();

  constructor(
    readonly sim: ClusterSim,
    readonly s: number,
    private readonly o: SnapshotOptions = {},
  ) {
    this.pods = sim.podsAt(s);
  }

  private add(resource: string, obj: KubeObj): void {
    let l = this.out.get(resource);
    if (!l) this.out.set(resource, (l = []));
    l.push(obj);
  }

  /** objects returns every object of the cluster at the time, by resource. */
  objects(): ObjectsByResource {
    const { sim, s } = this;
    const era = sim.era(s);
    for (const ns of sim.spec.namespaces) {
      this.add('namespaces', {
        metadata: { name: ns, uid: uidOf(sim.spec.key, 'ns', ns, era.index), creationTimestamp: iso(era.start + (ns.startsWith('kube-') || ns === 'default' ? 0 : 50)), labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
    for (const n of sim.spec.nodes) this.add('nodes', this.node(n));
    for (const p of this.pods) this.add('pods', this.pod(p));
    for (const w of sim.spec.workloads) this.workload(w);
    this.apiService();
    return this.out;
  }

  private node(n: NodeSpec): KubeObj {
    const { sim, s } = this;
    const era = sim.era(s);
    const cap = nodeCapacity(n);
    const outage = sim.outageAt(n, s);
    const changed = iso(sim.lastReadyChange(n, s));
    // The kubelet posts its status every 5 minutes (the node lease says it is alive in between).
    const heartbeat = iso(outage ? outage.start : Math.max(era.start, Math.floor(s / 300) * 300));
    const cond = (type: string, ok: string, reason: string, message: string): Record<string, unknown> =>
      outage?.status === 'Unknown'
        ? { type, status: 'Unknown', lastHeartbeatTime: heartbeat, lastTransitionTime: iso(outage.start + 40), reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }
        : { type, status: ok, lastHeartbeatTime: heartbeat, lastTransitionTime: iso(era.start), reason, message };
    const ready =
      outage?.status === 'Unknown'
        ? cond('Ready', 'Unknown', '', '')
        : outage
          ? { type: 'Ready', status: 'False', lastHeartbeatTime: heartbeat, lastTransitionTime: changed, reason: 'KubeletNotReady', message: `PLEG is not healthy: pleg was last seen active 3m${10 + (n.index % 40)}s ago; threshold is 3m0s` }
          : { type: 'Ready', status: 'True', lastHeartbeatTime: heartbeat, lastTransitionTime: changed, reason: 'KubeletReady', message: 'kubelet is posting ready status' };
    const taintKey = outage?.status === 'Unknown' ? 'node.kubernetes.io/unreachable' : 'node.kubernetes.io/not-ready';
    const taints = outage
      ? [
          { key: taintKey, effect: 'NoSchedule', timeAdded: iso(outage.start + 40) },
          { key: taintKey, effect: 'NoExecute', timeAdded: iso(outage.start + 40) },
        ]
      : undefined;
    const images = [...new Set(this.pods.filter((p) => p.node === n).flatMap((p) => p.w.containers.map((c) => c.image)))].sort();
    return {
      metadata: {
        name: n.name,
        uid: uidOf(sim.spec.key, 'node', n.name, era.index),
        creationTimestamp: iso(era.start),
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/instance-type': n.instanceType,
          'beta.kubernetes.io/os': 'linux',
          'failure-domain.beta.kubernetes.io/region': n.region,
          'failure-domain.beta.kubernetes.io/zone': n.zone,
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': n.name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': n.instanceType,
          'topology.kubernetes.io/region': n.region,
          'topology.kubernetes.io/zone': n.zone,
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: { podCIDR: n.podCidr, podCIDRs: [n.podCidr], providerID: `demo://${sim.spec.context}/${n.zone}/${n.name}`, ...(taints ? { taints } : {}) },
      status: {
        capacity: { cpu: cpuQuantity(cap.cpu), 'ephemeral-storage': memQuantity(cap.disk), 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: memQuantity(cap.mem), pods: String(cap.pods) },
        allocatable: { cpu: cpuQuantity(cap.allocCpu), 'ephemeral-storage': String(cap.allocDisk), 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: memQuantity(cap.allocMem), pods: String(cap.pods) },
        conditions: [
          cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
          cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
          cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
          ready,
        ],
        addresses: [
          { type: 'InternalIP', address: n.ip },
          { type: 'Hostname', address: n.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: hexOf(32, sim.spec.key, 'machine', n.name),
          systemUUID: uidOf(sim.spec.key, 'system', n.name),
          bootID: uidOf(sim.spec.key, 'boot', n.name, era.index),
          kernelVersion: '6.1.0-28-cloud-amd64',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          containerRuntimeVersion: 'containerd://1.7.24',
          kubeletVersion: sim.spec.kubeletVersion,
          kubeProxyVersion: sim.spec.kubeletVersion,
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        images: [...images, 'registry.k8s.io/pause:3.10'].map((i) => ({ names: [imageId(i), i], sizeBytes: 1_000_000 + (parseInt(hexOf(6, 'size', i), 16) % 90_000_000) })),
      },
    };
  }

  /** podReady tells whether a pod counts as ready at the time, and since when its readiness holds. */
  podReady(p: PodInstance): { ready: boolean; containersReady: boolean; since: number } {
    const { sim, s } = this;
    let containersReady = p.w.containers.length > 0;
    let since = p.created + PENDING_S;
    for (const c of p.w.containers) {
      const st = sim.containerAt(p, c, s);
      const delay = c.probe ? READY_DELAY_S : 0;
      if (!st.run || s < st.run.start + delay) containersReady = false;
      if (st.run) since = Math.max(since, s < st.run.start + delay ? st.run.start : st.run.start + delay);
      if (st.last) since = Math.max(since, st.last.end);
      if (st.terminated) since = Math.max(since, st.terminated.end);
    }
    const outage = sim.outageAt(p.node, s);
    const terminating = s >= p.deleting;
    if (outage) since = Math.max(since, outage.start + 40 > s ? outage.start : outage.start + 40);
    else {
      const last = sim.lastReadyChange(p.node, s);
      if (last > p.created) since = Math.max(since, last);
    }
    if (terminating) since = Math.max(since, p.deleting);
    const ready = containersReady && !terminating && !(outage && s >= outage.start + 40);
    return { ready, containersReady, since: Math.min(since, s) };
  }

  private containerSpec(c: ContainerSpec, w: WorkloadSpec): Record<string, unknown> {
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    if (c.cpuRequest !== null) requests.cpu = cpuQuantity(c.cpuRequest);
    if (c.memRequest !== null) requests.memory = memQuantity(c.memRequest);
    if (c.cpuLimit !== null) limits.cpu = cpuQuantity(c.cpuLimit);
    if (c.memLimit !== null) limits.memory = memQuantity(c.memLimit);
    const probe = c.probe ? { httpGet: { path: c.probe.path, port: c.probe.port, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } : null;
    return {
      name: c.name,
      image: c.image,
      imagePullPolicy: 'IfNotPresent',
      ...(c.args ? { args: c.args } : {}),
      ...(c.ports.length ? { ports: c.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol, ...(p.hostPort ? { hostPort: p.hostPort } : {}) })) } : {}),
      resources: { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) },
      ...(probe ? { livenessProbe: { ...probe, initialDelaySeconds: 10 }, readinessProbe: probe } : {}),
      ...(w.pvc ? { volumeMounts: [{ name: w.pvc.name, mountPath: `/var/lib/${w.name}` }] } : {}),
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    };
  }

  private podSpec(w: WorkloadSpec, p: PodInstance | null, nodeName?: string): Record<string, unknown> {
    const tolerations = w.tolerateAll
      ? [{ operator: 'Exists' }]
      : [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ];
    const priority = w.priorityClassName === 'system-node-critical' ? 2000001000 : w.priorityClassName === 'system-cluster-critical' ? 2000000000 : 0;
    return {
      containers: w.containers.map((c) => this.containerSpec(c, w)),
      ...(nodeName ? { nodeName } : {}),
      serviceAccountName: w.serviceAccount,
      serviceAccount: w.serviceAccount,
      restartPolicy: w.kind === 'CronJob' ? 'Never' : 'Always',
      dnsPolicy: w.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority,
      ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
      ...(w.hostNetwork ? { hostNetwork: true, hostPID: w.name === 'node-exporter' } : {}),
      tolerations,
      ...(w.pvc && p ? { volumes: [{ name: w.pvc.name, persistentVolumeClaim: { claimName: `${w.pvc.name}-${p.name}` } }] } : {}),
      ...(w.kind === 'StatefulSet' && p ? { hostname: p.name, subdomain: w.service?.name ?? w.name } : {}),
    };
  }

  private templateLabels(w: WorkloadSpec, p: PodInstance | null, revision: number): Record<string, string> {
    const { sim, s } = this;
    const era = sim.era(s);
    const hash = sim.templateHash(w, era, revision);
    const l: Record<string, string> = { ...w.selector, ...w.labels };
    if (w.kind === 'Deployment') l['pod-template-hash'] = hash;
    if (w.kind === 'StatefulSet') {
      l['controller-revision-hash'] = `${w.name}-${hash}`;
      if (p) {
        l['statefulset.kubernetes.io/pod-name'] = p.name;
        l['apps.kubernetes.io/pod-index'] = String(p.replica);
      }
    }
    if (w.kind === 'DaemonSet') {
      l['controller-revision-hash'] = hash;
      l['pod-template-generation'] = String(revision + 1);
    }
    if (w.kind === 'CronJob' && p?.job) {
      l['batch.kubernetes.io/controller-uid'] = p.job.uid;
      l['batch.kubernetes.io/job-name'] = p.job.name;
      l['controller-uid'] = p.job.uid;
      l['job-name'] = p.job.name;
    }
    return l;
  }

  private pod(p: PodInstance): KubeObj {
    const { sim, s } = this;
    const w = p.w;
    const sandbox = sim.podRunning(p, s) || (p.job !== undefined && s >= p.job.completes);
    const statuses = w.containers.map((c) => {
      const st = sim.containerAt(p, c, s);
      const term = (r: NonNullable<typeof st.last>): Record<string, unknown> => ({ terminated: { exitCode: r.exit?.code ?? 0, reason: r.exit?.reason ?? 'Completed', startedAt: iso(r.start), finishedAt: iso(r.end), containerID: `containerd://${r.id}` } });
      let state: Record<string, unknown>;
      if (st.run) state = { running: { startedAt: iso(st.run.start) } };
      else if (st.terminated) state = term(st.terminated);
      else if (st.waiting === 'CrashLoopBackOff' && st.last)
        state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(st.last.next - st.last.end) >= 60 ? `${Math.round((st.last.next - st.last.end) / 60)}m0s` : `${Math.round(st.last.next - st.last.end)}s`} restarting failed container=${c.name} pod=${p.name}_${w.namespace}(${p.uid})` } };
      else state = { waiting: { reason: 'ContainerCreating' } };
      const shown = st.run ?? st.terminated ?? st.last;
      const ready = st.run !== null && s >= st.run.start + (c.probe ? READY_DELAY_S : 0);
      return {
        name: c.name,
        image: c.image,
        imageID: st.run || st.last || st.terminated ? imageId(c.image) : '',
        ...(shown ? { containerID: `containerd://${shown.id}` } : {}),
        ready,
        started: st.run !== null,
        restartCount: st.restarts,
        state,
        lastState: st.last && (st.run || st.waiting === 'CrashLoopBackOff') ? term(st.last) : {},
      };
    });
    const r = this.podReady(p);
    const completed = p.job !== undefined && s >= p.job.completes;
    const phase = completed ? 'Succeeded' : s < p.created + PENDING_S ? 'Pending' : 'Running';
    const condition = (type: string, status: boolean, since: number, reason?: string): Record<string, unknown> => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: iso(since), ...(reason ? { reason } : {}) });
    const conditions = [
      condition('PodReadyToStartContainers', sandbox && !completed, completed ? p.job!.completes : p.created + PENDING_S / 2),
      condition('Initialized', true, p.created, completed ? 'PodCompleted' : undefined),
      condition('Ready', r.ready, r.since, completed ? 'PodCompleted' : r.ready ? undefined : 'ContainersNotReady'),
      condition('ContainersReady', r.containersReady, r.since, completed ? 'PodCompleted' : r.containersReady ? undefined : 'ContainersNotReady'),
      condition('PodScheduled', true, p.created),
    ];
    const qos = w.containers.every((c) => c.cpuRequest === null && c.memRequest === null && c.cpuLimit === null && c.memLimit === null)
      ? 'BestEffort'
      : w.containers.every((c) => c.cpuLimit !== null && c.memLimit !== null && c.cpuLimit === c.cpuRequest && c.memLimit === c.memRequest)
        ? 'Guaranteed'
        : 'Burstable';
    const ownerApi = p.ownerKind === 'Job' ? 'batch/v1' : 'apps/v1';
    const generateName = w.kind === 'StatefulSet' ? `${w.name}-` : `${p.ownerName}-`;
    return {
      metadata: {
        name: p.name,
        generateName,
        namespace: w.namespace,
        uid: p.uid,
        creationTimestamp: iso(p.created),
        labels: this.templateLabels(w, p, p.revision),
        ...(w.podAnnotations ? { annotations: { ...w.podAnnotations } } : {}),
        ownerReferences: [owner(ownerApi, p.ownerKind, p.ownerName, p.ownerUid)],
        ...(s >= p.deleting ? { deletionTimestamp: iso(p.deleting + 30), deletionGracePeriodSeconds: 30 } : {}),
      },
      spec: this.podSpec(w, p, p.node.name),
      status: {
        phase,
        conditions,
        hostIP: p.node.ip,
        hostIPs: [{ ip: p.node.ip }],
        ...(sandbox ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
        startTime: iso(p.created),
        containerStatuses: statuses,
        qosClass: qos,
      },
    };
  }

  /** podsOf lists a workload's pods in the snapshot. */
  podsOf(w: WorkloadSpec): PodInstance[] {
    return this.pods.filter((p) => p.w === w);
  }

  private counts(pods: PodInstance[]): { total: number; ready: number; live: number } {
    const live = pods.filter((p) => this.s < p.deleting);
    return { total: pods.length, live: live.length, ready: live.filter((p) => this.podReady(p).ready).length };
  }

  private template(w: WorkloadSpec, revision: number): Record<string, unknown> {
    return {
      metadata: { labels: this.templateLabels(w, null, revision), ...(w.podAnnotations ? { annotations: { ...w.podAnnotations } } : {}) },
      spec: this.podSpec(w, null),
    };
  }

  private workload(w: WorkloadSpec): void {
    const { sim, s } = this;
    const era = sim.era(s);
    const created = sim.workloadStart(w, era) - 5;
    if (s < created) return;
    const k = Math.max(0, sim.revisionAt(w, s));
    const labels = { ...w.selector, ...w.labels };
    const meta = (name: string, kind: string, extra: Record<string, unknown> = {}): KubeObj['metadata'] => ({ name, namespace: w.namespace, uid: sim.ownerUid(w, era, name), creationTimestamp: iso(created), labels, ...extra, ...(kind === '' ? {} : {}) });
    const pods = this.podsOf(w);
    const replicas = sim.replicasAt(w, s);
    const generation = 1 + k + this.scaleChanges(w);
    if (w.kind === 'Deployment') {
      const c = this.counts(pods);
      this.add('deployments', {
        metadata: { ...meta(w.name, 'Deployment'), generation, annotations: { 'deployment.kubernetes.io/revision': String(k + 1) } },
        spec: { replicas, selector: { matchLabels: w.selector }, template: this.template(w, k), strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
        status: {
          observedGeneration: generation,
          replicas: c.live,
          updatedReplicas: pods.filter((p) => p.revision === k && s < p.deleting).length,
          readyReplicas: c.ready,
          availableReplicas: c.ready,
          ...(c.live - c.ready > 0 ? { unavailableReplicas: Math.max(0, replicas - c.ready) } : {}),
          conditions: [
            { type: 'Available', status: c.ready >= Math.ceil(replicas * 0.75) ? 'True' : 'False', lastUpdateTime: iso(created + 30), lastTransitionTime: iso(created + 30), reason: c.ready >= Math.ceil(replicas * 0.75) ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: c.ready >= Math.ceil(replicas * 0.75) ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' },
            { type: 'Progressing', status: 'True', lastUpdateTime: iso(sim.revisionStart(w, era, k)), lastTransitionTime: iso(created), reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${w.name}-${sim.templateHash(w, era, k)}" has successfully progressed.` },
          ],
        },
      });
      for (let r = Math.max(0, k - 2); r <= k; r++) {
        const name = `${w.name}-${sim.templateHash(w, era, r)}`;
        const mine = pods.filter((p) => p.revision === r);
        const cc = this.counts(mine);
        const want = r === k ? mine.filter((p) => s < p.deleting).length : r === k - 1 ? Math.max(0, replicas - pods.filter((p) => p.revision === k && s < p.deleting).length) : 0;
        this.add('replicasets', {
          metadata: {
            ...meta(name, 'ReplicaSet'),
            creationTimestamp: iso(Math.max(created, sim.revisionStart(w, era, r))),
            labels: { ...labels, 'pod-template-hash': sim.templateHash(w, era, r) },
            generation: 1 + (r === k ? 0 : 1),
            annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas * 0.25)), 'deployment.kubernetes.io/revision': String(r + 1) },
            ownerReferences: [owner('apps/v1', 'Deployment', w.name, sim.ownerUid(w, era, w.name))],
          },
          spec: { replicas: want, selector: { matchLabels: { ...w.selector, 'pod-template-hash': sim.templateHash(w, era, r) } }, template: this.template(w, r) },
          status: { replicas: cc.live, fullyLabeledReplicas: cc.live, readyReplicas: cc.ready, availableReplicas: cc.ready, observedGeneration: 1 + (r === k ? 0 : 1) },
        });
      }
    } else if (w.kind === 'StatefulSet') {
      const c = this.counts(pods);
      const rev = `${w.name}-${sim.templateHash(w, era, k)}`;
      this.add('statefulsets', {
        metadata: { ...meta(w.name, 'StatefulSet'), generation },
        spec: {
          replicas,
          selector: { matchLabels: w.selector },
          serviceName: w.service?.name ?? w.name,
          template: this.template(w, k),
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          revisionHistoryLimit: 10,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          ...(w.pvc ? { volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: w.pvc.name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: memQuantity(w.pvc.bytes) } }, storageClassName: w.pvc.storageClass, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }] } : {}),
        },
        status: { observedGeneration: generation, replicas: c.live, readyReplicas: c.ready, availableReplicas: c.ready, currentReplicas: c.live, updatedReplicas: c.live, currentRevision: rev, updateRevision: rev, collisionCount: 0 },
      });
      if (w.pvc) {
        for (let i = 0; i < w.replicas; i++) {
          const name = `${w.pvc.name}-${w.name}-${i}`;
          const uid = uidOf(sim.spec.key, 'pvc', w.namespace, name, era.index);
          this.add('persistentvolumeclaims', {
            metadata: { name, namespace: w.namespace, uid, creationTimestamp: iso(created + 1), labels: { ...w.selector }, annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.kubernetes.io/selected-node': (pods[0] ?? { node: sim.spec.nodes[0]! }).node.name }, finalizers: ['kubernetes.io/pvc-protection'] },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: memQuantity(w.pvc.bytes) } }, storageClassName: w.pvc.storageClass, volumeMode: 'Filesystem', volumeName: `pvc-${uid}` },
            status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: memQuantity(w.pvc.bytes) } },
          });
        }
      }
    } else if (w.kind === 'DaemonSet') {
      const c = this.counts(pods);
      const n = sim.spec.nodes.length;
      this.add('daemonsets', {
        metadata: { ...meta(w.name, 'DaemonSet'), generation, annotations: { 'deprecated.daemonset.template.generation': String(generation) } },
        spec: { selector: { matchLabels: w.selector }, template: this.template(w, k), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 },
        status: { currentNumberScheduled: n, desiredNumberScheduled: n, numberMisscheduled: 0, numberReady: c.ready, numberAvailable: c.ready, ...(n - c.ready > 0 ? { numberUnavailable: n - c.ready } : {}), updatedNumberScheduled: pods.filter((p) => p.revision === k).length, observedGeneration: generation },
      });
    } else {
      this.cronJob(w, pods, created);
    }
    if (w.service) this.service(w, w.service, pods, created);
  }

  /** scaleChanges counts the replica changes of a workload since its era began (each bumps the generation). */
  private scaleChanges(w: WorkloadSpec): number {
    const { started, over } = this.sim.scaleWindowsBefore(w, this.s);
    return started + over;
  }

  private cronJob(w: WorkloadSpec, pods: PodInstance[], created: number): void {
    const { sim, s } = this;
    const era = sim.era(s);
    const cjUid = sim.ownerUid(w, era, w.name);
    const jobs = sim.jobsAt(w, s);
    const active = jobs.filter((j) => s < j.completes);
    const done = jobs.filter((j) => s >= j.completes);
    const jobSpec = (j: { uid: string; name: string } | null): Record<string, unknown> => ({
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      ...(j ? { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': j.uid } } } : {}),
      template: this.template(w, 0),
    });
    const lastScheduled = Math.floor(s / w.schedule!.everyS) * w.schedule!.everyS;
    this.add('cronjobs', {
      metadata: { name: w.name, namespace: w.namespace, uid: cjUid, creationTimestamp: iso(created), labels: { ...w.selector, ...w.labels }, generation: 1 },
      spec: { schedule: w.schedule!.cron, concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: w.schedule!.keep, failedJobsHistoryLimit: 1, jobTemplate: { metadata: { labels: { ...w.selector } }, spec: jobSpec(null) } },
      status: {
        ...(active.length ? { active: active.map((j) => ({ kind: 'Job', namespace: w.namespace, name: j.name, uid: j.uid, apiVersion: 'batch/v1' })) } : {}),
        ...(jobs.length ? { lastScheduleTime: iso(Math.max(...jobs.map((j) => j.scheduled), lastScheduled >= created + 60 ? lastScheduled : 0)) } : {}),
        ...(done.length ? { lastSuccessfulTime: iso(Math.max(...done.map((j) => j.completes))) } : {}),
      },
    });
    for (const j of jobs) {
      const p = pods.find((x) => x.job?.uid === j.uid);
      const complete = s >= j.completes;
      const ready = p ? this.podReady(p).ready : false;
      this.add('jobs', {
        metadata: {
          name: j.name,
          namespace: w.namespace,
          uid: j.uid,
          creationTimestamp: iso(j.scheduled),
          labels: { ...w.selector, 'batch.kubernetes.io/controller-uid': j.uid, 'batch.kubernetes.io/job-name': j.name, 'controller-uid': j.uid, 'job-name': j.name },
          annotations: { 'batch.kubernetes.io/job-tracking': '', 'batch.kubernetes.io/cronjob-scheduled-timestamp': iso(j.scheduled) },
          ownerReferences: [owner('batch/v1', 'CronJob', w.name, cjUid)],
          generation: 1,
        },
        spec: jobSpec(j),
        status: complete
          ? {
              startTime: iso(j.scheduled),
              completionTime: iso(j.completes + 1),
              succeeded: 1,
              ready: 0,
              terminating: 0,
              uncountedTerminatedPods: {},
              conditions: [
                { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: iso(j.completes + 1), lastTransitionTime: iso(j.completes + 1), reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
                { type: 'Complete', status: 'True', lastProbeTime: iso(j.completes + 1), lastTransitionTime: iso(j.completes + 1), reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
              ],
            }
          : { startTime: iso(j.scheduled), active: 1, ready: ready ? 1 : 0, terminating: 0, uncountedTerminatedPods: {} },
      });
    }
  }

  private serviceIp(svc: ServiceSpec, namespace: string): string {
    const h = parseInt(hexOf(4, this.sim.spec.key, 'svc', namespace, svc.name), 16);
    return `${this.sim.spec.serviceNet}.${1 + (h >> 8) % 250}.${2 + (h & 0xff) % 250}`;
  }

  private service(w: WorkloadSpec, svc: ServiceSpec, pods: PodInstance[], created: number): void {
    const { sim, s } = this;
    const era = sim.era(s);
    const uid = uidOf(sim.spec.key, 'svc', w.namespace, svc.name, era.index);
    const labels = svc.labels ?? { ...w.selector, ...w.labels };
    const ip = svc.headless ? 'None' : this.serviceIp(svc, w.namespace);
    this.add('services', {
      metadata: { name: svc.name, namespace: w.namespace, uid, creationTimestamp: iso(created), labels, ...(svc.annotations ? { annotations: { ...svc.annotations } } : {}) },
      spec: {
        type: 'ClusterIP',
        clusterIP: ip,
        clusterIPs: [ip],
        ports: svc.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol })),
        selector: { ...w.selector },
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    });
    // Ports resolve against the pods' named container ports.
    const c0 = w.containers[0]!;
    const ports = svc.ports.map((p) => ({ name: p.name, protocol: p.protocol, port: typeof p.targetPort === 'number' ? p.targetPort : (c0.ports.find((x) => x.name === p.targetPort)?.containerPort ?? 0) }));
    const members = pods.filter((p) => sim.podRunning(p, s)).map((p) => ({ p, ready: this.podReady(p).ready, terminating: s >= p.deleting }));
    const addr = (m: (typeof members)[number]): Record<string, unknown> => ({ ip: m.p.ip, nodeName: m.p.node.name, targetRef: { kind: 'Pod', namespace: w.namespace, name: m.p.name, uid: m.p.uid }, ...(w.kind === 'StatefulSet' ? { hostname: m.p.name } : {}) });
    const live = members.filter((m) => !m.terminating);
    const ready = live.filter((m) => m.ready).map(addr);
    const notReady = live.filter((m) => !m.ready).map(addr);
    this.add('endpoints', {
      metadata: { name: svc.name, namespace: w.namespace, uid: uidOf(sim.spec.key, 'ep', w.namespace, svc.name, era.index), creationTimestamp: iso(created), labels: { ...labels, ...(svc.headless ? { 'service.kubernetes.io/headless': '' } : {}) } },
      ...(live.length ? { subsets: [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }] } : {}),
    });
    this.add('endpointslices', {
      metadata: {
        name: `${svc.name}-${suffixOf(5, sim.spec.key, 'slice', w.namespace, svc.name, era.index)}`,
        generateName: `${svc.name}-`,
        namespace: w.namespace,
        uid: uidOf(sim.spec.key, 'slice', w.namespace, svc.name, era.index),
        creationTimestamp: iso(created),
        labels: { ...labels, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': svc.name, ...(svc.headless ? { 'service.kubernetes.io/headless': '' } : {}) },
        ownerReferences: [owner('v1', 'Service', svc.name, uid)],
      },
      addressType: 'IPv4',
      endpoints: members.map((m) => ({
        addresses: [m.p.ip],
        conditions: { ready: m.ready, serving: m.ready || (m.terminating && s < m.p.deleting + GRACE_S), terminating: m.terminating },
        nodeName: m.p.node.name,
        targetRef: { kind: 'Pod', namespace: w.namespace, name: m.p.name, uid: m.p.uid },
        zone: m.p.node.zone,
        ...(w.kind === 'StatefulSet' ? { hostname: m.p.name } : {}),
      })),
      ports,
    });
  }

  private apiService(): void {
    const { sim, s } = this;
    const era = sim.era(s);
    const api = this.o.apiServer;
    const uid = uidOf(sim.spec.key, 'svc', 'default', 'kubernetes', era.index);
    const labels = { component: 'apiserver', provider: 'kubernetes' };
    const ip = `${sim.spec.serviceNet}.0.1`;
    this.add('services', {
      metadata: { name: 'kubernetes', namespace: 'default', uid, creationTimestamp: iso(era.start), labels },
      spec: { type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip], ports: [{ name: 'https', port: 443, targetPort: api?.port ?? 6443, protocol: 'TCP' }], sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' },
      status: { loadBalancer: {} },
    });
    if (!api) return;
    const ports = [{ name: 'https', port: api.port, protocol: 'TCP' }];
    this.add('endpoints', { metadata: { name: 'kubernetes', namespace: 'default', uid: uidOf(sim.spec.key, 'ep', 'default', 'kubernetes', era.index), creationTimestamp: iso(era.start), labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [{ addresses: [{ ip: api.ip }], ports }] });
    this.add('endpointslices', {
      metadata: { name: 'kubernetes', namespace: 'default', uid: uidOf(sim.spec.key, 'slice', 'default', 'kubernetes', era.index), creationTimestamp: iso(era.start), labels: { 'kubernetes.io/service-name': 'kubernetes' }, generation: 1 },
      addressType: 'IPv4',
      endpoints: [{ addresses: [api.ip], conditions: { ready: true, serving: true, terminating: false } }],
      ports,
    });
  }
}
