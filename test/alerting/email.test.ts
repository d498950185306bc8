/**
 * The email integration against a loopback SMTP server (smtp-server): STARTTLS with a self-signed
 * certificate generated here with openssl, PLAIN and CRAM-MD5 authentication, the headers
 * (Subject, To and From defaults, templated custom ones) and the HTML and text bodies; and the
 * failures: require_tls without STARTTLS, a refused login, an untrusted certificate.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { EMAIL } from '../../src/main/alerting/notify/email';
import { startAlertmanager } from './peer';
import { loadTemplateSet } from '../../src/main/alerting/template/index';
import type { Alert, GlobalConfig, IntegrationDeps, NotifyContext } from '../../src/main/alerting/types';

interface Received {
  from: string;
  to: string[];
  secure: boolean;
  user: string;
  method: string;
  hello: string;
  raw: string;
}

let dir: string;
let key: Buffer;
let cert: Buffer;
const servers: SMTPServer[] = [];

async function startSmtp(opts: Partial<SMTPServerOptions>): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    allowInsecureAuth: false,
    onAuth(auth, _session, cb) {
      if (auth.method === 'CRAM-MD5') {
        if (auth.username === 'vigil' && auth.validatePassword!('s3cret')) return cb(null, { user: `${auth.username}:CRAM-MD5` });
      } else if (auth.username === 'vigil' && auth.password === 'pa55') return cb(null, { user: `${auth.username}:${auth.method}` });
      return cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const [user, method] = String(session.user ?? ':').split(':');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          user: user!,
          method: method!,
          hello: session.hostNameAppearsAs,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
    logger: false,
    ...opts,
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, received };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-smtp-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore', timeout: 30_000 });
  key = fs.readFileSync(path.join(dir, 'key.pem'));
  cert = fs.readFileSync(path.join(dir, 'cert.pem'));
});

afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const GLOBAL: GlobalConfig = { resolveTimeoutMs: 300_000, smtpRequireTls: true, smtpFrom: 'alerts@vigil.example', raw: {} };
const deps = (): IntegrationDeps => ({ templates: loadTemplateSet([]), desktop: null, externalURL: 'http://vigil:9797', logger: () => {} });
const now = Date.now();
const alerts: Alert[] = [
  { labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' }, annotations: { summary: 'db-1 disk 98% full' }, startsAt: now - 60_000, endsAt: now + 3600_000, generatorURL: 'http://vigil:9797/graph', updatedAt: now, timeout: false },
];
const ctx = (): NotifyContext => ({ receiver: 'ops', groupKey: '{}:{alertname="DiskFull"}', groupLabels: { alertname: 'DiskFull' }, now: Date.now(), externalURL: 'http://vigil:9797', repeatIntervalMs: 3600_000, signal: new AbortController().signal });

function parse(raw: Record<string, unknown>): ReturnType<typeof EMAIL.parse> {
  return EMAIL.parse(raw, 'receivers[0].email_configs[0]', GLOBAL);
}

/** header reads one (unfolded) header of a raw message. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}: (.*)$`, 'mi').exec(head);
  return m ? m[1]! : '';
}

/** textPart is the decoded text/plain part of a raw MIME message. */
function textPart(raw: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`) : [raw];
  const part = parts.find((p) => /Content-Type: text\/plain/i.test(p));
  if (!part) return '';
  const [head, ...rest] = part.split(/\r?\n\r?\n/);
  let body = rest.join('\r\n\r\n').replace(/\r?\n$/, '');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head!)) {
    body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else if (/Content-Transfer-Encoding: base64/i.test(head!)) body = Buffer.from(body, 'base64').toString('utf8');
  return body.replace(/\r\n/g, '\n');
}

describe('email_configs against Alertmanager 0.25', () => {
  test('the same receiver sends the same envelope, Subject, To, From and text body as Alertmanager', async () => {
    const smtp = await startSmtp({});
    const receiver = {
      to: 'oncall@example.com',
      from: 'am@vigil.example',
      smarthost: `127.0.0.1:${smtp.port}`,
      auth_username: 'vigil',
      auth_password: 'pa55',
      require_tls: true,
      tls_config: { ca_file: path.join(dir, 'cert.pem') },
      headers: { 'X-Group': '{{ .GroupLabels.SortedPairs.Values | join "," }}' },
      text: '{{ template "__text_alert_list" .Alerts.Firing }}{{ .CommonAnnotations.SortedPairs.Values | join " " }}',
    };
    const am = await startAlertmanager(
      { route: { receiver: 'ops', group_by: ['alertname'], group_wait: '1s' }, receivers: [{ name: 'ops', email_configs: [receiver] }] },
      { externalUrl: 'http://vigil:9797' },
    );
    try {
      const posted = alerts.map((a) => ({ labels: a.labels, annotations: a.annotations, startsAt: new Date(a.startsAt).toISOString(), endsAt: new Date(a.endsAt).toISOString(), generatorURL: a.generatorURL }));
      const res = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(posted) });
      expect(res.status).toBe(200);
      for (let i = 0; i < 200 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(smtp.received).toHaveLength(1);
      const p = parse(receiver);
      expect(p.problems).toEqual([]);
      expect(await EMAIL.build(p.config!, 0, deps()).notify(ctx(), alerts)).toEqual({ ok: true, retry: false });
      const [fromAm, fromVigil] = smtp.received as [Received, Received];
      expect([fromVigil.from, fromVigil.to, fromVigil.secure, fromVigil.method, fromVigil.hello]).toEqual([fromAm.from, fromAm.to, fromAm.secure, fromAm.method, fromAm.hello]);
      for (const h of ['Subject', 'To', 'From', 'X-Group']) expect([h, header(fromVigil.raw, h)]).toEqual([h, header(fromAm.raw, h)]);
      expect(header(fromAm.raw, 'Subject')).toBe('[FIRING:1] DiskFull (db-1 critical)');
      const amText = textPart(fromAm.raw);
      expect(amText).toContain('Labels:\n - alertname = DiskFull');
      expect(textPart(fromVigil.raw)).toBe(amText);
    } finally {
      await am.stop();
    }
  });
});

describe('email_configs', () => {
  test('STARTTLS, PLAIN authentication, the default headers and bodies, a templated custom header', async () => {
    const smtp = await startSmtp({});
    const p = parse({
      to: 'oncall@example.com, boss@example.com',
      smarthost: `127.0.0.1:${smtp.port}`,
      auth_username: 'vigil',
      auth_password: 'pa55',
      hello: 'vigil.test',
      headers: { 'x-vigil-receiver': '{{ .Receiver }}/{{ .Status }}' },
      text: '{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}',
      tls_config: { ca_file: path.join(dir, 'cert.pem') },
    });
    expect(p.problems).toEqual([]);
    const r = await EMAIL.build(p.config!, 0, deps()).notify(ctx(), alerts);
    expect(r).toEqual({ ok: true, retry: false });
    expect(smtp.received).toHaveLength(1);
    const m = smtp.received[0]!;
    expect(m.secure).toBe(true);
    expect(m.user).toBe('vigil');
    expect(m.method).toBe('PLAIN');
    expect(m.hello).toBe('vigil.test');
    expect(m.from).toBe('alerts@vigil.example');
    expect(m.to).toEqual(['oncall@example.com', 'boss@example.com']);
    expect(header(m.raw, 'Subject')).toBe('[FIRING:1] DiskFull (db-1 critical)');
    expect(header(m.raw, 'To')).toBe('oncall@example.com, boss@example.com');
    expect(header(m.raw, 'From')).toBe('alerts@vigil.example');
    expect(header(m.raw, 'X-Vigil-Receiver')).toBe('ops/firing');
    expect(header(m.raw, 'Message-ID')).toMatch(/^<\d+\.\d+@.+>$/);
    expect(m.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(m.raw).toContain('db-1 disk 98% full');
    const html = m.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(html).toContain('<title>[FIRING:1] DiskFull (db-1 critical)</title>');
    expect(html).toContain('instance = db-1<br>');
  });

  test('CRAM-MD5 with auth_secret', async () => {
    const smtp = await startSmtp({});
    const p = parse({ to: 'a@example.com', smarthost: `127.0.0.1:${smtp.port}`, auth_username: 'vigil', auth_secret: 's3cret', tls_config: { ca_file: path.join(dir, 'cert.pem') } });
    const r = await EMAIL.build(p.config!, 0, deps()).notify(ctx(), alerts);
    expect(r).toEqual({ ok: true, retry: false });
    expect(smtp.received[0]!.method).toBe('CRAM-MD5');
  });

  test('require_tls against a server without STARTTLS fails; with require_tls false the mail goes in the clear', async () => {
    const smtp = await startSmtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true, authOptional: true });
    const strict = await EMAIL.build(parse({ to: 'a@example.com', smarthost: `127.0.0.1:${smtp.port}` }).config!, 0, deps()).notify(ctx(), alerts);
    expect(strict.ok).toBe(false);
    expect(strict.error).toContain('STARTTLS');
    expect(smtp.received).toHaveLength(0);
    const lax = await EMAIL.build(parse({ to: 'a@example.com', smarthost: `127.0.0.1:${smtp.port}`, require_tls: false }).config!, 0, deps()).notify(ctx(), alerts);
    expect(lax).toEqual({ ok: true, retry: false });
    expect(smtp.received[0]!.secure).toBe(false);
  });

  test('a refused login is permanent; an untrusted certificate fails unless insecure_skip_verify; a closed port is retried', async () => {
    const smtp = await startSmtp({});
    const bad = await EMAIL.build(parse({ to: 'a@example.com', smarthost: `127.0.0.1:${smtp.port}`, auth_username: 'vigil', auth_password: 'wrong', tls_config: { ca_file: path.join(dir, 'cert.pem') } }).config!, 0, deps()).notify(ctx(), alerts);
    expect(bad.ok).toBe(false);
    expect(bad.retry).toBe(false);
    expect(bad.error).toMatch(/535|Invalid username or password/);
    const untrusted = await EMAIL.build(parse({ to: 'a@example.com', smarthost: `127.0.0.1:${smtp.port}`, auth_username: 'vigil', auth_password: 'pa55' }).config!, 0, deps()).notify(ctx(), alerts);
    expect(untrusted.ok).toBe(false);
    expect(untrusted.error).toMatch(/self[- ]signed|certificate/i);
    const skip = await EMAIL.build(parse({ to: 'a@example.com', smarthost: `127.0.0.1:${smtp.port}`, auth_username: 'vigil', auth_password: 'pa55', tls_config: { insecure_skip_verify: true } }).config!, 0, deps()).notify(ctx(), alerts);
    expect(skip).toEqual({ ok: true, retry: false });
    const closed = await EMAIL.build(parse({ to: 'a@example.com', smarthost: '127.0.0.1:1' }).config!, 0, deps()).notify(ctx(), alerts);
    expect(closed.ok).toBe(false);
    expect(closed.retry).toBe(true);
  });

  test('configuration errors name their path; the globals fill in; headers are case-insensitive', () => {
    expect(EMAIL.parse({}, 'receivers[2].email_configs[0]', { ...GLOBAL, smtpFrom: undefined }).problems).toEqual([
      { path: 'receivers[2].email_configs[0]', message: 'missing to address in email config' },
      { path: 'receivers[2].email_configs[0]', message: 'no global SMTP from set' },
      { path: 'receivers[2].email_configs[0]', message: 'no global SMTP smarthost set' },
    ]);
    expect(parse({ to: 'a@b', smarthost: 'nohost' }).problems[0]).toEqual({ path: 'receivers[0].email_configs[0].smarthost', message: 'address nohost: missing port in address (want host:port)' });
    expect(parse({ to: 'a@b', smarthost: 'h:25', headers: { subject: 'a', SUBJECT: 'b' } }).problems[0]!.message).toBe('duplicate header "Subject" in email config');
    const g = EMAIL.parse({ to: 'a@b' }, 'p', { ...GLOBAL, smtpSmarthost: 'mail:587', smtpHello: 'vigil.local', smtpAuthUsername: 'u', smtpAuthPassword: 'pw', smtpRequireTls: false }).config!;
    expect([g.smarthost, g.hello, g.authUsername, g.authPassword, g.requireTls, g.sendResolved]).toEqual([{ host: 'mail', port: 587 }, 'vigil.local', 'u', 'pw', false, false]);
    expect(g.headers).toEqual({ Subject: '{{ template "email.default.subject" . }}', To: 'a@b', From: 'alerts@vigil.example' });
  });
});
