/**
 * The core's alerting wiring: the rule engine's alerts reach a webhook through the data folder's
 * alertmanager.yml; the tray event and self-metrics follow; a broken file at start runs the
 * built-in configuration with every problem reported (file:line), and a broken file on reload
 * keeps the running one; --alertmanager.config.file reaches the core.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src/common/ipc/messages';
import { startCore, type Core } from '../../src/main/host/core';
import { main } from '../../src/main/cli/main';

const cleanups: (() => Promise<void> | void)[] = [];
let hook: http.Server;
let hookURL = '';
const received: Record<string, any>[] = [];

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url, ...JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookURL = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  hook.closeAllConnections();
  await new Promise((r) => hook.close(r));
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-core-'));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const AM_YML = (url: string) => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1m
receivers:
  - name: hook
    webhook_configs: [{url: "${url}/core"}]
`;

function promConfig(dir: string): string {
  fs.writeFileSync(path.join(dir, 'rules.yml'), 'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: AlwaysOn\n        expr: vector(1)\n        labels: {severity: page}\n        annotations: {summary: "always {{ $value }}"}\n');
  const cfg = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(cfg, `global:\n  scrape_interval: 1h\n  evaluation_interval: 1s\nrule_files: [${JSON.stringify(path.join(dir, 'rules.yml'))}]\nscrape_configs: []\n`);
  return cfg;
}

type Logged = { level: string; msg: string };

async function core(dir: string, extra: { alertmanagerConfigFile?: string } = {}): Promise<{ core: Core; logs: Logged[]; events: HostEvent[] }> {
  const logs: Logged[] = [];
  const c = await startCore({ dataDir: path.join(dir, 'data'), configFile: promConfig(dir), host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: (level, msg) => logs.push({ level, msg }), defaultJobs: false, ...extra });
  cleanups.push(() => c.stop());
  const events: HostEvent[] = [];
  c.onEvent((e) => events.push(e));
  return { core: c, logs, events };
}

const get = async (c: Core, p: string) => (await (await fetch(`${c.url}${p}`)).json()) as any;

describe('alerting in the core', () => {
  it('routes the rule engine\'s alerts from <data>/alertmanager.yml to a webhook', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'alertmanager.yml'), AM_YML(hookURL));
    const { core: c, events } = await core(dir);
    const n = await until(() => received.find((r) => r.path === '/core'), 15_000, 'the webhook notification');
    expect(n.receiver).toBe('hook');
    expect(n.groupKey).toBe('{}:{alertname="AlwaysOn"}');
    expect(n.alerts).toHaveLength(1);
    expect(n.alerts[0].labels).toEqual({ alertname: 'AlwaysOn', severity: 'page' });
    expect(n.alerts[0].annotations).toEqual({ summary: 'always 1' });
    expect(n.alerts[0].generatorURL.startsWith(c.url)).toBe(true);
    expect(n.externalURL).toBe(c.url);
    // The shell hears the firing count; the UI routes and the v2 API see the alert.
    await until(() => events.find((e) => e.kind === 'alerts' && e.firing === 1), 5000, 'the alerts event');
    const alerts = await get(c, '/api/v1/alerting/alerts');
    expect(alerts.status).toBe('success');
    expect(alerts.data.map((a: any) => [a.labels.alertname, a.receivers, a.status.state])).toEqual([['AlwaysOn', [{ name: 'hook' }], 'active']]);
    const v2 = await get(c, '/api/v2/alerts/groups');
    expect(v2.map((g: any) => [g.labels, g.receiver.name, g.alerts.length])).toEqual([[{ alertname: 'AlwaysOn' }, 'hook', 1]]);
    const cfg = await get(c, '/api/v1/alerting/config');
    expect(cfg.data).toEqual({ file: path.join(dir, 'data', 'alertmanager.yml'), text: AM_YML(hookURL), problems: [] });
    const log = await get(c, '/api/v1/alerting/notifications?limit=5');
    expect(log.data[0]).toMatchObject({ receiver: 'hook', integration: 'webhook', index: 0, firing: 1, resolved: 0, ok: true, attempts: 1 });
    const recv = await get(c, '/api/v1/alerting/receivers');
    expect(recv.data).toEqual([{ name: 'hook', integrations: [{ name: 'webhook', index: 0, sendResolved: true, lastAttempt: expect.any(Number), lastError: null, failures: 0 }] }]);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(/^alertmanager_alerts\{state="active"\} 1$/m);
    expect(metrics).toMatch(/^alertmanager_notifications_total\{integration="webhook"\} 1$/m);
    expect(fs.existsSync(path.join(dir, 'data', 'alerting', 'nflog.json'))).toBe(true);
    // A test notification through the receiver's integrations.
    const test = await fetch(`${c.url}/api/v1/alerting/receivers/test`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'receiver=hook' });
    expect(((await test.json()) as any).data).toEqual([{ name: 'webhook', index: 0, ok: true }]);
    expect(received.some((r) => r.path === '/core' && r.alerts[0].labels.alertname === 'TestAlert')).toBe(true);
    const unknown = await fetch(`${c.url}/api/v1/alerting/receivers/test`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'receiver=nope' });
    expect(unknown.status).toBe(404);
    const badLimit = await fetch(`${c.url}/api/v1/alerting/notifications?limit=-1`);
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as any).error).toMatch(/limit/);
    // The UI's IPC allowlist: reads are read-only, the test notification is an IPC-callable change.
    const specs = c.routes.specs().filter((r) => r.pattern.startsWith('/api/v1/alerting/'));
    expect(specs.filter((r) => !r.readOnly && !r.ipc).map((r) => r.pattern)).toEqual([]);
  }, 30_000);

  it('a restart with the same data folder does not notify again', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'alertmanager.yml'), AM_YML(hookURL).replace('/core', '/restart'));
    const first = await core(dir);
    await until(() => received.find((r) => r.path === '/restart'), 15_000, 'the first notification');
    // Stop once the send is logged (a send still in flight at shutdown is not, as in Alertmanager).
    await until(async () => ((await get(first.core, '/api/v1/alerting/notifications')).data.some((n: any) => n.ok) ? true : undefined), 5000, 'the logged notification');
    await first.core.stop();
    const second = await core(dir);
    // The rule fires again at once; group_wait is 1s: give it 4s.
    await until(async () => ((await get(second.core, '/api/v1/alerting/alerts')).data.length === 1 ? true : undefined), 5000, 'the alert in the new process');
    await new Promise((r) => setTimeout(r, 4000));
    expect(received.filter((r) => r.path === '/restart')).toHaveLength(1);
    expect((await get(second.core, '/api/v1/alerting/groups')).data).toHaveLength(1);
  }, 40_000);

  it('a broken file at start runs the built-in configuration and reports every problem; on reload a broken file keeps the running one', async () => {
    const dir = tmp();
    const file = path.join(dir, 'am.yml');
    fs.writeFileSync(file, 'route:\n  receiver: nobody\n  group_wait: soon\nreceivers:\n  - name: hook\n');
    const { core: c, logs } = await core(dir, { alertmanagerConfigFile: file });
    const errors = logs.filter((l) => l.level === 'error').map((l) => l.msg);
    expect(errors.some((m) => m.includes(`${file}:3:`) && m.includes('group_wait'))).toBe(true);
    expect(errors.some((m) => m.includes(file) && m.includes('nobody'))).toBe(true);
    expect(errors.some((m) => m.includes('running the built-in configuration'))).toBe(true);
    const broken = await get(c, '/api/v1/alerting/config');
    expect(broken.data.file).toBe(file);
    expect(broken.data.problems.length).toBeGreaterThanOrEqual(2);
    expect(broken.data.problems.some((p: any) => p.line === 3)).toBe(true);
    expect((await get(c, '/api/v2/receivers')).map((r: any) => r.name)).toEqual(['desktop']);
    // Fixed: the reload applies it.
    fs.writeFileSync(file, AM_YML(hookURL).replace('/core', '/reloaded'));
    expect(c.reloadAlerting()).toEqual([]);
    expect((await get(c, '/api/v2/receivers')).map((r: any) => r.name)).toEqual(['hook']);
    expect((await get(c, '/api/v1/alerting/config')).data.problems).toEqual([]);
    // Broken again: the running configuration stays, the problems are reported.
    fs.writeFileSync(file, 'route: {receiver: gone}\nreceivers: []\n');
    const problems = c.reloadAlerting();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toContain(file);
    expect((await get(c, '/api/v2/receivers')).map((r: any) => r.name)).toEqual(['hook']);
    const status = await get(c, '/api/v2/status');
    expect(status.config.original).toBe(AM_YML(hookURL).replace('/core', '/reloaded'));
    expect(status.cluster.status).toBe('disabled');
    expect((await get(c, '/api/v1/alerting/config')).data.problems.length).toBeGreaterThan(0);
    await until(() => received.find((r) => r.path === '/reloaded'), 15_000, 'a notification through the reloaded configuration');
  }, 30_000);

  it('--alertmanager.config.file is a flag of serve (and host); a missing file is an error naming it', async () => {
    let out = '';
    let err = '';
    const code = await main(['serve', '--alertmanager.config.file', '/nonexistent/am.yml', '--data', tmp(), '--listen', '127.0.0.1:0'], (s) => (out += s), (s) => (err += s));
    expect(code).not.toBe(0);
    expect(out + err).toContain('/nonexistent/am.yml: no such file');
    let help = '';
    await main(['serve', '--help'], (s) => (help += s), (s) => (help += s));
    expect(help).toContain('--alertmanager.config.file');
  });
});
