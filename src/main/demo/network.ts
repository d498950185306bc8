/**
 * The simulated cluster network: what answers at a node or pod address and port at a time. Node
 * IPs have the kubelet on 10250 and node-exporter (a host-network pod) on 9100; pod IPs have the
 * containers' ports. A node cut off by an outage answers nothing (the dial hangs); a port nobody
 * listens on, or a container that is down (crash-looping, restarting), refuses.
 *
 * The same functions answer the fake API server's proxies and port-forwards live (through
 * `listener`, as a FakeNetwork) and `renderAt` for any past time, so history written before live
 * scraping has exactly the labels and values live scrapes see.
 */
import type * as http from 'node:http';
import * as zlib from 'node:zlib';
import type { FakeNetwork } from './apiserver/server';
import type { ClusterSim, PodInstance, Run } from './sim/sim';
import type { ContainerSpec, NodeSpec } from './sim/spec';
import { nodeView, renderCadvisor, renderKubelet, renderProbes, renderResource } from './exporters/kubelet';
import { renderNodeExporter } from './exporters/node-exporter';
import { renderCoreDns, renderHttpApp } from './exporters/apps';

/** KUBELET_PORT and NODE_EXPORTER_PORT are where a node's kubelet and node-exporter listen. */
export const KUBELET_PORT = 10250;
export const NODE_EXPORTER_PORT = 9100;

/** Listener is what listens at an address: a node's kubelet or a running container's port. */
export type Listener = { kind: 'kubelet'; node: NodeSpec } | { kind: 'container'; p: PodInstance; c: ContainerSpec; run: Run; port: number };

/** Resolved is what a connection to an address at a time meets. */
export type Resolved = Listener | 'refused' | 'unreachable' | null;

/** Response is an HTTP answer of a simulated endpoint. */
export interface Response {
  status: number;
  contentType: string;
  body: string;
}

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** RenderOptions choose the exposition format, as the scraper's Accept header would. */
export interface RenderOptions {
  /** openMetrics: the scraper accepts OpenMetrics (instrumented apps then answer in it). */
  openMetrics?: boolean;
}

/** SimNetwork answers the addresses of one simulated cluster. */
export class SimNetwork {
  private readonly listeners = new Map<string, http.RequestListener>();

  constructor(
    readonly sim: ClusterSim,
    /** apiServer is the API server address the kubelets report talking to. */
    private readonly apiServer: () => string = () => 'kube-apiserver:6443',
  ) {}

  /** resolve tells what listens at host:port at s (seconds); null for an address outside the cluster. */
  resolve(host: string, port: number, s: number): Resolved {
    const sim = this.sim;
    const node = sim.spec.nodes.find((n) => n.ip === host);
    if (node) {
      if (sim.outageAt(node, s)?.status === 'Unknown') return 'unreachable';
      if (port === KUBELET_PORT) return { kind: 'kubelet', node };
      return this.containerAt(sim.podsAt(s).filter((p) => p.node === node && p.w.hostNetwork), port, s);
    }
    const owner = sim.spec.nodes.find((n) => host.startsWith(n.podCidr.split('.').slice(0, 3).join('.') + '.'));
    if (!owner) return host.startsWith('127.') || host === '::1' || host === 'localhost' ? null : 'unreachable';
    if (sim.outageAt(owner, s)?.status === 'Unknown') return 'unreachable';
    const pods = sim.podsAt(s).filter((p) => !p.w.hostNetwork && p.ip === host && sim.podRunning(p, s));
    if (pods.length === 0) return 'unreachable';
    return this.containerAt(pods, port, s);
  }

  private containerAt(pods: PodInstance[], port: number, s: number): Resolved {
    for (const p of pods) {
      if (!this.sim.podRunning(p, s)) continue;
      for (const c of p.w.containers) {
        if (!c.ports.some((x) => x.containerPort === port) && c.metricsPort !== port) continue;
        const st = this.sim.containerAt(p, c, s);
        return st.run ? { kind: 'container', p, c, run: st.run, port } : 'refused';
      }
    }
    return 'refused';
  }

  /** serve answers a GET of path at host:port at s, or says why the connection failed. */
  serve(host: string, port: number, path: string, s: number, o: RenderOptions = {}): Response | 'refused' | 'unreachable' | null {
    const l = this.resolve(host, port, s);
    if (l === null || typeof l === 'string') return l;
    return this.answer(l, path, s, o);
  }

  /** answer is a listener's HTTP answer for path at s. */
  answer(l: Listener, rawPath: string, s: number, o: RenderOptions = {}): Response {
    const path = rawPath.split('?')[0]!.replace(/\/+$/, '') || '/';
    const text = (body: string): Response => ({ status: 200, contentType: TEXT, body });
    const notFound: Response = { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
    if (l.kind === 'kubelet') {
      const v = nodeView(this.sim, l.node, s);
      switch (path) {
        case '/metrics':
          return text(renderKubelet(v, this.apiServer()));
        case '/metrics/cadvisor':
          return text(renderCadvisor(v));
        case '/metrics/resource':
          return text(renderResource(v));
        case '/metrics/probes':
          return text(renderProbes(v));
        case '/healthz':
          return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' };
        default:
          return notFound;
      }
    }
    const { p, c, run, port } = l;
    if (path === '/healthz' || path === '/health' || path === '/ready') return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n' };
    if (port !== c.metricsPort || path !== (c.metricsPath ?? '/metrics')) return notFound;
    switch (c.serves) {
      case 'node-exporter':
        return text(renderNodeExporter(this.sim, p.node, s));
      case 'coredns':
        return text(renderCoreDns(this.sim, p, c, run, s));
      case 'http-app': {
        const om = o.openMetrics === true;
        return { status: 200, contentType: om ? OPENMETRICS : TEXT, body: renderHttpApp(this.sim, p, c, run, s, om) };
      }
      default:
        return notFound;
    }
  }

  /**
   * renderAt is the body a scrape of path at host:port would have returned at tMs (milliseconds),
   * or null when there was no 200 answer (nothing there, refused, cut off, not found).
   */
  renderAt(host: string, port: number, path: string, tMs: number, o: RenderOptions = {}): string | null {
    const r = this.serve(host, port, path, tMs / 1000, o);
    return r !== null && typeof r !== 'string' && r.status === 200 ? r.body : null;
  }

  /**
   * network returns the FakeNetwork of this cluster for the fake API server: connections resolve
   * at connect time, requests are answered at request time, with the clock now (milliseconds).
   */
  network(now: () => number): FakeNetwork {
    return (host, port) => {
      const r = this.resolve(host, port, now() / 1000);
      if (r === null || typeof r === 'string') return r;
      const key = `${host}:${port}`;
      let l = this.listeners.get(key);
      if (!l) {
        l = (req, res) => {
          const accept = String(req.headers.accept ?? '');
          const ans = this.serve(host, port, req.url ?? '/', now() / 1000, { openMetrics: /application\/openmetrics-text/.test(accept) });
          if (ans === null || typeof ans === 'string') {
            res.destroy();
            return;
          }
          const headers: Record<string, string> = { 'Content-Type': ans.contentType };
          if (ans.status === 200 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
            headers['Content-Encoding'] = 'gzip';
            res.writeHead(ans.status, headers).end(zlib.gzipSync(ans.body, { level: 1 }));
          } else {
            res.writeHead(ans.status, headers).end(ans.body);
          }
        };
        this.listeners.set(key, l);
      }
      return l;
    };
  }
}
