/**
 * What the role builders add to the watched object types (kube/objects): the index of joined
 * objects and the options of a kubernetes_sd_configs entry.
 */
import type { Job, Namespace, Node, Pod, ReplicaSet, Service } from '../../../kube/objects/types';

export * from '../../../kube/objects/types';

/**
 * ObjectIndex looks up the objects a builder joins to its primary object, as Prometheus's
 * informer stores do. Keys are names as the API spells them. Only the lookups a role and its
 * attach_metadata need are called: service, pod (endpoints, endpointslice), node
 * (attach_metadata.node; for the pod role, an absent node also filters the pod out, as Prometheus's
 * node informer with a node selector does), namespace (attach_metadata.namespace), replicaSet
 * (attach_metadata.deployment) and job (attach_metadata.cronjob).
 *
 * To match Prometheus, an index answers what its informers would hold: pods and services filtered
 * by the `pod` and `service` selectors and, with `namespaces` set, only those of the primary
 * object's namespace (Prometheus runs one pod and service informer per listed namespace, so a
 * target reference into another namespace does not resolve); nodes filtered by the `node`
 * selectors; namespaces, ReplicaSets and Jobs unfiltered.
 */
export interface ObjectIndex {
  pod(namespace: string, name: string): Pod | undefined;
  service(namespace: string, name: string): Service | undefined;
  node(name: string): Node | undefined;
  namespace(name: string): Namespace | undefined;
  replicaSet(namespace: string, name: string): ReplicaSet | undefined;
  job(namespace: string, name: string): Job | undefined;
}

/** AttachMetadata is kubernetes_sd_configs' `attach_metadata`. */
export interface AttachMetadata {
  /** node adds the node's labels to pod, endpoints and endpointslice targets. */
  node: boolean;
  /** namespace adds the namespace's labels and annotations to every namespaced role. */
  namespace: boolean;
  /** deployment adds `__meta_kubernetes_pod_deployment_name` (through the pod's ReplicaSet). */
  deployment: boolean;
  /** job adds `__meta_kubernetes_pod_job_name`. */
  job: boolean;
  /** cronjob adds `__meta_kubernetes_pod_cronjob_name` (through the pod's Job). */
  cronjob: boolean;
}

/** RoleOptions are the parts of a kubernetes_sd_configs entry the builders read. */
export interface RoleOptions {
  attachMetadata: AttachMetadata;
}

/** NO_ATTACH_METADATA is `attach_metadata` with everything off (Prometheus's default). */
export const NO_ATTACH_METADATA: Readonly<AttachMetadata> = Object.freeze({ node: false, namespace: false, deployment: false, job: false, cronjob: false });
