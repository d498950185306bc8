/**
 * The `endpointslice` role (Prometheus's discovery/kubernetes/endpointslice.go, discovery.k8s.io/v1):
 * one target per endpoint × port × address; pod-backed targets carry the pod's labels and the
 * matching container port, and the other container ports of seen pods get targets of their own.
 * The secondary slice of a dual-stack service (address type other than the service's primary IP
 * family) yields its group labels but no targets: its targets would repeat the primary slice's.
 */
import type { Labels } from '../../../../common/model/labels';
import type { TargetGroup } from '../../targetgroup';
import { extraPodTargets, resolvePodRef, seePod, type SeenPods } from './endpoints';
import {
  META_LABEL_PREFIX,
  NAMESPACE_LABEL,
  PRESENT_VALUE,
  addNamespaceLabels,
  addNodeLabels,
  addObjectMetaLabels,
  formatBool,
  int,
  joinHostPort,
  mergeInto,
  newLabelSet,
  sanitizeLabelName,
  str,
  toLabels,
} from './meta';
import { POD_LABEL, podContainers, podLabels } from './pod';
import { serviceLabels } from './service';
import type { EndpointSlice, ObjectIndex, RoleOptions, Service, SliceEndpoint, SlicePort } from './types';

/** LABEL_SERVICE_NAME is the label naming an EndpointSlice's service (discovery/v1 LabelServiceName). */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

const P = META_LABEL_PREFIX + 'endpointslice_';
const ADDRESS_TYPE = P + 'address_type';
const PORT_NAME = P + 'port_name';
const PORT_PROTOCOL = P + 'port_protocol';
const PORT = P + 'port';
const PORT_APP_PROTOCOL = P + 'port_app_protocol';
const COND_READY = P + 'endpoint_conditions_ready';
const COND_SERVING = P + 'endpoint_conditions_serving';
const COND_TERMINATING = P + 'endpoint_conditions_terminating';
const ZONE = P + 'endpoint_zone';
const HOSTNAME = P + 'endpoint_hostname';
const NODE_NAME = P + 'endpoint_node_name';
const TARGET_KIND = P + 'address_target_kind';
const TARGET_NAME = P + 'address_target_name';
const TOPOLOGY = P + 'endpoint_topology_';
const TOPOLOGY_PRESENT = P + 'endpoint_topology_present_';

/** endpointSliceSource is the source of an EndpointSlice's group: `endpointslice/<namespace>/<name>`. */
export function endpointSliceSource(namespace: string, name: string): string {
  return 'endpointslice/' + namespace + '/' + name;
}

/** endpointSliceServiceName is the slice's `kubernetes.io/service-name` label, undefined when absent. */
export function endpointSliceServiceName(eps: EndpointSlice): string | undefined {
  const labels = eps.metadata?.labels;
  if (labels === undefined || labels === null || !Object.prototype.hasOwnProperty.call(labels, LABEL_SERVICE_NAME)) return undefined;
  return str(labels[LABEL_SERVICE_NAME]);
}

/**
 * nonPrimaryIPFamilySlice reports whether eps is the secondary slice of a dual-stack service
 * (ipFamilyPolicy PreferDualStack or RequireDualStack, address type ≠ first of ipFamilies).
 */
export function nonPrimaryIPFamilySlice(svc: Service | undefined, eps: EndpointSlice): boolean {
  const policy = svc?.spec?.ipFamilyPolicy;
  if (typeof policy !== 'string') return false;
  if (policy !== 'PreferDualStack' && policy !== 'RequireDualStack') return false;
  const families = svc?.spec?.ipFamilies ?? [];
  if (families.length === 0) return false;
  return str(eps.addressType) !== str(families[0]);
}

function isSet<T>(v: T | null | undefined): v is T {
  return v !== undefined && v !== null;
}

/**
 * endpointSliceTargetGroup builds an EndpointSlice's group. Group labels: the namespace,
 * `_endpointslice_address_type`, `_endpointslice_name` with label and annotation labels, the
 * labels of the service its `kubernetes.io/service-name` label names (if the index has it), and
 * the namespace metadata if attached. Targets: `_endpointslice_port*` (each when set),
 * `_endpoint_conditions_{ready,serving,terminating}` (each when set), `_endpoint_hostname`,
 * `_address_target_kind` / `_name`, `_endpoint_node_name`, `_endpoint_zone`,
 * `_endpoint_topology_<key>` and `_endpoint_topology_present_<key>`, the node metadata if attached
 * (a `Node` target reference, else the endpoint's nodeName) and the pod's labels for pod-backed ones.
 */
export function endpointSliceTargetGroup(eps: EndpointSlice, opts: RoleOptions, index: ObjectIndex): TargetGroup {
  const ns = str(eps.metadata?.namespace);
  const name = str(eps.metadata?.name);
  let labels = newLabelSet();
  labels[NAMESPACE_LABEL] = ns;
  labels[ADDRESS_TYPE] = str(eps.addressType);
  addObjectMetaLabels(labels, eps.metadata, 'endpointslice');
  const svcName = endpointSliceServiceName(eps);
  const svc = svcName === undefined ? undefined : index.service(ns, svcName);
  if (svc !== undefined) mergeInto(labels, serviceLabels(svc));
  if (opts.attachMetadata.namespace) labels = addNamespaceLabels(labels, index, ns);
  const source = endpointSliceSource(ns, name);
  if (nonPrimaryIPFamilySlice(svc, eps)) return { source, targets: [], labels: toLabels(labels) };

  const seen: SeenPods = new Map();
  const targets: Labels[] = [];
  const add = (addr: string, ep: SliceEndpoint, port: SlicePort): void => {
    let target = newLabelSet();
    target['__address__'] = isSet(port.port) ? joinHostPort(addr, int(port.port)) : addr;
    if (isSet(port.name)) target[PORT_NAME] = str(port.name);
    if (isSet(port.protocol)) target[PORT_PROTOCOL] = str(port.protocol);
    if (isSet(port.port)) target[PORT] = int(port.port);
    if (isSet(port.appProtocol)) target[PORT_APP_PROTOCOL] = str(port.appProtocol);
    const cond = ep.conditions ?? {};
    if (isSet(cond.ready)) target[COND_READY] = formatBool(cond.ready === true);
    if (isSet(cond.serving)) target[COND_SERVING] = formatBool(cond.serving === true);
    if (isSet(cond.terminating)) target[COND_TERMINATING] = formatBool(cond.terminating === true);
    if (isSet(ep.hostname)) target[HOSTNAME] = str(ep.hostname);
    const ref = ep.targetRef;
    if (isSet(ref)) {
      target[TARGET_KIND] = str(ref.kind);
      target[TARGET_NAME] = str(ref.name);
    }
    if (isSet(ep.nodeName)) target[NODE_NAME] = str(ep.nodeName);
    if (isSet(ep.zone)) target[ZONE] = str(ep.zone);
    const topology = ep.deprecatedTopology;
    if (isSet(topology)) {
      for (const k of Object.keys(topology)) {
        const ln = sanitizeLabelName(k);
        target[TOPOLOGY + ln] = str(topology[k]);
        target[TOPOLOGY_PRESENT + ln] = PRESENT_VALUE;
      }
    }
    if (opts.attachMetadata.node) {
      if (isSet(ref) && ref.kind === 'Node') target = addNodeLabels(target, index, str(ref.name));
      else target = addNodeLabels(target, index, ep.nodeName);
    }

    const pod = resolvePodRef(ref, index);
    if (pod === undefined) {
      // This target is not a pod: no pod specific labels.
      targets.push(toLabels(target));
      return;
    }
    mergeInto(target, podLabels(pod, opts, index));
    // The container port matching the endpoint port (the last container declaring it wins, as in Prometheus).
    if (isSet(port.port)) {
      for (const { container: c, init } of podContainers(pod)) {
        for (const cport of c.ports ?? []) {
          if ((cport?.containerPort ?? 0) !== port.port) continue;
          target[POD_LABEL.containerName] = str(c.name);
          target[POD_LABEL.containerImage] = str(c.image);
          target[POD_LABEL.containerPortName] = str(cport?.name);
          target[POD_LABEL.containerPortNumber] = int(port.port);
          target[POD_LABEL.containerPortProtocol] = str(cport?.protocol);
          target[POD_LABEL.containerInit] = formatBool(init);
          break;
        }
      }
    }
    seePod(seen, pod, isSet(port.port) ? port.port : undefined);
    targets.push(toLabels(target));
  };

  for (const ep of eps.endpoints ?? []) {
    for (const port of eps.ports ?? []) {
      for (const addr of ep?.addresses ?? []) add(str(addr), ep, port ?? {});
    }
  }
  targets.push(...extraPodTargets(seen, opts, index));
  return { source, targets, labels: toLabels(labels) };
}
