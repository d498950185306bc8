import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextsTable, formatProblem, kubeconfigFiles, loadKubeconfig } from '../../src/main/kube/kubeconfig';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-kubeconfig-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const f = path.join(dir, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

/** kubectl runs the real kubectl with KUBECONFIG set to files; returns stdout. */
function kubectl(files: string[], ...args: string[]): string {
  return execFileSync('kubectl', ['config', ...args], { env: { ...process.env, KUBECONFIG: files.join(':'), HOME: dir }, encoding: 'utf8' });
}

const A = write(
  'a/config',
  `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: {server: "https://a.example:6443", certificate-authority: certs/ca.pem}
users:
- name: u1
  user: {client-certificate: certs/u1.crt, client-key: certs/u1.key, tokenFile: tok}
- name: plugin
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/get-token, args: [--x]}
- name: onpath
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: team-a}
- name: shared
  context: {cluster: c1, user: u1}
`,
);
const B = write(
  'b/config',
  `apiVersion: v1
kind: Config
current-context: shared
clusters:
- name: c1
  cluster: {server: "https://b.example:6443"}
- name: c2
  cluster: {server: "https://c2.example"}
users:
- name: u1
  user: {token: from-b}
contexts:
- name: shared
  context: {cluster: c2, user: u2, namespace: zz}
- name: a-very-long-context-name
  context: {cluster: c2, user: u1}
`,
);
const C = write('c/config', `apiVersion: v1\nkind: Config\ncurrent-context: dev\ncontexts:\n- name: only-c\n  context: {cluster: c2, user: u1}\n`);
const EMPTY = write('empty/config', '');

describe('kubeconfig merging, as kubectl does it', () => {
  const cases: [string, string[]][] = [
    ['one file', [A]],
    ['duplicate names across files: the first file wins, whole', [A, B]],
    ['the other order', [B, A]],
    ['current-context from the first file that sets it', [A, C, B]],
    ['no current-context anywhere', [A]],
    ['a missing and an empty file among good ones', [path.join(dir, 'nope'), EMPTY, B, C]],
    ['a duplicated path', [B, A, B]],
  ];
  for (const [name, files] of cases) {
    it(`${name}: the same contexts and current context as kubectl`, () => {
      const kc = loadKubeconfig({ env: { KUBECONFIG: files.join(':') }, platform: 'linux' });
      expect(kc.problems).toEqual([]);
      expect(contextsTable(kc)).toBe(kubectl(files, 'get-contexts'));
      let current = '';
      try {
        current = kubectl(files, 'current-context').trim();
      } catch {
        current = ''; // kubectl exits 1 with "current-context is not set"
      }
      expect(kc.currentContext).toBe(current);
    });
  }

  it('resolves relative paths against the file that names them, and exec commands only when they are paths', () => {
    const kc = loadKubeconfig({ env: { KUBECONFIG: `${B}:${A}` }, platform: 'linux' });
    // c1 comes from B (first), which has no CA; u1 from B too. The plugin users come from A.
    expect(kc.clusters.get('c1')!.value.server).toBe('https://b.example:6443');
    const a = loadKubeconfig({ env: { KUBECONFIG: A }, platform: 'linux' });
    expect(a.clusters.get('c1')!.value.certificateAuthority).toBe(path.join(dir, 'a/certs/ca.pem'));
    expect(a.users.get('u1')!.value).toMatchObject({ clientCertificate: path.join(dir, 'a/certs/u1.crt'), clientKey: path.join(dir, 'a/certs/u1.key'), tokenFile: path.join(dir, 'a/tok') });
    expect(a.users.get('plugin')!.value.exec!.command).toBe(path.join(dir, 'a/bin/get-token'));
    expect(a.users.get('onpath')!.value.exec!.command).toBe('aws');
    // kubectl embeds the CA it finds at the same resolved place.
    write('a/certs/ca.pem', 'PEM-BYTES');
    write('a/certs/u1.crt', 'CRT');
    write('a/certs/u1.key', 'KEY');
    write('a/tok', 'TOKEN');
    const flat = kubectl([A], 'view', '--flatten', '--minify', '--context', 'dev', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}');
    expect(Buffer.from(flat, 'base64').toString()).toBe(fs.readFileSync(a.clusters.get('c1')!.value.certificateAuthority, 'utf8'));
  });

  it('keeps loading the other files when one is broken, naming the file and line', () => {
    const bad = write('bad/config', 'apiVersion: v1\nclusters:\n- name: x\n  cluster: {server: [\n');
    const notList = write('bad2/config', 'apiVersion: v1\ncontexts:\n  name: x\n');
    const kc = loadKubeconfig({ env: { KUBECONFIG: [bad, A, notList, B].join(':') }, platform: 'linux' });
    expect(kc.problems.map(formatProblem)).toEqual([expect.stringMatching(new RegExp(`^${bad}:5: Flow sequence`)), `${notList}:3: contexts must be a list`]);
    expect([...kc.contexts.keys()].sort()).toEqual(['a-very-long-context-name', 'dev', 'shared']);
    expect(kc.currentContext).toBe('shared');
    // kubectl refuses the whole set instead.
    expect(() => kubectl([bad, A], 'get-contexts')).toThrow();
  });

  it('finds the files as kubectl does', () => {
    expect(kubeconfigFiles({ env: {}, homedir: '/home/u' })).toEqual(['/home/u/.kube/config']);
    expect(kubeconfigFiles({ env: { KUBECONFIG: '/a::/b:/a' }, platform: 'linux' })).toEqual(['/a', '/b']);
    expect(kubeconfigFiles({ env: { KUBECONFIG: 'C:\\a;C:\\b' }, platform: 'win32' })).toEqual(['C:\\a', 'C:\\b']);
    expect(kubeconfigFiles({ explicit: '/x', env: { KUBECONFIG: '/a' } })).toEqual(['/x']);
    expect(loadKubeconfig({ explicit: path.join(dir, 'missing') }).problems.map(formatProblem)).toEqual([`${path.join(dir, 'missing')}: no such file`]);
  });
});
