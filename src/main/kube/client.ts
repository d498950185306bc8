/**
 * The client of one kubeconfig context's API server: TLS as the kubeconfig says
 * (certificate-authority(-data), insecure-skip-tls-verify, tls-server-name, proxy-url), the user's
 * credentials on every request with one refresh-and-retry after a 401, the request limiter, and
 * failures turned into KubeErrors a user can act on. The context's connection state follows the
 * outcome of its requests.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as tls from 'node:tls';
import { AuthError, type AuthMaterial, type Authenticator } from './auth';
import { ExecPluginError } from './exec';
import { httpError, KubeError, networkError } from './errors';
import { RequestLimiter, type LimiterOptions, type RequestClass } from './limiter';
import type { ConnectionState } from './types';

/** ClusterEndpoint is where and how to reach an API server. */
export interface ClusterEndpoint {
  /** server is the API server URL, possibly with a path prefix. */
  server: string;
  /** ca is the certificate authority (PEM) to trust; undefined trusts the system's. */
  ca?: Buffer;
  insecureSkipTlsVerify: boolean;
  tlsServerName: string;
  proxyUrl: string;
}

/** KubeRequest is one request. */
export interface KubeRequest {
  /** path is the API path with its query (`/api/v1/pods?watch=1`). */
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
  /** class sorts it in the limiter (default control). */
  class?: RequestClass;
  /** long marks a long-running request (watch): it holds no concurrency slot. */
  long?: boolean;
  /** what names the request in error messages (default the path). */
  what?: string;
}

/** KubeResponse is a response whose body is still to be read. */
export interface KubeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

/** KubeClientOptions configure a client. */
export interface KubeClientOptions {
  context: string;
  cluster: string;
  user: string;
  endpoint: ClusterEndpoint;
  auth: Authenticator;
  limits?: LimiterOptions;
  userAgent?: string;
  /** impersonate sets the Impersonate-* headers (kubeconfig as, as-uid, as-groups). */
  impersonate?: { user: string; uid: string; groups: string[] };
}

/** readEndpoint builds a ClusterEndpoint from kubeconfig cluster fields (reading the CA file). */
export function readEndpoint(c: { server: string; certificateAuthority: string; certificateAuthorityData: string; insecureSkipTlsVerify: boolean; tlsServerName: string; proxyUrl: string }): ClusterEndpoint {
  let ca: Buffer | undefined;
  if (c.certificateAuthorityData !== '') ca = Buffer.from(c.certificateAuthorityData, 'base64');
  else if (c.certificateAuthority !== '') {
    try {
      ca = fs.readFileSync(c.certificateAuthority);
    } catch (e) {
      throw new AuthError(`cannot read certificate-authority ${c.certificateAuthority}: ${(e as Error).message}`);
    }
  }
  return { server: c.server, ca, insecureSkipTlsVerify: c.insecureSkipTlsVerify, tlsServerName: c.tlsServerName, proxyUrl: c.proxyUrl };
}

/** KubeClient talks to one context's API server. */
export class KubeClient {
  readonly context: string;
  readonly limiter: RequestLimiter;
  private readonly base: URL;
  private readonly agents = new Map<unknown, http.Agent>();
  /** state is the connection state after the last request. */
  state: ConnectionState = 'unknown';
  /** lastError is the message of the last failure that set the state ('' when connected). */
  lastError = '';
  /** requests counts requests sent, by class (tests, self-metrics, the bench). */
  readonly requests = { control: 0, scrape: 0, watch: 0 };
  private readonly stateListeners = new Set<(s: ConnectionState, err: string) => void>();
  /** denied are the permissions the API server refused (RBAC), with the message, by `verb resource`. */
  readonly denied = new Map<string, string>();

  constructor(readonly o: KubeClientOptions) {
    this.context = o.context;
    this.limiter = new RequestLimiter(o.limits);
    try {
      this.base = new URL(o.endpoint.server);
    } catch {
      throw new KubeError('bad_response', `context ${o.context}: cluster ${o.cluster} has no valid server URL (${JSON.stringify(o.endpoint.server)})`);
    }
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') throw new KubeError('bad_response', `context ${o.context}: unsupported server URL scheme ${this.base.protocol}`);
    if (o.endpoint.proxyUrl !== '' && !/^https?:/.test(o.endpoint.proxyUrl)) {
      throw new KubeError('unreachable', `context ${o.context}: proxy-url ${o.endpoint.proxyUrl} is not supported (only http:// and https:// proxies are)`);
    }
  }

  /** server is the API server's URL. */
  get server(): string {
    return this.o.endpoint.server;
  }

  /** onState subscribes to connection state changes. */
  onState(fn: (s: ConnectionState, err: string) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  private setState(s: ConnectionState, err: string): void {
    if (s === this.state && err === this.lastError) return;
    this.state = s;
    this.lastError = err;
    for (const f of this.stateListeners) f(s, err);
  }

  /** url is the full URL of an API path (the server's path prefix kept). */
  url(path: string): URL {
    const prefix = this.base.pathname.replace(/\/$/, '');
    return new URL(prefix + path, this.base);
  }

  /** agent returns the HTTP agent for a credential set (a client certificate needs its own). */
  agent(m: AuthMaterial): http.Agent {
    const key = m.cert ?? null;
    let a = this.agents.get(key);
    if (a) return a;
    const e = this.o.endpoint;
    const tlsOpts: tls.ConnectionOptions = { rejectUnauthorized: !e.insecureSkipTlsVerify, ca: e.ca, cert: m.cert, key: m.key, servername: e.tlsServerName || undefined };
    if (this.base.protocol === 'http:') a = new http.Agent({ keepAlive: true, maxSockets: 64 });
    else if (e.proxyUrl !== '') a = new ProxyAgent(new URL(e.proxyUrl), tlsOpts);
    else a = new https.Agent({ keepAlive: true, maxSockets: 64, ...tlsOpts });
    // Drop agents of rotated certificates.
    if (this.agents.size > 4) {
      for (const old of this.agents.values()) old.destroy();
      this.agents.clear();
    }
    this.agents.set(key, a);
    return a;
  }

  /** credentials returns the material for a request, as a KubeError when it cannot be had. */
  async credentials(): Promise<AuthMaterial> {
    try {
      return await this.o.auth.get();
    } catch (e) {
      throw this.authFailure(e);
    }
  }

  private authFailure(e: unknown): KubeError {
    const err =
      e instanceof ExecPluginError
        ? new KubeError('exec', `context ${this.context}: the credential plugin of user ${this.o.user} failed: ${e.message}`)
        : e instanceof AuthError
          ? new KubeError('auth', `context ${this.context}: ${e.message}`)
          : e instanceof KubeError
            ? e
            : new KubeError('auth', `context ${this.context}: credentials of user ${this.o.user}: ${(e as Error).message}`);
    this.setState(err.state, err.message);
    return err;
  }

  /**
   * request sends a request and resolves with the response once its headers arrive. A 401 makes
   * the authenticator refresh once and the request is retried. Network failures reject with a
   * KubeError; HTTP errors are answered (the caller reads the status).
   */
  async request(r: KubeRequest): Promise<KubeResponse> {
    const cls: RequestClass = r.class ?? 'control';
    let release: (() => void) | null = null;
    if (!r.long) {
      try {
        release = await this.limiter.acquire(cls, r.signal);
      } catch (e) {
        // The deadline passed while the request waited for its turn: say it never left Vigil.
        if (cls === 'scrape') throw new KubeError('timeout', `context ${this.context}: the scrape waited in Vigil's queue for the API server (${this.limiter.describe()}) until its timeout; it was not sent`);
        throw e;
      }
    }
    if (r.long) {
      // A watch start is rate-limited like any control request, but holds no slot while it runs.
      (await this.limiter.acquire('control', r.signal))();
    }
    let releaseOnce = release;
    const done = (): void => {
      releaseOnce?.();
      releaseOnce = null;
    };
    try {
      let m = await this.credentials();
      let res = await this.send(r, m);
      if (res.statusCode === 401) {
        res.resume();
        let next: AuthMaterial | null;
        try {
          next = await this.o.auth.onUnauthorized(m);
        } catch (e) {
          throw this.authFailure(e);
        }
        if (next !== null) {
          m = next;
          res = await this.send(r, m);
        }
      }
      const status = res.statusCode ?? 0;
      if (status === 401) this.setState('auth-failed', httpError(401, '', r.what ?? r.path, this.context, this.o.user).message);
      else if (status > 0 && status < 500 && status !== 403) this.setState('connected', '');
      if (release) {
        res.once('close', done);
        res.once('end', done);
      }
      return { status, headers: res.headers, body: res };
    } catch (e) {
      done();
      throw e;
    }
  }

  private send(r: KubeRequest, m: AuthMaterial): Promise<http.IncomingMessage> {
    const u = this.url(r.path);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.o.userAgent ?? 'vigil', ...r.headers };
    if (m.authorization !== '') headers.Authorization = m.authorization;
    const imp = this.o.impersonate;
    if (imp && imp.user !== '') {
      headers['Impersonate-User'] = imp.user;
      if (imp.uid !== '') headers['Impersonate-Uid'] = imp.uid;
    }
    if (r.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(r.body));
    this.requests[r.long ? 'watch' : (r.class ?? 'control')]++;
    const mod = u.protocol === 'https:' ? https : http;
    const groups = imp && imp.user !== '' ? imp.groups : [];
    return new Promise((resolve, reject) => {
      const req = mod.request(u, { method: r.method ?? 'GET', headers, agent: this.agent(m), signal: r.signal });
      if (groups.length > 0) req.setHeader('Impersonate-Group', groups);
      req.on('response', resolve);
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e.name === 'AbortError' || r.signal?.aborted) {
          reject(new KubeError('canceled', `context ${this.context}: ${r.what ?? r.path}: canceled`));
          return;
        }
        const err = networkError(e, this.o.endpoint.server, this.context, this.o.cluster);
        this.setState(err.state, err.message);
        reject(err);
      });
      req.end(r.body);
    });
  }

  /** json performs a request and parses its JSON answer; non-2xx answers reject with a KubeError. */
  async json<T>(path: string, opts: Omit<KubeRequest, 'path'> = {}): Promise<T> {
    const res = await this.request({ ...opts, path });
    const text = await readText(res.body, 64 << 20);
    if (res.status < 200 || res.status >= 300) {
      const err = httpError(res.status, text, opts.what ?? path, this.context, this.o.user, headerOf(res.headers, 'retry-after'));
      if (err.kind === 'too_many_requests') this.limiter.pause(err.retryAfterMs);
      if (err.kind === 'unauthorized') this.setState(err.state, err.message);
      if (err.kind === 'forbidden' && err.permission !== '') this.denied.set(err.permission, err.message);
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new KubeError('bad_response', `context ${this.context}: ${opts.what ?? path}: invalid JSON (${(e as Error).message})`);
    }
  }

  /** close releases pooled connections. */
  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

/** headerOf returns a header's first value. */
export function headerOf(h: http.IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** readText reads a body up to max bytes. */
export async function readText(body: AsyncIterable<Buffer | string>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    n += b.length;
    if (n > max) throw new KubeError('bad_response', `response larger than ${max} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** ProxyAgent reaches an HTTPS API server through an HTTP(S) proxy with CONNECT (kubeconfig proxy-url). */
class ProxyAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    private readonly tlsOpts: tls.ConnectionOptions,
  ) {
    super({ keepAlive: true, maxSockets: 64, ...tlsOpts });
  }

  createConnection(options: http.ClientRequestArgs & tls.ConnectionOptions, cb?: (err: Error | null, s?: net.Socket) => void): net.Socket | undefined {
    const p = this.proxy;
    const auth = p.username !== '' ? { 'Proxy-Authorization': `Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64')}` } : {};
    const target = `${options.host}:${options.port ?? 443}`;
    const mod = p.protocol === 'https:' ? https : http;
    const req = mod.request({ host: p.hostname, port: p.port || (p.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: target, headers: { Host: target, ...auth } });
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        cb?.(Object.assign(new Error(`proxy ${p.host} refused CONNECT ${target}: ${res.statusCode} ${res.statusMessage}`), { code: 'ECONNREFUSED' }));
        return;
      }
      const s = tls.connect({ ...this.tlsOpts, socket, servername: this.tlsOpts.servername ?? (options.host as string) });
      cb?.(null, s);
    });
    req.on('error', (e) => cb?.(e));
    req.end();
    return undefined;
  }
}
