import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/main/kube/client';
import { createAuthenticator } from '../../src/main/kube/credentials';
import { emptyAuthInfo, type AuthInfo, type ExecConfig, type Named } from '../../src/main/kube/kubeconfig';
import { KubeError } from '../../src/main/kube/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-exec-'));
let server: http.Server;
let url = '';
/** minToken: tokens tok-N with N below it are refused with 401 (a revoked credential). */
let minToken = 0;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    const m = /^Bearer tok-(\d+)$/.exec(auth);
    if (!m || Number(m[1]) < minToken) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"kind":"Status","message":"Unauthorized","code":401}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"kind":"NamespaceList","items":[]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** plugin writes a credential plugin script: a counter file, a token tok-<run>, an expiry EXP_MS ahead. */
function plugin(name: string, body?: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(
    f,
    `#!/usr/bin/env node
${
  body ??
  `const fs = require('fs');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
const counter = ${JSON.stringify(path.join(dir, name + '.runs'))};
const n = (fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\\n').filter(Boolean).length : 0) + 1;
fs.appendFileSync(counter, JSON.stringify({ interactive: info.spec.interactive, cluster: info.spec.cluster ?? null, extra: process.env.EXTRA ?? null }) + '\\n');
const exp = Number(process.env.EXP_MS || 0);
process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token: 'tok-' + n, ...(exp ? { expirationTimestamp: new Date(Date.now() + exp).toISOString() } : {}) } }));`
}
`,
    { mode: 0o755 },
  );
  return f;
}

function user(exec: Partial<ExecConfig> & { command: string }): Named<AuthInfo> {
  return {
    name: 'sso',
    file: path.join(dir, 'config'),
    line: 1,
    value: {
      ...emptyAuthInfo(),
      exec: { args: [], env: [], apiVersion: 'client.authentication.k8s.io/v1', installHint: '', provideClusterInfo: false, interactiveMode: 'Never', ...exec },
    },
  };
}

function client(u: Named<AuthInfo>, timeoutMs = 10_000): KubeClient {
  const auth = createAuthenticator(u, { execTimeoutMs: timeoutMs, shellPath: async () => '', cluster: { server: url, tlsServerName: '', insecureSkipTlsVerify: false, certificateAuthorityData: 'Q0E=', proxyUrl: '', disableCompression: false } });
  return new KubeClient({ context: 'sso-ctx', cluster: 'c', user: u.name, endpoint: { server: url, insecureSkipTlsVerify: false, tlsServerName: '', proxyUrl: '' }, auth, limits: { controlQps: 1000, controlBurst: 1000 } });
}

const runs = (name: string): { interactive: boolean; cluster: unknown; extra: string | null }[] =>
  fs.existsSync(path.join(dir, name + '.runs'))
    ? fs
        .readFileSync(path.join(dir, name + '.runs'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

describe('exec credential plugins', () => {
  it('run once for 20 concurrent requests, again at expiry, and again after a 401', async () => {
    const cmd = plugin('sso-plugin');
    const c = client(user({ command: cmd, env: [{ name: 'EXP_MS', value: '1500' }, { name: 'EXTRA', value: 'x' }], provideClusterInfo: true }));
    const all = await Promise.all(Array.from({ length: 20 }, () => c.json<{ kind: string }>('/api/v1/namespaces')));
    expect(all.every((r) => r.kind === 'NamespaceList')).toBe(true);
    expect(runs('sso-plugin')).toHaveLength(1);
    expect(runs('sso-plugin')[0]).toEqual({ interactive: false, cluster: { server: url, 'certificate-authority-data': 'Q0E=' }, extra: 'x' });
    // Cached until the expiry...
    await c.json('/api/v1/namespaces');
    expect(runs('sso-plugin')).toHaveLength(1);
    // ...then the first request after it runs the plugin again, once for many requests.
    await new Promise((r) => setTimeout(r, 1700));
    await Promise.all(Array.from({ length: 5 }, () => c.json('/api/v1/namespaces')));
    expect(runs('sso-plugin')).toHaveLength(2);
    expect(seen.at(-1)).toBe('Bearer tok-2');
    // The server revokes tok-2: the 401 makes the plugin run once more and the request is retried.
    minToken = 3;
    await Promise.all(Array.from({ length: 5 }, () => c.json('/api/v1/namespaces')));
    expect(runs('sso-plugin')).toHaveLength(3);
    expect(seen.at(-1)).toBe('Bearer tok-3');
    expect(c.state).toBe('connected');
    minToken = 0;
  });

  it('explain a missing plugin with its installHint', async () => {
    const c = client(user({ command: 'vigil-no-such-credential-plugin', installHint: 'Install it with: brew install vigil-sso' }));
    const e = await c.json('/api/v1/namespaces').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KubeError);
    expect((e as KubeError).kind).toBe('exec');
    expect((e as Error).message).toContain('context sso-ctx: the credential plugin of user sso failed: exec: executable vigil-no-such-credential-plugin not found');
    expect((e as Error).message).toContain('Install it with: brew install vigil-sso');
    expect(c.state).toBe('auth-failed');
  });

  it('kill a plugin that hangs, show the stderr of one that fails, and refuse interactive ones', async () => {
    const hang = plugin('hang', "process.stderr.write('waiting for the browser...\\n'); setTimeout(() => {}, 60000);");
    const t0 = Date.now();
    const e1 = (await client(user({ command: hang }), 2000)
      .json('/api/v1/namespaces')
      .catch((x: Error) => x)) as Error;
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(e1.message).toMatch(/did not finish within 2 s and was killed\nwaiting for the browser/);
    const fail = plugin('fail', "process.stderr.write('error: token refresh failed: invalid_grant\\n'); process.exit(3);");
    const e2 = (await client(user({ command: fail })).json('/api/v1/namespaces').catch((x: Error) => x)) as Error;
    expect(e2.message).toMatch(/failed with exit code 3\nerror: token refresh failed: invalid_grant/);
    const bad = plugin('bad', "process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'x' } }));");
    const e3 = (await client(user({ command: bad })).json('/api/v1/namespaces').catch((x: Error) => x)) as Error;
    expect(e3.message).toContain('is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1');
    const e4 = (await client(user({ command: hang, interactiveMode: 'Always' })).json('/api/v1/namespaces').catch((x: Error) => x)) as Error;
    expect(e4.message).toMatch(/cannot support interactive mode.*Sign in once in a terminal/);
    expect(() => createAuthenticator(user({ command: hang, interactiveMode: '' }))).toThrow('interactiveMode must be specified for sso to use exec authentication plugin');
    // v1beta1 defaults to IfAvailable, which runs without a terminal.
    const ok = plugin('beta');
    await client(user({ command: ok, apiVersion: 'client.authentication.k8s.io/v1beta1', interactiveMode: '' })).json('/api/v1/namespaces');
    expect(runs('beta')).toHaveLength(1);
  });
});
