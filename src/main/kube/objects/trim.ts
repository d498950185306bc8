/**
 * Trimming: per kind, keep from a raw API object (decoded JSON) only the fields the role builders
 * and the dependency index read, so that a watched cluster of many thousand pods stays small in
 * memory (no managedFields, volumes, env, probes, resources, statuses beyond the container IDs...).
 *
 * Every function is safe on arbitrary JSON: a field of the wrong type is dropped, a missing one
 * stays missing, and array entries that are not objects become `{}` (Go decodes `null` entries as
 * zero values, and entry counts matter, e.g. an ingress path without `path` still reads as `/`).
 * Where Prometheus tells "absent" from "empty" (Go pointers: `targetRef`, an ingress rule's `http`,
 * an endpoint address's `nodeName`, EndpointSlice conditions and ports), presence is preserved.
 * A trimmed object yields exactly the target groups of the untrimmed one.
 */
import type {
  Container,
  ContainerStatus,
  EndpointAddress,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressRule,
  Job,
  Namespace,
  Node,
  ObjectMeta,
  ObjectReference,
  Pod,
  ReplicaSet,
  Service,
  SliceEndpoint,
  StringMap,
} from './types';

type J = Record<string, unknown>;

function obj(v: unknown): J | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : undefined;
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function n(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function b(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** structs maps an array of objects (non-objects read as {}), undefined when v is not an array. */
function structs<T>(v: unknown, f: (o: J) => T): T[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((e) => f(obj(e) ?? {}));
}

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((e) => (typeof e === 'string' ? e : ''));
}

function strMap(v: unknown): StringMap | undefined {
  const o = obj(v);
  if (o === undefined) return undefined;
  const out: StringMap = {};
  for (const k of Object.keys(o)) {
    const x = o[k];
    out[k] = typeof x === 'string' ? x : '';
  }
  return out;
}

/** put sets o[k] = v unless v is undefined (keeps trimmed objects free of undefined keys). */
function put<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function isEmpty(o: object): boolean {
  return Object.keys(o).length === 0;
}

interface MetaFields {
  namespace?: boolean;
  uid?: boolean;
  labels?: boolean;
  controller?: boolean;
}

function trimMeta(raw: unknown, want: MetaFields): ObjectMeta {
  const m = obj(raw) ?? {};
  const out: ObjectMeta = {};
  put(out, 'name', s(m['name']));
  if (want.namespace) put(out, 'namespace', s(m['namespace']));
  if (want.uid) put(out, 'uid', s(m['uid']));
  if (want.labels) {
    put(out, 'labels', strMap(m['labels']));
    put(out, 'annotations', strMap(m['annotations']));
  }
  if (want.controller && Array.isArray(m['ownerReferences'])) {
    // Only the controller is read (GetControllerOf: the first reference with controller: true).
    for (const r of m['ownerReferences']) {
      const ref = obj(r);
      if (ref === undefined || ref['controller'] !== true) continue;
      const t: NonNullable<ObjectMeta['ownerReferences']>[number] = { controller: true };
      put(t, 'kind', s(ref['kind']));
      put(t, 'name', s(ref['name']));
      out.ownerReferences = [t];
      break;
    }
  }
  return out;
}

function trimRef(raw: unknown): ObjectReference | undefined {
  const r = obj(raw);
  if (r === undefined) return undefined;
  const out: ObjectReference = {};
  put(out, 'kind', s(r['kind']));
  put(out, 'name', s(r['name']));
  put(out, 'namespace', s(r['namespace']));
  return out;
}

function trimContainer(c: J): Container {
  const out: Container = {};
  put(out, 'name', s(c['name']));
  put(out, 'image', s(c['image']));
  put(
    out,
    'ports',
    structs(c['ports'], (p) => {
      const port: NonNullable<Container['ports']>[number] = {};
      put(port, 'name', s(p['name']));
      put(port, 'containerPort', n(p['containerPort']));
      put(port, 'protocol', s(p['protocol']));
      return port;
    }),
  );
  return out;
}

function trimStatuses(v: unknown): ContainerStatus[] | undefined {
  return structs(v, (st) => {
    const out: ContainerStatus = {};
    put(out, 'name', s(st['name']));
    put(out, 'containerID', s(st['containerID']));
    return out;
  });
}

/** trimPod keeps a pod's metadata (with uid and controller), node name, containers, IPs, phase, Ready condition and container IDs. */
export function trimPod(raw: unknown): Pod {
  const r = obj(raw) ?? {};
  const out: Pod = { metadata: trimMeta(r['metadata'], { namespace: true, uid: true, labels: true, controller: true }) };
  const spec = obj(r['spec']);
  if (spec !== undefined) {
    const sp: NonNullable<Pod['spec']> = {};
    put(sp, 'nodeName', s(spec['nodeName']));
    put(sp, 'containers', structs(spec['containers'], trimContainer));
    put(sp, 'initContainers', structs(spec['initContainers'], trimContainer));
    if (!isEmpty(sp)) out.spec = sp;
  }
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<Pod['status']> = {};
    put(st, 'podIP', s(status['podIP']));
    put(st, 'hostIP', s(status['hostIP']));
    put(st, 'phase', s(status['phase']));
    // Only the first Ready condition is read (podReady).
    for (const c of Array.isArray(status['conditions']) ? status['conditions'] : []) {
      const cond = obj(c);
      if (cond === undefined || cond['type'] !== 'Ready') continue;
      const t: NonNullable<NonNullable<Pod['status']>['conditions']>[number] = { type: 'Ready' };
      put(t, 'status', s(cond['status']));
      st.conditions = [t];
      break;
    }
    put(st, 'containerStatuses', trimStatuses(status['containerStatuses']));
    put(st, 'initContainerStatuses', trimStatuses(status['initContainerStatuses']));
    if (!isEmpty(st)) out.status = st;
  }
  return out;
}

/** trimNode keeps a node's name, labels, annotations, provider ID, first address of each type, conditions and kubelet port. */
export function trimNode(raw: unknown): Node {
  const r = obj(raw) ?? {};
  const out: Node = { metadata: trimMeta(r['metadata'], { labels: true }) };
  const providerID = s(obj(r['spec'])?.['providerID']);
  if (providerID !== undefined) out.spec = { providerID };
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<Node['status']> = {};
    if (Array.isArray(status['addresses'])) {
      // Only the first address of each type is read.
      const seen = new Set<string>();
      const addresses: NonNullable<NonNullable<Node['status']>['addresses']> = [];
      for (const a of status['addresses']) {
        const addr = obj(a) ?? {};
        const type = s(addr['type']) ?? '';
        if (seen.has(type)) continue;
        seen.add(type);
        const t: (typeof addresses)[number] = {};
        put(t, 'type', s(addr['type']));
        put(t, 'address', s(addr['address']));
        addresses.push(t);
      }
      st.addresses = addresses;
    }
    put(
      st,
      'conditions',
      structs(status['conditions'], (c) => {
        const t: NonNullable<NonNullable<Node['status']>['conditions']>[number] = {};
        put(t, 'type', s(c['type']));
        put(t, 'status', s(c['status']));
        return t;
      }),
    );
    const port = n(obj(obj(status['daemonEndpoints'])?.['kubeletEndpoint'])?.['Port']);
    if (port !== undefined) st.daemonEndpoints = { kubeletEndpoint: { Port: port } };
    if (!isEmpty(st)) out.status = st;
  }
  return out;
}

/** trimService keeps a service's metadata, ports, type, cluster IP, external name, load balancer IP and IP families. */
export function trimService(raw: unknown): Service {
  const r = obj(raw) ?? {};
  const out: Service = { metadata: trimMeta(r['metadata'], { namespace: true, labels: true }) };
  const spec = obj(r['spec']);
  if (spec !== undefined) {
    const sp: NonNullable<Service['spec']> = {};
    put(
      sp,
      'ports',
      structs(spec['ports'], (p) => {
        const t: NonNullable<NonNullable<Service['spec']>['ports']>[number] = {};
        put(t, 'name', s(p['name']));
        put(t, 'port', n(p['port']));
        put(t, 'protocol', s(p['protocol']));
        return t;
      }),
    );
    for (const k of ['type', 'clusterIP', 'externalName', 'loadBalancerIP', 'ipFamilyPolicy'] as const) put(sp, k, s(spec[k]));
    put(sp, 'ipFamilies', strings(spec['ipFamilies']));
    if (!isEmpty(sp)) out.spec = sp;
  }
  return out;
}

function trimAddress(a: J): EndpointAddress {
  const out: EndpointAddress = {};
  put(out, 'ip', s(a['ip']));
  put(out, 'hostname', s(a['hostname']));
  put(out, 'nodeName', s(a['nodeName']));
  put(out, 'targetRef', trimRef(a['targetRef']));
  return out;
}

/** trimEndpoints keeps an Endpoints object's metadata and subsets (addresses, not-ready addresses, ports). */
export function trimEndpoints(raw: unknown): Endpoints {
  const r = obj(raw) ?? {};
  const out: Endpoints = { metadata: trimMeta(r['metadata'], { namespace: true, labels: true }) };
  put(
    out,
    'subsets',
    structs(r['subsets'], (ss) => {
      const t: NonNullable<Endpoints['subsets']>[number] = {};
      put(t, 'addresses', structs(ss['addresses'], trimAddress));
      put(t, 'notReadyAddresses', structs(ss['notReadyAddresses'], trimAddress));
      put(
        t,
        'ports',
        structs(ss['ports'], (p) => {
          const port: NonNullable<NonNullable<Endpoints['subsets']>[number]['ports']>[number] = {};
          put(port, 'name', s(p['name']));
          put(port, 'port', n(p['port']));
          put(port, 'protocol', s(p['protocol']));
          return port;
        }),
      );
      return t;
    }),
  );
  return out;
}

function trimSliceEndpoint(e: J): SliceEndpoint {
  const out: SliceEndpoint = {};
  put(out, 'addresses', strings(e['addresses']));
  const c = obj(e['conditions']);
  if (c !== undefined) {
    const cond: NonNullable<SliceEndpoint['conditions']> = {};
    put(cond, 'ready', b(c['ready']));
    put(cond, 'serving', b(c['serving']));
    put(cond, 'terminating', b(c['terminating']));
    if (!isEmpty(cond)) out.conditions = cond;
  }
  put(out, 'hostname', s(e['hostname']));
  put(out, 'targetRef', trimRef(e['targetRef']));
  put(out, 'nodeName', s(e['nodeName']));
  put(out, 'zone', s(e['zone']));
  put(out, 'deprecatedTopology', strMap(e['deprecatedTopology']));
  return out;
}

/** trimEndpointSlice keeps an EndpointSlice's metadata, address type, ports and endpoints (without hints). */
export function trimEndpointSlice(raw: unknown): EndpointSlice {
  const r = obj(raw) ?? {};
  const out: EndpointSlice = { metadata: trimMeta(r['metadata'], { namespace: true, labels: true }) };
  put(out, 'addressType', s(r['addressType']));
  put(
    out,
    'ports',
    structs(r['ports'], (p) => {
      const t: NonNullable<EndpointSlice['ports']>[number] = {};
      put(t, 'name', s(p['name']));
      put(t, 'port', n(p['port']));
      put(t, 'protocol', s(p['protocol']));
      put(t, 'appProtocol', s(p['appProtocol']));
      return t;
    }),
  );
  put(out, 'endpoints', structs(r['endpoints'], trimSliceEndpoint));
  return out;
}

/** trimIngress keeps an ingress's metadata, class name, rules (host and paths) and TLS hosts. */
export function trimIngress(raw: unknown): Ingress {
  const r = obj(raw) ?? {};
  const out: Ingress = { metadata: trimMeta(r['metadata'], { namespace: true, labels: true }) };
  const spec = obj(r['spec']);
  if (spec !== undefined) {
    const sp: NonNullable<Ingress['spec']> = {};
    put(sp, 'ingressClassName', s(spec['ingressClassName']));
    put(
      sp,
      'rules',
      structs(spec['rules'], (rule) => {
        const t: IngressRule = {};
        put(t, 'host', s(rule['host']));
        const http = obj(rule['http']);
        if (http !== undefined) {
          // Presence matters: a rule without http reads as path `/`, one with http but no paths as none.
          const h: NonNullable<IngressRule['http']> = {};
          put(
            h,
            'paths',
            structs(http['paths'], (p) => {
              const path: NonNullable<NonNullable<IngressRule['http']>['paths']>[number] = {};
              put(path, 'path', s(p['path']));
              return path;
            }),
          );
          t.http = h;
        }
        return t;
      }),
    );
    put(
      sp,
      'tls',
      structs(spec['tls'], (t) => {
        const tls: NonNullable<NonNullable<Ingress['spec']>['tls']>[number] = {};
        put(tls, 'hosts', strings(t['hosts']));
        return tls;
      }),
    );
    if (!isEmpty(sp)) out.spec = sp;
  }
  return out;
}

/** trimNamespace keeps a namespace's name, labels and annotations. */
export function trimNamespace(raw: unknown): Namespace {
  return { metadata: trimMeta(obj(raw)?.['metadata'], { labels: true }) };
}

/** trimReplicaSet keeps a ReplicaSet's name, namespace and controller (its Deployment). */
export function trimReplicaSet(raw: unknown): ReplicaSet {
  return { metadata: trimMeta(obj(raw)?.['metadata'], { namespace: true, controller: true }) };
}

/** trimJob keeps a Job's name, namespace and controller (its CronJob). */
export function trimJob(raw: unknown): Job {
  return { metadata: trimMeta(obj(raw)?.['metadata'], { namespace: true, controller: true }) };
}

/** TrimKind names the kinds trimObject knows. */
export type TrimKind = 'pod' | 'node' | 'service' | 'endpoints' | 'endpointslice' | 'ingress' | 'namespace' | 'replicaset' | 'job';

/** TRIMMERS maps each kind to its trim function. */
export const TRIMMERS: { readonly [K in TrimKind]: (raw: unknown) => object } = {
  pod: trimPod,
  node: trimNode,
  service: trimService,
  endpoints: trimEndpoints,
  endpointslice: trimEndpointSlice,
  ingress: trimIngress,
  namespace: trimNamespace,
  replicaset: trimReplicaSet,
  job: trimJob,
};
