/**
 * Scrape transports: how a scrape request reaches a target. The default is plain HTTP(S) with the
 * scrape config's TLS, proxy and redirect settings. Other transports (the Kubernetes API-server
 * proxy, a port-forward) implement the same interface and are chosen per target through the
 * ScrapeManager's transportFor option.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { HTTPClientConfig, TLSConfig } from '../config/types';

/** ScrapeFetchOptions are the per-request options of a scrape. */
export interface ScrapeFetchOptions {
  /** headers to send (Accept, Accept-Encoding, User-Agent, X-Prometheus-Scrape-Timeout-Seconds, auth). */
  headers: Record<string, string>;
  /** signal aborts the request and its body at the scrape timeout or shutdown. */
  signal: AbortSignal;
  /** maxBytes is the body size limit after decompression (0: none); a hint, enforced by the caller too. */
  maxBytes: number;
}

/** ScrapeResponse is a response whose body is read as a stream of raw (possibly gzip) chunks. */
export interface ScrapeResponse {
  status: number;
  statusText: string;
  /** header returns a response header (case-insensitive), or undefined. */
  header(name: string): string | undefined;
  /** body yields the raw body bytes. */
  body: AsyncIterable<Uint8Array>;
  /** destroy stops reading and releases the connection. */
  destroy(): void;
}

/** ScrapeTransport performs scrape requests. */
export interface ScrapeTransport {
  fetch(url: string, opts: ScrapeFetchOptions): Promise<ScrapeResponse>;
  /** close releases pooled connections. */
  close(): void;
  /** describe says how the target is reached and why (absent: plain HTTP). */
  describe?(): { path: string; reason: string };
}

/** TransportError is a failure to reach a target (connect, TLS, protocol), with Prometheus-like text. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

const MAX_REDIRECTS = 10;

function readPem(inline: string, file: string): Buffer | string | undefined {
  if (inline !== '') return inline;
  if (file !== '') return fs.readFileSync(file);
  return undefined;
}

/** tlsOptions builds Node TLS options from a tls_config (reading files now). */
export function tlsOptions(t: TLSConfig): tls.ConnectionOptions {
  const versions: Record<string, tls.SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
  const o: tls.ConnectionOptions = { rejectUnauthorized: !t.insecureSkipVerify };
  const ca = readPem(t.ca, t.caFile);
  if (ca !== undefined) o.ca = ca;
  const cert = readPem(t.cert, t.certFile);
  if (cert !== undefined) o.cert = cert;
  const key = readPem(t.key, t.keyFile);
  if (key !== undefined) o.key = key;
  if (t.serverName !== '') o.servername = t.serverName;
  if (t.minVersion !== '' && versions[t.minVersion]) o.minVersion = versions[t.minVersion];
  if (t.maxVersion !== '' && versions[t.maxVersion]) o.maxVersion = versions[t.maxVersion];
  return o;
}

function noProxyMatch(host: string, noProxy: string): boolean {
  for (const raw of noProxy.split(',')) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return true;
    const h = host.toLowerCase();
    if (h === p || h.endsWith(p.startsWith('.') ? p : '.' + p)) return true;
  }
  return false;
}

/**
 * HttpTransport is the default transport: node:http/https with keep-alive, the scrape config's TLS
 * options, optional proxy (proxy_url, or the environment) and redirect following (at most 10, as
 * Go's client).
 */
export class HttpTransport implements ScrapeTransport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly tls: tls.ConnectionOptions;

  constructor(private readonly cfg: HTTPClientConfig) {
    this.tls = tlsOptions(cfg.tlsConfig);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4, ...this.tls });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private proxyFor(u: URL): URL | null {
    let proxy = this.cfg.proxyUrl;
    let noProxy = this.cfg.noProxy;
    if (this.cfg.proxyFromEnvironment) {
      proxy = (u.protocol === 'https:' ? process.env.HTTPS_PROXY ?? process.env.https_proxy : process.env.HTTP_PROXY ?? process.env.http_proxy) ?? '';
      noProxy = process.env.NO_PROXY ?? process.env.no_proxy ?? '';
    }
    if (proxy === '' || noProxyMatch(u.hostname, noProxy)) return null;
    return new URL(proxy);
  }

  async fetch(url: string, opts: ScrapeFetchOptions): Promise<ScrapeResponse> {
    let u = new URL(url);
    for (let hop = 0; ; hop++) {
      const res = await this.request(u, opts);
      const loc = res.headers.location;
      if (this.cfg.followRedirects && res.statusCode !== undefined && [301, 302, 303, 307, 308].includes(res.statusCode) && loc) {
        res.resume();
        if (hop + 1 >= MAX_REDIRECTS) throw new TransportError(`Get ${JSON.stringify(url)}: stopped after ${MAX_REDIRECTS} redirects`);
        u = new URL(loc, u);
        continue;
      }
      return {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        header: (name) => {
          const v = res.headers[name.toLowerCase()];
          return Array.isArray(v) ? v.join(', ') : v;
        },
        body: res,
        destroy: () => res.destroy(),
      };
    }
  }

  private request(u: URL, opts: ScrapeFetchOptions): Promise<http.IncomingMessage> {
    const isHttps = u.protocol === 'https:';
    if (u.protocol !== 'http:' && !isHttps) {
      return Promise.reject(new TransportError(`Get ${JSON.stringify(u.href)}: unsupported protocol scheme ${JSON.stringify(u.protocol.replace(/:$/, ''))}`));
    }
    const proxy = this.proxyFor(u);
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(describeNetError(u, e));
      let req: http.ClientRequest;
      const headers = { ...opts.headers, Host: u.host };
      if (proxy !== null && !isHttps) {
        // Plain HTTP through a proxy: absolute-form request line to the proxy.
        req = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'GET', path: u.href, headers: { ...headers, ...this.proxyAuth(proxy) }, signal: opts.signal });
      } else if (proxy !== null) {
        // HTTPS through a proxy: CONNECT tunnel, then TLS to the target.
        req = https.request({
          method: 'GET',
          host: u.hostname,
          port: u.port || 443,
          path: u.pathname + u.search,
          headers,
          signal: opts.signal,
          agent: false,
          ...this.tls,
          createConnection: (_o: unknown, cb: (err: Error | null, s?: net.Socket) => void) => {
            this.connectTunnel(proxy, u, opts.signal)
              .then((sock) => cb(null, tls.connect({ socket: sock, servername: this.tls.servername ?? u.hostname, ...this.tls })))
              .catch((e: Error) => cb(e));
            return undefined as unknown as net.Socket;
          },
        } as https.RequestOptions);
      } else {
        const mod = isHttps ? https : http;
        req = mod.request(u, { method: 'GET', headers, agent: isHttps ? this.httpsAgent : this.httpAgent, signal: opts.signal });
      }
      req.on('response', resolve);
      req.on('error', onError);
      req.end();
    });
  }

  private proxyAuth(proxy: URL): Record<string, string> {
    const h: Record<string, string> = {};
    if (proxy.username !== '') h['Proxy-Authorization'] = 'Basic ' + Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64');
    for (const [k, v] of Object.entries(this.cfg.proxyConnectHeader)) h[k] = v.join(', ');
    return h;
  }

  private connectTunnel(proxy: URL, target: URL, signal: AbortSignal): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: `${target.hostname}:${target.port || 443}`, headers: this.proxyAuth(proxy), signal });
      req.on('connect', (res, socket) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          reject(new TransportError(`proxyconnect tcp: ${res.statusCode} ${res.statusMessage}`));
        } else resolve(socket);
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/** describeNetError renders a connection failure the way Go's client does (`Get "url": dial tcp ...`). */
export function describeNetError(u: URL, e: Error): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `Get ${JSON.stringify(u.href)}`;
  if (e.name === 'AbortError') return e;
  const hostPort = `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new TransportError(`${where}: dial tcp ${hostPort}: connect: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TransportError(`${where}: dial tcp: lookup ${u.hostname}: no such host`);
    case 'ECONNRESET':
      return new TransportError(`${where}: read: connection reset by peer`);
    case 'EHOSTUNREACH':
      return new TransportError(`${where}: dial tcp ${hostPort}: connect: no route to host`);
    default:
      return new TransportError(`${where}: ${e.message}`);
  }
}
