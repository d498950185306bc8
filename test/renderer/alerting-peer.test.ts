/**
 * The silence form's logic against the real Alertmanager 0.25 (/usr/bin/prometheus-alertmanager
 * on a loopback port, and amtool): matcher lists parse to the same matchers amtool sends, the
 * lists amtool refuses are refused, the form refuses what Alertmanager refuses, and the preview
 * names the alerts Alertmanager then marks as silenced by that silence.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmAlert, AmSilence } from '../../src/common/api/alerting';
import { formatMatchers, fromAmMatchers, newForm, parseMatchers, previewAlerts, toParams, validateForm, type MatcherRow } from '../../src/renderer/pages/silences/model';
import { goQuote } from '../../src/common/util/go/strconv';
import { freePort, run } from '../peers/prometheus';

const AM = '/usr/bin/prometheus-alertmanager';
const AMTOOL = '/usr/bin/amtool';

let child: ChildProcess | undefined;
let url = '';
let dir = '';

async function req<T>(method: string, p: string, body?: unknown): Promise<{ status: number; data: T | string }> {
  const r = await fetch(`${url}${p}`, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data: T | string = text;
  try {
    data = JSON.parse(text) as T;
  } catch {
    // not JSON: the error text
  }
  return { status: r.status, data };
}

beforeAll(async () => {
  for (const b of [AM, AMTOOL]) if (!fs.existsSync(b)) throw new Error(`${b} is missing: the prometheus-alertmanager package provides it`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-am-peer-'));
  fs.writeFileSync(path.join(dir, 'am.yml'), 'route: {receiver: none, group_wait: 1h}\nreceivers: [{name: none}]\n');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(AM, [`--config.file=${path.join(dir, 'am.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const end = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > end || child.exitCode !== null) throw new Error(`alertmanager did not become ready: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // A few alerts to silence.
  const endsAt = new Date(Date.now() + 3_600_000).toISOString();
  const alerts = [
    { alertname: 'DiskFull', severity: 'critical', cluster: 'c1' },
    { alertname: 'DiskFull', severity: 'warning', cluster: 'c2' },
    { alertname: 'PodCrash', severity: 'warning', cluster: 'c1', pod: 'web-1' },
    { alertname: 'Watchdog', cluster: 'c1' },
    { alertname: 'Odd', cluster: 'c1', note: 'a "quoted" value, with a comma' },
  ];
  const r = await req('POST', '/api/v2/alerts', alerts.map((labels) => ({ labels, annotations: {}, endsAt })));
  expect(r.status).toBe(200);
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const c = child;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 5000).unref();
    });
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function amtoolAdd(matchers: string[]): Promise<{ id: string | null; out: string }> {
  const r = await run(AMTOOL, ['silence', 'add', `--alertmanager.url=${url}`, '--author=peer', '--comment=test', '--duration=1h', ...matchers], { timeoutMs: 20_000 });
  return { id: r.code === 0 ? r.stdout.trim() : null, out: r.stdout + r.stderr };
}

/** amRoutes has Alertmanager read each list as a route's `matchers` entry and returns the routing tree amtool prints (one matcher list per route). */
async function amRoutes(lists: string[]): Promise<{ code: number | null; routes: string[]; out: string }> {
  const file = path.join(dir, `routes-${Math.random().toString(36).slice(2)}.yml`);
  fs.writeFileSync(file, ['route:', '  receiver: none', '  routes:', ...lists.map((l) => `    - {receiver: none, matchers: [${JSON.stringify(l)}]}`), 'receivers: [{name: none}]', ''].join('\n'));
  const r = await run(AMTOOL, ['config', 'routes', `--config.file=${file}`], { timeoutMs: 20_000 });
  const routes = r.stdout
    .split('\n')
    .map((l) => /[├└]── (\{.*\})  receiver: none$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
  return { code: r.code, routes, out: r.stdout + r.stderr };
}

/**
 * printedByAm renders rows as amtool prints a route's matchers: sorted (name, then operator, then
 * value, as labels.Matchers sorts), values with Go's %q, no spaces.
 */
function printedByAm(rows: MatcherRow[]): string {
  const order = ['=', '!=', '=~', '!~'];
  const sorted = [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : order.indexOf(a.op) - order.indexOf(b.op) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)));
  return `{${sorted.map((r) => `${r.name}${r.op}${goQuote(r.value)}`).join(',')}}`;
}

describe('matcher lists, as Alertmanager reads them', () => {
  const cases = [
    '{alertname="DiskFull"}',
    '{alertname="DiskFull", severity=~"crit.*"}',
    'alertname="DiskFull",cluster!="c2"',
    '{cluster!~"c[23]", alertname=~"Disk.*|Pod.*"}',
    'alertname=DiskFull, severity=warning',
    '{ alertname = "DiskFull" , severity != "info" }',
    '{note="a \\"quoted\\" value, with a comma"}',
    '{alertname="tab\\there", x="\\\\", y="two\\nlines", z="\\q"}',
  ];

  it('each list gives the matchers Alertmanager reads from it (its routing tree printed by amtool)', async () => {
    const r = await amRoutes(cases);
    expect(r.code, r.out).toBe(0);
    expect(r.routes).toHaveLength(cases.length);
    expect(cases.map((c) => printedByAm(parseMatchers(c)))).toEqual(r.routes);
  });

  it('both take a list with a missing brace', async () => {
    const r = await amRoutes(['{alertname="DiskFull"', 'alertname="DiskFull"}']);
    expect(r.code, r.out).toBe(0);
    expect([printedByAm(parseMatchers('{alertname="DiskFull"')), printedByAm(parseMatchers('alertname="DiskFull"}'))]).toEqual(r.routes);
  });

  for (const bad of ['{alertname "DiskFull"}', '{alertname="Disk}', '{a="b" c="d"}']) {
    it(`${bad} is refused by both`, async () => {
      const r = await amRoutes([bad]);
      expect(r.code, r.out).not.toBe(0);
      expect(() => parseMatchers(bad)).toThrow();
    });
  }

  for (const c of cases) {
    it(`${c}: each matcher the form sends, as amtool sends it, is the one the silence holds`, async () => {
      const ours = parseMatchers(c);
      const { id, out } = await amtoolAdd(ours.map((m) => formatMatchers([m]).slice(1, -1)));
      expect(id, out).toMatch(/^[0-9a-f-]{36}$/);
      const s = await req<AmSilence>('GET', `/api/v2/silence/${id}`);
      expect(s.status).toBe(200);
      const key = (rows: MatcherRow[]): string[] => rows.map((r) => `${r.name}${r.op}${JSON.stringify(r.value)}`).sort();
      expect(key(fromAmMatchers((s.data as AmSilence).matchers))).toEqual(key(ours));
    });
  }
});

describe('the form refuses what Alertmanager refuses', () => {
  const now = Date.now();
  const base = { ...newForm(now + 1000, [{ name: 'alertname', op: '=', value: 'DiskFull' }], 'peer'), comment: 'c' };
  const variants: [string, typeof base][] = [
    ['a complete silence', base],
    ['only matchers that match the empty string', { ...base, rows: [{ name: 'alertname', op: '=~', value: '.*' }] }],
    ['an end before the start', { ...base, endMode: 'end', endsAt: now - 60_000 }],
    ['an invalid regex', { ...base, rows: [{ name: 'alertname', op: '=~', value: '(' }] }],
  ];
  for (const [what, f] of variants) {
    it(what, async () => {
      const p = toParams(f);
      const rows = f.rows;
      const matchers = rows.map((r) => ({ name: r.name, value: r.value, isRegex: r.op.endsWith('~'), isEqual: !r.op.startsWith('!') }));
      const endsAt = p.endsAt ?? new Date(f.startsAt + 2 * 3_600_000).toISOString();
      const r = await req<{ silenceID: string }>('POST', '/api/v2/silences', { matchers, startsAt: p.startsAt, endsAt, createdBy: p.createdBy, comment: p.comment });
      const ours = validateForm(f);
      expect(Object.keys(ours).length === 0, `ours: ${JSON.stringify(ours)}; Alertmanager: ${r.status} ${JSON.stringify(r.data)}`).toBe(r.status === 200);
    });
  }
});

describe('the preview', () => {
  it('has alerts to select', async () => {
    expect(((await req<AmAlert[]>('GET', '/api/v2/alerts')).data as AmAlert[]).length).toBe(5);
  });

  const sets: MatcherRow[][] = [
    [{ name: 'alertname', op: '=', value: 'DiskFull' }],
    [{ name: 'severity', op: '=~', value: 'crit' }],
    [{ name: 'severity', op: '=~', value: 'crit.*|warn.*' }, { name: 'cluster', op: '!=', value: 'c2' }],
    [{ name: 'severity', op: '!~', value: '.+' }, { name: 'cluster', op: '=', value: 'c1' }],
    [{ name: 'pod', op: '!=', value: '' }],
    [{ name: 'note', op: '=~', value: '.*"quoted".*' }],
  ];
  for (const rows of sets) {
    it(`${formatMatchers(rows)} names the alerts Alertmanager silences`, async () => {
      const before = await req<AmAlert[]>('GET', '/api/v2/alerts');
      const all = before.data as AmAlert[];
      const predicted = previewAlerts(rows, all).map((a) => a.fingerprint).sort();
      const matchers = rows.map((r) => ({ name: r.name, value: r.value, isRegex: r.op.endsWith('~'), isEqual: !r.op.startsWith('!') }));
      const s = await req<{ silenceID: string }>('POST', '/api/v2/silences', { matchers, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 600_000).toISOString(), createdBy: 'peer', comment: 'preview' });
      expect(s.status).toBe(200);
      const id = (s.data as { silenceID: string }).silenceID;
      const after = (await req<AmAlert[]>('GET', '/api/v2/alerts')).data as AmAlert[];
      const silenced = after.filter((a) => a.status.silencedBy.includes(id)).map((a) => a.fingerprint).sort();
      expect(predicted).toEqual(silenced);
      await req('DELETE', `/api/v2/silence/${id}`);
    });
  }
});
