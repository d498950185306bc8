/**
 * A plain ObjectIndex over lists of objects, keyed as Prometheus's informer stores key them
 * (`<namespace>/<name>`, or the name for nodes and namespaces). For tests and small callers; a
 * watcher keeps its own stores and implements ObjectIndex over them.
 */
import { namespacedName, str } from './meta';
import type { Job, KubeObject, Namespace, Node, ObjectIndex, Pod, ReplicaSet, Service } from './types';

/** ObjectLists are the objects an index serves, per kind (any may be omitted). */
export interface ObjectLists {
  pods?: readonly Pod[];
  services?: readonly Service[];
  nodes?: readonly Node[];
  namespaces?: readonly Namespace[];
  replicaSets?: readonly ReplicaSet[];
  jobs?: readonly Job[];
}

/**
 * objectKey is an object's store key as client-go's MetaNamespaceKeyFunc makes it:
 * `<namespace>/<name>`, or the name of an object without namespace (nodes, namespaces).
 */
export function objectKey(obj: KubeObject): string {
  const ns = str(obj.metadata?.namespace);
  const name = str(obj.metadata?.name);
  return ns === '' ? name : namespacedName(ns, name);
}

function byKey<T extends KubeObject>(list: readonly T[] | undefined, namespaced: boolean): Map<string, T> {
  const m = new Map<string, T>();
  for (const o of list ?? []) m.set(namespaced ? namespacedName(str(o.metadata?.namespace), str(o.metadata?.name)) : str(o.metadata?.name), o);
  return m;
}

/** objectIndexFrom returns an ObjectIndex over the given objects (later duplicates win). */
export function objectIndexFrom(lists: ObjectLists = {}): ObjectIndex {
  const pods = byKey(lists.pods, true);
  const services = byKey(lists.services, true);
  const nodes = byKey(lists.nodes, false);
  const namespaces = byKey(lists.namespaces, false);
  const replicaSets = byKey(lists.replicaSets, true);
  const jobs = byKey(lists.jobs, true);
  return {
    pod: (ns, name) => pods.get(namespacedName(ns, name)),
    service: (ns, name) => services.get(namespacedName(ns, name)),
    node: (name) => nodes.get(name),
    namespace: (name) => namespaces.get(name),
    replicaSet: (ns, name) => replicaSets.get(namespacedName(ns, name)),
    job: (ns, name) => jobs.get(namespacedName(ns, name)),
  };
}

/** EMPTY_OBJECT_INDEX knows no object. */
export const EMPTY_OBJECT_INDEX: ObjectIndex = objectIndexFrom();
