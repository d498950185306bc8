/**
 * Desktop notices: the desktop integration renders its title and body and hands the notifier the
 * group's route; notify-send is spawned (a fake one on PATH records its arguments) without a
 * shell; the events stream delivers notices to a subscribed page over real HTTP; the chooser
 * follows the setting and what is available.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type ApiServer } from '../../src/main/api/server';
import { RouteTable } from '../../src/main/api/table';
import { appleScriptString, desktopNotifiers, escapeMarkup, PageNotifier, parseNotifierSetting, pickDesktopNotifier, ShellNotifier, SystemNotifier, systemCommand } from '../../src/main/alerting/desktop';
import { DESKTOP } from '../../src/main/alerting/notify/desktop';
import { loadTemplateSet } from '../../src/main/alerting/template/index';
import type { Alert, DesktopNotice, DesktopNotifier, NotifyContext } from '../../src/main/alerting/types';
import type { HostEvent } from '../../src/common/ipc/messages';
import { validateSettings } from '../../src/main/host/settings';

let dir: string;
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
const ctx = (): NotifyContext => ({ receiver: 'me', groupKey: '{}:{alertname="KubePodCrashLooping"}', groupLabels: { alertname: 'KubePodCrashLooping' }, now: Date.now(), externalURL: 'http://127.0.0.1:9797', repeatIntervalMs: 3600_000, signal: new AbortController().signal });

class Recorder implements DesktopNotifier {
  readonly kind = 'recorder';
  shown: DesktopNotice[] = [];
  show(n: DesktopNotice): Promise<void> {
    this.shown.push(n);
    return Promise.resolve();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-desktop-'));
  // A fake notify-send: writes each argument on its own line (NUL-separated) to a file.
  fs.writeFileSync(path.join(dir, 'notify-send'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > "${dir}/args"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'failing'), '#!/bin/sh\necho "no bus" >&2\nexit 3\n', { mode: 0o755 });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('desktop_configs', () => {
  test('the notifier gets the default title and body, the route to the group and a tag; resolved is flagged', async () => {
    const rec = new Recorder();
    const p = DESKTOP.parse({}, 'receivers[0].desktop_configs[0]', { resolveTimeoutMs: 0, smtpRequireTls: true, raw: {} });
    expect(p.problems).toEqual([]);
    expect(p.config!.sendResolved).toBe(true);
    const integ = DESKTOP.build(p.config!, 0, { templates: loadTemplateSet([]), desktop: rec, externalURL: '', logger: () => {} });
    expect(await integ.notify(ctx(), alerts)).toEqual({ ok: true, retry: false });
    expect(rec.shown[0]).toEqual({
      title: '[FIRING:2] KubePodCrashLooping (prod)',
      body: 'web-1 is crash looping\nweb-2 is crash looping',
      route: '#/alerts?group=%7B%7D%3A%7Balertname%3D%22KubePodCrashLooping%22%7D&receiver=me',
      tag: 'me/{}:{alertname="KubePodCrashLooping"}',
      resolved: false,
    });
    const resolved = alerts.map((a) => ({ ...a, endsAt: now - 1000 }));
    await integ.notify(ctx(), resolved);
    expect(rec.shown[1]!.resolved).toBe(true);
    expect(rec.shown[1]!.title).toBe('[RESOLVED] KubePodCrashLooping (prod)');
  });

  test('custom templates; a template error is not retried; no notifier fails; unknown keys are errors', async () => {
    const rec = new Recorder();
    const deps = { templates: loadTemplateSet([]), desktop: rec, externalURL: '', logger: () => {} };
    const c = DESKTOP.parse({ title: '{{ .CommonLabels.cluster }}!', body: '{{ len .Alerts }} pods', send_resolved: false }, 'p', { resolveTimeoutMs: 0, smtpRequireTls: true, raw: {} }).config!;
    await DESKTOP.build(c, 0, deps).notify(ctx(), alerts);
    expect([rec.shown[0]!.title, rec.shown[0]!.body]).toEqual(['prod!', '2 pods']);
    const bad = DESKTOP.parse({ title: '{{ .Nope }}' }, 'p', { resolveTimeoutMs: 0, smtpRequireTls: true, raw: {} }).config!;
    const r = await DESKTOP.build(bad, 0, deps).notify(ctx(), alerts);
    expect([r.ok, r.retry]).toEqual([false, false]);
    const none = await DESKTOP.build(c, 0, { ...deps, desktop: null }).notify(ctx(), alerts);
    expect(none.ok).toBe(false);
    expect(DESKTOP.parse({ titel: 'x' }, 'receivers[3].desktop_configs[1]', { resolveTimeoutMs: 0, smtpRequireTls: true, raw: {} }).problems).toEqual([{ path: 'receivers[3].desktop_configs[1].titel', message: 'field not found in type (unknown key)' }]);
  });
});

describe('notify-send and osascript', () => {
  test('notify-send is found on PATH and spawned without a shell: the arguments arrive verbatim, the body escaped as markup', async () => {
    const sys = SystemNotifier.detect('linux', dir);
    expect(sys).not.toBeNull();
    const title = '-t $(touch /tmp/pwned) "quoted" `x`';
    await sys!.show({ title, body: 'a <b> & c; $HOME', resolved: false, tag: 'g1' });
    const args = fs.readFileSync(path.join(dir, 'args'), 'utf8').split('\0').slice(0, -1);
    expect(args).toEqual(['--app-name=Vigil', '--urgency=normal', '--hint=string:x-canonical-private-synchronous:g1', '--', title, 'a &lt;b&gt; &amp; c; $HOME']);
    expect(SystemNotifier.detect('linux', path.join(dir, 'nowhere'))).toBeNull();
    expect(SystemNotifier.detect('win32', dir)).toBeNull();
  });

  test("a failing notifier's error carries its stderr", async () => {
    fs.copyFileSync(path.join(dir, 'failing'), path.join(dir, 'sub-notify-send'));
    const sub = path.join(dir, 'failbin');
    fs.mkdirSync(sub, { recursive: true });
    fs.copyFileSync(path.join(dir, 'failing'), path.join(sub, 'notify-send'));
    fs.chmodSync(path.join(sub, 'notify-send'), 0o755);
    await expect(SystemNotifier.detect('linux', sub)!.show({ title: 't', body: 'b', resolved: true })).rejects.toThrow('notify-send: no bus');
  });

  test('osascript gets one AppleScript statement with the strings quoted', () => {
    const c = systemCommand('darwin', { title: 'He said "hi"', body: 'back\\slash', resolved: false })!;
    expect(c).toEqual({ program: 'osascript', args: ['-e', 'display notification "back\\\\slash" with title "He said \\"hi\\""'] });
    expect(appleScriptString('a"b')).toBe('"a\\"b"');
    expect(escapeMarkup('<&>')).toBe('&lt;&amp;&gt;');
  });
});

describe('the events stream and the chooser', () => {
  let server: ApiServer;
  const page = new PageNotifier(0);
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, routes: new RouteTable(page.routes()), uiDir: null });
  });
  afterAll(async () => {
    page.stop();
    await server.close();
  });

  test('GET /api/v1/alerting/events streams each notice to every subscribed page', async () => {
    expect(page.connected()).toBe(0);
    await expect(page.show({ title: 't', body: 'b', resolved: false })).rejects.toThrow('no browser page is open');
    const ac = new AbortController();
    const res = await fetch(`${server.url}/api/v1/alerting/events`, { signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    for (let i = 0; i < 50 && page.connected() === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(page.connected()).toBe(1);
    await page.show({ title: '[FIRING:1] X', body: 'line1\nline2', route: '#/alerts?group=g', tag: 'me/g', resolved: false });
    let text = '';
    const dec = new TextDecoder();
    while (!text.includes('\n\ndata: ') || !text.endsWith('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value);
    }
    const data = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as unknown);
    expect(data).toEqual([{ title: '[FIRING:1] X', body: 'line1\nline2', route: '#/alerts?group=g', tag: 'me/g', resolved: false }]);
    ac.abort();
    for (let i = 0; i < 50 && page.connected() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(page.connected()).toBe(0);
  });

  test('pickDesktopNotifier: the shell in the app; in serve mode an open page, else the system notifier; the setting forces one or none', async () => {
    const events: HostEvent[] = [];
    const shell = new ShellNotifier((e) => events.push(e));
    const system = new Recorder();
    const n: DesktopNotice = { title: 't', body: 'b', route: '#/alerts', resolved: false };
    await pickDesktopNotifier({ shell, page: null, platform: 'linux', settings: {}, system })!.show(n);
    expect(events).toEqual([{ kind: 'notification', title: 't', body: 'b', route: '#/alerts' }]);
    // A shell notifier nobody listens to (serve mode) is passed over.
    const detached = new ShellNotifier((e) => events.push(e), () => false);
    const sysOnly = new Recorder();
    await pickDesktopNotifier({ shell: detached, page: null, platform: 'linux', settings: {}, system: sysOnly })!.show(n);
    expect([events.length, sysOnly.shown.length]).toEqual([1, 1]);
    let open = false;
    const fakePage = new Recorder();
    const serve = pickDesktopNotifier({ shell: null, page: fakePage as unknown as PageNotifier, pageOpen: () => open, platform: 'linux', settings: { notifier: 'auto' }, system })!;
    await serve.show(n);
    expect([system.shown.length, fakePage.shown.length]).toEqual([1, 0]);
    open = true;
    await serve.show(n);
    expect([system.shown.length, fakePage.shown.length]).toEqual([1, 1]);
    const forced = pickDesktopNotifier({ shell: null, page: fakePage as unknown as PageNotifier, pageOpen: () => true, platform: 'linux', settings: { notifier: 'system' }, system })!;
    await forced.show(n);
    expect(system.shown.length).toBe(2);
    expect(pickDesktopNotifier({ shell, page: null, platform: 'linux', settings: { notifier: 'off' } })).toBeNull();
    const nothing = pickDesktopNotifier({ shell: null, page: null, platform: 'linux', settings: {}, system: null })!;
    await expect(nothing.show(n)).rejects.toThrow('no desktop notifier is available');
    expect(parseNotifierSetting(undefined)).toBe('auto');
    // desktopNotifiers: the setting is read at each notice; off shows nothing.
    let setting: 'auto' | 'off' | 'system' = 'auto';
    let attached = true;
    const hostEvents: HostEvent[] = [];
    const sys2 = new Recorder();
    const d = desktopNotifiers({ emit: (e) => hostEvents.push(e), shellAttached: () => attached, setting: () => setting, platform: 'linux', system: sys2 });
    await d.desktop.show(n);
    setting = 'off';
    await d.desktop.show(n);
    setting = 'auto';
    attached = false;
    await d.desktop.show(n);
    expect([hostEvents.length, sys2.shown.length]).toEqual([1, 1]);
    expect(d.routes.map((r) => r.pattern)).toEqual(['/api/v1/alerting/events']);
    d.stop();
    expect(() => parseNotifierSetting('loud', 'settings.json: alerting.notifier')).toThrow('settings.json: alerting.notifier: must be one of auto, page, system, off, got "loud"');
    expect(validateSettings({ alerting: { notifier: 'page' } }, 'settings.json')).toEqual({ alerting: { notifier: 'page' } });
    expect(() => validateSettings({ alerting: { notifier: 'loud' } }, 'settings.json')).toThrow('settings.json: alerting.notifier: must be one of');
    expect(() => validateSettings({ alerting: { sound: true } }, 'settings.json')).toThrow('settings.json: unknown setting alerting.sound');
  });
});
