/**
 * Trimming: per kind, keep from a raw API object (decoded JSON) only the fields its consumers read
 * (discovery's role builders and dependency index, and the kube-state series of kubestate/: the
 * union of both, since one watch per collection serves them all), so that a watched cluster of
 * many thousand pods stays small in memory (no managedFields, volumes, env, probes, messages...).
 *
 * Every function is safe on arbitrary JSON: a field of the wrong type is dropped, a missing one
 * stays missing, and array entries that are not objects become `{}` (Go decodes `null` entries as
 * zero values, and entry counts matter, e.g. an ingress path without `path` still reads as `/`).
 * Where Prometheus tells "absent" from "empty" (Go pointers: `targetRef`, an ingress rule's `http`,
 * an endpoint address's `nodeName`, EndpointSlice conditions and ports), presence is preserved.
 * A trimmed object yields exactly the target groups of the untrimmed one, and exactly its
 * kube-state series. Timestamps become Unix seconds (types.ts `Time`).
 */
import type {
  Condition,
  Container,
  ContainerState,
  ContainerStateReason,
  ContainerStatus,
  DaemonSet,
  Deployment,
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
  PersistentVolumeClaim,
  Pod,
  ReplicaSet,
  ResourceList,
  Service,
  SliceEndpoint,
  StatefulSet,
  StringMap,
  Time,
} from './types';

type J = Record<string, unknown>;

function obj(v: unknown): J | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : undefined;
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * POOL shares the strings many objects repeat (namespaces, node names, images, label values,
 * quantities, reasons...): JSON.parse makes a copy of each in every object, a cluster of 15,000
 * pods holds a few thousand distinct ones. Bounded: it starts over when full.
 */
const POOL = new Map<string, string>();
const POOL_MAX = 1 << 16;

/**
 * SHARED holds one copy of the parts many objects repeat whole (the labels, annotations, owners
 * and containers of a Deployment's pods, the usual container states, Ready conditions), keyed by
 * their JSON. Trimmed objects are never modified, so their parts can be shared. Bounded like POOL.
 */
const SHARED = new Map<string, unknown>();
const SHARED_MAX = 1 << 14;

/** shared returns the one copy of a trimmed part equal to v. */
function shared<T>(v: T | undefined): T | undefined {
  if (v === undefined) return undefined;
  const key = JSON.stringify(v);
  const p = SHARED.get(key);
  if (p !== undefined) return p as T;
  if (SHARED.size >= SHARED_MAX) SHARED.clear();
  SHARED.set(key, v);
  return v;
}

/** si is s for a string many objects share: the pooled copy. */
function si(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const p = POOL.get(v);
  if (p !== undefined) return p;
  if (POOL.size >= POOL_MAX) POOL.clear();
  POOL.set(v, v);
  return v;
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
    out[k] = si(o[k]) ?? '';
  }
  return out;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** time parses an RFC 3339 timestamp into Unix seconds (Go's Time.Unix(): floored), undefined when absent or invalid. */
export function time(v: unknown): Time | undefined {
  if (typeof v !== 'string' || !RFC3339.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
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
  /** owners keeps every owner reference (kind, name, controller): GetControllerOf and kube_*_owner. */
  owners?: boolean;
  created?: boolean;
  generation?: boolean;
}

function trimMeta(raw: unknown, want: MetaFields): ObjectMeta {
  const m = obj(raw) ?? {};
  const out: ObjectMeta = {};
  put(out, 'name', s(m['name']));
  if (want.namespace) put(out, 'namespace', si(m['namespace']));
  if (want.uid) put(out, 'uid', s(m['uid']));
  if (want.labels) {
    put(out, 'labels', shared(strMap(m['labels'])));
    put(out, 'annotations', shared(strMap(m['annotations'])));
  }
  if (want.owners) {
    put(
      out,
      'ownerReferences',
      shared(structs(m['ownerReferences'], (ref) => {
        const t: NonNullable<ObjectMeta['ownerReferences']>[number] = {};
        put(t, 'kind', si(ref['kind']));
        put(t, 'name', si(ref['name']));
        put(t, 'controller', b(ref['controller']));
        return t;
      })),
    );
  }
  if (want.created) put(out, 'creationTimestamp', time(m['creationTimestamp']));
  if (want.generation) put(out, 'generation', n(m['generation']));
  return out;
}

function resourceList(v: unknown): ResourceList | undefined {
  const o = obj(v);
  if (o === undefined) return undefined;
  const out: ResourceList = {};
  for (const k of Object.keys(o)) {
    const x = o[k];
    // The API serializes quantities as strings; a number (hand-written JSON) reads as its decimal form.
    if (typeof x === 'string') out[k] = si(x)!;
    else if (typeof x === 'number' && Number.isFinite(x)) out[k] = si(String(x))!;
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
  return shared(trimContainerOwn(c))!;
}

function trimContainerOwn(c: J): Container {
  const out: Container = {};
  put(out, 'name', si(c['name']));
  put(out, 'image', si(c['image']));
  put(out, 'restartPolicy', si(c['restartPolicy']));
  const res = obj(c['resources']);
  if (res !== undefined) {
    const r: NonNullable<Container['resources']> = {};
    put(r, 'requests', resourceList(res['requests']));
    put(r, 'limits', resourceList(res['limits']));
    if (!isEmpty(r)) out.resources = r;
  }
  put(
    out,
    'ports',
    structs(c['ports'], (p) => {
      const port: NonNullable<Container['ports']>[number] = {};
      put(port, 'name', si(p['name']));
      put(port, 'containerPort', n(p['containerPort']));
      put(port, 'protocol', si(p['protocol']));
      return port;
    }),
  );
  return out;
}

function stateReason(v: unknown): ContainerStateReason | undefined {
  const o = obj(v);
  if (o === undefined) return undefined;
  const out: ContainerStateReason = {};
  put(out, 'reason', si(o['reason']));
  return out;
}

function trimStatuses(v: unknown): ContainerStatus[] | undefined {
  return structs(v, (st) => {
    const out: ContainerStatus = {};
    put(out, 'name', si(st['name']));
    put(out, 'containerID', s(st['containerID']));
    put(out, 'image', si(st['image']));
    put(out, 'imageID', si(st['imageID']));
    put(out, 'ready', b(st['ready']));
    put(out, 'restartCount', n(st['restartCount']));
    const state = obj(st['state']);
    if (state !== undefined) {
      const t: ContainerState = {};
      put(t, 'waiting', stateReason(state['waiting']));
      if (obj(state['running']) !== undefined) t.running = {};
      put(t, 'terminated', stateReason(state['terminated']));
      out.state = shared(t);
    }
    const last = stateReason(obj(st['lastState'])?.['terminated']);
    if (last !== undefined) out.lastState = shared({ terminated: last });
    return out;
  });
}

/**
 * trimPod keeps a pod's metadata (with uid, owners and creation time), node name, priority class,
 * host network, containers (names, images, ports, requests and limits), IPs, phase, start time,
 * Ready conditions and container statuses (ID, image, readiness, restarts, state and last
 * termination reasons).
 */
export function trimPod(raw: unknown): Pod {
  const r = obj(raw) ?? {};
  const out: Pod = { metadata: trimMeta(r['metadata'], { namespace: true, uid: true, labels: true, owners: true, created: true }) };
  const spec = obj(r['spec']);
  if (spec !== undefined) {
    const sp: NonNullable<Pod['spec']> = {};
    put(sp, 'nodeName', si(spec['nodeName']));
    put(sp, 'priorityClassName', si(spec['priorityClassName']));
    put(sp, 'hostNetwork', b(spec['hostNetwork']));
    put(sp, 'containers', structs(spec['containers'], trimContainer));
    put(sp, 'initContainers', structs(spec['initContainers'], trimContainer));
    if (!isEmpty(sp)) out.spec = sp;
  }
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<Pod['status']> = {};
    put(st, 'podIP', s(status['podIP']));
    put(st, 'hostIP', si(status['hostIP']));
    put(st, 'phase', si(status['phase']));
    put(st, 'startTime', time(status['startTime']));
    // Only Ready conditions are read (discovery's podReady the first, kube_pod_status_ready each).
    const ready = conditions(status['conditions'], READY, false);
    if (ready !== undefined && ready.length > 0) st.conditions = shared(ready);
    put(st, 'containerStatuses', trimStatuses(status['containerStatuses']));
    put(st, 'initContainerStatuses', trimStatuses(status['initContainerStatuses']));
    if (!isEmpty(st)) out.status = st;
  }
  return out;
}

/**
 * trimNode keeps a node's name, labels, annotations, creation time, provider ID, pod CIDR,
 * unschedulable flag, the first address of each type (and the last InternalIP), conditions,
 * kubelet port, capacity, allocatable and the system info kube_node_info reads.
 */
export function trimNode(raw: unknown): Node {
  const r = obj(raw) ?? {};
  const out: Node = { metadata: trimMeta(r['metadata'], { labels: true, created: true }) };
  const spec = obj(r['spec']);
  if (spec !== undefined) {
    const sp: NonNullable<Node['spec']> = {};
    put(sp, 'providerID', s(spec['providerID']));
    put(sp, 'podCIDR', s(spec['podCIDR']));
    put(sp, 'unschedulable', b(spec['unschedulable']));
    if (!isEmpty(sp)) out.spec = sp;
  }
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<Node['status']> = {};
    if (Array.isArray(status['addresses'])) {
      // Discovery reads the first address of each type, kube_node_info the last InternalIP.
      const seen = new Set<string>();
      const addresses: NonNullable<NonNullable<Node['status']>['addresses']> = [];
      const address = (addr: J): (typeof addresses)[number] => {
        const t: (typeof addresses)[number] = {};
        put(t, 'type', s(addr['type']));
        put(t, 'address', s(addr['address']));
        return t;
      };
      let lastInternal: J | undefined;
      let firstInternal: J | undefined;
      for (const a of status['addresses']) {
        const addr = obj(a) ?? {};
        const type = s(addr['type']) ?? '';
        if (type === 'InternalIP') {
          lastInternal = addr;
          firstInternal ??= addr;
        }
        if (seen.has(type)) continue;
        seen.add(type);
        addresses.push(address(addr));
      }
      if (lastInternal !== undefined && lastInternal !== firstInternal && s(lastInternal['address']) !== s(firstInternal?.['address'])) addresses.push(address(lastInternal));
      st.addresses = addresses;
    }
    put(
      st,
      'conditions',
      structs(status['conditions'], (c) => {
        const t: NonNullable<NonNullable<Node['status']>['conditions']>[number] = {};
        put(t, 'type', si(c['type']));
        put(t, 'status', si(c['status']));
        return t;
      }),
    );
    const port = n(obj(obj(status['daemonEndpoints'])?.['kubeletEndpoint'])?.['Port']);
    if (port !== undefined) st.daemonEndpoints = { kubeletEndpoint: { Port: port } };
    put(st, 'capacity', resourceList(status['capacity']));
    put(st, 'allocatable', resourceList(status['allocatable']));
    const info = obj(status['nodeInfo']);
    if (info !== undefined) {
      const ni: NonNullable<NonNullable<Node['status']>['nodeInfo']> = {};
      for (const k of ['kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion'] as const) put(ni, k, si(info[k]));
      put(ni, 'systemUUID', s(info['systemUUID']));
      st.nodeInfo = ni;
    }
    if (!isEmpty(st)) out.status = st;
  }
  return out;
}

/** trimService keeps a service's metadata (with uid and creation time), ports, type, cluster IP, external name, load balancer IP, external traffic policy and IP families. */
export function trimService(raw: unknown): Service {
  const r = obj(raw) ?? {};
  const out: Service = { metadata: trimMeta(r['metadata'], { namespace: true, uid: true, labels: true, created: true }) };
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
    for (const k of ['type', 'clusterIP', 'externalName', 'loadBalancerIP', 'ipFamilyPolicy', 'externalTrafficPolicy'] as const) put(sp, k, s(spec[k]));
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

/** trimNamespace keeps a namespace's name, labels, annotations, creation time and phase. */
export function trimNamespace(raw: unknown): Namespace {
  const r = obj(raw) ?? {};
  const out: Namespace = { metadata: trimMeta(r['metadata'], { labels: true, created: true }) };
  const phase = s(obj(r['status'])?.['phase']);
  if (phase !== undefined) out.status = { phase };
  return out;
}

/** trimReplicaSet keeps a ReplicaSet's name, namespace and owners (its controller is the Deployment). */
export function trimReplicaSet(raw: unknown): ReplicaSet {
  return { metadata: trimMeta(obj(raw)?.['metadata'], { namespace: true, owners: true }) };
}

const READY = new Set(['Ready']);
const JOB_CONDITIONS = new Set(['Complete', 'Failed']);

/** conditions keeps the conditions of the given types (type, status and, when asked, reason). */
function conditions(v: unknown, types: Set<string> | null, reason: boolean): Condition[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: Condition[] = [];
  for (const e of v) {
    const c = obj(e) ?? {};
    const type = s(c['type']);
    if (types !== null && (type === undefined || !types.has(type))) continue;
    const t: Condition = {};
    put(t, 'type', si(type));
    put(t, 'status', si(c['status']));
    if (reason) put(t, 'reason', si(c['reason']));
    out.push(t);
  }
  return out;
}

/** copyNumbers copies the finite numbers of keys from src to dst. */
function copyNumbers<T extends object>(dst: T, src: J, keys: readonly (keyof T & string)[]): void {
  for (const k of keys) put(dst, k, n(src[k]) as T[typeof k] | undefined);
}

/** trimJob keeps a Job's name, namespace, owners (its controller is the CronJob), creation time, pod counts, start and completion times and Complete/Failed conditions. */
export function trimJob(raw: unknown): Job {
  const r = obj(raw) ?? {};
  const out: Job = { metadata: trimMeta(r['metadata'], { namespace: true, owners: true, created: true }) };
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<Job['status']> = {};
    copyNumbers(st, status, ['active', 'succeeded', 'failed']);
    put(st, 'startTime', time(status['startTime']));
    put(st, 'completionTime', time(status['completionTime']));
    const cs = conditions(status['conditions'], JOB_CONDITIONS, true);
    if (cs !== undefined && cs.length > 0) st.conditions = cs;
    out.status = st;
  }
  return out;
}

/** specReplicas reads spec.replicas, keeping null (Go's nil pointer) apart from absent. */
function specReplicas(spec: J | undefined): { replicas?: number | null } | undefined {
  if (spec === undefined) return undefined;
  const v = spec['replicas'];
  return v === null ? { replicas: null } : typeof v === 'number' && Number.isFinite(v) ? { replicas: v } : {};
}

/** trimDeployment keeps a Deployment's name, namespace, creation time, generation, replicas, paused flag, status counts and conditions. */
export function trimDeployment(raw: unknown): Deployment {
  const r = obj(raw) ?? {};
  const out: Deployment = { metadata: trimMeta(r['metadata'], { namespace: true, created: true, generation: true }) };
  const spec = obj(r['spec']);
  const sp = specReplicas(spec) as NonNullable<Deployment['spec']> | undefined;
  if (sp !== undefined) {
    put(sp, 'paused', b(spec?.['paused']));
    out.spec = sp;
  }
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<Deployment['status']> = {};
    copyNumbers(st, status, ['replicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'updatedReplicas', 'observedGeneration']);
    put(st, 'conditions', conditions(status['conditions'], null, true));
    out.status = st;
  }
  return out;
}

/** trimStatefulSet keeps a StatefulSet's name, namespace, creation time, generation, replicas, status counts and revisions. */
export function trimStatefulSet(raw: unknown): StatefulSet {
  const r = obj(raw) ?? {};
  const out: StatefulSet = { metadata: trimMeta(r['metadata'], { namespace: true, created: true, generation: true }) };
  const sp = specReplicas(obj(r['spec']));
  if (sp !== undefined) out.spec = sp;
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<StatefulSet['status']> = {};
    copyNumbers(st, status, ['replicas', 'availableReplicas', 'currentReplicas', 'readyReplicas', 'updatedReplicas', 'observedGeneration']);
    put(st, 'currentRevision', s(status['currentRevision']));
    put(st, 'updateRevision', s(status['updateRevision']));
    out.status = st;
  }
  return out;
}

/** trimDaemonSet keeps a DaemonSet's name, namespace, creation time, generation and status counts. */
export function trimDaemonSet(raw: unknown): DaemonSet {
  const r = obj(raw) ?? {};
  const out: DaemonSet = { metadata: trimMeta(r['metadata'], { namespace: true, created: true, generation: true }) };
  const status = obj(r['status']);
  if (status !== undefined) {
    const st: NonNullable<DaemonSet['status']> = {};
    copyNumbers(st, status, ['currentNumberScheduled', 'desiredNumberScheduled', 'numberAvailable', 'numberMisscheduled', 'numberReady', 'numberUnavailable', 'observedGeneration', 'updatedNumberScheduled']);
    out.status = st;
  }
  return out;
}

/** BETA_STORAGE_CLASS is the annotation that names a PVC's storage class before spec.storageClassName. */
export const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** trimPersistentVolumeClaim keeps a PVC's name, namespace, beta storage-class annotation, storage class, volume name and mode, access modes, storage request and phase. */
export function trimPersistentVolumeClaim(raw: unknown): PersistentVolumeClaim {
  const r = obj(raw) ?? {};
  const meta = obj(r['metadata']);
  const out: PersistentVolumeClaim = { metadata: trimMeta(meta, { namespace: true }) };
  const cls = obj(meta?.['annotations'])?.[BETA_STORAGE_CLASS];
  if (cls !== undefined) out.metadata!.annotations = { [BETA_STORAGE_CLASS]: typeof cls === 'string' ? cls : '' };
  const spec = obj(r['spec']);
  if (spec !== undefined) {
    const sp: NonNullable<PersistentVolumeClaim['spec']> = {};
    // storageClassName and volumeMode are pointers: null and absent read as "not set", "" is set.
    put(sp, 'storageClassName', s(spec['storageClassName']));
    put(sp, 'volumeName', s(spec['volumeName']));
    put(sp, 'volumeMode', s(spec['volumeMode']));
    put(sp, 'accessModes', strings(spec['accessModes']));
    const storage = resourceList(obj(spec['resources'])?.['requests'])?.['storage'];
    if (storage !== undefined) sp.resources = { requests: { storage } };
    out.spec = sp;
  }
  const phase = s(obj(r['status'])?.['phase']);
  if (phase !== undefined) out.status = { phase };
  return out;
}

/** TrimKind names the kinds trimObject knows. */
export type TrimKind = 'pod' | 'node' | 'service' | 'endpoints' | 'endpointslice' | 'ingress' | 'namespace' | 'replicaset' | 'job' | 'deployment' | 'statefulset' | 'daemonset' | 'persistentvolumeclaim';

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
  deployment: trimDeployment,
  statefulset: trimStatefulSet,
  daemonset: trimDaemonSet,
  persistentvolumeclaim: trimPersistentVolumeClaim,
};
