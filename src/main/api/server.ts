/**
 * The local HTTP server: the Prometheus API under /api/v1, health endpoints, Vigil's own metrics,
 * and the UI's static files. It binds to loopback by default and guards against DNS rebinding
 * (Host allowlist) and cross-site requests (Origin check), as reliability.md B7 17 asks.
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ApiParams } from '../../common/ipc/contract';
import type { RouteResult } from '../../common/api/route';
import { runRoute, unmatched, type RouteTable } from './table';

/** ServerOptions configure the HTTP server. */
export interface ServerOptions {
  host: string;
  port: number;
  /** routes answers every API, health, metrics and push path. */
  routes: RouteTable;
  /** uiDir holds the built renderer (index.html + assets); null serves no UI. */
  uiDir: string | null;
  /** maxBodyBytes bounds request bodies (default 16 MiB). */
  maxBodyBytes?: number;
  logger?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** ApiServer is a running server. */
export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** isLoopbackHost reports whether a bind address is loopback-only. */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * hostAllowed implements the DNS-rebinding defence: with a loopback bind, the Host header must be
 * localhost, 127.0.0.1 or [::1] with our port (or without a port).
 */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const h = hostHeader.trim().toLowerCase();
  const names = ['localhost', '127.0.0.1', '[::1]'];
  for (const n of names) {
    if (h === n || h === `${n}:${port}`) return true;
  }
  return false;
}

/** startServer listens and serves until close(). */
export async function startServer(opts: ServerOptions): Promise<ApiServer> {
  const log = opts.logger ?? (() => {});
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const loopback = isLoopbackHost(opts.host);
  let port = opts.port;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log('error', `http: ${req.method} ${req.url}: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (loopback && !hostAllowed(req.headers.host, port)) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden: unexpected Host header\n');
      return;
    }
    const method = req.method ?? 'GET';
    const origin = req.headers.origin;
    if (origin !== undefined && method !== 'GET' && method !== 'HEAD' && !originAllowed(origin, port)) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden: cross-origin request\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params = paramsFrom(url.searchParams);
    let bodyBuf: Buffer | null = null;
    const body = async (): Promise<Buffer> => {
      bodyBuf ??= await readBody(req, maxBody);
      return bodyBuf;
    };
    const m = opts.routes.match(method, url.pathname);
    if (m === null && (method === 'GET' || method === 'HEAD') && opts.uiDir && serveStatic(opts.uiDir, url.pathname, res)) return;
    if (m === null || m === 'method') {
      sendResult(res, unmatched(method, url.pathname, m), method === 'HEAD');
      return;
    }
    if (method === 'POST' && (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      // Form posts carry parameters in the body, as with Prometheus's r.FormValue.
      let buf: Buffer;
      try {
        buf = await body();
      } catch (e) {
        sendJson(res, 413, { status: 'error', errorType: 'bad_data', error: (e as Error).message });
        return;
      }
      const form = paramsFrom(new URLSearchParams(buf.toString('utf8')));
      for (const [k, v] of Object.entries(form)) {
        const prev = params[k];
        params[k] = prev === undefined ? v : ([] as string[]).concat(prev, v as string | string[]);
      }
    }
    const header = (n: string): string | undefined => {
      const v = req.headers[n.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    sendResult(res, await runRoute(m, { method, path: url.pathname, params, header, body }), method === 'HEAD');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function originAllowed(origin: string, port: number): boolean {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) && Number(u.port) === port;
  } catch {
    return false;
  }
}

function paramsFrom(sp: URLSearchParams): ApiParams {
  const out: ApiParams = {};
  for (const [k, v] of sp) {
    const prev = out[k];
    out[k] = prev === undefined ? (k.endsWith('[]') ? [v] : v) : ([] as string[]).concat(prev, v);
  }
  return out;
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) {
        reject(new Error(`request body larger than ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

/** UI_ROUTES are the paths of the UI itself (it routes by the URL's hash), answered with index.html. */
const UI_ROUTES = new Set(['/', '/index.html']);

/**
 * serveStatic answers a file of the built UI, or index.html for the UI's own routes; false when
 * the path is neither (the caller answers 404).
 */
function serveStatic(root: string, pathname: string, res: http.ServerResponse): boolean {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    send(res, 400, 'text/plain; charset=utf-8', 'bad path\n');
    return true;
  }
  const resolvedRoot = path.resolve(root);
  let file = path.resolve(resolvedRoot, '.' + path.posix.normalize('/' + rel));
  if (!file.startsWith(resolvedRoot)) return false;
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(file);
  } catch {
    st = null;
  }
  if (!st || st.isDirectory()) {
    if (!UI_ROUTES.has(pathname)) return false;
    file = path.join(resolvedRoot, 'index.html');
    if (!fs.existsSync(file)) {
      send(res, 404, 'text/plain; charset=utf-8', 'UI not built: run `npm run build`\n');
      return true;
    }
  }
  const ext = path.extname(file);
  const headers: Record<string, string> = {
    'Content-Type': MIME[ext] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'Cache-Control': file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  const data = fs.readFileSync(file);
  res.writeHead(200, { ...headers, 'Content-Length': data.length });
  res.end(data);
  return true;
}

/** sendResult writes a route's answer. */
function sendResult(res: http.ServerResponse, r: RouteResult, head: boolean): void {
  if (r.kind === 'stream') {
    res.writeHead(r.status, { ...r.headers, 'Content-Type': r.contentType, 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
    if (head) {
      res.end();
      return;
    }
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const stop = r.start((chunk) => {
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    });
    res.on('close', stop);
    return;
  }
  const body = r.kind === 'json' ? JSON.stringify(r.body) : r.body;
  const type = r.kind === 'json' ? 'application/json' : r.contentType;
  res.writeHead(r.status, { ...(r.kind === 'raw' ? r.headers : {}), 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}
