/**
 * Contexts as the user meets them: `vigil contexts` next to `kubectl config get-contexts`, the
 * kubeconfig followed without a restart, the monitored choice kept in the settings, rotated token
 * files and OIDC refresh, errors a user can act on (TLS mismatch, unreachable server), and no
 * credential in logs, errors or the data folder.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../src/main/demo/apiserver';
import { main } from '../../src/main/cli/main';
import { startCore, type Core } from '../../src/main/host/core';
import { KubeContexts } from '../../src/main/kube/contexts';
import { KubeError } from '../../src/main/kube/errors';
import { CertificateAuthority } from '../../src/main/util/pki';

const run = promisify(execFile);
let api: FakeApiServer;
let dir: string;
const cores: Core[] = [];

beforeAll(async () => {
  api = new FakeApiServer({ users: [{ name: 'admin', groups: ['system:masters'], tokens: ['admin-token-7f3a9'] }, { name: 'rotor', tokens: ['rotor-token-1'] }] });
  await api.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-contexts-'));
});

afterAll(async () => {
  for (const c of cores) await c.stop();
  await api.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(argv, (s) => (out += s), (s) => (err += s));
    return { code, out, err };
  } finally {
    process.env = saved;
  }
}

describe('contexts', () => {
  it('vigil contexts prints kubectl get-contexts columns followed by whether each is monitored and its state', async () => {
    const kc = path.join(dir, 'list.kubeconfig');
    const text = api.kubeconfig([{ name: 'admin', token: 'admin-token-7f3a9', namespace: 'team-a' }, { name: 'broken', token: 'wrong' }], 'admin');
    fs.writeFileSync(kc, text);
    const k = await run('kubectl', ['config', 'get-contexts'], { env: { ...process.env, KUBECONFIG: kc } });
    const v = await cli(['contexts', '--kubeconfig', kc, '--data', path.join(dir, 'd1')]);
    expect(v.code).toBe(0);
    const kLines = k.stdout.trimEnd().split('\n');
    const vLines = v.out.trimEnd().split('\n');
    expect(vLines).toHaveLength(kLines.length);
    // Every line starts with kubectl's line, byte for byte; Vigil's column follows.
    for (let i = 0; i < kLines.length; i++) expect(vLines[i]!.startsWith(kLines[i]!), `line ${i}`).toBe(true);
    expect(vLines[0]).toMatch(/^CURRENT\s+NAME\s+CLUSTER\s+AUTHINFO\s+NAMESPACE\s+VIGIL$/);
    expect(vLines.find((l) => /\badmin\b/.test(l))).toMatch(/^\*\s+admin\s+fake\s+admin\s+team-a\s+monitored, connected$/);
    expect(vLines.find((l) => /\bbroken\b/.test(l))).toMatch(/broken\s+fake\s+broken\s+-, auth-failed$/);
    expect(v.err).toContain('context broken: the API server refused the credentials of user broken (401 Unauthorized)');
    expect(v.err).not.toContain('wrong');
  });

  it('follows the kubeconfig without a restart, keeps the monitored choice in the settings, and re-reads a rotated token file', async () => {
    const kc = path.join(dir, 'watched.kubeconfig');
    const tokenFile = path.join(dir, 'rotor.token');
    fs.writeFileSync(tokenFile, 'rotor-token-1\n');
    fs.writeFileSync(kc, api.kubeconfig([{ name: 'admin', token: 'admin-token-7f3a9' }]));
    const data = path.join(dir, 'watched-data');
    const c = await startCore({ dataDir: data, configFile: null, host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: () => {}, kubeconfig: kc });
    cores.push(c);
    const contexts = async (): Promise<{ contexts: { name: string; monitored: boolean; state: string }[]; monitored: string[] }> => ((await (await fetch(`${c.url}/api/v1/vigil/contexts`)).json()) as { data: { contexts: { name: string; monitored: boolean; state: string }[]; monitored: string[] } }).data;
    expect((await contexts()).contexts.map((x) => x.name)).toEqual(['admin']);
    // A new context appears in the file: Vigil sees it without a restart.
    const withRotor = api.kubeconfig([{ name: 'admin', token: 'admin-token-7f3a9' }]).replace('users:\n', `users:\n- name: rotor\n  user:\n    tokenFile: ${tokenFile}\n`).replace('contexts:\n', 'contexts:\n- name: rotor\n  context:\n    cluster: fake\n    user: rotor\n');
    fs.writeFileSync(kc, withRotor);
    const end = Date.now() + 5000;
    while ((await contexts()).contexts.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect((await contexts()).contexts.map((x) => x.name)).toEqual(['admin', 'rotor']);
    // Choose both: the choice is kept in settings.json and survives a restart.
    const sel = await fetch(`${c.url}/api/v1/vigil/contexts/select`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'context[]=admin&context[]=rotor' });
    expect(sel.status).toBe(200);
    expect((await contexts()).monitored).toEqual(['admin', 'rotor']);
    expect(JSON.parse(fs.readFileSync(path.join(data, 'settings.json'), 'utf8'))).toEqual({ contexts: { monitored: ['admin', 'rotor'], all: false } });
    const bad = await fetch(`${c.url}/api/v1/vigil/contexts/select`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'context[]=nope' });
    expect(bad.status).toBe(400);
    // The token file rotates (and the old token is revoked): the next request reads the new one.
    const client = c.kube.client('rotor');
    await client.json('/api/v1/namespaces');
    api.faults.revoked.add('rotor-token-1');
    api.setUsers([{ name: 'admin', groups: ['system:masters'], tokens: ['admin-token-7f3a9'] }, { name: 'rotor', tokens: ['rotor-token-2'] }]);
    fs.writeFileSync(tokenFile, 'rotor-token-2\n');
    await new Promise((r) => setTimeout(r, 1100)); // the file is checked at most once a second
    await client.json('/api/v1/namespaces');
    expect(client.state).toBe('connected');
    await c.stop();
    cores.pop();
    const again = await startCore({ dataDir: data, configFile: null, host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: () => {}, kubeconfig: kc });
    cores.push(again);
    expect(again.kube.monitored()).toEqual(['admin', 'rotor']);
  });

  it('refreshes an expired OIDC id-token with the refresh-token and writes both back as kubectl does', async () => {
    const jwt = (exp: number, n: string): string => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp, sub: n })).toString('base64url')}.sig`;
    const expired = jwt(Math.floor(Date.now() / 1000) - 60, 'old');
    const fresh = jwt(Math.floor(Date.now() / 1000) + 3600, 'new');
    let refreshes = 0;
    const issuer = http.createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ issuer: `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`, token_endpoint: `http://127.0.0.1:${(issuer.address() as AddressInfo).port}/token` }));
        return;
      }
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const f = new URLSearchParams(body);
        refreshes++;
        if (f.get('grant_type') !== 'refresh_token' || f.get('refresh_token') !== 'refresh-1' || f.get('client_id') !== 'vigil') res.writeHead(400).end('{"error":"invalid_grant"}');
        else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id_token: fresh, refresh_token: 'refresh-2', token_type: 'Bearer' }));
      });
    });
    await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
    api.setUsers([{ name: 'admin', groups: ['system:masters'], tokens: ['admin-token-7f3a9'] }, { name: 'oidc-user', tokens: [fresh] }]);
    const kc = path.join(dir, 'oidc.kubeconfig');
    const base = api.kubeconfig([{ name: 'sso' }]);
    fs.writeFileSync(
      kc,
      base.replace(
        '  user:\n    {}\n',
        `  user:\n    auth-provider:\n      name: oidc\n      config:\n        client-id: vigil\n        idp-issuer-url: http://127.0.0.1:${(issuer.address() as AddressInfo).port}\n        id-token: ${expired}\n        refresh-token: refresh-1\n`,
      ),
    );
    const kube = new KubeContexts({ source: { explicit: kc }, watch: false });
    try {
      await kube.client('sso').json('/api/v1/namespaces');
      expect(refreshes).toBe(1);
      const saved = fs.readFileSync(kc, 'utf8');
      expect(saved).toContain(`id-token: ${fresh}`);
      expect(saved).toContain('refresh-token: refresh-2');
      expect(saved).toContain('client-id: vigil');
      // The fresh token is used until it expires: no second refresh.
      await kube.client('sso').json('/api/v1/namespaces');
      expect(refreshes).toBe(1);
    } finally {
      kube.stop();
      issuer.close();
    }
  });

  it('says what is wrong with TLS and with an unreachable server, per context, without stopping the others', async () => {
    const other = new CertificateAuthority('some-other-ca');
    const kc = path.join(dir, 'errors.kubeconfig');
    const good = api.kubeconfig([{ name: 'good', token: 'admin-token-7f3a9' }]);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const extra = `- name: wrongca\n  cluster:\n    server: ${api.url}\n    certificate-authority-data: ${Buffer.from(other.certPem).toString('base64')}\n- name: wrongname\n  cluster:\n    server: https://localhost:${api.port}\n    tls-server-name: api.example.com\n    certificate-authority-data: ${Buffer.from(api.ca.certPem).toString('base64')}\n- name: dead\n  cluster:\n    server: https://127.0.0.1:${deadPort}\n`;
    const ctxs = ['wrongca', 'wrongname', 'dead'].map((n) => `- name: ${n}\n  context:\n    cluster: ${n}\n    user: good\n`).join('');
    fs.writeFileSync(kc, good.replace('users:\n', `${extra}users:\n`).replace('contexts:\n', `contexts:\n${ctxs}`));
    const kube = new KubeContexts({ source: { explicit: kc }, watch: false });
    try {
      const err = async (ctx: string): Promise<KubeError> => (await kube.client(ctx).json('/version').catch((e: KubeError) => e)) as KubeError;
      const ca = await err('wrongca');
      expect(ca.kind).toBe('tls');
      expect(ca.message).toMatch(/^context wrongca: TLS with the API server https:\/\/127\.0\.0\.1:\d+ failed: its certificate is not signed by the certificate-authority of cluster wrongca/);
      const name = await err('wrongname');
      expect(name.kind).toBe('tls');
      expect(name.message).toContain('is not valid for this name');
      expect(name.message).toContain('tls-server-name');
      const dead = await err('dead');
      expect(dead.kind).toBe('unreachable');
      expect(dead.message).toContain('connection refused');
      expect(await kube.client('good').json('/version')).toMatchObject({ major: '1' });
      const states = Object.fromEntries(kube.list().map((c) => [c.name, c.state]));
      expect(states).toEqual({ dead: 'unreachable', good: 'connected', wrongca: 'tls-error', wrongname: 'tls-error' });
    } finally {
      kube.stop();
    }
  });

  it('never writes a credential to the logs, the API, error messages or the data folder', async () => {
    const secret = 'super-secret-token-5c1d';
    api.setUsers([{ name: 'admin', groups: ['system:masters'], tokens: ['admin-token-7f3a9'] }]);
    const kc = path.join(dir, 'secret.kubeconfig');
    fs.writeFileSync(kc, api.kubeconfig([{ name: 'admin', token: 'admin-token-7f3a9' }, { name: 'stale', token: secret }]));
    const cfg = path.join(dir, 'secret.yml');
    fs.writeFileSync(cfg, 'global: {scrape_interval: 500ms, scrape_timeout: 500ms}\nscrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs: [{role: pod}]\n');
    api.store.put('pods', { metadata: { name: 's-1', namespace: 'default' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 1 }] }] }, status: { phase: 'Running', podIP: '127.0.0.1' } });
    const lines: string[] = [];
    const data = path.join(dir, 'secret-data');
    const c = await startCore({ dataDir: data, configFile: cfg, host: '127.0.0.1', port: 0, demo: false, defaultJobs: false, uiDir: null, logger: (l, m, f) => void lines.push(`${l} ${m} ${JSON.stringify(f ?? {})}`), kubeconfig: kc, contexts: ['admin', 'stale'] });
    cores.push(c);
    await new Promise((r) => setTimeout(r, 2500));
    const answers = await Promise.all(['/api/v1/vigil/contexts', '/api/v1/targets', '/metrics', '/api/v1/status/config', '/api/v1/status/flags'].map(async (p) => (await fetch(c.url + p)).text()));
    await c.stop();
    cores.pop();
    expect(lines.join('\n')).toContain('401 Unauthorized'); // the stale context failed and said so...
    for (const s of [secret, 'admin-token-7f3a9']) {
      expect(lines.join('\n')).not.toContain(s); // ...without the token
      for (const a of answers) expect(a).not.toContain(s);
      // Every file, in subfolders too (alerting/, rules/).
      for (const f of fs.readdirSync(data, { recursive: true }) as string[]) {
        const p = path.join(data, f);
        if (fs.statSync(p).isFile()) expect(fs.readFileSync(p).includes(Buffer.from(s)), `${f} holds a credential`).toBe(false);
      }
    }
  });
});
