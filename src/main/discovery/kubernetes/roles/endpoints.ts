/**
 * The `endpoints` role (Prometheus's discovery/kubernetes/endpoints.go; the Endpoints API is
 * deprecated by Kubernetes v1.33): one target per port × address of every subset, ready addresses
 * then not-ready ones (`_endpoint_ready` true / false); pod-backed targets carry the pod's labels
 * and the matching container port, and every container port of a seen pod that no endpoint port
 * covered gets a target of its own at the pod IP.
 */
import type { Labels } from '../../../../common/model/labels';
import type { TargetGroup } from '../../targetgroup';
import {
  META_LABEL_PREFIX,
  NAMESPACE_LABEL,
  addNamespaceLabels,
  addNodeLabels,
  addObjectMetaLabels,
  formatBool,
  int,
  joinHostPort,
  mergeInto,
  namespacedName,
  newLabelSet,
  str,
  toLabels,
} from './meta';
import { POD_LABEL, podContainers, podLabels } from './pod';
import { serviceLabels } from './service';
import type { EndpointAddress, EndpointPort, Endpoints, ObjectIndex, ObjectReference, Pod, RoleOptions } from './types';

const NODE_NAME = META_LABEL_PREFIX + 'endpoint_node_name';
const HOSTNAME = META_LABEL_PREFIX + 'endpoint_hostname';
const READY = META_LABEL_PREFIX + 'endpoint_ready';
const PORT_NAME = META_LABEL_PREFIX + 'endpoint_port_name';
const PORT_PROTOCOL = META_LABEL_PREFIX + 'endpoint_port_protocol';
const TARGET_KIND = META_LABEL_PREFIX + 'endpoint_address_target_kind';
const TARGET_NAME = META_LABEL_PREFIX + 'endpoint_address_target_name';

/** endpointsSource is the source of an Endpoints object's group: `endpoints/<namespace>/<name>`. */
export function endpointsSource(namespace: string, name: string): string {
  return 'endpoints/' + namespace + '/' + name;
}

/** resolvePodRef returns the pod a target reference of kind `Pod` names, if the index has it. */
export function resolvePodRef(ref: ObjectReference | null | undefined, index: ObjectIndex): Pod | undefined {
  if (ref === undefined || ref === null || ref.kind !== 'Pod') return undefined;
  return index.pod(str(ref.namespace), str(ref.name));
}

/**
 * SeenPods records, per pod-backed target, the pod and the endpoint port numbers that produced a
 * target, so that the pod's other container ports become targets of their own (shared with the
 * endpointslice role). Insertion ordered (Prometheus iterates a Go map: its order is random).
 */
export type SeenPods = Map<string, { pod: Pod; ports: number[] }>;

/** seePod records that a target was built for pod from the endpoint port number `port` (if any). */
export function seePod(seen: SeenPods, pod: Pod, port: number | undefined): void {
  const key = namespacedName(str(pod.metadata?.namespace), str(pod.metadata?.name));
  let e = seen.get(key);
  if (e === undefined) seen.set(key, (e = { pod, ports: [] }));
  if (port !== undefined) e.ports.push(port);
}

/** extraPodTargets are the targets of the container ports of seen pods that no endpoint port covered. */
export function extraPodTargets(seen: SeenPods, opts: RoleOptions, index: ObjectIndex): Labels[] {
  const out: Labels[] = [];
  for (const { pod, ports } of seen.values()) {
    const podIP = str(pod.status?.podIP);
    // PodIP can be empty when a pod is starting or has been evicted.
    if (podIP === '') continue;
    for (const { container: c, init } of podContainers(pod)) {
      for (const cport of c.ports ?? []) {
        const n = cport?.containerPort ?? 0;
        if (ports.includes(n)) continue;
        const num = int(n);
        const t = newLabelSet();
        t['__address__'] = joinHostPort(podIP, num);
        t[POD_LABEL.containerName] = str(c.name);
        t[POD_LABEL.containerImage] = str(c.image);
        t[POD_LABEL.containerPortName] = str(cport?.name);
        t[POD_LABEL.containerPortNumber] = num;
        t[POD_LABEL.containerPortProtocol] = str(cport?.protocol);
        t[POD_LABEL.containerInit] = formatBool(init);
        out.push(toLabels(mergeInto(t, podLabels(pod, opts, index))));
      }
    }
  }
  return out;
}

/**
 * endpointsTargetGroup builds an Endpoints object's group. Group labels: the namespace, the labels
 * of the service of the same name (if the index has it), `_endpoints_name` with the label and
 * annotation labels, and the namespace metadata if attached. Targets: `_endpoint_port_name`,
 * `_endpoint_port_protocol`, `_endpoint_ready`, `_endpoint_address_target_kind` / `_name`,
 * `_endpoint_node_name`, `_endpoint_hostname`, the node metadata if attached (the address's
 * nodeName, else a `Node` target reference), and for pod-backed addresses the pod labels and the
 * `_pod_container_*` labels of the (last) container declaring the endpoint port.
 */
export function endpointsTargetGroup(eps: Endpoints, opts: RoleOptions, index: ObjectIndex): TargetGroup {
  const ns = str(eps.metadata?.namespace);
  const name = str(eps.metadata?.name);
  let labels = newLabelSet();
  labels[NAMESPACE_LABEL] = ns;
  const svc = index.service(ns, name);
  if (svc !== undefined) mergeInto(labels, serviceLabels(svc));
  addObjectMetaLabels(labels, eps.metadata, 'endpoints');
  if (opts.attachMetadata.namespace) labels = addNamespaceLabels(labels, index, ns);

  const seen: SeenPods = new Map();
  const targets: Labels[] = [];
  const add = (addr: EndpointAddress, port: EndpointPort, ready: string): void => {
    const portNum = port.port ?? 0;
    let target = newLabelSet();
    target['__address__'] = joinHostPort(str(addr.ip), int(portNum));
    target[PORT_NAME] = str(port.name);
    target[PORT_PROTOCOL] = str(port.protocol);
    target[READY] = ready;
    const ref = addr.targetRef;
    if (ref !== undefined && ref !== null) {
      target[TARGET_KIND] = str(ref.kind);
      target[TARGET_NAME] = str(ref.name);
    }
    const nodeName = addr.nodeName;
    if (typeof nodeName === 'string') target[NODE_NAME] = nodeName;
    if (str(addr.hostname) !== '') target[HOSTNAME] = str(addr.hostname);
    if (opts.attachMetadata.node) {
      if (typeof nodeName === 'string') target = addNodeLabels(target, index, nodeName);
      else if (ref !== undefined && ref !== null && ref.kind === 'Node') target = addNodeLabels(target, index, str(ref.name));
    }

    const pod = resolvePodRef(ref, index);
    if (pod === undefined) {
      // This target is not a pod: no pod specific labels.
      targets.push(toLabels(target));
      return;
    }
    mergeInto(target, podLabels(pod, opts, index));
    // The container port matching the endpoint port (the last container declaring it wins, as in Prometheus).
    for (const { container: c, init } of podContainers(pod)) {
      for (const cport of c.ports ?? []) {
        if ((cport?.containerPort ?? 0) !== portNum) continue;
        target[POD_LABEL.containerName] = str(c.name);
        target[POD_LABEL.containerImage] = str(c.image);
        target[POD_LABEL.containerPortName] = str(cport?.name);
        target[POD_LABEL.containerPortNumber] = int(portNum);
        target[POD_LABEL.containerPortProtocol] = str(port.protocol);
        target[POD_LABEL.containerInit] = formatBool(init);
        break;
      }
    }
    seePod(seen, pod, portNum);
    targets.push(toLabels(target));
  };

  for (const ss of eps.subsets ?? []) {
    for (const port of ss?.ports ?? []) {
      for (const addr of ss.addresses ?? []) add(addr ?? {}, port ?? {}, 'true');
      // An address listed in both gets a second target, not ready (Prometheus appends, it does not override).
      for (const addr of ss.notReadyAddresses ?? []) add(addr ?? {}, port ?? {}, 'false');
    }
  }
  targets.push(...extraPodTargets(seen, opts, index));
  return { source: endpointsSource(ns, name), targets, labels: toLabels(labels) };
}
