/**
 * Vigil and a real Prometheus given the same rule file and the same data (a static target this
 * test serves on loopback with fixed series): /api/v1/alerts and /api/v1/rules must agree on
 * states, labels, annotations after templating (the template functions included) and values.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../src/main/host/core';
import { nopLogger } from '../../src/main/util/log';
import { findPrometheus, freePort } from '../peers/prometheus';

const RULES = `groups:
  - name: peer
    interval: 1s
    rules:
      - record: job:temp:max
        expr: max by (job) (temp_celsius)
      - alert: Hot
        expr: temp_celsius > 50
        labels:
          severity: '{{ if gt $value 80.0 }}critical{{ else }}warning{{ end }}'
          room_upper: '{{ $labels.room | toUpper }}'
        annotations:
          summary: '{{ $labels.room }} is {{ $value }} ({{ printf "%.2f|%s|%d|%v|%q" $value "s" 3 1.5 "q" }}, {{ humanize $value }})'
          humanized: '{{ humanizePercentage 0.1234 }} {{ humanize1024 1048576 }} {{ humanizeDuration 3725 }} {{ humanizeTimestamp 1435065584.128 }} {{ humanize 0.0012 }}'
          queried: '{{ with query "max(temp_celsius)" }}{{ . | first | value }}{{ end }} {{ range query "temp_celsius" }}{{ .Labels.room }}={{ .Value }} {{ end }}{{ query "temp_celsius" | first | label "room" }}'
          strings: '{{ reReplaceAll "(.*)-(.*)" "$2/$1" $labels.room }} {{ title "hot room" }} {{ toLower "ABC" }} {{ match "^lab" $labels.room }} {{ len $labels }} {{ $x := 2 }}{{ if and (ne $x 3) (not false) }}ok{{ end }}'
          failing: '{{ query "nope" | first | value }}'
          data: '{{ $externalLabels.site }} {{ .Labels.room }} {{ .Value }} {{ range $k, $v := .Labels }}{{ $k }}:{{ $v }},{{ end }}'
      - alert: Waiting
        expr: temp_celsius > 0
        for: 1h
        labels: { team: ops }
      - alert: Never
        expr: temp_celsius > 1000
`;

const METRICS = ['# TYPE temp_celsius gauge', 'temp_celsius{room="lab-a"} 81.5', 'temp_celsius{room="lab-b"} 55.25', 'temp_celsius{room="office-c"} 21', ''].join('\n');

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  value: string;
  activeAt?: string;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rules-peer-'));
let target: http.Server;
let prom: ChildProcess | null = null;
let promURL = '';
let core: Core | null = null;
let promLog = '';

beforeAll(async () => {
  target = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(METRICS);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const tport = (target.address() as AddressInfo).port;
  fs.writeFileSync(path.join(dir, 'rules.yml'), RULES);
  const config = (rules: string): string =>
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      '  external_labels: { site: berlin }',
      `rule_files: [${JSON.stringify(rules)}]`,
      'scrape_configs:',
      '  - job_name: temps',
      '    static_configs:',
      `      - targets: ["127.0.0.1:${tport}"]`,
      '',
    ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config(path.join(dir, 'rules.yml')));
  const peer = await findPrometheus();
  console.log(peer.note);
  const port = await freePort();
  prom = spawn(peer.prometheus, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'prom-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prom.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
  promURL = `http://127.0.0.1:${port}`;
  // The starter pack is switched off: the comparison is about this file's rules.
  fs.mkdirSync(path.join(dir, 'vigil-data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'vigil-data', 'settings.json'), JSON.stringify({ rules: { starter: { enabled: false } } }));
  core = await startCore({ dataDir: path.join(dir, 'vigil-data'), configFile: path.join(dir, 'prometheus.yml'), host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, defaultJobs: false });
}, 60_000);

afterAll(async () => {
  await core?.stop();
  if (prom && prom.exitCode === null) {
    const p = prom;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.kill('SIGTERM');
      setTimeout(() => p.kill('SIGKILL'), 5000).unref();
    });
  }
  await new Promise((r) => target.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function json<T>(url: string): Promise<T> {
  const r = await fetch(url);
  return ((await r.json()) as { data: T }).data;
}

const key = (a: ApiAlert): string => JSON.stringify(Object.entries(a.labels).sort());

/** settled waits (bounded) until both have the 2 firing and 3 pending alerts the data gives. */
async function alertsOf(url: string): Promise<ApiAlert[]> {
  const deadline = Date.now() + 30_000;
  let last: ApiAlert[] = [];
  while (Date.now() < deadline) {
    try {
      last = (await json<{ alerts: ApiAlert[] }>(`${url}/api/v1/alerts`)).alerts;
      if (last.filter((a) => a.state === 'firing').length === 2 && last.filter((a) => a.state === 'pending').length === 3) return last.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url}: alerts did not settle: ${JSON.stringify(last)}\n${promLog}`);
}

const strip = (a: ApiAlert): Omit<ApiAlert, 'activeAt'> => ({ labels: a.labels, annotations: a.annotations, state: a.state, value: a.value });

describe('rules against Prometheus', () => {
  it('/api/v1/alerts agrees: states, labels, annotations after templating, values', async () => {
    const [mine, theirs] = await Promise.all([alertsOf(core!.url), alertsOf(promURL)]);
    expect(mine.map(strip)).toEqual(theirs.map(strip));
    // and the comparison is about something: the templates expanded to real text
    const hot = mine.find((a) => a.labels.alertname === 'Hot' && a.labels.room === 'lab-a')!;
    expect(hot.labels.severity).toBe('critical');
    expect(hot.annotations.summary).toBe('lab-a is 81.5 (81.50|s|3|1.5|"q", 81.5)');
    expect(hot.annotations.queried).toBe('81.5 lab-a=81.5 lab-b=55.25 office-c=21 lab-a');
    expect(hot.annotations.failing).toMatch(/^<error expanding template: error executing template __alert_Hot: template: __alert_Hot:1:\d+: executing "__alert_Hot" at <first>: error calling first: first\(\) called on vector with no elements>$/);
    expect(hot.value).toBe('8.15e+01');
    for (const a of mine) expect(a.activeAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  }, 45_000);

  it('/api/v1/rules agrees on the rules, their state, health and alerts', async () => {
    await Promise.all([alertsOf(core!.url), alertsOf(promURL)]);
    type Rules = { groups: { name: string; file: string; interval: number; limit: number; rules: Record<string, unknown>[] }[] };
    const [mine, theirs] = await Promise.all([json<Rules>(`${core!.url}/api/v1/rules`), json<Rules>(`${promURL}/api/v1/rules`)]);
    const shape = (r: Rules): unknown =>
      r.groups.map((g) => ({
        name: g.name,
        file: g.file,
        interval: g.interval,
        rules: g.rules.map((x) => {
          const { evaluationTime, lastEvaluation, alerts, ...rest } = x as { evaluationTime: number; lastEvaluation: string; alerts?: ApiAlert[] };
          expect(typeof evaluationTime).toBe('number');
          expect(lastEvaluation).toMatch(/^\d{4}-/);
          return { ...rest, ...(alerts ? { alerts: alerts.map(strip).sort((a, b) => (key(a as ApiAlert) < key(b as ApiAlert) ? -1 : 1)) } : {}) };
        }),
      }));
    expect(shape(mine)).toEqual(shape(theirs));
    const rules = mine.groups[0]!.rules;
    expect(rules.map((r) => [r.name, r.state ?? r.type, r.health])).toEqual([
      ['job:temp:max', 'recording', 'ok'],
      ['Hot', 'firing', 'ok'],
      ['Waiting', 'pending', 'ok'],
      ['Never', 'inactive', 'ok'],
    ]);
    // The recording rule's series is queryable in both.
    const q = async (u: string): Promise<string> => (await json<{ result: { value: [number, string] }[] }>(`${u}/api/v1/query?query=job:temp:max`)).result[0]?.value[1] ?? '';
    expect(await q(core!.url)).toBe('81.5');
    expect(await q(promURL)).toBe('81.5');
  }, 45_000);
});
