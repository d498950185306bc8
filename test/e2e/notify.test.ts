/**
 * Browser notifications in serve mode: a Chromium page open on Vigil's UI subscribes to the
 * alerting events stream and calls the Notification API when a desktop_configs receiver notifies
 * (window.Notification is stubbed by an init script that records calls and grants permission);
 * a click on the notification opens the alert group's route.
 *
 * The dispatcher is not wired into the core on this branch, so the test serves the built UI with
 * the events route and drives the desktop integration itself (integration -> chooser -> page
 * notifier -> event stream -> page), as a flush of the dispatcher would.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type ApiServer } from '../../src/main/api/server';
import { RouteTable } from '../../src/main/api/table';
import { healthRoutes } from '../../src/main/api/status';
import { PageNotifier, pickDesktopNotifier } from '../../src/main/alerting/desktop';
import { DESKTOP } from '../../src/main/alerting/notify/desktop';
import { loadTemplateSet } from '../../src/main/alerting/template/index';
import type { Alert } from '../../src/main/alerting/types';
import * as os from 'node:os';
import { launchChromium, ROOT, startVigil, waitFor, type VigilProcess } from './helpers';

const STUB = `
  window.__notifications = [];
  window.__permissionAsked = 0;
  class RecordingNotification {
    static get permission() { return 'granted'; }
    static requestPermission() { window.__permissionAsked++; return Promise.resolve('granted'); }
    constructor(title, options) {
      this.onclick = null;
      window.__notifications.push({ title, body: options && options.body, tag: options && options.tag });
      window.__last = this;
    }
    close() {}
  }
  window.Notification = RecordingNotification;
`;

let server: ApiServer;
let browser: Browser;
const page = new PageNotifier(0);

beforeAll(async () => {
  const ui = path.join(ROOT, 'out', 'renderer');
  if (!fs.existsSync(path.join(ui, 'index.html'))) throw new Error('the UI is not built: run `npm run build` first');
  server = await startServer({ host: '127.0.0.1', port: 0, routes: new RouteTable([...page.routes(), ...healthRoutes()]), uiDir: ui });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  page.stop();
  await server?.close();
});

describe('browser notifications from vigil serve', () => {
  let vigil: VigilProcess | null = null;
  afterAll(async () => {
    await vigil?.stop();
  });

  test('a firing rule reaches the open page as a Notification through the dispatcher and the desktop receiver', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-notify-'));
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(dir, 'rules.yml'), ['groups:', '  - name: e2e', '    interval: 1s', '    rules:', '      - alert: VigilNotifyE2E', '        expr: vector(1)', '        labels: {severity: warning}', '        annotations: {summary: "the e2e alert fires"}', ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), ['global: {evaluation_interval: 1s}', 'rule_files: [rules.yml]', ''].join('\n'));
    fs.writeFileSync(path.join(data, 'alertmanager.yml'), ['route: {receiver: me, group_by: [alertname], group_wait: 1s, group_interval: 1s, repeat_interval: 1h}', 'receivers:', '  - name: me', '    desktop_configs: [{}]', ''].join('\n'));
    vigil = await startVigil(['--config', path.join(dir, 'prometheus.yml')], { dataDir: data, env: { ...process.env, KUBECONFIG: path.join(dir, 'no-kubeconfig') } });
    const ctx = await browser.newContext();
    await ctx.addInitScript(STUB);
    const tab = await ctx.newPage();
    await tab.goto(`${vigil.url}/#/dashboards`);
    const shown = await waitFor(async () => {
      const n = (await tab.evaluate('window.__notifications')) as { title: string; body: string; tag: string }[];
      const mine = n.filter((x) => x.title.includes('VigilNotifyE2E'));
      return mine.length > 0 ? mine : undefined;
    }, 60_000, 'the rule\'s notification on the page');
    expect(shown[0]).toEqual({ title: '[FIRING:1] VigilNotifyE2E', body: 'the e2e alert fires', tag: 'me/{}:{alertname="VigilNotifyE2E"}' });
    await ctx.close();
    await vigil.stop();
    vigil = null;
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('browser notifications', () => {
  test('a desktop_configs notification reaches the open page as a Notification; its click opens the group', async () => {
    const ctx = await browser.newContext();
    await ctx.addInitScript(STUB);
    const tab = await ctx.newPage();
    await tab.goto(`${server.url}/#/dashboards`);
    await waitFor(async () => (page.connected() > 0 ? true : undefined), 20_000, 'the page to subscribe to the events stream');

    const now = Date.now();
    const alerts: Alert[] = ['web-1', 'web-2'].map((pod) => ({
      labels: { alertname: 'KubePodCrashLooping', cluster: 'prod', pod },
      annotations: { summary: `${pod} is crash looping` },
      startsAt: now - 60_000,
      endsAt: now + 3600_000,
      generatorURL: '',
      updatedAt: now,
      timeout: false,
    }));
    const desktop = pickDesktopNotifier({ shell: null, page, platform: 'linux', settings: { notifier: 'auto' }, system: null });
    const integ = DESKTOP.build(DESKTOP.parse({}, 'receivers[0].desktop_configs[0]', { resolveTimeoutMs: 0, smtpRequireTls: true, raw: {} }).config!, 0, {
      templates: loadTemplateSet([]),
      desktop,
      externalURL: server.url,
      logger: () => {},
    });
    const groupKey = '{}:{alertname="KubePodCrashLooping"}';
    const r = await integ.notify({ receiver: 'me', groupKey, groupLabels: { alertname: 'KubePodCrashLooping' }, now: Date.now(), externalURL: server.url, repeatIntervalMs: 3600_000, signal: new AbortController().signal }, alerts);
    expect(r).toEqual({ ok: true, retry: false });

    const shown = await waitFor(async () => {
      const n = (await tab.evaluate('window.__notifications')) as { title: string; body: string; tag: string }[];
      return n.length > 0 ? n : undefined;
    }, 20_000, 'the page to show the notification');
    expect(shown).toEqual([{ title: '[FIRING:2] KubePodCrashLooping (prod)', body: 'web-1 is crash looping\nweb-2 is crash looping', tag: `me/${groupKey}` }]);

    await tab.evaluate('window.__last.onclick && window.__last.onclick()');
    const hash = await waitFor(async () => {
      const h = (await tab.evaluate('window.location.hash')) as string;
      return h.startsWith('#/alerts') ? h : undefined;
    }, 10_000, 'the click to open the group');
    const params = new URLSearchParams(hash.slice(hash.indexOf('?') + 1));
    expect(params.get('group')).toBe(groupKey);
    expect(params.get('receiver')).toBe('me');
    await ctx.close();
  });
});
