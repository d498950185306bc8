/**
 * PEER: Debian's prometheus-alertmanager (0.25) and Vigil's alerting load the same alertmanager.yml
 * (webhook receivers pointing at one loopback capture server), get the same alerts, silences and
 * resolves at the same moments over POST /api/v2/alerts and /api/v2/silences, and the notification
 * groups each sends are compared: receiver, groupKey, group labels, status, common labels, the
 * alerts' labels, fingerprints and statuses, in order (times aside). Scenarios run side by side in
 * one Alertmanager: grouping, group_by '...', group_wait/group_interval, repeat, resolve,
 * inhibition, silences, continue, mute and active time intervals. Then `amtool alert query`
 * against both lists the same alerts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alerting } from '../../src/main/alerting/alerting';
import { loadAlertmanagerConfig } from '../../src/main/alerting/config';
import { startServer, type ApiServer } from '../../src/main/api/server';
import { RouteTable } from '../../src/main/api/table';
import { freePort, run } from '../peers/prometheus';

const AM_BIN = '/usr/bin/prometheus-alertmanager';
const AMTOOL = '/usr/bin/amtool';

interface Captured {
  at: number;
  body: Record<string, any>;
}

let capture: http.Server;
let captureURL = '';
const captured: Captured[] = [];
let am: ChildProcess | null = null;
let amURL = '';
let amOut = '';
let vigil: Alerting;
let vigilServer: ApiServer;
let tmp = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(hook: string): string {
  const recv = (name: string) => `  - name: ${JSON.stringify(name)}\n    webhook_configs: [{url: ${JSON.stringify(`${hook}/${name}`)}}]\n`;
  return `global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 3s
  repeat_interval: 7s
  routes:
    - matchers: [scenario="grouping"]
      receiver: grouping
      group_by: [alertname, cluster]
    - matchers: [scenario="groupall"]
      receiver: groupall
      group_by: ['...']
    - matchers: [scenario="timing"]
      receiver: timing
    - matchers: [scenario="repeat"]
      receiver: team.repeat
    - matchers: [scenario="resolve"]
      receiver: resolve
    - matchers: [scenario="old"]
      receiver: old
    - matchers: [scenario="inhibit"]
      receiver: inhibit
    - matchers: [scenario="silence"]
      receiver: silence
    - matchers: [scenario="continue"]
      receiver: cont-a
      continue: true
    - matchers: [scenario="continue"]
      receiver: cont-b
    - matchers: [scenario="continue"]
      receiver: cont-never
    - matchers: [scenario="mute", kind="muted"]
      receiver: mute
      mute_time_intervals: [always]
    - matchers: [scenario="mute"]
      receiver: mute
      mute_time_intervals: [never]
    - matchers: [scenario="active", kind="inactive"]
      receiver: active
      active_time_intervals: [never]
    - matchers: [scenario="active"]
      receiver: active
      active_time_intervals: [always]
receivers:
${['default', 'grouping', 'groupall', 'timing', 'team.repeat', 'resolve', 'old', 'inhibit', 'silence', 'cont-a', 'cont-b', 'cont-never', 'mute', 'active'].map(recv).join('')}inhibit_rules:
  - source_matchers: [scenario="inhibit", severity="critical"]
    target_matchers: [scenario="inhibit", severity="warning"]
    equal: [cluster]
time_intervals:
  - name: always
    time_intervals: [{weekdays: ['sunday:saturday']}]
  - name: never
    time_intervals: [{years: ['1999']}]
`;
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`alertmanager did not become ready: ${amOut}`);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-peer-'));
  capture = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        captured.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        // not JSON: not ours
      }
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  captureURL = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
  const yml = config(captureURL);
  const file = path.join(tmp, 'alertmanager.yml');
  fs.writeFileSync(file, yml);

  // Vigil: the alerting subsystem behind its routes on a loopback API server.
  vigil = new Alerting({ dataDir: path.join(tmp, 'vigil'), externalURL: 'http://vigil.invalid' });
  vigilServer = await startServer({ host: '127.0.0.1', port: 0, routes: new RouteTable(vigil.routes()), uiDir: null });
  vigil.setExternalURL(vigilServer.url);
  vigil.applyConfig(loadAlertmanagerConfig(yml, file));

  // Alertmanager, clustering off, on a free loopback port.
  const port = await freePort();
  amURL = `http://127.0.0.1:${port}`;
  am = spawn(AM_BIN, [`--config.file=${file}`, `--storage.path=${path.join(tmp, 'am')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', `--web.external-url=${amURL}`, '--log.level=debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
  am.stdout!.on('data', (d: Buffer) => (amOut = (amOut + d.toString()).slice(-50_000)));
  am.stderr!.on('data', (d: Buffer) => (amOut = (amOut + d.toString()).slice(-50_000)));
  await waitReady(amURL, 20_000);
}, 60_000);

afterAll(async () => {
  if (am && am.pid !== undefined && am.exitCode === null) {
    const exited = new Promise((r) => am!.once('exit', r));
    process.kill(am.pid, 'SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (am.exitCode === null && am.signalCode === null) process.kill(am.pid, 'SIGKILL');
  }
  await vigil?.stop();
  await vigilServer?.close();
  capture?.closeAllConnections();
  await new Promise((r) => capture?.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface PostAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

/** both sends the same request to Alertmanager and Vigil at (nearly) the same moment. */
async function both(method: string, p: string, body?: unknown): Promise<[any, any]> {
  const send = async (base: string) => {
    const r = await fetch(`${base}${p}`, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${base}${p}: ${r.status} ${text}`);
    return text === '' ? null : JSON.parse(text);
  };
  return Promise.all([send(amURL), send(vigilServer.url)]);
}

const post = (alerts: PostAlert[]) => both('POST', '/api/v2/alerts', alerts);

function alert(scenario: string, alertname: string, labels: Record<string, string> = {}, startsAt: string, extra: Partial<PostAlert> = {}): PostAlert {
  return { labels: { alertname, scenario, ...labels }, annotations: { summary: `${alertname} ${Object.values(labels).join(' ')}`.trim() }, startsAt, ...extra };
}

/** normalized is what is compared of one notification. */
function normalized(b: Record<string, any>) {
  return {
    receiver: b.receiver,
    groupKey: b.groupKey,
    status: b.status,
    groupLabels: b.groupLabels,
    commonLabels: b.commonLabels,
    commonAnnotations: b.commonAnnotations,
    version: b.version,
    truncatedAlerts: b.truncatedAlerts,
    alerts: (b.alerts as any[]).map((a) => ({ status: a.status, labels: a.labels, fingerprint: a.fingerprint, startsAt: a.startsAt, endsAt: a.status === 'firing' ? a.endsAt : 'set' })),
  };
}

function bySource(url: string): Map<string, ReturnType<typeof normalized>[]> {
  const out = new Map<string, ReturnType<typeof normalized>[]>();
  for (const c of captured.filter((x) => x.body.externalURL === url).sort((a, b) => a.at - b.at)) {
    const k = `${c.body.receiver} ${c.body.groupKey}`;
    out.set(k, [...(out.get(k) ?? []), normalized(c.body)]);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('dispatching compared with Alertmanager 0.25', () => {
  let amMap = new Map<string, ReturnType<typeof normalized>[]>();
  let vigilMap = new Map<string, ReturnType<typeof normalized>[]>();

  it('sends the same notification groups for the scenario table', async () => {
    const t0 = Date.now();
    const at = (s: number) => sleep(Math.max(0, t0 + s * 1000 - Date.now()));
    const iso = () => new Date().toISOString();
    const start = iso();

    // A silence on one of the silence scenario's alerts, created in both.
    const silence = { matchers: [{ name: 'instance', value: 's1', isRegex: false, isEqual: true }], startsAt: start, endsAt: new Date(t0 + 3600_000).toISOString(), createdBy: 'peer-test', comment: 'peer' };
    const [amSil, vigilSil] = await both('POST', '/api/v2/silences', silence);

    // t=0: every scenario's first alerts.
    await post([
      alert('grouping', 'G', { cluster: 'c1', instance: 'i1' }, start),
      alert('grouping', 'G', { cluster: 'c1', instance: 'i2' }, start),
      alert('grouping', 'G', { cluster: 'c2', instance: 'i3' }, start),
      alert('groupall', 'GA', { instance: 'x1' }, start),
      alert('groupall', 'GA', { instance: 'x2' }, start),
      alert('timing', 'T', { instance: 't1' }, start),
      alert('repeat', 'R', { instance: 'r1' }, start),
      alert('resolve', 'X', { instance: 'x1' }, start),
      alert('resolve', 'X', { instance: 'x2' }, start),
      // Older than group_wait: its new group flushes at once.
      alert('old', 'O', { instance: 'o1' }, new Date(t0 - 60_000).toISOString()),
      alert('inhibit', 'Crit', { cluster: 'c1', severity: 'critical' }, start),
      alert('inhibit', 'Warn', { cluster: 'c1', severity: 'warning', instance: 'w1' }, start),
      alert('inhibit', 'Warn', { cluster: 'c2', severity: 'warning', instance: 'w2' }, start),
      alert('silence', 'S', { instance: 's1' }, start),
      alert('silence', 'S', { instance: 's2' }, start),
      alert('continue', 'C', { instance: 'c1' }, start),
      alert('mute', 'M', { kind: 'muted' }, start),
      alert('mute', 'M', { kind: 'open' }, start),
      alert('active', 'N', { kind: 'inactive' }, start),
      alert('active', 'N', { kind: 'open' }, start),
    ]);
    // t=0.4: joins the timing group before its first flush (t=1).
    await at(0.4);
    await post([alert('timing', 'T', { instance: 't2' }, iso())]);
    // t=2.5: after the first flush, so it waits for the tick at t=4.
    await at(2.5);
    await post([alert('timing', 'T', { instance: 't3' }, iso())]);
    // t=5.5: a resolve, the source of the inhibition resolves, the silence expires (tick at t=7).
    await at(5.5);
    const now = iso();
    await post([alert('resolve', 'X', { instance: 'x1' }, start, { endsAt: now }), alert('inhibit', 'Crit', { cluster: 'c1', severity: 'critical' }, start, { endsAt: now })]);
    await Promise.all([fetch(`${amURL}/api/v2/silence/${amSil.silenceID}`, { method: 'DELETE' }), fetch(`${vigilServer.url}/api/v2/silence/${vigilSil.silenceID}`, { method: 'DELETE' })]);
    // Until t=14.5: the repeats of t=10 and t=13 have happened, the next ones (t=16) not.
    await at(14.5);

    amMap = bySource(amURL);
    vigilMap = bySource(vigilServer.url);
    expect(amMap.size).toBeGreaterThan(10);
    expect([...vigilMap.keys()]).toEqual([...amMap.keys()]);
    for (const [k, list] of amMap) expect({ k, list: vigilMap.get(k) }).toEqual({ k, list });
  }, 40_000);

  it('covers each scenario as intended (Alertmanager\'s own behaviour, the reference)', () => {
    const seq = (recv: string, key: string) => (amMap.get(`${recv} ${key}`) ?? []).map((n) => n.alerts.map((a) => `${a.labels.instance ?? a.labels.kind ?? a.labels.alertname}:${a.status}`).join(','));
    expect(seq('grouping', '{}/{scenario="grouping"}:{alertname="G", cluster="c1"}')).toEqual(['i1:firing,i2:firing', 'i1:firing,i2:firing']);
    expect(seq('timing', '{}/{scenario="timing"}:{alertname="T"}')).toEqual(['t1:firing,t2:firing', 't1:firing,t2:firing,t3:firing', 't1:firing,t2:firing,t3:firing']);
    expect(seq('team\\.repeat', '{}/{scenario="repeat"}:{alertname="R"}')).toEqual(['r1:firing', 'r1:firing']);
    expect(seq('resolve', '{}/{scenario="resolve"}:{alertname="X"}')).toEqual(['x1:firing,x2:firing', 'x1:resolved,x2:firing']);
    expect(seq('old', '{}/{scenario="old"}:{alertname="O"}')).toEqual(['o1:firing', 'o1:firing']);
    for (const url of [amURL, vigilServer.url]) {
      const first = captured.filter((c) => c.body.externalURL === url && c.body.receiver === 'old').sort((a, b) => a.at - b.at)[0]!;
      const timing = captured.filter((c) => c.body.externalURL === url && c.body.receiver === 'timing').sort((a, b) => a.at - b.at)[0]!;
      expect(first.at).toBeLessThan(timing.at - 500);
    }
    expect(seq('inhibit', '{}/{scenario="inhibit"}:{alertname="Warn"}')).toEqual(['w2:firing', 'w1:firing,w2:firing']);
    expect(seq('silence', '{}/{scenario="silence"}:{alertname="S"}')).toEqual(['s2:firing', 's1:firing,s2:firing']);
    expect(seq('cont-a', '{}/{scenario="continue"}:{alertname="C"}')).toHaveLength(2);
    expect(seq('cont-b', '{}/{scenario="continue"}:{alertname="C"}')).toHaveLength(2);
    expect([...amMap.keys()].some((k) => k.startsWith('cont-never'))).toBe(false);
    expect(seq('mute', '{}/{kind="muted",scenario="mute"}:{alertname="M"}')).toEqual([]);
    expect(seq('mute', '{}/{scenario="mute"}:{alertname="M"}')).toEqual(['open:firing', 'open:firing']);
    expect(seq('active', '{}/{kind="inactive",scenario="active"}:{alertname="N"}')).toEqual([]);
    expect(seq('active', '{}/{scenario="active"}:{alertname="N"}')).toEqual(['open:firing', 'open:firing']);
  });

  it('GET /api/v2/alerts and /api/v2/alerts/groups answer the same (times of receipt aside)', async () => {
    const strip = (x: any): any => (Array.isArray(x) ? x.map(strip) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'updatedAt' && k !== 'endsAt').map(([k, v]) => [k, strip(v)])) : x);
    for (const q of ['', '?active=false', '?filter=scenario%3D%22grouping%22', '?filter=alertname%3D~%22G.*%22&filter=instance!%3D%22i1%22', '?receiver=cont-.*', '?silenced=false&inhibited=false']) {
      const [a, v] = await both('GET', `/api/v2/alerts${q}`);
      expect(strip(v)).toEqual(strip(a));
      const [ga, gv] = await both('GET', `/api/v2/alerts/groups${q}`);
      // Groups with equal labels and receiver (two routes) come in no fixed order from Alertmanager.
      const order = (gs: any[]) => strip(gs).sort((x: any, y: any) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
      expect(order(gv)).toEqual(order(ga));
      expect(gv.map((g: any) => [g.labels, g.receiver.name])).toEqual(ga.map((g: any) => [g.labels, g.receiver.name]));
    }
    const [ra, rv] = await both('GET', '/api/v2/receivers');
    expect(rv).toEqual(ra);
    const [sa, sv] = await both('GET', '/api/v2/status');
    const shape = (x: any): any => (Array.isArray(x) ? [] : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, shape(x[k])])) : typeof x);
    expect(shape(sv)).toEqual(shape(sa));
    expect([sv.cluster.status, sv.versionInfo.version]).toEqual([sa.cluster.status, sa.versionInfo.version]);
    // A bad filter is a 400 with a message from both.
    const bad = await Promise.all([amURL, vigilServer.url].map(async (u) => (await fetch(`${u}/api/v2/alerts?filter=%7Bbroken`)).status));
    expect(bad).toEqual([400, 400]);
    // Invalid alerts are refused with 400 by both (the valid ones of a batch are kept).
    for (const body of [[{ labels: {} }], [{ labels: { alertname: 'Bad' }, startsAt: '2026-01-01T00:00:10Z', endsAt: '2026-01-01T00:00:00Z' }], [{ labels: { 'bad-name': 'x' } }], { labels: { a: 'b' } }]) {
      const codes = await Promise.all([amURL, vigilServer.url].map(async (u) => (await fetch(`${u}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status));
      expect({ body, codes }).toEqual({ body, codes: [400, 400] });
    }
  });

  it('amtool alert query lists the same alerts from both', async () => {
    const q = async (url: string, args: string[]) => {
      const r = await run(AMTOOL, [`--alertmanager.url=${url}`, 'alert', 'query', ...args], { timeoutMs: 20_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return r.stdout;
    };
    for (const args of [[], ['scenario=grouping'], ['-o', 'json', 'alertname=~"G|T"'], ['--silenced', '--inhibited', 'scenario=~"inhibit|silence"'], ['--receiver=cont-a']]) {
      const [a, v] = await Promise.all([q(amURL, args), q(vigilServer.url, args)]);
      if (args.includes('json')) {
        const norm = (s: string) => (JSON.parse(s) as any[]).map((x) => ({ ...x, updatedAt: 'x', endsAt: 'x' }));
        expect(norm(v)).toEqual(norm(a));
      } else {
        expect(v).toBe(a);
      }
      expect(a.trim()).not.toBe('');
    }
  });
});
