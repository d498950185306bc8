/**
 * The Kubernetes object shapes Vigil reads, narrowed from @kubernetes/client-node's generated API
 * types to the fields discovery and cluster monitoring keep (so watched objects stay small on big
 * clusters). Using the library's types keeps the field names honest against the API.
 */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';

/** ObjectMeta is the part of metadata Vigil keeps from every object. */
export type ObjectMeta = Pick<V1ObjectMeta, 'name' | 'namespace' | 'uid' | 'labels' | 'annotations' | 'resourceVersion'> & {
  ownerReferences?: Pick<V1OwnerReference, 'kind' | 'name' | 'controller'>[];
};

/** KubeObject is any object with metadata. */
export interface KubeObject {
  metadata: ObjectMeta;
}

/** ContextInfo is one kubeconfig context, as `kubectl config get-contexts` lists it. */
export interface ContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace: string;
  current: boolean;
}

/** ConnectionState is how a context's API server answers Vigil. */
export type ConnectionState = 'unknown' | 'connected' | 'auth-failed' | 'forbidden' | 'unreachable' | 'tls-error' | 'misconfigured';
