/**
 * Reading one `*_configs` entry of alertmanager.yml: typed fields with errors naming their path
 * ("receivers[0].slack_configs[1].api_url: must be a URL"), unknown keys reported as Alertmanager's
 * strict YAML does, and the http_config subset the HTTP integrations honour.
 */
import * as fs from 'node:fs';
import type { ConfigProblem } from '../types';

/** Fields reads one mapping; every problem found is collected in problems. */
export class Fields {
  readonly problems: ConfigProblem[] = [];
  private readonly obj: Record<string, unknown>;
  private readonly seen = new Set<string>();

  constructor(
    raw: unknown,
    readonly path: string,
  ) {
    if (raw === null || raw === undefined) this.obj = {};
    else if (typeof raw === 'object' && !Array.isArray(raw)) this.obj = raw as Record<string, unknown>;
    else {
      this.obj = {};
      this.problem('', `must be a mapping, got ${describe(raw)}`);
    }
  }

  problem(key: string, message: string): void {
    this.problems.push({ path: key === '' ? this.path : `${this.path}.${key}`, message });
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  private get(key: string): unknown {
    this.seen.add(key);
    const v = this.obj[key];
    return v === null ? undefined : v;
  }

  /** string reads a string (numbers and booleans are taken as YAML would scalar-convert them into a Go string). */
  string(key: string, def = ''): string {
    const v = this.get(key);
    if (v === undefined) return def;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.problem(key, `must be a string, got ${describe(v)}`);
    return def;
  }

  bool(key: string, def: boolean): boolean {
    const v = this.get(key);
    if (v === undefined) return def;
    if (typeof v === 'boolean') return v;
    this.problem(key, `must be true or false, got ${describe(v)}`);
    return def;
  }

  /** optBool is a boolean that may be absent (null then). */
  optBool(key: string): boolean | null {
    return this.has(key) ? this.bool(key, false) : (this.get(key), null);
  }

  /** url reads an absolute http(s) URL ('' when absent). */
  url(key: string): string {
    const s = this.string(key);
    if (s === '') return '';
    try {
      const u = new URL(s);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') this.problem(key, `unsupported scheme "${u.protocol.replace(/:$/, '')}" for URL`);
    } catch {
      this.problem(key, `invalid URL ${JSON.stringify(redact(s))}`);
    }
    return s;
  }

  stringMap(key: string): Record<string, string> {
    const v = this.get(key);
    if (v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      this.problem(key, `must be a mapping of strings, got ${describe(v)}`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
      else this.problem(`${key}.${k}`, `must be a string, got ${describe(x)}`);
    }
    return out;
  }

  stringList(key: string): string[] {
    const v = this.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.problem(key, `must be a list of strings, got ${describe(v)}`);
      return [];
    }
    return v.map((x, i) => {
      if (typeof x === 'string') return x;
      this.problem(`${key}[${i}]`, `must be a string, got ${describe(x)}`);
      return '';
    });
  }

  /** list reads a list of mappings, each through fn with its own Fields. */
  list<T>(key: string, fn: (f: Fields, i: number) => T): T[] {
    const v = this.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.problem(key, `must be a list, got ${describe(v)}`);
      return [];
    }
    return v.map((x, i) => {
      const f = new Fields(x, `${this.path}.${key}[${i}]`);
      const r = fn(f, i);
      f.done();
      this.problems.push(...f.problems);
      return r;
    });
  }

  /** sub reads a nested mapping through fn (null when absent). */
  sub<T>(key: string, fn: (f: Fields) => T): T | null {
    const v = this.get(key);
    if (v === undefined) return null;
    const f = new Fields(v, `${this.path}.${key}`);
    const r = fn(f);
    f.done();
    this.problems.push(...f.problems);
    return r;
  }

  /** skip marks keys as known without reading them. */
  skip(...keys: string[]): void {
    for (const k of keys) this.seen.add(k);
  }

  /** done reports keys nobody read (Alertmanager's strict unmarshalling refuses them). */
  done(): void {
    for (const k of Object.keys(this.obj)) if (!this.seen.has(k)) this.problem(k, 'field not found in type (unknown key)');
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** redact hides a URL's path and query (Slack webhook URLs are secrets). */
export function redact(u: string): string {
  try {
    const x = new URL(u);
    return `${x.protocol}//${x.host}/<redacted>`;
  } catch {
    return '<redacted>';
  }
}

/** HttpClientConfig is the part of http_config the HTTP integrations honour. */
export interface HttpClientConfig {
  basicAuth: { username: string; usernameFile?: string; password: string; passwordFile: string } | null;
  authorization: { type: string; credentials: string; credentialsFile: string } | null;
  tls: TlsOptions;
  proxyUrl: string;
  followRedirects: boolean;
}

/** TlsOptions is tls_config. */
export interface TlsOptions {
  /** ca, cert and key are inline PEM (prometheus.yml's tls_config allows them beside the files). */
  ca?: string;
  cert?: string;
  key?: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  serverName: string;
  insecureSkipVerify: boolean;
}

/** parseTls reads a tls_config mapping. */
export function parseTls(f: Fields): TlsOptions {
  const t = {
    caFile: f.string('ca_file'),
    certFile: f.string('cert_file'),
    keyFile: f.string('key_file'),
    serverName: f.string('server_name'),
    insecureSkipVerify: f.bool('insecure_skip_verify', false),
  };
  f.skip('min_version', 'max_version', 'ca', 'cert', 'key');
  if ((t.certFile === '') !== (t.keyFile === '')) f.problem('', 'cert_file and key_file must both be set');
  return t;
}

export const NO_TLS: TlsOptions = { caFile: '', certFile: '', keyFile: '', serverName: '', insecureSkipVerify: false };

/** parseHttpConfig reads http_config (basic_auth, authorization, bearer_token(_file), tls_config, proxy_url, follow_redirects). */
export function parseHttpConfig(f: Fields): HttpClientConfig {
  const basicAuth = f.sub('basic_auth', (b) => ({ username: b.string('username'), usernameFile: b.string('username_file'), password: b.string('password'), passwordFile: b.string('password_file') }));
  let authorization = f.sub('authorization', (a) => ({ type: a.string('type', 'Bearer'), credentials: a.string('credentials'), credentialsFile: a.string('credentials_file') }));
  const bearer = f.string('bearer_token');
  const bearerFile = f.string('bearer_token_file');
  if (bearer !== '' || bearerFile !== '') {
    if (authorization) f.problem('', 'at most one of bearer_token, bearer_token_file & authorization must be configured');
    authorization = { type: 'Bearer', credentials: bearer, credentialsFile: bearerFile };
  }
  if (basicAuth && authorization) f.problem('', 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  const tls = f.sub('tls_config', parseTls) ?? { ...NO_TLS };
  const proxyUrl = f.string('proxy_url');
  const followRedirects = f.bool('follow_redirects', true);
  f.skip('enable_http2', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header', 'oauth2', 'http_headers');
  return { basicAuth, authorization, tls, proxyUrl, followRedirects };
}

export const DEFAULT_HTTP: HttpClientConfig = { basicAuth: null, authorization: null, tls: { ...NO_TLS }, proxyUrl: '', followRedirects: true };

/** readSecretFile reads a *_file secret (trimmed, as Prometheus's common config does). */
export function readSecretFile(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}
