/**
 * The object store of the fake API server: objects by resource, a cluster-wide resourceVersion,
 * the event history that watches resume from (and its compaction, which makes old versions 410
 * Gone), and label and field selectors as the API server applies them.
 */
import { splitSelector } from '../../kube/selector';

/** KubeObj is a stored object (the JSON the API returns). */
export interface KubeObj {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** ResourceType describes a kind the fake serves. */
export interface ResourceType {
  /** group is '' for the core group. */
  group: string;
  version: string;
  /** resource is the plural (pods). */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** fields maps field-selector names to getters (metadata.name and metadata.namespace always work). */
  fields?: Record<string, (o: KubeObj) => string>;
}

/** RESOURCES are the kinds the fake API server serves. */
export const RESOURCES: ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, fields: { 'status.phase': (o) => String((o.status as { phase?: string } | undefined)?.phase ?? '') } },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, fields: { 'spec.unschedulable': (o) => String(Boolean((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable)) } },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    fields: {
      'spec.nodeName': (o) => String((o.spec as { nodeName?: string } | undefined)?.nodeName ?? ''),
      'status.phase': (o) => String((o.status as { phase?: string } | undefined)?.phase ?? ''),
      'status.podIP': (o) => String((o.status as { podIP?: string } | undefined)?.podIP ?? ''),
    },
  },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
];

/** StoreEvent is one change, as a watch sends it. */
export interface StoreEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: KubeObj;
  /** old is the object before a MODIFIED (watches with selectors turn an object leaving them into DELETED). */
  old?: KubeObj;
}

/** Requirement is one term of a label selector. */
type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

/** parseLabelSelector parses `a=b,c!=d,e in (x,y),!f,g`; throws on bad syntax. */
export function parseLabelSelector(s: string): Requirement[] {
  const out: Requirement[] = [];
  for (const raw of splitSelector(s.trim() === '' ? '' : s)) {
    const p = raw.trim();
    if (p === '') throw new Error(`invalid label selector ${JSON.stringify(s)}`);
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p))) out.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((x) => x.trim()) });
    else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(p))) out.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    else if ((m = /^!([\w./-]+)$/.exec(p))) out.push({ key: m[1]!, op: '!exists', values: [] });
    else if ((m = /^([\w./-]+)$/.exec(p))) out.push({ key: m[1]!, op: 'exists', values: [] });
    else throw new Error(`invalid label selector ${JSON.stringify(s)}`);
  }
  return out;
}

function matchesLabels(labels: Record<string, string>, reqs: Requirement[]): boolean {
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key] ?? '';
    switch (r.op) {
      case 'in':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
    }
  }
  return true;
}

/** parseFieldSelector parses `a=b,c!=d` against the fields rt supports; throws on an unknown field. */
export function parseFieldSelector(s: string, rt: ResourceType): ((o: KubeObj) => boolean) | null {
  if (s.trim() === '') return null;
  const tests: ((o: KubeObj) => boolean)[] = [];
  for (const p of s.split(',')) {
    const m = /^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(p);
    if (!m) throw new Error(`invalid field selector ${JSON.stringify(s)}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const get = field === 'metadata.name' ? (o: KubeObj) => o.metadata.name : field === 'metadata.namespace' ? (o: KubeObj) => o.metadata.namespace ?? '' : rt.fields?.[field];
    if (!get) throw new Error(`field label not supported: ${field}`);
    tests.push(op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (o) => tests.every((t) => t(o));
}

/** ObjectStore holds the fake cluster's objects. */
export class ObjectStore {
  /** rv is the cluster-wide resourceVersion of the last change. */
  rv = 1;
  private readonly objects = new Map<string, Map<string, KubeObj>>();
  private history: StoreEvent[] = [];
  /** compactedRv: watches from a version older than this get 410 Gone. */
  compactedRv = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private uid = 0;
  /** maxHistory bounds the event history (older events are compacted away). */
  maxHistory = 100_000;

  /** type returns the ResourceType of a resource name, or undefined. */
  type(resource: string): ResourceType | undefined {
    return RESOURCES.find((r) => r.resource === resource);
  }

  private bucket(resource: string): Map<string, KubeObj> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map()));
    return b;
  }

  private key(o: KubeObj): string {
    return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
  }

  /** onEvent subscribes to changes (watches). */
  onEvent(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private record(type: StoreEvent['type'], resource: string, obj: KubeObj, old?: KubeObj): void {
    const e: StoreEvent = { rv: this.rv, type, resource, object: obj, ...(old ? { old } : {}) };
    this.history.push(e);
    if (this.history.length > this.maxHistory) {
      const drop = this.history.length - this.maxHistory;
      this.compactedRv = this.history[drop - 1]!.rv;
      this.history = this.history.slice(drop);
    }
    for (const f of this.listeners) f(e);
  }

  /** put creates or replaces an object; it gets a new resourceVersion (and a uid when new). */
  put(resource: string, obj: KubeObj): KubeObj {
    const rt = this.type(resource);
    if (!rt) throw new Error(`unknown resource ${resource}`);
    const b = this.bucket(resource);
    const k = this.key(obj);
    const old = b.get(k);
    this.rv++;
    const stored: KubeObj = {
      ...obj,
      apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
      kind: rt.kind,
      metadata: { ...obj.metadata, uid: old?.metadata.uid ?? obj.metadata.uid ?? `00000000-0000-4000-8000-${String(++this.uid).padStart(12, '0')}`, resourceVersion: String(this.rv), creationTimestamp: old?.metadata.creationTimestamp ?? obj.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    };
    b.set(k, stored);
    this.record(old ? 'MODIFIED' : 'ADDED', resource, stored, old);
    return stored;
  }

  /** delete removes an object; returns whether it existed. */
  delete(resource: string, namespace: string, name: string): boolean {
    const b = this.bucket(resource);
    const k = namespace ? `${namespace}/${name}` : name;
    const old = b.get(k);
    if (!old) return false;
    b.delete(k);
    this.rv++;
    this.record('DELETED', resource, { ...old, metadata: { ...old.metadata, resourceVersion: String(this.rv) } });
    return true;
  }

  /** get returns one object. */
  get(resource: string, namespace: string, name: string): KubeObj | undefined {
    return this.bucket(resource).get(namespace ? `${namespace}/${name}` : name);
  }

  /** list returns the objects of a resource (in a namespace, '' for all) matching the selectors. */
  list(resource: string, namespace: string, labelSel: Requirement[], fieldSel: ((o: KubeObj) => boolean) | null): KubeObj[] {
    const out: KubeObj[] = [];
    for (const o of this.bucket(resource).values()) {
      if (namespace !== '' && o.metadata.namespace !== namespace) continue;
      if (!matchesLabels(o.metadata.labels ?? {}, labelSel)) continue;
      if (fieldSel && !fieldSel(o)) continue;
      out.push(o);
    }
    return out.sort((a, b) => (this.key(a) < this.key(b) ? -1 : 1));
  }

  /**
   * view returns what a watch with these selectors sees of an event, as the API server does: a
   * modification that takes an object out of the selection is a DELETED, one that brings it in an
   * ADDED; null when the watch sees nothing.
   */
  view(e: StoreEvent, namespace: string, labelSel: Requirement[], fieldSel: ((o: KubeObj) => boolean) | null): StoreEvent['type'] | null {
    const now = this.matches(e.object, namespace, labelSel, fieldSel);
    if (e.type !== 'MODIFIED' || !e.old) return now ? e.type : null;
    const before = this.matches(e.old, namespace, labelSel, fieldSel);
    if (before && now) return 'MODIFIED';
    if (before) return 'DELETED';
    if (now) return 'ADDED';
    return null;
  }

  /** matches tells a watch whether an event's object is in its view. */
  matches(o: KubeObj, namespace: string, labelSel: Requirement[], fieldSel: ((o: KubeObj) => boolean) | null): boolean {
    if (namespace !== '' && o.metadata.namespace !== namespace) return false;
    if (!matchesLabels(o.metadata.labels ?? {}, labelSel)) return false;
    return !fieldSel || fieldSel(o);
  }

  /** since returns the events after rv, or null when rv is older than the compaction point (410). */
  since(rv: number): StoreEvent[] | null {
    if (rv < this.compactedRv) return null;
    let i = this.history.length;
    while (i > 0 && this.history[i - 1]!.rv > rv) i--;
    return this.history.slice(i);
  }

  /** compact drops the history up to now: watches from an older resourceVersion get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  /** count returns how many objects of a resource are stored. */
  count(resource: string): number {
    return this.bucket(resource).size;
  }
}
