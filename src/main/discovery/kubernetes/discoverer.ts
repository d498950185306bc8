/**
 * The Kubernetes discoverer: for one kubernetes_sd_configs entry, in every context it applies to,
 * the informers its role needs (the primary kind, and the kinds its groups join: services and pods
 * for endpoints, nodes and namespaces with attach_metadata, ...), shared with every other pool
 * that watches the same collection; the role builders of roles/ turn the watched objects into
 * Prometheus's target groups, recomputed when an object or something it joins changes.
 *
 * Contexts: `api_server` (with the entry's HTTP client settings), `kubeconfig_file` (its current
 * context, or `context`), `context` (Vigil's extension: a context of the user's kubeconfig), or,
 * with none of them, every context Vigil monitors, following the user's choice as it changes.
 * Each group carries its context as its origin, so its targets are scraped through that context's
 * API server and get its `cluster` label; discovered labels stay exactly Prometheus's.
 */
import * as fs from 'node:fs';
import type { Discoverer, DiscovererOptions } from '../discoverer';
import type { TargetGroup } from '../targetgroup';
import type { KubernetesRole, KubernetesSDConfig } from './config';
import { KubeClient, readEndpoint } from '../../kube/client';
import type { KubeContexts } from '../../kube/contexts';
import { KubeContexts as Contexts } from '../../kube/contexts';
import { AuthError, type AuthMaterial, type Authenticator } from '../../kube/auth';
import type { Informer, Keyed } from '../../kube/informer';
import { KubeError } from '../../kube/errors';
import { namespacesAllowed, type NamespaceScope } from '../../kube/access';
import { SharedInformers } from '../../kube/informers';
import { COLLECTIONS, watchSpec } from '../../kube/objects';
export { collectionPath } from '../../kube/objects';
import {
  DependencyIndex,
  dependencyKeys,
  emptyTargetGroup,
  PRIMARY_KIND,
  primariesToRecompute,
  roleSource,
  roleTargetGroup,
  type KubeObject,
  type ObjectIndex,
  type ObjectKind,
  type RoleOptions,
} from './roles';
import type { Logger } from '../../util/log';

/** kindsFor returns the kinds a role watches: its primary kind first, then what its groups join. */
export function kindsFor(role: KubernetesRole, opts: RoleOptions): ObjectKind[] {
  const am = opts.attachMetadata;
  const out: ObjectKind[] = [PRIMARY_KIND[role]];
  if (role === 'endpoints' || role === 'endpointslice') out.push('service', 'pod');
  if (am.node && (role === 'pod' || role === 'endpoints' || role === 'endpointslice')) out.push('node');
  if (am.namespace && role !== 'node') out.push('namespace');
  if (role === 'pod' && am.deployment) out.push('replicaset');
  if (role === 'pod' && (am.job || am.cronjob)) out.push('job');
  return out;
}

const ROLE_OF_KIND: Partial<Record<ObjectKind, KubernetesRole>> = { node: 'node', pod: 'pod', service: 'service', endpoints: 'endpoints', endpointslice: 'endpointslice', ingress: 'ingress' };

/** ContextTarget is one context a discoverer works in. */
interface ContextTarget {
  name: string;
  clusterLabel: string;
  client: KubeClient;
  /** namespace is the context's own namespace (for namespaces.own_namespace). */
  namespace: string;
  informers: SharedInformers;
  /** scope finds the namespaces a resource may be listed in when listing it cluster-wide is refused. */
  scope(resource: { resource: string; group: string }): Promise<NamespaceScope>;
  /** note records (message '' clears) what the run does differently in the context. */
  note(key: string, message: string): void;
}

/** apiGroupOf is the API group of a collection ('' for the core group). */
function apiGroupOf(kind: ObjectKind): string {
  const m = /^\/apis\/([^/]+)\//.exec(COLLECTIONS[kind].prefix);
  return m ? m[1]! : '';
}

/** ContextRun is the discovery of one role in one context. */
class ContextRun {
  private readonly opts: RoleOptions;
  private readonly kinds: ObjectKind[];
  private readonly informers = new Map<ObjectKind, Informer<KubeObject & Keyed>[]>();
  /** handles release each kind's informers and unsubscribe from them. */
  private readonly handles = new Map<ObjectKind, (() => void)[]>();
  /** fallbacks are the kinds whose cluster-wide list was refused and that moved to namespaces. */
  private readonly fallbacks = new Set<ObjectKind>();
  private stopped = false;
  private readonly deps = new DependencyIndex();
  private readonly dirty = new Set<string>();
  private readonly emitted = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private readonly index: ObjectIndex;

  constructor(
    private readonly cfg: KubernetesSDConfig,
    private readonly ctx: ContextTarget,
    private readonly up: (groups: TargetGroup[]) => void,
    private readonly logger: Logger,
    private readonly delayMs: number,
  ) {
    this.opts = { attachMetadata: cfg.attachMetadata };
    this.kinds = kindsFor(cfg.role, this.opts);
    const find = (kind: ObjectKind, key: string): KubeObject | undefined => {
      for (const inf of this.informers.get(kind) ?? []) {
        const o = inf.store.get(key);
        if (o !== undefined) return o;
      }
      return undefined;
    };
    const nsKey = (ns: string, name: string): string => (ns ? `${ns}/${name}` : name);
    this.index = {
      pod: (ns, name) => find('pod', nsKey(ns, name)) as ReturnType<ObjectIndex['pod']>,
      service: (ns, name) => find('service', nsKey(ns, name)) as ReturnType<ObjectIndex['service']>,
      node: (name) => find('node', name) as ReturnType<ObjectIndex['node']>,
      namespace: (name) => find('namespace', name) as ReturnType<ObjectIndex['namespace']>,
      replicaSet: (ns, name) => find('replicaset', nsKey(ns, name)) as ReturnType<ObjectIndex['replicaSet']>,
      job: (ns, name) => find('job', nsKey(ns, name)) as ReturnType<ObjectIndex['job']>,
    };
  }

  private namespaces(): string[] {
    const names = [...this.cfg.namespaces.names];
    if (this.cfg.namespaces.ownNamespace && this.ctx.namespace !== '') names.push(this.ctx.namespace);
    return names.length > 0 ? [...new Set(names)] : [''];
  }

  private selector(kind: ObjectKind): { label: string; field: string } {
    const role = ROLE_OF_KIND[kind];
    const s = role ? this.cfg.selectors.find((x) => x.role === role) : undefined;
    return { label: s?.label ?? '', field: s?.field ?? '' };
  }

  start(): void {
    for (const kind of this.kinds) this.watchKind(kind, COLLECTIONS[kind].namespaced ? this.namespaces() : ['']);
    this.maybeStart();
  }

  /** watchKind (re)acquires the informers of a kind, one per namespace ('' for all). */
  private watchKind(kind: ObjectKind, nss: string[]): void {
    for (const h of this.handles.get(kind) ?? []) h();
    const list: Informer<KubeObject & Keyed>[] = [];
    const handles: (() => void)[] = [];
    const clusterWide = nss.length === 1 && nss[0] === '';
    for (const ns of nss) {
      const { informer, release } = this.ctx.informers.acquire(this.ctx.client, watchSpec<KubeObject & Keyed>(kind, ns, this.selector(kind)));
      list.push(informer);
      const unsub = informer.on({
        add: (o) => this.change(kind, 'add', o, undefined, o),
        update: (old, o) => this.change(kind, 'update', o, old, o),
        delete: (o) => this.change(kind, 'delete', o, o, undefined),
        synced: () => this.maybeStart(),
        error: (e) => {
          this.logger('warn', `kubernetes discovery: ${e.message}`, { role: this.cfg.role, context: this.ctx.name });
          if (clusterWide && COLLECTIONS[kind].namespaced && e instanceof KubeError && e.kind === 'forbidden') void this.fallBack(kind);
        },
      });
      handles.push(() => {
        unsub();
        release();
      });
    }
    this.informers.set(kind, list);
    this.handles.set(kind, handles);
  }

  /**
   * fallBack handles a refused cluster-wide list of a namespaced kind: discovery continues in the
   * namespaces the user may list it in (the cluster's namespaces when they may be listed, else the
   * context's namespace, each checked with an access review). With none, the cluster-wide watch
   * keeps retrying, so a permission granted later is picked up.
   */
  private async fallBack(kind: ObjectKind): Promise<void> {
    if (this.fallbacks.has(kind) || this.stopped) return;
    this.fallbacks.add(kind);
    const resource = COLLECTIONS[kind].resource;
    let scope: NamespaceScope;
    try {
      scope = await this.ctx.scope({ resource, group: apiGroupOf(kind) });
    } catch (e) {
      this.fallbacks.delete(kind);
      this.logger('warn', `kubernetes discovery: cannot find the namespaces where ${resource} may be listed: ${(e as Error).message}`, { role: this.cfg.role, context: this.ctx.name });
      return;
    }
    if (this.stopped) return;
    const key = `discovery/${resource}`;
    if (scope.namespaces.length === 0) {
      this.ctx.note(key, `listing ${resource} is refused cluster-wide and in every namespace checked (${scope.how}); ${this.cfg.role} discovery finds nothing until it is allowed`);
      return;
    }
    this.ctx.note(key, `listing ${resource} is refused cluster-wide: watching the namespaces ${scope.namespaces.join(', ')} (${scope.how})`);
    this.logger('info', `kubernetes discovery: listing ${resource} cluster-wide is refused; watching ${scope.namespaces.length} namespaces instead`, { role: this.cfg.role, context: this.ctx.name });
    this.watchKind(kind, scope.namespaces);
    this.maybeStart();
  }

  /** maybeStart computes every group once all informers have listed (so joins are complete). */
  private maybeStart(): void {
    if (this.started) return;
    for (const list of this.informers.values()) for (const inf of list) if (!inf.hasSynced) return;
    if (this.informers.size < this.kinds.length) return;
    this.started = true;
    for (const inf of this.informers.get(PRIMARY_KIND[this.cfg.role]) ?? []) {
      for (const [key, o] of inf.store) {
        this.deps.set(key, dependencyKeys(this.cfg.role, o, this.opts));
        this.dirty.add(key);
      }
    }
    this.flush();
  }

  private change(kind: ObjectKind, type: 'add' | 'update' | 'delete', o: KubeObject & Keyed, old: KubeObject | undefined, cur: KubeObject | undefined): void {
    const key = o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? '');
    if (kind === PRIMARY_KIND[this.cfg.role]) {
      if (type === 'delete') this.deps.delete(key);
      else this.deps.set(key, dependencyKeys(this.cfg.role, o, this.opts));
    }
    if (!this.started) return;
    for (const k of primariesToRecompute(this.cfg.role, { kind, type, key, old, cur }, this.opts, this.deps)) this.dirty.add(k);
    if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
      this.timer.unref?.();
    }
  }

  private source(key: string): string {
    return `${this.ctx.name}/${roleSource(this.cfg.role, key)}`;
  }

  private flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.dirty.size === 0) return;
    const primary = this.informers.get(PRIMARY_KIND[this.cfg.role]) ?? [];
    const out: TargetGroup[] = [];
    for (const key of this.dirty) {
      let obj: KubeObject | undefined;
      for (const inf of primary) {
        obj = inf.store.get(key);
        if (obj !== undefined) break;
      }
      const tg = roleTargetGroup(this.cfg.role, key, obj, this.opts, this.index);
      if (tg === null) continue;
      const source = this.source(key);
      if (tg.targets.length === 0) {
        if (!this.emitted.delete(source)) continue;
        out.push({ source, targets: [], labels: [] });
        continue;
      }
      this.emitted.add(source);
      out.push({ ...tg, source, origin: { kind: 'kubernetes', context: this.ctx.name, clusterLabel: this.ctx.clusterLabel } });
    }
    this.dirty.clear();
    if (out.length > 0) this.up(out);
  }

  /** stop releases the informers and removes every group this run emitted. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    for (const hs of this.handles.values()) for (const h of hs) h();
    this.handles.clear();
    if (this.emitted.size > 0) this.up([...this.emitted].map((source) => emptyTargetGroup(source)));
    this.emitted.clear();
  }
}

/** KubernetesDiscovererOptions add the Kubernetes connection to the common options. */
export interface KubernetesDiscovererOptions extends DiscovererOptions {
  /** kube is the user's kubeconfig contexts (absent: only api_server and kubeconfig_file work). */
  kube?: KubeContexts;
  /** updateDelayMs batches recomputations (default 50 ms). */
  updateDelayMs?: number;
}

/** KubernetesDiscoverer discovers one kubernetes_sd_configs entry's targets. */
export class KubernetesDiscoverer implements Discoverer {
  private readonly runs = new Map<string, ContextRun>();
  private own: KubeContexts | null = null;

  constructor(
    private readonly cfg: KubernetesSDConfig,
    private readonly o: KubernetesDiscovererOptions,
  ) {}

  async run(signal: AbortSignal, up: (groups: TargetGroup[]) => void): Promise<void> {
    const log = this.o.logger;
    let unsub: (() => void) | null = null;
    const sync = (): void => {
      let targets: ContextTarget[];
      try {
        targets = this.contexts();
      } catch (e) {
        log('error', `kubernetes_sd_configs (line ${this.cfg.line}): ${(e as Error).message}`, { role: this.cfg.role });
        targets = [];
      }
      const want = new Map(targets.map((t) => [`${t.name}\x00${t.client.server}`, t]));
      for (const [k, r] of [...this.runs]) {
        if (!want.has(k)) {
          r.stop();
          this.runs.delete(k);
        }
      }
      for (const [k, t] of want) {
        if (this.runs.has(k)) continue;
        const r = new ContextRun(this.cfg, t, up, log, this.o.updateDelayMs ?? 50);
        this.runs.set(k, r);
        r.start();
      }
    };
    up([]);
    sync();
    const watched = this.own ?? (this.cfg.apiServer === '' ? this.o.kube : undefined);
    if (watched) unsub = watched.onChange(sync);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    unsub?.();
    for (const r of this.runs.values()) r.stop();
    this.runs.clear();
    this.own?.stop();
    this.ownInformers?.stopAll();
    this.apiClient?.close();
  }

  /** contexts resolves where this entry discovers. */
  private contexts(): ContextTarget[] {
    const c = this.cfg;
    if (c.apiServer !== '') {
      const host = new URL(c.apiServer).host;
      this.apiClient ??= apiServerClient(c);
      const client = this.apiClient;
      return [{ name: host, clusterLabel: host, client, namespace: '', informers: (this.ownInformers ??= new SharedInformers()), scope: (r) => namespacesAllowed(client, r, ''), note: () => {} }];
    }
    if (c.kubeconfigFile !== '') {
      this.own ??= new Contexts({ source: { explicit: c.kubeconfigFile }, logger: this.o.logger, env: this.o.env });
      const name = c.context || this.own.currentContext();
      if (name === '') throw new Error(`${c.kubeconfigFile} has no current-context; set context: in the kubernetes_sd_configs entry`);
      const own = this.own;
      return [{ name, clusterLabel: own.clusterLabel(name), client: own.client(name), namespace: own.namespaceOf(name), informers: own.informers, scope: (r) => own.scope(name, r), note: (k, m) => own.setNote(name, k, m) }];
    }
    const kube = this.o.kube;
    if (!kube) throw new Error('no kubeconfig is loaded: set api_server or kubeconfig_file');
    const names = c.context !== '' ? [c.context] : kube.monitored();
    const out: ContextTarget[] = [];
    for (const name of names) {
      try {
        out.push({ name, clusterLabel: kube.clusterLabel(name), client: kube.client(name), namespace: kube.namespaceOf(name), informers: kube.informers, scope: (r) => kube.scope(name, r), note: (k, m) => kube.setNote(name, k, m) });
      } catch (e) {
        this.o.logger('error', (e as Error).message, { context: name });
      }
    }
    return out;
  }

  private apiClient: KubeClient | undefined;
  private ownInformers: SharedInformers | undefined;
}

/** apiServerClient builds the client of an api_server entry from its HTTP client settings. */
function apiServerClient(c: KubernetesSDConfig): KubeClient {
  const h = c.httpClient;
  const t = h.tlsConfig;
  const read = (inline: string, file: string): Buffer | undefined => (inline !== '' ? Buffer.from(inline) : file !== '' ? fs.readFileSync(file) : undefined);
  const endpoint = { ...readEndpoint({ server: c.apiServer, certificateAuthority: '', certificateAuthorityData: '', insecureSkipTlsVerify: t.insecureSkipVerify, tlsServerName: t.serverName, proxyUrl: h.proxyUrl }), ca: read(t.ca, t.caFile) };
  const cert = read(t.cert, t.certFile);
  const key = read(t.key, t.keyFile);
  const auth: Authenticator = {
    kind: h.basicAuth ? 'basic' : h.authorization ? 'token' : cert ? 'client-certificate' : 'none',
    get: async (): Promise<AuthMaterial> => {
      let authorization = '';
      try {
        if (h.basicAuth) {
          const pass = h.basicAuth.passwordFile !== '' ? fs.readFileSync(h.basicAuth.passwordFile, 'utf8').trim() : h.basicAuth.password;
          authorization = `Basic ${Buffer.from(`${h.basicAuth.username}:${pass}`).toString('base64')}`;
        } else if (h.authorization) {
          const cred = h.authorization.credentialsFile !== '' ? fs.readFileSync(h.authorization.credentialsFile, 'utf8').trim() : h.authorization.credentials;
          authorization = `${h.authorization.type} ${cred}`;
        }
      } catch (e) {
        throw new AuthError(`cannot read the credentials of api_server ${c.apiServer}: ${(e as Error).message}`);
      }
      return { authorization, cert, key };
    },
    onUnauthorized: async () => null,
  };
  return new KubeClient({ context: new URL(c.apiServer).host, cluster: c.apiServer, user: '', endpoint, auth });
}
