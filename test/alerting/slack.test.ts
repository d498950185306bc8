/**
 * The Slack integration against Alertmanager 0.25: the same receiver configuration and alerts go
 * to a real prometheus-alertmanager and to Vigil's slack integration; both post to one loopback
 * capture server, and the JSON bodies must be equal (firing, then resolved). Also: retries on 5xx
 * and 429, no retry on 4xx, and the configuration's errors.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SLACK } from '../../src/main/alerting/notify/slack';
import { loadTemplateSet } from '../../src/main/alerting/template/index';
import type { Alert, GlobalConfig, IntegrationDeps, NotifyContext } from '../../src/main/alerting/types';
import { startAlertmanager, startCapture, type AlertmanagerPeer, type CaptureServer } from './peer';

const EXTERNAL = 'http://vigil.example:9797';
const GLOBAL: GlobalConfig = { resolveTimeoutMs: 300_000, smtpRequireTls: true, raw: {} };

let capture: CaptureServer;
let am: AlertmanagerPeer;

const slackConfig = (pathName: string): Record<string, unknown> => ({
  api_url: `${capture.url}/${pathName}`,
  channel: '#alerts',
  send_resolved: true,
  fields: [
    { title: 'Pods', value: '{{ range .Alerts }}{{ .Labels.pod }} {{ end }}', short: true },
    { title: 'Severity', value: '{{ .CommonLabels.severity | toUpper }}' },
    { title: 'Times', value: '{{ range .Alerts }}{{ .Status }} {{ .StartsAt }} / {{ .EndsAt }} / {{ .Fingerprint }}; {{ end }}' },
  ],
  actions: [{ type: 'button', text: 'Runbook', url: '{{ .CommonAnnotations.runbook }}' }],
});

const deps = (): IntegrationDeps => ({ templates: loadTemplateSet([]), desktop: null, externalURL: EXTERNAL, logger: () => {} });

beforeAll(async () => {
  capture = await startCapture();
  am = await startAlertmanager(
    {
      route: { receiver: 'team.x', group_by: ['alertname'], group_wait: '3s', group_interval: '1s', repeat_interval: '1h' },
      receivers: [{ name: 'team.x', slack_configs: [slackConfig('am')] }],
    },
    { externalUrl: EXTERNAL },
  );
});

afterAll(async () => {
  await am?.stop();
  await capture?.close();
});

function postAlerts(alerts: Alert[]): Promise<Response> {
  const body = alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: new Date(a.endsAt).toISOString(),
    generatorURL: a.generatorURL,
  }));
  return fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

function ctx(now: number): NotifyContext {
  return { receiver: 'team.x', groupKey: '{}:{alertname="KubePodCrashLooping"}', groupLabels: { alertname: 'KubePodCrashLooping' }, now, externalURL: EXTERNAL, repeatIntervalMs: 3600_000, signal: new AbortController().signal };
}

describe('slack_configs against Alertmanager 0.25', () => {
  test('the firing and the resolved message are the JSON Alertmanager sends', async () => {
    const now = Date.now();
    const base = (pod: string, endsAt: number): Alert => ({
      labels: { alertname: 'KubePodCrashLooping', cluster: 'prod', namespace: 'shop', pod, severity: 'warning' },
      annotations: { summary: `${pod} restarts <often> & more`, runbook: 'https://runbooks.example/crashloop' },
      startsAt: now - 60_000,
      endsAt,
      generatorURL: 'http://vigil.example:9797/graph?g0.expr=up&g0.tab=1',
      updatedAt: now,
      timeout: false,
    });
    const firing = [base('web-1', now + 3600_000), base('web-2', now + 3600_000)];
    expect((await postAlerts(firing)).status).toBe(200);
    const fromAm = await capture.waitFor((c) => c.path === '/am');

    const parsed = SLACK.parse(slackConfig('vigil'), 'receivers[0].slack_configs[0]', GLOBAL);
    expect(parsed.problems).toEqual([]);
    const integ = SLACK.build(parsed.config!, 0, deps());
    const r = await integ.notify(ctx(Date.now()), firing);
    expect(r).toEqual({ ok: true, retry: false });
    const fromVigil = await capture.waitFor((c) => c.path === '/vigil');
    const amBody = JSON.parse(fromAm.body) as { attachments: { title: string; color: string }[] };
    expect(amBody.attachments[0]!.title).toBe('[FIRING:2] KubePodCrashLooping (prod shop warning)');
    expect(JSON.parse(fromVigil.body)).toEqual(amBody);
    expect(fromVigil.headers['content-type']).toBe(fromAm.headers['content-type']);

    // Resolve both: Alertmanager sends the resolved message after group_interval.
    const resolvedAt = Date.now() - 1000;
    const resolved = [base('web-1', resolvedAt), base('web-2', resolvedAt)];
    expect((await postAlerts(resolved)).status).toBe(200);
    const amResolved = await capture.waitFor((c) => c.path === '/am' && (JSON.parse(c.body) as { attachments: { color: string }[] }).attachments[0]!.color === 'good');
    const r2 = await integ.notify(ctx(Date.now()), resolved);
    expect(r2.ok).toBe(true);
    const vigilResolved = await capture.waitFor((c) => c.path === '/vigil' && c !== fromVigil);
    expect(JSON.parse(vigilResolved.body)).toEqual(JSON.parse(amResolved.body));
    expect((JSON.parse(vigilResolved.body) as { attachments: { title: string }[] }).attachments[0]!.title).toBe('[RESOLVED] KubePodCrashLooping (prod shop warning)');
  });
});

describe('slack_configs: retries and configuration errors', () => {
  const one: Alert[] = [{ labels: { alertname: 'A' }, annotations: {}, startsAt: 1, endsAt: Date.now() + 60_000, generatorURL: '', updatedAt: 1, timeout: false }];
  test('5xx and 429 are retried, other 4xx are not, and the error names the channel and status', async () => {
    const c = SLACK.parse({ api_url: `${capture.url}/retry`, channel: '#c' }, 'r', GLOBAL).config!;
    const integ = SLACK.build(c, 0, deps());
    capture.statuses.push(503);
    expect(await integ.notify(ctx(Date.now()), one)).toEqual({ ok: false, retry: true, error: 'channel "#c": unexpected status code 503: failure' });
    capture.statuses.push(429);
    expect((await integ.notify(ctx(Date.now()), one)).retry).toBe(true);
    capture.statuses.push(404);
    expect(await integ.notify(ctx(Date.now()), one)).toEqual({ ok: false, retry: false, error: 'channel "#c": unexpected status code 404: failure' });
    // A refused connection is retried, and the URL (a secret) is not in the error.
    const down = SLACK.build(SLACK.parse({ api_url: 'http://127.0.0.1:1/services/SECRET' }, 'r', GLOBAL).config!, 0, deps());
    const r = await down.notify(ctx(Date.now()), one);
    expect(r.ok).toBe(false);
    expect(r.retry).toBe(true);
    expect(r.error).not.toContain('SECRET');
  });

  test('the global slack_api_url is used; missing URLs, both URLs, bad fields and unknown keys are errors with their paths', () => {
    expect(SLACK.parse({}, 'receivers[1].slack_configs[0]', { ...GLOBAL, slackApiUrl: 'https://hooks.example/x' }).config!.apiUrl).toBe('https://hooks.example/x');
    expect(SLACK.parse({}, 'receivers[1].slack_configs[0]', GLOBAL).problems).toEqual([{ path: 'receivers[1].slack_configs[0]', message: 'no global Slack API URL set either inline or in a file' }]);
    expect(SLACK.parse({ api_url: 'https://a/b', api_url_file: '/x' }, 'p', GLOBAL).problems[0]!.message).toBe('at most one of api_url & api_url_file must be configured');
    expect(SLACK.parse({ api_url: 'https://a/b', fields: [{ title: 'x' }] }, 'p', GLOBAL).problems).toEqual([{ path: 'p.fields[0]', message: 'missing value in Slack field configuration' }]);
    expect(SLACK.parse({ api_url: 'https://a/b', actions: [{ type: 'button', text: 't' }] }, 'p', GLOBAL).problems).toEqual([{ path: 'p.actions[0]', message: 'missing name or url in Slack action configuration' }]);
    expect(SLACK.parse({ api_url: 'https://a/b', chanel: '#x' }, 'p', GLOBAL).problems).toEqual([{ path: 'p.chanel', message: 'field not found in type (unknown key)' }]);
    expect(SLACK.parse({ api_url: 'https://a/b', send_resolved: 'yes' }, 'p', GLOBAL).problems[0]!.path).toBe('p.send_resolved');
    expect(SLACK.parse({ api_url: 'https://a/b' }, 'p', GLOBAL).config!.sendResolved).toBe(false);
  });

  test('api_url_file is read at send time; http_config credentials are sent; the global http_config applies when none is given', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-slack-'));
    try {
      const f = path.join(dir, 'url');
      fs.writeFileSync(f, `${capture.url}/from-file\n`);
      const c = SLACK.parse({ api_url_file: f, http_config: { authorization: { credentials: 'tok' } } }, 'r', GLOBAL).config!;
      expect((await SLACK.build(c, 0, deps()).notify(ctx(Date.now()), one)).ok).toBe(true);
      const got = await capture.waitFor((x) => x.path === '/from-file');
      expect(got.headers.authorization).toBe('Bearer tok');
      const g = SLACK.parse({ api_url: `${capture.url}/global-http` }, 'r', { ...GLOBAL, raw: { http_config: { basic_auth: { username: 'u', password: 'p' } } } }).config!;
      expect((await SLACK.build(g, 0, deps()).notify(ctx(Date.now()), one)).ok).toBe(true);
      expect((await capture.waitFor((x) => x.path === '/global-http')).headers.authorization).toBe('Basic ' + Buffer.from('u:p').toString('base64'));
      fs.rmSync(f);
      const gone = await SLACK.build(c, 0, deps()).notify(ctx(Date.now()), one);
      expect([gone.ok, gone.retry]).toEqual([false, false]);
      expect(gone.error).toContain('api_url_file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a template error fails the notification without retry', async () => {
    const integ = SLACK.build(SLACK.parse({ api_url: `${capture.url}/t`, title: '{{ .Nope }}' }, 'r', GLOBAL).config!, 0, deps());
    const r = await integ.notify(ctx(Date.now()), one);
    expect(r.ok).toBe(false);
    expect(r.retry).toBe(false);
    expect(r.error).toContain("can't evaluate field Nope in type *template.Data");
  });
});
