/**
 * KubeState: kube-state-metrics's series (v2.18.0: names, labels, HELP, TYPE, values and text
 * layout) made from the objects Vigil already watches through the shared informers, without
 * kube-state-metrics in the cluster. See README.md.
 */
import type { KubeClient } from '../kube/client';
import { KubeError } from '../kube/errors';
import type { Informer } from '../kube/informer';
import type { SharedInformers } from '../kube/informers';
import { COLLECTIONS, watchSpec, type WatchedObject } from '../kube/objects/collections';
import type { Logger } from '../util/log';
import { nopLogger } from '../util/log';
import { header, Lines } from './exposition';
import type { Resource } from './family';
import { NAMESPACES, PERSISTENTVOLUMECLAIMS, SERVICES } from './cluster';
import { NODES } from './nodes';
import { PODS } from './pods';
import { DAEMONSETS, DEPLOYMENTS, JOBS, REPLICASETS, STATEFULSETS } from './workloads';

/** RESOURCES are the resources KubeState writes, in KSM's order (sorted by name). */
export const RESOURCES: readonly Resource<never>[] = [DAEMONSETS, DEPLOYMENTS, JOBS, NAMESPACES, NODES, PERSISTENTVOLUMECLAIMS, PODS, REPLICASETS, SERVICES, STATEFULSETS] as unknown as Resource<never>[];

/** ResourceName is a resource KubeState can write (KSM's `--resources` names). */
export type ResourceName = 'daemonsets' | 'deployments' | 'jobs' | 'namespaces' | 'nodes' | 'persistentvolumeclaims' | 'pods' | 'replicasets' | 'services' | 'statefulsets';

/** RESOURCE_NAMES lists every ResourceName. */
export const RESOURCE_NAMES: readonly ResourceName[] = RESOURCES.map((r) => r.name as ResourceName);

/** FAMILY_NAMES are the metric families KubeState writes, in order. */
export const FAMILY_NAMES: readonly string[] = RESOURCES.flatMap((r) => r.families.map((f) => f.name));

/** KubeStateOptions configure a KubeState. */
export interface KubeStateOptions {
  client: KubeClient;
  informers: SharedInformers;
  /** namespaces: [''] (or []) watches cluster-wide; otherwise the namespaced kinds are watched in each listed namespace. */
  namespaces: string[];
  /** resources limits what is watched and written (default all). */
  resources?: readonly ResourceName[];
  logger?: Logger;
}

/** Refusal is a collection the API server refused to list (RBAC). */
export interface Refusal {
  resource: ResourceName;
  /** namespace is '' for a cluster-wide list. */
  namespace: string;
  /** permission names what is missing, e.g. `list deployments.apps` (with ` in namespace X` for a namespace's list). */
  permission: string;
  /** message is the API server's refusal as Vigil reports it (with the `kubectl auth can-i` hint). */
  message: string;
}

/** CollectionState is one watched collection's state. */
export interface CollectionState {
  resource: ResourceName;
  namespace: string;
  synced: boolean;
  refused: boolean;
  objects: number;
  lastError: string;
}

interface Collection {
  resource: Resource<never>;
  namespace: string;
  informer: Informer<WatchedObject> | null;
  release: () => void;
  refused: KubeError | null;
}

/** KubeState watches the collections of its resources and renders their series. */
export class KubeState {
  private readonly o: KubeStateOptions;
  private readonly logger: Logger;
  private readonly resources: Resource<never>[];
  private readonly namespaces: string[];
  private collections: Collection[] = [];
  /** bases caches each object's base labels (objects are replaced on update, so entries stay right). */
  private readonly bases = new WeakMap<object, string>();
  /** lastSize is the last render's size (the next one allocates about as much at once). */
  private lastSize = 0;

  constructor(o: KubeStateOptions) {
    this.o = o;
    this.logger = o.logger ?? nopLogger;
    const want = new Set<string>(o.resources ?? RESOURCE_NAMES);
    for (const r of want) if (!RESOURCE_NAMES.includes(r as ResourceName)) throw new Error(`kubestate: unknown resource ${r} (known: ${RESOURCE_NAMES.join(', ')})`);
    this.resources = RESOURCES.filter((r) => want.has(r.name));
    const nss = [...new Set(o.namespaces)];
    this.namespaces = nss.length === 0 || nss.includes('') ? [''] : nss;
  }

  /** start acquires the informers (one per resource, or per resource and namespace). */
  start(): void {
    if (this.collections.length > 0) return;
    for (const r of this.resources) {
      const nss = COLLECTIONS[r.kind].namespaced ? this.namespaces : [''];
      for (const ns of nss) {
        const c: Collection = { resource: r, namespace: ns, informer: null, release: () => {}, refused: null };
        const { informer, release } = this.o.informers.acquire<WatchedObject>(this.o.client, watchSpec(r.kind, ns));
        const off = informer.on({
          synced: () => {
            c.refused = null;
          },
          error: (e) => {
            if (e instanceof KubeError && e.kind === 'forbidden') {
              if (c.refused === null) this.logger('warn', 'kube-state: the API server refused a list', { resource: r.name, namespace: ns, err: e.message });
              c.refused = e;
            }
          },
        });
        c.informer = informer;
        c.release = () => {
          off();
          release();
        };
        this.collections.push(c);
      }
    }
  }

  /** stop releases the informers. */
  stop(): void {
    for (const c of this.collections) c.release();
    this.collections = [];
  }

  /** synced is true once every collection has been listed. */
  get synced(): boolean {
    return this.collections.length > 0 && this.collections.every((c) => c.informer?.hasSynced === true && c.refused === null);
  }

  /** refusals are the collections the API server refused to list (their families are left out). */
  refusals(): Refusal[] {
    return this.collections
      .filter((c) => c.refused !== null)
      .map((c) => {
        const col = COLLECTIONS[c.resource.kind];
        const group = /^\/apis\/([^/]+)\//.exec(col.prefix)?.[1];
        const res = group ? `${col.resource}.${group}` : col.resource;
        return { resource: c.resource.name as ResourceName, namespace: c.namespace, permission: `list ${res}${c.namespace ? ` in namespace ${c.namespace}` : ''}`, message: c.refused!.message };
      });
  }

  /** collections tells the state of every watched collection. */
  states(): CollectionState[] {
    return this.collections.map((c) => ({ resource: c.resource.name as ResourceName, namespace: c.namespace, synced: c.informer?.hasSynced === true, refused: c.refused !== null, objects: c.informer?.store.size ?? 0, lastError: c.informer?.lastError ?? '' }));
  }

  /** renderText is render as a string. */
  renderText(): string {
    return this.render().toString('utf8');
  }

  /** render writes the exposition of every synced, not refused collection (text format 0.0.4). */
  render(): Buffer {
    const groups: RenderGroup[] = [];
    let i = 0;
    while (i < this.collections.length) {
      // The collections of one resource are consecutive (one per namespace, in the given order).
      const r = this.collections[i]!.resource;
      let j = i;
      while (j < this.collections.length && this.collections[j]!.resource === r) j++;
      const cols = this.collections.slice(i, j);
      // Only listed, not refused collections are written; a missing first one writes no headers (as in KSM).
      const live = (c: Collection): boolean => c.informer?.hasSynced === true && c.refused === null;
      groups.push({ resource: r, first: live(cols[0]!) ? cols[0]!.informer!.store : null, rest: cols.slice(1).filter(live).map((c) => c.informer!.store), firstSize: live(cols[0]!) ? cols[0]!.informer!.store.size : 0 });
      i = j;
    }
    const out = renderGroups(groups, this.bases, this.lastSize);
    this.lastSize = out.length;
    return out;
  }
}

/** Objects are a collection's objects (an informer's store, or an array), read once per family. */
interface Objects {
  values(): IterableIterator<object>;
}

/** RenderGroup is one resource's collections: the first (which decides the headers) and the others. */
interface RenderGroup {
  resource: Resource<never>;
  first: Objects | null;
  firstSize: number;
  rest: Objects[];
}

function renderGroups(groups: RenderGroup[], bases: WeakMap<object, string>, sizeHint = 0): Buffer {
  const w = new Lines(sizeHint);
  for (const g of groups) {
    const cols = [...(g.first ? [g.first] : []), ...g.rest];
    if (cols.length === 0) continue;
    // KSM writes a family's HELP and TYPE when its first store (the first namespace's) has objects.
    const headers = g.first !== null && g.firstSize > 0;
    const base = g.resource.base as (o: object) => string;
    // The objects and their base labels, once per render (the labels cached across renders).
    const objs: object[] = [];
    const labels: string[] = [];
    for (const c of cols) {
      for (const o of c.values()) {
        let b = bases.get(o);
        if (b === undefined) {
          b = base(o);
          bases.set(o, b);
        }
        objs.push(o);
        labels.push(b);
      }
    }
    for (const f of g.resource.families) {
      if (headers) w.text(header(f.name, f.help, f.type, f.stable));
      const pre = f.name + '{';
      const series = f.series as (o: object, w: Lines) => void;
      for (let i = 0; i < objs.length; i++) {
        w.at(pre, labels[i]!);
        series(objs[i]!, w);
      }
    }
  }
  return w.buffer();
}

/**
 * renderObjects renders trimmed objects without informers (tests, benchmarks): for each resource,
 * its collections in order (one per namespace; the first decides the headers, as in KSM).
 */
export function renderObjects(input: Partial<Record<ResourceName, object[][]>>, bases: WeakMap<object, string> = new WeakMap(), sizeHint = 0): Buffer {
  const groups: RenderGroup[] = [];
  for (const r of RESOURCES) {
    const cols = input[r.name as ResourceName];
    if (cols === undefined || cols.length === 0) continue;
    groups.push({ resource: r, first: cols[0]!, firstSize: cols[0]!.length, rest: cols.slice(1) });
  }
  return renderGroups(groups, bases, sizeHint);
}
