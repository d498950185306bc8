/**
 * The webhook integration against a loopback HTTP receiver: the version 4 payload, auth headers,
 * url_file, max_alerts, which statuses are retried, the per-request timeout; and its config errors.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookType, type WebhookConfig } from '../../src/main/alerting/notify/webhook';
import { fingerprint } from '../../src/main/alerting/alerts';
import type { Alert, GlobalConfig, IntegrationDeps, NotifyContext } from '../../src/main/alerting/types';
import { Alerting } from '../../src/main/alerting/alerting';
import { loadAlertmanagerConfig } from '../../src/main/alerting/config';

interface Req {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base = '';
const reqs: Req[] = [];
let answer: { status: number; body?: string; delayMs?: number } = { status: 200 };
/** queue answers the next requests before answer does. */
const queue: { status: number; body?: string; delayMs?: number }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      reqs.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = queue.shift() ?? answer;
      setTimeout(() => {
        res.writeHead(a.status, { 'Content-Type': 'text/plain' });
        res.end(a.body ?? '');
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const GLOBAL: GlobalConfig = { resolveTimeoutMs: 300_000, smtpRequireTls: true, raw: {} };
const DEPS = { templates: { execute: () => '' }, desktop: null, externalURL: 'http://vigil.test', logger: () => {} } as IntegrationDeps;

function build(raw: Record<string, unknown>) {
  const { config, problems } = webhookType.parse(raw, 'receivers[0].webhook_configs[0]', GLOBAL);
  expect(problems).toEqual([]);
  return webhookType.build(config as WebhookConfig, 0, DEPS);
}

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);

function ctx(signal = new AbortController().signal): NotifyContext {
  return { receiver: 'team.x', groupKey: '{}/{team="x"}:{alertname="A"}', groupLabels: { alertname: 'A' }, now: NOW, repeatIntervalMs: 3600_000, externalURL: 'http://vigil.test', signal };
}

const alerts: Alert[] = [
  { labels: { alertname: 'A', instance: 'i1', job: 'j' }, annotations: { summary: 'one', common: 'c' }, startsAt: NOW - 60_000, endsAt: 0, generatorURL: 'http://vigil.test/graph?g0.expr=up', updatedAt: NOW, timeout: true },
  { labels: { alertname: 'A', instance: 'i2', job: 'j' }, annotations: { summary: 'two', common: 'c' }, startsAt: NOW - 120_500, endsAt: NOW - 1000, generatorURL: '', updatedAt: NOW, timeout: false },
];

describe('webhook', () => {
  it('POSTs the version 4 payload as JSON', async () => {
    reqs.length = 0;
    answer = { status: 200 };
    const r = await build({ url: `${base}/hook` }).notify(ctx(), alerts);
    expect(r).toEqual({ ok: true, retry: false });
    expect(reqs).toHaveLength(1);
    expect(reqs[0]!.path).toBe('/hook');
    expect(reqs[0]!.headers['content-type']).toBe('application/json');
    expect(reqs[0]!.headers['user-agent']).toMatch(/^Alertmanager\//);
    const body = JSON.parse(reqs[0]!.body);
    expect(body).toEqual({
      receiver: 'team\\.x',
      status: 'firing',
      alerts: [
        { status: 'firing', labels: { alertname: 'A', instance: 'i1', job: 'j' }, annotations: { common: 'c', summary: 'one' }, startsAt: '2026-01-05T11:59:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://vigil.test/graph?g0.expr=up', fingerprint: fingerprint({ alertname: 'A', instance: 'i1', job: 'j' }) },
        { status: 'resolved', labels: { alertname: 'A', instance: 'i2', job: 'j' }, annotations: { common: 'c', summary: 'two' }, startsAt: '2026-01-05T11:57:59.5Z', endsAt: '2026-01-05T11:59:59Z', generatorURL: '', fingerprint: fingerprint({ alertname: 'A', instance: 'i2', job: 'j' }) },
      ],
      groupLabels: { alertname: 'A' },
      commonLabels: { alertname: 'A', job: 'j' },
      commonAnnotations: { common: 'c' },
      externalURL: 'http://vigil.test',
      version: '4',
      groupKey: '{}/{team="x"}:{alertname="A"}',
      truncatedAlerts: 0,
    });
  });

  it('max_alerts truncates and counts the rest', async () => {
    reqs.length = 0;
    answer = { status: 200 };
    await build({ url: `${base}/hook`, max_alerts: 1 }).notify(ctx(), alerts);
    const body = JSON.parse(reqs[0]!.body);
    expect(body.alerts).toHaveLength(1);
    expect(body.truncatedAlerts).toBe(1);
    expect(body.status).toBe('firing');
  });

  it('sends basic auth, bearer and authorization credentials, and reads url_file at each send', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hook-'));
    fs.writeFileSync(path.join(dir, 'pw'), 's3cret\n');
    fs.writeFileSync(path.join(dir, 'url'), `${base}/from-file\n`);
    reqs.length = 0;
    answer = { status: 200 };
    await build({ url: `${base}/a`, http_config: { basic_auth: { username: 'u', password_file: path.join(dir, 'pw') } } }).notify(ctx(), alerts);
    await build({ url: `${base}/b`, http_config: { bearer_token: 'tok' } }).notify(ctx(), alerts);
    await build({ url: `${base}/c`, http_config: { authorization: { type: 'Token', credentials: 'xyz' } } }).notify(ctx(), alerts);
    const f = build({ url_file: path.join(dir, 'url') });
    await f.notify(ctx(), alerts);
    fs.writeFileSync(path.join(dir, 'url'), `${base}/changed`);
    await f.notify(ctx(), alerts);
    expect(reqs.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/a', `Basic ${Buffer.from('u:s3cret').toString('base64')}`],
      ['/b', 'Bearer tok'],
      ['/c', 'Token xyz'],
      ['/from-file', undefined],
      ['/changed', undefined],
    ]);
  });

  it('retries 5xx and 429, not other 4xx, and says why', async () => {
    const w = build({ url: `${base}/hook` });
    answer = { status: 503, body: 'busy' };
    expect(await w.notify(ctx(), alerts)).toEqual({ ok: false, retry: true, error: `unexpected status code 503: ${base}/hook: busy` });
    answer = { status: 429 };
    expect(await w.notify(ctx(), alerts)).toMatchObject({ ok: false, retry: true });
    answer = { status: 400, body: 'bad' };
    expect(await w.notify(ctx(), alerts)).toEqual({ ok: false, retry: false, error: `unexpected status code 400: ${base}/hook: bad` });
    answer = { status: 204 };
    expect(await w.notify(ctx(), alerts)).toEqual({ ok: true, retry: false });
  });

  it('a connection failure is retryable; timeout and the abort signal end a slow request', async () => {
    const dead = build({ url: 'http://127.0.0.1:1/hook' });
    const r = await dead.notify(ctx(), alerts);
    expect(r.ok).toBe(false);
    expect(r.retry).toBe(true);
    expect(r.error).toMatch(/^Post "http:\/\/127\.0\.0\.1:1\/hook": .*ECONNREFUSED/);
    answer = { status: 200, delayMs: 2000 };
    const t0 = Date.now();
    const slow = await build({ url: `${base}/slow`, timeout: '200ms' }).notify(ctx(), alerts);
    expect(slow).toMatchObject({ ok: false, retry: true });
    expect(slow.error).toMatch(/timed out/);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('context deadline exceeded')), 100);
    const aborted = await build({ url: `${base}/slow` }).notify(ctx(ctrl.signal), alerts);
    expect(aborted.ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1500);
    answer = { status: 200 };
  });

  it('through the dispatcher: 503s are retried with backoff until the receiver accepts', async () => {
    reqs.length = 0;
    answer = { status: 200 };
    queue.push({ status: 503, body: 'down' }, { status: 503, body: 'down' });
    const am = new Alerting({ dataDir: null, externalURL: 'http://vigil.test' });
    try {
      am.applyConfig(loadAlertmanagerConfig(`route: {receiver: hook, group_wait: 100ms}\nreceivers: [{name: hook, webhook_configs: [{url: "${base}/flaky"}]}]\n`, ''));
      const t0 = Date.now();
      am.put([{ labels: { alertname: 'Flaky' }, annotations: {}, startsAt: 0, endsAt: 0, generatorURL: '' }]);
      for (let i = 0; i < 100 && am.nflog.recent(1).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const rec = am.nflog.recent(1)[0]!;
      expect(rec).toMatchObject({ ok: true, attempts: 3, receiver: 'hook', integration: 'webhook' });
      expect(reqs.filter((r) => r.path === '/flaky')).toHaveLength(3);
      // Two waits of the backoff (500ms and 750ms, each +-50%) lie between the attempts.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(100 + 250 + 375);
      expect(am.selfMetrics()).toMatch(/^alertmanager_notification_requests_failed_total\{integration="webhook"\} 2$/m);
      expect(am.selfMetrics()).toMatch(/^alertmanager_notifications_total\{integration="webhook"\} 1$/m);
    } finally {
      await am.stop();
    }
  });

  it('rejects bad configurations with the field path', () => {
    const p = (raw: unknown) => webhookType.parse(raw, 'receivers[1].webhook_configs[0]', GLOBAL).problems.map((x) => `${x.path}: ${x.message}`);
    expect(p({})).toEqual(['receivers[1].webhook_configs[0]: one of url or url_file must be configured']);
    expect(p({ url: 'ftp://x/' })).toEqual(['receivers[1].webhook_configs[0].url: scheme required for webhook url']);
    expect(p({ url: 'http://x/', bogus: 1 })).toEqual(['receivers[1].webhook_configs[0].bogus: field bogus not found in type config.WebhookConfig']);
    expect(p({ url: 'http://x/', max_alerts: -1 })).toEqual(['receivers[1].webhook_configs[0].max_alerts: max_alerts must be a non-negative integer']);
    expect(p({ url: 'http://x/', http_config: { basic_auth: { username: 'u' }, bearer_token: 't' } })).toEqual([
      'receivers[1].webhook_configs[0].http_config: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    ]);
    expect(webhookType.parse({ url: 'http://x/' }, 'p', GLOBAL).config).toMatchObject({ sendResolved: true, maxAlerts: 0 });
  });
});
