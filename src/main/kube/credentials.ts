/**
 * Credentials of a kubeconfig user, every kind kubectl supports: bearer token, token file (re-read
 * when it changes), basic auth, client certificate and key (inline data or files, re-read when
 * they change), exec credential plugins (exec.ts) and the OIDC auth-provider with refresh
 * (oidc.ts). An Authenticator hands out the material of one request and, after a 401, fresh
 * material when the kind can get any. Nothing here logs or returns a secret in an error message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExecCredentialPlugin, type ExecCluster, type ExecCredentials } from './exec';
import type { AuthInfo, Named } from './kubeconfig';
import { OidcAuthenticator } from './oidc';
import { AuthError, type AuthMaterial, type Authenticator } from './auth';

export { AuthError } from './auth';
export type { AuthKind, AuthMaterial, Authenticator } from './auth';

const NONE: AuthMaterial = { authorization: '' };

/** FileWatch re-reads a file when its modification time or size changes (checked at most every second). */
class FileWatch {
  private mtime = -1;
  private size = -1;
  private checked = 0;
  private value: Buffer | null = null;

  constructor(readonly file: string) {}

  read(): Buffer {
    const now = Date.now();
    if (this.value !== null && now - this.checked < 1000) return this.value;
    this.checked = now;
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch (e) {
      throw new AuthError(`cannot read ${this.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    if (this.value === null || st.mtimeMs !== this.mtime || st.size !== this.size) {
      this.value = fs.readFileSync(this.file);
      this.mtime = st.mtimeMs;
      this.size = st.size;
    }
    return this.value;
  }
}

function b64(s: string, what: string): Buffer {
  const b = Buffer.from(s, 'base64');
  if (b.length === 0 && s.trim() !== '') throw new AuthError(`${what} is not valid base64`);
  return b;
}

/** AuthenticatorOptions are what building an authenticator needs beyond the user entry. */
export interface AuthenticatorOptions {
  /** cluster is handed to exec plugins with provideClusterInfo. */
  cluster?: ExecCluster;
  env?: NodeJS.ProcessEnv;
  execTimeoutMs?: number;
  now?: () => number;
  shellPath?: () => Promise<string>;
}

/**
 * createAuthenticator returns the authenticator of a kubeconfig user. Throws AuthError when the
 * entry combines methods kubectl refuses to combine or names a provider Vigil cannot use.
 */
export function createAuthenticator(user: Named<AuthInfo>, o: AuthenticatorOptions = {}): Authenticator {
  const u = user.value;
  const methods: string[] = [];
  if (u.token !== '' || u.tokenFile !== '') methods.push('token');
  if (u.username !== '' || u.password !== '') methods.push('basicAuth');
  if (u.authProvider !== null) methods.push(`authProvider ${u.authProvider.name}`);
  if (u.exec !== null) methods.push('exec');
  if (u.exec !== null && u.authProvider !== null) throw new AuthError(`authProvider cannot be provided in combination with an exec plugin for ${user.name}`);
  if (methods.length > 1) throw new AuthError(`more than one authentication method found for ${user.name}; found [${methods.join(' ')}], only one is allowed`);
  const certOnly = clientCertificate(user);
  if (u.exec !== null) {
    const plugin = new ExecCredentialPlugin(u.exec, { user: user.name, cluster: o.cluster, cwd: path.dirname(user.file), env: o.env, timeoutMs: o.execTimeoutMs, now: o.now, shellPath: o.shellPath });
    const bad = plugin.validate();
    if (bad !== null) throw new AuthError(bad);
    // One material object per credential set, so a 401 can say which set was refused.
    const toMaterial = new WeakMap<ExecCredentials, AuthMaterial>();
    const toCreds = new WeakMap<AuthMaterial, ExecCredentials>();
    const material = (c: ExecCredentials): AuthMaterial => {
      let m = toMaterial.get(c);
      if (m === undefined) {
        const own = certOnly ?? NONE;
        m = c.cert !== '' ? { authorization: '', cert: c.cert, key: c.key } : { authorization: c.token !== '' ? `Bearer ${c.token}` : '', cert: own.cert, key: own.key };
        toMaterial.set(c, m);
        toCreds.set(m, c);
      }
      return m;
    };
    return {
      kind: 'exec',
      get: async () => material(await plugin.get()),
      onUnauthorized: async (used) => {
        const c = toCreds.get(used);
        return material(c === undefined ? await plugin.get() : await plugin.refreshAfter401(c));
      },
    };
  }
  if (u.authProvider !== null) {
    const name = u.authProvider.name;
    if (name === 'oidc') return new OidcAuthenticator(user, certOnly, { now: o.now });
    if (name === 'gcp') throw new AuthError(`the gcp auth-provider was removed from kubectl: install gke-gcloud-auth-plugin and run \`gcloud container clusters get-credentials\` again (user ${user.name})`);
    if (name === 'azure') throw new AuthError(`the azure auth-provider was removed from kubectl: use kubelogin (\`kubelogin convert-kubeconfig\`) (user ${user.name})`);
    throw new AuthError(`unknown auth-provider ${JSON.stringify(name)} for user ${user.name}`);
  }
  const withCert = (m: AuthMaterial): AuthMaterial => (certOnly ? { ...m, cert: certOnly.cert, key: certOnly.key } : m);
  if (u.token !== '') {
    const m = withCert({ authorization: `Bearer ${u.token}` });
    return { kind: 'token', get: async () => m, onUnauthorized: async () => null };
  }
  if (u.tokenFile !== '') {
    const fw = new FileWatch(u.tokenFile);
    let last: { raw: Buffer; m: AuthMaterial } | null = null;
    const read = (): AuthMaterial => {
      const raw = fw.read();
      if (last === null || last.raw !== raw) last = { raw, m: withCert({ authorization: `Bearer ${raw.toString('utf8').trim()}` }) };
      return last.m;
    };
    return {
      kind: 'token-file',
      get: async () => read(),
      // A rotated file (projected service-account tokens, renewed by a sidecar) gives a new token.
      onUnauthorized: async (used) => {
        const m = read();
        return m === used ? null : m;
      },
    };
  }
  if (u.username !== '' || u.password !== '') {
    const m = withCert({ authorization: `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}` });
    return { kind: 'basic', get: async () => m, onUnauthorized: async () => null };
  }
  if (certOnly) return { kind: 'client-certificate', get: async () => clientCertificate(user) ?? NONE, onUnauthorized: async () => null };
  return { kind: 'none', get: async () => NONE, onUnauthorized: async () => null };
}

const certFiles = new Map<string, FileWatch>();

function watched(file: string): Buffer {
  let w = certFiles.get(file);
  if (!w) certFiles.set(file, (w = new FileWatch(file)));
  return w.read();
}

/** clientCertificate returns the user's own client certificate and key, or null when it has none. */
function clientCertificate(user: Named<AuthInfo>): { authorization: ''; cert: Buffer; key: Buffer } | null {
  const u = user.value;
  const hasCert = u.clientCertificate !== '' || u.clientCertificateData !== '';
  const hasKey = u.clientKey !== '' || u.clientKeyData !== '';
  if (!hasCert && !hasKey) return null;
  if (hasCert !== hasKey) throw new AuthError(`user ${user.name} has a client ${hasCert ? 'certificate without a key' : 'key without a certificate'}`);
  const cert = u.clientCertificateData !== '' ? b64(u.clientCertificateData, `client-certificate-data of ${user.name}`) : watched(u.clientCertificate);
  const key = u.clientKeyData !== '' ? b64(u.clientKeyData, `client-key-data of ${user.name}`) : watched(u.clientKey);
  return { authorization: '', cert, key };
}
