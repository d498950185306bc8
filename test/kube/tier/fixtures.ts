/**
 * The objects of the test clusters (the real control plane of bed.ts and the fake API server) and
 * the parity configuration both are discovered with, so both tiers check the same things.
 */
type Json = Record<string, unknown>;

const containerID = (n: string): string => `containerd://${n.padEnd(64, '0')}`;

export function pod(name: string, ip: string, node: string, labels: Record<string, string>, annotations: Record<string, string> = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels, annotations, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: '11111111-2222-3333-4444-555555555555', controller: true }] },
    spec: {
      nodeName: node,
      initContainers: [{ name: 'init', image: 'busybox:1', ports: [{ name: 'init-port', containerPort: 7000 }] }],
      containers: [
        { name: 'app', image: 'example/web:1.2', ports: [{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }, { name: 'grpc', containerPort: 9090, protocol: 'TCP' }] },
        { name: 'sidecar', image: 'example/sidecar:3' },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: node === 'node-a' ? '198.18.1.1' : '198.18.1.2',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-12-01T00:00:00Z' }],
      initContainerStatuses: [{ name: 'init', image: 'busybox:1', imageID: '', ready: false, restartCount: 0, containerID: containerID('init' + name), state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2026-12-01T00:00:00Z', finishedAt: '2026-12-01T00:00:01Z' } } }],
      containerStatuses: [
        { name: 'app', image: 'example/web:1.2', imageID: '', ready: true, restartCount: 0, containerID: containerID('app' + name), state: { running: { startedAt: '2026-12-01T00:00:02Z' } } },
        { name: 'sidecar', image: 'example/sidecar:3', imageID: '', ready: true, restartCount: 0, containerID: containerID('side' + name), state: { running: { startedAt: '2026-12-01T00:00:02Z' } } },
      ],
    },
  };
}

export function node(name: string, ip: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'vigil.test' }, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { providerID: `vigil://${name}` },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      conditions: [
        { type: 'Ready', status: 'True', lastHeartbeatTime: '2026-12-01T00:00:00Z', lastTransitionTime: '2026-12-01T00:00:00Z', reason: 'KubeletReady', message: 'ok' },
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2026-12-01T00:00:00Z', lastTransitionTime: '2026-12-01T00:00:00Z', reason: 'KubeletHasSufficientMemory', message: 'ok' },
      ],
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '7Gi', pods: '110' },
      nodeInfo: { kubeletVersion: 'v1.35.4', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12', containerRuntimeVersion: 'containerd://1.7', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64', machineID: name, systemUUID: name, bootID: name },
    },
  };
}

export const PARITY_JOBS = `
  - job_name: k8s-node
    kubernetes_sd_configs: [{role: node, kubeconfig_file: KUBECONFIG}]
  - job_name: k8s-pod
    kubernetes_sd_configs: [{role: pod, kubeconfig_file: KUBECONFIG, attach_metadata: {node: true, namespace: true}}]
  - job_name: k8s-pod-selected
    kubernetes_sd_configs: [{role: pod, kubeconfig_file: KUBECONFIG, namespaces: {names: [default]}, selectors: [{role: pod, label: "app=web", field: "status.phase=Running"}]}]
  - job_name: k8s-service
    kubernetes_sd_configs: [{role: service, kubeconfig_file: KUBECONFIG, attach_metadata: {namespace: true}}]
  - job_name: k8s-endpoints
    kubernetes_sd_configs: [{role: endpoints, kubeconfig_file: KUBECONFIG, attach_metadata: {node: true}}]
  - job_name: k8s-endpointslice
    kubernetes_sd_configs: [{role: endpointslice, kubeconfig_file: KUBECONFIG, attach_metadata: {node: true, namespace: true}}]
  - job_name: k8s-ingress
    kubernetes_sd_configs: [{role: ingress, kubeconfig_file: KUBECONFIG}]
`;

/** PARITY_RELABEL keeps every discovered target distinct, so neither side deduplicates targets. */
export const PARITY_RELABEL = `    relabel_configs:
      - {action: labelmap, regex: "__meta_kubernetes_(.+)", replacement: "k8s_$1"}
`;


/** PARITY_POOLS are the jobs of parityConfig. */
export const PARITY_POOLS = ['k8s-node', 'k8s-pod', 'k8s-pod-selected', 'k8s-service', 'k8s-endpoints', 'k8s-endpointslice', 'k8s-ingress'];

/** parityConfig is the prometheus.yml both Prometheus and Vigil discover with, through kubeconfig. */
export function parityConfig(kubeconfig: string): string {
  const jobs = PARITY_JOBS.replace(/KUBECONFIG/g, kubeconfig).replace(/\n {2}- job_name: ([^\n]+)\n {4}kubernetes_sd_configs: ([^\n]+)\n/g, (_m, j: string, k: string) => `\n  - job_name: ${j}\n    kubernetes_sd_configs: ${k}\n${PARITY_RELABEL}`);
  return `global: {scrape_interval: 30s, scrape_timeout: 10s}\nscrape_configs:${jobs}`;
}

/** discoveredByPool reads /api/v1/targets (Prometheus's or Vigil's) into sorted discovered-label JSON per pool. */
export async function discoveredByPool(base: string): Promise<Record<string, string[]>> {
  const r = (await (await fetch(`${base}/api/v1/targets`)).json()) as { data: { activeTargets: { scrapePool: string; discoveredLabels: Record<string, string> }[] } };
  const res: Record<string, string[]> = {};
  for (const t of r.data.activeTargets) (res[t.scrapePool] ??= []).push(JSON.stringify(Object.fromEntries(Object.entries(t.discoveredLabels).sort(([a], [b]) => (a < b ? -1 : 1)))));
  for (const p of Object.keys(res)) res[p]!.sort();
  return res;
}

/** SERVICES are the services of the test clusters. */
export const SERVICES: Json[] = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' } }, spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'metrics', port: 8080, targetPort: 8080, protocol: 'TCP' }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [{ name: 'pg', port: 5432 }] } },
];

/** ENDPOINTS are the web service's Endpoints (one ready and one not-ready address). */
export const ENDPOINTS: Json = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      subsets: [{ addresses: [{ ip: '198.18.2.1', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }], notReadyAddresses: [{ ip: '198.18.2.2', nodeName: 'node-b', targetRef: { kind: 'Pod', name: 'web-2', namespace: 'default' } }], ports: [{ name: 'metrics', port: 8080, protocol: 'TCP' }] }],
    };

/** ENDPOINT_SLICE is the web service's EndpointSlice (a ready and a terminating endpoint). */
export const ENDPOINT_SLICE: Json = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abcde', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'vigil-test' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['198.18.2.1'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-a', zone: 'zone-a', hostname: 'web-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } },
        { addresses: ['198.18.2.2'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'node-b', zone: 'zone-b', targetRef: { kind: 'Pod', name: 'web-2', namespace: 'default' } },
      ],
      ports: [{ name: 'metrics', port: 8080, protocol: 'TCP', appProtocol: 'http' }],
    };

/** INGRESS routes two hosts (one with TLS, one path without a path). */
export const INGRESS: Json = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['web.example'] }],
        rules: [
          { host: 'web.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }, { path: '/api', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } },
          { host: 'plain.example', http: { paths: [{ pathType: 'ImplementationSpecific', backend: { service: { name: 'web', port: { number: 8080 } } } }] } },
        ],
      },
    };
