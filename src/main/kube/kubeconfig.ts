/**
 * Kubeconfig files, read and merged with kubectl's rules (client-go's ClientConfigLoadingRules),
 * not @kubernetes/client-node's (which throws on duplicate names and takes the last file's
 * current-context):
 *
 *  - the files are `--kubeconfig` alone, else every path of `KUBECONFIG` (split with the
 *    platform's list separator, empty entries skipped, duplicates dropped), else ~/.kube/config;
 *  - for each cluster, user and context name the first file that defines it wins, whole (fields of
 *    a later definition are not merged in);
 *  - `current-context` comes from the first file that sets it;
 *  - relative paths (certificate-authority, client-certificate, client-key, tokenFile, and an exec
 *    command that contains a path separator) are resolved against the folder of the file that
 *    names them.
 *
 * Unlike kubectl, a broken file does not stop the others from loading: its error names the file
 * and line, and the merged result carries it in `problems`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';

/** Cluster is a kubeconfig cluster entry. */
export interface Cluster {
  server: string;
  certificateAuthority: string;
  certificateAuthorityData: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName: string;
  proxyUrl: string;
  disableCompression: boolean;
}

/** ExecEnvVar is one `env` entry of an exec credential plugin. */
export interface ExecEnvVar {
  name: string;
  value: string;
}

/** ExecConfig is a user's `exec` credential plugin. */
export interface ExecConfig {
  command: string;
  args: string[];
  env: ExecEnvVar[];
  apiVersion: string;
  installHint: string;
  provideClusterInfo: boolean;
  /** interactiveMode is Never, IfAvailable or Always ('' = IfAvailable, as client-go defaults v1beta1). */
  interactiveMode: string;
}

/** AuthProvider is a user's legacy `auth-provider` (oidc is the one Vigil implements). */
export interface AuthProvider {
  name: string;
  config: Record<string, string>;
}

/** AuthInfo is a kubeconfig user entry. */
export interface AuthInfo {
  clientCertificate: string;
  clientCertificateData: string;
  clientKey: string;
  clientKeyData: string;
  token: string;
  tokenFile: string;
  username: string;
  password: string;
  impersonate: string;
  impersonateUid: string;
  impersonateGroups: string[];
  authProvider: AuthProvider | null;
  exec: ExecConfig | null;
}

/** emptyAuthInfo is a user with no credentials (a context without a user, and tests). */
export function emptyAuthInfo(): AuthInfo {
  return {
    clientCertificate: '',
    clientCertificateData: '',
    clientKey: '',
    clientKeyData: '',
    token: '',
    tokenFile: '',
    username: '',
    password: '',
    impersonate: '',
    impersonateUid: '',
    impersonateGroups: [],
    authProvider: null,
    exec: null,
  };
}

/** Context is a kubeconfig context entry. */
export interface Context {
  cluster: string;
  user: string;
  namespace: string;
}

/** Named is an entry with its name and the file (and line) it came from. */
export interface Named<T> {
  name: string;
  value: T;
  file: string;
  line: number;
}

/** KubeconfigProblem is a file that could not be read or parsed, with the place. */
export interface KubeconfigProblem {
  file: string;
  line: number;
  message: string;
}

/** Kubeconfig is the merged view of the files. */
export interface Kubeconfig {
  /** files are the files considered, in precedence order (missing ones included). */
  files: string[];
  clusters: Map<string, Named<Cluster>>;
  users: Map<string, Named<AuthInfo>>;
  contexts: Map<string, Named<Context>>;
  currentContext: string;
  /** problems are the files that could not be loaded (the others were). */
  problems: KubeconfigProblem[];
}

/** formatProblem renders a problem as `file:line: message`. */
export function formatProblem(p: KubeconfigProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** KubeconfigSource says where the files come from. */
export interface KubeconfigSource {
  /** explicit is --kubeconfig (a missing explicit file is a problem, not skipped). */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homedir?: string;
}

/** kubeconfigFiles returns the files kubectl would read, in precedence order. */
export function kubeconfigFiles(src: KubeconfigSource = {}): string[] {
  if (src.explicit) return [src.explicit];
  const env = src.env ?? process.env;
  const sep = (src.platform ?? process.platform) === 'win32' ? ';' : ':';
  const list = env.KUBECONFIG;
  if (list !== undefined && list !== '') {
    const out: string[] = [];
    for (const f of list.split(sep)) if (f !== '' && !out.includes(f)) out.push(f);
    return out;
  }
  return [path.join(src.homedir ?? os.homedir(), '.kube', 'config')];
}

/** loadKubeconfig reads and merges the files of src. */
export function loadKubeconfig(src: KubeconfigSource = {}): Kubeconfig {
  const files = kubeconfigFiles(src);
  const out: Kubeconfig = { files, clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '', problems: [] };
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // kubectl skips missing files of KUBECONFIG, but not a missing --kubeconfig.
      if (code === 'ENOENT' && !src.explicit) continue;
      out.problems.push({ file, line: 0, message: code === 'ENOENT' ? 'no such file' : (e as Error).message });
      continue;
    }
    const parsed = parseKubeconfigText(text, file);
    if ('problem' in parsed) {
      out.problems.push(parsed.problem);
      continue;
    }
    for (const c of parsed.clusters) if (!out.clusters.has(c.name)) out.clusters.set(c.name, c);
    for (const u of parsed.users) if (!out.users.has(u.name)) out.users.set(u.name, u);
    for (const c of parsed.contexts) if (!out.contexts.has(c.name)) out.contexts.set(c.name, c);
    if (out.currentContext === '' && parsed.currentContext !== '') out.currentContext = parsed.currentContext;
  }
  return out;
}

/** ParsedFile is one kubeconfig file's entries, paths already resolved. */
export interface ParsedFile {
  clusters: Named<Cluster>[];
  users: Named<AuthInfo>[];
  contexts: Named<Context>[];
  currentContext: string;
}

class Bad extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** parseKubeconfigText parses one file's text; relative paths are resolved against file's folder. */
export function parseKubeconfigText(text: string, file: string): ParsedFile | { problem: KubeconfigProblem } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return { problem: { file, line: e.linePos?.[0].line ?? 0, message: e.message.split('\n')[0]! } };
  }
  const lineOf = (n: YamlNode | null | undefined): number => (n?.range ? lc.linePos(n.range[0]).line : 0);
  const base = path.dirname(path.resolve(file));
  const resolve = (p: string): string => (p === '' || path.isAbsolute(p) ? p : path.join(base, p));
  try {
    const root = doc.contents;
    const empty: ParsedFile = { clusters: [], users: [], contexts: [], currentContext: '' };
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return empty;
    if (!isMap(root)) throw new Bad(lineOf(root as YamlNode), 'a kubeconfig must be a mapping (apiVersion, clusters, users, contexts, current-context)');
    const get = (m: YAMLMap, key: string): YamlNode | null => (m.get(key, true) as YamlNode | undefined) ?? null;
    const str = (n: YamlNode | null, what: string): string => {
      if (n === null || (isScalar(n) && n.value === null)) return '';
      if (!isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number' && typeof n.value !== 'boolean')) throw new Bad(lineOf(n), `${what} must be a string`);
      return String(n.value);
    };
    const bool = (n: YamlNode | null, what: string): boolean => {
      if (n === null || (isScalar(n) && n.value === null)) return false;
      if (!isScalar(n) || typeof n.value !== 'boolean') throw new Bad(lineOf(n), `${what} must be true or false`);
      return n.value;
    };
    const strList = (n: YamlNode | null, what: string): string[] => {
      if (n === null || (isScalar(n) && n.value === null)) return [];
      if (!isSeq(n)) throw new Bad(lineOf(n), `${what} must be a list`);
      return n.items.map((x) => str(x as YamlNode, what));
    };
    const map = (n: YamlNode | null, what: string): YAMLMap | null => {
      if (n === null || (isScalar(n) && n.value === null)) return null;
      if (!isMap(n)) throw new Bad(lineOf(n), `${what} must be a mapping`);
      return n;
    };
    const named = <T>(key: string, inner: string, read: (m: YAMLMap | null, at: string) => T): Named<T>[] => {
      const n = get(root, key);
      if (n === null || (isScalar(n) && n.value === null)) return [];
      if (!isSeq(n)) throw new Bad(lineOf(n), `${key} must be a list`);
      const out: Named<T>[] = [];
      for (const item of n.items) {
        const m = map(item as YamlNode, `an entry of ${key}`);
        if (m === null) continue;
        const name = str(get(m, 'name'), `${key}[].name`);
        if (name === '') throw new Bad(lineOf(item as YamlNode), `an entry of ${key} has no name`);
        out.push({ name, value: read(map(get(m, inner), `${key}[${name}].${inner}`), `${key}[${name}].${inner}`), file, line: lineOf(item as YamlNode) });
      }
      return out;
    };
    const clusters = named('clusters', 'cluster', (m, at) => ({
      server: m ? str(get(m, 'server'), `${at}.server`) : '',
      certificateAuthority: m ? resolve(str(get(m, 'certificate-authority'), `${at}.certificate-authority`)) : '',
      certificateAuthorityData: m ? str(get(m, 'certificate-authority-data'), `${at}.certificate-authority-data`) : '',
      insecureSkipTlsVerify: m ? bool(get(m, 'insecure-skip-tls-verify'), `${at}.insecure-skip-tls-verify`) : false,
      tlsServerName: m ? str(get(m, 'tls-server-name'), `${at}.tls-server-name`) : '',
      proxyUrl: m ? str(get(m, 'proxy-url'), `${at}.proxy-url`) : '',
      disableCompression: m ? bool(get(m, 'disable-compression'), `${at}.disable-compression`) : false,
    }));
    const users = named('users', 'user', (m, at): AuthInfo => {
      const s = (k: string): string => (m ? str(get(m, k), `${at}.${k}`) : '');
      let exec: ExecConfig | null = null;
      const em = m ? map(get(m, 'exec'), `${at}.exec`) : null;
      if (em) {
        const env: ExecEnvVar[] = [];
        const en = get(em, 'env');
        if (en !== null && !(isScalar(en) && en.value === null)) {
          if (!isSeq(en)) throw new Bad(lineOf(en), `${at}.exec.env must be a list`);
          for (const it of en.items) {
            const vm = map(it as YamlNode, `${at}.exec.env[]`);
            if (vm) env.push({ name: str(get(vm, 'name'), `${at}.exec.env[].name`), value: str(get(vm, 'value'), `${at}.exec.env[].value`) });
          }
        }
        let command = str(get(em, 'command'), `${at}.exec.command`);
        // Only a command with a path separator is a path; a bare name is looked up on PATH.
        if (command.includes(path.sep) || command.includes('/')) command = resolve(command);
        exec = {
          command,
          args: strList(get(em, 'args'), `${at}.exec.args`),
          env,
          apiVersion: str(get(em, 'apiVersion'), `${at}.exec.apiVersion`),
          installHint: str(get(em, 'installHint'), `${at}.exec.installHint`),
          provideClusterInfo: bool(get(em, 'provideClusterInfo'), `${at}.exec.provideClusterInfo`),
          interactiveMode: str(get(em, 'interactiveMode'), `${at}.exec.interactiveMode`),
        };
      }
      let authProvider: AuthProvider | null = null;
      const am = m ? map(get(m, 'auth-provider'), `${at}.auth-provider`) : null;
      if (am) {
        const config: Record<string, string> = {};
        const cm = map(get(am, 'config'), `${at}.auth-provider.config`);
        if (cm) for (const p of cm.items) config[String((p.key as { value?: unknown })?.value ?? p.key)] = str(p.value as YamlNode, `${at}.auth-provider.config`);
        authProvider = { name: str(get(am, 'name'), `${at}.auth-provider.name`), config };
      }
      return {
        clientCertificate: resolve(s('client-certificate')),
        clientCertificateData: s('client-certificate-data'),
        clientKey: resolve(s('client-key')),
        clientKeyData: s('client-key-data'),
        token: s('token'),
        tokenFile: resolve(s('tokenFile')),
        username: s('username'),
        password: s('password'),
        impersonate: s('as'),
        impersonateUid: s('as-uid'),
        impersonateGroups: m ? strList(get(m, 'as-groups'), `${at}.as-groups`) : [],
        authProvider,
        exec,
      };
    });
    const contexts = named('contexts', 'context', (m, at) => ({
      cluster: m ? str(get(m, 'cluster'), `${at}.cluster`) : '',
      user: m ? str(get(m, 'user'), `${at}.user`) : '',
      namespace: m ? str(get(m, 'namespace'), `${at}.namespace`) : '',
    }));
    return { clusters, users, contexts, currentContext: str(get(root, 'current-context'), 'current-context') };
  } catch (e) {
    if (e instanceof Bad) return { problem: { file, line: e.line, message: e.message } };
    throw e;
  }
}

/** contextsTable renders contexts as `kubectl config get-contexts` does, plus extra columns. */
export function contextsTable(kc: Kubeconfig, extra?: { header: string; value: (name: string) => string }): string {
  const header = ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE', ...(extra ? [extra.header] : [])];
  const rows = [...kc.contexts.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => [c.name === kc.currentContext ? '*' : '', c.name, c.value.cluster, c.value.user, c.value.namespace, ...(extra ? [extra.value(c.name)] : [])]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  // kubectl uses a tabwriter: every cell but the last padded to its column's width plus 3.
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('')).join('\n') + '\n';
}
