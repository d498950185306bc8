/**
 * Demo clusters as real clusters: each simulated cluster runs behind its own fake Kubernetes API
 * server (HTTPS with its own CA, a bearer token), whose objects follow the simulation (watch events
 * with resourceVersions as pods come and go, containers restart, nodes turn NotReady) and whose
 * node, pod and service proxies and port-forwards reach the simulated kubelets, exporters and apps
 * in-process. A kubeconfig names them, so Vigil monitors them through exactly the code a real
 * cluster goes through: kubeconfig -> contexts -> kubernetes_sd_configs -> proxies -> storage.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FakeApiServer } from './apiserver/server';
import type { KubeObj } from './apiserver/store';
import { ClusterSim } from './sim/sim';
import { clusterSpec } from './sim/spec';
import { Snapshot, type ObjectsByResource } from './sim/objects';
import { SimNetwork, type RenderOptions } from './network';

/** DEMO_CONTEXTS are the contexts (and cluster names) of the demo clusters, in order. */
export const DEMO_CONTEXTS = ['demo', 'demo-2'] as const;

/** APPLY_ORDER is the order objects are created in (owners first); deletions go the other way. */
const APPLY_ORDER = ['namespaces', 'nodes', 'persistentvolumeclaims', 'services', 'deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'replicasets', 'jobs', 'pods', 'endpoints', 'endpointslices'];

/** DemoClustersOptions configure startDemoClusters. */
export interface DemoClustersOptions {
  /** count is how many clusters to start: contexts `demo` and `demo-2` (default 1). */
  count?: 1 | 2;
  /** dir is where the kubeconfig is written (created if missing). */
  dir: string;
  /** seed varies the clusters (names, uids, timings); the same seed gives the same clusters. */
  seed?: number;
  /** now is the clock in milliseconds (a function, or a fixed time); default Date.now. */
  now?: number | (() => number);
  /** tickMs is how often the API objects follow the simulation (default 1000; 0: only on sync()). */
  tickMs?: number;
}

/** DemoClusterHandle is one running demo cluster. */
export interface DemoClusterHandle {
  readonly context: string;
  readonly api: FakeApiServer;
  readonly sim: ClusterSim;
  readonly network: SimNetwork;
  /** token is the bearer token of the kubeconfig's user for this cluster. */
  readonly token: string;
  /** sync brings the API objects to the simulation's state at tMs (default now); returns how many objects changed. */
  sync(tMs?: number): number;
  /** objectsAt returns the cluster's objects at tMs, by resource (what the API would have served then). */
  objectsAt(tMs: number): ObjectsByResource;
  /** renderAt is what a scrape of host:port/path returned at tMs (null: no 200 answer). */
  renderAt(host: string, port: number, path: string, tMs: number, o?: RenderOptions): string | null;
}

/** DemoClusters are the running demo clusters. */
export interface DemoClusters {
  /** kubeconfigPath is the written kubeconfig: one context per cluster, current-context `demo`. */
  readonly kubeconfigPath: string;
  readonly contexts: string[];
  readonly clusters: DemoClusterHandle[];
  /** renderAt is renderAt of the cluster of a context (null for an unknown context). */
  renderAt(context: string, host: string, port: number, path: string, tMs: number, o?: RenderOptions): string | null;
  /** stop stops the clusters' API servers and their ticks. */
  stop(): Promise<void>;
}

class RunningCluster implements DemoClusterHandle {
  readonly network: SimNetwork;
  readonly api: FakeApiServer;
  private readonly applied = new Map<string, Map<string, string>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly context: string,
    readonly sim: ClusterSim,
    readonly token: string,
    private readonly now: () => number,
  ) {
    this.network = new SimNetwork(sim, () => `${context}-apiserver.internal:6443`);
    this.api = new FakeApiServer({ users: [{ name: `${context}-admin`, groups: ['system:masters'], tokens: [token] }], network: this.network.network(now) });
    // The fake starts with its own default namespaces; the simulation brings its own.
    for (const ns of ['default', 'kube-system', 'kube-public']) this.api.store.delete('namespaces', '', ns);
  }

  async start(tickMs: number): Promise<void> {
    await this.api.start();
    this.sync();
    if (tickMs > 0) {
      this.timer = setInterval(() => this.sync(), tickMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.api.stop();
  }

  objectsAt(tMs: number): ObjectsByResource {
    return new Snapshot(this.sim, tMs / 1000, { apiServer: { ip: '127.0.0.1', port: this.api.port } }).objects();
  }

  renderAt(host: string, port: number, path: string, tMs: number, o?: RenderOptions): string | null {
    return this.network.renderAt(host, port, path, tMs, o);
  }

  sync(tMs = this.now()): number {
    const desired = this.objectsAt(tMs);
    const store = this.api.store;
    let changes = 0;
    const keyOf = (o: KubeObj): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
    const seen = new Map<string, Set<string>>();
    for (const resource of APPLY_ORDER) {
      const applied = this.applied.get(resource) ?? new Map<string, string>();
      this.applied.set(resource, applied);
      const keys = new Set<string>();
      seen.set(resource, keys);
      for (const o of desired.get(resource) ?? []) {
        const k = keyOf(o);
        keys.add(k);
        const json = JSON.stringify(o);
        if (applied.get(k) === json) continue;
        // A pod that keeps its name but is a new pod (a StatefulSet's) replaces the old one.
        const prev = store.get(resource, o.metadata.namespace ?? '', o.metadata.name);
        if (prev && prev.metadata.uid !== o.metadata.uid) store.delete(resource, o.metadata.namespace ?? '', o.metadata.name);
        store.put(resource, o);
        applied.set(k, json);
        changes++;
      }
    }
    for (const resource of [...APPLY_ORDER].reverse()) {
      const applied = this.applied.get(resource)!;
      const keys = seen.get(resource)!;
      for (const k of [...applied.keys()]) {
        if (keys.has(k)) continue;
        const [ns, name] = k.includes('/') ? (k.split('/') as [string, string]) : ['', k];
        store.delete(resource, ns, name);
        applied.delete(k);
        changes++;
      }
    }
    return changes;
  }
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** demoKubeconfig renders a kubeconfig with one cluster, user and context per demo cluster. */
export function demoKubeconfig(clusters: { context: string; url: string; caPem: string; token: string }[]): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const lines = ['apiVersion: v1', 'kind: Config', 'preferences: {}', `current-context: ${yamlString(clusters[0]?.context ?? '')}`, 'clusters:'];
  for (const c of clusters) lines.push(`- name: ${yamlString(c.context)}`, '  cluster:', `    server: ${c.url}`, `    certificate-authority-data: ${b64(c.caPem)}`);
  lines.push('users:');
  for (const c of clusters) lines.push(`- name: ${yamlString(`${c.context}-admin`)}`, '  user:', `    token: ${yamlString(c.token)}`);
  lines.push('contexts:');
  for (const c of clusters) lines.push(`- name: ${yamlString(c.context)}`, '  context:', `    cluster: ${yamlString(c.context)}`, `    user: ${yamlString(`${c.context}-admin`)}`);
  return lines.join('\n') + '\n';
}

/**
 * startDemoClusters starts `count` simulated clusters, each behind its own fake API server on
 * 127.0.0.1 (a free port), and writes `dir/kubeconfig` naming them (contexts `demo`, `demo-2`).
 */
export async function startDemoClusters(o: DemoClustersOptions): Promise<DemoClusters> {
  const count = o.count ?? 1;
  const seed = o.seed ?? 1;
  const fixed = o.now;
  const now = typeof fixed === 'function' ? fixed : typeof fixed === 'number' ? () => fixed : Date.now;
  const clusters: RunningCluster[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const context = DEMO_CONTEXTS[i]!;
      const c = new RunningCluster(context, new ClusterSim(clusterSpec(context, i, seed)), crypto.randomBytes(24).toString('hex'), now);
      clusters.push(c);
      await c.start(o.tickMs ?? 1000);
    }
  } catch (e) {
    for (const c of clusters) await c.stop();
    throw e;
  }
  fs.mkdirSync(o.dir, { recursive: true });
  const kubeconfigPath = path.join(o.dir, 'kubeconfig');
  fs.writeFileSync(kubeconfigPath, demoKubeconfig(clusters.map((c) => ({ context: c.context, url: c.api.url, caPem: c.api.ca.certPem, token: c.token }))), { mode: 0o600 });
  return {
    kubeconfigPath,
    contexts: clusters.map((c) => c.context),
    clusters,
    renderAt: (context, host, port, p, tMs, ro) => clusters.find((c) => c.context === context)?.renderAt(host, port, p, tMs, ro) ?? null,
    stop: async () => {
      for (const c of clusters) await c.stop();
    },
  };
}
