/**
 * A faithful fake Kubernetes API server, for demo mode and for the faults a real one cannot easily
 * produce. It speaks HTTPS with its own CA, authenticates bearer tokens and client certificates,
 * authorizes with simple per-user rules in the RBAC message format, serves discovery, list (with
 * pagination and selectors) and watch (resourceVersion, bookmarks, 410 after compaction, timeouts)
 * for the kinds of store.ts, the node, pod and service proxy subresources, port-forward over
 * WebSocket (v4.channel.k8s.io), SelfSubjectAccessReview, and switchable faults. `kubectl get
 * pods,nodes,svc -A` works against it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CertificateAuthority, type Issued } from '../../util/pki';
import { connectInProcess } from './inprocess';
import { ObjectStore, parseFieldSelector, parseLabelSelector, RESOURCES, type KubeObj, type ResourceType } from './store';

/** SHORT_NAMES are kubectl's short names of the kinds (discovery advertises them). */
const SHORT_NAMES: Record<string, string[]> = {
  namespaces: ['ns'],
  nodes: ['no'],
  pods: ['po'],
  services: ['svc'],
  endpoints: ['ep'],
  persistentvolumeclaims: ['pvc'],
  ingresses: ['ing'],
  deployments: ['deploy'],
  replicasets: ['rs'],
  statefulsets: ['sts'],
  daemonsets: ['ds'],
  cronjobs: ['cj'],
};

/** FakeUser is who may call the fake, and what it may not do. */
export interface FakeUser {
  name: string;
  groups?: string[];
  /** tokens authenticate the user (bearer). */
  tokens?: string[];
  /** password authenticates the user with basic auth (name:password). */
  password?: string;
  /**
   * deny lists refused permissions as `verb resource[/subresource]` (`get nodes/proxy`, `list pods`,
   * `get /metrics` for a non-resource URL); a `list`/`watch` entry may be scoped with `@ns1,ns2`
   * meaning "allowed only in these namespaces".
   */
  deny?: string[];
}

/** Faults are switched by tests. */
export interface Faults {
  /** proxyForbidden answers 403 for every proxy subresource. */
  proxyForbidden: boolean;
  /** proxyUnreachable answers 503 for proxies (the API server cannot reach the pod network). */
  proxyUnreachable: boolean;
  /** tooManyRequests answers the next `count` requests matching `match` with 429 and Retry-After. */
  tooManyRequests: { count: number; retryAfterS: number; match: RegExp } | null;
  /** latencyMs delays every answer. */
  latencyMs: number;
  /** revoked tokens get 401 (a credential that expired or was rotated). */
  revoked: Set<string>;
}

/** RequestRecord is one request the fake answered (for counting in tests and benchmarks). */
export interface RequestRecord {
  time: number;
  method: string;
  path: string;
  user: string;
  status: number;
  /** kind classifies it: list, watch, get, proxy, portforward, discovery, review, other. */
  kind: string;
}

/**
 * FakeNetworkAnswer is how a simulated address answers a connection: an in-process HTTP listener,
 * `refused` (nothing listens on the port: the API server's dial is refused at once) or
 * `unreachable` (the host is down or cut off: the dial hangs until the client gives up).
 */
export type FakeNetworkAnswer = http.RequestListener | 'refused' | 'unreachable';

/**
 * FakeNetwork resolves the addresses proxies and port-forwards go to; null means the address is
 * not simulated and is dialed for real (the tests' loopback kubelets and apps).
 */
export type FakeNetwork = (host: string, port: number) => FakeNetworkAnswer | null;

/** UNREACHABLE_HOLD_MS bounds how long a dial to an unreachable simulated host hangs. */
const UNREACHABLE_HOLD_MS = 10 * 60_000;

/** FakeApiServerOptions configure the fake. */
export interface FakeApiServerOptions {
  users?: FakeUser[];
  host?: string;
  port?: number;
  /** bookmarkIntervalMs sends BOOKMARK events this often on watches that allow them (default 1 s). */
  bookmarkIntervalMs?: number;
  ca?: CertificateAuthority;
  /** kubeletClient is the certificate the fake presents to HTTPS proxy targets (kubelets). */
  kubeletClient?: Issued;
  /** recordRequests keeps RequestRecords (default true; off for benchmarks of big clusters). */
  recordRequests?: boolean;
  /** network answers proxy and port-forward connections to simulated addresses in-process. */
  network?: FakeNetwork;
}

/** FakeApiServer is a running fake. */
export class FakeApiServer {
  readonly store = new ObjectStore();
  readonly ca: CertificateAuthority;
  readonly faults: Faults = { proxyForbidden: false, proxyUnreachable: false, tooManyRequests: null, latencyMs: 0, revoked: new Set() };
  readonly requests: RequestRecord[] = [];
  /** counts are request counts by kind (kept even when records are off). */
  readonly counts: Record<string, number> = {};
  /** proxyInFlight and maxProxyInFlight count concurrent proxied requests (politeness tests). */
  proxyInFlight = 0;
  maxProxyInFlight = 0;
  private users: FakeUser[];
  private server: https.Server | null = null;
  private wss: WebSocketServer;
  private readonly watches = new Set<http.ServerResponse>();
  private readonly sockets = new Set<net.Socket>();
  private serving: Issued;
  private portNum = 0;

  constructor(private readonly o: FakeApiServerOptions = {}) {
    this.ca = o.ca ?? new CertificateAuthority('vigil-fake-kubernetes-ca');
    this.users = o.users ?? [{ name: 'admin', groups: ['system:masters'], tokens: ['admin-token'] }];
    this.serving = this.ca.issue({ commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes', 'kubernetes.default.svc'], ips: ['127.0.0.1', '::1'], usage: 'server' });
    this.wss = new WebSocketServer({ noServer: true, handleProtocols: (ps) => (ps.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : ps.has('portforward.k8s.io') ? 'portforward.k8s.io' : false) });
    for (const ns of ['default', 'kube-system', 'kube-public']) this.store.put('namespaces', { metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } }, status: { phase: 'Active' } });
  }

  /** url is where the fake listens. */
  get url(): string {
    return `https://127.0.0.1:${this.portNum}`;
  }

  /** port is the listening port. */
  get port(): number {
    return this.portNum;
  }

  /** setUsers replaces the users (and their rules). */
  setUsers(users: FakeUser[]): void {
    this.users = users;
  }

  /** issueClientCert returns a client certificate for a user (CN = name, O = groups). */
  issueClientCert(name: string, groups: string[] = []): Issued {
    return this.ca.issue({ commonName: name, organizations: groups, usage: 'client' });
  }

  /** start listens (again, on the same port after stop). */
  async start(): Promise<void> {
    const srv = https.createServer({ cert: this.serving.certPem, key: this.serving.keyPem, ca: this.ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      void this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.status(res, 500, 'InternalError', String(e));
        else res.destroy();
      });
    });
    srv.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    srv.on('upgrade', (req, socket, head) => this.upgrade(req as http.IncomingMessage, socket as net.Socket, head));
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(this.portNum || this.o.port || 0, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.portNum = (srv.address() as AddressInfo).port;
    this.server = srv;
  }

  /** stop closes every connection and stops listening (an API-server outage). */
  async stop(): Promise<void> {
    const srv = this.server;
    this.server = null;
    if (!srv) return;
    for (const w of this.watches) w.destroy();
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => srv.close(() => r()));
  }

  /** dropWatches cuts every open watch connection. */
  dropWatches(): void {
    for (const w of this.watches) w.socket?.destroy();
    this.watches.clear();
  }

  /** kubeconfig returns a kubeconfig (YAML) with one context per given user credential. */
  kubeconfig(contexts: { name: string; token?: string; cert?: Issued; namespace?: string }[], current = contexts[0]?.name ?? ''): string {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${JSON.stringify(current)}`, 'clusters:', `- name: fake`, '  cluster:', `    server: ${this.url}`, `    certificate-authority-data: ${b64(this.ca.certPem)}`, 'users:'];
    for (const c of contexts) {
      lines.push(`- name: ${JSON.stringify(c.name)}`, '  user:');
      if (c.token) lines.push(`    token: ${JSON.stringify(c.token)}`);
      if (c.cert) lines.push(`    client-certificate-data: ${b64(c.cert.certPem)}`, `    client-key-data: ${b64(c.cert.keyPem)}`);
      if (!c.token && !c.cert) lines.push('    {}');
    }
    lines.push('contexts:');
    for (const c of contexts) lines.push(`- name: ${JSON.stringify(c.name)}`, '  context:', '    cluster: fake', `    user: ${JSON.stringify(c.name)}`, ...(c.namespace ? [`    namespace: ${c.namespace}`] : []));
    return lines.join('\n') + '\n';
  }

  private count(kind: string, r: Omit<RequestRecord, 'kind'>): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.o.recordRequests !== false) this.requests.push({ ...r, kind });
  }

  private authenticate(req: http.IncomingMessage): FakeUser | null | 'revoked' {
    const auth = req.headers.authorization ?? '';
    if (auth.startsWith('Bearer ')) {
      const tok = auth.slice(7);
      if (this.faults.revoked.has(tok)) return 'revoked';
      return this.users.find((u) => u.tokens?.includes(tok)) ?? null;
    }
    if (auth.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      return this.users.find((u) => u.name === name && u.password !== undefined && u.password === rest.join(':')) ?? null;
    }
    const sock = req.socket as tls.TLSSocket;
    if (sock.authorized) {
      const cert = sock.getPeerCertificate();
      const cn = cert.subject?.CN;
      const name = Array.isArray(cn) ? cn[0] : cn;
      if (name) {
        const o = cert.subject?.O;
        const known = this.users.find((u) => u.name === name);
        return known ?? { name, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] };
      }
    }
    return null;
  }

  /** allowed applies a user's deny rules. */
  allowed(u: FakeUser, verb: string, resource: string, namespace: string): boolean {
    for (const d of u.deny ?? []) {
      const [rule, scope] = d.split('@') as [string, string | undefined];
      const [v, r] = rule.split(' ') as [string, string];
      if (v !== verb && v !== '*') continue;
      if (r !== resource && r !== '*') continue;
      if (scope !== undefined && namespace !== '' && scope.split(',').includes(namespace)) continue;
      return false;
    }
    return true;
  }

  private forbidden(res: http.ServerResponse, u: FakeUser, verb: string, rt: { resource: string; group: string } | null, sub: string, namespace: string, name: string, path?: string): void {
    const msg = path
      ? `forbidden: User "${u.name}" cannot ${verb} path "${path}"`
      : `${rt!.resource}${rt!.group ? `.${rt!.group}` : ''}${name ? ` "${name}"` : ''} is forbidden: User "${u.name}" cannot ${verb} resource "${rt!.resource}${sub ? `/${sub}` : ''}" in API group "${rt!.group}" ${namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'}`;
    this.status(res, 403, 'Forbidden', msg);
  }

  private status(res: http.ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
    res.end(body);
  }

  private json(res: http.ServerResponse, body: unknown): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://x');
    const method = req.method ?? 'GET';
    const user = this.authenticate(req);
    const record = (kind: string): void => this.count(kind, { time: Date.now(), method, path: url.pathname + url.search, user: user && user !== 'revoked' ? user.name : '', status: res.statusCode });
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (user === null || user === 'revoked') {
      record('unauthorized');
      this.status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const tmr = this.faults.tooManyRequests;
    if (tmr && tmr.count > 0 && tmr.match.test(url.pathname)) {
      tmr.count--;
      record('throttled');
      this.status(res, 429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', { 'Retry-After': String(tmr.retryAfterS) });
      return;
    }
    const p = url.pathname;
    if (p === '/version') {
      record('discovery');
      this.json(res, { major: '1', minor: '35', gitVersion: 'v1.35.0+vigil-fake', gitCommit: '', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.26', compiler: 'gc', platform: 'linux/amd64' });
      return;
    }
    if (p === '/readyz' || p === '/livez' || p === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (p === '/metrics') {
      record('metrics');
      if (!this.allowed(user, 'get', '/metrics', '')) {
        this.forbidden(res, user, 'get', null, '', '', '', '/metrics');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(`# HELP apiserver_request_total Counter of apiserver requests.\n# TYPE apiserver_request_total counter\n${Object.entries(this.counts).map(([k, v]) => `apiserver_request_total{verb=${JSON.stringify(k)}} ${v}`).join('\n')}\n`);
      return;
    }
    if (p === '/api' || p === '/apis' || /^\/api\/v1$/.test(p) || /^\/apis\/[^/]+\/[^/]+$/.test(p) || /^\/apis\/[^/]+$/.test(p)) {
      record('discovery');
      this.discovery(res, p);
      return;
    }
    if (method === 'POST' && /^\/apis\/authorization\.k8s\.io\/v1\/selfsubject(access|rules)reviews$/.test(p)) {
      record('review');
      await this.review(req, res, user, p.endsWith('rulesreviews'));
      return;
    }
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?(\/.*)?$/.exec(p);
    if (!m) {
      record('other');
      this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const [, group = '', version = 'v1', ns = '', res2 = '', nm = '', sb = '', rest = ''] = m;
    const rt = RESOURCES.find((r) => r.resource === res2 && r.group === group && r.version === version);
    if (!rt) {
      record('other');
      this.status(res, 404, 'NotFound', `the server could not find the requested resource (${res2})`);
      return;
    }
    if (sb === 'proxy') {
      record('proxy');
      this.proxy(req, res, user, rt, ns, nm, rest || '/');
      return;
    }
    if (sb === 'portforward') {
      record('portforward');
      this.status(res, 400, 'BadRequest', 'Upgrade request required');
      return;
    }
    if (sb !== '') {
      record('other');
      this.status(res, 404, 'NotFound', `${rt.resource}/${sb} is not served by the fake API server`);
      return;
    }
    if (method !== 'GET') {
      record('other');
      this.status(res, 405, 'MethodNotAllowed', `the fake API server is read-only over HTTP (${method})`);
      return;
    }
    const watch = url.searchParams.get('watch');
    const verb = nm !== '' ? 'get' : watch === '1' || watch === 'true' ? 'watch' : 'list';
    if (!this.allowed(user, verb, rt.resource, ns)) {
      record(verb);
      this.forbidden(res, user, verb, rt, '', ns, nm);
      return;
    }
    if (verb === 'get') {
      record('get');
      const o = this.store.get(rt.resource, ns, nm);
      if (!o) this.status(res, 404, 'NotFound', `${rt.resource} "${nm}" not found`);
      else this.json(res, o);
      return;
    }
    let labelSel;
    let fieldSel;
    try {
      labelSel = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
      fieldSel = parseFieldSelector(url.searchParams.get('fieldSelector') ?? '', rt);
    } catch (e) {
      record(verb);
      this.status(res, 400, 'BadRequest', (e as Error).message);
      return;
    }
    if (verb === 'watch') {
      record('watch');
      this.watch(req, res, rt, ns, labelSel, fieldSel, url.searchParams);
      return;
    }
    record('list');
    const all = this.store.list(rt.resource, ns, labelSel, fieldSel);
    const limit = Number(url.searchParams.get('limit') ?? 0);
    let start = 0;
    const cont = url.searchParams.get('continue');
    if (cont) start = Number(Buffer.from(cont, 'base64').toString()) || 0;
    const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const next = limit > 0 && start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64') : undefined;
    this.json(res, { kind: `${rt.kind}List`, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata: { resourceVersion: String(this.store.rv), ...(next ? { continue: next } : {}) }, items: page });
  }

  private discovery(res: http.ServerResponse, p: string): void {
    const resourcesOf = (group: string, version: string): unknown[] => {
      const out: unknown[] = [];
      for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
        out.push({ name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'list', 'watch'], ...(SHORT_NAMES[r.resource] ? { shortNames: SHORT_NAMES[r.resource] } : {}) });
        if (['pods', 'nodes', 'services'].includes(r.resource)) out.push({ name: `${r.resource}/proxy`, singularName: '', namespaced: r.namespaced, kind: r.resource === 'pods' ? 'PodProxyOptions' : r.resource === 'nodes' ? 'NodeProxyOptions' : 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] });
        if (r.resource === 'pods') out.push({ name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
      }
      return out;
    };
    const groups = [...new Set(RESOURCES.filter((r) => r.group !== '').map((r) => r.group))];
    if (p === '/api') return this.json(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.portNum}` }] });
    if (p === '/api/v1') return this.json(res, { kind: 'APIResourceList', groupVersion: 'v1', resources: resourcesOf('', 'v1') });
    if (p === '/apis') {
      const list = [...groups, 'authorization.k8s.io'].map((g) => ({ name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' } }));
      return this.json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups: list });
    }
    const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p)!;
    if (m[1] === 'authorization.k8s.io') {
      return this.json(res, { kind: 'APIResourceList', groupVersion: 'authorization.k8s.io/v1', resources: [{ name: 'selfsubjectaccessreviews', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] }, { name: 'selfsubjectrulesreviews', namespaced: false, kind: 'SelfSubjectRulesReview', verbs: ['create'] }] });
    }
    if (!groups.includes(m[1]!)) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (m[2] === undefined) return this.json(res, { kind: 'APIGroup', apiVersion: 'v1', name: m[1], versions: [{ groupVersion: `${m[1]}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${m[1]}/v1`, version: 'v1' } });
    return this.json(res, { kind: 'APIResourceList', groupVersion: `${m[1]}/${m[2]}`, resources: resourcesOf(m[1]!, m[2]!) });
  }

  private async review(req: http.IncomingMessage, res: http.ServerResponse, user: FakeUser, rules: boolean): Promise<void> {
    let body = '';
    for await (const c of req) body += String(c);
    let spec: { resourceAttributes?: { verb?: string; resource?: string; subresource?: string; namespace?: string }; nonResourceAttributes?: { path?: string; verb?: string }; namespace?: string } = {};
    try {
      spec = (JSON.parse(body) as { spec?: typeof spec }).spec ?? {};
    } catch {
      this.status(res, 400, 'BadRequest', `invalid JSON (${req.headers['content-type'] ?? 'no content type'}): ${body.slice(0, 80)}`);
      return;
    }
    if (rules) {
      // The rules the user has in a namespace: everything but what its deny list names.
      const ns = spec.namespace ?? '';
      const resourceRules = RESOURCES.map((r) => ({ verbs: ['get', 'list', 'watch'].filter((v) => this.allowed(user, v, r.resource, ns)), apiGroups: [r.group], resources: [r.resource] })).filter((r) => r.verbs.length > 0);
      this.json(res, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', status: { resourceRules, nonResourceRules: [], incomplete: false } });
      return;
    }
    const ra = spec.resourceAttributes;
    const nra = spec.nonResourceAttributes;
    const allowed = ra ? this.allowed(user, ra.verb ?? 'get', `${ra.resource ?? ''}${ra.subresource ? `/${ra.subresource}` : ''}`, ra.namespace ?? '') : nra ? this.allowed(user, nra.verb ?? 'get', nra.path ?? '', '') : false;
    this.json(res, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec, status: { allowed } });
  }

  private watch(req: http.IncomingMessage, res: http.ServerResponse, rt: ResourceType, ns: string, labelSel: ReturnType<typeof parseLabelSelector>, fieldSel: ReturnType<typeof parseFieldSelector>, q: URLSearchParams): void {
    const rvParam = q.get('resourceVersion') ?? '';
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const timeoutS = Number(q.get('timeoutSeconds') ?? 1800);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // Nothing is written once the watch ended (its timeout, the client gone): a write after end
    // would be an error event on the response.
    const send = (type: string, object: unknown): void => {
      if (res.writableEnded || res.destroyed) return;
      res.write(JSON.stringify({ type, object }) + '\n');
    };
    const pending: { type: string; object: KubeObj }[] = [];
    // A watch-list (what client-go's reflector sends now): the current objects, then a bookmark
    // saying the initial events are over.
    const initial = q.get('sendInitialEvents') === 'true';
    if (initial || rvParam === '' || rvParam === '0') {
      for (const o of this.store.list(rt.resource, ns, labelSel, fieldSel)) pending.push({ type: 'ADDED', object: o });
    } else {
      const past = this.store.since(Number(rvParam));
      if (past === null) {
        send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rvParam} (${this.store.compactedRv})`, reason: 'Expired', code: 410 });
        res.end();
        return;
      }
      for (const e of past) {
        const type = e.resource === rt.resource ? this.store.view(e, ns, labelSel, fieldSel) : null;
        if (type) pending.push({ type, object: e.object });
      }
    }
    for (const e of pending) send(e.type, e.object);
    if (initial) send('BOOKMARK', { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata: { resourceVersion: String(this.store.rv), annotations: { 'k8s.io/initial-events-end': 'true' } } });
    this.watches.add(res);
    const unsub = this.store.onEvent((e) => {
      const type = e.resource === rt.resource ? this.store.view(e, ns, labelSel, fieldSel) : null;
      if (type) send(type, e.object);
    });
    const bm = bookmarks
      ? setInterval(() => send('BOOKMARK', { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata: { resourceVersion: String(this.store.rv), annotations: { 'k8s.io/initial-events-end': 'false' } } }), this.o.bookmarkIntervalMs ?? 1000)
      : null;
    const done = (): void => {
      unsub();
      if (bm) clearInterval(bm);
      clearTimeout(timer);
      this.watches.delete(res);
    };
    const timer = setTimeout(() => {
      done();
      res.end();
    }, timeoutS * 1000);
    res.on('close', done);
    res.on('finish', done);
    res.on('error', done);
    req.on('close', done);
  }

  /** target returns the host, port and scheme a proxy request goes to, or an error message. */
  private target(rt: ResourceType, ns: string, nameSpec: string): { host: string; port: number; https: boolean } | string {
    const parts = nameSpec.split(':');
    let scheme = '';
    let name = nameSpec;
    let port = '';
    if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
    else if (parts.length === 2) [name, port] = parts as [string, string];
    const obj = this.store.get(rt.resource, ns, name);
    if (!obj) return `${rt.resource} "${name}" not found`;
    if (rt.resource === 'nodes') {
      const st = obj.status as { addresses?: { type: string; address: string }[]; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } | undefined;
      const addr = st?.addresses?.find((a) => a.type === 'InternalIP') ?? st?.addresses?.[0];
      if (!addr) return `node "${name}" has no address`;
      return { host: addr.address, port: Number(port || st?.daemonEndpoints?.kubeletEndpoint?.Port || 10250), https: scheme !== 'http' };
    }
    if (rt.resource === 'pods') {
      const ip = (obj.status as { podIP?: string } | undefined)?.podIP;
      if (!ip) return `pod "${name}" has no IP`;
      const containers = ((obj.spec as { containers?: { ports?: { name?: string; containerPort: number }[] }[] } | undefined)?.containers ?? []).flatMap((c) => c.ports ?? []);
      const p = /^\d+$/.test(port) ? Number(port) : (containers.find((c) => c.name === port)?.containerPort ?? containers[0]?.containerPort ?? 80);
      return { host: ip, port: p, https: scheme === 'https' };
    }
    if (rt.resource === 'services') {
      const ep = this.store.get('endpoints', ns, name) as { subsets?: { addresses?: { ip: string }[]; ports?: { name?: string; port: number }[] }[] } | undefined;
      const svcPorts = (obj.spec as { ports?: { name?: string; port: number; targetPort?: number | string }[] } | undefined)?.ports ?? [];
      const sp = svcPorts.find((x) => x.name === port || String(x.port) === port) ?? svcPorts[0];
      for (const s of ep?.subsets ?? []) {
        const addr = s.addresses?.[0];
        const epPort = s.ports?.find((x) => x.name === sp?.name) ?? s.ports?.[0];
        if (addr && epPort) return { host: addr.ip, port: epPort.port, https: scheme === 'https' };
      }
      return `no endpoints available for service "${name}"`;
    }
    return `${rt.resource} has no proxy`;
  }

  private proxy(req: http.IncomingMessage, res: http.ServerResponse, user: FakeUser, rt: ResourceType, ns: string, nameSpec: string, rest: string): void {
    if (this.faults.proxyForbidden || !this.allowed(user, 'get', `${rt.resource}/proxy`, ns)) {
      this.forbidden(res, user, 'get', rt, 'proxy', ns, nameSpec.split(':').length === 3 ? nameSpec.split(':')[1]! : nameSpec.split(':')[0]!);
      return;
    }
    const t = this.target(rt, ns, nameSpec);
    if (typeof t === 'string') {
      this.status(res, t.startsWith('no endpoints') ? 503 : 404, t.startsWith('no endpoints') ? 'ServiceUnavailable' : 'NotFound', t);
      return;
    }
    if (this.faults.proxyUnreachable) {
      this.status(res, 503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${t.host}:${t.port}: i/o timeout`);
      return;
    }
    const sim = this.o.network?.(t.host, t.port) ?? null;
    if (sim === 'refused') {
      this.status(res, 503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${t.host}:${t.port}: connect: connection refused`);
      return;
    }
    if (sim === 'unreachable') {
      // A host that is down: the dial hangs; the client's own timeout ends the request.
      const hold = setTimeout(() => res.destroy(), UNREACHABLE_HOLD_MS);
      res.on('close', () => clearTimeout(hold));
      return;
    }
    const url = new URL(req.url ?? '/', 'https://x');
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    // A simulated target is plain HTTP over an in-process connection (TLS adds nothing there).
    const mod = t.https && !sim ? https : http;
    this.proxyInFlight++;
    this.maxProxyInFlight = Math.max(this.maxProxyInFlight, this.proxyInFlight);
    let counted = true;
    const done = (): void => {
      if (counted) this.proxyInFlight--;
      counted = false;
    };
    res.on('close', done);
    const up = mod.request(
      {
        host: t.host,
        port: t.port,
        method: req.method,
        path: rest + url.search,
        headers,
        rejectUnauthorized: false,
        ...(t.https && this.o.kubeletClient && !sim ? { cert: this.o.kubeletClient.certPem, key: this.o.kubeletClient.keyPem } : {}),
        // No agent: an agent would dial the network itself and ignore createConnection.
        ...(sim ? { agent: undefined, createConnection: () => connectInProcess(sim) as net.Socket } : {}),
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', (e) => {
      if (!res.headersSent) this.status(res, 503, 'ServiceUnavailable', `error trying to reach service: ${e.message}`);
      else res.destroy();
    });
    req.pipe(up);
  }

  private upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://x');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const user = this.authenticate(req);
    const reject = (code: number, msg: string): void => {
      socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: msg, code })}`);
    };
    this.count('portforward', { time: Date.now(), method: 'GET', path: url.pathname + url.search, user: user && user !== 'revoked' ? user.name : '', status: 101 });
    if (!m) return reject(404, 'not found');
    if (user === null || user === 'revoked') return reject(401, 'Unauthorized');
    const [, ns, name] = m as unknown as [string, string, string];
    if (!this.allowed(user, 'create', 'pods/portforward', ns) || !this.allowed(user, 'get', 'pods/portforward', ns)) {
      return reject(403, `pods "${name}" is forbidden: User "${user.name}" cannot create resource "pods/portforward" in API group "" in the namespace "${ns}"`);
    }
    const pod = this.store.get('pods', ns, name);
    const ip = (pod?.status as { podIP?: string } | undefined)?.podIP;
    if (!pod || !ip) return reject(404, `pods "${name}" not found`);
    const ports = url.searchParams.getAll('ports').flatMap((p) => p.split(',')).map(Number);
    if (ports.length === 0 || ports.some((p) => !(p > 0 && p < 65536))) return reject(400, 'invalid ports');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.forward(ws, ip, ports));
  }

  /** forward runs the v4.channel.k8s.io port-forward protocol: per port a data and an error channel. */
  private forward(ws: WebSocket, ip: string, ports: number[]): void {
    const conns: net.Socket[] = [];
    ports.forEach((port, i) => {
      const data = 2 * i;
      const errCh = 2 * i + 1;
      const portBytes = Buffer.from([port & 0xff, port >> 8]);
      ws.send(Buffer.concat([Buffer.from([data]), portBytes]));
      ws.send(Buffer.concat([Buffer.from([errCh]), portBytes]));
      const sim = this.o.network?.(ip, port) ?? null;
      if (sim === 'unreachable') return; // the pod's node is cut off: nothing ever answers
      const c = sim === 'refused' ? refusedSocket(ip, port) : sim ? (connectInProcess(sim) as net.Socket) : net.connect(port, ip);
      conns[i] = c;
      c.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([data]), d])));
      c.on('error', (e) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([errCh]), Buffer.from(`error forwarding port ${port} to pod: ${e.message}`)]));
        ws.close();
      });
      c.on('close', () => ws.close());
    });
    ws.on('message', (msg: Buffer) => {
      if (msg.length === 0) return;
      const ch = msg[0]!;
      if (ch % 2 === 0) conns[ch / 2]?.write(msg.subarray(1));
    });
    ws.on('close', () => conns.forEach((c) => c?.destroy()));
  }
}

/** refusedSocket is a connection that fails as a dial to a closed port does. */
function refusedSocket(ip: string, port: number): net.Socket {
  const s = new net.Socket();
  setImmediate(() => s.destroy(Object.assign(new Error(`connect ECONNREFUSED ${ip}:${port}`), { code: 'ECONNREFUSED' })));
  return s;
}
