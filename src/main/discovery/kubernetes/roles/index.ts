/**
 * # kubernetes/roles: Kubernetes objects → target groups, as Prometheus v3.14
 *
 * Pure functions that turn the objects a watch holds into the target groups of
 * `kubernetes_sd_configs`, with exactly Prometheus's `__meta_kubernetes_*` label names and values,
 * target sets, target order and group sources (discovery/kubernetes of Prometheus v0.314.0).
 * No I/O and no state: the watcher (elsewhere) lists and watches, trims, stores, and calls these.
 *
 * ```ts
 * import { podTargetGroup, trimPod, objectIndexFrom, dependencyKeys, primariesToRecompute, DependencyIndex } from './roles';
 *
 * const pod = trimPod(rawJson);                                  // keep only what is read
 * const tg = podTargetGroup(pod, { attachMetadata }, index);     // index: ObjectIndex over the watched stores
 * deps.set('default/web-1', dependencyKeys('pod', pod, opts));   // on every pod add/update
 * primariesToRecompute('pod', { kind: 'node', type: 'update', key: 'node-a' }, opts, deps); // → ['default/web-1']
 * ```
 *
 * | file | what |
 * |---|---|
 * | `types.ts` | the narrowed object types (from @kubernetes/client-node), `ObjectIndex`, `RoleOptions` |
 * | `node.ts`, `pod.ts`, `service.ts`, `endpoints.ts`, `endpointslice.ts`, `ingress.ts` | one builder per role, with its source function |
 * | `build.ts` | `roleTargetGroup` / `roleSource` over every role |
 * | `meta.ts` | shared label helpers (sanitizing, object metadata, node and namespace metadata) |
 * | `../../../kube/objects` | the object types and their trimming (`trimPod`, ...; `TRIMMERS`), shared with the kube-state series |
 * | `deps.ts` | which changes recompute which groups (Prometheus's indexers and event handlers) |
 * | `objectindex.ts` | an `ObjectIndex` over plain lists (tests, small callers) |
 *
 * Semantics worth knowing:
 * - A deleted object's group is `emptyTargetGroup(source)`; so is a pod without IP, and with
 *   attach_metadata.node a pod whose node is not in the index (filtered by node selectors). A node
 *   without any address yields null: Prometheus sends no update for it.
 * - Labels are Vigil's Labels: sorted, and labels whose value is empty are left out (Go keeps
 *   them in the group, e.g. `__meta_kubernetes_pod_phase=""`; Prometheus drops them as it
 *   builds the target, so relabeling sees the same).
 * - Group labels come from the primary object and what it joins (service, namespace); target
 *   labels per address/port (pod labels are target labels in endpoints and endpointslice).
 */
export * from './types';
export {
  META_LABEL_PREFIX,
  NAMESPACE_LABEL,
  PRESENT_VALUE,
  controllerOf,
  emptyTargetGroup,
  joinHostPort,
  namespacedName,
  sanitizeLabelName,
} from './meta';
export { NODE_ADDRESS_PRIORITY, NODE_LEGACY_HOST_IP, nodeAddress, nodeSource, nodeTargetGroup } from './node';
export { POD_LABEL, podReady, podSource, podTargetGroup } from './pod';
export { serviceSource, serviceTargetGroup } from './service';
export { endpointsSource, endpointsTargetGroup } from './endpoints';
export { LABEL_SERVICE_NAME, endpointSliceServiceName, endpointSliceSource, endpointSliceTargetGroup, nonPrimaryIPFamilySlice } from './endpointslice';
export { ingressSource, ingressTargetGroup, matchesHostnamePattern, rulePaths } from './ingress';
export { roleSource, roleTargetGroup } from './build';
export { EMPTY_OBJECT_INDEX, objectIndexFrom, objectKey, type ObjectLists } from './objectindex';
export {
  TRIMMERS,
  trimEndpointSlice,
  trimEndpoints,
  trimIngress,
  trimJob,
  trimNamespace,
  trimNode,
  trimPod,
  trimReplicaSet,
  trimService,
  type TrimKind,
} from '../../../kube/objects/trim';
export {
  DependencyIndex,
  PRIMARY_KIND,
  changedDependencyKeys,
  dependencyKeys,
  primariesToRecompute,
  type ChangeType,
  type ObjectChange,
  type ObjectKind,
} from './deps';
