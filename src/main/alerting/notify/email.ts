/**
 * email_configs: mail through an SMTP smarthost (nodemailer), as Alertmanager's notify/email: the
 * global smtp_* defaults, implicit TLS on port 465 and STARTTLS otherwise (required when
 * require_tls), PLAIN/LOGIN or CRAM-MD5 authentication, templated headers (Subject, To and From by
 * default) and the HTML and text bodies. Transient failures (connection, timeout, 4xx replies) retry;
 * permanent ones (5xx replies, template and configuration errors) do not.
 */
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import { createTransport } from 'nodemailer';
import type { Alert, ConfigProblem, GlobalConfig, Integration, IntegrationDeps, IntegrationType, NotificationData, NotifyContext, NotifyResult, TemplateSet } from '../types';
import { notificationData } from '../template/index';
import { Fields, NO_TLS, parseTls, type TlsOptions } from './parsefields';

/** EmailConfig is one email_configs entry with the globals applied. */
export interface EmailConfig {
  sendResolved: boolean;
  to: string;
  from: string;
  hello: string;
  smarthost: { host: string; port: number };
  authUsername: string;
  authPassword: string;
  authPasswordFile: string;
  authSecret: string;
  authIdentity: string;
  /** headers by canonical name (Subject, To and From filled in). */
  headers: Record<string, string>;
  html: string;
  text: string;
  requireTls: boolean;
  tls: TlsOptions;
}

/** canonicalHeader is Go's textproto.CanonicalMIMEHeaderKey ("message-id" -> "Message-Id"). */
export function canonicalHeader(h: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(h)) return h;
  return h.toLowerCase().replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/** parseHostPort reads "host:port" (Alertmanager's HostPort); null when malformed. */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2]!, port };
}

function parseEmail(raw: unknown, path: string, global: GlobalConfig): { config: EmailConfig | null; problems: ConfigProblem[] } {
  const f = new Fields(raw, path);
  const to = f.string('to');
  if (to === '') f.problem('', 'missing to address in email config');
  let from = f.string('from');
  if (from === '') {
    if (!global.smtpFrom) f.problem('', 'no global SMTP from set');
    from = global.smtpFrom ?? '';
  }
  let hostport = f.string('smarthost');
  if (hostport === '') {
    if (!global.smtpSmarthost) f.problem('', 'no global SMTP smarthost set');
    hostport = global.smtpSmarthost ?? '';
  }
  const smarthost = hostport === '' ? { host: '', port: 0 } : parseHostPort(hostport);
  if (smarthost === null) f.problem('smarthost', `address ${hostport}: missing port in address (want host:port)`);
  let authPassword = f.string('auth_password');
  let authPasswordFile = f.string('auth_password_file');
  if (authPassword !== '' && authPasswordFile !== '') f.problem('', 'at most one of auth_password & auth_password_file must be configured');
  if (authPassword === '' && authPasswordFile === '') {
    authPassword = global.smtpAuthPassword ?? '';
    authPasswordFile = typeof global.raw.smtp_auth_password_file === 'string' ? global.raw.smtp_auth_password_file : '';
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.stringMap('headers'))) {
    const n = canonicalHeader(k);
    if (n in headers) f.problem('headers', `duplicate header "${n}" in email config`);
    headers[n] = v;
  }
  headers.Subject ??= '{{ template "email.default.subject" . }}';
  headers.To ??= to;
  headers.From ??= from;
  const requireTls = f.optBool('require_tls');
  const c: EmailConfig = {
    sendResolved: f.bool('send_resolved', false),
    to,
    from,
    hello: f.string('hello') || global.smtpHello || 'localhost',
    smarthost: smarthost ?? { host: '', port: 0 },
    authUsername: f.string('auth_username') || (global.smtpAuthUsername ?? ''),
    authPassword,
    authPasswordFile,
    authSecret: f.string('auth_secret') || (global.smtpAuthSecret ?? ''),
    authIdentity: f.string('auth_identity') || (global.smtpAuthIdentity ?? ''),
    headers,
    html: f.string('html', '{{ template "email.default.html" . }}'),
    text: f.string('text', ''),
    requireTls: requireTls ?? global.smtpRequireTls,
    tls: f.sub('tls_config', parseTls) ?? { ...NO_TLS },
  };
  f.done();
  return { config: f.problems.length === 0 ? c : null, problems: f.problems };
}

/** transient tells a retryable SMTP failure from a permanent one. */
function transient(e: { code?: string; responseCode?: number }): boolean {
  if (typeof e.responseCode === 'number') return e.responseCode < 500;
  return e.code !== 'EAUTH' && e.code !== 'EENVELOPE' && e.code !== 'EMESSAGE';
}

class EmailIntegration implements Integration {
  readonly name = 'email';
  readonly sendResolved: boolean;

  constructor(
    private readonly c: EmailConfig,
    readonly index: number,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = c.sendResolved;
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<NotifyResult> {
    const c = this.c;
    const data = notificationData(ctx, alerts);
    const headers: Record<string, string> = {};
    let from: string;
    let to: string;
    let html = '';
    let text = '';
    try {
      from = this.deps.templates.execute(c.from, data);
    } catch (e) {
      return { ok: false, retry: false, error: `execute 'from' template: ${(e as Error).message}` };
    }
    try {
      to = this.deps.templates.execute(c.to, data);
    } catch (e) {
      return { ok: false, retry: false, error: `execute 'to' template: ${(e as Error).message}` };
    }
    for (const [h, t] of Object.entries(c.headers)) {
      try {
        headers[h] = this.deps.templates.execute(t, data);
      } catch (e) {
        return { ok: false, retry: false, error: `execute ${JSON.stringify(h)} header template: ${(e as Error).message}` };
      }
    }
    try {
      text = this.deps.templates.execute(c.text, data);
    } catch (e) {
      return { ok: false, retry: false, error: `execute text template: ${(e as Error).message}` };
    }
    try {
      // The HTML body is escaped as html/template escapes it, when the set can (the contract's TemplateSet may not).
      const t = this.deps.templates as TemplateSet & { executeHTML?: (text: string, d: NotificationData) => string };
      html = t.executeHTML ? t.executeHTML(c.html, data) : t.execute(c.html, data);
    } catch (e) {
      return { ok: false, retry: false, error: `execute html template: ${(e as Error).message}` };
    }
    let pass = c.authPassword;
    let ca: Buffer | undefined;
    try {
      if (c.authPasswordFile !== '') pass = fs.readFileSync(c.authPasswordFile, 'utf8').trim();
      if (c.tls.caFile !== '') ca = fs.readFileSync(c.tls.caFile);
    } catch (e) {
      return { ok: false, retry: false, error: (e as Error).message };
    }
    // SNI carries host names only (not IP addresses); the certificate is checked against the smarthost either way.
    const serverName = c.tls.serverName || (isIP(c.smarthost.host) ? '' : c.smarthost.host);
    const auth = c.authUsername === '' ? undefined : pass !== '' ? { user: c.authUsername, pass } : c.authSecret !== '' ? { user: c.authUsername, pass: c.authSecret } : undefined;
    const transport = createTransport({
      host: c.smarthost.host,
      port: c.smarthost.port,
      secure: c.smarthost.port === 465,
      requireTLS: c.requireTls && c.smarthost.port !== 465,
      name: c.hello,
      auth,
      authMethod: auth && pass === '' ? 'CRAM-MD5' : undefined,
      tls: { rejectUnauthorized: !c.tls.insecureSkipVerify, ca, ...(serverName !== '' ? { servername: serverName } : {}) },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    const extra: Record<string, string> = {};
    for (const [h, v] of Object.entries(headers)) if (h !== 'Subject' && h !== 'To' && h !== 'From') extra[h] = v;
    const onAbort = (): void => transport.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await transport.sendMail({
        from: headers.From,
        to: headers.To,
        envelope: { from, to },
        subject: headers.Subject,
        headers: extra,
        messageId: takeHeader(extra, 'Message-Id') ?? `<${Date.now()}.${Math.floor(Math.random() * 1e15)}@${os.hostname()}>`,
        html: c.html === '' ? undefined : html,
        text: c.text === '' ? undefined : text,
      });
      return { ok: true, retry: false };
    } catch (e) {
      const err = e as Error & { code?: string; responseCode?: number };
      if (ctx.signal.aborted) return { ok: false, retry: true, error: 'context canceled' };
      const msg = /does not support STARTTLS|STARTTLS/i.test(err.message) && c.requireTls ? `'require_tls' is true (default) but "${c.smarthost.host}:${c.smarthost.port}" does not advertise the STARTTLS extension` : err.message;
      return { ok: false, retry: transient(err), error: msg };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}

/** EMAIL is the email_configs integration type. */
export const EMAIL: IntegrationType<EmailConfig> = {
  key: 'email_configs',
  name: 'email',
  parse: (raw, path, global) => parseEmail(raw, path, global),
  build: (c, index, deps) => new EmailIntegration(c, index, deps),
};

/** takeHeader removes a header from the set and returns its value (nodemailer writes Message-Id itself). */
function takeHeader(h: Record<string, string>, name: string): string | undefined {
  const v = h[name];
  delete h[name];
  return v;
}
