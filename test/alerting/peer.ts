/**
 * Test peers for the notification tests: a loopback HTTP capture server, and Debian's
 * prometheus-alertmanager 0.25 started on loopback with a temporary storage folder and a bounded
 * lifetime (stopped by PID).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** Captured is one request the capture server received. */
export interface Captured {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** CaptureServer records requests and answers each with the next status of a script (200 after it runs out). */
export interface CaptureServer {
  url: string;
  requests: Captured[];
  statuses: number[];
  /** waitFor resolves with the first request matching pred (bounded by timeoutMs). */
  waitFor(pred: (c: Captured) => boolean, timeoutMs?: number): Promise<Captured>;
  close(): Promise<void>;
}

export async function startCapture(): Promise<CaptureServer> {
  const requests: Captured[] = [];
  const statuses: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const st = statuses.shift() ?? 200;
      res.writeHead(st, { 'Content-Type': 'text/plain' });
      res.end(st === 200 ? 'ok' : 'failure');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    statuses,
    async waitFor(pred, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const c = requests.find(pred);
        if (c) return c;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no matching request within ${timeoutMs} ms (got ${requests.map((r) => r.method + ' ' + r.path).join(', ') || 'none'})`);
    },
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

/** freePort asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

/** AlertmanagerPeer is a running Alertmanager. */
export interface AlertmanagerPeer {
  url: string;
  dir: string;
  log: () => string;
  stop(): Promise<void>;
}

/** startAlertmanager runs prometheus-alertmanager with config (JSON is valid YAML) on loopback, killed after lifetimeMs at the latest. */
export async function startAlertmanager(config: unknown, opts: { externalUrl?: string; lifetimeMs?: number } = {}): Promise<AlertmanagerPeer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-peer-'));
  const cfg = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(cfg, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  const port = await freePort();
  const args = [
    `--config.file=${cfg}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=debug',
  ];
  if (opts.externalUrl) args.push(`--web.external-url=${opts.externalUrl}`);
  let out = '';
  const child: ChildProcess = spawn(ALERTMANAGER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.lifetimeMs ?? 120_000);
  killer.unref();
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${out}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`alertmanager did not become ready: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dir,
    log: () => out,
    async stop() {
      clearTimeout(killer);
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
