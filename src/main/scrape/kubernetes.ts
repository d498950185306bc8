/**
 * Scraping Kubernetes targets from a laptop. A discovered address is a pod, node or service IP the
 * laptop usually cannot reach, so the scrape goes through the context's API server:
 *
 *  - pods:     /api/v1/namespaces/<ns>/pods/<scheme>:<name>:<port>/proxy<path>
 *  - services: /api/v1/namespaces/<ns>/services/<scheme>:<name>:<port>/proxy<path>
 *  - nodes:    /api/v1/nodes/<scheme>:<name>:<port>/proxy<path> (the kubelet)
 *  - a pod whose proxy is refused (403 on pods/proxy, or 502/503 when the API server cannot reach
 *    the pod network) is scraped through a port-forward (one tunnel per pod and port, reused);
 *  - otherwise, or when configured, directly (VPN, in-cluster); an address that is the API
 *    server itself is requested with the context's credentials.
 *
 * The choice is automatic per target (`kubernetes_transport: auto`, the default) or fixed per
 * scrape config (`api-proxy`, `port-forward`, `direct`); each target reports its path and why.
 * Requests count against the API server's limiter as scrapes; a 429's Retry-After delays the
 * target's next scrape. The proxy itself never times out: the scrape timeout (the signal) does.
 */
import type { KubeClient } from '../kube/client';
import { headerOf, readText } from '../kube/client';
import type { KubeContexts } from '../kube/contexts';
import { httpError, KubeError } from '../kube/errors';
import { Tunnel } from '../kube/portforward';
import type { Labels } from '../../common/model/labels';
import type { ScrapeConfig } from '../config/types';
import type { Target } from './target';
import { HttpTransport, TransportError, type ScrapeFetchOptions, type ScrapeResponse, type ScrapeTransport } from './transport';
import * as http from 'node:http';

/** KubeTransportMode is a scrape config's `kubernetes_transport`. */
export type KubeTransportMode = 'auto' | 'api-proxy' | 'port-forward' | 'direct';

/** ScrapePath is how a target is reached. */
export type ScrapePath = 'api-proxy' | 'port-forward' | 'direct' | 'api-server';

/** KubeTargetRef identifies the object behind a target. */
export interface KubeTargetRef {
  kind: 'pod' | 'node' | 'service' | 'other';
  namespace: string;
  name: string;
  port: number;
}

function get(ls: Labels, name: string): string {
  for (const l of ls) if (l.name === name) return l.value;
  return '';
}

/** kubeTargetRef reads which object a Kubernetes target is from its discovered labels and address. */
export function kubeTargetRef(discovered: Labels, address: string): KubeTargetRef {
  const m = /:(\d+)$/.exec(address);
  const port = m ? Number(m[1]) : 0;
  const ns = get(discovered, '__meta_kubernetes_namespace');
  const pod = get(discovered, '__meta_kubernetes_pod_name');
  if (pod !== '' && ns !== '') return { kind: 'pod', namespace: ns, name: pod, port };
  const svc = get(discovered, '__meta_kubernetes_service_name');
  // Endpoints not backed by a pod: the service they belong to.
  if (svc !== '' && ns !== '' && get(discovered, '__meta_kubernetes_service_port_number') !== '') return { kind: 'service', namespace: ns, name: svc, port };
  const node = get(discovered, '__meta_kubernetes_node_name');
  if (node !== '' && ns === '') return { kind: 'node', namespace: '', name: node, port };
  return { kind: 'other', namespace: ns, name: '', port };
}

/** PathInfo is a target's scrape path and why it was chosen. */
export interface PathInfo {
  path: ScrapePath;
  reason: string;
}

const REPROBE_MS = 10 * 60_000;

/** KubeScrapeTransport scrapes one Kubernetes target. */
export class KubeScrapeTransport implements ScrapeTransport {
  private current: ScrapePath;
  private reasonText: string;
  private fellBackAt = 0;
  private notBefore = 0;
  private tunnel: Tunnel | null = null;

  constructor(
    private readonly client: KubeClient,
    private readonly ref: KubeTargetRef,
    private readonly mode: KubeTransportMode,
    private readonly direct: HttpTransport,
    private readonly apiServerHost: boolean,
  ) {
    this.current = this.preferred();
    this.reasonText = this.initialReason();
  }

  private preferred(): ScrapePath {
    if (this.apiServerHost) return 'api-server';
    if (this.mode === 'api-proxy') return 'api-proxy';
    if (this.mode === 'port-forward') return 'port-forward';
    if (this.mode === 'direct' || this.ref.kind === 'other') return 'direct';
    return 'api-proxy';
  }

  private initialReason(): string {
    if (this.apiServerHost) return 'the address is the API server itself: requested with the context credentials';
    if (this.mode !== 'auto') return `kubernetes_transport: ${this.mode}`;
    if (this.ref.kind === 'other') return 'no pod, service or node behind the address: scraped directly';
    return `${this.ref.kind} proxy of the API server of context ${this.client.context}`;
  }

  /** describe reports the path and its reason (the targets page shows them). */
  describe(): PathInfo {
    return { path: this.current, reason: this.reasonText };
  }

  close(): void {
    this.tunnel?.close();
  }

  async fetch(url: string, opts: ScrapeFetchOptions): Promise<ScrapeResponse> {
    const now = Date.now();
    if (now < this.notBefore) throw new TransportError(`the API server of context ${this.client.context} asked to retry after ${Math.ceil((this.notBefore - now) / 1000)} s (429 Too Many Requests)`);
    // After a fallback, try the preferred path again now and then (RBAC may have been granted).
    if (this.mode === 'auto' && this.current !== this.preferred() && now - this.fellBackAt > REPROBE_MS) {
      this.current = this.preferred();
      this.reasonText = this.initialReason();
    }
    const failures: string[] = [];
    for (;;) {
      try {
        return await this.via(this.current, url, opts);
      } catch (e) {
        if (!(e instanceof Refused) || this.mode !== 'auto') {
          // The last path failed for another reason: say what the earlier ones said too.
          if (e instanceof Error && e.name === 'AbortError') throw e;
          if (failures.length > 0) throw new TransportError(`${failures.join('; then ')}; then ${this.current}: ${e instanceof Error ? e.message : String(e)}`);
          // A fallback path that fails: the reason it is used (the refusal) is part of the error.
          if (this.current !== this.preferred()) throw new TransportError(`${this.reasonText}: ${e instanceof Error ? e.message : String(e)}`);
          throw e instanceof Refused ? new TransportError(e.message) : e;
        }
        failures.push(e.message);
        const next = this.fallback(this.current);
        if (next === null) throw new TransportError(failures.join('; then '));
        this.reasonText = `${e.message.replace(/\.$/, '')}; using ${next}`;
        this.current = next;
        this.fellBackAt = Date.now();
      }
    }
  }

  private fallback(p: ScrapePath): ScrapePath | null {
    if (p === 'api-proxy') return this.ref.kind === 'pod' ? 'port-forward' : 'direct';
    if (p === 'port-forward') return 'direct';
    return null;
  }

  private proxyPath(u: URL): string {
    const scheme = u.protocol === 'https:' ? 'https' : 'http';
    const r = this.ref;
    const target = `${scheme}:${encodeURIComponent(r.name)}:${r.port}`;
    const tail = `${u.pathname}${u.search}`;
    switch (r.kind) {
      case 'pod':
        return `/api/v1/namespaces/${encodeURIComponent(r.namespace)}/pods/${target}/proxy${tail}`;
      case 'service':
        return `/api/v1/namespaces/${encodeURIComponent(r.namespace)}/services/${target}/proxy${tail}`;
      case 'node':
        return `/api/v1/nodes/${target}/proxy${tail}`;
      default:
        return tail;
    }
  }

  private async via(p: ScrapePath, url: string, opts: ScrapeFetchOptions): Promise<ScrapeResponse> {
    const u = new URL(url);
    switch (p) {
      case 'direct':
        return this.direct.fetch(url, opts);
      case 'api-server':
      case 'api-proxy': {
        const headers = { ...opts.headers };
        // The API server authenticates Vigil; a target's own Authorization cannot pass the proxy.
        delete headers.Authorization;
        const path = p === 'api-server' ? `${u.pathname}${u.search}` : this.proxyPath(u);
        let res;
        try {
          res = await this.client.request({ path, headers, signal: opts.signal, class: 'scrape', what: `scrape ${url} through the ${this.ref.kind} proxy` });
        } catch (e) {
          if (e instanceof KubeError && e.kind === 'canceled') throw Object.assign(new Error('aborted'), { name: 'AbortError' });
          if (e instanceof KubeError) throw new TransportError(e.message);
          throw e;
        }
        if (res.status === 429) {
          const ms = (Number(headerOf(res.headers, 'retry-after')) || 1) * 1000;
          this.notBefore = Date.now() + ms;
          this.client.limiter.pause(ms);
        }
        if (p === 'api-proxy' && (res.status === 403 || res.status === 502 || res.status === 503) && isApiStatus(res.headers)) {
          const text = await readText(res.body, 1 << 16).catch(() => '');
          const err = httpError(res.status, text, `the ${this.ref.kind} proxy`, this.client.context, this.client.o.user);
          throw new Refused(res.status === 403 ? err.message : `the API server cannot reach ${this.ref.kind} ${this.ref.namespace ? `${this.ref.namespace}/` : ''}${this.ref.name} (HTTP ${res.status}: ${statusMessage(text)})`);
        }
        return wrap(res.status, res.headers, res.body);
      }
      case 'port-forward': {
        if (this.ref.kind !== 'pod') throw new Refused('port-forward needs a pod');
        this.tunnel ??= new Tunnel(this.client, this.ref.namespace, this.ref.name, this.ref.port);
        const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port: this.ref.port, path: `${u.pathname}${u.search}`, headers: { ...opts.headers, Host: u.host }, agent: this.tunnel!.agent, signal: opts.signal });
          req.on('response', resolve);
          req.on('error', reject);
          req.end();
        }).catch((e: Error) => {
          if (e.name === 'AbortError') throw e;
          if (e instanceof KubeError && (e.kind === 'forbidden' || e.kind === 'unreachable' || e.kind === 'not_found')) throw new Refused(e.message);
          throw new TransportError(`port-forward to pod ${this.ref.namespace}/${this.ref.name}:${this.ref.port}: ${e.message}`);
        });
        return wrap(res.statusCode ?? 0, res.headers, res);
      }
    }
  }
}

/** Refused is a path that refused the request (try the next one). */
class Refused extends Error {}

function isApiStatus(h: http.IncomingHttpHeaders): boolean {
  return (headerOf(h, 'content-type') ?? '').startsWith('application/json');
}

function statusMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

function wrap(status: number, headers: http.IncomingHttpHeaders, body: http.IncomingMessage): ScrapeResponse {
  return {
    status,
    statusText: http.STATUS_CODES[status] ?? '',
    header: (n) => headerOf(headers, n.toLowerCase()),
    body,
    destroy: () => body.destroy(),
  };
}

/**
 * KubeTransports picks the transport of every target a Kubernetes discoverer found (its group's
 * origin names the context); other targets keep the pool's plain HTTP transport.
 */
export class KubeTransports {
  constructor(private readonly contexts: KubeContexts) {}

  /** resolve returns the transport of a target, or null for targets not from Kubernetes. */
  resolve(t: Target, cfg: ScrapeConfig): KubeScrapeTransport | null {
    const origin = t.origin;
    if (!origin || origin.kind !== 'kubernetes') return null;
    let client: KubeClient;
    try {
      client = this.contexts.client(origin.context);
    } catch {
      return null;
    }
    const address = t.get('__address__');
    const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const port = /:(\d+)$/.exec(address)?.[1] ?? '';
    const api = new URL(client.server);
    const apiPort = api.port || (api.protocol === 'https:' ? '443' : '80');
    const isApi = (host === api.hostname.replace(/^\[|\]$/g, '') && (port === apiPort || port === '')) || /^kubernetes\.default(\.svc(\.cluster\.local)?)?$/.test(host);
    return new KubeScrapeTransport(client, kubeTargetRef(t.discoveredLabels, address), cfg.kubernetesTransport, new HttpTransport(cfg.httpClient), isApi);
  }
}
