/**
 * The notify pieces inside the core: a rule's alert is forwarded to the external Alertmanager of
 * prometheus.yml (a real Alertmanager 0.25 lists it, /api/v1/alertmanagers and the notifier metrics
 * say so); a desktop receiver reaches the shell as a HostEvent (and nothing with the notifier
 * setting off); a Slack receiver uses the configuration's own template files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src/common/ipc/messages';
import { startCore, type Core } from '../../src/main/host/core';
import { startAlertmanager, startCapture, type AlertmanagerPeer, type CaptureServer } from './peer';

const cleanups: (() => Promise<void> | void)[] = [];
let am: AlertmanagerPeer;
let capture: CaptureServer;

beforeAll(async () => {
  am = await startAlertmanager({ route: { receiver: 'null' }, receivers: [{ name: 'null' }] });
  capture = await startCapture();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await am?.stop();
  await capture?.close();
});

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** startWith runs a core over a rule that always fires, prometheus.yml's extra text, data-folder files. */
async function startWith(promExtra: string, files: Record<string, string>): Promise<{ core: Core; events: HostEvent[]; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-notify-core-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(data, name)), { recursive: true });
    fs.writeFileSync(path.join(data, name), text);
  }
  fs.writeFileSync(path.join(dir, 'rules.yml'), 'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: CoreNotify\n        expr: vector(1)\n        labels: {severity: page}\n        annotations: {summary: "core notify fires"}\n');
  const cfg = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(cfg, `global:\n  scrape_interval: 1h\n  evaluation_interval: 1s\n  external_labels: {origin: vigil-test}\nrule_files: [${JSON.stringify(path.join(dir, 'rules.yml'))}]\nscrape_configs: []\n${promExtra}`);
  const core = await startCore({ dataDir: data, configFile: cfg, host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: () => {}, defaultJobs: false });
  cleanups.push(() => core.stop());
  const events: HostEvent[] = [];
  core.onEvent((e) => events.push(e));
  return { core, events, dir };
}

describe('the notify pieces in the core', () => {
  it("forwards the rule's alert to prometheus.yml's Alertmanager", async () => {
    const port = new URL(am.url).port;
    const { core } = await startWith(`alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['127.0.0.1:${port}']}]\n`, {});
    const listed = await until(async () => {
      const r = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
      return r.find((a) => a.labels.alertname === 'CoreNotify');
    }, 20_000, 'the forwarded alert in Alertmanager');
    expect(listed.labels).toEqual({ alertname: 'CoreNotify', severity: 'page', origin: 'vigil-test' });
    const ams = (await (await fetch(`${core.url}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: { url: string }[] } };
    expect(ams.data.activeAlertmanagers).toEqual([{ url: `http://127.0.0.1:${port}/api/v2/alerts` }]);
    const metrics = await (await fetch(`${core.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`prometheus_notifications_sent_total\\{alertmanager="http://127.0.0.1:${port}/api/v2/alerts"\\} [1-9]`));
    expect(metrics).toContain('prometheus_notifications_alertmanagers_discovered 1');
  });

  it('a desktop receiver reaches the shell as a notification event; the setting off shows nothing', async () => {
    const amYml = 'route: {receiver: me, group_by: [alertname], group_wait: 1s, group_interval: 1s}\nreceivers:\n  - name: me\n    desktop_configs: [{}]\n';
    const { events } = await startWith('', { 'alertmanager.yml': amYml });
    const n = await until(() => events.find((e) => e.kind === 'notification'), 20_000, 'the desktop notification event');
    expect(n).toEqual({ kind: 'notification', title: '[FIRING:1] CoreNotify', body: 'core notify fires', route: '#/alerts?group=%7B%7D%3A%7Balertname%3D%22CoreNotify%22%7D&receiver=me', tag: 'me/{}:{alertname="CoreNotify"}' });

    const off = await startWith('', { 'alertmanager.yml': amYml, 'settings.json': JSON.stringify({ alerting: { notifier: 'off' } }) });
    const log = await until(async () => {
      const r = (await (await fetch(`${off.core.url}/api/v1/alerting/notifications?limit=5`)).json()) as { data: { integration: string; ok: boolean }[] };
      return r.data.find((x) => x.integration === 'desktop');
    }, 20_000, 'the desktop notification in the log');
    expect(log.ok).toBe(true);
    expect(off.events.filter((e) => e.kind === 'notification')).toEqual([]);
  });

  it("a Slack receiver's title comes from the configuration's template files", async () => {
    const amYml = `templates: ['tmpl/*.tmpl']\nroute: {receiver: chat, group_by: [alertname], group_wait: 1s}\nreceivers:\n  - name: chat\n    slack_configs:\n      - api_url: '${capture.url}/core-slack'\n        title: '{{ template "my.title" . }}'\n`;
    await startWith('', { 'alertmanager.yml': amYml, 'tmpl/my.tmpl': '{{ define "my.title" }}{{ .CommonLabels.alertname }} is {{ .Status | toUpper }} ({{ .CommonLabels.severity }}){{ end }}' });
    const got = await capture.waitFor((c) => c.path === '/core-slack', 20_000);
    const body = JSON.parse(got.body) as { attachments: { title: string; color: string }[] };
    expect(body.attachments[0]).toMatchObject({ title: 'CoreNotify is FIRING (page)', color: 'danger' });
  });
});
