/**
 * Fixtures for the role tests: the objects of Prometheus's discovery/kubernetes *_test.go
 * (makeNode, makePods, makeEndpoints, makeEndpointSliceV1, makeIngress, ...) as the API's JSON,
 * and helpers to write expected groups the way the Go tests do (label maps; empty values are
 * dropped, as Vigil's Labels has none).
 */
import { labelsFromRecord } from '../../../src/common/model/labels';
import type { TargetGroup } from '../../../src/main/discovery/targetgroup';
import type { AttachMetadata, EndpointSlice, Endpoints, Ingress, Namespace, Node, Pod, ReplicaSet, RoleOptions, Service } from '../../../src/main/discovery/kubernetes/roles';

/** group builds an expected TargetGroup from Go-style label maps. */
export function group(source: string, labels: Record<string, string>, targets: Record<string, string>[] = []): TargetGroup {
  return { source, labels: labelsFromRecord(labels), targets: targets.map((t) => labelsFromRecord(t)) };
}

/** opts returns RoleOptions with the given attach_metadata switches on. */
export function opts(am: Partial<AttachMetadata> = {}): RoleOptions {
  return { attachMetadata: { node: false, namespace: false, deployment: false, job: false, cronjob: false, ...am } };
}

/** clone deep-copies a JSON fixture. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** makeNode is node_test.go's makeNode. */
export function makeNode(name: string, address: string, providerID: string, labels?: Record<string, string>, annotations?: Record<string, string>, conditions?: { type: string; status: string }[]): Node {
  return {
    metadata: { name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: { providerID },
    status: {
      addresses: [{ type: 'InternalIP', address }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      ...(conditions ? { conditions } : {}),
    },
  };
}

/** makeNamespace is endpointslice_test.go's makeNamespace. */
export function makeNamespace(name: string, labels: Record<string, string>, annotations: Record<string, string>): Namespace {
  return { metadata: { name, labels, annotations } };
}

/** makeMultiPortPods is pod_test.go's makeMultiPortPods. */
export function makeMultiPortPods(): Pod {
  return {
    metadata: {
      name: 'testpod',
      namespace: 'default',
      labels: { 'test/label': 'testvalue' },
      annotations: { 'test/annotation': 'testannotationvalue' },
      uid: 'abc123',
      ownerReferences: [{ kind: 'testcontrollerkind', name: 'testcontrollername', controller: true }],
    },
    spec: {
      nodeName: 'testnode',
      containers: [
        {
          name: 'testcontainer0',
          image: 'testcontainer0:latest',
          ports: [
            { name: 'testport0', protocol: 'TCP', containerPort: 9000 },
            { name: 'testport1', protocol: 'UDP', containerPort: 9001 },
          ],
        },
        { name: 'testcontainer1', image: 'testcontainer1:latest' },
      ],
    },
    status: {
      podIP: '1.2.3.4',
      hostIP: '2.3.4.5',
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'testcontainer0', containerID: 'docker://a1b2c3d4e5f6' },
        { name: 'testcontainer1', containerID: 'containerd://6f5e4d3c2b1a' },
      ],
    },
  };
}

/** makePods is pod_test.go's makePods. */
export function makePods(namespace: string): Pod {
  return {
    metadata: { name: 'testpod', namespace, uid: 'abc123' },
    spec: {
      nodeName: 'testnode',
      containers: [{ name: 'testcontainer', image: 'testcontainer:latest', ports: [{ name: 'testport', protocol: 'TCP', containerPort: 9000 }] }],
    },
    status: {
      podIP: '1.2.3.4',
      hostIP: '2.3.4.5',
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'testcontainer', containerID: 'docker://a1b2c3d4e5f6' }],
    },
  };
}

/** makeInitContainerPods is pod_test.go's makeInitContainerPods. */
export function makeInitContainerPods(): Pod {
  const p = makePods('default');
  p.spec!.initContainers = [{ name: 'initcontainer', image: 'initcontainer:latest' }];
  p.status!.phase = 'Pending';
  p.status!.conditions = [{ type: 'Ready', status: 'False' }];
  p.status!.initContainerStatuses = [{ name: 'initcontainer', containerID: 'containerd://6f5e4d3c2b1a' }];
  return p;
}

/** makeOwnedPod is pod_test.go's makeReplicaSetOwnedPod / makeJobOwnedPod. */
export function makeOwnedPod(namespace: string, kind: 'ReplicaSet' | 'Job', ownerName: string): Pod {
  const p = makePods(namespace);
  p.metadata!.uid = 'pod123';
  p.metadata!.ownerReferences = [{ kind, name: ownerName, controller: true }];
  return p;
}

/** makeOwned is pod_test.go's makeReplicaSet / makeJob: an object with an optional controller. */
export function makeOwned(name: string, namespace: string, ownerKind?: string, ownerName?: string): ReplicaSet {
  return { metadata: { name, namespace, ...(ownerKind ? { ownerReferences: [{ kind: ownerKind, name: ownerName!, controller: true }] } : {}) } };
}

/** makeService is service_test.go's makeService. */
export function makeService(namespace: string): Service {
  return {
    metadata: { name: 'testservice', namespace },
    spec: { ports: [{ name: 'testport', protocol: 'TCP', port: 30900 }], type: 'ClusterIP', clusterIP: '10.0.0.1' },
  };
}

/** makeMultiPortService is service_test.go's makeMultiPortService. */
export function makeMultiPortService(): Service {
  return {
    metadata: { name: 'testservice', namespace: 'default', labels: { 'test-label': 'testvalue' }, annotations: { 'test-annotation': 'testannotationvalue' } },
    spec: {
      ports: [
        { name: 'testport0', protocol: 'TCP', port: 30900 },
        { name: 'testport1', protocol: 'UDP', port: 30901 },
      ],
      type: 'ClusterIP',
      clusterIP: '10.0.0.1',
    },
  };
}

/** makeExternalService is service_test.go's makeExternalService. */
export function makeExternalService(): Service {
  return {
    metadata: { name: 'testservice-external', namespace: 'default' },
    spec: { ports: [{ name: 'testport', protocol: 'TCP', port: 31900 }], type: 'ExternalName', externalName: 'FooExternalName' },
  };
}

/** makeLoadBalancerService is service_test.go's makeLoadBalancerService. */
export function makeLoadBalancerService(): Service {
  return {
    metadata: { name: 'testservice-loadbalancer', namespace: 'default' },
    spec: { ports: [{ name: 'testport', protocol: 'TCP', port: 31900 }], type: 'LoadBalancer', loadBalancerIP: '127.0.0.1', clusterIP: '10.0.0.1' },
  };
}

/** makeEndpoints is endpoints_test.go's makeEndpoints. */
export function makeEndpoints(namespace: string): Endpoints {
  return {
    metadata: { name: 'testendpoints', namespace, annotations: { 'test.annotation': 'test' } },
    subsets: [
      { addresses: [{ ip: '1.2.3.4', hostname: 'testendpoint1', nodeName: 'foobar' }], ports: [{ name: 'testport', port: 9000, protocol: 'TCP' }] },
      { addresses: [{ ip: '2.3.4.5' }], notReadyAddresses: [{ ip: '2.3.4.5' }], ports: [{ name: 'testport', port: 9001, protocol: 'TCP' }] },
      { addresses: [{ ip: '6.7.8.9', targetRef: { kind: 'Node', name: 'barbaz' } }], ports: [{ name: 'testport', port: 9002, protocol: 'TCP' }] },
    ],
  };
}

/** makeEndpointSliceV1 is endpointslice_test.go's makeEndpointSliceV1. */
export function makeEndpointSliceV1(namespace: string): EndpointSlice {
  return {
    metadata: { name: 'testendpoints', namespace, labels: { 'kubernetes.io/service-name': 'testendpoints' }, annotations: { 'test.annotation': 'test' } },
    addressType: 'IPv4',
    ports: [{ name: 'testport', port: 9000, protocol: 'TCP', appProtocol: 'http' }],
    endpoints: [
      {
        addresses: ['1.2.3.4'],
        conditions: { ready: true, serving: true, terminating: false },
        hostname: 'testendpoint1',
        targetRef: {},
        nodeName: 'foobar',
        deprecatedTopology: { topology: 'value' },
        zone: 'us-east-1a',
      },
      { addresses: ['2.3.4.5'], conditions: { ready: true, serving: true, terminating: false }, zone: 'us-east-1b' },
      { addresses: ['3.4.5.6'], conditions: { ready: false, serving: true, terminating: true }, zone: 'us-east-1c' },
      { addresses: ['4.5.6.7'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Node', name: 'barbaz' }, zone: 'us-east-1a' },
    ],
  };
}

/** TLSMode is ingress_test.go's TLSMode. */
export type TLSMode = 'no' | 'yes' | 'mixed' | 'wildcard';

/** makeIngress is ingress_test.go's makeIngress. */
export function makeIngress(namespace: string, tls: TLSMode): Ingress {
  const ing: Ingress = {
    metadata: { name: 'testingress', namespace, labels: { 'test/label': 'testvalue' }, annotations: { 'test/annotation': 'testannotationvalue' } },
    spec: {
      ingressClassName: 'testclass',
      rules: [
        { host: 'example.com', http: { paths: [{ path: '/' }, { path: '/foo' }] } },
        // No backend config, ignored.
        { host: 'nobackend.example.com', http: {} },
        { host: 'test.example.com', http: { paths: [{}] } },
      ],
    },
  };
  if (tls === 'yes') ing.spec!.tls = [{ hosts: ['example.com', 'test.example.com'] }];
  if (tls === 'mixed') ing.spec!.tls = [{ hosts: ['example.com'] }];
  if (tls === 'wildcard') ing.spec!.tls = [{ hosts: ['*.example.com'] }];
  return ing;
}

/** POD_TARGET is the single target of makePods. */
export const POD_TARGET: Record<string, string> = {
  __address__: '1.2.3.4:9000',
  __meta_kubernetes_pod_container_name: 'testcontainer',
  __meta_kubernetes_pod_container_image: 'testcontainer:latest',
  __meta_kubernetes_pod_container_port_name: 'testport',
  __meta_kubernetes_pod_container_port_number: '9000',
  __meta_kubernetes_pod_container_port_protocol: 'TCP',
  __meta_kubernetes_pod_container_init: 'false',
  __meta_kubernetes_pod_container_id: 'docker://a1b2c3d4e5f6',
};

/** podGroupLabels are the group labels of makePods in a namespace. */
export function podGroupLabels(ns: string): Record<string, string> {
  return {
    __meta_kubernetes_pod_name: 'testpod',
    __meta_kubernetes_namespace: ns,
    __meta_kubernetes_pod_node_name: 'testnode',
    __meta_kubernetes_pod_ip: '1.2.3.4',
    __meta_kubernetes_pod_host_ip: '2.3.4.5',
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_uid: 'abc123',
  };
}

/**
 * bloat returns a deep copy of a fixture with the fields a real API object carries and no builder
 * reads (managedFields, timestamps, volumes, env, probes, resources, status details...), to check
 * that trimming drops them and changes no group.
 */
export function bloat<T extends object>(o: T): T {
  const c = clone(o) as Record<string, any>;
  c['apiVersion'] = 'v1';
  c['kind'] = 'Thing';
  c['metadata'] = {
    ...c['metadata'],
    creationTimestamp: '2024-01-01T00:00:00Z',
    resourceVersion: '12345',
    generation: 3,
    managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }],
    finalizers: ['x/y'],
  };
  if (c['spec'] && typeof c['spec'] === 'object') {
    const spec = c['spec'];
    spec.volumes = [{ name: 'v', emptyDir: {} }];
    spec.tolerations = [{ key: 'k', operator: 'Exists' }];
    for (const k of ['containers', 'initContainers']) {
      for (const ct of spec[k] ?? []) {
        ct.env = [{ name: 'SECRET', value: 'hunter2' }];
        ct.resources = { limits: { cpu: '1' } };
        ct.livenessProbe = { httpGet: { path: '/healthz', port: 8080 } };
        for (const p of ct.ports ?? []) p.hostPort = 1;
      }
    }
    for (const p of spec.ports ?? []) {
      p.targetPort = 8080;
      p.nodePort = 30000;
    }
    for (const r of spec.rules ?? []) for (const p of r.http?.paths ?? []) p.backend = { service: { name: 'svc', port: { number: 80 } } };
    spec.sessionAffinity = 'None';
  }
  if (c['status'] && typeof c['status'] === 'object') {
    const st = c['status'];
    st.startTime = '2024-01-01T00:00:00Z';
    st.qosClass = 'BestEffort';
    st.images = [{ names: ['big/image:tag'], sizeBytes: 1 }];
    st.nodeInfo = { kubeletVersion: 'v1.30.0' };
    for (const cs of st.containerStatuses ?? []) Object.assign(cs, { image: 'i', imageID: 'id', ready: true, restartCount: 0, state: { running: { startedAt: '2024-01-01T00:00:00Z' } } });
    st.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }, ...(st.conditions ?? [])];
  }
  for (const e of c['endpoints'] ?? []) e.hints = { forZones: [{ name: 'z' }] };
  return c as T;
}
