/**
 * The rest of the Kubernetes connection: api_server and the context extension in
 * kubernetes_sd_configs, one shared watch for pools with the same selection, the scrape timeout
 * through the proxy, basic auth, client certificates, proxy-url, insecure-skip-tls-verify, exec
 * plugins found on the login shell's PATH, and control requests ahead of scrapes.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../src/main/demo/apiserver';
import { startCore, type Core } from '../../src/main/host/core';
import { KubeContexts } from '../../src/main/kube/contexts';
import { RequestLimiter } from '../../src/main/kube/limiter';
import { loginShellPath, mergePaths } from '../../src/main/kube/shellenv';
import { nopLogger } from '../../src/main/util/log';

let api: FakeApiServer;
let dir: string;
let hang: http.Server;
let hangPort = 0;
const cores: Core[] = [];

beforeAll(async () => {
  api = new FakeApiServer({ users: [{ name: 'admin', groups: ['system:masters'], tokens: ['admin-token'] }, { name: 'basic-user', password: 's3cret' }] });
  await api.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-kube-more-'));
  hang = http.createServer(() => {}); // accepts and never answers
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  hangPort = (hang.address() as AddressInfo).port;
  api.store.put('pods', { metadata: { name: 'slow-1', namespace: 'default', labels: { app: 'slow' } }, spec: { containers: [{ name: 'c', ports: [{ name: 'metrics', containerPort: hangPort }] }] }, status: { phase: 'Running', podIP: '127.0.0.1' } });
  fs.writeFileSync(path.join(dir, 'kubeconfig'), api.kubeconfig([{ name: 'admin', token: 'admin-token' }, { name: 'second', token: 'admin-token' }]));
});

afterAll(async () => {
  for (const c of cores) await c.stop();
  await api.stop();
  hang.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function targets(c: Core): Promise<{ scrapePool: string; health: string; lastError: string; labels: Record<string, string> }[]> {
  return ((await (await fetch(`${c.url}/api/v1/targets`)).json()) as { data: { activeTargets: { scrapePool: string; health: string; lastError: string; labels: Record<string, string> }[] } }).data.activeTargets;
}

async function until(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kubernetes_sd_configs sources and politeness', () => {
  it('discovers through api_server with its own credentials and TLS, and through a named context, sharing one watch per selection', async () => {
    fs.writeFileSync(path.join(dir, 'ca.pem'), api.ca.certPem);
    fs.writeFileSync(path.join(dir, 'token'), 'admin-token\n');
    const cfg = path.join(dir, 'sources.yml');
    fs.writeFileSync(
      cfg,
      `global: {scrape_interval: 1s, scrape_timeout: 500ms}
scrape_configs:
  - job_name: by-api-server
    kubernetes_sd_configs:
      - role: pod
        api_server: ${api.url}
        authorization: {credentials_file: ${path.join(dir, 'token')}}
        tls_config: {ca_file: ${path.join(dir, 'ca.pem')}}
  - job_name: by-context
    kubernetes_sd_configs: [{role: pod, context: second}]
  - job_name: same-selection-a
    kubernetes_sd_configs: [{role: pod, context: second}]
    relabel_configs: [{target_label: copy, replacement: a}]
`,
    );
    const c = await startCore({ dataDir: path.join(dir, 'd-sources'), configFile: cfg, host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: nopLogger, kubeconfig: path.join(dir, 'kubeconfig'), contexts: ['admin'] });
    cores.push(c);
    await until(async () => (await targets(c)).length === 3, 10_000);
    const ts = await targets(c);
    expect(ts.map((t) => [t.scrapePool, t.labels.cluster]).sort()).toEqual([
      ['by-api-server', `127.0.0.1:${api.port}`],
      ['by-context', 'second'],
      ['same-selection-a', 'second'],
    ]);
    // by-context and same-selection-a watch the same collection of the same context: one informer.
    const informers = c.kube.informers.list().filter((i) => i.context === 'second');
    expect(informers).toHaveLength(1);
    // The pod's app never answers: the scrape through the proxy ends at the scrape timeout.
    await until(async () => (await targets(c)).every((t) => t.health === 'down'), 10_000);
    const t = (await targets(c)).find((x) => x.scrapePool === 'by-context')!;
    expect(t.lastError).toMatch(/context deadline exceeded/);
  });

  it('authenticates with basic auth and client certificates, through a proxy-url, and with insecure-skip-tls-verify', async () => {
    // A CONNECT proxy on loopback that counts the tunnels it opens.
    let tunnels = 0;
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels++;
      const [host, port] = (req.url ?? '').split(':');
      const up = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      up.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const cert = api.issueClientCert('cert-user', ['system:masters']);
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const kc = path.join(dir, 'auth.kubeconfig');
    fs.writeFileSync(
      kc,
      `apiVersion: v1
kind: Config
clusters:
- name: ok
  cluster: {server: "${api.url}", certificate-authority-data: ${b64(api.ca.certPem)}}
- name: via-proxy
  cluster: {server: "${api.url}", certificate-authority-data: ${b64(api.ca.certPem)}, proxy-url: "http://127.0.0.1:${(proxy.address() as AddressInfo).port}"}
- name: insecure
  cluster: {server: "${api.url}", insecure-skip-tls-verify: true}
users:
- name: basic
  user: {username: basic-user, password: s3cret}
- name: cert
  user: {client-certificate-data: ${b64(cert.certPem)}, client-key-data: ${b64(cert.keyPem)}}
- name: token
  user: {token: admin-token}
contexts:
- {name: basic, context: {cluster: ok, user: basic}}
- {name: cert, context: {cluster: ok, user: cert}}
- {name: proxied, context: {cluster: via-proxy, user: token}}
- {name: insecure, context: {cluster: insecure, user: token}}
`,
    );
    const kube = new KubeContexts({ source: { explicit: kc }, watch: false });
    const before = api.requests.length;
    try {
      for (const ctx of ['basic', 'cert', 'proxied', 'insecure']) {
        // The marker in the query tells this test's requests from those of other tests' clients,
        // which may still be listing pods on the shared fake as admin.
        expect(await kube.client(ctx).json('/api/v1/namespaces/default/pods?limit=500&resourceVersion=0&test=auth-kinds'), ctx).toMatchObject({ kind: 'PodList' });
        expect(kube.client(ctx).state, ctx).toBe('connected');
      }
      expect(tunnels).toBeGreaterThanOrEqual(1);
      const who = api.requests
        .slice(before)
        .filter((r) => r.path.startsWith('/api/v1/namespaces/default/pods') && r.path.includes('test=auth-kinds'))
        .map((r) => r.user);
      expect(who).toEqual(['basic-user', 'cert-user', 'admin', 'admin']);
    } finally {
      kube.stop();
      proxy.close();
    }
  });

  it('finds exec plugins on the login shell PATH that a launcher does not pass on', async () => {
    const bin = path.join(dir, 'shell-bin');
    fs.mkdirSync(bin);
    const shell = path.join(dir, 'fake-login-shell');
    // A login shell whose profile adds a folder to PATH (as Homebrew's or asdf's do).
    // It is called as `SHELL -ilc COMMAND`.
    fs.writeFileSync(shell, `#!/bin/sh\nPATH="${bin}:$PATH"; export PATH\nshift\neval "$1"\n`, { mode: 0o755 });
    expect(await loginShellPath({ SHELL: shell, PATH: '/usr/bin:/bin' }, 'linux')).toMatch(new RegExp(`^${bin}:`));
    expect(mergePaths(':', '/usr/bin:/bin', `${bin}:/usr/bin`)).toBe(`/usr/bin:/bin:${bin}`);
    expect(await loginShellPath({ SHELL: shell }, 'win32')).toBe('');
    // A plugin named by its bare name, installed only in that folder, is found and run.
    fs.writeFileSync(path.join(bin, 'vigil-sso-plugin'), `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"admin-token"}}'\n`, { mode: 0o755 });
    const kc = path.join(dir, 'exec.kubeconfig');
    fs.writeFileSync(kc, api.kubeconfig([{ name: 'sso' }]).replace('  user:\n    {}\n', '  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: vigil-sso-plugin, interactiveMode: Never}\n'));
    const kube = new KubeContexts({ source: { explicit: kc }, watch: false, env: { PATH: '/usr/bin:/bin' }, shellPath: () => loginShellPath({ SHELL: shell, PATH: '/usr/bin:/bin' }, 'linux') });
    try {
      expect(await kube.client('sso').json('/api/v1/namespaces')).toMatchObject({ kind: 'NamespaceList' });
    } finally {
      kube.stop();
    }
    const blind = new KubeContexts({ source: { explicit: kc }, watch: false, env: { PATH: '/usr/bin:/bin' }, shellPath: async () => '' });
    try {
      await expect(blind.client('sso').json('/api/v1/namespaces')).rejects.toThrow('executable vigil-sso-plugin not found');
    } finally {
      blind.stop();
    }
  });

  it('lets control requests (lists, watches) go ahead of queued scrapes', async () => {
    const lim = new RequestLimiter({ maxScrapesInFlight: 1, scrapeQps: 1000, scrapeBurst: 1000 });
    const order: string[] = [];
    const first = await lim.acquire('scrape');
    const waiting = [lim.acquire('scrape').then((r) => (order.push('scrape-2'), r)), lim.acquire('scrape').then((r) => (order.push('scrape-3'), r))];
    const control = lim.acquire('control').then((r) => (order.push('control'), r));
    (await control)();
    first();
    (await waiting[0]!)();
    (await waiting[1]!)();
    expect(order).toEqual(['control', 'scrape-2', 'scrape-3']);
  });

  it('starts queued scrapes in order as slots free, one per release, and lets a waiting scrape time out', async () => {
    const lim = new RequestLimiter({ maxScrapesInFlight: 2, scrapeQps: 1000, scrapeBurst: 1000 });
    expect(lim.describe()).toBe('at most 2 scrapes in flight and 1000 per second');
    const started: number[] = [];
    const held = [await lim.acquire('scrape'), await lim.acquire('scrape')];
    const queued = [3, 4, 5].map((n) => lim.acquire('scrape').then((r) => (started.push(n), r)));
    const timeout = new AbortController();
    const late = lim.acquire('scrape', timeout.signal);
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual([]);
    timeout.abort(new Error('scrape timeout'));
    await expect(late).rejects.toThrow('scrape timeout');
    held[0]!();
    const r3 = await queued[0]!;
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual([3]);
    held[1]!();
    r3();
    (await queued[1]!)();
    (await queued[2]!)();
    expect(started).toEqual([3, 4, 5]);
  });
});
