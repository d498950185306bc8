/**
 * A real Kubernetes control plane for tests (../shared/reference/k8s-testbed.md): etcd 3.6.5 and
 * kube-apiserver 1.35.4 built by .ci/build-k8s.sh, with RBAC, token and client-certificate users,
 * and, since there are no kubelets, Node and Pod objects whose status the bed sets so that the API
 * server's proxies reach real processes the bed starts: fake kubelets (HTTPS, verifying the API
 * server's client certificate; /metrics, /metrics/cadvisor, /metrics/resource and port-forward)
 * and plain HTTP apps. The API server refuses to proxy to loopback, so everything runs in a network
 * namespace of its own (the caller runs under `unshare -n`) on 198.18.0.0/15 addresses added to lo;
 * no packet leaves it. Processes are stopped by PID, the API server before etcd.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { CertificateAuthority, type Issued } from '../../../src/main/util/pki';

const PEERS = process.env.VIGIL_PEERS_DIR || path.join(os.homedir(), '.cache', 'vigil-peers');
/** APISERVER and ETCD are the binaries .ci/build-k8s.sh builds. */
export const APISERVER = path.join(PEERS, 'kube-apiserver-1.35.4', 'kube-apiserver');
export const ETCD = path.join(PEERS, 'etcd-3.6.5', 'etcd');
export const KSM = path.join(PEERS, 'kube-state-metrics-2.18.0', 'kube-state-metrics');

/** missingBinaries names the control-plane binaries that are not built. */
export function missingBinaries(): string[] {
  return [APISERVER, ETCD].filter((b) => !fs.existsSync(b));
}

/** addAddress puts an address on lo (inside the test's own network namespace). */
export function addAddress(ip: string): void {
  try {
    execFileSync('ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo'], { stdio: 'pipe' });
  } catch (e) {
    if (!/File exists/.test(String((e as { stderr?: Buffer }).stderr ?? ''))) throw e;
  }
}

/** insideOwnNamespace checks the process runs in a network namespace with nothing but lo. */
export function insideOwnNamespace(): boolean {
  const ifs = Object.keys(os.networkInterfaces());
  return ifs.every((i) => i === 'lo');
}

function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitFor(what: string, fn: () => Promise<boolean>, ms: number, proc?: ChildProcess, log?: () => string): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (proc && proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}: ${log?.().slice(-2000)}`);
    if (Date.now() > end) throw new Error(`${what} not ready after ${ms} ms: ${log?.().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Bed is a running control plane. */
export class Bed {
  readonly dir: string;
  readonly ca = new CertificateAuthority('vigil-testbed-ca');
  readonly adminToken = crypto.randomBytes(16).toString('hex');
  readonly tokens = new Map<string, { user: string; groups: string[] }>();
  apiPort = 0;
  private etcdPort = 0;
  private etcdPeerPort = 0;
  private etcd: ChildProcess | null = null;
  private api: ChildProcess | null = null;
  private etcdLog = '';
  private apiLog = '';
  private readonly servers: { close(): void }[] = [];
  /** kubeletClient is the certificate the API server presents to kubelets. */
  readonly kubeletClient: Issued;
  /** ip is the API server's advertised address. */
  readonly ip = '198.18.0.1';

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bed-'));
    this.kubeletClient = this.ca.issue({ commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
    this.tokens.set(this.adminToken, { user: 'admin', groups: ['system:masters'] });
  }

  get server(): string {
    return `https://${this.ip}:${this.apiPort}`;
  }

  private write(name: string, text: string): string {
    const f = path.join(this.dir, name);
    fs.writeFileSync(f, text, { mode: 0o600 });
    return f;
  }

  /** addToken adds a token user (written to the token file; the API server must be (re)started after). */
  addToken(user: string, groups: string[] = []): string {
    const t = crypto.randomBytes(16).toString('hex');
    this.tokens.set(t, { user, groups });
    return t;
  }

  /** start runs etcd and the API server and waits for /readyz. */
  async start(): Promise<void> {
    addAddress(this.ip);
    if (this.etcd === null) {
      this.etcdPort = await freePort();
      this.etcdPeerPort = await freePort();
      const data = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'vigil-etcd-'));
      this.etcd = spawn('setpriv', ['--pdeathsig', 'KILL', ETCD, '--name', 'vigil', '--data-dir', data, '--listen-client-urls', `http://127.0.0.1:${this.etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${this.etcdPort}`, '--listen-peer-urls', `http://127.0.0.1:${this.etcdPeerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${this.etcdPeerPort}`, '--initial-cluster', `vigil=http://127.0.0.1:${this.etcdPeerPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.etcd.stderr!.on('data', (d: Buffer) => (this.etcdLog = (this.etcdLog + d.toString()).slice(-20000)));
      this.etcd.stdout!.on('data', () => {});
      this.servers.push({ close: () => fs.rmSync(data, { recursive: true, force: true }) });
      await waitFor('etcd', async () => (await fetchText(`http://127.0.0.1:${this.etcdPort}/health`)).includes('true'), 20_000, this.etcd, () => this.etcdLog);
    }
    await this.startApi();
  }

  /** startApi (re)starts the API server on the same port. */
  async startApi(): Promise<void> {
    if (this.apiPort === 0) this.apiPort = await freePort(this.ip);
    const serving = this.ca.issue({ commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'], ips: [this.ip, '127.0.0.1', '10.96.0.1'], usage: 'server' });
    const sa = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    if (!fs.existsSync(path.join(this.dir, 'sa.key'))) {
      this.write('sa.key', sa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      this.write('sa.pub', sa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    }
    this.write('tokens.csv', [...this.tokens].map(([t, u]) => `${t},${u.user},${u.user}${u.groups.length ? `,"${u.groups.join(',')}"` : ''}`).join('\n') + '\n');
    const args = [
      '--etcd-servers', `http://127.0.0.1:${this.etcdPort}`,
      '--advertise-address', this.ip,
      '--bind-address', this.ip,
      '--secure-port', String(this.apiPort),
      '--tls-cert-file', this.write('serving.crt', serving.certPem),
      '--tls-private-key-file', this.write('serving.key', serving.keyPem),
      '--client-ca-file', this.write('ca.crt', this.ca.certPem),
      '--token-auth-file', path.join(this.dir, 'tokens.csv'),
      '--authorization-mode', 'Node,RBAC',
      '--service-account-key-file', path.join(this.dir, 'sa.pub'),
      '--service-account-signing-key-file', path.join(this.dir, 'sa.key'),
      '--service-account-issuer', 'https://kubernetes.default.svc',
      '--kubelet-client-certificate', this.write('kubelet-client.crt', this.kubeletClient.certPem),
      '--kubelet-client-key', this.write('kubelet-client.key', this.kubeletClient.keyPem),
      '--kubelet-certificate-authority', path.join(this.dir, 'ca.crt'),
      '--kubelet-preferred-address-types', 'InternalIP',
      '--service-cluster-ip-range', '10.96.0.0/16',
      '--disable-admission-plugins', 'ServiceAccount',
      '--watch-cache-sizes', 'pods#100',
    ];
    this.apiLog = '';
    this.api = spawn('setpriv', ['--pdeathsig', 'KILL', APISERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.api.stderr!.on('data', (d: Buffer) => (this.apiLog = (this.apiLog + d.toString()).slice(-40000)));
    this.api.stdout!.on('data', () => {});
    await waitFor('kube-apiserver', async () => (await this.request('GET', '/readyz')).status === 200, 60_000, this.api, () => this.apiLog);
  }

  /** stopApi stops the API server (an outage); etcd keeps the state. */
  async stopApi(): Promise<void> {
    const p = this.api;
    this.api = null;
    if (!p || p.exitCode !== null) return;
    const done = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGKILL');
    await done;
  }

  /** compactEtcd compacts etcd's history up to now (watches from older versions then get 410). */
  async compactEtcd(): Promise<void> {
    const st = JSON.parse(await fetchText(`http://127.0.0.1:${this.etcdPort}/v3/kv/range`, 'POST', JSON.stringify({ key: Buffer.from('/').toString('base64') }))) as { header: { revision: string } };
    await fetchText(`http://127.0.0.1:${this.etcdPort}/v3/kv/compaction`, 'POST', JSON.stringify({ revision: st.header.revision, physical: true }));
  }

  /** stop stops everything by PID, the API server first and etcd last. */
  async stop(): Promise<void> {
    for (const s of this.servers) s.close();
    await this.stopApi();
    const e = this.etcd;
    this.etcd = null;
    if (e && e.exitCode === null) {
      const done = new Promise<void>((r) => e.once('exit', () => r()));
      e.kill('SIGTERM');
      await done;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** request calls the API server as admin. */
  request(method: string, p: string, body?: unknown, token = this.adminToken): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        { host: this.ip, port: this.apiPort, method, path: p, ca: this.ca.certPem, headers: { Authorization: `Bearer ${token}`, ...(data ? { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}) } },
        (res) => {
          let b = '';
          res.on('data', (d: Buffer) => (b += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  /** apply creates an object (POST) and, when it has a status, writes the status subresource. */
  async apply(collection: string, o: Record<string, unknown>): Promise<void> {
    const obj = o as { metadata: { name: string; [k: string]: unknown }; status?: unknown; [k: string]: unknown };
    const created = await this.request('POST', collection, { ...obj, status: undefined });
    if (created.status === 409) {
      const cur = JSON.parse((await this.request('GET', `${collection}/${obj.metadata.name}`)).body) as { metadata: { resourceVersion: string } };
      const put = await this.request('PUT', `${collection}/${obj.metadata.name}`, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } });
      if (put.status >= 300) throw new Error(`PUT ${collection}/${obj.metadata.name}: ${put.status} ${put.body}`);
    } else if (created.status >= 300) throw new Error(`POST ${collection}: ${created.status} ${created.body}`);
    if (obj.status !== undefined) {
      const st = await this.request('PATCH', `${collection}/${obj.metadata.name}/status`, { status: obj.status });
      if (st.status >= 300) throw new Error(`PATCH ${collection}/${obj.metadata.name}/status: ${st.status} ${st.body}`);
    }
  }

  /** remove deletes an object now. */
  async remove(collection: string, name: string): Promise<void> {
    const r = await this.request('DELETE', `${collection}/${name}?gracePeriodSeconds=0`);
    if (r.status >= 300 && r.status !== 404) throw new Error(`DELETE ${collection}/${name}: ${r.status} ${r.body}`);
  }

  /** kubeconfig writes a kubeconfig with contexts for the given token or certificate users. */
  kubeconfig(file: string, users: { name: string; token?: string; cert?: Issued }[], current = users[0]!.name): string {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${current}`, 'clusters:', '- name: bed', '  cluster:', `    server: ${this.server}`, `    certificate-authority-data: ${b64(this.ca.certPem)}`, 'users:'];
    for (const u of users) {
      lines.push(`- name: ${u.name}`, '  user:');
      if (u.token) lines.push(`    token: ${u.token}`);
      if (u.cert) lines.push(`    client-certificate-data: ${b64(u.cert.certPem)}`, `    client-key-data: ${b64(u.cert.keyPem)}`);
    }
    lines.push('contexts:');
    for (const u of users) lines.push(`- name: ${u.name}`, '  context:', '    cluster: bed', `    user: ${u.name}`);
    fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
    return file;
  }

  /** track registers something to close with the bed. */
  track(s: { close(): void }): void {
    this.servers.push(s);
  }
}

/** FakeKubelet serves a node's kubelet endpoints over HTTPS, trusting only the API server's client certificate. */
export class FakeKubelet {
  private server: https.Server | null = null;
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (ps) => (ps.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  /** pods maps ns/name to the pod IP port-forward dials. */
  readonly pods = new Map<string, string>();
  /** hits counts requests by path. */
  readonly hits = new Map<string, number>();

  constructor(
    readonly node: string,
    readonly ip: string,
    readonly port: number,
    private readonly bed: Bed,
    private readonly bodies: (path: string) => string | null,
  ) {}

  async start(): Promise<void> {
    addAddress(this.ip);
    const cert = this.bed.ca.issue({ commonName: `system:node:${this.node}`, ips: [this.ip], dnsNames: [this.node], usage: 'server' });
    this.server = https.createServer({ cert: cert.certPem, key: cert.keyPem, ca: this.bed.ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const p = (req.url ?? '/').split('?')[0]!;
      this.hits.set(p, (this.hits.get(p) ?? 0) + 1);
      const body = this.bodies(p);
      if (body === null) res.writeHead(404).end('not found');
      else res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
    });
    this.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      const u = new URL(req.url ?? '/', 'https://x');
      const m = /^\/portForward\/([^/]+)\/([^/]+)$/.exec(u.pathname);
      const ip = m ? this.pods.get(`${m[1]}/${m[2]}`) : undefined;
      const ports = (u.searchParams.get('port') ?? '').split(',').filter(Boolean).map(Number);
      if (!ip || ports.length === 0) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => forwardV4(ws, ip, ports));
    });
    await new Promise<void>((r) => this.server!.listen(this.port, this.ip, r));
    this.bed.track({ close: () => this.server?.close() });
  }
}

/** forwardV4 serves the v4.channel.k8s.io port-forward protocol over ws, dialing ip:ports. */
export function forwardV4(ws: WebSocket, ip: string, ports: number[]): void {
  const conns: net.Socket[] = [];
  ports.forEach((port, i) => {
    const pb = Buffer.from([port & 0xff, port >> 8]);
    ws.send(Buffer.concat([Buffer.from([2 * i]), pb]));
    ws.send(Buffer.concat([Buffer.from([2 * i + 1]), pb]));
    const c = net.connect(port, ip);
    conns[i] = c;
    c.on('data', (d: Buffer) => ws.send(Buffer.concat([Buffer.from([2 * i]), d])));
    c.on('error', (e) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(e.message)]));
      ws.close();
    });
    c.on('close', () => ws.close());
  });
  ws.on('message', (m: Buffer) => {
    if (m.length > 0 && m[0]! % 2 === 0) conns[m[0]! / 2]?.write(m.subarray(1));
  });
  ws.on('close', () => conns.forEach((c) => c?.destroy()));
}

/** startApp serves text at ip:port (a pod's container); returns its closer. */
export async function startApp(bed: Bed, ip: string, port: number, body: (path: string) => string): Promise<void> {
  addAddress(ip);
  const s = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body(req.url ?? '/')));
  await new Promise<void>((r) => s.listen(port, ip, r));
  bed.track({ close: () => s.close() });
}

function fetchText(url: string, method = 'GET', body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(b));
    });
    req.on('error', reject);
    req.end(body);
  });
}
