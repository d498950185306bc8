/**
 * The contexts of the user's kubeconfig: which exist (as `kubectl config get-contexts` lists
 * them), which Vigil monitors, the client of each and its connection state. The kubeconfig files
 * are watched: an edit (a new context, a rotated token file, `kubectl config use-context`) is
 * picked up without a restart, and only the clients whose cluster or user changed are replaced.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAuthenticator } from './credentials';
import { KubeClient, readEndpoint } from './client';
import { KubeError } from './errors';
import { namespacesAllowed, type NamespaceScope } from './access';
import { SharedInformers } from './informers';
import { emptyAuthInfo, formatProblem, loadKubeconfig, type Kubeconfig, type KubeconfigSource } from './kubeconfig';
import type { LimiterOptions } from './limiter';
import type { ConnectionState, ContextInfo } from './types';
import type { Logger } from '../util/log';
import { nopLogger } from '../util/log';

/** ContextStatus is a context as the API and `vigil contexts` show it. */
export interface ContextStatus extends ContextInfo {
  /** monitored says whether Vigil scrapes through it. */
  monitored: boolean;
  /** clusterLabel is the value of the `cluster` label of its series. */
  clusterLabel: string;
  state: ConnectionState;
  /** error is why the state is not connected ('' otherwise). */
  error: string;
  /** denied lists permissions the API server refused (RBAC). */
  denied: string[];
  /** notes say what Vigil does differently in the context and why (skipped jobs, a namespace fallback). */
  notes: string[];
  server: string;
}

/** SCOPE_TTL_MS is how long a namespace fallback's answer is reused. */
const SCOPE_TTL_MS = 10 * 60_000;

/** KubeContextsOptions configure a KubeContexts. */
export interface KubeContextsOptions {
  source?: KubeconfigSource;
  logger?: Logger;
  /** watch follows the kubeconfig files (default true). */
  watch?: boolean;
  limits?: LimiterOptions;
  /** monitored are the contexts to monitor; empty means the current context. */
  monitored?: string[];
  /** allContexts monitors every context. */
  allContexts?: boolean;
  /** clusterLabels maps context names to the `cluster` label of their series (default: the name). */
  clusterLabels?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  execTimeoutMs?: number;
  shellPath?: () => Promise<string>;
  userAgent?: string;
}

/** KubeContexts owns the kubeconfig and the clients of its contexts. */
export class KubeContexts {
  private kc: Kubeconfig;
  private readonly clients = new Map<string, { fingerprint: string; client: KubeClient }>();
  private readonly listeners = new Set<() => void>();
  private readonly logger: Logger;
  private monitoredNames: string[];
  private all: boolean;
  private watchers: fs.FSWatcher[] = [];
  private poll: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private lastText = '';
  /** informers are the shared watches of every context. */
  readonly informers = new SharedInformers();
  private readonly notes = new Map<string, Map<string, string>>();
  private readonly scopes = new Map<string, { at: number; scope: Promise<NamespaceScope> }>();

  constructor(private readonly o: KubeContextsOptions = {}) {
    this.logger = o.logger ?? nopLogger;
    this.monitoredNames = o.monitored ?? [];
    this.all = o.allContexts ?? false;
    this.kc = this.load();
    if (o.watch !== false) this.watch();
  }

  private load(): Kubeconfig {
    const kc = loadKubeconfig({ env: this.o.env, ...this.o.source });
    for (const p of kc.problems) this.logger('error', `kubeconfig: ${formatProblem(p)}`, { component: 'kube' });
    this.lastText = this.snapshot(kc.files);
    return kc;
  }

  private snapshot(files: string[]): string {
    return files
      .map((f) => {
        try {
          return fs.readFileSync(f, 'utf8');
        } catch {
          return '';
        }
      })
      .join('\x00');
  }

  /** kubeconfig returns the merged kubeconfig. */
  get kubeconfig(): Kubeconfig {
    return this.kc;
  }

  /** onChange subscribes to changes of the contexts, their clients or the monitored set. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const f of this.listeners) {
      try {
        f();
      } catch (e) {
        this.logger('error', 'kube contexts listener failed', { err: (e as Error).message });
      }
    }
  }

  /** reload rereads the kubeconfig files now; returns whether anything changed. */
  reload(): boolean {
    const text = this.snapshot(this.kc.files);
    if (text === this.lastText) return false;
    this.kc = this.load();
    // Keep clients whose cluster and user are unchanged; close the others.
    for (const [name, c] of [...this.clients]) {
      if (this.fingerprint(name) !== c.fingerprint) {
        c.client.close();
        this.clients.delete(name);
      }
    }
    this.logger('info', `kubeconfig reloaded: ${this.kc.contexts.size} contexts`, { component: 'kube' });
    this.changed();
    return true;
  }

  private watch(): void {
    const dirs = new Set(this.kc.files.map((f) => path.dirname(path.resolve(f))));
    const kick = (): void => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        this.reload();
      }, 200);
      this.debounce.unref?.();
    };
    for (const d of dirs) {
      try {
        const w = fs.watch(d, { persistent: false }, kick);
        w.on('error', () => {});
        this.watchers.push(w);
      } catch {
        // The folder may not exist yet: the periodic check finds the file.
      }
    }
    this.poll = setInterval(() => this.reload(), 30_000);
    this.poll.unref();
  }

  /** stop ends watching and closes every client and informer. */
  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.informers.stopAll();
    for (const c of this.clients.values()) c.client.close();
    this.clients.clear();
  }

  /** currentContext is the kubeconfig's current context ('' when none). */
  currentContext(): string {
    return this.kc.currentContext;
  }

  /** monitored returns the names of the monitored contexts that exist. */
  monitored(): string[] {
    if (this.all) return [...this.kc.contexts.keys()].sort();
    const want = this.monitoredNames.length > 0 ? this.monitoredNames : this.kc.currentContext !== '' ? [this.kc.currentContext] : [];
    return want.filter((n) => this.kc.contexts.has(n));
  }

  /** missingMonitored returns monitored names that the kubeconfig does not define. */
  missingMonitored(): string[] {
    return this.all ? [] : this.monitoredNames.filter((n) => !this.kc.contexts.has(n));
  }

  /** setMonitored chooses the contexts to monitor (empty: the current context; all: every one). */
  setMonitored(names: string[], all = false): void {
    this.monitoredNames = [...names];
    this.all = all;
    this.changed();
  }

  /** clusterLabel is the `cluster` label of a context's series. */
  clusterLabel(context: string): string {
    return this.o.clusterLabels?.[context] || context;
  }

  /** list returns every context with its state, as the context switcher shows them. */
  list(): ContextStatus[] {
    const mon = new Set(this.monitored());
    return [...this.kc.contexts.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => {
        const client = this.clients.get(c.name)?.client;
        return {
          name: c.name,
          cluster: c.value.cluster,
          user: c.value.user,
          namespace: c.value.namespace,
          current: c.name === this.kc.currentContext,
          monitored: mon.has(c.name),
          clusterLabel: this.clusterLabel(c.name),
          state: client?.state ?? 'unknown',
          error: client?.lastError ?? '',
          denied: client ? [...client.denied.keys()].sort() : [],
          notes: [...(this.notes.get(c.name)?.values() ?? [])],
          server: this.kc.clusters.get(c.value.cluster)?.value.server ?? '',
        };
      });
  }

  private fingerprint(context: string): string {
    const c = this.kc.contexts.get(context);
    if (!c) return '';
    return JSON.stringify([c.value, this.kc.clusters.get(c.value.cluster)?.value ?? null, this.kc.users.get(c.value.user)?.value ?? null]);
  }

  /**
   * selfMetrics renders the connection's self-metrics: per context whether its API server answers
   * (vigil_cluster_up), the requests sent by class, and each informer's lists, watches, relists
   * (410 Gone), failures and events.
   */
  selfMetrics(): string {
    const q = (s: string): string => JSON.stringify(s);
    const lines: string[] = [];
    const family = (name: string, type: string, help: string): void => void lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('vigil_cluster_up', 'gauge', 'Whether the API server of a monitored context answers with the credentials (1), or not (0).');
    for (const c of this.list()) if (c.monitored) lines.push(`vigil_cluster_up{cluster=${q(c.clusterLabel)},context=${q(c.name)},state=${q(c.state)}} ${c.state === 'connected' ? 1 : 0}`);
    family('vigil_cluster_rbac_denied', 'gauge', 'Permissions the API server refused Vigil (RBAC), by context and permission.');
    for (const c of this.list()) for (const d of c.denied) lines.push(`vigil_cluster_rbac_denied{cluster=${q(c.clusterLabel)},context=${q(c.name)},resource=${q(d)}} 1`);
    family('vigil_kube_requests_total', 'counter', 'Requests sent to API servers, by context and class (control, scrape, watch).');
    for (const [name, { client }] of this.clients) for (const [cls, n] of Object.entries(client.requests)) lines.push(`vigil_kube_requests_total{context=${q(name)},class=${q(cls)}} ${n}`);
    const inf = this.informers.list();
    for (const [stat, help] of [
      ['lists', 'List requests of informers (pages included).'],
      ['watches', 'Watches started by informers.'],
      ['relists', 'Relists after a 410 Gone.'],
      ['failures', 'Failed lists and watches (each followed by a backoff).'],
      ['events', 'Watch events received.'],
    ] as const) {
      family(`vigil_kube_informer_${stat}_total`, 'counter', help);
      for (const i of inf) lines.push(`vigil_kube_informer_${stat}_total{context=${q(i.context)},path=${q(i.path)}} ${i.stats[stat]}`);
    }
    family('vigil_kube_informer_objects', 'gauge', 'Objects held by informers.');
    for (const i of inf) lines.push(`vigil_kube_informer_objects{context=${q(i.context)},path=${q(i.path)}} ${i.store.size}`);
    return lines.join('\n') + '\n';
  }

  /**
   * setNote records (or, with message '', clears) a note about a context under key: something
   * Vigil does differently there and why, shown with the context's state.
   */
  setNote(context: string, key: string, message: string): void {
    let m = this.notes.get(context);
    if (message === '') {
      m?.delete(key);
      return;
    }
    if (m === undefined) this.notes.set(context, (m = new Map()));
    m.set(key, message);
  }

  /**
   * scope finds where a namespaced resource may be listed in a context whose user may not list it
   * cluster-wide (see access.ts), remembered for 10 minutes so that every consumer asks once.
   */
  scope(context: string, resource: { resource: string; group?: string }, signal?: AbortSignal): Promise<NamespaceScope> {
    const key = `${context}\x00${resource.group ?? ''}\x00${resource.resource}`;
    const hit = this.scopes.get(key);
    if (hit && Date.now() - hit.at < SCOPE_TTL_MS) return hit.scope;
    const scope = namespacesAllowed(this.client(context), resource, this.namespaceOf(context), signal);
    this.scopes.set(key, { at: Date.now(), scope });
    scope.catch(() => this.scopes.delete(key));
    return scope;
  }

  /** namespaceOf is a context's default namespace ('' when it sets none). */
  namespaceOf(context: string): string {
    return this.kc.contexts.get(context)?.value.namespace ?? '';
  }

  /** client returns the client of a context, creating it on first use. Throws KubeError('config'). */
  client(context: string): KubeClient {
    const have = this.clients.get(context);
    if (have) return have.client;
    const ctx = this.kc.contexts.get(context);
    const files = this.kc.files.join(', ');
    if (!ctx) throw new KubeError('config', `context ${context} is not in the kubeconfig (${files})`);
    const cluster = this.kc.clusters.get(ctx.value.cluster);
    if (!cluster) throw new KubeError('config', `context ${context}: cluster ${JSON.stringify(ctx.value.cluster)} is not in the kubeconfig (${files})`);
    if (cluster.value.server === '') throw new KubeError('config', `context ${context}: cluster ${ctx.value.cluster} has no server (${cluster.file}:${cluster.line})`);
    const user = ctx.value.user !== '' ? this.kc.users.get(ctx.value.user) : undefined;
    if (ctx.value.user !== '' && !user) throw new KubeError('config', `context ${context}: user ${JSON.stringify(ctx.value.user)} is not in the kubeconfig (${files})`);
    let client: KubeClient;
    try {
      const endpoint = readEndpoint(cluster.value);
      const cl = cluster.value;
      const auth = createAuthenticator(user ?? { name: '', file: cluster.file, line: 0, value: emptyAuthInfo() }, {
        cluster: { server: cl.server, tlsServerName: cl.tlsServerName, insecureSkipTlsVerify: cl.insecureSkipTlsVerify, certificateAuthorityData: endpoint.ca ? endpoint.ca.toString('base64') : '', proxyUrl: cl.proxyUrl, disableCompression: cl.disableCompression },
        env: this.o.env,
        execTimeoutMs: this.o.execTimeoutMs,
        shellPath: this.o.shellPath,
      });
      const u = user?.value;
      client = new KubeClient({
        context,
        cluster: ctx.value.cluster,
        user: ctx.value.user,
        endpoint,
        auth,
        limits: this.o.limits,
        userAgent: this.o.userAgent,
        impersonate: u ? { user: u.impersonate, uid: u.impersonateUid, groups: u.impersonateGroups } : undefined,
      });
    } catch (e) {
      if (e instanceof KubeError) throw e;
      throw new KubeError('config', `context ${context}: ${(e as Error).message}`);
    }
    this.clients.set(context, { fingerprint: this.fingerprint(context), client });
    return client;
  }
}
