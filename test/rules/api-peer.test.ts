/**
 * /api/v1/rules's match[] (label matchers on the rules' labels) and group_limit /
 * group_next_token pagination against the reference Prometheus 3.14, given the same two rule
 * files: the same groups and rules, the same next tokens, and the same errors for bad parameters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../src/main/host/core';
import { nopLogger } from '../../src/main/util/log';
import { findPrometheus, freePort } from '../peers/prometheus';

const A = `groups:
  - name: alpha
    rules:
      - alert: PageMe
        expr: vector(1)
        labels: { severity: page, team: a }
      - alert: TicketMe
        expr: vector(1)
        labels: { severity: ticket, team: b }
      - record: job:x:sum
        expr: vector(2)
        labels: { team: a }
  - name: beta
    labels: { team: c }
    rules:
      - alert: GroupLabelled
        expr: vector(1)
        labels: { severity: page }
      - record: beta:y
        expr: vector(3)
`;
const B = `groups:
  - name: gamma
    rules:
      - alert: NoLabels
        expr: vector(1)
  - name: delta
    rules:
      - record: delta:z
        expr: vector(4)
        labels: { severity: page }
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rules-api-peer-'));
let prom: ChildProcess | null = null;
let promURL = '';
let promLog = '';
let core: Core | null = null;

beforeAll(async () => {
  fs.writeFileSync(path.join(dir, 'a.rules.yml'), A);
  fs.writeFileSync(path.join(dir, 'b.rules.yml'), B);
  const cfg = ['global:', '  evaluation_interval: 1s', `rule_files: [${JSON.stringify(path.join(dir, 'a.rules.yml'))}, ${JSON.stringify(path.join(dir, 'b.rules.yml'))}]`, ''].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), cfg);
  const peer = await findPrometheus();
  console.log(peer.note);
  const port = await freePort();
  prom = spawn(peer.prometheus, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'prom-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  prom.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
  promURL = `http://127.0.0.1:${port}`;
  // The starter pack is switched off: only the two files are compared.
  const data = path.join(dir, 'vigil-data');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'settings.json'), JSON.stringify({ rules: { starter: { enabled: false } } }));
  core = await startCore({ dataDir: data, configFile: path.join(dir, 'prometheus.yml'), host: '127.0.0.1', port: 0, demo: false, uiDir: null, logger: nopLogger, defaultJobs: false });
  for (const url of [promURL, core.url]) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const r = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: unknown[] } };
        if (r.data.groups.length === 4) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`${url} did not load the rules\n${promLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
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
  fs.rmSync(dir, { recursive: true, force: true });
});

type Body = { status: string; errorType?: string; error?: string; data?: { groups: { name: string; file: string; rules: { name: string; labels: Record<string, string> }[] }[]; groupNextToken?: string } };

async function get(base: string, params: [string, string][]): Promise<{ code: number; body: Body }> {
  const qs = new URLSearchParams(params).toString();
  const r = await fetch(`${base}/api/v1/rules${qs ? `?${qs}` : ''}`);
  return { code: r.status, body: (await r.json()) as Body };
}

const shape = (b: Body): unknown =>
  b.status === 'success'
    ? { groups: b.data!.groups.map((g) => ({ name: g.name, file: g.file, rules: g.rules.map((r) => [r.name, r.labels]) })), groupNextToken: b.data!.groupNextToken }
    : { errorType: b.errorType, error: b.error };

describe('/api/v1/rules against Prometheus 3.14', () => {
  const cases: [string, [string, string][]][] = [
    ['all', []],
    ['match[] one set', [['match[]', '{severity="page"}']]],
    ['match[] regex', [['match[]', '{team=~"a|c"}']]],
    ['match[] sets are ORed', [['match[]', '{severity="page"}'], ['match[]', '{team="b"}']]],
    ['match[] matchers in a set are ANDed', [['match[]', '{severity="page", team="a"}']]],
    ['match[] != an absent label', [['match[]', '{severity!="page", severity!=""}']]],
    ['match[] with a metric name (rules have none)', [['match[]', 'up{severity="page"}']]],
    ['match[] and type', [['match[]', '{severity="page"}'], ['type', 'record']]],
    ['group_limit 1', [['group_limit', '1']]],
    ['group_limit 3', [['group_limit', '3']]],
    ['group_limit 10', [['group_limit', '10']]],
    ['group_limit with a filter', [['group_limit', '1'], ['match[]', '{severity="page"}']]],
    ['bad: empty matchers only', [['match[]', '{severity=~".*"}']]],
    ['bad: match[] syntax', [['match[]', '{severity="page"']]],
    ['bad: group_limit 0', [['group_limit', '0']]],
    ['bad: group_limit not a number', [['group_limit', 'x']]],
    ['bad: group_next_token without group_limit', [['group_next_token', 'abc']]],
    ['bad: unknown group_next_token', [['group_limit', '1'], ['group_next_token', 'abc']]],
  ];
  for (const [name, params] of cases) {
    it(name, async () => {
      const [mine, theirs] = await Promise.all([get(core!.url, params), get(promURL, params)]);
      expect(shape(mine.body)).toEqual(shape(theirs.body));
      expect(mine.code).toBe(theirs.code);
    });
  }

  it('paging with group_limit 1 walks the same groups with the same tokens', async () => {
    const walk = async (base: string): Promise<string[]> => {
      const seen: string[] = [];
      let token = '';
      for (let i = 0; i < 10; i++) {
        const r = await get(base, [['group_limit', '1'], ...(token ? ([['group_next_token', token]] as [string, string][]) : [])]);
        expect(r.body.status).toBe('success');
        seen.push(...r.body.data!.groups.map((g) => g.name), r.body.data!.groupNextToken ?? '');
        token = r.body.data!.groupNextToken ?? '';
        if (token === '') break;
      }
      return seen;
    };
    const [mine, theirs] = await Promise.all([walk(core!.url), walk(promURL)]);
    expect(mine).toEqual(theirs);
    expect(mine.filter((x) => !/^[0-9a-f]{64}$/.test(x) && x !== '')).toEqual(['alpha', 'beta', 'delta', 'gamma']);
  });
});
