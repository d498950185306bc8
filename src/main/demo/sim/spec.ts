/**
 * What a demo cluster is made of: its nodes and workloads, the same for every moment of its life.
 * Everything that changes over time (which pods exist, restarts, outages, usage) is computed from
 * this and the clock by sim.ts.
 */

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** EPOCH_S is the origin of the simulation's time slots (seconds since the Unix epoch). */
export const EPOCH_S = Date.UTC(2024, 0, 1) / 1000;

/**
 * ERA_S is how long one incarnation of a demo cluster lives: at an era's end the cluster is built
 * anew (new uids, nodes rebooted, counters from zero). It bounds every object's age, so no pod is
 * older than an era and a node's uptime stays plausible.
 */
export const ERA_S = 180 * 86_400;

/** GRACE_S is how long a deleted pod stays Terminating before it is gone. */
export const GRACE_S = 3;

/** PENDING_S is how long a new pod is Pending (sandbox, image) before its containers start. */
export const PENDING_S = 2;

/** HttpHandler is one route of an instrumented app. */
export interface HttpHandler {
  handler: string;
  method: string;
  /** share of the app's requests. */
  share: number;
  /** medianS is the median latency of a fast request. */
  medianS: number;
}

/** Behavior is how a container lives: restarts now and then, leaks into OOM kills, crash-loops, or runs once (a job). */
export type Behavior = 'steady' | 'oom' | 'crashloop' | 'job';

/** Serves is what a container answers on its metrics port. */
export type Serves = 'http-app' | 'coredns' | 'node-exporter' | 'none';

/** PortSpec is a container port. */
export interface PortSpec {
  name: string;
  containerPort: number;
  protocol: 'TCP' | 'UDP';
  hostPort?: number;
}

/** ContainerSpec is one container of a pod template. */
export interface ContainerSpec {
  name: string;
  image: string;
  /** cpuRequest and cpuLimit in cores, memRequest and memLimit in bytes; null: not set. */
  cpuRequest: number | null;
  cpuLimit: number | null;
  memRequest: number | null;
  memLimit: number | null;
  ports: PortSpec[];
  behavior: Behavior;
  /** restartProb is the chance that a steady container restarts in a 4-hour slot. */
  restartProb: number;
  /** cpuMean (cores) and memMean (bytes) are the container's typical usage. */
  cpuMean: number;
  memMean: number;
  serves: Serves;
  /** metricsPort and metricsPath are where serves is answered. */
  metricsPort?: number;
  metricsPath?: string;
  http?: { rps: number; handlers: HttpHandler[] };
  /** jobSeconds is how long a job's container runs, [min, max). */
  jobSeconds?: [number, number];
  /** probe is the HTTP path and port of its liveness and readiness probes. */
  probe?: { path: string; port: number };
  args?: string[];
}

/** ServiceSpec is the Service in front of a workload. */
export interface ServiceSpec {
  name: string;
  headless?: boolean;
  ports: { name: string; port: number; targetPort: number | string; protocol: 'TCP' | 'UDP' }[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** WorkloadKind is the controller of a workload's pods. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob';

/** WorkloadSpec is one workload. */
export interface WorkloadSpec {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** index is the workload's position (staggers start times, numbers IP slots). */
  index: number;
  /** selector are the labels that select its pods; labels are added to every object of it. */
  selector: Record<string, string>;
  labels: Record<string, string>;
  replicas: number;
  /** scale: now and then (in slots of slotS, with probability prob) the workload runs `to` replicas for a while. */
  scale?: { to: number; slotS: number; prob: number };
  /** rolloutS is the time between two rollouts (new pod template, every pod replaced). */
  rolloutS: number;
  containers: ContainerSpec[];
  podAnnotations?: Record<string, string>;
  hostNetwork?: boolean;
  priorityClassName?: string;
  serviceAccount: string;
  /** pvc is the volume claim template of a StatefulSet (claim `${name}-${pod}`). */
  pvc?: { name: string; bytes: number; usedFrac: number; storageClass: string };
  service?: ServiceSpec;
  /** schedule of a CronJob: a job every everyS seconds, the last `keep` completed ones kept. */
  schedule?: { everyS: number; keep: number; cron: string };
  tolerateAll?: boolean;
}

/** NodeSpec is one node. */
export interface NodeSpec {
  name: string;
  index: number;
  ip: string;
  cpus: number;
  memBytes: number;
  diskBytes: number;
  zone: string;
  region: string;
  instanceType: string;
  /** podCidr is the node's pod range, /24. */
  podCidr: string;
}

/** ClusterSpec is one demo cluster. */
export interface ClusterSpec {
  /** context is the kubeconfig context (and cluster) name. */
  context: string;
  /** key seeds every hash of the cluster (context and seed). */
  key: string;
  nodes: NodeSpec[];
  workloads: WorkloadSpec[];
  namespaces: string[];
  /** eraPhaseS shifts the cluster's era boundaries. */
  eraPhaseS: number;
  /** serviceNet is the first two octets of service IPs. */
  serviceNet: string;
  kubeletVersion: string;
}

const httpApp = (name: string, image: string, o: { cpu: number; mem: number; rps: number; handlers: HttpHandler[]; metricsPort: number; metricsPath: string; restartProb?: number; behavior?: Behavior }): ContainerSpec => ({
  name,
  image,
  cpuRequest: o.cpu,
  cpuLimit: o.cpu * 2,
  memRequest: o.mem,
  memLimit: o.mem * 2,
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, ...(o.metricsPort !== 8080 ? [{ name: 'metrics', containerPort: o.metricsPort, protocol: 'TCP' as const }] : [])],
  behavior: o.behavior ?? 'steady',
  restartProb: o.restartProb ?? 0.05,
  cpuMean: o.cpu * 0.55,
  memMean: o.mem * 0.7,
  serves: 'http-app',
  metricsPort: o.metricsPort,
  metricsPath: o.metricsPath,
  http: { rps: o.rps, handlers: o.handlers },
  probe: { path: '/healthz', port: 8080 },
});

/** plain is a container with no resources, ports or metrics unless given, that never restarts by itself. */
const plain = (name: string, image: string, o: Partial<ContainerSpec> & { cpuMean: number; memMean: number }): ContainerSpec => ({
  name,
  image,
  cpuRequest: null,
  cpuLimit: null,
  memRequest: null,
  memLimit: null,
  ports: [],
  behavior: 'steady',
  restartProb: 0,
  serves: 'none',
  ...o,
});

const scrapeAnnotations = (port: number, path: string): Record<string, string> => ({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': path });

const appLabels = (partOf: string, version: string, component: string): Record<string, string> => ({
  'app.kubernetes.io/part-of': partOf,
  'app.kubernetes.io/version': version,
  'app.kubernetes.io/component': component,
});

/**
 * clusterSpec describes demo cluster number `index` (0 for context `demo`, 1 for `demo-2`): three
 * nodes, a shop (frontend, checkout, catalog, recommendations, redis, postgres, a report CronJob),
 * CoreDNS, kube-proxy and node-exporter. The second cluster has other names, addresses and
 * replica counts, so the two are told apart at a glance.
 */
export function clusterSpec(context: string, index: number, seed: number): ClusterSpec {
  const nodeNames = index === 0 ? ['demo-node-1', 'demo-node-2', 'demo-node-3'] : [`${context}-worker-a`, `${context}-worker-b`, `${context}-worker-c`];
  const region = index === 0 ? 'eu-west-1' : 'us-east-2';
  const nodes: NodeSpec[] = nodeNames.map((name, i) => ({
    name,
    index: i,
    ip: `10.${index}.0.${11 + i}`,
    cpus: i === 2 ? 2 : 4,
    memBytes: (i === 2 ? 8 : 16) * GiB,
    diskBytes: 100 * GiB,
    zone: `${region}${'abc'[i]}`,
    region,
    instanceType: i === 2 ? 'm6i.large' : 'm6i.xlarge',
    podCidr: `10.${244 + index}.${i}.0/24`,
  }));
  const shopVersion = index === 0 ? '1.8.2' : '1.9.0-rc.1';
  const w: Omit<WorkloadSpec, 'index'>[] = [
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'frontend',
      selector: { 'app.kubernetes.io/name': 'frontend' },
      labels: appLabels('shop', shopVersion, 'web'),
      replicas: index === 0 ? 3 : 2,
      scale: { to: index === 0 ? 5 : 4, slotS: 1800, prob: 0.5 },
      rolloutS: 10 * 3600,
      containers: [
        httpApp('frontend', `ghcr.io/vigil-demo/frontend:${shopVersion}`, {
          cpu: 0.25,
          mem: 256 * MiB,
          rps: 14,
          metricsPort: 8080,
          metricsPath: '/metrics',
          handlers: [
            { handler: '/', method: 'GET', share: 0.55, medianS: 0.03 },
            { handler: '/product', method: 'GET', share: 0.3, medianS: 0.06 },
            { handler: '/cart', method: 'POST', share: 0.15, medianS: 0.12 },
          ],
        }),
      ],
      podAnnotations: scrapeAnnotations(8080, '/metrics'),
      serviceAccount: 'frontend',
      service: { name: 'frontend', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'checkout',
      selector: { 'app.kubernetes.io/name': 'checkout' },
      labels: appLabels('shop', shopVersion, 'api'),
      replicas: 2,
      rolloutS: 26 * 3600,
      containers: [
        httpApp('checkout', `ghcr.io/vigil-demo/checkout:${shopVersion}`, {
          cpu: 0.5,
          mem: 512 * MiB,
          rps: 6,
          metricsPort: 8080,
          metricsPath: '/metrics',
          restartProb: 0.35,
          handlers: [
            { handler: '/api/checkout', method: 'POST', share: 0.7, medianS: 0.18 },
            { handler: '/api/orders', method: 'GET', share: 0.3, medianS: 0.05 },
          ],
        }),
      ],
      podAnnotations: scrapeAnnotations(8080, '/metrics'),
      serviceAccount: 'checkout',
      service: { name: 'checkout', ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'catalog',
      selector: { 'app.kubernetes.io/name': 'catalog' },
      labels: appLabels('shop', shopVersion, 'api'),
      replicas: index === 0 ? 3 : 2,
      rolloutS: 14 * 3600,
      containers: [
        httpApp('catalog', `ghcr.io/vigil-demo/catalog:${shopVersion}`, {
          cpu: 0.2,
          mem: 192 * MiB,
          rps: 10,
          metricsPort: 9090,
          metricsPath: '/internal/metrics',
          handlers: [
            { handler: '/api/products', method: 'GET', share: 0.8, medianS: 0.02 },
            { handler: '/api/search', method: 'GET', share: 0.2, medianS: 0.09 },
          ],
        }),
      ],
      podAnnotations: scrapeAnnotations(9090, '/internal/metrics'),
      serviceAccount: 'catalog',
      service: { name: 'catalog', ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      kind: 'Deployment',
      namespace: 'shop',
      name: 'recommendations',
      selector: { 'app.kubernetes.io/name': 'recommendations' },
      labels: appLabels('shop', '0.4.0', 'api'),
      replicas: 1,
      // Someone keeps trying to fix it: a new rollout every three hours, still crash-looping.
      rolloutS: 3 * 3600,
      containers: [
        plain('recommendations', 'ghcr.io/vigil-demo/recommendations:0.4.0', {
          cpuRequest: 0.1,
          cpuLimit: 0.5,
          memRequest: 128 * MiB,
          memLimit: 256 * MiB,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          behavior: 'crashloop',
          cpuMean: 0.15,
          memMean: 90 * MiB,
          probe: { path: '/healthz', port: 8080 },
          args: ['--model-store=s3://recs-models/latest'],
        }),
      ],
      serviceAccount: 'recommendations',
      service: { name: 'recommendations', ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      kind: 'StatefulSet',
      namespace: 'shop',
      name: 'redis',
      selector: { 'app.kubernetes.io/name': 'redis' },
      labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/component': 'cache', 'app.kubernetes.io/version': '7.2.5' },
      replicas: 1,
      rolloutS: 7 * 86_400,
      containers: [
        plain('redis', 'docker.io/library/redis:7.2.5', {
          cpuRequest: 0.1,
          memRequest: 128 * MiB,
          memLimit: 192 * MiB,
          ports: [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }],
          behavior: 'oom',
          cpuMean: 0.06,
          memMean: 96 * MiB,
          args: ['--maxmemory', '0'],
        }),
      ],
      serviceAccount: 'default',
      pvc: { name: 'data', bytes: 1 * GiB, usedFrac: 0.35, storageClass: 'standard' },
      service: { name: 'redis', headless: true, ports: [{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }] },
    },
    {
      kind: 'StatefulSet',
      namespace: 'shop',
      name: 'postgres',
      selector: { 'app.kubernetes.io/name': 'postgres' },
      labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/version': '16.3' },
      replicas: 1,
      rolloutS: 9 * 86_400,
      containers: [
        plain('postgres', 'docker.io/library/postgres:16.3', {
          cpuRequest: 0.5,
          cpuLimit: 1,
          memRequest: 1 * GiB,
          memLimit: 1 * GiB,
          ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
          restartProb: 0.01,
          cpuMean: 0.2,
          memMean: 600 * MiB,
        }),
      ],
      serviceAccount: 'default',
      pvc: { name: 'data', bytes: 10 * GiB, usedFrac: 0.55, storageClass: 'standard' },
      service: { name: 'postgres', headless: true, ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }] },
    },
    {
      kind: 'CronJob',
      namespace: 'shop',
      name: 'order-report',
      selector: { 'app.kubernetes.io/name': 'order-report' },
      labels: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/component': 'batch' },
      replicas: 1,
      rolloutS: 30 * 86_400,
      schedule: { everyS: 900, keep: 3, cron: '*/15 * * * *' },
      containers: [
        plain('report', 'ghcr.io/vigil-demo/order-report:0.3.1', {
          cpuRequest: 0.2,
          cpuLimit: 0.5,
          memRequest: 64 * MiB,
          memLimit: 128 * MiB,
          behavior: 'job',
          cpuMean: 0.35,
          memMean: 70 * MiB,
          jobSeconds: [40, 130],
          args: ['--since=15m'],
        }),
      ],
      serviceAccount: 'default',
    },
    {
      kind: 'Deployment',
      namespace: 'kube-system',
      name: 'coredns',
      selector: { 'k8s-app': 'kube-dns' },
      labels: {},
      replicas: 2,
      rolloutS: 9 * 86_400,
      containers: [
        plain('coredns', 'registry.k8s.io/coredns/coredns:v1.11.3', {
          cpuRequest: 0.1,
          memRequest: 70 * MiB,
          memLimit: 170 * MiB,
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
          ],
          restartProb: 0.01,
          cpuMean: 0.012,
          memMean: 24 * MiB,
          serves: 'coredns',
          metricsPort: 9153,
          metricsPath: '/metrics',
          probe: { path: '/health', port: 8080 },
          args: ['-conf', '/etc/coredns/Corefile'],
        }),
      ],
      priorityClassName: 'system-cluster-critical',
      serviceAccount: 'coredns',
      service: {
        name: 'kube-dns',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
        ports: [
          { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
          { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
        ],
      },
    },
    {
      kind: 'DaemonSet',
      namespace: 'kube-system',
      name: 'kube-proxy',
      selector: { 'k8s-app': 'kube-proxy' },
      labels: {},
      replicas: nodes.length,
      rolloutS: 20 * 86_400,
      hostNetwork: true,
      containers: [
        plain('kube-proxy', 'registry.k8s.io/kube-proxy:v1.31.4', {
          cpuMean: 0.004,
          memMean: 22 * MiB,
          args: ['--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
        }),
      ],
      priorityClassName: 'system-node-critical',
      serviceAccount: 'kube-proxy',
      tolerateAll: true,
    },
    {
      kind: 'DaemonSet',
      namespace: 'monitoring',
      name: 'node-exporter',
      selector: { 'app.kubernetes.io/name': 'node-exporter' },
      labels: { 'app.kubernetes.io/component': 'exporter', 'app.kubernetes.io/part-of': 'kube-prometheus', 'app.kubernetes.io/version': '1.8.2' },
      replicas: nodes.length,
      rolloutS: 25 * 86_400,
      hostNetwork: true,
      containers: [
        plain('node-exporter', 'quay.io/prometheus/node-exporter:v1.8.2', {
          cpuRequest: 0.1,
          cpuLimit: 0.25,
          memRequest: 180 * MiB,
          memLimit: 180 * MiB,
          ports: [{ name: 'metrics', containerPort: 9100, protocol: 'TCP', hostPort: 9100 }],
          cpuMean: 0.02,
          memMean: 19 * MiB,
          serves: 'node-exporter',
          metricsPort: 9100,
          metricsPath: '/metrics',
          args: ['--path.sysfs=/host/sys', '--path.rootfs=/host/root', '--no-collector.wifi', '--no-collector.hwmon'],
        }),
      ],
      serviceAccount: 'node-exporter',
      priorityClassName: 'system-node-critical',
      tolerateAll: true,
      service: { name: 'node-exporter', headless: true, labels: { 'app.kubernetes.io/name': 'node-exporter' }, ports: [{ name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' }] },
    },
  ];
  return {
    context,
    key: `${context}/${seed}`,
    nodes,
    workloads: w.map((x, i) => ({ ...x, index: i })),
    namespaces: ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop', 'monitoring'],
    eraPhaseS: (index * 37 + (seed % 97)) * 86_400 % ERA_S,
    serviceNet: `10.${96 + index}`,
    kubeletVersion: 'v1.31.4',
  };
}
