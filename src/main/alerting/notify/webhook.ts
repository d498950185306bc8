/**
 * webhook_configs: Alertmanager's webhook integration. POSTs the payload of version "4" (template
 * data plus version, groupKey and truncatedAlerts) as JSON to `url` (or the URL read from
 * `url_file` at each send). `max_alerts` truncates the alert list; `http_config` gives basic_auth,
 * bearer_token(_file) or authorization, and tls_config; `timeout` bounds each request. 2xx is
 * success; 5xx and 429 may be retried; other statuses are not.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { parseDuration } from '../../../common/model/time';
import { goTime, notificationData, sortedKV } from '../data';
import type { Alert, ConfigProblem, GlobalConfig, Integration, IntegrationDeps, IntegrationType, NotifyContext, NotifyResult } from '../types';

/** HttpAuth is the part of http_config the webhook honours. */
export interface HttpClientConfig {
  basicAuth?: { username: string; password?: string; passwordFile?: string };
  authorization?: { type: string; credentials?: string; credentialsFile?: string };
  insecureSkipVerify: boolean;
  caFile?: string;
  serverName?: string;
}

export interface WebhookConfig {
  sendResolved: boolean;
  url?: string;
  urlFile?: string;
  maxAlerts: number;
  /** timeoutMs bounds one request (0: only the flush's deadline). */
  timeoutMs: number;
  http: HttpClientConfig;
}

const WEBHOOK_KEYS = new Set(['send_resolved', 'url', 'url_file', 'max_alerts', 'timeout', 'http_config']);
const HTTP_KEYS = new Set(['basic_auth', 'authorization', 'bearer_token', 'bearer_token_file', 'tls_config', 'follow_redirects', 'enable_http2', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'oauth2']);

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkURL(u: string, path: string, problems: ConfigProblem[]): void {
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    problems.push({ path, message: `invalid URL ${JSON.stringify(u)}` });
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push({ path, message: 'scheme required for webhook url' });
}

/** parseHttpConfig reads http_config (the parts Vigil honours; the others are accepted). */
export function parseHttpConfig(raw: unknown, path: string, problems: ConfigProblem[]): HttpClientConfig {
  const out: HttpClientConfig = { insecureSkipVerify: false };
  if (raw === undefined || raw === null) return out;
  if (!isObj(raw)) {
    problems.push({ path, message: 'http_config must be a mapping' });
    return out;
  }
  for (const k of Object.keys(raw)) if (!HTTP_KEYS.has(k)) problems.push({ path: `${path}.${k}`, message: `field ${k} not found in type config.HTTPClientConfig` });
  const str = (v: unknown, p: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      problems.push({ path: p, message: 'must be a string' });
      return undefined;
    }
    return v;
  };
  if (raw.basic_auth !== undefined) {
    const b = raw.basic_auth;
    if (!isObj(b)) problems.push({ path: `${path}.basic_auth`, message: 'basic_auth must be a mapping' });
    else {
      const username = str(b.username, `${path}.basic_auth.username`) ?? '';
      const password = str(b.password, `${path}.basic_auth.password`);
      const passwordFile = str(b.password_file, `${path}.basic_auth.password_file`);
      if (password !== undefined && passwordFile !== undefined) problems.push({ path: `${path}.basic_auth`, message: 'at most one of basic_auth password & password_file must be configured' });
      out.basicAuth = { username, password, passwordFile };
    }
  }
  const bearer = str(raw.bearer_token, `${path}.bearer_token`);
  const bearerFile = str(raw.bearer_token_file, `${path}.bearer_token_file`);
  if (raw.authorization !== undefined) {
    const a = raw.authorization;
    if (!isObj(a)) problems.push({ path: `${path}.authorization`, message: 'authorization must be a mapping' });
    else {
      const type = str(a.type, `${path}.authorization.type`) ?? 'Bearer';
      const credentials = str(a.credentials, `${path}.authorization.credentials`);
      const credentialsFile = str(a.credentials_file, `${path}.authorization.credentials_file`);
      if (type.toLowerCase() === 'basic') problems.push({ path: `${path}.authorization.type`, message: 'authorization type cannot be set to "basic", use "basic_auth" instead' });
      if (credentials !== undefined && credentialsFile !== undefined) problems.push({ path: `${path}.authorization`, message: 'at most one of authorization credentials & credentials_file must be configured' });
      out.authorization = { type, credentials, credentialsFile };
    }
  }
  if (bearer !== undefined || bearerFile !== undefined) {
    if (out.authorization) problems.push({ path, message: 'at most one of bearer_token, bearer_token_file & authorization must be configured' });
    else out.authorization = { type: 'Bearer', credentials: bearer, credentialsFile: bearerFile };
  }
  if (out.basicAuth && out.authorization) problems.push({ path, message: 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured' });
  if (raw.tls_config !== undefined) {
    const t = raw.tls_config;
    if (!isObj(t)) problems.push({ path: `${path}.tls_config`, message: 'tls_config must be a mapping' });
    else {
      if (t.insecure_skip_verify !== undefined && typeof t.insecure_skip_verify !== 'boolean') problems.push({ path: `${path}.tls_config.insecure_skip_verify`, message: 'must be a boolean' });
      out.insecureSkipVerify = t.insecure_skip_verify === true;
      out.caFile = str(t.ca_file, `${path}.tls_config.ca_file`);
      out.serverName = str(t.server_name, `${path}.tls_config.server_name`);
    }
  }
  return out;
}

function parseWebhook(raw: unknown, path: string, _global: GlobalConfig): { config: WebhookConfig | null; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  if (!isObj(raw)) return { config: null, problems: [{ path, message: 'webhook config must be a mapping' }] };
  for (const k of Object.keys(raw)) if (!WEBHOOK_KEYS.has(k)) problems.push({ path: `${path}.${k}`, message: `field ${k} not found in type config.WebhookConfig` });
  const cfg: WebhookConfig = { sendResolved: true, maxAlerts: 0, timeoutMs: 0, http: { insecureSkipVerify: false } };
  if (raw.send_resolved !== undefined) {
    if (typeof raw.send_resolved !== 'boolean') problems.push({ path: `${path}.send_resolved`, message: 'send_resolved must be a boolean' });
    else cfg.sendResolved = raw.send_resolved;
  }
  if (raw.url !== undefined && raw.url !== null) {
    if (typeof raw.url !== 'string') problems.push({ path: `${path}.url`, message: 'url must be a string' });
    else {
      cfg.url = raw.url;
      checkURL(raw.url, `${path}.url`, problems);
    }
  }
  if (raw.url_file !== undefined && raw.url_file !== null) {
    if (typeof raw.url_file !== 'string') problems.push({ path: `${path}.url_file`, message: 'url_file must be a string' });
    else cfg.urlFile = raw.url_file;
  }
  if (cfg.url === undefined && cfg.urlFile === undefined) problems.push({ path, message: 'one of url or url_file must be configured' });
  if (cfg.url !== undefined && cfg.urlFile !== undefined) problems.push({ path, message: 'at most one of url & url_file must be configured' });
  if (raw.max_alerts !== undefined) {
    if (typeof raw.max_alerts !== 'number' || !Number.isInteger(raw.max_alerts) || raw.max_alerts < 0) problems.push({ path: `${path}.max_alerts`, message: 'max_alerts must be a non-negative integer' });
    else cfg.maxAlerts = raw.max_alerts;
  }
  if (raw.timeout !== undefined) {
    try {
      cfg.timeoutMs = parseDuration(String(raw.timeout));
    } catch (e) {
      problems.push({ path: `${path}.timeout`, message: (e as Error).message });
    }
  }
  cfg.http = parseHttpConfig(raw.http_config, `${path}.http_config`, problems);
  return { config: problems.length > 0 ? null : cfg, problems };
}

function readSecretFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`unable to read ${what} file ${file}: ${(e as Error).message}`);
  }
}

/** authHeader returns the Authorization header of an http_config (reading secret files now). */
export function authHeader(h: HttpClientConfig): string | undefined {
  if (h.basicAuth) {
    const pw = h.basicAuth.passwordFile ? readSecretFile(h.basicAuth.passwordFile, 'basic auth password') : (h.basicAuth.password ?? '');
    return `Basic ${Buffer.from(`${h.basicAuth.username}:${pw}`).toString('base64')}`;
  }
  if (h.authorization) {
    const c = h.authorization.credentialsFile ? readSecretFile(h.authorization.credentialsFile, 'authorization credentials') : (h.authorization.credentials ?? '');
    return `${h.authorization.type} ${c}`;
  }
  return undefined;
}

/** PostResult is the status and (the start of) the body of a POST. */
interface PostResult {
  status: number;
  body: string;
}

/** postJSON POSTs a JSON body, aborted by signal or after timeoutMs. */
export function postJSON(url: string, body: string, h: HttpClientConfig, signal: AbortSignal, timeoutMs: number, userAgent = 'Alertmanager/0.25.0'): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': userAgent, 'Content-Length': String(Buffer.byteLength(body)) };
    const auth = authHeader(h);
    if (auth) headers.Authorization = auth;
    if (u.username !== '' && !auth) headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    const opts: https.RequestOptions = { method: 'POST', headers, signal };
    if (u.protocol === 'https:') {
      opts.rejectUnauthorized = !h.insecureSkipVerify;
      if (h.caFile) opts.ca = fs.readFileSync(h.caFile);
      if (h.serverName) opts.servername = h.serverName;
    }
    const req = (u.protocol === 'https:' ? https : http).request(u, opts, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 1024) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 1024) }));
      res.on('error', reject);
    });
    if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** webhookPayload is the JSON the webhook sends (Alertmanager's webhook Message, version 4). */
export function webhookPayload(ctx: Pick<NotifyContext, 'receiver' | 'groupLabels' | 'externalURL' | 'groupKey' | 'now'>, alerts: readonly Alert[], maxAlerts: number): Record<string, unknown> {
  const truncated = maxAlerts > 0 && alerts.length > maxAlerts ? alerts.length - maxAlerts : 0;
  const sent = truncated > 0 ? alerts.slice(0, maxAlerts) : alerts;
  const d = notificationData(ctx, sent, truncated);
  return {
    receiver: d.receiver,
    status: d.status,
    alerts: d.alerts.map((a) => ({
      status: a.status,
      labels: sortedKV(a.labels),
      annotations: sortedKV(a.annotations),
      startsAt: goTime(a.startsAt),
      endsAt: goTime(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: sortedKV(d.groupLabels),
    commonLabels: sortedKV(d.commonLabels),
    commonAnnotations: sortedKV(d.commonAnnotations),
    externalURL: d.externalURL,
    version: '4',
    groupKey: d.groupKey,
    truncatedAlerts: d.truncatedAlerts,
  };
}

class WebhookIntegration implements Integration {
  readonly name = 'webhook';
  readonly sendResolved: boolean;
  constructor(
    private readonly cfg: WebhookConfig,
    readonly index: number,
  ) {
    this.sendResolved = cfg.sendResolved;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    let url: string;
    try {
      url = this.cfg.urlFile ? readSecretFile(this.cfg.urlFile, 'url') : this.cfg.url!;
      new URL(url);
    } catch (e) {
      return { ok: false, retry: false, error: (e as Error).message };
    }
    const body = JSON.stringify(webhookPayload(ctx, alerts, this.cfg.maxAlerts)) + '\n';
    let res: PostResult;
    try {
      res = await postJSON(url, body, this.cfg.http, ctx.signal, this.cfg.timeoutMs);
    } catch (e) {
      return { ok: false, retry: true, error: `Post "${redact(url)}": ${(e as Error).message}` };
    }
    if (Math.floor(res.status / 100) === 2) return { ok: true, retry: false };
    const retry = Math.floor(res.status / 100) === 5 || res.status === 429;
    return { ok: false, retry, error: `unexpected status code ${res.status}: ${redact(url)}${res.body !== '' ? `: ${res.body}` : ''}` };
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = 'xxxxx';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

export const webhookType: IntegrationType<WebhookConfig> = {
  key: 'webhook_configs',
  name: 'webhook',
  parse: parseWebhook,
  build(config: WebhookConfig, index: number, _deps: IntegrationDeps): Integration {
    return new WebhookIntegration(config, index);
  },
};
