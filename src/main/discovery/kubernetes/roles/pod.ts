/**
 * The `pod` role (Prometheus's discovery/kubernetes/pod.go): one target per declared port of every
 * container and init container (`<podIP>:<port>`), and one port-less target (`__address__` = pod
 * IP) per container without ports. The pod labels (`podLabels`) are also what the endpoints and
 * endpointslice roles attach to pod-backed targets.
 */
import type { TargetGroup } from '../../targetgroup';
import {
  META_LABEL_PREFIX,
  NAMESPACE_LABEL,
  addNamespaceLabels,
  addNodeLabels,
  addObjectMetaLabels,
  controllerOf,
  emptyTargetGroup,
  formatBool,
  int,
  joinHostPort,
  namespacedName,
  newLabelSet,
  str,
  toLabels,
  type LabelSet,
} from './meta';
import type { Container, ContainerStatus, ObjectIndex, Pod, RoleOptions } from './types';

/** POD_LABEL names the pod role's meta labels. */
export const POD_LABEL = {
  ip: META_LABEL_PREFIX + 'pod_ip',
  containerName: META_LABEL_PREFIX + 'pod_container_name',
  containerID: META_LABEL_PREFIX + 'pod_container_id',
  containerImage: META_LABEL_PREFIX + 'pod_container_image',
  containerPortName: META_LABEL_PREFIX + 'pod_container_port_name',
  containerPortNumber: META_LABEL_PREFIX + 'pod_container_port_number',
  containerPortProtocol: META_LABEL_PREFIX + 'pod_container_port_protocol',
  containerInit: META_LABEL_PREFIX + 'pod_container_init',
  cronJobName: META_LABEL_PREFIX + 'pod_cronjob_name',
  deploymentName: META_LABEL_PREFIX + 'pod_deployment_name',
  jobName: META_LABEL_PREFIX + 'pod_job_name',
  ready: META_LABEL_PREFIX + 'pod_ready',
  phase: META_LABEL_PREFIX + 'pod_phase',
  nodeName: META_LABEL_PREFIX + 'pod_node_name',
  hostIP: META_LABEL_PREFIX + 'pod_host_ip',
  uid: META_LABEL_PREFIX + 'pod_uid',
  controllerKind: META_LABEL_PREFIX + 'pod_controller_kind',
  controllerName: META_LABEL_PREFIX + 'pod_controller_name',
} as const;

/** podSource is the source of a pod's group: `pod/<namespace>/<name>`. */
export function podSource(namespace: string, name: string): string {
  return 'pod/' + namespacedName(namespace, name);
}

/** podReady is the lowercased status of the pod's first `Ready` condition, else `unknown`. */
export function podReady(pod: Pod): string {
  for (const c of pod.status?.conditions ?? []) if (c?.type === 'Ready') return str(c.status).toLowerCase();
  return 'unknown';
}

/**
 * podLabels are the labels of a pod: `_pod_ip`, `_pod_ready`, `_pod_phase`, `_pod_node_name`,
 * `_pod_host_ip`, `_pod_uid`, `_pod_name` with label and annotation labels, the controller's kind
 * and name, and through attach_metadata: `_pod_deployment_name` (the controller is a ReplicaSet
 * whose controller is a Deployment), `_pod_job_name` (the controller is a Job) and
 * `_pod_cronjob_name` (the controller is a Job whose controller is a CronJob).
 */
export function podLabels(pod: Pod, opts: RoleOptions, index: ObjectIndex): LabelSet {
  const ls = newLabelSet();
  ls[POD_LABEL.ip] = str(pod.status?.podIP);
  ls[POD_LABEL.ready] = podReady(pod);
  ls[POD_LABEL.phase] = str(pod.status?.phase);
  ls[POD_LABEL.nodeName] = str(pod.spec?.nodeName);
  ls[POD_LABEL.hostIP] = str(pod.status?.hostIP);
  ls[POD_LABEL.uid] = str(pod.metadata?.uid);
  addObjectMetaLabels(ls, pod.metadata, 'pod');

  const createdBy = controllerOf(pod.metadata);
  if (createdBy === undefined) return ls;
  const kind = str(createdBy.kind);
  const name = str(createdBy.name);
  if (kind !== '') ls[POD_LABEL.controllerKind] = kind;
  if (name !== '') ls[POD_LABEL.controllerName] = name;
  const am = opts.attachMetadata;
  const ns = str(pod.metadata?.namespace);
  if (kind === 'ReplicaSet') {
    if (am.deployment) {
      const rsOwner = controllerOf(index.replicaSet(ns, name)?.metadata);
      if (rsOwner !== undefined && rsOwner.kind === 'Deployment') ls[POD_LABEL.deploymentName] = str(rsOwner.name);
    }
  } else if (kind === 'Job') {
    if (am.job) ls[POD_LABEL.jobName] = name;
    if (am.cronjob) {
      const jobOwner = controllerOf(index.job(ns, name)?.metadata);
      if (jobOwner !== undefined && jobOwner.kind === 'CronJob') ls[POD_LABEL.cronJobName] = str(jobOwner.name);
    }
  }
  return ls;
}

/** podContainers lists a pod's containers then its init containers, each with whether it is an init container. */
export function podContainers(pod: Pod): { container: Container; init: boolean }[] {
  const out: { container: Container; init: boolean }[] = [];
  for (const c of pod.spec?.containers ?? []) out.push({ container: c ?? {}, init: false });
  for (const c of pod.spec?.initContainers ?? []) out.push({ container: c ?? {}, init: true });
  return out;
}

function containerID(statuses: ContainerStatus[] | undefined, name: string): string {
  for (const s of statuses ?? []) if (str(s?.name) === name) return str(s.containerID);
  return '';
}

/**
 * podTargetGroup builds a pod's group. A pod without IP (starting or evicted) yields an empty
 * group, and so does, with attach_metadata.node, a pod whose node the index does not know (that
 * node was filtered out by the node selectors). Group labels: the pod labels, the namespace, and
 * the node and namespace metadata if attached.
 */
export function podTargetGroup(pod: Pod, opts: RoleOptions, index: ObjectIndex): TargetGroup {
  const ns = str(pod.metadata?.namespace);
  const source = podSource(ns, str(pod.metadata?.name));
  const podIP = str(pod.status?.podIP);
  if (podIP === '') return emptyTargetGroup(source);
  const nodeName = str(pod.spec?.nodeName);
  if (opts.attachMetadata.node && index.node(nodeName) === undefined) return emptyTargetGroup(source);

  let labels = podLabels(pod, opts, index);
  labels[NAMESPACE_LABEL] = ns;
  if (opts.attachMetadata.node) labels = addNodeLabels(labels, index, nodeName);
  if (opts.attachMetadata.namespace) labels = addNamespaceLabels(labels, index, ns);

  const targets = [];
  for (const { container: c, init } of podContainers(pod)) {
    const cName = str(c.name);
    const cID = containerID(init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses, cName);
    const ports = c.ports ?? [];
    if (ports.length === 0) {
      const t = newLabelSet();
      t['__address__'] = podIP;
      t[POD_LABEL.containerName] = cName;
      t[POD_LABEL.containerID] = cID;
      t[POD_LABEL.containerImage] = str(c.image);
      t[POD_LABEL.containerInit] = formatBool(init);
      targets.push(toLabels(t));
      continue;
    }
    for (const port of ports) {
      const num = int(port?.containerPort);
      const t = newLabelSet();
      t['__address__'] = joinHostPort(podIP, num);
      t[POD_LABEL.containerName] = cName;
      t[POD_LABEL.containerID] = cID;
      t[POD_LABEL.containerImage] = str(c.image);
      t[POD_LABEL.containerPortNumber] = num;
      t[POD_LABEL.containerPortName] = str(port?.name);
      t[POD_LABEL.containerPortProtocol] = str(port?.protocol);
      t[POD_LABEL.containerInit] = formatBool(init);
      targets.push(toLabels(t));
    }
  }
  return { source, targets, labels: toLabels(labels) };
}
