/**
 * The collections Vigil watches: for each kind, its API path and the informer spec every consumer
 * (discovery's role runs, the kube-state series) acquires, so that one context has one watch per
 * collection and selector, whoever reads it, and every object is trimmed the same way.
 */
import type { InformerSpec } from '../informers';
import type { Keyed } from '../informer';
import { TRIMMERS, type TrimKind } from './trim';

/** WatchKind is a kind of watched object. */
export type WatchKind = TrimKind;

/** Collection is where a kind lives in the API. */
export interface Collection {
  prefix: string;
  resource: string;
  namespaced: boolean;
}

/** COLLECTIONS are the API paths of each watched kind (prefix, and whether it is namespaced). */
export const COLLECTIONS: { readonly [K in WatchKind]: Collection } = {
  node: { prefix: '/api/v1', resource: 'nodes', namespaced: false },
  namespace: { prefix: '/api/v1', resource: 'namespaces', namespaced: false },
  pod: { prefix: '/api/v1', resource: 'pods', namespaced: true },
  service: { prefix: '/api/v1', resource: 'services', namespaced: true },
  endpoints: { prefix: '/api/v1', resource: 'endpoints', namespaced: true },
  endpointslice: { prefix: '/apis/discovery.k8s.io/v1', resource: 'endpointslices', namespaced: true },
  ingress: { prefix: '/apis/networking.k8s.io/v1', resource: 'ingresses', namespaced: true },
  replicaset: { prefix: '/apis/apps/v1', resource: 'replicasets', namespaced: true },
  job: { prefix: '/apis/batch/v1', resource: 'jobs', namespaced: true },
  deployment: { prefix: '/apis/apps/v1', resource: 'deployments', namespaced: true },
  statefulset: { prefix: '/apis/apps/v1', resource: 'statefulsets', namespaced: true },
  daemonset: { prefix: '/apis/apps/v1', resource: 'daemonsets', namespaced: true },
  persistentvolumeclaim: { prefix: '/api/v1', resource: 'persistentvolumeclaims', namespaced: true },
};

/** collectionPath returns the list/watch path of a kind in a namespace ('' for all). */
export function collectionPath(kind: WatchKind, namespace: string): string {
  const c = COLLECTIONS[kind];
  return c.namespaced && namespace !== '' ? `${c.prefix}/namespaces/${encodeURIComponent(namespace)}/${c.resource}` : `${c.prefix}/${c.resource}`;
}

/** WatchedObject is a trimmed object as an informer stores it. */
export type WatchedObject = object & Keyed;

const trimmers = new Map<WatchKind, (raw: unknown) => WatchedObject>();

/** trimmer keeps what Vigil reads of a kind, plus the resourceVersion the informer compares. */
export function trimmer(kind: WatchKind): (raw: unknown) => WatchedObject {
  let f = trimmers.get(kind);
  if (f === undefined) {
    const t = TRIMMERS[kind];
    f = (raw) => {
      const o = t(raw) as WatchedObject;
      const rv = (raw as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
      o.metadata = { ...(o.metadata ?? {}), resourceVersion: rv } as Keyed['metadata'];
      return o;
    };
    trimmers.set(kind, f);
  }
  return f;
}

/** watchSpec is the informer spec of a kind in a namespace ('' for all) with optional selectors. */
export function watchSpec<T extends WatchedObject>(kind: WatchKind, namespace: string, selectors: { label?: string; field?: string } = {}): InformerSpec<T> {
  return {
    kind,
    path: collectionPath(kind, namespace),
    labelSelector: selectors.label || undefined,
    fieldSelector: selectors.field || undefined,
    trim: trimmer(kind) as (raw: unknown) => T,
  };
}
