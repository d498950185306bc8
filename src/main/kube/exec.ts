/**
 * Exec credential plugins (client.authentication.k8s.io v1 and v1beta1), as client-go's
 * plugin/pkg/client/auth/exec runs them, with what it lacks for an app that runs every context in
 * the background:
 *
 *  - one run at a time per user: concurrent requests wait for the same run (single flight);
 *  - credentials cached until `expirationTimestamp`; after a 401 the plugin runs again, unless the
 *    credentials were rotated meanwhile;
 *  - the plugin is killed after a timeout, and its stderr's tail is part of the error;
 *  - never interactive: `interactiveMode: Always` is refused with advice (sign in once in a
 *    terminal), `IfAvailable` and `Never` run with no stdin and `spec.interactive: false`;
 *  - the command is looked up on the login shell's PATH as well as the process's;
 *  - a missing binary shows the plugin's `installHint`.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { ExecConfig } from './kubeconfig';
import { loginShellPath, mergePaths } from './shellenv';

/** ExecCluster is what `provideClusterInfo: true` hands the plugin (spec.cluster). */
export interface ExecCluster {
  server: string;
  tlsServerName: string;
  insecureSkipTlsVerify: boolean;
  certificateAuthorityData: string;
  proxyUrl: string;
  disableCompression: boolean;
}

/** ExecCredentials are a plugin's answer: a token or a client certificate and key (PEM). */
export interface ExecCredentials {
  token: string;
  cert: string;
  key: string;
  /** expiresAt is the expiry in ms, 0 when the plugin gave none (valid until a 401). */
  expiresAt: number;
}

/** ExecPluginError is a failed plugin run, with its user-facing explanation. */
export class ExecPluginError extends Error {
  constructor(
    message: string,
    /** stderr is the tail of what the plugin printed on stderr. */
    readonly stderr = '',
  ) {
    super(stderr ? `${message}\n${stderr}` : message);
    this.name = 'ExecPluginError';
  }
}

/** ExecPluginOptions configure a plugin. */
export interface ExecPluginOptions {
  /** user names the kubeconfig user (in messages). */
  user: string;
  cluster?: ExecCluster;
  /** cwd is where the plugin runs: the folder of the kubeconfig that names it. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** timeoutMs kills a plugin that runs longer (default 30 s). */
  timeoutMs?: number;
  now?: () => number;
  /** shellPath returns the login shell's PATH (default: ask the shell once). */
  shellPath?: () => Promise<string>;
}

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const STDERR_TAIL = 2048;

const INSTALL_HELP =
  '\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\n' +
  'To learn more about this feature, consult the documentation available at:\n' +
  '      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins';

/** ExecCredentialPlugin runs one user's plugin. */
export class ExecCredentialPlugin {
  private cached: ExecCredentials | null = null;
  private inflight: Promise<ExecCredentials> | null = null;
  /** runs counts plugin executions (tests, self-metrics). */
  runs = 0;
  private readonly now: () => number;

  constructor(
    private readonly cfg: ExecConfig,
    private readonly o: ExecPluginOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** validate returns why the configuration cannot run (client-go's validation), or null. */
  validate(): string | null {
    const c = this.cfg;
    if (c.command === '') return `command must be specified for ${this.o.user} to use exec authentication plugin`;
    if (c.apiVersion === '') return `apiVersion must be specified for ${this.o.user} to use exec authentication plugin`;
    if (c.apiVersion !== V1 && c.apiVersion !== V1BETA1) return `exec plugin: invalid apiVersion ${JSON.stringify(c.apiVersion)} (want ${V1} or ${V1BETA1})`;
    for (const v of c.env) if (v.name === '') return `env variable name must be specified for ${this.o.user} to use exec authentication plugin`;
    const mode = this.mode();
    if (mode === '') return `interactiveMode must be specified for ${this.o.user} to use exec authentication plugin`;
    if (!['Never', 'IfAvailable', 'Always'].includes(mode)) return `invalid interactiveMode for ${this.o.user}: ${JSON.stringify(mode)}`;
    return null;
  }

  private mode(): string {
    // v1beta1 defaults to IfAvailable; v1 must say.
    return this.cfg.interactiveMode !== '' ? this.cfg.interactiveMode : this.cfg.apiVersion === V1BETA1 ? 'IfAvailable' : '';
  }

  /** get returns valid credentials, running the plugin when there are none or they expired. */
  get(): Promise<ExecCredentials> {
    const c = this.cached;
    if (c !== null && (c.expiresAt === 0 || this.now() <= c.expiresAt)) return Promise.resolve(c);
    return this.run();
  }

  /**
   * refreshAfter401 runs the plugin again after used was refused, unless the credentials were
   * rotated since used was handed out (then the current ones are returned).
   */
  refreshAfter401(used: ExecCredentials): Promise<ExecCredentials> {
    if (this.inflight) return this.inflight;
    if (this.cached !== null && this.cached !== used) return Promise.resolve(this.cached);
    this.cached = null;
    return this.run();
  }

  private run(): Promise<ExecCredentials> {
    this.inflight ??= this.exec().then(
      (c) => {
        this.inflight = null;
        this.cached = c;
        return c;
      },
      (e: unknown) => {
        this.inflight = null;
        throw e;
      },
    );
    return this.inflight;
  }

  private async exec(): Promise<ExecCredentials> {
    const bad = this.validate();
    if (bad !== null) throw new ExecPluginError(bad);
    const c = this.cfg;
    if (this.mode() === 'Always') {
      throw new ExecPluginError(
        `exec plugin cannot support interactive mode: ${c.command} (user ${this.o.user}) asks for a terminal (interactiveMode: Always), which Vigil does not have. ` +
          `Sign in once in a terminal (for example \`kubectl get namespaces\` with this context), or set interactiveMode: IfAvailable if the plugin can run without one.`,
      );
    }
    const spec: Record<string, unknown> = { interactive: false };
    if (c.provideClusterInfo && this.o.cluster) {
      const cl = this.o.cluster;
      const cluster: Record<string, unknown> = { server: cl.server };
      if (cl.tlsServerName) cluster['tls-server-name'] = cl.tlsServerName;
      if (cl.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
      if (cl.certificateAuthorityData) cluster['certificate-authority-data'] = cl.certificateAuthorityData;
      if (cl.proxyUrl) cluster['proxy-url'] = cl.proxyUrl;
      if (cl.disableCompression) cluster['disable-compression'] = true;
      spec.cluster = cluster;
    }
    const info = JSON.stringify({ kind: 'ExecCredential', apiVersion: c.apiVersion, spec });
    const base = this.o.env ?? process.env;
    const sep = process.platform === 'win32' ? ';' : ':';
    const shell = await (this.o.shellPath ?? (() => loginShellPath(base)))();
    const env: NodeJS.ProcessEnv = { ...base, PATH: mergePaths(sep, base.PATH ?? '', shell) };
    for (const v of c.env) env[v.name] = v.value;
    env.KUBERNETES_EXEC_INFO = info;
    this.runs++;
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    const { code, stdout, stderr, error, timedOut } = await new Promise<{ code: number | null; stdout: string; stderr: string; error: NodeJS.ErrnoException | null; timedOut: boolean }>((resolve) => {
      let out = '';
      let err = '';
      let settled = false;
      let timedOut = false;
      const p = spawn(c.command, c.args, { cwd: this.o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const timer = setTimeout(() => {
        timedOut = true;
        p.kill('SIGKILL');
      }, timeoutMs);
      p.stdout.on('data', (d: Buffer) => {
        if (out.length < 1 << 20) out += d.toString();
      });
      p.stderr.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-STDERR_TAIL);
      });
      p.on('error', (e) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ code: null, stdout: out, stderr: err, error: e, timedOut });
      });
      p.on('close', (code) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ code, stdout: out, stderr: err, error: null, timedOut });
      });
    });
    const tail = stderr.trim();
    if (error !== null) {
      if (error.code === 'ENOENT') {
        throw new ExecPluginError(`exec: executable ${c.command} not found${INSTALL_HELP}${c.installHint ? `\n\n${c.installHint.trimEnd()}` : ''}`);
      }
      throw new ExecPluginError(`exec: ${error.message}`, tail);
    }
    if (timedOut) throw new ExecPluginError(`exec: executable ${c.command} did not finish within ${timeoutMs / 1000} s and was killed`, tail);
    if (code !== 0) throw new ExecPluginError(`exec: executable ${c.command} failed with exit code ${code}`, tail);
    return parseExecCredential(stdout, c.apiVersion, `${path.basename(c.command)} (user ${this.o.user})`);
  }
}

/** parseExecCredential reads a plugin's stdout (an ExecCredential of apiVersion). */
export function parseExecCredential(stdout: string, apiVersion: string, who: string): ExecCredentials {
  let v: { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> };
  try {
    v = JSON.parse(stdout) as typeof v;
  } catch (e) {
    throw new ExecPluginError(`exec plugin ${who}: decoding stdout: ${(e as Error).message}`);
  }
  if (v.apiVersion !== apiVersion) {
    throw new ExecPluginError(`exec plugin ${who} is configured to use API version ${apiVersion}, plugin returned version ${String(v.apiVersion ?? '')}`);
  }
  const s = v.status;
  if (typeof s !== 'object' || s === null) throw new ExecPluginError(`exec plugin ${who} didn't return a status field`);
  const token = typeof s.token === 'string' ? s.token : '';
  const cert = typeof s.clientCertificateData === 'string' ? s.clientCertificateData : '';
  const key = typeof s.clientKeyData === 'string' ? s.clientKeyData : '';
  if (token === '' && cert === '' && key === '') throw new ExecPluginError(`exec plugin ${who} didn't return a token or cert/key pair`);
  if ((cert === '') !== (key === '')) throw new ExecPluginError(`exec plugin ${who} returned only certificate or key, not both`);
  let expiresAt = 0;
  if (typeof s.expirationTimestamp === 'string' && s.expirationTimestamp !== '') {
    expiresAt = Date.parse(s.expirationTimestamp);
    if (!Number.isFinite(expiresAt)) throw new ExecPluginError(`exec plugin ${who}: invalid expirationTimestamp ${JSON.stringify(s.expirationTimestamp)}`);
  }
  return { token, cert, key, expiresAt };
}
