/**
 * Which changes recompute which groups, mirroring the informer indexers and event handlers that
 * Prometheus's discovery/kubernetes registers (kubernetes.go's newIndexed*Informer, and the
 * handlers in pod.go, service.go, ingress.go, endpoints.go and endpointslice.go).
 *
 * A primary object (the role's own kind) is recomputed on its own add, update and delete. A
 * secondary object's change recomputes the primaries that an index relates to it:
 *
 * | role          | secondary change                    | primaries recomputed (index)                         |
 * |---------------|-------------------------------------|------------------------------------------------------|
 * | pod           | node add/update/delete (a.m. node)  | pods with that spec.nodeName                         |
 * | pod           | namespace update (a.m. namespace)   | pods of the namespace                                |
 * | pod           | replicaset add/update/delete (a.m. deployment) | pods whose controller is that ReplicaSet  |
 * | pod           | job add/update/delete (a.m. job or cronjob)    | pods whose controller is that Job         |
 * | service       | namespace update (a.m. namespace)   | services of the namespace                            |
 * | ingress       | namespace update (a.m. namespace)   | ingresses of the namespace                           |
 * | endpoints     | service add/update/delete           | the Endpoints of the same namespace and name         |
 * | endpoints     | pod update changing status.phase    | Endpoints whose ready addresses target the pod       |
 * | endpoints     | node add/update/delete (a.m. node)  | Endpoints whose ready addresses have a target reference: a Pod's address by its nodeName, a Node by its name |
 * | endpoints     | namespace update (a.m. namespace)   | Endpoints of the namespace                           |
 * | endpointslice | service add/update/delete           | slices whose `kubernetes.io/service-name` names it   |
 * | endpointslice | node add/update/delete (a.m. node)  | slices whose endpoints have a target reference: a Pod's by its nodeName, a Node by its name |
 * | endpointslice | namespace update (a.m. namespace)   | slices of the namespace                              |
 * | node          | —                                   | —                                                    |
 *
 * Nothing else triggers a recomputation, as in Prometheus: namespace creation and deletion (the
 * namespaced objects' own events cover them), pod add/delete and pod changes other than the phase
 * for endpoints, any pod change for endpointslice, ReplicaSet and Job changes for endpoints and
 * endpointslice (their pod labels use them, but no handler is registered), and node changes for
 * addresses whose node is known only from nodeName without a target reference. A group computed
 * then may therefore carry stale labels until its primary object changes, exactly as Prometheus's.
 *
 * Dependency keys are `<kind>/<key>`: `node/<name>`, `namespace/<name>`, `pod/<ns>/<name>`,
 * `service/<ns>/<name>`, `replicaset/<ns>/<name>`, `job/<ns>/<name>`. A caller keeps, per role,
 * a DependencyIndex from each primary's keys (`dependencyKeys`) and asks `primariesToRecompute`.
 */
import type { KubernetesRole } from '../config';
import { controllerOf, namespacedName, str } from './meta';
import { endpointSliceServiceName } from './endpointslice';
import type { EndpointSlice, Endpoints, KubeObject, Pod, RoleOptions } from './types';

/** ObjectKind is a kind of watched object: a role's primary kind or a kind its groups join. */
export type ObjectKind = 'pod' | 'node' | 'service' | 'endpoints' | 'endpointslice' | 'ingress' | 'namespace' | 'replicaset' | 'job';

/** ChangeType is an informer event type. */
export type ChangeType = 'add' | 'update' | 'delete';

/** ObjectChange is one watch event: the kind, its store key (`<ns>/<name>` or name), the objects before and after. */
export interface ObjectChange {
  kind: ObjectKind;
  type: ChangeType;
  key: string;
  /** old is the object before an update or delete (when known). */
  old?: KubeObject | undefined;
  /** cur is the object after an add or update. */
  cur?: KubeObject | undefined;
}

/** PRIMARY_KIND is the kind whose objects are a role's primaries. */
export const PRIMARY_KIND: { readonly [R in KubernetesRole]: ObjectKind } = {
  node: 'node',
  pod: 'pod',
  service: 'service',
  endpoints: 'endpoints',
  endpointslice: 'endpointslice',
  ingress: 'ingress',
};

function nsOf(o: KubeObject): string {
  return str(o.metadata?.namespace);
}

function podKeys(pod: Pod, opts: RoleOptions): string[] {
  const am = opts.attachMetadata;
  const out: string[] = [];
  if (am.node) out.push('node/' + str(pod.spec?.nodeName));
  if (am.namespace) out.push('namespace/' + nsOf(pod));
  const owner = controllerOf(pod.metadata);
  if (am.deployment && owner?.kind === 'ReplicaSet') out.push('replicaset/' + namespacedName(nsOf(pod), str(owner.name)));
  if ((am.job || am.cronjob) && owner?.kind === 'Job') out.push('job/' + namespacedName(nsOf(pod), str(owner.name)));
  return out;
}

function endpointsKeys(eps: Endpoints, opts: RoleOptions): string[] {
  const out: string[] = ['service/' + namespacedName(nsOf(eps), str(eps.metadata?.name))];
  for (const ss of eps.subsets ?? []) {
    // Prometheus indexes the ready addresses only.
    for (const addr of ss?.addresses ?? []) {
      const ref = addr?.targetRef;
      if (ref === undefined || ref === null) continue;
      if (ref.kind === 'Pod') out.push('pod/' + namespacedName(str(ref.namespace), str(ref.name)));
      if (opts.attachMetadata.node) {
        if (ref.kind === 'Pod' && typeof addr.nodeName === 'string') out.push('node/' + addr.nodeName);
        else if (ref.kind === 'Node') out.push('node/' + str(ref.name));
      }
    }
  }
  if (opts.attachMetadata.namespace) out.push('namespace/' + nsOf(eps));
  return out;
}

function endpointSliceKeys(eps: EndpointSlice, opts: RoleOptions): string[] {
  const out: string[] = [];
  const svc = endpointSliceServiceName(eps);
  if (svc !== undefined) out.push('service/' + namespacedName(nsOf(eps), svc));
  if (opts.attachMetadata.node) {
    for (const ep of eps.endpoints ?? []) {
      const ref = ep?.targetRef;
      if (ref === undefined || ref === null) continue;
      if (ref.kind === 'Pod' && typeof ep.nodeName === 'string') out.push('node/' + ep.nodeName);
      else if (ref.kind === 'Node') out.push('node/' + str(ref.name));
    }
  }
  if (opts.attachMetadata.namespace) out.push('namespace/' + nsOf(eps));
  return out;
}

/**
 * dependencyKeys returns the dependency keys of a role's primary object (the values Prometheus's
 * indexers compute for it), without duplicates.
 */
export function dependencyKeys(role: KubernetesRole, primary: KubeObject, opts: RoleOptions): string[] {
  let keys: string[];
  switch (role) {
    case 'pod':
      keys = podKeys(primary as Pod, opts);
      break;
    case 'endpoints':
      keys = endpointsKeys(primary as Endpoints, opts);
      break;
    case 'endpointslice':
      keys = endpointSliceKeys(primary as EndpointSlice, opts);
      break;
    case 'service':
    case 'ingress':
      keys = opts.attachMetadata.namespace ? ['namespace/' + nsOf(primary)] : [];
      break;
    case 'node':
      keys = [];
      break;
  }
  return [...new Set(keys)];
}

function podPhase(o: KubeObject | undefined): string | undefined {
  return o === undefined ? undefined : str((o as Pod).status?.phase);
}

/**
 * changedDependencyKeys returns the dependency keys a secondary object's change touches in a role,
 * or [] when Prometheus registers no handler for that kind and event (see the table above). For
 * a pod update in the endpoints role, both `old` and `cur` are needed (only a phase change counts).
 */
export function changedDependencyKeys(role: KubernetesRole, change: ObjectChange, opts: RoleOptions): string[] {
  const am = opts.attachMetadata;
  const k = change.kind;
  const own = (kind: ObjectKind): string[] => [kind + '/' + change.key];
  const nsUpdate = k === 'namespace' && change.type === 'update' && am.namespace;
  switch (role) {
    case 'pod':
      if (k === 'node' && am.node) return own('node');
      if (nsUpdate) return own('namespace');
      if (k === 'replicaset' && am.deployment) return own('replicaset');
      if (k === 'job' && (am.job || am.cronjob)) return own('job');
      return [];
    case 'service':
    case 'ingress':
      return nsUpdate ? own('namespace') : [];
    case 'endpoints':
      if (k === 'service') return own('service');
      if (k === 'pod' && change.type === 'update') {
        const before = podPhase(change.old);
        const after = podPhase(change.cur);
        return before !== undefined && after !== undefined && before !== after ? own('pod') : [];
      }
      if (k === 'node' && am.node) return own('node');
      return nsUpdate ? own('namespace') : [];
    case 'endpointslice':
      if (k === 'service') return own('service');
      if (k === 'node' && am.node) return own('node');
      return nsUpdate ? own('namespace') : [];
    case 'node':
      return [];
  }
}

/**
 * DependencyIndex maps dependency keys to the primaries depending on them (Prometheus's
 * informer indexes, inverted). Keep one per role: `set` on every primary add and update,
 * `delete` on its removal.
 */
export class DependencyIndex {
  private readonly byDep = new Map<string, Set<string>>();
  private readonly byPrimary = new Map<string, readonly string[]>();

  /** set records the dependency keys of the primary with store key primaryKey (replacing earlier ones). */
  set(primaryKey: string, keys: readonly string[]): void {
    this.delete(primaryKey);
    if (keys.length === 0) return;
    this.byPrimary.set(primaryKey, keys);
    for (const d of keys) {
      let s = this.byDep.get(d);
      if (s === undefined) this.byDep.set(d, (s = new Set()));
      s.add(primaryKey);
    }
  }

  /** delete forgets a primary. */
  delete(primaryKey: string): void {
    const old = this.byPrimary.get(primaryKey);
    if (old === undefined) return;
    this.byPrimary.delete(primaryKey);
    for (const d of old) {
      const s = this.byDep.get(d);
      if (s === undefined) continue;
      s.delete(primaryKey);
      if (s.size === 0) this.byDep.delete(d);
    }
  }

  /** lookup returns the store keys of the primaries depending on a dependency key. */
  lookup(dependencyKey: string): ReadonlySet<string> {
    return this.byDep.get(dependencyKey) ?? EMPTY_SET;
  }

  /** size is the number of primaries with dependencies. */
  get size(): number {
    return this.byPrimary.size;
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/**
 * primariesToRecompute returns the store keys of the role's primaries whose groups a change
 * requires recomputing: the object itself for a change of the primary kind, else the primaries
 * the index relates to the touched dependency keys (sorted, without duplicates).
 */
export function primariesToRecompute(role: KubernetesRole, change: ObjectChange, opts: RoleOptions, index: DependencyIndex): string[] {
  if (change.kind === PRIMARY_KIND[role]) return [change.key];
  const out = new Set<string>();
  for (const d of changedDependencyKeys(role, change, opts)) for (const p of index.lookup(d)) out.add(p);
  return [...out].sort();
}
